/**
 * `/tls mx` (server/mx-tls-probe.ts): a domain's MX records asked of a scripted DNS server, and each MX host a
 * scripted SMTP server on its own loopback address (127.0.0.1 to .4, one port for all, as MX hosts share port 25):
 * one that does STARTTLS with a certificate for its name, one that offers no STARTTLS, one that refuses it, one where
 * nothing listens, one without an address, one past the hosts dialled. Real sockets, real handshakes; what each server
 * was sent checked byte for byte. Then the practice server's domain through the real bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { queryTlsa, suggestedTlsa } from '../../server/dane.js';
import { makeResolver } from '../../server/dns-lookup.js';
import { probeMxTls } from '../../server/mx-tls-probe.js';
import { probeDepsFor } from '../../server/port-probe.js';
import { parseAllowList } from '../../server/target-policy.js';
import { MAX_MX_TLS_HOSTS } from '../../shared/protocol/app-limits.js';
import type { MtaStsFetch, MxTlsMessage, MxTlsOutcome } from '../../shared/protocol/messages.js';
import { readMxTls } from '../../shared/smtp/mx-tls.js';
import { makeCert } from '../helpers/certs.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { freePort, startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { lookupOf } from '../helpers/lookup.js';
import { probeBridge } from '../helpers/probe-bridge.js';

const WAIT_MS = 800;
const POLICY = 'version: STSv1\nmode: enforce\nmx: mx1.mxtls.test\nmx: mx2.mxtls.test\nmax_age: 604800\n';

describe('/tls mx: STARTTLS on each MX host', () => {
  let dns: FakeDns;
  let port: number;
  const servers: FakeSmtp[] = [];
  const opened: { close(): Promise<unknown> }[] = [];
  let good: FakeSmtp;
  let plain: FakeSmtp;
  let refusing: FakeSmtp;

  beforeAll(async () => {
    port = await freePort();
    const cert = await makeCert({ cn: 'mx1.mxtls.test', names: ['mx1.mxtls.test'] });
    // DANE-EE for mx1's own key (what its self-signed certificate needs); a record for mx2, which offers no STARTTLS.
    const key = suggestedTlsa(new X509Certificate(cert.cert)).split(' ')[3] ?? '';
    const greeting = (name: string): string => `220 ${name} ESMTP\r\n`;
    const ehlo = (name: string, offers: string) => ({ match: /^EHLO /, reply: [`250-${name}\r\n${offers}250 8BITMIME\r\n`] });
    const quit = { match: /^QUIT$/, reply: ['221 2.0.0 Bye\r\n', 'close' as const] };
    good = await startFakeSmtp(
      { onConnect: [greeting('mx1.mxtls.test')], rules: [ehlo('mx1.mxtls.test', '250-STARTTLS\r\n'), { match: /^STARTTLS$/, reply: ['220 2.0.0 Ready to start TLS\r\n', { startTls: cert }] }, quit] },
      '127.0.0.1',
      port,
    );
    plain = await startFakeSmtp({ onConnect: [greeting('mx2.mxtls.test')], rules: [ehlo('mx2.mxtls.test', ''), quit] }, '127.0.0.2', port);
    refusing = await startFakeSmtp(
      { onConnect: [greeting('mx3.mxtls.test')], rules: [ehlo('mx3.mxtls.test', '250-STARTTLS\r\n'), { match: /^STARTTLS$/, reply: ['454 4.7.0 TLS not available due to local problem\r\n'] }, quit] },
      '127.0.0.3',
      port,
    );
    servers.push(good, plain, refusing);
    dns = await startFakeDns({
      'mxtls.test': { MX: [[10, 'mx1.mxtls.test'], [20, 'mx2.mxtls.test'], [30, 'mx3.mxtls.test'], [40, 'mx4.mxtls.test'], [50, 'gone.mxtls.test'], [60, 'mx6.mxtls.test']] },
      'mx1.mxtls.test': { A: ['127.0.0.1'] },
      'mx2.mxtls.test': { A: ['127.0.0.2'] },
      'mx3.mxtls.test': { A: ['127.0.0.3'] },
      'mx4.mxtls.test': { A: ['127.0.0.4'] },
      'gone.mxtls.test': {},
      'mx6.mxtls.test': { A: ['127.0.0.6'] },
      '_mta-sts.mxtls.test': { TXT: ['v=STSv1; id=20261201'] },
      '_smtp._tls.mxtls.test': { TXT: ['v=TLSRPTv1; rua=mailto:tls-reports@mxtls.test'] },
      'bare.test': { A: ['127.0.0.2'] },
      'nomail.test': { MX: [[0, '']] },
      [`_${port}._tcp.mx1.mxtls.test`]: { TLSA: [[3, 1, 1, key]] },
      [`_${port}._tcp.mx2.mxtls.test`]: { TLSA: [[3, 1, 1, key]] },
      'dane.test': { MX: [[10, 'mx1.mxtls.test']] },
    }, { secure: [`_${port}._tcp.mx1.mxtls.test`, `_${port}._tcp.mx2.mxtls.test`] });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const o of opened.reverse()) await o.close();
    await dns?.close();
  });

  /** The probe as the session runs it, its lookups asked of the scripted DNS server, its hosts of loopback. */
  async function probe(domain: string, fetched?: MtaStsFetch): Promise<MxTlsMessage['answer']> {
    const names = { 'mx1.mxtls.test': ['127.0.0.1'], 'mx2.mxtls.test': ['127.0.0.2'], 'mx3.mxtls.test': ['127.0.0.3'], 'mx4.mxtls.test': ['127.0.0.4'], 'bare.test': ['127.0.0.2'] };
    const policy = { ports: [port], publicOnly: false, allow: parseAllowList([]), practice: null };
    const fetchMtaSts = fetched === undefined ? undefined : async () => fetched;
    const tlsa = (name: string, signal: AbortSignal) => queryTlsa(name, [dns.server], 1000, signal);
    const deps = { probe: probeDepsFor(policy, lookupOf(names), WAIT_MS), practice: null, port, tlsa, ...(fetchMtaSts === undefined ? {} : { fetchMtaSts }) };
    return probeMxTls(domain, makeResolver([dns.server], 1000), deps, new AbortController().signal);
  }

  it('dials the MX hosts lowest preference first, at most five, and says what each did', async () => {
    const answer = await probe('mxtls.test', { kind: 'policy', text: POLICY, cut: false, contentType: 'text/plain' });
    expect(answer.kind).toBe('probed');
    const { hosts, count, implicit, mtaSts } = answer as Extract<MxTlsMessage['answer'], { kind: 'probed' }>;
    expect([count, implicit, hosts.length]).toEqual([6, false, MAX_MX_TLS_HOSTS]);
    expect(mtaSts).toMatchObject({ kind: 'policy', text: POLICY });
    expect((answer as { tlsRpt?: unknown }).tlsRpt).toEqual({ kind: 'records', records: ['v=TLSRPTv1; rua=mailto:tls-reports@mxtls.test'], count: 1 });
    const shape = (h: MxTlsOutcome) => [h.preference, h.host, h.address, h.outcome, h.text];
    expect(hosts.map(shape)).toEqual([
      [10, 'mx1.mxtls.test', '127.0.0.1', 'tls', ''],
      [20, 'mx2.mxtls.test', '127.0.0.2', 'no-starttls', 'STARTTLS is not offered after EHLO'],
      [30, 'mx3.mxtls.test', '127.0.0.3', 'no-starttls', 'STARTTLS answered 454 4.7.0 TLS not available due to local problem'],
      [40, 'mx4.mxtls.test', null, 'unreachable', expect.stringContaining('refused')],
      [50, 'gone.mxtls.test', null, 'no-address', 'no A or AAAA record'],
    ]);
    // The handshake's report: the certificate for the MX host's name (self-signed here, so not verified).
    expect(hosts[0]?.tls).toMatchObject({ protocol: 'TLSv1.3', authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: { names: ['DNS:mx1.mxtls.test'], coversHost: true, selfIssued: true } });
    // DANE, looked up for each host reached: mx1's record matches its key, mx2's asks for a TLS it does not offer.
    expect(hosts[0]?.dane).toMatchObject({ kind: 'records', name: `_${port}._tcp.mx1.mxtls.test`, secure: true, records: [{ usage: 3, match: 'yes' }] });
    expect(hosts[1]?.dane).toMatchObject({ kind: 'records', secure: true, records: [{ match: 'no' }], suggested: null });
    expect(hosts[2]?.dane).toMatchObject({ kind: 'none', reason: 'no-name' });
    expect(hosts[3]).not.toHaveProperty('dane');
    // On the wire: EHLO after the whole greeting, STARTTLS only where offered, QUIT over TLS; nothing else.
    await expect.poll(async () => (await good.connection(0)).lines, { timeout: 3000 }).toEqual(['EHLO [127.0.0.1]', 'STARTTLS', 'QUIT']);
    await expect.poll(async () => (await plain.connection(0)).lines, { timeout: 3000 }).toEqual(['EHLO [127.0.0.1]', 'QUIT']);
    await expect.poll(async () => (await refusing.connection(0)).lines, { timeout: 3000 }).toEqual(['EHLO [127.0.0.1]', 'STARTTLS', 'QUIT']);

    // As the page reads it: the enforce policy makes the plain-text hosts, and those it does not name, fail.
    const report = readMxTls('mxtls.test', answer, Date.now());
    const lines = report.findings.map((f) => `${f.tone} ${f.text}`);
    expect(lines[0]).toMatch(/^bad 10 {2}mx1\.mxtls\.test \(127\.0\.0\.1\): STARTTLS, TLSv1\.3 \(\S+\), but: not verified: DEPTH_ZERO_SELF_SIGNED_CERT/);
    // Its DANE-EE record matches, which is enough for senders that validate DANE; MTA-STS wants a certificate that verifies.
    expect(lines[0]).toMatch(
      /DEPTH_ZERO_SELF_SIGNED_CERT \(Self-signed certificate\); DANE: a DNSSEC-signed TLSA record matches its key \(DANE-EE: names and dates not checked, RFC 7672 §3\.1\.1\), so senders that validate DANE deliver here over TLS; senders that apply its MTA-STS policy \(mode: enforce\) do not deliver here at all \(RFC 8461 §4\.2\)$/,
    );
    expect(lines[1]).toBe(
      "bad 20  mx2.mxtls.test (127.0.0.2): STARTTLS is not offered after EHLO: senders deliver here in plain text, readable and changeable on the way; it publishes TLSA records (DNSSEC-signed), so senders that validate DANE insist on TLS here and do not deliver without it (RFC 7672 §2.2); senders that apply its MTA-STS policy (mode: enforce) do not deliver here at all (RFC 8461 §4.2)",
    );
    // mx3 is not named by the policy: said on its line, as for mx4 (not reached); gone has no address to judge.
    expect(lines[2]).toMatch(/^bad 30 {2}mx3\.mxtls\.test \(127\.0\.0\.3\): STARTTLS answered 454 4\.7\.0 .*; no mx: line of its MTA-STS policy names it, so senders that apply the policy \(mode: enforce\) do not deliver here \(RFC 8461 §4\.1\)$/);
    expect(lines[3]).toMatch(/^bad 40 {2}mx4\.mxtls\.test: not reached \(connection refused: .*\): senders go on to the next MX host, and try this one again later; no mx: line/);
    expect(lines[4]).toBe('bad 50  gone.mxtls.test: no A or AAAA record: senders skip it');
    expect(lines).toContain('info and 1 more MX host with higher preferences, not tested');
    expect(lines.slice(5)).toEqual([
      'info and 1 more MX host with higher preferences, not tested',
      "info mxtls.test's MTA-STS policy is in mode enforce: senders that apply it (Gmail, Microsoft 365…) deliver only over TLS, to MX hosts it names whose certificate verifies and names them (RFC 8461 §4)",
      'ok TLS-RPT: senders that apply the policy send their daily reports of TLS failures here to mailto:tls-reports@mxtls.test (RFC 8460)',
      'bad 0 of 5 MX hosts pass: STARTTLS, with a certificate that verifies and names the host (or that matches its TLSA records: DANE), named by its MTA-STS policy',
    ]);
    expect(report.good).toBe(false);
  });

  it('passes a host whose self-signed certificate its DNSSEC-signed DANE-EE record vouches for, without MTA-STS', async () => {
    const answer = await probe('dane.test');
    const lines = readMxTls('dane.test', answer, Date.now()).findings.map((f) => `${f.tone} ${f.text}`);
    // Not verified and self-signed are said, not held against it: DANE-EE checks the key alone.
    expect(lines[0]).toMatch(/^ok 10 {2}mx1\.mxtls\.test \(127\.0\.0\.1\): STARTTLS, .*, but: not verified: DEPTH_ZERO_SELF_SIGNED_CERT \(Self-signed certificate\); DANE: a DNSSEC-signed TLSA record matches its key/);
    expect(lines.at(-1)).toBe('ok it passes: STARTTLS, with a certificate that verifies and names the host (or that matches its TLSA records: DANE)');
  });

  it('dials a domain without MX records itself, and dials nothing for a null MX', async () => {
    const bare = await probe('bare.test');
    expect(bare).toMatchObject({ kind: 'probed', implicit: true, count: 1, hosts: [{ host: 'bare.test', preference: null, address: '127.0.0.2', outcome: 'no-starttls' }] });
    expect(bare).not.toHaveProperty('mtaSts');
    expect(bare).not.toHaveProperty('tlsRpt');
    expect(readMxTls('bare.test', bare, Date.now()).head).toBe(`STARTTLS on bare.test (no MX records: the domain itself), port ${port}, as sending MTAs meet it, the certificate checked for the host's name:`);
    expect(await probe('nomail.test')).toEqual({ kind: 'none', reason: 'null-mx', detail: 'a null MX (RFC 7505): the domain takes no mail' });
    expect(await probe('missing.test')).toMatchObject({ kind: 'none', reason: 'no-domain' });
  });

  it('tests the practice server for its domain, through the bridge', async () => {
    const { client } = await probeBridge(opened, { practice: {}, connectTimeoutMs: WAIT_MS });
    client.send({ type: 'mxtls', domain: 'practice.test' });
    const m = await client.next('mxtls', 10_000);
    expect(m.answer).toMatchObject({ kind: 'probed', count: 1, implicit: false, hosts: [{ host: 'practice.test', preference: 0, address: '127.0.0.1', outcome: 'tls' }] });
    const h = (m.answer as Extract<MxTlsMessage['answer'], { kind: 'probed' }>).hosts[0];
    expect(h?.tls).toMatchObject({ authorized: false, certificate: { coversHost: true, selfIssued: true } });
    const lines = readMxTls(m.domain, m.answer, Date.now()).findings.map((f) => `${f.tone} ${f.text}`);
    // Said once that it is self-signed: the verify failure's name says so already.
    expect(lines[0]).toMatch(/^bad 0 {2}practice\.test \(127\.0\.0\.1\): STARTTLS, TLSv1\.3 \(\S+\), but: not verified: DEPTH_ZERO_SELF_SIGNED_CERT \(Self-signed certificate\)$/);
    expect(lines.at(-1)).toBe('bad it does not pass: STARTTLS, with a certificate that verifies and names the host');
  });
});
