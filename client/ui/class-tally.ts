/**
 * The class view's line on the lessons (client/class.ts): for each lesson some page has begun or done, how many pages
 * have done it and how many have it in hand, so an instructor sees where the class is before reading each row; and the
 * quiz's scores over the class.
 * Pure: takes the snapshot the bridge sent.
 */
import type { ClassSnapshot } from '../../shared/protocol/class.js';

export interface LessonTally {
  number: number;
  short: string;
  done: number;
  inHand: number;
}

/** The lessons some page has begun or done, in the list's order. */
export function classTally(snapshot: ClassSnapshot): LessonTally[] {
  return snapshot.lessons
    .map((l) => ({
      number: l.number,
      short: l.short,
      done: snapshot.trainees.filter((t) => t.done.includes(l.number)).length,
      inHand: snapshot.trainees.filter((t) => t.lesson?.number === l.number).length,
    }))
    .filter((t) => t.done > 0 || t.inHand > 0);
}

/** "1 · Eight steps: 3 done, 1 in hand; 2 · Refused recipient: 2 in hand", or '' when no page has begun one. */
export function formatTally(tally: readonly LessonTally[]): string {
  return tally
    .map((t) => `${t.number} · ${t.short}: ${[t.done > 0 ? `${t.done} done` : '', t.inHand > 0 ? `${t.inHand} in hand` : ''].filter((s) => s !== '').join(', ')}`)
    .join('; ');
}

/**
 * The quiz, over the pages that finished one (`/quiz`): "Quiz: 3 pages, 19 of 24 right in all (the lowest 4 of 8)",
 * or '' when none has. The lowest score points at a trainee to see.
 */
export function formatQuizTally(snapshot: ClassSnapshot): string {
  const scores = snapshot.trainees.map((t) => t.quiz).filter((q): q is { right: number; of: number } => q !== null);
  if (scores.length === 0) return '';
  const right = scores.reduce((n, q) => n + q.right, 0);
  const of = scores.reduce((n, q) => n + q.of, 0);
  const lowest = scores.reduce((a, q) => (q.right / q.of < a.right / a.of ? q : a));
  const pages = `${scores.length} page${scores.length === 1 ? '' : 's'}`;
  return `Quiz: ${pages}, ${right} of ${of} right in all${scores.length === 1 ? '' : ` (the lowest ${lowest.right} of ${lowest.of})`}.`;
}
