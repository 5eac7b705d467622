/**
 * The wire form of the protocol (shared/protocol/encode.ts, decode.ts): every message either end can send decodes
 * to what was encoded, for any text a server or a user can produce; the compact frames (a line, text received) are
 * exactly as docs/protocol.md shows them; tx and the rare messages are JSON.stringify(msg(body)); and no frame, however
 * broken, makes a decoder throw.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientMessage, decodeServerMessage, MAX_LINE_CHARS } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeClientMessage, encodeServerMessage } from '../../shared/protocol/encode.js';
import { msg, PROTOCOL_VERSION, type Bare, type ClientMessage, type ServerMessage } from '../../shared/protocol/messages.js';

// What a server may send: anything, including the frame's own punctuation (LF, ":", "<", digits first).
const TEXTS = [
  '',
  '250 2.0.0 Ok\r\n',
  '250-first\r\n250 last\r\n',
  '2:not a count\n',
  '<0:looks like a frame\n',
  '\n\n\n',
  'quotes " and backslashes \\ and slashes /',
  'controls \x00\x01\x07\x1b[31m\x7f\t\r\n',
  'unicode: grüße, 日本語, emoji 📬',
  'lone surrogates: \ud800 and \udfff',
  'U+2028 \u2028 and U+2029 \u2029',
  '\ufffd replacement',
  'x'.repeat(70_000),
];
// What a line may be (no LF or other control character reaches a `sent` list: the bridge refuses them).
const LINES = ['', 'EHLO me', 'MAIL FROM:<a@b.example>', ':', '<', '>', '12:34', '{"v":2}', 'tab\there', 'grüße 📬', ' '];

describe('text received (rx)', () => {
  it.each(TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))('decodes to what was encoded, with and without sent lines: %s', (_label, text) => {
    const bodies: Bare<ServerMessage>[] = [
      { type: 'rx', data: text },
      { type: 'rx', sent: ['NOOP'], data: text },
      { type: 'rx', sent: LINES, data: text },
      { type: 'tx', text },
    ];
    for (const body of bodies) expect(decodeServerMessage(encodeServerMessage(body))).toEqual({ ok: true, value: msg<ServerMessage>(body) });
  });

  it('is the compact frame docs/protocol.md shows', () => {
    expect(encodeServerMessage({ type: 'rx', data: '220 mx.example ESMTP\r\n' })).toBe('<0:220 mx.example ESMTP\r\n');
    expect(encodeServerMessage({ type: 'rx', sent: ['NOOP'], data: '250 2.0.0 Ok\r\n' })).toBe('<1:NOOP\n250 2.0.0 Ok\r\n');
    expect(encodeServerMessage({ type: 'rx', sent: ['MAIL FROM:<a@b.example>', '', 'RCPT TO:<c@d.example>'], data: '' })).toBe(
      '<3:MAIL FROM:<a@b.example>\n\nRCPT TO:<c@d.example>\n',
    );
    // An empty sent list is no sent list.
    expect(encodeServerMessage({ type: 'rx', sent: [], data: 'x' })).toBe('<0:x');
  });

  it('leaves `sent` out when none were reported', () => {
    const d = decodeServerMessage('<0:250 ok\r\n');
    expect(d).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'rx', data: '250 ok\r\n' } });
    expect(d.ok && 'sent' in d.value).toBe(false);
  });

  it.each([
    ['no count', '<'],
    ['no count before the colon', '<:250 ok'],
    ['a count that is not decimal', '<x:250 ok'],
    ['a count with a sign', '<+1:NOOP\n'],
    ['a count with a leading zero', '<01:NOOP\n'],
    ['no colon', '<1NOOP\n'],
    ['a count of seven digits', '<1000000:'],
    ['fewer sent lines than counted', '<2:NOOP\n250 ok'],
    ['the old JSON form', `{"v":${PROTOCOL_VERSION},"type":"rx","data":"250 ok\\r\\n"}`],
  ])('refuses a frame with %s, without throwing', (_label, frame) => {
    const d = decodeServerMessage(frame);
    expect(d.ok).toBe(false);
  });

  it('reads the practice server in hello with its three ports, and refuses one without its LMTP or TLS port', () => {
    const practice = { host: '127.0.0.1', port: 2525, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: ['alice@practice.test'] };
    const hello = (p: object): string => JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', practice: p, allowedPorts: [25, 2525, 2424] });
    expect(decodeServerMessage(hello(practice))).toMatchObject({ ok: true, value: { practice } });
    const { lmtpPort: _dropped, ...withoutLmtp } = practice;
    expect(decodeServerMessage(hello(withoutLmtp))).toEqual({ ok: false, error: 'hello: bad "practice"' });
    expect(decodeServerMessage(hello({ ...practice, lmtpPort: 70000 })).ok).toBe(false);
    const { tlsPort: _gone, ...withoutTls } = practice;
    expect(decodeServerMessage(hello(withoutTls))).toEqual({ ok: false, error: 'hello: bad "practice"' });
    expect(decodeServerMessage(hello({ ...practice, tlsPort: '465' })).ok).toBe(false);
  });

  it('writes tx and every other message as JSON.stringify(msg(body))', () => {
    const bodies: Bare<ServerMessage>[] = [
      { type: 'tx', text: 'quotes " and \\ and 📬' },
      { type: 'hello', practice: null, allowedPorts: [25, 587] },
      { type: 'connecting', host: 'mx.example', port: 25 },
      { type: 'connected', host: 'mx.example', address: '192.0.2.1', port: 25 },
      { type: 'queued', text: 'EHLO me' },
      { type: 'tls', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: null },
      { type: 'closed', by: 'server', reason: 'the server closed the connection' },
      { type: 'error', code: 'BAD_MESSAGE', message: 'bad message: not JSON' },
    ];
    for (const body of bodies) {
      expect(encodeServerMessage(body)).toBe(JSON.stringify(msg<ServerMessage>(body)));
      // `tls` is the page's to decode (decode-app.ts), not the boot script's.
      const decode = body.type === 'tls' ? decodeAnyServerMessage : decodeServerMessage;
      expect(decode(encodeServerMessage(body))).toEqual({ ok: true, value: msg<ServerMessage>(body) });
    }
  });
});

describe('a line to write', () => {
  it.each([...LINES, 'x'.repeat(MAX_LINE_CHARS), 'line\nwith LF', 'NUL\x00'].map((l) => [JSON.stringify(l).slice(0, 40), l]))(
    'is ">" and the line, and decodes to it: %s',
    (_label, text) => {
      const frame = encodeClientMessage({ type: 'line', text });
      expect(frame).toBe(`>${text}`);
      // (Control characters pass the decoder: the bridge's line policy refuses them, with its own error.)
      expect(decodeClientMessage(frame)).toEqual({ ok: true, value: msg<ClientMessage>({ type: 'line', text }) });
    },
  );

  it('may also come as a JSON line message, which means the same', () => {
    expect(decodeClientMessage(JSON.stringify(msg<ClientMessage>({ type: 'line', text: 'NOOP' })))).toEqual(decodeClientMessage('>NOOP'));
  });

  it('is refused beyond MAX_LINE_CHARS, either way', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS + 1);
    expect(decodeClientMessage(`>${long}`).ok).toBe(false);
    expect(decodeClientMessage(JSON.stringify(msg<ClientMessage>({ type: 'line', text: long }))).ok).toBe(false);
  });

  it('leaves connect and disconnect as JSON', () => {
    const bodies: Bare<ClientMessage>[] = [{ type: 'connect', host: 'mx.example', port: 25, tls: 'none' }, { type: 'disconnect' }];
    for (const body of bodies) {
      expect(encodeClientMessage(body)).toBe(JSON.stringify(msg<ClientMessage>(body)));
      expect(decodeClientMessage(encodeClientMessage(body))).toEqual({ ok: true, value: msg<ClientMessage>(body) });
    }
  });
});
