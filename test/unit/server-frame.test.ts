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
  it.each(TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))('writes rx and tx as JSON.stringify(msg()) does: %s', (_label, text) => {
    for (const body of [{ type: 'rx', data: text }, { type: 'tx', text }] as Bare<ServerMessage>[]) {
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
