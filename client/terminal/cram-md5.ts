/**
 * `/cram-md5 USER PASSWORD`: the answer to a CRAM-MD5 challenge (RFC 2195), which nobody can type from memory: the
 * user name, a space and the HMAC-MD5 of the challenge keyed with the password, in lowercase hex, all in base64.
 * Computed in the page (MD5 and HMAC from @noble/hashes: the browser's WebCrypto has no MD5); the password goes
 * nowhere, the answer only once sent.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base64Decode, toBase64, utf8Bytes, utf8Text } from '../../shared/smtp/base64.js';

export interface CramAnswer {
  /** The challenge as the server sent it, decoded (`<1896.697170952@postoffice.example>`). */
  challenge: string;
  /** The HMAC-MD5, lowercase hex. */
  digest: string;
  /** The line to send: base64 of "USER DIGEST". */
  answer: string;
}

/** The answer to a CRAM-MD5 challenge (its base64, as the 334 carries it); null when the challenge is not base64. */
export function cramMd5Answer(user: string, password: string, challengeB64: string): CramAnswer | null {
  const challenge = base64Decode(challengeB64.trim());
  if (challenge === null || challenge.length === 0) return null;
  const mac = hmac(md5, new Uint8Array(utf8Bytes(password)), challenge);
  const digest = bytesToHex(mac);
  return { challenge: utf8Text(challenge), digest, answer: toBase64(`${user} ${digest}`) };
}
