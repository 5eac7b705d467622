/**
 * `/tls versions`: which TLS versions a server accepts on a port, as an admin finds out with `openssl s_client
 * -starttls smtp -tls1`, `-tls1_1`, `-tls1_2` and `-tls1_3` one after the other (or testssl.sh). Each version is
 * tried on a connection of its own, all at once: dialled as a connection would be (dial.ts, the target policy, the
 * host's first address of the IP version asked for); for STARTTLS the whole greeting read, EHLO and STARTTLS sent
 * (smtp-probe.ts: nothing is written before the greeting is whole); then a handshake offering that version alone, QUIT
 * once it is done, and the socket closed. Never sends mail, never logs in.
 *
 * OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0 (their handshakes sign with SHA-1 and MD5), so those two
 * are offered with "@SECLEVEL=0"; 1.2 and 1.3 with Node's defaults, as a current sender offers them.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { TLS_VERSIONS } from '../shared/protocol/app-limits.js';
import type { IpFamily, TlsMode, TlsVersion, TlsVersionOutcome, TlsVersionsMessage } from '../shared/protocol/messages.js';
import { tlsClientOptions } from './dial.js';
import type { BridgeError } from './net-errors.js';
import { MAX_READ_BYTES, PROBE_CONNECT_MS, PROBE_GREETING_MS, type ProbeDeps } from './port-probe.js';
import { askStartTls, clip, closeProbe, dialProbe, firstAddress, notProbed, probeHandshake, probeReader } from './smtp-probe.js';

type Answer = TlsVersionsMessage['answer'];

/** Errors of this bridge's own OpenSSL, not of the server: it could not offer the version at all. */
const LOCAL_TLS_ERRORS: ReadonlySet<string> = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_TLS_INVALID_PROTOCOL_VERSION']);

/** The handshake options that offer `version` alone. */
function versionOptions(version: TlsVersion): tls.ConnectionOptions {
  const old = version === 'TLSv1' || version === 'TLSv1.1';
  return { minVersion: version, maxVersion: version, ...(old ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}) };
}

/** Tries each TLS version on `port` of `host` at once; never rejects. */
export async function probeTlsVersions(
  host: string,
  port: number,
  mode: TlsMode,
  family: IpFamily | undefined,
  deps: ProbeDeps,
  signal: AbortSignal,
): Promise<Answer> {
  const one = firstAddress((h, p) => deps.resolve(h, p, family));
  const outcomes = await Promise.all(TLS_VERSIONS.map((version) => probeVersion(host, port, mode, version, deps, signal, (h) => one.resolve(h, port))));
  return notProbed(one.address, outcomes.map((o) => o.refusal)) ?? { kind: 'probed', address: one.address ?? '', versions: outcomes.map((o) => o.outcome) };
}

/** One version's outcome; `refusal`: the name did not resolve or the policy refused it (nothing was dialled). */
async function probeVersion(
  host: string,
  port: number,
  mode: TlsMode,
  version: TlsVersion,
  deps: ProbeDeps,
  signal: AbortSignal,
  resolve: (host: string) => Promise<string[]>,
): Promise<{ outcome: TlsVersionOutcome; refusal: BridgeError | null }> {
  const started = performance.now();
  const done = (outcome: TlsVersionOutcome['outcome'], text: string, cipher: string | null = null): TlsVersionOutcome => ({
    version,
    outcome,
    cipher,
    text: clip(text),
    ms: Math.round(performance.now() - started),
  });
  const wait = deps.greetingMs ?? PROBE_GREETING_MS;
  const dialled = await dialProbe(host, port, deps.connectMs ?? PROBE_CONNECT_MS, signal, resolve);
  if ('error' in dialled) return { outcome: done('error', dialled.error.message), refusal: dialled.before ? dialled.error : null };
  const { socket } = dialled;
  if (mode === 'none') {
    const why = await startTls(socket, wait, signal);
    if (why !== null) return { outcome: done('no-starttls', why), refusal: null };
  }
  const shake = await handshake(host, socket, version, wait, signal);
  return { outcome: shake.ok ? done('accepted', '', shake.cipher) : done(shake.local ? 'error' : 'refused', shake.text), refusal: null };
}

/**
 * Greeting, EHLO, STARTTLS (smtp-probe.ts askStartTls): null once the server said 220 to STARTTLS (the socket is then
 * the handshake's), else why not (the socket closed: with QUIT where the server speaks SMTP, without a word after a
 * greeting not yet whole).
 */
async function startTls(socket: net.Socket, waitMs: number, signal: AbortSignal): Promise<string | null> {
  const { reader, close } = probeReader(socket, MAX_READ_BYTES);
  const refused = await askStartTls(socket, reader, waitMs, signal);
  if (refused !== null) {
    close(refused.quit);
    return refused.why;
  }
  reader.detach();
  return null;
}

/** A handshake offering `version` alone on `socket`; then QUIT and close. Never rejects. */
async function handshake(
  host: string,
  socket: net.Socket,
  version: TlsVersion,
  waitMs: number,
  signal: AbortSignal,
): Promise<{ ok: true; cipher: string } | { ok: false; local: boolean; text: string }> {
  const shake = await probeHandshake(socket, { ...tlsClientOptions(host), ...versionOptions(version) }, waitMs, signal);
  if ('secure' in shake) {
    const cipher = shake.secure.getCipher().name;
    closeProbe(shake.secure, true);
    return { ok: true, cipher };
  }
  // This bridge's own OpenSSL could not offer the version (or the probe was stopped): not the server's answer.
  const local = shake.aborted === true || (shake.code !== undefined && LOCAL_TLS_ERRORS.has(shake.code));
  return { ok: false, local, text: local && shake.aborted !== true ? `this bridge cannot offer ${version}: ${shake.why}` : shake.why };
}
