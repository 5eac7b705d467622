/**
 * What an SPF check of a sending address (protocol `spf` answer) tells a mail admin, in lines: the result a receiver
 * gets (RFC 7208 §2.6), what receivers do with it (§8), and what to change when it is not a pass. The question
 * behind "SPF fail" refusals (Gmail's 5.7.26, Microsoft's 5.7.23, policyd-spf's "SPF fail - not authorized"):
 * would mail from this server pass? Pure.
 */
import type { SpfCheck } from '../protocol/messages.js';
import { isIPv4Literal, isIPv6Literal } from '../protocol/host.js';
import { mxDomain } from './mx.js';
import { NO_DOMAIN_REFUSED } from './policies.js';
import { isPrivateAddress } from './relay.js';
import { SPF_LOOKUP_LIMIT } from './spf.js';
import type { Finding } from './types.js';

/** Void lookups (a name that does not exist, or has no record of the type) a receiver allows (RFC 7208 §4.6.4). */
export const SPF_VOID_LIMIT = 2;

export interface SpfCheckReport {
  head: string;
  findings: Finding[];
  /** The check passed (for the reply log's colour). */
  good: boolean;
}

/** The mechanism that would authorise `ip`: ip4:192.0.2.10 or ip6:2001:db8::10 (RFC 7208 §5.6). */
export function authorising(ip: string): string {
  return `${isIPv4Literal(ip) ? 'ip4' : 'ip6'}:${ip}`;
}

/** Where an SPF refusal names the sending address: Gmail's "with the ip: [192.0.2.1]", policyd-spf's "ip=192.0.2.1". */
const REFUSED_IP = /\bip(?:=|:\s*\[?)([0-9A-Fa-f.:]{2,45})/;
/** …and the domain: Gmail's "MAIL FROM domain [example.org]", policyd-spf's "id=user@example.org" (or "id=<HELO>"). */
const REFUSED_DOMAIN = /\bMAIL FROM domain \[([^\]\s]{1,253})\]|\bid=(?:[^;\s@]{0,64}@)?([^;\s@]{1,253})/i;

/**
 * The `/spf` command that checks what an SPF refusal's text names (the sending address and the MAIL FROM domain), or
 * null when it does not name both.
 */
export function spfCommandIn(text: string): string | null {
  const ip = REFUSED_IP.exec(text)?.[1]?.replace(/[.:]+$/, '');
  const named = REFUSED_DOMAIN.exec(text);
  const domain = mxDomain(named?.[1] ?? named?.[2] ?? '');
  if (ip === undefined || !(isIPv4Literal(ip) || isIPv6Literal(ip)) || domain === null) return null;
  return `/spf ${ip} ${domain}`;
}

/** The result's line: what a receiver makes of it, and what to do when it is not a pass. */
function resultLine(ip: string, domain: string, check: Extract<SpfCheck, { kind: 'checked' }>): Finding {
  const add = `add ${authorising(ip)} (or the include: of the provider that sends for you) to ${domain}'s SPF record, or send through a server it lists`;
  const why = check.detail === undefined ? '' : ` (${check.detail})`;
  switch (check.result) {
    case 'pass':
      return { tone: 'ok', text: `pass: ${domain}'s SPF record lets ${ip} send its mail (RFC 7208 §8.3). DMARC also wants that domain to match the From: header's` };
    case 'fail':
      return {
        tone: 'bad',
        text: `fail: ${domain} says ${ip} may not send its mail, and receivers may refuse it (Gmail 5.7.26, Microsoft 5.7.23; RFC 7208 §8.4). To fix, ${add}`,
      };
    case 'softfail':
      return {
        tone: 'warn',
        text: `softfail: ${ip} is not authorised, but ${domain} asks receivers to accept and mark the mail (RFC 7208 §8.5); DMARC counts it as a failure. To fix, ${add}`,
      };
    case 'neutral':
      return { tone: 'warn', text: `neutral: ${domain}'s record says nothing about ${ip} (RFC 7208 §8.2): as if it published no SPF; DMARC counts it as a failure. To fix, ${add}` };
    case 'none':
      if (check.noDomain === true) {
        return {
          tone: 'bad',
          text: `none: ${domain} does not exist in DNS (NXDOMAIN): no record to check, and none can be published until it is registered. ${NO_DOMAIN_REFUSED}; check its spelling`,
        };
      }
      return {
        tone: 'warn',
        text: `none: ${domain} publishes no SPF record${why}, so receivers cannot check it (RFC 7208 §8.1); Gmail and Yahoo want SPF or DKIM from every sender. Publish one: v=spf1 ${authorising(ip)} -all`,
      };
    case 'permerror':
      return {
        tone: 'bad',
        text: `permerror: ${domain}'s SPF record cannot be evaluated${why}; receivers treat it as a failure or ignore SPF (RFC 7208 §8.7), and DMARC counts it as a failure. /mx ${domain} reads the record`,
      };
    case 'temperror':
      return { tone: 'warn', text: `temperror: a DNS lookup failed${why}; a receiver would defer the mail (4xx) or accept it without SPF (RFC 7208 §8.6). Try again` };
  }
}

/** The findings of checking whether `ip` may send mail from `domain`. */
export function readSpfCheck(ip: string, domain: string, answer: SpfCheck): SpfCheckReport {
  const head = `SPF check: may ${ip} send mail from ${domain}? (as a receiver evaluates it, RFC 7208 §4)`;
  if (answer.kind === 'refused') {
    return { head, findings: [{ tone: 'warn', text: `not checked: ${answer.detail}` }], good: false };
  }
  const findings: Finding[] = [];
  if (answer.record !== undefined) findings.push({ tone: 'info', text: `SPF: ${answer.record}` });
  findings.push(resultLine(ip, domain, answer));
  // A domain that does not exist had nothing to evaluate: its own query's void lookup is no count worth giving.
  if ((answer.lookups > 0 || answer.voidLookups > 0) && answer.noDomain !== true) {
    const voids = answer.voidLookups > 0 ? `, ${answer.voidLookups} of them void (of ${SPF_VOID_LIMIT} allowed)` : '';
    const lookups = answer.lookups === 1 ? '1 DNS lookup' : `${answer.lookups} DNS lookups`;
    findings.push({ tone: 'info', text: `${lookups} until the result (of ${SPF_LOOKUP_LIMIT} allowed, RFC 7208 §4.6.4)${voids}` });
  }
  if (isPrivateAddress(ip)) {
    findings.push({ tone: 'info', text: `${ip} is a private address: receivers on the internet see the public address your mail leaves from. Check that one` });
  }
  return { head, findings, good: answer.result === 'pass' };
}
