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
import tls from 'node:tls';
import { TLS_VERSIONS } from '../shared/protocol/app-limits.js';
import type { IpFamily, TlsMode, TlsVersion, TlsVersionOutcome, TlsVersionsMessage } from '../shared/protocol/messages.js';
import { tlsClientOptions } from './dial.js';
import { errnoOf, tlsReason, type BridgeError } from './net-errors.js';
import { MAX_READ_BYTES, PROBE_CONNECT_MS, PROBE_GREETING_MS, type ProbeDeps } from './port-probe.js';
import { clip, closeProbe, dialProbe, firstAddress, greetedForMore, notProbed, offersStartTls, probeReader } from './smtp-probe.js';
import { NO_ANSWER } from '../shared/smtp/tls-versions.js';

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
 * Greeting, EHLO, STARTTLS: null once the server said 220 to STARTTLS (the socket is then the handshake's), else why
 * not (the socket closed: with QUIT where the server speaks SMTP, without a word after a greeting not yet whole).
 */
async function startTls(socket: net.Socket, waitMs: number, signal: AbortSignal): Promise<string | null> {
  const { reader, close } = probeReader(socket, MAX_READ_BYTES);
  const greeted = await greetedForMore(socket, reader, waitMs, signal);
  if ('why' in greeted) {
    close(greeted.quit);
    return greeted.why;
  }
  if (!offersStartTls(greeted.ehlo)) {
    close(true);
    return 'STARTTLS is not offered after EHLO';
  }
  socket.write('STARTTLS\r\n');
  const answer = await reader.next(waitMs, signal);
  if (answer.kind !== 'whole' || !(answer.lines.at(-1) ?? '').startsWith('220')) {
    close(answer.kind === 'whole' || answer.kind === 'partial');
    return answer.kind === 'whole' || answer.kind === 'partial' ? `STARTTLS answered ${answer.lines.at(-1) ?? ''}` : 'STARTTLS was not answered';
  }
  reader.detach();
  return null;
}

/** A handshake offering `version` alone on `socket`; then QUIT and close. Never rejects. */
function handshake(
  host: string,
  socket: net.Socket,
  version: TlsVersion,
  waitMs: number,
  signal: AbortSignal,
): Promise<{ ok: true; cipher: string } | { ok: false; local: boolean; text: string }> {
  return new Promise((resolve) => {
    const secure = tls.connect({ socket, ...tlsClientOptions(host), ...versionOptions(version) });
    let settled = false;
    const finish = (r: { ok: true; cipher: string } | { ok: false; local: boolean; text: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      secure.on('error', () => undefined);
      closeProbe(secure, r.ok);
      resolve(r);
    };
    const onAbort = (): void => finish({ ok: false, local: true, text: 'aborted' });
    const timer = setTimeout(() => finish({ ok: false, local: false, text: `${NO_ANSWER} within ${waitMs / 1000} s` }), waitMs);
    signal.addEventListener('abort', onAbort);
    secure.once('secureConnect', () => finish({ ok: true, cipher: secure.getCipher().name }));
    secure.once('error', (err) => {
      const code = errnoOf(err);
      const local = code !== undefined && LOCAL_TLS_ERRORS.has(code);
      finish({ ok: false, local, text: local ? `this bridge cannot offer ${version}: ${tlsReason(err, code)}` : tlsReason(err, code) });
    });
    // A server that closes as the handshake begins (no alert) ends it too.
    secure.once('close', () => finish({ ok: false, local: false, text: 'the server closed the connection during the handshake' }));
  });
}
