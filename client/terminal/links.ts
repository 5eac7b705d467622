/**
 * Makes the reply codes and enhanced status codes in the terminal hoverable: a link provider that finds them with
 * the shared findCodeTokens (the same rule that coloured them) and shows the explanation tooltip on hover. The
 * reason a server's certificate did not verify (findTlsErrorToken) is hoverable too.
 *
 * xterm link ranges are 1-based and inclusive, in buffer cells. findCodeTokens works in UTF-16 offsets of the line
 * text, so offsets are mapped to cells: a wide character takes two cells, a surrogate pair two code units. A line
 * that wrapped is searched whole (its rows joined: cut where a row ends by xterm, or broken at a space by heloterm,
 * render.ts wrapOwn), so a code on a later row (an annotation's enhanced code in a narrow terminal), or a server's
 * code split across two rows, is hoverable too.
 */
import type { IBuffer, IBufferLine, ILink, IDisposable, Terminal } from '@xterm/xterm';
import { findCodeTokens, type CodeToken } from '../../shared/smtp/tokens.js';
import { findKeywordToken } from '../../shared/smtp/ehlo.js';
import { explainTlsError, findTlsErrorToken } from '../../shared/smtp/tls-report.js';
import type { ReportStore } from './reports.js';
import { continuesOwn } from './continued.js';
import { cellColumns } from './screen.js';
import type { CodeTooltip, HoverTarget, ScreenBox } from './tooltip.js';

/**
 * A line as written, over the row it starts on and the rows it wrapped on to. Here, not in screen.ts with the rest of
 * the buffer's readers: the boot script, which loads screen.ts, has no hover (first load, benchmark 3).
 */
export interface LogicalLine {
  /** The buffer row (0-based) it starts on. */
  first: number;
  text: string;
  /** The buffer row and cell column (0-based) of each UTF-16 offset of `text`. */
  cells: { row: number; col: number }[];
}

/** Whether row `y` continues the line above it: wrapped by xterm, or broken by heloterm (render.ts wrapOwn). */
const continues = (buf: IBuffer, y: number): boolean => buf.getLine(y)?.isWrapped === true || continuesOwn(buf.getLine(y));

/**
 * The logical line that buffer row `y` (0-based) is part of, its rows joined; null past the buffer. A row heloterm
 * broke a line of its own on joins at the space it replaced, its concealed indent left out: an annotation's codes,
 * and its number, are found on any of its rows.
 */
export function logicalLine(buf: IBuffer, y: number): LogicalLine | null {
  let first = y;
  while (first > 0 && continues(buf, first)) first--;
  const start = buf.getLine(first);
  if (start === undefined) return null;
  const out: LogicalLine = { first, text: '', cells: [] };
  for (let row = first, line: IBufferLine | undefined = start; line !== undefined; ) {
    const next = buf.getLine(row + 1);
    const wrapped = next?.isWrapped === true;
    let { text, columns } = cellColumns(line, !wrapped);
    if (row > first && !line.isWrapped) {
      // A row heloterm broke on to: the space it stands for, then the text after the indent.
      const indent = text.length - text.trimStart().length;
      out.text += ' ';
      out.cells.push({ row, col: 0 });
      text = text.slice(indent);
      columns = columns.slice(indent);
    }
    out.text += text;
    for (const col of columns) out.cells.push({ row, col });
    if (!continues(buf, row + 1)) break;
    row++;
    line = next;
  }
  return out;
}

/** The viewport's rows as drawn, and how each follows the one above (test-hook.ts screenRows). */
export function screenRows(term: Terminal): { text: string; wrapped: boolean; continuesOwn: boolean }[] {
  const buf = term.buffer.active;
  return Array.from({ length: term.rows }, (_, r) => {
    const line = buf.getLine(buf.viewportY + r);
    return { text: line?.translateToString(true) ?? '', wrapped: line?.isWrapped === true, continuesOwn: continuesOwn(line) };
  });
}

