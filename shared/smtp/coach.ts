/**
 * The coach: a hint line when there is something to learn — why a 503 happened and what to type instead, that a
 * lone "." ends the message, that EHLO is needed again after STARTTLS, that the server did not advertise an
 * extension just used, that HELO gives no extensions, that 4xx means "try again later" while 5xx is final, what
 * an AUTH challenge says in plain text, that a line went ahead of a reply where pipelining does not allow it
 * (RFC 2920), that a message lacks the From: and Date: it must have (RFC 5322), that text beyond ASCII needs
 * SMTPUTF8 or 8BITMIME, that VRFY and EXPN answering lets anyone harvest addresses, that a greeting of asterisks
 * is a firewall's doing, which command a refused one was meant to be ("RCTP": RCPT), that lines typed as a message
 * after a refused DATA (or with none) reach the server as commands and a QUIT typed inside a message is its text,
 * what is wrong with an answer to AUTH (never quoting it), that the space after "FROM:" is not SMTP's, and that a
 * body begun with no empty line after the header fields stays in the header section.
 *
 * Pure: it reads the session model's exchanges and states. Hints that teach a general lesson are given once per
 * coach (one per browser session), so an expert is not nagged.
 */
import { afterOctets, parseCommand, utf8Octets, type Command } from './command.js';
import {
  authAnswerHint,
  bodyWithoutEmptyLineHint,
  challengeHint,
  commandInMessageHint,
  dataRefusedHint,
  hangupHint,
  HEADER_NAME,
  hint,
  pathSpaceHint,
  pipelineHint,
  sequenceHint,
  slipHint,
  textAsCommandHint,
  type Hint,
} from './coach-hints.js';
import { showControls } from './escape.js';
import { paramInfo } from './params.js';
import { endsMessage, type Exchange, type SentKind, type SessionState } from './session-state.js';
import { VERB_INFO } from './verbs.js';

export type { Hint } from './coach-hints.js';

/** A header field's name and colon at the start of a line (RFC 5322 §2.2: printable characters but ":"). */
const HEADER_FIELD = /^([\x21-\x39\x3b-\x7e]+):/;

/** Postfix's words as it hangs up on a "non-SMTP command" (a header field, or a line smtpd_forbid_cmds lists). */
const BREAK_RULES = /\bI can break rules, too\b/i;

/** A greeting masked by a firewall's SMTP inspection: asterisks, perhaps with the digits it keeps. */
const MASKED_BANNER = /^[\s*0-9]*\*{5}[\s*0-9]*$/;

/** The tools a shell user reaches a mail server with, typed by habit once heloterm is connected. */
const SHELL_TOOLS: ReadonlySet<string> = new Set(['TELNET', 'OPEN', 'NC', 'NCAT', 'NETCAT', 'OPENSSL']);

/** Any character beyond ASCII. */
const NON_ASCII = /[^\x00-\x7f]/;

/** The header fields every message must have (RFC 5322 §3.6: the origination date and the originator). */
const REQUIRED_HEADERS = ['From', 'Date'] as const;

export class Coach {
  private readonly shown = new Set<string>();
  /** A line was sent ahead of a reply and the coach said so: not again until the server has caught up. */
  private pipelineSaid = false;
  /** Header fields of the message being typed (lower case), while its header section lasts. */
  private headers = new Set<string>();
  private inHeaders = false;
  /** The coach saw the message's first line as message text (not taken back from lines pipelined after DATA). */
  private sawMessageStart = false;
  /**
   * The code DATA was refused with, while no transaction has started since: the lines typed for the message reach the
   * server as commands. Null otherwise.
   */
  private dataRefused: number | null = null;
  /** The coach has said so for this refusal: the lines after it are refused for the same reason. */
  private dataRefusedSaid = false;
  /** The mechanism of the AUTH exchange under way (upper case), and whether its last answer was "*" (cancel). */
  private authMechanism = '';
  private authCancelled = false;

