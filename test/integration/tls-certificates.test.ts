/**
 * What the bridge reports of a server's certificate after the TLS handshake, for real: certificates made on the
 * spot (a test root CA, an intermediate, servers' certificates with chosen names and dates), served by scripted
 * servers over implicit TLS, and a bridge run as the real command (server/main.ts) in a child process that trusts
 * the test root through NODE_EXTRA_CA_CERTS, as an admin would make it trust a private CA. Whether a certificate
 * verified and why not is OpenSSL's verdict; the report read from it (shared/smtp/tls-report.ts) must agree with it.
 * And the practice server: its certificate is fresh, self-signed, and for the names it is reached by.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { CERTIFICATE_DAYS, CERTIFICATE_RENEW_MS, practiceCertificate } from '../../server/practice/practice-certificate.js';
import { MAX_CERT_NAMES, MAX_CERT_TEXT, type TlsMessage } from '../../shared/protocol/messages.js';
import { assessTls } from '../../shared/smtp/tls-report.js';
import { DAY_MS, makeCa, makeCert, type TestCert } from '../helpers/certs.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GREETING = '220 fake.test ESMTP ready\r\n';

/** The findings' texts, for matching. */
const findings = (m: TlsMessage): string[] => assessTls(m, '127.0.0.1', Date.now()).findings.map((f) => `${f.tone}: ${f.text}`);

