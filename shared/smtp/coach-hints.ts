/**
 * The coach's hints that come from one line or one exchange alone, without the coach's memory of the session: why a
 * command came out of order (a 503), what an AUTH challenge says and what is wrong with an answer to it, what a line
 * sent ahead of a reply risks (RFC 2920), a command typed inside a message, the space after "FROM:", Postfix hanging
 * up on a header field. Pure; coach.ts decides when to give them.
 */
import { base64Bytes, fromBase64 } from './base64.js';
import type { Command } from './command.js';
import { challengeStep } from './context.js';
import { showControls } from './escape.js';
import type { SessionState } from './session-state.js';
import { nearVerbs } from './verbs.js';

export interface Hint {
  /** Stable id: tests and "show once" use it. */
  id: string;
  text: string;
  source: string;
}

/**
 * Commands that must end a pipelined group: nothing may follow before their reply (RFC 2920 §3.1). STARTTLS too,
 * but the bridge holds every line after it until its reply.
 */
const ENDS_GROUP: ReadonlySet<string> = new Set(['EHLO', 'DATA', 'VRFY', 'EXPN', 'TURN', 'QUIT', 'NOOP']);

export function hint(id: string, text: string, source: string): Hint {
  return { id, text, source };
}


/**
 * A line written before the server answered the last one (`last`: its verb, "." or AUTH-RESPONSE): pipelining,
 * allowed only once the server advertised PIPELINING, and never past a command that must end a group.
 */
export function pipelineHint(last: string, s: SessionState): Hint | null {
  const src = 'RFC 2920 §3.1';
  if (last === 'DATA') {
    return hint('pipeline-data', 'Sent before the server answered DATA: wait for its 354. If DATA is refused, the server reads the message\'s lines as commands.', src);
  }
  if (s.hello === 'HELO' || s.hello === null || !s.extensions.has('PIPELINING')) {
    return hint(
      'pipeline-unadvertised',
      `Sent before the server answered your last line${s.hello === 'EHLO' || s.hello === 'LHLO' ? ', and it did not advertise PIPELINING' : ' (PIPELINING is only known after EHLO)'}: many servers take that for a spambot (Exim: "554 SMTP synchronization error"; Postfix hangs up). Wait for each reply.`,
      src,
    );
  }
  if (ENDS_GROUP.has(last)) {
    return hint('pipeline-group', `Sent before the server answered ${last}, which must end a pipelined group: wait for its reply (Postfix logs "improper command pipelining" and may hang up).`, src);
  }
  return null;
}

/** Longest decoded challenge quoted in a hint, in characters. */
const MAX_CHALLENGE_CHARS = 80;

/**
 * What an AUTH challenge (334) says and how to answer it: the server's text is base64 (RFC 4954 §4), and a person
 * typing by hand needs it decoded ("VXNlcm5hbWU6" is "Username:") and an answer encoded (/base64 does both).
 */
