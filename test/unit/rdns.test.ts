/**
 * Reading a server's reverse DNS (shared/smtp/rdns.ts): the findings a mail tester gives for a PTR record that
 * resolves back or not, none, several, a failed lookup, and the greeting's name against them; `/rdns`; and the
 * `rdns` messages at the protocol's boundary (a request the bridge takes, an answer only the app decodes). What a
 * real resolver answers is in test/integration/dns-lookup.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { reverseName } from '../../server/dns-lookup.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { decodeClientMessage, decodeServerMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage, decodeAppMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import { MAX_MX_ADDRESSES, MAX_RDNS_NAMES } from '../../shared/protocol/app-limits.js';
import { type RdnsAnswer } from '../../shared/protocol/messages.js';
import { clientSeenAs, greetingName, isLoopback, looksUpRdnsByItself, readRdnsAnswer, seenAsFindings } from '../../shared/smtp/rdns.js';
import { initialState } from '../../shared/smtp/session-state.js';

const names = (...n: [string, string[]][]): RdnsAnswer => ({ kind: 'names', count: n.length, names: n.map(([name, addresses]) => ({ name, addresses })) });
const lines = (address: string, answer: RdnsAnswer, greeting: string | null): string[] =>
  readRdnsAnswer(address, answer, greeting).findings.map((f) => `${f.tone}: ${f.text}`);

describe('readRdnsAnswer', () => {
  it('passes a PTR that resolves back and agrees with the greeting', () => {
    const r = readRdnsAnswer('192.0.2.10', names(['mx1.example.org', ['192.0.2.10', '2001:db8::10']]), 'MX1.example.org');
    expect(r.head).toBe('reverse DNS of 192.0.2.10, the server connected to (RFC 1912 §2.1):');
    expect(r.findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      'info: PTR: mx1.example.org',
      'ok: mx1.example.org resolves back to 192.0.2.10 (forward-confirmed)',
      'ok: the greeting names MX1.example.org, as the reverse DNS does',
    ]);
    expect(r.good).toBe(true);
  });

  it('finds a name that does not resolve back, and a greeting with another name', () => {
    const r = readRdnsAnswer('192.0.2.10', names(['host-192-0-2-10.isp.example', ['192.0.2.77']]), 'mail.example.org');
    expect(r.good).toBe(false);
    expect(r.findings[1]).toMatchObject({ tone: 'bad', text: expect.stringContaining('does not resolve back to 192.0.2.10 (it resolves to 192.0.2.77)') });
    expect(r.findings[2]).toMatchObject({ tone: 'warn', text: expect.stringContaining('the greeting names mail.example.org, the reverse DNS host-192-0-2-10.isp.example') });
    expect(lines('192.0.2.10', names(['nowhere.example', []]), null)[1]).toContain('it resolves to no address at all');
  });

  it('compares IPv6 and IPv4-mapped addresses as addresses, not as text', () => {
    expect(lines('2001:DB8::10', names(['mx.example.org', ['2001:db8::10']]), 'mx.example.org')[1]).toMatch(/^ok: /);
    expect(lines('::ffff:192.0.2.10', names(['mx.example.org', ['192.0.2.10']]), 'mx.example.org')[1]).toMatch(/^ok: /);
  });

  it('says what no PTR record means, and that a failed lookup proves nothing', () => {
    const none = readRdnsAnswer('192.0.2.10', { kind: 'none', reason: 'no-ptr', detail: 'no PTR record for 10.2.0.192.in-addr.arpa' }, 'mx.example.org');
    expect(none.findings.map((f) => f.tone)).toEqual(['bad', 'info']);
    expect(none.findings[0]?.text).toContain('has no name (no PTR record)');
    const failed = readRdnsAnswer('192.0.2.10', { kind: 'none', reason: 'dns-error', detail: 'the PTR lookup failed: ETIMEOUT' }, 'mx.example.org');
    expect(failed.findings).toEqual([{ tone: 'warn', text: 'could not be looked up (the PTR lookup failed: ETIMEOUT): try again before concluding anything' }]);
    const refused = readRdnsAnswer('192.0.2.10', { kind: 'none', reason: 'refused', detail: 'a DNS lookup is already running: wait for its answer' }, 'mx.example.org');
    expect(refused).toMatchObject({ good: false, findings: [{ tone: 'warn', text: 'not looked up: a DNS lookup is already running: wait for its answer' }] });
  });

  it('notes several PTR records, a name that could not be checked, and a greeting without a name', () => {
    const answer: RdnsAnswer = {
      kind: 'names',
      count: 2,
      names: [
        { name: 'a.example.org', addresses: ['192.0.2.10'] },
        { name: 'b.example.org', addresses: [], lookupError: 'ESERVFAIL' },
      ],
    };
    expect(lines('192.0.2.10', answer, null)).toEqual([
      'info: PTR: a.example.org, b.example.org',
      'ok: a.example.org resolves back to 192.0.2.10 (forward-confirmed)',
      'warn: b.example.org: its addresses could not be looked up (ESERVFAIL): try again',
      'warn: 2 PTR records: a receiver may check any one of them, so each must resolve back; one is usual',
      'warn: the greeting does not begin with the server\'s host name (RFC 5321 §4.2 asks for "220 <domain> …")',
    ]);
  });

  it('says first that a loopback address\'s reverse DNS says nothing about what receivers see', () => {
    const r = readRdnsAnswer('127.0.0.1', names(['localhost', ['127.0.0.1']]), 'mail.example.org');
    expect(r.findings[0]).toEqual({ tone: 'info', text: expect.stringContaining('a loopback address: receivers never see it') });
    expect(r.findings[2]?.tone).toBe('ok');
    expect(lines('192.0.2.1', names(['a.example', ['192.0.2.1']]), 'a.example')[0]).not.toContain('loopback');
  });

  it('shows what came from the network with its control characters made visible', () => {
    const text = formatReport(readRdnsAnswer('192.0.2.10', names(['evil\x1b[2J.example', ['192.0.2.10']]), null));
    expect(text).not.toContain('\x1b[2J');
    expect(text).toContain('evil^[[2J.example');
  });
});

describe('reverseName (the bridge)', () => {
  it.each([
    ['192.0.2.10', '10.2.0.192.in-addr.arpa'],
    ['::ffff:192.0.2.10', '10.2.0.192.in-addr.arpa'],
    // RFC 3596 §2.5's own example.
    ['4321:0:1:2:3:4:567:89ab', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa'],
    ['2001:db8::567:89ab', 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['mx.example.org', null],
    ['', null],
  ])('%j is asked about as %j', (address, name) => {
    expect(reverseName(address)).toBe(name);
  });
});

describe('greetingName and isLoopback', () => {
  it.each([
    ['mx.example.org ESMTP Postfix', 'mx.example.org'],
    ['mx.example.org. ready', 'mx.example.org'],
    ['practice.test heloterm practice server', 'practice.test'],
    ['ESMTP ready', null],
    ['[192.0.2.1] ESMTP', null],
    ['192.0.2.1 ESMTP', null],
    ['localhost ESMTP', null],
    ['', null],
  ])('%j names %j', (text, name) => {
    expect(greetingName(text)).toBe(name);
  });

  it('the page looks up by itself any server but the practice server and a loopback address', () => {
    expect(looksUpRdnsByItself('192.0.2.10', false)).toBe(true);
    expect(looksUpRdnsByItself('2001:db8::10', false)).toBe(true);
    expect(looksUpRdnsByItself('10.0.0.5', false)).toBe(true);
    expect(looksUpRdnsByItself('127.0.0.1', false)).toBe(false);
    expect(looksUpRdnsByItself('::1', false)).toBe(false);
    expect(looksUpRdnsByItself('192.0.2.10', true)).toBe(false);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.1', false],
    ['2001:db8::1', false],
    ['10.0.0.1', false],
  ])('%s is loopback: %s', (address, loop) => {
    expect(isLoopback(address)).toBe(loop);
  });
});

describe('/rdns and the rdns messages', () => {
  it('/rdns and /ptr ask for the lookup; in message text they are text', () => {
    expect(localCommand('/rdns', initialState())).toEqual({ kind: 'rdns' });
    expect(localCommand('/PTR', initialState())).toEqual({ kind: 'rdns' });
    expect(localCommand('/rdns', initialState(), 'message-text')).toBeNull();
    // An address named: its reverse DNS, connected or not; anything else is said to be no address.
    expect(localCommand('/rdns 192.0.2.10', initialState())).toEqual({ kind: 'rdns', ip: '192.0.2.10' });
    expect(localCommand('/rdns [2001:DB8::25]', initialState())).toEqual({ kind: 'rdns', ip: '2001:db8::25' });
    expect(localCommand('/rdns mx.example.org', initialState())).toMatchObject({ kind: 'text', text: expect.stringContaining('"mx.example.org" is not an IP address') });
  });

  it('of an address asked about: no greeting to compare, and not "the server connected to"', () => {
    const r = readRdnsAnswer('192.0.2.10', names(['mx.example.org', ['192.0.2.10']]), null, false);
    expect(r.head).toBe('reverse DNS of 192.0.2.10 (RFC 1912 §2.1):');
    expect(r.findings.map((f) => f.text)).toEqual(['PTR: mx.example.org', 'mx.example.org resolves back to 192.0.2.10 (forward-confirmed)']);
    expect(r.good).toBe(true);
    expect(readRdnsAnswer('192.0.2.10', { kind: 'none', reason: 'no-ptr', detail: '' }, 'mx.example.org', false).findings).toHaveLength(1);
  });

  it('the bridge takes a request without fields; the answer is read by the app decoder only', () => {
    expect(decodeClientMessage('{"v":2,"type":"rdns"}')).toEqual({ ok: true, value: { v: 2, type: 'rdns' } });
    expect(decodeClientMessage('{"v":2,"type":"rdns","ip":"2001:db8::25"}')).toEqual({ ok: true, value: { v: 2, type: 'rdns', ip: '2001:db8::25' } });
    for (const ip of ['mx.example.org', '192.0.2.300', 7, '']) expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'rdns', ip })).ok, String(ip)).toBe(false);
    const answer = names(['mx.example.org', ['192.0.2.10']]);
    const frame = encodeServerMessage({ type: 'rdns', address: '192.0.2.10', answer });
    expect(decodeServerMessage(frame)).toEqual({ ok: false, error: 'unknown message type "rdns"' });
    expect(decodeAnyServerMessage(frame)).toEqual({ ok: true, value: { v: 2, type: 'rdns', address: '192.0.2.10', answer } });
    const none = encodeServerMessage({ type: 'rdns', address: '192.0.2.10', answer: { kind: 'none', reason: 'no-ptr', detail: 'x' } });
    expect(decodeAnyServerMessage(none).ok).toBe(true);
    for (const reason of ['refused', 'dns-error'] as const) {
      const body = { type: 'mx', domain: 'example.org', answer: { kind: 'none', reason, detail: 'at most 20 DNS lookups a minute' } } as const;
      expect(decodeAnyServerMessage(encodeServerMessage(body))).toEqual({ ok: true, value: { v: 2, ...body } });
      const rdns = { type: 'rdns', address: '192.0.2.10', answer: { kind: 'none', reason, detail: 'x' } } as const;
      expect(decodeAnyServerMessage(encodeServerMessage(rdns))).toEqual({ ok: true, value: { v: 2, ...rdns } });
    }
  });

  it.each<[string, unknown]>([
    ['no names', { kind: 'names', count: 0, names: [] }],
    ['too many names', { kind: 'names', count: MAX_RDNS_NAMES + 1, names: Array.from({ length: MAX_RDNS_NAMES + 1 }, () => ({ name: 'a', addresses: [] })) }],
    ['too many addresses', { kind: 'names', count: 1, names: [{ name: 'a', addresses: Array.from({ length: MAX_MX_ADDRESSES + 1 }, () => '192.0.2.1') }] }],
    ['a count below the names listed', { kind: 'names', count: 0, names: [{ name: 'a', addresses: [] }] }],
    ['a name too long', { kind: 'names', count: 1, names: [{ name: 'a'.repeat(300), addresses: [] }] }],
    ['a bad lookup error', { kind: 'names', count: 1, names: [{ name: 'a', addresses: [], lookupError: 5 }] }],
    ['an unknown reason', { kind: 'none', reason: 'tired', detail: '' }],
    ['no answer', undefined],
  ])('refuses an answer with %s', (_what, bad) => {
    expect(decodeAppMessage(JSON.stringify({ v: 2, type: 'rdns', address: '192.0.2.10', answer: bad }))).toEqual({ ok: false, error: 'rdns: bad "answer"' });
  });

  it('refuses an address that cannot be one', () => {
    expect(decodeAppMessage(JSON.stringify({ v: 2, type: 'rdns', address: 'x'.repeat(46), answer: { kind: 'none', reason: 'no-ptr', detail: '' } }))).toEqual({
      ok: false,
      error: 'rdns: bad "address"',
    });
  });
});

describe('the address a server says it sees the client at', () => {
  it.each([
    ['exim.test.example Hello client.example.org [203.0.113.5]', '203.0.113.5', false],
    ['smtpd.test.example Hello client.example.org [198.51.100.7], pleased to meet you', '198.51.100.7', false],
    ['mx.google.com at your service, [2001:DB8::5]', '2001:db8::5', false],
    ['BN8NAM12FT051.mail.protection.outlook.com Hello [203.0.113.9]', '203.0.113.9', false],
    ['mail.example.com Hello laptop.home [203.0.113.77] (may be forged), pleased to meet you', '203.0.113.77', true],
    ['practice.test Nice to meet you, [127.0.0.1]', '127.0.0.1', false],
    ['mx.example.org Hello [IPv6:2001:db8::7]', '2001:db8::7', false],
  ])('reads %j', (line, address, forged) => {
    expect(clientSeenAs(line)).toEqual({ address, forged });
  });

  it('reads no address where there is none, or where the brackets hold something else', () => {
    for (const line of ['mx.test.example', 'mx.example.org Hello client [unknown]', 'mx.example.org [999.1.1.1]', 'SIZE 10240000']) expect(clientSeenAs(line), line).toBeNull();
  });

  it('points at the checks of a public address, says nothing of a loopback or private one, and warns of "may be forged"', () => {
    const isPrivate = (a: string) => a.startsWith('10.') || a.startsWith('192.168.');
    expect(seenAsFindings({ address: '203.0.113.5', forged: false }, isPrivate)).toEqual([
      { tone: 'info', text: expect.stringMatching(/^the server sees this connection coming from 203\.0\.113\.5 .*\/rdns 203\.0\.113\.5 and \/dnsbl 203\.0\.113\.5 check it$/) },
    ]);
    expect(seenAsFindings({ address: '127.0.0.1', forged: false }, isPrivate)).toEqual([]);
    expect(seenAsFindings({ address: '192.168.1.20', forged: false }, isPrivate)).toEqual([]);
    expect(seenAsFindings(null, isPrivate)).toEqual([]);
    const forged = seenAsFindings({ address: '192.168.1.20', forged: true }, isPrivate);
    expect(forged).toEqual([{ tone: 'warn', text: expect.stringContaining('"(may be forged)": 192.168.1.20 has no reverse DNS name') }]);
  });
});
