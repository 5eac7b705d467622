/**
 * Reads lines of a mail server's log for the SMTP replies they quote, so that each can be explained for what it
 * answered, as if received: what admins have in hand most often, copied from `/var/log/mail.log` or `journalctl`.
 *
 * - Postfix delivering (smtp, lmtp): "3F2A1C0042: to=<bob@example.org>, relay=mx.example.org[192.0.2.10]:25, …,
 *   dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.10] said: 550 5.1.1 … (in reply to RCPT TO command))";
 *   status=sent quotes the reply to the end of the message (with the receiver's queue id), and a connection that
 *   failed ("connect to …: Connection timed out") is explained as heloterm explains its own;
 * - Postfix receiving (smtpd, postscreen): "NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 554 5.7.1 …;
 *   from=<a@example.net> to=<c@example.org> proto=ESMTP helo=<x>": the reply this server gave a client;
 * - Postfix's smtpd and postscreen on a client: a connection lost or timed out, too many errors, pipelining out of
 *   turn, reverse DNS that does not match, a client talking before its greeting, a blocklist rank, the counters of
 *   its disconnect line (log-events.ts); its milters' verdicts and header or body checks' actions (log-content.ts);
 * - Exim's deliveries, refusals and lines on its clients (log-exim.ts), Sendmail's (log-sendmail.ts) and OpenSMTPD's
 *   (log-opensmtpd.ts); and Dovecot's, the mailbox server's side: deliveries saved or refused, logins refused
 *   (log-dovecot.ts).
 *
 * The same reply quoted by many lines (a queue full of deferrals) is explained once, and the lines are counted. Pure.
 */
import { HOST_SAID, answeredCommand, exchangeFor } from './bounce-read.js';
import { readContentAction } from './log-content.js';
import { DOVECOT_LINE, readDovecotLine } from './log-dovecot.js';
import { isEximLine, readEximLine } from './log-exim.js';
import { DELIVERY_EVENTS, LOG_EVENTS, QUEUE_EVENTS, explainBy, failureNote, type LogSink } from './log-events.js';
import { OPENSMTPD_LINE, readOpenSmtpdLine } from './log-opensmtpd.js';
import { SENDMAIL_TAG, readSendmailLine } from './log-sendmail.js';
import { initialState, type SessionState } from './session-state.js';
import type { ReplayStep } from './transcript-read.js';

/** Replies read from one log at most. */
const MAX_LOG_REPLIES = 50;
/** Reasons for deliveries without a reply said from one log at most (a pasted queue may hold thousands). */
const MAX_LOG_REASONS = 100;
/** The most of a note written from one line, in characters: a line pasted by mistake may be megabytes long. */
const MAX_NOTE_CHARS = 1000;

const clipped = (s: string): string => (s.length > MAX_NOTE_CHARS ? `${s.slice(0, MAX_NOTE_CHARS)}… (${s.length - MAX_NOTE_CHARS} more characters)` : s);

/** A Postfix daemon's tag: "postfix/smtp[1234]:", with a multi-instance name ("postfix-out/smtp") or a sub-path. */
const POSTFIX_TAG = /\bpostfix[\w.-]*(?:\/[\w.-]+)*\/(smtp|lmtp|smtpd|postscreen|local|virtual|pipe|error|qmgr|cleanup|bounce|pickup)\[\d+\]: /;
const DELIVERY = /^([0-9A-Za-z]+): to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]+),.*?(?: dsn=(\d\.\d{1,3}\.\d{1,3}),)? status=(\w+) \((.*)\)$/;
const SAID = new RegExp(`^${HOST_SAID.source}`);
const CONNECT = /^(?:delivery temporarily suspended: )?connect to (\S+?): (.+)$/;
const REJECT = /^(?:([0-9A-Za-z]+)|NOQUEUE): (?:milter-)?reject: ([A-Z-]+) from (\S+?): (\d{3} .*)$/;
/** Where Postfix's own fields follow a refusal's reply ("…; from=<a@example.net> to=<…> proto=ESMTP helo=<…>"). */
const REJECT_FIELDS = /^; from=<[^>]*>/;

/** Said when no line is one heloterm reads. */
const NOTHING_KNOWN =
  "nothing heloterm knows in these lines: it reads Postfix's delivery, smtpd, postscreen, queue and content-check lines, Exim's deliveries, refusals and the lines on its clients, Sendmail's deliveries and refusals, OpenSMTPD's smtp, mta and mda lines, and Dovecot's deliveries and refused logins";

/** Whether a text has lines of a mail server's log (then it is read as a log, not as a dialog or a bounce). */
export function isMailLog(text: string): boolean {
  return text.split(/\r?\n/).some((l) => POSTFIX_TAG.test(l) || isEximLine(l) || SENDMAIL_TAG.test(l) || OPENSMTPD_LINE.test(l) || DOVECOT_LINE.test(l.trim()));
}

/** The commands Postfix's smtpd names a rejection after ("RCPT from"), as the line it answered. */
function rejectedCommand(stage: string, fields: string): string | null {
  const field = (name: string): string | null => new RegExp(`\\b${name}=<([^>]*)>`).exec(fields)?.[1] ?? null;
  switch (stage) {
    case 'RCPT':
      return `RCPT TO:<${field('to') ?? ''}>`;
    case 'MAIL':
      return `MAIL FROM:<${field('from') ?? ''}>`;
    case 'END-OF-MESSAGE':
      return 'end of data';
    case 'CONNECT':
      return null;
    default:
      // DATA, EHLO, HELO, VRFY, ETRN, BDAT: the verb (with EHLO's name, when logged).
      return /^(EHLO|HELO)$/.test(stage) ? `${stage} ${field('helo') ?? ''}`.trim() : stage;
  }
}

