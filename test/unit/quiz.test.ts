/**
 * The quiz (`/quiz`): its questions (shared/lessons/quiz.ts) checked against the knowledge base and the lessons they
 * name; drawn in a random order with their answers shuffled, the right one followed; and a run in the terminal
 * (client/ui/quiz-run.ts): answers taken by their number, only where a command would be typed, each said right or not
 * with why, the score in the transcript and for the class view.
 */
import { describe, expect, it } from 'vitest';
import { QuizRun } from '../../client/ui/quiz-run.js';
import { LESSONS } from '../../shared/lessons/catalogue.js';
import { questionInFile, readLessonFile } from '../../shared/lessons/lesson-file.js';
import { drawQuiz, QUIZ_LENGTH, QUIZ_QUESTIONS } from '../../shared/lessons/quiz.js';
import { explainCode, explainEnhanced } from '../../shared/smtp/explain.js';
import { parseReplyLine } from '../../shared/smtp/reply-line.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

/** A seeded generator, as Math.random is used: numbers in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('the quiz questions', () => {
  it('each has a reply the knowledge base explains, distinct answers with one right, and a lesson that exists', () => {
    expect(new Set(QUIZ_QUESTIONS.map((q) => q.id)).size).toBe(QUIZ_QUESTIONS.length);
    // Each reply once: a trainee (and the browser tests) tell the questions apart by it.
    expect(new Set(QUIZ_QUESTIONS.map((q) => q.reply)).size).toBe(QUIZ_QUESTIONS.length);
    expect(QUIZ_QUESTIONS.length).toBeGreaterThanOrEqual(QUIZ_LENGTH);
    for (const q of QUIZ_QUESTIONS) {
      // One whole reply line, its code and its enhanced code (when it has one) explained as the terminal explains them.
      const line = parseReplyLine(q.reply);
      expect([line.problem, line.last], q.id).toEqual([null, true]);
      expect(explainCode(line.code ?? 0).source, q.id).toMatch(/^RFC /);
      if (line.enhanced !== null) expect(explainEnhanced(line.enhanced.text)?.source, q.id).toMatch(/^RFC /);
      expect(q.options.length, q.id).toBeGreaterThanOrEqual(3);
      expect(q.options.length, q.id).toBeLessThanOrEqual(4);
      expect(new Set(q.options).size, q.id).toBe(q.options.length);
      expect(q.answer >= 0 && q.answer < q.options.length, q.id).toBe(true);
      expect(q.why.length, q.id).toBeGreaterThan(20);
      if (q.lesson !== undefined) expect(LESSONS.some((l) => l.id === q.lesson), q.id).toBe(true);
    }
  });

  it('are drawn eight at a time, each once, their answers shuffled and the right one followed', () => {
    const drawn = drawQuiz(seeded(1));
    expect(drawn).toHaveLength(QUIZ_LENGTH);
    expect(new Set(drawn.map((q) => q.id)).size).toBe(QUIZ_LENGTH);
    for (const q of drawn) {
      const original = QUIZ_QUESTIONS.find((o) => o.id === q.id);
      expect(q.options[q.answer]).toBe(original?.options[original.answer]);
      expect([...q.options].sort()).toEqual([...(original?.options ?? [])].sort());
    }
    // The right answer is not always first: over many draws it is found at every place.
    const places = new Set(Array.from({ length: 50 }, (_, i) => drawQuiz(seeded(i + 2), 1)[0]?.answer));
    expect(places).toEqual(new Set([0, 1, 2, 3]));
  });
});

describe('a quiz in the terminal', () => {
  function setUp() {
    const written: string[] = [];
    const notes: string[] = [];
    const scores: [number, number][] = [];
    const quiz = new QuizRun({
      write: (t) => written.push(plain(t)),
      note: (t) => notes.push(t),
      lessonName: (id) => (id === 'refusals' ? '6 · 4xx and 5xx' : `${LESSONS.findIndex((l) => l.id === id) + 1} · x`),
      scored: (right, of) => scores.push([right, of]),
      random: seeded(42),
    });
    return { written, notes, scores, quiz };
  }
  /** The question on screen now, as drawn with the same seed. */
  const drawn = drawQuiz(seeded(42));

  it('asks each reply after what it answered, takes a number as the answer, and says why', () => {
    const { written, quiz } = setUp();
    expect(quiz.answer('1', 'command', 0)).toBe(false);
    quiz.again();
    expect(quiz.active).toBe(true);
    const first = drawn[0];
    if (first === undefined) throw new Error('no question');
    const asked = written.join('');
    expect(asked).toContain(`-- quiz: ${QUIZ_LENGTH} replies to read, as servers send them.`);
    expect(asked).toContain(`-- question 1 of ${QUIZ_LENGTH}`);
    expect(asked).toContain(`S: ${first.reply}`);
    expect(asked).toContain(`   ${first.question}`);
    first.options.forEach((o, i) => expect(asked).toContain(`     ${i + 1}) ${o}`));
    // Message text or an AUTH answer is never taken, nor a line that is no number shown.
    expect(quiz.answer(String(first.answer + 1), 'message-text', 0)).toBe(false);
    expect(quiz.answer('EHLO client', 'command', 0)).toBe(false);
    written.length = 0;
    expect(quiz.answer('9', 'command', 0)).toBe(true);
    expect(written.join('')).toContain(`9 is not one of the answers: type 1 to ${first.options.length}`);
    written.length = 0;
    expect(quiz.answer(` ${first.answer + 1} `, 'command', 0)).toBe(true);
    expect(written[0]).toBe(`  ✓ right: ${first.why}\r\n`);
    expect(written.join('')).toContain(`-- question 2 of ${QUIZ_LENGTH}`);
    // /quiz again: the question in hand, not a new quiz.
    written.length = 0;
    quiz.again();
    expect(written.join('')).toContain(`-- question 2 of ${QUIZ_LENGTH}`);
  });

  it('says the right answer and the lesson to read when one is wrong; at the end the score, noted and reported', () => {
    const { written, notes, scores, quiz } = setUp();
    quiz.start();
    drawn.forEach((q, i) => {
      written.length = 0;
      // Every other one wrong.
      const pick = i % 2 === 0 ? q.answer : (q.answer + 1) % q.options.length;
      quiz.answer(String(pick + 1), 'command', 0);
      if (i % 2 === 1) expect(written[0]).toContain(`  ✗ not that one: ${q.answer + 1}) ${q.options[q.answer]}. ${q.why}`);
    });
    const missed = drawn.filter((_, i) => i % 2 === 1);
    expect(written.join('')).toMatch(/-- quiz done: 4 of 8 right; to read again: lesson .*\. \/quiz for another/);
    expect(notes).toEqual([`quiz: 4 of 8 right (missed: ${missed.map((q) => q.id).join(', ')})`]);
    expect(scores).toEqual([[4, 8]]);
    expect(quiz.active).toBe(false);
    expect(quiz.answer('1', 'command', 0)).toBe(false);
  });

  it('stops when asked, saying how far it went', () => {
    const { quiz, scores } = setUp();
    expect(plain(quiz.stop())).toBe('-- no quiz is running; /quiz starts one\r\n');
    quiz.start();
    quiz.answer(String((drawn[0]?.answer ?? 0) + 1), 'command', 0);
    expect(plain(quiz.stop())).toBe(`-- quiz stopped after 1 of ${QUIZ_LENGTH} questions, 1 right\r\n`);
    expect(quiz.active).toBe(false);
    expect(scores).toEqual([]);
  });
});

