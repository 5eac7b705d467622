/**
 * The bridge's room for pages (server/room.ts): places taken and given back per address and overall, the pages turned
 * away for want of room as the class view is told of them, and how the page and the view word it
 * (client/ui/room-note.ts, client/ui/class-away.ts), with the wire decoders of both answers.
 */
import { describe, expect, it } from 'vitest';
import { clientKey, Room } from '../../server/room.js';
import { decodeRoomAnswer } from '../../shared/protocol/room.js';
import { decodeClassSnapshot, TURNED_AWAY_WINDOW_S, type ClassSnapshot } from '../../shared/protocol/class.js';
import { firstContactNote, noRoomNote } from '../../client/ui/room-note.js';
import { turnedAwayText } from '../../client/ui/class-away.js';

describe('the room for pages', () => {
  it('lets pages in up to each limit, refuses the next with why, and gives places back', () => {
    const room = new Room(3, 2);
    expect(room.take('192.0.2.1', 0)).toBeNull();
    expect(room.take('192.0.2.1', 0)).toBeNull();
    expect(room.answer('192.0.2.1')).toEqual({ room: false, why: 'address', limit: 2 });
    expect(room.take('192.0.2.1', 1000)).toEqual({ status: 429, reason: 'too many sessions from your address (at most 2); close another tab' });
    expect(room.answer('192.0.2.2')).toEqual({ room: true });
    expect(room.take('192.0.2.2', 2000)).toBeNull();
    expect(room.answer('192.0.2.3')).toEqual({ room: false, why: 'full', limit: 3 });
    expect(room.take('192.0.2.3', 3000)).toEqual({ status: 503, reason: 'too many sessions (at most 3); try again later' });
    expect(room.counts()).toEqual({ total: 3, byAddress: { '192.0.2.1': 2, '192.0.2.2': 1 } });
    room.release('192.0.2.1');
    expect(room.answer('192.0.2.1')).toEqual({ room: true });
    expect(room.counts()).toEqual({ total: 2, byAddress: { '192.0.2.1': 1, '192.0.2.2': 1 } });
    room.release('192.0.2.2');
    expect(room.counts().byAddress).toEqual({ '192.0.2.1': 1 });
    room.stopAccepting();
    expect(room.answer('192.0.2.9')).toEqual({ room: false, why: 'closing', limit: 0 });
    expect(room.take('192.0.2.9', 4000)).toEqual({ status: 503, reason: 'heloterm is shutting down' });
  });

  it('tells the class view of the pages turned away for want of room lately, not of a shutdown', () => {
    const room = new Room(2, 1);
    expect(room.turnedAway(0)).toBeNull();
    room.take('203.0.113.7', 0);
    room.take('203.0.113.7', 1_000);
    room.take('203.0.113.7', 2_000);
    room.take('198.51.100.4', 2_500);
    room.take('192.0.2.5', 5_000); // the bridge is full now
    expect(room.turnedAway(65_000)).toEqual({ address: { pages: 2, address: '203.0.113.7', limit: 1 }, full: { pages: 1, limit: 2 }, lastAgeS: 60 });
    // A run of refusals ends a window after its last; the next starts afresh.
    const window = TURNED_AWAY_WINDOW_S * 1000;
    expect(room.turnedAway(5_000 + window)).not.toBeNull();
    expect(room.turnedAway(5_001 + window)).toBeNull();
    room.take('192.0.2.6', 6_000 + window);
    expect(room.turnedAway(6_000 + window)).toEqual({ address: null, full: { pages: 1, limit: 2 }, lastAgeS: 0 });
    room.stopAccepting();
    room.take('192.0.2.7', 7_000 + window);
    expect(room.turnedAway(7_000 + window)?.full?.pages).toBe(1);
  });

  it('counts IPv4 addresses apart and IPv6 by /64', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('not an address')).toBe('unknown');
  });
});

