/**
 * Asks the common DNS blocklists about an address, as receivers do before they accept its mail (RFC 5782): the A
 * records of <reversed address>.<zone> (listed, with what the address means, or the list refusing to answer) and
 * when there are some, its TXT record (the reason, often a URL). What `dig 5.113.0.203.zen.spamhaus.org` tells an
 * admin whose mail is refused as "blocked using zen.spamhaus.org". And the domain lists about a domain, as
 * `dig example.org.dbl.spamhaus.org` (RFC 5782 §2.3). Never throws.
 */
import { MAX_DNSBL_CODES, MAX_DNSBL_REASON_CHARS } from '../shared/protocol/app-limits.js';
import type { DnsblListAnswer } from '../shared/protocol/messages.js';
import { DNSBL_ZONES, DOMAIN_BL_ZONES } from '../shared/smtp/dnsbl-zones.js';
import { organizationalDomain, reverseName, type DnsResolver } from './dns-lookup.js';
import { codeOf } from './net-errors.js';


/** What one list says of the address whose reversed labels are `reversed` ("5.113.0.203"), or of a domain. */
async function ask(reversed: string, zone: string, r: DnsResolver): Promise<DnsblListAnswer> {
  const name = `${reversed}.${zone}`;
  let codes: string[];
  try {
    codes = await r.resolve4(name);
  } catch (err) {
    const code = codeOf(err);
    // No such name, or no A record at it: not listed (RFC 5782 §2.1).
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { zone, kind: 'clean' };
    return { zone, kind: 'error', detail: code };
  }
  if (codes.length === 0) return { zone, kind: 'clean' };
  const listed: DnsblListAnswer = { zone, kind: 'listed', codes: codes.slice(0, MAX_DNSBL_CODES) };
  try {
    const txt = await r.resolveTxt(name);
    const reason = txt[0]?.join('');
    if (reason !== undefined && reason !== '') listed.reason = reason.slice(0, MAX_DNSBL_REASON_CHARS);
  } catch {
    // The reason is optional (RFC 5782 §2.2): the listing stands without it.
  }
  return listed;
}

/** Asks every list in DNSBL_ZONES about `ip` at once (IPv6 only of the lists that list IPv6). */
export async function checkDnsbl(ip: string, r: DnsResolver): Promise<DnsblListAnswer[]> {
  const reverse = reverseName(ip);
  if (reverse === null) return DNSBL_ZONES.map(({ zone }) => ({ zone, kind: 'error', detail: 'not an IP address' }));
  const ipv6 = reverse.endsWith('.ip6.arpa');
  const reversed = reverse.replace(/\.(in-addr|ip6)\.arpa$/, '');
  return Promise.all(DNSBL_ZONES.map((z) => (ipv6 && !z.ipv6 ? { zone: z.zone, kind: 'skipped' as const } : ask(reversed, z.zone, r))));
}

/**
 * Asks every list in DOMAIN_BL_ZONES about the registered domain of `domain` (example.org for mail.example.org: the
 * name these lists hold, as receivers ask them), at once; `asked` is that name.
 */
export async function checkDomainBl(domain: string, r: DnsResolver): Promise<{ asked: string; lists: DnsblListAnswer[] }> {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const asked = organizationalDomain(name) ?? name;
  return { asked, lists: await Promise.all(DOMAIN_BL_ZONES.map((z) => ask(asked, z.zone, r))) };
}
