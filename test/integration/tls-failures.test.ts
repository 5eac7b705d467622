/**
 * TLS handshakes that fail, for real: scripted servers on loopback that speak plain text where TLS was expected,
 * only TLS 1.0, no cipher the bridge offers, or hang up; through the real bridge, whose TLS_FAILED message must name
 * OpenSSL's reason and Node's code (not its source file), and what the page makes of it
 * (shared/smtp/connect-failure.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import type { ErrorMessage } from '../../shared/protocol/messages.js';
import { explainFailure } from '../../shared/smtp/connect-failure.js';
import { readTlsVersions } from '../../shared/smtp/tls-versions.js';
import { makeCert, type TestCert } from '../helpers/certs.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const GREETING = '220 fake.test ESMTP ready\r\n';

describe('TLS handshakes that fail, through the bridge', () => {
  let cert: TestCert;
  let app: Heloterm;
  const fakes: Record<string, FakeSmtp> = {};
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    cert = await makeCert({ cn: 'fake.test', names: ['127.0.0.1'] });
    fakes.plain = await startFakeSmtp({ onConnect: [GREETING] });
    fakes.starttlsThenPlain = await startFakeSmtp({
      onConnect: [GREETING],
      rules: [
        { match: /^EHLO/i, reply: ['250-fake.test\r\n250 STARTTLS\r\n'] },
        // Plain text once the client has begun its handshake (bytes in the same read as the 220 are discarded).
        { match: /^STARTTLS$/i, reply: ['220 2.0.0 Ready to start TLS\r\n', { pauseMs: 200 }, '220 still plain text\r\n'] },
      ],
    });
    // TLS 1.0 needs OpenSSL's security level 0 to be offered at all these days.
    fakes.tls10 = await startFakeSmtp({ onConnect: [{ startTls: { ...cert, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } }, GREETING] });
    fakes.oddCipher = await startFakeSmtp({ onConnect: [{ startTls: { ...cert, maxVersion: 'TLSv1.2', ciphers: 'CAMELLIA128-SHA:@SECLEVEL=0' } }, GREETING] });
    fakes.hangUp = await startFakeSmtp({ onConnect: ['close'] });
    app = await startHeloterm({ port: 0, practice: false, log: () => undefined, allowedPorts: Object.values(fakes).map((f) => f.port) });
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await app?.close();
    for (const f of Object.values(fakes)) await f.close();
  });

  /** Connects to a fake (implicit TLS or not) and returns the TLS_FAILED error that follows `then` lines. */
  async function failure(name: string, implicit: boolean, then: string[] = []): Promise<ErrorMessage> {
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    c.send({ type: 'connect', host: '127.0.0.1', port: fakes[name]?.port ?? 0, tls: implicit ? 'implicit' : 'none' });
    if (!implicit) await c.next('rx');
    for (const text of then) c.send({ type: 'line', text });
    const error = await c.next('error', 10_000);
    expect(error.code).toBe('TLS_FAILED');
    // OpenSSL's reason and Node's code, not the library's source file and line.
    expect(error.message).not.toMatch(/deps\/openssl|SSL routines|:error:/);
    return error;
  }

  it('implicit TLS to a server that greets in plain text', async () => {
    const { message } = await failure('plain', true);
    expect(message).toBe(`TLS handshake with 127.0.0.1:${fakes.plain?.port} failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)`);
    expect(explainFailure('TLS_FAILED', message, { implicit: true, port: 25 })).toMatchObject({
      title: 'the server answered in plain text, not TLS',
      cause: expect.stringContaining('Port 25 starts in plain SMTP; implicit TLS is port 465.'),
      action: 'Untick implicit TLS, connect, and send STARTTLS after EHLO.',
    });
  });

  it('a server that says 220 to STARTTLS and goes on in plain text', async () => {
    const { message } = await failure('starttlsThenPlain', false, ['EHLO me.test', 'STARTTLS']);
    expect(message).toContain('wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)');
    expect(explainFailure('TLS_FAILED', message, { implicit: false, port: 25 })?.title).toBe('the server went on in plain text after its 220 to STARTTLS');
  });

  it('a server that speaks only TLS 1.0: the failure points at /tls versions, which finds 1.0 and says what it means', async () => {
    const { message } = await failure('tls10', true);
    expect(message).toContain('(ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)');
    const explained = explainFailure('TLS_FAILED', message, { implicit: true, port: 465 });
    expect(explained?.title).toBe('the server speaks only an old TLS version');
    expect(explained?.action).toContain('/tls versions shows which versions it does take');
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    const port = fakes.tls10?.port ?? 0;
    c.send({ type: 'tlsversions', host: '127.0.0.1', port, tls: 'implicit' });
    const { answer } = await c.next('tlsversions', 10_000);
    expect(answer.kind === 'probed' ? answer.versions.map((v) => `${v.version} ${v.outcome}`) : answer).toEqual(['TLSv1 accepted', 'TLSv1.1 refused', 'TLSv1.2 refused', 'TLSv1.3 refused']);
    expect(readTlsVersions('127.0.0.1', 465, 'implicit', answer).findings.at(-1)?.text).toMatch(/^only TLS 1\.0: a current client \(OpenSSL 3 at its defaults\) cannot start TLS here at all, so mail clients cannot log in safely/);
  });

  it('a server with no cipher the bridge offers', async () => {
    const { message } = await failure('oddCipher', true);
    expect(message).toContain('(ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE)');
    expect(explainFailure('TLS_FAILED', message, { implicit: true, port: 465 })?.title).toBe('no cipher both sides accept');
  });

  it('a server that hangs up before the handshake', async () => {
    const { message } = await failure('hangUp', true);
    expect(message).toMatch(/disconnected before secure TLS connection was established \(ECONNRESET\)|\(ECONNRESET\)/);
    expect(explainFailure('TLS_FAILED', message, { implicit: true, port: 465 })?.title).toBe('the server hung up during the handshake');
  });
});

