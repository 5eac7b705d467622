/**
 * Dialling an SMTP server: resolve and check the target once (target-policy.ts), then TCP to the checked address,
 * or TCP + TLS for implicit TLS (RFC 8314 §3), all under one connect timeout. Resolves with a connected socket or
 * rejects with a BridgeError.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsMode } from '../shared/protocol/messages.js';
import { ERROR_CODES } from '../shared/protocol/messages.js';
import { mapNetError, type BridgeError } from './net-errors.js';
import { TargetRefused } from './target-policy.js';

export interface DialRequest {
  host: string;
  port: number;
  tls: TlsMode;
  timeoutMs: number;
  /** Resolves `host` once and checks the addresses; the address returned is dialled as is (an IP literal, so no
   *  second lookup can happen). Rejects with TargetRefused or a DNS error. */
  resolve: (host: string) => Promise<string>;
  /** Aborting (the user disconnected) destroys the socket; the promise then rejects (the caller knows why). */
  signal: AbortSignal;
}

export interface Dialled {
  socket: net.Socket;
  /** The address actually dialled, after DNS resolution. */
  address: string;
}

/** "[::1]" -> "::1": a bracketed IPv6 literal as typed in a URL or a mail domain-literal (RFC 5321 §4.1.3). */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** TLS options for a server `host`: SNI only for names (RFC 6066 §3 forbids IP literals). */
export function tlsClientOptions(host: string): { servername?: string; rejectUnauthorized: false } {
  // Certificates are checked and reported (`authorized` in the `tls` message), never enforced: a learner must be
  // able to look at a server with a self-signed certificate, like the practice server's.
  return net.isIP(bareHost(host)) === 0 ? { servername: host, rejectUnauthorized: false } : { rejectUnauthorized: false };
}

/**
 * The 'error' listener a socket keeps once dialling is over: a socket must never be without one (an unhandled
 * 'error' would crash the process) until its owner adds its own, possibly a turn later. One shared function, so a
 * connection does not keep the dial's closures (and its request and timer) for as long as it is open.
 */
function ignoreSettledError(): void {}

export function dial(req: DialRequest): Promise<Dialled> {
  const { host, port, signal } = req;
  return new Promise<Dialled>((ok, fail) => {
    let socket: net.Socket | null = null;
    let settled = false;
    let duringTls = false;

    // Rejects only with a BridgeError.
    const finish = (err: BridgeError | null, value?: Dialled): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (socket !== null) {
        socket.off('error', onError);
        socket.on('error', ignoreSettledError);
      }
      if (err !== null) {
        socket?.destroy();
        fail(err);
      } else if (value !== undefined) ok(value);
    };
    const onError = (err: unknown): void =>
      finish(err instanceof TargetRefused ? { code: ERROR_CODES.TARGET_REFUSED, message: err.message } : mapNetError(err, host, port, duringTls));
    const onAbort = (): void => finish({ code: ERROR_CODES.NETWORK, message: 'aborted: the connection was closed while dialling' });

    const seconds = req.timeoutMs / 1000;
    const timer = setTimeout(
      () => finish({ code: ERROR_CODES.TIMEOUT, message: `no answer from ${host}:${port} within ${seconds} s` }),
      req.timeoutMs,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);

    req.resolve(host).then((address) => {
      if (settled) return;
      if (req.tls === 'implicit') {
        const s = tls.connect({ host: address, port, ...tlsClientOptions(host) });
        socket = s;
        s.once('connect', () => (duringTls = true));
        s.once('secureConnect', () => finish(null, { socket: s, address }));
      } else {
        const s = net.connect({ host: address, port });
        socket = s;
        s.once('connect', () => finish(null, { socket: s, address }));
      }
      socket.on('error', onError);
    }, onError);
  });
}

