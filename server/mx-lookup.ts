/**
 * Where a domain's mail goes, as a sending MTA finds out (RFC 5321 §5.1): its MX records, lowest preference first,
 * each with the addresses its host resolves to; without MX records the domain's own addresses (an implicit MX); a
 * null MX (RFC 7505) when the domain takes no mail. What `dig MX` then `dig A` tell an admin by hand, before
 * `telnet mx 25`.
 *
 * DNS is asked through a c-ares Resolver (node:dns), the system's name servers unless --dns-server names others
 * (to see what one resolver says, or for tests against a scripted DNS server on loopback). Lookups only: which
 * addresses may be dialled is still decided by the target policy when a `connect` comes.
 */
import { Resolver } from 'node:dns/promises';
import { MAX_HOST_CHARS } from '../shared/protocol/host.js';
import { MAX_MX_ADDRESSES, MAX_MX_HOSTS, type MxAnswer, type MxHost } from '../shared/protocol/messages.js';

/** The part of a Resolver a lookup uses. */
export interface MxResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  cancel(): void;
}

/** Per query try, in ms, and tries (c-ares retries over UDP, then the next server). */
export const DNS_TIMEOUT_MS = 2500;
export const DNS_TRIES = 2;

/** A resolver for one lookup: the system's name servers, or `servers` ("192.0.2.53", "[2001:db8::53]:5353"). */
export function makeResolver(servers: readonly string[] | null, timeoutMs = DNS_TIMEOUT_MS): MxResolver {
  const r = new Resolver({ timeout: timeoutMs, tries: DNS_TRIES });
  if (servers !== null && servers.length > 0) r.setServers([...servers]);
  return r;
}

const code = (err: unknown): string => (typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'EUNKNOWN');

/** No records of that type for an existing name: c-ares says ENODATA (an empty answer). */
const isNoData = (err: unknown): boolean => code(err) === 'ENODATA';
const isNoDomain = (err: unknown): boolean => code(err) === 'ENOTFOUND';

/**
 * The IPv4 then IPv6 addresses of a host, and why not when neither lookup got an answer (no such name and no records
 * are answers: no addresses; a timeout or a server failure is not).
 */
async function addressesOf(host: string, r: MxResolver): Promise<{ addresses: string[]; error?: string }> {
  const failed: string[] = [];
  const lookup = (p: Promise<string[]>): Promise<string[]> =>
    p.catch((err: unknown) => {
      if (!isNoData(err) && !isNoDomain(err)) failed.push(code(err));
      return [];
    });
  const [v4, v6] = await Promise.all([lookup(r.resolve4(host)), lookup(r.resolve6(host))]);
  const addresses = [...v4, ...v6].slice(0, MAX_MX_ADDRESSES);
  return addresses.length === 0 && failed.length > 0 ? { addresses, error: failed[0] } : { addresses };
}

function dnsError(err: unknown, what: string): MxAnswer {
  return { kind: 'none', reason: 'dns-error', detail: `${what}: ${code(err)}` };
}

/** Looks `domain` up. Never throws: a failure is an answer of kind "none". */
export async function lookupMx(domain: string, r: MxResolver): Promise<MxAnswer> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await r.resolveMx(domain);
  } catch (err) {
    if (isNoDomain(err)) return { kind: 'none', reason: 'no-domain', detail: 'NXDOMAIN: the domain does not exist' };
    if (!isNoData(err)) return dnsError(err, 'the MX lookup failed');
    records = [];
  }
  // RFC 7505 §3: a null MX is a single record whose exchange is the root, ".".
  if (records.length === 1 && records[0]?.exchange === '') return { kind: 'null' };
  if (records.length === 0) {
    // RFC 5321 §5.1: no MX records, so the domain itself is the mail server, as an implicit MX of preference 0.
    const { addresses, error } = await addressesOf(domain, r);
    if (addresses.length > 0) return { kind: 'implicit', addresses };
    if (error !== undefined) return { kind: 'none', reason: 'dns-error', detail: `no MX records, and the address lookup failed: ${error}` };
    return { kind: 'none', reason: 'no-records', detail: 'no MX, A or AAAA records' };
  }
  const sorted = [...records].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange)).slice(0, MAX_MX_HOSTS);
  const hosts: MxHost[] = await Promise.all(
    sorted.map(async (m): Promise<MxHost> => {
      // A root exchange among others (a broken null MX) has nothing to look up.
      const { addresses, error } = m.exchange === '' ? { addresses: [] } : await addressesOf(m.exchange, r);
      // A name is at most 255 octets, but c-ares writes odd bytes as \DDD escapes: cut to what the page accepts.
      const host: MxHost = { preference: m.priority, exchange: m.exchange.slice(0, MAX_HOST_CHARS), addresses };
      if (error !== undefined) host.lookupError = error;
      return host;
    }),
  );
  return { kind: 'mx', hosts, count: records.length };
}
