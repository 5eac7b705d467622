/**
 * BDAT on the practice server (server/practice/chunking.ts, RFC 3030 §2), byte for byte over TCP: a chunk is the
 * octets its size says, however they come (split over writes, or pipelined with the next command); a chunk that
 * cannot be taken is read and discarded before the refusal; DATA cannot join a BDAT transaction; RSET starts anew.
 * Then once through the bridge, typed by hand, with the message shown back.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, startPracticeServer, type PracticeServer } from '../../server/practice/practice-server.js';
import { greetedByPractice } from '../helpers/practice-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
let server: PracticeServer;

beforeEach(async () => {
  server = await startPracticeServer();
  cleanups.push(() => server.close());
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP client that writes raw bytes and reads whole replies (their lines joined by "\n"), in order. */
async function rawClient(): Promise<{ write(text: string): void; replies(n: number): Promise<string[]> }> {
  const socket = net.connect(server.info.port, '127.0.0.1');
  cleanups.push(async () => socket.destroy());
  let buffer = '';
  const replies: string[] = [];
  let lines: string[] = [];
  let wake: (() => void) | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffer += text;
    for (let lf = buffer.indexOf('\r\n'); lf !== -1; lf = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, lf);
      buffer = buffer.slice(lf + 2);
      lines.push(line);
      if (line.charAt(3) !== '-') {
        replies.push(lines.join('\n'));
        lines = [];
      }
    }
    wake?.();
  });
  const c = {
    write: (text: string) => void socket.write(text),
    async replies(n: number): Promise<string[]> {
      const deadline = Date.now() + 5000;
      while (replies.length < n) {
        if (Date.now() > deadline) throw new Error(`waited for ${n} replies, got ${JSON.stringify(replies)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
      return replies.splice(0, n);
    },
  };
  expect((await c.replies(1))[0]).toMatch(/^220 /);
  return c;
}

async function inTransaction(to = 'alice@practice.test') {
  const c = await rawClient();
  c.write(`EHLO trainee.example\r\nMAIL FROM:<trainee@example.org>\r\nRCPT TO:<${to}>\r\n`);
  const [ehlo, mail, rcpt] = await c.replies(3);
  expect(ehlo?.split('\n').at(-1)).toBe('250 CHUNKING');
  expect([mail?.slice(0, 3), rcpt?.slice(0, 3)]).toEqual(['250', '250']);
  return c;
}

const body = (n: number) => server.messages.find((m) => m.n === n)?.raw.replace(/^(?:Return-Path|Received):[^]*?\r\n(?=[^\t])/gm, '');

describe('BDAT on the practice server', () => {
  it('takes a message in chunks, each exactly its size, however the octets come, and keeps it byte for byte', async () => {
    const c = await inTransaction();
    // 21 octets: a chunk may end inside a line, and a line beginning with "." is not unstuffed (no DATA rules).
    c.write('BDAT 21\r\nSubject: chunks\r\n\r\n.a');
    expect(await c.replies(1)).toEqual(['250 2.0.0 Ok: 21 octets received, 21 in all']);
    // 10 octets in three writes, the size line in one of its own.
    c.write('BDAT 10 LAST\r\n');
    c.write('nd b');
    c.write('ödy\r\n'); // "nd b" 4, then ö (two octets), "dy" and CRLF: 10
    const [kept] = await c.replies(1);
    expect(kept).toMatch(/^250 2\.6\.0 Ok: queued as \S+ \(practice message #1, delivered nowhere\)$/);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]).toMatchObject({ from: 'trainee@example.org', to: ['alice@practice.test'], subject: 'chunks' });
    expect(server.messages[0]?.raw).toMatch(/^Return-Path: <trainee@example\.org>\r\nReceived: from trainee\.example /);
    expect(server.messages[0]?.raw.endsWith('\r\nSubject: chunks\r\n\r\n.and bödy\r\n')).toBe(true);
  });

  it('answers commands pipelined after a chunk in the same write, in order, after the chunk', async () => {
    const c = await rawClient();
    const chunk = 'Subject: one go\r\n\r\nHi!\r\n'; // 24 octets
    c.write(`EHLO t.example\r\nMAIL FROM:<t@example.org>\r\nRCPT TO:<bob@practice.test>\r\nBDAT 24 LAST\r\n${chunk}NOOP\r\nQUIT\r\n`);
    const r = await c.replies(6);
    expect(r.slice(1, 3).map((x) => x.slice(0, 3))).toEqual(['250', '250']);
    expect(r[3]).toMatch(/^250 2\.6\.0 Ok: queued as /);
    expect(r[4]).toMatch(/^250 /);
    expect(r[5]).toMatch(/^221 /);
    expect(server.messages[0]?.raw.endsWith(`\r\n${chunk}`)).toBe(true);
  });

  it('reads and discards a chunk it refuses: before RCPT (503), so its octets are never taken for commands', async () => {
    const c = await rawClient();
    c.write('EHLO t.example\r\nBDAT 6\r\nRSET\r\nNOOP\r\n');
    const [, refused, noop] = await c.replies(3);
    expect(refused).toBe('503 5.5.1 Error: need RCPT command');
    expect(noop).toMatch(/^250 2\.0\.0 OK/); // the NOOP after the chunk, not the RSET inside it
    expect(server.messages).toHaveLength(0);
  });

  it('refuses a size that is no number with 501, and reads what follows as commands', async () => {
    const c = await inTransaction();
    c.write('BDAT ten LAST\r\nNOOP\r\nBDAT 5 LAST MORE\r\n');
    const [syntax, noop, extra] = await c.replies(3);
    expect(syntax).toBe('501 5.5.4 Error: syntax: BDAT chunk-size [LAST] (RFC 3030 §2)');
    expect(noop).toMatch(/^250 /);
    expect(extra?.slice(0, 3)).toBe('501');
  });

  it('refuses DATA in a transaction begun with BDAT, and ends the message with BDAT 0 LAST', async () => {
    const c = await inTransaction();
    c.write('BDAT 18\r\nSubject: mixed\r\n\r\n'); // 14 + 2 + 2
    expect(await c.replies(1)).toEqual(['250 2.0.0 Ok: 18 octets received, 18 in all']);
    c.write('DATA\r\n');
    expect((await c.replies(1))[0]).toMatch(/^503 5\.5\.1 Error: DATA cannot follow BDAT in one transaction/);
    c.write('BDAT 0 LAST\r\n');
    expect((await c.replies(1))[0]).toMatch(/^250 2\.6\.0 Ok: queued as /);
    expect(body(1)).toBe('Subject: mixed\r\n\r\n');
    // A new transaction may use DATA again.
    c.write('MAIL FROM:<t@example.org>\r\nRCPT TO:<carol@practice.test>\r\nDATA\r\n');
    expect((await c.replies(3))[2]).toMatch(/^354 /);
  });

  it('forgets the chunks of a transaction at RSET', async () => {
    const c = await inTransaction();
    c.write('BDAT 8\r\nLost\r\n\r\n');
    await c.replies(1);
    c.write('RSET\r\nMAIL FROM:<t@example.org>\r\nRCPT TO:<alice@practice.test>\r\nBDAT 15 LAST\r\nSubject: kept\r\n');
    const r = await c.replies(4);
    expect(r[3]).toMatch(/^250 2\.6\.0 /);
    expect(body(1)).toBe('Subject: kept\r\n');
  });

  it('refuses a chunk that takes the message past SIZE with 552 after reading it, and so every later chunk till RSET', async () => {
    const c = await inTransaction();
    c.write(`BDAT ${MAX_MESSAGE_BYTES}\r\n${'x'.repeat(MAX_MESSAGE_BYTES)}`);
    expect(await c.replies(1)).toEqual([`250 2.0.0 Ok: ${MAX_MESSAGE_BYTES} octets received, ${MAX_MESSAGE_BYTES} in all`]);
    c.write('BDAT 2\r\nxxNOOP\r\n');
    const [big, noop] = await c.replies(2);
    expect(big).toBe(`552 5.3.4 Error: message exceeds fixed maximum message size ${MAX_MESSAGE_BYTES}`);
    expect(noop).toMatch(/^250 /);
    c.write('BDAT 1 LAST\r\nx');
    expect((await c.replies(1))[0]?.slice(0, 3)).toBe('552');
    c.write('RSET\r\nMAIL FROM:<t@example.org>\r\nRCPT TO:<alice@practice.test>\r\nBDAT 2 LAST\r\nok');
    expect((await c.replies(4))[3]).toMatch(/^250 2\.6\.0 /);
    expect(server.messages).toHaveLength(1);
    expect(body(1)).toBe('ok');
  });

  it('is typed by hand through the bridge, and the message comes back as stored', async () => {
    const { client } = await greetedByPractice(cleanups);
    for (const l of ['EHLO trainee.example', 'MAIL FROM:<trainee@example.org>', 'RCPT TO:<alice@practice.test>']) {
      client.line(l);
      expect((await client.nextReply()).code).toBe(250);
    }
    // "Subject: by hand" + CRLF (18), CRLF (2), "Hello" + CRLF (7) = 27.
    for (const l of ['BDAT 27 LAST', 'Subject: by hand', '', 'Hello']) client.line(l);
    const kept = await client.nextReply();
    expect([kept.code, kept.enhanced?.text]).toEqual([250, '2.6.0']);
    const stored = await client.next('stored');
    expect([stored.from, stored.to]).toEqual(['trainee@example.org', ['alice@practice.test']]);
    expect(stored.text.endsWith('\r\nSubject: by hand\r\n\r\nHello\r\n')).toBe(true);
  });
});
