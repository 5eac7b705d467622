/**
 * What may stand in the `host` of a `connect`: a host name (RFC 1123 §2.1 labels) or an IP literal. Pure; the
 * browser checks the connect form with it and the bridge checks every `connect` with it again (decode.ts).
 *
 * This is syntax only. Which addresses may be dialled is the bridge's target policy (server/target-policy.ts),
 * which decides on the resolved address bytes: `127.1` or `0x7f.1` pass here and are refused there.
 */

/** Longest host, in characters (RFC 1035 §2.3.4: 253 in text form; an IPv6 literal in brackets fits easily). */
export const MAX_HOST_CHARS = 255;
/** Longest label of a name (RFC 1035 §2.3.4). */
const MAX_LABEL_CHARS = 63;

// RFC 1123 §2.1 labels: letters, digits and hyphens, not starting or ending with a hyphen, a leading digit allowed.
// Underscores are tolerated (real internal names have them; they cannot smuggle anything). One trailing dot (FQDN).
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** A host name: 1-253 characters of dot-separated RFC 1123 labels. */
export function isHostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => l.length <= MAX_LABEL_CHARS && LABEL.test(l));
}

/** A dotted-quad IPv4 address (the only IPv4 form a form field needs; numeric oddities go through the name path). */
export function isIPv4Literal(text: string): boolean {
  return IPV4.test(text);
}

/** An IPv6 address in RFC 4291 §2.2 text form (groups, one "::", an optional dotted-quad tail), no zone. */
export function isIPv6Literal(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all.at(-1);
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4Literal(last)) return false;
    all.pop();
    count += 1; // a dotted quad fills two groups
  }
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A host for `connect`: a name, a dotted quad, or an IPv6 address with or without brackets. */
export function isValidHost(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_CHARS) return false;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.includes(':')) return isIPv6Literal(bare);
  return bare === host && (isHostName(host) || isIPv4Literal(host));
}
