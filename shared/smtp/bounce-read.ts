/**
 * Reads a bounce message (a non-delivery report) for the SMTP replies it quotes, so that each can be explained for
 * what it answered, as if received: the form admins are handed most. Three ways bounces quote a reply:
 *
 * - Postfix: "<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1 … (in reply to RCPT TO command)";
 * - Exim: "SMTP error from remote mail server after RCPT TO:<bob@example.org>:" and the reply on the next lines;
 * - Exchange and Microsoft 365: "Remote server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'";
 * - Gmail: "The response from the remote server was:" and the reply on the next line;
 * - the delivery status notification every MTA attaches (RFC 3464 §2.3.6): "Diagnostic-Code: smtp; 550 5.1.1 …",
 *   beside "Final-Recipient", "Status" and "Remote-MTA".
 *
 * Header fields and quoted lines may be folded over several lines (RFC 5322 §2.2.3): they are unfolded first. A reply
 * quoted twice (the text for people and the report for programs) is explained once. Pure.
 */
import { parseCommand } from './command.js';
import { quotedReply } from './parser.js';
import { initialState, quotedExchange, type Exchange, type SessionState } from './session-state.js';
import type { ReplayStep } from './transcript-read.js';

/** Replies read from one bounce at most. */
const MAX_BOUNCE_REPLIES = 50;

/** Postfix's words for a remote server's reply, in bounces and its log (log-read.ts): host, reply, command. */
export const HOST_SAID = /host (\S+) said: (\d{3}[ -].*?)(?: \(in reply to (.+?) command\))?$/;
// The local part without "@": one place to split the address, so a line of many "@" cannot make the regex backtrack.
const POSTFIX = new RegExp(`^<?([^<>\\s@]*@[^<>\\s]*)>?: ${HOST_SAID.source}`, 'i');
const EXIM = /^SMTP error from remote mail server after (.+?):$/i;
const DIAGNOSTIC = /^Diagnostic-Code:\s*smtp;\s*(\d{3}[ -].*)$/i;
const EXCHANGE = /\bRemote server returned '(\d{3}[ -][^']*)'/i;
const GMAIL = /^The response from the remote server was:$/i;
const FINAL_RECIPIENT = /^Final-Recipient:\s*rfc822;\s*(\S+)/i;
const REPLY_START = /^\d{3}[ -]/;

/** Whether a text is a bounce: it has a delivery status report's fields, or Postfix's or Exim's quoted replies. */
export function isBounce(text: string): boolean {
  return (
    /^(Diagnostic-Code|Final-Recipient|Reporting-MTA):/im.test(text) ||
    /\bhost \S+ said: \d{3}[ -]/.test(text) ||
    /^\s*SMTP error from remote mail server after /im.test(text) ||
    EXCHANGE.test(text) ||
    /^\s*The response from the remote server was:\s*$/im.test(text)
  );
}

/** A line that folded lines continue: a report's field ("Diagnostic-Code: …"), or Postfix's "host … said: …". */
const FOLDS = /^[A-Za-z][A-Za-z-]*:\s|\bhost \S+ said: /;

/**
 * The lines, trimmed, with folded continuations (a line that begins with white space, after a field or Postfix's
 * quoted reply) joined to the line they continue. Exim's report is indented as a whole: its lines stay apart.
 */
function unfolded(text: string): string[] {
  const out: string[] = [];
  let folding = false;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const t = line.trim();
    if (folding && /^\s/.test(line) && t !== '') {
      out[out.length - 1] += ` ${t}`;
      continue;
    }
    out.push(t);
    folding = FOLDS.test(t);
  }
  return out;
}

/**
 * What a Postfix "in reply to … command" or an Exim "after …" names, as a command line the model reads (a bare
 * "RCPT TO" with the recipient the text names, `rcpt`); null for the greeting (Exim's "after initial connection").
 */
export function answeredCommand(answered: string, rcpt: string | null): string | null {
  if (/^initial connection$/i.test(answered)) return null;
  if (/^RCPT TO$/i.test(answered) && rcpt !== null) return `RCPT TO:<${rcpt}>`;
  // Exim: "pipelined RCPT TO:<x>", "end of data".
  return answered.replace(/^pipelined /i, '');
}

/**
 * A reply quoted in some text (`answered`: the command line it answered, "end of data", or null when unknown) as the
 * page reads a live one, in `state`; null when the text holds no reply.
 */
export function exchangeFor(text: string, answered: string | null, state: SessionState): Exchange | null {
  const reply = quotedReply(text);
  if (reply === null) return null;
  if (answered === null) return quotedExchange(reply, 'unsolicited', null, state);
  if (/^end of data$/i.test(answered)) return quotedExchange(reply, 'end-of-data', null, state);
  return quotedExchange(reply, 'command', parseCommand(answered), state);
}

/** The replies a bounce quotes, with notes saying where each came from; empty when it quotes none. */
export function readBounce(text: string): ReplayStep[] {
  const lines = unfolded(text);
  const out: ReplayStep[] = [];
  const seen = new Set<string>();
  const state: SessionState = { ...initialState(), phase: 'mail' };
  let recipient: string | null = null;
  const add = (reply: string, answered: string | null, from: string): void => {
    const key = reply.replace(/^(\d{3})-/, '$1 ').replace(/\s+/g, ' ').trim();
    if (seen.has(key) || seen.size >= MAX_BOUNCE_REPLIES) return;
    const ex = exchangeFor(key, answered, state);
    if (ex === null) return;
    seen.add(key);
    out.push({ kind: 'note', text: from });
    out.push({ kind: 'reply', exchange: ex });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const postfix = POSTFIX.exec(line);
    if (postfix !== null) {
      const [, rcpt = '', host = '', reply = '', answered] = postfix;
      add(reply, answered === undefined ? null : answeredCommand(answered, rcpt), `${rcpt}: host ${host} said${answered === undefined ? '' : `, in reply to ${answered}`}:`);
      continue;
    }
    const exim = EXIM.exec(line);
    if (exim !== null) {
      // The reply follows, one line per line of it: read as one.
      const replyLines: string[] = [];
      for (let j = i + 1; j < lines.length && REPLY_START.test(lines[j] ?? ''); j++) replyLines.push(lines[j] ?? '');
      const reply = replyLines.map((l, k) => (k === 0 ? l : l.replace(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3}\s)?/, ''))).join(' ');
      if (reply !== '') add(reply, answeredCommand(exim[1] ?? '', null), `the remote server said, after ${exim[1] ?? ''}:`);
      continue;
    }
    const exchange = EXCHANGE.exec(line);
    if (exchange !== null) {
      add(exchange[1] ?? '', null, 'the remote server returned:');
      continue;
    }
    if (GMAIL.test(line)) {
      const reply = lines.slice(i + 1).find((l) => l !== '');
      if (reply !== undefined && REPLY_START.test(reply)) add(reply, null, 'the remote server said:');
      continue;
    }
    const final = FINAL_RECIPIENT.exec(line);
    if (final !== null) recipient = final[1] ?? null;
    const diagnostic = DIAGNOSTIC.exec(line);
    if (diagnostic !== null) add(diagnostic[1] ?? '', null, `the delivery report${recipient === null ? '' : ` for ${recipient}`} quotes:`);
  }
  return out;
}
