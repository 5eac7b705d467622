/**
 * `/tls mx`: what the TLS of each MX host of a domain means to the mail senders deliver there. STARTTLS (RFC 3207) is
 * opportunistic unless the domain asks for more (RFC 7435): most senders take TLS where it is offered and deliver
 * anyway, in plain text, when it is not, and do not insist on a certificate that verifies. A domain with an MTA-STS
 * policy in enforce mode (RFC 8461) has senders that apply it (Gmail, Microsoft 365) deliver only to the MX hosts it
 * names, over TLS, with a certificate that verifies and names the host: there a backup MX without STARTTLS, or with a
 * certificate expired or for another name, holds mail. So do hosts whose DNSSEC-signed TLSA records (DANE, RFC 7672)
 * match nothing they present, for senders that validate DANE. One line a host, and a count. Pure.
 */
import type { MxTlsMessage, MxTlsOutcome, PolicyRecords } from '../protocol/messages.js';
import { tagList } from './dkim.js';
import { mxMatches, parseMtaStsPolicy, type MtaStsPolicy } from './mta-sts.js';
import { readMxAnswer } from './mx.js';
import { assessTls } from './tls-report.js';
import type { Finding, FindingTone } from './types.js';

export interface MxTlsReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** TLS versions senders may no longer offer or accept (RFC 8996). */
const DEPRECATED = new Set(['TLSv1', 'TLSv1.1']);

const RANK: Readonly<Record<FindingTone, number>> = { bad: 3, warn: 2, info: 1, ok: 0 };
const worst = (tones: readonly FindingTone[]): FindingTone => tones.reduce<FindingTone>((a, t) => (RANK[t] > RANK[a] ? t : a), 'ok');

/** The host as a line begins: its preference, name and the address dialled. */
function label(h: MxTlsOutcome): string {
  const at = h.address === null ? '' : ` (${h.address})`;
  return h.preference === null ? `${h.host}${at}, an implicit MX` : `${h.preference}  ${h.host}${at}`;
}

/** A policy senders apply (valid, mode enforce or testing), else null. */
function applied(policy: MtaStsPolicy | null): MtaStsPolicy | null {
  return policy !== null && policy.problems.length === 0 && (policy.mode === 'enforce' || policy.mode === 'testing') ? policy : null;
}

/** Verify failures that say "self-signed" already: the certificate report's own line saying so would repeat it. */
const SAYS_SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

/**
 * What the domain's MTA-STS policy (one senders apply) makes of a host: nothing for one it names that met it;
 * `tls`: whether the host did TLS with a certificate that verifies and names it (null: it was not reached).
 */
function stsNote(policy: MtaStsPolicy | null, h: MxTlsOutcome, tls: boolean | null): Finding | null {
  if (policy === null) return null;
  const enforce = policy.mode === 'enforce';
  if (!policy.mx.some((p) => mxMatches(h.host, p))) {
    return enforce
      ? { tone: 'bad', text: 'no mx: line of its MTA-STS policy names it, so senders that apply the policy (mode: enforce) do not deliver here (RFC 8461 §4.1)' }
      : { tone: 'warn', text: 'no mx: line of its MTA-STS policy names it: it would fail the policy (mode: testing)' };
  }
  if (tls !== false) return null;
  return enforce
    ? { tone: 'bad', text: 'senders that apply its MTA-STS policy (mode: enforce) do not deliver here at all (RFC 8461 §4.2)' }
    : { tone: 'warn', text: 'it would fail its MTA-STS policy (mode: testing): senders deliver anyway, and report it' };
}

/**
 * What DANE (RFC 7672) makes of a host reached: `note` for its line (null when it publishes no TLSA records), and
 * `matched`: a DNSSEC-signed record matches what it presented (`ee`: a DANE-EE one, which checks the key alone).
 */
