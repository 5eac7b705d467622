/**
 * The incremental SMTP reply parser: text chunks -> lines (keeping the remainder) -> complete replies.
 *
 * Pure and allocation-light: the bridge feeds it every byte a server sends and the browser feeds it every `rx`
 * chunk. It never throws; what is not a valid reply is reported as such and the parser moves on.
 *
 * Each line is read by parseReplyLine (reply-line.ts, the RFC 5321 §4.2 grammar); this module groups the lines
 * into replies (a reply ends at a line whose code is followed by a space or nothing, RFC 5321 §4.2.1).
 */
import { DEFAULT_MAX_LINE_CHARS, parseReplyLine } from './reply-line.js';
import type { EnhancedCode, LineEnding, ParseEvent, Reply, ReplyClass, ReplyLine } from './types.js';

export { DEFAULT_MAX_LINE_CHARS, parseReplyLine };

/** Most lines kept in one reply. EHLO replies run to ~20 lines; HELP texts to a few dozen. */
export const DEFAULT_MAX_REPLY_LINES = 1000;

const BARE_LF = 'bare LF: a line ended with LF alone instead of CRLF (RFC 5321 §2.3.8)';

export interface ParserOptions {
  maxLineChars?: number;
  maxReplyLines?: number;
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
    if (cur === null && line.last) {
      // A reply of one line, the usual case: nothing to assemble.
      const reply: Reply = { code: line.code, cls: Math.floor(line.code / 100) as ReplyClass, lines: [line], enhanced: line.enhanced, problems: line.ending === 'LF' ? [BARE_LF] : [] };
      events.push({ kind: 'reply', reply });
      return;
    }
    if (cur === null) {
      cur = { code: line.code, lines: [], problems: [], overflowed: false };
      this.current = cur;
    } else if (line.code !== cur.code) {
      cur.problems.push(`a line of this reply has code ${line.code}, but the reply began with ${cur.code}; all lines of a reply must have the same code (RFC 5321 §4.2.1)`);
    }
    if (line.ending === 'LF' && !cur.problems.includes(BARE_LF)) cur.problems.push(BARE_LF);
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

/**
 * A reply quoted on one line, as bounce messages and people quote them ("550-5.1.1 <bob@…>: User unknown"): read
 * from its code on as one reply, a continuation hyphen taken for the last line's space; null when it is none.
 */
export function quotedReply(line: string): Reply | null {
  let reply: Reply | null = null;
  for (const e of new ReplyParser().push(`${line.replace(/^(\d{3})-/, '$1 ').replace(/[\r\n]+/g, ' ')}\r\n`)) if (e.kind === 'reply') reply = e.reply;
  return reply;
}
