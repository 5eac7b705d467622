/**
 * Who may open the WebSocket. Pure: decides on the request line and headers only.
 *
 * The WebSocket dials TCP connections, so a foreign web page must never reach it: browsers send Origin on every
 * WebSocket handshake and do not apply the same-origin policy to WebSockets (cross-site WebSocket hijacking), so
 * the Origin must be ours. The Host check stops DNS rebinding (a foreign name resolving to 127.0.0.1 is a foreign
 * Host). A missing Origin is refused as well: scripts set it (see docs/protocol.md).
 */

export const WS_PATH = '/ws';

export interface UpgradePolicy {
  /** Lower-case host:port spellings that name this server. */
  hosts: ReadonlySet<string>;
  /** Lower-case origins allowed to connect. */
  origins: ReadonlySet<string>;
}

export interface Refusal {
  status: 403 | 404;
  reason: string;
}

/** "::1" -> "[::1]": how an IPv6 address appears in a Host header or URL (RFC 3986 §3.2.2). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The policy for a server bound to `bindHost`:`port`, plus extra allowed origins (whose hosts become allowed too). */
export function buildUpgradePolicy(bindHost: string, port: number, extraOrigins: readonly string[] = []): UpgradePolicy {
  const names = ['127.0.0.1', 'localhost', '[::1]', urlHost(bindHost)];
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
  return { hosts, origins };
}

export function checkUpgrade(
  url: string | undefined,
  headers: { host?: string | undefined; origin?: string | undefined },
  policy: UpgradePolicy,
): Refusal | null {
  const path = (url ?? '').split('?', 1)[0];
  if (path !== WS_PATH) return { status: 404, reason: `no WebSocket here: the endpoint is ${WS_PATH}` };
  const host = headers.host?.toLowerCase();
  if (host === undefined || !policy.hosts.has(host)) return { status: 403, reason: 'forbidden: unknown Host' };
  const origin = headers.origin?.toLowerCase();
  if (origin === undefined) return { status: 403, reason: 'forbidden: an Origin header is required' };
  if (!policy.origins.has(origin)) return { status: 403, reason: 'forbidden: Origin not allowed' };
  return null;
}
