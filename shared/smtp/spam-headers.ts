/**
 * The spam filters' verdicts a received message carries in its header, read for the question admins are asked most:
 * why did my mail go to spam? SpamAssassin's `X-Spam-Status` (and `X-Spam-Report`, with each rule's points), rspamd's
 * `X-Spamd-Result`, and Microsoft 365's `X-Forefront-Antispam-Report` with `X-Microsoft-Antispam` (its documented
 * fields: SCL, SFV, CAT, IPV, BCL). The score and what it was judged against, then the rules that weighed, each
 * explained where heloterm knows it by name or by family (a DNS list, the Bayes filter, SPF, DKIM, DMARC, a header the
 * message lacks), with the heloterm command that looks further; rules it does not know are named, not guessed at.
 * Pure.
 */
import type { Finding, FindingTone } from './types.js';

/** Rules listed at most from one verdict (SpamAssassin may list fifty). */
const MAX_RULES = 25;

interface Rule {
  pattern: RegExp;
  tone: FindingTone;
  explain: (m: RegExpExecArray) => string;
}

/**
 * Rules by name, SpamAssassin's and rspamd's (rspamd's R_SPF_FAIL is SpamAssassin's SPF_FAIL), most by family. The
 * first that matches explains one.
 */
const RULES: readonly Rule[] = [
  // BAYES_00 is 0 to 1 %, BAYES_50 40 to 60 %, BAYES_99 99 to 100 %, BAYES_999 99.9 % and up.
  { pattern: /^BAYES_(\d{2,3})$/, tone: 'info', explain: (m) => bayes((m[1] ?? '').length === 3 ? Number(m[1]) / 10 : Number(m[1])) },
  { pattern: /^BAYES_SPAM$/, tone: 'warn', explain: () => bayes(99) },
  { pattern: /^BAYES_HAM$/, tone: 'ok', explain: () => bayes(0) },
  {
    pattern: /^(?:RCVD_IN_DNSWL_\w+|RCVD_IN_MSPIKE_(?:H\d|WL)|RCVD_IN_IADB_\w+|RWL_\w+|DNSWL_\w+)$/,
    tone: 'ok',
    explain: () => 'the sending server is on an allowlist (good reputation): points in its favour',
  },
  {
    pattern: /^(?:URIBL|RCVD_IN_VALIDITY|DBL|SURBL)\w*_BLOCKED\w*$|^RCVD_IN_ZEN_BLOCKED\w*$|^RBL_\w+_BLOCKED$/,
    tone: 'info',
    explain: () => "the list refused the receiver's query (a public or busy resolver): no verdict, and a receiver that should use a resolver of its own",
  },
  {
    pattern: /^(?:RCVD_IN_|RBL_|RECEIVED_SPAMHAUS_|RECEIVED_)(\w+)$/,
    tone: 'warn',
    explain: (m) => `an address in the message's Received path, most often the sending server's, is on a DNS blocklist (${m[1]}): /dnsbl with the address asks the common ones, and the list's site says how to be delisted`,
  },
  {
    pattern: /^(?:URIBL_|SURBL_|URI_DBL|DBL_|URIBL)(\w*)$/,
    tone: 'warn',
    explain: () => 'a domain in a link of the message is on a domain blocklist: /dnsbl with the domain asks Spamhaus DBL, SURBL and URIBL',
  },
  { pattern: /^(?:R_)?SPF_(?:PASS|ALLOW|HELO_PASS)$/, tone: 'ok', explain: () => "SPF passed: the sending server is allowed by the envelope domain's record" },
  {
    pattern: /^(?:R_)?SPF_(?:HELO_)?(FAIL|SOFTFAIL)$/,
    tone: 'warn',
    explain: (m) => `SPF ${m[1]?.toLowerCase()}: the sending server is not in the envelope domain's SPF record; /spf with its address and the domain says what to add`,
  },
  {
    pattern: /^(?:R_)?SPF_(?:HELO_)?(NONE|NA|NEUTRAL|PERMERROR|TEMPERROR|DNSFAIL)$/,
    tone: 'warn',
    explain: (m) => `SPF ${m[1]?.toLowerCase()}: no usable SPF verdict (no record, a broken one, or DNS failing); /mx with the domain reads its record`,
  },
  { pattern: /^(?:R_)?DKIM_(?:VALID|ALLOW)(?:_AU|_EF)?$/, tone: 'ok', explain: (m) => `a DKIM signature verified${/_AU$/.test(m[0]) ? ", from the From: domain's own (aligned)" : ''}` },
  { pattern: /^DKIM_SIGNED$/, tone: 'info', explain: () => 'the message carries a DKIM signature (whether it verified is another rule)' },
  {
    pattern: /^(?:R_)?DKIM_(?:INVALID|REJECT|PERMFAIL|TEMPFAIL)$/,
    tone: 'warn',
    explain: () => 'a DKIM signature did not verify: the message was changed on the way (a footer, a mailing list), or the key published is not the one that signed; paste the header fields here for the signature, /dkim for the key',
  },
  { pattern: /^(?:R_)?DKIM_NA$/, tone: 'info', explain: () => 'the message is not signed with DKIM' },
  { pattern: /^DMARC_(?:PASS|POLICY_ALLOW)$/, tone: 'ok', explain: () => 'DMARC passed: SPF or DKIM passed for the From: domain' },
  {
    pattern: /^DMARC_(?:REJECT|QUAR\w*|POLICY_REJECT|POLICY_QUARANTINE|POLICY_SOFTFAIL|NONE)$/,
    tone: 'warn',
    explain: () => "DMARC failed: neither SPF nor DKIM passed for the From: domain, and its policy was applied; /mx with the domain reads its DMARC and SPF records",
  },
  { pattern: /^DMARC_(?:MISSING|NA)$/, tone: 'info', explain: () => 'the From: domain publishes no DMARC record' },
  {
    pattern: /^(?:RDNS_NONE|HFILTER_HOSTNAME_UNKNOWN)$/,
    tone: 'warn',
    explain: () => "the sending server's address has no reverse DNS name (PTR): its owner (the provider) sets one; /rdns with the address checks it",
  },
  { pattern: /^RDNS_DYNAMIC$/, tone: 'warn', explain: () => "the sending server's reverse name looks like a home or dynamic address: mail should leave through a server with a name of its own" },
  {
    pattern: /^MISSING_(DATE|MID|FROM|SUBJECT|HEADERS|TO)$/,
    tone: 'warn',
    explain: (m) => `the message has no ${({ DATE: 'Date:', MID: 'Message-ID:', FROM: 'From:', SUBJECT: 'Subject:', HEADERS: 'To: or Cc:', TO: 'To:' } as Record<string, string>)[m[1] ?? ''] ?? m[1]} header field: the sending program should add it (RFC 5322 §3.6)`,
  },
  { pattern: /^(?:MIME_HTML_ONLY|HTML_MIME_NO_HTML_TAG)$/, tone: 'warn', explain: () => 'HTML without a plain-text part: spam often is; send multipart/alternative with a text part' },
  { pattern: /^HTML_MESSAGE$/, tone: 'info', explain: () => 'the message has HTML (counts for little alone)' },
  { pattern: /^(?:PYZOR_CHECK|RAZOR2_CHECK|RAZOR2_CF_RANGE\w*|DCC_CHECK|DCC_REPUT\w*)$/, tone: 'warn', explain: () => 'the message matches fingerprints of spam reported by other receivers (a collaborative filter): its content, or a bulk mail many reported' },
  { pattern: /^FREEMAIL_FROM$/, tone: 'info', explain: () => 'From: is a free mail address (Gmail, Outlook.com…): counts for little alone' },
  { pattern: /^(?:FREEMAIL_FORGED_REPLYTO|FREEMAIL_REPLYTO_END_DIGIT|FORGED_SENDER|FORGED_\w+)$/, tone: 'warn', explain: () => 'the sender looks forged: a Reply-To or From that does not fit the rest of the message' },
  { pattern: /^ALL_TRUSTED$/, tone: 'ok', explain: () => 'every hop of the message is one the receiver trusts (sent from inside)' },
  { pattern: /^(?:SUBJ_ALL_CAPS|SUBJECT_ALL_CAPS)$/, tone: 'info', explain: () => 'the subject is in capitals' },
  { pattern: /^EMPTY_MESSAGE$/, tone: 'warn', explain: () => 'the message has no text' },
];

