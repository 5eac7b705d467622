/**
 * The terminal's text that only the app writes (with SGR colours): reply lines as parsed, the annotation after a
 * complete reply, the likely cause, the coach's hints, a flood's summary, and the user's own lines. The formats the
 * boot script paints too (server lines, notes) are in render.ts. Pure string building: no DOM, no xterm.
 */
import type { Hint } from '../../shared/smtp/coach.js';
import { showControls } from '../../shared/smtp/escape.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import { WAIT_MARK, formatWait } from '../../shared/smtp/timing.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import type { Explanation, ReplyClass, ReplyLine } from '../../shared/smtp/types.js';
import { CLASS_COLOUR, EOL, SGR, classColour, formatNote, formatServerLine, ownLine, paint, wrapOwn } from './render.js';

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
 * The annotation line after a complete reply: `  ↳ 250 … · 2.1.5 …  [n]`, dim, in the class colour, with the
 * time the server took when it was slow (`· ◷ 6.0 s`). The number is the reply's entry in the reply log (and lets
 * the hover find the reply, see reports.ts).
 */
export function formatAnnotation(r: ReplyReport): string {
  const a = r.annotation;
  const wait = r.slow === null ? '' : ` · ${WAIT_MARK} ${formatWait(r.slow.ms)}`;
  return ownLine(SGR.dim + CLASS_COLOUR[a.cls], `  ${ANNOTATION_MARK} ${a.summary}${wait}  [${r.n}]`);
}

/** Why a slow reply may have been slow (given once per connection and cause; the hover and the log always have it). */
export function formatSlow(r: ReplyReport): string {
  if (r.slow === null) return '';
  return ownLine(SGR.dim, `  ${WAIT_MARK} ${formatWait(r.slow.ms)}: ${r.slow.title} — point at the code for more`);
}

/** The most likely cause behind a failure's text, when a vendor rule recognised it. */
export function formatVendor(r: ReplyReport): string {
  // Commands out of sequence are the coach's to explain, from what the session is missing (coach.ts).
  const m = r.vendor.find((v) => v.topic !== 'command-sequence');
  if (m === undefined) return '';
  return ownLine(SGR.dim + CLASS_COLOUR[r.annotation.cls], `  ⚑ likely: ${m.title} (${m.confidence} confidence) — point at the code for what to do`);
}

/** The queue id of a message the server accepted, and how to follow the message with it on that server. */
export function formatQueueId(r: ReplyReport): string {
  const q = r.queued;
  if (q === null) return '';
  return ownLine(SGR.dim, `  # queue id ${showControls(q.id)} (${q.server}): ${showControls(q.follow)}`);
}

/** A lesson from the coach. */
export function formatCoach(h: Hint): string {
  return ownLine(SGR.italic + SGR.yellow, `  ✎ ${h.text}`);
}

/** Why a received line is not part of a valid reply. */
export function formatInvalid(reason: string): string {
  return ownLine(SGR.dim + SGR.red, `  ✗ not a valid reply line: ${reason}`);
}

/** The server broke a size cap: the parser dropped the rest of a line, or stopped storing a reply's lines. */
export function formatOverflow(what: 'line' | 'reply', limit: number): string {
  const text =
    what === 'line'
      ? `  ✗ line longer than ${limit} characters: the rest of it is not shown (RFC 5321 §4.5.3.1.5 allows 512 octets)`
      : `  ✗ reply longer than ${limit} lines: further lines are shown but not kept`;
  return ownLine(SGR.dim + SGR.red, text);
}

/** Marks the summary line of a flood (flood.ts): not an annotation, so no reply is looked up through it. */
export const FLOOD_MARK = '⋯';

/** Codes named in a flood summary, most frequent first; the rest are counted together. */
const FLOOD_CODES_SHOWN = 6;

/** The line after a flood: how many replies went by unannotated, per code (the codes in their class colours). */
export function formatFloodSummary(s: { replies: number; ms: number; byCode: ReadonlyMap<number, number> }): string {
  const counts = [...s.byCode].sort((a, b) => b[1] - a[1]);
  const shown = counts.slice(0, FLOOD_CODES_SHOWN).map(([code, n]) => `${code} ×${n.toLocaleString('en-US')}`);
  const rest = counts.slice(FLOOD_CODES_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) shown.push(`other ×${rest.toLocaleString('en-US')}`);
  // A flood that came within 50 ms would read "in 0.0 s": true, but not what a person says.
  const within = s.ms < 50 ? 'under 0.1 s' : `${(s.ms / 1000).toFixed(1)} s`;
  const n = s.replies.toLocaleString('en-US');
  const text = wrapOwn(
    `  ${FLOOD_MARK} ${n} more ${s.replies === 1 ? 'reply' : 'replies'} in ${within}, too fast to annotate one by one: ${shown.join(', ')}. ` +
      'Point at a code for its meaning; the reply log explains the newest.',
    SGR.dim,
  );
  // Wrapped as plain text (wrapOwn counts every character), then each code in its class colour, the rest dim.
  return paint(SGR.dim, text.replace(/(?<!\d)[1-5]\d\d(?= ×)/g, (code) => paint(classColour(code), code) + SGR.dim)) + EOL;
}

/** A line the user sent, as it stays on screen after Enter. The text is the editor's: printable only. */
export function formatSent(text: string): string {
  return paint(SGR.bold, text) + EOL;
}

/**
 * A line abandoned with Ctrl-C, dim and marked `^C` as a shell shows it, and, the first time, what Ctrl-C does here
 * (where telnet users press it to leave, and others to copy).
 */
export function formatCancelled(text: string, explain: boolean): string {
  const line = paint(SGR.dim, `${text}^C`) + EOL;
  if (!explain) return line;
  return (
    line +
    formatHint(
      text === ''
        ? 'Ctrl+C clears the line being typed; the server never sees it. To end the session type QUIT (or press Disconnect); to copy, select text first, then Ctrl+C'
        : 'not sent: Ctrl+C abandons the line being typed (Up brings it back). To copy, select text first, then Ctrl+C',
    )
  );
}

/** The bridge is holding a line until the server's greeting has arrived. */
export function formatQueued(): string {
  return ownLine(SGR.dim, "   (held until the server's greeting)");
}

/** A dim hint (DATA mode). */
export function formatHint(text: string): string {
  return ownLine(SGR.dim + SGR.italic, `   ${text}`);
}

/**
 * A reply quoted for /explain (from a bounce message, say): a note that it went nowhere, the line as a server line,
 * then its annotation and likely cause, as for a reply received, so that its codes can be pointed at too.
 */
export function formatExplained(r: ReplyReport): string {
  return (
    formatNote('explained, not sent to any server nor received from one:') +
    r.reply.lines.map(formatReplyLine).join('') +
    formatAnnotation(r) +
    formatVendor(r)
  );
}

/** An explanation alone (an enhanced code given to /explain): its title and meaning, then what to do. */
export function formatExplanation(e: Explanation): string {
  return formatNote(`${e.key} ${e.title}: ${e.explanation}`) + formatHint(`what to do: ${e.action}  (${e.source})`);
}