export function challengeHint(text: string, mechanism = ''): Hint {
  const src = 'RFC 4954 §4';
  const t = text.trim();
  if (t === '') {
    return hint('auth-empty-challenge', 'The server waits for your credentials: one line of base64. For PLAIN, /base64 \\0user\\0password gives it; * cancels.', src);
  }
  const decoded = fromBase64(t);
  if (decoded === null) return hint('auth-challenge', `The server waits for an answer in base64; its challenge "${showControls(t.slice(0, MAX_CHALLENGE_CHARS))}" is not base64 itself. * cancels.`, src);
  const oauth = oauthError(decoded);
  if (oauth !== null) {
    const m = mechanism.toUpperCase();
    const answer = m === 'OAUTHBEARER' ? 'AQ== (base64 of ^A)' : m === 'XOAUTH2' ? 'an empty line' : 'an empty line (XOAUTH2) or AQ== (OAUTHBEARER: base64 of ^A)';
    const scope = oauth.scope === '' ? '' : ` with the scope ${showControls(oauth.scope)}`;
    return hint(
      'auth-oauth-error',
      `The server refused the OAuth token: this challenge is its error (status ${showControls(oauth.status)}), not a question. Answer ${answer} to end the exchange; the final reply is a 535. Get a new access token${scope} (they expire within an hour) and try again.`,
      'RFC 7628 §3.2.2, §3.2.3',
    );
  }
  const shown = showControls(decoded.length > MAX_CHALLENGE_CHARS ? `${decoded.slice(0, MAX_CHALLENGE_CHARS)}…` : decoded);
  if (mechanism.toUpperCase() === 'CRAM-MD5') {
    return hint(
      'auth-cram-md5',
      `The challenge is base64 for "${shown}": CRAM-MD5 answers with your user name, a space and the HMAC-MD5 of the challenge keyed with your password, in base64. /cram-md5 USER PASSWORD computes it here and puts it on the line (the password stays in this page); * cancels.`,
      'RFC 2195 §2',
    );
  }
  if (/^SCRAM-SHA-(1|256)$/.test(mechanism.toUpperCase())) {
    const read = challengeStep(decoded);
    const step =
      read === 'scram-final'
        ? "SCRAM's last message, the server's signature (v=), which proves it knows your password too. /scram checks it here; then an empty line ends the exchange"
        : read === 'scram-error'
          ? "SCRAM's error (e=): the exchange has failed. An empty line or * ends it"
          : "SCRAM's first message, the server's nonce, salt and rounds (r=, s=, i=). /scram answers it here, from the password given to /scram USER PASSWORD; * cancels";
    return hint('auth-scram', `The challenge is base64 for "${shown}": ${step}.`, 'RFC 5802 §5');
  }
  const what = /user/i.test(decoded) ? 'your user name' : /pass/i.test(decoded) ? 'your password' : 'the answer';
  return hint('auth-challenge', `The challenge is base64 for "${shown}": answer with ${what} in base64 (/base64 text gives it), or * to cancel.`, src);
}

/** Longest OAuth error challenge read as JSON, in characters. */
const MAX_OAUTH_ERROR_CHARS = 2048;

/**
 * The status and scope of an OAuth error challenge (RFC 7628 §3.2.2; Google's XOAUTH2 sends the same JSON,
 * {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}), or null when the text is not one.
 */
