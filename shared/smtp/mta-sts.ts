/**
 * An MTA-STS policy (RFC 8461), as a sending MTA reads it: the file at https://mta-sts.<domain>/.well-known/
 * mta-sts.txt that a `_mta-sts` TXT record announces, its fields (§3.2), and whether each MX host of the domain is
 * one the policy names (§4.1). The check an admin makes after changing MX hosts: under `mode: enforce`, senders that
 * support MTA-STS (Gmail, Microsoft) do not deliver to an MX host the policy does not name. Pure.
 */
import type { MtaStsFetch } from '../protocol/messages.js';
import type { Finding } from './types.js';

/** The longest max_age a policy may have, in seconds (RFC 8461 §3.2: a year). */
export const MAX_MTA_STS_AGE_S = 31_557_600;
/** Below this, a policy expires from senders' caches within the day: a failed fetch then leaves them without it. */
const SHORT_MAX_AGE_S = 86_400;

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  /** Its mode, when it is one of the three. */
  mode: MtaStsMode | null;
  /** max_age in seconds, when it is a valid one. */
  maxAge: number | null;
  /** Its mx patterns, in lower case ("mx1.example.org", "*.example.net"). */
  mx: string[];
  /** What makes senders reject the policy, each one line. */
  problems: string[];
}

/**
 * Reads a policy's text (RFC 8461 §3.2): "key: value" lines, separated by LF or CRLF; unknown keys are ignored, and of
 * a key given twice (but mx) the first counts.
 */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const fields = new Map<string, string>();
  const mx: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'mx') {
      if (value !== '' && !mx.includes(value.toLowerCase())) mx.push(value.toLowerCase());
    } else if (!fields.has(key)) fields.set(key, value);
  }
  const problems: string[] = [];
  const version = fields.get('version');
  if (version !== 'STSv1') problems.push(version === undefined ? 'no "version: STSv1" line' : `version "${version}" is not STSv1`);
  const modeText = fields.get('mode');
  const mode = modeText === 'enforce' || modeText === 'testing' || modeText === 'none' ? modeText : null;
  if (mode === null) problems.push(modeText === undefined ? 'no "mode:" line' : `mode "${modeText}" is not enforce, testing or none`);
  const ageText = fields.get('max_age');
  const maxAge = ageText !== undefined && /^\d{1,10}$/.test(ageText) && Number(ageText) <= MAX_MTA_STS_AGE_S ? Number(ageText) : null;
  if (maxAge === null) problems.push(ageText === undefined ? 'no "max_age:" line' : `max_age "${ageText}" is not a number of seconds up to ${MAX_MTA_STS_AGE_S} (a year)`);
  if (mode !== 'none' && mx.length === 0) problems.push('no "mx:" line: no MX host is allowed');
  return { mode, maxAge, mx, problems };
}

/**
 * Whether an MX host matches an mx pattern (RFC 8461 §4.1): the same name, or for "*.example.net" a name of exactly
 * one more label ("mx1.example.net", not "example.net" nor "a.mx1.example.net"). Case and a final dot do not count.
 */
