/**
 * What Postfix logs when it inspects a message's content: a milter's verdict (rspamd, SpamAssassin, ClamAV, OpenDKIM
 * or OpenDMARC plugged in through Postfix's milter interface) and a header_checks or body_checks rule's action. These
 * are the lines behind "my message was refused as spam" and "my message was accepted and never arrived":
 *
 * - "4F9D5C0A1B: milter-reject: END-OF-MESSAGE from mail.example.com[192.0.2.1]: 5.7.1 Spam message rejected;
 *   from=<a@example.net> to=<b@example.org> proto=ESMTP helo=<mail.example.com>": logged by cleanup with the reply's
 *   enhanced code and text but not its three-digit code (smtpd's own milter-reject lines quote it whole: log-read.ts);
 * - "…: milter-discard: END-OF-MESSAGE from …: milter triggers DISCARD action;" and "milter-hold";
 * - "906F418067A: reject: header Subject: Buy now from mail.example.com[192.0.2.1]; from=<…> to=<…> proto=ESMTP
 *   helo=<…>: 5.7.1 message content rejected", and the other actions (discard, hold, warning…) of header_checks(5).
 *
 * Found by position, not by backtracking patterns: a pasted line may be megabytes long. Pure.
 */
import { explainEnhanced } from './explain.js';
import type { LogSink } from './log-events.js';
import { bestVendorMatch } from './vendor-match.js';

const MILTER = /^([0-9A-Za-z]+): milter-(reject|discard|hold): ([A-Z-]+) from (\S+?): /;
const CHECK = /^([0-9A-Za-z]+): (reject|discard|hold|warning|redirect|filter|info|replace|prepend|strip|dunno): (header|body) /;
/** Where Postfix's own fields begin after the client ("…[192.0.2.1]; from=<a@example.net> to=<…>"). */
const FIELDS = '; from=<';
const ENHANCED_AT_START = /^([245])\.\d{1,3}\.\d{1,3} /;
/** A client as Postfix names it: "mail.example.com[192.0.2.1]", "unknown[2001:db8::1]". */
const CLIENT = /^[^\s[\]]{1,255}\[[^\s\]]{1,64}\]$/;
/** The most of a matched line, a reply's text or an envelope's address quoted in a note. */
const MAX_QUOTED = 200;

const clip = (s: string): string => (s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}…` : s);

/** What Postfix milters' default replies mean: the milter gave no text of its own (libmilter's defaults). */
const MILTER_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['4.7.1 Service unavailable - try again later', "the milter's default for \"try later\" (or the milter did not answer: milter_default_action = tempfail): its own log says why"],
  ['5.7.1 Command rejected', "the milter's default refusal, without a reason of its own: its own log says why"],
]);

/** The stage a milter or rule acted at, in words. */
function stageWords(stage: string): string {
  return stage === 'END-OF-MESSAGE' ? 'the end of the message' : stage === 'END-OF-HEADERS' ? 'the end of the header' : stage;
}

/** What a refusal logged without its three-digit code says: its class, its enhanced code, its likely cause. */
function refusalWords(text: string, guessCode: number): string {
  const enhanced = ENHANCED_AT_START.exec(text);
  if (enhanced === null) return '';
  const cls = enhanced[1];
  const code = (/^\S+/.exec(text)?.[0] ?? '').trim();
  const title = explainEnhanced(code)?.title;
  const how = cls === '4' ? '4xx: for now, the client tries again later' : "5xx: final, the sender gets a bounce from its own server";
  const likely = bestVendorMatch(cls === '4' ? 451 : guessCode, text);
  const known = MILTER_DEFAULTS.get(text.trim());
  return ` (logged without its three-digit code: ${how}${title === undefined ? '' : `; ${code}: ${title}`})${
    known !== undefined ? ` — ${known}` : likely === null ? '' : ` — likely: ${likely.title}: ${likely.cause}`
  }`;
}

/** The envelope of Postfix's fields ("from=<a@b> to=<c@d>"), for a note; '' when none. */
function envelope(fields: string): string {
  const from = /\bfrom=<([^>]*)>/.exec(fields)?.[1];
  const to = /\bto=<([^>]*)>/.exec(fields)?.[1];
  return from === undefined ? '' : ` (from <${clip(from)}>${to === undefined ? '' : ` to <${clip(to)}>`})`;
}

function readMilter(m: RegExpExecArray, rest: string, sink: LogSink): void {
  const [whole, id = '', action = '', stage = '', client = ''] = m;
  const after = rest.slice(whole.length);
  const at = after.indexOf(FIELDS);
  const said = clip((at < 0 ? after : after.slice(0, at)).replace(/;$/, ''));
  const env = at < 0 ? '' : envelope(after.slice(at + 2));
  const where = `${id}: a milter (a content filter: rspamd, SpamAssassin, ClamAV, OpenDKIM…) acted on the message from ${client}${env} at ${stageWords(stage)}`;
  if (action === 'reject') {
    // Milters refuse content at the end of the message with 554 most often (rspamd), else 550.
    sink.event(`${where}: this server refused it, "${said}"${refusalWords(said, stage === 'END-OF-MESSAGE' ? 554 : 550)}`);
  } else if (action === 'discard') {
    sink.event(`${where}: discarded. The client was answered 250, as if accepted, and the message was delivered to no one; the milter's own log says why`);
  } else {
    sink.event(`${where}: held. It stays in the hold queue, delivered to no one, until released (postsuper -H ${id}) or deleted (postsuper -d ${id}); postqueue -p marks it with "!"`);
  }
}

