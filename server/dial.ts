/**
 * Dialling an SMTP server: resolve and check the target once (target-policy.ts), then TCP to each checked address in
 * turn until one answers, or TCP + TLS for implicit TLS (RFC 8314 §3); the connect timeout applies to the look-up and
 * again to each address. Resolves with a connected socket or rejects with a BridgeError.
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
  /** For the DNS look-up, and again for each address's TCP connection (and implicit TLS handshake). */
  timeoutMs: number;
  /** Resolves `host` once and checks the addresses; those returned are dialled as they are, in turn (IP literals,
   *  so no second lookup can happen). Rejects with TargetRefused or a DNS error. */
  resolve: (host: string) => Promise<string[]>;
  /** An address did not take the connection and another is left to try (RFC 5321 §5.1): `next`. */
  onAddressFailed?: (address: string, err: BridgeError, next: string) => void;
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

/**
 * Dials `req.host`: resolves it once, then each address in turn, as telnet does and MTAs do (RFC 5321 §5.1), until
 * one takes the TCP connection: an address that refuses, is unreachable or does not answer within the timeout is
 * reported (onAddressFailed) and the next is tried. A TLS handshake that fails (implicit TLS) ends the dial: the
 * server answered, and another address of it would most likely answer the same.
 */
export function dial(req: DialRequest): Promise<Dialled> {
  const { host, port, signal } = req;
  return new Promise<Dialled>((ok, fail) => {
    let socket: net.Socket | null = null;
    let settled = false;
    let duringTls = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

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
    /** What failed, named by the host when it has one address, by the address when it has several. */
    let named = host;
    let failed: (err: BridgeError) => void = (err) => finish(err);
    const onError = (err: unknown): void =>
      failed(err instanceof TargetRefused ? { code: ERROR_CODES.TARGET_REFUSED, message: err.message } : mapNetError(err, named, port, duringTls));
    const onAbort = (): void => finish({ code: ERROR_CODES.NETWORK, message: 'aborted: the connection was closed while dialling' });

    const seconds = req.timeoutMs / 1000;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => failed({ code: ERROR_CODES.TIMEOUT, message: `no answer from ${named}:${port} within ${seconds} s` }), req.timeoutMs);
    };
    arm();
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);

    req.resolve(host).then((addresses) => {
      if (settled) return;
      let i = 0;
      const attempt = (): void => {
        const address = addresses[i] ?? '';
        // An IPv6 address goes in brackets before ":port" (RFC 3986 §3.2.2).
        if (addresses.length > 1) named = net.isIPv6(address) ? `[${address}]` : address;
        arm();
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
      };
      failed = (err) => {
        if (settled) return;
        const next = addresses[i + 1];
        // Once TCP is up (a TLS handshake under way), the server has answered: no other address is tried.
        if (next === undefined || duringTls) return finish(err);
        socket?.off('error', onError);
        socket?.on('error', ignoreSettledError);
        socket?.destroy();
        socket = null;
        req.onAddressFailed?.(addresses[i] ?? '', err, next);
        i++;
        attempt();
      };
      attempt();
    }, onError);
  });
}
