/**
 * The practice server's log of a connection, written in the format of Postfix's smtpd (smtpd(8), Postfix 3.x), from
 * the dialog itself: what a trainee's session looks like from the server's side, the lines admins read in
 * /var/log/mail.log. `connect from`, a `reject:` line for each command refused (NOQUEUE before the transaction has a
 * queue id, the queue id after), `client=` when a transaction gets its first recipient (with the SASL mechanism and
 * user name after a login, as Postfix names them), and at the end the
 * `disconnect from` line with Postfix's counters (`rcpt=1/2`: two RCPT, one accepted); and after a message's end, for
 * a recipient gone@ (accepted, then refused by the mailbox server behind) its smtp client's `status=bounced` line,
 * and for each report sent back the bounce daemon's `sender non-delivery notification` (or `delivery status` for
 * NOTIFY=SUCCESS). The practice server is not
 * Postfix; its log only takes Postfix's form, so that reading it is practice for reading Postfix's. Pure.
 */
import type { StoredReport } from '../protocol/messages.js';
import { endsMessage, type Exchange } from '../smtp/session-state.js';
import { GONE_HOST, PRACTICE_USER, goneReply } from './trouble.js';

/** What became of some of a stored message's recipients, and the report sent back (its number, or null). */
export type StoredOutcome = Pick<StoredReport, 'action' | 'recipients' | 'n'>;

export type LogEntry =
  | { kind: 'connect'; at: number }
  | { kind: 'exchange'; ex: Exchange; at: number }
  /**
   * The practice server stored a message of this connection as its number `n`; `reports`: the recipients whose
   * delivery then failed (gone@) or who asked to hear of it (NOTIFY=SUCCESS), and the report sent back about them
   * (its number; null when none went).
   */
  | { kind: 'stored'; n: number; reports?: readonly StoredOutcome[] }
  /** The Message-ID header field of the message being written (Dovecot's LMTP logs it, lmtp-log.ts). */
  | { kind: 'msgid'; id: string }
  | { kind: 'close'; at: number };

/**
 * The queue id of the practice server's message `n`, as its Received line names it and its log (Postfix's form:
 * hexadecimal capitals): the id that ties a message to its log lines, as on a real server.
 */
export function practiceQueueId(n: number): string {
  return (0x3a0000 + n).toString(16).toUpperCase();
}

/**
 * The queue id of the transaction whose first recipient was accepted at `from`: the message the practice server
 * stored for it (before the next MAIL), else one of its own for a transaction that stored nothing.
 */
function queueIdAt(entries: readonly LogEntry[], from: number, n: number, t: number): string {
  for (let i = from + 1; i < entries.length; i++) {
    const e = entries[i];
    if (e?.kind === 'stored') return practiceQueueId(e.n);
    if (e?.kind === 'close' || (e?.kind === 'exchange' && e.ex.command?.verb === 'MAIL')) break;
  }
  return `${(0xb00000 + n * 0x100 + t).toString(16).toUpperCase()}`;
}

/** The commands Postfix's disconnect line counts, in the order of its command table; others count as unknown. */
const COUNTED = ['HELO', 'EHLO', 'STARTTLS', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'ETRN', 'RSET', 'NOOP', 'VRFY', 'QUIT'] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A syslog time stamp, as mail.log has it: "Nov 30 00:12:34" (UTC). */
export function syslogTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The reply as Postfix quotes it in a reject line: its lines joined, the code repeated on each dropped. */
function quoted(ex: Exchange): string {
  return ex.reply.lines.map((l, i) => (i === 0 ? `${ex.reply.code} ${l.enhanced === null ? '' : `${l.enhanced.text} `}${l.text}` : l.text)).join(' ');
}

/**
 * The log lines of one connection (`pid`: the smtpd process number it shows, `client`: "localhost[127.0.0.1]", `n`:
 * the connection's number, which makes its queue ids).
 */
