/**
 * The reply log beside the terminal: one entry per complete reply, newest at the bottom, each with its
 * explanations. Entries are focusable (Tab) and the list is a polite live region, so keyboard and screen-reader
 * users get the same explanations the pointer gets from hovering a code in the terminal.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import { renderContext, renderEhlo, renderExplanation, renderVendor } from './explain-view.js';

/** Oldest entries are dropped beyond this many, to keep the page light in long sessions. */
export const MAX_LOG_ENTRIES = 500;

export class ReplyLog {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly scroller: HTMLDivElement;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'reply-log';
    this.element.setAttribute('aria-labelledby', 'reply-log-title');

    const head = document.createElement('header');
    const title = document.createElement('h2');
    title.id = 'reply-log-title';
    title.textContent = 'Replies';
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'quiet';
    clear.textContent = 'Clear';
    clear.addEventListener('click', () => this.clear());
    head.append(title, clear);

    this.scroller = document.createElement('div');
    this.scroller.className = 'reply-log-scroll';
    this.list = document.createElement('ol');
    this.list.setAttribute('aria-live', 'polite');
    this.list.setAttribute('aria-relevant', 'additions');
    const empty = document.createElement('p');
    empty.className = 'reply-log-empty';
    empty.textContent = 'Replies from the server appear here, each with what it means and what to do.';
    this.scroller.append(empty, this.list);
    this.element.append(head, this.scroller);
    this.element.dataset.empty = 'true';
  }

  add(r: ReplyReport): void {
    const { reply, annotation } = r;
    const li = document.createElement('li');
    li.tabIndex = 0;
    li.className = `reply cls-${reply.cls}`;
    li.value = r.n;
    li.dataset.n = String(r.n);

    const line = document.createElement('div');
    line.className = 'reply-line';
    const code = document.createElement('span');
    code.className = 'reply-code';
    code.textContent = String(reply.code);
    line.append(code);
    if (reply.enhanced !== null) {
      const enhanced = document.createElement('span');
      enhanced.className = 'reply-enhanced';
      enhanced.textContent = reply.enhanced.text;
      line.append(' ', enhanced);
    }
    const text = document.createElement('span');
    text.className = 'reply-text';
    const first = reply.lines[0]?.text ?? '';
    text.textContent = showControls(first);
    const more = reply.lines.length - 1;
    line.append(' ', text);
    if (more > 0) {
      const extra = document.createElement('span');
      extra.className = 'reply-more';
      extra.textContent = ` (+${more} more line${more === 1 ? '' : 's'})`;
      line.append(extra);
    }
    li.append(line);

    // What it means here first, then what its text most likely means, then the codes in general.
    renderContext(li, r);
    for (const m of r.vendor) renderVendor(li, m);
    for (const e of [annotation.basic, annotation.enhanced]) {
      if (e === null) continue;
      const box = document.createElement('div');
      box.className = 'explain';
      renderExplanation(box, e);
      li.append(box);
    }
    if (r.ehlo !== null && r.ehlo.length > 1) {
      const details = document.createElement('details');
      details.className = 'ehlo-keywords';
      const summary = document.createElement('summary');
      summary.textContent = `What the server offers (${r.ehlo.length - 1} extension${r.ehlo.length === 2 ? '' : 's'})`;
      details.append(summary);
      for (const e of r.ehlo.slice(1)) renderEhlo(details, e);
      li.append(details);
    }

    this.list.append(li);
    while (this.list.childElementCount > MAX_LOG_ENTRIES) this.list.firstElementChild?.remove();
    this.element.dataset.empty = 'false';
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  clear(): void {
    this.list.replaceChildren();
    this.element.dataset.empty = 'true';
  }

  /** Number of entries (for tests). */
  get size(): number {
    return this.list.childElementCount;
  }
}
