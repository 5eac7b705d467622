/**
 * What the lines Postfix's smtpd and postscreen log about a client mean, beside its refusals (which quote a reply,
 * log-read.ts), and those that trace a message through its queue: the lines admins ask about most. Data: a pattern on
 * the text after "postfix/smtpd[pid]: ", and what to say, from the pattern's groups. Texts as Postfix 3.x writes them
 * (smtpd(8), postscreen(8)).
 */

import { explainFailure } from './connect-failure.js';

export interface LogEvent {
  /** Matched against the text after the daemon's tag. */
  pattern: RegExp;
  /** What the line means, from the match. */
  explain: (m: RegExpExecArray) => string;
}

/** Where a log's line readers (Postfix's, Exim's, Sendmail's, OpenSMTPD's) put what they read (log-read.ts). */
export interface LogSink {
  /** A reply the line quotes, with what it answered: a command line, "end of data", or null (unknown, or greeting). */
  reply(note: string, reply: string, answered: string | null): void;
  /**
   * What a line about one message says without a reply: `head` names the message, `reason` is the line's own words,
   * `why` what they mean. Shown as "head: reason — why", once for each reason (a queue of deferrals for one cause
   * is said once, and counted).
   */
  note(head: string, reason: string, why: string | null): void;
  /** What a line about a client says: shown once however many lines say it. */
  event(text: string): void;
}

/** What the first of `events` that matches `text` says of it, or null. */
export function explainBy(events: readonly LogEvent[], text: string): string | null {
  for (const event of events) {
    const m = event.pattern.exec(text);
    if (m !== null) return event.explain(m);
  }
  return null;
}

/**
 * How a connection failure in a log's words ("connect to mx.example.org[192.0.2.10]:25: Connection timed out", `where`
 * ending in its port, 25 when it names none) reads in heloterm's (connect-failure.ts), or null.
 */
export function failureNote(where: string, error: string): string | null {
  const port = Number(/:(\d+)$/.exec(where)?.[1] ?? 25);
  // The server that logged it has no route there: most often an MX host's IPv6 address, from a network without IPv6.
  if (/Network is unreachable/i.test(error)) {
    return /\[[0-9a-f]*:[0-9a-f:.]*\]/i.test(where)
      ? "no route to IPv6 from this server: its network has no IPv6, and it still tries the MX hosts' IPv6 addresses (Postfix's inet_protocols = all) before their IPv4 ones, so mail arrives, late. Set inet_protocols = ipv4 (postconf -e inet_protocols=ipv4, then postfix stop and postfix start: a reload does not apply it), or give the server IPv6. (RFC 5321 §5.1)"
      : 'no route to that network from this server: its routing table, a VPN or a link that is down; the receiving server was not reached at all.';
  }
  const code = /timed out/i.test(error)
    ? 'TIMEOUT'
    : /refused/i.test(error)
      ? 'CONNECTION_REFUSED'
      : /not found|Name service error/i.test(error)
        ? 'DNS_NOT_FOUND'
        : null;
  const f = code === null ? null : explainFailure(code, error, { port, implicit: false });
  return f === null ? null : `${f.title}: ${f.cause} ${f.action}${f.source === '' ? '' : ` (${f.source})`}`;
}

/** Postfix's disconnect counters ("rcpt=0/1"): a command's name, accepted of sent when they differ. */
function counters(text: string): string {
  const parts: string[] = [];
  for (const [, name = '', ok = '', sent] of text.matchAll(/\b([a-z]+)=(\d+)(?:\/(\d+))?/g)) {
    if (name === 'commands') continue;
    parts.push(sent === undefined ? `${ok} ${name.toUpperCase()}` : `${sent} ${name.toUpperCase()}, ${ok} accepted`);
  }
  return parts.join('; ');
}

/**
 * Why a delivery that quotes no reply was deferred or bounced (the text in the parentheses of `status=deferred (…)`),
 * as Postfix's smtp and local delivery agents word it.
 */