describe('explainFailure', () => {
  it('says what a handshake that never finished means, either way', () => {
    const message = 'TLS handshake did not finish within 10 s';
    expect(explainFailure('TLS_FAILED', message, { implicit: true, port: 587 })?.cause).toContain('Port 587 starts in plain SMTP');
    expect(explainFailure('TLS_FAILED', message, { implicit: false, port: 587 })?.cause).toMatch(/^Nothing came back after STARTTLS/);
    expect(explainFailure('TLS_FAILED', 'TLS handshake with x:465 failed: dh key too small (ERR_SSL_DH_KEY_TOO_SMALL)', { implicit: true, port: 465 })?.title).toBe(
      "the server's Diffie-Hellman key is too weak",
    );
    expect(explainFailure('TLS_FAILED', 'TLS handshake with x:465 failed: something new (ERR_SSL_SOMETHING)', { implicit: true, port: 465 })).toBeNull();
  });

  it('says no answer on port 25 is most often a block on the way, and what refused and unknown hosts mean', () => {
    expect(explainFailure('TIMEOUT', 'no answer from mx.example.org:25 within 10 s', { implicit: false, port: 25 })).toMatchObject({
      title: 'no answer on port 25: often blocked on the way',
      cause: expect.stringContaining('block outgoing connections to port 25'),
    });
    expect(explainFailure('TIMEOUT', 'no answer from mx.example.org:2525 within 10 s', { implicit: false, port: 2525 })?.title).toBe('no answer');
    expect(explainFailure('CONNECTION_REFUSED', 'connection refused: nothing listens on mx:587', { implicit: false, port: 587 })?.cause).toContain('587 and 465 are for mail clients that log in');
    expect(explainFailure('DNS_NOT_FOUND', 'DNS name not found: mx.exmaple.org has no address (ENOTFOUND)', { implicit: false, port: 25 })?.action).toContain('press Find MX');
    expect(explainFailure('LINE_REJECTED', 'the line contains a CR', { implicit: false, port: 25 })).toBeNull();
  });

  it('points at Find MX when a domain, not its mail server, was dialled on port 25 (`telnet gmail.com 25`)', () => {
    const note = 'If gmail.com is a domain rather than its mail server: mail for a domain goes to its MX hosts, often other machines; type the domain in Host and press Find MX.';
    expect(explainFailure('TIMEOUT', 'no answer', { implicit: false, port: 25, host: 'gmail.com' })?.action).toContain(note);
    expect(explainFailure('CONNECTION_REFUSED', 'refused', { implicit: false, port: 25, host: 'gmail.com' })?.action).toContain(note);
    // Not for a mail server's name, an address, another port, or an unknown host.
    for (const host of ['mx.example.org', 'gmail-smtp-in.l.google.com', 'mail.example.org', 'example-com.mail.protection.outlook.com', '192.0.2.25', '2001:db8::25']) {
      expect(explainFailure('TIMEOUT', 'no answer', { implicit: false, port: 25, host })?.action, host).not.toContain('Find MX');
    }
    expect(explainFailure('TIMEOUT', 'no answer', { implicit: false, port: 587, host: 'gmail.com' })?.action).not.toContain('Find MX');
  });
});
