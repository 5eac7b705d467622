/**
 * Sendmail's log lines read through the log reader (shared/smtp/log-sendmail.ts via log-read.ts). The lines are in
 * the forms Sendmail 8.x writes them (its syslog formats), written here, not recorded from a server.
 */
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { reportReply } from '../../shared/smtp/report.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const at = (program: string, text: string): string => `Nov 30 00:12:34 mx ${program}[6555]: ${text}`;
const delivery = (id: string, to: string, relay: string, dsn: string, stat: string): string =>
  at('sm-mta', `${id}: to=${to}, ctladdr=<www-data@mx.example.org> (33/33), delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=120314, relay=${relay}, dsn=${dsn}, stat=${stat}`);

const DEFERRED = delivery('4AU0CYx1001234', '<carol@example.org>', 'mx.example.org. [192.0.2.10]', '4.2.0',
  'Deferred: 450 4.2.0 <carol@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html');
const UNKNOWN = delivery('4AU0CYx1001235', '<bob@example.org>', 'mx.example.org. [192.0.2.10]', '5.1.1', 'User unknown');
const SENT = delivery('4AU0CYx1001236', '<x@gmail.com>', 'gmail-smtp-in.l.google.com. [142.250.1.27]', '2.0.0',
  'Sent (OK  1764461580 a1si123456wrb.12 - gsmtp)');
const TIMED_OUT = delivery('4AU0CYx1001237', '<y@example.com>', 'mx.example.com.', '4.0.0', 'Deferred: Connection timed out with mx.example.com.');
const RELAYING = at('sendmail', '4AU0CYx1001238: ruleset=check_rcpt, arg1=<z@example.net>, relay=client.example.com [203.0.113.5] (may be forged), reject=550 5.7.1 <z@example.net>... Relaying denied. Proper authentication required.');
const SENDER = at('sm-mta', '4AU0CYx1001239: ruleset=check_mail, arg1=<a@nowhere.invalid>, relay=client.example.com [203.0.113.5], reject=553 5.1.8 <a@nowhere.invalid>... Domain of sender address a@nowhere.invalid does not exist');
const MILTER = at('sm-mta', '4AU0CYx1001240: Milter: data, reject=554 5.7.1 Rejected as spam');

const replies = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));

describe("Sendmail's log", () => {
  it('is known as a mail log by its programs\' tags (sendmail, sm-mta, sm-msp-queue)', () => {
    for (const l of [DEFERRED, RELAYING, at('sm-msp-queue', 'x: to=root, delay=0, stat=Sent')]) expect(isMailLog(l), l).toBe(true);
    expect(isMailLog('sendmail is a program\nsm-mta [1]: no')).toBe(false);
  });

  it('reads a deferral\'s quoted reply (greylisting, recognised), with the message id, recipient and relay', () => {
    const steps = readMailLog(DEFERRED);
    expect(notes(steps)).toEqual(['4AU0CYx1001234 to carol@example.org via mx.example.org. [192.0.2.10]: deferred (dsn=4.2.0); the server said:']);
    const [ex] = replies(steps);
    expect(ex?.reply.code).toBe(450);
    expect(reportReply(1, ex!).vendor[0]?.id).toBe('postgrey-greylisted');
  });

  it('reads Sent (…) as the answer to the message, with the 250 Sendmail leaves out, and finds its queue id', () => {
    const steps = readMailLog(SENT);
    expect(notes(steps)[0]).toMatch(/^4AU0CYx1001236 to x@gmail\.com via .*: sent; the receiving server's answer to the end of the message \(logged without its 250\):$/);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ kind: 'end-of-data', reply: { code: 250 } });
    expect(reportReply(1, ex!).queued?.id).toBe('a1si123456wrb.12');
  });

  it('says what a refusal named only in Sendmail\'s words means, by its dsn', () => {
    const steps = readMailLog(UNKNOWN);
    expect(replies(steps)).toEqual([]);
    expect(notes(steps)).toEqual([expect.stringMatching(/^4AU0CYx1001235 to bob@example\.org via mx\.example\.org\. \[192\.0\.2\.10\] \(dsn=5\.1\.1\): bounced: User unknown — 5\.1\.1 Bad destination mailbox address: /)]);
  });

  it('says why a deferral without a reply waits (a connection that timed out)', () => {
    expect(notes(readMailLog(TIMED_OUT))[0]).toMatch(/\(dsn=4\.0\.0\): Deferred: Connection timed out with mx\.example\.com\. — no answer on port 25: often blocked on the way/);
  });

  it('reads a ruleset\'s refusal as this server\'s answer to the command the ruleset checks', () => {
    const steps = readMailLog(`${RELAYING}\n${SENDER}`);
    expect(notes(steps)).toEqual([
      '4AU0CYx1001238: this server refused client.example.com [203.0.113.5] (may be forged) (check_rcpt, <z@example.net>):',
      '4AU0CYx1001239: this server refused client.example.com [203.0.113.5] (check_mail, <a@nowhere.invalid>):',
    ]);
    const [relay, sender] = replies(steps);
    expect(relay).toMatchObject({ command: { verb: 'RCPT', path: 'z@example.net' }, reply: { code: 550, enhanced: { text: '5.7.1' } } });
    expect(reportReply(1, relay!).vendor[0]?.topic).toBe('relay-denied');
    expect(sender).toMatchObject({ command: { verb: 'MAIL', path: 'a@nowhere.invalid' }, reply: { code: 553 } });
  });

  it('reads a milter\'s refusal at the end of the message as the answer to it', () => {
    const steps = readMailLog(MILTER);
    expect(notes(steps)).toEqual(['4AU0CYx1001240: a milter had this server refuse the client at the end of the message:']);
    expect(replies(steps)[0]).toMatchObject({ kind: 'end-of-data', reply: { code: 554 } });
  });

  it('says what its lines about a client mean, each different line once', () => {
    const lines = [
      at('sm-mta', '4AU0CYx1001241: client.example.com [203.0.113.5] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA'),
      at('sm-mta', '4AU0CYx1001242: client.example.com [203.0.113.5] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA'),
      at('sm-mta', '4AU0CYx1001243: lost input channel from client.example.com [203.0.113.5] to MTA after rcpt'),
      at('sm-mta', '4AU0CYx1001244: [203.0.113.5]: possible SMTP attack: command=AUTH, count=3'),
      at('sm-mta', 'AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=admin, relay=[203.0.113.5]'),
    ];
    const said = notes(readMailLog(lines.join('\n')));
    expect(said).toHaveLength(4);
    expect(said[0]).toMatch(/^sendmail: client\.example\.com \[203\.0\.113\.5\] connected to the MTA port and left without sending a message/);
    expect(said[1]).toMatch(/hung up after rcpt, in the middle of the dialog: address harvesters/);
    expect(said[2]).toMatch(/\[203\.0\.113\.5\] sent AUTH 3 times in one connection/);
    expect(said[3]).toMatch(/a failed login \(LOGIN as admin\) from \[203\.0\.113\.5\]/);
  });

  it('says a recipient it does not know was refused with 550 5.1.1, and how to add one', () => {
    const [said] = notes(readMailLog(at('sm-mta', '4AU0CYx1001245: <nobody@mx.example.org>... User unknown')));
    expect(said).toBe(
      'sendmail: refused the recipient <nobody@mx.example.org>: no local user or alias of that name (it answered the client "550 5.1.1 <nobody@mx.example.org>... User unknown"). Check the spelling, or add an alias to /etc/mail/aliases and run newaliases',
    );
  });
});
