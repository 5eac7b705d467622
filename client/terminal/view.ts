/**
 * The xterm.js terminal and the thin adapter around the pure line editor.
 *
 * Like telnet, there is no prompt: the line being typed sits on its own row(s) below the output. Output that
 * arrives while the user types is written *above* the input line: erase the input line, write the output, paint
 * the input line again. All writes go through one serialised painter, because xterm parses writes asynchronously
 * and the painter needs the buffer's real cursor position to know how many rows the input line occupies (wide
 * characters and wrapping make that hard to compute ahead). Where the input line starts is read back from the buffer:
 * output ends in a line break, so the input line starts a row of its own, and the rows it wraps onto are marked as
 * wrapped (xterm keeps that through reflow and scroll-back trimming).
 *
 * Output is written in animation frames, one write at a time (the next waits until xterm has parsed the last): what
 * comes meanwhile is queued and written together, jump-scrolled (jump-scroll.ts) when it is more than the screen and
 * the scrollback hold, a slice of lines per write. Typed keys are echoed with at most a small slice of output.
 *
 * Each write may wait a task before xterm parses it, behind the page's other tasks (a burst's WebSocket messages), so
 * the painter makes as few as it can: output and the input line go in one write; and a key typed while a write waits
 * to be parsed is echoed from a microtask once it is, when xterm has emptied its queue and parses a write that follows
 * a key at once, not in a task of its own (docs/benchmarks.md, reply burst). And the characters the page shows most
 * are measured ahead, in idle time, rather than between the rows of a burst's first frames (width-warmup.ts).
 */
import type { Terminal } from '@xterm/xterm';
import { SECRET_MARK } from '../../shared/smtp/transcript.js';
import { leftToBrowser, tabLeaves } from './keys.js';
import { LineEditor, type Completer } from './line-editor.js';
import type { ReportStore } from './reports.js';
import { formatCancelled, formatHint, formatSent } from './render-replies.js';
import { CodeTooltip } from './tooltip.js';
import { registerCodeLinks } from './links.js';
import { SCROLLBACK_LINES, fitScreen, type Screen } from './screen.js';
import { OutputQueue, type Piece } from './jump-scroll.js';
import { warmWidths } from './width-warmup.js';

const CSI = '\x1b[';
/**
 * While output comes faster than it can be shown (a write had to drop lines), it is written about 20 times a second
 * rather than in every frame: each write then drops more of what no frame could show, and the time goes to reading
 * the replies instead (docs/benchmarks.md, reply burst).
 */
const JUMP_INTERVAL_MS = 50;
/** About one animation frame: the wait before the frame that follows a timer. */
const FRAME_MS = 16;
/**
 * Lines handed to xterm in one write at most; the rest of what is queued (up to the screen and the scrollback, when
 * jump scrolling) is written in the frames that follow. xterm parses a write whole, in one task, and a key typed
 * meanwhile waits for all of it: 5,000 lines into a scrollback not yet full took about 120 ms, a slice of 1,000 into a
 * full one 20–67 ms. Slices of 400 made a burst's slowest keys quicker in three A/Bs, for 1–2% of its rate
 * (docs/benchmarks.md, reply burst).
 */
const WRITE_SLICE_LINES = 400;
/**
 * Lines per write at most while xterm's buffer still grows (fewer lines than the screen and the scrollback), and with
 * a key's echo then: each line is a new buffer line and a scroll event that resizes the viewport's scroll area, several
 * times what a line costs once the buffer is full and its lines are reused. A slice of 1,000 such lines took 90–220 ms
 * on a slow machine, and a key typed at the start of a burst waited for it (docs/benchmarks.md, reply burst).
 */
const GROWING_SLICE_LINES = 100;
const GROWING_ECHO_SLICE_LINES = 25;
/** Lines of queued output written at most with a key's echo, so that the echo does not wait for a whole slice. */
const ECHO_SLICE_LINES = 100;

export interface TerminalViewOptions {
  /** A completed line, to send. It is already shown on screen. */
  onLine: (text: string) => void;
  /** Tab completion of the line typed so far. */
  complete?: Completer;
  /** The replies shown, so hovering a code can tell about the reply it belongs to. */
  reports: ReportStore;
  /**
   * Where the AUTH credentials in the line being typed begin, or null when it holds none (transcript.ts
   * secretFrom): from there the line is shown as dots, on screen and once sent, and kept out of the history.
   */
  secretFrom?: (text: string) => number | null;
}


