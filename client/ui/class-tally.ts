/**
 * The class view's line on the lessons (client/class.ts): for each lesson some page has begun or done, how many pages
 * have done it and how many have it in hand, so an instructor sees where the class is before reading each row.
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
