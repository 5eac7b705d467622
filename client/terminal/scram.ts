/**
 * `/scram`: the client's side of SCRAM (RFC 5802; SCRAM-SHA-256, RFC 7677), which nobody types by hand: a random
 * nonce in the first message; then a proof made from the password salted and iterated as the server asks (PBKDF2),
 * which proves the password without sending it; then the server's own signature checked, which proves the server
 * knows it too (or its salted hash). Computed in the page (@noble/hashes); the password goes nowhere, and is held
 * only from `/scram USER PASSWORD` until the server's first challenge is answered or a new connection begins.
 *
 * Without channel binding ("n,,"): the -PLUS mechanisms bind the exchange to the TLS connection's own data, which
 * only the bridge holds.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, bytesToBase64, fromBase64, toBase64, utf8Bytes } from '../../shared/smtp/base64.js';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-1';

const HASH = { 'SCRAM-SHA-256': sha256, 'SCRAM-SHA-1': sha1 } as const;

/**
 * Rounds of PBKDF2 computed at most: a server could ask for billions and hold the page. Servers use 4,096 (Dovecot's
 * and RFC 7677's least) to tens of thousands; 100,000 take about 0.2 s here.
 */
export const MAX_ITERATIONS = 100_000;

/**
 * A user name or password as SASLprep prepares it (RFC 4013 §2, used by RFC 5802 §2.2 and §5.1): spaces beyond ASCII
 * as a space, the characters mapped to nothing dropped, then NFKC. Its prohibited characters are not refused (a
 * server would refuse them instead).
 */
export function saslPrep(text: string): string {
  return text
    .replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u00ad\u034f\u1806\u180b-\u180d\u200c\u200d\u2060\ufe00-\ufe0f\ufeff]/g, '')
    .normalize('NFKC');
}

/** The user name as SCRAM writes it: SASLprepped, then "=" and "," as =3D and =2C (RFC 5802 §5.1). */
export function saslName(user: string): string {
  return saslPrep(user).replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The client's first message: no channel binding, the user, the nonce (RFC 5802 §7), and its bare part. */
export function clientFirst(user: string, nonce: string): { message: string; bare: string } {
  const bare = `n=${saslName(user)},r=${nonce}`;
  return { message: `n,,${bare}`, bare };
}

/** A random nonce: 18 random bytes in base64 (printable, no comma). */
export function randomNonce(): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(18)));
}

/** The attributes of a SCRAM message ("r=…,s=…,i=…"), by their letter. */
function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at === 1) out.set(part[0] as string, part.slice(2));
  }
  return out;
}

export interface ServerFirst {
  /** The client's nonce with the server's appended. */
  nonce: string;
  salt: Uint8Array;
  iterations: number;
}

/** The server's first message read, checked against the client's nonce; or what is wrong with it. */
export function readServerFirst(message: string, clientNonce: string): ServerFirst | { problem: string } {
  const a = attributes(message);
  if (a.has('m')) return { problem: 'the server asks for an extension of SCRAM (m=) that heloterm does not know' };
  if (a.has('e')) return { problem: `the server ended the exchange: ${a.get('e')}` };
  const nonce = a.get('r');
  if (nonce === undefined || !nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    return { problem: "its nonce (r=) does not begin with the one heloterm sent, followed by the server's own: not the answer to this exchange" };
  }
  const salt = base64Decode(a.get('s') ?? '');
  if (salt === null || salt.length === 0) return { problem: 'it has no salt (s=) in base64' };
  const rounds = a.get('i') ?? '';
  const iterations = /^[1-9]\d{0,9}$/.test(rounds) ? Number(rounds) : Number.NaN;
  if (!Number.isFinite(iterations)) return { problem: 'it has no iteration count (i=)' };
  if (iterations > MAX_ITERATIONS) return { problem: `it asks for ${iterations.toLocaleString('en-US')} rounds of PBKDF2, more than heloterm computes (${MAX_ITERATIONS.toLocaleString('en-US')})` };
  return { nonce, salt, iterations };
}

export interface ScramProof {
  /** The client's final message: channel binding, nonce and proof (RFC 5802 §7). */
  clientFinal: string;
  /** The signature the server must answer with (v=), base64. */
  serverSignature: string;
}

/** The proof for `password`, from the client's first message's bare part and the server's first message. */
export function scramProof(mechanism: ScramMechanism, password: string, bare: string, serverFirstMessage: string, first: ServerFirst): ScramProof {
  const hash = HASH[mechanism];
  const key = (k: Uint8Array, text: string): Uint8Array => hmac(hash, k, new Uint8Array(utf8Bytes(text)));
  const salted = pbkdf2(hash, new Uint8Array(utf8Bytes(saslPrep(password))), first.salt, { c: first.iterations, dkLen: hash.outputLen });
  const withoutProof = `c=${toBase64('n,,')},r=${first.nonce}`;
  const authMessage = `${bare},${serverFirstMessage},${withoutProof}`;
  const clientKey = key(salted, 'Client Key');
  const signature = key(hash(clientKey), authMessage);
  const proof = clientKey.map((b, i) => b ^ (signature[i] as number));
  return { clientFinal: `${withoutProof},p=${bytesToBase64(proof)}`, serverSignature: bytesToBase64(key(key(salted, 'Server Key'), authMessage)) };
}

