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

/** `text` cut after its first `n` lines: those lines, and the rest (empty when it has no more than `n` lines). */
export function headLines(text: string, n: number): [head: string, rest: string] {
  // Every line takes at least two characters (CR LF): a shorter text cannot hold more than n lines.
  if (text.length <= 2 * n) return [text, ''];
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return [text, ''];
  }
  return [text.slice(0, at + 1), text.slice(at + 1)];
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

/** Queued pieces (about one per server line) beyond which the queue is cut down to what could still be shown. */
export const COMPACT_PIECES = 50_000;

/**
 * Output waiting to be written to the terminal, taken one write at a time: jump-scrolled to the lines the screen and
 * the scrollback keep (`keptLines`), and at most `maxLines` of them per write, the rest kept ahead of what comes next.
 * Writing in slices leaves the buffer as writing everything would: a later take that drops lines is `keptLines` long,
 * so once written it fills the whole buffer, slices written before it included. A take formats only the lines it
 * writes: at the start of a burst thousands of lines are queued, and formatting them all for a slice of 25 took a key's
 * echo 10–40 ms on a slow machine (docs/benchmarks.md, reply burst).
 */
export class OutputQueue {
  private pieces: Piece[] = [];
  private compactAt = COMPACT_PIECES;

  constructor(private readonly keptLines: () => number) {}

  /** Pieces queued (the rest of a piece that a slice cut counts as one). */
  get length(): number {
    return this.pieces.length;
  }

  push(piece: Piece): void {
    this.pieces.push(piece);
    // Frames stop while the page is hidden: keep only what could still be shown, not everything since.
    if (this.pieces.length >= this.compactAt) {
      this.pieces = [tailText(this.pieces, this.keptLines()).text];
      this.compactAt = this.pieces.length + COMPACT_PIECES;
    }
  }

  /** The next write's text (empty when nothing is queued), and whether lines were dropped to make it. */
  take(maxLines: number): { text: string; dropped: boolean } {
    const pieces = this.pieces;
    const kept = this.keptLines();
    // The first piece of the last `kept` lines, as tailText finds it; it may hold lines above them.
    let lines = 0;
    let first = pieces.length;
    while (first > 0 && lines < kept) {
      const p = pieces[--first] as Piece;
      lines += typeof p === 'string' ? countLines(p) : 1;
    }
    const dropped = first > 0 || lines > kept;
    if (lines > kept) pieces[first] = tailLines(pieces[first] as string, countLines(pieces[first] as string) - (lines - kept));
    let text = '';
    let taken = 0;
    let next = first;
    for (; next < pieces.length && taken < maxLines; next++) {
      const p = pieces[next] as Piece;
      if (typeof p !== 'string') {
        text += formatReplyLine(p);
        taken++;
        continue;
      }
      const n = countLines(p);
      if (taken + n <= maxLines) {
        text += p;
        taken += n;
        continue;
      }
      const [head, rest] = headLines(p, maxLines - taken);
      text += head;
      pieces[next] = rest;
      break;
    }
    this.pieces = pieces.slice(next);
    this.compactAt = this.pieces.length + COMPACT_PIECES;
    return { text, dropped };
  }
}
