/**
 * What a reply code means in context: the same 250 means "sender accepted" after MAIL, "recipient accepted" after
 * RCPT and "message taken for delivery" after the final "." (RFC 5321 §4.2.5). Data apart from the lookup.
 * Keys are `<what was answered>:<code>`, where what was answered is a verb, GREETING, END-OF-DATA or BDAT LAST; a
 * key with a class (`RCPT:5xx`) covers every code of that class.
 */
import { fromBase64 } from './base64.js';
import { isLastChunk } from './command.js';
import type { Exchange } from './session-state.js';

export interface ContextMeaning {
  meaning: string;
  source: string;
}

/** The greeting of a server that says it speaks LMTP. */
const LMTP_GREETING: ContextMeaning = {
  meaning: 'An LMTP server is ready: introduce yourself with LHLO (it refuses EHLO and HELO).',
  source: 'RFC 2033 §4.1',
};

/** Whatever it answers, 421 means the server is closing the channel (RFC 5321 §3.8). */
const CLOSING: ContextMeaning = {
  meaning: 'Whatever you sent, the server is closing the connection now (busy, shutting down, or tired of waiting). Connect again later.',
  source: 'RFC 5321 §3.8',
};

/**
 * What an AUTH challenge (334) asks for, read from its base64 text (RFC 4954 §4): each mechanism's messages have a
 * form of their own, so a challenge says which step of which mechanism it is, even where the AUTH line is not known
 * (a pasted transcript). A text of none of these forms keeps the general AUTH meaning.
 */
export type ChallengeStep = 'plain' | 'login-user' | 'login-password' | 'cram-md5' | 'scram-first' | 'scram-final' | 'scram-error';

const CHALLENGES: ReadonlyArray<{ step: ChallengeStep; test: RegExp; meaning: ContextMeaning }> = [
  {
    step: 'plain',
    test: /^$/,
    meaning: { meaning: 'The server waits for your credentials, in one line of base64 (for PLAIN: \\0user\\0password; /base64 encodes it). * cancels.', source: 'RFC 4954 §4; RFC 4616 §2' },
  },
  {
    step: 'login-user',
    test: /^user ?name:?$/i,
    meaning: { meaning: 'AUTH LOGIN asks for your user name ("Username:" in base64): answer with the user name in base64. The password is asked next.', source: 'RFC 4954 §4' },
  },
  {
    step: 'login-password',
    test: /^password:?$/i,
    meaning: { meaning: 'AUTH LOGIN asks for your password ("Password:" in base64): answer with the password in base64; 235 or 535 follows.', source: 'RFC 4954 §4' },
  },
  {
    step: 'cram-md5',
    test: /^<[^<>\s]+>$/,
    meaning: { meaning: 'A CRAM-MD5 challenge (a unique text in angle brackets): answer with your user name, a space and the HMAC-MD5 of the challenge keyed with your password, in base64 (/cram-md5 computes it).', source: 'RFC 2195 §2' },
  },
  {
    step: 'scram-first',
    test: /^(?:m=[^,]*,)?r=[^,]+,s=[^,]+,i=\d+(?:,|$)/,
    meaning: { meaning: "SCRAM's first message from the server: the nonce (r=, yours with the server's part after it), the salt (s=) and the rounds (i=) to derive a key from your password. Answer with the final message and its proof (/scram computes it).", source: 'RFC 5802 §5.1, §7' },
  },
  {
    step: 'scram-final',
    test: /^v=[A-Za-z0-9+/]+={0,2}$/,
    meaning: { meaning: "SCRAM's last message from the server: its signature (v=), which proves it knows your password too (/scram checks it). Send an empty line to finish; 235 follows.", source: 'RFC 5802 §5.1, §7' },
  },
  {
    step: 'scram-error',
    test: /^e=/,
    meaning: { meaning: "SCRAM's error from the server (e=, e.g. invalid-proof: a wrong password): the exchange has failed. Send an empty line or * to end it.", source: 'RFC 5802 §7' },
  },
];

function challengeOf(decoded: string): (typeof CHALLENGES)[number] | undefined {
  return CHALLENGES.find((c) => c.test.test(decoded.trim()));
}

/** Which step of which mechanism a challenge is, from its decoded text; null when it is none the table knows. */
export function challengeStep(decoded: string): ChallengeStep | null {
  return challengeOf(decoded)?.step ?? null;
}

function challengeMeaning(text: string): ContextMeaning | null {
  const decoded = fromBase64(text.trim());
  return decoded === null ? null : (challengeOf(decoded)?.meaning ?? null);
}

