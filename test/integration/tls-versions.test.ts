/**
 * `/tls versions` through the real bridge (server/tls-versions-probe.ts): the practice server, and scripted servers on
 * loopback that take old TLS versions, offer no STARTTLS, refuse it, hold their greeting or speak implicit TLS; each
 * version tried on a connection of its own, with real handshakes; what reaches the wire checked byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelotermOptions } from '../../server/heloterm.js';
import type { TlsVersionOutcome, TlsVersionsMessage } from '../../shared/protocol/messages.js';
import { readTlsVersions } from '../../shared/smtp/tls-versions.js';
import { makeCert, type TestCert } from '../helpers/certs.js';
import { freePort, startFakeSmtp, type FakeConnection, type FakeSmtp } from '../helpers/fake-smtp.js';
import type { WsTestClient } from '../helpers/ws-client.js';
import { probeBridge } from '../helpers/probe-bridge.js';
import { lookupOf } from '../helpers/lookup.js';

/** The bridge's connect timeout, which also bounds a probe's waits. */
const WAIT_MS = 800;

type Fakes = 'old' | 'none' | 'refusing' | 'held' | 'implicit12' | 'mute' | 'staticRsa';

describe('/tls versions through the bridge', () => {
  const fakes = {} as Record<Fakes, FakeSmtp>;
  const opened: { close(): Promise<unknown> }[] = [];
  let cert: TestCert;
  beforeAll(async () => {
    cert = await makeCert({ cn: 'versions.test', names: ['127.0.0.1'] });
    const ehlo = (offers: string): { match: RegExp; reply: string[] } => ({ match: /^EHLO /, reply: [`250-versions.test\r\n${offers}250 8BITMIME\r\n`] });
    const greeting = '220 versions.test ESMTP\r\n';
    // Every version from TLS 1.0 (OpenSSL 3 takes 1.0 and 1.1 only at security level 0, as old servers run).
    const old = { ...cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
    fakes.old = await startFakeSmtp({
      onConnect: [greeting],
      rules: [ehlo('250-STARTTLS\r\n'), { match: /^STARTTLS$/, reply: ['220 2.0.0 Ready to start TLS\r\n', { startTls: old }] }, { match: /^QUIT$/, reply: ['221 2.0.0 Bye\r\n', 'close'] }],
    });
    fakes.none = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo(''), { match: /^QUIT$/, reply: ['221 Bye\r\n', 'close'] }] });
    fakes.refusing = await startFakeSmtp({
      onConnect: [greeting],
      rules: [ehlo('250-STARTTLS\r\n'), { match: /^STARTTLS$/, reply: ['454 4.7.0 TLS not available due to local problem\r\n'] }, { match: /^QUIT$/, reply: ['221 Bye\r\n', 'close'] }],
    });
    // Says 220 to STARTTLS, then nothing: the handshake gets no answer (a device on the way that passes SMTP only).
    fakes.mute = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo('250-STARTTLS\r\n'), { match: /^STARTTLS$/, reply: ['220 2.0.0 Ready to start TLS\r\n'] }] });
    fakes.held = await startFakeSmtp({ onConnect: ['220-held.test ESMTP\r\n', { pauseMs: 5000 }, '220 held.test ready\r\n'] });
    // An old-style server: an RSA key, TLS 1.2 at most, and only a suite with RSA key exchange (no forward secrecy).
    const rsa = await makeCert({ cn: 'static.test', names: ['127.0.0.1'], rsa: true });
    fakes.staticRsa = await startFakeSmtp({ onConnect: [{ startTls: { ...rsa, maxVersion: 'TLSv1.2', ciphers: 'AES256-GCM-SHA384' } }, '220 static.test ESMTP\r\n'] });
    fakes.implicit12 = await startFakeSmtp({ onConnect: [{ startTls: { ...cert, maxVersion: 'TLSv1.2' } }, '220 versions.test ESMTP over TLS\r\n'] });
    opened.push(...Object.values(fakes));
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  const bridge = (opts: HelotermOptions = {}): ReturnType<typeof probeBridge> =>
    probeBridge(opened, { connectTimeoutMs: WAIT_MS, allowedPorts: Object.values(fakes).map((f) => f.port), ...opts });

  async function probe(client: WsTestClient, port: number, tls: 'none' | 'implicit' = 'none', host = '127.0.0.1'): Promise<TlsVersionsMessage> {
    client.send({ type: 'tlsversions', host, port, tls });
    return client.next('tlsversions', 8000);
  }
  const probed = (m: TlsVersionsMessage): TlsVersionOutcome[] => {
    expect(m.answer.kind).toBe('probed');
    return (m.answer as Extract<TlsVersionsMessage['answer'], { kind: 'probed' }>).versions;
  };
  /** The four connections of a probe, once each has ended. */
  async function connections(fake: FakeSmtp, from: number): Promise<FakeConnection[]> {
    const all = await Promise.all([0, 1, 2, 3].map((i) => fake.connection(from + i)));
    await Promise.all(all.map((c) => c.ended));
    return all;
  }

  it('tries each version on a connection of its own over STARTTLS: the practice server takes TLS 1.2 and 1.3 only', async () => {
    const { client, practicePort } = await bridge({ practice: {} });
    const m = await probe(client, practicePort ?? 0);
    expect(m.port).toBe(practicePort);
    const versions = probed(m);
    expect(versions.map((v) => [v.version, v.outcome])).toEqual([
      ['TLSv1', 'refused'],
      ['TLSv1.1', 'refused'],
      ['TLSv1.2', 'accepted'],
      ['TLSv1.3', 'accepted'],
    ]);
    // The server's refusal in OpenSSL's words (its alert; smtp-server's OpenSSL says "internal error" to TLS 1.0), and
    // the suite each accepted version agreed on.
    expect(versions[0]?.text).toMatch(/^tlsv1 alert [a-z ]+ \(ERR_SSL_TLSV1_ALERT_[A-Z_]+\)$/);
    expect(versions[2]?.cipher).toMatch(/^ECDHE-/);
    expect(versions[3]?.cipher).toMatch(/^TLS_/);
    expect(versions.every((v) => v.ms >= 0 && v.ms < 8000)).toBe(true);
  });

  it('finds TLS 1.0 and 1.1 on a server that still takes them, and says EHLO, STARTTLS and QUIT only', async () => {
    const { client } = await bridge();
    const from = fakes.old.connections.length;
    const versions = probed(await probe(client, fakes.old.port));
    expect(versions.map((v) => [v.version, v.outcome])).toEqual([
      ['TLSv1', 'accepted'],
      ['TLSv1.1', 'accepted'],
      ['TLSv1.2', 'accepted'],
      ['TLSv1.3', 'accepted'],
    ]);
    expect(versions.every((v) => v.text === '' && v.cipher !== null)).toBe(true);
    // Each connection: EHLO in plain text, STARTTLS, and over TLS only QUIT (the fake logs what it decrypted).
    for (const c of await connections(fakes.old, from)) expect(c.lines).toEqual(['EHLO [127.0.0.1]', 'STARTTLS', 'QUIT']);
  });

  it('says why no handshake was tried: STARTTLS not offered, or refused; and then sends QUIT', async () => {
    const { client } = await bridge();
    const fromNone = fakes.none.connections.length;
    const none = probed(await probe(client, fakes.none.port));
    expect(none.map((v) => [v.outcome, v.text])).toEqual(Array(4).fill(['no-starttls', 'STARTTLS is not offered after EHLO']));
    for (const c of await connections(fakes.none, fromNone)) expect(c.lines).toEqual(['EHLO [127.0.0.1]', 'QUIT']);

    const fromRefusing = fakes.refusing.connections.length;
    const refusing = probed(await probe(client, fakes.refusing.port));
    expect(new Set(refusing.map((v) => `${v.outcome}: ${v.text}`))).toEqual(new Set(['no-starttls: STARTTLS answered 454 4.7.0 TLS not available due to local problem']));
    for (const c of await connections(fakes.refusing, fromRefusing)) expect(c.lines).toEqual(['EHLO [127.0.0.1]', 'STARTTLS', 'QUIT']);

    // EHLO itself refused: its words.
    const strict = await startFakeSmtp({ onConnect: ['220 strict.test ESMTP\r\n'], rules: [{ match: /^EHLO /, reply: ['550 5.7.1 Client host rejected\r\n'] }] });
    opened.push(strict);
    const { client: strictClient } = await bridge({ allowedPorts: [strict.port] });
    const refusedEhlo = probed(await probe(strictClient, strict.port));
    expect(new Set(refusedEhlo.map((v) => `${v.outcome}: ${v.text}`))).toEqual(new Set(['no-starttls: EHLO got 550 5.7.1 Client host rejected']));
  });

  it('gives up on a handshake that gets no answer, and says so once', async () => {
    const { client } = await bridge();
    const m = await probe(client, fakes.mute.port);
    expect(probed(m).map((v) => [v.outcome, v.text])).toEqual(Array(4).fill(['refused', `no answer to the handshake within ${WAIT_MS / 1000} s`]));
    expect(readTlsVersions('127.0.0.1', fakes.mute.port, 'none', m.answer).findings.map((f) => f.text)).toEqual([
      `the server said 220 to STARTTLS, then did not answer the handshake (no answer to the handshake within ${WAIT_MS / 1000} s): a device on the way that lets SMTP through but not TLS, or a server that hangs`,
    ]);
  });

  it('writes nothing to a server whose greeting is not whole (postscreen)', async () => {
    const { client } = await bridge();
    const from = fakes.held.connections.length;
    const versions = probed(await probe(client, fakes.held.port));
    expect(versions.map((v) => v.outcome)).toEqual(['no-starttls', 'no-starttls', 'no-starttls', 'no-starttls']);
    expect(versions[0]?.text).toBe(`the greeting came in part ("220-held.test ESMTP"), the rest not within ${WAIT_MS / 1000} s: nothing was sent`);
    for (const c of await connections(fakes.held, from)) expect(c.received().toString()).toBe('');
  });

  it('starts the handshake at once with implicit TLS: a server capped at TLS 1.2 refuses 1.3', async () => {
    const { client } = await bridge();
    const versions = probed(await probe(client, fakes.implicit12.port, 'implicit'));
    expect(versions.map((v) => [v.version, v.outcome])).toEqual([
      ['TLSv1', 'refused'],
      ['TLSv1.1', 'refused'],
      ['TLSv1.2', 'accepted'],
      ['TLSv1.3', 'refused'],
    ]);
    // Implicit TLS to a port that greets in plain text: OpenSSL reads the greeting as a record, and says so.
    const plain = await probe(client, fakes.none.port, 'implicit');
    expect(new Set(probed(plain).map((v) => `${v.outcome}: ${v.text}`))).toEqual(new Set(['refused: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)']));
    expect(readTlsVersions('127.0.0.1', fakes.none.port, 'implicit', plain.answer).findings[0]?.text).toMatch(/^the server does not start TLS at once here: it answered in plain text/);
  });

  it('names a suite without forward secrecy that a server still agrees on', async () => {
    const { client } = await bridge();
    const m = await probe(client, fakes.staticRsa.port, 'implicit');
    expect(probed(m).map((v) => [v.version, v.outcome, v.cipher])).toEqual([
      ['TLSv1', 'refused', null],
      ['TLSv1.1', 'refused', null],
      ['TLSv1.2', 'accepted', 'AES256-GCM-SHA384'],
      ['TLSv1.3', 'refused', null],
    ]);
    expect(readTlsVersions('127.0.0.1', 465, 'implicit', m.answer).findings[2]).toMatchObject({ tone: 'warn', text: expect.stringContaining('no forward secrecy (RSA key exchange)') });
  });

  it('dials nothing the policy refuses, nor a name without an address; and a dead port is an error of each version', async () => {
    const { client } = await bridge();
    const other = await freePort();
    expect((await probe(client, other)).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining(String(other)) });
    const dead = await freePort();
    const { client: deadClient } = await bridge({ allowedPorts: [dead] });
    expect(probed(await probe(deadClient, dead)).map((v) => [v.outcome, v.text])).toEqual(Array(4).fill(['error', `connection refused: nothing listens on 127.0.0.1:${dead}`]));
    const { client: named } = await bridge({ lookup: lookupOf({}) });
    expect((await probe(named, fakes.old.port, 'none', 'nowhere.example')).answer).toMatchObject({ kind: 'none', reason: 'not-found' });
  });

  it('closes its connections when the page goes away in the middle of a probe', async () => {
    // The probe would wait for the held greeting far longer than the test may run (60 s against 30 s): the four
    // connections end only because the page went away.
    const { client } = await bridge({ connectTimeoutMs: 60_000 });
    const from = fakes.held.connections.length;
    client.send({ type: 'tlsversions', host: '127.0.0.1', port: fakes.held.port, tls: 'none' });
    const dialled = await Promise.all([0, 1, 2, 3].map((i) => fakes.held.connection(from + i)));
    await client.close();
    await Promise.all(dialled.map((c) => c.ended));
    expect(dialled.map((c) => c.received().toString())).toEqual(['', '', '', '']);
  });

  it('counts as a lookup: one at a time', async () => {
    const { client } = await bridge();
    client.send({ type: 'tlsversions', host: '127.0.0.1', port: fakes.held.port, tls: 'none' });
    const second = await probe(client, fakes.old.port);
    expect(second.answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('already running') });
    await client.next('tlsversions', 8000);
  });
});
