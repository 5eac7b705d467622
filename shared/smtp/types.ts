/**
 * The shapes of SMTP replies and of their explanations, shared by the parser, the knowledge base, the bridge and
 * the browser. Pure types: no logic here.
 */

/** The first digit of a reply code (RFC 5321 §4.2.1). 1xx is unused by SMTP but still parsed. */
export type ReplyClass = 1 | 2 | 3 | 4 | 5;

/** How a received line ended. A real server ends every line with CRLF (RFC 5321 §2.3.8); anything else is noted. */
export type LineEnding = 'CRLF' | 'LF';

/** An enhanced status code class.subject.detail (RFC 3463 §2), e.g. 5.1.1. */
export interface EnhancedCode {
  /** 2 success, 4 persistent transient failure, 5 permanent failure (RFC 3463 §2). */
  cls: 2 | 4 | 5;
  subject: number;
  detail: number;
  /** The code as written, e.g. "5.1.1". */
  text: string;
}

/** One line received from a server, parsed on its own. */
export interface ReplyLine {
  /** The line as received, without its terminator. May contain any character, including control characters. */
  raw: string;
  ending: LineEnding;
  /** The three-digit code, or null when the line does not start with one. */
  code: number | null;
  /** True for `250 text` or `250` (last line of a reply); false for `250-text` (continuation). */
  last: boolean;
  /** The text after the code and separator (and after the enhanced code, if any). */
  text: string;
  /** The enhanced status code at the start of the text, if it has one that agrees with the reply's class. */
  enhanced: EnhancedCode | null;
  /** Null when the line is a well-formed reply line; otherwise why not (e.g. "no three-digit code"). */
  problem: string | null;
}

/** A complete reply: one or more lines with the same code, the last one without a hyphen (RFC 5321 §4.2.1). */
export interface Reply {
  code: number;
  cls: ReplyClass;
  lines: ReplyLine[];
  /** The enhanced code of the first line that carries one, or null. */
  enhanced: EnhancedCode | null;
  /** Deviations noticed while assembling (e.g. a continuation line with a different code). Empty when clean. */
  problems: string[];
}

/** What the incremental parser reports, in order. */
export type ParseEvent =
  /** A complete line has arrived (report every line as it comes, so the user sees it before the reply ends). */
  | { kind: 'line'; line: ReplyLine }
  /** The line just reported completed a reply. */
  | { kind: 'reply'; reply: Reply }
  /** The line just reported is not part of any valid reply (garbage, wrong format). The assembler moved on. */
  | { kind: 'invalid'; line: ReplyLine; reason: string }
  /**
   * The server broke a size cap: a line longer than `maxLineChars` (the rest of that line is dropped, memory stays
   * bounded) or a reply with more than `maxReplyLines` lines (further lines are still reported, not stored).
   */
  | { kind: 'overflow'; what: 'line' | 'reply'; limit: number };

/** One explanation of one thing (a basic code, an enhanced code, an EHLO keyword, a vendor reply text). */
export interface Explanation {
  /** What is explained, as shown: "550", "5.1.1", "PIPELINING". */
  key: string;
  /** A few words: "Mailbox unavailable". */
  title: string;
  /** A plain explanation of what it means. */
  explanation: string;
  /** What to do next. */
  action: string;
  /** Where this rests: "RFC 5321 §4.2.3". */
  source: string;
}

/** The annotation of one reply, as shown after it in the terminal and in the reply log. */
export interface Annotation {
  cls: ReplyClass;
  /** One short line: "250 Requested action completed · 2.1.5 Destination address valid". */
  summary: string;
  basic: Explanation;
  enhanced: Explanation | null;
}

/** How a finding reads: fine, worth a look, a problem, or for the record. */
export type FindingTone = 'ok' | 'warn' | 'bad' | 'info';

/** One line of what heloterm found out about a server (its certificate, its domain's MX records). */
export interface Finding {
  tone: FindingTone;
  /** One line. Parts that came from the network are not to be trusted: show them through showControls. */
  text: string;
}
