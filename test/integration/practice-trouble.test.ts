/**
 * The practice server's mailboxes that refuse on purpose (shared/practice/trouble.ts), through the real bridge:
 * full@ says what a Dovecot quota check says, greylist@ what Postfix with postgrey says, and lets a sender through
 * only once the delay has passed since its first try, per (client, sender, recipient). heloterm's own knowledge
 * must recognise both texts, or the lesson that uses them would teach nothing.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { MAX_GREYLIST_ENTRIES } from '../../server/practice/practice-server.js';
import { simpleParser } from 'mailparser';
import { FULL_MAILBOX, GONE_MAILBOX, GREYLIST_MAILBOX, SLOW_MAILBOX } from '../../shared/practice/trouble.js';
import { isBounce, readBounce } from '../../shared/smtp/bounce-read.js';
import { matchVendorRules } from '../../shared/smtp/vendor-match.js';
import type { Reply } from '../../shared/smtp/types.js';
import { WsTestClient } from '../helpers/ws-client.js';

const GREYLIST_MS = 300;
const SLOW_MS = 400;
let app: Heloterm;
let client: WsTestClient;

beforeEach(async () => {
  app = await startHeloterm({ port: 0, log: () => undefined, practice: { greylistMs: GREYLIST_MS, slowMs: SLOW_MS } });
  client = await WsTestClient.open(app.url);
  const practice = (await client.next('hello')).practice!;
  client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
  expect((await client.nextReply()).code).toBe(220);
  expect(await say('EHLO trainee')).toMatchObject({ code: 250 });
});

afterEach(async () => {
  await client.close();
  await app.close();
});

async function say(line: string): Promise<Reply> {
  client.line(line);
  return client.nextReply();
}

const text = (r: Reply): string => r.lines.map((l) => l.text).join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the practice mailboxes that refuse on purpose', () => {
  it('full@ is over its quota: 552 5.2.2, recognised as a full mailbox; the transaction goes on', async () => {
    await say('MAIL FROM:<trainee@example.org>');
    const r = await say(`RCPT TO:<${FULL_MAILBOX}@practice.test>`);
    expect([r.code, r.enhanced?.text]).toEqual([552, '5.2.2']);
    expect(matchVendorRules(r.code, text(r))[0]).toMatchObject({ id: 'dovecot-quota-exceeded', topic: 'mailbox-full' });
    expect((await say('RCPT TO:<bob@practice.test>')).code).toBe(250);
  });

  it('greylist@ defers a new sender with 450 4.2.0 (postgrey), again when retried early, and lets it through later', async () => {
    await say('MAIL FROM:<trainee@example.org>');
    const first = await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`);
    expect([first.code, first.enhanced?.text]).toEqual([450, '4.2.0']);
    expect(matchVendorRules(first.code, text(first))[0]).toMatchObject({ id: 'postgrey-greylisted' });
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(450);
    await sleep(GREYLIST_MS + 50);
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(250);
    // The delay counts per sender: another sender starts its own.
    await say('RSET');
    await say('MAIL FROM:<someone-else@example.org>');
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(450);
    // And the sender let through stays through, in a new transaction.
    await say('RSET');
    await say('MAIL FROM:<Trainee@Example.org>');
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(250);
  });

  it('greylisting remembers at most MAX_GREYLIST_ENTRIES senders, forgetting the oldest', async () => {
    // Straight to the practice server over TCP (greylisted by its address), pipelined: more senders than it remembers.
    const practice = app.practice!;
    const direct = async (lines: string[]): Promise<string> => {
      const socket = net.connect(practice.info.port, practice.info.host);
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (received += d));
      const replies = (): number => (received.match(/^\d{3} /gm) ?? []).length;
      const until = async (n: number): Promise<void> => {
        for (let i = 0; replies() < n; i++) {
          if (i > 600) throw new Error(`${replies()} of ${n} replies`);
          await sleep(50);
        }
      };
      await until(1);
      socket.write('EHLO trainee\r\n');
      await until(2);
      socket.write(lines.map((l) => `${l}\r\n`).join(''));
      await until(2 + lines.length);
      socket.destroy();
      return received;
    };
    const senders = MAX_GREYLIST_ENTRIES + 10;
    const tries = (sender: string): string[] => [`MAIL FROM:<${sender}>`, `RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`, 'RSET'];
    const received = await direct(Array.from({ length: senders }, (_, i) => tries(`s${i}@example.org`)).flat());
    expect((received.match(/^450 4\.2\.0 /gm) ?? []).length).toBe(senders);
    expect(practice.greylistSize).toBe(MAX_GREYLIST_ENTRIES);
    // The first sender was forgotten: after the delay it is deferred again, as new; the last one is let through.
    await sleep(GREYLIST_MS + 50);
    const again = await direct([...tries('s0@example.org'), ...tries(`s${senders - 1}@example.org`)]);
    // The greeting, EHLO, then MAIL, RCPT, RSET twice: the RCPT answers are the 4th and 7th.
    const codes = (again.match(/^\d{3}(?= )/gm) ?? []).map(Number);
    expect([codes[3], codes[6]]).toEqual([450, 250]);
  }, 60_000);

  it('greylists each browser session as a client of its own: one trainee who waited lets no other through', async () => {
    // Every browser comes to the practice server from the bridge's address; a class types the same sender.
    await say('MAIL FROM:<trainee@example.org>');
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(450);
    await sleep(GREYLIST_MS + 50);
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(250);
    const other = await WsTestClient.open(app.url);
    try {
      const practice = (await other.next('hello')).practice!;
      other.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
      expect((await other.nextReply()).code).toBe(220);
      for (const line of ['EHLO trainee', 'MAIL FROM:<trainee@example.org>']) {
        other.line(line);
        expect((await other.nextReply()).code).toBe(250);
      }
      other.line(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`);
      expect((await other.nextReply()).code).toBe(450);
    } finally {
      await other.close();
    }
    // The first session stays let through, in a new connection too (its client is the session, not the connection).
    client.send({ type: 'disconnect' });
    await client.next('closed');
    const practice = app.practice!.info;
    client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
    expect((await client.nextReply()).code).toBe(220);
    for (const line of ['EHLO trainee', 'MAIL FROM:<trainee@example.org>']) expect((await say(line)).code).toBe(250);
    expect((await say(`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`)).code).toBe(250);
  });

  it('slow@ is accepted only after the delay, and nothing else is slowed down', async () => {
    await say('MAIL FROM:<trainee@example.org>');
    let t = performance.now();
    expect((await say(`RCPT TO:<${SLOW_MAILBOX}@practice.test>`)).code).toBe(250);
    expect(performance.now() - t).toBeGreaterThanOrEqual(SLOW_MS - 5);
    t = performance.now();
    expect((await say('RCPT TO:<bob@practice.test>')).code).toBe(250);
    expect(performance.now() - t).toBeLessThan(SLOW_MS);
    // slow@ elsewhere is just another domain: refused at once, as relaying.
    expect((await say(`RCPT TO:<${SLOW_MAILBOX}@example.org>`)).code).toBe(554);
  });

  it('a client that hangs up while slow@ is pending leaves the practice server serving others', async () => {
    const practice = app.practice!;
    const socket = net.connect(practice.info.port, practice.info.host);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (d: string) => (received += d));
    const replies = async (n: number): Promise<void> => {
      for (let i = 0; (received.match(/^\d{3} /gm) ?? []).length < n; i++) {
        if (i > 200) throw new Error(`no reply ${n} in ${JSON.stringify(received)}`);
        await sleep(20);
      }
    };
    await replies(1);
    socket.write('EHLO trainee\r\nMAIL FROM:<a@example.org>\r\n');
    await replies(3);
    socket.write(`RCPT TO:<${SLOW_MAILBOX}@practice.test>\r\n`);
    await sleep(50);
    socket.destroy();
    await sleep(SLOW_MS + 100); // the answer falls due on a closed connection
    expect(await say('NOOP')).toMatchObject({ code: 250 });
    await say('MAIL FROM:<trainee@example.org>');
    expect((await say(`RCPT TO:<${SLOW_MAILBOX}@practice.test>`)).code).toBe(250);
  });

  it('gone@ is accepted, then bounced: a delivery report to the sender that heloterm\'s own bounce reader reads', async () => {
    await say('MAIL FROM:<trainee@example.org>');
    expect((await say(`RCPT TO:<${GONE_MAILBOX}@practice.test>`)).code).toBe(250);
    expect((await say('DATA')).code).toBe(354);
    for (const line of ['Subject: still there?', '', 'Hello.']) client.line(line);
    expect((await say('.')).code).toBe(250);
    const bounce = app.practice!.messages.find((m) => m.from === '')!;
    expect(bounce.to).toEqual(['trainee@example.org']);
    // A multipart/report of a notice, the delivery status and the returned header (RFC 3464, RFC 6522).
    const parsed = await simpleParser(bounce.raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toContain('<gone@practice.test>: host mailbox.practice.test[192.0.2.25] said: 550 5.1.1');
    // mailparser reads the delivery status as text after the notice, the returned header as an attachment.
    expect(parsed.text).toMatch(/^Final-Recipient: rfc822; gone@practice\.test\nOriginal-Recipient: .*\nAction: failed\nStatus: 5\.1\.1\n/m);
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['text/rfc822-headers']);
    expect(parsed.attachments[0]?.content.toString()).toMatch(/^Return-Path: <trainee@example\.org>\r\nReceived: from trainee .*Subject: still there\?\s*$/s);
    // What /explain and Paste & explain make of it: the refusal, as the answer to that RCPT, once.
    expect(isBounce(bounce.raw)).toBe(true);
    const replies = readBounce(bounce.raw).flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
    expect(replies.map((e) => [e.reply.code, e.reply.enhanced?.text, e.command?.verb, e.command?.path])).toEqual([[550, '5.1.1', 'RCPT', 'gone@practice.test']]);
  });

  /** Sends a message with these MAIL FROM and RCPT TO lines; returns the `stored` message the bridge showed. */
  async function sendWith(mail: string, rcpts: readonly string[], subject: string) {
    expect((await say(mail)).code).toBe(250);
    for (const r of rcpts) expect((await say(r)).code).toBe(250);
    expect((await say('DATA')).code).toBe(354);
    for (const line of [`Subject: ${subject}`, '', 'The body.']) client.line(line);
    expect((await say('.')).code).toBe(250);
    return client.next('stored');
  }

  it('offers DSN: NOTIFY=NEVER silences a bounce; a message from the null sender gets none', async () => {
    const ehlo = await say('EHLO again');
    expect(ehlo.lines.map((l) => l.text)).toContain('DSN');
    const never = await sendWith('MAIL FROM:<trainee@example.org>', [`RCPT TO:<${GONE_MAILBOX}@practice.test> NOTIFY=NEVER`], 'never tell me');
    expect(never.reports).toEqual([{ action: 'failed', recipients: ['gone@practice.test'], n: null, unsent: 'notify', text: '', cut: false }]);
    const fromNull = await sendWith('MAIL FROM:<>', [`RCPT TO:<${GONE_MAILBOX}@practice.test>`, 'RCPT TO:<alice@practice.test>'], 'a bounce of my own');
    expect(fromNull.reports).toEqual([{ action: 'failed', recipients: ['gone@practice.test'], n: null, unsent: 'null-sender', text: '', cut: false }]);
    // No report was written: only the two messages are kept.
    expect(app.practice!.messages.map((m) => m.subject)).toEqual(['never tell me', 'a bounce of my own']);
  });

  it('reports a delivery asked for with NOTIFY=SUCCESS, with ENVID, ORCPT and the whole message for RET=FULL', async () => {
    const stored = await sendWith(
      'MAIL FROM:<trainee@example.org> RET=FULL ENVID=QQ314159',
      ['RCPT TO:<alice@practice.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@practice.test', 'RCPT TO:<bob@practice.test>'],
      'tell me when it arrives',
    );
    expect(stored.reports).toEqual([{ action: 'delivered', recipients: ['alice@practice.test'], n: stored.n + 1, text: expect.any(String), cut: false }]);
    const report = app.practice!.messages.find((m) => m.n === stored.n + 1)!;
    expect(report).toMatchObject({ from: '', to: ['trainee@example.org'], subject: 'Successful Mail Delivery Report' });
    const parsed = await simpleParser(report.raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.text).toMatch(/^Original-Envelope-Id: QQ314159\n/m);
    expect(parsed.text).toMatch(/^Final-Recipient: rfc822; alice@practice\.test\nOriginal-Recipient: rfc822;alice@practice\.test\nAction: delivered\nStatus: 2\.0\.0$/m);
    // bob asked for nothing: his delivery is not reported.
    expect(report.raw).not.toContain('bob@practice.test');
    // RET=FULL: the whole message comes back, its body too.
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
    expect(parsed.attachments[0]?.content.toString()).toMatch(/Subject: tell me when it arrives\r\n\r\nThe body\.\s*$/);
  });
});
