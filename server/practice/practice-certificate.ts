/**
 * The practice server's certificate: self-signed, made when it starts and anew every week (practice-server.ts), for
 * its STARTTLS and its port with TLS from the first byte. Its names are the practice domain and the loopback names the
 * server listens on by default.
 */
import { isIP } from 'node:net';
import { generate as generateCertificate } from 'selfsigned';

/** The practice server's domain: its mailboxes' and its certificate's. */
export const PRACTICE_DOMAIN = 'practice.test';
/** How long the practice certificate made at start is valid, in days (from an hour before the start). */
export const CERTIFICATE_DAYS = 90;
/**
 * How often the practice certificate is made anew, in ms: a week, far inside its CERTIFICATE_DAYS (and a timer's
 * delay must stay under 2^31 ms, about 24.8 days).
 */
export const CERTIFICATE_RENEW_MS = 7 * 24 * 3600_000;
/** The names on the practice certificate: the domain, and the loopback names it listens on by default. */
export const CERTIFICATE_NAMES = [PRACTICE_DOMAIN, 'localhost', '127.0.0.1', '::1'] as const;

/**
 * A fresh self-signed certificate for the practice server (EC P-256, SHA-256). smtp-server's built-in test
 * certificate is self-signed too but long expired, which would teach the wrong reason ("expired") for a certificate
 * that does not verify; a trainee should meet the usual one: no certificate authority vouches for it.
 */
export async function practiceCertificate(now = Date.now()): Promise<{ key: string; cert: string }> {
  const hour = 3600_000;
  const pems = await generateCertificate([{ name: 'commonName', value: PRACTICE_DOMAIN }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - hour),
    notAfterDate: new Date(now - hour + CERTIFICATE_DAYS * 24 * hour),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: CERTIFICATE_NAMES.map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
