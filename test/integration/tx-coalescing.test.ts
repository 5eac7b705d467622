/**
 * Reporting written lines (server/outbox.ts, TX_COALESCE_MS): a written line is held and reported in the `sent`
 * list of the next `rx` (normally the reply to it), or as a `tx` frame, in one socket write with the next other
 * message or on its own after TX_COALESCE_MS. Every line is reported once, in order, before anything received
 * after it was written. (WsTestClient shows `sent` lines as `tx` messages, so most tests here read the order alone.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import { TX_COALESCE_MS } from '../../server/outbox.js';
import { offeredSubprotocols } from '../../shared/protocol/token.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol/messages.js';
import { decodeServerMessage } from '../../shared/protocol/decode.js';
import { poll } from '../helpers/browser.js';
import { startFakeSmtp, type FakeScript, type FakeSmtp } from '../helpers/fake-smtp.js';
import { RawWs } from '../helpers/raw-ws.js';
import { WsTestClient } from '../helpers/ws-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GREETING = '220 fake.test ESMTP ready\r\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A frame as the page decodes it (a frame that does not decode fails the test). */
function decoded(text: string): ServerMessage {
  const d = decodeServerMessage(text);
  if (!d.ok) throw new Error(`a frame that does not decode (${d.error}): ${text.slice(0, 80)}`);
  return d.value;
}

async function setup(script: FakeScript, opts: HelotermOptions = {}): Promise<{ fake: FakeSmtp; app: Heloterm }> {
  const fake = await startFakeSmtp(script);
  cleanups.push(() => fake.close());
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], log: () => undefined, ...opts });
  cleanups.push(() => app.close());
  return { fake, app };
}

async function client(app: Heloterm, fake: FakeSmtp): Promise<WsTestClient> {
  const c = await WsTestClient.open(app.url);
  cleanups.push(() => c.close());
  await c.next('hello');
  c.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
  expect((await c.nextReply()).code).toBe(220);
  return c;
}

/** Index of the first `rx` whose text (so far) contains `needle`, counting rx text across frames. */
function rxIndexOf(messages: readonly ServerMessage[], needle: string): number {
  let text = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m?.type !== 'rx') continue;
    text += m.data;
    if (text.includes(needle)) return i;
  }
  return -1;
}

