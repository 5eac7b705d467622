/**
 * Fetches a domain's MTA-STS policy as a sending MTA does (RFC 8461 §3.3): HTTPS to mta-sts.<domain>, port 443, path
 * /.well-known/mta-sts.txt, with a certificate valid for that name (checked against the machine's trust store), no
 * redirect followed, no cache. What `curl https://mta-sts.example.org/.well-known/mta-sts.txt` tells an admin.
 *
 * The bridge fetches from the internet on a page's behalf, so the fetch is held to what a `connect` is: the name is
 * resolved by the session's resolver, every address it has must pass the target policy (no private address in public
 * mode, never a non-host), and the checked address is the one connected to (no second lookup). The body is cut off
 * past MAX_MTA_STS_BYTES and the whole fetch past MTA_STS_TIMEOUT_MS. Never throws.
 */
import { request } from 'node:https';
import { MAX_MTA_STS_CHARS } from '../shared/protocol/app-limits.js';
import type { MtaStsFetch } from '../shared/protocol/messages.js';
import type { DnsResolver } from './dns-lookup.js';
import { codeOf } from './net-errors.js';
import { checkAddressClass, parseAddress, type TargetPolicy } from './target-policy.js';

/** The whole fetch (connect, TLS, request, body), in ms: senders give it about a minute; a person waits less. */
export const MTA_STS_TIMEOUT_MS = 10_000;
/** The largest policy body read, in bytes: a policy is a few lines, and senders cap it at 64 KiB. */
export const MAX_MTA_STS_BYTES = 64 * 1024;
/** Where the policy is served (RFC 8461 §3.3). */
const POLICY_PATH = '/.well-known/mta-sts.txt';

export interface MtaStsFetchOptions {
  resolver: DnsResolver;
  policy: TargetPolicy;
  /** The HTTPS port: 443 (tests serve the policy on a port of their own). */
  port: number;
  /** Certificates to trust besides the machine's store (tests: their own certificate authority). */
  ca?: readonly string[];
  timeoutMs?: number;
  /** Aborted when the session is over. */
  signal?: AbortSignal;
}


/** Errors of the certificate check (OpenSSL's names, and Node's for a name mismatch). */
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|ISSUER/;

/** The addresses of `host` (IPv4 first), or why there are none. */
async function addressesOf(host: string, r: DnsResolver): Promise<string[] | string> {
  const failed: string[] = [];
  const ask = (p: Promise<string[]>): Promise<string[]> =>
    p.catch((err: unknown) => {
      const code = codeOf(err);
      if (code !== 'ENODATA' && code !== 'ENOTFOUND') failed.push(code);
      return [];
    });
  const [v4, v6] = await Promise.all([ask(r.resolve4(host)), ask(r.resolve6(host))]);
  const all = [...v4, ...v6];
  if (all.length > 0) return all;
  return failed.length > 0 ? `the address lookup of ${host} failed: ${failed[0]}` : `${host} has no address (no A or AAAA record)`;
}

/** Fetches the MTA-STS policy of `domain`. */
export async function fetchMtaStsPolicy(domain: string, o: MtaStsFetchOptions): Promise<MtaStsFetch> {
  const host = `mta-sts.${domain}`;
  const found = await addressesOf(host, o.resolver);
  if (typeof found === 'string') return { kind: 'error', detail: found };
  for (const text of found) {
    const address = parseAddress(text);
    const refusal = address === null ? `${host} resolved to "${text.slice(0, 60)}", not an IP address` : checkAddressClass(host, address, o.policy);
    if (refusal !== null) return { kind: 'error', detail: `not fetched: ${refusal}` };
  }
  return get(host, found[0] ?? '', o);
}

/** GET the policy from `address` (checked), with `host` as the TLS server name and the Host header. */
function get(host: string, address: string, o: MtaStsFetchOptions): Promise<MtaStsFetch> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: MtaStsFetch): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const req = request({
      host: address,
      port: o.port,
      path: POLICY_PATH,
      method: 'GET',
      servername: host,
      headers: { host, accept: 'text/plain', 'user-agent': 'heloterm (MTA-STS policy check)' },
      rejectUnauthorized: true,
      ...(o.ca !== undefined ? { ca: [...o.ca] } : {}),
      agent: false,
    });
    const timer = setTimeout(() => finish({ kind: 'error', detail: `no answer within ${(o.timeoutMs ?? MTA_STS_TIMEOUT_MS) / 1000} s` }), o.timeoutMs ?? MTA_STS_TIMEOUT_MS);
    const onAbort = (): void => finish({ kind: 'error', detail: 'cancelled' });
    o.signal?.addEventListener('abort', onAbort);
    if (o.signal?.aborted === true) onAbort();
    req.on('error', (err) => {
      const code = codeOf(err);
      if (CERT_ERROR.test(code)) return finish({ kind: 'error', detail: `the certificate of ${host} did not verify (${code}); senders must refuse the policy then` });
      finish({ kind: 'error', detail: `the HTTPS connection to ${host} failed (${code})` });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return finish({ kind: 'error', detail: `HTTP ${status}, a redirect, which senders must not follow (RFC 8461 §3.3)` });
      if (status !== 200) return finish({ kind: 'error', detail: `HTTP ${status} for ${POLICY_PATH}` });
      const type = res.headers['content-type'];
      const contentType = typeof type === 'string' ? type.slice(0, 200) : null;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MTA_STS_BYTES) return finish({ kind: 'error', detail: `the policy is larger than ${MAX_MTA_STS_BYTES / 1024} KiB, more than senders read` });
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish({ kind: 'policy', text: text.slice(0, MAX_MTA_STS_CHARS), cut: text.length > MAX_MTA_STS_CHARS, contentType });
      });
      res.on('error', (err) => finish({ kind: 'error', detail: `the HTTPS answer from ${host} broke off (${codeOf(err)})` }));
    });
    req.end();
  });
}
