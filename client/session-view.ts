/**
 * The SMTP dialog as the page follows it, one connection at a time: the session model fed with every line written and
 * every reply (shared/smtp/session.ts), each reply rendered and explained into the terminal, the reply log and the
 * transcript (its refusals' causes too), the coach's hints before and after, slow replies and a silent greeting
 * explained, floods summarised, the practice server's stored messages shown after the reply to their final "." and
 * the connection's log kept for `/log` (practice-trail.ts).
 */
import type { PracticeInfo, RxMessage, ServerMessage, StoredMessage } from '../shared/protocol/messages.js';
import { Coach } from '../shared/smtp/coach.js';
import { refusalNote, reportReply } from '../shared/smtp/report.js';
import { SessionModel } from '../shared/smtp/session.js';
import { endsMessage, type SentKind } from '../shared/smtp/session-state.js';
import { GREETING_SILENCE_MS, idleNote, silentGreeting } from '../shared/smtp/timing.js';
import type { Transcript } from '../shared/smtp/transcript.js';
import { FloodWatch } from './terminal/flood-watch.js';
import { completeHeaderLine, completeLine } from './terminal/local-commands.js';
import type { CompletionResult } from './terminal/line-editor.js';
import type { Piece } from './terminal/jump-scroll.js';
import { formatStored } from './terminal/render-findings.js';
import { formatCoach } from './terminal/render-replies.js';
import { formatNote } from './terminal/render.js';
import { ScramExchange } from './terminal/scram.js';
import type { ReportStore } from './terminal/reports.js';
import { ServerTextRenderer } from './terminal/server-text.js';
import { SUBMISSIONS_PORT } from './ui/connect-form.js';
import type { LessonGuide } from './ui/lesson-guide.js';
import { PracticeTrail } from './ui/practice-trail.js';
import type { LogEntry } from './ui/reply-log.js';
import type { ServerChecks } from './ui/server-checks.js';

export interface SessionViewDeps {
  write(output: string | readonly Piece[]): void;
  transcript: Transcript;
  reports: ReportStore;
  log: { add(entry: LogEntry): void };
  checks: Pick<ServerChecks, 'greeted' | 'replied'>;
  guide: Pick<LessonGuide, 'afterReply' | 'afterSend'>;
  /** The practice server, once the bridge has said hello. */
  practice(): PracticeInfo | null;
  /** Whether a connection is open (the connect form's state). */
  connected(): boolean;
}

export class SessionView {
  /** The last connection to the practice server, as its log has it (`/log`). */
  readonly trail = new PracticeTrail();
  private current = new SessionModel();
  private readonly coach = new Coach();
  private readonly flood: FloodWatch;
  private readonly renderer: ServerTextRenderer;
  /** When the `rx` being rendered arrived (one clock read per chunk, not per reply). */
  private rxTime = 0;
  /** Why replies were slow, as said in the terminal on this connection: each reason once (the log has every one). */
  private readonly slowSaid = new Set<string>();
  /** When a line last went to the server (or the connection was made): how idle it was when a server hangs up. */
  private lastLineAt = 0;
  /** Says what a greeting that has not come means, GREETING_SILENCE_MS after connecting; cleared by what comes. */
  private greetingWatch: ReturnType<typeof setTimeout> | undefined;
  /** Lines sent in this task, not written yet (a paste): what the next line of the paste is judged after. */
  private typedAhead: string[] = [];
  /** The text of the newest reply, when it was a 334 (an AUTH challenge); else null. */
  private lastChallenge: string | null = null;
  /** A message the practice server stored, held until the reply to its final "." is shown (it usually comes first). */
  private pendingStored: StoredMessage | null = null;

  constructor(private readonly deps: SessionViewDeps) {
    this.flood = new FloodWatch(deps.write);
    this.renderer = new ServerTextRenderer((reply, firstLineAt) => {
      const { reports, log, checks } = this.deps;
      const now = this.rxTime;
      const ex = this.current.received(reply, now, firstLineAt);
      this.lastChallenge = reply.code === 334 ? (reply.lines[0]?.text ?? '') : null;
      const n = reports.take();
      this.trail.exchange(ex, now);
      // Once greeted, the server's address is looked up as receivers of its mail will; its EHLO reply is judged, and
      // a recipient it accepts is checked for relaying (server-checks.ts), after the reply's own entry in the log.
      if (ex.kind === 'greeting') checks.greeted(reply);
      if (!this.flood.admit(reply.code, now)) {
        // Counted, not annotated: the log makes the report only if the reply is among those it shows. A lesson does
        // not follow a flood either: its step stays in hand, to be done again once the flood is over.
        log.add(() => reportReply(n, ex));
        if (ex.kind !== 'greeting') checks.replied(ex);
        return null;
      }
      const report = reportReply(n, ex);
      reports.add(report);
      log.add(report);
      // A refusal's meaning and likely cause go into the transcript too, for whoever reads it in a ticket without
      // heloterm (a '#' line: pasted back, the transcript reads as before); after the reply, once it is recorded.
      const why = refusalNote(report);
      if (why !== null) queueMicrotask(() => this.deps.transcript.note(why, now));
      const checked = ex.kind === 'greeting' ? '' : checks.replied(ex);
      const slow = report.slow !== null && !this.slowSaid.has(report.slow.id);
      if (report.slow !== null) this.slowSaid.add(report.slow.id);
      let more = checked + this.deps.guide.afterReply(ex);
      if (endsMessage(ex) && this.pendingStored !== null) {
        more += formatStored(this.pendingStored);
        this.pendingStored = null;
      }
      return { report, slow, hints: this.coach.afterReply(ex), more };
    });
  }

