/**
 * Lines of Exim's main log, read for the replies they quote and what they say (log-read.ts reads the whole log).
 * Each line begins with its date ("2026-11-30 00:12:34", with a time zone or a process id where log_selector asks);
 * the forms are Exim 4.9x's (its specification, chapter "Log files"):
 *
 * - a delivery that failed (`**`) or was deferred (`==`): "1abcDE-000123-AB ** bob@example.org R=dnslookup
 *   T=remote_smtp H=mx.example.org [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<bob@example.org>:
 *   550 5.1.1 …"; one delivered (`=>`, `->` for another address of it) with the receiver's answer to the message,
 *   `C="250 2.0.0 Ok: queued as …"` (log_selector smtp_confirmation, on by default); and in a message's own log
 *   (`exim -Mvl ID`), its deferrals without id nor mark: "bob@example.org R=dnslookup T=remote_smtp defer (-44) H=…";
 * - a refusal this server gave a client: "H=(client.example.com) [203.0.113.5] F=<a@example.net> rejected RCPT
 *   <bob@example.org>: relay not permitted", where Exim logs the reply's text without its code; a failed login,
 *   "login authenticator failed for (x) [203.0.113.5]: 535 Incorrect authentication data (set_id=…)";
 * - what it says of a client that talked out of turn, made too many errors, left without a message, or went silent.
 *
 * Each part is found by position and by anchored regexes: a long pasted line must not make a regex backtrack.
 */
import { answeredCommand } from './bounce-read.js';
import { explainBy, type LogEvent, type LogSink } from './log-events.js';
import { bestVendorMatch } from './vendor-match.js';

const DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})? (?:\[\d+\] )?/;
/** A message id (4.97's longer form too) and its delivery mark. */
const MESSAGE = /^([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (\*\*|==|=>|->) (\S+)/;
/**
 * A deferral in a message's own log (`exim -Mvl ID`, /var/spool/exim4/msglog/ID): no message id nor mark, the
 * recipient first and "defer (errno)" after its router and transport.
 */
const MSGLOG_DEFER = /^(\S+@\S+) R=\S+(?: T=\S+)? defer \(-?\d+\)/;
const SMTP_ERROR = ': SMTP error from remote mail server after ';
const AFTER_REPLY = /^(.+?): (\d{3}[ -].*)$/;
const CONFIRMATION = ' C="';
/** What a refusal was of, after "rejected " and before Exim's ": ": the command and its argument. */
const REJECTED = /^(RCPT|MAIL|EHLO or HELO|VRFY|EXPN|ETRN|after DATA|(?:DKIM|MIME|non-SMTP) ACL|connection)\b ?(.*)$/;
const AUTH_FAILED = /^(\w+) authenticator failed for (.+?): (\d{3}[ -].*)$/;

/** What Exim says about a client, beside its refusals (text after the date). */
const CLIENT_EVENTS: readonly LogEvent[] = [
  {
    pattern: /^SMTP protocol synchronization error \(input sent without waiting for greeting\): rejected connection from H=(.+?)(?: input=|$)/,
    explain: (m) =>
      `${m[1]} talked before this server's greeting: spambots do, a proper client waits for "220 ". Exim refuses the connection (smtp_enforce_sync)`,
  },
  {
    pattern: /^SMTP protocol synchronization error \(next input sent too soon: pipelining was not advertised\): rejected "([^"]*)" H=(.+?)(?: next input=|$)/,
    explain: (m) =>
      `${m[2]} sent "${m[1]}" before the reply to the command before, where PIPELINING was not offered (RFC 2920 §3.1): Exim answers 554 SMTP synchronization error and the client must wait for each reply`,
  },
  {
    pattern: /^SMTP call from (.+?) dropped: too many (syntax or protocol errors|unrecognized commands|nonmail commands)/,
    explain: (m) =>
      `hung up on ${m[1]} after too many ${m[2]}: a spambot or a scanner, or a client in a loop (smtp_max_synprot_errors, smtp_max_unknown_commands, smtp_accept_max_nonmail)`,
  },
  {
    pattern: /^no MAIL in SMTP connection from (.+?)(?: D=(\S+))?(?: C=(\S+))?$/,
    explain: (m) =>
      `${m[1]} left without sending a message${m[3] === undefined ? '' : ` (its commands: ${m[3]})`}: monitoring checks and scanners do, and so do spambots refused at HELO or RCPT`,
  },
  {
    pattern: /^unexpected disconnection while reading SMTP command from (.+?)(?: D=\S+)?$/,
    explain: (m) => `${m[1]} hung up in the middle of the dialog, without QUIT: a refused spambot giving up, or a connection that broke`,
  },
  {
    pattern: /^SMTP command timeout on (?:TLS )?connection from (.+)$/,
    explain: (m) => `${m[1]} went silent for smtp_receive_timeout (5 minutes by default): a stalled client, or a network path that loses large packets`,
  },
  {
    pattern: /^TLS error on connection from (.+?) \((\w+)\): (.*)$/,
    explain: (m) =>
      `a TLS handshake with ${m[1]} failed (${m[3]}): often a client that speaks only old TLS versions or ciphers, or a scanner probing TLS`,
  },
];

