/**
 * The terminal's text (with SGR colours) that the boot script paints too: server lines as received and local notes.
 * What only the app writes (annotations, coach hints, the user's lines) is in render-replies.ts; server-text.ts puts
 * them together per `rx` chunk. Pure string building: no DOM, no xterm.
 *
 * Safety rule: every character that came from the server passes through showControls before it is written, so a
 * server can never move the cursor, recolour, retitle or write the clipboard through the terminal (escape.ts).
 * Only this module and render-replies.ts add escape sequences, and only SGR colours.
 */
import { showControls } from '../../shared/smtp/escape.js';
import { findCodeTokens } from '../../shared/smtp/tokens.js';
import type { ReplyClass } from '../../shared/smtp/types.js';

/** Line break written to xterm (convertEol is off: CR and LF are both needed). */
export const EOL = '\r\n';

export const SGR = {
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
export const CLASS_COLOUR: Readonly<Record<ReplyClass, string>> = {
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

export const paint = (style: string, text: string): string => `${style}${text}${SGR.reset}`;

/**
 * Conceals the indent of a row that continues a line of heloterm's own (wrapOwn): spaces look the same concealed,
 * and the buffer keeps the attribute, which is how the screen's readers (continued.ts) tell the row from a line of
 * its own and read the line whole, as written.
 */
const CONCEAL = '\x1b[8m';
const REVEAL = '\x1b[28m';

/** The terminal's width in columns, which heloterm's own lines are wrapped to (screen.ts sets it at each fit). */
let wrapColumns = 0;

export function setWrapColumns(cols: number): void {
  wrapColumns = cols;
}

/**
 * One line of heloterm's own text (a note, an annotation, a hint; plain, no line ending) wrapped at spaces to the
 * terminal's width, where xterm would cut it wherever the row ends ("an / d press Enter"). A row after a break is
 * indented under the text that follows the line's leading spaces and mark ("-- ", "  ↳ "), the indent concealed
 * (CONCEAL): every line of heloterm's own begins with spaces or a mark, so such a row always has an indent to conceal.
 * The line's `style` (painted over the whole after) ends before each break and starts the next row again, so that, as
 * everywhere, a line break comes with the colours reset (jump-scroll.ts cuts output between lines). A word wider than a
 * row is left for xterm to cut. Text received from the server is never wrapped here: it is shown as it came, xterm
 * wrapping it at the row's end. Each character counts one column: heloterm's own marks are narrow; a wide one quoted
 * from a server (a name in CJK) may make a row overflow, which xterm then wraps as before.
 */
export function wrapOwn(line: string, style = '', cols = wrapColumns): string {
  if (line.length <= cols || cols === 0) return line;
  const indent = ' '.repeat(/^ *(?:[^\s\w]{1,2} )?/.exec(line)![0].length);
  // Broken at a single space only (read whole, the line is as written), not after "·" nor before "×": leading spaces
  // stay with the mark, "·" with the enhanced code after it, the two spaces before an annotation's number with the
  // word before them, and a flood summary's "550 ×3" together.
  const [first = '', ...words] = line.split(/(?<![· ]) (?![ ×])/);
  let out = first;
  let width = first.length;
  for (const word of words) {
    const w = word.length;
    const broken = width + 1 + w > cols && width > indent.length;
    out += (broken ? `${SGR.reset}${EOL}${style}${CONCEAL}${indent}${REVEAL}` : ' ') + word;
    width = (broken ? indent.length : width + 1) + w;
  }
  return out;
}

/** One of heloterm's own lines, in one style, wrapped to the terminal's width (wrapOwn), with its line ending. */
export const ownLine = (style: string, text: string): string => paint(style, wrapOwn(text, style)) + EOL;

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

/** A local note (connected, TLS active, closed): dim, prefixed with "--". */
export function formatNote(text: string): string {
  return ownLine(SGR.dim + SGR.blue, `-- ${text}`);
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