/** What a Bayes probability means: the receiver's filter, trained on its users' mail, on the words of the message. */
function bayes(percent: number): string {
  const of = percent >= 50 ? `spammy (a spam probability of about ${percent}%)` : `legitimate (a spam probability of about ${percent}%)`;
  return `the receiver's Bayes filter, trained on its own users' mail, finds the words ${of}: the content, not the setup`;
}

function ruleFinding(name: string, points: number | null): Finding | null {
  for (const r of RULES) {
    const m = r.pattern.exec(name);
    if (m === null) continue;
    let tone = r.tone;
    // A rule's points decide its weight: one that counted against the message is at least a warning.
    if (points !== null && points <= 0 && tone === 'warn') tone = 'info';
    if (/^BAYES_\d/.test(name)) {
      const n = Number(/\d+/.exec(name)?.[0] ?? 0);
      tone = n >= 80 ? 'warn' : n <= 20 ? 'ok' : 'info';
    }
    return { tone, text: `${name}${points === null ? '' : ` (${points > 0 ? '+' : ''}${points})`}: ${r.explain(m)}` };
  }
  return null;
}

/** The rules of a verdict (name and points, when the header gives them): known ones explained, the rest named. */
function ruleFindings(rules: readonly { name: string; points: number | null }[], filter: string): Finding[] {
  const out: Finding[] = [];
  const unknown: string[] = [];
  // Heaviest first, where points are given.
  const sorted = [...rules].sort((a, b) => (b.points ?? 0) - (a.points ?? 0));
  for (const r of sorted.slice(0, MAX_RULES)) {
    const f = ruleFinding(r.name, r.points);
    if (f !== null) out.push(f);
    else unknown.push(r.points === null ? r.name : `${r.name} (${r.points > 0 ? '+' : ''}${r.points})`);
  }
  if (unknown.length > 0) out.push({ tone: 'info', text: `other ${filter} rules, not explained here (the filter's documentation has them): ${unknown.join(', ')}` });
  if (rules.length > MAX_RULES) out.push({ tone: 'info', text: `and ${rules.length - MAX_RULES} more rules` });
  return out;
}

