/**
 * The message the practice server stored, shown back to the session that sent it: the `stored` message at the
 * protocol's boundary (decoded by the app only, every field checked) and its rendering in the terminal. The real
 * practice server and bridge are in test/integration/eight-steps.
 */
import { describe, expect, it } from 'vitest';
import { STORED_LINES_SHOWN, formatStored } from '../../client/terminal/render-findings.js';
import { decodeServerMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage, decodeAppMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import { MAX_STORED_CHARS, MAX_STORED_RECIPIENTS } from '../../shared/protocol/app-limits.js';
import { msg, type StoredMessage } from '../../shared/protocol/messages.js';
import { rfc5322Date } from '../../shared/smtp/date.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const TEXT = 'Return-Path: <a@example.org>\r\nReceived: from me ([127.0.0.1])\r\n\tby practice.test with SMTP id 4;\r\n\tSun, 29 Nov 2026 19:40:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n';
const stored = (over: Partial<StoredMessage> = {}): StoredMessage =>
  msg<StoredMessage>({ type: 'stored', n: 4, from: 'a@example.org', to: ['b@practice.test'], recipients: 1, text: TEXT, cut: false, ...over });

describe('the stored message at the boundary', () => {
  it('is read by the app decoder only', () => {
    const frame = encodeServerMessage(stored());
    expect(decodeServerMessage(frame)).toEqual({ ok: false, error: 'unknown message type "stored"' });
    expect(decodeAnyServerMessage(frame)).toEqual({ ok: true, value: stored() });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a text too long', { text: 'x'.repeat(MAX_STORED_CHARS + 1) }, 'stored: bad "text" or "cut"'],
    ['too many recipients', { to: Array.from({ length: MAX_STORED_RECIPIENTS + 1 }, () => 'b@c'), recipients: 99 }, 'stored: bad "to"'],
    ['fewer recipients than listed', { recipients: 0 }, 'stored: bad "recipients"'],
    ['a number that is none', { n: -1 }, 'stored: bad "n" or "from"'],
    ['no cut flag', { cut: 'no' }, 'stored: bad "text" or "cut"'],
    ['a bounce without failed recipients', { bounce: { failed: [], n: 5, text: 'x', cut: false } }, 'stored: bad "bounce"'],
    ['a bounce of a number that is none', { bounce: { failed: ['g@p'], n: 1.5, text: 'x', cut: false } }, 'stored: bad "bounce"'],
    ['a bounce not sent with a text', { bounce: { failed: ['g@p'], n: null, text: 'x', cut: false } }, 'stored: bad "bounce"'],
    ['a bounce text too long', { bounce: { failed: ['g@p'], n: 5, text: 'x'.repeat(MAX_STORED_CHARS + 1), cut: true } }, 'stored: bad "bounce"'],
    ['a bounce that is a string', { bounce: 'yes' }, 'stored: bad "bounce"'],
  ])('refuses %s', (_what, over, error) => {
    expect(decodeAppMessage(JSON.stringify({ ...stored(), ...over }))).toEqual({ ok: false, error });
  });
});

describe('formatStored', () => {
  const BOUNCE = 'Return-Path: <>\r\nFrom: MAILER-DAEMON@practice.test (Mail Delivery System)\r\n\r\nDiagnostic-Code: smtp; 550 5.1.1 <g@practice.test>: User unknown\r\n';

  it('reads a bounce at the boundary, and shows it after a message some recipients got', () => {
    const withBounce = stored({ to: ['b@practice.test', 'g@practice.test'], recipients: 2, bounce: { failed: ['g@practice.test'], n: 5, text: BOUNCE, cut: false } });
    expect(decodeAnyServerMessage(encodeServerMessage(withBounce))).toEqual({ ok: true, value: withBounce });
    const out = plain(formatStored(withBounce));
    expect(out).toContain("-- the practice server stored it as message #4, as the recipient's mailbox would show it:");
    expect(out).toMatch(/-- then it delivered it to the mailbox server behind it, which refused g@practice\.test: the practice server sends this bounce, message #5, from <> \(the null sender\) to the envelope sender <a@example\.org>/);
    expect(out).toContain('   │ Diagnostic-Code: smtp; 550 5.1.1 <g@practice.test>: User unknown');
    expect(out).toMatch(/-- a 250 at the final "\." means "accepted", not "delivered"/);
  });

  it('shows only the bounce when every recipient failed, and no bounce for a message from the null sender', () => {
    const all = plain(formatStored(stored({ to: ['g@practice.test'], bounce: { failed: ['g@practice.test'], n: 5, text: BOUNCE, cut: false } })));
    expect(all).toMatch(/^-- the practice server queued it as message #4\r\n-- then it delivered it/);
    expect(all).not.toContain('Subject: hi');
    const none = plain(formatStored(stored({ from: '', to: ['g@practice.test'], bounce: { failed: ['g@practice.test'], n: null, text: '', cut: false } })));
    expect(none).toContain('no bounce goes back: a bounce is never bounced (RFC 5321 §4.5.5)');
    expect(none).not.toContain('│');
  });

  it('shows the message in a frame, tabs as spaces, then what the trace lines and the envelope say', () => {
    const lines = plain(formatStored(stored())).split('\r\n');
    expect(lines[0]).toBe("-- the practice server stored it as message #4, as the recipient's mailbox would show it:");
    expect(lines.slice(1, 8)).toEqual([
      '   │ Return-Path: <a@example.org>',
      '   │ Received: from me ([127.0.0.1])',
      '   │     by practice.test with SMTP id 4;',
      '   │     Sun, 29 Nov 2026 19:40:00 +0000',
      '   │ Subject: hi',
      '   │ ',
      '   │ body',
    ]);
    expect(lines[8]).toMatch(/^-- it put Return-Path: .* recipients \(b@practice\.test\) are in the message only where its headers name them$/);
  });

  it('counts the lines it does not show, says when the text was cut, and makes control characters visible', () => {
    const long = stored({ text: Array.from({ length: STORED_LINES_SHOWN + 5 }, (_, i) => `line ${i}`).join('\r\n'), to: ['b@c', 'x\x1b[2J@d'], recipients: 30, cut: true });
    const out = plain(formatStored(long));
    expect(out).toContain('   │ … 5 more lines not shown');
    expect(out).not.toContain('line 40');
    expect(out).toContain('x^[[2J@d and 28 more');
    expect(plain(formatStored(stored({ cut: true })))).toContain('   │ … and more not shown');
  });
});

describe('rfc5322Date', () => {
  it('writes a date as RFC 5322 §3.3 does, in UTC', () => {
    expect(rfc5322Date(new Date(Date.UTC(2026, 10, 29, 19, 4, 5)))).toBe('Sun, 29 Nov 2026 19:04:05 +0000');
    expect(rfc5322Date(new Date(Date.UTC(2027, 0, 3, 0, 0, 0)))).toBe('Sun, 03 Jan 2027 00:00:00 +0000');
  });
});
