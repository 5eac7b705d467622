/**
 * A short guide shown while the practice server is the target: its domain, its mailboxes, the eight steps of
 * the classic "test SMTP with telnet" walk-through (shared/seed/telnet-smtp-test-article.txt), folded away in a
 * <details> element, and a button for each guided lesson (shared/lessons/catalogue.ts).
 */
import { LESSONS } from '../../shared/lessons/catalogue.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import type { PracticeInfo } from '../../shared/protocol/messages.js';

interface Step {
  /** What to type. */
  type: string;
  /** What it does. */
  note: string;
}

function steps(info: PracticeInfo): Step[] {
  const to = info.mailboxes[0] ?? `postmaster@${info.domain}`;
  return [
    { type: 'HELO yourname', note: 'introduce yourself; expect 250' },
    { type: 'MAIL FROM:<you@example.org>', note: 'the sender; expect 250' },
    { type: `RCPT TO:<${to}>`, note: 'a recipient; expect 250 (an unknown mailbox gets 550)' },
    { type: 'DATA', note: 'start the message; expect 354' },
    { type: 'Subject: Hello from heloterm', note: 'a header, then press Enter on an empty line' },
    { type: 'This is a test message.', note: 'the body, as many lines as you like' },
    { type: '.', note: 'a line holding only a dot ends the message; expect 250' },
    { type: 'QUIT', note: 'say goodbye; expect 221' },
  ];
}

export class PracticeHint {
  readonly element: HTMLElement;

  constructor(private readonly onLesson: (lesson: Lesson) => void) {
    this.element = document.createElement('section');
    this.element.className = 'practice-hint';
    this.element.setAttribute('aria-label', 'Practice server');
    this.element.hidden = true;
  }

  show(info: PracticeInfo): void {
    const intro = document.createElement('p');
    const label = document.createElement('strong');
    label.textContent = 'Practice server';
    const domain = document.createElement('code');
    domain.textContent = info.domain;
    intro.append(label, ' for the domain ', domain, ' with the mailboxes ');
    info.mailboxes.forEach((m, i) => {
      const c = document.createElement('code');
      c.textContent = m;
      intro.append(i === 0 ? '' : ', ', c);
    });
    intro.append('. It keeps what you send to itself: nothing is relayed.');

    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'The eight steps of a test message';
    const list = document.createElement('ol');
    for (const s of steps(info)) {
      const li = document.createElement('li');
      const code = document.createElement('code');
      code.textContent = s.type;
      li.append(code, ` — ${s.note}`);
      list.append(li);
    }
    details.append(summary, list);
    // One row: the folded steps and the lesson buttons (an opened list takes a row of its own, below).
    const row = document.createElement('div');
    row.className = 'practice-hint-row';
    row.append(details, this.lessonPicker());
    this.element.replaceChildren(intro, row);
    this.element.hidden = false;
  }

  /** "Guided lessons: [1 · The eight steps…] […]": each button starts its lesson. */
  private lessonPicker(): HTMLElement {
    const p = document.createElement('p');
    p.className = 'lesson-picker';
    const label = document.createElement('strong');
    label.textContent = 'Guided lessons:';
    p.append(label);
    LESSONS.forEach((lesson, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.lesson = lesson.id;
      b.title = `${lesson.title}: ${lesson.goal}`;
      b.textContent = `${i + 1} · ${lesson.short}`;
      b.addEventListener('click', () => this.onLesson(lesson));
      p.append(' ', b);
    });
    return p;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
