/**
 * The terminal's text for what heloterm found out about a server: the certificate findings once TLS is active
 * (shared/smtp/tls-report.ts), a domain's MX records (shared/smtp/mx.ts) and a server's reverse DNS
 * (shared/smtp/rdns.ts). A note, then one finding a line, each
 * marked by its tone. Pure string building: no DOM, no xterm. Findings quote what came from the network (the
 * certificate, DNS names): every line passes through showControls.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { StoredMessage, StoredReport } from '../../shared/protocol/messages.js';
import type { TlsReport } from '../../shared/smtp/tls-report.js';
import type { Finding, FindingTone } from '../../shared/smtp/types.js';
import { EOL, SGR, formatNote, ownLine, paint } from './render.js';

/** The mark and colour of each tone: ✓ fine, ! worth a look, ✗ a problem, · for the record. */
export const TONE_MARK: Readonly<Record<FindingTone, { mark: string; style: string }>> = {
  ok: { mark: '✓', style: SGR.green },
  warn: { mark: '!', style: SGR.yellow },
  bad: { mark: '✗', style: SGR.red },
  info: { mark: '·', style: SGR.dim },
};

export function formatFindings(findings: readonly Finding[]): string {
  let out = '';
  for (const f of findings) {
    const { mark, style } = TONE_MARK[f.tone];
    out += ownLine(style, `   ${mark} ${showControls(f.text)}`);
  }
  return out;
}

export function formatTlsReport(r: TlsReport): string {
  return formatNote(`TLS active (${showControls(r.protocol)}, ${showControls(r.cipher)}); the server's certificate:`) + formatFindings(r.findings);
}

/** A report of findings under a head line: a domain's MX records, a server's reverse DNS. */
export function formatReport(r: { head: string; findings: readonly Finding[] }): string {
  return formatNote(showControls(r.head)) + formatFindings(r.findings);
}

/** Lines of a stored message shown in the terminal; the rest are counted. */
export const STORED_LINES_SHOWN = 40;

/**
 * The message as the practice server stored it (protocol `stored`): what a mailbox receives, with the trace lines
 * the server put first, framed by a bar; then what that shows about the envelope.
 */
export function formatStored(m: StoredMessage): string {
  const reports = m.reports ?? [];
  const failed = reports.filter((r) => r.action === 'failed').reduce((n, r) => n + r.recipients.length, 0);
  const after = reports.map((r) => formatReportOf(m.from, r)).join('');
  // Every recipient failed: no mailbox shows the message; what the sender gets back is the bounce.
  if (failed > 0 && failed >= m.recipients) return formatNote(`the practice server queued it as message #${m.n}`) + after;
  let out = formatNote(`the practice server stored it as message #${m.n}, as the recipient's mailbox would show it:`) + framed(m.text, STORED_LINES_SHOWN, m.cut);
  const to = m.to.map(showControls).join(', ') + (m.recipients > m.to.length ? ` and ${m.recipients - m.to.length} more` : '');
  out += formatNote(
    `it put Return-Path: (the envelope sender) and Received: (the trace) first (RFC 5321 §4.4); the envelope's recipients (${to}) are in the message only where its headers name them`,
  );
  return out + after;
}

/** Lines of a delivery report shown in the terminal; the rest (the returned header's end) are counted. */
export const REPORT_LINES_SHOWN = 60;

/** Text framed by a bar, dim, its first `shown` lines; the rest counted. */
function framed(text: string, shown: number, cut: boolean): string {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  let out = '';
  for (const line of lines.slice(0, shown)) out += paint(SGR.dim, `   │ ${showControls(line.replace(/\t/g, '    '))}`) + EOL;
  const more = lines.length - shown;
  if (more > 0 || cut) out += paint(SGR.dim, `   │ … ${more > 0 ? `${more} more line${more === 1 ? '' : 's'}` : 'and more'} not shown`) + EOL;
  return out;
}

/** What happened to the report's recipients, and what went back to the sender: a line, for the transcript too. */
export function reportNote(r: StoredReport, from: string): string {
  const who = r.recipients.map(showControls).join(', ');
  const head =
    r.action === 'failed'
      ? `then it delivered it to the mailbox server behind it, which refused ${who}`
      : `it delivered it to ${who}, whose RCPT TO asked to be told (NOTIFY=SUCCESS)`;
  if (r.unsent === 'null-sender') {
    return `${head}; the message came from the null sender <> (a bounce itself), so no report goes back: a bounce is never bounced (RFC 5321 §4.5.5)${r.action === 'failed' ? ', and the message is dropped' : ''}`;
  }
  if (r.unsent === 'notify') return `${head}; their RCPT TO said NOTIFY= without FAILURE, so no bounce goes back: the sender is never told (RFC 3461 §4.1)`;
  const what = r.action === 'failed' ? 'this bounce' : 'this delivery report';
  return `${head}: the practice server sends ${what}, message #${r.n ?? '?'}, from <> (the null sender) to the envelope sender <${showControls(from)}>, for people and for programs (RFC 3464)`;
}

/** A report after the stored message: what happened, the report itself framed, and for a bounce what it teaches. */
function formatReportOf(from: string, r: StoredReport): string {
  if (r.n === null) return formatNote(reportNote(r, from));
  const out = formatNote(`${reportNote(r, from)}:`) + framed(r.text, REPORT_LINES_SHOWN, r.cut);
  if (r.action === 'delivered') return out;
  return (
    out +
    formatNote(
      'a 250 at the final "." means "accepted", not "delivered": a server that cannot deliver what it accepted must say so in a bounce (RFC 5321 §6.1), to the envelope sender, forged or not (bounces to forged senders are backscatter). /explain and a line of it, or Paste & explain with all of it, reads it',
    )
  );
}
