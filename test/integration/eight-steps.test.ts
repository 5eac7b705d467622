/**
 * The eight steps of the telnet article ("telnet <domain> 25" ... "quit"), typed through the bridge against the
 * embedded practice server, with every reply code read by the shared ReplyParser from the `rx` stream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { MAX_STORED_CHARS } from '../../shared/protocol/app-limits.js';
import { WsTestClient } from '../helpers/ws-client.js';

let app: Heloterm;
let client: WsTestClient;

beforeEach(async () => {
  app = await startHeloterm({ port: 0, log: () => undefined });
  client = await WsTestClient.open(app.url);
});

afterEach(async () => {
  await client.close();
  await app.close();
});

/** Connects to the practice server named in `hello` and returns the greeting reply. */
async function connectToPractice() {
  const hello = await client.next('hello');
  expect(hello.practice).not.toBeNull();
  const practice = hello.practice!;
  expect(hello.allowedPorts).toContain(practice.port);
  client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
  await client.next('connecting');
  const connected = await client.next('connected');
  expect(connected).toMatchObject({ host: practice.host, address: '127.0.0.1', port: practice.port });
  return client.nextReply();
}

async function say(line: string) {
  client.line(line);
  expect(await client.next('tx')).toMatchObject({ text: line });
}

describe('the eight steps against the practice server', () => {
  it('sends a message from HELO to QUIT', async () => {
    // 1. telnet <domain> 25 -> 220
    const greeting = await connectToPractice();
    expect(greeting.code).toBe(220);
    expect(greeting.lines[0]?.text).toMatch(/heloterm practice/);
    // 2. HELO -> 250
    await say('HELO trainee');
    expect((await client.nextReply()).code).toBe(250);
    // 3. MAIL FROM -> 250
    await say('MAIL FROM:<trainee@example.org>');
    expect((await client.nextReply()).code).toBe(250);
    // 4. RCPT TO -> 250
    await say('RCPT TO:<alice@practice.test>');
    expect((await client.nextReply()).code).toBe(250);
    // 5. DATA -> 354
    await say('DATA');
    expect((await client.nextReply()).code).toBe(354);
    // 6. and 7. Subject, empty line, body, "." -> 250
    const received = new Promise((resolve) => app.practice!.once('message', resolve));
    for (const line of ['Subject: hello from heloterm', '', 'This is a test from the eight steps.']) await say(line);
    await say('.');
    const queued = await client.nextReply();
    expect(queued.code).toBe(250);
    expect(queued.enhanced?.text).toBe('2.6.0');
    await received;
    expect(app.practice!.messages).toHaveLength(1);
    const message = app.practice!.messages[0]!;
    expect(message.subject).toBe('hello from heloterm');
    expect(message.to).toEqual(['alice@practice.test']);
    expect(message.from).toBe('trainee@example.org');
    expect(message.raw).toContain('This is a test from the eight steps.\r\n');
    // The session that sent it is shown it as stored, trace lines first (RFC 5321 §4.4).
    const stored = await client.next('stored');
    expect(stored).toMatchObject({ n: message.n, from: 'trainee@example.org', to: ['alice@practice.test'], recipients: 1, cut: false, text: message.raw });
    expect(stored.text).toMatch(/^Return-Path: <trainee@example\.org>\r\nReceived: from trainee \(\[127\.0\.0\.1\]\)\r\n\tby practice\.test \(heloterm practice server\) with SMTP id /);
    // 8. QUIT -> 221, then the server hangs up
    await say('QUIT');
    expect((await client.nextReply()).code).toBe(221);
    expect(await client.next('closed')).toMatchObject({ by: 'server' });
    expect(client.all('error')).toEqual([]);
    expect(client.badFrames).toEqual([]);
  });

  it('rejects an unknown recipient with 550 5.1.1 and accepts postmaster with and without domain', async () => {
    expect((await connectToPractice()).code).toBe(220);
    await say('EHLO trainee');
    expect((await client.nextReply()).code).toBe(250);
    await say('MAIL FROM:<trainee@example.org>');
    expect((await client.nextReply()).code).toBe(250);

    await say('RCPT TO:<nobody@practice.test>');
    const unknown = await client.nextReply();
    expect(unknown.code).toBe(550);
    expect(unknown.enhanced?.text).toBe('5.1.1');
    // In Postfix's words, as the vendor rules know them.
    expect(unknown.lines[0]?.text).toBe('<nobody@practice.test>: Recipient address rejected: User unknown in virtual mailbox table');

    await say('RCPT TO:<someone@elsewhere.example>');
    const relay = await client.nextReply();
    expect(relay.code).toBe(554);
    expect(relay.enhanced?.text).toBe('5.7.1');
    expect(relay.lines[0]?.text).toBe('<someone@elsewhere.example>: Relay access denied');

    await say('RCPT TO:<postmaster@practice.test>');
    expect((await client.nextReply()).code).toBe(250);
    await say('RCPT TO:<Postmaster>');
    expect((await client.nextReply()).code).toBe(250);
    // The relay denial's own code did not leak into the next failure.
    await say('RCPT TO:<zed@practice.test>');
    expect((await client.nextReply()).enhanced?.text).toBe('5.1.1');
  });

  it('shows a stored message only to the session that sent it, dot-stuffing undone, cut when long', async () => {
    const other = await WsTestClient.open(app.url);
    try {
      const practice = (await other.next('hello')).practice!;
      other.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
      await other.nextReply();
      expect((await connectToPractice()).code).toBe(220);
      for (const line of ['EHLO trainee.example', 'MAIL FROM:<a@example.org>', 'RCPT TO:<bob@practice.test>', 'DATA']) {
        await say(line);
        await client.nextReply();
      }
      // A body line typed as "..hidden" (dot-stuffed, RFC 5321 §4.5.2) is stored as ".hidden"; long lines make the
      // message longer than what is sent back.
      const long = Array.from({ length: Math.ceil(MAX_STORED_CHARS / 900) + 1 }, () => 'x'.repeat(900));
      for (const line of ['Subject: stuffed', '', '..hidden', ...long, '.']) await say(line);
      expect((await client.nextReply()).code).toBe(250);
      const stored = await client.next('stored');
      expect(stored.text).toContain('\r\n.hidden\r\n');
      expect(stored.text).not.toContain('..hidden');
      expect(stored.text).toMatch(/with ESMTP id /);
      expect([stored.cut, stored.text.length]).toEqual([true, MAX_STORED_CHARS]);
      // The other session, on the same practice server, is shown nothing.
      other.line('NOOP');
      await other.nextReply();
      expect(other.all('stored')).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
