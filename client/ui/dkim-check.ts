/**
 * The cryptography of a DKIM check, in the page (WebCrypto): the canonicalized body hashed and compared with bh=, then
 * b= checked against the key the bridge looked up (its TXT record at <selector>._domainkey.<domain>), RSA
 * (RSASSA-PKCS1-v1_5, RFC 6376 §3.3) or Ed25519 over the SHA-256 hash of the signed data (RFC 8463 §3). What is hashed
 * and signed is shared/smtp/dkim-verify.ts's; the outcome is read there too.
 */
import type { PolicyRecords } from '../../shared/protocol/messages.js';
import { base64Bytes, bytesToBase64 } from '../../shared/smtp/base64.js';
import { colonList, tagList } from '../../shared/smtp/dkim.js';
import type { CheckOutcome, SignatureCheck } from '../../shared/smtp/dkim-verify.js';

const HASHES: Readonly<Record<string, { key: 'rsa' | 'ed25519'; hash: 'SHA-256' | 'SHA-1' }>> = {
  'rsa-sha256': { key: 'rsa', hash: 'SHA-256' },
  'rsa-sha1': { key: 'rsa', hash: 'SHA-1' },
  'ed25519-sha256': { key: 'ed25519', hash: 'SHA-256' },
};

/** The DER prefix that makes a bare RSAPublicKey (PKCS #1, as a few publish it) a SubjectPublicKeyInfo of that length. */
function spkiOfPkcs1(pkcs1: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const len = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const bitString = [0x03, ...len(pkcs1.length + 1), 0x00];
  const algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const inner = algorithm.length + bitString.length + pkcs1.length;
  return new Uint8Array([0x30, ...len(inner), ...algorithm, ...bitString, ...pkcs1]);
}

async function rsaKey(der: Uint8Array<ArrayBuffer>, hash: string): Promise<CryptoKey> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
  try {
    return await crypto.subtle.importKey('spki', der, algorithm, false, ['verify']);
  } catch {
    return crypto.subtle.importKey('spki', spkiOfPkcs1(der), algorithm, false, ['verify']);
  }
}

/**
 * A text's octets: UTF-8, as the browser holds a paste; or, with `octets`, one octet a character (a file that is not
 * UTF-8, read as Latin-1 so that every octet of it is kept: unpack.ts).
 */
function bytes(text: string, octets: boolean): Uint8Array<ArrayBuffer> {
  if (!octets) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Checks one signature against the answer to its key's lookup; `octets`: the message's text holds one octet a
 * character (see bytes). Never throws.
 */
export async function checkSignature(c: SignatureCheck, answer: PolicyRecords, octets = false): Promise<CheckOutcome> {
  if (c.broken !== null) return { kind: 'unusable', detail: `the signature is ${c.broken}: receivers ignore it (${c.kind === 'dkim' ? 'RFC 6376 §3.5' : 'RFC 8617 §4.1'})` };
  const algo = HASHES[c.algorithm];
  if (algo === undefined) return { kind: 'unusable', detail: `a=${c.algorithm}: an algorithm receivers do not know (RFC 6376 §3.3, RFC 8463)` };
  if (answer.kind === 'none') return { kind: 'no-key' };
  if (answer.kind === 'error') return { kind: 'lookup', detail: answer.detail };
  if (answer.count > 1) return { kind: 'unusable', detail: `${answer.count} TXT records at the key's name: a verifier may take any of them (RFC 6376 §3.6.2.2); keep one` };
  const tags = tagList(answer.records[0] ?? '');
  const p = tags.get('p');
  if (p === undefined) return { kind: 'unusable', detail: 'the key record has no p= tag: not a DKIM key (RFC 6376 §3.6.1)' };
  if (p === '') return { kind: 'revoked' };
  const keyType = (tags.get('k') ?? 'rsa').toLowerCase();
  if (keyType !== algo.key) return { kind: 'unusable', detail: `the key is k=${keyType}, the signature a=${c.algorithm}: they do not go together` };
  const allowed = colonList(tags.get('h'));
  if (tags.has('h') && !allowed.includes(algo.hash.replace('-', '').toLowerCase())) {
    return { kind: 'unusable', detail: `the key allows h=${tags.get('h')} only, and the signature uses ${algo.hash}` };
  }
  const der = base64Bytes(p);
  const signature = base64Bytes(c.signature);
  if (der === null || signature === null) return { kind: 'unusable', detail: `${der === null ? 'the key (p=)' : 'the signature (b=)'} is not base64` };
  try {
    // The body first: its hash says whether the body changed, whatever the signature says (a seal signs no body).
    const whole = bytes(c.body, octets);
    const signedBody = c.length === null ? whole : whole.subarray(0, c.length);
    const bh = c.bodyHash === null ? new Uint8Array() : new Uint8Array(await crypto.subtle.digest(algo.hash, signedBody));
    let key: CryptoKey;
    // An Ed25519 key is 256 bits; an RSA key's length is read from it once imported.
    let keyBits = 256;
    if (algo.key === 'rsa') {
      key = await rsaKey(new Uint8Array(der), algo.hash);
      keyBits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
      if (keyBits < 1024) return { kind: 'weak', bits: keyBits };
    } else {
      key = await crypto.subtle.importKey('raw', new Uint8Array(der), { name: 'Ed25519' }, false, ['verify']);
    }
    if (c.bodyHash !== null && bytesToBase64(bh) !== c.bodyHash.replace(/\s+/g, '')) return { kind: 'body', bits: keyBits };
    const data = bytes(c.signed, octets);
    const ok =
      algo.key === 'rsa'
        ? await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, new Uint8Array(signature), data)
        : await crypto.subtle.verify('Ed25519', key, new Uint8Array(signature), new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
    if (!ok) return { kind: 'signature', bits: keyBits };
    const testing = colonList(tags.get('t')).includes('y');
    return { kind: 'pass', bits: keyBits, testing, unsigned: c.length === null ? 0 : Math.max(0, whole.length - c.length) };
  } catch (err) {
    return { kind: 'unusable', detail: `the key could not be used: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200) };
  }
}
