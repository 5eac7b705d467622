/**
 * How long the server took to answer, and what a slow answer usually means. Telnet shows a slow reply only as a
 * wait; an admin diagnosing a server wants the number and its likely reason: a greeting held back on purpose
 * (postscreen, greet_pause), DNS lookups about the client, recipient checks, content scanning after the message,
 * or a server slowing down a client that made errors (tarpitting).
 *
 * Pure: it reads an exchange of the session model, whose waitedMs the page measures (the bridge's note that a line
 * was written, to the arrival of the reply's last line: within a few ms of the server's own time).
 */
import { answeredKey } from './context.js';
import { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT } from './ports.js';
import type { Exchange } from './session-state.js';

/**
 * Marks how long a slow reply took, in the terminal and the reply log (a clock face; in DejaVu, Menlo and Consolas).
 */
export const WAIT_MARK = '◷';

/** Replies that took at least this long, in ms, have their time shown and explained. */
export const SLOW_REPLY_MS = 1000;

export interface SlowReply {
  /** How long the server took, in ms. */
  ms: number;
  /** Which explanation (the terminal gives each once per connection; tests name it). */
  id: string;
  /** A few words for the terminal line: "a greeting held back on purpose". */
  title: string;
  cause: string;
  action: string;
  source: string;
}

