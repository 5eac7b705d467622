/**
 * The terminal's text for a guided lesson (shared/lessons): its title, each step's task and the lines to type,
 * what a passed step's reply teaches, a nudge when a reply is not the one wanted, the end. Magenta, apart from the
 * server's text (plain), the annotations (dim) and the coach (yellow). Pure string building: no DOM, no xterm.
 */
import type { Lesson, LessonEvent, LessonStep } from '../../shared/lessons/lesson.js';
import { exhaustive } from '../../shared/protocol/messages.js';
import { SGR, ownLine } from './render.js';

/** How a line to type is shown: an empty line is named, since it cannot be seen. */
export function shownLine(line: string): string {
  return line === '' ? '(an empty line)' : line;
}

/** "step 3 of 8" */
export function stepOf(index: number, lesson: Lesson): string {
  return `step ${index + 1} of ${lesson.steps.length}`;
}

const line = (style: string, text: string): string => ownLine(style, `  ${text}`);

/** The lines to type, on a line of their own under the task: "    Type: DATA". */
function typeText(step: LessonStep): string {
  return step.type.length === 0 ? '' : line(SGR.magenta, `  Type: ${step.type.map(shownLine).join('  ⏎  ')}`);
}

export function formatLessonEvent(e: LessonEvent, next: Lesson | undefined, number: number): string {
  switch (e.kind) {
    case 'begin':
      return (
        line(SGR.bold + SGR.magenta, `▶ Lesson ${number}: ${e.lesson.title}`) +
        line(SGR.magenta, `${e.lesson.goal} (/lesson repeats the step, /lesson stop ends the lesson)`)
      );
    case 'step':
      return line(SGR.bold + SGR.magenta, `▶ ${capital(stepOf(e.index, e.lesson))}: ${e.step.task}`) + typeText(e.step);
    case 'passed':
      return line(SGR.green, `✓ ${e.step.learn}  (${e.step.source})`);
    case 'retry':
      return line(SGR.magenta, `↺ Not this step yet (${e.code}): ${e.step.retry ?? 'the reply is explained above; try again'}`);
    case 'finished':
      return line(
        SGR.bold + SGR.magenta,
        `★ Lesson ${number} done: ${e.lesson.title}.` + (next === undefined ? ' That was the last lesson.' : ` Next: /lesson ${number + 1} — ${next.title}`),
      );
    case 'restarted':
      return line(SGR.magenta, '↺ The connection closed before the lesson\'s end. A new connection is a new session, so the lesson starts over:');
    default:
      return exhaustive(e);
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * What a saved transcript notes of a lesson (a `#` line): its beginning, each step done or not yet, a start over and
 * the end, so that a transcript handed in after a lesson shows how it went. Null for what it need not note.
 */
export function lessonRecord(e: LessonEvent, lesson: Lesson, number: number): string | null {
  switch (e.kind) {
    case 'begin':
      return `lesson ${number} begun: ${lesson.title}`;
    case 'step':
      return null;
    case 'passed':
      return `lesson ${number}, ${stepOf(e.index, lesson)} done${e.code === null ? '' : ` (${e.code})`}`;
    case 'retry':
      return `lesson ${number}, ${stepOf(e.index, lesson)}: not yet (${e.code})`;
    case 'restarted':
      return `lesson ${number} started over: the connection closed`;
    case 'finished':
      return `lesson ${number} done`;
    default:
      return exhaustive(e);
  }
}