function oauthError(decoded: string): { status: string; scope: string } | null {
  const t = decoded.trim();
  if (!t.startsWith('{') || t.length > MAX_OAUTH_ERROR_CHARS) return null;
  let x: unknown;
  try {
    x = JSON.parse(t);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const { status, scope } = x as Record<string, unknown>;
  if (typeof status !== 'string' || status.length > 64) return null;
  return { status, scope: typeof scope === 'string' ? scope.slice(0, 200) : '' };
}

/** Why a command came out of order, from what the session is missing (RFC 5321 §4.1.4, §3.3). */
export function sequenceHint(cmd: Command | null, s: SessionState): Hint | null {
  const src = 'RFC 5321 §4.1.4';
  const verb = cmd?.verb ?? '';
  // STARTTLS inside TLS is refused for that, hello or not (TLS forgets the hello: RFC 3207 §4.2).
  if (s.hello === null && ['MAIL', 'RCPT', 'DATA', 'AUTH', 'STARTTLS', 'BDAT'].includes(verb) && !(verb === 'STARTTLS' && s.tls)) {
    return hint('503-hello', `Say hello first: EHLO your.name, then ${verb}.`, src);
  }
  switch (verb) {
    case 'MAIL':
      if (s.phase === 'mail') return hint('503-mail-open', 'A transaction is already open: go on with RCPT TO, or send RSET to start over.', src);
      if (s.tls === false && s.extensions.has('STARTTLS')) return hint('503-mail-tls', 'The server may want STARTTLS (or AUTH) before MAIL FROM.', 'RFC 3207 §4');
      break;
    case 'RCPT':
      if (s.phase !== 'mail') return hint('503-rcpt', 'RCPT TO needs a sender first: send MAIL FROM:<you@example.org>, then RCPT TO.', src);
      break;
    case 'DATA':
      if (s.phase !== 'mail') return hint('503-data-mail', 'DATA needs an open transaction: MAIL FROM:<…>, then at least one RCPT TO:<…> that got 250.', src);
      if (s.recipients.length === 0) return hint('503-data-rcpt', 'No recipient has been accepted yet: DATA needs at least one RCPT TO that got 250.', src);
      break;
    case 'AUTH':
      if (s.authenticated) return hint('503-auth-again', 'You are already authenticated: AUTH is allowed once per session.', 'RFC 4954 §4');
      if (s.phase === 'mail') return hint('503-auth-mail', 'AUTH is not allowed during a mail transaction: send RSET first.', 'RFC 4954 §4');
      break;
    case 'STARTTLS':
      if (s.tls) return hint('503-tls-again', 'TLS is already active: the connection is encrypted, there is nothing to start; go on as you were.', 'RFC 3207 §4');
      break;
  }
  return null;
}

/**
 * What is wrong with an answer to an AUTH challenge (or the initial response after AUTH PLAIN), before it goes, or
 * null: it is not base64 at all, or, for PLAIN, its bytes lack the two NULs of "\0user\0password" (RFC 4616 §2). The
 * answer holds credentials: the hint never quotes it, nor what it decodes to.
 */
export function authAnswerHint(answer: string, mechanism: string): Hint | null {
  const a = answer.trim();
  if (a === '*' || a === '=' || a === '') return null; // cancel (RFC 4954 §4); an empty initial response
  // As a client writes it: padded to a multiple of 4 (RFC 4648 §4), though servers' own challenges may come unpadded.
  const bytes = a.length % 4 === 0 ? base64Bytes(a) : null;
  if (bytes === null) {
    return hint(
      'auth-not-base64',
      'This answer is not base64, and after a 334 the server reads base64 only: it goes as typed and is refused (501 or 535). /base64 text gives the base64 of text.',
      'RFC 4954 §4',
    );
  }
  const nuls = bytes.filter((b) => b === 0).length;
  if (mechanism !== 'PLAIN' || nuls === 2) return null;
  return hint(
    'auth-plain-format',
    `AUTH PLAIN wants the base64 of the user name and the password, each after a NUL byte ("\\0user\\0password"); this answer decodes to ${nuls === 0 ? 'no NUL byte' : `${nuls} NUL byte${nuls === 1 ? '' : 's'}`}, and the server refuses it (501 or 535). /base64 \\0user\\0password gives it.`,
    'RFC 4616 §2',
  );
}

/** A command typed inside a message, as if the server were listening for one (it only waits for the final "."). */
const COMMAND_IN_MESSAGE = /^(QUIT|RSET|DATA|NOOP)\s*$|^(MAIL FROM|RCPT TO):|^(EHLO|HELO) \S/i;

/** A line of message text (after DATA's 354) that is a command typed as if the server listened for one, or null. */
export function commandInMessageHint(line: string): Hint | null {
  const command = COMMAND_IN_MESSAGE.exec(line);
  if (command === null) return null;
  const verb = (command[1] ?? command[2] ?? command[3] ?? '').toUpperCase();
  return hint(
    'command-in-message',
    `You are inside the message (DATA got its 354): "${showControls(line.slice(0, 40))}" goes into it as text, and the server answers nothing until the line with only "." that ends the message. Type "." first, then ${verb}; to abandon the message instead, press Disconnect: servers drop a message whose end never came.`,
    'RFC 5321 §4.1.1.4',
  );
}

/** A line of text after the message's header fields with no empty line before it: the header section goes on. */
export function bodyWithoutEmptyLineHint(): Hint {
  return hint(
    'body-without-empty-line',
    'No empty line came before this line, and it is not a header field ("Name: value"): the message\'s header section goes on, and a mail program may take the line for a broken field and hide it, or for the start of the body. After the header fields, press Enter once more for an empty line, then type the body (as the telnet recipe has it: after Subject:, press Enter twice).',
    'RFC 5322 §2.1, §3.5',
  );
}

/** A space after MAIL's "FROM:" or RCPT's "TO:" (as the seed's recipe types it): none in SMTP's grammar. */
export function pathSpaceHint(verb: string): Hint {
  const word = verb === 'MAIL' ? 'FROM' : 'TO';
  const refusal = verb === 'MAIL' ? '501 5.1.7 Bad sender address syntax' : '501 5.1.3 Bad recipient address syntax';
  return hint(
    'path-space',
    `SMTP's grammar has no space after "${word}:" (${verb} ${word}:<user@example.org>). Many servers take it anyway, as old how-tos type it, but a strict one refuses it (Postfix with strict_rfc821_envelopes = yes: "${refusal}"). Leave it out.`,
    'RFC 5321 §4.1.2; postconf(5) strict_rfc821_envelopes',
  );
}

/**
 * Postfix hung up on a "non-SMTP command" (smtpd.c: a line that looks like a header field, `header`, or one
 * smtpd_forbid_cmds lists: CONNECT, GET, POST…); `dataRefused`: the code DATA was refused with, if it was.
 */
export function hangupHint(header: boolean, dataRefused: number | null): Hint {
  const why = header
    ? dataRefused !== null
      ? `DATA had been refused (${dataRefused}), so no message was open: type the message only after DATA's 354.`
      : "No message was open: header fields go after DATA's 354."
    : 'Type SMTP commands only.';
  return hint(
    'header-hangup',
    `The server hung up: Postfix takes a line that looks like a message's header field ("Subject: …") or a web request (GET, POST, CONNECT) for a client that does not speak SMTP, logs "non-SMTP command" and closes ("221 2.7.0 Error: I can break rules, too. Goodbye."). ${why} Connect again.`,
    'Postfix smtpd.c (is_header, smtpd_forbid_cmds); RFC 5321 §4.1.1.4',
  );
}

/** MAIL or RCPT run into its FROM: or TO: ("MAILFROM:<…>"), upper case as a verb is. */
const JOINED = /^(MAIL)(FROM):|^(RCPT)(TO):/;

/**
 * A command the server did not know (its verb, upper case) that a slip made of a real one: a letter wrong, missing,
 * extra or two swapped (nearVerbs: "RCTP" is RCPT), or the space before FROM: or TO: left out; null otherwise.
 */
export function slipHint(verb: string): Hint | null {
  const joined = JOINED.exec(verb);
  if (joined !== null) {
    const [command, word] = joined[1] !== undefined ? [joined[1], joined[2]] : [joined[3], joined[4]];
    return hint('unknown-verb-near', `The server does not know "${command}${word}:": ${command} and ${word}: are two words, ${command} ${word}:<user@example.org>.`, 'RFC 5321 §4.1.2');
  }
  const near = nearVerbs(verb);
  if (near.length === 0) return null;
  return hint('unknown-verb-near', `The server does not know "${verb}": did you mean ${near.join(' or ')}? Press Tab for the commands that fit now.`, 'RFC 5321 §4.2.4');
}

/** The first line typed for a message after DATA was refused with `code`: it went as a command. */
export function dataRefusedHint(code: number): Hint {
  return hint(
    'data-refused-text',
    `DATA was refused (${code}), so no message is open: the server reads each line typed for the message as a command, and refuses it (a line that happened to be RSET or QUIT it would carry out; Postfix hangs up at a header field). Start the transaction again, MAIL FROM, a RCPT TO that gets 250 and DATA, and type the message after the 354.`,
    'RFC 5321 §4.1.1.4',
  );
}

/** A line's first word that is a header field's name and its colon ("SUBJECT:", upper-cased as a verb is). */
export const HEADER_NAME = /^[A-Z][A-Z0-9-]*:$/;

/** A line of a message the server refused as a command, no message being open (its verb, upper case), or null. */
export function textAsCommandHint(verb: string): Hint | null {
  if (verb === '') {
    return hint('empty-line', "An empty line is not a command, so the server refuses it. In a message, after DATA's 354, the empty line ends the header fields and begins the body.", 'RFC 5321 §4.1.1.4; RFC 5322 §2.1');
  }
  if (verb === '.') return hint('dot-outside-data', 'A lone "." ends a message only after DATA\'s 354; no message was open, so the server read it as a command.', 'RFC 5321 §4.1.1.4');
  if (!HEADER_NAME.test(verb)) return null;
  const name = verb.charAt(0) + verb.slice(1).toLowerCase();
  return hint(
    'text-before-data',
    `"${showControls(name.slice(0, 40))}" begins a header field of a message, which goes after DATA's 354 (after MAIL FROM, a RCPT TO that got 250, and DATA); before it, the server reads each line as a command.`,
    'RFC 5321 §4.1.1.4; RFC 5322 §2.1',
  );
}
