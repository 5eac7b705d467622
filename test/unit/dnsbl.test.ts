/**
 * DNS blocklist answers read for a mail admin (shared/smtp/dnsbl.ts, with the lists' codes in dnsbl-zones.ts); the
 * `/dnsbl` command and the one a refusal's text names; and the `dnsbl` messages at the protocol's boundary. The
 * lookups themselves, through the bridge against a scripted DNS server, are in test/integration/dnsbl.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_DNSBL_LISTS } from '../../shared/protocol/app-limits.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { DnsblListAnswer, DnsblMessage } from '../../shared/protocol/messages.js';
import { dnsblCommandIn, readDnsbl } from '../../shared/smtp/dnsbl.js';
import { DNSBL_ZONES } from '../../shared/smtp/dnsbl-zones.js';
import { SessionModel } from '../../shared/smtp/session.js';

const checked = (...lists: DnsblListAnswer[]): DnsblMessage['answer'] => ({ kind: 'checked', lists });
const lines = (ip: string, answer: DnsblMessage['answer']): string[] => readDnsbl(ip, answer).findings.map((f) => `${f.tone}: ${f.text}`);
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('the blocklists known', () => {
  it('each has a zone, a page to check and delist, and a meaning for every code it answers', () => {
    for (const z of DNSBL_ZONES) {
      expect(z.zone).toMatch(/^[a-z0-9.-]+\.[a-z]+$/);
      expect(z.lookup).toMatch(/^https:\/\//);
      for (const code of [...Object.keys(z.codes), ...Object.keys(z.refusals)]) expect(code).toMatch(/^127\.\d+\.\d+\.\d+$/);
      // RFC 5782 §5: 127.0.0.2 is the test entry every list has, so every list knows what it means.
      expect(z.codes['127.0.0.2']).toBeDefined();
    }
    expect(DNSBL_ZONES.length).toBeLessThanOrEqual(MAX_DNSBL_LISTS);
  });
});

describe('readDnsbl', () => {
  it('names each list, says what a listing means and where to delist, and what receivers then do', () => {
    const found = lines(
      '192.0.2.10',
      checked(
        { zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.0.0.4', '127.0.0.10'], reason: 'https://check.spamhaus.org/query/ip/192.0.2.10' },
        { zone: 'bl.spamcop.net', kind: 'clean' },
      ),
    );
    expect(found[0]).toBe(
      'bad: Spamhaus ZEN (zen.spamhaus.org): LISTED, XBL: the host is infected by malware or abused as a proxy (the CBL data); PBL (ISP): an end-user range its ISP says should not send mail straight to receivers; send through a relay; it says: "https://check.spamhaus.org/query/ip/192.0.2.10". Check and ask for delisting at https://check.spamhaus.org/',
    );
    expect(found[1]).toBe('ok: SpamCop (bl.spamcop.net): not listed');
    expect(found[2]).toMatch(/^info: receivers that use this list refuse mail from 192\.0\.2\.10, usually at connection or RCPT/);
    expect(readDnsbl('192.0.2.10', checked({ zone: 'bl.spamcop.net', kind: 'clean' })).good).toBe(true);
  });

  it('tells a list refusing to answer from a listing: it says nothing about the address', () => {
    const found = lines('192.0.2.10', checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.255.255.254'] }));
    expect(found).toEqual([expect.stringMatching(/^warn: Spamhaus ZEN \(zen\.spamhaus\.org\): no answer about the address \(127\.255\.255\.254\): Spamhaus does not answer queries from public resolvers/)]);
    expect(readDnsbl('192.0.2.10', checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.255.255.254'] })).good).toBe(false);
  });

  it('says what it can of an unknown code or list, a failed lookup, a skipped list, a private address, a refusal', () => {
    expect(lines('192.0.2.10', checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.0.0.99'] }))[0]).toMatch(/^bad: Spamhaus ZEN \(zen\.spamhaus\.org\): LISTED, listed \(127\.0\.0\.99\)\. Check/);
    expect(lines('192.0.2.10', checked({ zone: 'other.example', kind: 'listed', codes: ['127.0.0.2'] }))[0]).toBe('bad: other.example: LISTED, listed (127.0.0.2)');
    expect(lines('192.0.2.10', checked({ zone: 'psbl.surriel.com', kind: 'error', detail: 'ETIMEOUT' }))).toEqual(['warn: PSBL (psbl.surriel.com): the lookup failed (ETIMEOUT); try again']);
    expect(lines('2001:db8::1', checked({ zone: 'bl.spamcop.net', kind: 'skipped' }))).toEqual(['info: SpamCop (bl.spamcop.net): lists IPv4 addresses only, not asked']);
    expect(lines('10.0.0.5', checked({ zone: 'bl.spamcop.net', kind: 'clean' })).at(-1)).toMatch(/^info: 10\.0\.0\.5 is a private address: lists never have it/);
    expect(lines('192.0.2.10', { kind: 'refused', detail: 'a DNS lookup is already running' })).toEqual(['warn: not asked: a DNS lookup is already running']);
  });

  it("never passes a list's control characters to the terminal", () => {
    const out = formatReport(readDnsbl('192.0.2.10', checked({ zone: 'bl.spamcop.net', kind: 'listed', codes: ['127.0.0.2'], reason: 'see \x1b]0;owned\x07' })));
    expect(out).not.toMatch(/\x1b\]|\x07/);
  });
});

describe('dnsblCommandIn', () => {
  it.each([
    ['Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10', '/dnsbl 192.0.2.10'],
    ['Rejected: 192.0.2.10 listed at bl.spamcop.net', '/dnsbl 192.0.2.10'],
    ['[BL21] Connections will not be accepted from 192.0.2.10, because the ip is in Spamhaus\'s list', '/dnsbl 192.0.2.10'],
    ['Client host [IPv6:2001:DB8::10] blocked using zen.spamhaus.org', '/dnsbl 2001:db8::10'],
    ['blocked - see https://www.spamcop.net/bl.shtml?192.0.2.10', '/dnsbl 192.0.2.10'],
    ['blocked using zen.spamhaus.org', null],
    ['version 1.2.3.4.5 of the list', null],
    ['client [mail.example.org] blocked', null],
  ])('%s', (text, want) => {
    expect(dnsblCommandIn(text)).toBe(want);
  });
});

describe('/dnsbl', () => {
  const state = new SessionModel().state;
  it('takes an address, bracketed or not', () => {
    expect(localCommand('/dnsbl 192.0.2.10', state)).toEqual({ kind: 'dnsbl', ip: '192.0.2.10' });
    expect(localCommand('/rbl [IPv6:2001:DB8::10]', state)).toEqual({ kind: 'dnsbl', ip: '2001:db8::10' });
  });
  it('says what it needs otherwise', () => {
    for (const [line, says] of [
      ['/dnsbl', /^-- \/dnsbl needs the address mail is sent from/],
      ['/dnsbl mail.example.org', /"mail\.example\.org" is not an IP address/],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind === 'text' ? plain(c.text) : JSON.stringify(c)).toMatch(says);
    }
  });
});

describe('dnsbl at the protocol boundary', () => {
  it('the bridge takes an address', () => {
    expect(decodeClientMessage('{"v":2,"type":"dnsbl","ip":"192.0.2.10"}')).toEqual({ ok: true, value: { v: 2, type: 'dnsbl', ip: '192.0.2.10' } });
    for (const ip of ['example.org', '[192.0.2.1]', '192.0.2.256', 7]) expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'dnsbl', ip })).ok).toBe(false);
  });

  it('the app decodes the answer; anything else is refused', () => {
    const answers: DnsblMessage['answer'][] = [
      checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.0.0.2'], reason: 'r' }, { zone: 'bl.spamcop.net', kind: 'clean' }, { zone: 'x.example', kind: 'skipped' }, { zone: 'y.example', kind: 'error', detail: 'ETIMEOUT' }),
      { kind: 'refused', detail: 'busy' },
    ];
    for (const answer of answers) {
      const m = { type: 'dnsbl', ip: '192.0.2.10', answer } as const;
      expect(decodeAnyServerMessage(encodeServerMessage(m))).toEqual({ ok: true, value: { v: 2, ...m } });
    }
    const m = { v: 2, type: 'dnsbl', ip: '192.0.2.10' };
    for (const answer of [
      checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: [] }),
      checked({ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.9', '127.0.0.10'] }),
      checked(...Array.from({ length: MAX_DNSBL_LISTS + 1 }, (): DnsblListAnswer => ({ zone: 'z.example', kind: 'clean' }))),
      { kind: 'checked', lists: [{ zone: 'z.example', kind: 'maybe' }] },
      { kind: 'refused' },
    ]) {
      expect(decodeAnyServerMessage(JSON.stringify({ ...m, answer })).ok).toBe(false);
    }
  });
});
