/**
 * What a domain's mail policies (protocol `mx` answer, `policies`) tell a mail admin, in lines: the TXT records
 * behind the refusals heloterm explains most ("SPF fail", "DMARC policy", "unauthenticated"), read as a receiver
 * reads them. Pure.
 *
 * - SPF (RFC 7208): one record only (§4.5: two are a permanent error); how it ends ("-all" fails the rest, "~all"
 *   soft-fails it, "?all" says nothing, "+all" lets anyone send; no "all" at all is neutral, §4.7); at most 10 terms
 *   that cost DNS lookups, counted through its includes by the bridge (§4.6.4, spf.ts); includes that name a domain
 *   without an SPF record (§5.2).
 * - DMARC (RFC 7489): one record at _dmarc.<domain> (§6.6.3), its policy p= (none only monitors), pct= below 100,
 *   sp= for subdomains, and no rua= (no aggregate reports: failures go unseen); for a subdomain without a record, its
 *   organizational domain's, whose sp= (or else p=) applies to it (§6.6.3).
 * - MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): whether senders are told to insist on TLS, and where failures go;
 *   the policy the bridge fetched, and whether it names every MX host (mta-sts.ts).
 * - Gmail's and Yahoo's sender rules (2024): SPF or DKIM for everyone, a DMARC record for bulk senders.
 * - BIMI (bimi.ts): the brand logo some inboxes show, which needs DMARC to enforce.
 */
import type { PolicyAnswer, PolicyRecords, SpfLookups } from '../protocol/messages.js';
import { bimiFindings } from './bimi.js';
import { tagList } from './dkim.js';
import { readMtaStsPolicy } from './mta-sts.js';
import { SPF_LOOKUP_LIMIT, spfTerms } from './spf.js';
import type { Finding } from './types.js';

export interface PolicyReport {
  head: string;
  findings: Finding[];
  /** Nothing wrong was found (for the reply log's colour). */
  good: boolean;
}


/** The policy records as one finding each, or what their absence or a failed lookup means. */
function records(p: PolicyRecords, name: string, none: Finding | null): Finding[] {
  switch (p.kind) {
    case 'error':
      return [{ tone: 'warn', text: `${name}: ${p.detail}; try again before concluding anything` }];
    case 'none':
      return none === null ? [] : [none];
    case 'records': {
      const out: Finding[] = p.records.map((r) => ({ tone: 'info', text: `${name}: ${r}` }));
      if (p.count > p.records.length) out.push({ tone: 'info', text: `and ${p.count - p.records.length} more` });
      return out;
    }
  }
}

/** What the lookups an SPF record costs (counted through its includes, or at its top level alone) tell. */
function spfLookups(record: string, counted: SpfLookups | undefined): Finding[] {
  const out: Finding[] = [];
  for (const term of counted?.missing ?? []) {
    const how = term.startsWith('redirect=') ? 'redirects to' : 'includes';
    out.push({ tone: 'bad', text: `${how} ${term.slice(term.search(/[:=]/) + 1)}, which has no SPF record: receivers stop with a permanent error (RFC 7208 §5.2, §6.1)` });
  }
  const count = counted?.count ?? spfTerms(record).lookups;
  const where = counted === undefined ? 'in the record itself (its includes not counted)' : counted.partial ? 'counted through its includes, as far as they could be followed' : 'counted through its includes';
  const limit = `the limit of ${SPF_LOOKUP_LIMIT} (RFC 7208 §4.6.4)`;
  if (count > SPF_LOOKUP_LIMIT) {
    out.push({
      tone: 'bad',
      text: `${counted?.partial === true ? 'more than ' + SPF_LOOKUP_LIMIT : count} DNS lookups (include, a, mx, exists, redirect) ${where}, over ${limit}: receivers stop with a permanent error ("permerror"), and SPF fails for every message. Drop includes, or name addresses (ip4:, ip6:) instead`,
    });
  } else if (counted !== undefined) {
    const near = count >= SPF_LOOKUP_LIMIT - 1 ? ': at the edge, one more include and receivers stop with a permanent error' : '';
    out.push({ tone: near === '' ? (counted.partial ? 'info' : 'ok') : 'warn', text: `${count === 1 ? '1 DNS lookup' : `${count} DNS lookups`} ${where}, within ${limit}${near}` });
  }
  return out;
}

