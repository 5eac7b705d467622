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
  const bounce = m.bounce;
  // Every recipient failed: no mailbox shows the message; what the sender gets back is the bounce.
  if (bounce !== undefined && bounce.failed.length >= m.recipients) return formatNote(`the practice server queued it as message #${m.n}`) + formatBounce(m.from, bounce);
  let out = formatNote(`the practice server stored it as message #${m.n}, as the recipient's mailbox would show it:`) + framed(m.text, STORED_LINES_SHOWN, m.cut);
  const to = m.to.map(showControls).join(', ') + (m.recipients > m.to.length ? ` and ${m.recipients - m.to.length} more` : '');
  out += formatNote(
    `it put Return-Path: (the envelope sender) and Received: (the trace) first (RFC 5321 §4.4); the envelope's recipients (${to}) are in the message only where its headers name them`,
  );
  return bounce === undefined ? out : out + formatBounce(m.from, bounce);
}

/** Lines of a bounce shown in the terminal; the rest (the returned header's end) are counted. */
export const BOUNCE_LINES_SHOWN = 60;

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

/** A delivery that failed after the message was accepted (gone@), and the bounce that went back to its sender. */
function formatBounce(from: string, b: NonNullable<StoredMessage['bounce']>): string {
  const failed = b.failed.map(showControls).join(', ');
  const head = `then it delivered it to the mailbox server behind it, which refused ${failed}`;
  if (b.n === null) {
    return formatNote(
      `${head}; the message came from the null sender <> (a bounce itself), so no bounce goes back: a bounce is never bounced (RFC 5321 §4.5.5), and the message is dropped`,
    );
  }
  return (
    formatNote(`${head}: the practice server sends this bounce, message #${b.n}, from <> (the null sender) to the envelope sender <${showControls(from)}>, as a report for people and for programs (RFC 3464):`) +
    framed(b.text, BOUNCE_LINES_SHOWN, b.cut) +
    formatNote(
      'a 250 at the final "." means "accepted", not "delivered": a server that cannot deliver what it accepted must say so in a bounce (RFC 5321 §6.1), to the envelope sender, forged or not (bounces to forged senders are backscatter). /explain and a line of it, or Paste & explain with all of it, reads it',
    )
  );
}
