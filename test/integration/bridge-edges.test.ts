/**
 * The bridge's edges, against a byte-exact fake SMTP server (and the practice server for STARTTLS): chunking,
 * held lines, refused lines, dialling errors, closing from either side, the upgrade guards, STARTTLS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LookupFunction } from 'node:net';
import getTLSOptions from 'smtp-server/lib/tls-options.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { freePort, startFakeSmtp, type FakeScript, type FakeSmtp } from '../helpers/fake-smtp.js';
import { handshake } from '../helpers/handshake.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { lookupOf } from '../helpers/lookup.js';
import { greetedByPractice } from '../helpers/practice-client.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';
import { PRACTICE_PASSWORD, PRACTICE_USER } from '../../server/practice/practice-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GREETING = '220 fake.test ESMTP ready\r\n';

/** A fake server, a bridge allowed to dial it, and a client that has seen `hello`. */
async function setup(script: FakeScript, opts: HelotermOptions = {}) {
  const fake = await startFakeSmtp(script);
  cleanups.push(() => fake.close());
  const events: Record<string, unknown>[] = [];
  const app = await startHeloterm({
    port: 0,
    practice: false,
    allowedPorts: [fake.port],
    log: (e) => events.push(e),
    ...opts,
  });
  cleanups.push(() => app.close());
  const client = await WsTestClient.open(app.url);
  cleanups.push(() => client.close());
  await client.next('hello');
  return { fake, app, client, events };
}

async function connect(client: WsTestClient, fake: FakeSmtp) {
  client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
  await client.next('connected');
  return fake.connection();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('received bytes', () => {
  it('reassembles a reply sent byte by byte, with multi-byte characters split across chunks', async () => {
    const greeting = '220 fake.test ESMTP café – 📮 ready\r\n';
    const { client, fake } = await setup({ onConnect: [{ dribble: greeting, gapMs: 2 }] });
    await connect(client, fake);
    const reply = await client.nextReply();
    expect(reply.code).toBe(220);
    expect(reply.lines[0]?.text).toBe('fake.test ESMTP café – 📮 ready');
    expect(client.rxText()).toBe(greeting);
    const rx = client.all('rx');
    expect(rx.length).toBeGreaterThan(1); // it really came in pieces
    expect(rx.every((m) => m.data.length > 0 && !m.data.includes('\uFFFD'))).toBe(true);
  });

  it('shows a byte order mark and ill-formed bytes as sent, byte by byte: nothing dropped, U+FFFD for what is not UTF-8', async () => {
    // EF BB BF (a BOM), then "220 ", then E6 97 (a character cut short), FF (never UTF-8), then é whole.
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('220 '), Buffer.from([0xe6, 0x97, 0xff]), Buffer.from('é ok\r\n')]);
    const { client, fake } = await setup({ onConnect: [{ dribble: bytes, gapMs: 1 }] });
    await connect(client, fake);
    await client.waitFor((m) => m.type === 'rx' && m.data.endsWith('\n'));
    expect(client.rxText()).toBe('\ufeff220 \ufffd\ufffdé ok\r\n');
  });

  it('passes a multi-line reply through as one reply', async () => {
    const { client, fake } = await setup({
      onConnect: [GREETING],
      rules: [{ match: /^EHLO /i, reply: ['250-fake.test hello\r\n250-SIZE 1000\r\n', { pauseMs: 30 }, '250 HELP\r\n'] }],
    });
    await connect(client, fake);
    expect((await client.nextReply()).code).toBe(220);
    client.line('EHLO me');
    const ehlo = await client.nextReply();
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines.map((l) => l.text)).toEqual(['fake.test hello', 'SIZE 1000', 'HELP']);
  });
});

