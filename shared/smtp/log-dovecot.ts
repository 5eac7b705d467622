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
 *   names itself: pam, sql, ldap, passwd-file…), as 2.4 writes it "auth(alice,192.0.2.10,sasl:plain)<x>: passwd-file:
 *   unknown user" (the request names the login, the passdb only itself), with what auth_verbose_passwords adds (the
 *   password given, or its SHA1) and "- trying the next passdb"; and an IMAP or POP3 login's disconnect line with
 *   `auth failed, 3 attempts`.
 *
 * As a syslog line ("dovecot: " or "dovecot[1234]: ") or a log file's ("… lmtp(…)": log_path). Pure.
 */
import type { LogSink } from './log-events.js';

/**
 * Dovecot's tag in syslog, or the start of a line of its own log file (log_path: its time stamp first), then the
 * process that wrote it, and for a delivery its process and session ids ("<4711><kJx1Ag>").
 */
export const DOVECOT_LINE =
  /(?:\bdovecot(?:\[\d+\])?: |^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )?)((?:lmtp|lda)\([^)]*\)|auth(?:-worker)?(?:\([^)]*\))?|(?:imap|pop3|submission|managesieve)-login)(?:<[^>]*>)*: (.*)$/;

/** A delivery's line after "lmtp(user)<pid><session>: ": a level, Sieve's mark, the Message-ID, what happened. */
const DELIVERY = /^(?:(?:Info|Error|Warning): )?(sieve: )?msgid=(<[^>]*>|\S+?): (.+)$/;
/** A passdb's line in 2.3, naming the login: "pam(alice,192.0.2.10,<session>): unknown user". */
const PASSDB_23 = /^([a-z][a-z0-9-]*)\(([^()]*)\): (.*)$/;
/** A passdb's line in 2.4, after the request's prefix that names the login: "passwd-file: unknown user". */
const PASSDB_24 = /^([A-Za-z0-9_.-]+): (.*)$/;
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

/** The login a passdb line names: "alice,192.0.2.10,sasl:plain,<session>" (2.4 puts the mechanism here), "?" for none. */
function loginOf(fields: string): { name: string; address: string; mech: string } {
  const [user = '', ...more] = fields.split(',', 6); // at most user, address, mechanism, master, session: a hostile line's thousands left alone
  const address = more.find((f) => /^[0-9a-fA-F.:]+$/.test(f) && /[.:]/.test(f)) ?? '';
  const mech = more.find((f) => f.startsWith('sasl:'))?.slice(5).toUpperCase() ?? '';
  return { name: user === '?' ? '' : user, address, mech };
}

/**
 * A passdb's verdict, with what auth_verbose_passwords adds after it: "Password mismatch (SHA1 of given password:
 * 5baa61e4) - trying the next passdb". Read with indexOf, not a pattern: a pasted line may be long and hostile.
 */
function passdbVerdict(said: string): { verdict: string; given: 'plain' | 'sha1' | null; next: boolean } | null {
  let text = said;
  const NEXT = ' - trying the next passdb';
  const next = text.endsWith(NEXT);
  if (next) text = text.slice(0, -NEXT.length);
  let given: 'plain' | 'sha1' | null = null;
  const sha1 = text.indexOf(' (SHA1 of given password: ');
  const plain = text.indexOf(' (given password: ');
  if (sha1 >= 0) [given, text] = ['sha1', text.slice(0, sha1)];
  else if (plain >= 0) [given, text] = ['plain', text.slice(0, plain)];
  if (text === 'unknown user' || text === 'Password mismatch' || text.startsWith('pam_authenticate() failed: ')) return { verdict: text, given, next };
  return null;
}

/** Reads a line of Dovecot's auth process (`part` its prefix, `rest` the line after it) into `sink`. */
function readAuthLine(part: string, rest: string, sink: LogSink): void {
  const body = rest.replace(/^request \[\d+\]: /, '').replace(/^(?:Info|Error|Warning): /, '');
  const old = PASSDB_23.exec(body);
  const request = /^auth(?:-worker)?\(([^()]*)\)$/.exec(part);
  const named = request === null ? null : PASSDB_24.exec(body);
  const [driver, fields, said] = old !== null ? [old[1], old[2], old[3]] : named !== null ? [named[1], request?.[1], named[2]] : [];
  if (driver === undefined || said === undefined) return;
  const login = loginOf(fields ?? '');
  const verdict = passdbVerdict(said);
  if (verdict === null) return;
  const as = `${login.name === '' ? '(no name)' : login.name}${login.address === '' ? '' : ` from ${login.address}`}${login.mech === '' ? '' : ` (AUTH ${login.mech})`}`;
  const why = verdict.verdict === 'unknown user' ? `no such user in its ${driver} password database: a typo in the user name (the whole address, or the part before @, as auth_username_format says), or a guesser's` : 'a wrong password';
  const given =
    verdict.given === 'plain'
      ? ". The line holds the password given, in clear (auth_verbose_passwords = plain): keep this log as secret as the passwords, or set it to sha1 or no"
      : verdict.given === 'sha1'
        ? ". The hash is the given password's SHA1 (auth_verbose_passwords = sha1): compare it with the start of printf %s 'the-right-password' | sha1sum to tell a typo from an old password saved in a mail client"
        : '';
  sink.event(
    verdict.next
      ? `Dovecot's ${driver} password database did not take a login as ${as} (${why}) and it tried the next one: not a refusal yet, the login fails only if no password database takes it${given}`
      : `Dovecot refused a login as ${as}: ${why}. For a login to Postfix (smtpd_sasl_type = dovecot), its client was answered 535 5.7.8 and Postfix logged "SASL … authentication failed"; many from one address are a password guesser${given}`,
  );
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
    readAuthLine(part, rest, sink);
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
