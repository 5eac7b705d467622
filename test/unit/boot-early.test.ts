/**
 * The boot script's early painter (client/boot/early.ts): what it paints before the app has loaded, plus what the
 * app then writes (the renderer told to skip the lines already painted), must be exactly what the app alone would
 * have written: nothing twice, nothing lost, nothing out of order. Checked on the recorded Postfix, Exim and
 * OpenSMTPD dialogs cut into chunks at every kind of place, and on hostile starts.
 */
import { describe, expect, it } from 'vitest';
import { EarlyPainter } from '../../client/boot/early.js';
import { formatConnected, formatConnecting, formatServerLine } from '../../client/terminal/render.js';
import { formatReplyLine } from '../../client/terminal/render-replies.js';
import { parseReplyLine } from '../../shared/smtp/reply-line.js';
import { ServerTextRenderer } from '../../client/terminal/server-text.js';
import { piecesText } from '../../client/terminal/jump-scroll.js';
import { msg, type Bare, type ServerMessage } from '../../shared/protocol/messages.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { loadDialogs, serverBytes } from '../helpers/fixtures.js';
import { decodeServerMessage, UNKNOWN_TYPE } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';

function renderer(): ServerTextRenderer {
  const model = new SessionModel();
  let n = 0;
  model.connected();
  return new ServerTextRenderer((reply) => ({ report: reportReply(++n, model.received(reply)), slow: false, hints: [], more: '' }));
}

/** Terminal text without its SGR colours. */
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const m = (body: Bare<ServerMessage>): ServerMessage => msg<ServerMessage>(body);

/** The page's terminal text for `messages`, with the app alone. */
function appAlone(messages: readonly ServerMessage[]): string {
  const r = renderer();
  let out = '';
  for (const x of messages) {
    if (x.type === 'connecting') out += formatConnecting(x.host, x.port);
    else if (x.type === 'connected') out += formatConnected(x.host, x.address, x.port);
    else if (x.type === 'rx') out += piecesText(r.rx(x.data).pieces);
  }
  return out;
}

/** The same, when the first `early` messages arrive before the app: the boot script paints, the app takes over. */
function bootThenApp(messages: readonly ServerMessage[], early: number): string {
  let out = '';
  const painter = new EarlyPainter((text) => (out += text));
  for (const x of messages.slice(0, early)) painter.message(x);
  const handed = painter.handOver();
  const r = renderer();
  r.skipLines(handed.paintedLines);
  const later = [...handed.events.flatMap((e) => (e.kind === 'message' ? [e] : [])), ...messages.slice(early).map((x) => ({ m: x, painted: false }))];
  for (const { m: x, painted } of later) {
    if (x.type === 'connecting' && !painted) out += formatConnecting(x.host, x.port);
    else if (x.type === 'connected' && !painted) out += formatConnected(x.host, x.address, x.port);
    else if (x.type === 'rx') out += piecesText(r.rx(x.data).pieces);
  }
  return out;
}

/** The dialog's server text as the bridge would send it, cut into rx chunks of `size` characters. */
function dialogMessages(text: string, size: number): ServerMessage[] {
  const out: ServerMessage[] = [
    m({ type: 'hello', practice: null, allowedPorts: [25] }),
    m({ type: 'connecting', host: 'mx.example', port: 25 }),
    m({ type: 'connected', host: 'mx.example', address: '192.0.2.1', port: 25 }),
  ];
  for (let at = 0; at < text.length; at += size) out.push(m({ type: 'rx', data: text.slice(at, at + size) }));
  return out;
}

describe('EarlyPainter + the app: the same screen as the app alone', () => {
  for (const dialog of loadDialogs()) {
    it(`${dialog.name}: every chunk size and every hand-over point`, () => {
      const text = serverBytes(dialog);
      for (const size of [1, 2, 3, 7, 16, 64, text.length]) {
        const messages = dialogMessages(text, size);
        const want = appAlone(messages);
        for (let early = 0; early <= Math.min(messages.length, 40); early++) {
          expect(bootThenApp(messages, early), `chunks of ${size}, ${early} messages before the app`).toBe(want);
        }
      }
    });
  }
});

