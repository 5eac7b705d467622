/**
 * Whether the bridge has room for one more page from the asking browser: `GET /room` answers a RoomAnswer. A
 * browser cannot read why its WebSocket handshake was refused (429 or 503 look like any failure to a page), so a page
 * turned away at first contact asks, and says why: too many pages from one address (a class behind one shared
 * address), the bridge full, or shutting down. It tells a client only about its own address. Decoded like any wire
 * data; never throws.
 */
import { isCount, isObj } from './decode-guards.js';

export const ROOM_PATH = '/room';

/** Why there is no room: too many pages from the client's address, too many in all, or the bridge is shutting down. */
export type NoRoom = 'address' | 'full' | 'closing';

export type RoomAnswer = { room: true } | { room: false; why: NoRoom; /** The limit reached (0 when closing). */ limit: number };

/** The answer in `x` (parsed JSON), or null when it is not one. */
export function decodeRoomAnswer(x: unknown): RoomAnswer | null {
  if (!isObj(x)) return null;
  if (x.room === true) return { room: true };
  if (x.room !== false || !isCount(x.limit) || (x.why !== 'address' && x.why !== 'full' && x.why !== 'closing')) return null;
  return { room: false, why: x.why, limit: x.limit };
}
