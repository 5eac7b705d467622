/**
 * The state of an SMTP dialog as the session model (session.ts) follows it, and one reply with what it answered (an
 * Exchange): the types the coach, the reply explanations, the transcript and the readers of pasted dialogs share,
 * without the model itself.
 */
import { isLastChunk, type Command } from './command.js';
import type { Reply } from './types.js';

export type Phase =
  /** TCP is up; the greeting has not arrived. */
  | 'connected'
  /** The server said 220: say EHLO or HELO. */
  | 'greeted'
  /** EHLO/HELO accepted: a mail transaction may start. */
  | 'ready'
  /** MAIL FROM accepted: add recipients with RCPT TO, then DATA. */
  | 'mail'
  /** DATA got 354: every line is message text until a line with only ".". */
  | 'data'
  /** The connection is closed (or the server said 221/421). */
  | 'closed';

export interface SessionState {
  phase: Phase;
  /** How the session was opened; LHLO is LMTP's EHLO (RFC 2033 §4.1). */
  hello: 'EHLO' | 'HELO' | 'LHLO' | null;
  /** EHLO keywords (upper case) -> their parameters. Empty after HELO, and again after STARTTLS (RFC 3207 §4.2). */
  extensions: ReadonlyMap<string, string>;
  tls: boolean;
  /** STARTTLS got 220: the TLS handshake is due. */
  tlsPending: boolean;
  authenticated: boolean;
  /** The server sent 334: the next line is an AUTH response (base64), not a command (RFC 4954 §4). */
  authChallenge: boolean;
  sender: string | null;
  /** The parameters of the MAIL FROM that opened the transaction (upper-case names, "BODY=8BITMIME" with its value). */
  mailParams: readonly string[];
  recipients: readonly string[];
  /** Lines of message text typed in the current DATA phase. */
  dataLines: number;
  /**
   * The BDAT chunk being typed (RFC 3030 §2): its size in octets, the octets still to come (each line counts its
   * CRLF), and whether it is the last. Null outside a chunk, or when the server did not advertise CHUNKING (then it
   * answers BDAT at once and reads what follows as commands).
   */
  chunk: { size: number; left: number; last: boolean } | null;
  messagesAccepted: number;
}

/** What one sent line was, in the model's eyes. */
export type SentKind = 'command' | 'message-text' | 'end-of-data' | 'auth-response';

/** One reply and what it answered. */
export interface Exchange {
  kind: 'greeting' | 'command' | 'end-of-data' | 'auth-response' | 'unsolicited';
  /** The command the reply answers (for kind 'command'). */
  command: Command | null;
  reply: Reply;
  before: SessionState;
  after: SessionState;
  /**
   * How long the server took, in ms: from the line being written (for the greeting: from the connection) to the
   * reply's last line, on the clock of the times given to the model; null when a time was not given.
   */
  waitedMs: number | null;
  /** How long the reply itself took to come, from its first line to its last, in ms; null when not timed. */
  spreadMs: number | null;
  /** Replies of class 4 or 5 on this connection before this one (servers slow down after many: timing.ts). */
  errorsBefore: number;
  /** For LMTP's replies to the final ".": the recipient this one is for, and its place among them (from 1). */
  lmtp?: { recipient: string; n: number; of: number };
}

/**
 * The exchange of a reply quoted from elsewhere (a bounce, /explain): no times, nothing before it, in `state`; what
 * it answered as far as the quote says (a command, the end of the message, or nothing known).
 */
export function quotedExchange(reply: Reply, kind: 'command' | 'end-of-data' | 'unsolicited', command: Command | null, state: SessionState = initialState()): Exchange {
  return { kind, command, reply, before: state, after: state, waitedMs: null, spreadMs: null, errorsBefore: 0 };
}

/**
 * Whether a reply answers the end of a message, or a line awaiting its reply is one: its final "." or a BDAT LAST
 * (RFC 3030 §2).
 */
export function endsMessage(ex: Pick<Exchange, 'kind' | 'command'>): boolean {
  return ex.kind === 'end-of-data' || (ex.command !== null && isLastChunk(ex.command));
}

export function initialState(): SessionState {
  return {
    phase: 'connected',
    hello: null,
    extensions: new Map(),
    tls: false,
    tlsPending: false,
    authenticated: false,
    authChallenge: false,
    sender: null,
    mailParams: [],
    recipients: [],
    dataLines: 0,
    chunk: null,
    messagesAccepted: 0,
  };
}
