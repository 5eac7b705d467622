/**
 * Lines handled in one turn of the event loop (frames that came in one read of the WebSocket) leave in one write to
 * the SMTP server (server/smtp-link.ts write()): same bytes, same order, each line with exactly one CRLF; and a line
 * written just before its connection is closed still reaches the server. The session's one timer for both time
 * limits (server/session.ts) keeps a session that sends frames alive past the idle timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import { decodeServerMessage } from '../../shared/protocol/decode.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol/messages.js';
import { offeredSubprotocols } from '../../shared/protocol/token.js';
import { poll } from '../helpers/browser.js';
import { startFakeSmtp, type FakeConnection, type FakeScript } from '../helpers/fake-smtp.js';
import { RawWs } from '../helpers/raw-ws.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GREETING = '220 fake.test ESMTP ready\r\n';
const SCRIPT: FakeScript = {
  onConnect: [GREETING],
  rules: [
    { match: /^NOOP/, reply: ['250 ok\r\n'] },
    { match: /^QUIT/, reply: ['221 bye\r\n', 'close'] },
  ],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(opts: HelotermOptions = {}): Promise<{ app: Heloterm; raw: RawWs; conn: FakeConnection; messages: () => ServerMessage[] }> {
  const fake = await startFakeSmtp(SCRIPT);
  cleanups.push(() => fake.close());
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], log: () => undefined, ...opts });
  cleanups.push(() => app.close());
  const raw = await RawWs.open(app.port, { origin: new URL(app.url).origin, protocols: offeredSubprotocols(null) });
  cleanups.push(async () => raw.destroy());
  const messages = (): ServerMessage[] =>
    raw.texts().flatMap((t) => {
      const m = decodeServerMessage(t);
      return m.ok ? [m.value] : [];
    });
  raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' }));
  await poll(() => messages().some((m) => m.type === 'rx' && m.data.includes('220 ')), 5000, 'the greeting');
  return { app, raw, conn: await fake.connection(), messages };
}

/** Sends frames in one TCP write, so the bridge reads them in one chunk. */
function sendTogether(raw: RawWs, frames: readonly object[]): void {
  raw.socket.cork();
  for (const f of frames) raw.sendText(JSON.stringify(f));
  raw.socket.uncork();
}

const inbound = (conn: FakeConnection): string[] => conn.log.filter((e) => e.dir === 'in').map((e) => e.bytes.toString('latin1'));

describe('lines from one read of the WebSocket', () => {
  it('reach the server in one write, in order, each with one CRLF, and are reported as written, in order', async () => {
    const { raw, conn, messages } = await setup();
    sendTogether(raw, ['NOOP 1', 'NOOP 2', 'NOOP 3'].map((text) => ({ v: PROTOCOL_VERSION, type: 'line', text })));
    await poll(() => conn.lines.length === 3, 5000, 'three lines');
    expect(inbound(conn)).toEqual(['NOOP 1\r\nNOOP 2\r\nNOOP 3\r\n']);
    await poll(() => messages().filter((m) => m.type === 'rx' && m.data.includes('250')).length > 0, 5000, 'a reply');
    // Reported once each, in order: with the reply (`rx` `sent`), or as `tx` on a loaded machine.
    const written = messages().flatMap((m) => (m.type === 'tx' ? [m.text] : m.type === 'rx' ? (m.sent ?? []) : []));
    expect(written).toEqual(['NOOP 1', 'NOOP 2', 'NOOP 3']);
  });

  it('still reach the server when a disconnect follows in the same read', async () => {
    const { raw, conn, messages } = await setup();
    sendTogether(raw, [{ v: PROTOCOL_VERSION, type: 'line', text: 'NOOP last' }, { v: PROTOCOL_VERSION, type: 'disconnect' }]);
    await poll(() => messages().some((m) => m.type === 'closed'), 5000, 'closed');
    await poll(() => conn.lines.length === 1, 5000, 'the line');
    expect(conn.lines).toEqual(['NOOP last']);
    expect(messages().find((m) => m.type === 'closed')).toMatchObject({ by: 'client' });
  });
});

describe('the session timer', () => {
  it('lets a session that sends frames outlive the idle timeout, and closes it once they stop', async () => {
    const idleTimeoutMs = 300;
    const { raw, messages } = await setup({ idleTimeoutMs });
    const started = Date.now();
    let lastFrame = started;
    while (Date.now() - started < 3 * idleTimeoutMs) {
      raw.sendText(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: 'NOOP' }));
      lastFrame = Date.now();
      await sleep(idleTimeoutMs / 3);
    }
    expect(messages().some((m) => m.type === 'error' && m.code === 'SESSION_CLOSING')).toBe(false);
    await poll(() => messages().some((m) => m.type === 'error' && m.code === 'SESSION_CLOSING'), 5000, 'SESSION_CLOSING');
    const closedAfter = Date.now() - lastFrame;
    expect(closedAfter).toBeGreaterThanOrEqual(idleTimeoutMs - 20);
    expect(messages().find((m) => m.type === 'error' && m.code === 'SESSION_CLOSING')).toMatchObject({ message: expect.stringContaining('idle') });
  });
});