/** What a domain's SPF records say (its lookups counted through its includes when `counted` is given). */
export function spf(domain: string, p: PolicyRecords, counted: SpfLookups | undefined): Finding[] {
  const out = records(p, 'SPF', {
    tone: 'warn',
    text: `no SPF record: receivers cannot tell which servers may send as ${domain}; Gmail and Yahoo want SPF or DKIM of every sender (RFC 7208)`,
  });
  if (p.kind !== 'records') return out;
  if (p.count > 1) {
    out.push({ tone: 'bad', text: `${p.count} SPF records: receivers stop with a permanent error, as if there were none (RFC 7208 §4.5). Merge them into one` });
    return out;
  }
  const terms = (p.records[0] ?? '').split(/\s+/).slice(1);
  const all = terms.map((t) => /^([+?~-]?)all$/i.exec(t)).find((m) => m !== null);
  const redirect = terms.some((t) => /^redirect=/i.test(t));
  if (all == null) {
    if (!redirect) out.push({ tone: 'warn', text: 'no "all" at the end: mail from any other server is neutral, neither passed nor failed (RFC 7208 §4.7)' });
  } else if (all[1] === '' || all[1] === '+') {
    out.push({ tone: 'bad', text: `ends in "${all[0]}": any server in the world may send as ${domain}, so SPF proves nothing. End it in -all or ~all` });
  } else if (all[1] === '?') {
    out.push({ tone: 'warn', text: 'ends in "?all": other servers are neutral, so SPF tells receivers nothing about them' });
  } else {
    out.push({ tone: 'ok', text: all[1] === '-' ? 'ends in "-all": mail from other servers fails SPF' : 'ends in "~all": mail from other servers soft-fails SPF (marked, usually still delivered)' });
  }
  out.push(...spfLookups(p.records[0] ?? '', counted));
  return out;
}

const NO_DMARC = 'Gmail and Yahoo require one of bulk senders, p=none at least (RFC 7489)';

/**
 * The DMARC findings: the domain's own record, or for a subdomain without one, its organizational domain's, which
 * receivers use instead (RFC 7489 §6.6.3).
 */
function dmarc(domain: string, p: PolicyRecords, org: PolicyAnswer['dmarcOrg']): Finding[] {
  if (p.kind === 'none' && org !== undefined) {
    const where = `no DMARC record at _dmarc.${domain}`;
    if (org.dmarc.kind === 'none') return [{ tone: 'warn', text: `${where} nor at _dmarc.${org.domain}, its organizational domain: ${NO_DMARC}` }];
    return [
      { tone: 'info', text: `${where}: receivers use its organizational domain's, at _dmarc.${org.domain} (RFC 7489 §6.6.3)` },
      ...records(org.dmarc, `DMARC of ${org.domain}`, null),
      ...(org.dmarc.kind === 'records' ? dmarcRecord(domain, org.dmarc, true) : []),
    ];
  }
  const sub = domain.split('.').length > 2 ? " (a subdomain without one falls back to its organizational domain's)" : '';
  const out = records(p, 'DMARC', { tone: 'warn', text: `no DMARC record at _dmarc.${domain}${sub}: ${NO_DMARC}` });
  return p.kind === 'records' ? [...out, ...dmarcRecord(domain, p, false)] : out;
}

/**
 * What one DMARC record says of mail from `domain`: its own (`inherited` false), or its organizational domain's,
 * whose sp= then applies to it instead of p= (RFC 7489 §6.3).
 */
