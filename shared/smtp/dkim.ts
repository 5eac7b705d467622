/**
 * A DKIM key record (RFC 6376 §3.6.1), as a verifier reads it: what a mail admin checks when mail fails DKIM, with
 * `dig TXT <selector>._domainkey.<domain>` and a base64 decoder beside telnet. Whether a key is published under
 * that selector, whether it is revoked (an empty p=), its type and length (RSA keys under 1024 bits are refused,
 * 2048 recommended: RFC 8301 §3.2), testing mode (t=y), and hash algorithms verifiers no longer accept (sha1 alone,
 * RFC 8301 §3.1). Pure.
 */
import type { PolicyRecords } from '../protocol/messages.js';
import { base64Bytes } from './base64.js';
import type { Finding } from './types.js';

export interface DkimReport {
  head: string;
  findings: Finding[];
  /** Nothing wrong was found (for the reply log's colour). */
  good: boolean;
}

/** Where a selector's key is published (RFC 6376 §3.6.2.1). */
export function dkimName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

/**
 * A tag=value list (RFC 6376 §3.2, the form MTA-STS's and TLS-RPT's records share): tags separated by ";", names in
 * lower case, whitespace in values dropped, the first of a tag given twice.
 */
export function tagList(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (name !== '' && !tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** A tag's colon-separated list (h= of a signature or a key, t= flags), lowercased, without empty items; [] when absent. */
export function colonList(value: string | undefined): string[] {
  return (value ?? '').toLowerCase().split(':').map((x) => x.trim()).filter((x) => x !== '');
}

/** A DER element: its tag and where its content starts and ends, or null when `der` holds none at `at`. */
function element(der: readonly number[], at: number): { tag: number; start: number; end: number } | null {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) return null;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3) return null;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (der[start + i] ?? NaN);
    start += n;
  }
  const end = start + length;
  return Number.isNaN(end) || end > der.length ? null : { tag, start, end };
}

/** DER of the rsaEncryption algorithm's object identifier (1.2.840.113549.1.1.1). */
const RSA_ENCRYPTION = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/**
 * The length in bits of the RSA public key in `der`: a SubjectPublicKeyInfo, as DKIM keys are published, or a bare
 * RSAPublicKey (RFC 6376 §3.6.1 allows both); null when it is neither.
 */
export function rsaKeyBits(der: readonly number[]): number | null {
  const top = element(der, 0);
  if (top === null || top.tag !== 0x30) return null;
  let modulus = element(der, top.start);
  if (modulus?.tag === 0x30) {
    // SubjectPublicKeyInfo: the algorithm, then the key as a BIT STRING (its first byte counts unused bits).
    const oid = element(der, modulus.start);
    if (oid?.tag !== 0x06 || der.slice(oid.start, oid.end).join() !== RSA_ENCRYPTION.join()) return null;
    const bits = element(der, modulus.end);
    if (bits?.tag !== 0x03) return null;
    const key = element(der, bits.start + 1);
    if (key?.tag !== 0x30) return null;
    modulus = element(der, key.start);
  }
  if (modulus?.tag !== 0x02) return null;
  let at = modulus.start;
  while (at < modulus.end && der[at] === 0) at++;
  if (at === modulus.end) return null;
  return (modulus.end - at - 1) * 8 + (32 - Math.clz32(der[at] ?? 0));
}

/** The record as shown: the key's base64 cut to its ends, so that the tags stay readable. */
export function shownDkim(record: string): string {
  return record.replace(/(\bp\s*=\s*)([A-Za-z0-9+/=\s]{40,})/, (_m, tag: string, key: string) => {
    const k = key.replace(/\s+/g, '');
    return `${tag}${k.slice(0, 12)}…${k.slice(-8)} (${k.length} characters)`;
  });
}

