/**
 * What the DNS blocklists said of an address (protocol `dnsbl` answer), for a mail admin: which lists an address is
 * on and why, by the answer codes each list documents (dnsbl-zones.ts), where to ask for delisting, and which
 * answers say nothing about the address (a list refusing the query). The check behind "blocked using
 * zen.spamhaus.org" refusals; and, from such a refusal's text, the `/dnsbl` command that makes it. The same for the
 * domain lists and a domain (protocol `dbl` answer): "blocked using dbl.spamhaus.org". Pure.
 */
import type { DblMessage, DnsblListAnswer, DnsblMessage } from '../protocol/messages.js';
import { isHostName, isIPv4Literal } from '../protocol/host.js';
import { bracketedAddress } from './bracketed.js';
import { DNSBL_ZONES, DOMAIN_BL_ZONES, type BlocklistZone } from './dnsbl-zones.js';
import { isPrivateAddress } from './relay.js';
import type { Finding } from './types.js';

export interface DnsblReport {
  head: string;
  findings: Finding[];
  /** No list has the address, and every list answered. */
  good: boolean;
}

/** What a listing's answer means by a list's bit mask (its last octet), or undefined when no bit is one it names. */
function bitsMeaning(code: string, bits: Readonly<Record<number, string>>): string | undefined {
  const octet = Number(code.split('.')[3]);
  const meanings = Object.entries(bits)
    .filter(([bit]) => (octet & Number(bit)) !== 0)
    .map(([, meaning]) => meaning);
  return meanings.length === 0 ? undefined : meanings.join('; ');
}

/** The line one list's answer makes; `zones`: the lists asked, `what`: of what ("the address", "the domain"). */
function listFinding(a: DnsblListAnswer, zones: readonly BlocklistZone[] = DNSBL_ZONES, what = 'the address'): Finding {
  const z = zones.find((x) => x.zone === a.zone);
  const name = z === undefined ? a.zone : `${z.name} (${a.zone})`;
  switch (a.kind) {
    case 'clean':
      return { tone: 'ok', text: `${name}: not listed` };
    case 'skipped':
      return { tone: 'info', text: `${name}: lists IPv4 addresses only, not asked` };
    case 'error':
      return { tone: 'warn', text: `${name}: the lookup failed (${a.detail}); try again` };
    case 'listed': {
      const refusal = a.codes.map((c) => z?.refusals[c]).find((r) => r !== undefined);
      if (refusal !== undefined) return { tone: 'warn', text: `${name}: no answer about ${what} (${a.codes.join(', ')}): ${refusal}` };
      const meanings = a.codes.map((c) => z?.codes[c] ?? (z?.bits === undefined ? undefined : bitsMeaning(c, z.bits)) ?? `listed (${c})`);
      const reason = a.reason === undefined ? '' : `; it says: "${a.reason}"`;
      const where = z === undefined ? '' : `. Check and ask for delisting at ${z.lookup}`;
      return { tone: 'bad', text: `${name}: LISTED, ${meanings.join('; ')}${reason}${where}` };
    }
  }
}

/** The findings of the blocklists' answers about `ip`. */
export function readDnsbl(ip: string, answer: DnsblMessage['answer']): DnsblReport {
  const head = `DNS blocklists: is ${ip} listed? (as receivers ask, RFC 5782)`;
  if (answer.kind === 'refused') return { head, findings: [{ tone: 'warn', text: `not asked: ${answer.detail}` }], good: false };
  const findings = answer.lists.map((a) => listFinding(a));
  const listed = findings.filter((f) => f.tone === 'bad').length;
  if (listed > 0) {
    findings.push({
      tone: 'info',
      text: `receivers that use ${listed === 1 ? 'this list' : 'these lists'} refuse mail from ${ip}, usually at connection or RCPT (550, 554). Find the cause (a compromised account or host, an open relay, a dynamic address), fix it, then ask for delisting`,
    });
  }
  if (isPrivateAddress(ip)) {
    findings.push({ tone: 'info', text: `${ip} is a private address: lists never have it. Receivers see the public address your mail leaves from; check that one` });
  }
  return { head, findings, good: findings.every((f) => f.tone === 'ok' || f.tone === 'info') };
}

/** The findings of the domain lists' answers about `domain`, asked about `asked` (its registered domain). */
export function readDomainBl(domain: string, asked: string, answer: DblMessage['answer']): DnsblReport {
  const head = `Domain blocklists: is ${asked} listed? (as receivers check a sender's domain, HELO name and links, RFC 5782 §2.3)`;
  if (answer.kind === 'refused') return { head, findings: [{ tone: 'warn', text: `not asked: ${answer.detail}` }], good: false };
  const findings = answer.lists.map((a) => listFinding(a, DOMAIN_BL_ZONES, 'the domain'));
  const listed = findings.filter((f) => f.tone === 'bad').length;
  if (asked !== domain) findings.unshift({ tone: 'info', text: `asked about ${asked}, the registered domain of ${domain}: the name these lists hold` });
  if (listed > 0) {
    findings.push({
      tone: 'info',
      text: `receivers that use ${listed === 1 ? 'this list' : 'these lists'} refuse, or file as spam, mail whose sender address, HELO name or links name ${asked}. Find the cause (a compromised site or account, a link to a listed site, a list of addresses bought), fix it, then ask for delisting`,
    });
  }
  return { head, findings, good: findings.every((f) => f.tone === 'ok' || f.tone === 'info') };
}

/** A dotted quad standing alone (where no address is in brackets). */
const DOTTED = /(?:^|[^\d.])((?:\d{1,3}\.){3}\d{1,3})(?![\d.]*\d)/;

/** A domain list's zone named in a refusal: "blocked using dbl.spamhaus.org". */
const DOMAIN_LIST_NAMED = new RegExp(`\\b(?:${DOMAIN_BL_ZONES.map((z) => z.zone.replace(/\./g, '\\.')).join('|')})\\b`, 'i');
/** The domain of an address or a name in brackets: "[bad@example.com]", "<bad@example.com>", "[mail.example.com]". */
const NAMED_DOMAIN = /[[<](?:[^\s@\]>]*@)?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)[\]>]/g;

/**
 * The `/dnsbl` command that checks the address a blocklist refusal names ("Client host [203.0.113.5] blocked using
 * zen.spamhaus.org", "Rejected: 203.0.113.5 listed at …"), or, when the list is a domain list, the domain it names
 * ("Sender address [bad@example.com] blocked using dbl.spamhaus.org"); null when it names none.
 */
export function dnsblCommandIn(text: string): string | null {
  if (DOMAIN_LIST_NAMED.test(text)) {
    // The first name in brackets that is not an address (a client's address may come before the sender's).
    const domain = [...text.matchAll(NAMED_DOMAIN)].map((m) => m[1] ?? '').find((d) => isHostName(d) && !isIPv4Literal(d));
    if (domain !== undefined) return `/dnsbl ${domain.toLowerCase()}`;
  }
  const bracketed = bracketedAddress(text);
  if (bracketed !== null) return `/dnsbl ${bracketed}`;
  const dotted = DOTTED.exec(text)?.[1];
  return dotted !== undefined && isIPv4Literal(dotted) ? `/dnsbl ${dotted}` : null;
}