describe('sent lines', () => {
  it('holds lines typed before the greeting and writes them, in order, after it', async () => {
    const { client, fake } = await setup({
      onConnect: [{ pauseMs: 300 }, GREETING],
      rules: [
        { match: /^EHLO/, reply: ['250 hi\r\n'] },
        { match: /^NOOP/, reply: ['250 ok\r\n'] },
      ],
    });
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    client.line('EHLO early'); // while dialling
    await client.next('connected');
    client.line('NOOP'); // connected, but the greeting is 300 ms away
    expect(await client.next('queued')).toMatchObject({ text: 'EHLO early' });
    expect(await client.next('queued')).toMatchObject({ text: 'NOOP' });
    expect(await client.next('tx')).toMatchObject({ text: 'EHLO early' });
    expect(await client.next('tx')).toMatchObject({ text: 'NOOP' });
    expect((await client.nextReply()).code).toBe(220);
    expect((await client.nextReply()).code).toBe(250);
    expect((await client.nextReply()).code).toBe(250);

    const conn = await fake.connection();
    expect(conn.received().toString()).toBe('EHLO early\r\nNOOP\r\n');
    // Nothing reached the server before its greeting went out.
    expect(conn.log[0]).toMatchObject({ dir: 'out' });
    expect(conn.log[0]?.bytes.toString()).toBe(GREETING);
    // The browser saw the greeting before the held lines were written.
    const order = client.messages.filter((m) => m.type === 'rx' || m.type === 'tx').map((m) => m.type);
    expect(order.slice(0, 2)).toEqual(['rx', 'tx']);
  });

  it('refuses lines with CR, LF or NUL and sends nothing; a normal line gets exactly one CRLF', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^NOOP$/, reply: ['250 ok\r\n'] }] });
    const conn = await connect(client, fake);
    await client.nextReply();
    for (const bad of ['a\rb', 'a\nb', 'a\0b', 'NOOP\r\nRSET']) {
      client.line(bad);
      expect(await client.next('error')).toMatchObject({ code: 'LINE_REJECTED' });
    }
    client.line('NOOP');
    expect((await client.nextReply()).code).toBe(250);
    expect(conn.received().toString('latin1')).toBe('NOOP\r\n');
    expect(client.all('tx').map((m) => m.text)).toEqual(['NOOP']);
  });

  it('answers a line without a connection with NOT_CONNECTED', async () => {
    const { client } = await setup({});
    client.line('HELO x');
    expect(await client.next('error')).toMatchObject({ code: 'NOT_CONNECTED' });
  });
});

