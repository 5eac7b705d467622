/**
 * The terminal's text once TLS is active: a note with the protocol and cipher, then the certificate findings
 * (shared/smtp/tls-report.ts), one a line, each marked by its tone. Pure string building: no DOM, no xterm.
 * The findings quote the certificate, which is the server's word: every line passes through showControls.
 */
import { showControls } from '../../shared/smtp/escape.js';
import type { FindingTone, TlsReport } from '../../shared/smtp/tls-report.js';
import { EOL, SGR, formatNote, paint } from './render.js';

/** The mark and colour of each tone: ✓ fine, ! worth a look, ✗ a problem, · for the record. */
export const TONE_MARK: Readonly<Record<FindingTone, { mark: string; style: string }>> = {
  ok: { mark: '✓', style: SGR.green },
  warn: { mark: '!', style: SGR.yellow },
  bad: { mark: '✗', style: SGR.red },
  info: { mark: '·', style: SGR.dim },
};

export function formatTlsReport(r: TlsReport): string {
  let out = formatNote(`TLS active (${showControls(r.protocol)}, ${showControls(r.cipher)}); the server's certificate:`);
  for (const f of r.findings) {
    const { mark, style } = TONE_MARK[f.tone];
    out += paint(style, `   ${mark} ${showControls(f.text)}`) + EOL;
  }
  return out;
}
