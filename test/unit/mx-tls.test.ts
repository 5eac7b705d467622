/**
 * `/tls mx` on the page's side: the command as typed (client/terminal/lookup-commands.ts), the report read from an
 * answer (shared/smtp/mx-tls.ts) for each outcome and MTA-STS mode, and the `mxtls` messages on the wire both ways
 * (shared/protocol/decode.ts, decode-probes.ts). The probe itself is in test/integration/mx-tls.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { completeLine, localCommand } from '../../client/terminal/local-commands.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { PROTOCOL_VERSION, type MtaStsFetch, type MxTlsMessage, type MxTlsOutcome, type PeerCertificate } from '../../shared/protocol/messages.js';
import { readMxTls } from '../../shared/smtp/mx-tls.js';
import { SessionModel } from '../../shared/smtp/session.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const state = new SessionModel().state;
const NOW = Date.parse('2026-12-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;

function cert(names: string[], o: Partial<PeerCertificate> = {}): PeerCertificate {
  return {
    subject: `CN=${names[0] ?? ''}`,
    issuer: 'C=US, O=Let\'s Encrypt, CN=R11',
    names: names.map((n) => `DNS:${n}`),
    nameCount: names.length,
    validFrom: new Date(NOW - 30 * DAY).toISOString(),
    validTo: new Date(NOW + 60 * DAY).toISOString(),
    fingerprint256: 'AA:BB',
    selfIssued: false,
    chain: ['C=US, O=Let\'s Encrypt, CN=R11', 'C=US, O=Internet Security Research Group, CN=ISRG Root X1'],
    coversHost: true,
    ...o,
  };
}

/** A host that did TLS: verified and named unless told otherwise. */
function tlsHost(host: string, preference: number, o: { protocol?: string; authorizationError?: string; certificate?: PeerCertificate } = {}): MxTlsOutcome {
  const certificate = o.certificate ?? cert([host]);
  const authorized = o.authorizationError === undefined;
  return { host, preference, address: '192.0.2.10', outcome: 'tls', text: '', ms: 40, tls: { protocol: o.protocol ?? 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized, authorizationError: o.authorizationError ?? null, certificate } };
}

type MxTlsAnswer = Extract<MxTlsMessage['answer'], { kind: 'probed' }>;
const probed = (hosts: MxTlsOutcome[], mtaSts?: MtaStsFetch, count = hosts.length): MxTlsMessage['answer'] => ({ kind: 'probed', hosts, count, implicit: false, port: 25, ...(mtaSts === undefined ? {} : { mtaSts }) });
const policy = (mode: string, ...mx: string[]): MtaStsFetch => ({ kind: 'policy', text: `version: STSv1\nmode: ${mode}\n${mx.map((m) => `mx: ${m}\n`).join('')}max_age: 604800\n`, cut: false, contentType: 'text/plain' });
const lines = (answer: MxTlsMessage['answer']): string[] => readMxTls('example.org', answer, NOW).findings.map((f) => `${f.tone} ${f.text}`);

describe('/tls mx typed', () => {
  it('takes one domain (beyond ASCII, its A-labels), and says what is wrong', () => {
    expect(localCommand('/tls mx example.org', state)).toEqual({ kind: 'tls-mx', domain: 'example.org' });
    expect(localCommand('/TLS MX Example.ORG.', state)).toEqual({ kind: 'tls-mx', domain: 'example.org' });
    expect(localCommand('/tls mx postmaster@bücher.de', state)).toEqual({ kind: 'tls-mx', domain: 'xn--bcher-kva.de', note: 'bücher.de is xn--bcher-kva.de in DNS and to mail servers (IDNA, RFC 5891)' });
    const said = (line: string): string => {
      const c = localCommand(line, state);
      return c?.kind === 'text' ? plain(c.text).trimEnd() : JSON.stringify(c);
    };
    expect(said('/tls mx')).toBe('-- /tls mx needs a domain: /tls mx example.org tests STARTTLS and the certificate of each MX host of the domain, as sending MTAs meet them');
    expect(said('/tls mx a.example b.example')).toMatch(/^-- one domain: \/tls mx example\.org/);
    expect(said('/tls mx 192.0.2.1')).toMatch(/^-- "192\.0\.2\.1" is not a domain name: \/tls mx example\.org/);
    expect(said('/tls nonsense')).toContain('/tls mx example.org tests STARTTLS');
  });

  it('is offered by Tab after /tls', () => {
    expect(completeLine('/tls m', state)).toEqual({ text: '/tls mx ', cursor: 8, candidates: [] });
    expect(completeLine('/tls ', state).candidates).toContain('/tls mx DOMAIN');
  });
});

