/**
 * Makes the reply codes and enhanced status codes in the terminal hoverable: a link provider that finds them with
 * the shared findCodeTokens (the same rule that coloured them) and shows the explanation tooltip on hover.
 *
 * xterm link ranges are 1-based and inclusive, in buffer cells. findCodeTokens works in UTF-16 offsets of the line
 * text, so offsets are mapped to cells: a wide character takes two cells, a surrogate pair two code units. Only the
 * line itself is searched (a code never starts a wrapped continuation row), which covers every reply line, since
 * codes sit at the start of a line.
 */
import type { IBufferLine, ILink, IDisposable, Terminal } from '@xterm/xterm';
import { findCodeTokens, type CodeToken } from '../../shared/smtp/tokens.js';
import { findKeywordToken } from '../../shared/smtp/ehlo.js';
import type { ReportStore } from './reports.js';
import { cellColumns } from './screen.js';
import type { CodeTooltip, HoverTarget } from './tooltip.js';

/** The 1-based inclusive cell range of a token on buffer line `y` (1-based). */
function tokenRange(t: Pick<CodeToken, 'start' | 'end'>, columns: number[], line: IBufferLine, y: number): ILink['range'] | null {
  const first = columns[t.start];
  const last = columns[t.end - 1];
  if (first === undefined || last === undefined) return null;
  const lastWidth = line.getCell(last)?.getWidth() ?? 1;
  return { start: { x: first + 1, y }, end: { x: last + lastWidth, y } };
}

export function registerCodeLinks(term: Terminal, tooltip: CodeTooltip, reports: ReportStore): IDisposable {
  const link = (range: ILink['range'], text: string, target: () => HoverTarget): ILink => ({
    range,
    text,
    decorations: { pointerCursor: false, underline: true },
    activate: (event) => tooltip.show(target(), event),
    hover: (event) => tooltip.show(target(), event),
    leave: () => tooltip.hide(),
  });
  return term.registerLinkProvider({
    provideLinks(y, callback) {
      const buf = term.buffer.active;
      const line = buf.getLine(y - 1);
      if (line === undefined || line.isWrapped) {
        callback(undefined);
        return;
      }
      const { text, columns } = cellColumns(line);
      const tokens = findCodeTokens(text);
      if (tokens.length === 0) {
        callback(undefined);
        return;
      }
      // The reply this row belongs to (xterm asks only for rows under the pointer, so this walk is rare).
      const row = reports.forRow(buf, y - 1);
      const links: ILink[] = [];
      for (const token of tokens) {
        const range = tokenRange(token, columns, line, y);
        if (range !== null) links.push(link(range, token.key, () => ({ kind: 'code', token, report: row?.report ?? null })));
      }
      // EHLO keywords (every line of an EHLO reply but the first, the server's greeting) are hoverable too.
      const ehlo = row !== null && row.lineIndex > 0 ? row.report.ehlo?.[row.lineIndex] : undefined;
      const kw = ehlo !== undefined ? findKeywordToken(text) : null;
      const kwRange = kw !== null ? tokenRange(kw, columns, line, y) : null;
      if (ehlo !== undefined && kw !== null && kwRange !== null) links.push(link(kwRange, kw.key, () => ({ kind: 'keyword', explanation: ehlo })));
      callback(links);
    },
  });
}
