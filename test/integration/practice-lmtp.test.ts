/**
 * The practice server's LMTP side (server/practice/lmtp.ts, RFC 2033) through the real bridge: LHLO, not EHLO; no
 * relaying; and after the final "." one reply per accepted recipient, in RCPT order, full@ refused when its message
 * is saved while the others are saved; the message shown back as stored, for the recipients that saved it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PracticeInfo } from '../../shared/protocol/messages.js';
import type { Reply } from '../../shared/smtp/types.js';
import { greetedByPractice } from '../helpers/practice-client.js';
import type { WsTestClient } from '../helpers/ws-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
let client: WsTestClient;
let practice: PracticeInfo;

beforeEach(async () => {
  ({ client, practice } = await greetedByPractice(cleanups));
  expect(client.all('hello')[0]?.allowedPorts).toContain(practice.lmtpPort);
  client.send({ type: 'disconnect' });
  await client.next('closed');
  client.send({ type: 'connect', host: practice.host, port: practice.lmtpPort, tls: 'none' });
  const greeting = await client.nextReply();
  expect([greeting.code, greeting.lines[0]?.text]).toEqual([220, `practice.test LMTP heloterm practice server's mailboxes, as Dovecot's: LHLO, then one reply per recipient after the final "."`]);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function say(line: string): Promise<Reply> {
  client.line(line);
  return client.nextReply();
}

/** LHLO, then a transaction from mta@example.org to these recipients, each accepted at RCPT. */
async function transaction(...recipients: string[]): Promise<void> {
  expect((await say('LHLO client.example.org')).code).toBe(250);
  expect((await say('MAIL FROM:<mta@example.org>')).code).toBe(250);
  for (const r of recipients) expect((await say(`RCPT TO:<${r}>`)).code).toBe(250);
}

/** A reply on one line: code, enhanced code (if any) and text. */
const line = (r: Reply): string => [r.code, r.enhanced?.text, r.lines.map((l) => l.text).join('|')].filter((x) => x !== undefined).join(' ');

describe('the practice server\'s LMTP side', () => {
  it('takes LHLO, not EHLO, and lists no AUTH, STARTTLS or DSN, and CHUNKING as Dovecot does', async () => {
    expect(line(await say('EHLO client.example.org'))).toBe('500 Error: EHLO not allowed in LMTP server');
    const lhlo = await say('LHLO client.example.org');
    expect(lhlo.code).toBe(250);
    expect(lhlo.lines.slice(1).map((l) => l.text)).toEqual(['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'SIZE 1048576', 'CHUNKING']);
  });

  it('answers BDAT\'s LAST chunk once per recipient too, in their order, as it answers "."', async () => {
    await transaction('full@practice.test', 'carol@practice.test');
    client.line('BDAT 22');
    client.line('Subject: in chunks'); // 18 + 2
    client.line(''); // 2
    expect(line(await client.nextReply())).toBe('250 2.0.0 Ok: 22 octets received, 22 in all');
    client.line('BDAT 8 LAST');
    client.line('Hello.'); // 6 + 2
    const [full, carol] = [await client.nextReply(), await client.nextReply()];
    expect(line(full)).toBe('552 5.2.2 <full@practice.test> Quota exceeded (mailbox for user is full)');
    expect(line(carol)).toMatch(/^250 2\.6\.0 <carol@practice\.test> \w+ Saved$/);
    const stored = await client.next('stored');
    expect(stored.to).toEqual(['carol@practice.test']);
    expect(stored.text.endsWith('\r\nSubject: in chunks\r\n\r\nHello.\r\n')).toBe(true);
    expect((await say('NOOP')).code).toBe(250); // and it reads commands again
  });

  it('answers the final "." once per recipient, in their order: full@ refused when saving, the others saved', async () => {
    await say('LHLO client.example.org');
    expect((await say('MAIL FROM:<mta@example.org>')).code).toBe(250);
    expect((await say('RCPT TO:<alice@practice.test>')).code).toBe(250);
    expect((await say('RCPT TO:<full@practice.test>')).code).toBe(250); // the quota is checked when saving
    // An LMTP server delivers: a user it does not have, or another domain, is refused at RCPT.
    expect(line(await say('RCPT TO:<nobody@practice.test>'))).toBe("550 5.1.1 <nobody@practice.test> User doesn't exist: nobody@practice.test");
    expect((await say('RCPT TO:<bob@elsewhere.example>')).code).toBe(550);
    expect((await say('RCPT TO:<bob@practice.test>')).code).toBe(250);
    expect((await say('DATA')).code).toBe(354);
    for (const l of ['Subject: over LMTP', '', 'Hello.']) client.line(l);
    client.line('.');
    const [alice, full, bob] = [await client.nextReply(), await client.nextReply(), await client.nextReply()];
    expect(line(alice)).toMatch(/^250 2\.6\.0 <alice@practice\.test> \w+ Saved$/);
    expect(line(full)).toBe('552 5.2.2 <full@practice.test> Quota exceeded (mailbox for user is full)');
    expect(line(bob)).toMatch(/^250 2\.6\.0 <bob@practice\.test> \w+ Saved$/);
    const stored = await client.next('stored');
    expect(stored.to).toEqual(['alice@practice.test', 'bob@practice.test']);
    expect(stored.text).toMatch(/^Return-Path: <mta@example\.org>\r\nReceived: from client\.example\.org \(\[127\.0\.0\.1\]\)\r\n\tby practice\.test \(heloterm practice server\) with LMTP id /);
    expect(stored.text.endsWith('\r\nSubject: over LMTP\r\n\r\nHello.\r\n')).toBe(true);
    // The queue id the 250s name is the stored message's.
    expect(alice.lines[0]?.text).toContain(` ${/ id (\w+);/.exec(stored.text)?.[1]} `);
    expect((await say('QUIT')).code).toBe(221);
  });

  it('keeps nothing when every recipient is refused on saving', async () => {
    await transaction('full@practice.test');
    await say('DATA');
    client.line('Hello.');
    client.line('.');
    expect((await client.nextReply()).code).toBe(552);
    expect(await say('NOOP')).toMatchObject({ code: 250 });
    expect(client.all('stored')).toEqual([]);
  });
});
