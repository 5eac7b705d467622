/**
 * Limits and liveness: oversized frames, hostile replies, backpressure both ways, the heartbeat, session counts per
 * address (back to zero on every close path), idle and maximum durations. Limits are small here to keep tests fast.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import { MAX_PAYLOAD_BYTES } from '../../server/ws-gateway.js';
import { poll } from '../helpers/browser.js';
import { startFakeSmtp, type FakeScript } from '../helpers/fake-smtp.js';
import { handshake } from '../helpers/handshake.js';
import { RawWs, frameHeader, maskBytes } from '../helpers/raw-ws.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';
import { decodeClassSnapshot, type ClassSnapshot } from '../../shared/protocol/class.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GREETING = '220 fake.test ESMTP ready\r\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bridge(ports: number[], opts: HelotermOptions = {}) {
  const events: Record<string, unknown>[] = [];
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: ports, log: (e) => events.push(e), ...opts });
  cleanups.push(() => app.close());
  return { app, events };
}

async function client(app: Heloterm, extra: Parameters<typeof WsTestClient.open>[1] = {}) {
  const c = await WsTestClient.open(app.url, extra);
  cleanups.push(() => c.close());
  await c.next('hello');
  return c;
}

async function fake(script: FakeScript) {
  const f = await startFakeSmtp(script);
  cleanups.push(() => f.close());
  return f;
}

const connectMsg = (port: number) => JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port, tls: 'none' });

describe('frames from the browser', () => {
  it('closes a 10 MB frame with 1009 on its header, without taking it in; other sessions carry on', async () => {
    const f = await fake({ onConnect: [GREETING], rules: [{ match: /^NOOP/, reply: ['250 still here\r\n'] }] });
    const { app } = await bridge([f.port]);
    const bystander = await client(app);
    bystander.send({ type: 'connect', host: '127.0.0.1', port: f.port, tls: 'none' });
    expect((await bystander.nextReply()).code).toBe(220);

    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin });
    cleanups.push(() => raw.destroy());
    const size = 10 * 1024 * 1024;
    const { header, mask } = frameHeader(size);
    const chunk = maskBytes(Buffer.alloc(64 * 1024, 0x61), mask, 0);
    let sent = 0;
    raw.socket.write(header);
    // Keep writing (respecting backpressure) until the server gives up on us or the frame is complete.
    while (sent < size && !raw.socket.destroyed && raw.closeCode === null) {
      if (!raw.socket.write(chunk)) await Promise.race([new Promise((r) => raw.socket.once('drain', r)), raw.closed, sleep(200)]);
      sent += chunk.length;
    }
    await raw.closed;
    expect(raw.closeCode).toBe(1009);
    // The server decided on the header: it never read the 10 MB (kernel buffers took some of what we wrote).
    expect(sent).toBeLessThan(size);
    expect(MAX_PAYLOAD_BYTES).toBeLessThanOrEqual(64 * 1024);

    bystander.line('NOOP');
    expect((await bystander.nextReply()).code).toBe(250);
    await poll(() => app.sessions().total === 1, 2000, 'the big-frame session to be counted out');
  });
});

describe('replies from the server', () => {
  it('closes on a 1 MiB line without a newline (SERVER_LIMIT), relaying only a bounded part of it', async () => {
    const f = await fake({ onConnect: ['x'.repeat(1024 * 1024)] });
    const { app } = await bridge([f.port], { maxReplyLineChars: 4096 });
    const c = await client(app);
    c.send({ type: 'connect', host: '127.0.0.1', port: f.port, tls: 'none' });
    const err = await c.next('error');
    expect(err.code).toBe('SERVER_LIMIT');
    expect(await c.next('closed')).toMatchObject({ by: 'error' });
    expect(c.rxText().length).toBeLessThan(256 * 1024);
    expect(app.sessions().total).toBe(1); // the session lives on
    c.send({ type: 'connect', host: '127.0.0.1', port: f.port, tls: 'none' });
    await c.next('connected');
  });

  it('closes on a 10,000-line reply (SERVER_LIMIT) with the default cap of 1000 lines', async () => {
    const body = '250-line of a very long reply\r\n'.repeat(10_000) + '250 end\r\n';
    const f = await fake({ onConnect: [GREETING], rules: [{ match: /^EHLO/, reply: [body] }] });
    const { app } = await bridge([f.port]);
    const c = await client(app);
    c.send({ type: 'connect', host: '127.0.0.1', port: f.port, tls: 'none' });
    expect((await c.nextReply()).code).toBe(220);
    c.line('EHLO me');
    const err = await c.next('error');
    expect(err.code).toBe('SERVER_LIMIT');
    expect(await c.next('closed')).toMatchObject({ by: 'error' });
    expect(c.replies.some((r) => r.lines.length > 1000)).toBe(false);
  });
});

/**
 * An SMTP server on loopback that greets, then hands each socket to `pump` (errors ignored); closed after the test.
 * Its port.
 */
