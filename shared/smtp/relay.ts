/**
 * Is this server relaying? The test admins make by hand most often after a test message: a recipient in a domain the
 * server does not take mail for, accepted without a login, means the server passes mail on for this client, and if
 * that is anyone, it is an open relay (RFC 5321 §7.1; the seed article's step 3 mentions relay limits). Pure.
 *
 * Whether a domain is the server's is not in the SMTP dialog. The names the server goes by (the host dialled, its
 * greeting and EHLO names, its reverse DNS) settle the obvious cases; the rest takes the domain's MX records
 * (RFC 5321 §5.1), as a sender would look them up: the server is the domain's mail server when its address is one of
 * theirs, or when they are in the same domain as one of its names (a provider's MX hosts: gmail-smtp-in.l.google.com
 * and mx.google.com, contoso-com.mail.protection.outlook.com and the server's own name there).
 */
import type { MxAnswer, MxHost } from '../protocol/messages.js';
import { isIPv4Literal } from '../protocol/host.js';
import { mxDomain } from './mx.js';
import { dnsName, isLoopback, sameAddress } from './rdns.js';
import type { Finding } from './types.js';

export interface RelayReport {
  head: string;
  findings: Finding[];
}

/** The server connected to: its address, and the names it goes by (host dialled, greeting and EHLO names, PTR). */
export interface RelayServer {
  address: string;
  names: readonly string[];
}

/** MX hosts named in a finding; more are counted. */
const MX_HOSTS_SHOWN = 3;

/** `name` is `domain` or a name under it. */
const within = (name: string, domain: string): boolean => name === domain || name.endsWith(`.${domain}`);

/** The domain a server's name is in: "mx1.example.org" → "example.org"; a name of two labels stands for itself. */
function parent(name: string): string {
  const labels = name.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : name;
}

/** The domain of a RCPT TO path ("Bob@Example.ORG" → "example.org"); null for an address literal or no domain. */
export function recipientDomain(path: string): string | null {
  return path.includes('@') ? mxDomain(path) : null;
}

/**
 * Private addresses (RFC 1918, RFC 6598 shared, RFC 4193 unique local, link-local): a server there serves its own
 * network, whose clients it usually trusts, and the bridge that reached it is on that network too.
 */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (isIPv4Literal(a)) {
    const [x = 0, y = 0] = a.split('.').map(Number);
    return x === 10 || (x === 172 && y >= 16 && y < 32) || (x === 192 && y === 168) || (x === 100 && y >= 64 && y < 128) || (x === 169 && y === 254);
  }
  return /^f[cd][0-9a-f]{2}:/.test(a) || /^fe[89ab][0-9a-f]:/.test(a);
}

/**
 * Whether the page checks by itself that an accepted recipient is not relayed: not for the practice server (its
 * relaying is a lesson), not on loopback (a local MTA trusts its own host: that says nothing about strangers), not
 * after a login (relaying for logged-in users is what submission is).
 */
export function checksRelayByItself(address: string, toPractice: boolean, authenticated: boolean): boolean {
  return !toPractice && !authenticated && !isLoopback(address);
}

/**
 * The server goes by a name in `domain` (lower case), or in the domain its own name is in: nothing to look up. A
 * top-level domain alone ("org") is nobody's mail domain.
 */
export function ownsByName(domain: string, server: RelayServer): boolean {
  return domain.includes('.') && server.names.some((n) => {
    const name = dnsName(n);
    return within(name, domain) || within(domain, parent(name));
  });
}

/** An MX host is this server: its address, or a name in the domain of one of the server's names. */
function isThisServer(h: MxHost, server: RelayServer): boolean {
  const exchange = dnsName(h.exchange);
  if (h.addresses.some((a) => sameAddress(a, server.address))) return true;
  return exchange !== '' && server.names.some((n) => within(exchange, parent(dnsName(n))));
}

function mxList(hosts: readonly MxHost[], count: number): string {
  const shown = hosts.slice(0, MX_HOSTS_SHOWN).map((h) => `${h.exchange}${h.addresses.length > 0 ? ` (${h.addresses.join(', ')})` : ''}`);
  const more = count - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * What the domain's MX answer says about a recipient there that the server accepted without a login: null when the
 * server is the domain's mail server (it took mail for its own), else a report.
 */
export function readRelayAnswer(domain: string, answer: MxAnswer, server: RelayServer): RelayReport | null {
  const where: Finding[] = [];
  switch (answer.kind) {
    case 'mx':
      if (answer.hosts.some((h) => isThisServer(h, server))) return null;
      where.push({ tone: 'info', text: `${domain}'s mail goes to ${mxList(answer.hosts, answer.count)}; not to ${server.address}` });
      break;
    case 'implicit':
      if (answer.addresses.some((a) => sameAddress(a, server.address))) return null;
      where.push({ tone: 'info', text: `${domain} has no MX records: its mail goes to ${answer.addresses.join(', ')}, not to ${server.address}` });
      break;
    case 'null':
      where.push({ tone: 'info', text: `${domain} takes no mail at all (a null MX, RFC 7505)` });
      break;
    case 'none':
      if (answer.reason === 'refused' || answer.reason === 'dns-error') {
        return {
          head: `relaying not checked: the server accepted a recipient at ${domain}, and its MX records could not be looked up`,
          findings: [{ tone: 'warn', text: `${answer.detail}. /mx ${domain} tells whether this server is its mail server` }],
        };
      }
      where.push({ tone: 'info', text: answer.reason === 'no-domain' ? `${domain} does not exist in DNS` : `${domain} has no MX, A or AAAA records: no mail goes there` });
      break;
  }
  const findings: Finding[] = [...where];
  if (isPrivateAddress(server.address)) {
    findings.push({
      tone: 'warn',
      text: 'it relays for this client: usual for a server that serves its own network (its address is private, so the bridge is on that network). From outside, the same RCPT should be refused (554 5.7.1 Relay access denied)',
    });
  } else {
    findings.push({
      tone: 'bad',
      text: `it relays for this client: an open relay, through which anyone can send spam and which blocklists soon list (RFC 5321 §7.1), unless it trusts the bridge's address on purpose (Postfix mynetworks, Exim relay_from_hosts, an Exchange receive connector) or is where ${domain}'s mail goes after those MX hosts (behind a filtering service). Repeat the test from outside its network`,
    });
  }
  findings.push({ tone: 'info', text: 'nothing goes anywhere before DATA and the final ".": RSET or QUIT now sends nothing' });
  return { head: `relaying: the server accepted a recipient at ${domain} without a login, and is not its mail server:`, findings };
}
