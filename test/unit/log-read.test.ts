/**
 * Mail log lines read for the replies they quote (shared/smtp/log-read.ts). The lines are in the forms Postfix 3.x
 * and Exim 4.9x write them (their documentation's and source's formats), written here, not recorded from a server.
 */
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { reportReply } from '../../shared/smtp/report.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const POSTFIX_BOUNCED =
  'Nov 30 00:12:34 mx postfix/smtp[12345]: 3F2A1C0042: to=<bob@example.org>, relay=mx.example.org[192.0.2.10]:25, delay=0.52, delays=0.01/0/0.3/0.21, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.10] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))';
const POSTFIX_GREYLISTED =
  '2026-11-30T00:12:35.118273+00:00 mx postfix-out/smtp[12350]: 7A0B3C0043: to=<carol@example.org>, orig_to=<info@example.net>, relay=mx.example.org[192.0.2.10]:25, conn_use=2, delay=301, delays=0.1/0/0.2/0.3, dsn=4.2.0, status=deferred (host mx.example.org[192.0.2.10] said: 450 4.2.0 <carol@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html (in reply to RCPT TO command))';
const POSTFIX_SENT =
  'Nov 30 00:13:00 mx postfix/smtp[12346]: 4B1D2E0044: to=<x@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.27]:25, delay=1.2, delays=0.1/0/0.3/0.8, dsn=2.0.0, status=sent (250 2.0.0 OK  1764461580 a1si123456wrb.12 - gsmtp)';
const POSTFIX_TIMEOUT =
  'Nov 30 00:14:00 mx postfix/smtp[12347]: 5C2F3A0045: to=<y@example.com>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[198.51.100.7]:25: Connection timed out)';
const POSTFIX_DATA =
  'Nov 30 00:15:00 mx postfix/smtp[12348]: 6D3A4B0046: to=<z@example.com>, relay=mx.example.com[198.51.100.8]:25, delay=2, delays=0/0/1/1, dsn=5.7.1, status=bounced (host mx.example.com[198.51.100.8] said: 554 5.7.1 Message rejected as spam (in reply to end of DATA command))';
const POSTFIX_REJECT =
  'Nov 30 00:12:34 mx postfix/smtpd[2222]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5; from=<a@example.net> to=<c@example.org> proto=ESMTP helo=<x.example.net>';
const EXIM_BOUNCED =
  '2026-11-30 00:12:34 1abcDE-000123-AB ** bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DT=0s: SMTP error from remote mail server after RCPT TO:<bob@example.org>: 550 5.1.1 <bob@example.org>: User unknown';
const EXIM_DEFERRED =
  '2026-11-30 00:12:35 1abcDF-000124-AC == carol@example.org R=dnslookup T=remote_smtp defer (-44) H=mx.example.org [192.0.2.10]: SMTP error from remote mail server after pipelined RCPT TO:<carol@example.org>: 451 4.7.1 Please try again later';

const replies = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));

describe('isMailLog', () => {
  it('knows Postfix\'s and Exim\'s lines, in syslog\'s and journald\'s dates, and nothing else', () => {
    for (const l of [POSTFIX_BOUNCED, POSTFIX_GREYLISTED, POSTFIX_REJECT, EXIM_BOUNCED, EXIM_DEFERRED]) expect(isMailLog(`some line\n${l}\n`), l).toBe(true);
    for (const t of ['220 mx.example.org ESMTP\nEHLO me', 'Final-Recipient: rfc822; bob@example.org\nDiagnostic-Code: smtp; 550 5.1.1 x', '<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1 unknown (in reply to RCPT TO command)']) {
      expect(isMailLog(t), t).toBe(false);
    }
  });
});

