/**
 * The target in the WebSocket URL (`/ws?host=…&port=…&tls=…`, shared/protocol/decode.ts connectQuery): the bridge
 * dials during the handshake, exactly as if a `connect` had come right after `hello`: the same target policy (a
 * refused target is never dialled), the same messages, and a bad query gets the error a bad `connect` gets while the
 * upgrade itself is accepted. Real sockets on port 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import { connectQuery, decodeServerMessage } from '../../shared/protocol/decode.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol/messages.js';
import { offeredSubprotocols } from '../../shared/protocol/token.js';
import { poll } from '../helpers/browser.js';
import { startFakeSmtp } from '../helpers/fake-smtp.js';
import { countingListener, type CountingListener } from '../helpers/counting-listener.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GREETING = '220 fake.test ESMTP ready\r\n';
const WAIT_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bridge(allowedPorts: number[], opts: HelotermOptions = {}): Promise<Heloterm> {
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts, log: () => undefined, ...opts });
  cleanups.push(() => app.close());
  return app;
}

/** A WebSocket to `/ws?<query>` that records every decoded message and sends nothing by itself. */
async function openWithQuery(app: Heloterm, query: string): Promise<{ ws: WebSocket; messages: ServerMessage[] }> {
  const base = new URL(app.url);
  const ws = new WebSocket(`ws://${base.host}/ws?${query}`, offeredSubprotocols(null), { origin: base.origin });
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => {
    const m = decodeServerMessage(data.toString());
    if (!m.ok) throw new Error(`a frame did not decode: ${m.error}`);
    messages.push(m.value);
  });
  ws.on('error', () => undefined);
  cleanups.push(async () => {
    if (ws.readyState === ws.CLOSED) return;
    const closed = new Promise((r) => ws.once('close', r));
    ws.terminate();
    await closed;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
  });
  return { ws, messages };
}

const types = (messages: readonly ServerMessage[]) => messages.map((m) => m.type);
const rxText = (messages: readonly ServerMessage[]) => messages.map((m) => (m.type === 'rx' ? m.data : '')).join('');

const listener = (): Promise<CountingListener> => countingListener(cleanups);

describe('a target in the WebSocket URL', () => {
  it('is dialled during the handshake: the greeting arrives without a connect frame, and the session goes on', async () => {
    const fake = await startFakeSmtp({ onConnect: [GREETING], rules: [{ match: /^EHLO/, reply: ['250 fake.test hi\r\n'] }] });
    cleanups.push(() => fake.close());
    const app = await bridge([fake.port]);
    const { ws, messages } = await openWithQuery(app, connectQuery({ host: '127.0.0.1', port: fake.port, tls: 'none' }));

    await poll(() => rxText(messages).includes(GREETING), WAIT_MS, 'the greeting');
    expect(types(messages).slice(0, 3)).toEqual(['hello', 'connecting', 'connected']);
    expect(messages[1]).toMatchObject({ type: 'connecting', host: '127.0.0.1', port: fake.port });
    expect(messages[2]).toMatchObject({ type: 'connected', host: '127.0.0.1', address: '127.0.0.1', port: fake.port });

    ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: 'EHLO me' }));
    await poll(() => rxText(messages).includes('250 fake.test hi\r\n'), WAIT_MS, 'the reply to EHLO');
    const conn = await fake.connection();
    expect(conn.lines).toEqual(['EHLO me']);
    // The target is taken once: a connect frame now is refused as for any open connection.
    ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' }));
    await poll(() => messages.find((m) => m.type === 'error'), WAIT_MS, 'an error');
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ code: 'ALREADY_CONNECTED' });
  });

  it('is refused like a connect when its port is not allowed: TARGET_REFUSED, no connecting, nothing dialled', async () => {
    const target = await listener();
    const app = await bridge([25]);
    const { messages } = await openWithQuery(app, connectQuery({ host: '127.0.0.1', port: target.port, tls: 'none' }));
    await poll(() => messages.find((m) => m.type === 'error'), WAIT_MS, 'an error');
    expect(messages[1]).toMatchObject({ type: 'error', code: 'TARGET_REFUSED' });
    await sleep(200);
    expect(types(messages)).toEqual(['hello', 'error']);
    expect(target.connections()).toBe(0);
  });

  it('is refused like a connect when the target policy refuses its address (public mode): nothing dialled', async () => {
    const target = await listener();
    const app = await bridge([target.port], { publicTargetsOnly: true });
    const { messages } = await openWithQuery(app, connectQuery({ host: '127.0.0.1', port: target.port, tls: 'none' }));
    await poll(() => messages.find((m) => m.type === 'closed'), WAIT_MS, 'closed');
    expect(types(messages)).toEqual(['hello', 'connecting', 'error', 'closed']);
    expect(messages[2]).toMatchObject({ type: 'error', code: 'TARGET_REFUSED' });
    expect(messages[3]).toMatchObject({ type: 'closed', by: 'error' });
    await sleep(200);
    expect(target.connections()).toBe(0);
  });

  it.each([
    ['host=127.0.0.1&port=99999&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=2525', '"tls" must be "none" or "implicit"'],
    ['host=mx.example%0d%0aRCPT%20TO%3A%3Cx%3E&port=25&tls=none', '"host" must be a host name (RFC 1123) or an IP address'],
  ])('answers the bad query %s with BAD_MESSAGE and keeps the session', async (query, why) => {
    const target = await listener();
    const app = await bridge([target.port]);
    const { ws, messages } = await openWithQuery(app, query);
    await poll(() => messages.find((m) => m.type === 'error'), WAIT_MS, 'an error');
    expect(types(messages)).toEqual(['hello', 'error']);
    const err = messages[1];
    expect(err).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
    expect(err?.type === 'error' ? err.message : '').toContain(`the target in the WebSocket URL: ${why}`);
    expect(target.connections()).toBe(0);
    // The session lives on: a connect frame still works.
    ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: target.port, tls: 'none' }));
    await poll(() => rxText(messages).includes('220 counted'), WAIT_MS, 'the greeting after a connect frame');
    expect(target.connections()).toBe(1);
  });

  it('names no target without host, port and tls: the session waits for a connect frame as before', async () => {
    const target = await listener();
    const app = await bridge([target.port]);
    const { messages } = await openWithQuery(app, 'connect=1');
    await poll(() => messages.length > 0, WAIT_MS, 'hello');
    await sleep(200);
    expect(types(messages)).toEqual(['hello']);
    expect(target.connections()).toBe(0);
  });
});
