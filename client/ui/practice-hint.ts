/**
 * A short guide shown while the practice server is the target: its domain, its mailboxes, the eight steps of
 * the classic "test SMTP with telnet" walk-through (shared/seed/telnet-smtp-test-article.txt; the first lesson's
 * steps) folded away in a <details> element, and a button for each guided lesson (shared/lessons/catalogue.ts).
 */
import { LESSONS, pageLessons } from '../../shared/lessons/catalogue.js';
import type { Lesson, LessonStep } from '../../shared/lessons/lesson.js';
import { FULL_MAILBOX, GONE_MAILBOX, GREYLIST_MAILBOX, GREYLIST_SECONDS, SLOW_MAILBOX, SLOW_SECONDS } from '../../shared/practice/trouble.js';
import type { PracticeInfo } from '../../shared/protocol/messages.js';
import type { PracticeSide } from '../../shared/practice/sides.js';
import type { ConnectTarget } from './connect-form.js';
import { shownLine } from '../terminal/render-lessons.js';

/**
 * Whether a connect target is the practice server: its address, or `localhost`, which the bridge dials at the practice
 * server's address (target-policy.ts); its port; plain text (STARTTLS comes later); and not an IP version it does
 * not listen on. Pure.
 */
export function isPracticeTarget(t: Partial<ConnectTarget>, practice: PracticeInfo | null): boolean {
  if (practice === null || t.port !== practice.port || t.tls === true) return false;
  const host = (t.host ?? '').toLowerCase().replace(/\.$/, '');
  const v6 = practice.host.includes(':');
  if (t.family !== undefined && t.family !== null && t.family !== (v6 ? 6 : 4)) return false;
  return host === practice.host || (host === 'localhost' && (v6 ? practice.host === '::1' : practice.host.startsWith('127.')));
}

/**
 * Whether the bridge dials its practice server alone (started with `--practice-only`, for a class): it allows no port
 * but the practice server's (its hello). Pure.
 */
export function dialsOnlyPractice(practice: PracticeInfo | null, allowedPorts: readonly number[]): boolean {
  return practice !== null && allowedPorts.every((p) => p === practice.port || p === practice.lmtpPort || p === practice.tlsPort);
}

/** Whether a target is the practice server's address (as isPracticeTarget) at `port`, dialled with TLS or not. */
function atPracticePort(t: Partial<ConnectTarget>, practice: PracticeInfo, port: number, tls: boolean): boolean {
  return (t.tls === true) === tls && isPracticeTarget({ ...t, tls: false, port: t.port === port ? practice.port : -1 }, practice);
}

/** Whether a connect target is the practice server's LMTP side (as isPracticeTarget, on its LMTP port). Pure. */
export function isPracticeLmtp(t: Partial<ConnectTarget>, practice: PracticeInfo | null): boolean {
  return practice !== null && atPracticePort(t, practice, practice.lmtpPort, false);
}

/** Whether a connect target is the practice server's port with TLS from the first byte, dialled so (implicit). Pure. */
export function isPracticeTls(t: Partial<ConnectTarget>, practice: PracticeInfo | null): boolean {
  return practice !== null && atPracticePort(t, practice, practice.tlsPort, true);
}

export type { PracticeSide };

/** Which side of the practice server a connect target is, or null for another server. Pure. */
export function practiceSideOf(t: Partial<ConnectTarget>, practice: PracticeInfo | null): PracticeSide | null {
  return isPracticeTarget(t, practice) ? 'smtp' : isPracticeLmtp(t, practice) ? 'lmtp' : isPracticeTls(t, practice) ? 'tls' : null;
}

/** Said where a page on a bridge that dials its practice server alone is asked for another server. */
export const PRACTICE_ONLY = 'this heloterm dials only its practice server (its operator started it with --practice-only)';

/** The eight steps of the seed's walk-through are the first lesson's steps: one source for both. */
const EIGHT_STEPS = LESSONS[0];

/** One step as a list item: the lines to type, what the step does, and the reply to expect. */
function stepItem(step: LessonStep): HTMLLIElement {
  const li = document.createElement('li');
  step.type.forEach((line, i) => {
    const code = document.createElement('code');
    code.textContent = shownLine(line);
    li.append(i === 0 ? '' : ' then ', code);
  });
  const code = 'answers' in step.expect ? step.expect.code : undefined;
  li.append(`${step.type.length > 0 ? ' — ' : ''}${step.task}${code === undefined ? '' : ` Expect ${code}.`}`);
  return li;
}

export class PracticeHint {
  readonly element: HTMLElement;

  /**
   * `onSide`: connect to the practice server's SMTP or LMTP side (its buttons); `inClass`: the page was opened from
   * another machine (a class), where `/name` is worth saying.
   */
  constructor(
    private readonly onLesson: (lesson: Lesson) => void,
    private readonly onSide: (side: PracticeSide) => void,
    private readonly inClass = false,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'practice-hint';
    this.element.setAttribute('aria-label', 'Practice server');
    this.element.hidden = true;
  }

