/**
 * What an EHLO reply tells an admin about a server at a glance, judged rather than listed (the reply log explains
 * each keyword; this says what matters): whether mail to it can be encrypted, whether a password would travel
 * readable, whether something between the client and the server masks its extensions, and its size limit. Pure.
 *
 * Rests on RFC 3207 (STARTTLS: §4 offered before TLS, §4.2 never again after it), RFC 4954 §4 (no password
 * mechanism before TLS), RFC 6409 §4.3 (submission is for clients that log in), RFC 1870 (SIZE), and
 * Cisco's documentation of its firewalls' ESMTP inspection (STARTTLS removed, other keywords masked).
 */
import { humanSize } from './ehlo.js';
import { SUBMISSION_PORT } from './ports.js';
import type { Finding } from './types.js';

export interface EhloReview {
  /** The first line: which EHLO reply this is about. */
  head: string;
  findings: Finding[];
  /** Nothing worth a look was found (for the reply log's colour). */
  good: boolean;
}

/** Where the EHLO reply came from. */
export interface EhloReviewContext {
  /** The connection was encrypted when EHLO was sent (after STARTTLS, or implicit TLS). */
  tls: boolean;
  /** The port dialled: 587 is submission, for clients that log in. */
  port: number;
  /** The server is on loopback (a local MTA): unencrypted mail to it never crosses a network. */
  loopback: boolean;
}

/** SASL mechanisms that send the password itself, only encoded (RFC 4616; the LOGIN mechanism likewise). */
const PASSWORD_MECHANISMS: ReadonlySet<string> = new Set(['PLAIN', 'LOGIN']);

/**
 * A keyword masked by a firewall's SMTP inspection: X's, then the letter the firewall ends it with (Cisco's ESMTP
 * inspection sends STARTTLS as "XXXXXXXA").
 */
const MASKED_KEYWORD = /^X{3,}[A-Z]?$/;

/** The review of an EHLO reply, from the extensions it listed (keyword → parameters, as SessionState keeps them). */
export function reviewEhlo(extensions: ReadonlyMap<string, string>, c: EhloReviewContext): EhloReview {
  const findings: Finding[] = [];
  const masked = [...extensions.keys()].filter((k) => MASKED_KEYWORD.test(k));
  if (c.tls) {
    if (extensions.has('STARTTLS')) {
      findings.push({ tone: 'warn', text: 'STARTTLS offered again, inside TLS: a server must not (RFC 3207 §4.2); clients ignore it' });
    }
  } else if (extensions.has('STARTTLS')) {
    findings.push({
      tone: 'ok',
      text: 'STARTTLS: mail to this server can be encrypted (RFC 3207). Send STARTTLS, then EHLO again: what it offers then counts; /tls versions and /tls injection try its TLS further',
    });
  } else if (masked.length > 0) {
    findings.push({
      tone: 'bad',
      text: `no STARTTLS: ${masked.join(', ')} is a keyword masked on the way, by a firewall that inspects SMTP and hides STARTTLS (Cisco ASA's "inspect esmtp" does by default), so no TLS gets through. Allow TLS in its inspection, or turn it off for SMTP`,
    });
  } else {
    findings.push({
      tone: c.loopback ? 'warn' : 'bad',
      text: `no STARTTLS: mail to this server travels unencrypted, readable on every network it crosses, and senders whose policy requires TLS (MTA-STS, DANE) cannot deliver at all (RFC 3207)${
        c.port === SUBMISSION_PORT ? '; mail clients would log in in the clear' : ''
      }`,
    });
  }
  if (masked.length > 0 && (c.tls || extensions.has('STARTTLS'))) {
    findings.push({ tone: 'warn', text: `${masked.join(', ')}: a keyword masked on the way, by a firewall that inspects SMTP (Cisco ASA's "inspect esmtp"): the server offers something it does not let through` });
  }
  const auth = extensions.get('AUTH');
  if (auth !== undefined) {
    const mechanisms = auth.split(/\s+/).filter((m) => m !== '');
    const named = mechanisms.length === 0 ? 'AUTH' : `AUTH ${mechanisms.join(' ')}`;
    const password = mechanisms.filter((m) => PASSWORD_MECHANISMS.has(m.toUpperCase()));
    if (c.tls) findings.push({ tone: 'info', text: `${named}: logins are taken, encrypted now` });
    else if (password.length > 0) {
      findings.push({
        tone: 'warn',
        text: `${named} offered before TLS: a login now would send the password readable (${password.join(' and ')}: base64, no encryption). Offer ${password.length === 1 ? 'it' : 'them'} only after STARTTLS (Postfix: smtpd_tls_auth_only = yes) (RFC 4954 §4)`,
      });
    } else findings.push({ tone: 'info', text: `${named} offered before TLS; none of these mechanisms sends the password itself` });
  } else if (c.port === SUBMISSION_PORT && c.tls) {
    findings.push({ tone: 'warn', text: 'no AUTH on the submission port: mail clients log in here to send (RFC 6409 §4.3), and cannot' });
  }
  const size = extensions.get('SIZE');
  if (size !== undefined) {
    const octets = /^[0-9]{1,15}$/.test(size) ? Number(size) : null;
    if (octets === null || octets === 0) findings.push({ tone: 'info', text: 'SIZE without a limit: the server declares no largest message (RFC 1870)' });
    else findings.push({ tone: 'info', text: `messages up to ${humanSize(octets)} (SIZE ${octets}): larger ones are refused with 552 (RFC 1870)` });
  }
  return {
    head: `what the EHLO reply says about the server, ${c.tls ? 'over TLS' : 'before TLS'}:`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
