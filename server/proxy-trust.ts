/**
 * Behind a reverse proxy every WebSocket comes from the proxy's address, so the per-address session limit would
 * count all users as one (one user's tabs could lock everyone out) and the logs would name the proxy. With
 * `--trust-proxy`, the client is read from X-Forwarded-For, but only as far as trusted proxies vouch for it:
 * proxy-addr walks the chain from the socket's peer towards the client and stops at the first address that is not a
 * trusted proxy. A header from anyone else is ignored, and a client cannot spoof its address by sending the header
 * itself (its own entries lie beyond the first untrusted hop).
 */
import type http from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether an address (at a hop of the chain) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** Names proxy-addr knows besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/**
 * Compiles a list of proxy addresses, CIDR ranges (`10.0.0.0/8`) and the names in PROXY_RANGE_NAMES. Throws with
 * the offending entry named when one is neither.
 */
export function compileProxyTrust(list: readonly string[]): ProxyTrust {
  try {
    return proxyaddr.compile([...list]);
  } catch (err) {
    // proxy-addr says "invalid IP address: x" or "invalid range on address: x/99".
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${why} (give IP addresses, CIDR ranges, or ${PROXY_RANGE_NAMES.join(', ')})`);
  }
}

/** The client's address: the socket's peer, or with a trust list the nearest address no trusted proxy stands for. */
export function clientAddress(req: http.IncomingMessage, trust: ProxyTrust | null): string | undefined {
  if (trust === null || req.socket.remoteAddress === undefined) return req.socket.remoteAddress;
  return proxyaddr(req, trust);
}