function daneOf(h: MxTlsOutcome): { note: Finding | null; matched: boolean; ee: boolean } {
  const a = h.dane;
  const none = { matched: false, ee: false };
  if (a === undefined) return { note: null, ...none };
  if (a.kind === 'none') {
    return a.reason === 'dns-error'
      ? { note: { tone: 'warn', text: `its TLSA lookup failed (${a.detail}): where the zone is signed, senders that validate DANE defer mail while it fails (RFC 7672 §2.2.1)` }, ...none }
      : { note: null, ...none };
  }
  const usable = a.records.filter((r) => r.match !== 'unusable');
  if (!a.secure) return { note: { tone: 'info', text: `TLSA records at ${a.name}, not DNSSEC-validated by this bridge's resolver: senders that validate DANE use them only from a signed zone` }, ...none };
  if (usable.length === 0) return { note: { tone: 'warn', text: `its TLSA records are all of usages senders ignore for SMTP (RFC 7672 §3.1.3)` }, ...none };
  if (h.outcome !== 'tls') {
    return { note: { tone: 'bad', text: 'it publishes TLSA records (DNSSEC-signed), so senders that validate DANE insist on TLS here and do not deliver without it (RFC 7672 §2.2)' }, ...none };
  }
  const match = usable.find((r) => r.match === 'yes');
  if (match === undefined) {
    const fix = a.suggested === null ? '' : `; a record that matches its key: ${a.name} IN TLSA ${a.suggested}`;
    return { note: { tone: 'bad', text: `no TLSA record at ${a.name} matches the certificate it presented: senders that validate DANE (Postfix and Exim with DNSSEC, Microsoft 365) do not deliver here (RFC 7672 §2.2)${fix}` }, ...none };
  }
  const ee = usable.some((r) => r.match === 'yes' && r.usage === 3);
  return { note: { tone: 'ok', text: `DANE: a DNSSEC-signed TLSA record matches${ee ? ' its key (DANE-EE: names and dates not checked, RFC 7672 §3.1.1)' : ''}, so senders that validate DANE deliver here over TLS` }, matched: true, ee };
}

/** One host's line, and whether it takes mail over TLS with a certificate that verifies for its name, or by DANE. */
function hostFinding(h: MxTlsOutcome, policy: MtaStsPolicy | null, now: number): { finding: Finding; good: boolean } {
  const dane = daneOf(h);
  const line = (tone: FindingTone, text: string, tls: boolean | null): { finding: Finding; good: boolean } => {
    const sts = h.outcome === 'no-address' || h.outcome === 'not-dialled' ? null : stsNote(policy, h, tls);
    const notes = [dane.note, sts].filter((f): f is Finding => f !== null);
    const all = [text, ...notes.map((f) => f.text)].join('; ');
    const weak = notes.some((f) => f.tone === 'bad' || f.tone === 'warn');
    return { finding: { tone: worst([tone, ...notes.map((f) => f.tone)]), text: `${label(h)}: ${all}` }, good: (tls === true || dane.matched) && !weak };
  };
  switch (h.outcome) {
    case 'tls': {
      const seen = h.tls;
      if (seen === null) return line('warn', 'TLS, but nothing was said of it', null);
      const report = assessTls(seen, h.host, now);
      const repeats = (f: Finding): boolean => f.text.startsWith('self-signed:') && SAYS_SELF_SIGNED.has(seen.authorizationError ?? '');
      const problems = report.findings.filter((f) => (f.tone === 'bad' || f.tone === 'warn') && !repeats(f));
      const verified = seen.authorized && seen.certificate?.coversHost === true;
      const old = DEPRECATED.has(seen.protocol);
      if (old) problems.push({ tone: 'warn', text: `its best version is ${seen.protocol}, deprecated (RFC 8996): current senders refuse it and deliver in plain text` });
      const how = `STARTTLS, ${seen.protocol} (${seen.cipher})`;
      if (problems.length === 0) {
        const until = report.findings.find((f) => f.tone === 'ok' && f.text.startsWith('valid until'))?.text ?? '';
        return line('ok', `${how}; its certificate verifies and names ${h.host}${until === '' ? '' : `, ${until}`}`, verified);
      }
      // A DANE-EE match stands for the certificate's issuer, names and dates: what fails there is said, not held against it.
      const r = line(dane.ee && !old ? 'ok' : worst(problems.map((p) => p.tone)), `${how}, but: ${problems.map((p) => p.text).join('; ')}`, verified && !old);
      return old ? { ...r, good: false } : r;
    }
    case 'no-starttls':
      return line('bad', `${h.text}: senders deliver here in plain text, readable and changeable on the way`, false);
    case 'tls-failed':
      return line('bad', `STARTTLS offered, but the handshake failed (${h.text}): senders deliver in plain text or not at all, as each is set`, false);
    case 'no-greeting':
      return line('bad', `${h.text}: senders cannot hand mail to it, and go on to the next MX host`, null);
    case 'unreachable':
      return line('bad', `not reached (${h.text}): senders go on to the next MX host, and try this one again later`, null);
    case 'no-address':
      return line('bad', `${h.text}: senders skip it`, null);
    case 'not-dialled':
      return line('info', `not dialled: ${h.text}`, null);
  }
}