export function mxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return h === p;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** A number of seconds as days or hours, for people. */
function duration(s: number): string {
  const [n, unit] = s >= 86_400 ? [Math.round(s / 86_400), 'day'] : s >= 3600 ? [Math.round(s / 3600), 'hour'] : [s, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * What the fetched policy of `domain` tells, and for `mxHosts` (its MX hosts, when known) whether senders enforcing
 * it would deliver to each; `from` says where the policy came from (its URL, or a paste).
 */
export function readMtaStsPolicy(domain: string, fetched: MtaStsFetch, mxHosts: readonly string[] | null, from = `https://mta-sts.${domain}/.well-known/mta-sts.txt`): Finding[] {
  const url = from;
  if (fetched.kind === 'error') {
    return [
      {
        tone: 'bad',
        text: `MTA-STS policy not fetched from ${url}: ${fetched.detail}. Senders without a copy act as if there were no MTA-STS; those with one keep using it until it expires (RFC 8461 §3.3)`,
      },
    ];
  }
  const policy = parseMtaStsPolicy(fetched.text);
  const out: Finding[] = [];
  const shown = [`mode: ${policy.mode ?? '?'}`, `max_age: ${policy.maxAge === null ? '?' : `${policy.maxAge} (${duration(policy.maxAge)})`}`, ...policy.mx.map((m) => `mx: ${m}`)];
  out.push({ tone: 'info', text: `MTA-STS policy (${url}): ${shown.join(', ')}${fetched.cut ? ' …' : ''}` });
  if (policy.problems.length > 0) {
    out.push({ tone: 'bad', text: `the policy is invalid (${policy.problems.join('; ')}): senders ignore it (RFC 8461 §3.2)` });
    return out;
  }
  if (fetched.contentType !== null && !/^text\/plain\s*(;|$)/i.test(fetched.contentType)) {
    out.push({ tone: 'warn', text: `served as ${fetched.contentType}, not text/plain: senders may refuse it (RFC 8461 §3.2)` });
  }
  if (policy.mode === 'none') {
    out.push({ tone: 'info', text: 'mode none: the policy is withdrawn; senders drop the copy they had' });
    return out;
  }
  const enforce = policy.mode === 'enforce';
  out.push(
    enforce
      ? { tone: 'ok', text: 'mode enforce: senders that support MTA-STS deliver only over TLS, with a valid certificate, to the MX hosts it names' }
      : { tone: 'info', text: 'mode testing: senders report failures (to the TLS-RPT address) but deliver anyway' },
  );
  if (mxHosts !== null) {
    const unmatched = mxHosts.filter((h) => !policy.mx.some((p) => mxMatches(h, p)));
    for (const h of unmatched) {
      out.push(
        enforce
          ? { tone: 'bad', text: `MX host ${h} matches no mx: line of the policy: senders that enforce MTA-STS do not deliver to it (RFC 8461 §4.1)` }
          : { tone: 'warn', text: `MX host ${h} matches no mx: line of the policy: once the mode is enforce, senders will not deliver to it (RFC 8461 §4.1)` },
      );
    }
    if (unmatched.length === 0 && mxHosts.length > 0) out.push({ tone: 'ok', text: `every MX host matches an mx: line of the policy` });
  }
  if (policy.maxAge !== null && policy.maxAge < SHORT_MAX_AGE_S) {
    out.push({ tone: 'warn', text: `max_age under a day: senders fetch the policy again that often, and one failed fetch leaves them without it; weeks are usual (RFC 8461 §3.2)` });
  }
  return out;
}

/** What a TLS session showed of a server's certificate, as MTA-STS judges it (protocol `tls` message). */
export interface TlsSeen {
  /** The certificate chains to a trusted root and is in date (Node's `authorized`). */
  authorized: boolean;
  authorizationError: string | null;
  /** The host dialled is among its names; null without a certificate. */
  coversHost: boolean | null;
}

/**
 * Whether the TLS session with `host`, an MX host `domain`'s policy names, meets that policy (RFC 8461 §4.2): a
 * certificate that chains to a trusted root, is in date and names the host. One finding; null when the policy does
 * not name the host, or asks nothing (mode none).
 */
export function readStsForTls(domain: string, policy: MtaStsPolicy, host: string, tls: TlsSeen): Finding | null {
  if ((policy.mode !== 'enforce' && policy.mode !== 'testing') || !policy.mx.some((p) => mxMatches(host, p))) return null;
  const of = `${domain}'s MTA-STS policy (mode: ${policy.mode}, it names ${host})`;
  if (tls.authorized && tls.coversHost === true) {
    return { tone: 'ok', text: `meets ${of}: the certificate verifies and names the host, so senders that apply it deliver ${domain}'s mail here` };
  }
  const why = !tls.authorized ? `does not verify (${tls.authorizationError ?? 'no certificate'})` : `does not name ${host}`;
  return policy.mode === 'enforce'
    ? {
        tone: 'bad',
        text: `fails ${of}: the certificate ${why}, so senders that apply it (Gmail, Microsoft 365…) do not deliver ${domain}'s mail here (RFC 8461 §4.2). Mend the certificate, or set mode: testing meanwhile`,
      }
    : { tone: 'warn', text: `would fail ${of}: the certificate ${why}; in testing mode senders deliver anyway, and report it to the TLS-RPT address` };
}
