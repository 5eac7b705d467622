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
import { renderContext, renderEhlo, renderExplanation, renderSlow, renderVendor } from '../ui/explain-view.js';

/** Distance from the pointer to the tooltip's corner, in CSS pixels. */
const POINTER_OFFSET_PX = 14;
/** Space kept between the tooltip and the edge of the terminal, in CSS pixels. */
const EDGE_MARGIN_PX = 6;

/** The explanation for a token, or null when the dictionary has none (an enhanced code of the wrong shape). */
export function explainToken(t: Pick<CodeToken, 'kind' | 'key'>): Explanation | null {
  return t.kind === 'basic' ? explainCode(Number(t.key)) : explainEnhanced(t.key);
}

/** Where the hovered text stands on screen, in client (viewport) pixels. */
export interface ScreenBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * What the pointer rests on: a code (with the reply it belongs to, when known), an EHLO keyword, or the reason a
 * certificate did not verify ("DEPTH_ZERO_SELF_SIGNED_CERT").
 */
export type HoverTarget =
  | { kind: 'code'; token: Pick<CodeToken, 'kind' | 'key'>; report: ReplyReport | null }
  | { kind: 'keyword'; explanation: EhloExplanation }
  | { kind: 'tls'; explanation: Explanation };

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

  /** Shows the explanation of `target` next to the pointer, clear of `around` (the hovered text) when given. */
  show(target: HoverTarget, event: MouseEvent, around: ScreenBox | null = null): void {
    this.element.replaceChildren();
    if (target.kind === 'keyword') {
      renderEhlo(this.element, target.explanation);
      this.element.dataset.key = target.explanation.keyword;
    } else if (target.kind === 'tls') {
      renderExplanation(this.element, target.explanation);
      this.element.dataset.key = target.explanation.key;
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
        // The reply's own story: what it means here, why it was slow, and what its text most likely means (best
        // match only).
        if (target.token.kind === 'basic') {
          renderContext(this.element, r);
          renderSlow(this.element, r.slow);
        }
        const best = r.vendor[0];
        if (best !== undefined) renderVendor(this.element, best, r.reply.lines.map((l) => l.text).join(' '));
      }
    }
    this.element.hidden = false;
    this.place(event, around);
  }

  hide(): void {
    this.element.hidden = true;
  }

  /**
   * Below the hovered text, right of the pointer (flipped left at the terminal's edge); above it when there is no
   * room below; beside it, at its height, when there is room neither below nor above. Never over the pointer or the
   * text it explains, while the terminal leaves room for that anywhere.
   */
  private place(event: MouseEvent, around: ScreenBox | null): void {
    const box = this.host.getBoundingClientRect();
    const tip = this.element.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    // What must stay visible: the pointer and the hovered text, relative to the host.
    const text = around ?? { left: event.clientX, top: event.clientY, right: event.clientX, bottom: event.clientY };
    const keep = {
      left: Math.min(px, text.left - box.left),
      top: Math.min(py, text.top - box.top),
      right: Math.max(px, text.right - box.left),
      bottom: Math.max(py, text.bottom - box.top),
    };
    const fitsX = (x: number): boolean => x >= EDGE_MARGIN_PX && x + tip.width <= box.width - EDGE_MARGIN_PX;
    const fitsY = (y: number): boolean => y >= EDGE_MARGIN_PX && y + tip.height <= box.height - EDGE_MARGIN_PX;
    let left = px + POINTER_OFFSET_PX;
    if (!fitsX(left)) left = Math.max(EDGE_MARGIN_PX, px - tip.width - POINTER_OFFSET_PX);
    let top = keep.bottom + POINTER_OFFSET_PX;
    if (!fitsY(top)) {
      const above = keep.top - POINTER_OFFSET_PX - tip.height;
      if (fitsY(above)) top = above;
      else {
        // Too tall for either side: beside the text, centred on its row as far as the terminal allows.
        top = Math.max(EDGE_MARGIN_PX, Math.min(py - tip.height / 2, box.height - EDGE_MARGIN_PX - tip.height));
        const right = keep.right + POINTER_OFFSET_PX;
        const leftOf = keep.left - POINTER_OFFSET_PX - tip.width;
        if (fitsX(right)) left = right;
        else if (fitsX(leftOf)) left = leftOf;
        else left = box.width - keep.right > keep.left ? right : Math.max(EDGE_MARGIN_PX, leftOf);
      }
    }
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}