/** The domain's MTA-STS, as senders apply it to the hosts above. */
function stsFinding(domain: string, fetched: Extract<MxTlsMessage['answer'], { kind: 'probed' }>['mtaSts'], policy: MtaStsPolicy | null): Finding {
  if (fetched === undefined) {
    return { tone: 'info', text: `${domain} has no MTA-STS policy: senders take TLS where it is offered but deliver anyway without it, and do not insist on a certificate that verifies (opportunistic TLS, RFC 7435), unless the MX host publishes DANE records` };
  }
  if (fetched.kind === 'error') return { tone: 'warn', text: `${domain} announces an MTA-STS policy that could not be fetched (${fetched.detail}): senders that have it cached go on applying it; /mx ${domain} says more` };
  if (policy === null || applied(policy) === null) {
    const why = policy !== null && policy.problems.length > 0 ? `its policy is not valid (${policy.problems.join('; ')}), so senders ignore it` : 'its policy is in mode none: senders apply nothing';
    return { tone: policy !== null && policy.problems.length > 0 ? 'warn' : 'info', text: `${domain}'s MTA-STS: ${why}` };
  }
  return policy.mode === 'enforce'
    ? { tone: 'info', text: `${domain}'s MTA-STS policy is in mode enforce: senders that apply it (Gmail, Microsoft 365…) deliver only over TLS, to MX hosts it names whose certificate verifies and names them (RFC 8461 §4)` }
    : { tone: 'info', text: `${domain}'s MTA-STS policy is in mode testing: senders deliver anyway, and report to its TLS-RPT address the hosts that would fail it` };
}

/** Where senders that apply the policy report failing it (RFC 8460): nowhere, without a TLS-RPT record. */
function tlsRptFinding(domain: string, r: PolicyRecords): Finding {
  if (r.kind === 'records') {
    const rua = tagList(r.records[0] ?? '').get('rua');
    return { tone: 'ok', text: `TLS-RPT: senders that apply the policy send their daily reports of TLS failures here to ${rua ?? 'the address its record names'} (RFC 8460)` };
  }
  if (r.kind === 'error') return { tone: 'info', text: `the TLS-RPT record of ${domain} could not be looked up (${r.detail})` };
  return { tone: 'warn', text: `no TLS-RPT record (_smtp._tls.${domain}): the senders that fail TLS with a host above report it to no one, and mail held by the policy goes unnoticed; publish "v=TLSRPTv1; rua=mailto:…" (RFC 8460 §3)` };
}

/**
 * For a domain without MTA-STS whose every MX host passed and has TLS with a certificate that verifies for its name
 * (by the web's certificate authorities, as MTA-STS asks: a DANE match does not count here): the policy and records
 * that would have senders insist on it, in testing mode first (RFC 8461 §3, RFC 8460 §3); else null.
 */
