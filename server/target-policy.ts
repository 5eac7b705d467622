/**
 * Which targets the bridge dials. A web-to-TCP bridge that dials anything is an SSRF hole and a spam relay
 * (websockify refuses arbitrary host:port for this reason), so every `connect` passes two checks:
 *
 * - the port: SMTP ports only (configurable), plus the practice server's ports (SMTP, LMTP) for it alone;
 * - the address, decided on the RESOLVED ADDRESS BYTES, never on the typed string: `127.1`, `0x7f.1`,
 *   `2130706433`, `[::ffff:7f00:1]` and a name resolving to 10.0.0.1 are all caught the same way. A name is resolved
 *   once, refused if ANY of its records is refused, and the bridge connects to the checked address itself (no
 *   second lookup, so no DNS rebinding between check and use).
 *
 * In public mode (heloterm listens beyond loopback, or --public-targets-only) only public unicast addresses are
 * dialled, unless --allow-target names others. In the default loopback mode private addresses stay allowed (a
 * trainer tests a local Postfix). Addresses that are never a mail server (0.0.0.0, multicast, broadcast, reserved,
 * 6to4, Teredo, …) are refused in every mode. Pure apart from `resolveTarget`, which calls the injected lookup.
 */
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { IpFamily } from '../shared/protocol/messages.js';
import { NoAddressOfVersion } from './net-errors.js';

/** Ports mail is spoken on: 25 relay (RFC 5321), 465 implicit TLS submission (RFC 8314), 587 submission
 *  (RFC 6409), 2525 the common unofficial alternative. */
export const DEFAULT_ALLOWED_PORTS: readonly number[] = [25, 465, 587, 2525];

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** public: may be dialled in every mode; private: only in loopback mode or when allow-listed; never: refused. */
export type AddressClass = 'public' | 'private' | 'never';

export interface Classified {
  cls: AddressClass;
  /** ipaddr.js range name ('unicast', 'loopback', …) or ours ('ipv4Compatible', 'nat64'). */
  range: string;
  /** The address to dial, normalised (an IPv4-mapped IPv6 address becomes the IPv4 address). */
  address: string;
  /** For NAT64, 6to4 and Teredo: the IPv4 address carried inside, and its class. */
  embedded?: { address: string; cls: AddressClass; range: string };
}

const PRIVATE_RANGES: ReadonlySet<string> = new Set([
  // IPv4
  'loopback', // 127.0.0.0/8
  'private', // RFC 1918
  'linkLocal', // 169.254.0.0/16 (cloud metadata lives here) and fe80::/10
  'carrierGradeNat', // 100.64.0.0/10 (RFC 6598)
  // IPv6
  'uniqueLocal', // fc00::/7 (RFC 4193)
  'deprecatedSiteLocal', // fec0::/10 (RFC 3879)
]);

