/**
 * Whether a line opens as an SMTP reply line, and with which code (RFC 5321 §4.2): all the page's boot script needs of a
 * line (client/boot/early.ts), in a module of its own so that the rest of reply-line.ts stays out of its chunk.
 */

/** Longest line kept, in characters. RFC 5321 §4.5.3.1.5 allows 512 octets; real servers stay far below this. */
export const DEFAULT_MAX_LINE_CHARS = 8192;

const ZERO = 48;
const SPACE = 32;
const HYPHEN = 45;

/**
 * The reply code a line opens with, or -1 when it is no reply line: Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-"
 * or the end of the line (RFC 5321 §4.2). Its last line is one whose fourth character is not "-". On its own for the
 * page's boot script (client/boot/early.ts), which needs no more of a line than this.
 */
export function replyCodeAt(raw: string): number {
  const d0 = raw.charCodeAt(0) - ZERO;
  const d1 = raw.charCodeAt(1) - ZERO;
  const d2 = raw.charCodeAt(2) - ZERO;
  const sep = raw.charCodeAt(3); // NaN at the end of the line
  return d0 >= 2 && d0 <= 5 && d1 >= 0 && d1 <= 5 && d2 >= 0 && d2 <= 9 && (raw.length === 3 || sep === SPACE || sep === HYPHEN) ? d0 * 100 + d1 * 10 + d2 : -1;
}
