/**
 * What a TLS handshake showed about the server, in findings a mail admin reads top down, as
 * `openssl s_client -starttls smtp` would let them work out by hand: verified or why not, the names the certificate
 * is for and whether the host dialled is among them, who issued it, and its dates (expired, or how long it has left).
 * The bridge checks the chain and the names (Node, OpenSSL); this module only reads what it reported. Pure.
 */
import type { PeerCertificate, TlsMessage } from '../protocol/messages.js';
import { TLS_ERRORS, UNKNOWN_TLS_ERROR } from './tls-errors.js';
import type { Explanation, Finding } from './types.js';


export interface TlsReport {
  protocol: string;
  cipher: string;
  verified: boolean;
  /** Why it did not verify, explained; null when it did. */
  error: Explanation | null;
  certificate: PeerCertificate | null;
  /** Most important first. What came from the certificate is the server's word: show it through showControls. */
  findings: Finding[];
}

/** A certificate this close to its end is worth a warning: certbot and most ACME clients renew 30 days before. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

const BY_CODE: ReadonlyMap<string, Explanation> = new Map(
  TLS_ERRORS.map((e) => [e.code, { key: e.code, title: e.title, explanation: e.explanation, action: e.action, source: e.source }]),
);

/** The explanation of a verify failure as the bridge reports it; a general one for a reason not known here. */
export function explainTlsError(code: string): Explanation {
  return BY_CODE.get(code) ?? { key: code, ...UNKNOWN_TLS_ERROR };
}

/** A verify failure's name in a displayed line, for hovering: the first known one, whole words only. */
export function findTlsErrorToken(text: string): { start: number; end: number; key: string } | null {
  for (const m of text.matchAll(/[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+/g)) {
    const before = m.index === 0 ? '' : (text[m.index - 1] ?? '');
    const after = text[m.index + m[0].length] ?? '';
    if (/\w/.test(before) || /\w/.test(after)) continue;
    if (BY_CODE.has(m[0])) return { start: m.index, end: m.index + m[0].length, key: m[0] };
  }
  return null;
}

/** A name as shown: "DNS:mx.example.com" as "mx.example.com", "IP Address:192.0.2.1" as "192.0.2.1". */
function shownName(name: string): string {
  if (name.startsWith('DNS:')) return name.slice(4);
  if (name.startsWith('IP Address:')) return name.slice(11);
  return name;
}

const isIpLiteral = (host: string): boolean => host.includes(':') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);

/** "2027-02-27" (UTC). */
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function validity(c: PeerCertificate, now: number): Finding {
  const from = c.validFrom === null ? NaN : Date.parse(c.validFrom);
  const to = c.validTo === null ? NaN : Date.parse(c.validTo);
  if (Number.isNaN(from) || Number.isNaN(to)) return { tone: 'warn', text: 'its validity dates could not be read' };
  if (now < from) return { tone: 'bad', text: `not valid yet: valid from ${day(from)} (in ${plural(Math.ceil((from - now) / DAY_MS), 'day')})` };
  if (now > to) return { tone: 'bad', text: `expired on ${day(to)} (${plural(Math.floor((now - to) / DAY_MS), 'day')} ago)` };
  const left = Math.floor((to - now) / DAY_MS);
  if (left < EXPIRY_WARNING_DAYS) return { tone: 'warn', text: `expires soon: valid until ${day(to)} (${plural(left, 'day')} left; renew it)` };
  return { tone: 'ok', text: `valid until ${day(to)} (${plural(left, 'day')} left)` };
}

/**
 * The findings about a TLS session to `host` (as dialled: a name or an IP address) at time `now`
 * (ms since the epoch), most important first.
 */
export function assessTls(
  m: Pick<TlsMessage, 'protocol' | 'cipher' | 'authorized' | 'authorizationError' | 'certificate'>,
  host: string,
  now: number,
): TlsReport {
  host = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const error = m.authorized ? null : explainTlsError(m.authorizationError ?? 'UNKNOWN');
  const findings: Finding[] = [];
  findings.push(
    error === null
      ? { tone: 'ok', text: "verified: a certificate authority this machine trusts vouches for it, and it is for this host" }
      : { tone: 'bad', text: `not verified: ${error.key} (${error.title})` },
  );
  const c = m.certificate;
  if (c === null) {
    findings.push({ tone: 'bad', text: 'the server sent no certificate' });
    return { protocol: m.protocol, cipher: m.cipher, verified: m.authorized, error, certificate: null, findings };
  }
  if (c.names.length === 0) {
    findings.push({ tone: 'warn', text: `for ${c.subject} only: no subjectAltName, and current clients ignore the subject's CN` });
  } else {
    const more = c.nameCount - c.names.length;
    findings.push({ tone: 'info', text: `for ${c.names.map(shownName).join(', ')}${more > 0 ? ` and ${more} more` : ''}` });
  }
  if (c.coversHost) findings.push({ tone: 'ok', text: `${host} is among its names` });
  else if (isIpLiteral(host)) {
    findings.push({ tone: 'warn', text: `${host} is not among its names: senders check the MX host's name: /tls name and that name checks it (or connect by name)` });
  } else findings.push({ tone: 'bad', text: `${host} is not among its names` });
  if (c.selfIssued) findings.push({ tone: 'warn', text: 'self-signed: issued by itself, no certificate authority vouches for it' });
  else {
    findings.push({ tone: 'info', text: `issued by ${c.issuer}` });
    if (c.chain.length > 0) findings.push({ tone: 'info', text: `chain: ${c.chain.join(' → ')}` });
    else if (!m.authorized) {
      findings.push({ tone: 'warn', text: 'its issuer was not found: the server sent no intermediate certificate, and no trusted one fits' });
    }
  }
  findings.push(validity(c, now));
  return { protocol: m.protocol, cipher: m.cipher, verified: m.authorized, error, certificate: c, findings };
}