/** SpamAssassin's X-Spam-Status ("Yes, score=7.2 required=5.0 tests=A,B,C autolearn=no …"), with X-Spam-Report's points. */
function spamAssassin(status: string, report: string | undefined): Finding[] {
  const verdict = /^\s*(Yes|No)\b/i.exec(status)?.[1];
  const score = /\b(?:score|hits)=(-?[\d.]+)/.exec(status)?.[1];
  const required = /\brequired=(-?[\d.]+)/.exec(status)?.[1];
  const tests = /\btests=([A-Z0-9_,\s]*?)(?:\s+\w+=|$)/.exec(status)?.[1] ?? '';
  // X-Spam-Report: " 3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%" a rule, points first.
  const points = new Map<string, number>([...(report ?? '').matchAll(/(?:^|\s)(-?\d+(?:\.\d+)?)\s+([A-Z][A-Z0-9_]{2,})\b/g)].map((m) => [m[2] ?? '', Number(m[1])]));
  const names = [...new Set([...tests.split(/[,\s]+/).filter((t) => /^[A-Z][A-Z0-9_]+$/.test(t)), ...points.keys()])];
  const spam = verdict?.toLowerCase() === 'yes';
  const head: Finding = {
    tone: spam ? 'bad' : 'ok',
    text: `SpamAssassin: ${spam ? 'spam' : 'not spam'}${score === undefined ? '' : `, score ${score}`}${required === undefined ? '' : ` (spam from ${required})`}${spam ? ': the receiver files it as junk, or refuses it' : ''}`,
  };
  return [head, ...ruleFindings(names.map((name) => ({ name, points: points.get(name) ?? null })), 'SpamAssassin')];
}

