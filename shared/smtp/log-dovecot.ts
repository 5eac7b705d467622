/**
 * Lines of Dovecot's log (2.3 and 2.4) where mail admins look beside Postfix's: the mailbox server's side (log-read.ts
 * reads the whole log). Dovecot is where mail that Postfix handed over (by LMTP, or to the `dovecot-lda` program) is
 * saved or refused, and where Postfix's SASL logins are checked:
 *
 * - a delivery: "lmtp(alice@example.org)<4711><kJx1Ag>: msgid=<1@example.net>: saved mail to INBOX", or `save failed
 *   to INBOX: Quota exceeded (mailbox for user is full)`, or a Sieve script's action (`sieve: msgid=…: stored mail
 *   into mailbox 'Junk'`, `failed to store into mailbox …`, `forwarded to <…>`, discarded); `lda(alice)` the same from dovecot-lda (its
 *   deliver_log_format, "msgid=%m: %$", is the default);
 * - a login refused: "auth: passwd-file(alice,192.0.2.10,<x>): unknown user" or `Password mismatch` (each passdb driver
 *   names itself: pam, sql, ldap, passwd-file…), and an IMAP or POP3 login's disconnect line with `auth failed, 3
 *   attempts`.
 *
 * As a syslog line ("dovecot: " or "dovecot[1234]: ") or a log file's ("… lmtp(…)": log_path). Pure.
 */
import type { LogSink } from './log-events.js';

/**
 * Dovecot's tag in syslog, or the start of a line of its own log file (log_path: its time stamp first), then the
 * process that wrote it, and for a delivery its process and session ids ("<4711><kJx1Ag>").
 */
export const DOVECOT_LINE =
  /(?:\bdovecot(?:\[\d+\])?: |^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )?)((?:lmtp|lda)\([^)]*\)|auth(?:-worker\(\d+\))?|(?:imap|pop3|submission|managesieve)-login)(?:<[^>]*>)*: (.*)$/;

/** A delivery's line after "lmtp(user)<pid><session>: ": a level, Sieve's mark, the Message-ID, what happened. */
const DELIVERY = /^(?:(?:Info|Error|Warning): )?(sieve: )?msgid=(<[^>]*>|\S+?): (.+)$/;
/** A passdb's verdict on a login: "pam(alice,192.0.2.10,<session>): unknown user". */
const PASSDB = /^(?:(?:Info|Error): )?([a-z][a-z0-9-]*)\(([^,()]*),([^,()]*)(?:,<[^>]*>)?\): (unknown user|Password mismatch|pam_authenticate\(\) failed: .*)$/;
/**
 * An IMAP or POP3 (…) login given up: "Disconnected (auth failed, 3 attempts in 12 secs): user=<alice>, …, rip=…", or
 * as 2.3.10 and later write it, "Login aborted: Connection closed (auth failed, 3 attempts in 15 secs) (auth_failed):
 * user=<alice>, …".
 */
const LOGIN_FAILED = /\(auth failed, (\d+) attempts?(?: in \d+ secs)?\)(?: \([a-z_]+\))?: user=<([^>]*)>.*?\brip=([0-9a-fA-F.:]+)/;

/** What a delivery's own words mean, or null. `who`: the recipient as Dovecot names it. */
function deliveryWhy(what: string, who: string): string | null {
  let m = /^(?:saved mail to|stored mail into mailbox) '?(.+?)'?$/.exec(what);
  if (m !== null) {
    const folder = m[1] ?? '';
    return folder.toUpperCase() === 'INBOX'
      ? `delivered: the message is in ${who}'s inbox. Not seen by the user? Their mail client, or a rule on it, moved it`
      : `delivered into the folder "${folder}", not the inbox: a Sieve rule filed it there${/junk|spam/i.test(folder) ? ' (taken for spam: a filter marked it, and the rule follows the mark)' : ''}; the user looks there`;
  }
  // "save failed to INBOX: …", "save failed to open mailbox Sent Items: …" (2.3), a Sieve rule's "failed to store into
  // mailbox 'INBOX': …", or dovecot-lda's "rejected: …".
  m = /^(?:save failed to (?:open mailbox )?(.+?)|failed to store into mailbox '(.+?)'|rejected): (.*)$/.exec(what);
  if (m !== null) {
    const folder = m[1] ?? m[2];
    const why = m[3] ?? '';
    if (/quota/i.test(why)) {
      return `${who}'s mailbox is full (its quota): Dovecot refused the message, and the server that handed it over was answered 552 5.2.2 (or 452 4.2.2 with quota_full_tempfail = yes, so that it tries again later). The user deletes mail, or the admin raises the quota (doveadm quota get -u ${who})`;
    }
    if (/No space left/i.test(why)) return 'the mail server\'s disk is full: no mailbox can take mail until space is freed (df -h on the mail store)';
    return `the message could not be saved${folder === undefined ? '' : ` to ${folder}`}: the error says why (permissions on the mail store, a folder that does not exist, a broken index)`;
  }
  if (/^(?:forwarded|redirected) to </.test(what)) return 'a Sieve rule sent it on to that address (redirect): it arrives there, not here, unless the rule keeps a copy';
  if (/discard/i.test(what)) return 'a Sieve rule discarded it: it is in no mailbox, and no bounce went back to the sender';
  if (/^sent vacation response to </.test(what)) return "the user's vacation rule answered the sender (an automatic reply, RFC 5230): sent once per sender for some days";
  return null;
}

/** Reads one Dovecot line into `sink`. `m` is DOVECOT_LINE's match. */
export function readDovecotLine(m: RegExpExecArray, sink: LogSink): void {
  const [, part = '', rest = ''] = m;
  const user = /^(?:lmtp|lda)\(([^)]*)\)$/.exec(part);
  if (user !== null) {
    const delivery = DELIVERY.exec(rest);
    if (delivery === null) return;
    const [, sieve, msgid = '', what = ''] = delivery;
    const who = user[1] ?? '';
    const by = part.startsWith('lda') ? 'dovecot-lda' : 'LMTP';
    sink.note(`${msgid} for ${who} (Dovecot, ${by}${sieve === undefined ? '' : ', a Sieve rule'})`, what, deliveryWhy(what, who));
    return;
  }
  if (part.startsWith('auth')) {
    const passdb = PASSDB.exec(rest);
    if (passdb === null) return;
    const [, driver = '', name = '', address = '', verdict = ''] = passdb;
    const why = verdict === 'unknown user' ? `no such user in its ${driver} password database: a typo in the user name (the whole address, or the part before @, as auth_username_format says), or a guesser's` : 'a wrong password';
    sink.event(
      `Dovecot refused a login as ${name === '' ? '(no name)' : name}${address === '' ? '' : ` from ${address}`}: ${why}. For a login to Postfix (smtpd_sasl_type = dovecot), its client was answered 535 5.7.8 and Postfix logged "SASL … authentication failed"; many from one address are a password guesser`,
    );
    return;
  }
  const login = LOGIN_FAILED.exec(rest);
  if (login === null) return;
  const [, attempts = '', name = '', address = ''] = login;
  const service = part.replace(/-login$/, '').toUpperCase();
  sink.event(
    `${service} logins as ${name === '' ? '(no name)' : name} from ${address} failed (${attempts} attempt${attempts === '1' ? '' : 's'}), then the client left: a wrong password saved in a mail client, or a password guesser (many addresses, many names)`,
  );
}