function readyForMtaSts(domain: string, answer: Extract<MxTlsMessage['answer'], { kind: 'probed' }>, now: number): Finding | null {
  if (answer.mtaSts !== undefined || answer.count > answer.hosts.length || answer.hosts.length === 0) return null;
  const verified = (h: MxTlsOutcome): boolean => h.outcome === 'tls' && h.tls !== null && h.tls.authorized && h.tls.certificate?.coversHost === true;
  if (!answer.hosts.every(verified)) return null;
  const id = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  const mx = [...new Set(answer.hosts.map((h) => h.host.toLowerCase().replace(/\.$/, '')))].map((h) => `"mx: ${h}"`).join(', ');
  return {
    tone: 'info',
    text: `ready for MTA-STS: every MX host has TLS with a certificate that verifies for its name. To have senders insist on it, serve https://mta-sts.${domain}/.well-known/mta-sts.txt with "version: STSv1", "mode: testing", ${mx}, "max_age: 604800" (enforce once the TLS reports are clean), and publish _mta-sts.${domain} TXT "v=STSv1; id=${id}" and _smtp._tls.${domain} TXT "v=TLSRPTv1; rua=mailto:…" (RFC 8461 §3, RFC 8460 §3)`,
  };
}

export function readMxTls(domain: string, answer: MxTlsMessage['answer'], now: number): MxTlsReport {
  if (answer.kind === 'none') {
    const head =
      answer.reason === 'null-mx'
        ? `${domain} publishes a null MX (RFC 7505): it takes no mail, and has no MX host to test`
        : answer.reason === 'refused'
          ? `TLS of ${domain}'s MX hosts not tested: ${answer.detail}`
          : readMxAnswer(domain, { kind: 'none', reason: answer.reason, detail: answer.detail }).head;
    return { head, findings: [], good: false };
  }
  const fetched = answer.mtaSts;
  const parsed = fetched?.kind === 'policy' ? parseMtaStsPolicy(fetched.text) : null;
  const policy = applied(parsed);
  const findings: Finding[] = [];
  let good = 0;
  for (const h of answer.hosts) {
    const r = hostFinding(h, policy, now);
    findings.push(r.finding);
    if (r.good) good++;
  }
  const n = answer.hosts.length;
  const more = answer.count - n;
  if (more > 0) findings.push({ tone: 'info', text: `and ${more} more MX host${more === 1 ? '' : 's'} with higher preferences, not tested` });
  findings.push(stsFinding(domain, fetched, parsed));
  if (policy !== null && answer.tlsRpt !== undefined) findings.push(tlsRptFinding(domain, answer.tlsRpt));
  // All pass without MTA-STS: what would have senders insist on it (before the count, which stays the last word).
  const ready = good === n ? readyForMtaSts(domain, answer, now) : null;
  if (ready !== null) findings.push(ready);
  const asked = `${answer.hosts.some((h) => h.dane?.kind === 'records') ? ' (or that matches its TLSA records: DANE)' : ''}${policy === null ? '' : ', named by its MTA-STS policy'}`;
  findings.push(
    good === n
      ? { tone: 'ok', text: `${n === 1 ? 'it passes' : `all ${n} MX hosts pass`}: STARTTLS, with a certificate that verifies and names the host${asked}` }
      : { tone: good === 0 ? 'bad' : 'warn', text: `${n === 1 ? 'it does not pass' : `${good} of ${n} MX hosts pass`}: STARTTLS, with a certificate that verifies and names the host${asked}` },
  );
  const where = answer.implicit ? `${domain} (no MX records: the domain itself)` : `each MX host of ${domain}`;
  return {
    head: `STARTTLS on ${where}, port ${answer.port}, as sending MTAs meet it, the certificate checked for the host's name:`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
