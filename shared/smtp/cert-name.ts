/**
 * Whether a certificate the page was shown is for a name, by the rules Node's TLS verifies with (tls.checkServerIdentity,
 * RFC 6125 §6.4): the subjectAltName's DNS names (a wildcard in the leftmost label only, never for a label holding an
 * A-label, never as `*.tld`), its IP addresses for an address, and the subject's CN only when there are no DNS names.
 * For `/tls name`: a server dialled by its address, checked for the MX host name a sender would dial. Pure; the test
 * compares it with Node's own check.
 */
import type { PeerCertificate } from '../protocol/messages.js';
import { isIPv4Literal, isIPv6Literal } from '../protocol/host.js';
import { showControls } from './escape.js';

/** Lower case, without a trailing dot, in labels. */
const labels = (name: string): string[] => name.toLowerCase().replace(/\.$/, '').split('.');

/** Whether `pattern` (a DNS name of the certificate, or its CN) is for the host's labels. */
function matches(host: readonly string[], pattern: string): boolean {
  if (pattern === '') return false;
  const p = labels(pattern);
  if (p.length !== host.length || p.includes('') || p.some((l) => /[^\u0021-\u007f]/u.test(l))) return false;
  for (let i = host.length - 1; i > 0; i--) if (host[i] !== p[i]) return false;
  const first = p[0] ?? '';
  const hostFirst = host[0] ?? '';
  const parts = first.split('*');
  if (parts.length === 1 || first.includes('xn--')) return hostFirst === first;
  if (parts.length > 2 || p.length <= 2) return false;
  const [prefix = '', suffix = ''] = parts;
  return prefix.length + suffix.length <= hostFirst.length && hostFirst.startsWith(prefix) && hostFirst.endsWith(suffix);
}

/** The common names of a subject as the bridge sends it on one line ("O=Example, CN=mail.example.org"). */
function commonNames(subject: string): string[] {
  return [...subject.matchAll(/(?:^|, )CN=([^,]*)/g)].map((m) => m[1] ?? '');
}

/** An IPv6 address written out in full, lower case, for comparing ("::1" and "0:0:0:0:0:0:0:1" alike). */
function fullIPv6(ip: string): string {
  const [head = '', tail] = ip.toLowerCase().split('::');
  const a = head === '' ? [] : head.split(':');
  const b = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - a.length - b.length).fill('0');
  return [...a, ...zeros, ...b].map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

export type NameCover =
  /** Among its names: `by` is the name that covers it. */
  | { covers: true; by: string }
  /** Not among its names (all of them sent). */
  | { covers: false }
  /** Not among the names the page has, but the certificate has more than were sent. */
  | { covers: null; shown: number; of: number };

/** Whether the certificate is for `host` (a DNS name, or an IPv4 or IPv6 address without brackets). */
export function certCovers(cert: Pick<PeerCertificate, 'names' | 'nameCount' | 'subject'>, host: string): NameCover {
  const h = host.trim();
  const dns = cert.names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  const ips = cert.names.filter((n) => n.startsWith('IP Address:')).map((n) => n.slice(11));
  let by: string | undefined;
  if (isIPv4Literal(h)) by = ips.find((ip) => ip === h);
  else if (isIPv6Literal(h)) by = ips.find((ip) => ip.includes(':') && fullIPv6(ip) === fullIPv6(h));
  else {
    const hostLabels = labels(h);
    // The CN counts only when the certificate has no DNS names at all (and names not sent may be DNS names).
    const candidates =
      dns.length > 0 || cert.nameCount > cert.names.length ? dns.map((d) => ({ by: `DNS:${d}`, pattern: d })) : commonNames(cert.subject).map((cn) => ({ by: `CN=${cn}`, pattern: cn }));
    by = candidates.find((c) => matches(hostLabels, c.pattern))?.by;
  }
  if (by !== undefined) return { covers: true, by: isIPv4Literal(h) || isIPv6Literal(h) ? `IP Address:${by}` : by };
  return cert.nameCount > cert.names.length ? { covers: null, shown: cert.names.length, of: cert.nameCount } : { covers: false };
}

/**
 * What `/tls name` says of `host` and the certificate of this connection: whether it is for that name, and so whether
 * a sender that dialled the name and reached this server would take it (its chain aside, said too when it did not
 * verify). The certificate's names are the server's word, shown through showControls.
 */
export function certNameVerdict(cert: Pick<PeerCertificate, 'names' | 'nameCount' | 'subject'>, host: string, chain: { authorized: boolean; error: string | null }): string {
  const c = certCovers(cert, host);
  if (c.covers === null) return `${host} is not among the ${c.shown} names heloterm was sent of the certificate's ${c.of}: it may be among the others (openssl s_client -starttls smtp lists them all)`;
  if (!c.covers) return `${host} is not among the certificate's names: a sender that checks names (MTA-STS, DANE-TA, a mail program on 465 or 587) and dialled ${host} would refuse this server's certificate`;
  const chainNote = chain.authorized ? 'and its chain verified' : `but its chain did not verify (${showControls(chain.error ?? 'unknown error')}), which fails it anyway`;
  return `${host} is among the certificate's names (${showControls(c.by)}), ${chainNote}: a sender that dialled ${host} and reached this server would ${chain.authorized ? 'take it' : 'still refuse it'}`;
}
