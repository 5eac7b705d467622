/**
 * The explanation tooltip shown while the pointer rests on a code or an EHLO keyword in the terminal. It lives
 * inside `terminal.element` with the class `xterm-hover`, so xterm does not treat pointer events on it as terminal
 * events (xterm.d.ts, ILink.hover).
 */
import type { EhloExplanation } from '../../shared/smtp/ehlo.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import type { CodeToken } from '../../shared/smtp/tokens.js';
import type { Explanation } from '../../shared/smtp/types.js';
import { explainCode, explainEnhanced } from '../../shared/smtp/explain.js';
import { renderContext, renderEhlo, renderExplanation, renderVendor } from '../ui/explain-view.js';

/** Distance from the pointer to the tooltip's corner, in CSS pixels. */
const POINTER_OFFSET_PX = 14;
/** Space kept between the tooltip and the edge of the terminal, in CSS pixels. */
const EDGE_MARGIN_PX = 6;

/** The explanation for a token, or null when the dictionary has none (an enhanced code of the wrong shape). */
export function explainToken(t: Pick<CodeToken, 'kind' | 'key'>): Explanation | null {
  return t.kind === 'basic' ? explainCode(Number(t.key)) : explainEnhanced(t.key);
}

/** What the pointer rests on: a code (with the reply it belongs to, when known) or an EHLO keyword. */
export type HoverTarget =
  | { kind: 'code'; token: Pick<CodeToken, 'kind' | 'key'>; report: ReplyReport | null }
  | { kind: 'keyword'; explanation: EhloExplanation };

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

  show(target: HoverTarget, event: MouseEvent): void {
    this.element.replaceChildren();
    if (target.kind === 'keyword') {
      renderEhlo(this.element, target.explanation);
      this.element.dataset.key = target.explanation.keyword;
    } else {
      const e = explainToken(target.token);
      if (e === null) {
        this.hide();
        return;
      }
      renderExplanation(this.element, e);
      this.element.dataset.key = e.key;
      const r = target.report;
      if (r !== null) {
        // The reply's own story: what it means here, and what its text most likely means (best match only).
        if (target.token.kind === 'basic') renderContext(this.element, r);
        const best = r.vendor[0];
        if (best !== undefined) renderVendor(this.element, best);
      }
    }
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
