/**
 * `/tls injection`: whether a server takes commands sent in plain text before TLS as if sent inside it: STARTTLS
 * command injection, found in Postfix and many others in 2011 (CVE-2011-0411; Wietse Venema's test: "STARTTLS" and a
 * command in one packet) and again in 2021 by the "NO STARTTLS" study. A man in the middle who adds a command after a
 * client's STARTTLS has it run inside the client's TLS session: a MAIL FROM, or a RSET that ends its transaction.
 *
 * One connection: dialled as a connection would be (dial.ts, the target policy, the host's first address of the IP
 * version asked for); the whole greeting read and EHLO sent (smtp-probe.ts: nothing is written before the greeting is
 * whole); when STARTTLS is offered, "STARTTLS\r\nNOOP\r\n" written at once; after the 220 a handshake (Node's
 * defaults, the certificate not checked: it is not what is tested) and QUIT over TLS. A server that kept the NOOP
 * from before TLS answers it before QUIT's 221: that answer tells, not a guess from timing. Never sends mail, never
 * logs in.
 */
import type net from 'node:net';
import type { IpFamily, TlsInjectionMessage, TlsInjectionOutcome } from '../shared/protocol/messages.js';
import { tlsClientOptions } from './dial.js';
import { MAX_READ_BYTES, PROBE_CONNECT_MS, PROBE_GREETING_MS, type ProbeDeps } from './port-probe.js';
import { askStartTls, clip, closeProbe, dialProbe, firstAddress, lastLine, notProbed, probeHandshake, probeReader, ReplyReader } from './smtp-probe.js';

type Answer = TlsInjectionMessage['answer'];
/** Makes the outcome, with the time since dialling. */
type Done = (outcome: TlsInjectionOutcome['outcome'], text: string, next?: string) => TlsInjectionOutcome;

/** Probes `port` of `host` once; never rejects. */
export async function probeTlsInjection(host: string, port: number, family: IpFamily | undefined, deps: ProbeDeps, signal: AbortSignal): Promise<Answer> {
  const one = firstAddress((h, p) => deps.resolve(h, p, family));
  const started = performance.now();
  const done: Done = (outcome, text, next = '') => ({ outcome, text: clip(text), next: clip(next), ms: Math.round(performance.now() - started) });
  const wait = deps.greetingMs ?? PROBE_GREETING_MS;
  const dialled = await dialProbe(host, port, deps.connectMs ?? PROBE_CONNECT_MS, signal, (h) => one.resolve(h, port));
  if ('error' in dialled) return notProbed(one.address, [dialled.before ? dialled.error : null]) ?? { kind: 'probed', address: one.address ?? '', ...done('error', dialled.error.message) };
  const outcome = await inject(host, dialled.socket, wait, signal, done);
  return { kind: 'probed', address: one.address ?? '', ...outcome };
}

/** Greeting, EHLO, "STARTTLS\r\nNOOP\r\n", the handshake, QUIT over TLS: what came of it. Closes the socket. */
async function inject(host: string, socket: net.Socket, waitMs: number, signal: AbortSignal, done: Done): Promise<TlsInjectionOutcome> {
  const { reader, close } = probeReader(socket, MAX_READ_BYTES);
  // The injection: a command in the same write as STARTTLS, as a man in the middle would add it.
  const refused = await askStartTls(socket, reader, waitMs, signal, 'STARTTLS\r\nNOOP\r\n');
  if (refused !== null) {
    close(refused.quit);
    return done(refused.error ? 'error' : 'no-starttls', refused.why);
  }
  // The NOOP answered in plain text, after the 220 and before any handshake: a server confused, not one injected.
  const plain = reader.unread.split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
  reader.detach();
  if (plain !== '') {
    socket.destroy();
    return done('unclear', `after its 220 the server answered the NOOP in plain text ("${plain}"), where TLS was to begin`);
  }
  return overTls(host, socket, waitMs, signal, done);
}

/** The handshake, then QUIT over TLS and the replies that come; closes the connection. Never rejects. */
async function overTls(host: string, socket: net.Socket, waitMs: number, signal: AbortSignal, done: Done): Promise<TlsInjectionOutcome> {
  const shake = await probeHandshake(socket, tlsClientOptions(host), waitMs, signal);
  if (!('secure' in shake)) return done(shake.aborted === true ? 'error' : 'tls-failed', shake.why);
  const secure = shake.secure;
  const reader = new ReplyReader(secure, MAX_READ_BYTES);
  secure.write('QUIT\r\n');
  const first = await reader.next(waitMs, signal);
  const line = lastLine(first);
  let outcome: TlsInjectionOutcome;
  if (line === null) outcome = done('unclear', first.kind === 'none' ? `no reply over TLS within ${waitMs / 1000} s` : 'the server closed the connection over TLS without a reply');
  else if (line.startsWith('221')) outcome = done('safe', line);
  else {
    // A reply before QUIT's: to the NOOP written before TLS.
    const second = await reader.next(waitMs, signal);
    outcome = done('injected', line, lastLine(second) ?? '');
  }
  reader.detach();
  // QUIT went over TLS already: the socket is only closed.
  closeProbe(secure, false);
  return outcome;
}