/** rspamd's X-Spamd-Result ("default: False [3.40 / 15.00]; R_SPF_FAIL(1.00)[-all]; …"). */
function rspamd(result: string): Finding[] {
  const m = /^\s*\w+:\s*(True|False)\s*\[\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)\s*\]/i.exec(result);
  const spam = m?.[1]?.toLowerCase() === 'true';
  const symbols = [...result.matchAll(/;\s*([A-Z][A-Z0-9_]+)\((-?[\d.]+)\)/g)].map((s) => ({ name: s[1] ?? '', points: Number(s[2]) }));
  const head: Finding = {
    tone: spam ? 'bad' : 'ok',
    text: `rspamd: ${spam ? 'spam' : 'not spam'}${m === null ? '' : `, score ${m[2]} of ${m[3]} (its reject threshold)`}`,
  };
  // Symbols of no weight (most of them: ARC_NA, RCVD_COUNT_TWO…) say little: those that counted.
  return [head, ...ruleFindings(symbols.filter((s) => s.points !== 0), 'rspamd')];
}

/** Microsoft 365's fields ("CIP:203.0.113.5;CTRY:US;SCL:5;SFV:SPM;CAT:SPM;…"), by Microsoft's anti-spam header docs. */
const SCL = (n: number): [FindingTone, string] =>
  n < 0
    ? ['ok', 'SCL -1: filtering skipped (an allow rule, a safe sender, or mail from inside)']
    : n <= 1
      ? ['ok', `SCL ${n}: not spam: delivered to the inbox`]
      : n <= 4
        ? ['info', `SCL ${n}: not marked (rarely used by Microsoft)`]
        : n <= 6
          ? ['bad', `SCL ${n}: spam: to the Junk Email folder (or quarantine, as the policy says)`]
          : ['bad', `SCL ${n}: high confidence spam`];
const SFV: Readonly<Record<string, [FindingTone, string]>> = {
  NSPM: ['ok', 'SFV:NSPM: the filter found it not spam'],
  SPM: ['bad', 'SFV:SPM: the filter found it spam'],
  SKS: ['bad', 'SFV:SKS: marked as spam by a mail flow rule, before filtering'],
  SKA: ['ok', "SFV:SKA: filtering skipped: the sender is on the policy's allowed senders or domains"],
  SKB: ['bad', "SFV:SKB: marked spam: the sender is on the policy's blocked senders or domains"],
  SKN: ['ok', 'SFV:SKN: marked not spam before filtering (a mail flow rule)'],
  SKI: ['info', 'SFV:SKI: filtering skipped (an intra-organization message)'],
  SKQ: ['info', 'SFV:SKQ: released from quarantine'],
  SFE: ['ok', "SFV:SFE: filtering skipped: the sender is on the recipient's Safe Senders list"],
  BLK: ['bad', "SFV:BLK: blocked: the sender is on the recipient's Blocked Senders list"],
};
const CAT: Readonly<Record<string, string>> = {
  NONE: 'no category: nothing found',
  SPM: 'spam',
  HSPM: 'high confidence spam',
  PHSH: 'phishing',
  HPHSH: 'high confidence phishing',
  BULK: 'bulk mail (newsletters, marketing: see BCL)',
  MALW: 'malware',
  SPOOF: 'spoofing: the From: domain failed authentication (SPF, DKIM, DMARC, or composite authentication)',
  DIMP: 'domain impersonation',
  UIMP: 'user impersonation',
  GIMP: 'mailbox intelligence impersonation',
  OSPM: 'outbound spam',
  AMP: 'anti-malware',
  SAP: 'safe attachments',
  FTBP: 'an attachment type the filter blocks',
  INTOS: 'intra-organization spam',
};

