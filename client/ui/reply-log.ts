/**
 * The reply log beside the terminal: one entry per complete reply, newest at the bottom, each with its
 * explanations. Entries are focusable (Tab) and the list is a polite live region, so keyboard and screen-reader
 * users get the same explanations the pointer gets from hovering a code in the terminal.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { ReplyReport } from '../../shared/smtp/report.js';
import type { MxReport } from '../../shared/smtp/mx.js';
import type { EhloReview } from '../../shared/smtp/ehlo-review.js';
import type { RelayReport } from '../../shared/smtp/relay.js';
import type { PolicyReport } from '../../shared/smtp/policies.js';
import type { DkimReport } from '../../shared/smtp/dkim.js';
import type { SpfCheckReport } from '../../shared/smtp/spf-check.js';
import type { DnsblReport } from '../../shared/smtp/dnsbl.js';
import type { PortsReport } from '../../shared/smtp/port-review.js';
import type { SmugglingReport } from '../../shared/smtp/smuggling.js';
import type { TlsInjectionReport } from '../../shared/smtp/tls-injection.js';
import type { MxTlsReport } from '../../shared/smtp/mx-tls.js';
import type { TlsVersionsReport } from '../../shared/smtp/tls-versions.js';
import type { HeadersReport } from '../../shared/smtp/headers-read.js';
import type { RdnsReport } from '../../shared/smtp/rdns.js';
import type { DaneReport } from '../../shared/smtp/dane.js';
import { quietButton } from './buttons.js';
import type { TlsReport } from '../../shared/smtp/tls-report.js';
import type { Explanation, Finding } from '../../shared/smtp/types.js';
import { TONE_MARK } from '../terminal/render-findings.js';
import { WAIT_MARK, formatWait } from '../../shared/smtp/timing.js';
import { renderContext, renderEhlo, renderExplanation, renderSlow, renderVendor } from './explain-view.js';

/** Oldest entries are dropped beyond this many, to keep the page light in long sessions. */
export const MAX_LOG_ENTRIES = 500;
/**
 * Least time between two updates of the log, in ms. While a server bursts, every update rebuilds up to
 * MAX_LOG_ENTRIES entries; a few updates a second keep the log current without taking the terminal's time.
 */
export const MIN_UPDATE_INTERVAL_MS = 200;
/**
 * While replies flood in (more than the log holds arrive between two looks, MIN_UPDATE_INTERVAL_MS apart), each
 * update would rebuild the whole log, to be replaced by the next before anyone could read it: the log waits for the
 * flood to slow down, but lets no more than this pass between two updates, in ms.
 */
export const FLOOD_UPDATE_INTERVAL_MS = 2000;
/**
 * Entries an update builds at most while replies still come (about what the pane shows): the newest, shown ahead of
 * the rest, which wait for a look that finds no new entries. Building MAX_LOG_ENTRIES took 60–120 ms and a layout on a
 * slow machine, every 200 ms at the start of a flood (docs/benchmarks.md, reply burst), and a key typed meanwhile
 * waited for it.
 */
export const FLOOD_LOG_ENTRIES = 50;

/**
 * A reply's report, or how to make it (during a flood most replies never reach the log, so none is made early); or
 * what a TLS handshake showed about the server's certificate; or where a domain's mail goes (an MX lookup); or what
 * the server's address is called (reverse DNS).
 */
export type LogEntry = ReplyReport | (() => ReplyReport) | { tls: TlsReport } | { mx: MxReport } | { rdns: RdnsReport } | { dane: DaneReport } | { sts: { head: string; findings: Finding[]; good: boolean } } | { offers: EhloReview } | { relay: RelayReport } | { policies: PolicyReport } | { dkim: DkimReport } | { spf: SpfCheckReport } | { dnsbl: DnsblReport } | { ports: PortsReport } | { tlsVersions: TlsVersionsReport } | { smuggling: SmugglingReport } | { tlsInjection: TlsInjectionReport } | { mxTls: MxTlsReport } | { headers: HeadersReport } | { report: { head: string; findings: Finding[]; good: boolean } } | { failure: { label: string; head: string; findings: Finding[] } };

