/**
 * The practice server's LMTP side logged in Dovecot's form (shared/practice/lmtp-log.ts), and read back by the mail log
 * reader (log-dovecot.ts): the mailbox server's side of lesson 13's dialog.
 */
import { describe, expect, it } from 'vitest';
import { practiceLmtpLog } from '../../shared/practice/lmtp-log.js';
import type { LogEntry } from '../../shared/practice/server-log.js';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { dialogEntries } from '../helpers/log-entries.js';

const T0 = Date.UTC(2026, 10, 30, 0, 12, 34);

/** A dialog of C:/S: lines as the page's /log record keeps it (test/helpers/log-entries.ts). */
const entries = (script: string[], close = true): LogEntry[] => dialogEntries(script, T0, close);

const TWO_RECIPIENTS = [
  'S: 220 practice.test LMTP heloterm practice server',
  'C: LHLO mx.example.org',
  'S: 250-practice.test',
  'S: 250 ENHANCEDSTATUSCODES',
  'C: MAIL FROM:<trainee@example.org>',
  'S: 250 2.1.0 Accepted',
  'C: RCPT TO:<alice@practice.test>',
  'S: 250 2.1.5 Accepted',
  'C: RCPT TO:<full@practice.test>',
  'S: 250 2.1.5 Accepted',
  'C: DATA',
  'S: 354 End data with <CR><LF>.<CR><LF>',
  'C: Message-ID: <lesson13.1@example.org>',
  'C: Subject: hi',
  'C: ',
  'C: Hello.',
  'C: .',
  'S: 250 2.0.0 <alice@practice.test> 3A0007 Saved',
  'S: 552 5.2.2 <full@practice.test> Quota exceeded (mailbox for user is full)',
  'C: QUIT',
  'S: 221 2.0.0 Bye',
];

describe("practiceLmtpLog: the LMTP side as Dovecot's LMTP logs it", () => {
  it('writes Connect from, a line per recipient after the "." with the message\'s id, and Disconnect with the state', () => {
    expect(practiceLmtpLog(entries(TWO_RECIPIENTS), '127.0.0.1', 3001)).toEqual([
      'Nov 30 00:12:34 practice dovecot: lmtp(3001): Connect from 127.0.0.1',
      'Nov 30 00:12:52 practice dovecot: lmtp(alice@practice.test)<3001><3A0007>: msgid=<lesson13.1@example.org>: saved mail to INBOX',
      'Nov 30 00:12:53 practice dovecot: lmtp(full@practice.test)<3001><3A0007>: msgid=<lesson13.1@example.org>: save failed to INBOX: Quota exceeded (mailbox for user is full)',
      'Nov 30 00:12:56 practice dovecot: lmtp(3001): Disconnect from 127.0.0.1: Client has quit the connection (state=READY)',
    ]);
  });

  it("says msgid=unspecified for a message without one, as Dovecot does, and the state a connection was closed in", () => {
    const script = TWO_RECIPIENTS.filter((l) => !l.includes('Message-ID')).slice(0, -2);
    const lines = practiceLmtpLog(entries([...script, 'C: MAIL FROM:<trainee@example.org>', 'S: 250 2.1.0 Accepted']), '127.0.0.1', 3002);
    expect(lines[1]).toContain(': msgid=unspecified: saved mail to INBOX');
    expect(lines.at(-1)).toMatch(/: lmtp\(3002\): Disconnect from 127\.0\.0\.1: Connection closed \(state=MAIL FROM\)$/);
  });

  it('is read back by the mail log reader: the saved message and the full mailbox explained', () => {
    const text = practiceLmtpLog(entries(TWO_RECIPIENTS), '127.0.0.1', 3001).join('\n');
    expect(isMailLog(text)).toBe(true);
    const notes = readMailLog(text).flatMap((s) => (s.kind === 'note' ? [s.text] : []));
    expect(notes).toEqual([
      expect.stringMatching(/^<lesson13\.1@example\.org> for alice@practice\.test \(Dovecot, LMTP\): saved mail to INBOX — delivered: the message is in alice@practice\.test's inbox/),
      expect.stringMatching(/^<lesson13\.1@example\.org> for full@practice\.test \(Dovecot, LMTP\): save failed to INBOX: Quota exceeded .* — full@practice\.test's mailbox is full/),
    ]);
  });
});
