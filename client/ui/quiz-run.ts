/**
 * `/quiz`: eight replies to read, one after the other, in the terminal (shared/lessons/quiz.ts): each as the server
 * sent it, after the line it answered, with a question and numbered answers; the trainee types the number. Right or
 * not, the terminal says why, and names the lesson that teaches it. At the end, the score and the lessons to read
 * again, in the transcript too (a quiz handed in with it); and the score for the class view. Nothing is sent to any
 * server: the quiz works connected or not.
 */
import { classQuestions, drawQuiz, QUIZ_LENGTH, QUIZ_QUESTIONS, type QuizQuestion } from '../../shared/lessons/quiz.js';
import type { SentKind } from '../../shared/smtp/session-state.js';
import { EOL, formatNote, formatServerLine, ownLine, paint, SGR, wrapOwn } from '../terminal/render.js';

export interface QuizDeps {
  write: (text: string) => void;
  /** A note in the transcript, at `at` (performance.now()). */
  note: (text: string, at: number) => void;
  /** "6 · Refused for now, refused for good": a lesson's number and title on this page, or null. */
  lessonName: (id: string) => string | null;
  /** A quiz was finished: its score (for the class view). */
  scored: (right: number, of: number) => void;
  random?: () => number;
}

/** What a typed answer may be: a number of the answers shown. */
const ANSWER = /^\s*([1-9])\s*\.?\s*$/;

export class QuizRun {
  private questions: QuizQuestion[] | null = null;
  private index = 0;
  private right = 0;
  private readonly missed: QuizQuestion[] = [];

  constructor(private readonly deps: QuizDeps) {}

  get active(): boolean {
    return this.questions !== null;
  }

  /** `/quiz`: a new quiz (over one in hand), and its first question. */
  start(): void {
    this.questions = drawQuiz(this.deps.random ?? Math.random, QUIZ_LENGTH, QUIZ_QUESTIONS, classQuestions());
    this.index = 0;
    this.right = 0;
    this.missed.length = 0;
    this.deps.write(formatNote(`quiz: ${this.questions.length} replies to read, as servers send them. Type the number of your answer and press Enter (/quiz stop ends it; nothing is sent to any server)`));
    this.ask();
  }

  /** `/quiz` while one is in hand: the question again. */
  again(): void {
    if (this.questions === null) return this.start();
    this.ask();
  }

  /** `/quiz stop`: said, and forgotten; the text to write. */
  stop(): string {
    const qs = this.questions;
    if (qs === null) return formatNote('no quiz is running; /quiz starts one');
    this.questions = null;
    return formatNote(`quiz stopped after ${this.index} of ${qs.length} questions, ${this.right} right`);
  }

  /**
   * A typed line: taken as the answer when a question waits, the line would be a command (not message text nor an AUTH
   * answer) and it is one of the numbers shown; true when taken (then it is not sent).
   */
  answer(text: string, kind: SentKind, at: number): boolean {
    const qs = this.questions;
    const q = qs?.[this.index];
    const m = ANSWER.exec(text);
    if (qs === undefined || qs === null || q === undefined || kind !== 'command' || m === null) return false;
    const chosen = Number(m[1]) - 1;
    if (chosen >= q.options.length) {
      this.deps.write(formatNote(`${chosen + 1} is not one of the answers: type 1 to ${q.options.length}`));
      return true;
    }
    const lesson = q.lesson === undefined ? null : this.deps.lessonName(q.lesson);
    const where = lesson === null ? '' : ` (lesson ${lesson})`;
    if (chosen === q.answer) {
      this.right++;
      this.deps.write(ownLine(SGR.green, `  ✓ right: ${q.why}`));
    } else {
      this.missed.push(q);
      this.deps.write(ownLine(SGR.yellow, `  ✗ not that one: ${q.answer + 1}) ${q.options[q.answer] ?? ''}. ${q.why}${where}`));
    }
    this.index++;
    if (this.index < qs.length) this.ask();
    else this.finish(qs.length, at);
    return true;
  }

  private ask(): void {
    const q = this.questions?.[this.index];
    if (q === undefined) return;
    const of = this.questions?.length ?? 0;
    let out = formatNote(`question ${this.index + 1} of ${of}${q.after === '(connection)' ? ', on connecting:' : ', after the client sent:'}`);
    // The lone "." that ends a message is easy to miss alone on its line.
    if (q.after !== '(connection)') out += `   ${paint(SGR.dim, 'C:')} ${q.after}${q.after === '.' ? paint(SGR.dim, '   (the lone dot that ends the message)') : ''}${EOL}`;
    out += `   ${paint(SGR.dim, 'S:')} ${formatServerLine(q.reply, false)}`;
    out += ownLine(SGR.bold, `   ${q.question}`);
    q.options.forEach((o, i) => (out += wrapOwn(`     ${i + 1}) ${o}`) + EOL));
    this.deps.write(out);
  }

  private finish(of: number, at: number): void {
    this.questions = null;
    const again = [...new Set(this.missed.map((q) => q.lesson).filter((l): l is string => l !== undefined))].map((l) => this.deps.lessonName(l)).filter((n): n is string => n !== null);
    const read = again.length === 0 ? '' : `; to read again: lesson ${again.join(', lesson ')}`;
    const verdict = this.right === of ? 'every reply read right' : `${this.right} of ${of} right`;
    this.deps.write(formatNote(`quiz done: ${verdict}${read}. /quiz for another`));
    this.deps.note(`quiz: ${this.right} of ${of} right${this.missed.length === 0 ? '' : ` (missed: ${this.missed.map((q) => q.id).join(', ')})`}`, at);
    this.deps.scored(this.right, of);
  }
}