/** What each header_checks(5) action did with the message. */
const CHECK_ACTIONS: Readonly<Record<string, string>> = {
  discard: 'discarded: the client was answered 250, as if accepted, and the message was delivered to no one',
  hold: 'held: it stays in the hold queue until released (postsuper -H) or deleted (postsuper -d)',
  warning: 'logged only (the rule\'s WARN action, for trying a rule out): nothing was done to the message',
  redirect: 'redirected: delivered to the address the rule names instead of its recipients',
  filter: 'handed to the content filter the rule names',
  info: 'logged only (the rule\'s INFO action)',
  replace: 'the line was replaced as the rule says',
  prepend: 'a line was added before it, as the rule says',
  strip: 'the line was removed from the message',
  dunno: 'let through (DUNNO)',
};

function readCheck(m: RegExpExecArray, rest: string, sink: LogSink): void {
  const [whole, id = '', action = '', part = ''] = m;
  const after = rest.slice(whole.length);
  const at = after.lastIndexOf(FIELDS);
  const before = at < 0 ? after : after.slice(0, at);
  // The client is the last " from name[address]" before Postfix's fields ("Subject: Mail from your bank" has one too).
  const clientAt = before.lastIndexOf(' from ');
  const named = clientAt < 0 ? null : CLIENT.exec(before.slice(clientAt + ' from '.length));
  const line = named === null ? before : before.slice(0, clientAt);
  const client = named?.[0] ?? 'a client';
  const fields = at < 0 ? '' : after.slice(at + 2);
  // The fields end with "helo=<…>"; the rule's text, if any, follows after ": ".
  const helo = fields.indexOf(' helo=<');
  const close = helo < 0 ? -1 : fields.indexOf('>', helo);
  const text = close >= 0 && fields.startsWith(': ', close + 1) ? clip(fields.slice(close + 3)) : '';
  const head = `${id}: a ${part}_checks rule matched the ${part === 'header' ? 'header line' : 'body line'} "${clip(line)}" of the message from ${client}${envelope(fields)}`;
  if (action === 'reject') {
    const said = text === '' ? '5.7.1 message content rejected' : text;
    sink.event(`${head}: this server refused the message, "${said}"${refusalWords(said, 550)}`);
    return;
  }
  sink.event(`${head}: ${CHECK_ACTIONS[action] ?? action}${text === '' ? '' : ` (${text})`}`);
}

/** Reads one line of Postfix's content inspection (the text after its daemon's tag) into `sink`; false if none. */
export function readContentAction(rest: string, sink: LogSink): boolean {
  const milter = MILTER.exec(rest);
  if (milter !== null) {
    // smtpd's own milter-reject lines quote the reply whole ("451 4.7.1 …"): log-read.ts reads those as replies.
    if (milter[2] === 'reject' && /^\d{3} /.test(rest.slice(milter[0].length))) return false;
    readMilter(milter, rest, sink);
    return true;
  }
  const check = CHECK.exec(rest);
  if (check === null) return false;
  readCheck(check, rest, sink);
  return true;
}