  /**
   * Hints about a line the user is about to send (or just sent), given the state before it and the lines written
   * before it that await a reply (SessionModel.unanswered).
   */
  beforeSend(line: string, kind: SentKind, state: SessionState, unanswered: readonly string[] = []): Hint[] {
    const hints: Hint[] = [];
    // A BDAT chunk follows its command at once, unanswered: no pipelining to point out, no dot-stuffing. Its lines are
    // the message's, header fields first, as DATA's are; the last chunk's end is the message's.
    if (kind === 'message-text' && state.chunk !== null) {
      this.followHeaders(line, state.dataLines);
      const counted = this.chunkHints(line, state.chunk, state.mailParams);
      const h = state.chunk.last && utf8Octets(line) + 2 >= state.chunk.left ? this.headersHint() : null;
      return h === null ? counted : [...counted, h];
    }
    if (unanswered.length === 0) this.pipelineSaid = false;
    else if (!this.pipelineSaid) {
      const h = pipelineHint(unanswered[unanswered.length - 1] ?? '', state);
      if (h !== null) {
        hints.push(h);
        this.pipelineSaid = true;
      }
    }
    if (kind === 'message-text' && this.followHeaders(line, state.dataLines)) this.onceOf(hints, bodyWithoutEmptyLineHint());
    if (kind === 'end-of-data') {
      const h = this.headersHint();
      if (h !== null) hints.push(h);
    }
    if (kind === 'message-text') {
      if (NON_ASCII.test(line) && !state.mailParams.some((p) => p === 'BODY=8BITMIME' || p === 'SMTPUTF8')) {
        this.once(
          hints,
          'eight-bit',
          'This line is not ASCII: heloterm sends it as UTF-8, 8-bit text, which SMTP allows only after MAIL FROM:<…> BODY=8BITMIME (in header fields, SMTPUTF8). Many servers take it anyway; some refuse it or mangle it.',
          'RFC 6152 §3; RFC 6532 §3',
        );
      }
      this.onceOf(hints, commandInMessageHint(line));
      if (line.startsWith('.')) {
        hints.push(hint('dot-stuffing', 'This line starts with ".": the server removes that first dot (dot-stuffing). To send a line that starts with ".", type "..".', 'RFC 5321 §4.5.2'));
      } else if (state.dataLines === 0 && line !== '' && !HEADER_FIELD.test(line)) {
        this.once(hints, 'data-headers', 'Message text starts with header lines ("Subject: …"); an empty line then separates them from the body.', 'RFC 5322 §2.1');
      }
      return hints;
    }
    if (kind === 'auth-response') {
      this.authCancelled = line.trim() === '*';
      const h = authAnswerHint(line, this.authMechanism);
      if (h !== null) hints.push(h);
      return hints;
    }
    if (kind !== 'command') return hints;
    const cmd = parseCommand(line);
    if (cmd.verb === 'AUTH') {
      const [mechanism = '', initial] = cmd.arg.trim().split(/\s+/);
      this.authMechanism = mechanism.toUpperCase();
      const h = initial === undefined ? null : authAnswerHint(initial, this.authMechanism);
      if (h !== null) hints.push(h);
    }
    if (state.tls && state.hello === null && state.phase === 'greeted' && !['EHLO', 'HELO', 'LHLO', 'QUIT', 'STARTTLS'].includes(cmd.verb)) {
      hints.push(hint('ehlo-after-starttls', 'TLS is active, so the server has forgotten your EHLO: send EHLO again first.', 'RFC 3207 §4.2'));
    }
    if (cmd.verb === 'EHLO' || cmd.verb === 'HELO') {
      const name = cmd.arg.trim().split(/\s+/, 1)[0] ?? '';
      if (name === '') {
        hints.push(hint('helo-name', `${cmd.verb} needs your host's name after it: ${cmd.verb} mail.example.org, or an address literal ([192.0.2.1]).`, 'RFC 5321 §4.1.1.1'));
      } else if (!name.includes('.') && !name.startsWith('[')) {
        this.once(
          hints,
          'helo-fqdn',
          `"${showControls(name.slice(0, 40))}" is not a full host name. Any string will do here, but many servers refuse it, often only later at RCPT (Postfix: "504 5.5.2 … need fully-qualified hostname"): give your host's full name (mail.example.org) or an address literal ([192.0.2.1]).`,
          'RFC 5321 §4.1.1.1, §2.3.5',
        );
      }
    }
    // A STARTTLS typed by habit on a connection encrypted from the start (port 465) or after STARTTLS: not offered
    // because it is done, not because the server lacks it.
    const tlsAgain = cmd.verb === 'STARTTLS' && state.tls;
    if (tlsAgain) {
      hints.push(
        hint('starttls-in-tls', 'This connection is encrypted already (TLS from its first byte, as on port 465, or a STARTTLS done): STARTTLS is for a plain connection, and the server answers 503.', 'RFC 3207 §4; RFC 8314 §3'),
      );
    }
    const missing = tlsAgain ? null : this.unadvertised(cmd, state);
    if (missing !== null) {
      hints.push(hint(`not-advertised-${missing}`, `The server did not advertise ${missing} in its ${state.hello} reply, so it may refuse this.`, 'RFC 5321 §2.2.2'));
    }
    if ((cmd.verb === 'MAIL' || cmd.verb === 'RCPT') && cmd.path !== null && NON_ASCII.test(cmd.path)) {
      const given = cmd.verb === 'MAIL' ? cmd.params.some(([k]) => k === 'SMTPUTF8') : state.mailParams.includes('SMTPUTF8');
      if (!given) {
        hints.push(
          hint(
            'smtputf8',
            'This address is not ASCII: that takes SMTPUTF8, listed by the server in its EHLO reply and asked for on MAIL FROM (MAIL FROM:<…> SMTPUTF8), for the whole transaction; without it, servers refuse the address.',
            'RFC 6531 §3.4',
          ),
        );
      }
    }
    if ((cmd.verb === 'MAIL' || cmd.verb === 'RCPT') && cmd.path === null) {
      const word = cmd.verb === 'MAIL' ? 'FROM' : 'TO';
      hints.push(hint('path-brackets', `Put the address in angle brackets: ${cmd.verb} ${word}:<user@example.org>.`, 'RFC 5321 §4.1.2'));
    } else if ((cmd.verb === 'MAIL' || cmd.verb === 'RCPT') && /^(?:FROM|TO):\s+</i.test(cmd.arg)) {
      // The seed's recipe says "a space exists between from: and the email address": SMTP's grammar has none.
      this.onceOf(hints, pathSpaceHint(cmd.verb));
    }
    return hints;
  }

