/**
 * Tab completion: the SMTP verbs that make sense in the current state of the session, completed to the shape of
 * their arguments (`MAIL FROM:<>` with the cursor between the brackets), AUTH mechanisms the server offers, and in a
 * message's header section the fields it still lacks, filled from the envelope and the clock (`Date: …` as RFC 5322
 * §3.3 writes it).
 */
import type { SessionState } from './session-state.js';
import { utf8Bytes } from './base64.js';
import { rfc5322Date } from './date.js';
import { MAIL_PARAMS, RCPT_PARAMS } from './params.js';
import { VERB_INFO, type VerbInfo } from './verbs.js';

export interface Completion {
  /** The whole line after completion. */
  text: string;
  /** Where the cursor goes, as an index into text (in UTF-16 units; completions are ASCII). */
  cursor: number;
  /** What to show in a list of candidates. */
  label: string;
}

/** Verbs that fit each phase, most useful first (RFC 5321 §4.1.4 order of commands). */
const BY_PHASE: Readonly<Record<SessionState['phase'], readonly string[]>> = {
  connected: ['EHLO', 'HELO', 'QUIT'],
  greeted: ['EHLO', 'HELO', 'NOOP', 'HELP', 'QUIT'],
  ready: ['MAIL', 'STARTTLS', 'AUTH', 'EHLO', 'VRFY', 'EXPN', 'ETRN', 'RSET', 'NOOP', 'HELP', 'QUIT'],
  mail: ['RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'QUIT'],
  data: [],
  closed: [],
};

/** The verbs worth offering now: extension commands only when advertised, DATA and BDAT only with a recipient. */
export function verbsFor(state: SessionState): VerbInfo[] {
  if (state.authChallenge) return [];
  const out: VerbInfo[] = [];
  for (const verb of BY_PHASE[state.phase]) {
    const info = VERB_INFO.get(verb);
    if (info === undefined) continue;
    if (info.extension !== undefined && !state.extensions.has(info.extension)) continue;
    if (verb === 'STARTTLS' && state.tls) continue;
    if (verb === 'AUTH' && state.authenticated) continue;
    if ((verb === 'DATA' || verb === 'BDAT') && state.recipients.length === 0) continue;
    out.push(info);
  }
  return out;
}

function fromTemplate(info: VerbInfo): Completion {
  const t = info.template;
  const bracket = t.indexOf('<>');
  return { text: t, cursor: bracket === -1 ? t.length : bracket + 1, label: info.syntax };
}

/** Candidates for what has been typed so far (case does not matter). Empty when nothing fits. */
export function complete(typed: string, state: SessionState): Completion[] {
  const upper = typed.toUpperCase();
  const sp = typed.indexOf(' ');
  if (sp === -1) {
    return verbsFor(state)
      .filter((v) => v.verb.startsWith(upper))
      .map(fromTemplate);
  }
  const verb = upper.slice(0, sp);
  const rest = typed.slice(sp + 1);
  if (verb === 'AUTH') {
    const mechs = (state.extensions.get('AUTH') ?? '').split(/\s+/).filter((m) => m !== '');
    return mechs
      .filter((m) => m.toUpperCase().startsWith(rest.toUpperCase()))
      .map((m) => ({ text: `AUTH ${m} `, cursor: `AUTH ${m} `.length, label: `AUTH ${m}` }));
  }
  if ((verb === 'MAIL' || verb === 'RCPT') && !rest.includes(':')) {
    const info = VERB_INFO.get(verb);
    const word = verb === 'MAIL' ? 'FROM:' : 'TO:';
    if (info !== undefined && word.startsWith(rest.toUpperCase())) {
      const text = `${typed.slice(0, sp)} ${word}<>`;
      return [{ text, cursor: text.length - 1, label: info.syntax }];
    }
  }
  if (verb === 'MAIL' || verb === 'RCPT') return completeParams(typed, verb, state);
  return [];
}

/**
 * After the path of MAIL FROM:<…> or RCPT TO:<…>, the parameters the server advertised the extension for, not yet
 * typed (`SIZE=`, `BODY=8BITMIME`, `NOTIFY=SUCCESS,FAILURE`…): what it supports, found by Tab.
 */
function completeParams(typed: string, verb: 'MAIL' | 'RCPT', state: SessionState): Completion[] {
  const close = typed.indexOf('>');
  if (close < 0) return [];
  const after = typed.slice(close + 1);
  if (after !== '' && !after.startsWith(' ')) return [];
  const words = after.split(' ').filter((w) => w !== '');
  // The word being typed, unless the line ends in a space (or right after the ">").
  const partial = after === '' || after.endsWith(' ') ? '' : (words.pop() ?? '');
  const typedNames = new Set(words.map((w) => (w.split('=')[0] ?? '').toUpperCase()));
  const base = `${typed.slice(0, typed.length - partial.length).trimEnd()} `;
  const path = typed.slice(typed.indexOf('<') + 1, close);
  const out: Completion[] = [];
  for (const p of verb === 'MAIL' ? MAIL_PARAMS : RCPT_PARAMS) {
    if (typedNames.has(p.name) || (p.tlsOnly === true && !state.tls)) continue;
    for (const offer of p.offer) {
      if (!state.extensions.has(p.extension(offer.slice(p.name.length + 1)))) continue;
      if (!offer.toUpperCase().startsWith(partial.toUpperCase())) continue;
      // ORCPT names the recipient as given, in xtext (RFC 3461 §4.2); AUTH=<> an unknown submitter (RFC 4954 §5).
      const value = offer === 'ORCPT=rfc822;' ? `${offer}${xtext(path)}` : offer;
      const text = base + value;
      out.push({ text, cursor: value === 'AUTH=<>' ? text.length - 1 : text.length, label: value });
    }
  }
  return out;
}

/**
 * xtext (RFC 3461 §4): "+", "=" and every octet outside "!".."~" written as "+" and two hexadecimal digits (of its
 * UTF-8 octets): "a+b@example.org" is "a+2Bb@example.org".
 */
export function xtext(s: string): string {
  return utf8Bytes(s)
    .map((b) => (b > 0x20 && b < 0x7f && b !== 0x2b && b !== 0x3d ? String.fromCharCode(b) : `+${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** The longest common prefix of the candidates' texts (what Tab fills in when several fit). */
export function commonPrefix(cs: readonly Completion[]): string {
  if (cs.length === 0) return '';
  let p = cs[0]!.text;
  for (const c of cs) while (!c.text.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** What the header fields offered in a message are filled from. */
export interface HeaderContext {
  /** The envelope: MAIL FROM's address ('' for the null sender) and the recipients the server accepted. */
  sender: string | null;
  recipients: readonly string[];
  /** The field names already typed in this message's header section (lower case). */
  typed: ReadonlySet<string>;
  now: Date;
  /** The user's clock, in minutes east of UTC (what `-Date#getTimezoneOffset()` gives). */
  offsetMinutes: number;
  /** A word unique to this message (letters and digits), for its Message-ID. */
  unique: string;
}

/** The longest header line offered whole (RFC 5322 §2.1.1: 998 characters); a longer To: is left to the user. */
const MAX_HEADER_LINE = 998;

/**
 * The header fields a message should have that it does not have yet, filled in: From: (MAIL FROM's address), To:
 * (the accepted recipients: those left out get the message as a blind copy), Subject:, Date: (now) and Message-ID:
 * (RFC 5322 §3.6: From: and Date: are required, Message-ID: should be there).
 */
export function headerOffers(ctx: HeaderContext): Completion[] {
  const sender = ctx.sender ?? '';
  const domain = sender.includes('@') ? sender.slice(sender.lastIndexOf('@') + 1) : '';
  const to = `To: ${ctx.recipients.join(', ')}`;
  const stamp = ctx.now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const fields: [name: string, line: string][] = [
    ['from', `From: ${sender}`],
    ['to', ctx.recipients.length > 0 && to.length <= MAX_HEADER_LINE ? to : 'To: '],
    ['subject', 'Subject: '],
    ['date', `Date: ${rfc5322Date(ctx.now, ctx.offsetMinutes)}`],
    // Without a sender's domain, a name that cannot be anyone's (RFC 2606 §2).
    ['message-id', `Message-ID: <${stamp}.${ctx.unique}@${domain === '' || /[<>\s]/.test(domain) ? 'heloterm.invalid' : domain}>`],
  ];
  return fields.filter(([name]) => !ctx.typed.has(name)).map(([, line]) => ({ text: line, cursor: line.length, label: line }));
}

/** The header lines that begin with what has been typed of a line (case does not matter). */
export function completeHeader(typed: string, ctx: HeaderContext): Completion[] {
  const lower = typed.toLowerCase();
  return headerOffers(ctx).filter((c) => c.text.toLowerCase().startsWith(lower));
}