  /**
   * `only`: the bridge dials the practice server alone (dialsOnlyPractice), said in the hint; `side`: which of its
   * ports the target is (the others are offered by buttons).
   */
  show(info: PracticeInfo, only = false, side: PracticeSide = 'smtp'): void {
    const intro = document.createElement('p');
    const label = document.createElement('strong');
    label.textContent = side === 'smtp' ? 'Practice server' : side === 'lmtp' ? 'Practice server, LMTP side' : 'Practice server, implicit TLS';
    const domain = document.createElement('code');
    domain.textContent = info.domain;
    intro.append(label, ' for the domain ', domain, ' with the mailboxes ');
    info.mailboxes.forEach((m, i) => {
      const c = document.createElement('code');
      c.textContent = m;
      intro.append(i === 0 ? '' : ', ', c);
    });
    // The four that misbehave on purpose (shared/practice/trouble.ts), for practising 4xx, 5xx, slow replies, bounces.
    const [full, grey, slow, gone] = [FULL_MAILBOX, GREYLIST_MAILBOX, SLOW_MAILBOX, GONE_MAILBOX].map((local) => {
      const c = document.createElement('code');
      c.textContent = `${local}@${info.domain}`;
      return c;
    });
    if (side === 'lmtp') {
      // What the LMTP side does (server/practice/lmtp.ts): it saves, and finds a full mailbox only when saving.
      intro.append('. ', this.sideNote(info, side), ' ', full as Node, ' is taken at RCPT and refused when saved, as Dovecot checks a quota: its 552 comes after the 250 of the others.');
    } else {
      intro.append(
        '. It keeps what you send to itself: nothing is relayed. ',
        full as Node,
        ' is full, ',
        grey as Node,
        ` greylists a new sender for ${GREYLIST_SECONDS} s, `,
        slow as Node,
        ` takes ${SLOW_SECONDS} s to accept and `,
        gone as Node,
        ' is accepted, then bounced, on purpose. ',
        this.sideNote(info, side),
      );
    }
    if (only) intro.append(' It is the only server this heloterm dials: your instructor set it up so.');
    // The LMTP side has the lesson buttons (a lesson connects to its own side), not the eight steps of SMTP.
    if (side === 'lmtp') {
      const lessons = document.createElement('div');
      lessons.className = 'practice-hint-row';
      lessons.append(this.lessonPicker());
      this.element.replaceChildren(intro, lessons);
      this.element.hidden = false;
      return;
    }
    if (this.inClass) {
      const name = document.createElement('code');
      name.textContent = '/name';
      intro.append(' In a class, type ', name, ' and your name: your instructor\'s class view shows you by it.');
    }

    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'The eight steps of a test message';
    const list = document.createElement('ol');
    list.append(...(EIGHT_STEPS?.steps ?? []).map(stepItem));
    details.append(summary, list);
    // One row: the folded steps and the lesson buttons (an opened list takes a row of its own, below).
    const row = document.createElement('div');
    row.className = 'practice-hint-row';
    row.append(details, this.lessonPicker());
    this.element.replaceChildren(intro, row);
    this.element.hidden = false;
  }

  /**
   * Its other sides: LMTP (RFC 2033), where an MTA hands mail to the mailboxes, as to Dovecot, and TLS from the first
   * byte (RFC 8314), as on port 465: what differs, and a button to connect to each; on either, a button back to SMTP.
   */
  private sideNote(info: PracticeInfo, side: PracticeSide): HTMLElement {
    const span = document.createElement('span');
    const button = (to: PracticeSide): HTMLButtonElement => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'quiet side';
      b.dataset.side = to;
      b.textContent = to === 'lmtp' ? `LMTP, port ${info.lmtpPort}` : to === 'tls' ? `implicit TLS, port ${info.tlsPort}` : `back to SMTP, port ${info.port}`;
      b.title = to === 'lmtp' ? 'Connect to its LMTP side' : to === 'tls' ? 'Connect to its port with TLS from the first byte' : 'Connect to its SMTP port';
      b.addEventListener('click', () => this.onSide(to));
      return b;
    };
    const code = (text: string): HTMLElement => {
      const c = document.createElement('code');
      c.textContent = text;
      return c;
    };
    if (side === 'smtp') span.append('Its other sides: ', button('lmtp'), " (as Dovecot's) and ", button('tls'), ' (as 465).');
    else if (side === 'lmtp') span.append('This is where a mail server hands mail to the mailboxes (RFC 2033): it takes ', code('LHLO'), ' instead of EHLO, and answers the final "." once per recipient (', button('smtp'), ').');
    else span.append('Here TLS comes first, as on port 465 (RFC 8314): the handshake before the greeting, no ', code('STARTTLS'), ', and ', code('AUTH'), ' at once (', button('smtp'), ').');
    return span;
  }

  /** "Lessons: [1 · Eight steps] […]": each button starts its lesson. */
  private lessonPicker(): HTMLElement {
    const p = document.createElement('p');
    p.className = 'lesson-picker';
    const label = document.createElement('strong');
    label.textContent = 'Lessons:';
    p.append(label);
    pageLessons().forEach((lesson, i) => {
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
