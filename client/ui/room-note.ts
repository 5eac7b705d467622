/**
 * Why the bridge turned this page away at first contact, when it was for want of room: a browser cannot read a refused
 * WebSocket handshake (429 and 503 look like any failure), so the page asks the bridge (`GET /room`,
 * shared/protocol/room.ts) and says what to do.
 */
import { decodeRoomAnswer, ROOM_PATH, type RoomAnswer } from '../../shared/protocol/room.js';

/**
 * Asks the bridge whether it has room for one more page from this browser: its answer, null when it answered nothing
 * readable, or 'unreachable' when nothing answered at all (the bridge is not running, or the network is down).
 */
export async function askRoom(): Promise<RoomAnswer | null | 'unreachable'> {
  let res: Response;
  try {
    res = await fetch(`.${ROOM_PATH}`, { cache: 'no-store' });
  } catch {
    return 'unreachable';
  }
  try {
    return res.ok ? decodeRoomAnswer(await res.json()) : null;
  } catch {
    return null;
  }
}

/** What the page says when its WebSocket never opened: no room, no answer at all, or else the token. */
export function firstContactNote(a: RoomAnswer | null | 'unreachable', token: string | null): string {
  if (a === 'unreachable') return 'the heloterm bridge does not answer: is it running? Press Connect to try again';
  const room = a === null ? null : noRoomNote(a);
  if (room !== null) return room;
  // Browsers hide the handshake's HTTP status: a bridge that wants a token looks like any refusal.
  return token === null
    ? 'the heloterm bridge refused the connection: if it needs an access token, open the URL it printed at start-up (with #token=…)'
    : 'the heloterm bridge refused the connection: the access token may be wrong or old; open the URL it printed at start-up';
}

/** The note for a page turned away for want of room; null when the bridge had room (it refused for another reason). */
export function noRoomNote(a: RoomAnswer): string | null {
  if (a.room) return null;
  const away = 'the heloterm bridge turned this page away';
  switch (a.why) {
    case 'address':
      return `${away}: it takes at most ${a.limit} page${a.limit === 1 ? '' : 's'} from one address, and yours has that many open. Close another heloterm tab and reload; a class whose machines share one address needs heloterm started with a higher --max-sessions-per-address (ask your instructor)`;
    case 'full':
      return `${away}: it holds at most ${a.limit} pages and is full; reload in a while (whoever runs it can raise --max-sessions)`;
    case 'closing':
      return `${away}: it is shutting down`;
  }
}
