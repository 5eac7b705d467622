/**
 * `/tls mx`: TLS on every MX host of a domain, as sending MTAs meet it. An admin checks each host one after the other
 * with `openssl s_client -starttls smtp -connect mx1.example.org:25 -verify_hostname mx1.example.org`; the backup MX
 * nobody looked at since it was set up is the classic: no STARTTLS, or a certificate expired or for another name,
 * which senders that verify (MTA-STS in enforce mode, DANE) hold mail for.
 *
 * The domain's MX records (dns-lookup.ts lookupMx), its MTA-STS policy and its TLS-RPT record are looked up together; then each MX host
 * (at most MAX_MX_TLS_HOSTS, lowest preference first) is dialled on port 25 at once, as a connection would be (dial.ts,
 * the target policy), the whole greeting read and EHLO sent (smtp-probe.ts: nothing is written before the greeting
 * is whole), STARTTLS when offered, a handshake with Node's defaults (the best version both sides have, the MX host's
 * name as SNI), its certificate described and checked against that name (certificate.ts) and against the host's TLSA
 * records (dane.ts, looked up meanwhile), then QUIT. Never sends mail, never logs in.
 */
import type { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { MAX_MX_TLS_HOSTS } from '../shared/protocol/app-limits.js';
import { ERROR_CODES, type MtaStsFetch, type MxTlsMessage, type MxTlsOutcome, type PracticeInfo } from '../shared/protocol/messages.js';
import { describePeerCertificate, peerChain } from './certificate.js';
import { daneAnswer, type TlsaLookup } from './dane.js';
import { tlsClientOptions } from './dial.js';
import { lookupMtaSts, lookupMx, lookupTlsRpt, type DnsResolver } from './dns-lookup.js';
import { MAX_READ_BYTES, PROBE_CONNECT_MS, PROBE_GREETING_MS, type ProbeDeps } from './port-probe.js';
import { askStartTls, clip, closeProbe, dialProbe, probeHandshake, probeReader } from './smtp-probe.js';

type Answer = MxTlsMessage['answer'];

/** The port MX hosts take mail on from other MTAs (RFC 5321 §4.5.4.2 names no other). */
const MX_PORT = 25;

export interface MxTlsDeps {
  probe: ProbeDeps;
  /** The bridge's practice server: its domain, not in DNS, is answered with it. */
  practice: PracticeInfo | null;
  /** Fetches a domain's MTA-STS policy (mta-sts-fetch.ts); absent: not fetched. */
  fetchMtaSts?: (domain: string, r: DnsResolver, signal: AbortSignal) => Promise<MtaStsFetch>;
  /** The port MX hosts are dialled on: 25 (tests, which cannot listen there, name another). */
  port?: number;
  /** The TLSA records at a name, with whether the resolver validated them (dane.ts queryTlsa); absent: no DANE. */
  tlsa?: (name: string, signal: AbortSignal) => Promise<TlsaLookup>;
}

/** One host to dial: `host` as the MX record names it (what the certificate must name), `dial` what is dialled. */
interface Target {
  host: string;
  dial: string;
  preference: number | null;
  /** Why it is not dialled (it has no address), else null. */
  skip: string | null;
}

/** Looks up `domain`'s MX hosts and probes each at once; never rejects. */
export async function probeMxTls(domain: string, r: DnsResolver, deps: MxTlsDeps, signal: AbortSignal): Promise<Answer> {
  const practice = deps.practice;
  if (practice !== null && domain.toLowerCase().replace(/\.$/, '') === practice.domain) {
    const target: Target = { host: practice.domain, dial: practice.host, preference: 0, skip: null };
    return { kind: 'probed', hosts: [await probeHost(target, practice.port, deps.probe, signal)], count: 1, implicit: false, port: practice.port };
  }
  const fetch = deps.fetchMtaSts;
  const [mx, mtaSts, tlsRpt] = await Promise.all([lookupMx(domain, r), lookupMtaSts(domain, r, fetch === undefined ? undefined : (d) => fetch(d, r, signal)), lookupTlsRpt(domain, r)]);
  let targets: Target[];
  let count: number;
  switch (mx.kind) {
    case 'null':
      return { kind: 'none', reason: 'null-mx', detail: 'a null MX (RFC 7505): the domain takes no mail' };
    case 'none':
      return { kind: 'none', reason: mx.reason, detail: mx.detail };
    case 'implicit':
      targets = [{ host: domain, dial: domain, preference: null, skip: null }];
      count = 1;
      break;
    case 'mx':
      count = mx.count;
      targets = mx.hosts.slice(0, MAX_MX_TLS_HOSTS).map((h) => ({
        host: h.exchange,
        dial: h.exchange,
        preference: h.preference,
        skip: h.exchange === '' ? 'the root, ".", is no host' : h.addresses.length > 0 ? null : h.lookupError !== undefined ? `its addresses could not be looked up: ${h.lookupError}` : 'no A or AAAA record',
      }));
      break;
  }
  const port = deps.port ?? MX_PORT;
  const hosts = await Promise.all(targets.map((t) => probeHost(t, port, deps.probe, signal, deps.tlsa)));
  // Where senders that apply a policy report failing it: said with the policy.
  return { kind: 'probed', hosts, count, implicit: mx.kind === 'implicit', port, ...(mtaSts === undefined ? {} : { mtaSts, tlsRpt }) };
}

/**
 * One MX host: dialled, greeted, STARTTLS, the handshake and its certificate, and with `tlsa` its DANE records (looked
 * up meanwhile, RFC 7672 §2.2: at _<port>._tcp.<the MX host's name>), checked against what it presented; never rejects.
 */
async function probeHost(t: Target, port: number, deps: ProbeDeps, signal: AbortSignal, tlsa?: MxTlsDeps['tlsa']): Promise<MxTlsOutcome> {
  const started = performance.now();
  const tlsaName = `_${port}._tcp.${t.host}`;
  const records = tlsa === undefined || t.skip !== null || net.isIP(t.host) !== 0 ? null : tlsa(tlsaName, signal).catch((e: unknown): TlsaLookup => ({ kind: 'error', detail: String(e) }));
  const done = async (outcome: MxTlsOutcome['outcome'], text: string, address: string | null, shake: Shaken | null = null): Promise<MxTlsOutcome> => {
    // The time is the dialog's, not the TLSA lookup's (which may still be under way).
    const ms = Math.round(performance.now() - started);
    const reached = outcome === 'tls' || outcome === 'no-starttls' || outcome === 'tls-failed';
    const dane = reached && records !== null ? daneAnswer(tlsaName, await records, shake?.chain ?? []) : null;
    return {
      host: t.host,
      preference: t.preference,
      address,
      outcome,
      text: clip(text),
      ms,
      tls: shake?.seen ?? null,
      ...(dane === null ? {} : { dane }),
    };
  };
  if (t.skip !== null) return done('no-address', t.skip, null);
  const wait = deps.greetingMs ?? PROBE_GREETING_MS;
  // Every address of the host in turn, as a sender goes on to the next when one does not answer (RFC 5321 §5.1).
  const dialled = await dialProbe(t.dial, port, deps.connectMs ?? PROBE_CONNECT_MS, signal, (h) => deps.resolve(h, port));
  if ('error' in dialled) {
    const { code, message } = dialled.error;
    return done(code === ERROR_CODES.TARGET_REFUSED ? 'not-dialled' : code === ERROR_CODES.DNS_NOT_FOUND ? 'no-address' : 'unreachable', message, null);
  }
  const { socket } = dialled;
  const address = socket.remoteAddress ?? null;
  const { reader, close } = probeReader(socket, MAX_READ_BYTES);
  const refused = await askStartTls(socket, reader, wait, signal);
  if (refused !== null) {
    close(refused.quit);
    return done(refused.at === 'starttls' ? 'no-starttls' : refused.error ? 'unreachable' : 'no-greeting', refused.why, address);
  }
  reader.detach();
  const shake = await probeHandshake(socket, tlsClientOptions(t.host), wait, signal);
  if (!('secure' in shake)) return done('tls-failed', shake.why, address);
  const secure = shake.secure;
  const err: unknown = secure.authorizationError;
  const seen: NonNullable<MxTlsOutcome['tls']> = {
    protocol: secure.getProtocol() ?? 'unknown',
    cipher: secure.getCipher()?.name ?? 'unknown',
    authorized: secure.authorized,
    authorizationError: secure.authorized || err == null ? null : clip(err instanceof Error ? err.message : String(err)),
    // The name checked (and sent as SNI) is the MX host's, as senders check it.
    certificate: describePeerCertificate(secure, t.host),
  };
  const chain = peerChain(secure);
  closeProbe(secure, true);
  return done('tls', '', address, { seen, chain });
}

/** A handshake done: what the page is told of it, and the certificates presented (for DANE). */
interface Shaken {
  seen: NonNullable<MxTlsOutcome['tls']>;
  chain: X509Certificate[];
}
