/**
 * Who may connect: exact Origin and Host allow-lists and the access token, all checked in 'upgrade' before
 * handleUpgrade, so a refused handshake never becomes a session. And the HTTP security headers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackBind, startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { subprotocolProblem, tokenFromFragment, tokenProblem } from '../../shared/protocol/token.js';
import { SUBPROTOCOL } from '../../shared/protocol/messages.js';
import { handshake } from '../helpers/handshake.js';
import { WsTestClient } from '../helpers/ws-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TOKEN = 'test-token-0123456789abcdef';

async function app(opts: HelotermOptions = {}) {
  const events: Record<string, unknown>[] = [];
  const a = await startHeloterm({ port: 0, practice: false, log: (e) => events.push(e), ...opts });
  cleanups.push(() => a.close());
  return { app: a, events, opened: () => events.filter((e) => e.event === 'open').length };
}


describe('Origin and Host', () => {
  it('refuses Origin: null, foreign origins, a missing Origin and unknown hosts with 403 and no session', async () => {
    const { app: a, opened } = await app();
    const p = a.port;
    const refused: Record<string, string>[] = [
      { Origin: 'null' },
      { Origin: 'http://evil.example' },
      { Origin: `http://127.0.0.1:${p}.evil.example` },
      { Origin: `https://127.0.0.1:${p}` }, // another scheme is another origin
      { Origin: `http://127.0.0.1:${p + 1}` },
      { Host: `evil.example:${p}`, Origin: `http://evil.example:${p}` }, // DNS rebinding: a foreign name for us
      { Host: `127.0.0.1:${p + 1}` },
    ];
    for (const h of refused) expect((await handshake(p, h)).status, JSON.stringify(h)).toBe(403);
    // A missing Origin: a plain http.request sends none unless told.
    const missing = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: p,
        path: '/ws',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', (res, s) => {
        s.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(missing).toBe(403);
    expect(opened()).toBe(0);
    expect(a.sessions().total).toBe(0);
    // The control: our own Origin and Host are accepted.
    expect((await handshake(p, {})).status).toBe(101);
  });
});

describe('the protocol version', () => {
  it('refuses a page or script written for another version (400), accepts ours or none named', async () => {
    const { app: a, opened } = await app();
    const p = a.port;
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': 'heloterm.v1' })).status).toBe(400);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': 'heloterm.v1, heloterm.v3' })).status).toBe(400);
    expect(opened()).toBe(0);
    expect(subprotocolProblem(['heloterm.v1'])).toContain(`this bridge speaks ${SUBPROTOCOL}, not heloterm.v1`);
    const ours = await handshake(p, { 'Sec-WebSocket-Protocol': `heloterm.v1, ${SUBPROTOCOL}` });
    expect(ours.status).toBe(101);
    expect(ours.headers['sec-websocket-protocol']).toBe(SUBPROTOCOL);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': 'chat' })).status).toBe(101);
    expect((await handshake(p, {})).status).toBe(101);
  });
});

describe('the access token', () => {
  it('refuses a missing (401) or wrong (403) token, accepts the right one and never echoes it', async () => {
    const { app: a, opened } = await app({ token: TOKEN });
    expect(a.token).toBe(TOKEN);
    expect(a.launchUrl).toBe(`${a.url}#token=${TOKEN}`);
    const p = a.port;
    expect((await handshake(p, {})).status).toBe(401);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': SUBPROTOCOL })).status).toBe(401);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': `${SUBPROTOCOL}, heloterm.token.${TOKEN.slice(0, -1)}x` })).status).toBe(403);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': `${SUBPROTOCOL}, heloterm.token.short` })).status).toBe(403);
    expect((await handshake(p, { 'Sec-WebSocket-Protocol': `${SUBPROTOCOL}, heloterm.token.${TOKEN}extra` })).status).toBe(403);
    // The token in the query string is not a way in (and would land in access logs).
    await expect(WsTestClient.open(`${a.url}?token=${TOKEN}`)).rejects.toThrow(/401/);
    await expect(WsTestClient.open(a.url, { token: 'wrong-token-0123456789' })).rejects.toThrow(/403/);
    expect(opened()).toBe(0);

    const ok = await handshake(p, { 'Sec-WebSocket-Protocol': `${SUBPROTOCOL}, heloterm.token.${TOKEN}` });
    expect(ok.status).toBe(101);
    expect(ok.headers['sec-websocket-protocol']).toBe(SUBPROTOCOL);
    const client = await WsTestClient.open(a.url, { token: TOKEN });
    cleanups.push(() => client.close());
    expect(client.ws.protocol).toBe(SUBPROTOCOL);
    expect((await client.next('hello')).type).toBe('hello');
  });

  it('generates a random token when required on loopback, and none by default', async () => {
    const { app: required } = await app({ requireToken: true });
    expect(required.token).not.toBeNull();
    expect(tokenProblem(required.token ?? '')).toBeNull();
    expect(tokenFromFragment(new URL(required.launchUrl).hash)).toBe(required.token);
    // The class view's key, read from its own address the same way; neither is taken for the other.
    const classKey = new URL(required.classUrl).hash;
    expect(tokenFromFragment(classKey, 'key')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(tokenFromFragment(classKey)).toBeNull();
    expect(tokenFromFragment(`#key=${'k'.repeat(20)}&token=short`, 'key')).toBe('k'.repeat(20));
    expect(tokenFromFragment('#key=short', 'key')).toBeNull();
    const { app: other } = await app({ requireToken: true });
    expect(other.token).not.toBe(required.token);
    await expect(WsTestClient.open(required.url)).rejects.toThrow(/401/);

    const { app: open } = await app();
    expect(open.token).toBeNull();
    expect(open.launchUrl).toBe(open.url);
    const c = await WsTestClient.open(open.url);
    cleanups.push(() => c.close());
    await c.next('hello');
  });

  it('bound to every address, gives the URLs other machines (a class) open, each with the token and each let in', async () => {
    const { app: a } = await app({ host: '0.0.0.0' });
    // This machine's IPv4 network addresses (0.0.0.0 listens on IPv4 only), not loopback.
    const expected = Object.values(networkInterfaces())
      .flatMap((l) => l ?? [])
      .filter((i) => !i.internal && i.family === 'IPv4')
      .map((i) => `http://${i.address}:${a.port}/#token=${a.token}`);
    expect(a.networkUrls).toEqual(expected);
    expect(a.launchUrl).toBe(`http://127.0.0.1:${a.port}/#token=${a.token}`);
    // Each is the page's address for the Origin and Host checks: a browser there gets its WebSocket.
    for (const u of a.networkUrls) {
      const c = await WsTestClient.open(u.replace(/#.*$/, ''), { token: a.token! });
      cleanups.push(() => c.close());
      expect((await c.next('hello')).type).toBe('hello');
    }
    // Bound to loopback (the default) or to one address, the launch URL is the one: no other.
    expect((await app()).app.networkUrls).toEqual([]);
  });

  it('is required, and targets are public-only, whenever the bind address is beyond loopback', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackBind(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.5', 'fd00::1', 'heloterm.example.org']) expect(isLoopbackBind(h), h).toBe(false);
  });

  it('is required, and targets are public-only, behind a trusted reverse proxy too (it forwards from elsewhere)', async () => {
    const { app: proxied } = await app({ trustProxy: ['loopback'] });
    expect(proxied.token).not.toBeNull();
    expect(proxied.publicTargetsOnly).toBe(true);
    await expect(WsTestClient.open(proxied.url, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).rejects.toThrow(/401/);
    const { app: plain } = await app();
    expect(plain.publicTargetsOnly).toBe(false);
  });

  it('refuses a malformed configured token at start', async () => {
    await expect(startHeloterm({ port: 0, practice: false, token: 'short', log: () => undefined })).rejects.toThrow(/16 to 128/);
  });
});

describe('HTTP security headers', () => {
  it('sends a strict CSP without https: wildcards, no framing and no referrer', async () => {
    const clientDir = await mkdtemp(path.join(tmpdir(), 'heloterm-client-'));
    cleanups.push(() => rm(clientDir, { recursive: true, force: true }));
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>t</title>');
    const { app: a } = await app({ clientDir });
    for (const p of ['/', '/healthz']) {
      const res = await fetch(new URL(p, a.url));
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(csp).not.toMatch(/https:|\*/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});
