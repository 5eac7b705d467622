/**
 * Real X.509 certificates for TLS tests, made on the spot with selfsigned (Node's WebCrypto underneath): a test
 * certificate authority, intermediates, and server certificates with any names and dates, so the bridge's
 * certificate report is tested against what OpenSSL really says of them.
 *
 *   const root = await makeCa('heloterm test root');
 *   const leaf = await makeCert({ cn: 'mx.test', names: ['mx.test', '127.0.0.1'], issuer: root });
 *   startTls: { key: leaf.key, cert: leaf.cert + root.cert }   // a chain: the server's certificate first
 */
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

type Extension = NonNullable<NonNullable<Parameters<typeof generate>[1]>['extensions']>[number];

export interface TestCert {
  key: string;
  cert: string;
}

const DAY_MS = 24 * 3600 * 1000;

export interface CertOptions {
  /** The subject's common name. */
  cn: string;
  /** subjectAltName entries: host names, or IP addresses (taken as such when they parse as one). */
  names?: string[];
  /** Signed by this CA; self-signed without. */
  issuer?: TestCert;
  /** Validity; default from a day ago to 90 days ahead. */
  from?: Date;
  to?: Date;
  /** A certificate authority (basicConstraints cA, may sign certificates). */
  isCa?: boolean;
  /** An RSA key (2048 bits) instead of P-256, usable for RSA key exchange too (keyEncipherment). */
  rsa?: boolean;
}

export async function makeCert(o: CertOptions): Promise<TestCert> {
  const now = Date.now();
  const extensions: Extension[] = o.isCa
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ]
    : [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, ...(o.rsa === true ? { keyEncipherment: true } : {}), critical: true },
        { name: 'extKeyUsage', serverAuth: true },
      ];
  if (o.names !== undefined && o.names.length > 0) {
    extensions.push({ name: 'subjectAltName', altNames: o.names.map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n })) });
  }
  const pems = await generate([{ name: 'commonName', value: o.cn }], {
    ...(o.rsa === true ? { keyType: 'rsa' as const, keySize: 2048 } : { keyType: 'ec' as const, curve: 'P-256' as const }),
    algorithm: 'sha256',
    notBeforeDate: o.from ?? new Date(now - DAY_MS),
    notAfterDate: o.to ?? new Date(now + 90 * DAY_MS),
    extensions,
    ...(o.issuer !== undefined ? { ca: { key: o.issuer.key, cert: o.issuer.cert } } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

/** A certificate authority, self-signed unless `issuer` is given (an intermediate). */
export function makeCa(cn: string, issuer?: TestCert): Promise<TestCert> {
  return makeCert({ cn, isCa: true, issuer, to: new Date(Date.now() + 365 * DAY_MS) });
}

export { DAY_MS };
