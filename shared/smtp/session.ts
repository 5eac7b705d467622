/**
 * The session model: follows an SMTP dialog from what was sent and what was received, as a server would see it
 * (RFC 5321 §4.1.4 order of commands, §4.3.2 command-reply sequences). Pure; the browser uses it for the coach
 * and autocompletion, the bridge for STARTTLS and the DATA phase.
 *
 * Replies are matched to commands in order (a FIFO of commands awaiting a reply), so pipelined input (RFC 2920)
 * is followed too. LMTP (RFC 2033), opened with LHLO, is followed as well: its final "." is answered once per
 * accepted recipient (§4.2). So is BDAT (RFC 3030, CHUNKING): the lines after it are message text until they have
 * made up its octets, CRLFs included, and what a line has beyond them is the server's next command.
 *
 * The state it keeps and the Exchange it makes of each reply are in session-state.ts.
 */
import { afterOctets, bdatChunk, isLastChunk, parseCommand, utf8Octets, type Command } from './command.js';
import { endsMessage, initialState, type Exchange, type SentKind, type SessionState } from './session-state.js';
import type { Reply } from './types.js';

interface Awaiting {
  kind: 'command' | 'end-of-data' | 'auth-response';
  command: Command | null;
  /** The line as sent (a line sent after DATA, before its 354, may turn out to be message text). */
  line: string;
  /** When it was written, or null when not told. */
  at: number | null;
  /** LMTP's end of data: the reply for this recipient (RFC 2033 §4.2). */
  lmtp?: { recipient: string; n: number; of: number };
}

/** A line that may be a BDAT command (parseCommand decides). */
const BDAT_LINE = /^\s*bdat\s/i;

/** No lines typed ahead: one shared empty list (the bridge asks for every line it writes). */
const NONE_AHEAD: readonly string[] = [];

export class SessionModel {
  private s: SessionState = initialState();
  private awaiting: Awaiting[] = [];
  /** The replies awaited for the BDAT whose chunk is being typed: timed from the chunk's end once it is complete. */
  private chunkAwaited: Awaiting[] = [];
  private isGreeted = false;
  /** When the connection was made (the greeting's wait starts there), or null when not told. */
  private connectedAt: number | null = null;
  /**
   * Replies of class 4 or 5 on this connection, STARTTLS or not. Kept apart from the state: counting must not cost
   * a new state object per refusal (a burst of refusals is a hot path of the page).
   */
  private errorCount = 0;
  /**
   * AUTH answers still due before the server's reply ends the exchange, and those of them written ahead of their
   * challenge (a pasted AUTH LOGIN with its two answers): each line written while one is due is an AUTH response,
   * whether or not its 334 has come (the server reads it as one), so that it is hidden and redacted like one.
   */
  private authDue = 0;
  private authAhead = 0;
  /** Among the LMTP replies to one ".", one so far said the message was taken (it is counted once). */
  private lmtpTaken = false;

  get state(): SessionState {
    return this.s;
  }

  /** A new connection (also after a previous one closed), made at `at` (for the greeting's wait; optional). */
  connected(tls = false, at: number | null = null): void {
    this.s = { ...initialState(), tls };
    this.awaiting = [];
    this.authDue = this.authAhead = 0;
    this.isGreeted = false;
    this.connectedAt = at;
    this.errorCount = 0;
    this.lmtpTaken = false;
  }

  closed(): void {
    this.s = { ...this.s, phase: 'closed', tlsPending: false, authChallenge: false };
    this.awaiting = [];
    this.authDue = this.authAhead = 0;
    this.lmtpTaken = false;
  }

  /** The TLS handshake after STARTTLS is done: the session starts over, minus the greeting (RFC 3207 §4.2). */
  tlsEstablished(): void {
    this.s = { ...initialState(), phase: 'greeted', tls: true, messagesAccepted: this.s.messagesAccepted };
    this.awaiting = [];
    this.authDue = this.authAhead = 0;
    this.isGreeted = true;
  }

  /** The first reply (the greeting, or a 554/421 refusal) has arrived. */
  get greeted(): boolean {
    return this.isGreeted;
  }

  /**
   * Whether a line must wait before it may be written. Before the greeting a client must not talk (RFC 5321 §3.1;
   * smtp-server answers "421 You talk too soon"). After STARTTLS nothing may follow until its reply: STARTTLS ends
   * a pipelined group (RFC 2920 §3.1), and after a 220 the next bytes must be the TLS handshake (RFC 3207 §4).
   */
  get holdLines(): boolean {
    return !this.isGreeted || this.s.tlsPending || this.startTlsAwaited;
  }

