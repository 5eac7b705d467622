/**
 * An SPF, DMARC or DKIM record pasted into Paste & explain: the TXT record an admin is about to publish, or one
 * `dig TXT` printed, read as a receiver reads it (policies.ts and dkim.ts, as `/mx` and `/dkim` do for records looked
 * up), and checked for the mistakes that make receivers ignore it or stop with a permanent error: an unknown mechanism
 * (a typo such as `inculde:`), a malformed address, a modifier twice, terms after `all`, a DMARC tag out of place, a
 * DKIM key too short or not base64. An MTA-STS policy file too, read as mta-sts.ts reads one fetched. Nothing is
 * looked up: an SPF record's includes are not counted (`/mx DOMAIN` counts them once it is published). Pure.
 */
import { isIPv4Literal, isIPv6Literal } from '../protocol/host.js';
import { dkimKeyFindings, shownDkim, tagList } from './dkim.js';
import { bimiRecordFindings } from './bimi.js';
import { readMtaStsPolicy } from './mta-sts.js';
import { dmarcRecord, spf, type PolicyReport } from './policies.js';
import type { Finding } from './types.js';

/** A record as pasted: the name dig printed before it ('' when it was pasted alone), and its text, strings joined. */
interface Pasted {
  name: string;
  text: string;
  /** One of its character-strings is longer than 255 octets: DNS cannot hold it so (RFC 1035 §3.3). */
  longString: boolean;
  /** It was written as quoted strings (a zone file's, dig's form), not as bare text for a DNS provider's form. */
  quoted: boolean;
}

/** How the records read here begin: SPF's and DMARC's version, DKIM's (optional, then its key type comes first). */
const RECORD_START = /^(v=spf1\b|v=DMARC1\b|v=DKIM1\s*;|k=(rsa|ed25519)\s*;|v=STSv1\s*;|v=TLSRPTv1\s*;|v=BIMI1\s*;)/i;
const DKIM_START = /^(v=DKIM1|k=)/i;

/** A dig line: `example.org. 300 IN TXT "v=spf1 …" "…"` (TTL and class optional). */
const DIG_LINE = /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?TXT\s+(.*)$/i;

/** The character-strings of a TXT value as dig and zone files write them ("a" "b"), or the text as it is. */
function strings(value: string): string[] {
  const v = value.trim();
  if (!v.startsWith('"')) return [v];
  return [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
}

/** The SPF and DMARC records of a paste, or [] when it holds none (then it is something else). */
function pastedRecords(text: string): Pasted[] {
  const out: Pasted[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const dig = DIG_LINE.exec(line);
    const parts = strings(dig === null ? line : (dig[2] ?? ''));
    const joined = parts.join('');
    if (!RECORD_START.test(joined)) continue;
    const value = dig === null ? line : (dig[2] ?? '');
    out.push({ name: (dig?.[1] ?? '').replace(/\.$/, '').toLowerCase(), text: joined, longString: parts.some((p) => p.length > 255), quoted: value.trim().startsWith('"') });
  }
  return out;
}

/**
 * An MTA-STS policy file (RFC 8461 §3.2), as served at https://mta-sts.<domain>/.well-known/mta-sts.txt: "key: value"
 * lines, the first "version: STSv1".
 */
function isMtaStsPolicy(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return /^version\s*:/i.test(lines[0] ?? '') && lines.length <= 40 && lines.every((l) => /^[a-z_]+\s*:/i.test(l));
}

/** Whether a paste is SPF, DMARC or DKIM records (and nothing else but dig's comments), or an MTA-STS policy file. */
export function isPolicyRecord(text: string): boolean {
  if (isMtaStsPolicy(text)) return true;
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith(';'));
  return lines.length > 0 && lines.length <= 6 && pastedRecords(text).length === lines.length;
}

/** SPF's mechanisms (RFC 7208 §5) and the two modifiers it defines (§6). */
const MECHANISM = /^([+?~-]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?::([^/]*))?(\/\d+)?(\/\/\d+)?$/i;

