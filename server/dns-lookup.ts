/**
 * What DNS says about mail servers, as a sending MTA and an admin ask it:
 * - where a domain's mail goes (RFC 5321 §5.1): its MX records, lowest preference first, each with the addresses
 *   its host resolves to; without MX records the domain's own addresses (an implicit MX); a null MX (RFC 7505) when
 *   the domain takes no mail. What `dig MX` then `dig A` tell an admin by hand, before `telnet mx 25`;
 * - the reverse DNS of a server's address (its PTR records, RFC 1035 §3.5) and whether each name resolves back to
 *   it (forward-confirmed reverse DNS, which receivers check of senders), as `dig -x` then `dig A` tell;
 * - a domain's mail policies, as `dig TXT` tells: SPF (RFC 7208), DMARC (RFC 7489), MTA-STS (RFC 8461) and TLS-RPT
 *   (RFC 8460) records, each TXT record with its version tag (for a subdomain without DMARC, its organizational
 *   domain's DMARC record, which receivers use instead); and the DNS lookups its SPF record costs a receiver,
 *   through the records its includes name (a limit of 10 that many published records pass); the DKIM key a domain
 *   publishes for a selector.
 *
 * DNS is asked through a c-ares Resolver (node:dns), the system's name servers unless --dns-server names others
 * (to see what one resolver says, or for tests against a scripted DNS server on loopback). Lookups only: which
 * addresses may be dialled is still decided by the target policy when a `connect` comes.
 */
import { Resolver } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { codeOf } from './net-errors.js';
import { getDomain } from 'tldts';
import { MAX_HOST_CHARS } from '../shared/protocol/host.js';
import { MAX_MX_ADDRESSES, MAX_MX_HOSTS, MAX_POLICY_CHARS, MAX_POLICY_RECORDS, MAX_RDNS_NAMES, MAX_SPF_MISSING, MAX_SPF_TERM_CHARS } from '../shared/protocol/app-limits.js';
import { type MtaStsFetch, type MxAnswer, type MxHost, type PolicyAnswer, type PolicyRecords, type RdnsAnswer, type RdnsName, type SpfLookups } from '../shared/protocol/messages.js';
import { SPF_LOOKUP_LIMIT, followedDomain, spfTerms } from '../shared/smtp/spf.js';
import { dkimName } from '../shared/smtp/dkim.js';
// The same comparison the page makes of the addresses sent (forward-confirmed reverse DNS, rdns.ts).
import { sameAddress } from '../shared/smtp/rdns.js';

/** The part of a Resolver a lookup uses. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolvePtr(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  cancel(): void;
  /** Its timeout per query try, in ms (a lookup of many queries bounds its own time by it). */
  readonly timeoutMs: number;
}

/**
 * DNS lookups all sessions together may begin per minute (each session also has a budget of its own): a hundred
 * sessions, each within its own, must not make the bridge a DNS query pump either.
 */
export const MAX_DNS_LOOKUPS_PER_MINUTE_TOTAL = 300;

/** A budget of lookups per minute (a fixed window), shared by the sessions of one bridge. */
export class DnsBudget {
  private windowStart = -Infinity;
  private count = 0;

  constructor(readonly perMinute = MAX_DNS_LOOKUPS_PER_MINUTE_TOTAL) {}

  /** Takes one lookup at `now` (ms), or says there is none left this minute. */
  take(now: number): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= this.perMinute) return false;
    this.count++;
    return true;
  }
}

/** Per query try, in ms, and tries (c-ares retries over UDP, then the next server). */
export const DNS_TIMEOUT_MS = 2500;
export const DNS_TRIES = 2;

/** A resolver for one lookup: the system's name servers, or `servers` ("192.0.2.53", "[2001:db8::53]:5353"). */
export function makeResolver(servers: readonly string[] | null, timeoutMs = DNS_TIMEOUT_MS): DnsResolver {
  const r = new Resolver({ timeout: timeoutMs, tries: DNS_TRIES });
  if (servers !== null && servers.length > 0) r.setServers([...servers]);
  return Object.assign(r, { timeoutMs });
}


/** No records of that type for an existing name: c-ares says ENODATA (an empty answer). */
const isNoData = (err: unknown): boolean => codeOf(err) === 'ENODATA';
const isNoDomain = (err: unknown): boolean => codeOf(err) === 'ENOTFOUND';

/**
 * The IPv4 then IPv6 addresses of a host (`first` first, when among them, so that the cut to MAX_MX_ADDRESSES keeps
 * it), and why not when neither lookup got an answer (no such name and no records are answers: no addresses; a
 * timeout or a server failure is not).
 */
