/**
 * Mail queue listings (shared/smtp/mail-queue.ts), read from what Postfix 3.7, Sendmail 8.17 and Exim 4.96 printed
 * (test/fixtures/queues, recorded): each message, its state and each recipient's reason; then explained against a
 * clock of the test's own, each reason once; and what is not a listing left alone. Exim's `-Mvl` (a message's own
 * log) is read by the log reader (log-exim.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { explainMailQueue, readMailQueue, type MailQueue } from '../../shared/smtp/mail-queue.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/queues/${name}`, import.meta.url), 'utf8');
/** When the queues were recorded (2026-12-01 05:13:56 UTC) and three days later. */
const RECORDED = Date.UTC(2026, 11, 1, 5, 20);
const LATER = Date.UTC(2026, 11, 4, 6, 0);

/** Whether the explain desk takes a text for a queue listing: one read, with a message in it. */
const isMailQueue = (text: string): boolean => (readMailQueue(text, LATER)?.messages.length ?? 0) > 0;

const read = (name: string, now = RECORDED): MailQueue => {
  const q = readMailQueue(fixture(name), now);
  if (q === null) throw new Error(`${name} not read`);
  return q;
};
/** The steps as lines: notes as they are, replies as "S: <code> <text>" and what they answered. */
const shown = (steps: readonly ReplayStep[]): string[] =>
  steps.map((s) => (s.kind === 'note' ? s.text : s.kind === 'reply' ? `S: ${s.exchange.reply.code} ${s.exchange.reply.lines.map((l) => l.text).join(' ')} [${s.exchange.command?.verb ?? s.exchange.kind}]` : s.kind));