export const DELIVERY_EVENTS: readonly LogEvent[] = [
  {
    pattern: /^(?:delivery temporarily suspended: )?(?:lost connection with (\S+) while (.+)|conversation with (\S+) timed out while (.+))$/,
    explain: (m) =>
      m[1] !== undefined
        ? `${m[1]} hung up while ${m[2]}: overloaded, or it dropped this client (a blocklist, a rate or connection limit); its own log says why`
        : `${m[3]} stopped answering while ${m[4]} (Postfix waits smtp_*_timeout, 300 s for most steps): overloaded, or a network path that loses large packets when it happens while sending the message`,
  },
  {
    pattern: /^(?:delivery temporarily suspended: )?Host or domain name not found\. Name service error for name=(\S+) type=(\w+): (.+)$/,
    explain: (m) =>
      `DNS has no ${m[2]} answer for ${m[1]} (${m[3]}): "try again" is a resolver that timed out or failed (SERVFAIL), otherwise the name has no such record. /mx ${m[1]} asks as a sending MTA does`,
  },
  {
    pattern: /^(?:delivery temporarily suspended: )?TLS is required, but (?:was not offered by host|host) (\S+)/,
    explain: (m) =>
      `this server requires TLS for the destination (smtp_tls_security_level = encrypt or a TLS policy), and ${m[1]} did not offer STARTTLS, or the handshake failed: nothing is sent in plain text (postconf(5) smtp_tls_security_level)`,
  },
  {
    pattern: /^(?:delivery temporarily suspended: )?Server certificate not (?:trusted|verified)/,
    explain: () => 'the receiving server\'s certificate failed the check a TLS policy requires (verify or secure level, MTA-STS or DANE): an expired or self-signed certificate, or a name that does not match. /tls shows one after STARTTLS',
  },
  {
    pattern: /^mail forwarding loop for (\S+)$/,
    explain: (m) =>
      `a mail loop: the message came back to this server for ${m[1]} (its Delivered-To: line for it was in the message already): an alias, a .forward file or a virtual alias sends it round; the message's Received: lines show the way it went (local(8))`,
  },
  {
    pattern: /^unknown user: "([^"]*)"$/,
    explain: (m) => `no local mailbox or alias for "${m[1]}": refused by local delivery, after the message was accepted (a bounce follows) (local(8))`,
  },
  {
    pattern: /^delivered (?:to (?:mailbox|maildir|command: .+|file: .+)|via (\S+) service)/,
    explain: (m) => `delivered locally${m[1] === undefined ? '' : ` by the ${m[1]} service`}: the message is in the recipient's mailbox (local(8), virtual(8), pipe(8))`,
  },
];

/**
 * What a failed SASL login's reason says, as Postfix logs it: AUTH LOGIN's last challenge in base64 ("UGFzc3dvcmQ6" is
 * "Password:": the password was refused; "VXNlcm5hbWU6", "Username:": it failed before one was given), or the SASL
 * server's words.
 */
function saslReason(reason: string): string {
  if (reason === 'UGFzc3dvcmQ6') return ' at the password (UGFzc3dvcmQ6 is "Password:" in base64, the challenge last sent): a wrong password, or a name the SASL server does not know';
  if (reason === 'VXNlcm5hbWU6') return ' before a password was given (VXNlcm5hbWU6 is "Username:" in base64, the challenge last sent)';
  if (reason === '' || reason === '(reason unavailable)') return ' (the SASL server gave no reason)';
  if (/Connection lost to authentication server/i.test(reason)) return ': Postfix lost contact with its SASL server (Dovecot\'s auth process restarted, or is down)';
  return ` (${reason})`;
}