async function greetingServer(pump: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.write(GREETING);
    setImmediate(pump, s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** An SMTP server that floods replies as fast as the bridge takes them, respecting its own socket's backpressure. */
async function floodServer() {
  let written = 0;
  let waiting = false;
  const line = Buffer.from(`250 ${'flood '.repeat(150)}\r\n`);
  const batch = Buffer.concat(Array.from({ length: 64 }, () => line));
  const pump = (s: net.Socket): void => {
    while (!s.destroyed) {
      written += batch.length;
      if (!s.write(batch)) {
        waiting = true;
        s.once('drain', () => {
          waiting = false;
          pump(s);
        });
        return;
      }
    }
  };
  const port = await greetingServer(pump);
  return { port, written: () => written, waiting: () => waiting };
}

/**
 * An SMTP server that sends one short reply per turn of its event loop, so that the bridge reads (and sends on) one
 * small frame at a time, never one that passes a high-water mark of a few KB alone.
 */
async function trickleServer() {
  let written = 0;
  const line = Buffer.from(`250 ${'trickle '.repeat(10)}\r\n`);
  const next = (s: net.Socket): void => {
    if (s.destroyed) return;
    written += line.length;
    if (s.write(line)) setImmediate(next, s);
    else s.once('drain', () => next(s));
  };
  const port = await greetingServer(next);
  return { port, written: () => written };
}

describe('backpressure', () => {
  it('pauses the SMTP socket while a browser does not read, and resumes when it does', async () => {
    const flood = await floodServer();
    const { app, events } = await bridge([flood.port], { highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 });
    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin });
    cleanups.push(() => raw.destroy());
    raw.socket.pause(); // a browser tab that stopped reading
    raw.sendText(connectMsg(flood.port));

    await poll(() => events.some((e) => e.event === 'backpressure-pause' && e.direction === 'to-browser'), 5000, 'a pause');
    // The flood stalls: the server waits for 'drain' and what it managed to write stops growing. It may block and go
    // on a few times first, while TCP autotuning widens the loopback receive window; what counts is that it stops.
    let stalled = -1;
    await poll(
      async () => {
        const before = flood.written();
        await sleep(300);
        stalled = flood.written();
        return flood.waiting() && stalled === before;
      },
      10_000,
      'the flood server to stay blocked for 300 ms',
    );
    // Bounded: kernel socket buffers plus the high-water mark, not the unbounded flood.
    expect(stalled).toBeLessThan(32 * 1024 * 1024);

    raw.socket.resume();
    await poll(() => flood.written() > stalled + 1024 * 1024, 10_000, 'the flood to flow again');
    expect(events.some((e) => e.event === 'backpressure-resume' && e.direction === 'to-browser')).toBe(true);
  });

  it('resumes after a pause reached by many small frames, none of them over the high-water mark alone', async () => {
    const trickle = await trickleServer();
    const { app, events } = await bridge([trickle.port], { highWaterBytes: 4 * 1024, lowWaterBytes: 1024 });
    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin });
    cleanups.push(() => raw.destroy());
    raw.socket.pause();
    raw.sendText(connectMsg(trickle.port));

    await poll(() => events.some((e) => e.event === 'backpressure-pause' && e.direction === 'to-browser'), 20_000, 'a pause');
    const paused = events.find((e) => e.event === 'backpressure-pause');
    expect(paused?.queuedBytes).toBeLessThan(2 * 4 * 1024); // passed by small frames, not by one large one
    const before = trickle.written();
    raw.socket.resume();
    await poll(() => events.some((e) => e.event === 'backpressure-resume' && e.direction === 'to-browser'), 10_000, 'a resume');
    await poll(() => trickle.written() > before + 64 * 1024, 10_000, 'the replies to flow again');
  });

  it('stops reading the browser while the SMTP server does not read, and loses no line', async () => {
    let serverSocket: net.Socket | null = null;
    const received: Buffer[] = [];
    const server = net.createServer((s) => {
      serverSocket = s;
      s.on('error', () => undefined);
      s.write(GREETING);
      s.on('data', (d) => received.push(d));
      s.pause(); // not reading
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          serverSocket?.destroy();
          server.close(() => r());
        }),
    );
    const port = (server.address() as net.AddressInfo).port;
    const { app, events } = await bridge([port]);
    const c = await client(app);
    c.send({ type: 'connect', host: '127.0.0.1', port, tls: 'none' });
    expect((await c.nextReply()).code).toBe(220);
    const lines = Array.from({ length: 1500 }, (_, i) => `NOOP ${String(i).padStart(5, '0')} ${'p'.repeat(3000)}`);
    for (const l of lines) c.line(l);
    await poll(() => events.some((e) => e.event === 'backpressure-pause' && e.direction === 'to-server'), 10_000, 'the bridge to pause the browser');
    expect(c.all('error')).toHaveLength(0);

    (serverSocket as net.Socket | null)?.resume();
    const expected = lines.map((l) => l + '\r\n').join('');
    await poll(() => Buffer.concat(received).length >= expected.length, 15_000, 'every line to arrive');
    expect(Buffer.concat(received).toString('latin1')).toBe(expected);
    expect(events.some((e) => e.event === 'backpressure-resume' && e.direction === 'to-server')).toBe(true);
    expect(c.all('error')).toHaveLength(0);
  });
});