describe('why a page was turned away, as the page and the class view say it', () => {
  it('the page: what to do for each reason, nothing when there was room', () => {
    expect(noRoomNote({ room: true })).toBeNull();
    expect(noRoomNote({ room: false, why: 'address', limit: 20 })).toBe(
      'the heloterm bridge turned this page away: it takes at most 20 pages from one address, and yours has that many open. Close another heloterm tab and reload; a class whose machines share one address needs heloterm started with a higher --max-sessions-per-address (ask your instructor)',
    );
    expect(noRoomNote({ room: false, why: 'full', limit: 100 })).toBe('the heloterm bridge turned this page away: it holds at most 100 pages and is full; reload in a while (whoever runs it can raise --max-sessions)');
    expect(noRoomNote({ room: false, why: 'closing', limit: 0 })).toBe('the heloterm bridge turned this page away: it is shutting down');
  });

  it('the page never let in: no room, no answer at all, or else the token', () => {
    expect(firstContactNote({ room: false, why: 'full', limit: 100 }, null)).toBe(noRoomNote({ room: false, why: 'full', limit: 100 }));
    expect(firstContactNote('unreachable', null)).toBe('the heloterm bridge does not answer: is it running? Press Connect to try again');
    expect(firstContactNote({ room: true }, null)).toContain('if it needs an access token, open the URL it printed at start-up');
    expect(firstContactNote(null, 'a-token')).toContain('the access token may be wrong or old');
  });

  it('the class view: how many, when, why and the flag that makes room', () => {
    expect(turnedAwayText({ address: { pages: 3, address: '203.0.113.7', limit: 20 }, full: null, lastAgeS: 130 })).toBe(
      "Turned away in the last 10 minutes (the last 2 min ago): 3 pages from one address, 203.0.113.7, which had 20 open already: a class that shares one address (a school's network, a proxy) needs heloterm started with a higher --max-sessions-per-address (now 20). Those trainees see a refused connection.",
    );
    expect(turnedAwayText({ address: { pages: 1, address: '2001:db8:1:2::/64', limit: 20 }, full: { pages: 1, limit: 100 }, lastAgeS: 5 })).toBe(
      "Turned away in the last 10 minutes (the last just now): 1 page from one address, 2001:db8:1:2::/64, which had 20 open already: a class that shares one address (a school's network, a proxy) needs heloterm started with a higher --max-sessions-per-address (now 20); 1 page when heloterm held as many as it may (100): start it with a higher --max-sessions, or close pages no one uses. Those trainees see a refused connection.",
    );
  });

  it('decodes the answers strictly', () => {
    expect(decodeRoomAnswer({ room: true })).toEqual({ room: true });
    expect(decodeRoomAnswer({ room: false, why: 'address', limit: 20 })).toEqual({ room: false, why: 'address', limit: 20 });
    for (const bad of [null, 'room', {}, { room: false }, { room: false, why: 'tired', limit: 1 }, { room: false, why: 'full', limit: -1 }, { room: false, why: 'full', limit: 1.5 }, { room: 1 }]) {
      expect(decodeRoomAnswer(bad)).toBeNull();
    }
    const snapshot = (turnedAway: unknown): unknown => ({ trainees: [], lessons: [], call: null, said: null, turnedAway });
    const away = { address: { pages: 2, address: '203.0.113.7', limit: 1 }, full: null, lastAgeS: 3 };
    expect(decodeClassSnapshot(snapshot(away))?.turnedAway).toEqual(away);
    expect((decodeClassSnapshot(snapshot(null)) as ClassSnapshot).turnedAway).toBeNull();
    for (const bad of [undefined, {}, { address: null, full: null, lastAgeS: 0 }, { ...away, lastAgeS: -1 }, { ...away, address: { pages: 2, address: 'x'.repeat(65), limit: 1 } }, { ...away, full: { pages: 1 } }]) {
      expect(decodeClassSnapshot(snapshot(bad))).toBeNull();
    }
  });
});
