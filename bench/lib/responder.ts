/**
 * An SMTP responder that answers every line at once: the "server" of the benchmarks. smtp-server is not used
 * because it delays its greeting by 100 ms on purpose (and its per-command work would hide the bridge's).
 *
 * Replies echo the command's argument, so a client can check that each reply belongs to its own command
 * (a lost or reordered reply shows as a mismatch):
 *   NOOP x        -> 250 2.0.0 Ok x
 *   MAIL FROM:<a> -> 250 2.1.0 Sender <a> ok
 *   RCPT TO:<a>   -> 250 2.1.5 Recipient <a> ok
 *   DATA          -> 354 ...; the message ends at a lone "." -> 250 2.0.0 Ok: queued as <n>
 *   EHLO x        -> a five-line 250 reply naming x
 *   XBURST n [d]  -> 250 "burst in d ms"; after d ms "250 BURST-BEGIN", about n bytes of real replies, "250 BURST-END"
 */
import net from 'node:net';
import { burstText } from './burst.js';

export const GREETING = '220 bench-responder ESMTP ready\r\n';
/** What the end of a burst looks like on screen. */
export const BURST_BEGIN = 'BURST-BEGIN';
export const BURST_END = 'BURST-END';
/** A burst is written in slices of this size, waiting for 'drain' in between (TCP backpressure). */
const BURST_SLICE_CHARS = 256 * 1024;

export interface Responder {
  port: number;
  /** Open connections. */
  readonly connections: number;
  close(): Promise<void>;
}

function ehloReply(name: string): string {
  return `250-bench-responder greets ${name}\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n`;
}

function afterVerb(line: string, verbLength: number): string {
  return line.length > verbLength ? line.slice(verbLength + 1) : '';
}

/** The reply to one command line (not in DATA), or null for XBURST, which is handled apart. */
function reply(line: string): string | null {
  const verb = line.slice(0, 4).toUpperCase();
  switch (verb) {
    case 'NOOP':
      return `250 2.0.0 Ok ${afterVerb(line, 4)}\r\n`;
    case 'EHLO':
      return ehloReply(afterVerb(line, 4));
    case 'HELO':
      return `250 bench-responder\r\n`;
    case 'MAIL':
      return `250 2.1.0 Sender ${line.slice(10)} ok\r\n`;
    case 'RCPT':
      return `250 2.1.5 Recipient ${line.slice(8)} ok\r\n`;
    case 'RSET':
      return '250 2.0.0 Reset ok\r\n';
    case 'QUIT':
      return '221 2.0.0 Bye\r\n';
    case 'XBUR':
      return null;
    default:
      return '500 5.5.2 Error: command not recognized\r\n';
  }
}

/** Cached burst texts by size: building 50 MB once is enough. */
const bursts = new Map<number, string>();

function burstOf(bytes: number): string {
  let text = bursts.get(bytes);
  if (text === undefined) {
    text = burstText(bytes);
    bursts.set(bytes, text);
  }
  return text;
}

async function writeBurst(socket: net.Socket, bytes: number): Promise<void> {
  const text = burstOf(bytes);
  socket.write(`250 ${BURST_BEGIN}\r\n`);
  for (let at = 0; at < text.length && !socket.destroyed; at += BURST_SLICE_CHARS) {
    if (!socket.write(text.slice(at, at + BURST_SLICE_CHARS))) {
      // Whichever comes first; the other listener goes too, or a long burst piles them up (one per slice).
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
  socket.write(`250 ${BURST_END}\r\n`);
}

export async function startResponder(port = 0): Promise<Responder> {
  const sockets = new Set<net.Socket>();
  let queued = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    socket.write(GREETING);
    let buffer = '';
    let inData = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer = buffer.length === 0 ? chunk : buffer + chunk;
      let out = '';
      let start = 0;
      for (let lf = buffer.indexOf('\r\n'); lf !== -1; lf = buffer.indexOf('\r\n', start)) {
        const line = buffer.slice(start, lf);
        start = lf + 2;
        if (inData) {
          if (line === '.') {
            inData = false;
            out += `250 2.0.0 Ok: queued as ${++queued}\r\n`;
          }
          continue;
        }
        if (line.toUpperCase() === 'DATA') {
          inData = true;
          out += '354 End data with <CR><LF>.<CR><LF>\r\n';
          continue;
        }
        const r = reply(line);
        if (r !== null) {
          out += r;
          if (r.startsWith('221')) socket.end();
          continue;
        }
        const [, size = '0', delay = '0'] = line.split(' ');
        out += `250 burst of ${size} bytes in ${delay} ms\r\n`;
        // The text is built now, in the delay (about 200 ms of this process's time for 45 MB, and a collection after):
        // built when the burst begins, it took CPU from the page in the burst's first moments, on a 2-core machine.
        setImmediate(() => burstOf(Number(size)));
        setTimeout(() => void writeBurst(socket, Number(size)), Number(delay));
      }
      buffer = buffer.slice(start);
      // One write per chunk of commands: a pipelined batch gets its replies in one segment, as a real server's would.
      if (out !== '' && !socket.destroyed) socket.write(out);
    });
  });
  server.maxConnections = Infinity;
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('responder: no port');
  return {
    port: address.port,
    get connections() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
