/**
 * The practice server's DKIM key: the mail it sends itself (its bounces and delivery reports) is signed as
 * practice.test, as real servers sign theirs, so that a trainee can verify a signature the page looks up (the bridge
 * answers a key lookup at the practice domain with it, for the practice domain is not in DNS). A 2048-bit RSA key
 * (RFC 8301 §3.2), made anew at each start (in the thread pool: the event loop goes on), signing with mailauth.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { PRACTICE_DOMAIN } from './practice-certificate.js';

/** The selector the practice server signs with: its key is at practice._domainkey.practice.test. */
export const PRACTICE_DKIM_SELECTOR = 'practice';

/** The fields the practice server signs, those of them a report has (RFC 6376 §5.4.1's recommendation). */
const SIGNED_FIELDS = 'from:to:subject:date:message-id:mime-version:content-type';

export interface DkimKey {
  selector: string;
  /** The TXT record published at <selector>._domainkey.<domain>: "v=DKIM1; k=rsa; p=…". */
  record: string;
  privateKey: string;
}

export async function practiceDkimKey(): Promise<DkimKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    selector: PRACTICE_DKIM_SELECTOR,
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The message with a DKIM-Signature field on top, signed as the practice domain (relaxed/relaxed, rsa-sha256). */
export async function signPractice(message: string, key: DkimKey): Promise<string> {
  const signer = { signingDomain: PRACTICE_DOMAIN, selector: key.selector, privateKey: key.privateKey, canonicalization: 'relaxed/relaxed', algorithm: 'rsa-sha256' };
  // mailauth's types ask for a signature's fields at the top as well as in signatureData, and type headerList as an
  // array where its signer reads a colon-separated string. signTime given: without it, mailauth reads the clock once
  // for the t= it signs and again for the t= it writes, and a signature made across a second's turn does not verify.
  const { signatures, errors } = await dkimSign(message, { ...signer, signTime: new Date(), headerList: SIGNED_FIELDS as unknown as string[], signatureData: [signer] });
  return errors.length > 0 || !signatures.startsWith('DKIM-Signature:') ? message : `${signatures}${message}`;
}