describe('tx coalescing', () => {
  it('reports a written line in the rx with the reply to it: one frame per command', async () => {
    const { app, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^NOOP/, reply: ['250 ok\r\n'] }] });
    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin, protocols: offeredSubprotocols(null) });
    cleanups.push(async () => raw.destroy());
    const frames = (): ServerMessage[] => raw.texts().map(decoded);

    raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' }));
    await poll(() => frames().some((m) => m.type === 'rx'), 5000, 'the greeting');
    const rounds = 5;
    let together = 0;
    for (let i = 0; i < rounds; i++) {
      const before = raw.frames.length;
      raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: `NOOP ${i}` }));
      await poll(() => frames().slice(before).some((m) => m.type === 'rx'), 5000, 'the reply');
      await sleep(TX_COALESCE_MS * 2); // nothing else may follow
      const after = frames().slice(before);
      // The reply comes from loopback within a millisecond, far inside TX_COALESCE_MS: one frame says both. On a
      // loaded machine the timer may win once: then a `tx` goes first, and the `rx` has no `sent`.
      if (after.length === 1) {
        expect(after[0]).toEqual({ v: PROTOCOL_VERSION, type: 'rx', sent: [`NOOP ${i}`], data: '250 ok\r\n' });
        together++;
      } else expect(after).toEqual([{ v: PROTOCOL_VERSION, type: 'tx', text: `NOOP ${i}` }, { v: PROTOCOL_VERSION, type: 'rx', data: '250 ok\r\n' }]);
    }
    expect(together).toBeGreaterThanOrEqual(rounds - 1);
  });

  it('does not send a line in flight as a tx when the timer armed for an earlier line fires: steady traffic', async () => {
    // Each line is written as soon as the reply to the one before it is read, and answered 4 ms later: a line is in
    // flight nearly all the time, and the timer armed for an earlier line fires every TX_COALESCE_MS while one is.
    // Each line waits less than TX_COALESCE_MS for its reply, so each one travels in the rx with its reply.
    const { app, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^NOOP/, reply: [{ pauseMs: 4 }, '250 ok\r\n'] }] });
    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin, protocols: offeredSubprotocols(null) });
    cleanups.push(async () => raw.destroy());
    const frames = (): ServerMessage[] => raw.texts().map(decoded);
    raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' }));
    await poll(() => frames().some((m) => m.type === 'rx'), 5000, 'the greeting');
    const before = raw.frames.length;
    const rounds = 60;
    const replies = (): number => frames().slice(before).filter((m) => m.type === 'rx').length;
    /** Each line's time from being sent to its reply read: it was held on the bridge for less than that. */
    const roundMs: number[] = [];
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      const sent = performance.now();
      const answered = new Promise<void>((resolve) => {
        const check = (): void => {
          if (replies() <= i) return;
          raw.socket.off('data', check);
          resolve();
        };
        raw.socket.on('data', check);
      });
      raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: `NOOP ${i}` }));
      await answered;
      roundMs.push(performance.now() - sent);
    }
    const took = performance.now() - started;
    await sleep(TX_COALESCE_MS * 2);
    const after = frames().slice(before);
    // Every line reported once, in order, before its reply.
    const reported = after.flatMap((m) => (m.type === 'tx' ? [m.text] : m.type === 'rx' ? (m.sent ?? []) : []));
    expect(reported).toEqual(Array.from({ length: rounds }, (_, i) => `NOOP ${i}`));
    expect(took).toBeGreaterThan(TX_COALESCE_MS * 10); // the timer had many chances to fire (fires with a line held: about 20)
    // A line goes as a tx of its own only once it was held TX_COALESCE_MS (a reply that late on a busy machine), so
    // only a line whose round took as long (less the millisecond a timer may fire early).
    const early = after.flatMap((m) => (m.type === 'tx' ? [m.text] : [])).filter((t) => (roundMs[Number(t.split(' ')[1])] ?? 0) < TX_COALESCE_MS - 1);
    expect(early).toEqual([]);
  });

  it('sends held lines as tx frames, in one socket write with the next message that is not an rx', async () => {
    // The server answers DATA's message lines with nothing; a bad line after them gets an error from the bridge.
    const { app, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^DATA$/, reply: ['354 go on\r\n'] }] });
    const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin, protocols: offeredSubprotocols(null) });
    cleanups.push(async () => raw.destroy());
    const framesAfterChunk: number[] = [];
    raw.socket.on('data', () => framesAfterChunk.push(raw.frames.length));
    const chunkOf = (frame: number) => framesAfterChunk.findIndex((n) => n > frame);
    const frames = (): ServerMessage[] => raw.texts().map(decoded);
    raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' }));
    await poll(() => frames().some((m) => m.type === 'rx'), 5000, 'the greeting');
    raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: 'DATA' }));
    await poll(() => frames().some((m) => m.type === 'rx' && m.data.startsWith('354')), 5000, 'the 354');
    const before = raw.frames.length;
    raw.socket.cork(); // the three frames in one read: the error follows the two lines within the same turn
    for (const text of ['Subject: x', 'body', 'bad\u0000line']) raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text }));
    raw.socket.uncork();
    await poll(() => frames().slice(before).some((m) => m.type === 'error'), 5000, 'the error');
    expect(frames().slice(before)).toEqual([
      { v: PROTOCOL_VERSION, type: 'tx', text: 'Subject: x' },
      { v: PROTOCOL_VERSION, type: 'tx', text: 'body' },
      expect.objectContaining({ type: 'error', code: 'LINE_REJECTED' }),
    ]);
    expect(chunkOf(before)).toBe(chunkOf(before + 2)); // one socket write
  });

  it('sends a tx on its own after TX_COALESCE_MS when nothing follows (a line the server does not answer)', async () => {
    const { app, fake } = await setup({ onConnect: [GREETING] }); // no rules: no replies
    const c = await client(app, fake);
    const started = performance.now();
    c.line('NOOP unanswered');
    expect(await c.next('tx', 1000)).toMatchObject({ text: 'NOOP unanswered' });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(TX_COALESCE_MS - 2); // timers may round down by a millisecond
    expect(took).toBeLessThan(1000);
  });

  it('gives a line held after the timer was armed its own TX_COALESCE_MS, not what was left of an earlier one', async () => {
    const { app, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^NOOP fast$/, reply: ['250 ok\r\n'] }] });
    const c = await client(app, fake);
    const took: number[] = [];
    // Held 60 % into the earlier line's time (sent at its end, it would go 40 % early), or 30 % into it (another
    // whole TX_COALESCE_MS from the end of it would be 70 % late).
    const into = [0.6, 0.3, 0.6, 0.3, 0.3, 0.3];
    for (let round = 0; round < into.length; round++) {
      c.line('NOOP fast'); // arms the timer; its reply takes the line at once
      await c.nextReply();
      const armed = performance.now();
      while (performance.now() - armed < TX_COALESCE_MS * (into[round] ?? 0)) await sleep(1);
      const started = performance.now();
      c.line(`NOOP silent ${round}`); // no reply: it goes as a tx of its own, TX_COALESCE_MS after it was held
      await c.waitFor((m) => m.type === 'tx' && m.text === `NOOP silent ${round}`, 1000);
      took.push(performance.now() - started);
      await sleep(TX_COALESCE_MS * 2);
    }
    for (const ms of took) expect(ms).toBeGreaterThanOrEqual(TX_COALESCE_MS - 2); // timers may round down by a millisecond
    // Not a whole TX_COALESCE_MS more from when the earlier line's timer fired (at least once: a busy machine is late).
    expect(Math.min(...took.filter((_, i) => into[i] === 0.3))).toBeLessThan(TX_COALESCE_MS * 1.4);
  });

  it('keeps line order and puts every tx before the reply to its line, for a paste of many lines', async () => {
    const n = 8;
    const rules = Array.from({ length: n }, (_, i) => ({ match: new RegExp(`^NOOP ${i}$`), reply: [`250 ok ${i}\r\n`] }));
    // DATA's message lines get no reply: their tx frames go out with the next frame or on the timer.
    rules.push({ match: /^DATA$/, reply: ['354 go on\r\n'] }, { match: /^\.$/, reply: ['250 queued\r\n'] });
    const { app, fake } = await setup({ onConnect: [GREETING], rules });
    const c = await client(app, fake);
    const lines = [...Array.from({ length: n }, (_, i) => `NOOP ${i}`), 'DATA', 'Subject: x', '', 'body', '.'];
    for (const l of lines) c.line(l);
    await poll(() => rxIndexOf(c.messages, '250 queued') !== -1, 5000, 'the last reply');
    await sleep(TX_COALESCE_MS * 3);
    expect(c.all('tx').map((m) => m.text)).toEqual(lines);
    const txIndex = (text: string) => c.messages.findIndex((m) => m.type === 'tx' && m.text === text);
    for (let i = 0; i < n; i++) expect(txIndex(`NOOP ${i}`)).toBeLessThan(rxIndexOf(c.messages, `250 ok ${i}`));
    expect(txIndex('DATA')).toBeLessThan(rxIndexOf(c.messages, '354 go on'));
    expect(txIndex('.')).toBeLessThan(rxIndexOf(c.messages, '250 queued'));
    expect((await fake.connection()).lines).toEqual(lines);
  });

  it('sends a held tx before closed when the server hangs up, and before the close frame on shutdown', async () => {
    const { app, fake } = await setup({ onConnect: [GREETING], rules: [{ match: /^BYE/, reply: ['close'] }] });
    const c = await client(app, fake);
    c.line('BYE'); // the server closes without a reply: the tx is held until `closed`
    await c.next('closed');
    const types = c.messages.map((m) => m.type);
    expect(types.indexOf('tx')).toBeGreaterThan(-1);
    expect(types.indexOf('tx')).toBeLessThan(types.indexOf('closed'));

    c.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    expect((await c.nextReply()).code).toBe(220);
    c.line('NOOP silent'); // no reply: held for up to TX_COALESCE_MS
    const conn = await fake.connection(1);
    // Shut down as soon as the line reached the server, most likely while its tx is still held.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => conn.lines.includes('NOOP silent') && (clearInterval(t), resolve()), 1);
    });
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    await app.close();
    expect(await closed).toBe(1001);
    const texts = c.all('tx').map((m) => m.text);
    expect(texts).toContain('NOOP silent');
    expect(texts.at(-1)).toBe('QUIT');
    expect(app.sessions().total).toBe(0);
  });

  it('frees a session whose tx is still held when the browser goes', async () => {
    const { app, fake } = await setup({ onConnect: [GREETING] });
    for (let i = 0; i < 5; i++) {
      const c = await client(app, fake);
      c.line('NOOP held');
      c.ws.terminate(); // within TX_COALESCE_MS: the tx is still held
    }
    await poll(() => app.sessions().total === 0, 2000, 'every session to be counted out');
    await sleep(TX_COALESCE_MS * 3); // the timers must find nothing to send (and throw nothing)
    expect(app.sessions()).toEqual({ total: 0, byAddress: {} });
  });
});
