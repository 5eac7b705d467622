/**
 * A received message's header fields, read for what admins look for when mail went to spam or was late: what the
 * receiving server found of SPF, DKIM and DMARC (Authentication-Results, RFC 8601), and the path the message took
 * with the time between hops (Received, RFC 5321 §4.4, newest first), the spam filters' verdicts (spam-headers.ts:
 * SpamAssassin, rspamd, Microsoft 365), and the mailbox providers' rules for senders as the message met them
 * (sender-rules.ts). The result of the checks heloterm's `/spf`,
 * `/dkim` and `/mx` make, as the receiver recorded them. Pure.
 */
import { reviewSignature } from './dkim-signature.js';
import { splitMessage } from './dkim-verify.js';
import { authResults, uncommented, type AuthResult } from './header-fields.js';
import { senderRules } from './sender-rules.js';
import { hasSpamVerdict, readSpamVerdicts } from './spam-headers.js';
import type { Finding } from './types.js';

/** Hops read from one text at most (a message has a handful; a pasted mailbox could have thousands). */
const MAX_HOPS = 30;
/** Authentication results read at most. */
const MAX_RESULTS = 20;
/** DKIM-Signature fields read at most (a message has one to three). */
const MAX_SIGNATURES = 5;
/** A wait between two hops worth pointing out, in seconds. */
const SLOW_HOP_S = 60;

export interface HeadersReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** Whether a text is a message's header fields: an Authentication-Results or a DKIM-Signature field, or two Received fields. */
export function isHeaders(text: string): boolean {
  return /^(ARC-)?Authentication-Results:|^Received-SPF:|^DKIM-Signature:/im.test(text) || hasSpamVerdict(text) || (text.match(/^Received:/gim)?.length ?? 0) >= 2;
}

/** The lines of a text that are header fields, unfolded (RFC 5322 §2.2.3), as [name, value] in order. */
function fields(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1];
      if (last !== undefined) last[1] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m !== null) out.push([(m[1] ?? '').toLowerCase(), m[2] ?? '']);
  }
  return out;
}

/** What each result of each method means to the mail (RFC 8601 §2.7). */
const MEANING: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  spf: {
    pass: 'the sending server is allowed by the MAIL FROM domain\'s SPF record',
    fail: 'the sending server is not allowed by the MAIL FROM domain\'s SPF record (-all)',
    softfail: 'the sending server is not allowed, softly (~all): often a reason for the spam folder',
    neutral: 'the SPF record says nothing about this server (?all)',
    none: 'the MAIL FROM domain publishes no SPF record',
    temperror: 'a DNS lookup failed while checking SPF',
    permerror: 'the SPF record is broken (two records, too many lookups, a bad term)',
  },
  dkim: {
    pass: 'a DKIM signature verified',
    fail: 'a DKIM signature did not verify: the message was changed on the way, or the key does not match',
    neutral: 'a DKIM signature could not be judged',
    none: 'the message was not signed',
    policy: 'a signature verified but the receiver does not accept it (a weak key or algorithm)',
    temperror: 'the key could not be looked up for now',
    permerror: 'a signature is broken, or its key is missing or revoked',
  },
  dmarc: {
    pass: 'SPF or DKIM passed for the From: domain (aligned)',
    fail: 'neither SPF nor DKIM passed for the From: domain: its DMARC policy decides (none, quarantine, reject)',
    none: 'the From: domain publishes no DMARC record',
    bestguesspass: 'the From: domain publishes no DMARC record; one would have passed (Microsoft 365\'s best guess)',
    temperror: 'the DMARC record could not be looked up for now',
    permerror: 'the DMARC record is broken',
  },
};

const GOOD = new Set(['pass']);
const BAD = new Set(['fail', 'softfail', 'permerror', 'policy']);

/**
 * The results of one Authentication-Results field, each with what it means; an ARC-Authentication-Results field
 * (RFC 8617 §4.1.1) was recorded by a hop before the last.
 */
function results(field: ReturnType<typeof authResults>, findings: Finding[]): void {
  const { server: by, instance, results: all } = field;
  const server = `${by}${instance === undefined ? '' : ` (ARC, hop ${instance})`}`;
  for (const { method, result, props } of all) {
    const meaning = MEANING[method]?.[result] ?? `${result}`;
    const about = [...props].map(([k, v]) => `${k}=${v}`).join(' ');
    const tone = GOOD.has(result) ? 'ok' : BAD.has(result) ? 'bad' : method in MEANING ? 'warn' : 'info';
    findings.push({ tone, text: `${server}: ${method}=${result}${about === '' ? '' : ` (${about})`}: ${meaning}${hintFor(method, result, props)}` });
    if (findings.length >= MAX_RESULTS) return;
  }
}

/** The heloterm command that looks further, where the result says what to look at. */
function hintFor(method: string, result: string, props: ReadonlyMap<string, string>): string {
  if (GOOD.has(result)) return '';
  const d = props.get('header.d') ?? props.get('header.i')?.replace(/^.*@/, '');
  const s = props.get('header.s');
  if (method === 'dkim' && d !== undefined && s !== undefined) return `. /dkim ${s} ${d} shows the key`;
  const from = props.get('smtp.mailfrom')?.replace(/^.*@/, '') ?? props.get('header.from');
  if ((method === 'spf' || method === 'dmarc') && from !== undefined) return `. /mx ${from} shows its SPF and DMARC records`;
  return '';
}

