/**
 * Who may open the WebSocket. Pure: decides on the request line and headers only (and hashes a token).
 *
 * The WebSocket dials TCP connections, so a foreign web page must never reach it: browsers send Origin on every
 * WebSocket handshake and do not apply the same-origin policy to WebSockets (cross-site WebSocket hijacking), so
 * the Origin must be ours. The Host check stops DNS rebinding (a foreign name resolving to 127.0.0.1 is a foreign
 * Host). A missing Origin is refused as well: scripts set it (see docs/protocol.md). `Origin: null` (sandboxed
 * frames, file: pages) is just another foreign origin.
 *
 * Then the access token, when one is required: offered as the subprotocol `heloterm.token.<token>` and compared in
 * constant time (both sides hashed with SHA-256, then crypto.timingSafeEqual, so neither content nor length leaks).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseSubprotocolHeader, subprotocolProblem, tokenFromSubprotocols } from '../shared/protocol/token.js';

export const WS_PATH = '/ws';

export interface UpgradePolicy {
  /** Lower-case host:port spellings that name this server. */
  hosts: ReadonlySet<string>;
  /** Lower-case origins allowed to connect. */
  origins: ReadonlySet<string>;
  /** SHA-256 of the required access token, or null when none is required. */
  tokenDigest: Buffer | null;
}

export interface Refusal {
  status: 400 | 401 | 403 | 404 | 429 | 503;
  reason: string;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time token check: equal-length digests, so timingSafeEqual never throws and timing tells nothing. */
export function tokenMatches(given: string, expected: Buffer): boolean {
  return timingSafeEqual(tokenDigest(given), expected);
}

/** "::1" -> "[::1]": how an IPv6 address appears in a Host header or URL (RFC 3986 §3.2.2). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The policy for a server bound to `bindHost`:`port`, plus extra allowed origins (whose hosts become allowed too).
 * `localAddresses` are the machine's own addresses, allowed when bound to a wildcard (0.0.0.0, ::).
 */
export function buildUpgradePolicy(
  bindHost: string,
  port: number,
  extraOrigins: readonly string[] = [],
  token: string | null = null,
  localAddresses: readonly string[] = [],
): UpgradePolicy {
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::';
  const names = ['127.0.0.1', 'localhost', '[::1]', ...(wildcard ? localAddresses.map(urlHost) : [urlHost(bindHost)])];
  const hosts = new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  for (const o of extraOrigins) {
    const origin = o.toLowerCase().replace(/\/+$/, '');
    origins.add(origin);
    try {
      const u = new URL(origin);
      hosts.add(u.port !== '' ? u.host : `${u.hostname}:${u.protocol === 'https:' ? 443 : 80}`);
      hosts.add(u.host);
    } catch {
      // Not a URL: it can only ever match an identical Origin header.
    }
  }
  return { hosts, origins, tokenDigest: token === null ? null : tokenDigest(token) };
}

export function checkUpgrade(
  url: string | undefined,
  headers: { host?: string | undefined; origin?: string | undefined; protocol?: string | undefined },
  policy: UpgradePolicy,
): Refusal | null {
  const path = (url ?? '').split('?', 1)[0];
  if (path !== WS_PATH) return { status: 404, reason: `no WebSocket here: the endpoint is ${WS_PATH}` };
  const host = headers.host?.toLowerCase();
  if (host === undefined || !policy.hosts.has(host)) return { status: 403, reason: 'forbidden: unknown Host' };
  const origin = headers.origin?.toLowerCase();
  if (origin === undefined) return { status: 403, reason: 'forbidden: an Origin header is required' };
  if (!policy.origins.has(origin)) return { status: 403, reason: 'forbidden: Origin not allowed' };
  const offered = parseSubprotocolHeader(headers.protocol);
  const versionProblem = subprotocolProblem(offered);
  if (versionProblem !== null) return { status: 400, reason: versionProblem };
  if (policy.tokenDigest !== null) {
    const token = tokenFromSubprotocols(offered);
    if (token === null) return { status: 401, reason: 'an access token is required: open the URL heloterm printed at start-up (with #token=…)' };
    if (!tokenMatches(token, policy.tokenDigest)) return { status: 403, reason: 'forbidden: wrong access token' };
  }
  return null;
}
