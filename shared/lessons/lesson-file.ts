/**
 * A class's own lessons, from a JSON file an instructor writes (`heloterm --lessons FILE`; docs/lessons.md), added after
 * the built-in ones. Read here, whole or not at all: every lesson is checked as the built-in catalogue is by its
 * tests (each starts by connecting and ends with QUIT, then at most three of heloterm's own commands; each step's lines
 * are the command it waits for; a step that wants a failure says what to do otherwise), every text is bounded and
 * free of control characters, and ids are unique and not a built-in's. The bridge reads the file at start (a file
 * with problems stops it, each problem named); the page reads what the bridge serves again, as any input. Pure.
 *
 *   { "lessons": [ { "id": "vrfy", "title": "…", "short": "…", "goal": "…",
 *       "steps": ["connect", "ehlo", { "task": "…", "type": ["VRFY bob"], "expect": { "answers": ["VRFY"], "code": 252 },
 *                 "learn": "…", "source": "RFC 5321 §3.5.3" }, "quit"] } ],
 *     "quiz": [ { "id": "our-relay", "after": "RCPT TO:<x@example.net>", "reply": "554 5.7.1 …", "question": "…",
 *                 "options": ["…", "…", "…"], "answer": 1, "why": "…", "lesson": "vrfy" } ] }
 *
 * Its quiz questions (shared/lessons/quiz.ts readQuizQuestions) are asked beside the built-in ones.
 */
import { parseCommand } from '../smtp/command.js';
import { VERB_INFO } from '../smtp/verbs.js';
import { stepCommands, type Expected, type Lesson, type LessonStep, type LocalExpected } from './lesson.js';
import { STANDARD_STEPS } from './catalogue.js';
import { isText, readQuizQuestions, type QuizQuestion } from './quiz.js';

/** Where the bridge serves a class's own lessons, relative to the page (the file's format, standard steps written out). */
export const CLASS_LESSONS_PATH = 'lessons.json';

/** heloterm's own commands a lesson may end with, after QUIT (lesson 8: /tls versions, then /smuggling). */
const MAX_LOCAL_STEPS = 3;
/** Lessons one file may add, and steps one lesson may have. */
export const MAX_FILE_LESSONS = 20;
export const MAX_LESSON_STEPS = 40;
/** Lines one step may type (a message's header, body and final "."). */
const MAX_STEP_LINES = 40;
/** Characters of each text: a typed line as SMTP allows one (RFC 5321 §4.5.3.1.4: 1000 with CRLF), and the rest. */
const LIMITS = { id: 40, title: 100, short: 24, goal: 400, task: 500, line: 998, learn: 1200, retry: 500, source: 120 } as const;
/** The longest countdown a step may ask for, in seconds (a greylisting retry: the practice server's is 30 s). */
const MAX_WAIT_S = 600;

