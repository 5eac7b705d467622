/**
 * What the bridge tells the page about the certificate an SMTP server presented in the TLS handshake, in the manner
 * of `openssl s_client -starttls smtp`: who it is for, who issued it, when it is valid, the chain the server sent.
 * Node reads the certificate (X509Certificate) and checks its names against the host dialled (checkServerIdentity,
 * the RFC 6125 rules Node applies when it verifies); this module only picks, cuts and flattens.
 *
 * Everything in a certificate is the server's word: the texts are cut to MAX_CERT_TEXT and the lists to their
 * limits here, and the page shows them through showControls like any server text.
 */
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import ipaddr from 'ipaddr.js';
import { MAX_CERT_CHAIN, MAX_CERT_NAMES, MAX_CERT_TEXT, type PeerCertificate } from '../shared/protocol/messages.js';

const cut = (s: string): string => (s.length > MAX_CERT_TEXT ? `${s.slice(0, MAX_CERT_TEXT)}…` : s);

/** A distinguished name as X509Certificate gives it (one attribute a line) on one line: "O=Example, CN=mail". */
const oneLine = (dn: string): string => cut(dn.split('\n').join(', '));

/** An ISO date from OpenSSL's "Nov 29 17:30:08 2027 GMT", or null. */
function isoDate(text: string): string | null {
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The entries of a subjectAltName as Node prints it: "DNS:a, IP Address:192.0.2.1". Since CVE-2021-44532 Node
 * quotes a value holding a comma or a quote as a JSON string (DNS:"a, b"), so a comma inside quotes does not split.
 */
export function splitAltNames(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted && text[i + 1] === ' ') {
      out.push(text.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** "IP Address:0:0:0:0:0:0:0:1" as people write it ("IP Address:::1"); other names as they are. */
function tidyName(name: string): string {
  const prefix = 'IP Address:';
  if (!name.startsWith(prefix)) return name;
  const ip = name.slice(prefix.length);
  return ipaddr.isValid(ip) ? prefix + ipaddr.parse(ip).toString() : name;
}

/**
 * The certificate of a TLS connection just established to `host` (a name or an IP address, without brackets), or
 * null if the server sent none. Never throws.
 */
export function describePeerCertificate(socket: tls.TLSSocket, host: string): PeerCertificate | null {
  let leaf: tls.DetailedPeerCertificate;
  let x509: X509Certificate;
  try {
    leaf = socket.getPeerCertificate(true);
    if (leaf === null || leaf.raw === undefined) return null;
    x509 = new X509Certificate(leaf.raw);
  } catch {
    return null;
  }
  const names = splitAltNames(x509.subjectAltName ?? '');
  const chain: string[] = [];
  const seen = new Set<tls.DetailedPeerCertificate>([leaf]);
  // Node links each certificate to its issuer among those the server sent, then in the trust store (so a trusted
  // root comes last). A root certificate's issuerCertificate is itself: the walk stops at whatever it has seen.
  for (let c = leaf.issuerCertificate; c !== undefined && c !== null && !seen.has(c) && chain.length < MAX_CERT_CHAIN; c = c.issuerCertificate) {
    seen.add(c);
    try {
      chain.push(oneLine(new X509Certificate(c.raw).subject));
    } catch {
      chain.push('(unreadable certificate)');
    }
  }
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    names: names.slice(0, MAX_CERT_NAMES).map((n) => cut(tidyName(n))),
    nameCount: names.length,
    validFrom: isoDate(x509.validFrom),
    validTo: isoDate(x509.validTo),
    fingerprint256: x509.fingerprint256,
    // RFC 5280 §6.1: self-issued when the issuer and subject names are the same (checkIssued would also want the
    // key to be allowed to sign certificates, which a server's own rarely is).
    selfIssued: x509.subject === x509.issuer,
    chain,
    coversHost: coversHost(leaf, host),
  };
}

/**
 * Whether the certificate is for `host`, by the rules Node verifies with (tls.checkServerIdentity: subjectAltName
 * DNS names with a leftmost wildcard, IP addresses, the subject's CN only when there are no DNS names; RFC 6125 §6.4).
 */
function coversHost(cert: tls.PeerCertificate, host: string): boolean {
  try {
    return tls.checkServerIdentity(host, cert) === undefined;
  } catch {
    return false;
  }
}

/**
 * The certificates a TLS peer presented, its own first, then each issuer Node linked (at most MAX_CERT_CHAIN above
 * it); empty when it sent none or one is unreadable. Never throws.
 */
export function peerChain(socket: tls.TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  try {
    const seen = new Set<tls.PeerCertificate>();
    for (let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); c?.raw !== undefined && !seen.has(c) && out.length <= MAX_CERT_CHAIN; c = c.issuerCertificate) {
      seen.add(c);
      out.push(new X509Certificate(c.raw));
    }
  } catch {
    return [];
  }
  return out;
}
