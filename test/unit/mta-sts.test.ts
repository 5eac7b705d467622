/**
 * MTA-STS policies read as a sending MTA reads them (shared/smtp/mta-sts.ts): the fields of the policy file
 * (RFC 8461 §3.2), MX host patterns (§4.1), what the page says of a fetched policy against the domain's MX hosts,
 * and the fetched policy at the protocol's boundary. The fetch itself is in test/integration/mta-sts.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_MTA_STS_CHARS } from '../../shared/protocol/app-limits.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { ServerChecks } from '../../client/ui/server-checks.js';
import type { MtaStsFetch, MxAnswer, PolicyAnswer } from '../../shared/protocol/messages.js';
import { mxMatches, parseMtaStsPolicy, readMtaStsPolicy, readStsForTls } from '../../shared/smtp/mta-sts.js';
import { readPolicies } from '../../shared/smtp/policies.js';

const GOOD = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\nmx: *.mail.example.net\r\nmax_age: 604800\r\n';
const fetched = (text: string, contentType: string | null = 'text/plain'): MtaStsFetch => ({ kind: 'policy', text, cut: false, contentType });
const lines = (f: MtaStsFetch, hosts: string[] | null): string[] => readMtaStsPolicy('example.org', f, hosts).map((x) => `${x.tone}: ${x.text}`);

describe('parseMtaStsPolicy', () => {
  it('reads the fields, in CRLF or LF lines, with every mx pattern', () => {
    expect(parseMtaStsPolicy(GOOD)).toEqual({ mode: 'enforce', maxAge: 604800, mx: ['mx1.example.org', '*.mail.example.net'], problems: [] });
    expect(parseMtaStsPolicy('version: STSv1\nmode: testing\nmx: MX.Example.org\nmx: mx.example.org\nmax_age: 86400\nextension: ignored')).toEqual({
      mode: 'testing',
      maxAge: 86400,
      mx: ['mx.example.org'],
      problems: [],
    });
    // mode none needs no mx.
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 86400').problems).toEqual([]);
  });

  it('lists every problem that makes senders reject it', () => {
    expect(parseMtaStsPolicy('').problems).toEqual(['no "version: STSv1" line', 'no "mode:" line', 'no "max_age:" line', 'no "mx:" line: no MX host is allowed']);
    expect(parseMtaStsPolicy('version: STSv2\nmode: strict\nmax_age: 99999999999\nmx: a.example').problems).toEqual([
      'version "STSv2" is not STSv1',
      'mode "strict" is not enforce, testing or none',
      'max_age "99999999999" is not a number of seconds up to 31557600 (a year)',
    ]);
    expect(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmax_age: -5\nmx: a.example').problems).toEqual(['max_age "-5" is not a number of seconds up to 31557600 (a year)']);
  });
});

describe('mxMatches', () => {
  it.each([
    ['mx1.example.org', 'mx1.example.org', true],
    ['MX1.Example.ORG.', 'mx1.example.org', true],
    ['mx2.example.org', 'mx1.example.org', false],
    ['mx1.mail.example.net', '*.mail.example.net', true],
    ['mail.example.net', '*.mail.example.net', false], // the wildcard is one label, not none
    ['a.mx1.mail.example.net', '*.mail.example.net', false], // nor two
    ['mx1.mail.example.net.evil.test', '*.mail.example.net', false],
  ] as const)('%s against %s: %s', (host, pattern, want) => {
    expect(mxMatches(host, pattern)).toBe(want);
  });
});

describe('readMtaStsPolicy', () => {
  it('shows the policy and finds every MX host named', () => {
    expect(lines(fetched(GOOD), ['mx1.example.org', 'in1.mail.example.net'])).toEqual([
      'info: MTA-STS policy (https://mta-sts.example.org/.well-known/mta-sts.txt): mode: enforce, max_age: 604800 (7 days), mx: mx1.example.org, mx: *.mail.example.net',
      'ok: mode enforce: senders that support MTA-STS deliver only over TLS, with a valid certificate, to the MX hosts it names',
      'ok: every MX host matches an mx: line of the policy',
    ]);
  });

  it('says senders enforcing it do not deliver to an MX host it does not name (in testing mode: will not)', () => {
    expect(lines(fetched(GOOD), ['mx1.example.org', 'mx2.example.org'])[2]).toBe(
      'bad: MX host mx2.example.org matches no mx: line of the policy: senders that enforce MTA-STS do not deliver to it (RFC 8461 §4.1)',
    );
    const testing = lines(fetched(GOOD.replace('enforce', 'testing')), ['backup.example.com']);
    expect(testing.slice(1)).toEqual([
      'info: mode testing: senders report failures (to the TLS-RPT address) but deliver anyway',
      'warn: MX host backup.example.com matches no mx: line of the policy: once the mode is enforce, senders will not deliver to it (RFC 8461 §4.1)',
    ]);
    // MX hosts not known: nothing said about them.
    expect(lines(fetched(GOOD), null)).toHaveLength(2);
  });

  it('says why a policy does not count: invalid, not fetched, withdrawn', () => {
    expect(lines(fetched('mode: enforce'), ['mx1.example.org'])[1]).toMatch(/^bad: the policy is invalid \(no "version: STSv1" line; no "max_age:" line; no "mx:" line: no MX host is allowed\): senders ignore it/);
    expect(lines({ kind: 'error', detail: 'HTTP 404 for /.well-known/mta-sts.txt' }, ['mx1.example.org'])).toEqual([
      'bad: MTA-STS policy not fetched from https://mta-sts.example.org/.well-known/mta-sts.txt: HTTP 404 for /.well-known/mta-sts.txt. Senders without a copy act as if there were no MTA-STS; those with one keep using it until it expires (RFC 8461 §3.3)',
    ]);
    expect(lines(fetched('version: STSv1\nmode: none\nmax_age: 86400'), ['mx1.example.org'])[1]).toBe('info: mode none: the policy is withdrawn; senders drop the copy they had');
  });

  it('warns of a policy not served as text/plain, and of a max_age under a day', () => {
    const found = lines(fetched(GOOD.replace('604800', '3600'), 'text/html; charset=utf-8'), ['mx1.example.org']);
    expect(found[0]).toContain('max_age: 3600 (1 hour)');
    expect(found).toContain('warn: served as text/html; charset=utf-8, not text/plain: senders may refuse it (RFC 8461 §3.2)');
    expect(found.at(-1)).toMatch(/^warn: max_age under a day: senders fetch the policy again that often/);
    expect(lines(fetched(GOOD, 'Text/Plain;charset=us-ascii'), null).join()).not.toContain('served as');
  });

  it('takes the fetched policy over the record alone in the domain\'s mail policies, and never shows control characters', () => {
    const none = { kind: 'none' } as const;
    const p: PolicyAnswer = { spf: none, dmarc: none, tlsRpt: none, mtaSts: { kind: 'records', records: ['v=STSv1; id=1'], count: 1 }, mtaStsPolicy: fetched(GOOD) };
    const text = readPolicies('example.org', p, ['mx9.example.org']).findings.map((f) => f.text);
    expect(text).toContain('MX host mx9.example.org matches no mx: line of the policy: senders that enforce MTA-STS do not deliver to it (RFC 8461 §4.1)');
    expect(text.join()).not.toContain('insist on TLS with a valid certificate to the MX hosts its policy names');
    const { mtaStsPolicy: _, ...recordOnly } = p;
    expect(readPolicies('example.org', recordOnly).findings.map((f) => f.text).join()).toContain('insist on TLS with a valid certificate to the MX hosts its policy names');
    const hostile = readMtaStsPolicy('example.org', fetched('version: STSv1\nmode: enforce\nmx: \x1b]0;owned\x07\nmax_age: 86400'), null);
    expect(formatReport({ head: 'x', findings: hostile })).not.toMatch(/\x1b\]|\x07/);
  });
});

describe('the fetched policy at the protocol boundary', () => {
  const frame = (mtaStsPolicy: unknown): string =>
    JSON.stringify({
      v: 2,
      type: 'mx',
      domain: 'example.org',
      answer: { kind: 'null' },
      policies: { spf: { kind: 'none' }, dmarc: { kind: 'none' }, mtaSts: { kind: 'none' }, tlsRpt: { kind: 'none' }, mtaStsPolicy },
    });

  it('decodes a policy and a failure', () => {
    for (const p of [fetched(GOOD), fetched(GOOD, null), { kind: 'error', detail: 'HTTP 404' }]) {
      const d = decodeAnyServerMessage(frame(p));
      expect(d.ok && d.value.type === 'mx' ? d.value.policies?.mtaStsPolicy : d).toEqual(p);
    }
  });

  it.each<[string, unknown]>([
    ['a text too long', fetched('x'.repeat(MAX_MTA_STS_CHARS + 1))],
    ['no cut flag', { kind: 'policy', text: GOOD, contentType: null }],
    ['a content type that is not text', { ...fetched(GOOD), contentType: 7 }],
    ['an unknown kind', { kind: 'maybe' }],
    ['a failure without detail', { kind: 'error' }],
  ])('refuses %s', (_name, p) => {
    expect(decodeAnyServerMessage(frame(p))).toEqual({ ok: false, error: 'mx: bad "policies"' });
  });
});

describe('readStsForTls: a TLS session judged by the policy of a domain whose MX host it is', () => {
  const enforce = parseMtaStsPolicy('version: STSv1\nmode: enforce\nmx: *.example.org\nmax_age: 604800\n');
  const testing = parseMtaStsPolicy('version: STSv1\nmode: testing\nmx: mx1.example.org\nmax_age: 604800\n');
  const good = { authorized: true, authorizationError: null, coversHost: true };

  it('meets it with a certificate that verifies and names the host; fails it in enforce mode otherwise, and says why', () => {
    expect(readStsForTls('example.org', enforce, 'mx1.example.org', good)).toEqual({ tone: 'ok', text: expect.stringMatching(/^meets example\.org's MTA-STS policy \(mode: enforce, it names mx1\.example\.org\)/) });
    const expired = readStsForTls('example.org', enforce, 'mx1.example.org', { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', coversHost: true });
    expect(expired).toEqual({ tone: 'bad', text: expect.stringMatching(/^fails .*: the certificate does not verify \(CERT_HAS_EXPIRED\), so senders that apply it .* do not deliver example\.org's mail here \(RFC 8461 §4\.2\)/) });
    expect(readStsForTls('example.org', enforce, 'MX1.example.org.', { ...good, coversHost: false })?.text).toContain('the certificate does not name MX1.example.org.');
  });

  it('in testing mode: would fail, mail still delivered; nothing for a host it does not name, nor for mode none', () => {
    expect(readStsForTls('example.org', testing, 'mx1.example.org', { ...good, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })?.tone).toBe('warn');
    expect(readStsForTls('example.org', testing, 'mx2.example.org', { ...good, authorized: false, authorizationError: 'X' })).toBeNull();
    expect(readStsForTls('example.org', parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\n'), 'mx1.example.org', good)).toBeNull();
  });

  it('the page judges a TLS session by the policies of the domains looked up, for the host dialled', () => {
    const written: string[] = [];
    const logged: unknown[] = [];
    const checks = new ServerChecks({ write: (t) => written.push(t), log: (e) => logged.push(e), send: () => true, note: () => {}, pointFormAt: () => false });
    const policies = (text: string | null): PolicyAnswer => ({
      spf: { kind: 'none' },
      dmarc: { kind: 'none' },
      mtaSts: { kind: 'records', count: 1, records: ['v=STSv1; id=1'] },
      ...(text === null ? {} : { mtaStsPolicy: { kind: 'policy' as const, text, cut: false, contentType: 'text/plain' } }),
      tlsRpt: { kind: 'none' },
    });
    const mx: MxAnswer = { kind: 'mx', hosts: [{ preference: 10, exchange: 'mx1.example.org', addresses: ['192.0.2.10'] }], count: 1 };
    checks.onMx({ v: 2, type: 'mx', domain: 'example.org', answer: mx, policies: policies('version: STSv1\nmode: enforce\nmx: *.example.org\nmax_age: 604800\n') }, 0);
    // Another domain's policy that does not name the host says nothing; a broken one is not kept.
    checks.onMx({ v: 2, type: 'mx', domain: 'example.net', answer: mx, policies: policies('version: STSv1\nmode: enforce\nmx: mx.example.net\nmax_age: 604800\n') }, 0);
    checks.onMx({ v: 2, type: 'mx', domain: 'broken.example', answer: mx, policies: policies('mode: enforce\nmx: *.example.org\n') }, 0);
    written.length = 0;
    checks.connected('mx1.example.org', '192.0.2.10', 25);
    checks.secured({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', coversHost: true });
    const shown = written.join('').replace(/\x1b\[[0-9;]*m/g, '');
    expect(shown).toContain('-- MTA-STS of example.org for mx1.example.org:');
    expect(shown).toContain("✗ fails example.org's MTA-STS policy (mode: enforce, it names mx1.example.org): the certificate does not verify (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
    expect(shown).not.toContain('example.net');
    expect(shown).not.toContain('broken.example');
    expect(logged).toContainEqual({ sts: expect.objectContaining({ good: false }) });
  });
});