/** What is wrong in an SPF record's terms, as a receiver evaluates them (RFC 7208 §4.6). */
function spfSyntax(record: string): Finding[] {
  const out: Finding[] = [];
  const terms = record.trim().split(/\s+/).slice(1);
  const permerror = 'receivers stop with a permanent error (permerror), and SPF fails for every message';
  const modifiers = new Map<string, number>();
  let allAt = -1;
  terms.forEach((term, i) => {
    const shown = term;
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(term);
    if (modifier !== null) {
      const name = (modifier[1] ?? '').toLowerCase();
      modifiers.set(name, (modifiers.get(name) ?? 0) + 1);
      if (name !== 'redirect' && name !== 'exp') out.push({ tone: 'info', text: `"${shown}": a modifier SPF does not define; receivers ignore it (RFC 7208 §6)` });
      return;
    }
    const m = MECHANISM.exec(term);
    if (m === null) {
      out.push({ tone: 'bad', text: `"${shown}" is no SPF mechanism: ${permerror} (RFC 7208 §4.6.1). Mechanisms: all, include:, a, mx, ip4:, ip6:, exists: (ptr is deprecated)` });
      return;
    }
    const [, , name = '', arg, cidr] = m;
    const mech = name.toLowerCase();
    if (allAt >= 0 && i > allAt) return;
    if (mech === 'all') {
      allAt = i;
      if (i < terms.length - 1) out.push({ tone: 'warn', text: `terms after "${shown}" are never evaluated: receivers stop at all (RFC 7208 §5.1)` });
    } else if ((mech === 'ip4' || mech === 'ip6') && !validNetwork(mech, arg ?? '', cidr)) {
      out.push({ tone: 'bad', text: `"${shown}" is not an ${mech === 'ip4' ? 'IPv4' : 'IPv6'} address or network: ${permerror} (RFC 7208 §5.6)` });
    } else if ((mech === 'include' || mech === 'exists') && (arg ?? '') === '') {
      out.push({ tone: 'bad', text: `"${shown}" names no domain: ${permerror} (RFC 7208 §5.2)` });
    } else if (mech === 'ptr') {
      out.push({ tone: 'warn', text: `"${shown}": ptr is slow and unreliable, and must not be published (RFC 7208 §5.5); name the addresses (ip4:, ip6:) instead` });
    }
  });
  for (const [name, n] of modifiers) {
    if ((name === 'redirect' || name === 'exp') && n > 1) out.push({ tone: 'bad', text: `${name}= appears ${n} times: ${permerror} (RFC 7208 §6)` });
  }
  if (allAt >= 0 && modifiers.has('redirect')) out.push({ tone: 'info', text: 'redirect= is ignored: the record has "all" (RFC 7208 §6.1)' });
  return out;
}

/** An ip4:/ip6: argument: an address of that version, with a prefix length it allows. */
function validNetwork(mech: 'ip4' | 'ip6', address: string, cidr: string | undefined): boolean {
  const bits = cidr === undefined ? null : Number(cidr.slice(1));
  if (mech === 'ip4') return isIPv4Literal(address) && (bits === null || bits <= 32);
  return isIPv6Literal(address) && (bits === null || bits <= 128);
}

/** DMARC's tags (RFC 7489 §6.3). */
const DMARC_TAGS = new Set(['v', 'p', 'sp', 'rua', 'ruf', 'pct', 'adkim', 'aspf', 'fo', 'rf', 'ri', 'np', 't', 'psd']);

/** What is out of place in a DMARC record's tags (RFC 7489 §6.3, §6.4). */
function dmarcSyntax(record: string): Finding[] {
  const out: Finding[] = [];
  const tags = record.split(';').map((t) => t.trim()).filter((t) => t !== '');
  if (!/^v\s*=\s*DMARC1$/.test(tags[0] ?? '')) out.push({ tone: 'bad', text: 'it must begin with "v=DMARC1;" exactly (upper case DMARC1): receivers ignore it otherwise (RFC 7489 §6.4)' });
  for (const t of tags.slice(1)) {
    const [name = '', value = ''] = t.split('=').map((x) => x.trim());
    if (!DMARC_TAGS.has(name.toLowerCase())) out.push({ tone: 'info', text: `"${t}": a tag DMARC does not define; receivers ignore it (RFC 7489 §6.3)` });
    else if ((name === 'rua' || name === 'ruf') && !value.split(',').every((u) => /^mailto:[^@\s]+@[^@\s]+$/i.test(u.trim()))) {
      out.push({ tone: 'warn', text: `${name}=${value}: each address must be a mailto: URI (rua=mailto:dmarc@example.org); receivers send reports to none otherwise (RFC 7489 §6.2)` });
    } else if ((name === 'adkim' || name === 'aspf') && !/^[rs]$/i.test(value)) {
      out.push({ tone: 'bad', text: `${name}=${value}: r (relaxed) or s (strict) only (RFC 7489 §6.3)` });
    }
  }
  return out;
}

/** The `_mta-sts` TXT record (RFC 8461 §3.1): its id, which senders compare to fetch the policy again. */
function stsRecord(record: string): Finding[] {
  const id = tagList(record).get('id');
  if (id === undefined || !/^[A-Za-z0-9]{1,32}$/.test(id)) {
    return [{ tone: 'bad', text: `${id === undefined ? 'no id=' : `id=${id} is not 1 to 32 letters and digits`}: senders ignore the record, and so the policy (RFC 8461 §3.1)` }];
  }
  return [{ tone: 'ok', text: `id=${id}: change it whenever the policy file changes, or senders keep the copy they have (RFC 8461 §3.3)` }];
}

