/**
 * What the page connects to, and when (app.ts wires it): the connect form's state, the practice server as the bridge
 * described it, its sides (SMTP, LMTP, implicit TLS) that the hint's buttons and the lessons point the form at, a
 * target dialled once the bridge answers again, and the lessons started on the side they are written for.
 */
import type { Lesson } from '../shared/lessons/lesson.js';
import { practicePortOf } from '../shared/practice/sides.js';
import type { Bare, ConnectMessage, DisconnectMessage, PracticeInfo } from '../shared/protocol/messages.js';
import type { SessionView } from './session-view.js';
import { formatNote } from './terminal/render.js';
import type { BridgeReach } from './bridge-reach.js';
import type { ConnectForm, ConnectTarget, FormState } from './ui/connect-form.js';
import type { ClassDesk } from './ui/class-desk.js';
import type { Dial } from './ui/dial.js';
import type { LessonBar } from './ui/lesson-bar.js';
import type { LessonGuide } from './ui/lesson-guide.js';
import { PRACTICE_ONLY, isPracticeTarget, practiceSideOf, type PracticeHint, type PracticeSide } from './ui/practice-hint.js';
import type { StatusLine } from './ui/status.js';

export interface ConnectorDeps {
  write(text: string): void;
  focus(): void;
  /** Sends to the bridge: false when its WebSocket is not open. */
  send(m: Bare<ConnectMessage | DisconnectMessage>): boolean;
  /** Opens the page's WebSocket (again). */
  reopen(): void;
  form: Pick<ConnectForm, 'peek' | 'read' | 'prefill' | 'lock' | 'setState'>;
  dial: Pick<Dial, 'asked' | 'target'>;
  reach: Pick<BridgeReach, 'reached' | 'ready'>;
  status: Pick<StatusLine, 'reaching'>;
  session: Pick<SessionView, 'dialling' | 'model'>;
  hint: Pick<PracticeHint, 'show' | 'hide'>;
  lessonBar: Pick<LessonBar, 'visible'>;
  guide: Pick<LessonGuide, 'start' | 'stop'>;
  desk: Pick<ClassDesk, 'lessonStarted'>;
  /** Whether the bridge dials its practice server alone (--practice-only): the form is then held there. */
  practiceOnly(): boolean;
}

export class Connector {
  /** The connect form's state, as the bridge's messages move it. */
  state: FormState = 'idle';
  /** The practice server, as the bridge's hello described it; null without one. */
  practice: PracticeInfo | null = null;
  /**
   * Connect was pressed while the bridge was out of reach (restarted, the network dropped, the laptop slept), or not
   * yet reached (the page's WebSocket still opening): the WebSocket is opened (again), keeping the page as it is (the
   * terminal, the reply log, the transcript), and this target is dialled once the bridge has said hello. Null
   * otherwise.
   */
  afterReopen: ConnectTarget | null = null;
  /** Disconnect was pressed and the bridge has not said the connection closed yet. */
  private closing = false;
  /**
   * What was asked meanwhile (a practice side's button, a lesson's), done once the connection has closed; the last asked
   * only.
   */
  private afterClose: (() => void) | null = null;

  constructor(private readonly deps: ConnectorDeps) {}

  setState(s: FormState): void {
    this.state = s;
    this.deps.form.setState(s);
    if (s === 'idle') {
      this.closing = false;
      this.afterClose = null;
    }
  }

  /** The connection closed (the bridge said so): a side or a lesson asked for while it closed is done now. */
  closed(): void {
    const then = this.afterClose;
    this.setState('idle');
    then?.();
  }

  /**
   * Whether Disconnect was pressed and the bridge has not said the connection closed yet: if so, `then` is done once
   * it has (a button pressed right after Disconnect, as from a closed connection).
   */
  private whenClosed(then: () => void): boolean {
    if (!this.closing || this.state === 'idle') return false;
    this.afterClose = then;
    return true;
  }

  isPracticeTarget(t: Partial<ConnectTarget>): boolean {
    return isPracticeTarget(t, this.practice);
  }

  /** The practice server's description, while it is the target; the lesson bar takes its place during a lesson. */
  updateHint(t: Partial<ConnectTarget>): void {
    const side = practiceSideOf(t, this.practice);
    if (side !== null && this.practice !== null && !this.deps.lessonBar.visible) this.deps.hint.show(this.practice, this.deps.practiceOnly(), side);
    else this.deps.hint.hide();
  }

