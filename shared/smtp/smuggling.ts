/**
 * `/smuggling`: whether a server ended a test message at a sequence other than <CR><LF>.<CR><LF>
 * (server/smuggling-probe.ts), read as an admin reads smtpsmug's output: the one end of a message is CRLF.CRLF (RFC 5321
 * §4.1.1.4), lines end in CRLF alone (§2.3.8), and a receiver that also ends a message at "<LF>.<LF>" is open to SMTP
 * smuggling (CVE-2023-51764 Postfix, CVE-2023-51765 Sendmail, CVE-2023-51766 Exim): a sender whose own server passes
 * such a sequence on unchanged can hide a second message, with any From:, inside the first, and the second arrives
 * from the first's server, passing its SPF. Pure.
 */
import type { SmugglingMessage, SmugglingOutcome, SmugglingSequence } from '../protocol/messages.js';
import type { Finding } from './types.js';

export interface SmugglingReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** "<LF>.<LF>" for "LF.LF": the sequence as the reports of 2023 write it. */
export function sequenceName(s: SmugglingSequence): string {
  return s
    .split('.')
    .map((part) => part.replace('CRLF', '<CR><LF>').replace(/^(LF|CR)$/, '<$1>'))
    .join('.');
}

/** Where to make a server end a message only at CRLF.CRLF, in the servers admins run. */
export const SMUGGLING_FIX =
  'Postfix: smtpd_forbid_bare_newline = normalize (the default from 3.9), or = reject to refuse a bare <LF> outright (the parameter came in 3.5.23, 3.6.13, 3.7.9 and 3.8.4, where = yes refused it; later releases took yes for normalize); Exim 4.97.1 or later; Sendmail 8.18.1 or later (srv_features o); other servers: their release that names CVE-2023-51764 or its kin';

/** One sequence's line; `text` and `next` are the server's and are to be shown through showControls. */
function sequenceFinding(o: SmugglingOutcome): Finding {
  const name = sequenceName(o.sequence);
  switch (o.outcome) {
    case 'ended':
      return o.text.startsWith('2')
        ? { tone: 'bad', text: `${name}: the server ended the message there ("${o.text}") and read the next line, NOOP, as a command ("${o.next}"): open to SMTP smuggling` }
        : {
            tone: 'warn',
            text: `${name}: the server ended the message there, but refused it ("${o.text}"), and read the next line, NOOP, as a command ("${o.next}"): a message followed by commands is refused (as Postfix's smtpd_data_restrictions = reject_unauth_pipelining does), which stops the attack as published, not the cause`,
          };
    case 'text':
      return { tone: 'ok', text: `${name}: message text; the message ended at <CR><LF>.<CR><LF> ("${o.text}")` };
    case 'refused':
      return { tone: 'ok', text: `${name}: refused ("${o.text}"), the strictest answer to a bare line ending (RFC 5321 §2.3.8)` };
    case 'not-reached':
      return { tone: 'warn', text: `${name}: no message sent: ${o.text}` };
    case 'unclear':
      return { tone: 'warn', text: `${name}: nothing tells: ${o.text}` };
    case 'error':
      return { tone: 'bad', text: `${name}: ${o.text}` };
  }
}

/** Why the dialog did not get to DATA, in a hint when it is a recipient or a sender refused. */
function notReachedHint(text: string): string {
  if (/ answered 530\b/.test(text)) return ': the server wants TLS or a login first (a submission port, or one that requires TLS); this check talks plain SMTP without a login, as a server takes mail from others on port 25';
  if (/^RCPT TO:/.test(text)) return ': the server must take mail for the address named (one of its own domains); name another with /smuggling HOST ADDRESS';
  if (/^MAIL FROM:<>/.test(text)) return ': the null sender was refused; name a sender after the recipient, /smuggling HOST TO FROM';
  return '';
}

/** The findings of a probe of `port` of `host` for `to`: one line a sequence, and what the set of them means. */
export function readSmuggling(host: string, port: number, to: string, answer: SmugglingMessage['answer']): SmugglingReport {
  const where = `${host} port ${port}`;
  if (answer.kind === 'none') {
    return { head: `SMTP smuggling check of ${where}:`, findings: [{ tone: answer.reason === 'not-found' ? 'bad' : 'warn', text: `not checked: ${answer.detail}` }], good: false };
  }
  const head = `SMTP smuggling check of ${where} (${answer.address}): a test message to <${to}> for each sequence, its last line ended by it, then a line NOOP and <CR><LF>.<CR><LF>:`;
  const all = answer.sequences;
  const first = all[0];
  // Every sequence stopped alike before DATA, or failed alike: one line, not four.
  if (first !== undefined && (first.outcome === 'not-reached' || first.outcome === 'error') && all.every((o) => o.outcome === first.outcome && o.text === first.text)) {
    const text = first.outcome === 'not-reached' ? `no message sent: ${first.text}${notReachedHint(first.text)}` : `not checked: ${first.text}`;
    return { head, findings: [{ tone: first.outcome === 'error' ? 'bad' : 'warn', text }], good: false };
  }
  const findings = all.map(sequenceFinding);
  const open = all.filter((o) => o.outcome === 'ended' && o.text.startsWith('2'));
  const ended = all.filter((o) => o.outcome === 'ended');
  if (open.length > 0) {
    findings.push({
      tone: 'bad',
      text: `open to SMTP smuggling (CVE-2023-51764 and kin): a sender whose server passes ${open.map((o) => sequenceName(o.sequence)).join(' or ')} on can hide a second message, with any From:, inside one it sends here, and the second arrives from that server, passing its SPF. To end a message only at <CR><LF>.<CR><LF> (RFC 5321 §4.1.1.4): ${SMUGGLING_FIX}`,
    });
  } else if (ended.length > 0) {
    findings.push({ tone: 'warn', text: `the server still ends a message early at ${ended.map((o) => sequenceName(o.sequence)).join(' and ')}; the fix of the cause: ${SMUGGLING_FIX}` });
  } else if (all.every((o) => o.outcome === 'text' || o.outcome === 'refused')) {
    findings.push({
      tone: 'ok',
      text: 'not open to SMTP smuggling at these sequences: the server ends a message only at <CR><LF>.<CR><LF> (RFC 5321 §4.1.1.4). The test messages it took are in the mailbox named, each with its sequence as message text',
    });
  }
  const good = findings.every((f) => f.tone === 'ok' || f.tone === 'info');
  return { head, findings, good };
}
