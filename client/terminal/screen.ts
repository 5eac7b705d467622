/**
 * The xterm.js terminal itself: created by the boot script (main.ts) so the first prompt can be painted before the
 * rest of the page has loaded, then handed to TerminalView (view.ts), which adds the line editor and the hover.
 * Also the read-only views of its buffer the page and its tests need (text, where a text stands on screen).
 */
import { Terminal, type IBufferLine, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { continuesOwn } from './continued.js';
import { setWrapColumns } from './render.js';

/** Lines kept above the screen. */
export const SCROLLBACK_LINES = 5000;
const FONT_SIZE_PX = 14;
const FONT_FAMILY = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';

const THEME: ITheme = {
  background: '#12151b',
  foreground: '#d6dbe4',
  cursor: '#e8ecf2',
  cursorAccent: '#12151b',
  selectionBackground: '#3a4660',
  black: '#1b1f27',
  red: '#ff7a7a',
  green: '#7fd88f',
  yellow: '#e9c46a',
  blue: '#7aa2f7',
  magenta: '#c99cf0',
  cyan: '#5fd0e0',
  white: '#d6dbe4',
  brightBlack: '#5c6370',
  brightRed: '#ff9b9b',
  brightGreen: '#a3e8ae',
  brightYellow: '#f3d98c',
  brightBlue: '#a5c1ff',
  brightMagenta: '#ddbdf7',
  brightCyan: '#8fe3ee',
  brightWhite: '#ffffff',
};

export interface Screen {
  term: Terminal;
  fit: FitAddon;
}

/** Creates the terminal in `container` and fits it to the container. */
export function createScreen(container: HTMLElement): Screen {
  const term = new Terminal({
    convertEol: false,
    cursorBlink: true,
    fontFamily: FONT_FAMILY,
    fontSize: FONT_SIZE_PX,
    lineHeight: 1.15,
    scrollback: SCROLLBACK_LINES,
    theme: THEME,
    screenReaderMode: false,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(container);
  const screen = { term, fit };
  fitScreen(screen);
  return screen;
}

/**
 * Fits the terminal to its container, unless the container is hidden (that would give nonsense dimensions); heloterm's
 * own lines are wrapped to the width it fits (render.ts wrapOwn). Lines written before a resize keep their breaks.
 */
export function fitScreen({ term, fit }: Screen): void {
  if (term.element?.offsetParent === null) return;
  fit.fit();
  setWrapColumns(term.cols);
}

/**
 * The cell (0-based column) of each UTF-16 offset of `line.translateToString(true)`. With `trim` false the row's
 * trailing blanks are kept (a row that wraps on to the next is full: its blanks are part of the line's text).
 */
export function cellColumns(line: IBufferLine, trim = true): { text: string; columns: number[] } {
  const columns: number[] = [];
  let text = '';
  for (let x = 0; x < line.length; x++) {
    const cell = line.getCell(x);
    if (cell === undefined) break;
    if (cell.getWidth() === 0) continue; // the right half of a wide character
    const chars = cell.getChars() || ' ';
    for (let i = 0; i < chars.length; i++) columns.push(x);
    text += chars;
  }
  if (!trim) return { text, columns };
  // translateToString(true) trims trailing whitespace: keep the offsets of the text that remains.
  const trimmed = text.replace(/\s+$/, '');
  columns.length = trimmed.length;
  return { text: trimmed, columns };
}

/**
 * The whole buffer as text, one entry per line as written (rows xterm wrapped joined; rows heloterm's own lines were
 * broken into joined at the space they were broken at), trailing blank lines dropped.
 */
export function bufferText(term: Terminal): string {
  const buf = term.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < buf.length; y++) {
    const line = buf.getLine(y);
    const text = line?.translateToString(true) ?? '';
    const last = rows.length - 1;
    if (line?.isWrapped === true && last >= 0) rows[last] = padEnd(rows[last] ?? '', term.cols) + text;
    else if (continuesOwn(line) && last >= 0) rows[last] += ` ${text.trimStart()}`;
    else rows.push(text);
  }
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  return rows.join('\n');
}

/** The viewport cell (0-based column and row) where `needle` last appears on screen, or null. */
export function locateText(term: Terminal, needle: string): { col: number; row: number } | null {
  const buf = term.buffer.active;
  for (let r = term.rows - 1; r >= 0; r--) {
    const line = buf.getLine(buf.viewportY + r);
    if (line === undefined) continue;
    const { text, columns } = cellColumns(line);
    const at = text.lastIndexOf(needle);
    const col = at >= 0 ? columns[at] : undefined;
    if (col !== undefined) return { col, row: r };
  }
  return null;
}

/** A wrapped row continues a full row: restore the spaces translateToString(true) trimmed from its end. */
function padEnd(row: string, cols: number): string {
  return row.length >= cols ? row : row + ' '.repeat(cols - row.length);
}
