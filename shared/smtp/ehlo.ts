/**
 * Explains the lines of an EHLO reply: the first names the server (and often how it sees the client), each further
 * line announces one service extension, "KEYWORD [param …]" (RFC 5321 §4.1.1.1):
 *
 *   ehlo-line    = ehlo-keyword *( SP ehlo-param )
 *   ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   ehlo-param   = 1*(%d33-126)
 *
 * The data lives in ehlo-keywords.ts; this module looks keywords up (case-insensitively, RFC 5321 §2.4) and turns
 * parameters into words: sizes, AUTH mechanisms, LIMITS pairs. It never throws, whatever the server sent.
 * Parameter text echoed into explanations goes through showControls, so server bytes cannot act on a terminal.
 */
import { bracketedAddress } from './bracketed.js';
import { showControls } from './escape.js';
import {
  EHLO_GENERIC_PRIVATE,
  EHLO_GENERIC_UNKNOWN,
  EHLO_GREETING,
  EHLO_KEYWORDS,
  EHLO_MALFORMED,
  SASL_GENERIC,
  SASL_MECHANISMS,
  type EhloKeywordEntry,
  type SaslMechanismEntry,
} from './ehlo-keywords.js';
import type { Explanation } from './types.js';

/** Parameters explained one by one; the rest are summed up, so a hostile line cannot produce a huge explanation. */
export const MAX_PARAMS_EXPLAINED = 32;
/** Characters of a parameter echoed back; longer ones are cut with "…". */
export const MAX_PARAM_ECHO_CHARS = 64;
/** Octets in a KiB; sizes are shown in binary units, as mail servers configure them (52428800 = 50 MiB). */
const KIB = 1024;
const SIZE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** How a line of an EHLO reply was understood. */
export type EhloLineKind =
  /** The first line: the server's name and greeting. */
  | 'greeting'
  /** A keyword with its own entry. */
  | 'keyword'
  /** A well-formed keyword without an entry (vendor X… or unregistered): explained generically. */
  | 'generic'
  /** A later line that does not start with a keyword. */
  | 'malformed';

/** One parameter of an EHLO line, made human. */
export interface EhloParam {
  /** The parameter as sent (control characters made visible, long ones cut). */
  text: string;
  /** What it means, in one line. */
  meaning: string;
}

export interface EhloExplanation extends Explanation {
  kind: EhloLineKind;
  /** The keyword in upper case ("SIZE", "AUTH=" for the old AUTH=LOGIN form); "" for the greeting or a malformed line. */
  keyword: string;
  params: EhloParam[];
}

/** Where the keyword sits in a displayed line, for hovering. */
export interface KeywordToken {
  /** 0-based index of the first character, in UTF-16 code units. */
  start: number;
  /** Index just past the last character. */
  end: number;
  /** The keyword in upper case, as in EhloExplanation.keyword. */
  key: string;
}

const KEYWORDS: ReadonlyMap<string, EhloKeywordEntry> = new Map(EHLO_KEYWORDS.map((e) => [e.keyword, e]));
const MECHANISMS: ReadonlyMap<string, SaslMechanismEntry> = new Map(SASL_MECHANISMS.map((m) => [m.name, m]));

// 1: the keyword (RFC 5321 §4.1.1.1); then either 2: "=" and 3: the rest (the pre-standard AUTH=LOGIN PLAIN form),
// or 4: the parameters after white space.
const KEYWORD_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:(=)([\s\S]*)|\s+([\s\S]*))?$/;
// A displayed reply line of the 250 EHLO reply: the code, the separator, then the keyword up to a space, "=" or the end.
const DISPLAYED_KEYWORD = /^250[ -]([A-Za-z0-9][A-Za-z0-9-]*)(=?)(?=\s|$|(?<==))/;
const UPPER_KEYWORD = /^[A-Z0-9][A-Z0-9-]*$/;
const DIGITS = /^[0-9]+$/;

/**
 * Explains one keyword line of an EHLO reply, given its text after the code and separator ("SIZE 10240000",
 * "AUTH PLAIN LOGIN", "X-EXPS GSSAPI NTLM"). Returns null when the text does not start with an EHLO keyword: the
 * first line of the reply ("mx.example Hello client [192.0.2.1]") and garbage. Use explainEhloReply when you have
 * the whole reply: it knows which line is the greeting.
 */
export function explainEhloLine(text: string): EhloExplanation | null {
  const m = KEYWORD_LINE.exec(text.trim());
  if (m === null || m[1] === undefined) return null;
  const word = m[1].toUpperCase();
  // The old "AUTH=LOGIN PLAIN" form glues the first parameter to the keyword with "=".
  const glued = m[2] === '=';
  const keyword = glued && KEYWORDS.has(word + '=') ? word + '=' : word;
  const args = splitParams(glued ? m[3] : m[4]);
  const entry = KEYWORDS.get(keyword);
  if (entry === undefined) return generic(keyword, args);
  const described = describeParams(entry, args);
  const explanation = [described.summary, entry.explanation, described.list].filter((s) => s !== null).join('\n');
  return { kind: 'keyword', key: keyword, keyword, title: entry.title, explanation, action: entry.action, source: entry.source, params: described.params };
}