  /** STARTTLS was sent and its reply has not arrived: the text after that reply must not be read as plain text. */
  get startTlsAwaited(): boolean {
    // Asked for every line and every chunk received (the bridge): a loop, not some() with a closure each time.
    const awaiting = this.awaiting;
    for (let i = 0; i < awaiting.length; i++) if (awaiting[i]?.command?.verb === 'STARTTLS') return true;
    return false;
  }

  /**
   * The lines written that await a reply, oldest first: the verb of each command, or "." for the end of a message,
   * or "AUTH-RESPONSE" (for the coach: a line written before these are answered is pipelined, RFC 2920).
   */
  get unanswered(): string[] {
    return this.awaiting.map((a) => (a.kind === 'command' ? (a.command?.verb ?? '') : a.kind === 'end-of-data' ? '.' : 'AUTH-RESPONSE'));
  }

  /** Whether the end of a message (its final "." or a BDAT LAST) awaits its reply. */
  get awaitsMessageEnd(): boolean {
    return this.awaiting.some(endsMessage);
  }

  /**
   * What the next line typed would be, without sending it; `ahead`: after these lines, typed before it and not
   * written yet (the lines of one paste), with no reply between.
   */
  kindOfNextLine(line: string, ahead: readonly string[] = NONE_AHEAD): SentKind {
    let challenge = this.s.authChallenge;
    let due = this.authDue;
    let data = this.s.phase === 'data';
    let chunk = this.s.chunk?.left ?? 0;
    const chunking = this.s.extensions.has('CHUNKING');
    for (const l of ahead) {
      if (chunk > 0) chunk = Math.max(0, chunk - utf8Octets(l) - 2);
      else if (data) data = l !== '.';
      else if (challenge || due > 0) {
        challenge = false;
        if (due > 0) due--;
      } else {
        due = authAnswers(l);
        // Only a BDAT line is parsed: the look-ahead runs over every line of a paste, for each of them.
        chunk = chunking && BDAT_LINE.test(l) ? (this.chunkOf(parseCommand(l))?.size ?? 0) : 0;
      }
    }
    if (chunk > 0) return 'message-text';
    if (challenge || due > 0) return 'auth-response';
    if (data) return line === '.' ? 'end-of-data' : 'message-text';
    return 'command';
  }

  /** Inside a message (DATA's text or a BDAT chunk): a command typed now would be message text. */
  get inMessage(): boolean {
    return this.s.phase === 'data' || this.s.chunk !== null;
  }

  /** BDAT's chunk, when the server advertised CHUNKING and the size is well-formed (RFC 3030 §2). */
  private chunkOf(cmd: Command): { size: number; last: boolean } | null {
    return this.s.extensions.has('CHUNKING') ? bdatChunk(cmd) : null;
  }

  /** A line went to the server (at `at`, for the wait of its reply; optional). */
  sent(line: string, at: number | null = null): SentKind {
    const kind = this.kindOfNextLine(line);
    switch (kind) {
      case 'auth-response':
        // Written before its challenge came, it answers the next 334 (authReply).
        if (!this.s.authChallenge) this.authAhead++;
        if (this.authDue > 0) this.authDue--;
        this.s = { ...this.s, authChallenge: false };
        this.awaiting.push({ kind, command: null, line, at });
        break;
      case 'message-text':
        if (this.s.chunk !== null) this.chunkLine(line, at);
        else this.s = { ...this.s, dataLines: this.s.dataLines + 1 };
        break;
      case 'end-of-data':
        this.endOfDataSent(line, at);
        break;
      case 'command': {
        const command = parseCommand(line);
        if (command.verb === 'AUTH') this.authDue = authAnswers(line);
        const chunk = this.chunkOf(command);
        const queued = this.awaiting.length;
        // The last chunk is answered once per accepted recipient in LMTP, as the final "." is.
        this.awaitAnswers({ kind, command, line, at }, chunk?.last === true);
        if (chunk !== null && chunk.size > 0) {
          this.s = { ...this.s, chunk: { ...chunk, left: chunk.size } };
          this.chunkAwaited = this.awaiting.slice(queued);
        }
        break;
      }
    }
    return kind;
  }

