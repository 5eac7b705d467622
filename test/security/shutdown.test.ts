/**
 * Graceful shutdown: close() (and SIGTERM to the real command) stops accepting, tells every open session, QUITs
 * their SMTP servers, closes the WebSockets with 1001, and finishes within a bound. Configuration errors exit 2.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm } from '../../server/heloterm.js';
import { startFakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Bound on a graceful shutdown, in ms (server/main.ts exits by force after 5 s). */
const SHUTDOWN_BOUND_MS = 5000;

function closeCode(c: WsTestClient): Promise<number> {
  return new Promise((resolve) => c.ws.once('close', (code) => resolve(code)));
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('close() with open sessions', () => {
  it('tells each session, QUITs its server (not inside DATA), closes with 1001, stops accepting, within the bound', async () => {
    const fake = await startFakeSmtp({
      onConnect: ['220 fake.test ESMTP\r\n'],
      rules: [
        { match: /^EHLO/, reply: ['250 hi\r\n'] },
        { match: /^MAIL|^RCPT/, reply: ['250 ok\r\n'] },
        { match: /^DATA/, reply: ['354 go\r\n'] },
        { match: /^QUIT/, reply: ['221 bye\r\n', 'close'] },
      ],
    });
    cleanups.push(() => fake.close());
    const events: Record<string, unknown>[] = [];
    const app = await startHeloterm({ port: 0, allowedPorts: [fake.port], log: (e) => events.push(e) });
    let closed = false;
    cleanups.push(() => (closed ? undefined : app.close()));

    // Session 1: greeted and past EHLO at the fake server.
    const a = await WsTestClient.open(app.url);
    cleanups.push(() => a.close());
    await a.next('hello');
    a.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    await a.nextReply();
    a.line('EHLO me');
    await a.nextReply();
    // Session 2: inside DATA at the fake server (a QUIT there would be message text).
    const b = await WsTestClient.open(app.url);
    cleanups.push(() => b.close());
    await b.next('hello');
    b.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    await b.nextReply();
    for (const l of ['EHLO me', 'MAIL FROM:<a@x.example>', 'RCPT TO:<b@x.example>', 'DATA']) {
      b.line(l);
      await b.nextReply();
    }
    // Session 3: at the practice server.
    const c = await WsTestClient.open(app.url);
    cleanups.push(() => c.close());
    const { practice } = await c.next('hello');
    c.send({ type: 'connect', host: practice!.host, port: practice!.port, tls: 'none' });
    await c.nextReply();
    expect(app.sessions().total).toBe(3);

    const codes = [closeCode(a), closeCode(b), closeCode(c)];
    const started = Date.now();
    await app.close();
    closed = true;
    const took = Date.now() - started;
    expect(took).toBeLessThan(SHUTDOWN_BOUND_MS);
    expect(await Promise.all(codes)).toEqual([1001, 1001, 1001]);
    for (const s of [a, b, c]) {
      const err = s.all('error').find((e) => e.code === 'SESSION_CLOSING');
      expect(err?.message).toMatch(/shutting down/);
    }
    const [connA, connB] = [await fake.connection(0), await fake.connection(1)];
    await Promise.all([connA.ended, connB.ended]);
    expect(connA.lines).toEqual(['EHLO me', 'QUIT']);
    expect(connB.lines).not.toContain('QUIT');
    expect(c.all('tx').map((m) => m.text)).toContain('QUIT');
    expect(app.sessions().total).toBe(0);
    expect(await refusesConnections(app.port)).toBe(true);
    expect(events.some((e) => e.event === 'shutdown' && e.sessions === 3)).toBe(true);
  });

  it('cuts sessions whose server never answers QUIT, within the grace', async () => {
    // A server that reads but never replies or closes.
    const fake = await startFakeSmtp({ onConnect: ['220 fake.test ESMTP\r\n'] });
    cleanups.push(() => fake.close());
    const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], shutdownGraceMs: 300, log: () => undefined });
    const a = await WsTestClient.open(app.url);
    cleanups.push(() => a.close());
    await a.next('hello');
    a.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    await a.nextReply();
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    const conn = await fake.connection();
    await conn.ended;
    expect(conn.lines).toEqual(['QUIT']);
  });
});

/** Runs the real command; resolves its first stdout line, and its exit. */
function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const nl = stdout.indexOf('\n');
      if (nl !== -1) resolve(stdout.slice(0, nl));
    });
    void exit.then(() => reject(new Error(`exited before printing: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // awaited only by tests that expect a start
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, firstLine, exit, stderr: () => stderr };
}

describe('the heloterm command', () => {
  it('prints the URL with the token in its fragment, and on SIGTERM closes sessions with 1001 and exits 0', async () => {
    const p = run(['--port', '0', '--no-practice', '--require-token']);
    const line = await p.firstLine;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)#token=([A-Za-z0-9_-]+) /.exec(line);
    expect(m, line).not.toBeNull();
    const [, url, token] = m!;
    await expect(WsTestClient.open(url!)).rejects.toThrow(/401/);
    const client = await WsTestClient.open(url!, { token: token! });
    cleanups.push(() => client.close());
    await client.next('hello');
    const code = closeCode(client);
    const started = Date.now();
    p.child.kill('SIGTERM');
    expect(await code).toBe(1001);
    expect(await p.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(SHUTDOWN_BOUND_MS);
    expect(p.stderr()).toContain('SIGTERM, closing');
  });

  it.each([
    [['--port', 'abc'], '--port: "abc" is not a port number'],
    [['--token', 'short'], '--token: a token must be 16 to 128 characters long'],
    [['--allow-target', '10.0.0.0/40'], '--allow-target: "10.0.0.0/40" is not a CIDR range'],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    const p = run(args);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain(message);
  });
});