describe("a class's own quiz questions, from its lesson file", () => {
  const question = {
    id: 'our-relay',
    after: 'RCPT TO:<someone@example.net>',
    reply: '554 5.7.1 <someone@example.net>: Relay access denied',
    question: 'Our server answered this to a colleague at home. What should they do?',
    options: ['Log in first (AUTH, on port 587)', 'Ask for the address to be created', 'Wait an hour'],
    answer: 1,
    why: 'Our server relays only for its users once logged in: submission on port 587 with AUTH.',
    lesson: 'auth',
  };

  it('reads them beside lessons or alone, numbered from 1 as the file writes them, and asks them first', () => {
    const read = readLessonFile({ quiz: [question] }, LESSONS);
    expect(read).toEqual({ lessons: [], quiz: [{ ...question, answer: 0 }] });
    if ('problems' in read) throw new Error('refused');
    // As served again at /lessons.json: the same file, read back the same.
    expect(readLessonFile({ quiz: read.quiz.map(questionInFile) }, LESSONS)).toEqual(read);
    // Asked first: in every quiz drawn, with the built-in ones after it.
    for (let seed = 1; seed < 20; seed++) expect(drawQuiz(seeded(seed), QUIZ_LENGTH, QUIZ_QUESTIONS, read.quiz).map((q) => q.id)).toContain('our-relay');
    expect(drawQuiz(seeded(3), QUIZ_LENGTH, QUIZ_QUESTIONS, read.quiz)).toHaveLength(QUIZ_LENGTH);
  });

  it('names each problem, and takes none of a file with one', () => {
    const problems = (q: Record<string, unknown>): string[] => {
      const r = readLessonFile({ quiz: [q] }, LESSONS);
      return 'problems' in r ? r.problems : [];
    };
    expect(problems({ ...question, reply: 'Relay access denied' })).toEqual([expect.stringMatching(/^question 1: question "our-relay": "reply" must be one reply line as a server sends it/)]);
    expect(problems({ ...question, reply: '554-5.7.1 first line of two' })).toEqual([expect.stringMatching(/"reply" must be one reply line .*: a continuation line$/)]);
    expect(problems({ ...question, answer: 4 })).toEqual(['question 1: question "our-relay": "answer" is the number of the right option, 1 to 3']);
    expect(problems({ ...question, answer: 0 })).toHaveLength(1);
    expect(problems({ ...question, options: ['a', 'b'] })).toEqual([expect.stringMatching(/"options" must list 3 or 4 answers/)]);
    expect(problems({ ...question, options: ['a', 'a', 'b'] })).toEqual(['question 1: question "our-relay": "options" must be different from one another']);
    expect(problems({ ...question, lesson: 'no-such-lesson' })).toEqual([expect.stringMatching(/"lesson" must be the id of a lesson/)]);
    expect(problems({ ...question, id: 'greylisted' })).toEqual(['question 1: question "greylisted": another question has this id (built-in ids are taken too)']);
    expect(problems({ ...question, why: 'x\u0007' })).toHaveLength(1);
    expect(problems({ ...question, id: 'Bad Id' })).toEqual(['question 1: "id" must be 1 to 40 lower-case letters, digits and hyphens']);
    // A question may name a lesson of the same file.
    const lesson = { id: 'our-lesson', title: 'T', short: 'S', goal: 'G', steps: ['connect', 'quit'] };
    expect(readLessonFile({ lessons: [lesson], quiz: [{ ...question, lesson: 'our-lesson' }] }, LESSONS)).toMatchObject({ lessons: [{ id: 'our-lesson' }], quiz: [{ lesson: 'our-lesson' }] });
    expect(readLessonFile({ quiz: [] }, LESSONS)).toEqual({ problems: ['"quiz" must list 1 to 50 questions'] });
    expect(readLessonFile({}, LESSONS)).toEqual({ problems: ['the file must be { "lessons": [ … ] } with 1 to 20 lessons, and may have "quiz": [ … ] (or that alone)'] });
  });
});
