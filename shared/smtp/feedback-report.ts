/**
 * A feedback report pasted (ARF, RFC 5965): what a mailbox provider's feedback loop sends when one of its users marks
 * a message as spam (Yahoo's, Microsoft's JMRP, Comcast's…), and what a receiver sends to a DMARC record's ruf=
 * address when a message fails authentication (RFC 6591, RFC 7489 §7.3). It is a multipart/report like a bounce,
 * its second part a block of fields (`Feedback-Type: abuse`, `Source-IP:`, `Original-Mail-From:`, `Auth-Failure:
 * dmarc`…), its third the message reported or its header fields. Read for what an admin asks of it: what was
 * reported, about which message, sent from where, and what to do. Bounded, linear scans; text shown as found. Pure.
 */
import { headerBlock, values, type HeaderBlock } from './header-fields.js';
import type { Finding } from './types.js';

/** The longest report read, in characters (the message reported is attached whole). */
const MAX_REPORT_CHARS = 2_000_000;
/** A field's value shown at most, in characters. */
const MAX_VALUE_CHARS = 300;

export interface FeedbackReportView {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** The report's Feedback-Type field: a line of its own, its value a token (RFC 5965 §3.1). */
const FEEDBACK_TYPE = /^Feedback-Type:[ \t]*([A-Za-z0-9-]+)[ \t]*$/i;

/** The report's lines and its block of fields (the one with Feedback-Type, whichever its place), or null. */
function feedbackFields(text: string): { lines: string[]; at: number; block: HeaderBlock; type: string } | null {
  if (text.length > MAX_REPORT_CHARS || !/^Feedback-Type:/im.test(text)) return null;
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => FEEDBACK_TYPE.test(l));
  if (at < 0) return null;
  let start = at;
  while (start > 0 && lines[start - 1] !== '') start--;
  const block = headerBlock(lines, start);
  if (values(block, 'version').length === 0 && values(block, 'user-agent').length === 0) return null;
  return { lines, at, block, type: FEEDBACK_TYPE.exec(lines[at]!)![1]!.toLowerCase() };
}

/** Whether a paste is a feedback report: a Feedback-Type field with ARF's Version or User-Agent beside it. */
export function isFeedbackReport(text: string): boolean {
  return feedbackFields(text) !== null;
}

/** The fields of the message reported (the report's third part, message/rfc822 or text/rfc822-headers), if pasted. */
function reportedMessage(lines: readonly string[], from: number): HeaderBlock | null {
  const part = lines.findIndex((l, i) => i >= from && /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)\b/i.test(l));
  if (part < 0) return null;
  // After the part's own header fields (ended by an empty line), the message's.
  let at = headerBlock(lines, part).next;
  while (at < lines.length && lines[at] === '') at++;
  return headerBlock(lines, at);
}

const clip = (s: string): string => (s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s);

/** What each registered feedback type means, and what to do (RFC 5965 §7.3, RFC 6591 §3.1, RFC 6430 §3). */
const TYPES: Readonly<Record<string, { tone: Finding['tone']; text: string }>> = {
  abuse: {
    tone: 'bad',
    text: 'abuse: a recipient marked the message as spam. Take that recipient off your lists now (a feedback loop sends these so that you do), then look at what they were sent and why they did not want it; keep complaints well under 0.3 % of what you send, the line Gmail and Yahoo set for bulk senders in 2024 (RFC 5965 §7.3, RFC 6449)',
  },
  fraud: {
    tone: 'bad',
    text: 'fraud: the message was reported as fraud or phishing. If you did not send it, someone sends in your name: a DMARC policy of p=reject makes receivers refuse such mail (RFC 5965 §7.3)',
  },
  virus: { tone: 'bad', text: 'virus: a virus was found in the message. Check the host that sent it (Source-IP) for malware (RFC 5965 §7.3)' },
  other: { tone: 'warn', text: "other: feedback of another kind; the report's first, human-readable part says what (RFC 5965 §7.3)" },
  'not-spam': { tone: 'ok', text: 'not-spam: a recipient moved the message out of the spam folder: a good sign for your reputation with this provider (RFC 6430)' },
  'auth-failure': {
    tone: 'bad',
    text: 'auth-failure: the message failed an authentication check at the receiver (a failure report, as a DMARC record\'s ruf= asks): which check, below (RFC 6591, RFC 7489 §7.3)',
  },
};