/** Reads one Postfix line (the text after its tag, `daemon` the tag's daemon) into `sink`. */
function readPostfixLine(daemon: string, rest: string, sink: LogSink): void {
  const delivery = DELIVERY.exec(rest);
  if (delivery !== null) {
    const [, id = '', rcpt = '', relay = '', dsn, status = '', said = ''] = delivery;
    const head = `${id} to ${rcpt}${relay === 'none' ? '' : ` via ${relay}`}: ${status}${dsn === undefined ? '' : ` (dsn=${dsn})`}`;
    const host = SAID.exec(said);
    if (host !== null) {
      const [, , reply = '', answered] = host;
      sink.reply(`${head}; the server said${answered === undefined ? '' : `, in reply to ${answered}`}:`, reply, answered === undefined ? null : answeredCommand(answered, rcpt));
    } else if (status === 'sent' && /^\d{3}[ -]/.test(said)) {
      sink.reply(`${head}; the receiving server's answer to the end of the message:`, said, 'end of data');
    } else {
      const connect = CONNECT.exec(said);
      const why = connect !== null ? failureNote(connect[1] ?? '', connect[2] ?? '') : explainBy(DELIVERY_EVENTS, said);
      sink.note(head, said, why);
    }
    return;
  }
  const reject = REJECT.exec(rest);
  if (reject !== null) {
    const [, id, stage = '', client = '', said = ''] = reject;
    const at = said.indexOf('; from=<');
    const split = at >= 0 && REJECT_FIELDS.test(said.slice(at));
    const reply = split ? said.slice(0, at) : said;
    const fields = split ? said.slice(at + 2) : '';
    const note = `${id ?? 'NOQUEUE'}: this server (${daemon}) refused ${client} at ${stage}${fields === '' ? '' : ` (${fields})`}:`;
    sink.reply(note, reply, rejectedCommand(stage, fields));
    return;
  }
  // A milter's verdict, or a header or body check's action (log-content.ts).
  if (readContentAction(rest, sink)) return;
  // What smtpd and postscreen say about a client, and a message's way through the queue, told by its queue id
  // (log-events.ts).
  const said = explainBy(LOG_EVENTS, rest);
  if (said !== null) return sink.event(`${daemon}: ${said}`);
  const step = explainBy(QUEUE_EVENTS, rest);
  if (step !== null) sink.event(step);
}

/** The replies a log quotes, each with a note saying which line and message it came from; empty when none. */
export function readMailLog(text: string): ReplayStep[] {
  const out: ReplayStep[] = [];
  const seen = new Set<string>();
  const explained = new Set<string>();
  const state: SessionState = { ...initialState(), phase: 'mail' };
  let repeated = 0;
  /** Reasons given for deliveries without a reply, each said once; lines that gave one again, or one past the cap. */
  const reasons = new Set<string>();
  let sameReason = 0;
  let unshown = 0;
  const sink: LogSink = {
    reply(note, reply, answered) {
      const key = `${answered ?? ''}\n${reply.replace(/\s+/g, ' ').trim()}`;
      if (seen.has(key)) {
        repeated++;
        return;
      }
      if (seen.size >= MAX_LOG_REPLIES) return;
      const ex = exchangeFor(reply, answered, state);
      if (ex === null) return;
      seen.add(key);
      out.push({ kind: 'note', text: note }, { kind: 'reply', exchange: ex });
    },
    note(head, whole, why) {
      const reason = clipped(whole);
      if (reasons.has(reason)) {
        sameReason++;
        return;
      }
      if (reasons.size >= MAX_LOG_REASONS) {
        unshown++;
        return;
      }
      reasons.add(reason);
      out.push({ kind: 'note', text: clipped(`${head}: ${reason}${why === null ? '' : ` — ${why}`}`) });
    },
    event(whole) {
      const text = clipped(whole);
      if (explained.has(text) || explained.size >= MAX_LOG_REPLIES) return;
      explained.add(text);
      out.push({ kind: 'note', text });
    },
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const tag = POSTFIX_TAG.exec(line);
    if (tag !== null) {
      readPostfixLine(tag[1] ?? '', line.slice(tag.index + tag[0].length), sink);
      continue;
    }
    const sendmail = SENDMAIL_TAG.exec(line);
    if (sendmail !== null) {
      readSendmailLine(line.slice(sendmail.index + sendmail[0].length), sink);
      continue;
    }
    const opensmtpd = OPENSMTPD_LINE.exec(line);
    if (opensmtpd !== null) {
      readOpenSmtpdLine(opensmtpd, sink);
      continue;
    }
    const dovecot = DOVECOT_LINE.exec(line);
    if (dovecot !== null) {
      readDovecotLine(dovecot, sink);
      continue;
    }
    readEximLine(line, sink);
  }
  const lines = (n: number): string => `${n} more line${n === 1 ? '' : 's'}`;
  if (repeated > 0) out.push({ kind: 'note', text: `${lines(repeated)} quoted a reply explained above` });
  if (sameReason > 0) out.push({ kind: 'note', text: `${lines(sameReason)} gave a reason said above` });
  if (unshown > 0) out.push({ kind: 'note', text: `${lines(unshown)} gave other reasons, not shown (${MAX_LOG_REASONS} are)` });
  if (out.length === 0) out.push({ kind: 'note', text: NOTHING_KNOWN });
  return out;
}
