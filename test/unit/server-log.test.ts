import { describe, expect, it } from 'vitest';
import { practiceQueueId, practiceServerLog, syslogTime, type LogEntry } from '../../shared/practice/server-log.js';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { dialogEntries } from '../helpers/log-entries.js';

const T0 = Date.UTC(2026, 10, 30, 0, 12, 34);

/** A dialog of C:/S: lines as the page's /log record keeps it (test/helpers/log-entries.ts). */
const entries = (script: string[], close = true): LogEntry[] => dialogEntries(script, T0, close);

const EIGHT_STEPS = [
  'S: 220 practice.test ESMTP heloterm practice server',
  'C: EHLO trainee.example.org',
  'S: 250-practice.test Nice to meet you, [127.0.0.1]',
  'S: 250 ENHANCEDSTATUSCODES',
  'C: MAIL FROM:<trainee@example.org>',
  'S: 250 2.1.0 Accepted',
  'C: RCPT TO:<nobody@practice.test>',
  'S: 550 5.1.1 <nobody@practice.test>: no such mailbox here',
  'C: RCPT TO:<alice@practice.test>',
  'S: 250 2.1.5 Accepted',
  'C: DATA',
  'S: 354 End data with <CR><LF>.<CR><LF>',
  'C: Subject: hi',
  'C: ',
  'C: Hello.',
  'C: .',
  'S: 250 2.0.0 Ok: queued as 3A0001 (practice message #1, delivered nowhere)',
  'C: QUIT',
  'S: 221 2.0.0 Bye',
];