function ipv4From(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function classifyIPv4(a: ipaddr.IPv4): Classified {
  const range = a.range();
  const cls: AddressClass = range === 'unicast' ? 'public' : PRIVATE_RANGES.has(range) ? 'private' : 'never';
  return { cls, range, address: a.toString() };
}

/** Classifies an address by its bytes. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address inside. */
export function classifyAddress(input: Address): Classified {
  if (input.kind() === 'ipv4') return classifyIPv4(input as ipaddr.IPv4);
  const a = input as ipaddr.IPv6;
  if (a.isIPv4MappedAddress()) return classifyIPv4(a.toIPv4Address());
  const p = a.parts;
  const address = a.toString();
  const range = a.range();
  if (range === 'unicast') {
    // ::/96 other than :: and ::1 is the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1): never a real host.
    if (p.slice(0, 6).every((x) => x === 0)) return { cls: 'never', range: 'ipv4Compatible', address };
    return { cls: 'public', range, address };
  }
  if (range === 'rfc6052') {
    // NAT64 (RFC 6052 §2.1): 64:ff9b::/96 carries the IPv4 address in its last 32 bits; judge that address.
    // The local-use prefix 64:ff9b:1::/48 (RFC 8215) places it by prefix length: refused outright.
    const wellKnown = p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
    if (!wellKnown) return { cls: 'never', range: 'nat64LocalUse', address };
    const inner = classifyIPv4(ipv4From(p[6] ?? 0, p[7] ?? 0));
    return { cls: inner.cls, range: 'nat64', address, embedded: { address: inner.address, cls: inner.cls, range: inner.range } };
  }
  if (range === '6to4' || range === 'teredo') {
    // 6to4 (RFC 3056 §2) carries an IPv4 address in bits 16-47; Teredo (RFC 4380 §4) the server's in bits 32-63
    // and the client's, inverted, in bits 96-127. Both are obsolete transition relays: refused outright.
    const inner =
      range === '6to4'
        ? classifyIPv4(ipv4From(p[1] ?? 0, p[2] ?? 0))
        : classifyIPv4(ipv4From(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff));
    return { cls: 'never', range, address, embedded: { address: inner.address, cls: inner.cls, range: inner.range } };
  }
  return { cls: PRIVATE_RANGES.has(range) ? 'private' : 'never', range, address };
}

/** Parses an address as found in a resolver answer or typed by the user ("[::1]", "127.1", "0x7f.1"); null if none. */
export function parseAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // ipaddr.js reads the same numeric spellings as inet_aton (127.1, 0x7f.1, 017700000001, 2130706433).
  if (!ipaddr.isValid(bare)) return null;
  try {
    return ipaddr.parse(bare);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The allow-list (--allow-target): host names, IP addresses, CIDR ranges
// ---------------------------------------------------------------------------------------------------------------

export interface AllowList {
  /** Lower-case names without a trailing dot, matched against the host as typed. */
  names: ReadonlySet<string>;
  /** Address ranges, matched against the resolved (unwrapped) address. */
  ranges: ReadonlyArray<[Address, number]>;
}

export const EMPTY_ALLOW_LIST: AllowList = { names: new Set(), ranges: [] };

const NAME = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

function normalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** Parses --allow-target entries; throws an Error naming the bad entry. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const names = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const raw of entries) {
    const e = raw.trim();
    if (e === '') continue;
    if (e.includes('/')) {
      try {
        const [addr, bits] = ipaddr.parseCIDR(e.replace(/^\[(.*)\](\/\d+)$/, '$1$2'));
        ranges.push(addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96] : [addr, bits]);
      } catch {
        throw new Error(`"${e}" is not a CIDR range (like 10.0.0.0/8 or fd00::/8)`);
      }
      continue;
    }
    const a = parseAddress(e);
    if (a !== null) {
      const c = classifyAddress(a);
      const unwrapped = parseAddress(c.address) ?? a;
      ranges.push([unwrapped, unwrapped.kind() === 'ipv4' ? 32 : 128]);
      continue;
    }
    const n = normalName(e);
    if (!NAME.test(n)) throw new Error(`"${e}" is not a host name, an IP address or a CIDR range`);
    names.add(n);
  }
  return { names, ranges };
}

function allowListed(host: string, a: Address, list: AllowList): boolean {
  if (list.names.has(normalName(host))) return true;
  return list.ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
}

// ---------------------------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------------------------

export interface TargetPolicy {
  /** SMTP ports that may be dialled (without the practice port). */
  ports: readonly number[];
  /** Only public unicast addresses (plus the allow-list and the practice server). */
  publicOnly: boolean;
  allow: AllowList;
  /**
   * The embedded practice server: exactly this address and its ports (SMTP, and its LMTP and implicit TLS sides if
   * any) are always allowed.
   */
  practice: { address: string; port: number; lmtpPort?: number; tlsPort?: number } | null;
}

/** The practice server's ports: SMTP, its LMTP side, its implicit TLS port. */
function practicePorts(policy: TargetPolicy): number[] {
  const p = policy.practice;
  return p === null ? [] : [p.port, p.lmtpPort, p.tlsPort].filter((port) => port !== undefined);
}

/** Every port a `connect` may name: the SMTP ports and the practice server's (announced in `hello`). */
export function allowedPorts(policy: TargetPolicy): number[] {
  return [...new Set([...policy.ports, ...practicePorts(policy)])];
}

/** Before anything is resolved: null when the port may be dialled at all, else a plain reason. */
export function checkPort(port: number, policy: TargetPolicy): string | null {
  const all = allowedPorts(policy);
  if (all.includes(port)) return null;
  if (policy.ports.length === 0) return `this heloterm dials only its practice server (it was started with --practice-only): port ${port} is not open`;
  return `port ${port} is not allowed by this bridge; allowed ports: ${all.join(', ')} (start heloterm with --allow-port ${port} to add it)`;
}

function isPractice(c: Classified, port: number, policy: TargetPolicy): boolean {
  return policy.practice !== null && practicePorts(policy).includes(port) && c.address === policy.practice.address;
}

/** One resolved address of `host`: null when it may be dialled, else a plain reason. Pure. */
export function checkAddress(host: string, address: Address, port: number, policy: TargetPolicy): string | null {
  const c = classifyAddress(address);
  if (isPractice(c, port, policy)) return null;
  const shown = host === c.address ? host : `${host} (${c.address})`;
  if (!policy.ports.includes(port)) {
    const only = policy.ports.length === 0 ? ' (this heloterm dials only its practice server: --practice-only)' : '';
    return `port ${port} is only open to the practice server, not to ${shown}${only}`;
  }
  return checkAddressClass(host, address, policy);
}