  /** Hints about a reply, given what it answered. */
  afterReply(ex: Exchange): Hint[] {
    const hints: Hint[] = [];
    const code = ex.reply.code;
    const verb = ex.command?.verb ?? '';
    if (ex.kind === 'command') this.followDataRefusal(verb, code, ex.reply.cls);
    else if (ex.kind === 'greeting') this.dataRefused = null; // a new connection: the coach outlives each
    if (code === 503 || (verb === 'DATA' && ex.reply.cls === 5 && ex.before.recipients.length === 0)) {
      const h = sequenceHint(ex.command, ex.before);
      if (h !== null) hints.push(h);
    }
    if (ex.kind === 'command' && verb === 'DATA' && code === 354) {
      this.sawMessageStart = false;
      hints.push(hint('end-with-dot', 'Type the message now: header lines (Subject: …; Tab offers the fields it lacks, filled in), an empty line, the body; then a line with only "." to end it.', 'RFC 5321 §4.1.1.4'));
    }
    if (endsMessage(ex) && ex.reply.cls === 2) {
      this.once(hints, 'queued', 'The server has taken the message. Send QUIT to finish, or MAIL FROM to send another.', 'RFC 5321 §4.2.5');
    }
    if (verb === 'STARTTLS' && code === 220) {
      hints.push(hint('starttls-ehlo', 'TLS starts now. Then send EHLO again: what the server said before TLS no longer counts.', 'RFC 3207 §4.2'));
    }
    if (code === 334 && (verb === 'AUTH' || ex.kind === 'auth-response')) {
      // The mechanism from the command answered, when it is the AUTH itself (a replayed dialog has no line hook).
      const mechanism = verb === 'AUTH' ? (ex.command?.arg.trim().split(/\s+/, 1)[0] ?? '') : this.authMechanism;
      hints.push(challengeHint(ex.reply.lines[0]?.text ?? '', mechanism));
    }
    if (ex.kind === 'auth-response' && this.authCancelled) {
      this.authCancelled = false;
      if (code === 501) hints.push(hint('auth-cancelled', 'The 501 confirms the "*" that cancels an AUTH exchange: nothing went wrong, and AUTH may be tried again.', 'RFC 4954 §4'));
    }
    if (ex.kind === 'greeting' && MASKED_BANNER.test(ex.reply.lines[0]?.text ?? '')) {
      hints.push(
        hint(
          'masked-banner',
          'A greeting of asterisks: a firewall between you and the server inspects SMTP and masks the banner (Cisco ASA\'s "inspect esmtp" does by default). It also hides STARTTLS and other extensions: turn that inspection off for mail, or allow TLS in it.',
          'Cisco ASA configuration guide, ESMTP inspection defaults',
        ),
      );
    }
    if ((verb === 'VRFY' || verb === 'EXPN') && (code === 250 || code === 251)) {
      this.once(
        hints,
        'vrfy-open',
        `${verb} answered: anyone can ask this server which addresses exist${verb === 'EXPN' ? ' and who is on a list' : ''}, which spammers use to harvest them. Servers that do not want this answer 252 without checking, or 502 (Postfix: disable_vrfy_command = yes; Exim refuses VRFY unless acl_smtp_vrfy allows it).`,
        'RFC 5321 §7.3',
      );
    }
    if (verb === 'HELO' && ex.reply.cls === 2) {
      this.once(hints, 'helo-no-extensions', 'HELO gives no list of extensions. Use EHLO to see what the server supports (SIZE, STARTTLS, AUTH …).', 'RFC 5321 §4.1.1.1');
    }
    if ((verb === 'EHLO' || verb === 'HELO') && (code === 500 || code === 502)) {
      this.once(
        hints,
        'lmtp-lhlo',
        `The server does not know ${verb}: if it is an LMTP server (port 24, or a delivery service such as Dovecot's or Cyrus's), say LHLO instead; LMTP refuses EHLO and HELO.`,
        'RFC 2033 §4.1',
      );
    }
    if (ex.lmtp?.n === 1 && ex.lmtp.of > 1) {
      hints.push(hint('lmtp-replies', `LMTP: ${ex.lmtp.of - 1} more ${ex.lmtp.of === 2 ? 'reply follows' : 'replies follow'}, one for each recipient, in the order of your RCPT TO lines.`, 'RFC 2033 §4.2'));
    }
    if (code === 500 && ex.kind === 'command' && SHELL_TOOLS.has(verb)) {
      hints.push(
        hint(
          'shell-command',
          `"${verb.toLowerCase()}" is a shell command: you are connected already, and the server read it as SMTP. To connect elsewhere, press Disconnect (or send QUIT), then type it again.`,
          'RFC 5321 §4.2.4',
        ),
      );
    } else if ((code === 500 || code === 502) && ex.kind === 'command' && !VERB_INFO.has(verb)) {
      // A command not known: 500 (RFC 5321 §4.2.4), or 502 from older Postfix releases (3.1's smtpd.c).
      const h = this.unknownCommandHint(verb);
      if (h !== null) hints.push(h);
    } else if (code === 221 && ex.kind === 'command' && verb !== 'QUIT' && BREAK_RULES.test(ex.reply.lines[0]?.text ?? '')) {
      hints.push(hangupHint(HEADER_NAME.test(verb), this.dataRefused));
    }
    if (code === 421) {
      // A server that counted too many of something (errors, connections) says what in its words: no guessing here.
      const counted = /\btoo many\b/i.test(ex.reply.lines.map((l) => l.text).join(' '));
      const why = counted ? 'it counted too many of something on this connection or from your address, as its words say' : 'busy, shutting down, or you were too slow';
      hints.push(hint('421', `The server is closing the connection (${why}). Connect again later.`, 'RFC 5321 §3.8'));
    } else if (ex.reply.cls === 4) {
      this.once(hints, 'class-4', '4xx is a temporary failure: the same command may work later. A real mail server would queue the message and retry.', 'RFC 5321 §4.2.1');
    } else if (ex.reply.cls === 5) {
      this.once(hints, 'class-5', '5xx is a permanent failure: repeating the same command will fail again. Change something first.', 'RFC 5321 §4.2.1');
    }
    return hints;
  }