describe('practiceServerLog: a session as Postfix\'s smtpd logs one', () => {
  it('writes connect, a NOQUEUE reject for the refused RCPT, client= at the first accepted one, and the counters', () => {
    const lines = practiceServerLog(entries(EIGHT_STEPS), 'localhost[127.0.0.1]', 4242, 1);
    expect(lines).toEqual([
      'Nov 30 00:12:34 practice postfix/smtpd[4242]: connect from localhost[127.0.0.1]',
      'Nov 30 00:12:42 practice postfix/smtpd[4242]: NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 <nobody@practice.test>: no such mailbox here; from=<trainee@example.org> to=<nobody@practice.test> proto=ESMTP helo=<trainee.example.org>',
      'Nov 30 00:12:44 practice postfix/smtpd[4242]: B00101: client=localhost[127.0.0.1]',
      'Nov 30 00:12:54 practice postfix/smtpd[4242]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6',
    ]);
  });

  it('is read back by the mail log reader: the refusal explained as the answer to that RCPT, the counters said', () => {
    const text = practiceServerLog(entries(EIGHT_STEPS), 'localhost[127.0.0.1]', 4242, 1).join('\n');
    expect(isMailLog(text)).toBe(true);
    const steps = readMailLog(text);
    const replies = steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
    expect(replies.map((e) => [e.reply.code, e.command?.verb, e.command?.path])).toEqual([[550, 'RCPT', 'nobody@practice.test']]);
    const notes = steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));
    expect(notes).toContainEqual(expect.stringContaining('1 EHLO; 1 MAIL; 2 RCPT, 1 accepted; 1 DATA; 1 QUIT'));
  });

  it('counts AUTH by its outcome, a refused DATA and unknown commands, and names the queue id after the first recipient', () => {
    const lines = practiceServerLog(
      entries([
        'S: 220 practice.test ESMTP',
        'C: HELO trainee',
        'S: 250 practice.test',
        'C: AUTH LOGIN',
        'S: 334 VXNlcm5hbWU6',
        'C: dHJhaW5lZQ==',
        'S: 334 UGFzc3dvcmQ6',
        'C: d3Jvbmc=',
        'S: 535 5.7.8 Error: authentication failed',
        'C: FOO',
        'S: 500 5.5.2 Error: command not recognized',
        'C: MAIL FROM:<a@example.org>',
        'S: 250 2.1.0 Ok',
        'C: DATA',
        'S: 503 5.5.1 Error: need RCPT command',
      ]),
      'localhost[127.0.0.1]',
      7,
      2,
    );
    expect(lines.at(-3)).toBe('Nov 30 00:12:49 practice postfix/smtpd[7]: NOQUEUE: reject: DATA from localhost[127.0.0.1]: 503 5.5.1 Error: need RCPT command; from=<a@example.org> proto=SMTP helo=<trainee>');
    // Closed without QUIT: after which command, as Postfix says it.
    expect(lines.at(-2)).toBe('Nov 30 00:12:50 practice postfix/smtpd[7]: lost connection after DATA from localhost[127.0.0.1]');
    expect(lines.at(-1)).toMatch(/disconnect from localhost\[127\.0\.0\.1\] helo=1 auth=0\/1 mail=1 data=0\/1 unknown=0\/1 commands=2\/5$/);
  });

  it('names the SASL mechanism and user after client= once a login succeeded, with its answers or at once', () => {
    const login = (auth: string[]): string[] =>
      practiceServerLog(
        entries([
          'S: 220 practice.test ESMTP',
          'C: EHLO trainee',
          'S: 250 practice.test',
          ...auth,
          'C: MAIL FROM:<trainee@example.org>',
          'S: 250 2.1.0 Ok',
          'C: RCPT TO:<someone@example.com>',
          'S: 250 2.1.5 Ok',
        ]),
        'localhost[127.0.0.1]',
        7,
        2,
      );
    const client = (lines: string[]): string => lines.find((l) => l.includes(': client=')) ?? '';
    expect(client(login(['C: AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=', 'S: 235 2.7.0 Authentication successful']))).toMatch(
      /: client=localhost\[127\.0\.0\.1\], sasl_method=PLAIN, sasl_username=trainee$/,
    );
    const challenged = ['C: auth login', 'S: 334 VXNlcm5hbWU6', 'C: dHJhaW5lZQ==', 'S: 334 UGFzc3dvcmQ6', 'C: cHJhY3RpY2U=', 'S: 235 2.7.0 Authentication successful'];
    expect(client(login(challenged))).toMatch(/: client=localhost\[127\.0\.0\.1\], sasl_method=LOGIN, sasl_username=trainee$/);
    // SCRAM (the practice server's, /scram): its first message with AUTH, the proof, the empty line after the signature.
    const scram = ['C: AUTH SCRAM-SHA-256 biwsbj10cmFpbmVlLHI9YWJj', 'S: 334 cj1hYmNkZWYscz1jMkZzZEE9PSxpPTQwOTY=', 'C: Yz1iaXdzLHI9YWJjZGVmLHA9QUFBQQ==', 'S: 334 dj1BQUFB', 'C: ', 'S: 235 2.7.0 Authentication successful'];
    expect(client(login(scram))).toMatch(/: client=localhost\[127\.0\.0\.1\], sasl_method=SCRAM-SHA-256, sasl_username=trainee$/);
    // A login refused leaves the line as it is without one.
    expect(client(login(['C: AUTH PLAIN AHRyYWluZWUAZ3Vlc3M=', 'S: 535 5.7.8 Error: authentication failed']))).toMatch(/: client=localhost\[127\.0\.0\.1\]$/);
  });

  it('ends a message at BDAT LAST as at ".": the next transaction on the connection gets a client= line of its own', () => {
    const lines = practiceServerLog(
      entries([
        'S: 220 practice.test ESMTP',
        'C: EHLO trainee',
        'S: 250-practice.test',
        'S: 250 CHUNKING',
        ...[1, 2].flatMap((n) => [
          'C: MAIL FROM:<trainee@example.org>',
          'S: 250 2.1.0 Ok',
          'C: RCPT TO:<alice@practice.test>',
          'S: 250 2.1.5 Ok',
          'C: BDAT 4 LAST',
          'C: Hi',
          `S: 250 2.6.0 Ok: queued as 3A000${n}`,
        ]),
        'C: QUIT',
        'S: 221 2.0.0 Bye',
      ]),
      'localhost[127.0.0.1]',
      7,
      2,
    );
    expect(lines.filter((l) => l.includes(': client=localhost')).map((l) => l.split(': ')[1])).toEqual(['B00201', 'B00202']);
    expect(lines.at(-1)).toMatch(/ ehlo=1 mail=2 rcpt=2 bdat=2 quit=1 commands=8$/);
  });

  it('names a stored message\'s transaction by its queue id, the one its Received line has', () => {
    const withStored = entries(EIGHT_STEPS);
    // The practice server says it stored message #7 just before its reply to the "." (as it does).
    withStored.splice(withStored.findIndex((e) => e.kind === 'exchange' && e.ex.kind === 'end-of-data'), 0, { kind: 'stored', n: 7 });
    expect(practiceQueueId(7)).toBe('3A0007');
    expect(practiceServerLog(withStored, 'localhost[127.0.0.1]', 4242, 1)).toContain('Nov 30 00:12:44 practice postfix/smtpd[4242]: 3A0007: client=localhost[127.0.0.1]');
  });

  it('writes the deliveries reported after a stored message\'s end: the bounced one and each report sent', () => {
    const withReports = entries(EIGHT_STEPS);
    const end = withReports.findIndex((e) => e.kind === 'exchange' && e.ex.kind === 'end-of-data');
    withReports.splice(end, 0, {
      kind: 'stored',
      n: 7,
      reports: [
        { action: 'failed', recipients: ['gone@practice.test'], n: 8 },
        { action: 'delivered', recipients: ['alice@practice.test'], n: 9 },
      ],
    });
    const lines = practiceServerLog(withReports, 'localhost[127.0.0.1]', 40, 1);
    const at = lines.findIndex((l) => l.includes('postfix/smtp[41]'));
    expect(lines.slice(at, at + 3)).toEqual([
      expect.stringMatching(/^Nov 30 00:12:\d\d practice postfix\/smtp\[41\]: 3A0007: to=<gone@practice\.test>, relay=mailbox\.practice\.test\[192\.0\.2\.25\]:25, .*dsn=5\.1\.1, status=bounced \(host mailbox\.practice\.test\[192\.0\.2\.25\] said: 550 5\.1\.1 <gone@practice\.test>: .* \(in reply to RCPT TO command\)\)$/),
      expect.stringMatching(/ postfix\/bounce\[42\]: 3A0007: sender non-delivery notification: 3A0008$/),
      expect.stringMatching(/ postfix\/bounce\[42\]: 3A0007: sender delivery status notification: 3A0009$/),
    ]);
    // After the reply to the ".", before QUIT.
    expect(lines[at - 1]).not.toContain('disconnect');
    expect(lines.at(-1)).toContain('disconnect from');
  });

  it('counts a message still being typed when the connection was lost as a DATA that failed', () => {
    const lines = practiceServerLog(entries(EIGHT_STEPS.slice(0, 14)), 'localhost[127.0.0.1]', 9, 3);
    expect(lines.at(-2)).toMatch(/lost connection after DATA from localhost\[127\.0\.0\.1\]$/);
    expect(lines.at(-1)).toMatch(/ehlo=1 mail=1 rcpt=1\/2 data=0\/1 commands=3\/5$/);
    // With QUIT answered, no such line.
    expect(practiceServerLog(entries(EIGHT_STEPS), 'localhost[127.0.0.1]', 9, 3).join('\n')).not.toContain('lost connection');
  });

  it('writes no disconnect line while the connection is open', () => {
    expect(practiceServerLog(entries(EIGHT_STEPS.slice(0, 6), false), 'localhost[127.0.0.1]', 1, 1).at(-1)).not.toContain('disconnect');
  });

  it('stamps lines as syslog does', () => {
    expect(syslogTime(Date.UTC(2026, 0, 5, 9, 3, 7))).toBe('Jan  5 09:03:07');
  });
});
