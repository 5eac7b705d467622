/**
 * The instructor's call, above the terminal: "Your instructor asks the class to start lesson 4, EHLO, extensions and
 * STARTTLS", with a button that starts it (as the lesson's own button does) and one that puts the call aside. It comes
 * from the class view's "Ask the class" (messages.ts CallMessage); the terminal says it too (app.ts). A polite live
 * region: a screen reader hears the call. A call answered (the lesson started, or put aside) is kept in the tab, so
 * that the same call, told again after a reload, is not offered again.
 */
import type { Lesson } from '../../shared/lessons/lesson.js';
import { actionButton } from './buttons.js';

/** How far apart two tellings of one call or note may put the moment it was told (clocks read in whole seconds), in s. */
const SAME_TELLING_S = 5;

/**
 * What the tab keeps of a call answered or a note put aside (class-say.ts): what it was (a lesson's id, a note's text)
 * and when it was told (Unix time, seconds). Pure.
 */
export function answeredCall(what: string, askedAtS: number): string {
  return `${what}@${askedAtS}`;
}

/** Whether `kept` (answeredCall's, or null) is this telling: the same thing, told at the same moment. Pure. */
export function isAnswered(kept: string | null, what: string, askedAtS: number): boolean {
  const at = kept?.lastIndexOf('@') ?? -1;
  return at >= 0 && kept?.slice(0, at) === what && Math.abs(Number(kept.slice(at + 1)) - askedAtS) <= SAME_TELLING_S;
}

/**
 * What a page makes of a call for lesson `id`, by where it is in the lessons: `at` (the lesson is in hand: nothing to
 * offer), `again` (done already: offered, saying so), `new`. Pure.
 */
export function callOffer(id: string, progress: { lesson: { id: string } | null; done: readonly string[] }): 'at' | 'again' | 'new' {
  if (progress.lesson?.id === id) return 'at';
  return progress.done.includes(id) ? 'again' : 'new';
}

export class ClassCall {
  readonly element: HTMLElement;
  private lesson: Lesson | null = null;
  /** answeredCall() of the call shown. */
  private key = '';

  /** `start`: starts a lesson; `answered`: keeps a call answered (answeredCall's string) in the tab. */
  constructor(
    private readonly start: (lesson: Lesson) => void,
    private readonly answered: (key: string) => void,
  ) {
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
   * Shows the call for `lesson`, number `number` in the page's list, asked at `askedAtS` (Unix time, seconds);
   * `asked`: when, if not just now ("3 min ago"); `done`: this page has done it already.
   */
  show(lesson: Lesson, number: number, askedAtS: number, asked: string, done: boolean): void {
    this.lesson = lesson;
    this.key = answeredCall(lesson.id, askedAtS);
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
      actionButton(`Start lesson ${number}`, 'start-called-lesson', () => this.start(lesson)),
      actionButton('Not now', 'dismiss-call', () => this.answer()),
    );
    this.element.replaceChildren(body, controls);
    this.element.hidden = false;
  }

  /** The call shown is answered (its lesson started, or put aside): kept so, and hidden. */
  answer(): void {
    if (this.lesson !== null) this.answered(this.key);
    this.hide();
  }

  hide(): void {
    this.lesson = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
