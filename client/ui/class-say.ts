/**
 * The instructor's note, above the terminal: "Your instructor says: Stop at DATA and wait for me" (or "says to you",
 * for a note to this trainee alone), with a button that puts it aside. It comes from the class view's "Say to" (messages.ts
 * SayMessage); the terminal and the transcript say it too (class-desk.ts). A polite live region: a screen reader hears the note. A note put aside is
 * kept in the tab, so that the same note, told again after a reload, is not shown again above the terminal. A note to
 * this trainee alone shows over the class's, which shows again once that one is put aside. Notes are shown as text
 * only.
 */
import { quietButton } from './buttons.js';
import { answeredCall } from './class-call.js';

/** A note as told: its text, when it was said (Unix time, seconds), and whether to this trainee alone. */
interface Note {
  text: string;
  saidAtS: number;
  direct: boolean;
}

/** How long ago a note was said, as the bar and the terminal put it: "" (just now) or "3 min ago". */
export function saidAgo(ageS: number): string {
  return ageS < 60 ? '' : `${Math.round(ageS / 60)} min ago`;
}

export class ClassSay {
  readonly element: HTMLElement;
  /** The note shown; null when the bar is hidden. */
  private showing: Note | null = null;
  /**
   * The class's note in force and not put aside, shown or not: a note to this trainee alone shows over it, and when
   * that one is put aside, the class's shows again (it still holds for the whole class).
   */
  private classNote: Note | null = null;

  /** `aside`: keeps a note put aside (answeredCall's string) in the tab. */
  constructor(private readonly aside: (key: string) => void) {
    this.element = document.createElement('section');
    this.element.className = 'class-say';
    this.element.setAttribute('aria-label', "Your instructor's note");
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  /** Whether a note is shown. */
  get shown(): boolean {
    return this.showing !== null;
  }

  /** Shows the note `text`, said at `saidAtS` (Unix time, seconds); `direct`: to this trainee alone. */
  show(text: string, saidAtS: number, direct = false): void {
    const note = { text, saidAtS, direct };
    if (!direct) this.classNote = note;
    this.render(note);
  }

  /**
   * The class's note ends here: taken back by the instructor, or told again and put aside already in this tab. It
   * goes from the bar if shown there; a note to this trainee alone stays. Whether there was one in force.
   */
  endClassNote(): boolean {
    const had = this.classNote !== null;
    this.classNote = null;
    if (this.showing !== null && !this.showing.direct) this.hide();
    return had;
  }

  /** The note shown is read: a class note kept so (in the tab) and hidden; one to this trainee alone gives way to the class's. */
  putAside(): void {
    const note = this.showing;
    if (note === null) return;
    if (!note.direct) {
      this.aside(answeredCall(note.text, note.saidAtS));
      this.classNote = null;
    }
    this.hide();
    if (this.classNote !== null) this.render(this.classNote);
  }

  private render(note: Note): void {
    this.showing = note;
    const said = saidAgo(Math.round(Date.now() / 1000) - note.saidAtS);
    const p = document.createElement('p');
    p.className = 'lesson-task';
    const who = document.createElement('strong');
    who.textContent = 'Your instructor';
    p.append(who, ` says${note.direct ? ' to you' : ''}${said === '' ? '' : ` (${said})`}: `, note.text);
    const body = document.createElement('div');
    body.className = 'lesson-text';
    body.append(p);
    const controls = document.createElement('div');
    controls.className = 'lesson-controls';
    controls.append(quietButton('dismiss-say', 'Got it', 'Put the note aside (the terminal and the transcript keep it)', () => this.putAside()));
    this.element.replaceChildren(body, controls);
    this.element.hidden = false;
  }

  private hide(): void {
    this.showing = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
