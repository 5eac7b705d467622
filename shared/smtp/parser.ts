/**
 * The incremental SMTP reply parser: text chunks -> lines (keeping the remainder) -> complete replies.
 *
 * Pure and allocation-light: the bridge feeds it every byte a server sends and the browser feeds it every `rx`
 * chunk. It never throws; what is not a valid reply is reported as such and the parser moves on.
 *
 * Reply grammar (RFC 5321 §4.2):
 *   Reply-line  = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
 *   Reply-code  = %x32-35 %x30-35 %x30-39
 * Enhanced status codes (RFC 3463 §2, RFC 2034 §4) open the text: class "." subject "." detail, where subject and
 * detail are 1-3 digits without a leading zero, and the class agrees with the reply code's first digit.
 */
import type { EnhancedCode, LineEnding, ParseEvent, Reply, ReplyClass, ReplyLine } from './types.js';

/** Longest line kept, in characters. RFC 5321 §4.5.3.1.5 allows 512 octets; real servers stay far below this. */
export const DEFAULT_MAX_LINE_CHARS = 8192;
/** Most lines kept in one reply. EHLO replies run to ~20 lines; HELP texts to a few dozen. */
export const DEFAULT_MAX_REPLY_LINES = 1000;

export interface ParserOptions {
  maxLineChars?: number;
  maxReplyLines?: number;
}

// 1: the code; 2: the separator (space, hyphen, or nothing at the end of the line); 3: the rest.
const REPLY_LINE = /^([2-5][0-5][0-9])(?:([ -])([\s\S]*))?$/;
// An enhanced code at the start of the text, followed by a space or the end of the text.
const ENHANCED = /^([245])\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(?: |$)/;
const THREE_DIGITS = /^[0-9]{3}/;

/** Parses one line on its own, without context. */
export function parseReplyLine(raw: string, ending: LineEnding = 'CRLF'): ReplyLine {
  const m = REPLY_LINE.exec(raw);
  if (m === null) {
    return { raw, ending, code: null, last: true, text: raw, enhanced: null, problem: whyNotAReplyLine(raw) };
  }
  const code = Number(m[1]);
  const last = m[2] !== '-';
  let text = m[3] ?? '';
  let enhanced: EnhancedCode | null = null;
  const e = ENHANCED.exec(text);
  if (e !== null && Number(e[1]) === Math.floor(code / 100)) {
    enhanced = { cls: Number(e[1]) as 2 | 4 | 5, subject: Number(e[2]), detail: Number(e[3]), text: `${e[1]}.${e[2]}.${e[3]}` };
    text = text.slice(e[0].length);
  }
  return { raw, ending, code, last, text, enhanced, problem: null };
}

function whyNotAReplyLine(raw: string): string {
  if (raw.length === 0) return 'empty line (a reply line starts with a three-digit code)';
  if (!THREE_DIGITS.test(raw)) return 'no three-digit reply code at the start of the line';
  if (!/^[2-5]/.test(raw)) return `"${raw.slice(0, 3)}" is not a reply code: the first digit must be 2 to 5 (RFC 5321 §4.2)`;
  if (!/^.[0-5]/.test(raw)) return `"${raw.slice(0, 3)}" is not a reply code: the second digit must be 0 to 5 (RFC 5321 §4.2)`;
  return 'the code must be followed by a space, a hyphen or the end of the line (RFC 5321 §4.2)';
}

interface Pending {
  code: number;
  lines: ReplyLine[];
  problems: string[];
  overflowed: boolean;
}

export class ReplyParser {
  private readonly maxLineChars: number;
  private readonly maxReplyLines: number;
  private buffer = '';
  /** True while dropping the rest of an over-long line, up to its line feed. */
  private skipping = false;
  private current: Pending | null = null;

  constructor(opts: ParserOptions = {}) {
    this.maxLineChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.maxReplyLines = opts.maxReplyLines ?? DEFAULT_MAX_REPLY_LINES;
  }

  /** Text received after the last line feed: an incomplete line. */
  get pending(): string {
    return this.buffer;
  }

  /** Forgets everything buffered (RFC 3207 §4.2: after STARTTLS nothing from before the handshake counts). */
  reset(): void {
    this.buffer = '';
    this.skipping = false;
    this.current = null;
  }

  push(chunk: string): ParseEvent[] {
    const events: ParseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf('\n', start);
      if (lf === -1) break;
      const piece = chunk.slice(start, lf);
      start = lf + 1;
      if (this.skipping) {
        this.skipping = false;
        this.buffer = '';
        continue;
      }
      let line = this.buffer.length === 0 ? piece : this.buffer + piece;
      this.buffer = '';
      if (line.length > this.maxLineChars + 1) {
        events.push({ kind: 'overflow', what: 'line', limit: this.maxLineChars });
        continue;
      }
      let ending: LineEnding = 'LF';
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
        ending = 'CRLF';
      }
      if (line.length > this.maxLineChars) {
        events.push({ kind: 'overflow', what: 'line', limit: this.maxLineChars });
        continue;
      }
      this.onLine(parseReplyLine(line, ending), events);
    }
    if (start < chunk.length && !this.skipping) {
      this.buffer += chunk.slice(start);
      // One extra character is allowed for the CR of a CRLF split across chunks.
      if (this.buffer.length > this.maxLineChars + 1) {
        events.push({ kind: 'overflow', what: 'line', limit: this.maxLineChars });
        this.buffer = '';
        this.skipping = true;
      }
    }
    return events;
  }

  private onLine(line: ReplyLine, events: ParseEvent[]): void {
    events.push({ kind: 'line', line });
    if (line.code === null) {
      events.push({ kind: 'invalid', line, reason: line.problem ?? 'not a reply line' });
      return;
    }
    let cur = this.current;
    if (cur === null) {
      cur = { code: line.code, lines: [], problems: [], overflowed: false };
      this.current = cur;
    } else if (line.code !== cur.code) {
      cur.problems.push(`a line of this reply has code ${line.code}, but the reply began with ${cur.code}; all lines of a reply must have the same code (RFC 5321 §4.2.1)`);
    }
    if (line.ending === 'LF' && !cur.problems.some((p) => p.startsWith('bare LF'))) {
      cur.problems.push('bare LF: a line ended with LF alone instead of CRLF (RFC 5321 §2.3.8)');
    }
    if (cur.lines.length < this.maxReplyLines) {
      cur.lines.push(line);
    } else if (!cur.overflowed) {
      cur.overflowed = true;
      cur.problems.push(`reply longer than ${this.maxReplyLines} lines; the rest was not kept`);
      events.push({ kind: 'overflow', what: 'reply', limit: this.maxReplyLines });
    }
    if (!line.last) return;
    this.current = null;
    const code = cur.code;
    let enhanced: EnhancedCode | null = null;
    for (const l of cur.lines) {
      if (l.enhanced !== null) {
        enhanced = l.enhanced;
        break;
      }
    }
    const reply: Reply = { code, cls: Math.floor(code / 100) as ReplyClass, lines: cur.lines, enhanced, problems: cur.problems };
    events.push({ kind: 'reply', reply });
  }
}
