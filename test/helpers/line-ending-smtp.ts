/**
 * A small SMTP server on loopback that reads lines as Postfix's smtpd does (src/global/smtp_stream.c smtp_get: a line
 * ends at LF, a CR before it is dropped), under each setting of smtpd_forbid_bare_newline:
 *
 * - `no` (Postfix before the fixes of December 2023): a line "." ends the message however its line endings came, so
 *   "\n.\n" ends it early (CVE-2023-51764);
 * - `normalize` (Postfix 3.9's default): a bare LF ends a line, but only "." between two CRLFs ends the message;
 * - `yes` (the patch releases of December 2023): a bare LF anywhere is answered "521 5.5.2 … Error: bare <LF>
 *   received" at once and the connection closed;
 * - `reject` (3.9 and later): as `normalize`, but a message that held a bare LF is answered at its end "550 5.5.2 …
 *   Error: bare <LF> received" (smtpd_forbid_bare_newline_reject_code) and the connection closed.
 *
 * Replies in Postfix's words; every byte received is kept (`received`), per connection.
 */
import net from 'node:net';

export type BareNewline = 'no' | 'normalize' | 'yes' | 'reject';

export interface LineEndingSmtp {
  port: number;
  /** The bytes each connection sent, in the order the connections came (latin1, byte for byte). */
  received: string[];
  close(): Promise<void>;
}

export async function startLineEndingSmtp(mode: BareNewline): Promise<LineEndingSmtp> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    const index = received.push('') - 1;
    let pending = '';
    let data = false;
    // Whether the line before ended with CRLF (for "normalize": only "." between two CRLFs ends the message).
    let afterCrlf = true;
    // Whether the message in hand held a bare LF ("reject" refuses it at its end).
    let bareInMessage = false;
    let queued = 0;
    const say = (reply: string): void => void s.write(`${reply}\r\n`);
    s.write('220 bare.test ESMTP Postfix\r\n');
    s.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received[index] += text;
      pending += text;
      for (let lf = pending.indexOf('\n'); lf !== -1 && !s.destroyed; lf = pending.indexOf('\n')) {
        const raw = pending.slice(0, lf);
        pending = pending.slice(lf + 1);
        const crlf = raw.endsWith('\r');
        const line = crlf ? raw.slice(0, -1) : raw;
        if (!crlf && mode === 'yes') {
          say('521 5.5.2 bare.test Error: bare <LF> received');
          s.end();
          return;
        }
        if (data) {
          const end = line === '.' && (mode === 'no' || (crlf && afterCrlf));
          afterCrlf = crlf;
          bareInMessage ||= !crlf;
          if (end && mode === 'reject' && bareInMessage) {
            say('550 5.5.2 bare.test Error: bare <LF> received');
            s.end();
            return;
          }
          if (end) {
            data = false;
            say(`250 2.0.0 Ok: queued as 4Q${++queued}`);
          }
          continue;
        }
        const verb = line.split(' ', 1)[0]?.toUpperCase() ?? '';
        if (verb === 'EHLO') s.write('250-bare.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') say('250 2.1.0 Ok');
        else if (verb === 'RCPT') say('250 2.1.5 Ok');
        else if (verb === 'DATA') {
          data = true;
          afterCrlf = true;
          bareInMessage = false;
          say('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'NOOP') say('250 2.0.0 Ok');
        else if (verb === 'QUIT') {
          say('221 2.0.0 Bye');
          s.end();
          return;
        } else say('502 5.5.2 Error: command not recognized');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
