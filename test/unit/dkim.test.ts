/**
 * DKIM key records (shared/smtp/dkim.ts) read as a verifier reads them, with keys made by node:crypto as a signer
 * would publish them; `/dkim`; and the `dkim` messages at the protocol's boundary. What a real resolver answers is
 * in test/integration/dns-lookup.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { formatReport } from '../../client/terminal/render-findings.js';
import { MAX_HOST_CHARS } from '../../shared/protocol/host.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { PolicyRecords } from '../../shared/protocol/messages.js';
import { base64Bytes } from '../../shared/smtp/base64.js';
import { readDkim, rsaKeyBits } from '../../shared/smtp/dkim.js';
import { SessionModel } from '../../shared/smtp/session.js';

/** A public key as DKIM publishes it in p=: base64 of its DER (SubjectPublicKeyInfo, or for Ed25519 the raw key). */
function rsaKey(bits: number, type: 'spki' | 'pkcs1' = 'spki'): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type, format: 'der' }).toString('base64');
}
const ed25519Key = (): string => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');

const KEY_2048 = rsaKey(2048);
const one = (record: string): PolicyRecords => ({ kind: 'records', records: [record], count: 1 });
const judged = (record: string): string[] => readDkim('s1', 'example.org', one(record)).findings.slice(1).map((f) => `${f.tone}: ${f.text}`);

describe('rsaKeyBits', () => {
  it('reads the length of RSA keys as published: SubjectPublicKeyInfo or a bare RSAPublicKey', () => {
    for (const bits of [512, 1024, 2048]) {
      expect(rsaKeyBits(base64Bytes(rsaKey(bits)) ?? [])).toBe(bits);
    }
    expect(rsaKeyBits(base64Bytes(rsaKey(1024, 'pkcs1')) ?? [])).toBe(1024);
  });

  it('says null, never throws, for what is not an RSA key: an Ed25519 key, cut or random bytes', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(rsaKeyBits([...ed])).toBeNull();
    const der = base64Bytes(KEY_2048) ?? [];
    for (let cut = 0; cut < der.length; cut += 7) expect(rsaKeyBits(der.slice(0, cut))).toBeNull();
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      const bytes = Array.from({ length: 1 + (i % 40) }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % 256));
      bytes[0] = 0x30;
      expect(() => rsaKeyBits(bytes)).not.toThrow();
    }
  });
});

