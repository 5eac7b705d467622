/**
 * The size limits of the messages only the page's app handles (`mx` with its mail policies, `rdns`, `stored`;
 * decode-app.ts), kept apart from messages.ts: every constant of a module both the boot script and the app use
 * lands in the boot script's chunk, and the first load has no bytes to spare (docs/benchmarks.md, client weight).
 */
import { isHostName, MAX_HOST_CHARS } from './host.js';
import type { SmugglingSequence, TlsVersion } from './messages.js';

/** Most MX hosts an `mx` answer lists (`count` says how many there were). */
export const MAX_MX_HOSTS = 10;
/** Most addresses listed per host. */
export const MAX_MX_ADDRESSES = 8;
/** Most names an `rdns` answer lists (`count` says how many PTR records there were). */
export const MAX_RDNS_NAMES = 5;
/** Most characters of a stored message sent back (`cut` says when there were more). */
export const MAX_STORED_CHARS = 16_000;
/** Most envelope recipients listed (`recipients` says how many there were). */
export const MAX_STORED_RECIPIENTS = 20;
/** Most records of one kind of mail policy an `mx` answer lists (`count` says how many there were). */
export const MAX_POLICY_RECORDS = 3;
/** Most characters of a policy record (a TXT record's strings joined); SPF records with many includes run long. */
export const MAX_POLICY_CHARS = 1000;
/** Most includes (or a redirect) without an SPF record an `mx` answer names. */
export const MAX_SPF_MISSING = 5;
/** Most characters of one of them: `redirect=` or `include:` and a host name. */
export const MAX_SPF_TERM_CHARS = 'redirect='.length + MAX_HOST_CHARS;
/** Most characters of an MTA-STS policy's text sent (a policy is a few lines: version, mode, max_age, mx). */
export const MAX_MTA_STS_CHARS = 2000;
/** Most blocklists a `dnsbl` answer lists, answer addresses per list, and characters of a list's TXT reason. */
export const MAX_DNSBL_LISTS = 8;
export const MAX_DNSBL_CODES = 4;
export const MAX_DNSBL_REASON_CHARS = 300;
/** Most characters of an SPF check's detail (what went wrong, in the checker's words). */
export const MAX_SPF_DETAIL_CHARS = 300;

/** TLSA records told of one DANE lookup at most (a name has one or two; a rollover, a few more). */
export const MAX_TLSA_RECORDS = 8;
/** A TLSA record's data told in hex digits at most (a full certificate, matching type 0, is kilobytes). */
export const MAX_TLSA_DATA_HEX = 128;

/** Ports one `ports` probe dials at most (the mail ports: 25, 465, 587, 2525, and a local one or two). */
export const MAX_PROBE_PORTS = 6;
/** Characters of a probed port's text (its greeting's first line, or the error) at most, and of an EHLO line. */
export const MAX_PROBE_TEXT = 200;
/** EHLO keyword lines a probed port's answer keeps at most (a long list runs to twenty). */
export const MAX_PROBE_EHLO_LINES = 40;
/** Longest trainee name a `progress` message carries (`/name`), in characters. */
export const MAX_TRAINEE_NAME = 40;

/** A name a `progress` message may carry: at most MAX_TRAINEE_NAME characters, no C0 or C1 control character. */
export function isTraineeName(name: string): boolean {
  return name.length <= MAX_TRAINEE_NAME && !/[\x00-\x1f\x7f-\x9f]/.test(name);
}
/**
 * Lines of its dialog a page shares with the instructor while its trainee asks for help (the newest, as the transcript
 * writes them, AUTH credentials removed), at most; and each line's length at most, in characters.
 */
export const MAX_SHARED_LINES = 20;
export const MAX_SHARED_LINE_CHARS = 200;

/** A line a page may share: at most MAX_SHARED_LINE_CHARS characters, no C0 or C1 control character. */
export function isSharedLine(line: unknown): line is string {
  return typeof line === 'string' && line.length <= MAX_SHARED_LINE_CHARS && !/[\x00-\x1f\x7f-\x9f]/.test(line);
}

/** Longest note the instructor says to the class (the class view's "Say to the class"), in characters. */
export const MAX_CLASS_SAY = 300;

/**
 * A note the instructor may say to the class: one line of 1 to MAX_CLASS_SAY characters, not blank; no C0 or C1
 * control character (the page writes it in its terminal), no line or paragraph separator, and no bidirectional
 * override or isolate (which would let a note show its words in another order than they are sent).
 */
export function isClassSay(text: unknown): text is string {
  return typeof text === 'string' && text.length <= MAX_CLASS_SAY && text.trim() !== '' && !/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text);
}
/** Most lesson ids a `progress` message lists as done. */
export const MAX_LESSONS_DONE = 30;

/** The TLS versions a `tlsversions` probe tries, oldest first (each has one outcome in the answer). */
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Most questions a quiz reported in a `progress` message may have (shared/lessons/quiz.ts asks 8). */
export const MAX_QUIZ_QUESTIONS = 50;

/** Whether `q` is a quiz's score as a `progress` message may report it: answers right of questions asked. */
export function isQuizScore(q: unknown): q is { right: number; of: number } {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) return false;
  const { right, of } = q as Record<string, unknown>;
  return Number.isInteger(of) && Number.isInteger(right) && (of as number) >= 1 && (of as number) <= MAX_QUIZ_QUESTIONS && (right as number) >= 0 && (right as number) <= (of as number);
}

/** Most MX hosts an `mxtls` probe dials, lowest preference first (those after them are counted, not dialled). */
export const MAX_MX_TLS_HOSTS = 5;

/** The sequences a `smuggling` probe tries, the classic one first (each has one outcome in the answer). */
export const SMUGGLING_SEQUENCES: readonly SmugglingSequence[] = ['LF.LF', 'LF.CRLF', 'CRLF.LF', 'CR.CRLF'];

/**
 * An address a probe may name in MAIL FROM or RCPT TO (`smuggling`): a dot-atom local part of at most 64 characters
 * (RFC 5321 §4.1.2, §4.5.3.1.1) and a host name, in ASCII, at most 254 characters in all. Nothing a server could read
 * as more than one address: no space, bracket, quote or control character.
 */
export function isProbeAddress(x: unknown): x is string {
  if (typeof x !== 'string' || x.length > 254) return false;
  const at = x.lastIndexOf('@');
  const local = x.slice(0, at);
  return at > 0 && local.length <= 64 && /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local) && isHostName(x.slice(at + 1).toLowerCase());
}

/** A lesson's id (shared/lessons/catalogue.ts, lesson-file.ts): 1 to 40 lower-case letters, digits and hyphens. */
export const isLessonId = (x: unknown): x is string => typeof x === 'string' && /^[a-z0-9-]{1,40}$/.test(x);
