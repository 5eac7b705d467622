/**
 * The practice server's port with TLS from the first byte (RFC 8314 §3, as 465 is for submission): the same server
 * behind a TLS handshake that comes before the greeting. Over a raw TLS socket (no STARTTLS offered, AUTH at once, a
 * logged-in user's mail relayed, traced as ESMTPSA), over plain TCP (silence: the server waits for a ClientHello),
 * and through the real bridge (the handshake reported, then the greeting, and the message shown back as stored).
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeServer, PRACTICE_PASSWORD, PRACTICE_USER, type PracticeServer } from '../../server/practice/practice-server.js';
import { cramMd5Answer } from '../../client/terminal/cram-md5.js';
import { ScramExchange, readServerFirst, scramProof } from '../../client/terminal/scram.js';
import { greetedByPractice } from '../helpers/practice-client.js';

let server: PracticeServer;
beforeAll(async () => {
  server = await startPracticeServer();
});
afterAll(() => server?.close());

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A client on a socket: writes lines, and reads whole replies (the last line of each: "250 …", not "250-…"). */
function dialog(socket: net.Socket) {
  let buffer = '';
  const waiting: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buffer += d;
    waiting.splice(0).forEach((w) => w());
  });
  cleanups.push(async () => socket.destroy());
  return {
    write: (text: string) => socket.write(text),
    /** The next `n` replies, each its lines joined by "\n". */
    async replies(n: number): Promise<string[]> {
      const out: string[] = [];
      while (out.length < n) {
        const end = /^\d{3} [^\n]*\r\n/m.exec(buffer);
        if (end === null) {
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        const upTo = end.index + end[0].length;
        out.push(buffer.slice(0, upTo).trimEnd().replace(/\r\n/g, '\n'));
        buffer = buffer.slice(upTo);
      }
      return out;
    },
    get received(): string {
      return buffer;
    },
  };
}

