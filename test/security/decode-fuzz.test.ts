/**
 * Hostile frames against the decoders of the newer messages (`connect` with `family`, `ports`, `tlsversions`,
 * `smuggling` and its addresses, `tlsinjection`, `mxtls`, `progress` with its `hand`, `dbl`, the `ports`, `tlsversions`,
 * `smuggling`, `tlsinjection`, `mxtls` and `dbl` answers, the instructor's `call`, `say` and `hand`,
 * the class view's snapshot and the bodies it posts): valid messages with fields swapped for values of every other
 * kind, nested deeper, or huge, from a seeded generator. Each decoder must answer every one without throwing, and what
 * it accepts must still be within the message's limits.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { decodeCallRequest, decodeClassSnapshot, decodeHandRequest, decodeSayRequest } from '../../shared/protocol/class.js';
import { isClassSay, isLessonId, isProbeAddress, MAX_DNSBL_LISTS, MAX_MX_TLS_HOSTS, MAX_PROBE_PORTS, MAX_TRAINEE_NAME, SMUGGLING_SEQUENCES } from '../../shared/protocol/app-limits.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';
import { decodeRoomAnswer } from '../../shared/protocol/room.js';

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUNDS = 3000;

/** Values of every kind a JSON field can hold, hostile ones among them. */
function anyValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 14);
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 70000) - 100;
    case 3: return r() * 1e6;
    case 4: return '';
    case 5: return 'x'.repeat(Math.floor(r() * 400));
    case 6: return 'mx.example.org';
    case 7: return '\u001b[2J\u0000\r\n';
    case 8: return '__proto__';
    case 9: return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 8) }, () => anyValue(r, depth + 1));
    case 10: return depth > 3 ? {} : { port: anyValue(r, depth + 1), tls: anyValue(r, depth + 1), id: anyValue(r, depth + 1), step: anyValue(r, depth + 1) };
    case 11: return 6;
    case 12: return 'implicit';
    default: return Number.NaN;
  }
}

/** `base` with some of its fields (or fields it lacks) replaced by any value. */
function mutate(base: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const keys = [...Object.keys(base), 'extra', 'constructor'];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out[keys[Math.floor(r() * keys.length)] ?? 'extra'] = anyValue(r);
  return out;
}

