/**
 * Everything heloterm knows about one reply, in one place: the code's meaning (basic and enhanced), its meaning in
 * context (what it answered), what major servers mean by its text (vendor rules), and, for an EHLO reply, each
 * keyword. The terminal, the tooltip and the reply log all show parts of this.
 */
import { answeredKey, meaningInContext, type ContextMeaning } from './context.js';
import { explainEhloReply, type EhloExplanation } from './ehlo.js';
import { annotate } from './explain.js';
import { quotedReply } from './parser.js';
import { endsMessage, quotedExchange, type Exchange } from './session-state.js';
import { slowReply, type SlowReply } from './timing.js';
import type { Annotation, Reply } from './types.js';
import { matchVendorRules, type VendorMatch } from './vendor-match.js';
import { readQueueId, type QueueId } from './queue-id.js';

export interface ReplyReport {
  /** A running number, shown in the terminal as [n] and in the reply log, so the two can be matched by eye. */
  n: number;
  reply: Reply;
  annotation: Annotation;
  /** What the reply answered ("MAIL", "end of data"), or null when unknown. */
  answered: string | null;
  context: ContextMeaning | null;
  /** Likely causes recognised from the text, best first (only for 4xx/5xx). */
  vendor: VendorMatch[];
  /** For a successful EHLO reply: one explanation per line (the first is the server's greeting line). */
  ehlo: EhloExplanation[] | null;
  /** How long the server took and why that may be, when it took at least SLOW_REPLY_MS (timing.ts). */
  slow: SlowReply | null;
  /**
   * For a message accepted (a 2xx to the final "." or BDAT LAST): its queue id on the server, when its form is known.
   */
  queued: QueueId | null;
  /** Not received from a server: a line someone asked heloterm to explain (/explain, a bounce's text). */
  explained?: '/explain' | '/replay';
}

/** How the reply log names what a reply answered (verbs stand for themselves). */
const ANSWERED_LABEL: Readonly<Record<string, string>> = {
  GREETING: 'the connection (greeting)',
  'END-OF-DATA': 'the end of the message (".")',
  'AUTH-RESPONSE': 'an AUTH response',
  'BDAT LAST': 'the last chunk of the message (BDAT … LAST)',
};

export function reportReply(n: number, ex: Exchange): ReplyReport {
  const reply = ex.reply;
  const answered = answeredKey(ex);
  const isEhlo = ex.kind === 'command' && ex.command?.verb === 'EHLO' && reply.code === 250;
  const text = reply.lines.map((l) => l.text).join(' ');
  return {
    n,
    reply,
    annotation: annotate(reply),
    answered: answered === null ? null : (ANSWERED_LABEL[answered] ?? answered),
    context: meaningInContext(ex),
    vendor: matchVendorRules(reply.code, text),
    ehlo: isEhlo ? explainEhloReply(reply.lines.map((l) => l.text)) : null,
    slow: slowReply(ex),
    queued: endsMessage(ex) && reply.cls === 2 ? readQueueId(text) : null,
  };
}

/**
 * Longest text /explain reads, in characters (a reply line is at most 512 octets, RFC 5321 §4.5.3.1.5; bounces quote
 * more).
 */
export const MAX_EXPLAIN_CHARS = 2000;

/**
 * The report of a reply quoted in some text, as bounce messages quote them ("host mx.example.org said: 550 5.1.1
 * <bob@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)"), or null when the text
 * holds no reply code. The reply is read from its code on, as one line; it answered nothing heloterm saw.
 */
export function explainQuoted(n: number, text: string): ReplyReport | null {
  const at = /(?:^|[^\d.])([2-5][0-9][0-9])(?=[ -]|$)/.exec(text.slice(0, MAX_EXPLAIN_CHARS));
  if (at === null) return null;
  const from = at.index + at[0].length - 3;
  const reply = quotedReply(text.slice(from, MAX_EXPLAIN_CHARS));
  return reply === null ? null : { ...reportReply(n, quotedExchange(reply, 'unsolicited', null)), explained: '/explain' };
}

/**
 * A refusal (4xx, 5xx) as a line of the saved transcript: its meaning, and the likely cause heloterm recognised with
 * what to do, for whoever reads the transcript in a ticket without heloterm; null for any other reply.
 */
export function refusalNote(r: ReplyReport): string | null {
  if (r.annotation.cls !== 4 && r.annotation.cls !== 5) return null;
  const likely = r.vendor[0];
  return `↳ ${r.annotation.summary}${likely === undefined ? '' : `; likely: ${likely.title}. ${likely.action}`}`;
}
