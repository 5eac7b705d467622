/**
 * The trainee page's side of a class: what the instructor's class view is told of the page (a `progress` message:
 * the name given with `/name`, where the page is in the lessons, the hand raised, each sent when it changed), the
 * hand a trainee raises to ask the instructor for help (`/hand`, or Ask for help: the class view shows it, with the
 * newest lines of the dialog, credentials removed, in the `progress` the page reports, until lowered, by the trainee
 * or from the class view: a `hand` message), the instructor's call to start a lesson (a `call` message: said in the
 * terminal and the transcript, and offered above the terminal by the call's bar, class-call.ts), and the note the
 * instructor says to the class (a `say` message: said in the terminal and the transcript, and shown above it,
 * class-say.ts).
 */
import { findLesson, pageLessons } from '../../shared/lessons/catalogue.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import type { Bare, CallMessage, ProgressMessage, SayMessage } from '../../shared/protocol/messages.js';
import { formatNote } from '../terminal/render.js';
import { quietButton } from './buttons.js';
import { callOffer, ClassCall, isAnswered } from './class-call.js';
import { ClassSay, saidAgo } from './class-say.js';
import { readTabSetting, writeTabSetting } from './stored.js';
import { TraineeName } from './trainee-name.js';

/** The instructor's call this tab answered (class-call.ts answeredCall): not offered again after a reload. */
const CALL_SETTING = 'heloterm.call';
/** The instructor's note this tab put aside (class-call.ts answeredCall): not shown again after a reload. */
const SAY_SETTING = 'heloterm.said';

export interface ClassDeskDeps {
  /** Terminal output. */
  write(text: string): void;
  /** A note in the transcript, at `at` (performance.now()). */
  note(text: string, at: number): void;
  /** Sends a message to the bridge; false when there is no contact with it. */
  send(m: Bare<ProgressMessage>): boolean;
  /** Starts a lesson as its button does (and connects to the practice server if need be). */
  start(lesson: Lesson): void;
  /** Where the page is in the lessons. */
  progress(): Pick<ProgressMessage, 'lesson' | 'done'>;
  /** Resolves once the class's own lessons are read (a call may name one of them); null when they are. */
  lessonsPending(): Promise<unknown> | null;
  /** The newest lines of the dialog, as the transcript writes them (credentials removed): shared while asking. */
  recentLines(): string[];
}

/** How often a page that asks for help tells the class view its newest lines again (when they changed), in ms. */
export const SHARE_EVERY_MS = 2000;

export class ClassDesk {
  /** The call's bar, above the terminal. */
  readonly callBar: ClassCall;
  /** The instructor's note, above the terminal. */
  readonly sayBar = new ClassSay((key) => writeTabSetting(SAY_SETTING, key));
  /** Ask for help / Lower hand, for the status line of a page opened from another machine. */
  readonly handButton: HTMLButtonElement;
  /** The name given with `/name` (trainee-name.ts). */
  private readonly name = new TraineeName();
  private raised = false;
  /** While the hand is raised: tells the class view the dialog's newest lines again, as they change. */
  private sharing: ReturnType<typeof setInterval> | null = null;
  /** The last `progress` the bridge was sent, as JSON: a change is sent, the same one not again. */
  private progressSent = '';
  /** The last quiz finished in this page (`/quiz`), for the class view. */
  private quiz: { right: number; of: number } | null = null;

  constructor(private readonly deps: ClassDeskDeps) {
    if (this.name.value !== '') deps.note(`name: ${this.name.value}`, performance.now());
    this.callBar = new ClassCall(
      (lesson) => deps.start(lesson),
      (key) => writeTabSetting(CALL_SETTING, key),
    );
    this.handButton = quietButton('hand', 'Ask for help', "Your instructor's class view shows that you ask for help, with the last lines of your dialog (passwords removed), until you lower your hand", () =>
      this.raiseHand(!this.raised),
    );
  }

  /**
   * Tells the bridge where this page is in the lessons, its name and its hand, when that changed (or `again`: after
   * a hello, since a bridge reached again knows nothing of this page).
   */
  report(again = false): void {
    const progress = {
      type: 'progress' as const,
      name: this.name.value,
      ...this.deps.progress(),
      ...(this.raised ? { hand: true, lines: this.deps.recentLines() } : {}),
      ...(this.quiz === null ? {} : { quiz: this.quiz }),
    };
    const json = JSON.stringify(progress);
    if (json === this.progressSent && !again) return;
    // Nothing to tell yet, and nothing told: the page is shown without a name or a lesson anyway.
    if (progress.name === '' && progress.lesson === null && progress.done.length === 0 && !this.raised && this.quiz === null && this.progressSent === '') return;
    if (this.deps.send(progress)) this.progressSent = json;
  }

  /** A quiz finished (`/quiz`): its score, shown in the class view. */
  quizScored(right: number, of: number): void {
    this.quiz = { right, of };
    this.report();
  }