  /**
   * The header fields typed so far in the message being typed (lower case), given the session's state; null once its
   * header section has ended (Tab offers the fields it lacks: complete.ts).
   */
  headerFields(state: SessionState): ReadonlySet<string> | null {
    if (state.phase !== 'data' && state.chunk === null) return null;
    if (state.dataLines === 0) return new Set();
    return this.inHeaders ? this.headers : null;
  }

  /**
   * Follows the header section of the message being typed: field names until the first empty line. True when `line`
   * ends it without that empty line: a line of text after header fields (the body begun with no empty line before it).
   */
  private followHeaders(line: string, dataLines: number): boolean {
    if (dataLines === 0) {
      this.headers = new Set();
      this.inHeaders = true;
      this.sawMessageStart = true;
    }
    if (!this.inHeaders) return false;
    const field = HEADER_FIELD.exec(line);
    if (field !== null) this.headers.add((field[1] ?? '').toLowerCase());
    else if (!/^[ \t]/.test(line)) {
      this.inHeaders = false; // the empty line (or a body without one) ends them
      return line !== '' && dataLines > 0 && !line.startsWith('.');
    }
    return false;
  }

  /**
   * At the final "." (or the end of the last BDAT chunk): the required header fields the message lacks (once per
   * coach: it is a general lesson).
   */
  private headersHint(): Hint | null {
    const seen = this.sawMessageStart;
    this.sawMessageStart = false;
    this.inHeaders = false;
    if (!seen || this.shown.has('headers-required')) return null;
    const missing = REQUIRED_HEADERS.filter((h) => !this.headers.has(h.toLowerCase()));
    if (missing.length === 0) return null;
    this.shown.add('headers-required');
    const names = missing.map((h) => `${h}:`).join(' and no ');
    const examples = missing.map((h) => (h === 'From' ? '"From: You <you@example.org>"' : '"Date: Fri, 21 Nov 1997 09:55:06 -0600"')).join(' and ');
    return hint(
      'headers-required',
      `This message has no ${names} header; every message needs ${missing.length === 1 ? 'one' : 'both'}, e.g. ${examples}. Some servers take it anyway (the practice server does); ${
        missing.includes('From') ? 'Gmail refuses it ("550-5.7.1 … not RFC 5322 compliant")' : 'elsewhere it may be refused or scored as spam'
      }. Tab on an empty line of the header section offers both, filled in.`,
      'RFC 5322 §3.6',
    );
  }