/** What each Auth-Failure value says failed, and what to do (RFC 6591 §3.1, RFC 7489 §7.3.1). */
const FAILURES: Readonly<Record<string, string>> = {
  dmarc: 'DMARC failed: neither SPF nor DKIM passed for the From: domain (aligned). If the message is yours, have its sender sign with your domain (d=) or send from an address under it; if it is not yours, someone sends in your name',
  spf: 'SPF failed: the sending address (Source-IP) is not in the SPF record of the envelope\'s domain. If that host sends for you, add it to the record (/spf IP DOMAIN checks it)',
  signature: 'the DKIM signature did not verify: signed header fields changed on the way, or the key published at the selector is not the one that signed (/dkim SELECTOR DOMAIN shows it)',
  bodyhash: "the DKIM body hash did not match: the body changed after it was signed (a mailing list's footer, a gateway's disclaimer, lines re-encoded)",
  revoked: 'the DKIM key of the selector is revoked (its record has an empty p=): sign with a current selector',
  adsp: 'ADSP failed (ADSP is historic since 2013; DMARC replaced it)',
};

const DELIVERY: Readonly<Record<string, string>> = {
  delivered: 'the receiver delivered it anyway',
  spam: 'the receiver put it in the spam folder',
  policy: "the receiver handled it by the domain's policy (quarantine)",
  reject: 'the receiver refused it',
  other: 'the receiver did something else with it',
};

/** A feedback report read, or null when the text is not one. */
export function readFeedbackReport(text: string): FeedbackReportView | null {
  const found = feedbackFields(text);
  if (found === null) return null;
  const { lines, at, block, type } = found;
  const all = (name: string): string[] => values(block, name).filter((v) => v !== '').map(clip);
  const one = (name: string): string | null => all(name)[0] ?? null;
  const agent = one('user-agent');
  const findings: Finding[] = [];
  findings.push(TYPES[type] ?? { tone: 'warn', text: `${clip(type)}: a feedback type RFC 5965's registry does not list; the report's first part says what it means` });

  if (type === 'auth-failure') {
    for (const failure of (one('auth-failure') ?? '').toLowerCase().split(/[\s,]+/).filter((s) => s !== '')) {
      findings.push({ tone: 'bad', text: `Auth-Failure: ${clip(failure)}: ${FAILURES[failure] ?? 'a failure RFC 6591 does not define'}` });
    }
    const dkim = [one('dkim-domain') && `d=${one('dkim-domain')}`, one('dkim-selector') && `s=${one('dkim-selector')}`].filter((s) => s).join(' ');
    if (dkim !== '') findings.push({ tone: 'info', text: `the DKIM signature that failed: ${dkim}` });
    const delivery = one('delivery-result')?.toLowerCase();
    if (delivery !== undefined) findings.push({ tone: delivery === 'delivered' ? 'info' : 'warn', text: `Delivery-Result: ${clip(delivery)}: ${DELIVERY[delivery] ?? 'a result RFC 6591 does not define'}` });
  }

  // The message: where it came from and to whom.
  const source = one('source-ip');
  const from = one('original-mail-from');
  const to = all('original-rcpt-to');
  const arrived = one('arrival-date') ?? one('received-date');
  const parts = [source && `sent from ${source}`, from && `MAIL FROM ${from}`, to.length > 0 && `to ${to.join(', ')}`, arrived && `arrived ${arrived}`].filter((s) => s);
  if (parts.length > 0) findings.push({ tone: 'info', text: `the message was ${parts.join(', ')}` });
  if (source !== null) findings.push({ tone: 'info', text: `if ${source} is not one of your servers, the message was not sent by you: /rdns ${source} says whose host it is` });
  if (type === 'abuse' && to.length === 0) {
    findings.push({ tone: 'info', text: "the recipient is not named (feedback loops often withhold who complained, RFC 6590): find them by your own mark in the message reported: a list's id, an unsubscribe link, the Message-ID" });
  }
  const incidents = Number(one('incidents'));
  if (Number.isInteger(incidents) && incidents > 1) findings.push({ tone: 'info', text: `${incidents} messages like it reported at once (Incidents)` });
  const domains = all('reported-domain');
  if (domains.length > 0) findings.push({ tone: 'info', text: `the domain reported: ${domains.join(', ')}` });
  const results = one('authentication-results');
  if (results !== null) findings.push({ tone: 'info', text: `the receiver's Authentication-Results: ${results}` });

  const reported = reportedMessage(lines, at);
  if (reported !== null) {
    const shown = ['from', 'subject', 'date', 'message-id']
      .map((name) => [name, values(reported, name)[0]] as const)
      .filter((e): e is readonly [string, string] => e[1] !== undefined && e[1] !== '')
      .map(([name, v]) => `${name === 'message-id' ? 'Message-ID' : name[0]!.toUpperCase() + name.slice(1)}: ${clip(v)}`);
    if (shown.length > 0) findings.push({ tone: 'info', text: `the message reported: ${shown.join(' · ')}` });
  }

  return {
    head: `Feedback report${agent !== null ? ` from ${agent}` : ''} (ARF, RFC 5965): ${clip(type)}`,
    findings,
    good: type === 'not-spam',
  };
}
