/**
 * The WebSocket endpoint on the shared HTTP server: every upgrade passes a guard chain (path, Host, Origin, token,
 * capacity) before `handleUpgrade`, as the ws README and Vite's ws.ts advise, and each accepted socket gets one
 * Session. It also keeps every socket alive-or-gone (ping each heartbeat, terminate on a missed pong) and takes a
 * place in the Room (room.ts: sessions overall and per client address) before the handshake, given back exactly once.
 */
import type http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SUBPROTOCOL } from '../shared/protocol/messages.js';
import type { LogSink } from './log.js';
import { clientAddress, type ProxyTrust } from './proxy-trust.js';
import { clientKey, type Room } from './room.js';
import { checkUpgrade, type Refusal, type UpgradePolicy } from './upgrade-policy.js';

/** Largest frame accepted from a browser. A line is at most 4096 characters (shared/protocol/decode.ts). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const STATUS_TEXT: Readonly<Record<Refusal['status'], string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export interface GatewayOptions {
  policy: UpgradePolicy;
  /** How many sessions, overall and per client address (room.ts). */
  room: Room;
  /** Ping interval; a socket that has not answered the previous ping by the next one is terminated. */
  heartbeatMs: number;
  /** Trusted reverse proxies (--trust-proxy): the client is read from X-Forwarded-For through them. Null: the peer. */
  trustProxy: ProxyTrust | null;
  log: LogSink;
}

/**
 * What a Session gets of its upgrade: the raw socket (to cork writes) and plain strings. Nothing of the upgrade
 * request itself, so its headers can be collected after the handshake.
 */
export interface AcceptedSocket {
  /** The TCP socket under the WebSocket (the upgrade request's `req.socket`). */
  socket: net.Socket;
  /** The client's address: the socket's peer, or behind trusted proxies the one they forwarded (proxy-trust.ts). */
  remote: string | undefined;
  /** The key it is counted under (clientKey). */
  client: string;
  /** The upgrade URL's query, without the "?" ("" when there is none): it may name a target to dial at once. */
  query: string;
}

export interface Gateway {
  /** Refuse new upgrades from now on (503). */
  stopAccepting(): void;
  /** Stops the heartbeat and terminates what is still open. */
  close(): Promise<void>;
}

/** Answers a refused upgrade with a plain HTTP response and drops the socket. */
function refuse(socket: Duplex, status: Refusal['status'], reason: string): void {
  const body = reason + '\n';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function attachGateway(
  server: http.Server,
  opts: GatewayOptions,
  onSocket: (ws: WebSocket, accepted: AcceptedSocket) => void,
): Gateway {
  const { log, room } = opts;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Select only our own subprotocol: the token subprotocol is never echoed back.
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  // Listeners shared by all sockets (an EventEmitter calls them with `this` = the emitter): no closure per session.
  function markAlive(this: WebSocket): void {
    alive.set(this, true);
  }
  const onUpgradeSocketError = (err: Error): void => log({ event: 'upgrade-socket-error', message: err.message });

  /**
   * Gives a count back exactly once. Made here, not inside onUpgrade: closures created in one scope share one
   * context, and one that holds `req` would keep the upgrade request (and its headers) alive with the socket.
   */
  const giveBackOnce = (client: string): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      room.release(client);
    };
  };

  /** The handshake's callback; it too closes over nothing of the request. */
  const onHandshake =
    (accepted: AcceptedSocket, giveBack: () => void) =>
    (ws: WebSocket): void => {
      ws.on('close', giveBack);
      alive.set(ws, true);
      ws.on('pong', markAlive);
      onSocket(ws, accepted);
    };

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', onUpgradeSocketError);
    const remote = clientAddress(req, opts.trustProxy);
    const client = clientKey(remote);
    // A place is taken now (the last check), so concurrent handshakes cannot overshoot; it is given back if the
    // handshake fails (ws then answers 400 and never calls back) or when the WebSocket closes, whichever path it takes.
    const refusal =
      checkUpgrade(req.url, { host: req.headers.host, origin: req.headers.origin, protocol: req.headers['sec-websocket-protocol'] }, opts.policy) ??
      room.take(client, performance.now());
    if (refusal !== null) {
      log({ event: 'upgrade-refused', status: refusal.status, reason: refusal.reason, remote });
      return refuse(socket, refusal.status, refusal.reason);
    }
    const giveBack = giveBackOnce(client);
    socket.on('close', giveBack);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const accepted: AcceptedSocket = { socket: req.socket, remote, client, query: q === -1 ? '' : url.slice(q + 1) };
    wss.handleUpgrade(req, socket, head, onHandshake(accepted, giveBack));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      // A socket we paused ourselves (the SMTP server is not reading) cannot read its pong: not its fault.
      if (ws.isPaused) continue;
      if (alive.get(ws) !== true) {
        log({ event: 'heartbeat-timeout' });
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  return {
    stopAccepting: () => room.stopAccepting(),
    close: () =>
      new Promise<void>((resolve) => {
        room.stopAccepting();
        clearInterval(heartbeat);
        server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