export function dmarcRecord(domain: string, p: Extract<PolicyRecords, { kind: 'records' }>, inherited: boolean): Finding[] {
  if (p.count > 1) return [{ tone: 'bad', text: `${p.count} DMARC records: receivers use none of them (RFC 7489 §6.6.3). Keep one` }];
  const out: Finding[] = [];
  const record = p.records[0] ?? '';
  const tag = (name: string): string | undefined => new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;]*)`, 'i').exec(record)?.[1]?.trim();
  const own = tag('p')?.toLowerCase();
  if (own === undefined || own === '') return [{ tone: 'bad', text: 'no p= tag: the record is invalid, and receivers ignore it (RFC 7489 §6.3)' }];
  const sp = tag('sp')?.toLowerCase();
  const policy = inherited && sp !== undefined ? sp : own;
  const named = inherited && sp !== undefined ? `sp=${sp}, for its subdomains,` : `p=${policy}`;
  const as = inherited ? ` applies to ${domain}` : '';
  if (policy === 'none') out.push({ tone: 'info', text: `${named}${as}: receivers only report; they refuse nothing for failing DMARC` });
  else if (policy === 'quarantine' || policy === 'reject') {
    const does = policy === 'reject' ? 'refuse' : 'treat as spam';
    out.push({ tone: 'ok', text: `${named}${as}: receivers ${does} mail that fails DMARC (neither SPF nor DKIM aligned with ${domain})` });
  } else {
    out.push({ tone: 'bad', text: `${inherited && sp !== undefined ? 'sp' : 'p'}=${policy} is not a DMARC policy (none, quarantine, reject): receivers ignore the record` });
    return out;
  }
  const pct = tag('pct');
  if (pct !== undefined && policy !== 'none' && /^\d+$/.test(pct) && Number(pct) < 100) {
    out.push({ tone: 'info', text: `pct=${pct}: the policy applies to ${pct}% of failing mail; the rest is handled one step milder (RFC 7489 §6.6.4)` });
  }
  if (!inherited && sp !== undefined && sp !== policy) out.push({ tone: 'info', text: `sp=${sp}: mail from its subdomains that fails DMARC gets ${sp} instead` });
  if (tag('rua') === undefined) {
    out.push({
      tone: policy === 'none' ? 'warn' : 'info',
      text: `no rua=: receivers send no aggregate reports, so ${policy === 'none' ? 'p=none watches nothing' : 'failing mail goes unseen'}. Add rua=mailto:… (RFC 7489 §7.2)`,
    });
  }
  return out;
}

/**
 * Whether the DMARC policy that applies to the domain's mail quarantines or rejects all mail that fails (p=, or for a
 * subdomain without a record its organizational domain's sp= or p=; pct=100), as BIMI requires; null without one.
 */
function dmarcEnforces(p: PolicyAnswer): boolean | null {
  const inherited = p.dmarc.kind === 'none' && p.dmarcOrg !== undefined;
  const records = inherited ? p.dmarcOrg?.dmarc : p.dmarc;
  if (records === undefined || records.kind !== 'records' || records.count !== 1) return null;
  const tags = tagList(records.records[0] ?? '');
  const policy = ((inherited ? (tags.get('sp') ?? tags.get('p')) : tags.get('p')) ?? '').toLowerCase();
  const pct = tags.get('pct');
  return (policy === 'quarantine' || policy === 'reject') && (pct === undefined || pct === '100');
}

/** What a sender domain that does not exist meets, said wherever heloterm finds one (policies, `/spf`). */
export const NO_DOMAIN_REFUSED = "Receivers that check a sender's domain refuse mail from it (Postfix: 450 4.1.8 Sender address rejected: Domain not found)";

/**
 * The findings of a domain's mail policies; `mxHosts`, the domain's MX hosts when known, are checked against its
 * MTA-STS policy. A domain that does not exist (`noDomain`: its MX lookup answered NXDOMAIN) has no records to read,
 * nor under it (RFC 8020); only its organizational domain's DMARC record, if any, still speaks for it.
 */
export function readPolicies(domain: string, p: PolicyAnswer, mxHosts: readonly string[] | null = null, noDomain = false): PolicyReport {
  if (noDomain) {
    const findings: Finding[] = [
      {
        tone: 'bad',
        text: `${domain} does not exist in DNS: it has no SPF, DMARC or MTA-STS record to read. ${NO_DOMAIN_REFUSED}`,
      },
    ];
    const org = p.dmarcOrg;
    if (org?.dmarc.kind === 'records') {
      findings.push(...dmarc(domain, p.dmarc, org));
      const np = org.dmarc.count === 1 ? tagList(org.dmarc.records[0] ?? '').get('np')?.toLowerCase() : undefined;
      if (np !== undefined && np !== '') {
        findings.push({ tone: 'info', text: `np=${np}: receivers that read it (RFC 9091, DMARCbis) apply it instead to ${domain}, a name under ${org.domain} that does not exist` });
      }
    }
    return { head: `mail policies of ${domain}:`, findings, good: false };
  }
  const findings = [
    ...spf(domain, p.spf, p.spfLookups),
    ...dmarc(domain, p.dmarc, p.dmarcOrg),
    ...records(p.mtaSts, 'MTA-STS', { tone: 'info', text: 'no MTA-STS: senders fall back to plain text when STARTTLS fails or is stripped on the way (RFC 8461)' }),
    ...records(p.tlsRpt, 'TLS-RPT', null),
  ];
  if (p.mtaSts.kind === 'records' && p.mtaStsPolicy !== undefined) {
    findings.push(...readMtaStsPolicy(domain, p.mtaStsPolicy, mxHosts));
  } else if (p.mtaSts.kind === 'records') {
    findings.push({ tone: 'ok', text: `MTA-STS: senders that support it insist on TLS with a valid certificate to the MX hosts its policy names: https://mta-sts.${domain}/.well-known/mta-sts.txt` });
  }
  const bimi = bimiFindings(p.bimi, dmarcEnforces(p));
  findings.push(...bimi);
  return {
    head: `mail policies of ${domain} (TXT records: SPF, DMARC, MTA-STS, TLS-RPT${bimi.length > 0 ? ', BIMI' : ''}):`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
