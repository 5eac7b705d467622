/**
 * Reads a typed command line the way a server would (RFC 5321 §4.1): the verb, its argument, the path in angle
 * brackets for MAIL and RCPT, and ESMTP parameters (§4.1.2 Mail-parameters / Rcpt-parameters).
 */

export interface Command {
  /** Upper-cased verb: "MAIL". Empty for an empty line. */
  verb: string;
  /** Everything after the verb and its space, as typed. */
  arg: string;
  /** For MAIL FROM: / RCPT TO:, the address between < and > ("" for the null path <>), or null if missing. */
  path: string | null;
  /** ESMTP parameters after the path: SIZE=1000 -> ["SIZE", "1000"]; BODY=8BITMIME; SMTPUTF8 -> ["SMTPUTF8", ""]. */
  params: Array<[string, string]>;
}

const PATH_PREFIX: Readonly<Record<string, string>> = { MAIL: 'FROM:', RCPT: 'TO:' };

export function parseCommand(line: string): Command {
  const trimmed = line.trim();
  const sp = trimmed.search(/\s/);
  const verb = (sp === -1 ? trimmed : trimmed.slice(0, sp)).toUpperCase();
  const arg = sp === -1 ? '' : trimmed.slice(sp + 1).trim();
  const cmd: Command = { verb, arg, path: null, params: [] };
  const prefix = PATH_PREFIX[verb];
  if (prefix === undefined) return cmd;
  // Accept "FROM:<a>" and the common (non-conforming) "FROM: <a>" that the article itself shows.
  if (!arg.toUpperCase().startsWith(prefix)) return cmd;
  const rest = arg.slice(prefix.length).trimStart();
  if (!rest.startsWith('<')) return cmd;
  const close = rest.indexOf('>');
  if (close === -1) return cmd;
  cmd.path = rest.slice(1, close);
  for (const p of rest.slice(close + 1).trim().split(/\s+/)) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    cmd.params.push(eq === -1 ? [p.toUpperCase(), ''] : [p.slice(0, eq).toUpperCase(), p.slice(eq + 1)]);
  }
  return cmd;
}

/** BDAT's arguments (RFC 3030 §2): the chunk's size in octets, and whether it is the last; null when malformed. */
export function bdatChunk(cmd: Command): { size: number; last: boolean } | null {
  if (cmd.verb !== 'BDAT') return null;
  const m = /^(\d{1,15})(?:\s+(LAST))?$/i.exec(cmd.arg);
  if (m === null) return null;
  return { size: Number(m[1]), last: m[2] !== undefined };
}

/** BDAT with the LAST chunk: the end of a message, as the final "." is (RFC 3030 §2). */
export function isLastChunk(cmd: Command): boolean {
  return bdatChunk(cmd)?.last === true;
}

/** The octets a line takes in UTF-8, as heloterm sends it (without its CRLF). */
export function utf8Octets(line: string): number {
  let n = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** What is left of a line after its first `octets` octets of UTF-8 (a character they cut in two counts with them). */
export function afterOctets(line: string, octets: number): string {
  let n = 0;
  let i = 0;
  for (const ch of line) {
    if (n >= octets) break;
    n += utf8Octets(ch);
    i += ch.length;
  }
  return line.slice(i);
}
