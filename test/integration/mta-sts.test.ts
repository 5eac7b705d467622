/**
 * MTA-STS policies fetched by the real bridge (server/mta-sts-fetch.ts) as a sending MTA fetches them: HTTPS to
 * mta-sts.<domain> with a certificate valid for that name, from a real HTTPS server on loopback with certificates made
 * by a test certificate authority, its name in a scripted DNS server. Through the bridge (`mx` with policies): the
 * policy, and every way the fetch fails (a certificate for another name or from no trusted authority, a redirect, a
 * missing file, a body too large, no address). The fetch alone: a server that never answers, a session that ends,
 * an address the target policy refuses.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContext } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResolver } from '../../server/dns-lookup.js';
import type { Heloterm } from '../../server/heloterm.js';
import { MAX_MTA_STS_BYTES, fetchMtaStsPolicy } from '../../server/mta-sts-fetch.js';
import { EMPTY_ALLOW_LIST, type TargetPolicy } from '../../server/target-policy.js';
import type { MtaStsFetch } from '../../shared/protocol/messages.js';
import { makeCa, makeCert, type TestCert } from '../helpers/certs.js';
import { startDnsBridge, type DnsBridge } from '../helpers/dns-bridge.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { WsTestClient } from '../helpers/ws-client.js';

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.good.test\r\nmax_age: 604800\r\n';
/** Domains whose policy server misbehaves in one way each (see `serve`). */
const DOMAINS = ['good', 'wrongname', 'untrusted', 'redirect', 'missing', 'big', 'html', 'silent'] as const;
const LOOPBACK_POLICY: TargetPolicy = { ports: [25], publicOnly: false, allow: EMPTY_ALLOW_LIST, practice: null };