describe('dialling', () => {
  it('reports CONNECTION_REFUSED when nothing listens', async () => {
    const port = await freePort();
    const { client } = await setup({}, { allowedPorts: [port] });
    client.send({ type: 'connect', host: '127.0.0.1', port, tls: 'none' });
    await client.next('connecting');
    const err = await client.next('error');
    expect(err.code).toBe('CONNECTION_REFUSED');
    expect(err.message).toBe(`connection refused: nothing listens on 127.0.0.1:${port}`);
    expect(await client.next('closed')).toMatchObject({ by: 'error' });
  });

  it('resolves names with the injected lookup: DNS_NOT_FOUND, and a name that resolves', async () => {
    const lookup: LookupFunction = (hostname, _opts, cb) => {
      if (hostname === 'fake.test') return cb(null, '127.0.0.1', 4);
      cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    };
    const { client, fake } = await setup({ onConnect: [GREETING] }, { lookup });
    client.send({ type: 'connect', host: 'nowhere.invalid', port: fake.port, tls: 'none' });
    const err = await client.next('error');
    expect(err.code).toBe('DNS_NOT_FOUND');
    expect(err.message).toContain('DNS name not found');
    await client.next('closed');
    expect(fake.connections).toHaveLength(0);

    client.send({ type: 'connect', host: 'fake.test', port: fake.port, tls: 'none' });
    expect(await client.next('connected')).toMatchObject({ host: 'fake.test', address: '127.0.0.1', port: fake.port });
    expect((await client.nextReply()).code).toBe(220);
  });


  it('dials a name\'s addresses in turn, as telnet does: one that refuses is said, and the next one answers', async () => {
    // Nothing listens on 127.0.0.2 (loopback too): refused at once.
    const lookup = lookupOf({ 'multi.test': ['127.0.0.2', '127.0.0.2', '127.0.0.1'] });
    const { client, fake, events } = await setup({ onConnect: [GREETING] }, { lookup });
    client.send({ type: 'connect', host: 'multi.test', port: fake.port, tls: 'none' });
    // Each address once: the repeated one is not dialled twice.
    expect(await client.next('error')).toEqual({
      v: PROTOCOL_VERSION,
      type: 'error',
      code: 'ADDRESS_FAILED',
      message: '127.0.0.2 did not take the connection (connection refused); trying the next address of multi.test, 127.0.0.1',
    });
    expect(await client.next('connected')).toMatchObject({ host: 'multi.test', address: '127.0.0.1', port: fake.port });
    expect((await client.nextReply()).code).toBe(220);
    expect(client.all('error')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'address-failed')).toEqual([expect.objectContaining({ code: 'CONNECTION_REFUSED' })]);
  });

  it('dials at most four addresses, and names the last one in the error that ends the dial', async () => {
    const many = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.1'];
    const { client, fake } = await setup({ onConnect: [GREETING] }, { lookup: lookupOf({ 'many.test': many }) });
    client.send({ type: 'connect', host: 'many.test', port: fake.port, tls: 'none' });
    for (const [i, a] of many.slice(0, 3).entries()) {
      expect((await client.next('error')).message).toBe(`${a} did not take the connection (connection refused); trying the next address of many.test, ${many[i + 1]}`);
    }
    expect(await client.next('error')).toMatchObject({ code: 'CONNECTION_REFUSED', message: `connection refused: nothing listens on 127.0.0.5:${fake.port}` });
    expect(await client.next('closed')).toMatchObject({ by: 'error' });
    expect(fake.connections).toHaveLength(0);
  });

  it('dials only the IP version asked for (telnet -4 / -6): each address of a dual-stack name answers apart', async () => {
    const lookup = lookupOf({ 'dual.test': ['::1', '127.0.0.1'], 'v4.test': ['127.0.0.1'] });
    const { client, fake } = await setup({ onConnect: ['220 v4.fake.test ESMTP\r\n'] }, { lookup });
    const v6 = await startFakeSmtp({ onConnect: ['220 v6.fake.test ESMTP\r\n'] }, '::1', fake.port);
    cleanups.push(() => v6.close());
    const greetingOver = async (family: 4 | 6 | undefined) => {
      client.send({ type: 'connect', host: 'dual.test', port: fake.port, tls: 'none', ...(family === undefined ? {} : { family }) });
      const connected = await client.next('connected');
      const greeting = (await client.nextReply()).lines[0]?.text;
      client.send({ type: 'disconnect' });
      await client.next('closed');
      return [connected.address, greeting];
    };
    expect(await greetingOver(4)).toEqual(['127.0.0.1', 'v4.fake.test ESMTP']);
    expect(await greetingOver(6)).toEqual(['::1', 'v6.fake.test ESMTP']);
    // Either: the resolver's order, IPv6 first here.
    expect(await greetingOver(undefined)).toEqual(['::1', 'v6.fake.test ESMTP']);
    expect([fake.connections.length, v6.connections.length]).toEqual([1, 2]);

    // A name without an address of that version: said, naming those it has; nothing dialled.
    client.send({ type: 'connect', host: 'v4.test', port: fake.port, tls: 'none', family: 6 });
    expect(await client.next('error')).toMatchObject({ code: 'DNS_NOT_FOUND', message: 'v4.test has no IPv6 address (no AAAA record), only 127.0.0.1' });
    expect(await client.next('closed')).toMatchObject({ by: 'error' });
    // An address of the other version: the message is refused as such, and the session goes on.
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none', family: 6 });
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('"host" 127.0.0.1 is not an IPv6 address') });
    expect([fake.connections.length, v6.connections.length]).toEqual([1, 2]);
    client.send({ type: 'connect', host: 'v4.test', port: fake.port, tls: 'none', family: 4 });
    expect(await client.next('connected')).toMatchObject({ address: '127.0.0.1' });
  });

  it('gives up after the connect timeout', async () => {
    const never: LookupFunction = () => undefined;
    const { client, fake } = await setup({}, { lookup: never, connectTimeoutMs: 150 });
    client.send({ type: 'connect', host: 'slow.test', port: fake.port, tls: 'none' });
    expect(await client.next('error')).toMatchObject({ code: 'TIMEOUT' });
    expect(await client.next('closed')).toMatchObject({ by: 'error' });
  });

  it('refuses a port that is not allowed, without dialling', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING] }, { allowedPorts: [25] });
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    const err = await client.next('error');
    expect(err.code).toBe('TARGET_REFUSED');
    expect(err.message).toContain(`port ${fake.port} is not allowed`);
    await sleep(50);
    expect(fake.connections).toHaveLength(0);
    expect(client.all('connecting')).toHaveLength(0);
  });

  it('answers a bad frame with BAD_MESSAGE and keeps the session', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING] });
    client.sendRaw('{not json');
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    client.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: 'twenty-five', tls: 'none' }));
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    await connect(client, fake);
    expect((await client.nextReply()).code).toBe(220);
  });

  it('refuses a second connect while connected, and connects again after closing', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^QUIT/, reply: ['221 bye\r\n', 'close'] }] });
    await connect(client, fake);
    await client.nextReply();
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    expect(await client.next('error')).toMatchObject({ code: 'ALREADY_CONNECTED' });
    client.line('QUIT');
    expect(await client.next('closed')).toMatchObject({ by: 'server' });
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    await client.next('connected');
    expect((await client.nextReply()).code).toBe(221);
    expect((await client.nextReply()).code).toBe(220);
    expect(fake.connections).toHaveLength(2);
  });
});