export function practiceServerLog(entries: readonly LogEntry[], client: string, pid: number, n: number): string[] {
  const out: string[] = [];
  const tag = (at: number): string => `${syslogTime(at)} practice postfix/smtpd[${pid}]: `;
  const counts = new Map<string, { ok: number; all: number }>();
  const count = (verb: string, ok: boolean): void => {
    const name = (COUNTED as readonly string[]).includes(verb) ? verb.toLowerCase() : 'unknown';
    const c = counts.get(name) ?? { ok: 0, all: 0 };
    counts.set(name, { ok: c.ok + (ok ? 1 : 0), all: c.all + 1 });
  };
  let helo = '';
  let proto = 'SMTP';
  let transactions = 0;
  let queueId: string | null = null;
  /** The mechanism of the login that succeeded on this connection, and of one waiting for its challenges' answers. */
  let sasl: string | null = null;
  let saslAsked: string | null = null;
  /** The last command answered, as Postfix names it in "lost connection after …". */
  let last = 'CONNECT';
  /** DATA got its 354 and the message has not ended. */
  let inData = false;
  /** The message stored last, whose delivery lines follow the reply to its end. */
  let stored: Extract<LogEntry, { kind: 'stored' }> | null = null;
  for (const [i, e] of entries.entries()) {
    if (e.kind === 'msgid') continue;
    if (e.kind === 'stored') {
      stored = e;
      continue;
    }
    if (e.kind === 'connect') {
      out.push(`${tag(e.at)}connect from ${client}`);
      continue;
    }
    if (e.kind === 'close') {
      // Closed without QUIT's 221 (the Disconnect button, a page closed, the server's own hang-up): Postfix says after
      // which command, and a message still being typed counts as a DATA that failed.
      if (last !== 'QUIT') out.push(`${tag(e.at)}lost connection after ${last} from ${client}`);
      if (inData) count('DATA', false);
      const counters = [...counts].sort(([a], [b]) => order(a) - order(b)).map(([name, c]) => `${name}=${c.ok === c.all ? c.all : `${c.ok}/${c.all}`}`);
      const ok = [...counts.values()].reduce((s, c) => s + c.ok, 0);
      const all = [...counts.values()].reduce((s, c) => s + c.all, 0);
      out.push(`${tag(e.at)}disconnect from ${client}${counters.map((c) => ` ${c}`).join('')} commands=${ok === all ? all : `${ok}/${all}`}`);
      continue;
    }
    const { ex } = e;
    const ok = ex.reply.cls === 2 || ex.reply.cls === 3;
    const before = ex.before;
    const fields = (to: string | null): string =>
      `from=<${before.sender ?? ''}>${to === null ? '' : ` to=<${to}>`} proto=${proto}${helo === '' ? '' : ` helo=<${helo}>`}`;
    const reject = (stage: string, to: string | null): void => {
      out.push(`${tag(e.at)}${queueId ?? 'NOQUEUE'}: reject: ${stage} from ${client}: ${quoted(ex)}; ${fields(to)}`);
    };
    if (ex.kind === 'end-of-data') {
      // The final "." is DATA's end: Postfix counts DATA once, a success when the message was taken.
      last = 'END-OF-MESSAGE';
      inData = false;
      count('DATA', ok);
      if (!ok) reject('END-OF-MESSAGE', before.recipients[0] ?? null);
      if (ok && stored?.reports !== undefined) out.push(...reportLines(stored.n, stored.reports, e.at, pid));
      stored = null;
      queueId = null;
      continue;
    }
    // AUTH is counted by its outcome: the answer to its last response, or to the command itself.
    if (ex.kind === 'auth-response') {
      if (ex.reply.code !== 334) {
        count('AUTH', ex.reply.cls === 2);
        if (ex.reply.cls === 2) sasl = saslAsked;
        saslAsked = null;
      }
      continue;
    }
    const cmd = ex.kind === 'command' ? ex.command : null;
    if (cmd?.verb === 'AUTH') {
      // The practice server has one login: whoever logged in is its user (Postfix names both after "client=").
      const mechanism = cmd.arg.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
      if (ex.reply.code === 334) saslAsked = mechanism;
      else if (ok) sasl = mechanism;
    }
    // TLS starts the session over, logged out (RFC 3207 §4.2).
    if (cmd?.verb === 'STARTTLS' && ex.reply.code === 220) sasl = null;
    if (cmd === null || (cmd.verb === 'AUTH' && ex.reply.code === 334)) continue;
    last = (COUNTED as readonly string[]).includes(cmd.verb) ? cmd.verb : 'UNKNOWN';
    switch (cmd.verb) {
      case 'EHLO':
      case 'HELO':
        if (ok) {
          helo = cmd.arg.trim().split(/\s+/)[0] ?? '';
          proto = cmd.verb === 'EHLO' ? 'ESMTP' : 'SMTP';
        }
        break;
      case 'MAIL':
        if (!ok) reject('MAIL', null);
        break;
      case 'RCPT':
        if (!ok) reject('RCPT', cmd.path ?? cmd.arg);
        else if (queueId === null) {
          // Postfix gives a transaction its queue id with the first recipient it accepts.
          queueId = queueIdAt(entries, i, n, ++transactions);
          out.push(`${tag(e.at)}${queueId}: client=${client}${sasl === null ? '' : `, sasl_method=${sasl}, sasl_username=${PRACTICE_USER}`}`);
        }
        break;
      case 'DATA':
        // Counted with its "." (above); a DATA refused at once is counted here.
        inData = ex.reply.code === 354;
        if (!inData) {
          count('DATA', false);
          reject('DATA', before.recipients[0] ?? null);
        }
        continue;
      case 'RSET':
        if (ok) queueId = null;
        break;
      case 'BDAT':
        // The LAST chunk ends the message, as "." does: its deliveries follow, and the next transaction has its own id.
        if (endsMessage(ex)) {
          if (ok && stored?.reports !== undefined) out.push(...reportLines(stored.n, stored.reports, e.at, pid));
          stored = null;
          queueId = null;
        }
        break;
      default:
        break;
    }
    count(cmd.verb, ok);
  }
  return out;
}

/**
 * A message's deliveries that were reported (protocol.StoredReport), as Postfix's smtp client (a delivery to the
 * mailbox server behind the practice server refused: gone@) and its bounce daemon (the report sent back) log them,
 * each its own process, numbered after the smtpd's.
 */
function reportLines(n: number, reports: readonly StoredOutcome[], at: number, pid: number): string[] {
  const id = practiceQueueId(n);
  const out: string[] = [];
  for (const r of reports) {
    if (r.action !== 'failed') continue;
    for (const to of r.recipients) {
      out.push(
        `${syslogTime(at)} practice postfix/smtp[${pid + 1}]: ${id}: to=<${to}>, relay=${GONE_HOST}:25, delay=0.1, delays=0.05/0/0.03/0.02, dsn=5.1.1, status=bounced (host ${GONE_HOST} said: ${goneReply(to)} (in reply to RCPT TO command))`,
      );
    }
  }
  for (const r of reports) {
    if (r.n === null) continue;
    const what = r.action === 'failed' ? 'non-delivery' : 'delivery status';
    out.push(`${syslogTime(at)} practice postfix/bounce[${pid + 2}]: ${id}: sender ${what} notification: ${practiceQueueId(r.n)}`);
  }
  return out;
}

/** Where a counter stands on the disconnect line: Postfix's command table order, unknown last. */
function order(name: string): number {
  const i = (COUNTED as readonly string[]).indexOf(name.toUpperCase());
  return i === -1 ? COUNTED.length : i;
}