/**
 * Whether the bridge may reach `address` (of `host`) at all, whatever the port: never an address that is never a
 * server, and a private one only in loopback mode or when allow-listed. Also for the HTTPS fetch of an MTA-STS
 * policy, which must not reach what a `connect` could not. Pure.
 */
export function checkAddressClass(host: string, address: Address, policy: TargetPolicy): string | null {
  const c = classifyAddress(address);
  const shown = host === c.address ? host : `${host} (${c.address})`;
  const inner = c.embedded ? `, carrying ${c.embedded.address} (${c.embedded.range})` : '';
  if (c.cls === 'never') return `${shown} is a ${c.range} address${inner}, which is never a mail server: not dialled`;
  if (c.cls === 'private' && policy.publicOnly && !allowListed(host, parseAddress(c.address) ?? address, policy.allow)) {
    return `${shown} is a ${c.range} address${inner}: this bridge dials public addresses only (start heloterm with --allow-target to allow it)`;
  }
  return null;
}

/** A refusal by the target policy, as opposed to a network error. */
export class TargetRefused extends Error {}

/** The most addresses of one name dialled in turn (telnet tries them all; MTAs a few, RFC 5321 §5.1). */
export const MAX_DIAL_ADDRESSES = 4;

/**
 * Resolves `host` once (numeric spellings without DNS) and checks every address (one refused refuses the name);
 * returns those to dial in turn, in the resolver's order, each once and at most MAX_DIAL_ADDRESSES: or the practice
 * server's address alone. With `family`, only the addresses of that IP version count (`telnet -6`): a name without
 * one is said to have none (NoAddressOfVersion), naming those it has.
 */
export async function resolveTargets(host: string, port: number, policy: TargetPolicy, lookup: LookupFunction, family?: IpFamily): Promise<string[]> {
  const literal = parseAddress(host);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const texts = literal !== null ? [bare] : await lookupAll(lookup, bare);
  const all: Address[] = [];
  for (const t of texts) {
    const a = parseAddress(t);
    if (a === null) throw new TargetRefused(`${host} resolved to "${t}", which is not an IP address: not dialled`);
    all.push(a);
  }
  // By the address dialled: an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is dialled, and so counted, as IPv4.
  const addresses = family === undefined ? all : all.filter((a) => classifyAddress(a).address.includes(':') === (family === 6));
  if (addresses.length === 0 && literal !== null) throw new TargetRefused(`${host} is not an IPv${family} address: not dialled`);
  if (addresses.length === 0 && all.length > 0) {
    const other = [...new Set(all.map((a) => classifyAddress(a).address))].slice(0, MAX_DIAL_ADDRESSES).join(', ');
    const record = family === 6 ? 'AAAA' : 'A';
    throw new NoAddressOfVersion(`${host} has no IPv${family} address (no ${record} record), only ${other}`);
  }
  // The practice server: dial exactly its address when the name has it (localhost -> ::1 and 127.0.0.1).
  const practice = addresses.map((a) => classifyAddress(a)).find((c) => isPractice(c, port, policy));
  if (practice !== undefined) return [practice.address];
  for (const a of addresses) {
    const refusal = checkAddress(host, a, port, policy);
    if (refusal !== null) throw new TargetRefused(refusal);
  }
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  return [...new Set(addresses.map((a) => classifyAddress(a).address))].slice(0, MAX_DIAL_ADDRESSES);
}

function lookupAll(lookup: LookupFunction, host: string): Promise<string[]> {
  return new Promise((ok, fail) => {
    lookup(host, { all: true, verbatim: true }, (err: NodeJS.ErrnoException | null, address: string | LookupAddress[]) => {
      if (err) return fail(err);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const found = list.filter((a) => typeof a === 'string' && a.length > 0);
      if (found.length === 0) return fail(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }));
      ok(found);
    });
  });
}

/**
 * A lookup that asks `lookup` once per name and answers every call for that name with that answer: the ports of one
 * probe (port-probe.ts) are each checked for their own port, from one DNS answer. Only for `{ all: true }` calls, as
 * resolveTargets makes them.
 */
export function lookupOnce(lookup: LookupFunction): LookupFunction {
  const asked = new Map<string, ((...answer: unknown[]) => void)[]>();
  const answers = new Map<string, unknown[]>();
  return (hostname, options, callback) => {
    const cb = callback as unknown as (...answer: unknown[]) => void;
    const answer = answers.get(hostname);
    if (answer !== undefined) return queueMicrotask(() => cb(...answer));
    const waiting = asked.get(hostname);
    if (waiting !== undefined) return void waiting.push(cb);
    asked.set(hostname, [cb]);
    lookup(hostname, options, ((...got: unknown[]) => {
      answers.set(hostname, got);
      for (const c of asked.get(hostname) ?? []) c(...got);
      asked.delete(hostname);
    }) as Parameters<LookupFunction>[2]);
  };
}
