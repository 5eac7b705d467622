/**
 * A DMARC aggregate report pasted (shared/smtp/dmarc-report.ts): the XML a receiver sends to rua=, in the form RFC
 * 7489 Appendix C gives and large receivers send, read for who sends as the domain and what passed; hostile or cut
 * reports read without throwing and in linear time.
 */
import { describe, expect, it } from 'vitest';
import { isDmarcReport, MAX_REPORT_SOURCES, readDmarcReport } from '../../shared/smtp/dmarc-report.js';

/** One <record> as receivers write it. */
function record(ip: string, count: number, disposition: string, dkim: string, spf: string, auth: { dkim?: [string, string, string][]; spf?: [string, string][] }, from = 'example.org'): string {
  return `<record>
    <row><source_ip>${ip}</source_ip><count>${count}</count>
      <policy_evaluated><disposition>${disposition}</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row>
    <identifiers><header_from>${from}</header_from></identifiers>
    <auth_results>${(auth.dkim ?? []).map(([d, s, r]) => `<dkim><domain>${d}</domain><selector>${s}</selector><result>${r}</result></dkim>`).join('')}${(auth.spf ?? []).map(([d, r]) => `<spf><domain>${d}</domain><result>${r}</result></spf>`).join('')}</auth_results>
  </record>`;
}

function report(records: string[], p = 'none'): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata><org_name>google.com</org_name><email>noreply-dmarc-support@google.com</email><report_id>1234567890</report_id>
    <date_range><begin>1764374400</begin><end>1764460799</end></date_range></report_metadata>
  <policy_published><domain>example.org</domain><adkim>r</adkim><aspf>r</aspf><p>${p}</p><sp>${p}</sp><pct>100</pct></policy_published>
  ${records.join('\n')}
</feedback>`;
}

describe('a DMARC aggregate report', () => {
  it('says who sends as the domain and what passed, failing sources first, with the raw results', () => {
    const xml = report([
      record('192.0.2.10', 120, 'none', 'pass', 'pass', { dkim: [['example.org', 's1', 'pass']], spf: [['example.org', 'pass']] }),
      record('198.51.100.7', 40, 'none', 'fail', 'fail', { dkim: [['esp.example.net', 'k1', 'pass']], spf: [['bounces.esp.example.net', 'pass']] }),
      record('203.0.113.5', 3, 'none', 'fail', 'fail', { spf: [['example.org', 'fail']] }),
    ]);
    expect(isDmarcReport(xml)).toBe(true);
    const r = readDmarcReport(xml);
    expect(r?.head).toBe('DMARC aggregate report from google.com for example.org, 2025-11-29 to 2025-11-29, policy p=none (RFC 7489 §7.2):');
    expect(r?.findings.map((f) => `${f.tone} ${f.text}`)).toEqual([
      'info 163 messages from 3 source addresses: 120 passed DMARC (DKIM or SPF aligned with example.org), 43 failed',
      'warn 198.51.100.7: 40 messages from example.org, DKIM fail and SPF fail aligned → DMARC fail, delivered (none) (DKIM d=esp.example.net s=k1 pass, SPF bounces.esp.example.net pass): a pass for another domain than From:, not aligned. If this is a service sending for you, have it sign with your domain (d=) or use a bounce domain under yours',
      'warn 203.0.113.5: 3 messages from example.org, DKIM fail and SPF fail aligned → DMARC fail, delivered (none) (SPF example.org fail): if this is not you, someone sends as your domain; if it is (a service, a forgotten server), add it to SPF or have it sign with DKIM. /rdns and /dnsbl with the address tell who it is',
      'ok 192.0.2.10: 120 messages from example.org, DKIM pass and SPF pass aligned → DMARC pass, delivered (none) (DKIM d=example.org s=s1 pass, SPF example.org pass)',
      'info p=none: the failing messages were delivered anyway; once every source of yours passes, p=quarantine and then p=reject stop the others (RFC 7489 §6.3)',
    ]);
    expect(r?.good).toBe(false);
  });

  it('marks what a receiver refused or quarantined as bad, and an all-passing report good', () => {
    const refused = readDmarcReport(report([record('203.0.113.5', 2, 'reject', 'fail', 'fail', {})], 'reject'));
    expect(refused?.findings[1]).toMatchObject({ tone: 'bad', text: expect.stringMatching(/^203\.0\.113\.5: 2 messages from example\.org, .* → DMARC fail, reject/) });
    const clean = readDmarcReport(report([record('192.0.2.10', 1, 'none', 'pass', 'fail', { dkim: [['example.org', 's1', 'pass']] })], 'reject'));
    expect(clean?.findings[0]).toEqual({ tone: 'ok', text: '1 message from 1 source address: 1 passed DMARC (DKIM or SPF aligned with example.org), 0 failed' });
    expect(clean?.good).toBe(true);
  });

  it('shows at most so many sources, and decodes what XML escapes', () => {
    const many = Array.from({ length: MAX_REPORT_SOURCES + 5 }, (_, i) => record(`192.0.2.${i}`, 1, 'none', 'pass', 'pass', {}));
    expect(readDmarcReport(report(many))?.findings.at(-1)).toEqual({ tone: 'info', text: 'and 5 more source addresses' });
    const escaped = readDmarcReport(report([record('192.0.2.1', 1, 'none', 'pass', 'pass', {}, 'a&amp;b.example')]));
    expect(escaped?.findings[1]?.text).toContain('from a&b.example');
  });

  it('is not taken for anything else, reads a cut report, and a hostile one in linear time', () => {
    for (const no of ['<feedback></feedback>', '220 mx.example.org ESMTP', 'v=DMARC1; p=none']) expect(isDmarcReport(no), no).toBe(false);
    // Cut after its last record (a paste that missed the end).
    const cut = report([record('192.0.2.10', 5, 'none', 'pass', 'pass', {})]).replace(/\s*<\/feedback>$/, '');
    expect(readDmarcReport(cut)?.findings[0]?.text).toMatch(/^5 messages from 1 source address/);
    const hostile = `<feedback>${'<record><row><source_ip>'.repeat(60_000)}`;
    const started = performance.now();
    expect(readDmarcReport(hostile)?.findings[0]?.text).toBe('0 messages from 0 source addresses: 0 passed DMARC (DKIM or SPF aligned with ?), 0 failed');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
