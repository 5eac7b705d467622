/**
 * `/tls injection`: whether a server took a command written in plain text with STARTTLS as one sent inside TLS
 * (server/tls-injection-probe.ts), read as an admin reads Wietse Venema's 2011 test: a server that answers, over TLS,
 * the NOOP sent before the handshake keeps its plain-text input across STARTTLS, and a man in the middle who adds
 * commands after a client's STARTTLS has them run inside the client's TLS session (CVE-2011-0411 Postfix, and many
 * servers since; the "NO STARTTLS" study of 2021 found them still). RFC 3207 §4: after the handshake the session
 * starts anew, and nothing before it counts. Pure.
 */
import type { TlsInjectionMessage } from '../protocol/messages.js';
import type { Finding } from './types.js';

export interface TlsInjectionReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** The findings of a probe of `port` of `host`; `text` and `next` are the server's: shown through showControls. */
export function readTlsInjection(host: string, port: number, answer: TlsInjectionMessage['answer']): TlsInjectionReport {
  const where = `${host} port ${port}`;
  if (answer.kind === 'none') {
    return { head: `STARTTLS injection check of ${where}:`, findings: [{ tone: answer.reason === 'not-found' ? 'bad' : 'warn', text: `not checked: ${answer.detail}` }], good: false };
  }
  const head = `STARTTLS injection check of ${where} (${answer.address}): "STARTTLS" and "NOOP" written at once, as a man in the middle would add one, then the handshake and QUIT over TLS:`;
  const finding = ((): Finding => {
    switch (answer.outcome) {
      case 'injected':
        return {
          tone: 'bad',
          text: `over TLS the server answered the NOOP sent in plain text before the handshake ("${answer.text}"), and only then QUIT ("${answer.next}"): open to STARTTLS command injection (CVE-2011-0411 and kin): commands added after a client's STARTTLS by someone on the way run inside its TLS session. A server must drop what came before the handshake (RFC 3207 §4); update it (Postfix has since 2011)`,
        };
      case 'safe':
        return { tone: 'ok', text: `over TLS the first reply was QUIT's ("${answer.text}"): the NOOP sent before the handshake was dropped, as RFC 3207 §4 wants: not open to STARTTLS command injection` };
      case 'no-starttls':
        // Postfix 3.9 (smtpd_forbid_unauth_pipelining = yes) answers a command written after STARTTLS so, and hangs up.
        return /^STARTTLS answered 5\d\d .*synchroni[sz]ation/i.test(answer.text)
          ? { tone: 'ok', text: `the server refused STARTTLS with a command written after it (${answer.text.slice('STARTTLS answered '.length)}), and started no TLS: the strictest answer (Postfix 3.9's smtpd_forbid_unauth_pipelining): not open to STARTTLS command injection` }
          : { tone: 'warn', text: `not tried: ${answer.text}` };
      case 'tls-failed':
        return { tone: 'warn', text: `the handshake failed (${answer.text}), so nothing was sent over TLS; /tls versions says which TLS versions the server takes` };
      case 'unclear':
        return { tone: 'warn', text: `nothing sure: ${answer.text}` };
      case 'error':
        return { tone: 'bad', text: `not checked: ${answer.text}` };
    }
  })();
  return { head, findings: [finding], good: finding.tone === 'ok' };
}
