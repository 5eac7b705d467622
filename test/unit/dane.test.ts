/**
 * DANE read for the terminal and the reply log (shared/smtp/dane.ts), and when the page asks for it by itself
 * (client/ui/server-checks.ts): after TLS with a server dialled by name, not the practice server, nor loopback, nor an
 * address. The records' verdicts, made against real certificates: test/integration/dane.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ServerChecks } from '../../client/ui/server-checks.js';
import type { Bare, ClientMessage, DaneAnswer, TlsaSeen } from '../../shared/protocol/messages.js';
import { readDaneAnswer } from '../../shared/smtp/dane.js';

const NAME = '_25._tcp.mx.example.org';
const SUGGESTED = `3 1 1 ${'ab'.repeat(32)}`;
const none = (reason: Extract<DaneAnswer, { kind: 'none' }>['reason'], detail = ''): DaneAnswer => ({ kind: 'none', name: NAME, reason, detail, suggested: SUGGESTED });
const record = (usage: number, match: TlsaSeen['match']): TlsaSeen => ({ usage, selector: 1, matching: 1, data: 'cd'.repeat(32), dataBytes: 32, match });

describe('readDaneAnswer', () => {
  it('says a server without TLSA records does not use DANE, with the record that would match its key', () => {
    for (const reason of ['no-name', 'no-records'] as const) {
      const r = readDaneAnswer('mx.example.org', 25, none(reason));
      expect(r.head).toBe(`DANE for mx.example.org port 25 (TLSA at ${NAME}):`);
      expect(r.good).toBe(true);
      expect(r.findings).toEqual([{ tone: 'info', text: expect.stringMatching(new RegExp(`^no TLSA records: this server does not use DANE.* A record that matches its key: ${NAME} IN TLSA ${SUGGESTED}\\.$`)) }]);
    }
  });

  it('warns of a failed lookup, and says why nothing was looked up', () => {
    expect(readDaneAnswer('mx.example.org', 25, none('dns-error', 'SERVFAIL'))).toMatchObject({ good: false, findings: [{ tone: 'warn', text: expect.stringContaining('the TLSA lookup failed (SERVFAIL)') }] });
    expect(readDaneAnswer('mx.example.org', 25, none('refused', 'a DNS lookup is already running')).findings[0]?.text).toBe('not looked up: a DNS lookup is already running');
    expect(readDaneAnswer('mx.example.org', 25, none('no-tls')).findings[0]?.text).toMatch(/^no TLS session yet/);
    expect(readDaneAnswer('192.0.2.10', 25, { ...none('not-a-name', '192.0.2.10 is an address'), name: '' }).head).toBe('DANE for 192.0.2.10 port 25:');
  });

  it('with only records senders ignore for SMTP: DANE is not in effect; one match among others is enough', () => {
    const unusable = readDaneAnswer('mx.example.org', 25, { kind: 'records', name: NAME, secure: true, records: [record(1, 'unusable')], count: 1, suggested: SUGGESTED });
    expect(unusable.good).toBe(false);
    expect(unusable.findings.map((f) => f.tone)).toEqual(['warn', 'warn', 'ok']);
    expect(unusable.findings[1]?.text).toMatch(/^no record senders use for SMTP: DANE is not in effect/);
    // A rollover: the old key's record and the new one's, the new one matching.
    const rollover = readDaneAnswer('mx.example.org', 25, { kind: 'records', name: NAME, secure: true, records: [record(3, 'no'), record(3, 'yes')], count: 3, suggested: SUGGESTED });
    expect(rollover.good).toBe(true);
    expect(rollover.findings.map((f) => f.tone)).toEqual(['bad', 'ok', 'info', 'ok', 'ok']);
    expect(rollover.findings[2]?.text).toBe('1 more record not shown');
  });
});

describe('the page asks for DANE by itself', () => {
  const asked = (host: string, address: string, practice = false): Bare<ClientMessage>[] => {
    const sent: Bare<ClientMessage>[] = [];
    const checks = new ServerChecks({ write: () => {}, log: () => {}, send: (m) => sent.push(m) > 0, note: () => {}, pointFormAt: () => false });
    if (practice) checks.practice = { host: address, port: 2525, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: [] };
    checks.connected(host, address, practice ? 2525 : 25);
    checks.secured({ authorized: true, authorizationError: null, coversHost: true });
    return sent;
  };

  it('after TLS with a server dialled by name; not the practice server, a loopback address, nor one dialled by address', () => {
    expect(asked('mx.example.org', '192.0.2.10')).toEqual([{ type: 'dane' }]);
    expect(asked('localhost', '127.0.0.1')).toEqual([]);
    expect(asked('127.0.0.1', '127.0.0.1', true)).toEqual([]);
    expect(asked('192.0.2.10', '192.0.2.10')).toEqual([]);
    expect(asked('[2001:db8::25]', '2001:db8::25')).toEqual([]);
  });
});