/** The `_smtp._tls` TXT record (RFC 8460 §3): where senders send their TLS reports. */
function tlsRptRecord(record: string): Finding[] {
  const rua = tagList(record).get('rua');
  if (rua === undefined || rua === '') return [{ tone: 'bad', text: 'no rua=: senders have nowhere to send their reports (RFC 8460 §3)' }];
  const bad = rua.split(',').map((u) => u.trim()).filter((u) => !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u));
  if (bad.length > 0) return [{ tone: 'bad', text: `rua=${rua}: each address must be mailto: or https: (rua=mailto:tls-reports@example.org); senders skip the others (RFC 8460 §3)` }];
  return [{ tone: 'ok', text: `rua=${rua}: senders send a report a day there (Paste & explain reads one)` }];
}

/**
 * The records of a paste read as receivers read them: SPF (how it ends, its lookups at its own level, its syntax) and
 * DMARC (its policy, reports, tags), DKIM (its key), or an MTA-STS policy; null unless the paste is records alone.
 */
export function readPolicyRecord(text: string): PolicyReport | null {
  // Records alone: a dialog or a log that quotes one is read as what it is.
  if (!isPolicyRecord(text)) return null;
  if (isMtaStsPolicy(text)) {
    // Read as senders read the file they fetch (mta-sts.ts); its MX hosts are not known here.
    const findings = readMtaStsPolicy('this domain', { kind: 'policy', text, cut: false, contentType: null }, null, 'pasted');
    return { head: 'the MTA-STS policy pasted, read as senders read it (nothing fetched: /mx DOMAIN checks the one published against the MX hosts):', findings, good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn') };
  }
  const pasted = pastedRecords(text);
  if (pasted.length === 0) return null;
  const findings: Finding[] = [];
  const spfs = pasted.filter((r) => /^v=spf1\b/i.test(r.text));
  const dmarcs = pasted.filter((r) => /^v=DMARC1\b/i.test(r.text));
  const dkims = pasted.filter((r) => DKIM_START.test(r.text));
  // The name dig printed, when it did (for DMARC, without its _dmarc. label).
  const domainOf = (r: Pasted | undefined): string => (r === undefined || r.name === '' ? 'this domain' : r.name.replace(/^_dmarc\./, ''));
  if (spfs.length > 0) {
    const syntax = spfs.length === 1 ? spfSyntax(spfs[0]?.text ?? '') : [];
    // A term that stops receivers with a permanent error makes how the record ends moot: its verdict is left out.
    const stops = syntax.some((f) => f.tone === 'bad');
    const read = spf(domainOf(spfs[0]), { kind: 'records', records: spfs.map((r) => r.text), count: spfs.length }, undefined);
    findings.push(...read.filter((f) => !(stops && f.tone === 'ok')), ...syntax);
  }
  if (dmarcs.length > 0) {
    const domain = domainOf(dmarcs[0]);
    for (const r of dmarcs) findings.push({ tone: 'info', text: `DMARC: ${r.text}` });
    findings.push(...dmarcRecord(domain, { kind: 'records', records: dmarcs.map((r) => r.text), count: dmarcs.length }, false), ...(dmarcs.length === 1 ? dmarcSyntax(dmarcs[0]?.text ?? '') : []));
  }
  for (const r of dkims) {
    // The selector from the name dig printed (s1._domainkey.example.org), for what an empty key revokes.
    const selector = /^([^.]+)\._domainkey\./.exec(r.name)?.[1] ?? 'its selector';
    findings.push({ tone: 'info', text: `DKIM${r.name === '' ? '' : ` at ${r.name}`}: ${shownDkim(r.text)}` }, ...dkimKeyFindings(selector, r.text));
  }
  for (const r of pasted.filter((p) => /^v=STSv1\s*;/i.test(p.text))) findings.push({ tone: 'info', text: `MTA-STS: ${r.text}` }, ...stsRecord(r.text));
  for (const r of pasted.filter((p) => /^v=TLSRPTv1\s*;/i.test(p.text))) findings.push({ tone: 'info', text: `TLS-RPT: ${r.text}` }, ...tlsRptRecord(r.text));
  for (const r of pasted.filter((p) => /^v=BIMI1\s*(;|$)/i.test(p.text))) {
    findings.push({ tone: 'info', text: `BIMI: ${r.text}` }, ...bimiRecordFindings(r.text), { tone: 'info', text: 'receivers show the logo only for mail that passes DMARC under p=quarantine or p=reject at pct=100: /mx DOMAIN reads the DMARC record with it' });
  }
  const long = pasted.filter((r) => r.longString);
  if (long.length > 0) {
    // Written as one quoted string it cannot be published; as bare text a provider's form may split it itself.
    const quoted = long.some((r) => r.quoted);
    findings.push({
      tone: quoted ? 'bad' : 'warn',
      text: `a string longer than 255 characters: DNS holds at most 255 per string; in a zone file write it as several quoted strings, "…" "…", which receivers join${quoted ? '' : " (a DNS provider's form may split it itself)"} (RFC 1035 §3.3; RFC 7208 §3.3)`,
    });
  }
  return {
    head: `${pasted.length === 1 ? 'the record' : 'the records'} pasted, read as receivers read ${pasted.length === 1 ? 'it' : 'them'} (nothing looked up: /mx DOMAIN counts an SPF record's includes once published):`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