/**
 * Explains every line of a 250 EHLO reply, given the text of each line after the code and separator. The first line
 * is the server's greeting; every further line should be one keyword. Returns one explanation per line, in order.
 */
export function explainEhloReply(lines: readonly string[]): EhloExplanation[] {
  return lines.map((text, i) => {
    if (i === 0) return explainGreeting(text);
    return explainEhloLine(text) ?? { kind: 'malformed', key: '', keyword: '', ...EHLO_MALFORMED, params: [] };
  });
}

/**
 * Finds the keyword in a DISPLAYED line of an EHLO reply ("250-PIPELINING", "250-SIZE 10240000", "250 HELP"), so the
 * terminal can make it hoverable; the tooltip then shows explainEhloLine(line.slice(4)).
 *
 * It only knows the line's shape, not what it answers: it is the caller's job to apply it only to the lines of a
 * reply to EHLO (otherwise "250 OK" would offer "OK"), and to skip the reply's first line, the greeting, which looks
 * like a keyword when a server's name is a single upper-case word. A word counts when heloterm has an entry for it
 * (in any case: old Exchange sends "8bitmime") or when it is an upper-case ehlo-keyword, so "250-localhost" and
 * "250-mx.example.org" are left alone. Returns null when the line carries no keyword.
 */
export function findKeywordToken(text: string): KeywordToken | null {
  const m = DISPLAYED_KEYWORD.exec(text);
  if (m === null || m[1] === undefined) return null;
  const word = m[1].toUpperCase();
  const key = m[2] === '=' && KEYWORDS.has(word + '=') ? word + '=' : word;
  if (!KEYWORDS.has(key) && !UPPER_KEYWORD.test(m[1])) return null;
  const start = 4;
  return { start, end: start + (key === word ? m[1].length : m[1].length + 1), key };
}

