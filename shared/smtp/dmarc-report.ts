/**
 * A DMARC aggregate report (RFC 7489 §7.2, Appendix C), pasted into Paste & explain: the XML that receivers such as
 * Google and Microsoft send each day to a domain's rua= address, unzipped. What admins ask of it is who sends as their
 * domain and whether those messages pass: each source address with its count, whether DKIM and SPF passed *aligned*
 * with the From: domain (the policy_evaluated verdict DMARC uses), what the raw results were (a DKIM pass for a
 * service's own domain is not aligned: the most common surprise), and what the receiver did. Read by a few bounded
 * patterns over the report's fixed elements, not a general XML parser; text shown as found. Pure.
 */
import type { Finding } from './types.js';

/** Sources shown at most; the rest are counted. */
export const MAX_REPORT_SOURCES = 40;
/** The longest report read, in characters (a large provider's daily report is well under a megabyte). */
const MAX_REPORT_CHARS = 2_000_000;

export interface DmarcReportView {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** Whether a paste is a DMARC aggregate report. */
export function isDmarcReport(text: string): boolean {
  return text.length <= MAX_REPORT_CHARS && /<feedback[\s>]/.test(text) && /<record>/.test(text);
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element in `xml` (entities decoded, trimmed), or ''. */
function field(xml: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return (m?.[1] ?? '').replace(/&(amp|lt|gt|quot|apos);/g, (_e, n: string) => ENTITIES[n] ?? '').trim();
}

/** Every `<name>…</name>` block of `xml`, in order; an element left open ends the list (linear: no backtracking). */
function blocks(xml: string, name: string): string[] {
  const open = `<${name}>`;
  const close = `</${name}>`;
  const out: string[] = [];
  for (let at = xml.indexOf(open); at !== -1; ) {
    const end = xml.indexOf(close, at + open.length);
    if (end === -1) break;
    out.push(xml.slice(at + open.length, end));
    at = xml.indexOf(open, end + close.length);
  }
  return out;
}

/** A report's date range (Unix seconds) as UTC days. */
function day(seconds: string): string {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString().slice(0, 10) : '?';
}

/** One source's messages as the report counts them. */
interface Row {
  ip: string;
  count: number;
  disposition: string;
  dkim: string;
  spf: string;
  headerFrom: string;
  /** The raw results: "d=example.net s=s1 pass", "mailer.example.net pass". */
  dkimResults: string[];
  spfResults: string[];
}

function rowOf(record: string): Row {
  const row = blocks(record, 'row')[0] ?? '';
  const evaluated = blocks(row, 'policy_evaluated')[0] ?? '';
  const auth = blocks(record, 'auth_results')[0] ?? '';
  const count = Number(field(row, 'count'));
  return {
    ip: field(row, 'source_ip') || '?',
    count: Number.isSafeInteger(count) && count >= 0 ? count : 0,
    disposition: field(evaluated, 'disposition') || '?',
    dkim: field(evaluated, 'dkim') || '?',
    spf: field(evaluated, 'spf') || '?',
    headerFrom: field(blocks(record, 'identifiers')[0] ?? '', 'header_from'),
    dkimResults: blocks(auth, 'dkim').map((d) => `d=${field(d, 'domain') || '?'}${field(d, 'selector') === '' ? '' : ` s=${field(d, 'selector')}`} ${field(d, 'result') || '?'}`),
    spfResults: blocks(auth, 'spf').map((s) => `${field(s, 'domain') || '?'} ${field(s, 'result') || '?'}`),
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What one source's messages show. */
function sourceFinding(r: Row): Finding {
  const passed = r.dkim === 'pass' || r.spf === 'pass';
  const raw = [...r.dkimResults.map((d) => `DKIM ${d}`), ...r.spfResults.map((s) => `SPF ${s}`)].join(', ');
  // A raw pass that the verdict does not count: the signing or envelope domain is not the From: domain's.
  const unaligned = (r.dkim !== 'pass' && r.dkimResults.some((d) => d.endsWith(' pass'))) || (r.spf !== 'pass' && r.spfResults.some((s) => s.endsWith(' pass')));
  const what = `${r.ip}: ${plural(r.count, 'message')}${r.headerFrom === '' ? '' : ` from ${r.headerFrom}`}, DKIM ${r.dkim} and SPF ${r.spf} aligned → DMARC ${passed ? 'pass' : 'fail'}, ${r.disposition === 'none' ? 'delivered (none)' : r.disposition}${raw === '' ? '' : ` (${raw})`}`;
  if (passed) return { tone: 'ok', text: what };
  const why = unaligned
    ? ': a pass for another domain than From:, not aligned. If this is a service sending for you, have it sign with your domain (d=) or use a bounce domain under yours'
    : ': if this is not you, someone sends as your domain; if it is (a service, a forgotten server), add it to SPF or have it sign with DKIM. /rdns and /dnsbl with the address tell who it is';
  return { tone: r.disposition === 'none' ? 'warn' : 'bad', text: what + why };
}

/** The report read: who it is from and for, each source, and what to look at. */
export function readDmarcReport(text: string): DmarcReportView | null {
  if (!isDmarcReport(text)) return null;
  const meta = blocks(text, 'report_metadata')[0] ?? '';
  const published = blocks(text, 'policy_published')[0] ?? '';
  const org = field(meta, 'org_name') || 'a receiver';
  const domain = field(published, 'domain') || '?';
  const range = blocks(meta, 'date_range')[0] ?? '';
  const policy = field(published, 'p');
  const rows = blocks(text, 'record').map(rowOf);
  const total = rows.reduce((n, r) => n + r.count, 0);
  const passing = rows.filter((r) => r.dkim === 'pass' || r.spf === 'pass').reduce((n, r) => n + r.count, 0);
  // Failing sources first, the busiest first: what to look at.
  const sorted = [...rows].sort((a, b) => Number(a.dkim === 'pass' || a.spf === 'pass') - Number(b.dkim === 'pass' || b.spf === 'pass') || b.count - a.count);
  const findings: Finding[] = [
    {
      tone: total === passing ? 'ok' : 'info',
      text: `${plural(total, 'message')} from ${plural(rows.length, 'source address', 'source addresses')}: ${passing} passed DMARC (DKIM or SPF aligned with ${domain}), ${total - passing} failed`,
    },
    ...sorted.slice(0, MAX_REPORT_SOURCES).map(sourceFinding),
  ];
  if (sorted.length > MAX_REPORT_SOURCES) findings.push({ tone: 'info', text: `and ${sorted.length - MAX_REPORT_SOURCES} more source addresses` });
  if (policy === 'none' && passing < total) {
    findings.push({ tone: 'info', text: 'p=none: the failing messages were delivered anyway; once every source of yours passes, p=quarantine and then p=reject stop the others (RFC 7489 §6.3)' });
  }
  return {
    head: `DMARC aggregate report from ${org} for ${domain}, ${day(field(range, 'begin'))} to ${day(field(range, 'end'))}${policy === '' ? '' : `, policy p=${policy}`} (RFC 7489 §7.2):`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