/** A wait as people read it: "1.2 s", "14 s", "2 min 05 s". */
export function formatWait(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** RFC 5321 §4.5.3.2 gives a client minutes for each reply; a server may take seconds for its checks. */
const TIMEOUTS = 'RFC 5321 §4.5.3.2 (a client waits 5 min for the greeting, MAIL and RCPT, 10 min after the message)';

type Cause = Omit<SlowReply, 'ms'>;

const GREETING_SPLIT: Cause = {
  id: 'greeting-postscreen',
  title: 'a greeting in two parts (Postfix postscreen?)',
  cause:
    'The server sent "220-" first and the last line later. Postfix\'s postscreen does this to catch spambots: it waits (postscreen_greet_wait, 6 s by default) to see whether the client talks before its turn, then hands the connection to the real server.',
  action: 'Wait for the line that starts "220 " (heloterm holds your lines until then). A client that talks first is logged as PREGREET and may be refused.',
  source: 'postscreen(8): postscreen_greet_banner, postscreen_greet_wait; RFC 5321 §4.3.1',
};

const GREETING: Cause = {
  id: 'greeting-delay',
  title: 'a late greeting (on purpose, or DNS)',
  cause:
    'The server waited before saying 220. Either on purpose, to catch spambots that talk first (Sendmail\'s greet_pause, an Exim connect ACL with "delay ="), or while it looked up your address in DNS (a reverse lookup whose name servers do not answer; Exim\'s ident query on old versions).',
  action: 'Nothing to do as a client but wait. As the server\'s admin: a delay on purpose is usually a few seconds; a longer one points at the DNS resolver the server uses.',
  source: `Sendmail cf/README FEATURE(greet_pause); Exim spec, ACL "delay" modifier, rfc1413_query_timeout; ${TIMEOUTS}`,
};

const HELLO: Cause = {
  id: 'hello-delay',
  title: 'a check of your EHLO name',
  cause: 'Some servers look up the name you gave in EHLO or HELO (and your address) in DNS before they answer (Exim: verify = helo; Postfix helo restrictions when smtpd_delay_reject is off).',
  action: 'Give your real host name (one that resolves to your address) or an address literal such as [192.0.2.1].',
  source: `Exim spec, ACL condition "verify = helo"; Postfix postconf(5) smtpd_helo_restrictions; ${TIMEOUTS}`,
};

const SENDER: Cause = {
  id: 'sender-delay',
  title: 'checks on the sender',
  cause: 'The server checks the sender before it answers MAIL: an SPF lookup, or a call-out to the sender\'s own mail server to see whether it takes bounces (Postfix reject_unverified_sender, Exim verify = sender/callout).',
  action: 'Use a sender whose domain publishes SPF and whose mail server accepts mail to that address.',
  source: `Postfix ADDRESS_VERIFICATION_README; Exim spec, "verify = sender/callout"; ${TIMEOUTS}`,
};

const RECIPIENT: Cause = {
  id: 'recipient-delay',
  title: 'checks at RCPT (blocklists, policy, verification)',
  cause:
    'Most checks happen at RCPT (Postfix runs its client, HELO and sender restrictions there too): DNS blocklist lookups, a policy server (greylisting, SPF), or a call-out to the server behind this one to see whether the mailbox exists (Postfix reject_unverified_recipient waits up to about 6 s, then answers 450 if it has no verdict yet).',
  action: 'Nothing, if it is accepted. If every RCPT is this slow, the server\'s admin should look at its DNS resolver and its policy services.',
  source: `Postfix postconf(5) smtpd_delay_reject, address_verify_poll_count, address_verify_poll_delay; Exim spec, "verify = recipient/callout"; ${TIMEOUTS}`,
};

const CONTENT: Cause = {
  id: 'content-delay',
  title: 'the message being scanned',
  cause: 'Before it answers the final ".", the server checks the message: spam and virus filters (SpamAssassin, rspamd, amavis, a milter), DKIM and DMARC. Several seconds are common under load.',
  action: 'Nothing, if it is accepted: a sending MTA waits 10 minutes for this reply. If it times out, the message may be delivered twice (RFC 1047).',
  source: `RFC 5321 §4.5.3.2.6; RFC 1047; ${TIMEOUTS}`,
};

const AUTH_FAILED: Cause = {
  id: 'auth-delay',
  title: 'a failed login slowed on purpose',
  cause: 'Servers slow down failed logins to stop password guessing: Dovecot (which Postfix often asks) waits 2 s after the first failure, doubling up to 15 s per address; Exchange waits 5 s (its tarpit).',
  action: 'Check the user name and password (each in base64: /base64 -d shows what you sent). Retrying quickly only makes the waits longer.',
  source: 'Dovecot documentation, Authentication penalty (AUTH_PENALTY_INIT_SECS 2, up to 15 s); Exchange receive connector TarpitInterval',
};

const AUTH: Cause = {
  id: 'auth-lookup-delay',
  title: 'a slow password check',
  cause: 'The server asks a password database (Dovecot, LDAP, SQL) for every login; a slow or unreachable one makes AUTH slow.',
  action: 'Nothing to do as a client. As the server\'s admin: look at the authentication back end.',
  source: 'RFC 4954 §4',
};

const GENERIC: Cause = {
  id: 'slow-reply',
  title: 'a slow reply',
  cause: 'The server took its time. Servers may take seconds for checks (DNS, policy services) or when busy.',
  action: 'Wait for the reply. If every reply is slow, the server (or the path to it) is overloaded.',
  source: TIMEOUTS,
};

/**
 * Errors after which a server may be slowing down on purpose: Postfix's smtpd_soft_error_limit is 10, Exchange's
 * tarpit starts at the first failure.
 */
const TARPIT_AFTER_ERRORS = 1;

function tarpit(errors: number): Cause {
  return {
    id: 'tarpit',
    title: `tarpitting after ${errors} error${errors === 1 ? '' : 's'}?`,
    cause:
      `This session has had ${errors} error repl${errors === 1 ? 'y' : 'ies'} (4xx or 5xx), and servers slow down clients that make errors, as spambots guessing addresses do: Postfix waits smtpd_error_sleep_time (1 s) before each reply after smtpd_soft_error_limit (10) errors and hangs up at smtpd_hard_error_limit (20); Exchange waits 5 s after a failure.`,
    action: 'Send RSET or QUIT and start again with commands the server accepts; in a test, fewer wrong recipients.',
    source: 'Postfix postconf(5) smtpd_error_sleep_time, smtpd_soft_error_limit, smtpd_hard_error_limit; Exchange receive connector TarpitInterval',
  };
}

/** Why the reply may have been slow, from what it answered; null when it came within SLOW_REPLY_MS (or untimed). */
export function slowReply(ex: Exchange): SlowReply | null {
  const ms = ex.waitedMs;
  if (ms === null || ms < SLOW_REPLY_MS) return null;
  return { ms, ...slowCause(ex) };
}

function slowCause(ex: Exchange): Cause {
  const answered = answeredKey(ex);
  // postscreen's mark: "220-" at once, the rest only after its wait (a greeting that came late but whole is not it).
  if (answered === 'GREETING') return ex.reply.lines.length > 1 && (ex.spreadMs ?? 0) >= SLOW_REPLY_MS ? GREETING_SPLIT : GREETING;
  if (answered === 'AUTH' || answered === 'AUTH-RESPONSE') return ex.reply.cls === 5 ? AUTH_FAILED : AUTH;
  if (ex.errorsBefore >= TARPIT_AFTER_ERRORS) return tarpit(ex.errorsBefore);
  switch (answered) {
    case 'EHLO':
    case 'HELO':
      return HELLO;
    case 'MAIL':
      return SENDER;
    case 'RCPT':
      return RECIPIENT;
    case 'END-OF-DATA':
    case 'BDAT LAST':
      return CONTENT;
    default:
      return GENERIC;
  }
}

/** Silence after which a server's hang-up is noted with how long it lasted, in ms (servers wait about 5 minutes). */
export const IDLE_NOTE_MS = 30_000;

/**
 * What to add to "closed by the server" when the client had been silent for `idleMs`: " after 5 min 00 s without a
 * line from you", or nothing for a short silence (a server closing after QUIT, or refusing at once).
 */
export function idleNote(idleMs: number): string {
  return idleMs >= IDLE_NOTE_MS ? ` after ${formatWait(idleMs)} without a line from you` : '';
}

/** Silence after connecting after which the page says what a greeting that does not come may mean, in ms. */
export const GREETING_SILENCE_MS = 5000;

/** Ports a mail server greets on: elsewhere, silence may be a server of another protocol waiting for its client. */
const MAIL_PORTS: ReadonlySet<number> = new Set([SMTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT, 24, 2525]);

/**
 * What it means that a server on `port` (with implicit TLS or not) has said nothing GREETING_SILENCE_MS after the
 * connection: telnet shows a blank screen; a person needs to know whether to wait or to change something.
 * `implicitPort`: the port is known to take TLS from the first byte, as 465 is (the practice server's TLS port).
 */
export function silentGreeting(port: number, tls: boolean, implicitPort = port === SUBMISSIONS_PORT): string {
  if (implicitPort && !tls) {
    return `no greeting after ${formatWait(GREETING_SILENCE_MS)}: port ${port} is implicit TLS (RFC 8314 §3.3), where the server waits for a TLS handshake and says nothing in plain text. Press Disconnect, tick implicit TLS and connect again.`;
  }
  const other = MAIL_PORTS.has(port) ? '' : ` Or what listens on port ${port} is no mail server, and waits for its client to talk first.`;
  return `no greeting yet after ${formatWait(GREETING_SILENCE_MS)}: servers hold it back on purpose (Postfix's postscreen, Sendmail's greet_pause) or while they look up your address in DNS; a client waits up to 5 minutes for it (RFC 5321 §4.5.3.2). heloterm holds what you type until it comes.${other}`;
}