describe('certificates as a bridge that trusts a test CA reports them', () => {
  let dir = '';
  let bridge: ReturnType<typeof spawn> | null = null;
  let url = '';
  let root: TestCert;
  let intermediate: TestCert;
  const fakes = new Map<string, FakeSmtp>();

  /** Scripted servers speaking implicit TLS with these certificates (the server's own first, then its chain). */
  const servers: Record<string, () => Promise<{ key: string; cert: string }>> = {
    trusted: async () => makeCert({ cn: 'mx.test', names: ['mx.test', '127.0.0.1'], issuer: root }),
    wrongName: async () => makeCert({ cn: 'mx.example.net', names: ['mx.example.net'], issuer: root }),
    expired: async () =>
      makeCert({ cn: 'old.test', names: ['127.0.0.1'], issuer: root, from: new Date(Date.now() - 400 * DAY_MS), to: new Date(Date.now() - 3 * DAY_MS) }),
    soon: async () => makeCert({ cn: 'soon.test', names: ['127.0.0.1'], issuer: root, to: new Date(Date.now() + 5 * DAY_MS + 3600_000) }),
    noIntermediate: async () => makeCert({ cn: 'leaf.test', names: ['127.0.0.1'], issuer: intermediate }),
    fullChain: async () => {
      const leaf = await makeCert({ cn: 'leaf.test', names: ['127.0.0.1'], issuer: intermediate });
      return { key: leaf.key, cert: `${leaf.cert.trimEnd()}\n${intermediate.cert}` };
    },
    selfSignedExpired: async () => makeCert({ cn: 'lab.test', names: ['127.0.0.1'], from: new Date(Date.now() - 60 * DAY_MS), to: new Date(Date.now() - DAY_MS) }),
    hostile: async () =>
      makeCert({
        cn: `evil\u001b[2J\u001b]0;pwned\u0007${'x'.repeat(400)}`,
        names: [...Array.from({ length: 300 }, (_, i) => `n${i}.test`), '127.0.0.1'],
        issuer: root,
      }),
  };

  beforeAll(async () => {
    root = await makeCa('heloterm test root');
    intermediate = await makeCa('heloterm test intermediate', root);
    for (const [name, make] of Object.entries(servers)) {
      const c = await make();
      fakes.set(name, await startFakeSmtp({ onConnect: [{ startTls: { key: c.key, cert: c.cert } }, GREETING] }));
    }
    dir = await mkdtemp(path.join(tmpdir(), 'heloterm-ca-'));
    const caFile = path.join(dir, 'root.pem');
    await writeFile(caFile, root.cert);
    const ports = [...fakes.values()].map((f) => f.port).join(',');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--no-practice', '--allow-port', ports], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, HELOTERM_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bridge = child;
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`bridge exited (${code}): ${err}`)));
    });
  }, 30_000);

  afterAll(async () => {
    bridge?.kill('SIGKILL');
    for (const f of fakes.values()) await f.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** Connects through the bridge with implicit TLS and returns the `tls` message. */
  async function tlsOf(name: string): Promise<TlsMessage> {
    const fake = fakes.get(name);
    if (fake === undefined) throw new Error(name);
    const client = await WsTestClient.open(url);
    try {
      await client.next('hello');
      client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'implicit' });
      const m = await client.next('tls');
      expect((await client.nextReply()).code).toBe(220);
      return m;
    } finally {
      await client.close();
    }
  }

  it('verifies a certificate from a trusted CA for the host, and says so', async () => {
    const m = await tlsOf('trusted');
    expect(m).toMatchObject({ authorized: true, authorizationError: null });
    expect(m.certificate).toMatchObject({ subject: 'CN=mx.test', issuer: 'CN=heloterm test root', names: ['DNS:mx.test', 'IP Address:127.0.0.1'], nameCount: 2, selfIssued: false, coversHost: true });
    // The root is not sent by the server: Node found it in the trust store, where NODE_EXTRA_CA_CERTS put it.
    expect(m.certificate?.chain).toEqual(['CN=heloterm test root']);
    expect(m.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const f = findings(m);
    expect(f[0]).toMatch(/^ok: verified/);
    expect(f).toContain('ok: 127.0.0.1 is among its names');
    expect(f).toContain('info: issued by CN=heloterm test root');
    expect(f.at(-1)).toMatch(/^ok: valid until \d{4}-\d\d-\d\d \((89|90) days left\)$/);
  });

  it('reports a trusted certificate for another name: ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const m = await tlsOf('wrongName');
    expect(m).toMatchObject({ authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(m.certificate).toMatchObject({ names: ['DNS:mx.example.net'], coversHost: false });
    const f = findings(m);
    expect(f[0]).toBe('bad: not verified: ERR_TLS_CERT_ALTNAME_INVALID (Certificate not for this host name)');
    expect(f).toContain("warn: 127.0.0.1 is not among its names: senders check the MX host's name: /tls name and that name checks it (or connect by name)");
  });

  it('reports an expired certificate: CERT_HAS_EXPIRED, and since when', async () => {
    const m = await tlsOf('expired');
    expect(m).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
    const f = findings(m);
    expect(f[0]).toBe('bad: not verified: CERT_HAS_EXPIRED (Certificate expired)');
    expect(f.at(-1)).toMatch(/^bad: expired on \d{4}-\d\d-\d\d \(3 days ago\)$/);
  });

  it('verifies a certificate that expires soon, with a warning', async () => {
    const m = await tlsOf('soon');
    expect(m.authorized).toBe(true);
    expect(findings(m).at(-1)).toMatch(/^warn: expires soon: valid until \d{4}-\d\d-\d\d \(5 days left; renew it\)$/);
  });

  it('tells the missing intermediate (cert.pem instead of fullchain.pem) from the full chain', async () => {
    const missing = await tlsOf('noIntermediate');
    expect(missing).toMatchObject({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(missing.certificate?.chain).toEqual([]);
    expect(findings(missing)).toContain('warn: its issuer was not found: the server sent no intermediate certificate, and no trusted one fits');

    const full = await tlsOf('fullChain');
    expect(full).toMatchObject({ authorized: true, authorizationError: null });
    expect(full.certificate).toMatchObject({ issuer: 'CN=heloterm test intermediate', chain: ['CN=heloterm test intermediate', 'CN=heloterm test root'] });
    expect(findings(full)).toContain('info: chain: CN=heloterm test intermediate → CN=heloterm test root');
  });

  it('shows both what is wrong with an expired self-signed certificate, where OpenSSL names one', async () => {
    const m = await tlsOf('selfSignedExpired');
    expect(m).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
    expect(m.certificate?.selfIssued).toBe(true);
    const f = findings(m);
    expect(f).toContain('warn: self-signed: issued by itself, no certificate authority vouches for it');
    expect(f.at(-1)).toMatch(/^bad: expired on .* \(1 day ago\)$/);
  });

  it('keeps a hostile certificate within limits: 301 names, a long subject with terminal escapes', async () => {
    const m = await tlsOf('hostile');
    const c = m.certificate;
    expect(c).not.toBeNull();
    expect(c?.nameCount).toBe(301);
    expect(c?.names).toHaveLength(MAX_CERT_NAMES);
    expect(c?.subject.length).toBe(MAX_CERT_TEXT + 1);
    expect(c?.subject.endsWith('…')).toBe(true);
    expect(c?.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // OpenSSL escapes them (\\1B); the page would too
    // The verdict is about the names, not the escapes: the root is trusted and 127.0.0.1 is among the 301.
    expect(m.authorized).toBe(true);
    expect(c?.coversHost).toBe(true);
    expect(findings(m)).toContain(`info: for ${Array.from({ length: MAX_CERT_NAMES }, (_, i) => `n${i}.test`).join(', ')} and 281 more`);
  });
});

describe("the practice server's certificate", () => {
  it('is valid from an hour before it is made, for CERTIFICATE_DAYS, for the practice names', async () => {
    const now = Date.parse('2027-06-01T00:00:00Z');
    const c = new X509Certificate((await practiceCertificate(now)).cert);
    expect(new Date(c.validFrom).toISOString()).toBe('2027-05-31T23:00:00.000Z');
    expect(Date.parse(c.validTo) - Date.parse(c.validFrom)).toBe(CERTIFICATE_DAYS * DAY_MS);
    expect(c.subjectAltName).toBe('DNS:practice.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  let app: Heloterm;
  beforeAll(async () => {
    app = await startHeloterm({ port: 0, log: () => undefined });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is made fresh at start, self-signed, for the names the practice server is reached by', async () => {
    const client = await WsTestClient.open(app.url);
    try {
      const hello = await client.next('hello');
      const practice = hello.practice;
      if (practice === null) throw new Error('no practice server');
      client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
      expect((await client.nextReply()).code).toBe(220);
      client.line('EHLO trainee');
      expect((await client.nextReply()).code).toBe(250);
      client.line('STARTTLS');
      expect((await client.nextReply()).code).toBe(220);
      const m = await client.next('tls');
      expect(m).toMatchObject({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      const c = m.certificate;
      expect(c).toMatchObject({ subject: 'CN=practice.test', selfIssued: true, coversHost: true });
      expect(c?.names).toEqual(['DNS:practice.test', 'DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:::1']);
      const from = Date.parse(c?.validFrom ?? '');
      const to = Date.parse(c?.validTo ?? '');
      expect(Date.now() - from).toBeGreaterThan(0);
      expect(Date.now() - from).toBeLessThan(2 * 3600_000);
      expect(Math.round((to - from) / DAY_MS)).toBe(CERTIFICATE_DAYS);
      // Made anew well before it expires, on a timer Node can hold (a delay over 2^31 - 1 ms would fire at once).
      expect(CERTIFICATE_RENEW_MS).toBeLessThan(2 ** 31 - 1);
      expect(CERTIFICATE_RENEW_MS).toBeLessThan((CERTIFICATE_DAYS * DAY_MS) / 4);
    } finally {
      await client.close();
    }
  });
});