describe('readDkim', () => {
  it('passes a 2048-bit RSA key, showing the record with the key cut to its ends', () => {
    const r = readDkim('s1', 'example.org', one(`v=DKIM1; k=rsa; p=${KEY_2048}`));
    expect(r.head).toBe('DKIM key for selector s1 (TXT s1._domainkey.example.org):');
    expect(r.findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      `info: DKIM: v=DKIM1; k=rsa; p=${KEY_2048.slice(0, 12)}…${KEY_2048.slice(-8)} (${KEY_2048.length} characters)`,
      'ok: RSA key of 2048 bits',
    ]);
    expect(r.good).toBe(true);
    // k= and v= may be left out (rsa, and no version); tags in any order, with spaces, in several strings' worth.
    expect(judged(`p = ${KEY_2048.slice(0, 100)} ${KEY_2048.slice(100)} ;t=s`)).toEqual(['ok: RSA key of 2048 bits', 'info: t=s: signatures must use exactly this domain in i=, not a subdomain']);
  });

  it('judges key lengths as RFC 8301 does: under 1024 bits refused, under 2048 weak', () => {
    expect(judged(`v=DKIM1; p=${rsaKey(512)}`)).toEqual([expect.stringMatching(/^bad: RSA key of 512 bits: verifiers refuse keys under 1024 bits/)]);
    expect(judged(`v=DKIM1; p=${rsaKey(1024)}`)).toEqual(['warn: RSA key of 1024 bits: accepted, but signers should use 2048 bits (RFC 8301 §3.2)']);
  });

  it('says what makes every signature fail: revoked, no key, not a key, another version or key type', () => {
    expect(judged('v=DKIM1; k=rsa; p=')).toEqual(['bad: p= is empty: the key is revoked, and every signature with s=s1 fails (RFC 6376 §3.6.1)']);
    expect(judged('v=DKIM1; k=rsa')).toEqual([expect.stringMatching(/^bad: no p= tag/)]);
    expect(judged('v=DKIM1; p=not*base64')).toEqual([expect.stringMatching(/^bad: p= is not base64/)]);
    expect(judged(`v=DKIM1; p=${ed25519Key()}`)).toEqual([expect.stringMatching(/^bad: p= is not an RSA public key \(k=rsa, the default\)/)]);
    expect(judged(`v=DKIM2; p=${KEY_2048}`)).toEqual([expect.stringMatching(/^bad: v=DKIM2 is not DKIM1: verifiers ignore the record/)]);
    expect(judged(`v=DKIM1; k=dsa; p=${KEY_2048}`)).toEqual([expect.stringMatching(/^bad: k=dsa is not a key type verifiers know/)]);
  });

  it('reads Ed25519 keys (RFC 8463), sha1-only hashes and testing mode', () => {
    expect(judged(`v=DKIM1; k=ed25519; p=${ed25519Key()}`)).toEqual([expect.stringMatching(/^info: Ed25519 key \(RFC 8463\): verifiers that do not know it skip the signature/)]);
    expect(judged(`v=DKIM1; k=ed25519; p=${KEY_2048}`)).toEqual([expect.stringMatching(/^bad: p= holds 294 bytes, not an Ed25519 key's 32/)]);
    expect(judged(`v=DKIM1; h=sha1; p=${KEY_2048}`)).toEqual(['ok: RSA key of 2048 bits', expect.stringMatching(/^bad: h=sha1: only sha256 signatures count now/)]);
    expect(judged(`v=DKIM1; h=sha1:sha256; t=y; p=${KEY_2048}`)).toEqual(['ok: RSA key of 2048 bits', expect.stringMatching(/^warn: t=y: testing mode/)]);
  });

  it('says no key is published, a failed lookup proves nothing, and two records are one too many', () => {
    const none = readDkim('google', 'example.org', { kind: 'none' });
    expect(none.findings).toEqual([{ tone: 'bad', text: expect.stringMatching(/^no key published: mail signed with s=google d=example\.org fails DKIM/) }]);
    expect(none.good).toBe(false);
    expect(readDkim('s1', 'example.org', { kind: 'error', detail: 'the TXT lookup of s1._domainkey.example.org failed: ETIMEOUT' }).findings[0]?.tone).toBe('warn');
    const two = readDkim('s1', 'example.org', { kind: 'records', records: ['p=AAAA', 'p=BBBB'], count: 2 });
    expect(two.findings.map((f) => f.tone)).toEqual(['info', 'info', 'bad']);
  });

  it('never passes a record\'s control characters to the terminal', () => {
    expect(formatReport(readDkim('s1', 'example.org', one('v=DKIM1; n=\x1b]0;owned\x07; p=')))).not.toMatch(/\x1b\]|\x07/);
  });
});

describe('/dkim', () => {
  const state = new SessionModel().state;
  const want = { kind: 'dkim', selector: 'google', domain: 'example.org' };
  it('takes a selector and a domain, the name they make, or a DKIM-Signature header', () => {
    expect(localCommand('/dkim google example.org', state)).toEqual(want);
    expect(localCommand('/dkim Google Example.ORG.', state)).toEqual(want);
    expect(localCommand('/dkim google._domainkey.example.org', state)).toEqual(want);
    expect(localCommand('/dkim DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=google; h=from:to; bh=abc=; b=xyz=', state)).toEqual(want);
    // /dkim verify: the practice server's last report verified, not a lookup of a selector "verify".
    expect(localCommand('/dkim verify', state)).toEqual({ kind: 'dkim-verify' });
    expect(localCommand('/dkim Verify', state)).toEqual({ kind: 'dkim-verify' });
  });

  it('says what it needs otherwise', () => {
    const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
    for (const line of ['/dkim', '/dkim google', '/dkim google example.org more', '/dkim google 192.0.2.1', '/dkim bad..sel example.org']) {
      const c = localCommand(line, state);
      expect(c?.kind === 'text' ? plain(c.text) : JSON.stringify(c)).toMatch(/\/dkim needs a selector and a domain/);
    }
  });
});

describe('dkim at the protocol boundary', () => {
  it('the bridge takes a lookup of a selector at a domain name', () => {
    expect(decodeClientMessage('{"v":2,"type":"dkim","selector":"s1.sub","domain":"example.org"}')).toEqual({
      ok: true,
      value: { v: 2, type: 'dkim', selector: 's1.sub', domain: 'example.org' },
    });
    for (const [selector, domain] of [['', 'example.org'], ['s 1', 'example.org'], ['s1', '192.0.2.1'], ['s1', 'a..b'], ['s1', 7], ['x'.repeat(63) + '.' + 'y'.repeat(63), 'z'.repeat(63) + '.' + 'w'.repeat(60) + '.org']]) {
      expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'dkim', selector, domain })).ok).toBe(false);
    }
  });

  it('the app decodes the answer; anything else is refused', () => {
    const m = { type: 'dkim', selector: 's1', domain: 'example.org', answer: one('v=DKIM1; p=') } as const;
    expect(decodeAnyServerMessage(encodeServerMessage(m))).toEqual({ ok: true, value: { v: 2, ...m } });
    for (const bad of [{ ...m, answer: { kind: 'maybe' } }, { ...m, selector: 'x'.repeat(MAX_HOST_CHARS + 1) }, { ...m, domain: undefined }]) {
      expect(decodeAnyServerMessage(JSON.stringify({ v: 2, ...bad })).ok).toBe(false);
    }
  });
});