  /** Follows whether DATA was refused and no transaction has started since (RSET, MAIL, a new hello end it). */
  private followDataRefusal(verb: string, code: number, cls: number): void {
    if (verb === 'DATA') {
      this.dataRefused = code === 354 ? null : code;
      this.dataRefusedSaid = false;
    } else if (cls === 2 && (verb === 'MAIL' || verb === 'RSET' || verb === 'EHLO' || verb === 'HELO' || verb === 'LHLO')) this.dataRefused = null;
  }

  /**
   * A line the server did not know as a command (500; its verb, upper case): a command mistyped, or a line meant as
   * message text with no message open (after a refused DATA, or none); null when that was said already.
   */
  private unknownCommandHint(verb: string): Hint | null {
    // A slip first: a command mistyped after a refused DATA is a command, not the message's text.
    const slip = slipHint(verb);
    if (slip !== null) return slip;
    if (this.dataRefused !== null) {
      if (this.dataRefusedSaid) return null;
      this.dataRefusedSaid = true;
      return dataRefusedHint(this.dataRefused);
    }
    const h = textAsCommandHint(verb);
    // Each general lesson once; the lone "." each time (rare), a line like no command the generic word.
    if (h !== null && h.id !== 'dot-outside-data' && this.shown.has(h.id)) return null;
    if (h !== null) this.shown.add(h.id);
    return h ?? hint('unknown-verb', `The server does not know "${verb}". Press Tab for the commands that fit now, or type /help.`, 'RFC 5321 §4.2.4');
  }