/**
 * A Received-SPF field (RFC 7208 §9.1): "result (comment) client-ip=…; envelope-from=…", with the `/spf` command
 * that checks the same address and domain again.
 */
function receivedSpf(value: string, findings: Finding[]): void {
  const result = /^\s*([a-z]+)/i.exec(value)?.[1]?.toLowerCase() ?? '';
  const kv = new Map([...uncommented(value).matchAll(/([a-z-]{1,64})\s*=\s*([^;\s]+)/gi)].map((m) => [(m[1] ?? '').toLowerCase(), m[2] ?? '']));
  const ip = kv.get('client-ip');
  const domain = (kv.get('envelope-from') ?? kv.get('helo') ?? '').replace(/^.*@/, '').replace(/^<|>$/g, '');
  const meaning = MEANING.spf?.[result] ?? result;
  const again = ip !== undefined && domain !== '' && !GOOD.has(result) ? `. /spf ${ip} ${domain} checks it again` : '';
  const tone = GOOD.has(result) ? 'ok' : BAD.has(result) ? 'bad' : 'warn';
  findings.push({ tone, text: `Received-SPF: ${result}${ip === undefined ? '' : ` for ${ip}`}${domain === '' ? '' : ` sending for ${domain}`}: ${meaning}${again}` });
}

/** One Received field: who handed it to whom, and when (the date after its last ";"). */
function hop(value: string): { from: string; by: string; at: number | null } {
  const v = uncommented(value);
  const from = /\bfrom\s+([^\s;]+)/i.exec(v)?.[1] ?? '?';
  const by = /\bby\s+([^\s;]+)/i.exec(v)?.[1] ?? '?';
  const date = value.slice(value.lastIndexOf(';') + 1).trim();
  // A comment after the date ("(UTC)"): found from its last "(", as a regex searching from every "(" is quadratic.
  const open = date.lastIndexOf('(');
  const at = Date.parse(open >= 0 && /^\([^()]*\)$/.test(date.slice(open)) ? date.slice(0, open) : date);
  return { from, by, at: Number.isNaN(at) ? null : at };
}

function seconds(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}

/** The findings of a message's header fields. */
export function readHeaders(text: string): HeadersReport {
  // A whole message (header fields, an empty line, a body): its header fields only, not lines of its body that look
  // like fields (a forwarded message's From:). Otherwise every line that is a field, wherever it is in the paste.
  const whole = splitMessage(text);
  const all = fields(whole === null ? text : whole.fields.join('\n'));
  const findings: Finding[] = [];
  // The receiver's own results: the topmost Authentication-Results field (each field read once).
  let receiver: AuthResult[] | null = null;
  for (const [name, value] of all) {
    if (name === 'authentication-results' || name === 'arc-authentication-results') {
      const field = authResults(value);
      if (name === 'authentication-results') receiver ??= field.results;
      results(field, findings);
    } else if (name === 'received-spf') receivedSpf(value, findings);
  }
  if (findings.length === 0) findings.push({ tone: 'info', text: 'no Authentication-Results field: the receiving server recorded no SPF, DKIM or DMARC result' });
  // The spam filters' verdicts first: what decided where the message went (spam-headers.ts).
  const verdicts = readSpamVerdicts(all);
  findings.unshift(...verdicts);
  // The message's own DKIM signatures, read for what weakens them (verified too when the body came with them).
  const fromField = all.find(([name]) => name === 'from')?.[1];
  const fromDomain = fromField === undefined ? null : (/@([A-Za-z0-9.-]+)>?\s*$/.exec(uncommented(fromField).trim())?.[1] ?? null);
  for (const [, value] of all.filter(([name]) => name === 'dkim-signature').slice(0, MAX_SIGNATURES)) findings.push(...reviewSignature(value, fromDomain, whole !== null));
  // Received fields are added on top: the oldest hop is the last one.
  const hops = all.filter(([name]) => name === 'received').slice(0, MAX_HOPS).map(([, v]) => hop(v)).reverse();
  hops.forEach((h, i) => {
    const before = hops[i - 1];
    const wait = before?.at != null && h.at !== null ? (h.at - before.at) / 1000 : null;
    const took = wait === null ? '' : wait < 0 ? ` (${seconds(-wait)} before the hop before it: a clock is wrong)` : ` (+${seconds(wait)})`;
    const tone = wait !== null && wait >= SLOW_HOP_S ? 'warn' : 'info';
    findings.push({ tone, text: `hop ${i + 1}: from ${h.from} by ${h.by}${took}${tone === 'warn' ? ': held here, queued or greylisted' : ''}` });
  });
  const first = hops[0]?.at;
  const last = hops.at(-1)?.at;
  if (first != null && last != null && hops.length > 1 && last >= first) findings.push({ tone: 'info', text: `${hops.length} hops in ${seconds((last - first) / 1000)}` });
  // Last, the mailbox providers' rules for senders, as this message met them (sender-rules.ts).
  const rules = senderRules(all, fromDomain, receiver ?? []);
  findings.push(...rules);
  return {
    head: `the message's header fields: ${verdicts.length > 0 ? 'the spam filter\'s verdict, ' : ''}what the receiver found (Authentication-Results, RFC 8601), its DKIM signatures and the path it took (Received)${rules.length > 0 ? ', then the rules Gmail, Yahoo and Outlook.com set senders' : ''}:`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