export const LOG_EVENTS: readonly LogEvent[] = [
  {
    pattern: /^disconnect from (\S+) (.*\bcommands=\d+(?:\/\d+)?)$/,
    explain: (m) =>
      `${m[1]} left; what it sent, as accepted/sent: ${counters(m[2] ?? '')}. A count with fewer accepted than sent is where it was refused (Postfix 3.0 and later, smtpd(8))`,
  },
  {
    pattern: /^lost connection after (\S+)(?: \((\d+) bytes\))? from (\S+)$/,
    explain: (m) =>
      `${m[3]} hung up after ${m[1]}, in the middle of the dialog${m[1] === 'CONNECT' ? ': before saying anything, as port scanners and monitoring checks do' : m[1] === 'AUTH' ? ': password guessers do this, one try per connection' : m[1] === 'RCPT' ? ': address harvesters and spambots give up like this once refused' : ''}; or its connection broke (smtpd(8))`,
  },
  {
    pattern: /^timeout after (\S+)(?: \((\d+) bytes\))? from (\S+)$/,
    explain: (m) =>
      `${m[3]} went silent after ${m[1]}${m[2] === undefined ? '' : ` (${m[2]} bytes of the message had come)`} for smtpd_timeout (300 s by default): a stalled client, or a network path that loses large packets (an MTU problem shows as a timeout after DATA or END-OF-MESSAGE with bytes sent) (postconf(5) smtpd_timeout)`,
  },
  {
    pattern: /^too many errors after (\S+) from (\S+)$/,
    explain: (m) =>
      `Postfix hung up on ${m[2]} after ${m[1]}: smtpd_hard_error_limit (20) errors, after slowing it down from smtpd_soft_error_limit (10) on: a spambot guessing addresses, or a client in a loop (postconf(5))`,
  },
  {
    // smtpd.c: a command that looks like a header field, or one smtpd_forbid_cmds lists, answered "221 2.7.0 Error: I
    // can break rules, too. Goodbye." before the hang-up.
    pattern: /^warning: non-SMTP command from (\S+): (.*)$/,
    explain: (m) =>
      `${m[1]} sent "${m[2]}", a message's header field or a web request where a command goes: Postfix answered "221 2.7.0 Error: I can break rules, too. Goodbye." and hung up. A browser or a proxy pointed at port 25, or a client that typed its message with no DATA accepted (smtpd(8); postconf(5) smtpd_forbid_cmds)`,
  },
  {
    // smtpd_sasl_glue.c: the reply of the SASL server (Dovecot, Cyrus) when it had one, else "(reason unavailable)"; with
    // AUTH LOGIN often the last challenge, still in base64; Postfix 3.x adds the name the client gave.
    pattern: /^warning: (\S+): SASL (\S+) authentication failed: ?(.*?)(?:, sasl_username=(\S+))?$/,
    explain: (m) => `a login by ${m[1]}${m[4] === undefined ? '' : ` as ${m[4]}`} with AUTH ${m[2]} failed${saslReason(m[3] ?? '')}; the client was answered "535 5.7.8 Error: authentication failed". The SASL server's own log (Dovecot's auth lines) says why; many from one address are a password guesser (smtpd(8))`,
  },
  {
    pattern: /^warning: (\S+): SASL (\S+) authentication aborted$/,
    explain: (m) => `${m[1]} gave up its AUTH ${m[2]} login: it answered a challenge with "*" (RFC 4954 §4), and was answered "501 5.7.0 Authentication aborted"`,
  },
  {
    pattern: /^warning: SASL: Connect to (\S+) failed: (.*)$/,
    explain: (m) =>
      `Postfix cannot reach its SASL server at ${m[1]} (${m[2]}): no login can succeed, and clients see AUTH fail or missing from the EHLO reply. With Dovecot, its "service auth" must have a unix_listener at that path, inside Postfix's chroot (/var/spool/postfix/${m[1]}), and Dovecot must be running (postconf(5) smtpd_sasl_path)`,
  },
  {
    pattern: /^improper command pipelining after (\S+) from (\S+): (.*)$/,
    explain: (m) =>
      `${m[2]} sent "${m[3]}" before the reply to ${m[1]}: talking out of turn (PIPELINING allows it only inside a group, never after ${m[1] === 'CONNECT' ? 'connecting' : m[1]} when it must end one; RFC 2920 §3.1), as spambots and SMTP smuggling do (postconf(5) smtpd_forbid_unauth_pipelining)${
        // heloterm's /tls injection writes a NOOP with STARTTLS on purpose: the admin who ran it finds this line.
        m[1] === 'STARTTLS' && m[3]?.startsWith('NOOP') ? ". A NOOP written with STARTTLS is also how a STARTTLS injection check tests a server (heloterm's /tls injection)" : ''
      }`,
  },
  {
    pattern: /^warning: hostname (\S+) does not resolve to address (\S+?):?(?:\s|$)/,
    explain: (m) =>
      `the reverse DNS name of ${m[2]}, ${m[1]}, does not lead back to it: Postfix calls the client "unknown", reject_unknown_client_hostname refuses it, and many receivers count it against its mail. Make the PTR and the A (or AAAA) record agree (postconf(5) reject_unknown_client_hostname)`,
  },
  {
    pattern: /^PREGREET (\d+) after ([\d.]+) from (\S+): (.*)$/,
    explain: (m) =>
      `${m[3]} talked ${m[2]} s after connecting, before postscreen's greeting was over ("${m[4]}", ${m[1]} bytes): spambots do; a proper client waits for "220 ". postscreen_greet_action decides what follows (postscreen(8))`,
  },
  {
    pattern: /^DNSBL rank (\d+) for \[?([0-9a-fA-F.:]+?)\]?:\d+$/,
    explain: (m) =>
      `${m[2]} is on DNS blocklists of combined weight ${m[1]}; at postscreen_dnsbl_threshold (1 by default) postscreen refuses it. /dnsbl ${m[2]} asks the lists (postscreen(8))`,
  },
  {
    pattern: /^(?:SSL_accept error from (\S+?):?(?:\s|$)|warning: TLS library problem: (.*))/,
    explain: (m) =>
      `a TLS handshake with ${m[1] ?? 'a client'} failed${m[2] === undefined ? '' : ` (${m[2]})`}: often a client that speaks only old TLS versions or ciphers, or a scanner probing TLS; mail still flows in plain text unless TLS is required (postconf(5) smtpd_tls_security_level)`,
  },
];

