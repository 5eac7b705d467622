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
  return paint(SGR.dim + SGR.blue, `-- ${text}`) + EOL;
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

