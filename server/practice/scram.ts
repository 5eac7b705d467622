/**
 * SCRAM-SHA-256 for the practice server (RFC 5802, RFC 7677), which smtp-server does not have: heloterm's `/scram`
 * computes the client's side of it, and the practice server is where a trainee tries that. Installed on each
 * connection as BDAT is (chunking.ts): `AUTH SCRAM-SHA-256` is answered here, every other AUTH by smtp-server, with
 * smtp-server's checks first (STARTTLS before AUTH, no second login) and its reply writer. The server keeps what a
 * real one stores instead of the password (RFC 5802 §2.2): the salt, the rounds, StoredKey and ServerKey.
 * - `AUTH SCRAM-SHA-256 [client-first]`: without it, an empty 334 asks for it;
 * - the client's first message (no channel binding: "n,,") gets the server's: the client's nonce with the server's,
 *   the salt and the rounds;
 * - the client's final message: a proof that checks (the user is the practice user) gets the server's signature in a
 *   334, and the empty line after it 235; one that does not check gets 535 5.7.8, as Postfix with Dovecot answers;
 * - `*` cancels at any step (501), as smtp-server's own mechanisms do; what cannot be read gets 501.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection } from './chunking.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** Rounds of PBKDF2: Dovecot's default, and the least RFC 7677 §4 asks for. */
export const SCRAM_ITERATIONS = 4096;

/** What the server stores of a user's password for SCRAM-SHA-256. */
export interface ScramCredentials {
  user: string;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** The stored keys for `user` and `password` (RFC 5802 §3). */
export function scramCredentials(user: string, password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): ScramCredentials {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return { user, salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** A saslname read back: =2C and =3D as "," and "=" (RFC 5802 §5.1); null when another "=" escape is in it. */
function fromSaslName(name: string): string | null {
  if (/=(?!2C|3D)/.test(name)) return null;
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

type Handler = (command: Buffer, callback: () => void) => void;

/** The parts of smtp-server's connection used here (its own names). */
interface SmtpConnection {
  handler_AUTH: Handler;
  _nextHandler: Handler | false;
  send(code: number, text?: string): void;
  secure: boolean;
  session: { user?: unknown; transmissionType?: unknown };
  _transmissionType(): unknown;
  _isSupported(command: string): boolean;
  _server: { options: { hideSTARTTLS?: boolean; allowInsecureAuth?: boolean } };
}

const ABORTED = 'Authentication aborted';
const FAILED = 'Error: authentication failed: (reason unavailable)';

/** The server's reply to a line of the exchange: 334 goes on; 235 logged `user` in; 501 and 535 ended it. */
export type ScramReply = { code: 334; text: string } | { code: 235; text: string; user: string } | { code: 501 | 535; text: string };

/**
 * One AUTH SCRAM-SHA-256 exchange, the server's side, line by line, without a socket: given the client's first
 * message (AUTH's initial response, or the line after an empty 334), then each answer to a 334, the reply to send.
 */
export class ScramServerExchange {
  private step: { next: 'first' } | { next: 'final'; user: string; bare: string; nonce: string; serverFirst: string } | { next: 'end'; user: string } = { next: 'first' };

  constructor(private readonly credentials: ScramCredentials) {}

  /** The reply to `line` (base64, or `*` to cancel); after any reply but 334 the exchange is over. */
  answer(line: string): ScramReply {
    const t = line.trim();
    if (t === '*') return { code: 501, text: ABORTED };
    const step = this.step;
    const text = Buffer.from(t, 'base64').toString('utf8');
    if (step.next === 'first') {
      const m = /^n,,(n=([^,]*),r=([\x21-\x2b\x2d-\x7e]+))$/.exec(text);
      const user = m === null ? null : fromSaslName(m[2] ?? '');
      if (m === null || user === null) return { code: 501, text: 'Error: SCRAM: a client-first-message without channel binding ("n,,n=USER,r=NONCE") in base64, please' };
      const nonce = `${m[3]}${randomBytes(18).toString('base64')}`;
      const serverFirst = `r=${nonce},s=${this.credentials.salt.toString('base64')},i=${this.credentials.iterations}`;
      this.step = { next: 'final', user, bare: m[1] as string, nonce, serverFirst };
      return { code: 334, text: base64(serverFirst) };
    }
    if (step.next === 'final') {
      const m = /^(c=biws,r=([^,]+)),p=([A-Za-z0-9+/]+={0,2})$/.exec(text);
      if (m === null || m[2] !== step.nonce) return { code: 501, text: 'Error: SCRAM: a client-final-message ("c=biws,r=NONCE,p=PROOF") for this exchange in base64, please' };
      const authMessage = `${step.bare},${step.serverFirst},${m[1]}`;
      const proof = Buffer.from(m[3] as string, 'base64');
      const signature = hmac(this.credentials.storedKey, authMessage);
      const clientKey = Buffer.from(proof.map((b, i) => b ^ (signature[i] as number)));
      const proved = proof.length === signature.length && timingSafeEqual(sha256(clientKey), this.credentials.storedKey);
      if (step.user !== this.credentials.user || !proved) return { code: 535, text: FAILED };
      this.step = { next: 'end', user: step.user };
      return { code: 334, text: base64(`v=${hmac(this.credentials.serverKey, authMessage).toString('base64')}`) };
    }
    return t === '' ? { code: 235, text: 'Authentication successful', user: step.user } : { code: 535, text: FAILED };
  }
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Answers AUTH SCRAM-SHA-256 on `connection` for the user `credentials` are of. */
export function installScram(connection: Connection, credentials: ScramCredentials): void {
  const c = connection as unknown as SmtpConnection;
  const auth = c.handler_AUTH.bind(c);
  /** Sends the exchange's reply to `line`; after a 334 the next line is its answer. */
  const reply = (exchange: ScramServerExchange, line: string, callback: () => void): void => {
    const r = exchange.answer(line);
    if (r.code === 334) c._nextHandler = (command, done) => reply(exchange, command.toString('utf8'), done);
    else if (r.code === 235) {
      c.session.user = r.user;
      c.session.transmissionType = c._transmissionType();
    }
    c.send(r.code, r.text);
    callback();
  };

  c.handler_AUTH = (command, callback) => {
    const [, method = '', ...args] = command.toString('utf8').trim().split(/\s+/);
    if (method.toUpperCase() !== SCRAM_MECHANISM) return auth(command, callback);
    // smtp-server's checks for every mechanism (handler_AUTH), in its words.
    if (!c.secure && c._isSupported('STARTTLS') && c._server.options.hideSTARTTLS !== true && c._server.options.allowInsecureAuth !== true) {
      c.send(538, 'Error: Must issue a STARTTLS command first');
      return callback();
    }
    if (c.session.user !== undefined && c.session.user !== null && c.session.user !== false) {
      c.send(503, 'Error: No identity changes permitted');
      return callback();
    }
    if (args.length > 1) {
      c.send(501, `Error: syntax: AUTH ${SCRAM_MECHANISM} [initial-response]`);
      return callback();
    }
    const exchange = new ScramServerExchange(credentials);
    if (args[0] !== undefined) return reply(exchange, args[0], callback);
    // No initial response: an empty 334 asks for the first message.
    c._nextHandler = (line, done) => reply(exchange, line.toString('utf8'), done);
    c.send(334);
    callback();
  };
}
