/**
 * Jump scrolling, as the X terminal's `-j` does it: when output comes faster than the terminal can show it, the
 * terminal does not draw every line on its way past. The page writes to xterm once per animation frame (view.ts),
 * and of what came meanwhile only the last lines that fit on the screen and in the scrollback are written: the
 * lines above them would be pushed out of the scrollback by the same write, before any frame could show them. The
 * buffer ends up exactly as if every line had been written; only frames nobody could have seen are skipped, and
 * the lines skipped are never formatted either.
 *
 * A piece of output is terminal text, or a server line not yet formatted (formatted only if it is written). Every
 * piece ends at a line break with the colours reset (render.ts), so cutting between lines is safe.
 *
 * Pure: no DOM, no xterm.
 */
import type { ReplyLine } from '../../shared/smtp/types.js';
import { formatReplyLine } from './render-replies.js';

export type Piece = string | ReplyLine;

/** How many line breaks `text` holds. */
export function countLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The last `n` lines of `text` (lines end in LF), or all of it when it has no more. */
export function tailLines(text: string, n: number): string {
  // Every line takes at least two characters (CR LF): a shorter text cannot hold more than n lines.
  if (text.length <= 2 * n) return text;
  let at = text.length;
  for (let k = 0; k <= n; k++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at < 0) return text;
  }
  return text.slice(at + 1);
}

/**
 * The terminal text of the last `n` lines of `pieces`, and whether any lines were dropped. Pieces wholly above the
 * last `n` lines are never formatted.
 */
export function tailText(pieces: readonly Piece[], n: number): { text: string; dropped: boolean } {
  let lines = 0;
  let first = pieces.length;
  while (first > 0 && lines < n) {
    const p = pieces[--first] as Piece;
    lines += typeof p === 'string' ? countLines(p) : 1;
  }
  let text = '';
  for (let i = first; i < pieces.length; i++) {
    const p = pieces[i] as Piece;
    text += typeof p === 'string' ? p : formatReplyLine(p);
  }
  // Pieces above `first` were dropped whole; the first piece kept may hold lines above the last n, too.
  return { text: lines > n ? tailLines(text, n) : text, dropped: first > 0 || lines > n };
}

/** The terminal text of all of `pieces`. */
export function piecesText(pieces: readonly Piece[]): string {
  return tailText(pieces, Number.POSITIVE_INFINITY).text;
}