  /** `/name NAME`, or `/name` alone (null): what the class view shows this page as. */
  rename(name: string | null): void {
    if (name === null) return this.deps.write(this.name.describe());
    const said = this.name.set(name);
    this.deps.note(`name: ${name}`, performance.now());
    this.report();
    this.deps.write(said);
  }

  /** Whether the trainee asks for help. */
  get hand(): boolean {
    return this.raised;
  }

  /** Raises or lowers the hand; `byInstructor`: lowered from the class view (a `hand` message). */
  raiseHand(raised: boolean, byInstructor = false): void {
    this.raised = raised;
    this.handButton.textContent = raised ? 'Lower hand' : 'Ask for help';
    this.handButton.classList.toggle('raised', raised);
    this.deps.note(raised ? 'asked the instructor for help' : byInstructor ? 'the instructor lowered the hand' : 'lowered the hand', performance.now());
    this.report();
    if (this.sharing !== null) clearInterval(this.sharing);
    this.sharing = raised ? setInterval(() => this.report(), SHARE_EVERY_MS) : null;
    const said = raised
      ? "your instructor's class view shows that you ask for help, with the last lines of your dialog (passwords removed) until your hand is lowered; /hand again (or Lower hand) once helped"
      : byInstructor
        ? 'your instructor lowered your hand (helped); /hand asks again'
        : 'hand lowered: the class view no longer shows you asking for help';
    this.deps.write(formatNote(said));
  }

  /** The instructor lowered the hand from the class view (a hand already down stays so, quietly). */
  handLowered(): void {
    if (this.raised) this.raiseHand(false, true);
  }

  /** A lesson started, by any way: the call for it, if shown, is answered. */
  lessonStarted(lesson: Lesson): void {
    if (this.callBar.called === lesson) this.callBar.answer();
  }

  /**
   * The instructor says a note to the class (the class view's "Say to the class"), `m.ageS` ago, or takes it back, or
   * to this trainee alone (`direct`): said in the terminal and the transcript, and shown above the terminal unless this
   * tab put it aside already.
   */
  onSay(m: SayMessage, at: number): void {
    const { write, note } = this.deps;
    if (m.text === null) {
      // Taken back: said if the class's note was in force here (a note to this trainee alone, shown since, stays).
      if (this.sayBar.endClassNote()) write(formatNote('your instructor took back the note'));
      return;
    }
    const saidAtS = Math.round(Date.now() / 1000) - m.ageS;
    const said = saidAgo(m.ageS);
    const says = `your instructor says${m.direct === true ? ' to you' : ''}`;
    note(`${says}: ${m.text}`, at);
    write(formatNote(`${says}${said === '' ? '' : ` (${said})`}: ${m.text}`));
    // A note to this trainee comes once: never told again after a reload, so nothing is kept of it.
    if (m.direct !== true && isAnswered(readTabSetting(SAY_SETTING), m.text, saidAtS)) return void this.sayBar.endClassNote();
    this.sayBar.show(m.text, saidAtS, m.direct === true);
  }

  /**
   * The instructor asks the class to start a lesson (the class view's "Ask the class"), `m.ageS` ago, or withdraws
   * the call: said in the terminal and the transcript, and offered above the terminal unless the lesson is in hand.
   */
  onCall(m: CallMessage, at: number): void {
    const { write, note } = this.deps;
    if (m.lesson === null) {
      if (this.callBar.called !== null) write(formatNote('your instructor withdrew the call to start a lesson'));
      return this.callBar.hide();
    }
    const lesson = findLesson(m.lesson);
    // Not a built-in lesson: it may be one of the class's own, still on its way.
    const pending = lesson === undefined ? this.deps.lessonsPending() : null;
    if (pending !== null) return void pending.then(() => this.onCall(m, at));
    if (lesson === undefined) return write(formatNote(`your instructor asks the class to start lesson "${m.lesson}", which this page does not have: reload the page`));
    // Told again after a reload: answered already in this tab (the lesson started, or put aside), nothing to say.
    const askedAtS = Math.round(Date.now() / 1000) - m.ageS;
    if (isAnswered(readTabSetting(CALL_SETTING), lesson.id, askedAtS)) return;
    const number = pageLessons().indexOf(lesson) + 1;
    const asked = m.ageS < 60 ? '' : `${Math.round(m.ageS / 60)} min ago`;
    const said = `your instructor asks the class to start lesson ${number}, "${lesson.title}"${asked === '' ? '' : ` (asked ${asked})`}`;
    note(said, at);
    const offer = callOffer(lesson.id, this.deps.progress());
    if (offer === 'at') {
      this.callBar.hide();
      return write(formatNote(`${said}: you are at it`));
    }
    this.callBar.show(lesson, number, askedAtS, asked, offer === 'again');
    write(formatNote(`${said}${offer === 'again' ? ', which you did already' : ''}: press Start lesson ${number} above the terminal, or type /lesson ${number}`));
  }
}
