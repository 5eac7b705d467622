/**
 * A byte-exact scripted fake SMTP server for edge cases no real server produces on demand (in the manner of
 * nodemailer's tests: "a tiny TCP server with byte-exact control over each SMTP reply").
 *
 * The script says what to write on connect and after each received line matching a pattern; actions run in order,
 * one connection at a time per connection. Everything received is recorded, byte for byte, with a log of
 * in/out events in order, so a test can check what reached the wire and when.
 *
 *   const fake = await startFakeSmtp({
 *     onConnect: [{ pauseMs: 100 }, '220 fake ready\r\n'],
 *     rules: [{ match: /^EHLO/i, reply: ['250-fake\r\n', '250 PIPELINING\r\n'] }],
 *   });
 */
import net from 'node:net';
import tls from 'node:tls';

export type Action =
  /** Write these bytes (a string is written as UTF-8). */
  | string
  | Uint8Array
  /** Wait. */
  | { pauseMs: number }
  /** Write the bytes one at a time, each in its own TCP segment, `gapMs` apart. */
  | { dribble: string | Uint8Array; gapMs?: number }
  /** Start TLS as the server side (after a 220 to STARTTLS); later lines are read from the TLS session. */
  | { startTls: Pick<tls.TlsOptions, 'key' | 'cert' | 'minVersion' | 'maxVersion' | 'ciphers'> }
  /** Close the connection (FIN). Checked before plain strings: write "close" as bytes with a Uint8Array. */
  | 'close';

export interface Rule {
  /** A received line (without CRLF) matching this starts the reply. */
  match: RegExp;
  reply: Action[];
}

export interface FakeScript {
  onConnect?: Action[];
  /** Checked in order; the first match wins. Unmatched lines get no reply. */
  rules?: Rule[];
}

export interface LogEntry {
  dir: 'in' | 'out';
  bytes: Buffer;
}

export interface FakeConnection {
  /** Every byte received (plain and, after startTls, decrypted), in order. */
  received(): Buffer;
  /** Complete lines received, without CRLF. */
  lines: string[];
  /** In and out events in order. */
  log: LogEntry[];
  /** Resolves when the client's side ended or the socket closed. */
  ended: Promise<void>;
  /** Resolves when every action so far has run. */
  idle(): Promise<void>;
}

export interface FakeSmtp {
  port: number;
  connections: FakeConnection[];
  /** Resolves with the n-th connection (0-based) once it arrives. */
  connection(n?: number): Promise<FakeConnection>;
  close(): Promise<void>;
}

const DEFAULT_GAP_MS = 3;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `host`: the address to listen on; another loopback address (127.0.0.2) for a server of its own reverse DNS, or
 * `::1` with the `port` of one on 127.0.0.1, for a dual-stack server whose two addresses answer apart.
 */
export async function startFakeSmtp(script: FakeScript, host = '127.0.0.1', listenPort = 0): Promise<FakeSmtp> {
  const connections: FakeConnection[] = [];
  const sockets = new Set<net.Socket>();
  const arrivals: ((c: FakeConnection) => void)[] = [];

  const server = net.createServer((raw) => {
    raw.setNoDelay(true);
    raw.on('error', () => undefined);
    sockets.add(raw);
    raw.once('close', () => sockets.delete(raw));

    let io: net.Socket = raw;
    const log: LogEntry[] = [];
    const lines: string[] = [];
    let buffer = '';
    let chain = Promise.resolve();
    let endedResolve!: () => void;
    const ended = new Promise<void>((r) => (endedResolve = r));
    raw.once('end', () => endedResolve());
    raw.once('close', () => endedResolve());

    const run = (actions: readonly Action[]): void => {
      chain = chain.then(async () => {
        for (const a of actions) {
          if (io.destroyed) return;
          if (a === 'close') {
            io.end();
          } else if (typeof a === 'string' || a instanceof Uint8Array) {
            const bytes = Buffer.from(a);
            log.push({ dir: 'out', bytes });
            io.write(bytes);
          } else if ('pauseMs' in a) {
            await sleep(a.pauseMs);
          } else if ('dribble' in a) {
            for (const byte of Buffer.from(a.dribble)) {
              const one = Buffer.from([byte]);
              log.push({ dir: 'out', bytes: one });
              io.write(one);
              await sleep(a.gapMs ?? DEFAULT_GAP_MS);
            }
          } else {
            io.off('data', onData);
            const secure = new tls.TLSSocket(io, { ...a.startTls, isServer: true });
            secure.on('error', () => undefined);
            secure.on('data', onData);
            io = secure;
            // A handshake that fails ends the script of this connection, as a server would.
            const ok = await new Promise<boolean>((r) => {
              secure.once('secure', () => r(true));
              secure.once('close', () => r(false));
            });
            if (!ok) return;
          }
        }
      });
    };

    const onData = (chunk: Buffer): void => {
      log.push({ dir: 'in', bytes: chunk });
      buffer += chunk.toString('latin1');
      for (let i = buffer.indexOf('\r\n'); i !== -1; i = buffer.indexOf('\r\n')) {
        const line = Buffer.from(buffer.slice(0, i), 'latin1').toString('utf8');
        buffer = buffer.slice(i + 2);
        lines.push(line);
        const rule = script.rules?.find((r) => r.match.test(line));
        if (rule) run(rule.reply);
      }
    };
    raw.on('data', onData);

    const conn: FakeConnection = {
      received: () => Buffer.concat(log.filter((e) => e.dir === 'in').map((e) => e.bytes)),
      lines,
      log,
      ended,
      idle: () => chain,
    };
    connections.push(conn);
    arrivals.splice(0).forEach((f) => f(conn));
    run(script.onConnect ?? []);
  });

  await new Promise<void>((resolve) => server.listen(listenPort, host, resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    connections,
    connection: async (n = 0) => {
      while (connections.length <= n) await new Promise<FakeConnection>((r) => arrivals.push(r));
      return connections[n] as FakeConnection;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (listened on, then closed). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
