/**
 * `/tls versions`: the TLS versions a server accepted on a port (server/tls-versions-probe.ts), read as an admin reads
 * `openssl s_client -starttls smtp -tls1_1` and its kin, or testssl.sh: which versions it takes, and what that means
 * where: on port 25 TLS is opportunistic (a sender that cannot agree on a version sends in plain text, RFC 3207 §4.1,
 * RFC 7435), so an old version kept is a choice many MX hosts make; on the submission ports, where clients log in over
 * it, TLS 1.0 and 1.1 are to be off (RFC 8996, RFC 8314 §4.1; RFC 9325 §3.1: 1.2 at least, 1.3 where it can). Pure.
 */
import type { TlsMode, TlsVersion, TlsVersionOutcome, TlsVersionsMessage } from '../protocol/messages.js';
import { ALTERNATIVE_SUBMISSION_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT } from './ports.js';
import type { Finding } from './types.js';

export interface TlsVersionsReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** "TLS 1.0" for "TLSv1": the name people use. */
export function versionName(v: TlsVersion): string {
  return v === 'TLSv1' ? 'TLS 1.0' : v.replace('TLSv', 'TLS ');
}

const DEPRECATED: ReadonlySet<TlsVersion> = new Set(['TLSv1', 'TLSv1.1']);

/** Where to turn the old versions off, in the servers admins run. */
const TURN_OFF =
  'Postfix 3.6 and later: smtpd_tls_protocols = >=TLSv1.2 (and smtpd_tls_mandatory_protocols where TLS is required); Exim: openssl_options = +no_tlsv1 +no_tlsv1_1; Exchange: in Windows\' Schannel settings';

/** One version's line; `text` is the server's or the error's and is to be shown through showControls. */
function versionFinding(v: TlsVersionOutcome, submission: boolean): Finding {
  const name = versionName(v.version);
  switch (v.outcome) {
    case 'accepted': {
      const suite = v.cipher === null ? '' : ` (${v.cipher})`;
      // Before TLS 1.3 a suite may use RSA key exchange (OpenSSL's names without ECDHE- or DHE-): no forward secrecy.
      if (v.version !== 'TLSv1.3' && v.cipher !== null && !/^(ECDHE|DHE)-/.test(v.cipher)) {
        return {
          tone: 'warn',
          text: `${name} accepted${suite}: no forward secrecy (RSA key exchange): a recording of this traffic can be read by whoever gets the server's private key later; prefer ECDHE suites (RFC 9325 §4.1)`,
        };
      }
      if (!DEPRECATED.has(v.version)) return { tone: 'ok', text: `${name} accepted${suite}` };
      return submission
        ? { tone: 'warn', text: `${name} accepted${suite}: deprecated since 2021 (RFC 8996); clients that log in here may use it, and should not` }
        : { tone: 'info', text: `${name} accepted${suite}: deprecated (RFC 8996), but on a port where TLS is opportunistic a sender that cannot use 1.2 would otherwise send in plain text` };
    }
    case 'refused':
      return { tone: DEPRECATED.has(v.version) ? 'ok' : 'info', text: `${name} refused: ${v.text}` };
    case 'no-starttls':
      return { tone: 'warn', text: `${name} no handshake: ${v.text}` };
    case 'error':
      return { tone: 'bad', text: `${name} ${v.text}` };
  }
}

/** How the bridge says a handshake got no answer (server/tls-versions-probe.ts). */
export const NO_ANSWER = 'no answer to the handshake';

/** OpenSSL's words for bytes that are not TLS where a handshake was expected: the other side spoke plain text. */
const NOT_TLS = /wrong version number|packet length too long|record layer failure/;

/**
 * What every version got alike, when they did not get as far as a handshake, or the server never spoke TLS (one line
 * instead of four), or null.
 */