describe('MTA-STS policies', () => {
  let root: TestCert;
  let https: Server;
  let port: number;
  let dns: FakeDns;
  let bridge: DnsBridge;
  let app: Heloterm;
  let c: WsTestClient;
  /** What the policy server was asked: SNI name, Host header and path. */
  const asked: string[] = [];

  beforeAll(async () => {
    root = await makeCa('heloterm test root');
    const names = DOMAINS.filter((d) => d !== 'wrongname' && d !== 'untrusted').map((d) => `mta-sts.${d}.test`);
    const trusted = await makeCert({ cn: 'mta-sts.good.test', names, issuer: root });
    const other = await makeCert({ cn: 'www.elsewhere.test', names: ['www.elsewhere.test'], issuer: root });
    const selfSigned = await makeCert({ cn: 'mta-sts.untrusted.test', names: ['mta-sts.untrusted.test'] });
    const context = (cert: TestCert): SecureContext => createSecureContext({ key: cert.key, cert: `${cert.cert}\n${root.cert}` });
    const contexts: Record<string, SecureContext> = { 'mta-sts.wrongname.test': context(other), 'mta-sts.untrusted.test': createSecureContext(selfSigned) };
    https = createServer({ key: trusted.key, cert: `${trusted.cert}\n${root.cert}`, SNICallback: (name, done) => done(null, contexts[name] ?? context(trusted)) }, (req, res) => {
      const host = req.headers.host ?? '';
      asked.push(`${(req.socket as { servername?: string }).servername} ${host} ${req.url}`);
      const domain = host.replace(/^mta-sts\./, '').replace(/\.test$/, '');
      if (domain === 'silent') return; // never answers
      if (domain === 'redirect') return void res.writeHead(301, { location: 'https://www.good.test/policy.txt' }).end();
      if (domain === 'missing') return void res.writeHead(404).end('not here');
      if (domain === 'big') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('mx: x.good.test\n'.repeat(MAX_MTA_STS_BYTES / 8));
      res.writeHead(200, { 'content-type': domain === 'html' ? 'text/html' : 'text/plain; charset=utf-8' }).end(POLICY);
    });
    await new Promise<void>((ok) => https.listen(0, '127.0.0.1', ok));
    port = (https.address() as AddressInfo).port;
    dns = await startFakeDns({
      ...Object.fromEntries(DOMAINS.flatMap((d) => [[`_mta-sts.${d}.test`, { TXT: ['v=STSv1; id=20261129'] }], [`mta-sts.${d}.test`, { A: ['127.0.0.1'] }]])),
      'good.test': { MX: [[10, 'mx1.good.test']] },
      'mx1.good.test': { A: ['192.0.2.10'] },
      '_mta-sts.noaddress.test': { TXT: ['v=STSv1; id=1'] },
      '_mta-sts.private.test': { TXT: ['v=STSv1; id=1'] },
      'mta-sts.private.test': { A: ['10.1.2.3'] },
    });
    bridge = await startDnsBridge(dns, { mtaStsPort: port, mtaStsCa: [root.cert] });
    ({ app, client: c } = bridge);
  });

  afterAll(async () => {
    await bridge?.close();
    await dns?.close();
    https?.closeAllConnections();
    await new Promise((ok) => https?.close(ok));
  });

  async function policyOf(domain: string): Promise<MtaStsFetch | undefined> {
    c.send({ type: 'mx', domain, policies: true });
    return (await c.next('mx', 15_000)).policies?.mtaStsPolicy;
  }

  it('fetches the policy a _mta-sts record announces, over HTTPS to mta-sts.<domain> with its certificate checked', async () => {
    expect(await policyOf('good.test')).toEqual({ kind: 'policy', text: POLICY, cut: false, contentType: 'text/plain; charset=utf-8' });
    expect(asked).toContain('mta-sts.good.test mta-sts.good.test /.well-known/mta-sts.txt');
    expect(await policyOf('html.test')).toMatchObject({ kind: 'policy', contentType: 'text/html' });
  });

  it('says why a policy could not be fetched: the certificate, a redirect, no file, a file too large, no address', async () => {
    expect(await policyOf('wrongname.test')).toEqual({ kind: 'error', detail: expect.stringMatching(/^the certificate of mta-sts\.wrongname\.test did not verify \(ERR_TLS_CERT_ALTNAME_INVALID\)/) });
    expect(await policyOf('untrusted.test')).toEqual({ kind: 'error', detail: expect.stringMatching(/^the certificate of mta-sts\.untrusted\.test did not verify \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/) });
    expect(await policyOf('redirect.test')).toEqual({ kind: 'error', detail: 'HTTP 301, a redirect, which senders must not follow (RFC 8461 §3.3)' });
    expect(asked.filter((a) => a.includes('www.good.test'))).toEqual([]);
    expect(await policyOf('missing.test')).toEqual({ kind: 'error', detail: 'HTTP 404 for /.well-known/mta-sts.txt' });
    expect(await policyOf('big.test')).toEqual({ kind: 'error', detail: `the policy is larger than ${MAX_MTA_STS_BYTES / 1024} KiB, more than senders read` });
    expect(await policyOf('noaddress.test')).toEqual({ kind: 'error', detail: 'mta-sts.noaddress.test has no address (no A or AAAA record)' });
  });

  it('fetches nothing for a domain without a _mta-sts record', async () => {
    const before = asked.length;
    expect(await policyOf('mx1.good.test')).toBeUndefined();
    expect(asked.length).toBe(before);
  });

  it('hangs up on the policy server when the session ends in the middle of a fetch', async () => {
    const open = (): Promise<number> => new Promise((ok, fail) => https.getConnections((err, n) => (err ? fail(err) : ok(n))));
    const gone = await WsTestClient.open(app.url);
    await gone.next('hello');
    const before = asked.length;
    gone.send({ type: 'mx', domain: 'silent.test', policies: true });
    await expect.poll(() => asked.length, { timeout: 5000 }).toBe(before + 1);
    expect(await open()).toBeGreaterThan(0);
    await gone.close();
    // Without the session's abort, the bridge would hold the connection until its 10 s timeout.
    await expect.poll(open, { timeout: 2000 }).toBe(0);
  });

  describe('the fetch alone', () => {
    const fetch = (domain: string, more: Partial<Parameters<typeof fetchMtaStsPolicy>[1]> = {}) =>
      fetchMtaStsPolicy(domain, { resolver: makeResolver([dns.server], 300), policy: LOOPBACK_POLICY, port, ca: [root.cert], ...more });

    it('gives up on a server that never answers, and stops when the session ends', async () => {
      expect(await fetch('silent.test', { timeoutMs: 300 })).toEqual({ kind: 'error', detail: 'no answer within 0.3 s' });
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 200);
      expect(await fetch('silent.test', { signal: abort.signal })).toEqual({ kind: 'error', detail: 'cancelled' });
    });

    it('reaches only what a connect could: a private address is refused in public mode', async () => {
      const publicOnly: TargetPolicy = { ...LOOPBACK_POLICY, publicOnly: true };
      expect(await fetch('good.test', { policy: publicOnly })).toEqual({ kind: 'error', detail: expect.stringMatching(/^not fetched: mta-sts\.good\.test \(127\.0\.0\.1\) is a loopback address: this bridge dials public addresses only/) });
      expect(await fetch('private.test', { policy: publicOnly })).toMatchObject({ kind: 'error', detail: expect.stringContaining('(10.1.2.3) is a private address') });
      expect(await fetch('good.test')).toMatchObject({ kind: 'policy' });
    });
  });
});
