/**
 * An SMTP TLS report pasted (shared/smtp/tlsrpt-report.ts): the JSON of RFC 8460 §4.4 as senders send it, read for
 * each policy's sessions and each failure's meaning; anything else, or a hostile report, read without throwing.
 */
import { describe, expect, it } from 'vitest';
import { isTlsRptReport, MAX_TLSRPT_DETAILS, readTlsRptReport } from '../../shared/smtp/tlsrpt-report.js';

/** A report in the form RFC 8460 §4.4 gives (and Google sends). */
function report(policies: unknown[]): string {
  return JSON.stringify({
    'organization-name': 'Google Inc.',
    'date-range': { 'start-datetime': '2025-11-29T00:00:00Z', 'end-datetime': '2025-11-29T23:59:59Z' },
    'contact-info': 'smtp-tls-reporting@google.com',
    'report-id': '2025-11-29T00:00:00Z_example.org',
    policies,
  });
}
const sts = (ok: number, failed: number, details: unknown[] = []) => ({
  policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: enforce', 'mx: mx1.example.org', 'max_age: 604800'], 'policy-domain': 'example.org' },
  summary: { 'total-successful-session-count': ok, 'total-failure-session-count': failed },
  'failure-details': details,
});

describe('an SMTP TLS report', () => {
  it('says each policy\'s sessions and what each failure means', () => {
    const text = report([sts(1500, 4, [
      { 'result-type': 'certificate-expired', 'sending-mta-ip': '209.85.220.41', 'receiving-mx-hostname': 'mx1.example.org', 'failed-session-count': 3 },
      { 'result-type': 'sts-policy-fetch-error', 'failed-session-count': 1, 'failure-reason-code': 'HTTP 404' },
    ])]);
    expect(isTlsRptReport(text)).toBe(true);
    const r = readTlsRptReport(text);
    expect(r?.head).toBe("SMTP TLS report from Google Inc., 2025-11-29 to 2025-11-29 (RFC 8460): sessions to the domain's MX hosts, and why any failed:");
    expect(r?.findings.map((f) => `${f.tone} ${f.text}`)).toEqual([
      'warn example.org, MTA-STS: 1500 sessions with TLS as the policy asks, 4 failed',
      'bad certificate-expired: 3 sessions to mx1.example.org from 209.85.220.41: the certificate had expired: renew it, and watch the renewal (ACME) so that it does not lapse again (RFC 8460 §4.3)',
      'bad sts-policy-fetch-error: 1 session (HTTP 404): senders could not fetch the MTA-STS policy (https://mta-sts.<domain>/.well-known/mta-sts.txt): check that the host has a valid certificate and serves the file (RFC 8460 §4.3)',
    ]);
    expect(r?.good).toBe(false);
    const clean = readTlsRptReport(report([sts(20, 0)]));
    expect(clean?.findings).toEqual([{ tone: 'ok', text: 'example.org, MTA-STS: 20 sessions with TLS as the policy asks, 0 failed' }]);
    expect(clean?.good).toBe(true);
  });

  it('shows so many failures at most, and reads odd fields without throwing', () => {
    const many = Array.from({ length: MAX_TLSRPT_DETAILS + 3 }, () => ({ 'result-type': 'starttls-not-supported', 'failed-session-count': 1 }));
    expect(readTlsRptReport(report([sts(0, 33, many)]))?.findings.at(-1)).toEqual({ tone: 'info', text: 'and 3 more failure details' });
    const odd = readTlsRptReport(report([{ policy: 7, summary: { 'total-successful-session-count': -1, 'total-failure-session-count': 'x' }, 'failure-details': [null, { 'result-type': 'made-up', 'failed-session-count': 1e99 }] }, null]));
    expect(odd?.findings.map((f) => f.text)).toEqual(['?, ?: 0 sessions with TLS as the policy asks, 0 failed', 'made-up: 0 sessions: a result type RFC 8460 does not define (RFC 8460 §4.3)']);
    for (const no of ['{"policies": 3}', '{not json "policies"', '[1, 2]', 'v=TLSRPTv1; rua=mailto:tls@example.org', '']) expect(isTlsRptReport(no), no).toBe(false);
  });
});
