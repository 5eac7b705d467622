/**
 * The class view's warning when the bridge turned pages away for want of room (client/class.ts): a trainee's browser
 * cannot read why its connection was refused, and the instructor is the one who can start heloterm with more room.
 * Pure: takes the snapshot's TurnedAway.
 */
import { TURNED_AWAY_WINDOW_S, type TurnedAway } from '../../shared/protocol/class.js';

const pages = (n: number): string => `${n} page${n === 1 ? '' : 's'}`;

/** The warning, one paragraph: how many pages, when the last, why, and the flag that makes room. */
export function turnedAwayText(t: TurnedAway): string {
  const last = t.lastAgeS < 60 ? 'just now' : `${Math.floor(t.lastAgeS / 60)} min ago`;
  const parts: string[] = [];
  if (t.address !== null) {
    const a = t.address;
    parts.push(
      `${pages(a.pages)} from one address, ${a.address}, which had ${a.limit} open already: a class that shares one address (a school's network, a proxy) needs heloterm started with a higher --max-sessions-per-address (now ${a.limit})`,
    );
  }
  if (t.full !== null) {
    const f = t.full;
    parts.push(`${pages(f.pages)} when heloterm held as many as it may (${f.limit}): start it with a higher --max-sessions, or close pages no one uses`);
  }
  return `Turned away in the last ${TURNED_AWAY_WINDOW_S / 60} minutes (the last ${last}): ${parts.join('; ')}. Those trainees see a refused connection.`;
}
