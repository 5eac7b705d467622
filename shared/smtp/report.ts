/**
 * Everything heloterm knows about one reply, in one place: the code's meaning (basic and enhanced), its meaning in
 * context (what it answered), what major servers mean by its text (vendor rules), and, for an EHLO reply, each
 * keyword. The terminal, the tooltip and the reply log all show parts of this.
 */
import { meaningInContext, type ContextMeaning } from './context.js';
import { explainEhloReply, type EhloExplanation } from './ehlo.js';
import { annotate } from './explain.js';
import type { Exchange } from './session.js';
import type { Annotation, Reply } from './types.js';
import { matchVendorRules, type VendorMatch } from './vendor-match.js';

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
}

function answeredLabel(ex: Exchange): string | null {
  switch (ex.kind) {
    case 'greeting':
      return 'the connection (greeting)';
    case 'end-of-data':
      return 'the end of the message (".")';
    case 'auth-response':
      return 'an AUTH response';
    case 'command':
      return ex.command === null ? null : ex.command.verb;
    case 'unsolicited':
      return null;
  }
}

export function reportReply(n: number, ex: Exchange): ReplyReport {
  const reply = ex.reply;
  const isEhlo = ex.kind === 'command' && ex.command?.verb === 'EHLO' && reply.code === 250;
  return {
    n,
    reply,
    annotation: annotate(reply),
    answered: answeredLabel(ex),
    context: meaningInContext(ex),
    vendor: matchVendorRules(reply.code, reply.lines.map((l) => l.text).join(' ')),
    ehlo: isEhlo ? explainEhloReply(reply.lines.map((l) => l.text)) : null,
  };
}
