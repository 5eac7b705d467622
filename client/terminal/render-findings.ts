/**
 * The terminal's text for what heloterm found out about a server: the certificate findings once TLS is active
 * (shared/smtp/tls-report.ts), a domain's MX records (shared/smtp/mx.ts) and a server's reverse DNS
 * (shared/smtp/rdns.ts). A note, then one finding a line, each
 * marked by its tone. Pure string building: no DOM, no xterm. Findings quote what came from the network (the
 * certificate, DNS names): every line passes through showControls.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { StoredMessage } from '../../shared/protocol/messages.js';
import type { TlsReport } from '../../shared/smtp/tls-report.js';
import type { Finding, FindingTone } from '../../shared/smtp/types.js';
import { EOL, SGR, formatNote, paint } from './render.js';

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
    out += paint(style, `   ${mark} ${showControls(f.text)}`) + EOL;
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
  const lines = m.text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  let out = formatNote(`the practice server stored it as message #${m.n}, as the recipient's mailbox would show it:`);
  for (const line of lines.slice(0, STORED_LINES_SHOWN)) out += paint(SGR.dim, `   │ ${showControls(line.replace(/\t/g, '    '))}`) + EOL;
  const more = lines.length - STORED_LINES_SHOWN;
  if (more > 0 || m.cut) out += paint(SGR.dim, `   │ … ${more > 0 ? `${more} more line${more === 1 ? '' : 's'}` : 'and more'} not shown`) + EOL;
  const to = m.to.map(showControls).join(', ') + (m.recipients > m.to.length ? ` and ${m.recipients - m.to.length} more` : '');
  return (
    out +
    formatNote(
      `it put Return-Path: (the envelope sender) and Received: (the trace) first (RFC 5321 §4.4); the envelope's recipients (${to}) are in the message only where its headers name them`,
    )
  );
}