  /** `h`, if it was not given before (a general lesson, once per coach). */
  private onceOf(hints: Hint[], h: Hint | null): void {
    if (h === null || this.shown.has(h.id)) return;
    this.shown.add(h.id);
    hints.push(h);
  }

  private once(hints: Hint[], id: string, text: string, source: string): void {
    if (this.shown.has(id)) return;
    this.shown.add(id);
    hints.push(hint(id, text, source));
  }

  /** A line of a BDAT chunk: how many of its octets are sent, and whether this line ends it exactly, or overshoots. */
  private chunkHints(line: string, chunk: NonNullable<SessionState['chunk']>, mailParams: readonly string[]): Hint[] {
    const src = 'RFC 3030 §2';
    const hints: Hint[] = [];
    const octets = utf8Octets(line) + 2;
    const sent = chunk.size - chunk.left + octets;
    if (octets < chunk.left) {
      const how = this.shown.has('chunk-count') ? '' : ' (a line counts its text in UTF-8 and 2 octets for its CRLF)';
      this.shown.add('chunk-count');
      hints.push(hint('chunk-count', `BDAT chunk: ${sent} of ${chunk.size} octets sent, ${chunk.left - octets} to go${how}.`, src));
    } else if (octets === chunk.left) {
      hints.push(hint('chunk-done', `That completes the chunk of ${chunk.size} octets: the server answers BDAT now${chunk.last ? ', for the whole message' : ''}.`, src));
    } else {
      const rest = afterOctets(line, chunk.left);
      hints.push(
        hint(
          'chunk-over',
          `This line goes ${octets - chunk.left} octet${octets - chunk.left === 1 ? '' : 's'} past the chunk of ${chunk.size}: the chunk ends inside it, and the server reads the rest (${rest === '' ? 'an empty line' : `"${showControls(rest.slice(0, 40))}"`}) as a command, and answers that too. A chunk must be counted exactly, each line's CRLF included.`,
          src,
        ),
      );
    }
    if (NON_ASCII.test(line) && !mailParams.some((p) => p === 'BODY=8BITMIME' || p === 'BODY=BINARYMIME' || p === 'SMTPUTF8')) {
      this.once(hints, 'eight-bit', 'This line is not ASCII: heloterm sends it as UTF-8, 8-bit text, which SMTP allows only after MAIL FROM:<…> BODY=8BITMIME (or BINARYMIME with BDAT).', 'RFC 6152 §3; RFC 3030 §3');
    }
    return hints;
  }

  /** The EHLO keyword this command needs that the server did not advertise, or null. */
  private unadvertised(cmd: Command, state: SessionState): string | null {
    if (state.hello === null) return null;
    const has = (kw: string) => state.extensions.has(kw);
    const needed = VERB_INFO.get(cmd.verb)?.extension;
    if (needed !== undefined && !has(needed)) return needed;
    if (cmd.verb === 'MAIL' || cmd.verb === 'RCPT') {
      for (const [name, value] of cmd.params) {
        const kw = paramInfo(cmd.verb, name)?.extension(value);
        if (kw !== undefined && !has(kw)) return kw;
      }
    }
    return null;
  }
}
