/**
 * The DNS blocklists (DNSBLs, RFC 5782) receivers most often consult, as data: where to ask, what each answer means,
 * and where an admin checks and asks for delisting. The bridge asks each zone about an address (server/dnsbl.ts); the
 * page explains the answers (dnsbl.ts). A list answers a query for a listed address with an A record in 127.0.0.0/8
 * whose value says why (RFC 5782 §2.1), and often a TXT record with the reason or a URL (§2.2). The domain lists
 * (DOMAIN_BL_ZONES) are asked about a name instead, <domain>.<zone> (RFC 5782 §2.3: "right-hand side" lists).
 *
 * Lists that charge for delisting, or that have shut down (SORBS, 2024), are left out.
 */

export interface BlocklistZone {
  /** The zone queried: <reversed address>.<zone>, or <domain>.<zone>. */
  zone: string;
  /** The list's name as admins know it. */
  name: string;
  /** What each answer means when the address or domain is listed. */
  codes: Readonly<Record<string, string>>;
  /**
   * For a list that answers with a bit mask in the answer's last octet (127.0.0.80: 16 + 64), what each bit means: an
   * answer not in `codes` is read by these.
   */
  bits?: Readonly<Record<number, string>>;
  /** Answers that are the list refusing to answer, not a listing. */
  refusals: Readonly<Record<string, string>>;
  /** Where to check the address or domain and ask for delisting. */
  lookup: string;
}

export interface DnsblZone extends BlocklistZone {
  /** Whether it lists IPv6 addresses (queried with the address's nibbles reversed, RFC 5782 §2.4). */
  ipv6: boolean;
}

/** Spamhaus's answers that are no listing, whichever of its zones is asked about an address or a domain. */
const spamhausRefusals = (what: 'address' | 'domain'): Readonly<Record<string, string>> => ({
  '127.255.255.252': 'Spamhaus says the query name is malformed',
  '127.255.255.254': `Spamhaus does not answer queries from public resolvers (8.8.8.8, 1.1.1.1…): this says nothing about the ${what}. Ask through your own resolver (heloterm --dns-server)`,
  '127.255.255.255': `Spamhaus refuses this resolver for sending too many queries: this says nothing about the ${what}`,
});

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
    refusals: spamhausRefusals('address'),
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

/**
 * The domain blocklists receivers check the names in a message against: the sender's domain, the HELO name, the
 * domains of its links (RFC 5782 §2.3). Each is asked about the registered domain (example.org for
 * mail.example.org), the name these lists hold.
 */
export const DOMAIN_BL_ZONES: readonly BlocklistZone[] = [
  {
    zone: 'dbl.spamhaus.org',
    name: 'Spamhaus DBL',
    codes: {
      '127.0.1.2': 'a low-reputation domain: seen in spam, or registered to send it',
      '127.0.1.4': 'a domain used for phishing',
      '127.0.1.5': 'a domain used to spread malware',
      '127.0.1.6': 'a domain of a botnet command and control server',
      '127.0.1.102': 'a legitimate domain abused: compromised or misused to send spam',
      '127.0.1.103': 'a legitimate domain abused as a redirector (its links lead to spam sites)',
      '127.0.1.104': 'a legitimate domain abused for phishing',
      '127.0.1.105': 'a legitimate domain abused to spread malware',
      '127.0.1.106': 'a legitimate domain abused to host a botnet command and control server',
    },
    refusals: { ...spamhausRefusals('domain'), '127.0.1.255': 'Spamhaus DBL takes domain names, not addresses' },
    lookup: 'https://check.spamhaus.org/',
  },
  {
    zone: 'multi.surbl.org',
    name: 'SURBL',
    codes: {},
    bits: {
      4: 'a disposable mail domain (DM)',
      8: 'a phishing site (PH)',
      16: 'a malware site (MW)',
      32: 'a click-tracking domain seen in unsolicited mail (CT)',
      64: 'a spam and abuse site (ABUSE)',
      128: 'a cracked site: a legitimate site compromised (CR)',
    },
    refusals: { '127.0.0.1': 'SURBL refuses this resolver (a public resolver, or too many queries): this says nothing about the domain. Ask through your own resolver (heloterm --dns-server)' },
    lookup: 'https://www.surbl.org/surbl-analysis',
  },
  {
    zone: 'multi.uribl.com',
    name: 'URIBL',
    codes: {},
    bits: {
      2: 'black: a domain belonging to or used by spammers',
      4: 'grey: a domain in bulk mail that may be legitimate (an ESP, opt-out lists)',
      8: 'red: a very young or WHOIS-hidden domain seen in mail flow',
    },
    refusals: { '127.0.0.1': 'URIBL refuses this resolver (a public resolver, or too many queries): this says nothing about the domain. Ask through your own resolver (heloterm --dns-server)' },
    lookup: 'https://admin.uribl.com/',
  },
];