  /** `/scram`'s exchange on this connection (scram.ts): what it holds is dropped when a new connection begins. */
  readonly scram = new ScramExchange();

  /** The AUTH challenge the server waits for an answer to (its 334's text), or null when none is open. */
  get challenge(): string | null {
    return this.current.state.authChallenge ? this.lastChallenge : null;
  }

  /** The session model of the connection (a new one for each). */
  get model(): SessionModel {
    return this.current;
  }

  /** Floods of replies ended so far, and the replies they counted (for the page's test hook). */
  get floodsEnded(): { floods: number; replies: number } {
    return this.flood.ended;
  }

  /** What the terminal's Tab offers for `text`: commands, or in a message's header section the fields it lacks. */
  complete(text: string): CompletionResult | null {
    const model = this.current;
    const kind = model.kindOfNextLine(text);
    if (kind === 'command') return completeLine(text, model.state);
    const fields = kind === 'message-text' ? this.coach.headerFields(model.state) : null;
    return fields === null ? null : completeHeaderLine(text, model.state, fields);
  }

  /** What `text` will be when sent, after the lines of the same paste sent before it and not yet written. */
  kindAhead(text: string): SentKind {
    return this.current.kindOfNextLine(text, this.typedAhead);
  }

  /** A line was sent: the lines of one paste are handed on in one task, none written before the next is judged. */
  sent(text: string): void {
    if (this.typedAhead.length === 0) queueMicrotask(() => (this.typedAhead = []));
    this.typedAhead.push(text);
  }

  /** Server lines the boot script painted already: parsed, not written again. */
  skipLines(n: number): void {
    this.renderer.skipLines(n);
  }

  /** A new connection is being dialled: a new dialog. */
  dialling(): void {
    this.renderer.reset();
    this.current = new SessionModel();
  }

  /** Before a message from the bridge: a flood ends where anything but more replies comes (a line written, too). */
  before(m: ServerMessage): void {
    if ((m.type !== 'rx' || m.sent !== undefined) && this.flood.flooding) this.flood.close();
  }

  /** Connected to `address` port `port` at `at`: the greeting's wait starts, and the slow replies' reasons anew. */
  connected(address: string, port: number, at: number): void {
    this.current.connected(false, at);
    this.scram.forget();
    this.slowSaid.clear();
    this.lastLineAt = at;
    const practice = this.deps.practice();
    this.trail.connected(practice, address, port, at);
    clearTimeout(this.greetingWatch);
    // Timed from the connection (an early event handed over by the boot script came a while ago).
    this.greetingWatch = setTimeout(
      () => {
        if (!this.deps.connected() || this.current.greeted) return;
        // The practice server's TLS port is implicit TLS, as 465 is.
        const implicitPort = port === SUBMISSIONS_PORT || (practice !== null && address === practice.host && port === practice.tlsPort);
        this.deps.write(formatNote(silentGreeting(port, this.current.state.tls, implicitPort)));
      },
      Math.max(0, at + GREETING_SILENCE_MS - performance.now()),
    );
  }

  /** TLS is up: after STARTTLS the session starts over (RFC 3207 §4.2); with implicit TLS it is just beginning. */
  secured(at: number): void {
    if (this.current.state.tlsPending) this.current.tlsEstablished();
    else this.current.connected(true, at);
  }

  /** What the server sent (and the lines written before it), which came at `at`. */
  rx(m: RxMessage, at: number): void {
    clearTimeout(this.greetingWatch);
    if (m.sent !== undefined) for (const text of m.sent) this.written(text, at);
    this.rxTime = at;
    this.deps.write(this.renderer.rx(m.data, at).pieces);
    this.deps.transcript.received(m.data, at, this.flood.flooding);
  }

  /**
   * A line the bridge wrote to the server (a `tx`, or one of an `rx`'s `sent`), as the page learnt at `at`: the model
   * follows, the coach hints.
   */
  written(text: string, at: number): void {
    const model = this.current;
    const before = model.state;
    const kind = model.kindOfNextLine(text);
    this.deps.transcript.sent(text, kind, at);
    this.lastLineAt = at;
    const hints = this.coach.beforeSend(text, kind, before, model.unanswered);
    model.sent(text, at);
    this.trail.written(text, kind);
    this.deps.write(hints.map(formatCoach).join('') + this.deps.guide.afterSend(text, kind, before));
  }

  /**
   * The practice server stored a message of this connection: shown after the reply to the final "." (or BDAT LAST)
   * when that is still to come (the practice server stores first).
   */
  stored(m: StoredMessage): void {
    this.trail.stored(m);
    if (this.current.awaitsMessageEnd) this.pendingStored = m;
    else this.deps.write(formatStored(m));
  }

  /**
   * The connection closed at `at`: what was held is shown; what to add to the note that says so (a server that hangs
   * up on a silent client: how long it had been silent, as servers wait about 5 minutes), `byServer`.
   */
  closed(at: number, byServer: boolean): string {
    clearTimeout(this.greetingWatch);
    this.trail.closed(at);
    if (this.pendingStored !== null) this.deps.write(formatStored(this.pendingStored));
    this.pendingStored = null;
    const rest = this.renderer.pending;
    if (rest !== '') this.deps.write(formatNote(`incomplete last line (no line ending): ${rest}`));
    return byServer && this.deps.connected() ? idleNote(at - this.lastLineAt) : '';
  }
}