const LOCAL_COMMANDS: Readonly<Record<LocalExpected['local'], RegExp>> = {
  log: /^\/log$/i,
  explain: /^\/explain \S/i,
  'tls-versions': /^\/tls versions?(\s|$)/i,
  'tls-mx': /^\/tls mx\s+\S/i,
  smuggling: /^\/smuggl(?:e|ing)\s\S/i,
  'dkim-verify': /^\/dkim verify$/i,
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** What is wrong with a field that must be a text, said as `isText` (quiz.ts) finds it. */
const textProblem = (field: string, x: unknown, max: number): string =>
  x === undefined ? `"${field}" is missing` : `"${field}" must be a text of at most ${max} characters, without control characters`;
const isInt = (x: unknown, min: number, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;

/** The step's `expect`, or why it is not one. */
function readExpect(x: unknown): Expected | string {
  if (!isObj(x)) return '"expect" must be an object';
  if ('sent' in x) return x.sent === 'end-of-headers' && Object.keys(x).length === 1 ? { sent: 'end-of-headers' } : '"expect": { "sent": "end-of-headers" } takes nothing else';
  if ('local' in x) {
    const local = x.local;
    if (local !== 'log' && local !== 'explain' && local !== 'tls-versions' && local !== 'tls-mx' && local !== 'smuggling' && local !== 'dkim-verify') {
      return '"expect.local" must be "log", "explain", "tls-versions", "tls-mx", "smuggling" or "dkim-verify"';
    }
    if (x.code === undefined) return { local };
    if (local !== 'explain' || !isInt(x.code, 200, 599)) return '"expect.code" goes with "local": "explain" only, a reply code from 200 to 599';
    return { local, code: x.code };
  }
  const { answers, code, cls, tls } = x;
  const wanted = answers === 'greeting' || answers === 'end-of-data' ? answers : Array.isArray(answers) && answers.length > 0 && answers.every((a) => typeof a === 'string' && VERB_INFO.has(a)) ? (answers as string[]) : null;
  if (wanted === null) return '"expect.answers" must be "greeting", "end-of-data" or a list of SMTP commands in capitals (["RCPT"])';
  if (code !== undefined && !isInt(code, 200, 599)) return '"expect.code" must be a reply code from 200 to 599';
  if (cls !== undefined && !isInt(cls, 2, 5)) return '"expect.cls" must be a reply class from 2 to 5';
  if (code !== undefined && cls !== undefined) return '"expect" takes "code" or "cls", not both';
  if (tls !== undefined && typeof tls !== 'boolean') return '"expect.tls" must be true or false';
  return { answers: wanted, ...(code === undefined ? {} : { code }), ...(cls === undefined ? {} : { cls: cls as 2 | 3 | 4 | 5 }), ...(tls === undefined ? {} : { tls }) };
}

/** One step: a standard one by name ("connect", "ehlo", "quit"), or written out; or why not. */
function readStep(x: unknown): LessonStep | string {
  if (typeof x === 'string') return STANDARD_STEPS[x as keyof typeof STANDARD_STEPS] ?? `"${x.slice(0, 20)}" is not a standard step: "connect", "ehlo" or "quit"`;
  if (!isObj(x)) return 'a step must be an object, or "connect", "ehlo" or "quit"';
  const { task, type, learn, retry, source, wait } = x;
  if (!isText(task, LIMITS.task)) return textProblem('task', task, LIMITS.task);
  if (!Array.isArray(type) || type.length > MAX_STEP_LINES || !type.every((l) => isText(l, LIMITS.line, true))) {
    return `"type" must list at most ${MAX_STEP_LINES} lines, each at most ${LIMITS.line} characters, no control characters`;
  }
  if (!isText(learn, LIMITS.learn)) return textProblem('learn', learn, LIMITS.learn);
  if (retry !== undefined && !isText(retry, LIMITS.retry)) return textProblem('retry', retry, LIMITS.retry);
  if (!isText(source, LIMITS.source)) return `"source" must say what the step rests on (an RFC section), at most ${LIMITS.source} characters`;
  if (wait !== undefined && !isInt(wait, 1, MAX_WAIT_S)) return `"wait" must be a number of seconds from 1 to ${MAX_WAIT_S}`;
  const expect = readExpect(x.expect);
  if (typeof expect === 'string') return expect;
  const step: LessonStep = {
    task,
    type: type as string[],
    expect,
    learn,
    source,
    ...(retry === undefined ? {} : { retry: retry as string }),
    ...(wait === undefined ? {} : { wait: wait as number }),
  };
  return stepProblem(step) ?? step;
}

/** Whether a step's lines are what its `expect` waits for: the check the built-in catalogue's tests make. */
function stepProblem(step: LessonStep): string | null {
  const e = step.expect;
  if ('local' in e) {
    const line = step.type[0] ?? '';
    return step.type.length === 1 && LOCAL_COMMANDS[e.local].test(line) ? null : `a step that expects "local": "${e.local}" types that one command alone`;
  }
  if (!('answers' in e)) return null;
  if (e.answers === 'greeting') return step.type.length === 0 ? null : 'the greeting step types nothing (the trainee presses Connect)';
  if (e.answers === 'end-of-data') return step.type.at(-1) === '.' ? null : 'a step that expects "end-of-data" ends with the line "."';
  if (step.type.length === 0) return 'a step that waits for a reply to a command types it';
  const answers = e.answers;
  const { commands, unevenChunk } = stepCommands(step.type);
  if (unevenChunk !== null) return `the lines after "${unevenChunk.slice(0, 40)}" do not make up its chunk exactly (each line: its octets in UTF-8, and 2 for its line end)`;
  const odd = commands.find((l) => !answers.includes(parseCommand(l).verb));
  if (odd !== undefined) return `"${odd.slice(0, 40)}" is not one of the commands the step waits for (${answers.join(', ')})`;
  const wanted = e.code ?? (e.cls ?? 2) * 100;
  return wanted >= 400 && step.retry === undefined ? 'a step that wants a failure (4xx, 5xx) says in "retry" what to do when the reply is another' : null;
}

/** One lesson, or why not (the first problem). */
function readLesson(x: unknown, taken: ReadonlySet<string>): Lesson | string {
  if (!isObj(x)) return 'a lesson must be an object';
  const { id, title, short, goal, steps, target } = x;
  if (typeof id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(id)) return '"id" must be 1 to 40 lower-case letters, digits and hyphens (it goes in ?lesson= links)';
  const named = (why: string): string => `lesson "${id}": ${why}`;
  if (taken.has(id)) return named('another lesson has this id (built-in ids are taken too)');
  if (!isText(title, LIMITS.title)) return named(textProblem('title', title, LIMITS.title));
  if (!isText(short, LIMITS.short)) return named(textProblem('short', short, LIMITS.short) + ' (it is the lesson\'s button)');
  if (!isText(goal, LIMITS.goal)) return named(textProblem('goal', goal, LIMITS.goal));
  if (target !== undefined && target !== 'lmtp' && target !== 'tls') {
    return named('"target" is "lmtp" (the practice server\'s LMTP side), "tls" (its port with TLS from the first byte) or left out (its SMTP side)');
  }
  if (!Array.isArray(steps) || steps.length < 2 || steps.length > MAX_LESSON_STEPS) return named(`"steps" must list 2 to ${MAX_LESSON_STEPS} steps`);
  const read: LessonStep[] = [];
  for (const [i, s] of steps.entries()) {
    const step = readStep(s);
    if (typeof step === 'string') return named(`step ${i + 1}: ${step}`);
    read.push(step);
  }
  const first = read[0]?.expect;
  if (first === undefined || !('answers' in first) || first.answers !== 'greeting') return named('its first step is the greeting: "connect"');
  const local = read.filter((s) => 'local' in s.expect);
  // The own commands come last, after the session: a connection closed then does not start the lesson over.
  if (local.length > MAX_LOCAL_STEPS || !read.slice(read.length - local.length).every((s) => 'local' in s.expect)) return named(`at most ${MAX_LOCAL_STEPS} of heloterm's own commands, as its last steps`);
  if (read.at(-1 - local.length)?.type.join() !== 'QUIT') return named(`it ends with "quit" (then at most ${MAX_LOCAL_STEPS} of heloterm's own commands)`);
  return { id, title, short, goal, steps: read, ...(target === 'lmtp' || target === 'tls' ? { target } : {}) };
}

/**
 * The lessons of a parsed lesson file, none of whose ids is in `builtIn`; or its problems (all lessons are refused
 * when one is wrong, each problem named: the instructor mends the file once).
 */
export function readLessonFile(json: unknown, builtIn: readonly Lesson[]): { lessons: Lesson[]; quiz: QuizQuestion[] } | { problems: string[] } {
  const list = isObj(json) ? json.lessons : undefined;
  const quizList = isObj(json) ? json.quiz : undefined;
  // Lessons, quiz questions, or both: a file of questions alone has no "lessons".
  const noLessons = list === undefined && quizList !== undefined;
  if (!noLessons && (!Array.isArray(list) || list.length === 0 || list.length > MAX_FILE_LESSONS)) {
    return { problems: [`the file must be { "lessons": [ … ] } with 1 to ${MAX_FILE_LESSONS} lessons, and may have "quiz": [ … ] (or that alone)`] };
  }
  const taken = new Set(builtIn.map((l) => l.id));
  const lessons: Lesson[] = [];
  const problems: string[] = [];
  (Array.isArray(list) ? list : []).forEach((x, i) => {
    const l = readLesson(x, taken);
    if (typeof l === 'string') problems.push(`lesson ${i + 1}: ${l}`);
    else {
      taken.add(l.id);
      lessons.push(l);
    }
  });
  let quiz: QuizQuestion[] = [];
  if (quizList !== undefined) {
    const read = readQuizQuestions(quizList, taken);
    if ('problems' in read) problems.push(...read.problems);
    else quiz = read.questions;
  }
  return problems.length > 0 ? { problems } : { lessons, quiz };
}

/** A quiz question as a lesson file writes it (and /lessons.json serves it): its answer numbered from 1. */
export function questionInFile(q: QuizQuestion): Omit<QuizQuestion, 'answer'> & { answer: number } {
  return { ...q, answer: q.answer + 1 };
}
