/**
 * The instructor's class view over HTTP: `GET /class/sessions` with `Authorization: Bearer <class key>` answers a
 * ClassSnapshot (server/class-view.ts builds it, client/class.ts shows it); `POST /class/call` with the same key and a
 * CallRequest asks every page to start a lesson (messages.ts CallMessage), answered with a CallAnswer; `POST
 * /class/say` with a SayRequest says a note to every page (messages.ts SayMessage), answered with a CallAnswer too;
 * `POST /class/hand` with a HandRequest lowers a trainee's hand (messages.ts HandMessage). Decoded like any wire data:
 * every field checked for type and size; never throws.
 */
import { isClassSay, isLessonId, isQuizScore, isSharedLine, MAX_SHARED_LINES, MAX_TRAINEE_NAME } from './app-limits.js';
import { isCount, isObj, isStr } from './decode-guards.js';

export const CLASS_SESSIONS_PATH = '/class/sessions';
export const CLASS_CALL_PATH = '/class/call';

/** What the class view posts: the id of the lesson every page is asked to start, or null to withdraw the call. */
export interface CallRequest {
  lesson: string | null;
}

/**
 * What the class view posts to `/class/say`: the note every page shows, or null to take it back; with `seat`, a note
 * to that page's trainee alone (never null).
 */
export interface SayRequest {
  text: string | null;
  seat?: number;
}

export const CLASS_SAY_PATH = '/class/say';

/** What the class view posts to `/class/hand`: the page (its seat) whose trainee's hand the instructor lowers. */
export interface HandRequest {
  seat: number;
}

export const CLASS_HAND_PATH = '/class/hand';

/**
 * The answer to a CallRequest or a SayRequest: how many pages were told (those open now; pages that open later are
 * told too, but for a note to one trainee).
 */
export interface CallAnswer {
  pages: number;
}

export interface Trainee {
  /** The page's number: pages in the order they opened on this bridge, from 1. */
  seat: number;
  /** The client's address (behind trusted proxies, the one they forwarded). */
  address: string;
  /** The name given with `/name`, or ''. */
  name: string;
  /**
   * The lesson in hand (its number in the list, from 1), its step (from 1) of how many, and the replies at that step
   * that were not the one it wants.
   */
  lesson: { number: number; title: string; step: number; steps: number; retries: number } | null;
  /** The numbers of the lessons finished in that page, in the order finished. */
  done: number[];
  /** "host:port" of the SMTP server the page is connected to (or dialling), or null; and whether it is the practice
   *  server. */
  target: string | null;
  toPractice: boolean;
  /** Since the last frame from the page, and since it opened, in seconds. */
  idleS: number;
  openS: number;
  /** Since the trainee asked for help (`/hand`), in seconds; null when not asking. */
  handS: number | null;
  /**
   * While the trainee asks for help, the newest lines of the page's dialog it shared (as the transcript writes them,
   * AUTH credentials removed; none when it shared none); null when not asking.
   */
  lines: string[] | null;
  /** The last quiz the page finished (`/quiz`): answers right of questions asked; null when none. */
  quiz: { right: number; of: number } | null;
}

export interface ClassSnapshot {
  trainees: Trainee[];
  /** The lessons, to name the ones done (and to ask for one by its id). */
  lessons: { number: number; id: string; title: string; short: string }[];
  /** The lesson the instructor asked the class to start (its number), and how long ago in seconds; null if none. */
  call: { number: number; ageS: number } | null;
  /** The note the instructor said to the class, and how long ago in seconds; null if none. */
  said: { text: string; ageS: number } | null;
  /** Pages the bridge turned away for want of room lately; null if none. */
  turnedAway: TurnedAway | null;
}

/**
 * Pages the bridge turned away for want of room in the last TURNED_AWAY_WINDOW_S: their browsers cannot read why (a
 * refused WebSocket handshake), so the instructor is told. A class that shares one address (a school's network, a
 * proxy not named with --trust-proxy) meets the limit per address first.
 */
export interface TurnedAway {
  /** Pages refused for too many from one address (--max-sessions-per-address): how many, the last such address, the limit. */
  address: { pages: number; address: string; limit: number } | null;
  /** Pages refused because the bridge held as many as it may (--max-sessions): how many, and the limit. */
  full: { pages: number; limit: number } | null;
  /** Since the last page turned away, in seconds. */
  lastAgeS: number;
}

/** How far back the class view is told of pages turned away, in seconds. */
export const TURNED_AWAY_WINDOW_S = 10 * 60;

/** Pages a snapshot lists at most (a bridge holds 100 sessions by default). */
export const MAX_CLASS_TRAINEES = 1000;


