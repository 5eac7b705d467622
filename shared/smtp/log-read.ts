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
 * - Exim delivering: "1abcDE-000123-AB ** bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10]:
 *   SMTP error from remote mail server after RCPT TO:<bob@example.org>: 550 5.1.1 …" (`**` bounced, `==` deferred).
 *
 * - Postfix's smtpd and postscreen on a client: a connection lost or timed out, too many errors, pipelining out of
 *   turn, reverse DNS that does not match, a client talking before its greeting, a blocklist rank, the counters of
 *   its disconnect line (log-events.ts).
 *
 * The same reply quoted by many lines (a queue full of deferrals) is explained once, and the lines are counted. Pure.
 */
import { HOST_SAID, answeredCommand, exchangeFor } from './bounce-read.js';
import { explainFailure } from './connect-failure.js';
import { DELIVERY_EVENTS, LOG_EVENTS, type LogEvent } from './log-events.js';
import { initialState, type SessionState } from './session.js';
import type { ReplayStep } from './transcript-read.js';

/** Replies read from one log at most. */
const MAX_LOG_REPLIES = 50;

/** A Postfix daemon's tag: "postfix/smtp[1234]:", with a multi-instance name ("postfix-out/smtp") or a sub-path. */
const POSTFIX_TAG = /\bpostfix[\w.-]*(?:\/[\w.-]+)*\/(smtp|lmtp|smtpd|postscreen|local|virtual|pipe)\[\d+\]: /;
const DELIVERY = /^([0-9A-Za-z]+): to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]+),.*?(?: dsn=(\d\.\d{1,3}\.\d{1,3}),)? status=(\w+) \((.*)\)$/;
const SAID = new RegExp(`^${HOST_SAID.source}`);
const CONNECT = /^(?:delivery temporarily suspended: )?connect to (\S+?): (.+)$/;
const REJECT = /^(?:([0-9A-Za-z]+)|NOQUEUE): (?:milter-)?reject: ([A-Z-]+) from (\S+?): (\d{3} .*?)(?:; (from=<[^>]*>(?: to=<[^>]*>)?.*))?$/;
/** An Exim main log line of a delivery that failed (`**`) or was deferred (`==`), with its message id. */
const EXIM = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})? (?:\[\d+\] )?([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (\*\*|==) (\S+).*?: SMTP error from remote mail server after (.+?): (\d{3}[ -].*)$/;

/** Whether a text has lines of Postfix's or Exim's log (then it is read as a log, not as a dialog or a bounce). */
export function isMailLog(text: string): boolean {
  return text.split(/\r?\n/).some((l) => POSTFIX_TAG.test(l) || EXIM.test(l));
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

/** How a connection failure in Postfix's words reads in heloterm's (connect-failure.ts), or null. */
function failureNote(where: string, error: string): string | null {
  const port = Number(/:(\d+)$/.exec(where)?.[1] ?? 25);
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

/** What the first of `events` that matches `text` says of it, or null. */
function explainBy(events: readonly LogEvent[], text: string): string | null {
  for (const event of events) {
    const m = event.pattern.exec(text);
    if (m !== null) return event.explain(m);
  }
  return null;
}

/** The replies a log quotes, each with a note saying which line and message it came from; empty when none. */
export function readMailLog(text: string): ReplayStep[] {
  const out: ReplayStep[] = [];
  const seen = new Set<string>();
  const explained = new Set<string>();
  const state: SessionState = { ...initialState(), phase: 'mail' };
  let repeated = 0;
  const add = (note: string, reply: string, answered: string | null): void => {
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
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const tag = POSTFIX_TAG.exec(line);
    if (tag !== null) {
      const rest = line.slice(tag.index + tag[0].length);
      const delivery = DELIVERY.exec(rest);
      if (delivery !== null) {
        const [, id = '', rcpt = '', relay = '', dsn, status = '', said = ''] = delivery;
        const head = `${id} to ${rcpt}${relay === 'none' ? '' : ` via ${relay}`}: ${status}${dsn === undefined ? '' : ` (dsn=${dsn})`}`;
        const host = SAID.exec(said);
        if (host !== null) {
          const [, , reply = '', answered] = host;
          add(`${head}; the server said${answered === undefined ? '' : `, in reply to ${answered}`}:`, reply, answered === undefined ? null : answeredCommand(answered, rcpt));
        } else if (status === 'sent' && /^\d{3}[ -]/.test(said)) {
          add(`${head}; the receiving server's answer to the end of the message:`, said, 'end of data');
        } else {
          const connect = CONNECT.exec(said);
          const why = connect !== null ? failureNote(connect[1] ?? '', connect[2] ?? '') : explainBy(DELIVERY_EVENTS, said);
          out.push({ kind: 'note', text: `${head}: ${said}${why === null ? '' : ` — ${why}`}` });
        }
        continue;
      }
      const reject = REJECT.exec(rest);
      if (reject !== null) {
        const [, id, stage = '', client = '', reply = '', fields = ''] = reject;
        add(
          `${id ?? 'NOQUEUE'}: this server (${tag[1]}) refused ${client} at ${stage}${fields === '' ? '' : ` (${fields})`}:`,
          reply,
          rejectedCommand(stage, fields),
        );
        continue;
      }
      // What smtpd and postscreen say about a client (log-events.ts), each different line once.
      const said = explainBy(LOG_EVENTS, rest);
      const note = `${tag[1]}: ${said}`;
      if (said !== null && !explained.has(note) && explained.size < MAX_LOG_REPLIES) {
        explained.add(note);
        out.push({ kind: 'note', text: note });
      }
      continue;
    }
    const exim = EXIM.exec(line);
    if (exim !== null) {
      const [, id = '', mark = '', rcpt = '', after = '', reply = ''] = exim;
      add(`${id} ${mark === '**' ? 'bounced' : 'deferred'} for ${rcpt}; the server said, after ${after}:`, reply, answeredCommand(after, rcpt));
    }
  }
  if (repeated > 0) out.push({ kind: 'note', text: `${repeated} more line${repeated === 1 ? '' : 's'} quoted a reply explained above` });
  if (out.length === 0) {
    out.push({ kind: 'note', text: "nothing heloterm knows in these lines: it reads Postfix's smtp, lmtp, local, virtual, pipe, smtpd and postscreen lines, and Exim's ** and == lines" });
  }
  return out;
}