const CONTEXT: Readonly<Record<string, ContextMeaning>> = {
  'GREETING:220': { meaning: 'The server is ready: introduce yourself with EHLO (or HELO).', source: 'RFC 5321 §3.1' },
  'GREETING:554': { meaning: 'The server refuses to talk to you at all: it will answer 503 to everything but QUIT.', source: 'RFC 5321 §3.1' },
  'GREETING:421': { meaning: 'The server is busy or shutting down and closes the connection before the session starts.', source: 'RFC 5321 §3.1' },
  'EHLO:250': { meaning: 'Hello accepted. The first line is the server\'s name; each further line is an extension it offers.', source: 'RFC 5321 §4.1.1.1' },
  'LHLO:250': { meaning: 'LMTP hello accepted: the first line is the server\'s name, each further line an extension (LMTP always pipelines).', source: 'RFC 2033 §4.1' },
  'HELO:250': { meaning: 'Hello accepted, without extensions (HELO is the RFC 821 greeting).', source: 'RFC 5321 §4.1.1.1' },
  'EHLO:5xx': { meaning: 'The server refused your EHLO: if it is old, try HELO; if it dislikes the name you gave, use your real host name or an address literal such as [192.0.2.1].', source: 'RFC 5321 §4.1.4' },
  'MAIL:250': { meaning: 'Sender accepted: a mail transaction is open. Name the recipients with RCPT TO.', source: 'RFC 5321 §4.1.1.2' },
  'MAIL:5xx': { meaning: 'The sender was refused: no transaction is open.', source: 'RFC 5321 §4.1.1.2' },
  'MAIL:4xx': { meaning: 'The sender was refused for now: no transaction is open; a later try may succeed.', source: 'RFC 5321 §4.1.1.2' },
  'RCPT:250': { meaning: 'Recipient accepted. Add more with RCPT TO, or send DATA.', source: 'RFC 5321 §4.1.1.3' },
  'RCPT:251': { meaning: 'Recipient accepted: not local to this server, it will forward the message.', source: 'RFC 5321 §3.4' },
  'RCPT:252': { meaning: 'Recipient accepted without verification: the server will try to deliver.', source: 'RFC 5321 §3.5.3' },
  'RCPT:5xx': { meaning: 'This recipient was refused; the transaction stays open and other recipients still count.', source: 'RFC 5321 §4.1.1.3' },
  'RCPT:4xx': { meaning: 'This recipient was refused for now; the transaction stays open and other recipients still count.', source: 'RFC 5321 §4.1.1.3' },
  'DATA:354': { meaning: 'Go ahead: type the message (headers, an empty line, the body) and end it with a line holding only ".".', source: 'RFC 5321 §4.1.1.4' },
  'DATA:5xx': { meaning: 'No message can be sent now: usually no recipient has been accepted yet.', source: 'RFC 5321 §4.1.1.4' },
  'END-OF-DATA:250': { meaning: 'The message is accepted: the server has taken responsibility for delivering it or reporting failure.', source: 'RFC 5321 §4.2.5' },
  'END-OF-DATA:4xx': { meaning: 'The message was not accepted this time; the transaction is over. A real client would retry later.', source: 'RFC 5321 §4.2.5' },
  'END-OF-DATA:5xx': { meaning: 'The message was refused for good; the transaction is over.', source: 'RFC 5321 §4.2.5' },
  'BDAT:250': { meaning: 'The chunk arrived whole. Send the next with BDAT <octets>, and the last with BDAT <octets> LAST.', source: 'RFC 3030 §2' },
  'BDAT:4xx': { meaning: 'The chunk was refused for now: the server read its octets and threw them away, and the transaction has failed. Send no more chunks: RSET, then start again later.', source: 'RFC 3030 §2' },
  'BDAT:5xx': { meaning: 'The chunk was refused: the server read its octets and threw them away, and the transaction has failed. Send no more chunks: RSET, then start again.', source: 'RFC 3030 §2' },
  'BDAT LAST:250': { meaning: 'The message is accepted (its last chunk arrived): the server has taken responsibility for delivering it or reporting failure.', source: 'RFC 3030 §2; RFC 5321 §4.2.5' },
  'BDAT LAST:4xx': { meaning: 'The message was not accepted this time: the server read the last chunk and threw it away. RSET; a real client would retry later.', source: 'RFC 3030 §2' },
  'BDAT LAST:5xx': { meaning: 'The message was refused: the server read the last chunk and threw it away. RSET before anything else.', source: 'RFC 3030 §2' },
  'RSET:250': { meaning: 'The transaction is cleared: sender and recipients are forgotten; the session stays open.', source: 'RFC 5321 §4.1.1.5' },
  'VRFY:250': { meaning: 'The address exists.', source: 'RFC 5321 §3.5.3' },
  'VRFY:252': { meaning: 'The server will not say whether the address exists, but would accept mail for it.', source: 'RFC 5321 §3.5.3' },
  'NOOP:250': { meaning: 'The connection is alive.', source: 'RFC 5321 §4.1.1.9' },
  'QUIT:221': { meaning: 'The server says goodbye and closes the connection.', source: 'RFC 5321 §4.1.1.10' },
  'STARTTLS:220': { meaning: 'Ready for TLS: the handshake starts now. Afterwards send EHLO again.', source: 'RFC 3207 §4' },
  'STARTTLS:454': { meaning: 'TLS is not available now (temporary); the session goes on without it.', source: 'RFC 3207 §4' },
  'AUTH:334': { meaning: 'The server asks for the next part of your credentials, as base64.', source: 'RFC 4954 §4' },
  'AUTH:235': { meaning: 'Authenticated: you may now send mail as this user.', source: 'RFC 4954 §6' },
  'AUTH-RESPONSE:334': { meaning: 'The server asks for the next part of your credentials, as base64.', source: 'RFC 4954 §4' },
  'AUTH-RESPONSE:235': { meaning: 'Authenticated: you may now send mail as this user.', source: 'RFC 4954 §6' },
  'AUTH-RESPONSE:535': { meaning: 'The user name or password is wrong (or the mechanism is not allowed for this user).', source: 'RFC 4954 §6' },
};

