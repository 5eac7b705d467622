/**
 * Runs at most one guided lesson (shared/lessons) for the page: starts and stops it, feeds it the session's
 * exchanges and written lines, and turns what it says into terminal text (returned, for the caller to write in
 * order with the replies) and into the lesson bar.
 */
import { nextLesson, pageLessons } from '../../shared/lessons/catalogue.js';
import { LessonRun, type Lesson, type LessonEvent, type LocalExpected } from '../../shared/lessons/lesson.js';
import type { Exchange, SentKind, SessionState } from '../../shared/smtp/session-state.js';
import { formatLessonEvent, lessonRecord, stepOf } from '../terminal/render-lessons.js';
import { formatNote } from '../terminal/render.js';
import type { LessonBar } from './lesson-bar.js';

/** The lesson's number in the list, from 1. */
const numberOf = (lesson: Lesson): number => pageLessons().indexOf(lesson) + 1;

export class LessonGuide {
  private run: LessonRun | null = null;
  /** The ids of the lessons finished in this page, in the order finished (each once). */
  private readonly finished: string[] = [];
  /** Replies at the step in hand that were not the one it wants (`↺`). */
  private retries = 0;

  /**
   * `record`: notes for the saved transcript (render-lessons.ts lessonRecord); `changed`: where the page is in the
   * lessons may have changed (`progress`), for the instructor's class view.
   */
  constructor(
    private readonly bar: LessonBar,
    private readonly record: (text: string) => void = () => undefined,
    private readonly changed: () => void = () => undefined,
  ) {}

  /** The lesson in hand and its step (0-based), and the lessons finished: what the class view shows. */
  get progress(): { lesson: { id: string; step: number; retries: number } | null; done: string[] } {
    const run = this.run;
    return { lesson: run === null || run.finished ? null : { id: run.lesson.id, step: run.index, retries: this.retries }, done: [...this.finished] };
  }

  get active(): boolean {
    return this.run !== null && !this.run.finished;
  }

  /** The lesson in hand, or null. */
  get lesson(): Lesson | null {
    return this.active ? (this.run?.lesson ?? null) : null;
  }

  /** Starts `lesson` (any lesson running ends); `greeted`: the session has had its greeting already. */
  start(lesson: Lesson, greeted: boolean): string {
    this.run = new LessonRun(lesson);
    return this.render(this.run.start(greeted));
  }

  stop(): string {
    const was = this.run;
    this.run = null;
    this.bar.hide();
    if (was !== null) this.changed();
    if (was === null || was.finished) return '';
    this.record(`lesson ${numberOf(was.lesson)} stopped at ${stepOf(was.index, was.lesson)}`);
    return formatNote(`lesson ${numberOf(was.lesson)} stopped; /lesson lists the lessons`);
  }

  /** The step in hand again, or '' when no lesson runs. */
  again(): string {
    return this.active && this.run !== null ? this.render(this.run.again()) : '';
  }

  /** The SMTP connection closed: a lesson in progress starts over on the next one. */
  connectionClosed(): string {
    return this.run === null ? '' : this.render(this.run.connectionClosed());
  }

  afterReply(ex: Exchange): string {
    return this.run === null ? '' : this.render(this.run.afterReply(ex));
  }

  afterSend(line: string, kind: SentKind, before: SessionState): string {
    return this.run === null ? '' : this.render(this.run.afterSend(line, kind, before));
  }

  /** One of heloterm's own commands was done (`/log` shown): a step asking for it passes. */
  afterLocal(command: LocalExpected['local'], codes: readonly number[] = []): string {
    return this.run === null ? '' : this.render(this.run.afterLocal(command, codes));
  }

  private render(events: LessonEvent[]): string {
    const lesson = this.run?.lesson;
    if (lesson === undefined) return '';
    const n = numberOf(lesson);
    const next = nextLesson(lesson);
    let text = '';
    for (const e of events) {
      text += formatLessonEvent(e, next, n);
      const note = lessonRecord(e, lesson, n);
      if (note !== null) this.record(note);
      if (e.kind === 'step') {
        this.bar.step(lesson, n, e.index, e.step);
        this.retries = 0;
      } else if (e.kind === 'retry') this.retries++;
      else if (e.kind === 'finished') {
        this.bar.finished(lesson, n, next);
        if (!this.finished.includes(lesson.id)) this.finished.push(lesson.id);
      }
    }
    if (events.length > 0) this.changed();
    return text;
  }
}