async function addressesOf(host: string, r: DnsResolver, first: string | null = null): Promise<{ addresses: string[]; error?: string }> {
  const failed: string[] = [];
  const lookup = (p: Promise<string[]>): Promise<string[]> =>
    p.catch((err: unknown) => {
      if (!isNoData(err) && !isNoDomain(err)) failed.push(codeOf(err));
      return [];
    });
  const [v4, v6] = await Promise.all([lookup(r.resolve4(host)), lookup(r.resolve6(host))]);
  let all = [...v4, ...v6];
  const at = first === null ? -1 : all.findIndex((a) => sameAddress(a, first));
  if (at > 0) all = [all[at] as string, ...all.slice(0, at), ...all.slice(at + 1)];
  const addresses = all.slice(0, MAX_MX_ADDRESSES);
  return addresses.length === 0 && failed.length > 0 ? { addresses, error: failed[0] } : { addresses };
}

function dnsError(err: unknown, what: string): MxAnswer {
  return { kind: 'none', reason: 'dns-error', detail: `${what}: ${codeOf(err)}` };
}

/** Looks `domain` up. Never throws: a failure is an answer of kind "none". */
export async function lookupMx(domain: string, r: DnsResolver): Promise<MxAnswer> {
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

/**
 * The name a PTR query asks about for an address (RFC 1035 §3.5, RFC 3596 §2.5): 192.0.2.10 is
 * 10.2.0.192.in-addr.arpa, an IPv6 address its 32 nibbles reversed under ip6.arpa. An IPv4-mapped IPv6 address is
 * asked about as the IPv4 address it is. Null for what is not an address.
 */
export function reverseName(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  const ip = ipaddr.process(address);
  const bytes = ip.toByteArray();
  if (ip.kind() === 'ipv4') return `${bytes.reverse().join('.')}.in-addr.arpa`;
  const nibbles = bytes.flatMap((b) => [b >> 4, b & 15]).map((n) => n.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

/** Looks up the reverse DNS of `address`, and each name's own addresses. Never throws: a failure is "none". */
export async function lookupRdns(address: string, r: DnsResolver): Promise<RdnsAnswer> {
  const name = reverseName(address);
  if (name === null) return { kind: 'none', reason: 'dns-error', detail: 'not an IP address' };
  let ptrs: string[];
  try {
    ptrs = await r.resolvePtr(name);
  } catch (err) {
    if (isNoDomain(err) || isNoData(err)) return { kind: 'none', reason: 'no-ptr', detail: `no PTR record for ${name}` };
    return { kind: 'none', reason: 'dns-error', detail: `the PTR lookup failed: ${codeOf(err)}` };
  }
  if (ptrs.length === 0) return { kind: 'none', reason: 'no-ptr', detail: `no PTR record for ${name}` };
  const names = await Promise.all(
    ptrs.slice(0, MAX_RDNS_NAMES).map(async (ptr): Promise<RdnsName> => {
      const { addresses, error } = await addressesOf(ptr, r, address);
      // c-ares writes odd bytes as \DDD escapes: cut to what the page accepts.
      const out: RdnsName = { name: ptr.slice(0, MAX_HOST_CHARS), addresses };
      if (error !== undefined) out.lookupError = error;
      return out;
    }),
  );
  return { kind: 'names', names, count: ptrs.length };
}

/**
 * The TXT records at `name` that begin with `tag` (the policy's version, compared case-insensitively, followed by a
 * space or nothing: RFC 7208 §4.5, RFC 7489 §6.6.3; null: all of them), each record's strings joined without a
 * separator (RFC 7208 §3.3), whole. Never throws.
 */
async function taggedRecords(name: string, tag: string | null, r: DnsResolver): Promise<PolicyRecords> {
  let txt: string[][];
  try {
    txt = await r.resolveTxt(name);
  } catch (err) {
    if (isNoData(err) || isNoDomain(err)) return { kind: 'none' };
    return { kind: 'error', detail: `the TXT lookup of ${name.slice(0, 100)} failed: ${codeOf(err)}` };
  }
  const lower = tag?.toLowerCase() ?? '';
  const records = txt.map((chunks) => chunks.join('')).filter((t) => {
    const head = t.slice(0, lower.length + 1).toLowerCase();
    return tag === null || head === lower || head === `${lower} ` || head === `${lower};`;
  });
  return records.length === 0 ? { kind: 'none' } : { kind: 'records', records, count: records.length };
}

/** The records as the page is sent them: at most MAX_POLICY_RECORDS, each cut to MAX_POLICY_CHARS. */
function sent(p: PolicyRecords): PolicyRecords {
  return p.kind !== 'records' ? p : { ...p, records: p.records.slice(0, MAX_POLICY_RECORDS).map((t) => t.slice(0, MAX_POLICY_CHARS)) };
}

/**
 * The SPF walk's time, in query timeouts: a zone that answers each include slowly, just within the timeout, must not
 * hold the session's DNS lookups (one at a time) for ten timeouts in a row.
 */
const SPF_WALK_TIMEOUTS = 4;

/**
 * Counts the DNS lookups evaluating an SPF record costs a receiver (RFC 7208 §4.6.4), following its includes and
 * redirect level by level. Every record followed was counted as a lookup first, so it asks at most
 * SPF_LOOKUP_LIMIT TXT lookups before the count passes the limit and it stops; it stops following after
 * SPF_WALK_TIMEOUTS query timeouts too (the count is then partial). Never throws.
 */
export async function countSpfLookups(record: string, r: DnsResolver): Promise<SpfLookups> {
  const deadline = performance.now() + SPF_WALK_TIMEOUTS * r.timeoutMs;
  let count = 0;
  let partial = false;
  const missing: string[] = [];
  for (let level = [record]; level.length > 0; ) {
    const follow = level.flatMap((rec) => {
      const terms = spfTerms(rec);
      count += terms.lookups;
      return terms.follow;
    });
    if (count > SPF_LOOKUP_LIMIT || (follow.length > 0 && performance.now() > deadline)) {
      partial = follow.length > 0;
      break;
    }
    const answers = await Promise.all(follow.map((term) => taggedRecords(followedDomain(term), 'v=spf1', r)));
    level = [];
    answers.forEach((a, i) => {
      if (a.kind === 'records') level.push(a.records[0] ?? '');
      else if (a.kind === 'error') partial = true;
      else if (missing.length < MAX_SPF_MISSING) missing.push((follow[i] ?? '').slice(0, MAX_SPF_TERM_CHARS));
    });
  }
  return { count, missing, partial };
}

/**
 * The organizational domain of `domain` when it is below one (RFC 7489 §3.2: the name registered under a public
 * suffix, by the Public Suffix List as DMARC verifiers read it, private suffixes included), else null.
 */
export function organizationalDomain(domain: string): string | null {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const org = getDomain(name, { allowPrivateDomains: true });
  return org === null || org === name ? null : org;
}

/**
 * What `domain` publishes about its mail in TXT records (SPF, DMARC, MTA-STS, TLS-RPT, BIMI), and when it has one SPF
 * record, the lookups evaluating it costs; with `fetchPolicy`, the MTA-STS policy its record announces. Never throws.
 */
export async function lookupPolicies(domain: string, r: DnsResolver, fetchPolicy?: (domain: string) => Promise<MtaStsFetch>): Promise<PolicyAnswer> {
  const [spf, dmarc, mtaSts, tlsRpt, bimi] = await Promise.all([
    taggedRecords(domain, 'v=spf1', r),
    taggedRecords(`_dmarc.${domain}`, 'v=DMARC1', r),
    taggedRecords(`_mta-sts.${domain}`, 'v=STSv1', r),
    lookupTlsRpt(domain, r),
    taggedRecords(`default._bimi.${domain}`, 'v=BIMI1', r),
  ]);
  const answer: PolicyAnswer = { spf: sent(spf), dmarc: sent(dmarc), mtaSts: sent(mtaSts), tlsRpt, bimi: sent(bimi) };
  const org = dmarc.kind === 'none' ? organizationalDomain(domain) : null;
  const [lookups, orgDmarc, policy] = await Promise.all([
    spf.kind === 'records' && spf.count === 1 ? countSpfLookups(spf.records[0] ?? '', r) : undefined,
    org === null ? undefined : taggedRecords(`_dmarc.${org}`, 'v=DMARC1', r),
    mtaSts.kind === 'records' ? fetchPolicy?.(domain) : undefined,
  ]);
  if (lookups !== undefined) answer.spfLookups = lookups;
  if (policy !== undefined) answer.mtaStsPolicy = policy;
  if (org !== null && orgDmarc !== undefined) answer.dmarcOrg = { domain: org, dmarc: sent(orgDmarc) };
  return answer;
}

/**
 * The MTA-STS policy `domain` announces (RFC 8461 §3.1: a "v=STSv1" TXT record at _mta-sts.<domain>), as
 * `fetchPolicy` fetches it; undefined when it has no such record (or the lookup failed), or nothing fetches.
 */
export async function lookupMtaSts(domain: string, r: DnsResolver, fetchPolicy?: (domain: string) => Promise<MtaStsFetch>): Promise<MtaStsFetch | undefined> {
  if (fetchPolicy === undefined) return undefined;
  const record = await taggedRecords(`_mta-sts.${domain}`, 'v=STSv1', r);
  return record.kind === 'records' ? fetchPolicy(domain) : undefined;
}

/** The TLS-RPT records of `domain` (RFC 8460 §3: "v=TLSRPTv1" at _smtp._tls.<domain>), as the page is sent them. */
export async function lookupTlsRpt(domain: string, r: DnsResolver): Promise<PolicyRecords> {
  return sent(await taggedRecords(`_smtp._tls.${domain}`, 'v=TLSRPTv1', r));
}

/** The DKIM key records a domain publishes for a selector (RFC 6376 §3.6.2.1): every TXT record there. Never throws. */
export async function lookupDkim(selector: string, domain: string, r: DnsResolver): Promise<PolicyRecords> {
  return sent(await taggedRecords(dkimName(selector, domain), null, r));
}