/**
 * A message's way through Postfix, as `grep <queue id> /var/log/mail.log` shows it: handed in (smtpd's `client=`,
 * pickup's `uid=`), its Message-ID (cleanup), queued for delivery (qmgr's `from=… nrcpt=`), a notice sent back to the
 * sender (bounce), given up (`expired`) and done (`removed`). The deliveries between are read with their replies.
 */
export const QUEUE_EVENTS: readonly LogEvent[] = [
  {
    pattern: /^([0-9A-Za-z]+): client=([^,\s]+)(?:.*?\bsasl_username=([^,\s]+))?/,
    explain: (m) =>
      `${m[1]} received from ${m[2]}${m[3] === undefined ? '' : `, logged in as ${m[3]}`}: the message's queue id on this server from here on (each server gives its own)`,
  },
  {
    pattern: /^([0-9A-Za-z]+): uid=(\d+) from=<([^>]*)>$/,
    explain: (m) => `${m[1]} handed in on this machine by user id ${m[2]} (the sendmail command: a script, cron, a web application), from <${m[3]}>`,
  },
  {
    pattern: /^([0-9A-Za-z]+): (?:resent-)?message-id=<?([^>\s]*)>?/,
    explain: (m) => `${m[1]} carries Message-ID <${m[2]}>: the same on every server it passes, where queue ids differ; search other servers' logs for it`,
  },
  {
    pattern: /^([0-9A-Za-z]+): from=<([^>]*)>, size=(\d+), nrcpt=(\d+) \(queue active\)$/,
    explain: (m) => `${m[1]} from <${m[2]}>${m[2] === '' ? ' (a bounce: the null sender)' : ''}, ${m[3]} bytes, for ${m[4]} recipient${m[4] === '1' ? '' : 's'}: taken by the queue manager for delivery`,
  },
  {
    pattern: /^([0-9A-Za-z]+): from=<([^>]*)>, status=expired, returned to sender$/,
    explain: (m) => `${m[1]} given up after maximal_queue_lifetime (5 days by default) of deferrals: a bounce goes back to <${m[2]}> (postconf(5))`,
  },
  {
    pattern: /^([0-9A-Za-z]+): sender (non-delivery|delivery status|delay) notification: ([0-9A-Za-z]+)$/,
    explain: (m) =>
      `${m[1]}: ${m[2] === 'non-delivery' ? 'a bounce' : m[2] === 'delay' ? 'a delay warning (delay_warning_time)' : 'a delivery report (DSN, asked for with NOTIFY=SUCCESS)'} went back to the sender, as message ${m[3]}: grep that id for its own way`,
  },
  {
    pattern: /^([0-9A-Za-z]+): removed$/,
    explain: (m) => `${m[1]} removed from the queue: done with every recipient, delivered or bounced (qmgr(8))`,
  },
];
