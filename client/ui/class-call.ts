/**
 * The instructor's call, above the terminal: "Your instructor asks the class to start lesson 4, EHLO, extensions and
 * STARTTLS", with a button that starts it (as the lesson's own button does) and one that puts the call aside. It comes
 * from the class view's "Ask the class" (messages.ts CallMessage); the terminal says it too (app.ts). A polite live
 * region: a screen reader hears the call.
 */
import type { Lesson } from '../../shared/lessons/lesson.js';

export class ClassCall {
  readonly element: HTMLElement;
  private lesson: Lesson | null = null;

  constructor(private readonly start: (lesson: Lesson) => void) {
    this.element = document.createElement('section');
    this.element.className = 'class-call';
    this.element.setAttribute('aria-label', "Your instructor's call");
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  /** The lesson called, while the call is shown; else null. */
  get called(): Lesson | null {
    return this.lesson;
  }

  /**
   * Shows the call for `lesson`, number `number` in the page's list; `asked`: when, if not just now ("3 min ago");
   * `done`: this page has done it already.
   */
  show(lesson: Lesson, number: number, asked: string, done: boolean): void {
    this.lesson = lesson;
    const text = document.createElement('p');
    text.className = 'lesson-task';
    const who = document.createElement('strong');
    who.textContent = 'Your instructor';
    text.append(who, ` asks the class to start lesson ${number}, ${lesson.title}${asked === '' ? '' : ` (asked ${asked})`}.`);
    if (done) text.append(' You did it already.');
    const body = document.createElement('div');
    body.className = 'lesson-text';
    body.append(text);
    const controls = document.createElement('div');
    controls.className = 'lesson-controls';
    controls.append(
      this.button(`Start lesson ${number}`, 'start-called-lesson', () => this.start(lesson)),
      this.button('Not now', 'dismiss-call', () => this.hide()),
    );
    this.element.replaceChildren(body, controls);
    this.element.hidden = false;
  }

  hide(): void {
    this.lesson = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  private button(label: string, action: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
  }
}
