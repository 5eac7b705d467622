/**
 * One SMTP reply line on its own (RFC 5321 §4.2), without the context of the reply it belongs to. Its own module
 * because the page's boot script needs it without the incremental parser (client/boot/early.ts).
 *
 *   Reply-line  = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
 *   Reply-code  = %x32-35 %x30-35 %x30-39
 * Enhanced status codes (RFC 3463 §2, RFC 2034 §4) open the text: class "." subject "." detail, where subject and
 * detail are 1-3 digits without a leading zero, and the class agrees with the reply code's first digit.
 */
import type { EnhancedCode, LineEnding, ReplyLine } from './types.js';
import { replyCodeAt } from './reply-code.js';

export { DEFAULT_MAX_LINE_CHARS, replyCodeAt } from './reply-code.js';

const THREE_DIGITS = /^[0-9]{3}/;

const ZERO = 48;
const SPACE = 32;
const HYPHEN = 45;
const DOT = 46;

/**
 * Parses one line on its own, without context. By character codes rather than a regular expression: it runs for
 * every line a server sends, in the bridge and in the page (test/unit/reply-line.test.ts checks it against the
 * grammar written as one).
 */
export function parseReplyLine(raw: string, ending: LineEnding = 'CRLF'): ReplyLine {
  const code = replyCodeAt(raw);
  if (code < 0) return { raw, ending, code: null, last: true, text: raw, enhanced: null, problem: whyNotAReplyLine(raw) };
  const d0 = (code / 100) | 0;
  const last = raw.charCodeAt(3) !== HYPHEN;
  let text = raw.length > 4 ? raw.slice(4) : '';
  let enhanced: EnhancedCode | null = null;
  // An enhanced code's class is the reply code's first digit (RFC 3463 §2): look only when the text starts so.
  if ((d0 === 2 || d0 === 4 || d0 === 5) && text.charCodeAt(0) - ZERO === d0 && text.charCodeAt(1) === DOT) {
    enhanced = enhancedAtStart(text, d0);
    if (enhanced !== null) {
      const end = enhanced.text.length;
      text = text.slice(text.charCodeAt(end) === SPACE ? end + 1 : end);
    }
  }
  return { raw, ending, code, last, text, enhanced, problem: null };
}

/** Where a subject or detail ends (RFC 3463 §2: 1-3 digits without a leading zero), or -1 if none starts at `at`. */
function codePartEnd(s: string, at: number): number {
  const first = s.charCodeAt(at) - ZERO;
  if (!(first >= 0 && first <= 9)) return -1;
  if (first === 0) return at + 1;
  let end = at + 1;
  while (end < at + 3 && s.charCodeAt(end) - ZERO >= 0 && s.charCodeAt(end) - ZERO <= 9) end++;
  return end;
}

/** The number written in digits from `from` to `to`. */
function digitsValue(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - ZERO);
  return n;
}

/**
 * The enhanced code `cls.subject.detail` that `text` starts with (its class digit and first dot already checked),
 * followed by a space or the end of the text; by character codes, without a regular expression's match array.
 */
function enhancedAtStart(text: string, cls: 2 | 4 | 5): EnhancedCode | null {
  const subjectEnd = codePartEnd(text, 2);
  if (subjectEnd === -1 || text.charCodeAt(subjectEnd) !== DOT) return null;
  const detailEnd = codePartEnd(text, subjectEnd + 1);
  if (detailEnd === -1 || !(detailEnd === text.length || text.charCodeAt(detailEnd) === SPACE)) return null;
  return { cls, subject: digitsValue(text, 2, subjectEnd), detail: digitsValue(text, subjectEnd + 1, detailEnd), text: text.slice(0, detailEnd) };
}

function whyNotAReplyLine(raw: string): string {
  if (raw.length === 0) return 'empty line (a reply line starts with a three-digit code)';
  if (!THREE_DIGITS.test(raw)) return 'no three-digit reply code at the start of the line';
  if (!/^[2-5]/.test(raw)) return `"${raw.slice(0, 3)}" is not a reply code: the first digit must be 2 to 5 (RFC 5321 §4.2)`;
  if (!/^.[0-5]/.test(raw)) return `"${raw.slice(0, 3)}" is not a reply code: the second digit must be 0 to 5 (RFC 5321 §4.2)`;
  return 'the code must be followed by a space, a hyphen or the end of the line (RFC 5321 §4.2)';
}