function microsoft(report: string, antispam: string | undefined): Finding[] {
  const fields = new Map([...report.split(';'), ...(antispam ?? '').split(';')].map((f) => f.trim()).filter((f) => f.includes(':')).map((f) => [f.slice(0, f.indexOf(':')).toUpperCase(), f.slice(f.indexOf(':') + 1).trim()]));
  const out: Finding[] = [];
  const scl = fields.get('SCL');
  if (scl !== undefined && /^-?\d$/.test(scl)) {
    const [tone, text] = SCL(Number(scl));
    out.push({ tone, text: `Microsoft 365: ${text}` });
  }
  const sfv = fields.get('SFV');
  if (sfv !== undefined) {
    const [tone, text] = SFV[sfv.toUpperCase()] ?? ['info', `SFV:${sfv}: a verdict not explained here`];
    out.push({ tone, text });
  }
  const cat = fields.get('CAT');
  if (cat !== undefined && cat.toUpperCase() !== 'NONE') {
    out.push({ tone: 'bad', text: `CAT:${cat}: the protection that acted: ${CAT[cat.toUpperCase()] ?? 'a category not explained here'}` });
  }
  const bcl = fields.get('BCL');
  if (bcl !== undefined && /^\d$/.test(bcl) && Number(bcl) >= 4) {
    out.push({ tone: 'warn', text: `BCL:${bcl}: a bulk sender with ${Number(bcl) >= 8 ? 'many' : 'some'} complaints (0 to 9; the default policy marks spam from 7): its list's opt-in and unsubscribing are what counts` });
  }
  const ipv = fields.get('IPV');
  if (ipv?.toUpperCase() === 'CAL') out.push({ tone: 'info', text: 'IPV:CAL: the sending address is on the connection filter\'s allow list' });
  const ip = fields.get('CIP');
  const ptr = fields.get('PTR');
  if (ip !== undefined && ip !== '') {
    out.push({
      tone: ptr === undefined || ptr === '' ? 'warn' : 'info',
      text: `sent from ${ip}${fields.get('CTRY') === undefined ? '' : ` (${fields.get('CTRY')})`}${ptr === undefined || ptr === '' ? ', which has no reverse DNS name (/rdns checks it)' : `, reverse name ${ptr}`}${fields.get('H') === undefined ? '' : `, which said HELO ${fields.get('H')}`}`,
    });
  }
  return out;
}

/** Whether header fields carry a spam filter's verdict heloterm reads. */
export function hasSpamVerdict(text: string): boolean {
  return /^(?:X-Spam-Status|X-Spamd-Result|X-Forefront-Antispam-Report):/im.test(text);
}

/** The spam filters' verdicts in a message's header fields ([lower-case name, unfolded value]); none: empty. */
export function readSpamVerdicts(fields: readonly (readonly [string, string])[]): Finding[] {
  const get = (name: string): string | undefined => fields.find(([n]) => n === name)?.[1];
  const out: Finding[] = [];
  const status = get('x-spam-status');
  if (status !== undefined) out.push(...spamAssassin(status, get('x-spam-report')));
  const spamd = get('x-spamd-result');
  if (spamd !== undefined) out.push(...rspamd(spamd));
  const forefront = get('x-forefront-antispam-report');
  if (forefront !== undefined) out.push(...microsoft(forefront, get('x-microsoft-antispam')));
  return out;
}