/**
 * What a reply answered, as a context key: a verb, GREETING, END-OF-DATA, AUTH-RESPONSE or BDAT LAST (the last
 * chunk of a message); null when unknown.
 */
export function answeredKey(ex: Exchange): string | null {
  switch (ex.kind) {
    case 'greeting':
      return 'GREETING';
    case 'end-of-data':
      return 'END-OF-DATA';
    case 'auth-response':
      return 'AUTH-RESPONSE';
    case 'command':
      // The last chunk's answer is the message's (RFC 3030 §2), as the final "."'s is.
      if (ex.command !== null && isLastChunk(ex.command)) return 'BDAT LAST';
      return ex.command?.verb ?? null;
    case 'unsolicited':
      return null;
  }
}

/** LMTP answers the final "." (or the last BDAT chunk) once per accepted recipient, in RCPT order (RFC 2033 §4.2). */
function lmtpMeaning(ex: Exchange, lmtp: NonNullable<Exchange['lmtp']>): ContextMeaning {
  const cls = ex.reply.cls;
  const result = cls === 2 ? 'delivered' : cls === 4 ? 'not delivered this time (retry later)' : 'refused for good';
  const end = ex.kind === 'end-of-data' ? 'the final "."' : 'the last chunk (BDAT … LAST)';
  return {
    meaning: `LMTP's answer for ${lmtp.recipient}, ${lmtp.n} of ${lmtp.of}: ${result}. An LMTP server answers ${end} once per accepted recipient, in RCPT order, so that each one can fail alone.`,
    source: 'RFC 2033 §4.2',
  };
}

/** The meaning of this reply given what it answered, or null when the code's general meaning says it all. */
export function meaningInContext(ex: Exchange): ContextMeaning | null {
  const what = answeredKey(ex);
  if (what === null) return null;
  const code = ex.reply.code;
  if (code === 421 && what !== 'GREETING') return CLOSING;
  if (ex.lmtp !== undefined) return lmtpMeaning(ex, ex.lmtp);
  // A greeting that names LMTP (Cyrus's, heloterm's practice server's LMTP side): LHLO, not EHLO.
  if (what === 'GREETING' && code === 220 && /\bLMTP\b/.test(ex.reply.lines[0]?.text ?? '')) return LMTP_GREETING;
  if (code === 334 && (what === 'AUTH' || what === 'AUTH-RESPONSE')) {
    const challenge = challengeMeaning(ex.reply.lines[0]?.text ?? '');
    if (challenge !== null) return challenge;
  }
  return CONTEXT[`${what}:${code}`] ?? CONTEXT[`${what}:${Math.floor(code / 100)}xx`] ?? null;
}

/** Every meaning this module gives, for the tests. */
export const CONTEXT_MEANINGS: readonly ContextMeaning[] = [...Object.values(CONTEXT), ...CHALLENGES.map((c) => c.meaning), LMTP_GREETING, CLOSING];
