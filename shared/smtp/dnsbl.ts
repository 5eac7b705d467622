/**
 * What the DNS blocklists said of an address (protocol `dnsbl` answer), for a mail admin: which lists an address is
 * on and why, by the answer codes each list documents (dnsbl-zones.ts), where to ask for delisting, and which
 * answers say nothing about the address (a list refusing the query). The check behind "blocked using
 * zen.spamhaus.org" refusals; and, from such a refusal's text, the `/dnsbl` command that makes it. Pure.
 */
import type { DnsblListAnswer, DnsblMessage } from '../protocol/messages.js';
import { isIPv4Literal } from '../protocol/host.js';
import { bracketedAddress } from './bracketed.js';
import { DNSBL_ZONES } from './dnsbl-zones.js';
import { isPrivateAddress } from './relay.js';
import type { Finding } from './types.js';

export interface DnsblReport {
  head: string;
  findings: Finding[];
  /** No list has the address, and every list answered. */
  good: boolean;
}

/** The line one list's answer makes. */
function listFinding(a: DnsblListAnswer): Finding {
  const z = DNSBL_ZONES.find((x) => x.zone === a.zone);
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
      if (refusal !== undefined) return { tone: 'warn', text: `${name}: no answer about the address (${a.codes.join(', ')}): ${refusal}` };
      const meanings = a.codes.map((c) => z?.codes[c] ?? `listed (${c})`);
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
  const findings = answer.lists.map(listFinding);
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

/** A dotted quad standing alone (where no address is in brackets). */
const DOTTED = /(?:^|[^\d.])((?:\d{1,3}\.){3}\d{1,3})(?![\d.]*\d)/;

/**
 * The `/dnsbl` command that checks the address a blocklist refusal names ("Client host [203.0.113.5] blocked using
 * zen.spamhaus.org", "Rejected: 203.0.113.5 listed at …"), or null when it names none.
 */
export function dnsblCommandIn(text: string): string | null {
  const bracketed = bracketedAddress(text);
  if (bracketed !== null) return `/dnsbl ${bracketed}`;
  const dotted = DOTTED.exec(text)?.[1];
  return dotted !== undefined && isIPv4Literal(dotted) ? `/dnsbl ${dotted}` : null;
}
