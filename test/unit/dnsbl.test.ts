/**
 * DNS blocklist answers read for a mail admin (shared/smtp/dnsbl.ts, with the lists' codes in dnsbl-zones.ts), the
 * domain lists' too; the `/dnsbl` command and the one a refusal's text names; and the `dnsbl` and `dbl` messages at
 * the protocol's boundary. The lookups themselves, through the bridge against a scripted DNS server, are in
 * test/integration/dnsbl.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_DNSBL_LISTS } from '../../shared/protocol/app-limits.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { DblMessage, DnsblListAnswer, DnsblMessage } from '../../shared/protocol/messages.js';
import { dnsblCommandIn, readDnsbl, readDomainBl } from '../../shared/smtp/dnsbl.js';
import { DNSBL_ZONES, DOMAIN_BL_ZONES } from '../../shared/smtp/dnsbl-zones.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { ServerChecks } from '../../client/ui/server-checks.js';

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

  it('so has each domain list, its answers by code or by bit (never bit 1, which these lists use to refuse)', () => {
    for (const z of DOMAIN_BL_ZONES) {
      expect(z.zone).toMatch(/^[a-z0-9.-]+\.[a-z]+$/);
      expect(z.lookup).toMatch(/^https:\/\//);
      for (const code of [...Object.keys(z.codes), ...Object.keys(z.refusals)]) expect(code).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(Object.keys(z.codes).length + Object.keys(z.bits ?? {}).length).toBeGreaterThan(0);
      for (const bit of Object.keys(z.bits ?? {}).map(Number)) expect([2, 4, 8, 16, 32, 64, 128]).toContain(bit);
    }
    expect(DOMAIN_BL_ZONES.length).toBeLessThanOrEqual(MAX_DNSBL_LISTS);
  });
});

describe('readDomainBl', () => {
  const domainLines = (domain: string, asked: string, answer: DblMessage['answer']): string[] => readDomainBl(domain, asked, answer).findings.map((f) => `${f.tone}: ${f.text}`);

  it('reads codes, and bit masks as the lists each bit names; says which name was asked and what receivers do', () => {
    const found = domainLines(
      'mail.spammy.example',
      'spammy.example',
      checked(
        { zone: 'dbl.spamhaus.org', kind: 'listed', codes: ['127.0.1.102'] },
        { zone: 'multi.surbl.org', kind: 'listed', codes: ['127.0.0.72'] },
        { zone: 'multi.uribl.com', kind: 'listed', codes: ['127.0.0.6'] },
      ),
    );
    expect(found[0]).toBe('info: asked about spammy.example, the registered domain of mail.spammy.example: the name these lists hold');
    expect(found[1]).toBe('bad: Spamhaus DBL (dbl.spamhaus.org): LISTED, a legitimate domain abused: compromised or misused to send spam. Check and ask for delisting at https://check.spamhaus.org/');
    expect(found[2]).toBe('bad: SURBL (multi.surbl.org): LISTED, a phishing site (PH); a spam and abuse site (ABUSE). Check and ask for delisting at https://www.surbl.org/surbl-analysis');
    expect(found[3]).toMatch(/^bad: URIBL \(multi\.uribl\.com\): LISTED, black: a domain belonging to or used by spammers; grey: a domain in bulk mail/);
    expect(found[4]).toMatch(/^info: receivers that use these lists refuse, or file as spam, mail whose sender address, HELO name or links name spammy\.example/);
    expect(readDomainBl('mail.spammy.example', 'spammy.example', checked({ zone: 'multi.surbl.org', kind: 'listed', codes: ['127.0.0.8'] })).good).toBe(false);
    expect(readDomainBl('example.org', 'example.org', checked(...DOMAIN_BL_ZONES.map((z): DnsblListAnswer => ({ zone: z.zone, kind: 'clean' })))).good).toBe(true);
  });

  it('tells a list refusing the resolver (127.0.0.1 for the bit-mask lists) from a listing: nothing about the domain', () => {
    for (const zone of ['multi.surbl.org', 'multi.uribl.com']) {
      const found = domainLines('example.org', 'example.org', checked({ zone, kind: 'listed', codes: ['127.0.0.1'] }));
      expect(found).toEqual([expect.stringMatching(new RegExp(`^warn: \\S+ \\(${zone.replace(/\./g, '\\.')}\\): no answer about the domain \\(127\\.0\\.0\\.1\\): \\S+ refuses this resolver`))]);
    }
    expect(domainLines('example.org', 'example.org', checked({ zone: 'dbl.spamhaus.org', kind: 'listed', codes: ['127.255.255.254'] }))[0]).toMatch(/this says nothing about the domain/);
    // A bit the list does not name, and a refusal of the lookup.
    expect(domainLines('example.org', 'example.org', checked({ zone: 'multi.uribl.com', kind: 'listed', codes: ['127.0.0.16'] }))[0]).toMatch(/LISTED, listed \(127\.0\.0\.16\)/);
    expect(domainLines('example.org', 'example.org', { kind: 'refused', detail: 'busy' })).toEqual(['warn: not asked: busy']);
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
    ['Service unavailable; Sender address [bad@Spammy.Example] blocked using dbl.spamhaus.org; https://www.spamhaus.org/query/dbl?domain=spammy.example', '/dnsbl spammy.example'],
    ['Client host [192.0.2.10] rejected: Helo command [mail.spammy.example] blocked using multi.uribl.com', '/dnsbl mail.spammy.example'],
    ['<bad@spammy.example>: Sender address rejected: listed at multi.surbl.org', '/dnsbl spammy.example'],
    // A domain list named with no domain in brackets: the address, as for any list.
    ['Client host [192.0.2.10] blocked using dbl.spamhaus.org', '/dnsbl 192.0.2.10'],
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
  it('takes a domain, or the domain of an address, for the domain lists (beyond ASCII: its A-labels)', () => {
    expect(localCommand('/dnsbl mail.example.org', state)).toEqual({ kind: 'dbl', domain: 'mail.example.org' });
    expect(localCommand('/dbl <bad@Example.ORG>', state)).toEqual({ kind: 'dbl', domain: 'example.org' });
    expect(localCommand('/dnsbl bücher.example', state)).toEqual({ kind: 'dbl', domain: 'xn--bcher-kva.example', note: 'bücher.example is xn--bcher-kva.example in DNS and to mail servers (IDNA, RFC 5891)' });
  });
  it('alone, asks about the server connected to: a public address only, and only when connected', () => {
    expect(localCommand('/dnsbl', state)).toEqual({ kind: 'dnsbl' });
    const sent: unknown[] = [];
    const written: string[] = [];
    const checks = new ServerChecks({ write: (t) => written.push(plain(t)), log: () => {}, send: (m) => sent.push(m) > 0, note: () => {}, pointFormAt: () => false });
    checks.dnsbl();
    expect(written.at(-1)).toMatch(/^-- not connected: \/dnsbl asks the blocklists about the server connected to/);
    checks.connected('mail.lan', '192.168.1.25', 25);
    checks.dnsbl();
    expect(written.at(-1)).toMatch(/^-- the server's address, 192\.168\.1\.25, is not a public one: no blocklist has it/);
    checks.connected('localhost', '127.0.0.1', 25);
    checks.dnsbl();
    expect(written.at(-1)).toMatch(/^-- the server's address, 127\.0\.0\.1, is not a public one/);
    expect(sent).toEqual([]);
    checks.connected('mx.example.org', '192.0.2.10', 25);
    checks.dnsbl();
    expect(sent).toEqual([{ type: 'dnsbl', ip: '192.0.2.10' }]);
    expect(written.at(-1)).toBe('-- asking the DNS blocklists about 192.0.2.10…\r\n');
  });
  it('says what it needs otherwise', () => {
    for (const [line, says] of [
      ['/dnsbl nothing@', /"nothing@" is neither an IP address nor a domain: \/dnsbl needs the address mail is sent from, \/dnsbl 192\.0\.2\.10, or a domain/],
      ['/dnsbl -bad-.example', /"-bad-\.example" is neither an IP address nor a domain/],
      ['/dnsbl 192.0.2.300', /"192\.0\.2\.300" is neither an IP address nor a domain/],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind === 'text' ? plain(c.text) : JSON.stringify(c)).toMatch(says);
    }
  });
});

describe('dbl at the protocol boundary', () => {
  it('the bridge takes a domain name, not an address', () => {
    expect(decodeClientMessage('{"v":2,"type":"dbl","domain":"example.org"}')).toEqual({ ok: true, value: { v: 2, type: 'dbl', domain: 'example.org' } });
    for (const domain of ['192.0.2.10', 'exa mple.org', '', 'x'.repeat(254), 7]) expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'dbl', domain })).ok).toBe(false);
  });

  it('the app decodes the answer; anything else is refused', () => {
    const m = { type: 'dbl', domain: 'mail.example.org', asked: 'example.org', answer: checked({ zone: 'dbl.spamhaus.org', kind: 'listed', codes: ['127.0.1.2'] }) } as const;
    expect(decodeAnyServerMessage(encodeServerMessage(m))).toEqual({ ok: true, value: { v: 2, ...m } });
    for (const bad of [{ ...m, asked: undefined }, { ...m, domain: 7 }, { ...m, answer: { kind: 'refused' } }]) {
      expect(decodeAnyServerMessage(JSON.stringify({ v: 2, ...bad }))).toMatchObject({ ok: false, error: 'dbl: bad "domain", "asked" or "answer"' });
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
