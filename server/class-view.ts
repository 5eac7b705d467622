/**
 * The instructor's class view: the trainee pages open on this bridge, each with what its page reported (the name
 * given with `/name`, the lesson in hand and its step, the lessons done: a `progress` message) and what the bridge
 * knows of its session (the client's address, the server it is connected to, how long since its last input). Read
 * from the open sessions when the view asks, and only that: no line a trainee typed, no reply, but for the newest
 * lines of the dialog that a page shares while its trainee asks for help (until the hand is lowered). Served with the
 * class key (`/class/sessions`, app.ts; shared/protocol/class.ts), which the instructor's console shows and trainees
 * never see.
 */
import { timingSafeEqual } from 'node:crypto';
import { LESSONS } from '../shared/lessons/catalogue.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import type { ClassSnapshot, Trainee, TurnedAway } from '../shared/protocol/class.js';
import type { ProgressMessage } from '../shared/protocol/messages.js';

export type Progress = Pick<ProgressMessage, 'name' | 'lesson' | 'done' | 'hand' | 'lines' | 'quiz'>;

/** What a session shows the class view. */
export interface Seat {
  /** The page's number: sessions in the order they opened, from 1. */
  seat: number;
  address: string;
  /** performance.now() when the session opened, and of its last frame from the page. */
  openedAt: number;
  lastFrameAt: number;
  progress: Progress | null;
  /** performance.now() when the trainee asked for help, while asking; else null. */
  handAt: number | null;
  /** "host:port" of the SMTP server connected to, or null; and whether that is the practice server. */
  target: string | null;
  toPractice: boolean;
}

/** The lesson the instructor asked the class to start (its id), and when (performance.now()). */
export interface ClassCall {
  lesson: string;
  at: number;
}

/** The note the instructor said to the class, and when (performance.now()). */
export interface ClassSay {
  text: string;
  at: number;
}

/** A lesson's number in `lessons` (from 1), or 0. */
const numberIn = (lessons: readonly Lesson[], id: string): number => lessons.findIndex((l) => l.id === id) + 1;

/**
 * What a page reported, kept: lesson ids not in `lessons` (the built-in ones, and the class's own from --lessons)
 * left out, each lesson done once.
 */
export function keptProgress(m: Progress, lessons: readonly Lesson[] = LESSONS): Progress {
  const numberOf = (id: string): number => numberIn(lessons, id);
  const lesson = m.lesson !== null && numberOf(m.lesson.id) > 0 ? m.lesson : null;
  const kept: Progress = { name: m.name.trim(), lesson, done: [...new Set(m.done.filter((id) => numberOf(id) > 0))], ...(m.quiz === undefined ? {} : { quiz: m.quiz }) };
  // The dialog's lines only with a hand raised (the decoder drops them otherwise too).
  return m.hand === true ? { ...kept, hand: true, ...(m.lines === undefined ? {} : { lines: m.lines }) } : kept;
}

/**
 * The class as the view shows it, at `at` (performance.now()), pages in the order they opened, by `lessons`; with the
 * lesson the instructor asked for, the note said to the class and the pages turned away for want of room, if any.
 */
export function classSnapshot(
  seats: Iterable<Seat>,
  at: number,
  lessons: readonly Lesson[] = LESSONS,
  call: ClassCall | null = null,
  said: ClassSay | null = null,
  turnedAway: TurnedAway | null = null,
): ClassSnapshot {
  const numberOf = (id: string): number => numberIn(lessons, id);
  const trainees = [...seats]
    .sort((a, b) => a.seat - b.seat)
    .map((s): Trainee => {
      const p = s.progress ?? { name: '', lesson: null, done: [] };
      const n = p.lesson === null ? 0 : numberOf(p.lesson.id);
      const lesson = lessons[n - 1];
      return {
        seat: s.seat,
        address: s.address,
        name: p.name,
        lesson:
          p.lesson === null || lesson === undefined
            ? null
            : { number: n, title: lesson.title, step: Math.min(p.lesson.step + 1, lesson.steps.length), steps: lesson.steps.length, retries: p.lesson.retries },
        done: p.done.map(numberOf),
        target: s.target,
        toPractice: s.toPractice,
        idleS: Math.max(0, Math.round((at - s.lastFrameAt) / 1000)),
        openS: Math.max(0, Math.round((at - s.openedAt) / 1000)),
        handS: s.handAt === null ? null : Math.max(0, Math.round((at - s.handAt) / 1000)),
        lines: s.handAt === null ? null : (p.lines ?? []),
        quiz: p.quiz ?? null,
      };
    });
  const called = call === null ? 0 : numberOf(call.lesson);
  return {
    trainees,
    lessons: lessons.map((l, i) => ({ number: i + 1, id: l.id, title: l.title, short: l.short })),
    call: call === null || called === 0 ? null : { number: called, ageS: callAge(call, at) },
    said: said === null ? null : { text: said.text, ageS: callAge(said, at) },
    turnedAway,
  };
}

/** How long ago the instructor asked (or said), at `at`, in whole seconds. */
export function callAge(call: { at: number }, at: number): number {
  return Math.max(0, Math.round((at - call.at) / 1000));
}

/** Whether `header` (an Authorization header's value) is "Bearer <key>", compared in constant time. */
export function classKeyMatches(header: string | undefined, key: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(key);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
