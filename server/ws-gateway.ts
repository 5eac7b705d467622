/**
 * The WebSocket endpoint on the shared HTTP server: every upgrade passes a guard chain (path, Host, Origin) before
 * `handleUpgrade`, as the ws README and Vite's ws.ts advise, and each accepted socket gets one Session.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LogSink } from './log.js';
import { checkUpgrade, type UpgradePolicy } from './upgrade-policy.js';

/** Largest frame accepted from a browser. A line is at most 4096 characters (shared/protocol/decode.ts). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface Gateway {
  close(): Promise<void>;
}

/** Answers a refused upgrade with a plain HTTP response and drops the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  const body = reason + '\n';
  const statusText = status === 404 ? 'Not Found' : 'Forbidden';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function attachGateway(
  server: http.Server,
  policy: UpgradePolicy,
  log: LogSink,
  onSocket: (ws: WebSocket, req: http.IncomingMessage) => void,
): Gateway {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES });
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => log({ event: 'upgrade-socket-error', message: err.message }));
    const refusal = checkUpgrade(req.url, { host: req.headers.host, origin: req.headers.origin }, policy);
    if (refusal !== null) {
      log({ event: 'upgrade-refused', status: refusal.status, reason: refusal.reason });
      return refuse(socket, refusal.status, refusal.reason);
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req));
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
