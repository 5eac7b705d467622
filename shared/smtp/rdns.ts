/**
 * What the reverse DNS of a mail server's address (protocol `rdns` message) tells an admin, in lines, as mail
 * testers check it: whether the address has a name (a PTR record), whether that name resolves back to the address
 * (forward-confirmed reverse DNS), and whether the name in the server's greeting agrees. Receivers check these of
 * every server that sends them mail, so a server that also sends must get them right. Pure.
 *
 * Rests on RFC 1912 §2.1 (every address should have a PTR record, and PTR and A records should match), RFC 5321
 * §4.2 (the greeting begins with the server's domain) and the large receivers' sender rules (Gmail: a PTR record
 * that resolves back).
 */
import type { RdnsAnswer, RdnsName } from '../protocol/messages.js';
import { isHostName, isIPv4Literal } from '../protocol/host.js';
import { bracketedAddress } from './bracketed.js';
import type { Finding } from './types.js';

export interface RdnsReport {
  /** The first line: whose reverse DNS it is. */
  head: string;
  findings: Finding[];
  /** Nothing wrong was found (for the reply log's colour). */
  good: boolean;
}

/** Loopback addresses: their reverse DNS says nothing about what a mail server's receivers see (a local MTA). */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

/**
 * Whether the page looks up the reverse DNS of a server by itself once it has greeted: not for the practice server,
 * nor for a loopback address (a local MTA), whose reverse DNS says nothing about what receivers see (/rdns still
 * asks).
 */
export function looksUpRdnsByItself(address: string, toPractice: boolean): boolean {
  return !toPractice && !isLoopback(address);
}

/** An address as the same text whatever its spelling: lower case, an IPv4-mapped IPv6 address as the IPv4 one. */
function plain(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIPv4Literal(a.slice(7)) ? a.slice(7) : a;
}

/** Two texts are the same address: any case, an IPv4-mapped IPv6 address as the IPv4 one. */
export const sameAddress = (a: string, b: string): boolean => plain(a) === plain(b);

/** A DNS name as DNS compares it: lower case, without the root's trailing dot. */
export const dnsName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Two DNS names are the same: any case, with or without the root's trailing dot. */
const sameName = (a: string, b: string): boolean => dnsName(a) === dnsName(b);

/**
 * The domain a greeting begins with (`220 mx.example.org ESMTP Postfix`: "mx.example.org"), as RFC 5321 §4.2 asks;
 * null when its first word is not a host name (a bare "220 ESMTP ready", or an address literal "[192.0.2.1]").
 */
export function greetingName(text: string): string | null {
  const first = text.trim().split(/\s+/, 1)[0] ?? '';
  return first.includes('.') && isHostName(first.replace(/\.$/, '')) && !isIPv4Literal(first) ? first.replace(/\.$/, '') : null;
}

/**
 * The client's address as the server names it in its reply to EHLO or HELO, and whether it doubts the client's name:
 * Exim and sendmail write "Hello name [203.0.113.5]", OpenSMTPD adds ", pleased to meet you", Gmail "at your service,
 * [203.0.113.5]", Exchange "Hello [203.0.113.5]"; sendmail adds "(may be forged)" when the client's address does not
 * resolve back to its name. Null when the reply names no address (Postfix's does not).
 */
export function clientSeenAs(text: string): { address: string; forged: boolean } | null {
  const address = bracketedAddress(text);
  return address === null ? null : { address, forged: /\(may be forged\)/i.test(text) };
}

/**
 * What the server's naming of the client says (clientSeenAs): the address its checks of a sender are about, when
 * public (behind NAT, the address the network's mail leaves from: what `curl ifconfig.me` would say), and a name it
 * doubts. Nothing for a loopback or private address (the server is on this machine or network).
 */
