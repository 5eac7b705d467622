/**
 * The DNS blocklists (DNSBLs, RFC 5782) receivers most often consult, as data: where to ask, what each answer means,
 * and where an admin checks and asks for delisting. The bridge asks each zone about an address (server/dnsbl.ts); the
 * page explains the answers (dnsbl.ts). A list answers a query for a listed address with an A record in 127.0.0.0/8
 * whose value says why (RFC 5782 §2.1), and often a TXT record with the reason or a URL (§2.2).
 *
 * Lists that charge for delisting, or that have shut down (SORBS, 2024), are left out.
 */

export interface DnsblZone {
  /** The zone queried: <reversed address>.<zone>. */
  zone: string;
  /** The list's name as admins know it. */
  name: string;
  /** Whether it lists IPv6 addresses (queried with the address's nibbles reversed, RFC 5782 §2.4). */
  ipv6: boolean;
  /** What each answer means when the address is listed. */
  codes: Readonly<Record<string, string>>;
  /** Answers that are the list refusing to answer, not a listing. */
  refusals: Readonly<Record<string, string>>;
  /** Where to check the address and ask for delisting. */
  lookup: string;
}

export const DNSBL_ZONES: readonly DnsblZone[] = [
  {
    zone: 'zen.spamhaus.org',
    name: 'Spamhaus ZEN',
    ipv6: true,
    codes: {
      '127.0.0.2': 'SBL: a known spam source or spam operation',
      '127.0.0.3': 'SBL CSS: a low-reputation sender (snowshoe spam, or a compromised host sending it)',
      '127.0.0.4': 'XBL: the host is infected by malware or abused as a proxy (the CBL data)',
      '127.0.0.9': 'SBL DROP: a network hijacked or run by spammers',
      '127.0.0.10': 'PBL (ISP): an end-user range its ISP says should not send mail straight to receivers; send through a relay',
      '127.0.0.11': 'PBL (Spamhaus): an end-user or dynamic range that should not send mail straight to receivers; send through a relay',
    },
    refusals: {
      '127.255.255.252': 'Spamhaus says the query name is malformed',
      '127.255.255.254': 'Spamhaus does not answer queries from public resolvers (8.8.8.8, 1.1.1.1…): this says nothing about the address. Ask through your own resolver (heloterm --dns-server)',
      '127.255.255.255': 'Spamhaus refuses this resolver for sending too many queries: this says nothing about the address',
    },
    lookup: 'https://check.spamhaus.org/',
  },
  {
    zone: 'bl.spamcop.net',
    name: 'SpamCop',
    ipv6: false,
    codes: { '127.0.0.2': 'reported as a spam source by SpamCop users; a listing expires about a day after the last report' },
    refusals: {},
    lookup: 'https://www.spamcop.net/bl.shtml',
  },
  {
    zone: 'b.barracudacentral.org',
    name: 'Barracuda Reputation',
    ipv6: false,
    codes: { '127.0.0.2': 'a poor reputation in the Barracuda Reputation System (mail to its spam traps, or a dynamic range)' },
    refusals: {},
    lookup: 'https://www.barracudacentral.org/lookups',
  },
  {
    zone: 'psbl.surriel.com',
    name: 'PSBL',
    ipv6: false,
    codes: { '127.0.0.2': 'sent mail to the Passive Spam Block List\'s spam traps' },
    refusals: {},
    lookup: 'https://psbl.org/',
  },
];