describe('EarlyPainter', () => {
  it('paints the notes and the greeting, and stops after the greeting', () => {
    let out = '';
    const p = new EarlyPainter((t) => (out += t));
    p.message(m({ type: 'connecting', host: 'mx.example', port: 25 }));
    p.message(m({ type: 'connected', host: 'mx.example', address: '192.0.2.1', port: 25 }));
    p.message(m({ type: 'rx', data: '220-mx.example ESMTP\r\n220 ready\r\n250 unasked\r\n' }));
    expect(plain(out)).toContain('connecting to mx.example port 25');
    expect(plain(out)).toContain('220 ready');
    expect(plain(out)).not.toContain('unasked');
    const handed = p.handOver();
    expect(handed.paintedLines).toBe(2);
    expect(handed.events.map((e) => (e.kind === 'message' ? [e.m.type, e.painted] : [e.kind]))).toEqual([
      ['connecting', true],
      ['connected', true],
      ['rx', false],
    ]);
  });

  it('leaves a line that is not a reply line, and all after it, to the app', () => {
    let out = '';
    const p = new EarlyPainter((t) => (out += t));
    p.message(m({ type: 'rx', data: 'HTTP/1.1 400 Bad Request\r\n220 late\r\n' }));
    expect(out).toBe('');
    expect(p.handOver().paintedLines).toBe(0);
  });

  it('stops at the first message it does not paint (an error), even if a greeting follows', () => {
    let out = '';
    const p = new EarlyPainter((t) => (out += t));
    p.message(m({ type: 'error', code: 'TIMEOUT', message: 'slow' }));
    p.message(m({ type: 'rx', data: '220 hi\r\n' }));
    expect(out).toBe('');
  });

  it('leaves an rx that reports written lines (sent), and all after it, to the app', () => {
    let out = '';
    const p = new EarlyPainter((t) => (out += t));
    p.message(m({ type: 'rx', sent: ['EHLO early'], data: '220 hi\r\n' }));
    p.message(m({ type: 'rx', data: '250 ok\r\n' }));
    expect(out).toBe('');
    const handed = p.handOver();
    expect(handed.paintedLines).toBe(0);
    expect(handed.events.map((e) => (e.kind === 'message' ? [e.m.type, e.painted] : [e.kind]))).toEqual([
      ['rx', false],
      ['rx', false],
    ]);
  });

  it('shows control characters in the greeting as text, as the app does', () => {
    let out = '';
    const p = new EarlyPainter((t) => (out += t));
    p.message(m({ type: 'rx', data: '220 \x1b]0;title\x07 hi\r\n' }));
    expect(out).toContain('^[]0;title^G');
    expect(out).not.toContain('\x1b]0');
  });

  it('keeps a frame it does not decode (TLS before the greeting) whole for the app, and leaves all after it to the app', () => {
    let out = '';
    let stopped = 0;
    const p = new EarlyPainter((t) => (out += t), () => stopped++);
    p.message(m({ type: 'connected', host: 'mx.test', address: '192.0.2.25', port: 465 }));
    const tls = JSON.stringify({ v: 2, type: 'tls', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: true, authorizationError: null, certificate: null });
    p.frame(tls);
    p.message(m({ type: 'rx', data: '220 hi\r\n' }));
    expect(out).not.toContain('220 hi');
    expect(stopped).toBe(1);
    const handed = p.handOver();
    expect(handed.paintedLines).toBe(0);
    expect(handed.events.map((e) => (e.kind === 'message' ? e.m.type : e.kind === 'frame' ? e.data : e.kind))).toEqual(['connected', tls, 'rx']);
    // The boot script's decoder leaves it alone as of an unknown type; the app's reads it.
    expect(decodeServerMessage(tls)).toEqual({ ok: false, error: `${UNKNOWN_TYPE} "tls"` });
    expect(decodeAnyServerMessage(tls)).toMatchObject({ ok: true, value: { type: 'tls', protocol: 'TLSv1.3', authorized: true, certificate: null } });
  });

  it('keeps every event for the app, in order, including the link events', () => {
    const p = new EarlyPainter(() => undefined);
    p.link({ kind: 'open' });
    p.message(m({ type: 'hello', practice: null, allowedPorts: [25] }));
    p.link({ kind: 'protocolError', error: 'bad' });
    p.link({ kind: 'down', code: 1006, reason: '' });
    expect(p.handOver().events.map((e) => e.kind)).toEqual(['open', 'message', 'protocolError', 'down']);
    expect(p.handOver().events).toEqual([]);
  });
});

describe("formatReplyLine (the renderer's fast path) and formatServerLine (the boot script's)", () => {
  it('write the same text for every line of the recorded dialogs and for hostile lines', () => {
    const lines = loadDialogs().flatMap((d) => serverBytes(d).split('\n').map((l) => l.replace(/\r$/, '')));
    lines.push(
      '250 2.1.0 ok',
      '550-5.1.1 gone',
      '250 5.1.1 class mismatch',
      '451 4.7.1',
      '220',
      '220-',
      '250 \x1b[31mred\x1b[0m',
      '250 2.0.0\x1b]0;title\x07',
      '  ↳ 250 looks like an annotation',
      '999 not a code',
      '',
      '2.0.0 no code',
      '250\ttab',
    );
    for (const raw of lines) {
      for (const ending of ['CRLF', 'LF'] as const) {
        expect(formatReplyLine(parseReplyLine(raw, ending)), JSON.stringify(raw)).toBe(formatServerLine(raw, ending === 'LF'));
      }
    }
  });
});
