/**
 * Lines of Sendmail's log (sendmail, sm-mta, sm-msp-queue), read for the replies they quote and what they say
 * (log-read.ts reads the whole log). The forms are those of Sendmail 8.x's syslog lines:
 *
 * - a delivery: "4AU0CYx1001234: to=<bob@example.net>, ctladdr=<…> (1000/1000), delay=00:00:01, xdelay=00:00:01,
 *   mailer=esmtp, pri=120345, relay=mx.example.net. [203.0.113.5], dsn=4.2.0, stat=Deferred: 450 4.2.0 …". A deferral
 *   quotes the receiver's reply whole; `stat=Sent (…)` quotes the text of its answer to the message without the code;
 *   a refusal names only Sendmail's reading of it ("User unknown"), with the enhanced code in `dsn=`;
 * - a refusal this server gave a client: "…: ruleset=check_rcpt, arg1=<bob@example.org>, relay=client.example.net
 *   [203.0.113.5], reject=550 5.7.1 <bob@example.org>... Relaying denied", and a milter's ("Milter: to=<…>, reject=…");
 * - a recipient it does not know ("…: <bob@example.org>... User unknown"), and what it says of a client that said
 *   nothing, hung up, or kept guessing passwords.
 */
import { explainEnhanced } from './explain.js';
import { explainBy, failureNote, type LogEvent, type LogSink } from './log-events.js';

/** A Sendmail program's tag: "sm-mta[1234]: ". */
export const SENDMAIL_TAG = /(?:^|\s)(sendmail|sm-mta|sm-msp-queue)\[\d+\]: /;

/** A delivery line's start; its `stat=` is the last field, its text free (read without a regex that backtracks). */
const DELIVERY = /^(\w+): to=/;
const DSN = /\bdsn=(\d\.\d{1,3}\.\d{1,3}),/;
const RULESET = /^(\w+): ruleset=(\w+), arg1=([^,]*), (?:arg2=[^,]*, )?relay=([^,]+?),(?: .*?,)? reject=(\d{3}[ -].*)$/;
const MILTER = /^(\w+): Milter(?: \([^)]*\))?: (from|to|data|connect|helo)(?:=(<[^>]*>|[^,\s]+))?.*?, reject=(\d{3}[ -].*)$/;
/** Where a milter's refusal came, as said: its stage in Sendmail's log line. */
const MILTER_STAGE: Readonly<Record<string, string>> = { to: 'RCPT', from: 'MAIL', data: 'the end of the message' };
const DEFERRED_REPLY = /^Deferred: (\d{3}[ -].*)$/;
const SENT = /^Sent \((.*)\)$/;

/** What a delivery's `stat=` says when it quotes no reply: Sendmail's words for a failure on the way. */
export const STATUS_EVENTS: readonly LogEvent[] = [
  {
    // heloterm's own explanation of the failure (connect-failure.ts), as for Postfix's "connect to …".
    pattern: /^(?:Deferred: )?(Connection (?:refused by|timed out with)) (\S+?)\.?$/,
    explain: (m) => failureNote(m[2] ?? '', m[1] ?? '') ?? m[0],
  },
  {
    pattern: /(?:Name server: (\S+?)\.?: host name lookup failure|Host unknown \(Name server: (\S+?)\.?: host not found\))/,
    explain: (m) =>
      `DNS gave no address for ${m[1] ?? m[2]}: a name with no MX or address records, or a resolver that failed. /mx ${m[1] ?? m[2]} asks as a sending MTA does`,
  },
  {
    pattern: /^(?:Deferred: )?(?:Operating system error|local configuration error)/i,
    explain: () => 'Sendmail failed on its own side (a full disk, a missing queue directory, a bad configuration): its log says what, before this line',
  },
];

/** What a refusal in Sendmail's log (a ruleset's or a milter's) answered, by the ruleset or milter stage. */
function answeredBy(stage: string, arg: string): string | null {
  const address = arg.startsWith('<') ? arg : `<${arg}>`;
  switch (stage) {
    case 'check_rcpt':
    case 'to':
      return `RCPT TO:${address}`;
    case 'check_mail':
    case 'from':
      return `MAIL FROM:${address}`;
    case 'check_data':
      return 'DATA';
    case 'check_eoh':
    case 'check_eom':
    case 'data':
      return 'end of data';
    default:
      // check_relay and a milter's connect: the connection itself.
      return null;
  }
}