/** The 1-based inclusive cell range of a token of a logical line; it may span rows. */
function tokenRange(t: Pick<CodeToken, 'start' | 'end'>, line: LogicalLine, buf: IBuffer): ILink['range'] | null {
  const first = line.cells[t.start];
  const last = line.cells[t.end - 1];
  if (first === undefined || last === undefined) return null;
  const lastWidth = buf.getLine(last.row)?.getCell(last.col)?.getWidth() ?? 1;
  return { start: { x: first.col + 1, y: first.row + 1 }, end: { x: last.col + lastWidth, y: last.row + 1 } };
}

/** Where a link's cells stand on screen, in client pixels, so the tooltip can keep clear of them. */
function rangeBox(term: Terminal, range: ILink['range']): ScreenBox | null {
  const screen = term.element?.querySelector('.xterm-screen');
  if (screen === null || screen === undefined) return null;
  const r = screen.getBoundingClientRect();
  const cellWidth = r.width / term.cols;
  const cellHeight = r.height / term.rows;
  const top = term.buffer.active.viewportY;
  // A link over several rows (a wrapped code) is kept clear of as whole rows.
  const oneRow = range.start.y === range.end.y;
  return {
    left: oneRow ? r.left + (range.start.x - 1) * cellWidth : r.left,
    right: oneRow ? r.left + range.end.x * cellWidth : r.right,
    top: r.top + (range.start.y - 1 - top) * cellHeight,
    bottom: r.top + (range.end.y - top) * cellHeight,
  };
}

export function registerCodeLinks(term: Terminal, tooltip: CodeTooltip, reports: ReportStore): IDisposable {
  const link = (range: ILink['range'], text: string, target: () => HoverTarget): ILink => ({
    range,
    text,
    decorations: { pointerCursor: false, underline: true },
    activate: (event) => tooltip.show(target(), event, rangeBox(term, range)),
    hover: (event) => tooltip.show(target(), event, rangeBox(term, range)),
    leave: () => tooltip.hide(),
  });
  return term.registerLinkProvider({
    provideLinks(y, callback) {
      const buf = term.buffer.active;
      const line = logicalLine(buf, y - 1);
      const tokens = line === null ? [] : findCodeTokens(line.text);
      // The reason a certificate did not verify, wherever it is written (the TLS findings, /tls).
      const tlsToken = line === null || tokens.length > 0 ? null : findTlsErrorToken(line.text);
      if (line !== null && tlsToken !== null) {
        const range = tokenRange(tlsToken, line, buf);
        const onThisRow = range !== null && range.start.y <= y && y <= range.end.y;
        callback(onThisRow ? [link(range, tlsToken.key, () => ({ kind: 'tls', explanation: explainTlsError(tlsToken.key) }))] : undefined);
        return;
      }
      if (line === null || tokens.length === 0) {
        callback(undefined);
        return;
      }
      // Only the links that cross row y: xterm asks again for the other rows of the line.
      const onRow = (range: ILink['range'] | null): range is ILink['range'] => range !== null && range.start.y <= y && y <= range.end.y;
      // The reply this line belongs to (xterm asks only for rows under the pointer, so this walk is rare).
      const row = reports.forRow(buf, line.first);
      const links: ILink[] = [];
      for (const token of tokens) {
        const range = tokenRange(token, line, buf);
        if (onRow(range)) links.push(link(range, token.key, () => ({ kind: 'code', token, report: row?.report ?? null })));
      }
      // EHLO keywords (every line of an EHLO reply but the first, the server's greeting) are hoverable too.
      const ehlo = row !== null && row.lineIndex > 0 ? row.report.ehlo?.[row.lineIndex] : undefined;
      const kw = ehlo !== undefined ? findKeywordToken(line.text) : null;
      const kwRange = kw !== null ? tokenRange(kw, line, buf) : null;
      if (ehlo !== undefined && kw !== null && onRow(kwRange)) links.push(link(kwRange, kw.key, () => ({ kind: 'keyword', explanation: ehlo })));
      callback(links);
    },
  });
}
