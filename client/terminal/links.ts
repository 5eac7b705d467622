/**
 * Makes the reply codes and enhanced status codes in the terminal hoverable: a link provider that finds them with
 * the shared findCodeTokens (the same rule that coloured them) and shows the explanation tooltip on hover. The
 * reason a server's certificate did not verify (findTlsErrorToken) is hoverable too.
 *
 * xterm link ranges are 1-based and inclusive, in buffer cells. findCodeTokens works in UTF-16 offsets of the line
 * text, so offsets are mapped to cells: a wide character takes two cells, a surrogate pair two code units. A line
 * that wrapped is searched whole (its rows joined), so a code on a continuation row, or split across two rows (an
 * annotation's enhanced code in a narrow terminal), is hoverable too.
 */
import type { IBuffer, ILink, IDisposable, Terminal } from '@xterm/xterm';
import { findCodeTokens, type CodeToken } from '../../shared/smtp/tokens.js';
import { findKeywordToken } from '../../shared/smtp/ehlo.js';
import { explainTlsError, findTlsErrorToken } from '../../shared/smtp/tls-report.js';
import type { ReportStore } from './reports.js';
import { logicalLine, type LogicalLine } from './screen.js';
import type { CodeTooltip, HoverTarget, ScreenBox } from './tooltip.js';

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
