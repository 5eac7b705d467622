/**
 * What DANE (protocol `dane` message) tells an admin of a mail server's TLS session, in lines: the TLSA records at
 * _25._tcp.<the server's name> (RFC 7672), whether the certificate the server presented matches one of them, whether
 * DNSSEC vouches for them, and the record that would match its key. The failure it exists to catch: a certificate
 * renewed with a new key while the TLSA record stays as it was, after which senders that validate DANE (Postfix and
 * Exim with DNSSEC, Microsoft 365) stop delivering to the server. Pure.
 *
 * Rests on RFC 6698 §2.1 (the record's fields), RFC 7671 (DANE-EE and DANE-TA, key rollover) and RFC 7672 (SMTP).
 */
import type { DaneAnswer, TlsaSeen } from '../protocol/messages.js';
import type { Finding } from './types.js';

export interface DaneReport {
  /** The first line: whose DANE it is. */
  head: string;
  findings: Finding[];
  /** Nothing wrong was found (for the reply log's colour). */
  good: boolean;
}

const USAGES = ['PKIX-TA', 'PKIX-EE', 'DANE-TA', 'DANE-EE'];
const SELECTORS = ['the whole certificate', 'the public key'];
const MATCHINGS = ['exact', 'SHA-256', 'SHA-512'];

/** "3 1 1 0c72…a8e1 (DANE-EE, the public key, SHA-256)": a record as `dig` shows it, with its fields named. */
function recordText(r: TlsaSeen): string {
  const data = r.data.length > 16 ? `${r.data.slice(0, 8)}…${r.data.slice(-8)}` : r.data;
  const named = [USAGES[r.usage] ?? `usage ${r.usage}`, SELECTORS[r.selector] ?? `selector ${r.selector}`, MATCHINGS[r.matching] ?? `matching ${r.matching}`];
  return `TLSA ${r.usage} ${r.selector} ${r.matching} ${data} (${named.join(', ')})`;
}

/** What a record's verdict says, about the chain the server presented. */
function verdict(r: TlsaSeen): Finding {
  const text = recordText(r);
  if (r.match === 'yes') return { tone: 'ok', text: `${text}: matches ${r.usage === 3 ? "the server's own certificate" : 'a certificate of its chain'}` };
  if (r.match === 'no') return { tone: 'bad', text: `${text}: matches nothing the server presented` };
  const why = r.usage === 0 || r.usage === 1 ? 'PKIX usages are not used for SMTP (RFC 7672 §3.1.3): senders ignore it' : 'unknown parameters: senders ignore it';
  return { tone: 'warn', text: `${text}: ${why}` };
}

/** The DANE of the TLS session with `host` on `port`, in lines. */
export function readDaneAnswer(host: string, port: number, a: DaneAnswer): DaneReport {
  const head = `DANE for ${host} port ${port}${a.name === '' ? '' : ` (TLSA at ${a.name})`}:`;
  const suggest = a.suggested === null ? '' : ` A record that matches its key: ${a.name} IN TLSA ${a.suggested}.`;
  if (a.kind === 'none') {
    switch (a.reason) {
      case 'no-name':
      case 'no-records':
        return {
          head,
          findings: [{ tone: 'info', text: `no TLSA records: this server does not use DANE, so senders use TLS when offered without authenticating it (or MTA-STS, /mx).${suggest}` }],
          good: true,
        };
      case 'dns-error':
        return {
          head,
          findings: [{ tone: 'warn', text: `the TLSA lookup failed (${a.detail}): where the zone is signed, senders that validate DANE defer mail while it fails (RFC 7672 §2.2.1)` }],
          good: false,
        };
      case 'refused':
        return { head, findings: [{ tone: 'info', text: `not looked up: ${a.detail}` }], good: true };
      case 'no-tls':
        return { head, findings: [{ tone: 'info', text: 'no TLS session yet: DANE is about the certificate a server presents, after STARTTLS (or with implicit TLS)' }], good: true };
      case 'not-a-name':
        return { head, findings: [{ tone: 'info', text: `${a.detail}: connect by name (the MX host's) to check it` }], good: true };
    }
  }
  const findings = a.records.map(verdict);
  const more = a.count - a.records.length;
  if (more > 0) findings.push({ tone: 'info', text: `${more} more record${more === 1 ? '' : 's'} not shown` });
  const usable = a.records.filter((r) => r.match !== 'unusable');
  const matched = usable.some((r) => r.match === 'yes');
  if (matched) {
    const ee = usable.some((r) => r.match === 'yes' && r.usage === 3);
    findings.push({
      tone: 'ok',
      text: `the certificate matches: senders that validate DANE deliver to this server over TLS, and know it is the server${ee ? ' (by DANE-EE they check its key alone, not its issuer, names or dates: a self-signed certificate will do, RFC 7672 §3.1.1)' : ''}`,
    });
  } else if (usable.length > 0) {
    findings.push({
      tone: 'bad',
      text: `no usable record matches the certificate the server presented: senders that validate DANE defer all mail to it. A certificate renewed with a new key, its TLSA record left as it was, does this.${suggest} Publish the new record beside the old one before a key changes (RFC 7671 §8.1).`,
    });
  } else {
    findings.push({ tone: 'warn', text: `no record senders use for SMTP: DANE is not in effect.${suggest}` });
  }
  findings.push(
    a.secure
      ? { tone: 'ok', text: 'the resolver heloterm asked validated them with DNSSEC (AD bit): senders that validate find them the same' }
      : {
          tone: 'warn',
          text: 'the resolver heloterm asked did not say it validated them (no AD bit): it may not check DNSSEC, or the zone is not signed, and without DNSSEC senders ignore TLSA records (RFC 7672 §2.2)',
        },
  );
  return { head, findings, good: matched && a.secure };
}
