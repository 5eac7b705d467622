/**
 * Which targets the bridge dials. Pure. The bridge is a local tool: the policy is a port allow-list, so a page that
 * got hold of the WebSocket (it cannot: see upgrade-policy.ts) still could not turn it into a general TCP proxy.
 */

/** Ports mail is spoken on: 25 relay (RFC 5321), 465 implicit TLS submission (RFC 8314), 587 submission
 *  (RFC 6409), 2525 the common unofficial alternative. */
export const DEFAULT_ALLOWED_PORTS: readonly number[] = [25, 465, 587, 2525];

/** Null when the port may be dialled, else a plain reason. */
export function checkTarget(port: number, allowedPorts: readonly number[]): string | null {
  if (allowedPorts.includes(port)) return null;
  return `port ${port} is not allowed by this bridge; allowed ports: ${allowedPorts.join(', ')} (start heloterm with --allow-port ${port} to add it)`;
}
