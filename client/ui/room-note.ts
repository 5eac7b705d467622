/**
 * Why the bridge turned this page away at first contact, when it was for want of room: a browser cannot read a refused
 * WebSocket handshake (429 and 503 look like any failure), so the page asks the bridge (`GET /room`,
 * shared/protocol/room.ts) and says what to do.
 */
import { decodeRoomAnswer, ROOM_PATH, type RoomAnswer } from '../../shared/protocol/room.js';

/** Asks the bridge whether it has room for one more page from this browser; null when it cannot tell. */
export async function askRoom(): Promise<RoomAnswer | null> {
  try {
    const res = await fetch(`.${ROOM_PATH}`, { cache: 'no-store' });
    return res.ok ? decodeRoomAnswer(await res.json()) : null;
  } catch {
    return null;
  }
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
