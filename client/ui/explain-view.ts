/**
 * DOM renderings of what heloterm knows about a reply, shared by the hover tooltip and the reply log, so a pointer
 * user and a keyboard user read the same words. Text only (textContent): server text never becomes markup.
 */
import type { EhloExplanation } from '../../shared/smtp/ehlo.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import { WAIT_MARK, formatWait, type SlowReply } from '../../shared/smtp/timing.js';
import type { Explanation } from '../../shared/smtp/types.js';
import type { VendorMatch } from '../../shared/smtp/vendor-match.js';
import { spfCommandIn } from '../../shared/smtp/spf-check.js';
import { dnsblCommandIn } from '../../shared/smtp/dnsbl.js';
import { isIPv4Literal, isIPv6Literal } from '../../shared/protocol/host.js';

const CLASS_NAME_BY_DIGIT: Readonly<Record<string, string>> = { '2': 'cls-2', '3': 'cls-3', '4': 'cls-4', '5': 'cls-5' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, ...children: (string | Node)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  e.append(...children);
  return e;
}

function labelled(className: string, label: string, text: string): HTMLParagraphElement {
  return el('p', className, el('strong', '', label), text);
}

/** Key + title, explanation, what to do, source. */
export function renderExplanation(into: HTMLElement, e: Explanation): void {
  const key = el('span', `explain-key ${CLASS_NAME_BY_DIGIT[e.key[0] ?? ''] ?? ''}`, e.key);
  const head = el('div', 'explain-head', key, ' ', el('span', 'explain-title', e.title));
  into.append(
    head,
    el('p', 'explain-text', e.explanation),
    labelled('explain-action', 'What to do: ', e.action),
    el('small', 'explain-source', e.source),
  );
}

/** What the reply means given what it answered ("Answer to RCPT: Recipient accepted …"). */
export function renderContext(into: HTMLElement, r: ReplyReport): void {
  if (r.context === null) return;
  const label = r.answered === null ? 'Here: ' : `Answer to ${r.answered}: `;
  into.append(el('div', 'explain context', labelled('explain-text', label, r.context.meaning), el('small', 'explain-source', r.context.source)));
}

/**
 * One recognised reply text (`text`, its lines' text joined): the likely cause and what to do, with how sure the match
 * is and where it is documented.
 */
export function renderVendor(into: HTMLElement, m: VendorMatch, text: string): void {
  const head = el(
    'div',
    'explain-head',
    el('span', 'explain-title', `${m.title}`),
    ' ',
    el('span', `vendor-confidence ${m.confidence}`, `${m.confidence} confidence · ${m.vendor}`),
  );
  // The records behind an SPF, DKIM or DMARC refusal are one lookup away.
  const hint = commandHint(m.topic, text) ?? POLICY_TOPICS.get(m.topic);
  const action = hint === undefined ? m.action : `${m.action} (${hint})`;
  into.append(causeBox('explain vendor', head, { ...m, action }));
}

/** For a refusal whose text names what to check (an address, a domain), the command that checks it. */
function commandHint(topic: string, text: string): string | null {
  const spf = topic === 'spf' ? spfCommandIn(text) : null;
  if (spf !== null) return `${spf} checks the address and domain it names, as a receiver does.`;
  const dnsbl = topic === 'dnsbl' ? dnsblCommandIn(text) : null;
  if (dnsbl === null) return null;
  // "/dnsbl 192.0.2.10", or "/dnsbl example.org" for a domain list.
  const target = dnsbl.slice('/dnsbl '.length);
  const address = isIPv4Literal(target) || isIPv6Literal(target);
  return `${dnsbl} asks the common ${address ? 'blocklists about the address' : 'domain blocklists about the domain'} it names.`;
}

/** Vendor topics whose cause is in the sender domain's DNS records, and the command that shows them. */
const MX_HINT = "/mx with the sender's domain shows its SPF and DMARC records.";
const POLICY_TOPICS: ReadonlyMap<string, string> = new Map([
  ['spf', "/spf with your server's address and the MAIL FROM domain checks it as a receiver does; /mx shows the record."],
  ['dmarc', MX_HINT],
  ['unauthenticated', MX_HINT],
  ['dnsbl', "/dnsbl with your server's public address asks the common blocklists about it; /dnsbl with a domain, the domain lists."],
  ['dkim', '/dkim with the s= and d= of the message\'s DKIM-Signature header shows the key a verifier uses.'],
]);

/** How long a slow reply took, and why that may be (timing.ts). */
export function renderSlow(into: HTMLElement, slow: SlowReply | null): void {
  if (slow === null) return;
  const mark = el('span', '', WAIT_MARK);
  mark.setAttribute('aria-hidden', 'true');
  const head = el('div', 'explain-head', el('span', 'explain-key wait', mark, ` ${formatWait(slow.ms)}`), ' ', el('span', 'explain-title', `to answer: ${slow.title}`));
  into.append(causeBox('explain slow', head, slow));
}

/** A head line, then the likely cause, what to do and where it is documented. */
function causeBox(className: string, head: HTMLElement, c: { cause: string; action: string; source: string }): HTMLDivElement {
  return el(
    'div',
    className,
    head,
    labelled('explain-text', 'Likely cause: ', c.cause),
    labelled('explain-action', 'What to do: ', c.action),
    el('small', 'explain-source', c.source),
  );
}

/** One EHLO line's keyword, with its parameters. */
export function renderEhlo(into: HTMLElement, e: EhloExplanation): void {
  const box = el('div', 'explain ehlo');
  renderExplanation(box, { ...e, key: e.keyword === '' ? e.key : e.keyword });
  if (e.params.length > 0) {
    const list = el('ul', 'ehlo-params');
    for (const p of e.params) list.append(el('li', '', el('code', '', p.text), ` ${p.meaning}`));
    box.append(list);
  }
  into.append(box);
}
