/**
 * An SMTP TLS report (TLS-RPT, RFC 8460), pasted into Paste & explain: the JSON that senders such as Google and
 * Microsoft send each day to the address a domain's `_smtp._tls` record names, unzipped. It says how many sessions to
 * the domain's MX hosts negotiated TLS under its MTA-STS or DANE policy, and for those that failed, why (RFC 8460
 * §4.3's result types), from which sending address and to which MX host: an expired certificate, a name it does not
 * cover, a policy senders could not fetch. Pure; read with JSON.parse, every field checked before it is used.
 */
import type { Finding } from './types.js';

/** The longest report read, in characters. */
const MAX_REPORT_CHARS = 2_000_000;
/** Failure details shown at most, over all policies; the rest are counted. */
export const MAX_TLSRPT_DETAILS = 30;

export interface TlsRptView {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** What each result type means and what to do, for an admin of the receiving domain (RFC 8460 §4.3). */
const RESULT_TYPES: Readonly<Record<string, string>> = {
  'starttls-not-supported': 'the MX host did not offer STARTTLS: switch TLS on for port 25 (Postfix: smtpd_tls_security_level = may, with a certificate)',
  'certificate-host-mismatch': "the certificate does not cover the MX host's name: get one that names it (/tls name checks a name against it)",
  'certificate-expired': 'the certificate had expired: renew it, and watch the renewal (ACME) so that it does not lapse again',
  'certificate-not-trusted': 'the certificate is not issued by a certificate authority senders trust, or its chain is incomplete: serve the intermediate certificates too',
  'validation-failure': 'the certificate did not validate for another reason: check the chain with /tls after STARTTLS',
  'tlsa-invalid': 'the TLSA records are invalid: /dane checks them against the certificate',
  'dnssec-invalid': 'the DNSSEC signatures did not validate: senders cannot trust the TLSA records; check the zone with a DNSSEC debugger',
  'dane-required': 'the policy required DANE and the session could not use it',
  'sts-policy-fetch-error': 'senders could not fetch the MTA-STS policy (https://mta-sts.<domain>/.well-known/mta-sts.txt): check that the host has a valid certificate and serves the file',
  'sts-policy-invalid': 'the MTA-STS policy is invalid: paste it here to see why',
  'sts-webpki-invalid': "the MTA-STS policy host's certificate did not validate: renew or fix the certificate of mta-sts.<domain>",
};

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x.slice(0, 200) : '');
const count = (x: unknown): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : 0);

/** The report, when the text is one: a JSON object with a `policies` list (RFC 8460 §4.4). */
function parse(text: string): Json | null {
  const t = text.trim();
  if (t.length > MAX_REPORT_CHARS || !t.startsWith('{') || !t.includes('"policies"')) return null;
  try {
    const x: unknown = JSON.parse(t);
    return isObj(x) && Array.isArray(x.policies) ? x : null;
  } catch {
    return null;
  }
}

/** Whether a paste is a TLS report. */
export function isTlsRptReport(text: string): boolean {
  return parse(text) !== null;
}

/** The report read: each policy's sessions, and each kind of failure with what to do. */
export function readTlsRptReport(text: string): TlsRptView | null {
  const report = parse(text);
  if (report === null) return null;
  const org = str(report['organization-name']) || 'a sender';
  const range = isObj(report['date-range']) ? report['date-range'] : {};
  const findings: Finding[] = [];
  let shown = 0;
  let hidden = 0;
  for (const p of (report.policies as unknown[]).slice(0, 20)) {
    if (!isObj(p)) continue;
    const policy = isObj(p.policy) ? p.policy : {};
    const summary = isObj(p.summary) ? p.summary : {};
    const ok = count(summary['total-successful-session-count']);
    const failed = count(summary['total-failure-session-count']);
    const type = str(policy['policy-type']) || '?';
    const domain = str(policy['policy-domain']) || '?';
    const what = type === 'sts' ? 'MTA-STS' : type === 'tlsa' ? 'DANE' : type === 'no-policy-found' ? 'no policy' : type;
    findings.push({
      tone: failed === 0 ? 'ok' : 'warn',
      text: `${domain}, ${what}: ${ok} session${ok === 1 ? '' : 's'} with TLS as the policy asks, ${failed} failed`,
    });
    for (const d of Array.isArray(p['failure-details']) ? p['failure-details'] : []) {
      if (!isObj(d)) continue;
      if (shown >= MAX_TLSRPT_DETAILS) {
        hidden++;
        continue;
      }
      shown++;
      const result = str(d['result-type']) || '?';
      const n = count(d['failed-session-count']);
      const mx = str(d['receiving-mx-hostname']);
      const from = str(d['sending-mta-ip']);
      const code = str(d['failure-reason-code']);
      const where = [mx === '' ? '' : `to ${mx}`, from === '' ? '' : `from ${from}`].filter((w) => w !== '').join(' ');
      const meaning = RESULT_TYPES[result] ?? 'a result type RFC 8460 does not define';
      findings.push({ tone: 'bad', text: `${result}: ${n} session${n === 1 ? '' : 's'}${where === '' ? '' : ` ${where}`}${code === '' ? '' : ` (${code})`}: ${meaning} (RFC 8460 §4.3)` });
    }
  }
  if (hidden > 0) findings.push({ tone: 'info', text: `and ${hidden} more failure details` });
  const start = str(range['start-datetime']).slice(0, 10) || '?';
  const end = str(range['end-datetime']).slice(0, 10) || '?';
  return {
    head: `SMTP TLS report from ${org}, ${start} to ${end} (RFC 8460): sessions to the domain's MX hosts, and why any failed:`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
