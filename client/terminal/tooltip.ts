/**
 * The explanation tooltip shown while the pointer rests on a code in the terminal. It lives inside
 * `terminal.element` with the class `xterm-hover`, so xterm does not treat pointer events on it as terminal
 * events (xterm.d.ts, ILink.hover).
 */
import { explainCode, explainEnhanced } from '../../shared/smtp/explain.js';
import type { CodeToken } from '../../shared/smtp/tokens.js';
import type { Explanation } from '../../shared/smtp/types.js';

/** Distance from the pointer to the tooltip's corner, in CSS pixels. */
const POINTER_OFFSET_PX = 14;
/** Space kept between the tooltip and the edge of the terminal, in CSS pixels. */
const EDGE_MARGIN_PX = 6;

const CLASS_NAME_BY_DIGIT: Readonly<Record<string, string>> = { '2': 'cls-2', '3': 'cls-3', '4': 'cls-4', '5': 'cls-5' };

/** The explanation for a token, or null when the dictionary has none (an enhanced code of the wrong shape). */
export function explainToken(t: Pick<CodeToken, 'kind' | 'key'>): Explanation | null {
  return t.kind === 'basic' ? explainCode(Number(t.key)) : explainEnhanced(t.key);
}

/** Fills an element with an explanation: key + title, explanation, what to do, source. Text only, no HTML. */
export function renderExplanation(into: HTMLElement, e: Explanation): void {
  const head = document.createElement('div');
  head.className = 'explain-head';
  const key = document.createElement('span');
  key.className = `explain-key ${CLASS_NAME_BY_DIGIT[e.key[0] ?? ''] ?? ''}`;
  key.textContent = e.key;
  const title = document.createElement('span');
  title.className = 'explain-title';
  title.textContent = e.title;
  head.append(key, ' ', title);

  const body = document.createElement('p');
  body.className = 'explain-text';
  body.textContent = e.explanation;

  const action = document.createElement('p');
  action.className = 'explain-action';
  const label = document.createElement('strong');
  label.textContent = 'What to do: ';
  action.append(label, e.action);

  const source = document.createElement('small');
  source.className = 'explain-source';
  source.textContent = e.source;

  into.append(head, body, action, source);
}

export class CodeTooltip {
  readonly element: HTMLDivElement;

  constructor(private readonly host: HTMLElement) {
    this.element = document.createElement('div');
    this.element.className = 'xterm-hover heloterm-tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.id = 'heloterm-tooltip';
    this.element.hidden = true;
    host.append(this.element);
  }

  show(token: Pick<CodeToken, 'kind' | 'key'>, event: MouseEvent): void {
    const e = explainToken(token);
    if (e === null) {
      this.hide();
      return;
    }
    this.element.replaceChildren();
    renderExplanation(this.element, e);
    this.element.dataset.key = e.key;
    this.element.hidden = false;
    this.place(event);
  }

  hide(): void {
    this.element.hidden = true;
  }

  /** Below-right of the pointer; flipped to the other side when it would leave the terminal. */
  private place(event: MouseEvent): void {
    const box = this.host.getBoundingClientRect();
    const tip = this.element.getBoundingClientRect();
    let left = event.clientX - box.left + POINTER_OFFSET_PX;
    let top = event.clientY - box.top + POINTER_OFFSET_PX;
    if (left + tip.width > box.width - EDGE_MARGIN_PX) left = Math.max(EDGE_MARGIN_PX, event.clientX - box.left - tip.width - POINTER_OFFSET_PX);
    if (top + tip.height > box.height - EDGE_MARGIN_PX) top = Math.max(EDGE_MARGIN_PX, event.clientY - box.top - tip.height - POINTER_OFFSET_PX);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}
