/**
 * server/frame.ts writes `rx` and `tx` frames by hand for speed: they must be byte for byte what the generic path,
 * JSON.stringify(msg(body)), writes, for any text a server or a user can produce.
 */
import { describe, expect, it } from 'vitest';
import { serverFrame } from '../../server/frame.js';
import { decodeServerMessage } from '../../shared/protocol/decode.js';
import { msg, type Bare, type ServerMessage } from '../../shared/protocol/messages.js';

const TEXTS = [
  '',
  '250 2.0.0 Ok\r\n',
  '250-first\r\n250 last\r\n',
  'quotes " and backslashes \\ and slashes /',
  'controls \x00\x01\x07\x1b[31m\x7f\t\r\n',
  'unicode: grüße, 日本語, emoji 📬',
  'lone surrogates: \ud800 and \udfff',
  'U+2028 \u2028 and U+2029 \u2029',
  '\ufffd replacement',
  'x'.repeat(70_000),
];

describe('serverFrame', () => {
  it.each(TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))('writes rx (with and without sent lines) and tx as JSON.stringify(msg()) does: %s', (_label, text) => {
    const bodies: Bare<ServerMessage>[] = [
      { type: 'rx', data: text },
      { type: 'rx', sent: [text], data: '250 ok\r\n' },
      { type: 'rx', sent: ['MAIL FROM:<a@b.example>', text, ''], data: text },
      { type: 'tx', text },
    ];
    for (const body of bodies) {
      const frame = serverFrame(body);
      expect(frame).toBe(JSON.stringify(msg<ServerMessage>(body)));
      expect(decodeServerMessage(frame)).toEqual({ ok: true, value: msg<ServerMessage>(body) });
    }
  });

  it('writes every other message the generic way', () => {
    const bodies: Bare<ServerMessage>[] = [
      { type: 'hello', practice: null, allowedPorts: [25, 587] },
      { type: 'connecting', host: 'mx.example', port: 25 },
      { type: 'connected', host: 'mx.example', address: '192.0.2.1', port: 25 },
      { type: 'queued', text: 'EHLO me' },
      { type: 'tls', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      { type: 'closed', by: 'server', reason: 'the server closed the connection' },
      { type: 'error', code: 'BAD_MESSAGE', message: 'bad message: not JSON' },
    ];
    for (const body of bodies) expect(serverFrame(body)).toBe(JSON.stringify(msg<ServerMessage>(body)));
  });
});

describe('decodeServerMessage: the lines an rx reports as sent', () => {
  it('keeps them, in order, and leaves them out when absent', () => {
    expect(decodeServerMessage('{"v":1,"type":"rx","sent":["EHLO me","NOOP"],"data":"250 ok\\r\\n"}')).toEqual({
      ok: true,
      value: { v: 1, type: 'rx', sent: ['EHLO me', 'NOOP'], data: '250 ok\r\n' },
    });
    const bare = decodeServerMessage('{"v":1,"type":"rx","data":"250 ok\\r\\n"}');
    expect(bare.ok && 'sent' in bare.value).toBe(false);
  });

  it.each([
    ['a string', '"NOOP"'],
    ['an empty list', '[]'],
    ['a list with a number', '["NOOP",1]'],
    ['null', 'null'],
  ])('refuses sent as %s', (_label, sent) => {
    const d = decodeServerMessage(`{"v":1,"type":"rx","sent":${sent},"data":"250 ok\\r\\n"}`);
    expect(d).toEqual({ ok: false, error: 'rx: "sent" must be a non-empty array of strings' });
  });
});