/** What Sendmail says about a client, beside its refusals. */
const CLIENT_EVENTS: readonly LogEvent[] = [
  {
    // A recipient its local delivery agent does not know: said to the client as "550 5.1.1 <bob@…>... User unknown".
    pattern: /^\w+: (<[^>\s]{1,320}>)\.\.\. User unknown$/,
    explain: (m) =>
      `refused the recipient ${m[1]}: no local user or alias of that name (it answered the client "550 5.1.1 ${m[1]}... User unknown"). Check the spelling, or add an alias to /etc/mail/aliases and run newaliases`,
  },
  {
    pattern: /^\w+: (.+?) did not issue [A-Z/]+ during connection to (\w+)$/,
    explain: (m) =>
      `${m[1]} connected to the ${m[2]} port and left without sending a message: port scanners, monitoring checks, and spambots refused at the greeting or at HELO do`,
  },
  {
    pattern: /^\w+: lost input channel from (.+?) to (\w+) after (\w+)$/,
    explain: (m) =>
      `${m[1]} hung up after ${m[3]}, in the middle of the dialog${m[3] === 'rcpt' ? ': address harvesters and spambots give up like this once refused' : ''}; or its connection broke`,
  },
  {
    pattern: /^\w+: (\S+): possible SMTP attack: command=(\w+), count=(\d+)$/,
    explain: (m) =>
      `${m[1]} sent ${m[2]} ${m[3]} times in one connection, more than Sendmail lets pass: it answers that client slowly from then on (a tarpit). Many AUTH tries are password guessing, many RCPT or VRFY address harvesting`,
  },
  {
    pattern: /^(?:\w+: )?AUTH failure \((\S+)\): (.*?)(?:, user=([^,]+))?, relay=(.+)$/,
    explain: (m) =>
      `a failed login (${m[1]}${m[3] === undefined ? '' : ` as ${m[3]}`}) from ${m[4]}: a wrong password, or a password guesser (${m[2]})`,
  },
  {
    pattern: /^\w+: timeout waiting for input from (\S+?)\.? during (.+)$/,
    explain: (m) =>
      `${m[1]} went silent during ${m[2]}: a stalled peer, or a network path that loses large packets (an MTU problem shows as a timeout during the message)`,
  },
];

/** What a delivery's enhanced code means, in a few words; null for success or a code that is no enhanced code. */
function dsnMeaning(dsn: string): string | null {
  const e = dsn.startsWith('2') ? null : explainEnhanced(dsn);
  return e === null ? null : `${dsn} ${e.title}: ${e.action}`;
}

/** A delivery line: a deferral quotes the reply, a Sent its text; the rest say why in Sendmail's words. */
function readDelivery(id: string, to: string, fields: string, stat: string, sink: LogSink): void {
  const dsn = DSN.exec(fields)?.[1];
  const relay = /\brelay=([^,]+),/.exec(fields)?.[1];
  const head = `${id} to ${to.replace(/[<>]/g, '')}${relay === undefined ? '' : ` via ${relay}`}`;
  const deferred = DEFERRED_REPLY.exec(stat);
  if (deferred !== null) {
    sink.reply(`${head}: deferred${dsn === undefined ? '' : ` (dsn=${dsn})`}; the server said:`, deferred[1] ?? '', null);
    return;
  }
  const sent = SENT.exec(stat);
  if (sent !== null) {
    // Sendmail logs the answer to the message without its code; only 250 accepts a message (RFC 5321 §4.3.2).
    const note = `${head}: sent; the receiving server's answer to the end of the message (logged without its 250):`;
    sink.reply(note, `250 ${sent[1] ?? ''}`, 'end of data');
    return;
  }
  const why = explainBy(STATUS_EVENTS, stat) ?? (dsn === undefined ? null : dsnMeaning(dsn));
  const bounced = dsn?.startsWith('5') === true && !/^Deferred\b/.test(stat);
  sink.note(`${head}${dsn === undefined ? '' : ` (dsn=${dsn})`}`, `${bounced ? 'bounced: ' : ''}${stat}`, why);
}

/** Reads one Sendmail line (the text after its tag) into `sink`. */
export function readSendmailLine(rest: string, sink: LogSink): void {
  const delivery = DELIVERY.exec(rest);
  const statAt = delivery === null ? -1 : rest.indexOf(', stat=');
  if (delivery !== null && statAt >= 0) {
    // "to=<a>,<b>, ctladdr=…, dsn=5.1.1, stat=User unknown": the recipients end at the first ", ".
    const head = rest.slice(delivery[0].length, statAt + 2);
    const comma = head.indexOf(', ');
    readDelivery(delivery[1] ?? '', head.slice(0, comma), head.slice(comma + 2), rest.slice(statAt + 7), sink);
    return;
  }
  const ruleset = RULESET.exec(rest);
  if (ruleset !== null) {
    const [, id = '', stage = '', arg = '', client = '', reply = ''] = ruleset;
    sink.reply(`${id}: this server refused ${client} (${stage}, ${arg}):`, reply, answeredBy(stage, arg));
    return;
  }
  const milter = MILTER.exec(rest);
  if (milter !== null) {
    const [, id = '', stage = '', arg = '', reply = ''] = milter;
    const at = MILTER_STAGE[stage] ?? `the ${stage}`;
    sink.reply(`${id}: a milter had this server refuse the client at ${at}:`, reply, answeredBy(stage, arg));
    return;
  }
  const said = explainBy(CLIENT_EVENTS, rest);
  if (said !== null) sink.event(`sendmail: ${said}`);
}
