/**
 * A domain's mail policies (shared/smtp/policies.ts): SPF, DMARC, MTA-STS, TLS-RPT and BIMI records read as receivers
 * read them, and the `policies` of the `mx` messages at the protocol's boundary. What a real resolver answers is in
 * test/integration/dns-lookup.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_POLICY_CHARS, MAX_POLICY_RECORDS, MAX_SPF_MISSING } from '../../shared/protocol/app-limits.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { PolicyAnswer, PolicyRecords } from '../../shared/protocol/messages.js';
import { readPolicies } from '../../shared/smtp/policies.js';
import { organizationalDomain } from '../../server/dns-lookup.js';

const one = (record: string): PolicyRecords => ({ kind: 'records', records: [record], count: 1 });
const NONE: PolicyRecords = { kind: 'none' };
const policies = (p: Partial<PolicyAnswer>): PolicyAnswer => ({ spf: NONE, dmarc: NONE, mtaSts: NONE, tlsRpt: NONE, ...p });
const lines = (domain: string, p: Partial<PolicyAnswer>): string[] => readPolicies(domain, policies(p)).findings.map((f) => `${f.tone}: ${f.text}`);

describe('readPolicies', () => {
  it('passes a domain with one SPF record ending in -all, DMARC p=reject and MTA-STS', () => {
    const r = readPolicies(
      'example.org',
      policies({ spf: one('v=spf1 mx ip4:192.0.2.0/24 -all'), dmarc: one('v=DMARC1; p=reject; rua=mailto:d@example.org'), mtaSts: one('v=STSv1; id=1'), tlsRpt: one('v=TLSRPTv1; rua=mailto:t@example.org') }),
    );
    expect(r.head).toBe('mail policies of example.org (TXT records: SPF, DMARC, MTA-STS, TLS-RPT):');
    expect(r.findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      'info: SPF: v=spf1 mx ip4:192.0.2.0/24 -all',
      'ok: ends in "-all": mail from other servers fails SPF',
      'info: DMARC: v=DMARC1; p=reject; rua=mailto:d@example.org',
      'ok: p=reject: receivers refuse mail that fails DMARC (neither SPF nor DKIM aligned with example.org)',
      'info: MTA-STS: v=STSv1; id=1',
      'info: TLS-RPT: v=TLSRPTv1; rua=mailto:t@example.org',
      'ok: MTA-STS: senders that support it insist on TLS with a valid certificate to the MX hosts its policy names: https://mta-sts.example.org/.well-known/mta-sts.txt',
    ]);
    expect(r.good).toBe(true);
  });

  it('says what is missing: no SPF, no DMARC (and a subdomain falls back), no MTA-STS', () => {
    expect(lines('example.org', {})).toEqual([
      expect.stringMatching(/^warn: no SPF record: receivers cannot tell which servers may send as example\.org/),
      expect.stringMatching(/^warn: no DMARC record at _dmarc\.example\.org: Gmail and Yahoo require one/),
      expect.stringMatching(/^info: no MTA-STS: senders fall back to plain text/),
    ]);
    expect(lines('mail.example.org', {})[1]).toContain("(a subdomain without one falls back to its organizational domain's)");
    expect(readPolicies('example.org', policies({})).good).toBe(false);
  });

  it('judges how an SPF record ends, and too many of them or of their lookups', () => {
    const judged = (record: string): string | undefined => lines('example.org', { spf: one(record) })[1];
    expect(judged('v=spf1 include:_spf.example.net ~all')).toBe('ok: ends in "~all": mail from other servers soft-fails SPF (marked, usually still delivered)');
    expect(judged('v=spf1 a mx ?all')).toMatch(/^warn: ends in "\?all"/);
    expect(judged('v=spf1 +all')).toMatch(/^bad: ends in "\+all": any server in the world may send as example\.org/);
    expect(judged('v=spf1 a all')).toMatch(/^bad: ends in "all"/);
    expect(judged('v=spf1 ip4:192.0.2.1')).toMatch(/^warn: no "all" at the end/);
    expect(judged('v=spf1 redirect=_spf.example.net')).toMatch(/^warn: no DMARC/); // a redirect stands in for "all"
    const includes = Array.from({ length: 11 }, (_, i) => `include:s${i}.example.net`).join(' ');
    // Without the bridge's count (spfLookups), the record's own terms: already too many.
    expect(lines('example.org', { spf: one(`v=spf1 ${includes} -all`) })[2]).toMatch(
      /^bad: 11 DNS lookups \(include, a, mx, exists, redirect\) in the record itself \(its includes not counted\), over the limit of 10 .*permerror/,
    );
    expect(lines('example.org', { spf: one('v=spf1 include:a.example.net mx -all') }).filter((l) => l.includes('DNS lookups'))).toEqual([]); // within: nothing to say
    const two = lines('example.org', { spf: { kind: 'records', records: ['v=spf1 -all', 'v=spf1 mx -all'], count: 2 } });
    expect(two.slice(0, 3)).toEqual(['info: SPF: v=spf1 -all', 'info: SPF: v=spf1 mx -all', expect.stringMatching(/^bad: 2 SPF records: receivers stop with a permanent error/)]);
  });

  it('judges the lookups the bridge counted through the includes: within, at the edge, over, missing, partial', () => {
    const counted = (count: number, missing: string[] = [], partial = false): string[] =>
      lines('example.org', { spf: one('v=spf1 include:_spf.example.net -all'), spfLookups: { count, missing, partial } }).slice(2, -2);
    expect(counted(4)).toEqual(['ok: 4 DNS lookups counted through its includes, within the limit of 10 (RFC 7208 §4.6.4)']);
    expect(counted(1)).toEqual(['ok: 1 DNS lookup counted through its includes, within the limit of 10 (RFC 7208 §4.6.4)']);
    expect(counted(10)).toEqual([
      'warn: 10 DNS lookups counted through its includes, within the limit of 10 (RFC 7208 §4.6.4): at the edge, one more include and receivers stop with a permanent error',
    ]);
    expect(counted(12)).toEqual([expect.stringMatching(/^bad: 12 DNS lookups \(include, a, mx, exists, redirect\) counted through its includes, over the limit of 10 \(RFC 7208 §4\.6\.4\): receivers stop with a permanent error \("permerror"\), and SPF fails for every message/)]);
    expect(counted(11, [], true)[0]).toMatch(/^bad: more than 10 DNS lookups .* counted through its includes, as far as they could be followed, over the limit/);
    expect(counted(3, [], true)).toEqual(['info: 3 DNS lookups counted through its includes, as far as they could be followed, within the limit of 10 (RFC 7208 §4.6.4)']);
    expect(counted(3, ['include:gone.example.net', 'redirect=_spf.example.com'])).toEqual([
      'bad: includes gone.example.net, which has no SPF record: receivers stop with a permanent error (RFC 7208 §5.2, §6.1)',
      'bad: redirects to _spf.example.com, which has no SPF record: receivers stop with a permanent error (RFC 7208 §5.2, §6.1)',
      'ok: 3 DNS lookups counted through its includes, within the limit of 10 (RFC 7208 §4.6.4)',
    ]);
    expect(readPolicies('example.org', policies({ spf: one('v=spf1 -all'), spfLookups: { count: 11, missing: [], partial: false } })).good).toBe(false);
  });

  it('judges the DMARC policy', () => {
    const judged = (record: string): string | undefined => lines('example.org', { spf: one('v=spf1 -all'), dmarc: one(record) })[3];
    expect(judged('v=DMARC1; p=none; rua=mailto:d@example.org')).toBe('info: p=none: receivers only report; they refuse nothing for failing DMARC');
    expect(judged('v=DMARC1;p=quarantine')).toMatch(/^ok: p=quarantine: receivers treat as spam mail that fails DMARC/);
    expect(judged('v=DMARC1; P=Reject')).toMatch(/^ok: p=reject/);
    expect(judged('v=DMARC1; sp=reject')).toMatch(/^bad: no p= tag/);
    expect(judged('v=DMARC1; p=maybe')).toMatch(/^bad: p=maybe is not a DMARC policy/);
    const two = lines('example.org', { spf: one('v=spf1 -all'), dmarc: { kind: 'records', records: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'], count: 2 } });
    expect(two[4]).toMatch(/^bad: 2 DMARC records: receivers use none of them/);
  });

  it('reads the DMARC tags beside the policy: a partial pct, a subdomain policy, and no reports asked for', () => {
    const after = (record: string): string[] => lines('example.org', { spf: one('v=spf1 -all'), dmarc: one(record) }).slice(4, -1);
    expect(after('v=DMARC1; p=reject; rua=mailto:d@example.org')).toEqual([]);
    expect(after('v=DMARC1; p=quarantine; pct=25; sp=none; rua=mailto:d@example.org')).toEqual([
      'info: pct=25: the policy applies to 25% of failing mail; the rest is handled one step milder (RFC 7489 §6.6.4)',
      'info: sp=none: mail from its subdomains that fails DMARC gets none instead',
    ]);
    expect(after('v=DMARC1; p=none')).toEqual(['warn: no rua=: receivers send no aggregate reports, so p=none watches nothing. Add rua=mailto:… (RFC 7489 §7.2)']);
    expect(after('v=DMARC1; p=reject; pct=100; sp=reject')).toEqual([expect.stringMatching(/^info: no rua=: receivers send no aggregate reports, so failing mail goes unseen/)]);
    // An invalid record says so, and nothing more.
    expect(after('v=DMARC1; sp=reject; pct=5')).toEqual([]);
  });

  it('says a domain that does not exist has no policies, rather than each record missing; its organizational domain\'s DMARC still applies', () => {
    const r = readPolicies('nowhere.example', policies({}), null, true);
    expect(r.head).toBe('mail policies of nowhere.example:');
    expect(r.findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      'bad: nowhere.example does not exist in DNS: it has no SPF, DMARC or MTA-STS record to read. Receivers that check a sender\'s domain refuse mail from it (Postfix: 450 4.1.8 Sender address rejected: Domain not found)',
    ]);
    expect(r.good).toBe(false);
    // A name that does not exist under a domain that does: mail from it is judged by that domain's DMARC record.
    const sub = readPolicies('typo.example.org', policies({ dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=reject') } }), null, true);
    expect(sub.findings.map((f) => f.text)).toEqual([
      expect.stringMatching(/^typo\.example\.org does not exist in DNS/),
      "no DMARC record at _dmarc.typo.example.org: receivers use its organizational domain's, at _dmarc.example.org (RFC 7489 §6.6.3)",
      'DMARC of example.org: v=DMARC1; p=reject',
      expect.stringContaining('applies to typo.example.org'),
      expect.stringContaining('no rua='),
    ]);
    // Its np= (RFC 9091), for names that do not exist, where receivers read it.
    const np = readPolicies('typo.example.org', policies({ dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=none; sp=none; np=reject; rua=mailto:d@example.org') } }), null, true);
    expect(np.findings.map((f) => f.text).at(-1)).toBe('np=reject: receivers that read it (RFC 9091, DMARCbis) apply it instead to typo.example.org, a name under example.org that does not exist');
    // Without one there, nothing more than that the name does not exist.
    expect(readPolicies('typo.example.org', policies({ dmarcOrg: { domain: 'example.org', dmarc: NONE } }), null, true).findings).toHaveLength(1);
  });

  it("reads a subdomain without DMARC by its organizational domain's record, whose sp= applies to it", () => {
    const dmarcOf = (org: PolicyRecords): string[] => lines('news.example.org', { spf: one('v=spf1 -all'), dmarcOrg: { domain: 'example.org', dmarc: org } }).slice(2, -1);
    expect(dmarcOf(one('v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.org'))).toEqual([
      'info: no DMARC record at _dmarc.news.example.org: receivers use its organizational domain\'s, at _dmarc.example.org (RFC 7489 §6.6.3)',
      'info: DMARC of example.org: v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.org',
      'ok: sp=quarantine, for its subdomains, applies to news.example.org: receivers treat as spam mail that fails DMARC (neither SPF nor DKIM aligned with news.example.org)',
    ]);
    // Without sp=, p= applies to subdomains too.
    expect(dmarcOf(one('v=DMARC1; p=none'))).toEqual([
      expect.stringContaining('receivers use its organizational domain'),
      'info: DMARC of example.org: v=DMARC1; p=none',
      'info: p=none applies to news.example.org: receivers only report; they refuse nothing for failing DMARC',
      'warn: no rua=: receivers send no aggregate reports, so p=none watches nothing. Add rua=mailto:… (RFC 7489 §7.2)',
    ]);
    expect(dmarcOf(one('v=DMARC1; p=reject; sp=maybe'))[2]).toMatch(/^bad: sp=maybe is not a DMARC policy/);
    // None there either, or a lookup that failed.
    expect(dmarcOf(NONE)).toEqual([
      'warn: no DMARC record at _dmarc.news.example.org nor at _dmarc.example.org, its organizational domain: Gmail and Yahoo require one of bulk senders, p=none at least (RFC 7489)',
    ]);
    expect(dmarcOf({ kind: 'error', detail: 'the TXT lookup of _dmarc.example.org failed: ETIMEOUT' })[1]).toMatch(/^warn: DMARC of example\.org: the TXT lookup .* failed: ETIMEOUT; try again/);
    // The subdomain's own record, when it has one, is what counts.
    const own = lines('news.example.org', { spf: one('v=spf1 -all'), dmarc: one('v=DMARC1; p=none; rua=mailto:d@example.org'), dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=reject') } });
    expect(own.join('\n')).not.toContain('organizational');
  });

  it('reads a BIMI record with the DMARC policy it needs: a logo shown only under one that enforces', () => {
    const bimi = one('v=BIMI1; l=https://example.org/logo.svg; a=https://example.org/vmc.pem');
    const enforced = readPolicies('example.org', policies({ dmarc: one('v=DMARC1; p=quarantine; rua=mailto:d@example.org'), bimi }));
    expect(enforced.head).toBe('mail policies of example.org (TXT records: SPF, DMARC, MTA-STS, TLS-RPT, BIMI):');
    expect(enforced.findings.map((f) => `${f.tone}: ${f.text}`).slice(-4)).toEqual([
      'info: BIMI: v=BIMI1; l=https://example.org/logo.svg; a=https://example.org/vmc.pem',
      'ok: l=https://example.org/logo.svg: the logo, which must be an SVG in the SVG Tiny Portable/Secure profile (a square image, no scripts nor links) or receivers show none',
      'ok: a=https://example.org/vmc.pem: the mark certificate (a VMC, or a CMC) that vouches for the logo',
      'ok: DMARC enforces (quarantine or reject, on all mail): mail that passes DMARC may show the logo',
    ]);
    const last = (p: Partial<PolicyAnswer>): string => lines('example.org', p).at(-1) ?? '';
    expect(last({ dmarc: one('v=DMARC1; p=none; rua=mailto:d@example.org'), bimi })).toBe(
      'bad: receivers show the logo only for mail that passes DMARC under p=quarantine or p=reject at pct=100: the DMARC policy does not enforce, so no logo is shown',
    );
    expect(last({ dmarc: one('v=DMARC1; p=reject; pct=50'), bimi })).toMatch(/^bad: .*the DMARC policy does not enforce/);
    expect(last({ bimi })).toMatch(/^bad: .*there is no DMARC record, so no logo is shown$/);
    // A subdomain without DMARC: its organizational domain's sp= decides.
    expect(last({ dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=reject; sp=none') }, bimi })).toMatch(/^bad: .*does not enforce/);
    expect(last({ dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=reject') }, bimi })).toMatch(/^ok: DMARC enforces/);
    // No a=, an l= that is no SVG over https, a declination, two records.
    expect(lines('example.org', { dmarc: one('v=DMARC1; p=reject'), bimi: one('v=BIMI1; l=http://example.org/logo.png') })).toEqual(
      expect.arrayContaining([
        'bad: l=http://example.org/logo.png: the logo must be an SVG file over https (…/logo.svg); receivers ignore it otherwise',
        'warn: no a=: no mark certificate (VMC or CMC) vouches for the logo: Gmail and Apple Mail show none without one; Yahoo may, for senders of good reputation',
      ]),
    );
    expect(last({ bimi: one('v=BIMI1; l=; a=;') })).toBe('info: no l= (or an empty one): the domain declines to show a logo');
    expect(last({ bimi: { kind: 'records', records: ['v=BIMI1; l=https://a/x.svg', 'v=BIMI1; l=https://b/y.svg'], count: 2 } })).toBe('bad: 2 BIMI records at default._bimi: receivers use none of them. Keep one');
    // None published: not a word (it is optional), and the head as before.
    expect(readPolicies('example.org', policies({ bimi: NONE })).head).toBe('mail policies of example.org (TXT records: SPF, DMARC, MTA-STS, TLS-RPT):');
  });

  it('says a failed lookup proves nothing, and counts records beyond those listed', () => {
    expect(lines('example.org', { spf: { kind: 'error', detail: 'the TXT lookup of example.org failed: ETIMEOUT' } })[0]).toBe(
      'warn: SPF: the TXT lookup of example.org failed: ETIMEOUT; try again before concluding anything',
    );
    const many = lines('example.org', { mtaSts: { kind: 'records', records: ['v=STSv1; id=1'], count: 3 } });
    expect(many).toContain('info: and 2 more');
  });

  it('never passes a record\'s control characters to the terminal', () => {
    const out = formatReport(readPolicies('example.org', policies({ spf: one('v=spf1 \x1b[2J-all') })));
    expect(out).not.toContain('\x1b[2J');
  });
});

describe('organizationalDomain (the bridge)', () => {
  it('finds the name registered under a public suffix, by the Public Suffix List', () => {
    expect(organizationalDomain('news.example.org')).toBe('example.org');
    expect(organizationalDomain('a.b.News.Example.CO.UK.')).toBe('example.co.uk');
    expect(organizationalDomain('mail.example.test')).toBe('example.test');
    // Private suffixes count, as DMARC verifiers read the list: a GitHub Pages site is its own organization.
    expect(organizationalDomain('www.someone.github.io')).toBe('someone.github.io');
  });

  it('gives nothing for an organizational domain itself, or a public suffix', () => {
    for (const d of ['example.org', 'example.co.uk', 'someone.github.io', 'co.uk', 'org']) expect(organizationalDomain(d)).toBeNull();
  });
});

describe('policies at the protocol boundary', () => {
  it('asks for them with the MX lookup, or not', () => {
    expect(decodeClientMessage('{"v":2,"type":"mx","domain":"example.org","policies":true}')).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org', policies: true } });
    expect(decodeClientMessage('{"v":2,"type":"mx","domain":"example.org"}')).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org' } });
    expect(decodeClientMessage('{"v":2,"type":"mx","domain":"example.org","policies":"yes"}').ok).toBe(false);
  });

  const answer = (p: unknown) => decodeAnyServerMessage(JSON.stringify({ v: 2, type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p }));

  it('decodes what the bridge sends', () => {
    const p = policies({ spf: one('v=spf1 -all'), dmarc: { kind: 'error', detail: 'ETIMEOUT' } });
    expect(decodeAnyServerMessage(encodeServerMessage({ type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p }))).toEqual({
      ok: true,
      value: { v: 2, type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p },
    });
  });

  it('decodes the SPF lookups the bridge counted', () => {
    const p = policies({ spf: one('v=spf1 include:x.example -all'), spfLookups: { count: 3, missing: ['include:x.example'], partial: false } });
    expect(answer(p)).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p } });
  });

  it('decodes the BIMI records, and refuses broken ones', () => {
    const p = policies({ bimi: one('v=BIMI1; l=https://example.org/logo.svg') });
    expect(answer(p)).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p } });
    expect(answer(policies({ bimi: { kind: 'records', records: [], count: 0 } })).ok).toBe(false);
  });

  it('decodes the organizational domain\'s DMARC records', () => {
    const p = policies({ dmarcOrg: { domain: 'example.org', dmarc: one('v=DMARC1; p=reject') } });
    expect(answer(p)).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org', answer: { kind: 'null' }, policies: p } });
  });

  it.each<[string, unknown]>([
    ['an organizational domain without records', policies({ dmarcOrg: { domain: 'example.org' } as never })],
    ['an organizational domain too long', policies({ dmarcOrg: { domain: 'x'.repeat(300), dmarc: NONE } })],
    ['a missing policy', { spf: NONE, dmarc: NONE, mtaSts: NONE }],
    ['SPF lookups without a count', policies({ spfLookups: { missing: [], partial: false } as never })],
    ['SPF lookups counted below zero', policies({ spfLookups: { count: -1, missing: [], partial: false } })],
    ['too many missing includes', policies({ spfLookups: { count: 9, missing: Array(MAX_SPF_MISSING + 1).fill('include:x.example'), partial: false } })],
    ['a missing include too long', policies({ spfLookups: { count: 9, missing: ['include:' + 'x'.repeat(300)], partial: false } })],
    ['no records listed', policies({ spf: { kind: 'records', records: [], count: 0 } })],
    ['too many records', policies({ spf: { kind: 'records', records: Array(MAX_POLICY_RECORDS + 1).fill('v=spf1'), count: MAX_POLICY_RECORDS + 1 } })],
    ['a record too long', policies({ spf: one('v'.repeat(MAX_POLICY_CHARS + 1)) })],
    ['a count below the records', policies({ spf: { kind: 'records', records: ['v=spf1'], count: 0 } })],
    ['an unknown kind', policies({ spf: { kind: 'maybe' } as never })],
    ['not an object', 'spf'],
  ])('refuses %s', (_name, p) => {
    expect(answer(p)).toEqual({ ok: false, error: 'mx: bad "policies"' });
  });
});
