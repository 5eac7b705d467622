/**
 * What the page does while the rest of it (app.ts: line editor, reply log, explanations) is still loading: keep
 * every event from the bridge, in order, for the app to handle when it arrives, and paint the start of the dialog
 * at once, so the first prompt does not wait for the explanations (benchmark 4, time to first prompt).
 *
 * It paints only what it can paint exactly as the app would, and only a prefix of the dialog: the "connecting" and
 * "connected" notes and the lines of the first reply (the greeting), up to and including its last line. The
 * greeting's annotation, and everything after it, is the app's: an annotation must follow its reply's last line,
 * and nothing else may come between. The first event it cannot paint that way ends its painting for good.
 */
import type { ServerMessage } from '../../shared/protocol/messages.js';
import { DEFAULT_MAX_LINE_CHARS, replyCodeAt } from '../../shared/smtp/reply-code.js';
import { formatConnected, formatConnecting, formatServerLine } from '../terminal/render.js';

/** One event from the bridge's WebSocket, as the boot script saw it. */
export type EarlyEvent =
  | {
      kind: 'message';
      m: ServerMessage;
      /** Its note (connecting, connected) is on screen already. */
      painted: boolean;
      /** When it arrived (performance.now()): how long the server took is measured from these. */
      at: number;
    }
  /** A frame the boot script does not decode (a `tls` message): the app decodes it, in its place among the rest. */
  | { kind: 'frame'; data: string; at: number }
  | { kind: 'open' }
  | { kind: 'down'; code: number; reason: string }
  | { kind: 'protocolError'; error: string };

/** What the app takes over. */
export interface EarlyState {
  events: EarlyEvent[];
  /** How many server lines (from the start of the `rx` text) are on screen already. */
  paintedLines: number;
}

export class EarlyPainter {
  private readonly events: EarlyEvent[] = [];
  private painting = true;
  private paintedLines = 0;
  /** Received text after the last line feed. */
  private partial = '';

  /**
   * `write` puts text on the terminal; `onStop` is called once, when painting stops (the greeting is complete, or
   * something came that the app must show): the moment the app is needed.
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly onStop: () => void = () => undefined,
  ) {}

  link(e: Exclude<EarlyEvent, { kind: 'message' | 'frame' }>): void {
    this.events.push(e);
  }

  /** A frame the boot script does not decode: the app's to show, and all after it. */
  frame(data: string): void {
    if (this.painting) {
      this.painting = false;
      this.onStop();
    }
    this.events.push({ kind: 'frame', data, at: performance.now() });
  }

  message(m: ServerMessage): void {
    let painted = false;
    if (this.painting) {
      switch (m.type) {
        case 'hello':
          break;
        case 'connecting':
          this.write(formatConnecting(m.host, m.port));
          painted = true;
          break;
        case 'connected':
          this.write(formatConnected(m.host, m.address, m.port));
          painted = true;
          break;
        case 'rx':
          // Lines written (`sent`) are the app's to follow, and all after them; the app only sends once it is here.
          if (m.sent === undefined) this.rx(m.data);
          else this.painting = false;
          break;
        default:
          // Anything else (an error, a close, TLS, a line written) is the app's to show, and all after it.
          this.painting = false;
      }
      if (!this.painting) this.onStop();
    }
    this.events.push({ kind: 'message', m, painted, at: performance.now() });
  }

  /** Stops painting and gives everything kept to the app. */
  handOver(): EarlyState {
    if (this.painting) {
      this.painting = false;
      this.onStop();
    }
    return { events: this.events.splice(0), paintedLines: this.paintedLines };
  }

  /** Paints complete reply lines of the first reply; stops at its last line or at a line that is not a reply line. */
  private rx(data: string): void {
    let text = this.partial + data;
    this.partial = '';
    let out = '';
    for (let lf = text.indexOf('\n'); lf !== -1 && this.painting; lf = text.indexOf('\n')) {
      const bareLf = lf === 0 || text.charCodeAt(lf - 1) !== 13;
      const raw = text.slice(0, bareLf ? lf : lf - 1);
      text = text.slice(lf + 1);
      // The app's parser reports these with a note of their own right after the line: leave them to it.
      if (replyCodeAt(raw) < 0 || raw.length > DEFAULT_MAX_LINE_CHARS) {
        this.painting = false;
        break;
      }
      out += formatServerLine(raw, bareLf);
      this.paintedLines++;
      // Its last line: "250 …" or "250", not "250-…".
      if (raw.charCodeAt(3) !== 45) this.painting = false;
    }
    // A line longer than the app's parser keeps is reported by it: leave it to the app too.
    if (this.painting && text.length > DEFAULT_MAX_LINE_CHARS + 1) this.painting = false;
    if (this.painting) this.partial = text;
    if (out !== '') this.write(out);
  }
}