/** Reads nothing: for telling whether a line is Exim's. */
const IGNORE: LogSink = { reply: () => undefined, note: () => undefined, event: () => undefined };

/** Whether a line is one Exim's reader takes: its date, then a delivery with a message id, a refusal or an event. */
export function isEximLine(line: string): boolean {
  return readEximLine(line, IGNORE);
}

/** A delivery line (`rest`: after the date) of message `id` to `rcpt`: the reply quoted, or nothing. */
function readDelivery(id: string, mark: string, rcpt: string, rest: string, sink: LogSink): void {
  if (mark === '**' || mark === '==') {
    const at = rest.indexOf(SMTP_ERROR);
    const tail = at < 0 ? null : AFTER_REPLY.exec(rest.slice(at + SMTP_ERROR.length));
    if (tail === null) return;
    const [, after = '', reply = ''] = tail;
    sink.reply(`${id} ${mark === '**' ? 'bounced' : 'deferred'} for ${rcpt}; the server said, after ${after}:`, reply, answeredCommand(after, rcpt));
    return;
  }
  // => and ->: delivered; the receiver's answer to the message, when Exim logs it.
  const at = rest.indexOf(CONFIRMATION);
  if (at < 0) return;
  const quoted = rest.slice(at + CONFIRMATION.length);
  const end = quoted.search(/"(?: [A-Za-z0-9]+=|$)/);
  const host = / H=(\S+(?: \[[^\]\s]*\])?)/.exec(rest.slice(0, at))?.[1];
  sink.reply(`${id} delivered to ${rcpt}${host === undefined ? '' : ` via ${host}`}; the server's answer to the message:`, end < 0 ? quoted : quoted.slice(0, end), 'end of data');
}

/** A refusal this server gave a client ("H=… F=<…> rejected RCPT <…>: …"): Exim logs its text, not its code. */
function readRefusal(rest: string, at: number, sink: LogSink): void {
  const head = rest.slice(0, at);
  const tail = rest.slice(at + ' rejected '.length);
  const colon = tail.indexOf(': ');
  const refused = colon < 0 ? null : REJECTED.exec(tail.slice(0, colon));
  if (refused === null) return;
  const [, what = '', arg = ''] = refused;
  const text = tail.slice(colon + 2);
  const temporary = head.endsWith(' temporarily');
  const client = /(?:^|\s)H=(.*?)(?: F=<|(?: temporarily)?$)/.exec(head)?.[1] ?? 'a client';
  // An ACL's deny answers 550 at RCPT and MAIL (554 elsewhere), its defer 451: the likely cause by those codes.
  const likely = bestVendorMatch(temporary ? 451 : what === 'RCPT' || what === 'MAIL' ? 550 : 554, text);
  sink.event(
    `Exim ${temporary ? 'deferred' : 'refused'} ${client} at ${what}${arg === '' ? '' : ` ${arg}`}: "${text}" (logged without its code: ${temporary ? '4xx, try later' : '5xx, final'})${likely === null ? '' : ` — likely: ${likely.title}: ${likely.cause}`}`,
  );
}

/** Reads one Exim line into `sink`; false when it is none of Exim's. */
export function readEximLine(line: string, sink: LogSink): boolean {
  const date = DATE.exec(line);
  if (date === null) return false;
  const rest = line.slice(date[0].length);
  const message = MESSAGE.exec(rest);
  if (message !== null) {
    readDelivery(message[1] ?? '', message[2] ?? '', message[3] ?? '', rest, sink);
    return true;
  }
  const deferred = MSGLOG_DEFER.exec(rest);
  if (deferred !== null) {
    readDelivery('the message', '==', deferred[1] ?? '', rest, sink);
    return true;
  }
  const auth = AUTH_FAILED.exec(rest);
  if (auth !== null) {
    const [, authenticator = '', client = '', said = ''] = auth;
    // "535 Incorrect authentication data (set_id=bob): <why, when the check itself failed>"
    const idAt = said.indexOf(' (set_id=');
    const user = idAt < 0 ? undefined : said.slice(idAt + 9, said.indexOf(')', idAt) < 0 ? undefined : said.indexOf(')', idAt));
    const reply = idAt < 0 ? said : said.slice(0, idAt);
    const note = `Exim refused a login${user === undefined ? '' : ` as ${user}`} by ${client} (its ${authenticator} authenticator):`;
    sink.reply(note, reply, `AUTH ${/plain/i.test(authenticator) ? 'PLAIN' : 'LOGIN'}`);
    return true;
  }
  const at = rest.indexOf(' rejected ');
  if (at >= 0 && /(?:^|\s)H=/.test(rest.slice(0, at))) {
    readRefusal(rest, at, sink);
    return true;
  }
  const said = explainBy(CLIENT_EVENTS, rest);
  if (said === null) return false;
  sink.event(`Exim: ${said}`);
  return true;
}