describe('Postfix queue listings', () => {
  const GREYLISTED = (rcpt: string): string =>
    `host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <${rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html (in reply to RCPT TO command)`;
  const expected = [
    { id: '8754816E0B3', state: 'queued', sender: 'alice@heloterm.test', recipients: [{ address: 'bob@greylist.test', reason: GREYLISTED('bob@greylist.test') }] },
    {
      id: '8871816E0B1',
      state: 'queued',
      sender: 'carol@heloterm.test',
      recipients: [
        { address: 'dave@down.test', reason: 'connect to 127.0.0.1[127.0.0.1]:2602: Connection refused' },
        { address: 'erin@greylist.test', reason: GREYLISTED('erin@greylist.test') },
      ],
    },
    { id: '91B2516E0BD', state: 'queued', sender: 'grace@heloterm.test', recipients: [{ address: 'someone@example.invalid', reason: 'unable to look up host example.invalid: Temporary failure in name resolution' }] },
    { id: '9BBA216E0C3', state: 'queued', sender: 'MAILER-DAEMON', recipients: [{ address: 'user@down.test', reason: 'connect to 127.0.0.1[127.0.0.1]:2602: Connection refused' }] },
    { id: '8AD2C16E0B6', state: 'held', sender: 'newsletter@heloterm.test', recipients: [{ address: 'frank@slow.test', reason: 'connect to 192.0.2.1[192.0.2.1]:25: Connection refused' }] },
  ];

  it('reads mailq (postqueue -p): each message, held or not, each recipient with the reason above it', () => {
    const q = read('postfix-3.7-mailq.txt');
    expect([q.server, q.command, q.unread]).toEqual(['Postfix', 'mailq, postqueue -p', 0]);
    expect(q.messages).toEqual(expected.map((m) => ({ ...m, arrival: Date.UTC(2026, 11, 1, 5, 13, 56) })));
  });

  it('reads postqueue -j alike, the hold queue by its name and the arrival to the second', () => {
    const q = read('postfix-3.7-postqueue-j.jsonl');
    expect([q.server, q.command]).toEqual(['Postfix', 'postqueue -j']);
    // -j lists the hold queue where it comes in the queue directories: the same messages, another order.
    expect([...q.messages].sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.map((m) => ({ ...m, arrival: 1796102036000 })).sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('explains each reason once, with what it holds, and what stands out: held, a bounce, days in the queue', () => {
    const lines = shown(explainMailQueue(read('postfix-3.7-mailq.txt', LATER), LATER));
    expect(lines).toEqual([
      "Postfix's mail queue (mailq, postqueue -p): 5 messages for 6 recipients still to deliver (1 held); the oldest arrived 3 days ago",
      '2 recipients of 2 messages (bob@greylist.test…), waiting for 3 days: 127.0.0.1[127.0.0.1] said, in reply to RCPT TO:',
      'S: 450 <bob@greylist.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html [RCPT]',
      expect.stringMatching(/^2 recipients of 2 messages \(dave@down\.test…\), waiting for 3 days: connect to 127\.0\.0\.1\[127\.0\.0\.1\]:2602: Connection refused — nothing listens there: .*port 2602/),
      expect.stringMatching(/^someone@example\.invalid, waiting for 3 days: unable to look up host example\.invalid: Temporary failure in name resolution — this server's resolver did not answer for example\.invalid .* \/mx example\.invalid asks from here$/),
      expect.stringMatching(/^frank@slow\.test, waiting for 3 days: connect to 192\.0\.2\.1\[192\.0\.2\.1\]:25: Connection refused — nothing listens there/),
      "1 message held (!): never delivered until released, postsuper -H ID (postsuper -H ALL for every one); an admin or a content check (HOLD action) put them there",
      expect.stringMatching(/^1 bounce \(from MAILER-DAEMON\) waiting: failure reports this server sends back to senders\. Many of them, .* are backscatter/),
      '5 messages waiting 3 days or more: Postfix returns a message to its sender after maximal_queue_lifetime (5 days by default), a bounce after bounce_queue_lifetime (5 days)',
      expect.stringMatching(/^postqueue -i ID retries one message now/),
    ]);
    // The reply is explained as one received in answer to RCPT TO, its greylisting told by its words.
    const reply = explainMailQueue(read('postfix-3.7-mailq.txt'), RECORDED).find((s) => s.kind === 'reply');
    expect(reply?.kind === 'reply' ? [reply.exchange.command?.verb, reply.exchange.command?.path] : null).toEqual(['RCPT', 'bob@greylist.test']);
  });

  it('reads a listing from December in January as last year\'s, and ages from the day', () => {
    const january = Date.UTC(2027, 0, 2, 12, 0);
    const q = read('postfix-3.7-mailq.txt', january);
    expect(q.messages[0]?.arrival).toBe(Date.UTC(2026, 11, 1, 5, 13, 56));
    expect(shown(explainMailQueue(q, january))[0]).toMatch(/the oldest arrived 32 days ago$/);
    expect(shown(explainMailQueue(read('postfix-3.7-mailq.txt'), RECORDED))[0]).toMatch(/the oldest arrived in the last day$/);
  });

  it('marks a message being delivered, says so of the empty queue, and counts what it does not read', () => {
    const active = '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n4F1C61C0A3*     423 Tue Dec  1 04:50:01  alice@example.org\n                                         bob@example.com\n\n-- 0 Kbytes in 1 Request.\n';
    const q = readMailQueue(active, RECORDED);
    expect(q?.messages).toEqual([{ id: '4F1C61C0A3', state: 'active', arrival: Date.UTC(2026, 11, 1, 4, 50, 1), sender: 'alice@example.org', recipients: [{ address: 'bob@example.com', reason: null }] }]);
    expect(shown(explainMailQueue(q as MailQueue, RECORDED))[0]).toContain('(1 being delivered now)');
    expect(isMailQueue('Mail queue is empty\n')).toBe(false);
    // A reason pasted megabytes long is shown cut.
    const long = readMailQueue(`4F1C61C0A3     423 Tue Dec  1 04:50:01  alice@example.org\n(${'x'.repeat(5000)})\n                                         bob@example.com\n`, RECORDED);
    expect(shown(explainMailQueue(long as MailQueue, RECORDED))[1]).toMatch(/^bob@example\.com, waiting for less than a day: x{1000}… \(4000 more characters\)$/);
    const many = Array.from({ length: 20_050 }, (_, i) => `${(0x100000 + i).toString(16).toUpperCase()}A     1 Tue Dec  1 04:50:01  a@example.org\n                                         b@example.com\n`).join('\n');
    const big = readMailQueue(many, RECORDED);
    expect([big?.messages.length, big?.unread]).toEqual([20_000, 50]);
    expect(shown(explainMailQueue(big as MailQueue, RECORDED))[0]).toMatch(/^Postfix's mail queue \(mailq, postqueue -p\): 20050 messages for 20000 recipients still to deliver; the oldest arrived in the last day; the first 20000 read$/);
  });
});

describe('Sendmail and Exim queue listings', () => {
  it('reads Sendmail\'s mailq, its MSP queue empty, each reason cut as Sendmail cuts it', () => {
    const q = read('sendmail-8.17-mailq.txt');
    expect(q.server).toBe('Sendmail');
    expect(q.messages.map((m) => [m.id, m.sender, m.recipients.map((r) => `${r.address}: ${r.reason}`)])).toEqual([
      ['6B15MS8m021852', 'frank@heloterm.test', ['grace@down.test: Deferred: Connection refused by [127.0.0.2]']],
      ['6B15HLID021803', 'alice@heloterm.test', ['bob@greylist.test: Deferred: 450 4.2.0 <bob@greylist.test>: Recipient address r']],
      ['6B15ILiU021809', 'carol@heloterm.test', ['erin@greylist.test: Deferred: 450 4.2.0 <dave@down.test>: Recipient address reje', 'dave@down.test: Deferred: 450 4.2.0 <dave@down.test>: Recipient address reje']],
    ]);
    const lines = shown(explainMailQueue(q, LATER));
    // One reason cut at two lengths (the address in it differs) is one group, shown at its longer cut.
    expect(lines).toContain('3 recipients of 2 messages (erin@greylist.test…), waiting for 3 days: the server said (mailq cuts it):');
    expect(lines).toContain('S: 450 <dave@down.test>: Recipient address reje [unsolicited]');
    expect(lines.filter((l) => l.startsWith('S: 450 '))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/^grace@down\.test, waiting for 3 days: Deferred: Connection refused by \[127\.0\.0\.2\] — nothing listens there/));
    expect(lines).toContain('3 messages waiting 3 days or more: Sendmail returns a message to its sender after Timeout.queuereturn (5 days by default)');
  });

  it('reads exim -bp: ages, frozen bounces, recipients delivered left out, and where the reasons are', () => {
    const q = read('exim-4.96-bp.txt');
    expect(q.messages.map((m) => [m.id, m.state, m.sender, m.recipients.map((r) => r.address), m.arrival])).toEqual([
      ['1xYGCa-0005Il-1G', 'queued', 'alice@heloterm.test', ['bob@greylist.test'], RECORDED],
      ['1xYGCa-0005Io-1I', 'queued', 'carol@heloterm.test', ['erin@greylist.test', 'dave@greylist.test'], RECORDED],
      ['1xYGCa-0005J0-1X', 'frozen', '', ['nobody@remote.test'], RECORDED],
    ]);
    const lines = shown(explainMailQueue(q, RECORDED));
    expect(lines).toContain('exim -bp says no reasons: exim -Mvl 1xYGCa-0005Il-1G shows why that message waits (its own log: paste it here to have it explained)');
    expect(lines).toContainEqual(expect.stringMatching(/^1 message frozen: Exim stopped trying/));
    expect(lines).toContainEqual(expect.stringMatching(/^1 bounce \(from <>\) waiting/));
    const aged = readMailQueue(' 4d  2.9K 1xYGCa-0005Il-1G <alice@example.org>\n          bob@example.com\n       D  carol@example.com\n', LATER);
    expect(aged?.messages[0]).toMatchObject({ arrival: LATER - 4 * 86_400_000, recipients: [{ address: 'bob@example.com', reason: null }] });
    expect(shown(explainMailQueue(aged as MailQueue, LATER))).toContain('1 message waiting 3 days or more: Exim gives up at the end of its retry rule (4 days in the default configuration) and bounces it');
  });

  it("reads Exim's -Mvl, a message's own log, as log lines: the deferral's reply for what it answered", () => {
    const text = fixture('exim-4.96-Mvl.txt');
    expect(isMailLog(text)).toBe(true);
    expect(isMailQueue(text)).toBe(false);
    expect(shown(readMailLog(text))).toEqual([
      'the message deferred for bob@greylist.test; the server said, after RCPT TO:<bob@greylist.test>:',
      'S: 450 <bob@greylist.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html [RCPT]',
      '1 more line quoted a reply explained above',
    ]);
  });
});

describe('what is not a queue listing', () => {
  it('leaves log lines, dialogs and bounces to their readers, and survives anything pasted', () => {
    for (const text of [
      'Nov 30 00:12:34 mx postfix/smtp[12345]: 3F2A1C0042: to=<bob@example.org>, relay=none, delay=30, dsn=4.4.1, status=deferred (connect to mx.example.com[198.51.100.7]:25: Connection timed out)',
      '220 mx.example.org ESMTP\nEHLO a\n250 mx.example.org',
      'Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.1.1',
      '{"queue_name": 5}',
      '',
    ]) {
      expect(isMailQueue(text)).toBe(false);
    }
    let seed = 7;
    const r = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['8754816E0B3     298 Tue Dec  1 05:13:56  a@b', '(host x said: 450 y (in reply to RCPT TO command))', '          c@d', ' 4h  2.9K 1xYGCa-0005Il-1G <a@b> *** frozen ***', '\t\t/var/spool/mqueue (1 request)', '(', ')', '{"queue_name": "deferred", "queue_id": "X", "recipients": [{}]}', 'x'.repeat(3000), '\u0000'];
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 1 + Math.floor(r() * 12) }, () => pieces[Math.floor(r() * pieces.length)]).join(r() < 0.5 ? '\n' : '\r\n');
      const q = readMailQueue(text, LATER);
      if (q !== null) expect(Array.isArray(explainMailQueue(q, LATER))).toBe(true);
    }
  });
});