  /**
   * A complete reply arrived: its last line at `at`, its first at `firstAt`, on the clock of sent() and connected()
   * (both optional).
   */
  received(reply: Reply, at: number | null = null, firstAt: number | null = at): Exchange {
    const before = this.s;
    let kind: Exchange['kind'];
    let command: Command | null = null;
    let from: number | null = null;
    let lmtp: Exchange['lmtp'];
    if (!this.isGreeted) {
      this.isGreeted = true;
      kind = 'greeting';
      from = this.connectedAt;
      if (reply.code === 220) this.s = { ...this.s, phase: 'greeted' };
      // A 554 greeting means no service (RFC 5321 §3.1); a 421 closes (below).
    } else {
      const next = this.awaiting.shift();
      kind = next?.kind ?? 'unsolicited';
      command = next?.command ?? null;
      from = next?.at ?? null;
      lmtp = next?.lmtp;
      if (next !== undefined) this.apply(next, reply);
    }
    const errorsBefore = this.errorCount;
    if (reply.cls >= 4) this.errorCount++;
    // 421 may come at any time: the server is closing the channel (RFC 5321 §3.8); so is a 221 (§4.2.2), to QUIT or
    // to a line the server hangs up on (Postfix's "I can break rules, too").
    if (reply.code === 421 || (reply.code === 221 && kind !== 'greeting')) this.s = { ...this.s, phase: 'closed' };
    const waitedMs = at !== null && from !== null ? Math.max(0, at - from) : null;
    const spreadMs = at !== null && firstAt !== null ? Math.max(0, at - firstAt) : null;
    const ex: Exchange = { kind, command, reply, before, after: this.s, waitedMs, spreadMs, errorsBefore };
    if (lmtp !== undefined) ex.lmtp = lmtp;
    return ex;
  }

  /**
   * A line of a BDAT chunk: its octets and its CRLF count against the chunk. A line longer than what was left ends
   * the chunk within it, and the server reads the rest of it (or, if only the CRLF was left over, an empty line)
   * as its next command, which it answers too.
   */
  private chunkLine(line: string, at: number | null): void {
    const chunk = this.s.chunk;
    if (chunk === null) return;
    const left = chunk.left - utf8Octets(line) - 2;
    // The message's lines so far count across its chunks, as DATA's do: the first line of the first chunk begins it.
    this.s = { ...this.s, chunk: left > 0 ? { ...chunk, left } : null, dataLines: this.s.dataLines + 1 };
    if (left > 0) return;
    // The server answers BDAT once it has the whole chunk (RFC 3030 §2): the wait counts from the chunk's last line,
    // not from the command typed before it.
    if (at !== null) for (const a of this.chunkAwaited) a.at = at;
    this.chunkAwaited = [];
    if (left === 0) return;
    const rest = afterOctets(line, chunk.left);
    this.awaiting.push({ kind: 'command', command: parseCommand(rest), line: rest, at });
  }

  /**
   * The lone "." ends the transaction, whatever its reply will say (RFC 5321 §4.1.1.4). What awaits a reply: the
   * ".", or in LMTP one reply for each recipient accepted, in their order (RFC 2033 §4.2).
   */
  private endOfDataSent(line: string, at: number | null): void {
    this.awaitAnswers({ kind: 'end-of-data', command: null, line, at }, true);
    this.s = { ...this.s, phase: 'ready', sender: null, recipients: [], dataLines: 0 };
  }

  /**
   * Queues the replies a line awaits: one (the bridge's path for every command: no array made), or for the end of a
   * message in LMTP one per accepted recipient, in their order (RFC 2033 §4.2).
   */
  private awaitAnswers(a: Awaiting, endsMessage: boolean): void {
    const recipients = endsMessage && this.s.hello === 'LHLO' ? this.s.recipients : [];
    if (recipients.length === 0) this.awaiting.push(a);
    else recipients.forEach((recipient, i) => this.awaiting.push({ ...a, lmtp: { recipient, n: i + 1, of: recipients.length } }));
  }

  /** A reply to the end of a message (the "." or BDAT LAST): accepted, it counts, in LMTP once for all recipients. */
  private messageAnswered(a: Awaiting, ok: boolean): void {
    if (ok && (a.lmtp === undefined || !this.lmtpTaken)) this.s = { ...this.s, messagesAccepted: this.s.messagesAccepted + 1 };
    if (a.lmtp !== undefined) this.lmtpTaken = a.lmtp.n < a.lmtp.of && (this.lmtpTaken || ok);
  }

  /**
   * DATA got 354. Lines sent after DATA but before this reply were message text, not commands: take them back
   * from the queue, up to and including a lone "." if one was sent; what follows that "." is commands again.
   */
  private enterData(): void {
    this.s = { ...this.s, phase: 'data', dataLines: 0 };
    const after = this.awaiting.splice(0);
    const dot = after.findIndex((a) => a.line === '.');
    const text = dot === -1 ? after : after.slice(0, dot);
    this.s = { ...this.s, dataLines: text.length };
    if (dot === -1) return;
    this.endOfDataSent('.', after[dot]?.at ?? null);
    this.awaiting.push(...after.slice(dot + 1));
  }

