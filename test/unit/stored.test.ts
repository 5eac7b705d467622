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
    ['a report without recipients', { reports: [{ action: 'failed', recipients: [], n: 5, text: 'x', cut: false }] }, 'stored: bad "reports"'],
    ['a report of a number that is none', { reports: [{ action: 'failed', recipients: ['g@p'], n: 1.5, text: 'x', cut: false }] }, 'stored: bad "reports"'],
    ['a report not sent with a text', { reports: [{ action: 'failed', recipients: ['g@p'], n: null, unsent: 'notify', text: 'x', cut: false }] }, 'stored: bad "reports"'],
    ['a report not sent without saying why', { reports: [{ action: 'failed', recipients: ['g@p'], n: null, text: '', cut: false }] }, 'stored: bad "reports"'],
    ['a report sent and said unsent', { reports: [{ action: 'delivered', recipients: ['g@p'], n: 5, unsent: 'notify', text: 'x', cut: false }] }, 'stored: bad "reports"'],
    ['a report of another action', { reports: [{ action: 'delayed', recipients: ['g@p'], n: 5, text: 'x', cut: false }] }, 'stored: bad "reports"'],
    ['a report text too long', { reports: [{ action: 'failed', recipients: ['g@p'], n: 5, text: 'x'.repeat(MAX_STORED_CHARS + 1), cut: true }] }, 'stored: bad "reports"'],
    ['three reports', { reports: [1, 2, 3].map(() => ({ action: 'failed', recipients: ['g@p'], n: 5, text: 'x', cut: false })) }, 'stored: bad "reports"'],
    ['reports that are a string', { reports: 'yes' }, 'stored: bad "reports"'],
  ])('refuses %s', (_what, over, error) => {
    expect(decodeAppMessage(JSON.stringify({ ...stored(), ...over }))).toEqual({ ok: false, error });
  });
});

describe('formatStored', () => {
  const BOUNCE = 'Return-Path: <>\r\nFrom: MAILER-DAEMON@practice.test (Mail Delivery System)\r\n\r\nDiagnostic-Code: smtp; 550 5.1.1 <g@practice.test>: User unknown\r\n';

  it('reads a bounce at the boundary, and shows it after a message some recipients got', () => {
    const withBounce = stored({ to: ['b@practice.test', 'g@practice.test'], recipients: 2, reports: [{ action: 'failed', recipients: ['g@practice.test'], n: 5, text: BOUNCE, cut: false }] });
    expect(decodeAnyServerMessage(encodeServerMessage(withBounce))).toEqual({ ok: true, value: withBounce });
    const out = plain(formatStored(withBounce));
    expect(out).toContain("-- the practice server stored it as message #4, as the recipient's mailbox would show it:");
    expect(out).toMatch(/-- then it delivered it to the mailbox server behind it, which refused g@practice\.test: the practice server sends this bounce, message #5, from <> \(the null sender\) to the envelope sender <a@example\.org>, for people and for programs \(RFC 3464\):/);
    expect(out).toContain('   │ Diagnostic-Code: smtp; 550 5.1.1 <g@practice.test>: User unknown');
    expect(out).toMatch(/-- a 250 at the final "\." means "accepted", not "delivered"/);
  });

  it('shows only the bounce when every recipient failed, and no bounce for a message from the null sender', () => {
    const all = plain(formatStored(stored({ to: ['g@practice.test'], reports: [{ action: 'failed', recipients: ['g@practice.test'], n: 5, text: BOUNCE, cut: false }] })));
    expect(all).toMatch(/^-- the practice server queued it as message #4\r\n-- then it delivered it/);
    expect(all).not.toContain('Subject: hi');
    const none = plain(formatStored(stored({ from: '', to: ['g@practice.test'], reports: [{ action: 'failed', recipients: ['g@practice.test'], n: null, unsent: 'null-sender', text: '', cut: false }] })));
    expect(none).toContain('no report goes back: a bounce is never bounced (RFC 5321 §4.5.5), and the message is dropped');
    expect(none).not.toContain('│');
    const never = plain(formatStored(stored({ to: ['g@practice.test'], reports: [{ action: 'failed', recipients: ['g@practice.test'], n: null, unsent: 'notify', text: '', cut: false }] })));
    expect(never).toContain('their RCPT TO said NOTIFY= without FAILURE, so no bounce goes back: the sender is never told (RFC 3461 §4.1)');
  });

  it('shows a delivery report asked for with NOTIFY=SUCCESS after the message, without the bounce\'s lesson', () => {
    const report = 'Subject: Successful Mail Delivery Report\r\n\r\nAction: delivered\r\n';
    const out = plain(formatStored(stored({ reports: [{ action: 'delivered', recipients: ['b@practice.test'], n: 5, text: report, cut: false }] })));
    expect(out).toContain("-- the practice server stored it as message #4, as the recipient's mailbox would show it:");
    expect(out).toMatch(/-- it delivered it to b@practice\.test, whose RCPT TO asked to be told \(NOTIFY=SUCCESS\): the practice server sends this delivery report, message #5/);
    expect(out).toContain('   │ Action: delivered');
    expect(out).not.toContain('backscatter');
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