describe("the practice server's implicit TLS port", () => {
  it('greets only after the handshake, lists AUTH but no STARTTLS, and relays for the practice login', async () => {
    const { host, tlsPort, port } = server.info;
    expect(tlsPort).not.toBe(port);
    const socket = tls.connect({ host, port: tlsPort, servername: 'practice.test', rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    expect(socket.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    // The practice certificate, made at start: self-signed, for practice.test.
    const cert = socket.getPeerCertificate();
    expect(cert.subject.CN).toBe('practice.test');
    expect(cert.issuer.CN).toBe('practice.test');
    const c = dialog(socket);
    expect((await c.replies(1))[0]).toMatch(/^220 practice\.test ESMTP /);
    c.write('EHLO client.example.org\r\n');
    const ehlo = (await c.replies(1))[0] ?? '';
    expect(ehlo).toMatch(/^250-practice\.test /);
    expect(ehlo).toContain('\n250-AUTH LOGIN PLAIN');
    expect(ehlo).not.toContain('STARTTLS');
    const plain = Buffer.from(`\0${PRACTICE_USER}\0${PRACTICE_PASSWORD}`).toString('base64');
    c.write(`AUTH PLAIN ${plain}\r\nMAIL FROM:<trainee@example.org>\r\nRCPT TO:<someone@elsewhere.example>\r\nDATA\r\n`);
    const [auth, mail, rcpt, data] = await c.replies(4);
    expect(auth).toMatch(/^235 2\.7\.0 /);
    expect(mail).toMatch(/^250 /);
    expect(rcpt).toMatch(/^250 /); // relayed: a logged-in user, as a submission server takes it
    expect(data).toMatch(/^354 /);
    c.write('Subject: over implicit TLS\r\n\r\nHello.\r\n.\r\nQUIT\r\n');
    const [queued, bye] = await c.replies(2);
    expect(queued).toMatch(/^250 2\.6\.0 Ok: queued as /);
    expect(bye).toMatch(/^221 /);
    const kept = server.messages.at(-1);
    expect(kept?.to).toEqual(['someone@elsewhere.example']);
    expect(kept?.raw).toMatch(/\r\n\tby practice\.test \(heloterm practice server\) with ESMTPSA id /);
  });

  it('says nothing to a client that does not start TLS, as a port 465 does', async () => {
    const socket = net.connect({ host: server.info.host, port: server.info.tlsPort });
    const c = dialog(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    c.write('EHLO client.example.org\r\n');
    // A plain line is no ClientHello: the handshake fails and the server hangs up, having sent no greeting.
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(c.received).not.toMatch(/^220/);
  });

  it('is dialled by the bridge with implicit TLS: the handshake reported, then the greeting, the message shown back', async () => {
    const { client, practice } = await greetedByPractice(cleanups);
    expect(practice.tlsPort).not.toBe(practice.port);
    expect(client.all('hello')[0]?.allowedPorts).toContain(practice.tlsPort);
    client.send({ type: 'disconnect' });
    await client.next('closed');
    client.send({ type: 'connect', host: practice.host, port: practice.tlsPort, tls: 'implicit' });
    const handshake = await client.next('tls');
    expect([handshake.authorized, handshake.authorizationError, handshake.certificate?.subject]).toEqual([false, 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CN=practice.test']);
    const greeting = await client.nextReply();
    expect(greeting.code).toBe(220);
    for (const l of ['EHLO trainee.example', 'MAIL FROM:<trainee@example.org>', 'RCPT TO:<alice@practice.test>', 'DATA']) {
      client.line(l);
      await client.nextReply();
    }
    for (const l of ['Subject: implicit TLS', '', 'Hi.', '.']) client.line(l);
    expect((await client.nextReply()).code).toBe(250);
    const stored = await client.next('stored');
    expect(stored.to).toEqual(['alice@practice.test']);
    expect(stored.text).toContain(' with ESMTPS id ');
  });

  /** Through the bridge, connected to the implicit TLS port and greeted, EHLO sent: the client and the EHLO reply. */
  async function bridgedOverTls() {
    const { client, practice } = await greetedByPractice(cleanups);
    client.send({ type: 'disconnect' });
    await client.next('closed');
    client.send({ type: 'connect', host: practice.host, port: practice.tlsPort, tls: 'implicit' });
    expect((await client.nextReply()).code).toBe(220);
    client.line('EHLO trainee.example');
    return { client, ehlo: await client.nextReply() };
  }

  it("takes AUTH CRAM-MD5 answered by the page's /cram-md5 (RFC 2195), through the bridge, and refuses a wrong password", async () => {
    const { client, ehlo } = await bridgedOverTls();
    expect(ehlo.lines.map((l) => l.text)).toContain('AUTH LOGIN PLAIN CRAM-MD5 SCRAM-SHA-256');
    const challenge = async (): Promise<string> => {
      client.line('AUTH CRAM-MD5');
      const r = await client.nextReply();
      expect(r.code).toBe(334);
      // A fresh challenge each time (RFC 2195 §2: unique), <random.time@host>.
      expect(Buffer.from(r.lines[0]!.text, 'base64').toString()).toMatch(/^<[0-9a-f]+\.\d+@practice\.test>$/);
      return r.lines[0]!.text;
    };
    const first = await challenge();
    client.line(cramMd5Answer(PRACTICE_USER, 'not the password', first)!.answer);
    expect((await client.nextReply()).code).toBe(535);
    const second = await challenge();
    expect(second).not.toBe(first);
    client.line(cramMd5Answer(PRACTICE_USER, PRACTICE_PASSWORD, second)!.answer);
    expect((await client.nextReply()).code).toBe(235);
  });

  it("takes AUTH SCRAM-SHA-256 answered by the page's /scram (RFC 5802, RFC 7677), through the bridge: the server's signature checks", async () => {
    const { client } = await bridgedOverTls();
    const scram = new ScramExchange();
    /** One exchange as /scram walks it, with `password`; the replies' codes, and what the page said at the end. */
    const exchange = async (password: string): Promise<{ codes: number[]; said: string }> => {
      const codes: number[] = [];
      let step = scram.start('SCRAM-SHA-256', PRACTICE_USER, password, null);
      for (;;) {
        if (!('line' in step)) return { codes, said: step.say };
        client.line(step.line);
        const r = await client.nextReply();
        codes.push(r.code);
        if (r.code !== 334) return { codes, said: step.say };
        step = scram.answer(r.lines[0]!.text);
      }
    };
    // A wrong password: the proof does not check, and the server says so as Postfix with Dovecot does.
    expect((await exchange('not the password')).codes).toEqual([334, 535]);
    const right = await exchange(PRACTICE_PASSWORD);
    expect(right.codes).toEqual([334, 334, 235]);
    expect(right.said).toContain("the server's signature checks");
    // Logged in: a second AUTH is refused (smtp-server's words for every mechanism).
    client.line('AUTH SCRAM-SHA-256');
    expect((await client.nextReply()).code).toBe(503);
  });

  it('refuses SCRAM messages it cannot read, and a cancel, each in its words, and stays usable after them', async () => {
    const socket = tls.connect({ host: server.info.host, port: server.info.tlsPort, servername: 'practice.test', rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const c = dialog(socket);
    await c.replies(1);
    c.write('EHLO client.example.org\r\n');
    expect((await c.replies(1))[0]).toContain('\n250-AUTH LOGIN PLAIN CRAM-MD5 SCRAM-SHA-256\n');
    const b64 = (t: string): string => Buffer.from(t).toString('base64');
    const replyTo = async (line: string): Promise<string> => {
      c.write(`${line}\r\n`);
      return (await c.replies(1))[0] ?? '';
    };
    // Channel binding asked for (p=), two arguments, a first message that is not one, and base64 of nothing.
    expect(await replyTo(`AUTH SCRAM-SHA-256 ${b64('p=tls-unique,,n=trainee,r=abc')}`)).toMatch(/^501 .*without channel binding/);
    expect(await replyTo('AUTH SCRAM-SHA-256 a b')).toMatch(/^501 .*syntax/);
    expect(await replyTo('AUTH SCRAM-SHA-256 !!!')).toMatch(/^501 /);
    expect(await replyTo('AUTH SCRAM-SHA-256 *')).toMatch(/^501 .*aborted/);
    // Without an initial response: an empty 334, then the first message, then a final message for another nonce.
    expect(await replyTo('AUTH SCRAM-SHA-256')).toMatch(/^334 ?$/);
    const first = await replyTo(b64('n,,n=trainee,r=abc'));
    expect(first).toMatch(/^334 /);
    const serverFirst = Buffer.from(first.slice(4), 'base64').toString();
    expect(serverFirst).toMatch(/^r=abc[A-Za-z0-9+/=]{20,},s=[A-Za-z0-9+/=]+,i=4096$/);
    expect(await replyTo(b64('c=biws,r=abcOTHER,p=AAAA'))).toMatch(/^501 .*for this exchange/);
    // A cancel at the second step.
    expect(await replyTo(`AUTH SCRAM-SHA-256 ${b64('n,,n=trainee,r=abc')}`)).toMatch(/^334 /);
    expect(await replyTo('*')).toMatch(/^501 .*aborted/);
    // Another user with the practice password: a proof that is not the practice user's, 535 as a wrong password.
    const other = Buffer.from((await replyTo(`AUTH SCRAM-SHA-256 ${b64('n,,n=mallory,r=abc')}`)).slice(4), 'base64').toString();
    const read = readServerFirst(other, 'abc');
    if ('problem' in read) throw new Error(read.problem);
    const proof = scramProof('SCRAM-SHA-256', PRACTICE_PASSWORD, 'n=mallory,r=abc', other, read);
    expect(await replyTo(b64(proof.clientFinal))).toMatch(/^535 5\.7\.8 /);
    // The practice user's proof, its signature back, and then not the empty line that ends the exchange: 535.
    const mine = Buffer.from((await replyTo(`AUTH SCRAM-SHA-256 ${b64('n,,n=trainee,r=abc')}`)).slice(4), 'base64').toString();
    const readMine = readServerFirst(mine, 'abc');
    if ('problem' in readMine) throw new Error(readMine.problem);
    const signed = scramProof('SCRAM-SHA-256', PRACTICE_PASSWORD, 'n=trainee,r=abc', mine, readMine);
    expect(Buffer.from((await replyTo(b64(signed.clientFinal))).slice(4), 'base64').toString()).toBe(`v=${signed.serverSignature}`);
    expect(await replyTo('AAAA')).toMatch(/^535 /);
    // Still a server that takes commands, not logged in.
    expect(await replyTo('NOOP')).toMatch(/^250 /);
    expect(await replyTo('MAIL FROM:<trainee@example.org>')).toMatch(/^250 /);
    expect(await replyTo('RCPT TO:<someone@elsewhere.example>')).toMatch(/^5\d\d /);
  });
});