/** What the key of one record, published for `selector`, tells. */
export function dkimKeyFindings(selector: string, record: string): Finding[] {
  const tags = tagList(record);
  const out: Finding[] = [];
  const version = tags.get('v');
  if (version !== undefined && version !== 'DKIM1') {
    return [{ tone: 'bad', text: `v=${version} is not DKIM1: verifiers ignore the record (RFC 6376 §3.6.1)` }];
  }
  const key = tags.get('p');
  if (key === undefined) return [{ tone: 'bad', text: 'no p= tag: not a key record, and signatures with this selector fail (RFC 6376 §3.6.1)' }];
  if (key === '') {
    return [{ tone: 'bad', text: `p= is empty: the key is revoked, and every signature with s=${selector} fails (RFC 6376 §3.6.1)` }];
  }
  const bytes = base64Bytes(key);
  const type = (tags.get('k') ?? 'rsa').toLowerCase();
  if (bytes === null) {
    out.push({ tone: 'bad', text: 'p= is not base64: verifiers cannot read the key, and signatures fail (RFC 6376 §3.6.1)' });
  } else if (type === 'rsa') {
    const bits = rsaKeyBits(bytes);
    if (bits === null) out.push({ tone: 'bad', text: 'p= is not an RSA public key (k=rsa, the default): signatures fail (RFC 6376 §3.6.1)' });
    else if (bits < 1024) out.push({ tone: 'bad', text: `RSA key of ${bits} bits: verifiers refuse keys under 1024 bits, so signatures fail. Publish a 2048-bit key (RFC 8301 §3.2)` });
    else if (bits < 2048) out.push({ tone: 'warn', text: `RSA key of ${bits} bits: accepted, but signers should use 2048 bits (RFC 8301 §3.2)` });
    else out.push({ tone: 'ok', text: `RSA key of ${bits} bits` });
  } else if (type === 'ed25519') {
    out.push(
      bytes.length === 32
        ? { tone: 'info', text: 'Ed25519 key (RFC 8463): verifiers that do not know it skip the signature; sign with an RSA key beside it' }
        : { tone: 'bad', text: `p= holds ${bytes.length} bytes, not an Ed25519 key's 32: signatures fail (RFC 8463 §4)` },
    );
  } else {
    out.push({ tone: 'bad', text: `k=${type} is not a key type verifiers know (rsa, ed25519): signatures fail` });
  }
  const hashes = tags.has('h') ? colonList(tags.get('h')) : undefined;
  if (hashes !== undefined && !hashes.includes('sha256')) {
    out.push({ tone: 'bad', text: `h=${hashes.join(':')}: only sha256 signatures count now; verifiers refuse sha1 (RFC 8301 §3.1)` });
  }
  const flags = colonList(tags.get('t'));
  if (flags.includes('y')) out.push({ tone: 'warn', text: 't=y: testing mode, so verifiers may treat a failed signature as no signature (RFC 6376 §3.6.1)' });
  if (flags.includes('s')) out.push({ tone: 'info', text: 't=s: signatures must use exactly this domain in i=, not a subdomain' });
  return out;
}

/** The findings of the key record published for `selector` at `domain`. */
export function readDkim(selector: string, domain: string, answer: PolicyRecords): DkimReport {
  const name = dkimName(selector, domain);
  const findings: Finding[] = [];
  switch (answer.kind) {
    case 'error':
      findings.push({ tone: 'warn', text: `${answer.detail}; try again before concluding anything` });
      break;
    case 'none':
      findings.push({
        tone: 'bad',
        text: `no key published: mail signed with s=${selector} d=${domain} fails DKIM (RFC 6376 §6.1.2). Check the selector against the s= of a DKIM-Signature header, and that the record is published under this name`,
      });
      break;
    case 'records':
      for (const r of answer.records) findings.push({ tone: 'info', text: `DKIM: ${shownDkim(r)}` });
      if (answer.count > 1) findings.push({ tone: 'bad', text: `${answer.count} TXT records: a verifier may use any of them (RFC 6376 §3.6.2.2). Keep one` });
      else findings.push(...dkimKeyFindings(selector, answer.records[0] ?? ''));
  }
  return { head: `DKIM key for selector ${selector} (TXT ${name}):`, findings, good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn') };
}
