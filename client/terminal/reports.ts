/**
 * Ties rows of the terminal to the reply they belong to, so hovering a code can show what heloterm knows about that
 * reply (its meaning in context, the likely cause behind its text, the EHLO keyword on that line).
 *
 * Every annotation line ends with the reply's number, `[n]`, which the reply log shows too. A reply's lines stand
 * right above its annotation, so from any row the reply is found by walking down to the next annotation line.
 */
import type { IBuffer } from '@xterm/xterm';
import type { ReplyReport } from '../../shared/smtp/report.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { FLOOD_MARK } from './render-replies.js';
import { continuesOwn } from './continued.js';

/** Replies remembered for hovering; older ones have scrolled far out of the scrollback anyway. */
export const MAX_REPORTS = 2000;
/** How far below a row its annotation may stand: a reply's lines (the parser keeps at most 1000) plus notes. */
const MAX_WALK_ROWS = 1200;

const ANNOTATION_LINE = new RegExp(`^\\s*${ANNOTATION_MARK} .*\\[(\\d+)\\]$`);
const REPLY_LINE = /^[2-5][0-5][0-9](?:[ -]|$)/;
/** A flood's summary line: the replies above it have no annotation line, so the walk must not go past it. */
const FLOOD_LINE = new RegExp(`^\\s*${FLOOD_MARK} `);

export interface RowReport {
  report: ReplyReport;
  /** Which line of the reply the row shows (0 = first), or -1 for the annotation line itself. */
  lineIndex: number;
}

/**
 * The text of the logical line whose first row is y (the rows it was wrapped on to joined), and the row after it.
 * Text only: links.ts logicalLine() also maps each character to its cell, which this walk (up to MAX_WALK_ROWS rows
 * per hover) does not need.
 */
function lineTextFrom(buf: IBuffer, y: number): { text: string; next: number } {
  let text = buf.getLine(y)?.translateToString(true) ?? '';
  let next = y + 1;
  for (let line = buf.getLine(next); line !== undefined; line = buf.getLine(++next)) {
    if (line.isWrapped) text += line.translateToString(true);
    // A row heloterm broke a line of its own on to (render.ts wrapOwn): joined at the space it stands for.
    else if (continuesOwn(line)) text += ` ${line.translateToString(true).trimStart()}`;
    else break;
  }
  return { text, next };
}

export class ReportStore {
  /** The newest MAX_REPORTS reports, in a ring by number (numbers only grow). */
  private readonly ring: (ReplyReport | undefined)[] = new Array<ReplyReport | undefined>(MAX_REPORTS);
  /** The highest number given out or added: replies received and explained share one count on the page. */
  private last = 0;

  /** The number the next reply gets. */
  get upcoming(): number {
    return this.last + 1;
  }

  /** Gives the next number to a reply (one received: kept here or not, as in a flood). */
  take(): number {
    return ++this.last;
  }

  add(report: ReplyReport): void {
    this.ring[report.n % MAX_REPORTS] = report;
    if (report.n > this.last) this.last = report.n;
  }

  get(n: number): ReplyReport | undefined {
    const r = this.ring[n % MAX_REPORTS];
    return r?.n === n ? r : undefined;
  }

  /** The reply that buffer row `y` (0-based, not a wrapped continuation) belongs to, or null. */
  forRow(buf: IBuffer, y: number): RowReport | null {
    let below = 0;
    for (let row = y, walked = 0; row < buf.length && walked < MAX_WALK_ROWS; walked++) {
      const { text, next } = lineTextFrom(buf, row);
      if (FLOOD_LINE.test(text)) return null;
      const m = ANNOTATION_LINE.exec(text);
      if (m !== null) {
        const report = this.get(Number(m[1]));
        if (report === undefined) return null;
        if (row === y) return { report, lineIndex: -1 };
        return { report, lineIndex: report.reply.lines.length - below };
      }
      if (REPLY_LINE.test(text)) below++;
      row = next;
    }
    return null;
  }
}
