/**
 * A small SMTP server that takes BDAT as RFC 3030 §2 says: after `BDAT <n> [LAST]` it reads exactly n octets as the
 * chunk, whatever they hold (CR, LF, a lone "."), then answers; what follows is commands again. Byte-exact where the
 * scripted fake (fake-smtp.ts), which reads lines, cannot be: a chunk may end in the middle of a line. It records
 * each chunk and each command line as received. Its replies are worded as Postfix words them, but not recorded
 * from Postfix.
 */
import net from 'node:net';

export interface ChunkingSmtp {
  port: number;
  /** Command lines received (without CRLF), and the chunks as received, in order. */
  received: Array<{ command: string } | { chunk: string }>;
  /** Octets received of the chunk in progress (0 outside a chunk). */
  partial(): number;
  close(): Promise<void>;
}

const EHLO = ['250-chunks.test', '250-PIPELINING', '250-CHUNKING', '250-8BITMIME', '250 ENHANCEDSTATUSCODES'];

export async function startChunkingSmtp(): Promise<ChunkingSmtp> {
  const received: ChunkingSmtp['received'] = [];
  const sockets = new Set<net.Socket>();
  let partial = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let chunk: { left: number; last: boolean; parts: Buffer[] } | null = null;
    let queued = 0;
    const say = (...lines: string[]): void => {
      socket.write(lines.map((l) => `${l}\r\n`).join(''));
    };
    const command = (line: string): void => {
      received.push({ command: line });
      const verb = line.split(' ', 1)[0]?.toUpperCase() ?? '';
      const bdat = /^BDAT (\d+)( LAST)?$/i.exec(line);
      if (bdat !== null) {
        chunk = { left: Number(bdat[1]), last: bdat[2] !== undefined, parts: [] };
        return;
      }
      if (verb === 'EHLO') say(...EHLO);
      else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') say('250 2.0.0 Ok');
      else if (verb === 'QUIT') {
        say('221 2.0.0 Bye');
        socket.end();
      } else say('500 5.5.2 Error: bad syntax');
    };
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (chunk !== null) {
          const take = Math.min(chunk.left, buffer.length);
          chunk.parts.push(buffer.subarray(0, take));
          buffer = buffer.subarray(take);
          chunk.left -= take;
          partial += take;
          if (chunk.left > 0) return;
          partial = 0;
          const whole = Buffer.concat(chunk.parts);
          received.push({ chunk: whole.toString('utf8') });
          if (chunk.last) say(`250 2.0.0 Ok: queued as 4FzK7${++queued}ZQ3Vz9b`);
          else say(`250 2.0.0 Ok: ${whole.length} bytes`);
          chunk = null;
          continue;
        }
        const eol = buffer.indexOf('\n');
        if (eol === -1) return;
        const line = buffer.subarray(0, eol).toString('utf8').replace(/\r$/, '');
        buffer = buffer.subarray(eol + 1);
        command(line);
      }
    });
    say('220 chunks.test ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    partial: () => partial,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
