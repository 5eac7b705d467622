/**
 * How many pages the bridge holds, overall and per client address, and the pages it turned away for want of room
 * lately. The gateway (ws-gateway.ts) takes a place before each handshake and gives it back exactly once; a refused
 * browser cannot read why (a failed handshake), so the instructor's class view is told (class-view.ts) and a page
 * turned away asks (`GET /room`, shared/protocol/room.ts).
 */
import ipaddr from 'ipaddr.js';
import { TURNED_AWAY_WINDOW_S, type TurnedAway } from '../shared/protocol/class.js';
import type { RoomAnswer } from '../shared/protocol/room.js';
import type { Refusal } from './upgrade-policy.js';

/** IPv6 clients are counted per /64: one subscriber usually holds a whole /64 (RFC 6177). */
const IPV6_CLIENT_PREFIX_BITS = 64;

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(remote: string | undefined): string {
  if (remote === undefined || !ipaddr.isValid(remote)) return 'unknown';
  const a = ipaddr.process(remote);
  if (a.kind() === 'ipv4') return a.toString();
  const prefix = ipaddr.IPv6.networkAddressFromCIDR(`${a.toString()}/${IPV6_CLIENT_PREFIX_BITS}`);
  return `${prefix.toString()}/${IPV6_CLIENT_PREFIX_BITS}`;
}

export interface SessionCounts {
  total: number;
  byAddress: Record<string, number>;
}

export class Room {
  private accepting = true;
  private total = 0;
  private readonly perClient = new Map<string, number>();
  /** Pages turned away since the first of a run (a run ends TURNED_AWAY_WINDOW_S after its last); null: none lately. */
  private away: { address: number; lastAddress: string; full: number; lastAt: number } | null = null;

  constructor(
    readonly maxSessions: number,
    readonly maxPerAddress: number,
  ) {}

  /** No room from now on: the bridge is shutting down. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Whether a page from `client` would be let in now, and if not, why. */
  answer(client: string): RoomAnswer {
    if (!this.accepting) return { room: false, why: 'closing', limit: 0 };
    if (this.total >= this.maxSessions) return { room: false, why: 'full', limit: this.maxSessions };
    if ((this.perClient.get(client) ?? 0) >= this.maxPerAddress) return { room: false, why: 'address', limit: this.maxPerAddress };
    return { room: true };
  }

  /**
   * Takes a place for a page from `client`, at `now` (performance.now()), or refuses it: a page turned away for want
   * of room (not for a shutdown) is counted for the class view.
   */
  take(client: string, now: number): Refusal | null {
    const a = this.answer(client);
    if (a.room) {
      this.total++;
      this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
      return null;
    }
    if (a.why === 'closing') return { status: 503, reason: 'heloterm is shutting down' };
    const away = this.away !== null && now - this.away.lastAt <= TURNED_AWAY_WINDOW_S * 1000 ? this.away : { address: 0, lastAddress: '', full: 0, lastAt: now };
    away.lastAt = now;
    this.away = away;
    if (a.why === 'full') {
      away.full++;
      return { status: 503, reason: `too many sessions (at most ${a.limit}); try again later` };
    }
    away.address++;
    away.lastAddress = client;
    return { status: 429, reason: `too many sessions from your address (at most ${a.limit}); close another tab` };
  }

  /** Gives back a place `take` gave (the caller makes sure it is given back once). */
  release(client: string): void {
    this.total--;
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(client);
    else this.perClient.set(client, n);
  }

  counts(): SessionCounts {
    return { total: this.total, byAddress: Object.fromEntries(this.perClient) };
  }

  /** The pages turned away in the last TURNED_AWAY_WINDOW_S before `now`, for the class view; null if none. */
  turnedAway(now: number): TurnedAway | null {
    const away = this.away;
    if (away === null || now - away.lastAt > TURNED_AWAY_WINDOW_S * 1000) return null;
    return {
      address: away.address === 0 ? null : { pages: away.address, address: away.lastAddress, limit: this.maxPerAddress },
      full: away.full === 0 ? null : { pages: away.full, limit: this.maxSessions },
      lastAgeS: Math.max(0, Math.round((now - away.lastAt) / 1000)),
    };
  }
}
