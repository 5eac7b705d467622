/**
 * The lesson bar above the terminal: which lesson runs, the step in hand (its task and the lines to type, so they
 * stay in sight while the terminal scrolls), a progress bar and a Stop button; at the end, a button for the next
 * lesson. A polite live region: a screen reader hears each new step.
 */
import type { Lesson, LessonStep } from '../../shared/lessons/lesson.js';
import { shownLine, stepOf } from '../terminal/render-lessons.js';

export interface LessonBarActions {
  stop(): void;
  start(lesson: Lesson): void;
}

export class LessonBar {
  readonly element: HTMLElement;

  constructor(private readonly actions: LessonBarActions) {
    this.element = document.createElement('section');
    this.element.className = 'lesson-bar';
    this.element.setAttribute('aria-label', 'Guided lesson');
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  /** The step in hand of lesson `number`. */
  step(lesson: Lesson, number: number, index: number, step: LessonStep): void {
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
    const progress = document.createElement('progress');
    progress.max = lesson.steps.length;
    progress.value = index;
    progress.setAttribute('aria-label', `${index} of ${lesson.steps.length} steps done`);
    this.show(parts, progress, this.button('Stop lesson', 'stop-lesson', () => this.actions.stop()));
  }

  /** Lesson `number` is done; `next` is offered. */
  finished(lesson: Lesson, number: number, next: Lesson | undefined): void {
    const done = document.createElement('p');
    done.className = 'lesson-task';
    done.append(this.title(lesson, number), ' — done.');
    const close = this.button('Close', 'stop-lesson', () => this.actions.stop());
    if (next === undefined) this.show([done], close);
    else this.show([done], this.button(`Next: ${next.title}`, 'next-lesson', () => this.actions.start(next)), close);
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  hide(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  private title(lesson: Lesson, number: number): HTMLElement {
    const title = document.createElement('strong');
    title.textContent = `Lesson ${number}: ${lesson.title}`;
    return title;
  }

  private button(label: string, action: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
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