describe('readMailLog', () => {
  it('reads a Postfix delivery\'s refusal as the answer to the command it names, for that recipient', () => {
    const steps = readMailLog(POSTFIX_BOUNCED);
    expect(notes(steps)).toEqual(['3F2A1C0042 to bob@example.org via mx.example.org[192.0.2.10]:25: bounced (dsn=5.1.1); the server said, in reply to RCPT TO:']);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ kind: 'command', command: { verb: 'RCPT', path: 'bob@example.org' }, reply: { code: 550, enhanced: { text: '5.1.1' } } });
    const report = reportReply(1, ex!);
    expect(report.answered).toBe('RCPT');
    expect(report.vendor[0]?.topic).toBe('unknown-user');
  });

  it('reads greylisting in a deferral (journald\'s dates, a second Postfix instance, orig_to and conn_use)', () => {
    const [ex] = replies(readMailLog(POSTFIX_GREYLISTED));
    expect(ex?.reply.code).toBe(450);
    expect(reportReply(1, ex!).vendor[0]?.id).toBe('postgrey-greylisted');
  });

  it('reads status=sent as the receiver\'s answer to the end of the message, with its queue id', () => {
    const [ex] = replies(readMailLog(POSTFIX_SENT));
    expect(ex?.kind).toBe('end-of-data');
    expect(reportReply(1, ex!).queued?.id).toBe('a1si123456wrb.12');
  });

  it('reads an answer to the end of DATA as the message\'s', () => {
    const [ex] = replies(readMailLog(POSTFIX_DATA));
    expect(ex).toMatchObject({ kind: 'end-of-data', reply: { code: 554 } });
  });

  it('explains a connection that timed out as heloterm explains its own (port 25 blocked on the way)', () => {
    const steps = readMailLog(POSTFIX_TIMEOUT);
    expect(replies(steps)).toEqual([]);
    expect(notes(steps)[0]).toMatch(/^5C2F3A0045 to y@example\.com: deferred \(dsn=4\.4\.1\): connect to mx\.example\.com\[198\.51\.100\.7\]:25: Connection timed out — no answer on port 25: often blocked on the way/);
  });

  it('says an MX host\'s IPv6 address that the logging server has no route to is its own network\'s doing', () => {
    const v6 = readMailLog(
      'Nov 30 00:14:00 mx postfix/smtp[12347]: 5C2F3A0046: to=<y@example.com>, relay=none, delay=0.2, delays=0/0/0.2/0, dsn=4.4.1, status=deferred (connect to mx.example.com[2001:db8::25]:25: Network is unreachable)',
    );
    expect(replies(v6)).toEqual([]);
    expect(notes(v6)[0]).toMatch(/Network is unreachable — no route to IPv6 from this server: .*inet_protocols = ipv4/);
    const v4 = readMailLog(
      'Nov 30 00:14:00 mx postfix/smtp[12347]: 5C2F3A0047: to=<y@example.com>, relay=none, delay=0.2, delays=0/0/0.2/0, dsn=4.4.1, status=deferred (connect to mx.example.com[198.51.100.7]:25: Network is unreachable)',
    );
    expect(notes(v4)[0]).toMatch(/Network is unreachable — no route to that network from this server/);
    expect(notes(v4)[0]).not.toContain('IPv6');
  });

  it('reads smtpd\'s refusal as the reply this server gave a client, at the command it names', () => {
    const steps = readMailLog(POSTFIX_REJECT);
    expect(notes(steps)).toEqual(['NOQUEUE: this server (smtpd) refused unknown[203.0.113.5] at RCPT (from=<a@example.net> to=<c@example.org> proto=ESMTP helo=<x.example.net>):']);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ command: { verb: 'RCPT', path: 'c@example.org' }, reply: { code: 554 } });
    // The reply ends where Postfix's own fields begin.
    expect(ex?.reply.lines[0]?.text).toMatch(/zen\.spamhaus\.org; https:\/\/www\.spamhaus\.org\/query\/ip\/203\.0\.113\.5$/);
    expect(reportReply(1, ex!).vendor[0]?.id).toBe('spamhaus-listed');
  });

  it('reads Exim\'s ** and == lines, a pipelined RCPT as an RCPT', () => {
    const steps = readMailLog(`${EXIM_BOUNCED}\n${EXIM_DEFERRED}`);
    expect(notes(steps)).toEqual([
      '1abcDE-000123-AB bounced for bob@example.org; the server said, after RCPT TO:<bob@example.org>:',
      '1abcDF-000124-AC deferred for carol@example.org; the server said, after pipelined RCPT TO:<carol@example.org>:',
    ]);
    expect(replies(steps).map((e) => [e.reply.code, e.command?.verb, e.command?.path])).toEqual([
      [550, 'RCPT', 'bob@example.org'],
      [451, 'RCPT', 'carol@example.org'],
    ]);
  });

  it('explains a reply quoted by many lines once, and counts the rest', () => {
    const queue = Array.from({ length: 12 }, () => POSTFIX_GREYLISTED).join('\n');
    const steps = readMailLog(`${queue}\n${POSTFIX_BOUNCED}`);
    expect(replies(steps).map((e) => e.reply.code)).toEqual([450, 550]);
    expect(notes(steps).at(-1)).toBe('11 more lines quoted a reply explained above');
  });

  it('says a reason many deliveries gave once, counts the rest, and shows at most 100 reasons', () => {
    const deferred = (i: number, host: string): string =>
      `Nov 30 00:14:00 mx postfix/smtp[12347]: 5C${i}: to=<y${i}@example.com>, relay=none, delay=30, dsn=4.4.1, status=deferred (connect to ${host}[198.51.100.7]:25: Connection timed out)`;
    // A queue of 10,000 deferrals for one cause, then 150 for causes of their own.
    const queue = [...Array.from({ length: 10_000 }, (_, i) => deferred(i, 'mx.example.com')), ...Array.from({ length: 150 }, (_, i) => deferred(i, `mx${i}.example.net`))];
    const said = notes(readMailLog(queue.join('\n')));
    expect(said).toHaveLength(102);
    expect(said[0]).toMatch(/^5C0 to y0@example\.com: deferred \(dsn=4\.4\.1\): connect to mx\.example\.com\[/);
    expect(said[1]).toMatch(/^5C0 to y0@example\.com: deferred \(dsn=4\.4\.1\): connect to mx0\.example\.net\[/);
    expect(said.slice(-2)).toEqual(['9999 more lines gave a reason said above', '51 more lines gave other reasons, not shown (100 are)']);
  });

  it('tells a message\'s way through the queue, as grep of its queue id shows it, in order', () => {
    const at = (daemon: string, text: string): string => `Nov 30 00:12:3${daemon.length % 10} mx postfix/${daemon}[4444]: ${text}`;
    const steps = readMailLog(
      [
        at('smtpd', '8C1E2A0042: client=laptop.example.org[192.0.2.55], sasl_method=PLAIN, sasl_username=alice'),
        at('cleanup', '8C1E2A0042: message-id=<20261130001234.ABC@laptop.example.org>'),
        at('qmgr', '8C1E2A0042: from=<alice@example.org>, size=2345, nrcpt=1 (queue active)'),
        POSTFIX_BOUNCED.replace('3F2A1C0042', '8C1E2A0042'),
        at('bounce', '8C1E2A0042: sender non-delivery notification: 9D2F3B0043'),
        at('qmgr', '8C1E2A0042: removed'),
        at('pickup', '7B0C1D0041: uid=33 from=<www-data>'),
        at('qmgr', '6A0B1C0040: from=<>, size=3100, nrcpt=1 (queue active)'),
        at('qmgr', '5F0A0B003F: from=<news@example.org>, status=expired, returned to sender'),
      ].join('\n'),
    );
    expect(steps.map((s) => (s.kind === 'note' ? s.text.replace(/:.*$/s, '') : s.kind === 'reply' ? `reply ${s.exchange.reply.code}` : s.kind))).toEqual([
      '8C1E2A0042 received from laptop.example.org[192.0.2.55], logged in as alice',
      '8C1E2A0042 carries Message-ID <20261130001234.ABC@laptop.example.org>',
      '8C1E2A0042 from <alice@example.org>, 2345 bytes, for 1 recipient',
      '8C1E2A0042 to bob@example.org via mx.example.org[192.0.2.10]',
      'reply 550',
      '8C1E2A0042',
      '8C1E2A0042 removed from the queue',
      '7B0C1D0041 handed in on this machine by user id 33 (the sendmail command',
      '6A0B1C0040 from <> (a bounce',
      '5F0A0B003F given up after maximal_queue_lifetime (5 days by default) of deferrals',
    ]);
    expect(notes(steps)[4]).toBe('8C1E2A0042: a bounce went back to the sender, as message 9D2F3B0043: grep that id for its own way');
  });

  it('says so when log lines hold nothing it knows', () => {
    const local = 'Nov 30 00:16:00 mx postfix/smtpd[2223]: connect from unknown[203.0.113.9]';
    expect(readMailLog(local)).toEqual([{ kind: 'note', text: "nothing heloterm knows in these lines: it reads Postfix's delivery, smtpd, postscreen, queue and content-check lines, Exim's deliveries, refusals and the lines on its clients, Sendmail's deliveries and refusals, OpenSMTPD's smtp, mta and mda lines, and Dovecot's deliveries and refused logins" }]);
  });

  it('says why a delivery that quotes no reply was deferred or bounced, and what a local delivery did', () => {
    const at = (daemon: string, id: string, rcpt: string, status: string, why: string): string =>
      `Nov 30 00:20:00 mx postfix/${daemon}[3333]: ${id}: to=<${rcpt}>, relay=none, delay=300, delays=0/0/300/0, dsn=4.4.2, status=${status} (${why})`;
    const said = notes(
      readMailLog(
        [
          at('smtp', 'A1', 'a@example.com', 'deferred', 'lost connection with mx.example.com[198.51.100.7] while receiving the initial server greeting'),
          at('smtp', 'A2', 'b@example.com', 'deferred', 'conversation with mx.example.com[198.51.100.7] timed out while sending end of data -- message may be sent more than once'),
          at('smtp', 'A3', 'c@example.net', 'deferred', 'delivery temporarily suspended: Host or domain name not found. Name service error for name=example.net type=MX: Host not found, try again'),
          at('smtp', 'A4', 'd@example.com', 'deferred', 'delivery temporarily suspended: connect to mx.example.com[198.51.100.7]:25: Connection refused'),
          at('smtp', 'A5', 'e@example.com', 'deferred', 'TLS is required, but was not offered by host mx.example.com[198.51.100.7]'),
          at('local', 'A6', 'bob@mx.example.org', 'bounced', 'unknown user: "bob"'),
          at('virtual', 'A7', 'carol@example.org', 'sent', 'delivered to maildir'),
          at('pipe', 'A8', 'dave@example.org', 'sent', 'delivered via dovecot service'),
          at('local', 'A9', 'erin@mx.example.org', 'bounced', 'mail forwarding loop for erin@mx.example.org'),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(9);
    expect(said[8]).toMatch(/^A9 to erin@mx\.example\.org: bounced \(dsn=4\.4\.2\): mail forwarding loop for erin@mx\.example\.org — a mail loop: the message came back to this server for erin@mx\.example\.org/);
    expect(said[0]).toMatch(/^A1 to a@example\.com: deferred \(dsn=4\.4\.2\): lost connection .* — mx\.example\.com\[198\.51\.100\.7\] hung up while receiving the initial server greeting: overloaded/);
    expect(said[1]).toMatch(/— mx\.example\.com\[198\.51\.100\.7\] stopped answering while sending end of data -- message may be sent more than once/);
    expect(said[2]).toMatch(/— DNS has no MX answer for example\.net \(Host not found, try again\).*\/mx example\.net asks/);
    expect(said[3]).toMatch(/— nothing listens there: /);
    expect(said[4]).toMatch(/— this server requires TLS for the destination/);
    expect(said[5]).toMatch(/^A6 to bob@mx\.example\.org: bounced \(dsn=4\.4\.2\): unknown user: "bob" — no local mailbox or alias for "bob"/);
    expect(said[6]).toMatch(/delivered to maildir — delivered locally: the message is in the recipient's mailbox/);
    expect(said[7]).toMatch(/delivered locally by the dovecot service/);
  });

  it('says what smtpd\'s and postscreen\'s lines about a client mean, each different line once', () => {
    const at = (daemon: string, text: string): string => `Nov 30 00:16:00 mx postfix/${daemon}[2223]: ${text}`;
    const steps = readMailLog(
      [
        at('smtpd', 'disconnect from unknown[203.0.113.9] ehlo=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=3/5'),
        at('smtpd', 'lost connection after AUTH from unknown[203.0.113.9]'),
        at('smtpd', 'lost connection after AUTH from unknown[203.0.113.9]'),
        at('smtpd', 'timeout after DATA (13412 bytes) from mail.example.net[198.51.100.4]'),
        at('smtpd', 'too many errors after RCPT from unknown[203.0.113.9]'),
        at('smtpd', 'improper command pipelining after EHLO from unknown[203.0.113.9]: MAIL FROM:<a@b>\\r\\n'),
        at('smtpd', 'warning: hostname mail.example.net does not resolve to address 198.51.100.4: Name or service not known'),
        at('postscreen', 'PREGREET 11 after 0.15 from [203.0.113.9]:51234: EHLO x\\r\\n'),
        at('postscreen', 'DNSBL rank 3 for [203.0.113.9]:51234'),
        at('smtpd', 'SSL_accept error from unknown[203.0.113.9]: -1'),
        at('smtpd', 'warning: non-SMTP command from unknown[203.0.113.9]: Subject: hello'),
      ].join('\n'),
    );
    expect(replies(steps)).toEqual([]);
    const said = notes(steps);
    expect(said).toHaveLength(10); // the repeated line once
    expect(said[0]).toBe(
      'smtpd: unknown[203.0.113.9] left; what it sent, as accepted/sent: 1 EHLO; 1 MAIL; 1 RCPT, 0 accepted; 1 DATA, 0 accepted; 1 QUIT. A count with fewer accepted than sent is where it was refused (Postfix 3.0 and later, smtpd(8))',
    );
    expect(said[1]).toMatch(/^smtpd: unknown\[203\.0\.113\.9\] hung up after AUTH, in the middle of the dialog: password guessers/);
    expect(said[2]).toMatch(/went silent after DATA \(13412 bytes of the message had come\)/);
    expect(said[3]).toMatch(/smtpd_hard_error_limit \(20\) errors/);
    expect(said[4]).toMatch(/sent "MAIL FROM:<a@b>\\r\\n" before the reply to EHLO/);
    expect(said[5]).toMatch(/^smtpd: the reverse DNS name of 198\.51\.100\.4, mail\.example\.net, does not lead back to it/);
    expect(said[6]).toMatch(/^postscreen: \[203\.0\.113\.9\]:51234 talked 0\.15 s after connecting/);
    expect(said[7]).toContain('/dnsbl 203.0.113.9 asks the lists');
    expect(said[8]).toMatch(/^smtpd: a TLS handshake with unknown\[203\.0\.113\.9\] failed/);
    expect(said[9]).toMatch(/^smtpd: unknown\[203\.0\.113\.9\] sent "Subject: hello", a message's header field or a web request where a command goes: Postfix answered "221 2\.7\.0 Error: I can break rules, too\. Goodbye\." and hung up/);
    expect(said[4]).not.toContain('/tls injection');
    // The line heloterm's own STARTTLS injection check leaves in the log of a Postfix it tests.
    const probe = notes(readMailLog(at('smtpd', 'improper command pipelining after STARTTLS from client.example.net[192.0.2.10]: NOOP\\r\\n')));
    expect(probe[0]).toMatch(/sent "NOOP\\r\\n" before the reply to STARTTLS: .*how a STARTTLS injection check tests a server \(heloterm's \/tls injection\)$/);
  });
});

describe('log lines shown', () => {
  it('leave out the coach\'s word on what to type next (there is no dialog to go on with)', async () => {
    const { formatReplay } = await import('../../client/terminal/render-transcript.js');
    const shown = formatReplay(readMailLog(POSTFIX_SENT), 1, 'log lines').text;
    expect(shown).toContain('gsmtp');
    expect(shown).not.toContain('Send QUIT to finish');
    // In a pasted dialog it stays: the dialog goes on.
    const dialog = formatReplay(replies(readMailLog(POSTFIX_SENT)).map((exchange) => ({ kind: 'reply' as const, exchange })), 1, 'transcript').text;
    expect(dialog).toContain('Send QUIT to finish');
  });
});

describe('lines built to make a regex backtrack', () => {
  // Each line is megabytes long and repeats what a backtracking regex would try again at every occurrence: read in
  // one pass, each takes milliseconds; read by a regex that backtracks, minutes, past the test's time limit.
  it('write at most a thousand characters of any one line into a note, and say how many more there were', () => {
    const big = 'x'.repeat(200_000);
    for (const line of [
      `2026-11-30 00:12:34 H=(c.example) [203.0.113.5] F=<a@b> rejected RCPT <bob@example.org>: ${big}`,
      `Nov 30 00:12:34 mx sm-mta[1]: 4AU0: to=<b@c>, delay=00:00:01, mailer=esmtp, relay=x, dsn=5.1.1, stat=${big}`,
      `Nov 30 00:12:34 mx smtpd[1]: 0123456789abcdef mta error reason=${big}`,
      `Nov 30 00:12:34 mx postfix/smtp[1]: 3F2A: to=<b@c>, relay=none, delay=1, dsn=4.4.1, status=deferred (${big})`,
    ]) {
      const [note, ...rest] = notes(readMailLog(line));
      expect(rest).toEqual([]);
      expect(note!.length, line.slice(0, 40)).toBeLessThanOrEqual(1_030);
      expect(note).toMatch(/x… \(\d{6} more characters\)|x…/);
    }
  });

  it('are read in one pass: a refusal with Postfix\'s fields begun a hundred thousand times, an Exim line, Sendmail\'s recipients', () => {
    const reject = `Nov 30 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 550 5.7.1 no${'; from=<a'.repeat(200_000)}`;
    // Postfix's fields never close: the reply is the whole megabyte, longer than any reply is read.
    expect(readMailLog(reject)).toEqual([{ kind: 'note', text: expect.stringMatching(/^nothing heloterm knows/) }]);
    expect(replies(readMailLog(`${reject}> to=<b@c> proto=ESMTP`)).map((e) => e.reply.code)).toEqual([550]);
    const exim = readMailLog(`2026-11-30 00:12:34 1abcDE-000123-AB ** b@c R=r${': SMTP error from remote mail server after x'.repeat(70_000)}: 550 5.1.1 gone`);
    expect(replies(exim).map((e) => e.reply.code)).toEqual([550]);
    const sendmail = readMailLog(`Nov 30 mx sm-mta[1]: x: to=${', '.repeat(1_000_000)}`);
    expect(notes(sendmail)).toEqual([expect.stringMatching(/^nothing heloterm knows/)]);
  });
});