describe('readMxTls', () => {
  it('passes MX hosts with TLS and a certificate that verifies for their names, and says what no policy means', () => {
    const a = probed([tlsHost('mx1.example.org', 10), tlsHost('mx2.example.org', 20)]);
    const r = readMxTls('example.org', a, NOW);
    expect(r.head).toBe("STARTTLS on each MX host of example.org, port 25, as sending MTAs meet it, the certificate checked for the host's name:");
    expect(lines(a)).toEqual([
      'ok 10  mx1.example.org (192.0.2.10): STARTTLS, TLSv1.3 (TLS_AES_256_GCM_SHA384); its certificate verifies and names mx1.example.org, valid until 2027-01-30 (60 days left)',
      'ok 20  mx2.example.org (192.0.2.10): STARTTLS, TLSv1.3 (TLS_AES_256_GCM_SHA384); its certificate verifies and names mx2.example.org, valid until 2027-01-30 (60 days left)',
      'info example.org has no MTA-STS policy: senders take TLS where it is offered but deliver anyway without it, and do not insist on a certificate that verifies (opportunistic TLS, RFC 7435), unless the MX host publishes DANE records',
      // Ready for MTA-STS: the policy and records to publish, testing first.
      'info ready for MTA-STS: every MX host has TLS with a certificate that verifies for its name. To have senders insist on it, serve https://mta-sts.example.org/.well-known/mta-sts.txt with "version: STSv1", "mode: testing", "mx: mx1.example.org", "mx: mx2.example.org", "max_age: 604800" (enforce once the TLS reports are clean), and publish _mta-sts.example.org TXT "v=STSv1; id=20261201" and _smtp._tls.example.org TXT "v=TLSRPTv1; rua=mailto:…" (RFC 8461 §3, RFC 8460 §3)',
      'ok all 2 MX hosts pass: STARTTLS, with a certificate that verifies and names the host',
    ]);
    expect(r.good).toBe(true);
    // Not offered where a policy exists already, a host fails, or some MX hosts were not tested.
    const offered = (answer: MxTlsMessage['answer']): boolean => lines(answer).some((l) => l.startsWith('info ready for MTA-STS'));
    expect(offered(probed([tlsHost('mx1.example.org', 10)], policy('testing', 'mx1.example.org')))).toBe(false);
    expect(offered(probed([tlsHost('mx1.example.org', 10), tlsHost('mx2.example.org', 20, { authorizationError: 'CERT_HAS_EXPIRED' })]))).toBe(false);
    expect(offered(probed([tlsHost('mx1.example.org', 10)], undefined, 6))).toBe(false);
    expect(offered(probed([tlsHost('mx1.example.org', 10, { protocol: 'TLSv1' })]))).toBe(false);
  });

  it('names what is wrong with a certificate or a version, once each', () => {
    const expired = cert(['mx1.example.org'], { validTo: new Date(NOW - 3 * DAY).toISOString() });
    const other = cert(['mail.example.net'], { coversHost: false });
    const a = probed([
      tlsHost('mx1.example.org', 10, { authorizationError: 'CERT_HAS_EXPIRED', certificate: expired }),
      tlsHost('mx2.example.org', 20, { authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID', certificate: other }),
      tlsHost('mx3.example.org', 30, { protocol: 'TLSv1.1' }),
    ]);
    const got = lines(a);
    expect(got[0]).toBe('bad 10  mx1.example.org (192.0.2.10): STARTTLS, TLSv1.3 (TLS_AES_256_GCM_SHA384), but: not verified: CERT_HAS_EXPIRED (Certificate expired); expired on 2026-11-28 (3 days ago)');
    expect(got[1]).toMatch(/^bad 20 {2}mx2\.example\.org \(192\.0\.2\.10\): STARTTLS, .*, but: not verified: ERR_TLS_CERT_ALTNAME_INVALID \(.*\); mx2\.example\.org is not among its names$/);
    expect(got[2]).toBe('warn 30  mx3.example.org (192.0.2.10): STARTTLS, TLSv1.1 (TLS_AES_256_GCM_SHA384), but: its best version is TLSv1.1, deprecated (RFC 8996): current senders refuse it and deliver in plain text');
    expect(got.at(-1)).toBe('bad 0 of 3 MX hosts pass: STARTTLS, with a certificate that verifies and names the host');
  });

  it('applies the MTA-STS policy: enforce holds mail, testing only reports, a broken or unfetched one is said', () => {
    const hosts = [tlsHost('mx1.example.org', 10), tlsHost('backup.example.net', 20)];
    const enforce = lines(probed(hosts, policy('enforce', 'mx1.example.org')));
    expect(enforce[0]).toMatch(/^ok 10 {2}mx1\.example\.org/);
    expect(enforce[1]).toMatch(/^bad 20 {2}backup\.example\.net .*; no mx: line of its MTA-STS policy names it, so senders that apply the policy \(mode: enforce\) do not deliver here \(RFC 8461 §4\.1\)$/);
    expect(enforce.at(-1)).toBe('warn 1 of 2 MX hosts pass: STARTTLS, with a certificate that verifies and names the host, named by its MTA-STS policy');
    const testing = lines(probed(hosts, policy('testing', 'mx1.example.org')));
    expect(testing[1]).toMatch(/^warn 20 .*; no mx: line of its MTA-STS policy names it: it would fail the policy \(mode: testing\)$/);
    expect(testing).toContain("info example.org's MTA-STS policy is in mode testing: senders deliver anyway, and report to its TLS-RPT address the hosts that would fail it");
    // A wildcard names one label more; a host named but without STARTTLS fails a testing policy with a warning added.
    const plainHost: MxTlsOutcome = { host: 'mx2.example.org', preference: 20, address: '192.0.2.20', outcome: 'no-starttls', text: 'STARTTLS is not offered after EHLO', ms: 5, tls: null };
    expect(lines(probed([plainHost], policy('testing', '*.example.org')))[0]).toBe(
      'bad 20  mx2.example.org (192.0.2.20): STARTTLS is not offered after EHLO: senders deliver here in plain text, readable and changeable on the way; it would fail its MTA-STS policy (mode: testing): senders deliver anyway, and report it',
    );
    // Where failures are reported: a policy without a TLS-RPT record holds mail unnoticed.
    const withRpt = (tlsRpt: MxTlsAnswer['tlsRpt']): string[] => lines({ ...(probed(hosts, policy('enforce', 'mx1.example.org')) as MxTlsAnswer), tlsRpt });
    expect(withRpt({ kind: 'none' })).toContain(
      'warn no TLS-RPT record (_smtp._tls.example.org): the senders that fail TLS with a host above report it to no one, and mail held by the policy goes unnoticed; publish "v=TLSRPTv1; rua=mailto:…" (RFC 8460 §3)',
    );
    expect(withRpt({ kind: 'records', records: ['v=TLSRPTv1;rua=mailto:tls@example.org'], count: 1 })).toContain('ok TLS-RPT: senders that apply the policy send their daily reports of TLS failures here to mailto:tls@example.org (RFC 8460)');
    expect(withRpt({ kind: 'error', detail: 'SERVFAIL' })).toContain('info the TLS-RPT record of example.org could not be looked up (SERVFAIL)');
    // Without a policy senders apply, the record is not judged.
    expect(lines({ ...(probed(hosts, policy('none')) as MxTlsAnswer), tlsRpt: { kind: 'none' } }).some((l) => l.includes('TLS-RPT'))).toBe(false);
    expect(lines(probed(hosts, policy('none')))).toContain("info example.org's MTA-STS: its policy is in mode none: senders apply nothing");
    expect(lines(probed(hosts, { kind: 'policy', text: 'mode: enforce\n', cut: false, contentType: null }))).toContainEqual(expect.stringMatching(/^warn example\.org's MTA-STS: its policy is not valid \(no "version: STSv1" line; .*\), so senders ignore it$/));
    expect(lines(probed(hosts, { kind: 'error', detail: 'HTTP 404' }))).toContain("warn example.org announces an MTA-STS policy that could not be fetched (HTTP 404): senders that have it cached go on applying it; /mx example.org says more");
  });

  it('reads DANE for each host reached: a stale record holds mail, an unsigned one counts for nothing, a failed lookup defers', () => {
    const name = '_25._tcp.mx1.example.org';
    const record = (match: 'yes' | 'no' | 'unusable', usage = 3) => ({ usage, selector: 1, matching: 1, data: 'ab'.repeat(32), dataBytes: 32, match });
    const withDane = (dane: MxTlsOutcome['dane'], o: Partial<MxTlsOutcome> = {}): MxTlsOutcome => ({ ...tlsHost('mx1.example.org', 10), dane, ...o });
    const stale = lines(probed([withDane({ kind: 'records', name, secure: true, records: [record('no')], count: 1, suggested: '3 1 1 cd' })]));
    expect(stale[0]).toMatch(/; no TLSA record at _25\._tcp\.mx1\.example\.org matches the certificate it presented: senders that validate DANE \(Postfix and Exim with DNSSEC, Microsoft 365\) do not deliver here \(RFC 7672 §2\.2\); a record that matches its key: _25\._tcp\.mx1\.example\.org IN TLSA 3 1 1 cd$/);
    expect(stale[0]).toMatch(/^bad /);
    expect(stale.at(-1)).toMatch(/^bad it does not pass/);
    // Its certificate verifies, but a host that fails DANE is no MTA-STS policy's to name as ready.
    expect(stale.some((l) => l.includes('ready for MTA-STS'))).toBe(false);
    const unsigned = lines(probed([withDane({ kind: 'records', name, secure: false, records: [record('no')], count: 1, suggested: null })]));
    expect(unsigned[0]).toMatch(/^info 10 .*; TLSA records at _25\._tcp\.mx1\.example\.org, not DNSSEC-validated by this bridge's resolver: senders that validate DANE use them only from a signed zone$/);
    expect(unsigned.at(-1)).toMatch(/^ok it passes/);
    expect(lines(probed([withDane({ kind: 'none', name, reason: 'dns-error', detail: 'SERVFAIL', suggested: null })]))[0]).toMatch(/^warn .*; its TLSA lookup failed \(SERVFAIL\): where the zone is signed, senders that validate DANE defer mail while it fails/);
    expect(lines(probed([withDane({ kind: 'records', name, secure: true, records: [record('unusable', 1)], count: 1, suggested: null })]))[0]).toMatch(/^warn .*; its TLSA records are all of usages senders ignore for SMTP/);
    expect(lines(probed([withDane({ kind: 'none', name, reason: 'no-records', detail: 'NOERROR', secure: true, suggested: null })]))[0]).toMatch(/^ok 10 .*days left\)$/);
    // A self-signed certificate its DANE-EE record vouches for passes, but is not one MTA-STS takes: no policy offered.
    const selfSigned = { ...tlsHost('mx1.example.org', 10).tls!, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: cert(['mx1.example.org'], { selfIssued: true, chain: [] }) };
    const ee = lines(probed([withDane({ kind: 'records', name, secure: true, records: [record('yes', 3)], count: 1, suggested: null }, { tls: selfSigned })]));
    expect(ee.at(-1)).toMatch(/^ok it passes/);
    expect(ee.some((l) => l.includes('ready for MTA-STS'))).toBe(false);
    // DANE-TA matched: the certificate's own checks still count.
    const ta = lines(probed([withDane({ kind: 'records', name, secure: true, records: [record('yes', 2)], count: 1, suggested: null }, { tls: { ...tlsHost('mx1.example.org', 10).tls!, authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID', certificate: cert(['other.example.org'], { coversHost: false }) } })]));
    expect(ta[0]).toMatch(/^bad 10 .*not among its names; DANE: a DNSSEC-signed TLSA record matches, so senders that validate DANE deliver here over TLS$/);
  });

  it('says what each failure to reach a host means, and how many were not tested', () => {
    const at = (outcome: MxTlsOutcome['outcome'], text: string, address: string | null = null): MxTlsOutcome => ({ host: `${outcome}.example.org`, preference: 10, address, outcome, text, ms: 5, tls: null });
    const got = lines(
      probed(
        [
          at('tls-failed', 'handshake failure', '192.0.2.1'),
          at('no-greeting', 'greeted with 554 5.7.1 No service', '192.0.2.2'),
          at('unreachable', 'no answer from unreachable.example.org:25 within 5 s'),
          at('no-address', 'no A or AAAA record'),
          at('not-dialled', 'port 25 is not dialled by this heloterm'),
        ],
        undefined,
        9,
      ),
    );
    expect(got.slice(0, 6)).toEqual([
      'bad 10  tls-failed.example.org (192.0.2.1): STARTTLS offered, but the handshake failed (handshake failure): senders deliver in plain text or not at all, as each is set',
      'bad 10  no-greeting.example.org (192.0.2.2): greeted with 554 5.7.1 No service: senders cannot hand mail to it, and go on to the next MX host',
      'bad 10  unreachable.example.org: not reached (no answer from unreachable.example.org:25 within 5 s): senders go on to the next MX host, and try this one again later',
      'bad 10  no-address.example.org: no A or AAAA record: senders skip it',
      'info 10  not-dialled.example.org: not dialled: port 25 is not dialled by this heloterm',
      'info and 4 more MX hosts with higher preferences, not tested',
    ]);
  });

  it('heads an answer without hosts with why', () => {
    const head = (answer: MxTlsMessage['answer']): string => readMxTls('example.org', answer, NOW).head;
    expect(head({ kind: 'none', reason: 'null-mx', detail: '' })).toBe('example.org publishes a null MX (RFC 7505): it takes no mail, and has no MX host to test');
    expect(head({ kind: 'none', reason: 'refused', detail: 'a DNS lookup is already running: wait for its answer' })).toBe("TLS of example.org's MX hosts not tested: a DNS lookup is already running: wait for its answer");
    expect(head({ kind: 'none', reason: 'no-domain', detail: 'NXDOMAIN' })).toBe('example.org does not exist in DNS (NXDOMAIN): mail to it bounces');
    expect(readMxTls('example.org', { kind: 'none', reason: 'no-domain', detail: 'NXDOMAIN' }, NOW).good).toBe(false);
  });
});

describe('the mxtls messages on the wire', () => {
  it('asks about a domain name, never an address', () => {
    const ask = (domain: unknown) => decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'mxtls', domain }));
    expect(ask('example.org')).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'mxtls', domain: 'example.org' } });
    for (const bad of ['', '192.0.2.1', 'a b', 'x'.repeat(300), 7, null]) expect(ask(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/^mxtls: "domain" must be a domain name/) });
  });

  it('reads an answer within its limits, and refuses one beyond them', () => {
    const dane = { kind: 'records' as const, name: '_25._tcp.mx1.example.org', secure: true, records: [{ usage: 3, selector: 1, matching: 1, data: 'ab', dataBytes: 32, match: 'yes' as const }], count: 1, suggested: '3 1 1 ab' };
    const m = { v: PROTOCOL_VERSION, type: 'mxtls', domain: 'example.org', answer: probed([{ ...tlsHost('mx1.example.org', 10), dane }], policy('enforce', 'mx1.example.org'), 3) };
    expect(decodeAnyServerMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
    const none = { v: PROTOCOL_VERSION, type: 'mxtls', domain: 'example.org', answer: { kind: 'none', reason: 'null-mx', detail: 'takes no mail' } };
    expect(decodeAnyServerMessage(JSON.stringify(none))).toEqual({ ok: true, value: none });
    const host = tlsHost('mx1.example.org', 10);
    const broken: unknown[] = [
      { ...m.answer, hosts: Array(6).fill(host), count: 6 },
      { ...m.answer, count: 0 },
      { ...m.answer, hosts: [{ ...host, tls: null }] },
      { ...m.answer, hosts: [{ ...host, outcome: 'no-starttls' }] },
      { ...m.answer, hosts: [{ ...host, address: 'mx1.example.org' }] },
      { ...m.answer, hosts: [{ ...host, outcome: 'pwned' }] },
      { ...m.answer, hosts: [{ ...host, text: 'x'.repeat(500) }] },
      { ...m.answer, hosts: [{ ...host, tls: { ...host.tls, certificate: { names: 'all' } } }] },
      { ...m.answer, mtaSts: { kind: 'policy', text: 'x'.repeat(5000), cut: true, contentType: null } },
      { ...m.answer, port: 0 },
      { ...m.answer, hosts: [{ ...host, outcome: 'unreachable', tls: null, dane: { kind: 'none', name: '_25._tcp.mx1.example.org', reason: 'no-records', detail: 'NOERROR', suggested: null } }] },
      { ...m.answer, hosts: [{ ...host, dane: { kind: 'records', name: '_25._tcp.x', secure: 'yes', records: [], count: 0, suggested: null } }] },
      { kind: 'none', reason: 'because', detail: '' },
      { ...m.answer, mtaSts: undefined, tlsRpt: { kind: 'none' } },
      { ...m.answer, tlsRpt: { kind: 'records', records: [], count: 0 } },
    ];
    for (const answer of broken) expect(decodeAnyServerMessage(JSON.stringify({ ...m, answer }))).toEqual({ ok: false, error: 'mxtls: bad "domain" or "answer"' });
  });
});
