/**
 * SMTP commands as a person types them: syntax, what each does, and where it is defined. Data, and the commands a
 * slip of the keyboard away from a verb typed (nearVerbs); the command classifier (command.ts), the coach and
 * autocompletion read it.
 */

export interface VerbInfo {
  verb: string;
  /** The syntax, as typed. */
  syntax: string;
  /** A skeleton to complete to (Tab): what a person most often types. */
  template: string;
  /** What it does, in plain words. */
  help: string;
  source: string;
  /** The EHLO keyword the server must advertise before the command may be used, if any. */
  extension?: string;
}

export const VERBS: readonly VerbInfo[] = [
  {
    verb: 'EHLO',
    syntax: 'EHLO <your-domain-or-[address]>',
    template: 'EHLO ',
    help: 'Opens the session and asks which extensions the server supports; the reply lists them one per line. Use it instead of HELO, and again after STARTTLS.',
    source: 'RFC 5321 §4.1.1.1',
  },
  {
    verb: 'HELO',
    syntax: 'HELO <your-domain>',
    template: 'HELO ',
    help: 'The old greeting from RFC 821: opens the session without extensions. The server will not tell you what it supports.',
    source: 'RFC 5321 §4.1.1.1',
  },
  {
    verb: 'LHLO',
    syntax: 'LHLO <your-domain>',
    template: 'LHLO ',
    help: 'LMTP\'s EHLO, for the local delivery servers (Dovecot, Cyrus) an MTA hands mail to, often on port 24: LMTP refuses EHLO and HELO. After the final ".", an LMTP server answers once per accepted recipient, in order, so that each one can fail alone.',
    source: 'RFC 2033 §4.1',
  },
  {
    verb: 'MAIL',
    syntax: 'MAIL FROM:<sender@domain> [parameters]',
    template: 'MAIL FROM:<>',
    help: 'Starts a mail transaction and names the envelope sender (where bounces go). <> is the null sender used by bounces. Parameters such as SIZE=, BODY=8BITMIME or SMTPUTF8 need the matching EHLO keyword.',
    source: 'RFC 5321 §4.1.1.2',
  },
  {
    verb: 'RCPT',
    syntax: 'RCPT TO:<recipient@domain> [parameters]',
    template: 'RCPT TO:<>',
    help: 'Names one envelope recipient; repeat it for each. Every server must accept <postmaster> (RFC 5321 §4.5.1).',
    source: 'RFC 5321 §4.1.1.3',
  },
  {
    verb: 'DATA',
    syntax: 'DATA',
    template: 'DATA',
    help: 'Asks to send the message. After 354, type the header lines (Subject: …; Tab offers From:, To:, Date: and the rest, filled in), an empty line, the body, and a line with only "." to end it.',
    source: 'RFC 5321 §4.1.1.4',
  },
  {
    verb: 'RSET',
    syntax: 'RSET',
    template: 'RSET',
    help: 'Abandons the current mail transaction (sender, recipients, data); the session stays open.',
    source: 'RFC 5321 §4.1.1.5',
  },
  {
    verb: 'VRFY',
    syntax: 'VRFY <user-or-address>',
    template: 'VRFY ',
    help: 'Asks whether an address is valid. Most servers answer 252 (cannot verify, but will try) or refuse, to stop address harvesting (RFC 5321 §7.3).',
    source: 'RFC 5321 §4.1.1.6',
  },
  {
    verb: 'EXPN',
    syntax: 'EXPN <mailing-list>',
    template: 'EXPN ',
    help: 'Asks for the members of a mailing list. Usually disabled for privacy (RFC 5321 §7.3).',
    source: 'RFC 5321 §4.1.1.7',
  },
  {
    verb: 'HELP',
    syntax: 'HELP [command]',
    template: 'HELP',
    help: "Asks the server for help text (214). Many servers say little or nothing useful; heloterm's own help is /help.",
    source: 'RFC 5321 §4.1.1.8',
  },
  {
    verb: 'NOOP',
    syntax: 'NOOP',
    template: 'NOOP',
    help: 'Does nothing; the server answers 250. Handy to check that the connection is still alive.',
    source: 'RFC 5321 §4.1.1.9',
  },
  {
    verb: 'QUIT',
    syntax: 'QUIT',
    template: 'QUIT',
    help: 'Ends the session: the server answers 221 and closes the connection.',
    source: 'RFC 5321 §4.1.1.10',
  },
  {
    verb: 'STARTTLS',
    syntax: 'STARTTLS',
    template: 'STARTTLS',
    help: 'Switches the connection to TLS. After 220 the bridge does the handshake; then send EHLO again, because everything learned before TLS is forgotten (RFC 3207 §4.2).',
    source: 'RFC 3207 §4',
    extension: 'STARTTLS',
  },
  {
    verb: 'AUTH',
    syntax: 'AUTH <mechanism> [initial-response]',
    template: 'AUTH PLAIN ',
    help: 'Authenticates (usually on port 587 after STARTTLS). PLAIN takes base64 of "\\0user\\0password"; the server answers 235 on success or 535 when the credentials are wrong. Never type a real password over a connection without TLS.',
    source: 'RFC 4954 §4',
    extension: 'AUTH',
  },
  {
    verb: 'BDAT',
    syntax: 'BDAT <size> [LAST]',
    template: 'BDAT ',
    help: 'Sends the message in chunks of an exact number of octets, instead of DATA, when the server lists CHUNKING: the lines typed after it are the chunk, each counting its CRLF (2 octets), with no dot-stuffing and no closing "."; the server answers once it has them all. heloterm counts the octets sent and left after each line.',
    source: 'RFC 3030 §2',
    extension: 'CHUNKING',
  },
  {
    verb: 'ETRN',
    syntax: 'ETRN <domain>',
    template: 'ETRN ',
    help: 'Asks the server to start delivering mail it queued for a domain.',
    source: 'RFC 1985 §4',
    extension: 'ETRN',
  },
];

export const VERB_INFO: ReadonlyMap<string, VerbInfo> = new Map(VERBS.map((v) => [v.verb, v]));

/**
 * The commands one slip away from `verb` (upper case): a letter wrong, missing or extra, or two letters swapped
 * ("RCTP" is RCPT, "QIUT" QUIT, "EHL" EHLO); none for a command known, or for one letter alone.
 */
export function nearVerbs(verb: string): string[] {
  return VERB_INFO.has(verb) ? [] : nearWords(verb, VERB_INFO.keys());
}

/** The `words` one slip away from `typed` (as nearVerbs; for heloterm's own commands too); none for one letter. */
export function nearWords(typed: string, words: Iterable<string>): string[] {
  if (typed.length < 2) return [];
  return [...words].filter((word) => oneSlipApart(typed, word));
}

/** Whether `a` and `b` differ by exactly one edit: a substitution, an insertion, a deletion or a swap of neighbours. */
function oneSlipApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    const [i, j] = diff;
    return diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}