export class TerminalView {
  readonly term: Terminal;
  private readonly editor: LineEditor;
  private readonly tooltip: CodeTooltip;
  private readonly resizeObserver: ResizeObserver;
  /** The input line as the editor last rendered it; `search`: a history search's prompt (shown as it is). */
  private input: { text: string; cursor: number; search?: true } = { text: '', cursor: 0 };
  /** Output not yet written to xterm; lines worth writing at once are the screen's and the scrollback's. */
  private readonly queued = new OutputQueue(() => this.keptLines);
  /** A frame is requested, in which the queued output is written. */
  private frame = false;
  /** The last write dropped lines (jump-scroll.ts), so the next waits JUMP_INTERVAL_MS; when it was written. */
  private jumping = false;
  private lastOutput = 0;
  /** Callbacks made once (see docs/benchmarks.md on closures per session). */
  private readonly onFrame = (): void => {
    this.frame = false;
    this.flush();
  };
  private readonly nextFrame = (): void => {
    requestAnimationFrame(this.onFrame);
  };
  private busy = false;
  /** flush() for the microtask that echoes a key typed during a write (see done()). */
  private readonly flushKeyed = (): void => this.flush();
  private again = false;
  /** A key was typed since the last write: the next carries at most ECHO_SLICE_LINES of output. */
  private keyed = false;
  /** The input text as last painted on screen. */
  private shown = '';
  /** What Ctrl-C does has been said (once per page). */
  private cancelExplained = false;
  /** The last key pressed was Escape: a Tab now leaves the terminal (tabLeaves). */
  private escaped = false;
  /** The characters the page shows most are measured ahead (width-warmup.ts); how to stop that. */
  private readonly stopWarming: () => void;
  private warm = false;

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
    this.term.attachCustomKeyEventHandler((ev) => {
      if (ev.type === 'keydown') {
        const leaves = tabLeaves(ev, this.escaped);
        this.escaped = ev.key === 'Escape';
        if (leaves) return false;
      }
      return !leftToBrowser(ev, this.term.hasSelection());
    });
    this.resizeObserver = new ResizeObserver(() => fitScreen(this.screen));
    this.resizeObserver.observe(container);
    fitScreen(screen);
    this.stopWarming = warmWidths(this.term, () => (this.warm = true));
  }

  /**
   * Writes output above the input line, in the next animation frame (jump-scroll.ts). Text must already be safe
   * (see render.ts); server lines are formatted when written.
   */
  write(output: string | readonly Piece[]): void {
    if (typeof output === 'string') {
      if (output !== '') this.queued.push(output);
    } else for (const p of output) this.queued.push(p);
    if (this.queued.length > 0) this.schedule();
  }

  focus(): void {
    this.term.focus();
  }

  /** Lines the terminal keeps: the screen's rows and the scrollback. */
  get keptLines(): number {
    return this.term.rows + SCROLLBACK_LINES;
  }

  /** The characters the page shows most have been measured ahead (for the test hook). */
  get widthsWarm(): boolean {
    return this.warm;
  }

  /** Pieces of output queued and not yet written (for the test hook). */
  get pendingPieces(): number {
    return this.queued.length;
  }

  /**
   * Takes the line being typed as if Enter completed it, without handing it to onLine: the last line of a paste read
   * as a whole (/explain), which ended without a newline. Null when the line is empty.
   */
  takeLine(): string | null {
    if (this.editor.text === '') return null;
    const line = this.editor.accept();
    this.input = { text: '', cursor: 0 };
    this.queued.push(formatSent(this.display(line)));
    this.flush();
    return line;
  }

  /** Takes a completed line back out of the history (a quiz's answer: a digit, not a line to recall with Up). */
  forget(line: string): void {
    this.editor.forget(line);
  }

  /** Feeds keys typed before the view existed (the boot script kept them), as if typed now. */
  type(data: string): void {
    if (data !== '') this.onData(data);
  }

  dispose(): void {
    this.stopWarming();
    this.resizeObserver.disconnect();
    this.term.dispose();
  }

  /** Asks for a frame to write the queued output in: the next one, or while jump scrolling one JUMP_INTERVAL_MS on. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = true;
    const wait = this.jumping ? this.lastOutput + JUMP_INTERVAL_MS - performance.now() : 0;
    if (wait > FRAME_MS) setTimeout(this.nextFrame, wait - FRAME_MS);
    else requestAnimationFrame(this.onFrame);
  }

  /**
   * The next write's output (jump-scroll.ts): at most WRITE_SLICE_LINES, or ECHO_SLICE_LINES after a key; fewer while
   * the buffer grows.
   */
  private takeOutput(): string {
    const growing = this.term.buffer.active.length < this.keptLines;
    const most = growing ? (this.keyed ? GROWING_ECHO_SLICE_LINES : GROWING_SLICE_LINES) : this.keyed ? ECHO_SLICE_LINES : WRITE_SLICE_LINES;
    const { text, dropped } = this.queued.take(most);
    this.keyed = false;
    if (text !== '') {
      this.jumping = dropped;
      this.lastOutput = performance.now();
    }
    return text;
  }

  private onData(data: string): void {
    this.tooltip.hide();
    for (const effect of this.editor.feed(data)) {
      if (effect.kind === 'line' || effect.kind === 'cancel') {
        this.input = { text: '', cursor: 0 };
        // Judged once complete, after the lines before it were handed on (a paste's AUTH answers follow its AUTH).
        const from = this.opts.secretFrom?.(effect.text) ?? null;
        if (from !== null) this.editor.forget(effect.text);
        const shown = this.display(effect.text, from);
        if (effect.kind === 'line') {
          this.queued.push(formatSent(shown));
          this.opts.onLine(effect.text);
        } else {
          this.queued.push(formatCancelled(shown, !this.cancelExplained));
          this.cancelExplained = true;
        }
      } else if (effect.kind === 'candidates') {
        this.queued.push(formatHint(effect.labels.join('   ')));
      } else {
        this.input = { text: effect.text, cursor: effect.cursor, ...(effect.search ? { search: true as const } : {}) };
      }
    }
    this.keyed = true;
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
    // the start of the empty input line, so output needs no erase position. The next write still waits until xterm
    // has parsed this one, so that what comes meanwhile is jump-scrolled rather than piled up in xterm.
    if (this.shown === '' && this.input.text === '') {
      const output = this.takeOutput();
      if (output === '') return;
      this.busy = true;
      this.again = false;
      this.term.write(output, () => this.done());
      return;
    }
    this.busy = true;
    this.again = false;
    const output = this.takeOutput();
    const erase = this.eraseInputSequence();
    if (output === '') {
      this.paintInput(erase);
      return;
    }
    // The input line is painted in the same write as the output.
    this.shown = this.inputText();
    this.term.write(erase + output + this.shown, () => this.placeCursor());
  }

  /** A line as it shows: AUTH credentials as dots, one per character (so the cursor stays on the same cell count). */
  private display(text: string, from = this.opts.secretFrom?.(text) ?? null): string {
    return from === null ? text : text.slice(0, from) + SECRET_MARK.repeat(Array.from(text.slice(from)).length);
  }

  /** The input line as it shows. A search's prompt shows as it is: the history it searches holds no AUTH answer. */
  private inputText(): string {
    return this.input.search ? this.input.text : this.display(this.input.text);
  }

  private paintInput(prefix: string): void {
    this.shown = this.inputText();
    if (prefix === '' && this.shown === '') {
      this.done();
      return;
    }
    this.term.write(prefix + this.shown, () => this.placeCursor());
  }

  /** The cursor is after the text; move it back to the editor's cursor by repainting the part before it. */
  private placeCursor(): void {
    const chars = Array.from(this.shown);
    if (this.input.cursor >= chars.length) {
      this.done();
      return;
    }
    const before = chars.slice(0, this.input.cursor).join('');
    this.term.write(this.toInputStart() + before, () => this.done());
  }

  private done(): void {
    this.busy = false;
    // A key typed during the write is echoed now: not in a frame, nor after the jump-scroll interval (50 ms). From a
    // microtask: called back from xterm's parsing, a write would join its queue and may wait for another task.
    if (this.keyed) queueMicrotask(this.flushKeyed);
    // The rest of what a slice left queued goes in the next frame, even when nothing new came.
    else if (this.again || this.queued.length > 0) this.schedule();
  }

  /**
   * Rows between the start of the input line and the cursor (only valid when no write is pending): the rows above the
   * cursor's that its line wrapped from (the input line starts a row of its own).
   */
  private rowsBelowInputStart(): number {
    const buf = this.term.buffer.active;
    const y = buf.baseY + buf.cursorY;
    let n = 0;
    while (n < y && buf.getLine(y - n)?.isWrapped === true) n++;
    return n;
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

