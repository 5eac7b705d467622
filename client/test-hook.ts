/**
 * A small read-only window onto the page for the end-to-end tests (test/e2e): xterm's DOM rows lag its buffer by
 * a frame and hide wide-character layout, so tests read the buffer through this instead.
 */
export const TEST_HOOK_NAME = '__heloterm';

export interface HelotermTestHook {
  /** The terminal buffer as text, one line per row. */
  terminalText(): string;
  /** The viewport cell (0-based) where `needle` last appears on screen, or null. */
  locate(needle: string): { col: number; row: number } | null;
  /** The terminal cursor (0-based cell column, and row in the viewport). */
  cursor(): { col: number; row: number };
  /** Terminal size in cells, and the lines of scrollback kept above the screen. */
  size(): { cols: number; rows: number; scrollback: number };
  /** Starts counting the line feeds xterm parses (not counted otherwise: a listener per line costs). */
  countLineFeeds(): void;
  /** Line feeds xterm has parsed since countLineFeeds(): fewer than lines received when jump scrolling dropped some. */
  lineFeeds(): number;
  /** Pieces of output (about one per line) queued for the terminal and not yet written; set by the app once it runs. */
  pendingOutput(): number;
  /**
   * Floods of replies ended since the page loaded, and the replies they counted, summaries included that scrolled out
   * or were never drawn (flood.ts); set by the app once it runs.
   */
  floodsEnded(): { floods: number; replies: number };
  /** The characters the page shows most have been measured ahead, in idle time (width-warmup.ts); set by the app. */
  widthsWarm(): boolean;
  /**
   * WebSocket frames received since the app took them over, of those the frames read, and the most that waited to be
   * read at once (frame-inbox.ts); set by the app.
   */
  frames(): { received: number; read: number; mostWaiting: number };
  /** Whether the reply path has been run ahead (reply-warmup.ts). */
  replyPathWarm(): boolean;
  /**
   * The screen's rows as drawn: each row's text, whether xterm wrapped a line on to it, and whether it continues a
   * line heloterm broke at a space (continued.ts); set by the app (the boot script has no need of it).
   */
  screenRows?(): { text: string; wrapped: boolean; continuesOwn: boolean }[];
}