  /** Where a side of the practice server is (SMTP, LMTP, implicit TLS); null without a practice server. */
  private practiceSide(side: PracticeSide): ConnectTarget | null {
    if (this.practice === null) return null;
    return { host: this.practice.host, port: practicePortOf(this.practice, side), tls: side === 'tls', family: null };
  }

  /** A side of the practice server, from the hint's buttons: the form points there, and it connects. */
  connectToSide(side: PracticeSide): void {
    const target = this.practiceSide(side);
    if (target === null) return;
    if (this.whenClosed(() => this.connectToSide(side))) return;
    if (this.state !== 'idle') {
      this.deps.write(formatNote('close this connection first (QUIT, or Disconnect), then press the button again'));
      return;
    }
    this.pointFormAt(target);
    this.connectTo(target);
  }

  /** Points the form at a side of the practice server; a form held for --practice-only is held there instead. */
  pointFormAt(target: ConnectTarget): void {
    if (this.deps.practiceOnly()) this.deps.form.lock(target, `${PRACTICE_ONLY}: it connects there`);
    else this.deps.form.prefill(target, false);
  }

  connectTo(target: ConnectTarget): void {
    const { deps } = this;
    const family = target.family === null ? {} : { family: target.family };
    // Not before the bridge's hello on this WebSocket: until then the target may be a restarted bridge's old practice
    // port; kept, it follows the practice server to its new port when the hello comes, and is dialled then.
    if (!deps.reach.ready || !deps.send({ type: 'connect', host: target.host, port: target.port, tls: target.tls ? 'implicit' : 'none', ...family })) {
      this.afterReopen = target;
      deps.write(formatNote(deps.reach.reached ? 'reaching the heloterm bridge again…' : 'reaching the heloterm bridge…'));
      deps.status.reaching(deps.reach.reached);
      this.setState('connecting');
      deps.reopen();
      return;
    }
    deps.dial.asked(target.family, target.tls);
    deps.session.dialling();
    this.setState('connecting');
    deps.focus();
  }

  /** Disconnect pressed: while the bridge is being reached again, nothing is dialled once it answers. */
  disconnect(): void {
    if (this.afterReopen !== null) {
      this.afterReopen = null;
      this.setState('idle');
      return;
    }
    const sent = this.deps.send({ type: 'disconnect' });
    if (sent && this.state !== 'idle') this.closing = true;
  }

  /**
   * Starts a guided lesson; `connect`: and, if no connection is open, connects to the practice server when the
   * form points at it (a lesson button), where a typed `/lesson` leaves connecting to its first step.
   */
  startLesson(lesson: Lesson, connect: boolean): void {
    if (this.whenClosed(() => this.startLesson(lesson, connect))) return;
    const { deps, state } = this;
    const { form } = deps;
    // The practice server's side the lesson is written for (lesson.target: its LMTP side, its implicit TLS port): a
    // form pointed at another side follows, and a session open on another side is not the lesson's.
    const want: PracticeSide = lesson.target ?? 'smtp';
    const atPractice = (t: Partial<ConnectTarget>): boolean => practiceSideOf(t, this.practice) !== null;
    const onSide = (t: Partial<ConnectTarget>): boolean => practiceSideOf(t, this.practice) === want;
    const side = this.practiceSide(want);
    if (state === 'idle' && side !== null && atPractice(form.peek()) && !onSide(form.peek())) this.pointFormAt(side);
    // A session on the practice server's other side is not the lesson's; one elsewhere is, as before (with the note).
    const open = deps.dial.target;
    const otherSide = state !== 'idle' && atPractice(open) && !onSide(open);
    const greeted = state === 'connected' && !otherSide && deps.session.model.greeted && deps.session.model.state.phase !== 'closed';
    if (otherSide) {
      const where = want === 'lmtp' ? 'LMTP side' : want === 'tls' ? 'implicit TLS port' : 'SMTP side';
      deps.write(formatNote(`lesson "${lesson.short}" is for the practice server's ${where}: end this connection (QUIT, or Disconnect), then start it again`));
      return;
    }
    if (!atPractice(form.peek())) {
      deps.write(formatNote('the lessons are written for the practice server (practice.test): its addresses may not work elsewhere'));
    }
    deps.write(deps.guide.start(lesson, greeted));
    deps.desk.lessonStarted(lesson);
    deps.hint.hide();
    if (connect && this.state === 'idle' && side !== null && atPractice(form.peek())) this.connectTo(form.read() ?? side);
    deps.focus();
  }

  /** Ends the lesson, if one runs: the terminal text saying so (empty if none ran). */
  stopLesson(): string {
    const text = this.deps.guide.stop();
    this.updateHint(this.deps.form.peek());
    return text;
  }
}