export class ReplyLog {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly scroller: HTMLDivElement;
  private pending: LogEntry[] = [];
  private scheduled = false;
  private lastUpdate = -Infinity;
  /** Entries added so far, and as counted at the last flush: a flood is still going on when they differ a lot. */
  private added = 0;
  private addedAtFlush = 0;
  /**
   * The last entries in the list are this many of the newest in `pending`, shown ahead of the rest (FLOOD_LOG_ENTRIES)
   * while replies still came; the next update takes them out and builds them again with the rest.
   */
  private ahead = 0;

  /** `save` and `explain`: what the "Save transcript" and "Paste & explain" buttons in the log's header do. */
  constructor(save: () => void, explain: () => void) {
    this.element = document.createElement('section');
    this.element.className = 'reply-log';
    this.element.setAttribute('aria-labelledby', 'reply-log-title');

    const head = document.createElement('header');
    const title = document.createElement('h2');
    title.id = 'reply-log-title';
    title.textContent = 'Replies';
    const clear = quietButton('clear', 'Clear', null, () => this.clear());
    const saveButton = quietButton('save', 'Save transcript', 'Download the dialog as text (C: sent, S: received), AUTH credentials removed; or type /save', save);
    // "Save" alone where the pane is narrow (app.css), so that the three buttons keep to one row; named in full.
    const word = document.createElement('span');
    word.className = 'wide-only';
    word.textContent = ' transcript';
    saveButton.replaceChildren('Save', word);
    saveButton.setAttribute('aria-label', 'Save transcript');
    const explainButton = quietButton(
      'replay',
      'Paste & explain',
      "Paste a dialog from elsewhere (a telnet window, swaks output, a saved transcript), a bounce, mail log lines or a message's header fields to have them explained; or type /replay",
      explain,
    );
    const actions = document.createElement('div');
    actions.className = 'reply-log-actions';
    actions.append(explainButton, saveButton, clear);
    head.append(title, actions);

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

  /**
   * Adds a reply. Entries are put into the page in batches, in an animation frame, at most every
   * MIN_UPDATE_INTERVAL_MS: a server bursting thousands of replies must not cost a layout per reply (the terminal
   * and the keyboard would freeze). Of a burst only the newest MAX_LOG_ENTRIES are ever built.
   */
  add(r: LogEntry): void {
    this.pending.push(r);
    this.added++;
    // Trimmed in steps, not on every add: a burst must not cost a copy per reply.
    if (this.pending.length >= 2 * MAX_LOG_ENTRIES) this.pending.splice(0, this.pending.length - MAX_LOG_ENTRIES);
    if (this.scheduled) return;
    this.scheduled = true;
    this.flushAfter(Math.max(0, this.lastUpdate + MIN_UPDATE_INTERVAL_MS - performance.now()));
  }

  /** Updates the log in the first animation frame after `ms`. */
  private flushAfter(ms: number): void {
    setTimeout(() => requestAnimationFrame(() => this.flush()), ms);
  }

  private flush(): void {
    // A flood (more entries came since the last look than the log holds): wait for a pause, so that one update shows
    // its newest replies instead of many updates replacing each other.
    const fresh = this.added - this.addedAtFlush;
    const flooding = fresh >= MAX_LOG_ENTRIES;
    this.addedAtFlush = this.added;
    if (flooding && performance.now() - this.lastUpdate < FLOOD_UPDATE_INTERVAL_MS) {
      this.flushAfter(MIN_UPDATE_INTERVAL_MS);
      return;
    }
    this.lastUpdate = performance.now();
    // The newest entries shown ahead by the last update are built again with the rest.
    if (this.ahead > 0) this.removeEntries(this.list.childElementCount - this.ahead, this.ahead);
    this.ahead = 0;
    // Many entries while replies still come: show the newest few now, and all of them once a look finds none new.
    const ahead = fresh > 0 && this.pending.length > FLOOD_LOG_ENTRIES;
    const batch = this.pending.slice(ahead ? -FLOOD_LOG_ENTRIES : -MAX_LOG_ENTRIES);
    if (ahead) {
      this.ahead = batch.length;
      this.flushAfter(MIN_UPDATE_INTERVAL_MS);
    } else {
      this.scheduled = false;
      this.pending = [];
    }
    if (batch.length === 0) return;
    const fragment = this.build(batch);
    // Drop the oldest entries in one go, not one by one.
    const excess = this.list.childElementCount + batch.length - MAX_LOG_ENTRIES;
    if (excess >= this.list.childElementCount) {
      this.list.replaceChildren(fragment);
    } else {
      if (excess > 0) this.removeEntries(0, excess);
      this.list.append(fragment);
    }
    this.element.dataset.empty = 'false';
    // Entries off screen are sized by estimate (content-visibility), so the bottom moves once the entries scrolled
    // past are laid out: bring the newest entry into view, and again in the next frame with true sizes.
    const newest = this.list.lastElementChild;
    newest?.scrollIntoView({ block: 'end' });
    requestAnimationFrame(() => {
      if (newest !== null && newest === this.list.lastElementChild) newest.scrollIntoView({ block: 'end' });
    });
  }

  /** Takes `n` entries out of the list from the `first`, in one go (not one by one). */
  private removeEntries(first: number, n: number): void {
    const from = Math.max(0, first);
    const to = Math.min(this.list.childElementCount, first + n) - 1;
    if (to < from) return;
    const range = document.createRange();
    range.setStartBefore(this.list.children[from] as Node);
    range.setEndAfter(this.list.children[to] as Node);
    range.deleteContents();
  }

  /** The entries of `batch`, built (not yet in the page). */
  private build(batch: readonly LogEntry[]): DocumentFragment {
    const fragment = document.createDocumentFragment();
    for (const r of batch) {
      if (typeof r === 'function') fragment.append(this.entry(r()));
      else if ('tls' in r) fragment.append(this.tlsEntry(r.tls));
      else if ('mx' in r) fragment.append(this.findingsEntry('MX', r.mx.head, r.mx.findings, null, r.mx.connectTo !== null));
      else if ('rdns' in r) fragment.append(this.findingsEntry('rDNS', r.rdns.head, r.rdns.findings, null, r.rdns.good));
      else if ('dane' in r) fragment.append(this.findingsEntry('DANE', r.dane.head, r.dane.findings, null, r.dane.good));
      else if ('sts' in r) fragment.append(this.findingsEntry('MTA-STS', r.sts.head, r.sts.findings, null, r.sts.good));
      else if ('failure' in r) fragment.append(this.findingsEntry(r.failure.label, r.failure.head, r.failure.findings, null, false));
      else if ('policies' in r) fragment.append(this.findingsEntry('DNS', r.policies.head, r.policies.findings, null, r.policies.good));
      else if ('dkim' in r) fragment.append(this.findingsEntry('DKIM', r.dkim.head, r.dkim.findings, null, r.dkim.good));
      else if ('spf' in r) fragment.append(this.findingsEntry('SPF', r.spf.head, r.spf.findings, null, r.spf.good));
      else if ('dnsbl' in r) fragment.append(this.findingsEntry('DNSBL', r.dnsbl.head, r.dnsbl.findings, null, r.dnsbl.good));
      else if ('ports' in r) fragment.append(this.findingsEntry('PORTS', r.ports.head, r.ports.findings, null, r.ports.good));
      else if ('tlsVersions' in r) fragment.append(this.findingsEntry('VERSIONS', r.tlsVersions.head, r.tlsVersions.findings, null, r.tlsVersions.good));
      else if ('smuggling' in r) fragment.append(this.findingsEntry('SMUGGLING', r.smuggling.head, r.smuggling.findings, null, r.smuggling.good));
      else if ('tlsInjection' in r) fragment.append(this.findingsEntry('INJECTION', r.tlsInjection.head, r.tlsInjection.findings, null, r.tlsInjection.good));
      else if ('mxTls' in r) fragment.append(this.findingsEntry('MX TLS', r.mxTls.head, r.mxTls.findings, null, r.mxTls.good));
      else if ('headers' in r) fragment.append(this.findingsEntry('HEADERS', r.headers.head, r.headers.findings, null, r.headers.good));
      else if ('report' in r) fragment.append(this.findingsEntry('REPORT', r.report.head, r.report.findings, null, r.report.good));
      else if ('relay' in r) fragment.append(this.findingsEntry('RELAY', r.relay.head, r.relay.findings, null, false));
      else if ('offers' in r) fragment.append(this.findingsEntry('EHLO', r.offers.head, r.offers.findings, null, r.offers.good));
      else fragment.append(this.entry(r));
    }
    return fragment;
  }

  /** Builds one entry (not yet in the page). */
  private entry(r: ReplyReport): HTMLLIElement {
    const { reply, annotation } = r;
    const li = document.createElement('li');
    li.tabIndex = 0;
    li.className = `reply cls-${reply.cls}${r.explained !== undefined ? ' explained' : ''}`;
    li.dataset.n = String(r.n);

    const line = document.createElement('div');
    line.className = 'reply-line';
    // The same number as the terminal's "[n]" after the reply's annotation.
    const n = document.createElement('span');
    n.className = 'reply-n';
    n.textContent = `#${r.n}`;
    line.append(n, ' ');
    if (r.explained !== undefined) {
      const origin = document.createElement('span');
      origin.className = 'reply-origin';
      origin.textContent = `${r.explained}: `;
      line.append(origin);
    }
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
    if (r.slow !== null) {
      const wait = document.createElement('span');
      wait.className = 'reply-wait';
      // The clock face is for the eye; a screen reader hears "3.0 s" and the title.
      const mark = document.createElement('span');
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = WAIT_MARK;
      wait.append(' ', mark, ` ${formatWait(r.slow.ms)}`);
      wait.title = `the server took ${formatWait(r.slow.ms)} to answer`;
      line.append(wait);
    }
    li.append(line);

    // What it means here first, why it was slow, then what its text most likely means, then the codes in general.
    renderContext(li, r);
    if (r.queued !== null) {
      const box = document.createElement('p');
      box.className = 'explain queue-id';
      const label = document.createElement('strong');
      label.textContent = `Queue id ${showControls(r.queued.id)} (${r.queued.server}): `;
      box.append(label, showControls(r.queued.follow));
      li.append(box);
    }
    renderSlow(li, r.slow);
    for (const m of r.vendor) renderVendor(li, m, r.reply.lines.map((l) => l.text).join(' '));
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

    return li;
  }

  /** The TLS entry: protocol and cipher, the certificate findings, and why it did not verify. */
  private tlsEntry(t: TlsReport): HTMLLIElement {
    const text = `${showControls(t.protocol)}, ${showControls(t.cipher)}: the server's certificate`;
    return this.findingsEntry('TLS', text, t.findings, t.error, t.verified);
  }

  /** An entry of findings (TLS, MX): a label, a line, the findings marked by tone, and an explanation if any. */
  private findingsEntry(label: string, text: string, findings: readonly Finding[], explanation: Explanation | null, good: boolean): HTMLLIElement {
    const li = document.createElement('li');
    li.tabIndex = 0;
    li.className = `reply ${label.toLowerCase()} ${good ? 'cls-2' : 'cls-4'}`;
    const line = document.createElement('div');
    line.className = 'reply-line';
    const code = document.createElement('span');
    code.className = 'reply-code';
    code.textContent = label;
    const shown = document.createElement('span');
    shown.className = 'reply-text';
    shown.textContent = showControls(text);
    line.append(code, ' ', shown);
    const list = document.createElement('ul');
    list.className = 'findings';
    for (const f of findings) {
      const item = document.createElement('li');
      item.className = `finding ${f.tone}`;
      item.textContent = `${TONE_MARK[f.tone].mark} ${showControls(f.text)}`;
      list.append(item);
    }
    li.append(line, list);
    if (explanation !== null) {
      const box = document.createElement('div');
      box.className = 'explain';
      renderExplanation(box, explanation);
      li.append(box);
    }
    return li;
  }

  clear(): void {
    this.pending = [];
    this.ahead = 0;
    this.list.replaceChildren();
    this.element.dataset.empty = 'true';
  }
}