describe('hostile frames of this round\'s messages', () => {
  const clientBases: Record<string, unknown>[] = [
    { v: PROTOCOL_VERSION, type: 'connect', host: 'mx.example.org', port: 25, tls: 'none', family: 6 },
    { v: PROTOCOL_VERSION, type: 'ports', host: 'mx.example.org', ports: [{ port: 25, tls: 'none' }, { port: 465, tls: 'implicit' }], family: 4 },
    { v: PROTOCOL_VERSION, type: 'progress', name: 'Alice', lesson: { id: 'dsn', step: 2, retries: 1 }, done: ['eight-steps'], hand: true },
    { v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 465, tls: 'implicit', family: 6 },
    { v: PROTOCOL_VERSION, type: 'dbl', domain: 'mail.example.org' },
    { v: PROTOCOL_VERSION, type: 'smuggling', host: 'mx.example.org', port: 25, to: 'postmaster@example.org', from: '', family: 4 },
    { v: PROTOCOL_VERSION, type: 'tlsinjection', host: 'mx.example.org', port: 25, family: 6 },
    { v: PROTOCOL_VERSION, type: 'mxtls', domain: 'example.org' },
  ];

  it('are each answered by the bridge\'s decoder, and what it accepts keeps the limits', () => {
    const r = random(20261130);
    let accepted = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const base = clientBases[i % clientBases.length] ?? {};
      const frame = JSON.stringify(mutate(base, r));
      const d = decodeClientMessage(frame);
      if (!d.ok) {
        expect(typeof d.error).toBe('string');
        continue;
      }
      accepted++;
      const m = d.value;
      if (m.type === 'ports') {
        expect(m.ports.length).toBeGreaterThan(0);
        expect(m.ports.length).toBeLessThanOrEqual(MAX_PROBE_PORTS);
        for (const p of m.ports) expect(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535 && (p.tls === 'none' || p.tls === 'implicit')).toBe(true);
      }
      if (m.type === 'progress') {
        expect(m.name.length).toBeLessThanOrEqual(MAX_TRAINEE_NAME);
        expect(/[\x00-\x1f\x7f-\x9f]/.test(m.name)).toBe(false);
        expect(m.hand === undefined || m.hand === true).toBe(true);
      }
      if (m.type === 'dbl') expect(typeof m.domain === 'string' && m.domain.length > 0 && m.domain.length <= 255 && !/\s/.test(m.domain)).toBe(true);
      if (m.type === 'connect' && m.family !== undefined) expect([4, 6]).toContain(m.family);
      if (m.type === 'tlsversions') {
        expect(Number.isInteger(m.port) && m.port >= 1 && m.port <= 65535 && (m.tls === 'none' || m.tls === 'implicit')).toBe(true);
        expect(m.family === undefined || m.family === 4 || m.family === 6).toBe(true);
        expect(typeof m.host === 'string' && m.host.length > 0 && m.host.length <= 255).toBe(true);
      }
      if (m.type === 'mxtls') expect(typeof m.domain === 'string' && m.domain.length > 0 && m.domain.length <= 255 && !/[\s:]/.test(m.domain) && Object.keys(m).length === 3).toBe(true);
      if (m.type === 'tlsinjection') expect(Number.isInteger(m.port) && m.port >= 1 && m.port <= 65535 && (m.family === undefined || m.family === 4 || m.family === 6) && m.host.length > 0).toBe(true);
      if (m.type === 'smuggling') {
        expect(Number.isInteger(m.port) && m.port >= 1 && m.port <= 65535 && isProbeAddress(m.to) && (m.from === '' || isProbeAddress(m.from))).toBe(true);
      }
    }
    // Some mutations leave a valid message: the cases reach past the first check.
    expect(accepted).toBeGreaterThan(0);
  });

  it('never let an address of a smuggling probe carry more than one address onto the wire', () => {
    const r = random(51764);
    const hostile = ['a@b.test>\r\nRSET', 'a@b.test\nRCPT TO:<c@d.test', 'a b@c.test', '<a@b.test>', 'a@b.test ', '"a"@b.test', 'a@[192.0.2.1]', '.a@b.test', 'a..b@c.test', 'a@b..test', `${'x'.repeat(65)}@b.test`, 'ä@b.test', 'a@', '@b.test', 'a@b.test\u0000', 'a@b.test>'];
    let accepted = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const pick = (): unknown => (r() < 0.6 ? hostile[Math.floor(r() * hostile.length)] : anyValue(r));
      const d = decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'smuggling', host: 'mx.example.org', port: 25, to: r() < 0.3 ? 'ok@example.org' : pick(), from: r() < 0.5 ? '' : pick() }));
      if (!d.ok || d.value.type !== 'smuggling') continue;
      accepted++;
      for (const a of [d.value.to, d.value.from]) expect(/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]*$/.test(a), a).toBe(true);
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('are each answered by the page\'s decoders (a ports answer, a tlsversions answer, a class snapshot)', () => {
    const r = random(7);
    const outcome = { port: 25, outcome: 'greeting', text: '220 x', ms: 3, tls: null, ehlo: null, ehloRefused: '550 no' };
    const ports = { v: PROTOCOL_VERSION, type: 'ports', host: 'mx.example.org', answer: { kind: 'probed', address: '192.0.2.1', ports: [outcome] } };
    const trainee = { seat: 1, address: '192.0.2.31', name: '', lesson: { number: 1, title: 't', step: 1, steps: 8, retries: 0 }, done: [1], target: null, toPractice: false, idleS: 0, openS: 0, handS: 30 };
    const dbl = { v: PROTOCOL_VERSION, type: 'dbl', domain: 'mail.example.org', asked: 'example.org', answer: { kind: 'checked', lists: [{ zone: 'dbl.spamhaus.org', kind: 'listed', codes: ['127.0.1.2'] }] } };
    let snapshots = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const answer = mutate({ kind: 'probed', address: '192.0.2.1', ports: [mutate(outcome, r)] }, r);
      const d = decodeAnyServerMessage(JSON.stringify(i % 2 === 0 ? { ...ports, answer } : mutate(ports, r)));
      if (d.ok && d.value.type === 'ports' && d.value.answer.kind === 'probed') {
        expect(d.value.answer.ports.length).toBeLessThanOrEqual(MAX_PROBE_PORTS);
        for (const p of d.value.answer.ports) expect(p.ehlo === null || p.ehlo.every((l) => typeof l === 'string')).toBe(true);
      }
      const version = { version: 'TLSv1.2', outcome: 'accepted', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', text: '', ms: 5 };
      const tlsAnswer = mutate({ kind: 'probed', address: '192.0.2.1', versions: [mutate(version, r), version] }, r);
      const v = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 25, answer: tlsAnswer }, r)));
      if (v.ok && v.value.type === 'tlsversions' && v.value.answer.kind === 'probed') {
        expect(v.value.answer.versions.length).toBeLessThanOrEqual(4);
        for (const o of v.value.answer.versions) expect(typeof o.text === 'string' && o.text.length <= 201 && (o.cipher === null || typeof o.cipher === 'string')).toBe(true);
      }
      const mxHost = { host: 'mx1.example.org', preference: 10, address: '192.0.2.1', outcome: 'no-starttls', text: 'STARTTLS is not offered after EHLO', ms: 4, tls: null };
      const mxAnswer = mutate({ kind: 'probed', hosts: [mutate(mxHost, r), mxHost], count: 2, implicit: false, port: 25 }, r);
      const mx = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: 'mxtls', domain: 'example.org', answer: mxAnswer }, r)));
      if (mx.ok && mx.value.type === 'mxtls' && mx.value.answer.kind === 'probed') {
        const { hosts, count } = mx.value.answer;
        expect(hosts.length <= MAX_MX_TLS_HOSTS && count >= hosts.length).toBe(true);
        for (const h of hosts) expect(h.text.length <= 201 && (h.tls === null) === (h.outcome !== 'tls')).toBe(true);
      }
      const snapshot = JSON.parse(
        JSON.stringify(mutate({ trainees: [mutate(trainee, r)], lessons: [mutate({ number: 1, id: 'eight-steps', title: 't', short: 's' }, r)], call: { number: 1, ageS: 5 }, said: mutate({ text: 'Stop after DATA', ageS: 5 }, r), turnedAway: i % 2 === 0 ? mutate({ address: mutate({ pages: 2, address: '203.0.113.7', limit: 20 }, r), full: null, lastAgeS: 3 }, r) : { address: null, full: { pages: 1, limit: 100 }, lastAgeS: 3 } }, r)),
      ) as unknown;
      const s = decodeClassSnapshot(snapshot);
      if (s !== null) {
        snapshots++;
        for (const t of s.trainees) expect(Number.isInteger(t.seat) && t.seat >= 0 && (t.handS === null || (Number.isInteger(t.handS) && t.handS >= 0))).toBe(true);
        for (const l of s.lessons) expect(isLessonId(l.id)).toBe(true);
        if (s.said !== null) expect(isClassSay(s.said.text) && Number.isInteger(s.said.ageS) && s.said.ageS >= 0).toBe(true);
        const away = s.turnedAway;
        if (away !== null) {
          expect(away.address !== null || away.full !== null).toBe(true);
          for (const n of [away.lastAgeS, away.address?.pages ?? 0, away.address?.limit ?? 0, away.full?.pages ?? 0, away.full?.limit ?? 0]) expect(Number.isInteger(n) && n >= 0).toBe(true);
          if (away.address !== null) expect(typeof away.address.address === 'string' && away.address.address.length <= 64).toBe(true);
        }
      }
      const room = decodeRoomAnswer(mutate(i % 2 === 0 ? { room: false, why: 'address', limit: 20 } : { room: true }, r));
      if (room !== null && !room.room) expect(['address', 'full', 'closing'].includes(room.why) && Number.isInteger(room.limit) && room.limit >= 0).toBe(true);
      const sequence = { sequence: 'LF.LF', outcome: 'ended', text: '250 2.0.0 Ok: queued as 4Q1', next: '250 2.0.0 Ok', ms: 7 };
      const smugglingAnswer = mutate({ kind: 'probed', address: '192.0.2.1', sequences: [mutate(sequence, r), sequence] }, r);
      const sm = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: 'smuggling', host: 'mx.example.org', port: 25, answer: smugglingAnswer }, r)));
      if (sm.ok && sm.value.type === 'smuggling' && sm.value.answer.kind === 'probed') {
        expect(sm.value.answer.sequences.length).toBeLessThanOrEqual(SMUGGLING_SEQUENCES.length);
        for (const o of sm.value.answer.sequences) expect(SMUGGLING_SEQUENCES.includes(o.sequence) && o.text.length <= 201 && o.next.length <= 201 && o.ms >= 0).toBe(true);
      }
      const injection = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: 'tlsinjection', host: 'mx.example.org', port: 25, answer: mutate({ kind: 'probed', address: '192.0.2.1', outcome: 'injected', text: '250 Ok', next: '221 Bye', ms: 4 }, r) }, r)));
      if (injection.ok && injection.value.type === 'tlsinjection' && injection.value.answer.kind === 'probed') {
        const a = injection.value.answer;
        expect(['injected', 'safe', 'no-starttls', 'tls-failed', 'unclear', 'error'].includes(a.outcome) && a.text.length <= 201 && a.next.length <= 201 && a.ms >= 0).toBe(true);
      }
      const b = decodeAnyServerMessage(JSON.stringify(mutate(i % 2 === 0 ? dbl : { ...dbl, answer: mutate(dbl.answer, r) }, r)));
      if (b.ok && b.value.type === 'dbl' && b.value.answer.kind === 'checked') expect(b.value.answer.lists.length).toBeLessThanOrEqual(MAX_DNSBL_LISTS);
      const c = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: i % 3 === 0 ? 'hand' : 'call', lesson: 'starttls', ageS: 0, raised: false }, r)));
      if (c.ok && c.value.type === 'call') expect((c.value.lesson === null || isLessonId(c.value.lesson)) && Number.isInteger(c.value.ageS) && c.value.ageS >= 0).toBe(true);
      if (c.ok && c.value.type === 'hand') expect(c.value.raised).toBe(false);
      const asked = decodeCallRequest(mutate({ lesson: 'starttls' }, r));
      if (asked !== null) expect(asked.lesson === null || isLessonId(asked.lesson)).toBe(true);
      const note = decodeAnyServerMessage(JSON.stringify(mutate({ v: PROTOCOL_VERSION, type: 'say', text: 'Stop after DATA', ageS: 0 }, r)));
      if (note.ok && note.value.type === 'say') expect((note.value.text === null || isClassSay(note.value.text)) && Number.isInteger(note.value.ageS) && note.value.ageS >= 0).toBe(true);
      const said = decodeSayRequest(mutate({ text: 'Stop after DATA' }, r));
      if (said !== null) expect(said.text === null || (isClassSay(said.text) && said.text === said.text.trim())).toBe(true);
      const lowered = decodeHandRequest(mutate({ seat: 3 }, r));
      if (lowered !== null) expect(Number.isInteger(lowered.seat) && lowered.seat >= 0).toBe(true);
    }
    // Some mutated snapshots are still snapshots: the cases reach past the first check.
    expect(snapshots).toBeGreaterThan(0);
  });
});
