/**
 * The composition root: practice server + HTTP app + WebSocket gateway on one HTTP server.
 * `startHeloterm` is the programmatic API used by main.ts and by the tests.
 */
import { randomUUID } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { stderrLog, type LogSink } from './log.js';
import { PracticeServer, startPracticeServer } from './practice/practice-server.js';
import { Session } from './session.js';
import { DEFAULT_ALLOWED_PORTS } from './target-policy.js';
import { buildUpgradePolicy, urlHost } from './upgrade-policy.js';
import { attachGateway } from './ws-gateway.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8025;
/** How long dialling (DNS + TCP + implicit TLS) and a STARTTLS handshake may take, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

export { PracticeServer };

export interface HelotermOptions {
  /** Bind address, default '127.0.0.1'. */
  host?: string;
  /** Default 8025; 0 = ephemeral. */
  port?: number;
  /** The embedded practice server; default { port: 0 } on 127.0.0.1. */
  practice?: false | { port?: number; host?: string };
  /** Default [25, 465, 587, 2525]; the practice port is always added. */
  allowedPorts?: number[];
  /** Extra allowed Origins beyond the server's own http://host:port. */
  allowedOrigins?: string[];
  /** Built client, default <repo>/dist/client. */
  clientDir?: string;
  /** Default 10_000. */
  connectTimeoutMs?: number;
  /** dns.lookup-compatible; injectable so tests can simulate ENOTFOUND without network. */
  lookup?: LookupFunction;
  /** Structured log sink; default: one JSON line per event to stderr. */
  log?: (event: Record<string, unknown>) => void;
}

export interface Heloterm {
  url: string;
  port: number;
  practice: PracticeServer | null;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A wildcard bind address is not something to type into a browser: show loopback instead. */
function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? DEFAULT_HOST : urlHost(host);
}

export async function startHeloterm(opts: HelotermOptions = {}): Promise<Heloterm> {
  const host = opts.host ?? DEFAULT_HOST;
  const log: LogSink = opts.log ?? stderrLog;
  const practice =
    opts.practice === false
      ? null
      : await startPracticeServer({ port: opts.practice?.port ?? 0, host: opts.practice?.host ?? DEFAULT_HOST });
  const allowedPorts = [...new Set([...(opts.allowedPorts ?? DEFAULT_ALLOWED_PORTS), ...(practice ? [practice.info.port] : [])])];

  const server = http.createServer(createApp({ clientDir: opts.clientDir ?? DEFAULT_CLIENT_DIR }));
  server.on('clientError', (_err, socket) => socket.destroy());
  let port: number;
  try {
    port = await listen(server, opts.port ?? DEFAULT_PORT, host);
  } catch (err) {
    await practice?.close();
    throw err;
  }

  const sessions = new Set<Session>();
  const gateway = attachGateway(server, buildUpgradePolicy(host, port, opts.allowedOrigins), log, (ws, req) => {
    const session = new Session(ws, {
      id: randomUUID().slice(0, 8),
      practice: practice?.info ?? null,
      allowedPorts,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      lookup: opts.lookup ?? dns.lookup,
      log: (event) => log({ ...event, remote: req.socket.remoteAddress }),
    });
    sessions.add(session);
    ws.once('close', () => sessions.delete(session));
  });

  let closing: Promise<void> | null = null;
  return {
    url: `http://${displayHost(host)}:${port}/`,
    port,
    practice,
    close: () =>
      (closing ??= (async () => {
        for (const s of sessions) s.dispose();
        sessions.clear();
        await gateway.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await practice?.close();
      })()),
  };
}
