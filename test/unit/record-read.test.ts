/**
 * An SPF or DMARC record pasted into Paste & explain (shared/smtp/record-read.ts): as written or as dig prints it,
 * read as receivers read it, and the mistakes that make them ignore it or stop with a permanent error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPolicyRecord, readPolicyRecord } from '../../shared/smtp/record-read.js';

const read = (text: string): string[] => (readPolicyRecord(text)?.findings ?? []).map((f) => `${f.tone} ${f.text}`);

describe('a pasted SPF record', () => {
  it('reads a good one as receivers do, nothing looked up', () => {
    const r = readPolicyRecord('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com -all');
    expect(r?.head).toBe('the record pasted, read as receivers read it (nothing looked up: /mx DOMAIN counts an SPF record\'s includes once published):');
    expect(r?.findings).toEqual([
      { tone: 'info', text: 'SPF: v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com -all' },
      { tone: 'ok', text: 'ends in "-all": mail from other servers fails SPF' },
    ]);
    expect(r?.good).toBe(true);
  });

  it('finds a typo, a bad address, ptr, terms after all, a modifier twice', () => {
    // A permanent error makes how it ends moot: no "ends in ~all" verdict beside it.
    expect(read('v=spf1 inculde:_spf.google.com ~all').some((t) => t.startsWith('ok '))).toBe(false);
    expect(read('v=spf1 inculde:_spf.google.com ~all')).toContain(
      'bad "inculde:_spf.google.com" is no SPF mechanism: receivers stop with a permanent error (permerror), and SPF fails for every message (RFC 7208 §4.6.1). Mechanisms: all, include:, a, mx, ip4:, ip6:, exists: (ptr is deprecated)',
    );
    expect(read('v=spf1 ip4:192.0.2.300 ip4:192.0.2.0/33 ip6:192.0.2.1 ip4:192.0.2.1/32 -all').filter((t) => t.startsWith('bad'))).toHaveLength(3);
    expect(read('v=spf1 ptr -all')).toContain('warn "ptr": ptr is slow and unreliable, and must not be published (RFC 7208 §5.5); name the addresses (ip4:, ip6:) instead');
    expect(read('v=spf1 -all include:_spf.google.com')).toContain('warn terms after "-all" are never evaluated: receivers stop at all (RFC 7208 §5.1)');
    expect(read('v=spf1 redirect=a.example redirect=b.example')).toContain('bad redirect= appears 2 times: receivers stop with a permanent error (permerror), and SPF fails for every message (RFC 7208 §6)');
    expect(read('v=spf1 mx ~all redirect=_spf.example.org')).toContain('info redirect= is ignored: the record has "all" (RFC 7208 §6.1)');
    expect(read('v=spf1 mx custom=1 ~all')).toContain('info "custom=1": a modifier SPF does not define; receivers ignore it (RFC 7208 §6)');
    expect(read('v=spf1 include: -all')).toContain('bad "include:" names no domain: receivers stop with a permanent error (permerror), and SPF fails for every message (RFC 7208 §5.2)');
    // What a domain's SPF lookup says, the same for a record pasted: how it ends.
    expect(read('v=spf1 mx +all')).toContain('bad ends in "+all": any server in the world may send as this domain, so SPF proves nothing. End it in -all or ~all');
    expect(readPolicyRecord('v=spf1 mx a ~all')?.good).toBe(true);
  });

  it('reads dig\'s output: the name, the strings joined, two records and a string too long', () => {
    expect(read('example.org.\t\t300\tIN\tTXT\t"v=spf1 include:_spf.google.com" " +all"')).toEqual([
      'info SPF: v=spf1 include:_spf.google.com +all',
      'bad ends in "+all": any server in the world may send as example.org, so SPF proves nothing. End it in -all or ~all',
    ]);
    const two = 'example.org. 300 IN TXT "v=spf1 mx -all"\nexample.org. 300 IN TXT "v=spf1 include:_spf.example.net -all"';
    expect(read(two)).toContain('bad 2 SPF records: receivers stop with a permanent error, as if there were none (RFC 7208 §4.5). Merge them into one');
    const long = `v=spf1 ${Array.from({ length: 20 }, (_, i) => `ip4:192.0.2.${i}`).join(' ')} -all`;
    expect(long.length).toBeGreaterThan(255);
    expect(read(`"${long}"`).at(-1)).toMatch(/^bad a string longer than 255 characters/);
    // As bare text, for a DNS provider's form, which may split it itself: said, less sternly.
    expect(read(long).at(-1)).toMatch(/^warn a string longer than 255 characters.*\(a DNS provider's form may split it itself\)/);
    expect(read(`"${long.slice(0, 200)}" "${long.slice(200)}"`).some((t) => t.includes('longer than 255'))).toBe(false);
  });
});

describe('a pasted DMARC record', () => {
  it('reads the policy and its reports, for the domain dig names', () => {
    expect(read('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.org"')).toEqual([
      'info DMARC: v=DMARC1; p=reject; rua=mailto:dmarc@example.org',
      'ok p=reject: receivers refuse mail that fails DMARC (neither SPF nor DKIM aligned with example.org)',
    ]);
  });

  it('finds what makes receivers ignore it or send no reports', () => {
    expect(read('v=dmarc1; p=none')).toContain('bad it must begin with "v=DMARC1;" exactly (upper case DMARC1): receivers ignore it otherwise (RFC 7489 §6.4)');
    expect(read('v=DMARC1; p=quarantine; rua=dmarc@example.org')).toContain(
      'warn rua=dmarc@example.org: each address must be a mailto: URI (rua=mailto:dmarc@example.org); receivers send reports to none otherwise (RFC 7489 §6.2)',
    );
    expect(read('v=DMARC1; p=reject; adkim=x; rua=mailto:a@example.org')).toContain('bad adkim=x: r (relaxed) or s (strict) only (RFC 7489 §6.3)');
    expect(read('v=DMARC1; p=reject; policy=strict; rua=mailto:a@example.org')).toContain('info "policy=strict": a tag DMARC does not define; receivers ignore it (RFC 7489 §6.3)');
    expect(read('v=DMARC1; rua=mailto:a@example.org')).toContain('bad no p= tag: the record is invalid, and receivers ignore it (RFC 7489 §6.3)');
    expect(read('v=DMARC1; p=none')).toContain('warn no rua=: receivers send no aggregate reports, so p=none watches nothing. Add rua=mailto:… (RFC 7489 §7.2)');
  });
});

describe('what is taken for a record', () => {
  it('SPF and DMARC records alone, as written or as dig prints them; nothing else', () => {
    for (const yes of ['v=spf1 -all', '"v=spf1 -all"', 'v=DMARC1; p=none', 'v=DKIM1; k=rsa; p=MIGf', 'k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', '; <<>> DiG 9.18 <<>> TXT example.org\nexample.org. 300 IN TXT "v=spf1 mx -all"', 'v=spf1 mx -all\nv=DMARC1; p=reject']) {
      expect(isPolicyRecord(yes), yes).toBe(true);
    }
    for (const no of ['220 mx.example.org ESMTP', 'v=spf1 -all\nEHLO me', 'Received-SPF: pass (v=spf1)', 'example.org. 300 IN TXT "google-site-verification=abc"', '', 'p=MIGf', 'DKIM-Signature: v=1; a=rsa-sha256']) {
      expect(isPolicyRecord(no), no).toBe(false);
    }
    expect(readPolicyRecord('EHLO me')).toBeNull();
    // A dialog that quotes a record is a dialog.
    expect(readPolicyRecord('S: 220 mx.example.org\nC: EHLO me\nv=spf1 -all')).toBeNull();
  });
});

describe('a pasted DKIM key record', () => {
  const spki = (bits: number): string => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

  it('reads the key as verifiers do: its length, a revoked key, a key that is not one', () => {
    const key2048 = spki(2048);
    // dig prints a 2048-bit key as two strings; they are joined.
    const dig = `s1._domainkey.example.org. 300 IN TXT "v=DKIM1; k=rsa; p=${key2048.slice(0, 200)}" "${key2048.slice(200)}"`;
    expect(read(dig)).toEqual([`info DKIM at s1._domainkey.example.org: v=DKIM1; k=rsa; p=${key2048.slice(0, 12)}…${key2048.slice(-8)} (${key2048.length} characters)`, 'ok RSA key of 2048 bits']);
    expect(read(`v=DKIM1; k=rsa; p=${spki(1024)}`)).toContain('warn RSA key of 1024 bits: accepted, but signers should use 2048 bits (RFC 8301 §3.2)');
    expect(read('s1._domainkey.example.org. 300 IN TXT "v=DKIM1; p="')).toContain('bad p= is empty: the key is revoked, and every signature with s=s1 fails (RFC 6376 §3.6.1)');
    expect(read('v=DKIM1; k=rsa; p=not*base64')).toContain('bad p= is not base64: verifiers cannot read the key, and signatures fail (RFC 6376 §3.6.1)');
    expect(read('k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=')).toContain(
      'info Ed25519 key (RFC 8463): verifiers that do not know it skip the signature; sign with an RSA key beside it',
    );
  });
});

describe('a pasted MTA-STS policy file', () => {
  it('reads it as senders read the one they fetch, and what makes them ignore it', () => {
    const good = readPolicyRecord('version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\nmx: *.example.net\r\nmax_age: 604800\r\n');
    expect(good?.head).toBe('the MTA-STS policy pasted, read as senders read it (nothing fetched: /mx DOMAIN checks the one published against the MX hosts):');
    expect(good?.findings).toEqual([
      { tone: 'info', text: 'MTA-STS policy (pasted): mode: enforce, max_age: 604800 (7 days), mx: mx1.example.org, mx: *.example.net' },
      { tone: 'ok', text: 'mode enforce: senders that support MTA-STS deliver only over TLS, with a valid certificate, to the MX hosts it names' },
    ]);
    expect(read('version: STSv1\nmode: enforced\nmx: mx1.example.org\nmax_age: 86400')).toContain(
      'bad the policy is invalid (mode "enforced" is not enforce, testing or none): senders ignore it (RFC 8461 §3.2)',
    );
    expect(read('version: STSv1\nmode: testing\nmx: mx1.example.org\nmax_age: 3600').at(-1)).toMatch(/^warn max_age under a day/);
    expect(isPolicyRecord('version: STSv1\nmode: enforce\nEHLO me')).toBe(false);
    expect(isPolicyRecord('mode: enforce\nversion: STSv1')).toBe(false);
  });
});

describe("a pasted MTA-STS or TLS-RPT record", () => {
  it('checks the id senders compare and the addresses reports go to', () => {
    expect(read('_mta-sts.example.org. 300 IN TXT "v=STSv1; id=20251129T1200"')).toEqual([
      'info MTA-STS: v=STSv1; id=20251129T1200',
      'ok id=20251129T1200: change it whenever the policy file changes, or senders keep the copy they have (RFC 8461 §3.3)',
    ]);
    expect(read('v=STSv1; id=2025-11-29')).toContain('bad id=2025-11-29 is not 1 to 32 letters and digits: senders ignore the record, and so the policy (RFC 8461 §3.1)');
    expect(read('v=STSv1;')).toContain('bad no id=: senders ignore the record, and so the policy (RFC 8461 §3.1)');
    expect(read('_smtp._tls.example.org. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@example.org,https://reports.example.org/tlsrpt"').at(-1)).toBe(
      'ok rua=mailto:tls@example.org,https://reports.example.org/tlsrpt: senders send a report a day there (Paste & explain reads one)',
    );
    expect(read('v=TLSRPTv1; rua=tls@example.org')).toContain('bad rua=tls@example.org: each address must be mailto: or https: (rua=mailto:tls-reports@example.org); senders skip the others (RFC 8460 §3)');
    expect(read('v=TLSRPTv1;')).toContain('bad no rua=: senders have nowhere to send their reports (RFC 8460 §3)');
  });
});

describe('a pasted BIMI record', () => {
  it('checks the logo and its certificate, and says the DMARC policy it needs', () => {
    expect(read('default._bimi.example.org. 300 IN TXT "v=BIMI1; l=https://example.org/bimi/logo.svg; a=https://example.org/bimi/vmc.pem"')).toEqual([
      'info BIMI: v=BIMI1; l=https://example.org/bimi/logo.svg; a=https://example.org/bimi/vmc.pem',
      'ok l=https://example.org/bimi/logo.svg: the logo, which must be an SVG in the SVG Tiny Portable/Secure profile (a square image, no scripts nor links) or receivers show none',
      'ok a=https://example.org/bimi/vmc.pem: the mark certificate (a VMC, or a CMC) that vouches for the logo',
      'info receivers show the logo only for mail that passes DMARC under p=quarantine or p=reject at pct=100: /mx DOMAIN reads the DMARC record with it',
    ]);
    expect(read('v=BIMI1; a=https://example.org/vmc.pem')).toContain('bad no l=: the record names no logo, and receivers show none');
    expect(read('v=BIMI1; l=https://example.org/logo.svg; a=http://example.org/vmc.crt')).toContain(
      'bad a=http://example.org/vmc.crt: the mark certificate must be a PEM file over https (…/vmc.pem); receivers ignore it otherwise',
    );
  });
});
