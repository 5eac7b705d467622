/**
 * The instructor's note, above the terminal: "Your instructor says: Stop at DATA and wait for me" (or "says to you",
 * for a note to this trainee alone), with a button that puts it aside. It comes from the class view's "Say to" (messages.ts
 * SayMessage); the terminal and the transcript say it too (class-desk.ts). A polite live region: a screen reader hears the note. A note put aside is
 * kept in the tab, so that the same note, told again after a reload, is not shown again above the terminal. The note
 * is shown as text only.
 */
import { quietButton } from './buttons.js';
import { answeredCall } from './class-call.js';

export class ClassSay {
  readonly element: HTMLElement;
  /** answeredCall() of the note shown; '' for a note to this trainee alone (never told again, so nothing to keep). */
  private key = '';

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
    return !this.element.hidden;
  }

  /** Whether the note shown is the class's (not one to this trainee alone): the one a take-back ends. */
  get showsClassNote(): boolean {
    return this.shown && this.key !== '';
  }

  /**
   * Shows the note `text`, said at `saidAtS` (Unix time, seconds); `said`: when, if not just now ("3 min ago");
   * `direct`: to this trainee alone.
   */
  show(text: string, saidAtS: number, said: string, direct = false): void {
    this.key = direct ? '' : answeredCall(text, saidAtS);
    const p = document.createElement('p');
    p.className = 'lesson-task';
    const who = document.createElement('strong');
    who.textContent = 'Your instructor';
    p.append(who, ` says${direct ? ' to you' : ''}${said === '' ? '' : ` (${said})`}: `, text);
    const body = document.createElement('div');
    body.className = 'lesson-text';
    body.append(p);
    const controls = document.createElement('div');
    controls.className = 'lesson-controls';
    controls.append(quietButton('dismiss-say', 'Got it', 'Put the note aside (the terminal and the transcript keep it)', () => this.putAside()));
    this.element.replaceChildren(body, controls);
    this.element.hidden = false;
  }

  /** The note shown is read: kept so, and hidden. */
  putAside(): void {
    if (this.shown && this.key !== '') this.aside(this.key);
    this.hide();
  }

  hide(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