function decodeTrainee(x: unknown): Trainee | null {
  if (!isObj(x)) return null;
  const { seat, address, name, lesson, done, target, toPractice, idleS, openS, handS } = x;
  if (!isCount(seat) || !isStr(address, 64) || !isStr(name, MAX_TRAINEE_NAME) || !isCount(idleS) || !isCount(openS)) return null;
  if (handS !== null && !isCount(handS)) return null;
  // Absent (a bridge before lines were shared) reads as none.
  const lines = x.lines ?? null;
  if (lines !== null && (!Array.isArray(lines) || lines.length > MAX_SHARED_LINES || !lines.every(isSharedLine))) return null;
  if (!Array.isArray(done) || done.length > 100 || !done.every(isCount)) return null;
  if ((target !== null && !isStr(target, 270)) || typeof toPractice !== 'boolean') return null;
  // Absent (a bridge before the quiz) reads as none.
  const quiz = x.quiz ?? null;
  if (quiz !== null && !isQuizScore(quiz)) return null;
  const score = quiz === null ? null : { right: quiz.right, of: quiz.of };
  if (lesson === null) return { seat, address, name, lesson: null, done, target, toPractice, idleS, openS, handS, lines, quiz: score };
  if (!isObj(lesson) || !isCount(lesson.number) || !isStr(lesson.title, 200) || !isCount(lesson.step) || !isCount(lesson.steps) || !isCount(lesson.retries)) return null;
  const { number, title, step, steps, retries } = lesson;
  return { seat, address, name, lesson: { number, title, step, steps, retries }, done, target, toPractice, idleS, openS, handS, lines, quiz: score };
}

/** The snapshot in `x` (parsed JSON), or null when it is not one. */
export function decodeClassSnapshot(x: unknown): ClassSnapshot | null {
  if (!isObj(x) || !Array.isArray(x.trainees) || x.trainees.length > MAX_CLASS_TRAINEES || !Array.isArray(x.lessons) || x.lessons.length > 100) return null;
  const trainees = x.trainees.map(decodeTrainee);
  if (!trainees.every((t): t is Trainee => t !== null)) return null;
  const lessons: ClassSnapshot['lessons'] = [];
  for (const l of x.lessons) {
    if (!isObj(l) || !isCount(l.number) || !isLessonId(l.id) || !isStr(l.title, 200) || !isStr(l.short, 60)) return null;
    lessons.push({ number: l.number, id: l.id, title: l.title, short: l.short });
  }
  const call = x.call === null ? null : isObj(x.call) && isCount(x.call.number) && isCount(x.call.ageS) ? { number: x.call.number, ageS: x.call.ageS } : undefined;
  if (call === undefined) return null;
  const said = x.said === null ? null : isObj(x.said) && isClassSay(x.said.text) && isCount(x.said.ageS) ? { text: x.said.text, ageS: x.said.ageS } : undefined;
  if (said === undefined) return null;
  const turnedAway = x.turnedAway === null ? null : decodeTurnedAway(x.turnedAway);
  if (turnedAway === undefined) return null;
  return { trainees, lessons, call, said, turnedAway };
}

function decodeTurnedAway(x: unknown): TurnedAway | undefined {
  if (!isObj(x) || !isCount(x.lastAgeS)) return undefined;
  const { address: a, full: f } = x;
  const address = a === null ? null : isObj(a) && isCount(a.pages) && isStr(a.address, 64) && isCount(a.limit) ? { pages: a.pages, address: a.address, limit: a.limit } : undefined;
  const full = f === null ? null : isObj(f) && isCount(f.pages) && isCount(f.limit) ? { pages: f.pages, limit: f.limit } : undefined;
  if (address === undefined || full === undefined || (address === null && full === null)) return undefined;
  return { address, full, lastAgeS: x.lastAgeS };
}

/** The request in `x` (parsed JSON), or null when it is not one. */
export function decodeCallRequest(x: unknown): CallRequest | null {
  if (!isObj(x) || Object.keys(x).length !== 1 || (x.lesson !== null && !isLessonId(x.lesson))) return null;
  return { lesson: x.lesson };
}

/** The request in `x` (parsed JSON), or null when it is not one: a note with its spaces trimmed at both ends. */
export function decodeSayRequest(x: unknown): SayRequest | null {
  if (!isObj(x) || (x.text !== null && !isClassSay(x.text))) return null;
  const keys = Object.keys(x).length;
  if (keys === 1) return { text: x.text === null ? null : x.text.trim() };
  if (keys !== 2 || !isCount(x.seat) || x.text === null) return null;
  return { text: x.text.trim(), seat: x.seat };
}

/** The request in `x` (parsed JSON), or null when it is not one. */
export function decodeHandRequest(x: unknown): HandRequest | null {
  return isObj(x) && Object.keys(x).length === 1 && isCount(x.seat) ? { seat: x.seat } : null;
}

/** The answer in `x` (parsed JSON), or null when it is not one. */
export function decodeCallAnswer(x: unknown): CallAnswer | null {
  return isObj(x) && isCount(x.pages) ? { pages: x.pages } : null;
}
