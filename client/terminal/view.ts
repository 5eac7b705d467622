/**
 * The xterm.js terminal and the thin adapter around the pure line editor.
 *
 * Like telnet, there is no prompt: the line being typed sits on its own row(s) below the output. Output that
 * arrives while the user types is written *above* the input line: erase the input line, write the output, paint
 * the input line again. All writes go through one serialised painter, because xterm parses writes asynchronously
 * and the painter needs the buffer's real cursor position to know how many rows the input line occupies (wide
 * characters and wrapping make that hard to compute ahead). A marker (which xterm moves on scroll-back trimming
 * and reflow) keeps the row where the input line starts.
 */
import type { IMarker, Terminal } from '@xterm/xterm';
import { LineEditor, type Completer } from './line-editor.js';
import type { ReportStore } from './reports.js';
import { formatHint, formatSent } from './render-replies.js';
import { CodeTooltip } from './tooltip.js';
import { registerCodeLinks } from './links.js';
import { bufferText, fitScreen, locateText, type Screen } from './screen.js';

const CSI = '\x1b[';

export interface TerminalViewOptions {
  /** A completed line, to send. It is already shown on screen. */
  onLine: (text: string) => void;
  /** Tab completion of the line typed so far. */
  complete?: Completer;
  /** The replies shown, so hovering a code can tell about the reply it belongs to. */
  reports: ReportStore;
}

export class TerminalView {
  readonly term: Terminal;
  private readonly editor: LineEditor;
  private readonly tooltip: CodeTooltip;
  private readonly resizeObserver: ResizeObserver;
  private input = { text: '', cursor: 0 };
  private queued: string[] = [];
  private busy = false;
  private again = false;
  private inputStart: IMarker | null = null;
  /** The input text as last painted on screen. */
  private shown = '';

  /**
   * Takes over the terminal the boot script created (screen.ts). Its cursor must stand at the start of an empty
   * line (everything written before ends in a line break): that is where the input line goes.
   */
  constructor(private readonly screen: Screen, private readonly opts: TerminalViewOptions) {
    this.editor = new LineEditor({ complete: opts.complete });
    this.term = screen.term;
    const container = this.term.element?.parentElement ?? document.body;
    const host = this.term.element ?? container;
    this.tooltip = new CodeTooltip(host);
    registerCodeLinks(this.term, this.tooltip, opts.reports);
    this.term.onData((data) => this.onData(data));
    this.inputStart = this.term.registerMarker(0);
    this.resizeObserver = new ResizeObserver(() => fitScreen(this.screen));
    this.resizeObserver.observe(container);
    fitScreen(screen);
  }

  /** Writes output above the input line. The text must already be safe (see render.ts). */
  write(text: string): void {
    if (text === '') return;
    this.queued.push(text);
    this.flush();
  }

  focus(): void {
    this.term.focus();
  }

  /** The whole buffer as text, one entry per line (wrapped rows joined), trailing blank lines dropped. */
  text(): string {
    return bufferText(this.term);
  }

  /** The viewport cell (0-based column and row) where `needle` last appears on screen, or null. */
  locate(needle: string): { col: number; row: number } | null {
    return locateText(this.term, needle);
  }

  /** Feeds keys typed before the view existed (the boot script kept them), as if typed now. */
  type(data: string): void {
    if (data !== '') this.onData(data);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.term.dispose();
  }

  private onData(data: string): void {
    this.tooltip.hide();
    for (const effect of this.editor.feed(data)) {
      if (effect.kind === 'line') {
        this.input = { text: '', cursor: 0 };
        this.queued.push(formatSent(effect.text));
        this.opts.onLine(effect.text);
      } else if (effect.kind === 'candidates') {
        this.queued.push(formatHint(effect.labels.join('   ')));
      } else {
        this.input = { text: effect.text, cursor: effect.cursor };
      }
    }
    this.flush();
  }

  /**
   * Brings the screen up to date: erase the input line, write queued output, paint the input line, place the
   * cursor. Each step that depends on where xterm's cursor ended up waits for the previous write to be parsed.
   */
  private flush(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    // No input line on screen and none to paint (the usual case while a server talks): the cursor already stands at
    // the start of the empty input line, so output needs no erase position and no wait. xterm parses writes in
    // order, so a burst streams through without a round trip per batch.
    if (this.shown === '' && this.input.text === '') {
      const output = this.queued.join('');
      this.queued = [];
      this.inputStart?.dispose();
      this.inputStart = null;
      if (output !== '') this.term.write(output);
      return;
    }
    this.busy = true;
    this.again = false;
    const output = this.queued.join('');
    this.queued = [];
    const erase = this.eraseInputSequence();
    if (output === '') {
      this.paintInput(erase);
      return;
    }
    this.term.write(erase + output, () => {
      this.inputStart?.dispose();
      this.inputStart = this.term.registerMarker(0);
      this.paintInput('');
    });
  }

  private paintInput(prefix: string): void {
    this.shown = this.input.text;
    if (prefix === '' && this.shown === '') {
      this.done();
      return;
    }
    this.term.write(prefix + this.input.text, () => this.placeCursor());
  }

  /** The cursor is after the text; move it back to the editor's cursor by repainting the part before it. */
  private placeCursor(): void {
    const chars = Array.from(this.input.text);
    if (this.input.cursor >= chars.length) {
      this.done();
      return;
    }
    const before = chars.slice(0, this.input.cursor).join('');
    this.term.write(this.toInputStart() + before, () => this.done());
  }

  private done(): void {
    this.busy = false;
    if (this.again) this.flush();
  }

  /** Rows between the start of the input line and the cursor (only valid when no write is pending). */
  private rowsBelowInputStart(): number {
    const start = this.inputStart;
    if (start === null || start.isDisposed || start.line < 0) return 0;
    const buf = this.term.buffer.active;
    return Math.max(0, buf.baseY + buf.cursorY - start.line);
  }

  private toInputStart(): string {
    const up = this.rowsBelowInputStart();
    return `${up > 0 ? `${CSI}${up}A` : ''}\r`;
  }

  /** Moves to the start of the input line and erases from there to the end of the screen. */
  private eraseInputSequence(): string {
    return `${this.toInputStart()}${CSI}J`;
  }
}