/** A size in octets, in binary units: 52428800 -> "50 MiB", 10240000 -> "9.8 MiB", 500 -> "500 octets". */
export function humanSize(octets: number): string {
  if (!Number.isFinite(octets) || octets < 0) return `${octets} octets`;
  if (octets < KIB) return octets === 1 ? '1 octet' : `${groupDigits(String(Math.round(octets)))} octets`;
  let value = octets / KIB;
  let unit = 0;
  // Round first, then move up a unit if rounding reached 1024 (1048575 octets is "1 MiB", not "1024 KiB").
  while (unit < SIZE_UNITS.length - 1 && Math.round(value * 10) / 10 >= KIB) {
    value /= KIB;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  const shown = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return `${shown} ${SIZE_UNITS[unit]}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

interface Described {
  /** A first line about this server's value ("Maximum message size …"), or null. */
  summary: string | null;
  /** One line per parameter, appended after the general explanation (AUTH mechanisms), or null. */
  list: string | null;
  params: EhloParam[];
}

type Describer = (args: readonly string[], entry: EhloKeywordEntry) => Described;

const DESCRIBERS: Readonly<Record<string, Describer>> = {
  SIZE: describeSize,
  AUTH: describeMechanisms,
  'AUTH=': describeMechanisms,
  'X-EXPS': describeMechanisms,
  LIMITS: describeLimits,
  DELIVERBY: describeDeliverBy,
};

function describeParams(entry: EhloKeywordEntry, args: readonly string[]): Described {
  const describer = DESCRIBERS[entry.keyword];
  if (describer !== undefined) return describer(args, entry);
  const meaning = entry.params !== undefined
    ? `a parameter of ${entry.keyword}: ${entry.params}`
    : `unexpected: ${entry.keyword} takes no parameters (${entry.source})`;
  return { summary: null, list: null, params: eachParam(args, () => meaning) };
}

function describeSize(args: readonly string[]): Described {
  const [value] = args;
  if (value === undefined) {
    return { summary: 'The server gives no number here, so it states no fixed limit.', list: null, params: [] };
  }
  let meaning: string;
  if (!DIGITS.test(value)) {
    meaning = `not a number: RFC 1870 allows only digits here, so the limit is unknown`;
  } else if (/^0+$/.test(value)) {
    meaning = 'no fixed limit (0 means none, RFC 1870 §3)';
  } else {
    const digits = value.replace(/^0+/, '');
    const octets = Number(digits);
    meaning = octets < KIB
      ? `maximum message size ${groupDigits(digits)} octets`
      : `maximum message size ${groupDigits(digits)} octets (${humanSize(octets)})`;
  }
  const params = [{ text: echo(value), meaning }, ...eachParam(args.slice(1), () => 'unexpected: SIZE takes one number')];
  return { summary: capitalise(meaning) + '.', list: null, params };
}

function describeMechanisms(args: readonly string[], entry: EhloKeywordEntry): Described {
  if (args.length === 0) {
    return { summary: `No mechanisms are listed after ${entry.keyword}, so there is no way to log in here.`, list: null, params: [] };
  }
  // One short line per mechanism in the explanation; the full text in its parameter entry.
  const list = args.slice(0, MAX_PARAMS_EXPLAINED).map((raw) => {
    const m = mechanism(raw.toUpperCase()) ?? SASL_GENERIC;
    return `• ${echo(raw)}: ${m.title} (${m.source})`;
  });
  const params = eachParam(args, (raw) => {
    const m = mechanism(raw.toUpperCase());
    return m === null
      ? `${SASL_GENERIC.title}. ${SASL_GENERIC.explanation}`
      : `${m.title}. ${m.explanation} To use it: ${m.action} (${m.source})`;
  });
  if (args.length > list.length) list.push(`• and ${args.length - list.length} more`);
  return { summary: null, list: list.join('\n'), params };
}

/** A mechanism entry, including the channel-binding "-PLUS" variants of SCRAM (RFC 5802 §6, RFC 7677). */
function mechanism(name: string): SaslMechanismEntry | null {
  const entry = MECHANISMS.get(name);
  if (entry !== undefined) return entry;
  const base = name.endsWith('-PLUS') ? MECHANISMS.get(name.slice(0, -'-PLUS'.length)) : undefined;
  if (base === undefined) return null;
  return {
    ...base,
    name,
    title: `${base.title}, bound to TLS`,
    explanation: `${base.explanation} The -PLUS variant also binds the login to this TLS connection (channel binding).`,
  };
}

const LIMIT_NAMES: Readonly<Record<string, (n: string) => string>> = {
  RCPTMAX: (n) => `at most ${n} recipients (RCPT TO) per message`,
  MAILMAX: (n) => `at most ${n} messages (MAIL FROM) per connection`,
  RCPTDOMAINMAX: (n) => `recipients in at most ${n} different domains per message`,
};

function describeLimits(args: readonly string[]): Described {
  const params = eachParam(args, (pair) => {
    const eq = pair.indexOf('=');
    const name = (eq === -1 ? pair : pair.slice(0, eq)).toUpperCase();
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    const known = LIMIT_NAMES[name];
    if (known === undefined) return `${echo(name)}: a limit heloterm has no entry for (see the IANA "SMTP Server Limits" registry)`;
    if (!DIGITS.test(value)) return `${name}: the value should be a number (RFC 9422)`;
    return `${name}: ${known(groupDigits(value))}`;
  });
  return { summary: null, list: params.map((p) => `• ${p.meaning}`).join('\n') || null, params };
}

function describeDeliverBy(args: readonly string[]): Described {
  const params = eachParam(args, (v) => DIGITS.test(v)
    ? `the shortest deadline accepted is ${groupDigits(v)} seconds`
    : 'not a number: the parameter should give seconds');
  return { summary: null, list: null, params };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

function generic(keyword: string, args: readonly string[]): EhloExplanation {
  const base = keyword.startsWith('X') ? EHLO_GENERIC_PRIVATE : EHLO_GENERIC_UNKNOWN;
  const params = eachParam(args, () => `a parameter of ${echo(keyword)}`);
  return { kind: 'generic', key: keyword, keyword, ...base, params };
}

function explainGreeting(text: string): EhloExplanation {
  const t = text.trim();
  const name = t.split(/\s+/)[0] ?? '';
  const address = bracketedAddress(t) ?? undefined;
  const facts = [
    name !== '' ? `The server calls itself ${echo(name)}.` : 'The server gives no name here, though RFC 5321 §4.1.1.1 asks for one.',
    address !== undefined ? `It sees your connection coming from ${echo(address)}.` : null,
  ].filter((s) => s !== null);
  return { kind: 'greeting', key: '', keyword: '', ...EHLO_GREETING, explanation: `${facts.join(' ')}\n${EHLO_GREETING.explanation}`, params: [] };
}

function splitParams(rest: string | undefined): string[] {
  return rest === undefined ? [] : rest.split(/\s+/).filter((a) => a !== '');
}

/** Explains each parameter with `meaning`, up to MAX_PARAMS_EXPLAINED; the rest become one summary entry. */
function eachParam(args: readonly string[], meaning: (arg: string) => string): EhloParam[] {
  const shown = args.slice(0, MAX_PARAMS_EXPLAINED).map((a) => ({ text: echo(a), meaning: meaning(a) }));
  const more = args.length - shown.length;
  if (more > 0) shown.push({ text: '…', meaning: `and ${more} more parameters, not explained one by one` });
  return shown;
}

function echo(raw: string): string {
  const cut = raw.length > MAX_PARAM_ECHO_CHARS ? raw.slice(0, MAX_PARAM_ECHO_CHARS) + '…' : raw;
  return showControls(cut);
}

/** "10240000" -> "10,240,000" (a string, so numbers of any length keep every digit). */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
