/**
 * The lesson bar above the terminal: which lesson runs, the step in hand (its task and the lines to type, so they
 * stay in sight while the terminal scrolls), a progress bar and a Stop button; at the end, a button for the next
 * lesson. A polite live region: a screen reader hears each new step.
 */
import type { Lesson, LessonStep } from '../../shared/lessons/lesson.js';
import { shownLine, stepOf } from '../terminal/render-lessons.js';
import { actionButton } from './buttons.js';

export interface LessonBarActions {
  stop(): void;
  start(lesson: Lesson): void;
}

export class LessonBar {
  readonly element: HTMLElement;
  /** The countdown of a step that says to wait, while it runs. */
  private countdown: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly actions: LessonBarActions) {
    this.element = document.createElement('section');
    this.element.className = 'lesson-bar';
    this.element.setAttribute('aria-label', 'Guided lesson');
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  /** The step in hand of lesson `number`. */
  step(lesson: Lesson, number: number, index: number, step: LessonStep): void {
    this.stopCountdown();
    const task = document.createElement('p');
    task.className = 'lesson-task';
    task.append(this.title(lesson, number), ` — ${stepOf(index, lesson)}: ${step.task}`);
    const parts: Node[] = [task];
    if (step.type.length > 0) {
      const type = document.createElement('p');
      type.className = 'lesson-type';
      type.append('Type: ');
      step.type.forEach((l, i) => {
        const code = document.createElement('code');
        code.textContent = shownLine(l);
        type.append(i === 0 ? '' : ' then ', code);
      });
      parts.push(type);
    }
    if (step.wait !== undefined) parts.push(this.waitFor(step.wait));
    const progress = document.createElement('progress');
    progress.max = lesson.steps.length;
    progress.value = index;
    progress.setAttribute('aria-label', `${index} of ${lesson.steps.length} steps done`);
    this.show(parts, progress, actionButton('Stop lesson', 'stop-lesson', () => this.actions.stop()));
  }

  /** Lesson `number` is done; `next` is offered. */
  finished(lesson: Lesson, number: number, next: Lesson | undefined): void {
    this.stopCountdown();
    const done = document.createElement('p');
    done.className = 'lesson-task';
    done.append(this.title(lesson, number), ' — done.');
    const close = actionButton('Close', 'stop-lesson', () => this.actions.stop());
    if (next === undefined) this.show([done], close);
    else this.show([done], actionButton(`Next: ${next.title}`, 'next-lesson', () => this.actions.start(next)), close);
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  hide(): void {
    this.stopCountdown();
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  /**
   * "Wait 30 s", counting down to "you may try now". Hidden from screen readers (the task says how long to wait):
   * a live region announcing every second would drown everything else.
   */
  private waitFor(seconds: number): HTMLElement {
    const p = document.createElement('p');
    p.className = 'lesson-wait';
    p.setAttribute('aria-hidden', 'true');
    const ends = performance.now() + seconds * 1000;
    const tick = (): void => {
      const left = Math.ceil((ends - performance.now()) / 1000);
      p.textContent = left > 0 ? `Wait ${left} s…` : 'You may try now.';
      if (left <= 0) this.stopCountdown();
    };
    tick();
    this.countdown = setInterval(tick, 250);
    return p;
  }

  private stopCountdown(): void {
    if (this.countdown !== null) clearInterval(this.countdown);
    this.countdown = null;
  }

  private title(lesson: Lesson, number: number): HTMLElement {
    const title = document.createElement('strong');
    title.textContent = `Lesson ${number}: ${lesson.title}`;
    return title;
  }

  private show(text: Node[], ...controls: HTMLElement[]): void {
    const body = document.createElement('div');
    body.className = 'lesson-text';
    body.append(...text);
    const side = document.createElement('div');
    side.className = 'lesson-controls';
    side.append(...controls);
    this.element.replaceChildren(body, side);
    this.element.hidden = false;
  }
}
