/**
 * The terminal's text (with SGR colours): server lines as received, the annotation after a complete reply, local
 * notes. Pure string building: no DOM, no xterm. (server-text.ts puts them together per `rx` chunk.)
 *
 * Safety rule: every character that came from the server passes through showControls before it is written, so a
 * server can never move the cursor, recolour, retitle or write the clipboard through the terminal (escape.ts).
 * Only this module adds escape sequences, and only SGR colours.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { Hint } from '../../shared/smtp/coach.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import { ANNOTATION_MARK, findCodeTokens } from '../../shared/smtp/tokens.js';
import type { ReplyClass, ReplyLine } from '../../shared/smtp/types.js';

/** Line break written to xterm (convertEol is off: CR and LF are both needed). */
export const EOL = '\r\n';

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  italic: '\x1b[3m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
} as const;

/** Colour by reply class (RFC 5321 §4.2.1): 2 done, 3 go on, 4 try later, 5 failed. 1xx is unused by SMTP. */
const CLASS_COLOUR: Readonly<Record<ReplyClass, string>> = {
  1: SGR.magenta,
  2: SGR.green,
  3: SGR.cyan,
  4: SGR.yellow,
  5: SGR.red,
};

/** The colour of a code's class, from its first digit ("550" or "5.1.1"). */
export function classColour(key: string): string {
  const d = Number(key[0]);
  return d >= 1 && d <= 5 ? CLASS_COLOUR[d as ReplyClass] : '';
}

const paint = (style: string, text: string): string => `${style}${text}${SGR.reset}`;

/** A received line: controls made visible, the reply code and enhanced code coloured by class, text plain. */
export function formatServerLine(raw: string, bareLf: boolean): string {
  const shown = showControls(raw);
  let out = '';
  const tokens = findCodeTokens(shown);
  const first = tokens[0];
  if (first === undefined) out = shown;
  else {
    // The code and the enhanced code right after it share their class, so one colour run covers both ("250 2.1.0"):
    // fewer escape sequences to parse and fewer spans for xterm to draw per row.
    const last = tokens[tokens.length - 1] ?? first;
    const end = last.start - first.end <= 1 ? last.end : first.end;
    out = shown.slice(0, first.start) + paint(classColour(first.key), shown.slice(first.start, end)) + shown.slice(end);
  }
  // RFC 5321 §2.3.8: lines end in CRLF. A bare LF is worth noticing (and a bare CR was made visible as ^M).
  if (bareLf) out += paint(SGR.dim, ' ‹bare LF›');
  return out + EOL;
}

/**
 * The same text as formatServerLine, for a line the parser has read already: the code and enhanced code are where
 * the parse found them (digits and dots only, so no control character can be among them), and the rest of the line
 * is made safe as usual. Saves finding them again, on the hot path of a reply burst.
 */
export function formatReplyLine(line: ReplyLine): string {
  if (line.code === null) return formatServerLine(line.raw, line.ending === 'LF');
  const end = line.enhanced === null ? 3 : 4 + line.enhanced.text.length;
  const out = paint(CLASS_COLOUR[Math.floor(line.code / 100) as ReplyClass], line.raw.slice(0, end)) + showControls(line.raw.slice(end));
  return line.ending === 'LF' ? out + paint(SGR.dim, ' ‹bare LF›') + EOL : out + EOL;
}

/**
 * The annotation line after a complete reply: `  ↳ 250 … · 2.1.5 …  [n]`, dim, in the class colour. The number is
 * the reply's entry in the reply log (and lets the hover find the reply, see reports.ts).
 */
export function formatAnnotation(r: ReplyReport): string {
  const a = r.annotation;
  return paint(SGR.dim + CLASS_COLOUR[a.cls], `  ${ANNOTATION_MARK} ${a.summary}  [${r.n}]`) + EOL;
}