function alike(versions: readonly TlsVersionOutcome[], tls: TlsMode): Finding | null {
  const first = versions[0];
  if (first !== undefined && versions.every((v) => v.outcome === 'refused' && NOT_TLS.test(v.text))) {
    return tls === 'implicit'
      ? { tone: 'bad', text: `the server does not start TLS at once here: it answered in plain text (${first.text}); a port that begins in plain SMTP (25, 587) starts TLS with STARTTLS: untick implicit TLS, or name port 465` }
      : { tone: 'bad', text: `after its 220 to STARTTLS the server did not start TLS: it went on in plain text (${first.text}); a broken STARTTLS, or a device on the way that rewrites the dialog` };
  }
  if (first !== undefined && versions.every((v) => v.outcome === 'refused' && v.text.startsWith(NO_ANSWER))) {
    const after = tls === 'implicit' ? 'took the connection' : 'said 220 to STARTTLS';
    return { tone: 'bad', text: `the server ${after}, then did not answer the handshake (${first.text}): a device on the way that lets SMTP through but not TLS, or a server that hangs` };
  }
  if (first === undefined || first.outcome === 'accepted' || first.outcome === 'refused') return null;
  if (!versions.every((v) => v.outcome === first.outcome && v.text === first.text)) return null;
  if (first.outcome === 'error') return { tone: 'bad', text: `no version tried: ${first.text}` };
  const hint = /not offered/.test(first.text) ? ' (is it implicit TLS? then tick "implicit TLS", or name port 465)' : '';
  return { tone: 'warn', text: `no handshake tried: ${first.text}${hint}` };
}

/**
 * The findings of a probe of `port` of `host` (`tls`: implicit TLS, or STARTTLS first), one line a version and what
 * the set of them means.
 */
export function readTlsVersions(host: string, port: number, tls: TlsMode, answer: TlsVersionsMessage['answer']): TlsVersionsReport {
  const where = `${host} port ${port}`;
  if (answer.kind === 'none') {
    return { head: `TLS versions of ${where}:`, findings: [{ tone: answer.reason === 'not-found' ? 'bad' : 'warn', text: `not probed: ${answer.detail}` }], good: false };
  }
  const how = tls === 'implicit' ? 'with implicit TLS' : 'after EHLO and STARTTLS';
  const head = `TLS versions of ${where} (${answer.address}), each offered alone, one connection each, ${how}:`;
  const one = alike(answer.versions, tls);
  if (one !== null) return { head, findings: [one], good: false };

  const submission = port === SUBMISSION_PORT || port === SUBMISSIONS_PORT || port === ALTERNATIVE_SUBMISSION_PORT;
  const findings = answer.versions.map((v) => versionFinding(v, submission));
  const took = (v: TlsVersion): boolean => answer.versions.some((o) => o.version === v && o.outcome === 'accepted');
  const old = answer.versions.filter((o) => DEPRECATED.has(o.version) && o.outcome === 'accepted').map((o) => versionName(o.version));
  const current = took('TLSv1.2') || took('TLSv1.3');
  if (!current && old.length > 0) {
    findings.push({
      tone: 'bad',
      text: `only ${old.join(' and ')}: a current client (OpenSSL 3 at its defaults) cannot start TLS here at all, ${submission ? 'so mail clients cannot log in safely' : 'so its mail arrives in plain text'}; update the server's TLS library (RFC 9325 §3.1)`,
    });
  } else if (!current && answer.versions.some((o) => o.outcome === 'refused')) {
    findings.push({
      tone: 'bad',
      text: `no version was accepted: every handshake failed (a missing or broken certificate or key, or no cipher in common); ${submission ? 'clients cannot connect' : 'senders fall back to plain text'}. Connect and send STARTTLS by hand: the failed handshake is explained`,
    });
  } else if (old.length > 0) {
    findings.push({ tone: submission ? 'warn' : 'info', text: `to turn ${old.join(' and ')} off: ${TURN_OFF}` });
  }
  if (took('TLSv1.3') && !took('TLSv1.2') && answer.versions.some((o) => o.version === 'TLSv1.2' && o.outcome === 'refused')) {
    findings.push({
      tone: 'info',
      text: `TLS 1.3 only: current ${submission ? 'clients' : 'senders'} are fine; older ones (OpenSSL before 1.1.1, Exchange 2016, many appliances) cannot start TLS here${submission ? '' : ' and send in plain text, or not at all where they require TLS'}`,
    });
  }
  if (took('TLSv1.2') && answer.versions.some((o) => o.version === 'TLSv1.3' && o.outcome === 'refused')) {
    findings.push({ tone: 'info', text: 'no TLS 1.3 (RFC 8446, 2018): TLS 1.2 is still sound, but RFC 9325 §3.1 asks for 1.3 where it can be had; OpenSSL 1.1.1 and later offer it unless set not to' });
  }
  const good = findings.every((f) => f.tone === 'ok' || f.tone === 'info');
  return { head, findings, good };
}
