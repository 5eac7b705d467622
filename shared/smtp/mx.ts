/**
 * What a domain's MX answer (protocol `mx` message) tells a mail admin, in lines: where senders deliver, in which
 * order, which hosts cannot be reached, and which server to connect to for a test (the seed article's step 1
 * connects to "the domain", which is where mail goes only when the domain has no MX records). Pure.
 *
 * Rests on RFC 5321 §5.1 (MX records: lowest preference first, equal preferences in random order, no MX means the
 * domain's own address as an implicit MX, an MX names a host, not an address), RFC 7505 (null MX) and RFC 7504
 * (556 for a domain that takes no mail).
 */
import type { MxAnswer, MxHost } from '../protocol/messages.js';
import { isHostName, isIPv4Literal, isIPv6Literal } from '../protocol/host.js';
import type { Finding } from './types.js';

export interface MxReport {
  /** The first line: what kind of answer it is. */
  head: string;
  findings: Finding[];
  /** The host a test should connect to (port 25), as a sender would first; null when there is none. */
  connectTo: string | null;
}

const isAddress = (name: string): boolean => isIPv4Literal(name) || isIPv6Literal(name);

/**
 * The domain to look up for what was typed: a domain name, with or without a trailing dot, or a mail address (its
 * domain); lower case. Null when it is no domain name (an IP address, a bad label).
 */
export function mxDomain(typed: string): string | null {
  const t = typed.trim();
  const domain = t.slice(t.lastIndexOf('@') + 1).replace(/\.$/, '').toLowerCase();
  return domain !== '' && isHostName(domain) && !isAddress(domain) ? domain : null;
}

function hostFinding(h: MxHost): Finding {
  const at = `${h.preference}  ${h.exchange === '' ? '.' : h.exchange}`;
  if (h.exchange === '') return { tone: 'bad', text: `${at}  a null MX among other MX records: RFC 7505 §3 allows it only alone` };
  if (isAddress(h.exchange)) return { tone: 'bad', text: `${at}  an address where a host name belongs (RFC 5321 §5.1): senders cannot use it` };
  if (h.lookupError !== undefined) return { tone: 'warn', text: `${at}  its addresses could not be looked up (${h.lookupError}): try again` };
  if (h.addresses.length === 0) return { tone: 'bad', text: `${at}  has no address (no A or AAAA record): senders skip it` };
  return { tone: 'ok', text: `${at}  ${h.addresses.join(', ')}` };
}

/** A host a sender can deliver to: a name with addresses. */
const usable = (h: MxHost): boolean => h.exchange !== '' && !isAddress(h.exchange) && h.addresses.length > 0;

export function readMxAnswer(domain: string, answer: MxAnswer): MxReport {
  switch (answer.kind) {
    case 'mx': {
      const findings = answer.hosts.map(hostFinding);
      const more = answer.count - answer.hosts.length;
      if (more > 0) findings.push({ tone: 'info', text: `and ${more} more with higher preferences` });
      const shared = new Map<number, string[]>();
      for (const h of answer.hosts) if (usable(h)) shared.set(h.preference, [...(shared.get(h.preference) ?? []), h.exchange]);
      for (const [preference, names] of shared) {
        if (names.length > 1) findings.push({ tone: 'info', text: `${names.join(', ')} share preference ${preference}: senders pick among them at random` });
      }
      const first = answer.hosts.find(usable) ?? null;
      if (first === null && answer.hosts.some((h) => h.lookupError !== undefined)) {
        findings.push({ tone: 'warn', text: 'no address could be looked up for now: try again before concluding anything' });
      } else if (first === null) {
        findings.push({ tone: 'bad', text: 'none of them can be reached: mail to this domain waits in senders\' queues, then bounces' });
      }
      return {
        head: `MX records of ${domain}, tried lowest preference first (RFC 5321 §5.1):`,
        findings,
        connectTo: first?.exchange ?? null,
      };
    }
    case 'implicit':
      return {
        head: `${domain} has no MX records: mail goes to the domain itself, an implicit MX (RFC 5321 §5.1):`,
        findings: [
          { tone: 'ok', text: `0  ${domain}  ${answer.addresses.join(', ')}` },
          { tone: 'warn', text: 'works, but a domain that takes mail should say so with an MX record' },
        ],
        connectTo: domain,
      };
    case 'null':
      return {
        head: `${domain} publishes a null MX (RFC 7505): it takes no mail.`,
        findings: [{ tone: 'info', text: 'senders bounce mail to it at once, without trying, typically with 556 5.1.10 (RFC 7504)' }],
        connectTo: null,
      };
    case 'none': {
      const why =
        answer.reason === 'no-domain'
          ? `${domain} does not exist in DNS (NXDOMAIN): mail to it bounces`
          : answer.reason === 'no-records'
            ? `${domain} has no MX, A or AAAA records: mail to it cannot be delivered`
            : answer.reason === 'refused'
              ? `MX records of ${domain} not looked up: ${answer.detail}`
              : `the DNS lookup for ${domain} failed (${answer.detail}): try again, or start heloterm with --dns-server`;
      return { head: why, findings: [], connectTo: null };
    }
  }
}

/**
 * The MX host a sender tries after `failed` could not be reached (RFC 5321 §5.1: the next by preference that has
 * addresses), as a note that also says the connect form points at it; null when `failed` is none of the answer's
 * hosts or the last one.
 */
export function nextMxHost(domain: string, answer: MxAnswer, failed: string): { exchange: string; note: string } | null {
  if (answer.kind !== 'mx') return null;
  const hosts = answer.hosts.filter(usable);
  const at = hosts.findIndex((h) => h.exchange.toLowerCase() === failed.toLowerCase().replace(/\.$/, ''));
  const next = at < 0 ? undefined : hosts[at + 1];
  if (next === undefined) return null;
  const same = next.preference === hosts[at]?.preference ? ', of the same preference: senders pick either first' : '';
  return {
    exchange: next.exchange,
    note: `senders that cannot reach ${failed} go on to ${domain}'s next MX host, ${next.exchange} (preference ${next.preference}${same}), and try ${failed} again later (RFC 5321 §5.1): the connect form now points at it, press Connect to test it too`,
  };
}