/** The most likely cause behind a failure's text, when a vendor rule recognised it. */
export function formatVendor(r: ReplyReport): string {
  // Commands out of sequence are the coach's to explain, from what the session is missing (coach.ts).
  const m = r.vendor.find((v) => v.topic !== 'command-sequence');
  if (m === undefined) return '';
  return paint(SGR.dim + CLASS_COLOUR[r.annotation.cls], `  ⚑ likely: ${m.title} (${m.confidence} confidence) — point at the code for what to do`) + EOL;
}

/** A lesson from the coach. */
export function formatCoach(h: Hint): string {
  return paint(SGR.italic + SGR.yellow, `  ✎ ${h.text}`) + EOL;
}

/** Why a received line is not part of a valid reply. */
export function formatInvalid(reason: string): string {
  return paint(SGR.dim + SGR.red, `  ✗ not a valid reply line: ${reason}`) + EOL;
}

/** The server broke a size cap: the parser dropped the rest of a line, or stopped storing a reply's lines. */
export function formatOverflow(what: 'line' | 'reply', limit: number): string {
  const text =
    what === 'line'
      ? `  ✗ line longer than ${limit} characters: the rest of it is not shown (RFC 5321 §4.5.3.1.5 allows 512 octets)`
      : `  ✗ reply longer than ${limit} lines: further lines are shown but not kept`;
  return paint(SGR.dim + SGR.red, text) + EOL;
}

/** Marks the summary line of a flood (flood.ts): not an annotation, so no reply is looked up through it. */
export const FLOOD_MARK = '⋯';
/** Codes named in a flood summary, most frequent first; the rest are counted together. */
const FLOOD_CODES_SHOWN = 6;

/** The line after a flood: how many replies went by unannotated, per code (the codes in their class colours). */
export function formatFloodSummary(s: { replies: number; ms: number; byCode: ReadonlyMap<number, number> }): string {
  const counts = [...s.byCode].sort((a, b) => b[1] - a[1]);
  const shown = counts.slice(0, FLOOD_CODES_SHOWN).map(([code, n]) => `${classColour(String(code))}${code}${SGR.reset}${SGR.dim} ×${n.toLocaleString('en-US')}`);
  const rest = counts.slice(FLOOD_CODES_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) shown.push(`other ×${rest.toLocaleString('en-US')}`);
  const seconds = (s.ms / 1000).toFixed(1);
  const n = s.replies.toLocaleString('en-US');
  return paint(
    SGR.dim,
    `  ${FLOOD_MARK} ${n} more ${s.replies === 1 ? 'reply' : 'replies'} in ${seconds} s, too fast to annotate one by one: ${shown.join(', ')}. ` +
      'Point at a code for its meaning; the reply log explains the newest.',
  ) + EOL;
}

/** A local note (connected, TLS active, closed): dim, prefixed with "--". */
export function formatNote(text: string): string {
  return paint(SGR.dim + SGR.blue, `-- ${text}`) + EOL;
}

/** A line the user sent, as it stays on screen after Enter. The text is the editor's: printable only. */
export function formatSent(text: string): string {
  return paint(SGR.bold, text) + EOL;
}

/** An address and port as people write them: "192.0.2.1:25", "[2001:db8::1]:25". */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The note when the bridge starts dialling. */
export function formatConnecting(host: string, port: number): string {
  return formatNote(`connecting to ${host} port ${port}…`);
}

/** The note when the TCP (or TLS) connection stands. */
export function formatConnected(host: string, address: string, port: number): string {
  return formatNote(`connected to ${host} (${formatAddress(address, port)})`);
}

/** The bridge is holding a line until the server's greeting has arrived. */
export function formatQueued(): string {
  return paint(SGR.dim, "   (held until the server's greeting)") + EOL;
}

/** A dim hint (DATA mode). */
export function formatHint(text: string): string {
  return paint(SGR.dim + SGR.italic, `   ${text}`) + EOL;
}