describe('liveness', () => {
  it('cuts off a dead client at the heartbeat and keeps a live one', async () => {
    const { app, events } = await bridge([25], { heartbeatMs: 100 });
    const live = await client(app);
    const dead = await client(app, { autoPong: false });
    await dead.closed;
    expect(events.some((e) => e.event === 'heartbeat-timeout')).toBe(true);
    await poll(() => app.sessions().total === 1, 2000, 'the count to drop');
    await sleep(300); // three more heartbeats
    live.send({ type: 'disconnect' });
    expect(await live.next('error')).toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('closes an idle session (SESSION_CLOSING, 1008) and QUITs its SMTP server', async () => {
    const f = await fake({ onConnect: [GREETING], rules: [{ match: /^EHLO/, reply: ['250 hi\r\n'] }, { match: /^QUIT/, reply: ['221 bye\r\n', 'close'] }] });
    const { app } = await bridge([f.port], { idleTimeoutMs: 400 });
    const c = await client(app);
    c.send({ type: 'connect', host: '127.0.0.1', port: f.port, tls: 'none' });
    expect((await c.nextReply()).code).toBe(220);
    c.line('EHLO me');
    expect((await c.nextReply()).code).toBe(250);
    const code = new Promise<number>((r) => c.ws.once('close', (n) => r(n)));
    expect(await c.next('error', 3000)).toMatchObject({ code: 'SESSION_CLOSING' });
    expect(await code).toBe(1008);
    const conn = await f.connection();
    await conn.ended;
    expect(conn.lines).toEqual(['EHLO me', 'QUIT']);
    await poll(() => app.sessions().total === 0, 2000, 'the count to drop');
  });

  it('closes a busy session at its maximum duration', async () => {
    const { app } = await bridge([25], { maxSessionMs: 400, idleTimeoutMs: 10_000 });
    const c = await client(app);
    const started = Date.now();
    const timer = setInterval(() => c.ws.readyState === c.ws.OPEN && c.send({ type: 'disconnect' }), 50);
    cleanups.push(() => clearInterval(timer));
    await c.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(c.all('error').some((e) => e.code === 'SESSION_CLOSING')).toBe(true);
  });
});

describe('sessions per address and overall', () => {
  /** A handshake from a chosen loopback source address; resolves with the HTTP status. */
  async function handshakeFrom(app: Heloterm, localAddress: string, key?: string): Promise<number> {
    const url = new URL(app.url);
    return (await handshake(app.port, { Host: url.host, Origin: url.origin, ...(key === undefined ? {} : { 'Sec-WebSocket-Key': key }) }, localAddress)).status;
  }

  it('refuses beyond the limits (429 per address, 503 overall) and counts back to zero on every close path', async () => {
    const { app } = await bridge([25], { maxSessions: 3, maxSessionsPerAddress: 2, heartbeatMs: 150 });
    const a1 = await client(app);
    const a2 = await client(app, { autoPong: false }); // will die at the heartbeat
    expect(await handshakeFrom(app, '127.0.0.1')).toBe(429);
    const b1 = await client(app, { localAddress: '127.0.0.2' });
    expect(app.sessions()).toEqual({ total: 3, byAddress: { '127.0.0.1': 2, '127.0.0.2': 1 } });
    expect(await handshakeFrom(app, '127.0.0.3')).toBe(503);

    // Close paths: a normal close, the heartbeat, a client that vanishes without a close frame.
    await a1.close();
    await a2.closed;
    b1.ws.terminate();
    await poll(() => app.sessions().total === 0, 3000, 'every count to return to zero');
    expect(app.sessions().byAddress).toEqual({});

    // A handshake ws itself rejects after our checks (bad key: 400) gives its count back too.
    expect(await handshakeFrom(app, '127.0.0.2', 'not-a-key')).toBe(400);
    await poll(() => app.sessions().total === 0, 2000, 'the failed handshake to give its count back');
    // Another address has its own allowance.
    expect(await handshakeFrom(app, '127.0.0.2')).toBe(101);
    await poll(() => app.sessions().total === 0, 2000, 'the destroyed socket to be counted out');
  });

  it('says why a page was turned away for want of room: to its own address (GET /room), and in the class view', async () => {
    const key = 'class-key-for-the-room-test-1234';
    const { app } = await bridge([25], { maxSessions: 2, maxSessionsPerAddress: 1, classKey: key });
    const room = async (localAddress: string): Promise<unknown> => {
      const url = new URL('room', app.url);
      return new Promise((resolve, reject) => {
        http
          .get(url, { localAddress }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode, cache: res.headers['cache-control'], answer: JSON.parse(body) as unknown }));
          })
          .on('error', reject);
      });
    };
    const classView = async (): Promise<ClassSnapshot | null> =>
      decodeClassSnapshot(await (await fetch(new URL('class/sessions', app.url), { headers: { authorization: `Bearer ${key}` } })).json());
    expect(await room('127.0.0.1')).toEqual({ status: 200, cache: 'no-store', answer: { room: true } });
    expect((await classView())?.turnedAway).toBeNull();

    await client(app);
    // The answer is about the asking address only: this one is at its limit, another is not.
    expect(await room('127.0.0.1')).toEqual({ status: 200, cache: 'no-store', answer: { room: false, why: 'address', limit: 1 } });
    expect(await room('127.0.0.2')).toEqual({ status: 200, cache: 'no-store', answer: { room: true } });
    // Asking is not a try: nothing was turned away yet.
    expect((await classView())?.turnedAway).toBeNull();
    expect(await handshakeFrom(app, '127.0.0.1')).toBe(429);
    expect(await handshakeFrom(app, '127.0.0.1')).toBe(429);
    expect((await classView())?.turnedAway).toEqual({ address: { pages: 2, address: '127.0.0.1', limit: 1 }, full: null, lastAgeS: expect.any(Number) });

    await client(app, { localAddress: '127.0.0.2' });
    expect(await room('127.0.0.3')).toEqual({ status: 200, cache: 'no-store', answer: { room: false, why: 'full', limit: 2 } });
    expect(await handshakeFrom(app, '127.0.0.3')).toBe(503);
    const away = (await classView())?.turnedAway;
    expect(away).toEqual({ address: { pages: 2, address: '127.0.0.1', limit: 1 }, full: { pages: 1, limit: 2 }, lastAgeS: expect.any(Number) });
    expect(away?.lastAgeS).toBeLessThanOrEqual(2);
    // A refusal for another reason (a foreign Origin) is no want of room: not counted.
    expect((await handshake(app.port, { Host: new URL(app.url).host, Origin: 'https://elsewhere.example' }, '127.0.0.4')).status).toBe(403);
    expect((await classView())?.turnedAway?.full?.pages).toBe(1);
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy: a client cannot pick the address it is counted under', async () => {
    const forwarded = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });
    const { app } = await bridge([25], { maxSessionsPerAddress: 1 });
    await client(app, forwarded('203.0.113.9'));
    expect(app.sessions().byAddress).toEqual({ '127.0.0.1': 1 });
    await expect(WsTestClient.open(app.url, forwarded('203.0.113.10'))).rejects.toThrow(/429/);

    // Proxies are trusted, but not this peer (127.0.0.1): the header is still ignored.
    const { app: elsewhere } = await bridge([25], { maxSessionsPerAddress: 1, trustProxy: ['10.0.0.0/8'] });
    const token = elsewhere.token;
    await client(elsewhere, { token, ...forwarded('203.0.113.9') });
    await expect(WsTestClient.open(elsewhere.url, { token, ...forwarded('203.0.113.10') })).rejects.toThrow(/429/);
    expect(elsewhere.sessions().byAddress).toEqual({ '127.0.0.1': 1 });
  });

  it('behind trusted proxies counts each forwarded client apart, by the nearest address no trusted proxy stands for', async () => {
    const { app, events } = await bridge([25], { maxSessionsPerAddress: 1, trustProxy: ['loopback', '10.0.0.0/8'] });
    const token = app.token;
    const via = (chain: string) => client(app, { token, headers: { 'X-Forwarded-For': chain } });
    await via('203.0.113.9');
    await via('203.0.113.10');
    // A client's own header stays in the chain, before what the proxy appended: it decides nothing.
    await via('203.0.113.9, 198.51.100.7');
    // Through two proxies (10.1.2.3 forwarded to the one on loopback).
    await via('192.0.2.44, 10.1.2.3');
    await via('2001:db8:1:2::1');
    expect(app.sessions().byAddress).toEqual({
      '203.0.113.9': 1,
      '203.0.113.10': 1,
      '198.51.100.7': 1,
      '192.0.2.44': 1,
      '2001:db8:1:2::/64': 1,
    });
    // Each forwarded client has its own allowance; IPv6 is counted per /64.
    await expect(WsTestClient.open(app.url, { token, headers: { 'X-Forwarded-For': '203.0.113.10' } })).rejects.toThrow(/429/);
    await expect(WsTestClient.open(app.url, { token, headers: { 'X-Forwarded-For': '2001:db8:1:2::99' } })).rejects.toThrow(/429/);
    // The logs name the client, not the proxy.
    const opened = events.filter((e) => e.event === 'open').map((e) => e.remote);
    expect(opened).toEqual(['203.0.113.9', '203.0.113.10', '198.51.100.7', '192.0.2.44', '2001:db8:1:2::1']);
  });
});