/** The server's final message: its signature, or the error it ends with (e=). */
export function readServerFinal(message: string): { signature: string } | { error: string } | null {
  const a = attributes(message);
  const error = a.get('e');
  if (error !== undefined) return { error };
  const v = a.get('v');
  return v === undefined ? null : { signature: v };
}

/** What `/scram` does next: a line to put on the input line and what to say, or only what to say. */
export type ScramStep = { line: string; say: string } | { say: string };

/**
 * One exchange at a time, as `/scram` goes through it: started with the user and password, then each of the server's
 * two challenges answered in turn.
 */
export class ScramExchange {
  private started: { mechanism: ScramMechanism; user: string; password: string; nonce: string; bare: string } | null = null;
  private proved: { mechanism: ScramMechanism; serverSignature: string } | null = null;

  /**
   * `/scram USER PASSWORD`: the first message, as the AUTH command's initial response, or (`challenge` '', after a
   * bare AUTH SCRAM-…) as the answer to its empty 334.
   */
  start(mechanism: ScramMechanism, user: string, password: string, challenge: string | null, nonce = randomNonce()): ScramStep {
    if (challenge !== null && challenge.trim() !== '') {
      return { say: 'a challenge is open: type /scram alone to answer it (/scram USER PASSWORD begins a new exchange once none is)' };
    }
    const first = clientFirst(user, nonce);
    this.started = { mechanism, user, password, nonce, bare: first.bare };
    this.proved = null;
    const b64 = toBase64(first.message);
    const said = `${mechanism}'s first message "${first.message}" (no channel binding, the user, a random nonce) in base64 is on the line: press Enter, and type /scram when the server's 334 comes (RFC 5802 §5)`;
    return challenge === null ? { line: `AUTH ${mechanism} ${b64}`, say: said } : { line: b64, say: said };
  }

  /** `/scram` alone: the answer to the open challenge (its 334's text, base64), or why there is none. */
  answer(challenge: string | null): ScramStep {
    if (challenge === null) {
      // A proof sent and no 334 open: the server ended the exchange (its reply says how).
      this.proved = null;
      return { say: this.started === null ? 'no SCRAM exchange: /scram USER PASSWORD begins one' : "no challenge open: after the AUTH line the server goes on with a 334; any other reply ended the exchange (it says why)" };
    }
    const message = fromBase64(challenge.trim());
    if (message === null) return { say: `the challenge "${challenge.slice(0, 80)}" is not base64: not a SCRAM message` };
    if (this.started !== null) {
      const { mechanism, password, nonce, bare } = this.started;
      const first = readServerFirst(message, nonce);
      if ('problem' in first) return { say: `the server's first message "${message.slice(0, 200)}" cannot be answered: ${first.problem}; send * to cancel the exchange` };
      // The password is not needed again.
      this.started = null;
      const proof = scramProof(mechanism, password, bare, message, first);
      this.proved = { mechanism, serverSignature: proof.serverSignature };
      return {
        line: toBase64(proof.clientFinal),
        say: `the server's salt and ${first.iterations.toLocaleString('en-US')} rounds of ${mechanism.slice(6)} (PBKDF2) make the password's key; the proof, "${proof.clientFinal}" in base64, is on the line: press Enter, and type /scram when the server's 334 comes, to check its signature (RFC 5802 §3)`,
      };
    }
    if (this.proved !== null) {
      const final = readServerFinal(message);
      if (final === null) return { say: `"${message.slice(0, 200)}" is no SCRAM server signature (v=)` };
      const { serverSignature } = this.proved;
      this.proved = null;
      if ('error' in final) return { say: `the server refused the proof: e=${final.error} (a wrong password, or an unknown user)` };
      return final.signature === serverSignature
        ? { line: '', say: "the server's signature checks: it knows the password (or its salted key) too. Press Enter on the empty line to end the exchange: 235 2.7.0 follows (RFC 4954 §4)" }
        : { say: `the server's signature v=${final.signature} is not the one the password gives (${serverSignature}): it does not know the password; send * to cancel` };
    }
    return { say: 'no SCRAM exchange: /scram USER PASSWORD begins one' };
  }

  /** Drops what an exchange holds (the password among it). */
  forget(): void {
    this.started = null;
    this.proved = null;
  }
}
