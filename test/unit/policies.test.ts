/**
 * A domain's mail policies (shared/smtp/policies.ts): SPF, DMARC, MTA-STS and TLS-RPT records read as receivers
 * read them, and the `policies` of the `mx` messages at the protocol's boundary. What a real resolver answers is in
 * test/integration/dns-lookup.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_POLICY_CHARS, MAX_POLICY_RECORDS } from '../../shared/protocol/app-limits.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { PolicyAnswer, PolicyRecords } from '../../shared/protocol/messages.js';
import { readPolicies } from '../../shared/smtp/policies.js';

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
    expect(lines('example.org', { spf: one(`v=spf1 ${includes} -all`) })[2]).toMatch(/^bad: 11 terms that cost DNS lookups .* over the limit of 10/);
    const two = lines('example.org', { spf: { kind: 'records', records: ['v=spf1 -all', 'v=spf1 mx -all'], count: 2 } });
    expect(two.slice(0, 3)).toEqual(['info: SPF: v=spf1 -all', 'info: SPF: v=spf1 mx -all', expect.stringMatching(/^bad: 2 SPF records: receivers stop with a permanent error/)]);
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

  it.each<[string, unknown]>([
    ['a missing policy', { spf: NONE, dmarc: NONE, mtaSts: NONE }],
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