export function seenAsFindings(seen: { address: string; forged: boolean } | null, isPrivate: (a: string) => boolean): Finding[] {
  if (seen === null) return [];
  const out: Finding[] = [];
  if (!isLoopback(seen.address) && !isPrivate(seen.address)) {
    out.push({
      tone: 'info',
      text: `the server sees this connection coming from ${seen.address} (in its reply): the address its checks of a sender are about, reverse DNS and blocklists; /rdns ${seen.address} and /dnsbl ${seen.address} check it`,
    });
  }
  if (seen.forged) {
    out.push({
      tone: 'warn',
      text: `"(may be forged)": ${seen.address} has no reverse DNS name that resolves back to it, so the server doubts the name given; many receivers refuse or mark mail from such an address (RFC 1912 §2.1)`,
    });
  }
  return out;
}

function nameFinding(n: RdnsName, address: string): Finding {
  if (n.lookupError !== undefined) return { tone: 'warn', text: `${n.name}: its addresses could not be looked up (${n.lookupError}): try again` };
  if (n.addresses.some((a) => sameAddress(a, address))) return { tone: 'ok', text: `${n.name} resolves back to ${address} (forward-confirmed)` };
  const to = n.addresses.length === 0 ? 'to no address at all' : `to ${n.addresses.join(', ')}`;
  return {
    tone: 'bad',
    text: `${n.name} does not resolve back to ${address} (it resolves ${to}): receivers that check forward-confirmed reverse DNS count it against mail this server sends`,
  };
}

/** Whether the greeting's name (`greeting`, null when it gives none) agrees with the reverse DNS `names`. */
function greetingFinding(greeting: string | null, names: readonly RdnsName[]): Finding {
  if (greeting === null) {
    return { tone: 'warn', text: 'the greeting does not begin with the server\'s host name (RFC 5321 §4.2 asks for "220 <domain> …")' };
  }
  if (names.some((n) => sameName(n.name, greeting))) return { tone: 'ok', text: `the greeting names ${greeting}, as the reverse DNS does` };
  return {
    tone: 'warn',
    text: `the greeting names ${greeting}, the reverse DNS ${names[0]?.name ?? ''}: they usually agree. When this server sends mail, the name in its EHLO should resolve to its address too`,
  };
}

/**
 * What the reverse DNS of `address` says, and whether the greeting's name (`greeting`, when known) agrees;
 * `connected`: the address is the server connected to (else one asked about, with no greeting to compare).
 */
export function readRdnsAnswer(address: string, answer: RdnsAnswer, greeting: string | null, connected = true): RdnsReport {
  const head = `reverse DNS of ${address}${connected ? ', the server connected to' : ''} (RFC 1912 §2.1):`;
  const findings: Finding[] = [];
  if (isLoopback(address)) {
    findings.push({ tone: 'info', text: 'a loopback address: receivers never see it, so what follows says nothing about them; connect to the server\'s public address for that' });
  }
  if (answer.kind === 'none') {
    if (answer.reason === 'refused') {
      findings.push({ tone: 'warn', text: `not looked up: ${answer.detail}` });
      return { head, findings, good: false };
    }
    if (answer.reason === 'dns-error') {
      findings.push({ tone: 'warn', text: `could not be looked up (${answer.detail}): try again before concluding anything` });
      return { head, findings, good: false };
    }
    findings.push({
      tone: 'bad',
      text: `${address} has no name (no PTR record): if this server sends mail, many receivers refuse it (Gmail requires one). The owner of the address block sets it`,
    });
    if (connected && greeting !== null) findings.push({ tone: 'info', text: `the greeting names ${greeting}: that name's address should have a PTR record pointing back to it` });
    return { head, findings, good: false };
  }
  findings.push({ tone: 'info', text: `PTR: ${answer.names.map((n) => n.name).join(', ')}` });
  for (const n of answer.names) findings.push(nameFinding(n, address));
  if (answer.count > 1) {
    findings.push({ tone: 'warn', text: `${answer.count} PTR records: a receiver may check any one of them, so each must resolve back; one is usual` });
  }
  // An address asked about (not connected to) has no greeting to compare.
  if (connected) findings.push(greetingFinding(greeting, answer.names));
  return { head, findings, good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn') };
}