describe('closing', () => {
  it('reports closed by the server when the server hangs up', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING, { pauseMs: 20 }, '421 going away\r\n', 'close'] });
    await connect(client, fake);
    expect((await client.nextReply()).code).toBe(220);
    expect((await client.nextReply()).code).toBe(421);
    expect(await client.next('closed')).toMatchObject({ by: 'server' });
  });

  it('closes the SMTP socket on disconnect', async () => {
    const { client, fake } = await setup({ onConnect: [GREETING] });
    const conn = await connect(client, fake);
    client.send({ type: 'disconnect' });
    expect(await client.next('closed')).toMatchObject({ by: 'client' });
    await conn.ended;
  });

  it('closes the SMTP socket when the WebSocket goes', async () => {
    const { client, fake, events } = await setup({ onConnect: [GREETING] });
    const conn = await connect(client, fake);
    await client.close();
    await conn.ended;
    expect(events.some((e) => e.event === 'end')).toBe(true);
  });
});

describe('http', () => {
  it('serves /healthz and the built client', async () => {
    const clientDir = await mkdtemp(path.join(tmpdir(), 'heloterm-client-'));
    cleanups.push(() => rm(clientDir, { recursive: true, force: true }));
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>heloterm test page</title>');
    const { app } = await setup({}, { clientDir });
    const health = await fetch(new URL('/healthz', app.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const index = await fetch(app.url);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('heloterm test page');
  });
});

describe('upgrade guards', () => {
  /** A raw handshake with no Origin unless given; resolves with the HTTP status (101 when accepted). */
  async function handshakeStatus(port: number, headers: Record<string, string>): Promise<number> {
    return (await handshake(port, { Origin: undefined, ...headers })).status;
  }

  it('accepts only our own Host and Origin', async () => {
    const { app, events } = await setup({});
    const own = `127.0.0.1:${app.port}`;
    const opened = () => events.filter((e) => e.event === 'open').length;
    const before = opened();
    expect(await handshakeStatus(app.port, { Host: own, Origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(app.port, { Host: `evil.example:${app.port}`, Origin: `http://evil.example:${app.port}` })).toBe(403);
    expect(await handshakeStatus(app.port, { Host: own })).toBe(403);
    expect(opened()).toBe(before);
    // The same handshake with our own Origin (any of our spellings) is accepted.
    expect(await handshakeStatus(app.port, { Host: `localhost:${app.port}`, Origin: `http://localhost:${app.port}` })).toBe(101);
    await expect(WsTestClient.open(app.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });
});

describe('STARTTLS', () => {
  it('upgrades against the practice server; EHLO typed during STARTTLS waits for TLS; the trace says ESMTPS, then ESMTPSA', async () => {
    const { client } = await greetedByPractice(cleanups);
    client.line('EHLO trainee');
    const plainEhlo = await client.nextReply();
    expect(plainEhlo.lines.map((l) => l.text)).toContain('STARTTLS');

    client.line('STARTTLS');
    client.line('EHLO trainee');
    expect(await client.next('queued')).toMatchObject({ text: 'EHLO trainee' });
    const ready = await client.nextReply();
    expect(ready.code).toBe(220);
    const tls = await client.next('tls');
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tls.authorized).toBe(false); // the built-in self-signed certificate
    expect(tls.authorizationError).toBeTruthy();

    const secureEhlo = await client.nextReply();
    expect(secureEhlo.code).toBe(250);
    expect(secureEhlo.lines.map((l) => l.text)).not.toContain('STARTTLS'); // smtp-server hides it inside TLS
    // The EHLO was written only after the tls message.
    const types = client.messages.map((m) => m.type);
    expect(types.lastIndexOf('tx')).toBeGreaterThan(types.indexOf('tls'));

    client.line('MAIL FROM:<trainee@example.org>');
    expect((await client.nextReply()).code).toBe(250);
    client.line('RCPT TO:<bob@practice.test>');
    expect((await client.nextReply()).code).toBe(250);
    // The stored message's trace says how it came (RFC 3848): ESMTP over TLS, no login (not ESMTPSA).
    for (const line of ['DATA', 'Subject: over TLS', '', 'hi', '.']) client.line(line);
    expect((await client.nextReply()).code).toBe(354);
    expect((await client.nextReply()).code).toBe(250);
    expect((await client.next('stored')).text).toMatch(/\r\n\tby practice\.test \(heloterm practice server\) with ESMTPS id 3A[0-9A-F]{4,};/);
    // After a login: ESMTPSA.
    client.line(`AUTH PLAIN ${Buffer.from(`\0${PRACTICE_USER}\0${PRACTICE_PASSWORD}`).toString('base64')}`);
    expect((await client.nextReply()).code).toBe(235);
    for (const line of ['MAIL FROM:<trainee@example.org>', 'RCPT TO:<bob@practice.test>', 'DATA', 'Subject: logged in', '', 'hi', '.']) client.line(line);
    for (const code of [250, 250, 354, 250]) expect((await client.nextReply()).code).toBe(code);
    expect((await client.next('stored')).text).toMatch(/ with ESMTPSA id 3A[0-9A-F]{4,};/);
  });

  it('speaks implicit TLS (RFC 8314) when asked', async () => {
    const { key, cert } = getTLSOptions();
    const { client, fake } = await setup({ onConnect: [{ startTls: { key, cert } }, GREETING] });
    client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'implicit' });
    await client.next('connected');
    expect(await client.next('tls')).toMatchObject({ authorized: false });
    expect((await client.nextReply()).code).toBe(220);
    const types = client.messages.map((m) => m.type);
    expect(types.indexOf('tls')).toBeLessThan(types.indexOf('rx'));
  });

  it('discards what the server sent after its 220 and before the handshake (RFC 3207 §6)', async () => {
    const { key, cert } = getTLSOptions();
    const { client, fake } = await setup({
      onConnect: [GREETING],
      rules: [
        { match: /^STARTTLS$/, reply: ['220 go ahead\r\n250 injected before TLS\r\n', { startTls: { key, cert } }] },
        { match: /^EHLO/, reply: ['250 hello inside TLS\r\n'] },
      ],
    });
    const conn = await connect(client, fake);
    expect((await client.nextReply()).code).toBe(220);
    client.line('STARTTLS');
    expect((await client.nextReply()).code).toBe(220);
    await client.next('tls');
    client.line('EHLO me');
    const reply = await client.nextReply();
    expect(reply.lines[0]?.text).toBe('hello inside TLS');
    expect(client.rxText()).not.toContain('injected');
    expect(conn.lines).toEqual(['STARTTLS', 'EHLO me']);
  });
});
