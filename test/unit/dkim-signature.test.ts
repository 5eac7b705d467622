/**
 * A DKIM-Signature header field read for what weakens it (shared/smtp/dkim-signature.ts), alone and among a message's
 * header fields pasted (headers-read.ts): the algorithm, the fields signed, a body length limit, its times, i= outside
 * d=, and d= against the From: domain (what DMARC counts). Signatures in the form Gmail and Postfix with OpenDKIM write.
 */
import { describe, expect, it } from 'vitest';
import { reviewSignature, sharedParent } from '../../shared/smtp/dkim-signature.js';
import { isHeaders, readHeaders } from '../../shared/smtp/headers-read.js';

/** A signature as OpenDKIM folds it, with `over` replacing or adding tags. */
function signature(over: Record<string, string | null> = {}): string {
  const tags: Record<string, string | null> = {
    v: '1',
    a: 'rsa-sha256',
    c: 'relaxed/relaxed',
    d: 'example.org',
    s: 's2024',
    t: '1764453600',
    h: 'from:from:to:subject:date:message-id',
    bh: 'frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=',
    b: 'dGVzdA==',
    ...over,
  };
  return Object.entries(tags)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v}`)
    .join(';\n\t');
}
const texts = (value: string, from: string | null = 'example.org'): string[] => reviewSignature(value, from).map((f) => `${f.tone} ${f.text}`);

describe('a DKIM signature read', () => {
  it('says what a sound one is: the key to look up, From oversigned, and d= the From: domain', () => {
    expect(texts(signature())).toEqual([
      'info DKIM-Signature d=example.org s=s2024 (a=rsa-sha256, c=relaxed/relaxed): not verified: header fields alone (paste the whole message, or open its .eml, to verify it); /dkim s2024 example.org shows the key it needs',
      'ok h= lists From twice: oversigned, so a From: field added on the way breaks the signature (RFC 6376 §5.4.2)',
      "ok d=example.org is the From: domain's (example.org): a pass counts for DMARC (RFC 7489 §3.1.1)",
    ]);
    // A subdomain either way is aligned in relaxed mode; another domain is not.
    expect(texts(signature({ d: 'mail.example.org' })).at(-1)).toMatch(/^ok d=mail\.example\.org is the From: domain's/);
    expect(texts(signature({ d: 'esp.example.net' })).at(-1)).toBe(
      'warn d=esp.example.net is not the From: domain (example.org): a pass proves the message came through esp.example.net, but DMARC does not count it; sign with the From: domain (a service sending for you can, with a key you publish)',
    );
    expect(texts(signature(), null).some((t) => t.includes('From: domain'))).toBe(false);
    // Two names under one parent (the page has no Public Suffix List): aligned if that parent is the organization's.
    expect(texts(signature({ d: 'mg.example.org' }), 'news.example.org').at(-1)).toBe(
      'info d=mg.example.org is not the From: domain (news.example.org), but both are under example.org: a pass counts for DMARC if that is their organizational domain (relaxed alignment, the default: RFC 7489 §3.1.1), not with adkim=s',
    );
    // A country domain's public second level is no organization's: two shops under co.uk are not aligned.
    expect(texts(signature({ d: 'esp.co.uk' }), 'shop.co.uk').at(-1)).toMatch(/^warn d=esp\.co\.uk is not the From: domain/);
    expect(texts(signature({ d: 'mg.shop.co.uk' }), 'news.shop.co.uk').at(-1)).toMatch(/^info .* both are under shop\.co\.uk:/);
  });

  it('finds the parent two names share that may be their organizational domain, by name', () => {
    expect(sharedParent('a.b.example.org', 'c.b.example.org')).toBe('b.example.org');
    expect(sharedParent('mail.example.org', 'example.org')).toBeNull(); // under it: aligned by name already
    expect(sharedParent('example.net', 'example.org')).toBeNull();
    expect(sharedParent('a.example.com.au', 'b.example.com.au')).toBe('example.com.au');
    expect(sharedParent('a.com.au', 'b.com.au')).toBeNull();
    // A generic top-level domain has no public second level: "co" under .com is a name like any.
    expect(sharedParent('a.co.com', 'b.co.com')).toBe('co.com');
  });

  it('finds what weakens one or makes receivers ignore it', () => {
    const find = (over: Record<string, string | null>): string[] => texts(signature(over)).slice(1);
    expect(find({ a: 'rsa-sha1' })).toContain('bad a=rsa-sha1: receivers must not take it as valid since RFC 8301 (§3.1): sign with rsa-sha256 (or add an ed25519-sha256 signature, RFC 8463)');
    expect(find({ a: 'ed25519-sha256' }).some((t) => t.startsWith('bad'))).toBe(false);
    expect(find({ a: 'rsa-md5' })[0]).toMatch(/^bad a=rsa-md5: an algorithm receivers do not know/);
    expect(find({ h: 'to:subject:date' })).toContain('bad h= does not list From: a signature must cover the From: field (RFC 6376 §5.4), and receivers ignore one that does not');
    expect(find({ h: 'from:message-id' })).toContain('info h= does not list subject, date, to: those fields may be changed on the way without breaking the signature (RFC 6376 §5.4 recommends signing them)');
    expect(find({ l: '1200' })).toContain('warn l=1200: only the body\'s first 1200 octets are signed, so anyone may append text after them and the signature still verifies (RFC 6376 §8.2): sign the whole body (drop l=)');
    expect(find({ x: '1764453000' })).toContain('bad x= (2025-11-29T21:50:00.000Z) is not after t= (2025-11-29T22:00:00.000Z): receivers ignore the signature (RFC 6376 §3.5)');
    expect(find({ x: '1765058400' })).toContain('info expires 2025-12-06T22:00:00.000Z (x=): a receiver checking it after then finds it invalid');
    expect(find({ i: 'news@other.example' })).toContain('bad i=news@other.example: its domain is not d=example.org or under it: receivers ignore the signature (RFC 6376 §3.5)');
    expect(find({ i: '@mail.example.org' }).some((t) => t.startsWith('bad'))).toBe(false);
    expect(find({ v: '2' })).toContain('bad v=2: only v=1 is defined; receivers ignore the signature (RFC 6376 §3.5)');
    expect(texts(signature({ bh: null, s: null }))).toEqual(['bad DKIM-Signature d=example.org s=?: without bh=, s=, which a signature must have: receivers ignore it (RFC 6376 §3.5)']);
  });

  it("is read among a message's header fields, against its From:, or pasted alone", () => {
    const message = [`DKIM-Signature: ${signature({ d: 'esp.example.net', l: '10' })}`, 'From: "Shop" <news@shop.example.org>', 'Subject: hi', '', 'body'].join('\n');
    expect(isHeaders(message)).toBe(true);
    const r = readHeaders(message);
    expect(r.findings.map((f) => f.text)).toContain('d=esp.example.net is not the From: domain (shop.example.org): a pass proves the message came through esp.example.net, but DMARC does not count it; sign with the From: domain (a service sending for you can, with a key you publish)');
    expect(r.findings.some((f) => f.text.startsWith('l=10: '))).toBe(true);
    expect(r.good).toBe(false);
    expect(isHeaders(`DKIM-Signature: ${signature()}`)).toBe(true);
    // Hostile tag soup reads without throwing.
    for (const junk of ['', ';;;', 'v=1; a=; b=; bh=; d=; h=; s=', `h=${'from:'.repeat(10_000)}`, 'x=99999999999999999999; t=abc']) expect(() => reviewSignature(junk, 'example.org')).not.toThrow();
  });
});
