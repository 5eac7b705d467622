/**
 * Turns the server's text into terminal output per `rx` chunk: one ReplyParser per SMTP connection; each line as
 * received, and after each complete reply its annotation, the likely cause behind its text and the coach's hints
 * (the formats are in render-replies.ts). Pure: no DOM, no xterm.
 */
import { exhaustive } from '../../shared/protocol/messages.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { showControls } from '../../shared/smtp/escape.js';
import type { Hint } from '../../shared/smtp/coach.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import type { ParseEvent, Reply } from '../../shared/smtp/types.js';
import { formatAnnotation, formatCoach, formatInvalid, formatOverflow, formatQueueId, formatSlow, formatVendor } from './render-replies.js';
import type { Piece } from './jump-scroll.js';

/**
 * What one rx chunk produced: its terminal output (server lines are formatted only when written, see
 * jump-scroll.ts) and the reports of the replies it completed.
 */
export interface Rendered {
  pieces: Piece[];
  replies: ReplyReport[];
  events: ParseEvent[];
}

/**
 * What the page knows about a complete reply, or null when it is not annotated one by one (a flood, flood.ts):
 * its report, whether to say why it was slow (`slow`: the page says each reason once per connection), the coach's
 * hints, and `more` terminal text to write after them (a guided lesson's progress). `firstLineAt`: when the chunk
 * with the reply's first line came (as given to rx()).
 */
export type ExplainReply = (reply: Reply, firstLineAt: number) => { report: ReplyReport; slow: boolean; hints: Hint[]; more: string } | null;

/** Feeds rx chunks through one ReplyParser per SMTP connection and renders each event. */
export class ServerTextRenderer {
  private parser = new ReplyParser();
  /** Server lines that are on screen already (the boot script painted them): parsed, not written again. */
  private skip = 0;
  /** When the first line of the reply being read came, or null between replies. */
  private replyStart: number | null = null;

  constructor(private readonly explain: ExplainReply) {}

  /** The next `n` server lines are on screen already (see boot/early.ts). */
  skipLines(n: number): void {
    this.skip = n;
  }

  /** Renders one chunk of server text, which came at `at` (performance.now(); for the replies' timing). */
  rx(data: string, at = 0): Rendered {
    const events = this.parser.push(data);
    const out: Rendered = { pieces: [], replies: [], events };
    for (const ev of events) {
      switch (ev.kind) {
        case 'line':
          this.replyStart ??= at;
          if (this.skip > 0) this.skip--;
          else out.pieces.push(ev.line);
          break;
        case 'reply': {
          const firstLineAt = this.replyStart ?? at;
          this.replyStart = null;
          const explained = this.explain(ev.reply, firstLineAt);
          if (explained === null) break;
          const { report, slow, hints, more } = explained;
          const why = slow ? formatSlow(report) : '';
          out.pieces.push(formatAnnotation(report) + formatVendor(report) + formatQueueId(report) + why + hints.map(formatCoach).join('') + more);
          out.replies.push(report);
          break;
        }
        case 'invalid':
          this.replyStart = null; // the line is part of no reply
          out.pieces.push(formatInvalid(ev.reason));
          break;
        case 'overflow':
          out.pieces.push(formatOverflow(ev.what, ev.limit));
          break;
        default:
          exhaustive(ev);
      }
    }
    return out;
  }

  /** Text received after the last line break (shown when the connection closes mid-line), controls made visible. */
  get pending(): string {
    return showControls(this.parser.pending);
  }

  /** For a new SMTP connection. */
  reset(): void {
    this.parser = new ReplyParser();
    this.skip = 0;
    this.replyStart = null;
  }
}