  private apply(a: Awaiting, reply: Reply): void {
    const ok = reply.cls === 2;
    const s = this.s;
    if (a.kind === 'end-of-data') {
      // In LMTP a message is taken once, whichever of its recipients' replies first says so.
      this.messageAnswered(a, ok);
      return;
    }
    if (a.kind === 'auth-response') {
      this.authReply(reply);
      return;
    }
    const cmd = a.command;
    if (cmd === null) return;
    switch (cmd.verb) {
      case 'EHLO':
      case 'HELO':
      case 'LHLO':
        // EHLO/HELO also resets any transaction (RFC 5321 §4.1.4); LHLO is LMTP's EHLO (RFC 2033 §4.1).
        if (ok) {
          const extensions = cmd.verb === 'HELO' ? new Map<string, string>() : ehloExtensions(reply);
          this.s = { ...s, phase: 'ready', hello: cmd.verb, extensions, sender: null, recipients: [] };
        }
        return;
      case 'MAIL':
        if (ok) this.s = { ...s, phase: 'mail', sender: cmd.path ?? cmd.arg, mailParams: cmd.params.map(([k, v]) => (v === '' ? k : `${k}=${v.toUpperCase()}`)), recipients: [], dataLines: 0 };
        return;
      case 'RCPT':
        if (ok) this.s = { ...s, recipients: [...s.recipients, cmd.path ?? cmd.arg] };
        return;
      case 'DATA':
        if (reply.code === 354) this.enterData();
        return;
      case 'BDAT':
        // The last chunk accepted is the message accepted (in LMTP, counted once, as for "."). After a refusal the
        // transaction has failed and the sender must not send more chunks (RFC 3030 §2): RSET, then start again.
        if (isLastChunk(cmd)) {
          const over = a.lmtp === undefined ? ok : a.lmtp.n === a.lmtp.of;
          if (over) this.s = { ...this.s, phase: 'ready', sender: null, recipients: [] };
          this.messageAnswered(a, ok);
        }
        return;
      case 'RSET':
        if (ok && s.phase !== 'greeted' && s.phase !== 'connected') this.s = { ...s, phase: 'ready', sender: null, recipients: [] };
        return;
      case 'STARTTLS':
        // A 220 inside TLS already is the server's mistake: there is no second handshake.
        if (reply.code === 220 && !s.tls) this.s = { ...s, tlsPending: true };
        return;
      case 'AUTH':
        this.authReply(reply);
        return;
      case 'QUIT':
        if (reply.code === 221) this.s = { ...s, phase: 'closed' };
        return;
      default:
        return;
    }
  }

  private authReply(reply: Reply): void {
    if (reply.code === 334) {
      // A challenge whose answer was written ahead of it is answered already.
      if (this.authAhead > 0) this.authAhead--;
      else this.s = { ...this.s, authChallenge: true };
      return;
    }
    this.authDue = this.authAhead = 0;
    this.s = { ...this.s, authChallenge: false, authenticated: this.s.authenticated || reply.code === 235 };
  }
}

/**
 * The answers an AUTH command will be asked for (RFC 4954 §4): LOGIN asks for the user name, then the password,
 * less one given on the command line; PLAIN and other mechanisms ask for one answer, none with an initial response.
 * 0 for a line that is no AUTH command.
 */
function authAnswers(line: string): number {
  const m = /^\s*AUTH\s+(\S+)(\s+\S)?/i.exec(line);
  if (m === null) return 0;
  const ir = m[2] !== undefined ? 1 : 0;
  return (m[1]?.toUpperCase() === 'LOGIN' ? 2 : 1) - ir;
}

/** The keywords of an EHLO reply: every line after the first is "KEYWORD [params]" (RFC 5321 §4.1.1.1). */
export function ehloExtensions(reply: Reply): Map<string, string> {
  return keywordsOf(reply.lines.slice(1).map((l) => l.text));
}

/** The keywords of an EHLO reply's lines after the first, as text ("SIZE 10240000"; old servers' "AUTH=LOGIN"). */
export function keywordsOf(lines: readonly string[]): Map<string, string> {
  const ext = new Map<string, string>();
  for (const line of lines) {
    const t = line.trim();
    if (t === '') continue;
    const sp = t.search(/[\s=]/);
    const kw = (sp === -1 ? t : t.slice(0, sp)).toUpperCase();
    if (!ext.has(kw)) ext.set(kw, sp === -1 ? '' : t.slice(sp + 1).trim());
  }
  return ext;
}
