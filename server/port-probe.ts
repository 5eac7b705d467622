/**
 * `/ports`: which of a host's mail ports answer, as an admin finds out with `telnet host 25`, `telnet host 587` and
 * `openssl s_client -connect host:465` one after the other: each port is dialled at once (dial.ts, the target policy
 * as for a connection, the host's first address of the IP version asked for), its greeting read (for implicit TLS,
 * after the handshake), then EHLO (what it offers there: STARTTLS, AUTH) and QUIT, and the socket closed. Nothing
 * else is ever written, and nothing at all before the greeting is whole (smtp-probe.ts).
 */
import type net from 'node:net';
import type { LookupFunction } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ERROR_CODES, type IpFamily, type PortOutcome, type PortsMessage, type ProbePort } from '../shared/protocol/messages.js';
import { dial } from './dial.js';
import type { BridgeError } from './net-errors.js';
import { clip, closeProbe, firstAddress, greetAndEhlo, ReplyReader, type Greeted } from './smtp-probe.js';
import { checkPort, lookupOnce, resolveTargets, TargetRefused, type TargetPolicy } from './target-policy.js';

/** How long each port may take to take the connection (and for implicit TLS, the handshake), in ms. */
export const PROBE_CONNECT_MS = 5000;
/**
 * How long a port that took the connection may take to send its whole greeting, in ms. Postfix's postscreen sends the
 * "220-" of a two-part greeting at once and the rest 6 s later (postscreen_greet_wait); a one-line greeting delay
 * (Exim's, sendmail's greet_pause) may take longer, and is then reported as silent.
 */
export const PROBE_GREETING_MS = 8000;
/** Bytes read from one port at most (a greeting and an answer to EHLO are a few hundred; smtp-probe.ts ReplyReader). */
export const MAX_READ_BYTES = 16 * 1024;

export interface ProbeDeps {
  /** Resolves and checks the target for a port (target-policy.ts resolveTargets, as for a connection). */
  resolve: (host: string, port: number, family?: IpFamily) => Promise<string[]>;
  connectMs?: number;
  greetingMs?: number;
}

/**
 * What a probe dials with: each port as a connection to it would be (allowed ports only, the target checked for
 * each), all from one DNS answer; the bridge's connect timeout bounds each wait too (a test's short one keeps a
 * silent port short).
 */
export function probeDepsFor(policy: TargetPolicy, lookup: LookupFunction, connectTimeoutMs: number): ProbeDeps {
  const once = lookupOnce(lookup);
  const resolve = (h: string, port: number, f?: IpFamily): Promise<string[]> => {
    const refusal = checkPort(port, policy);
    return refusal !== null ? Promise.reject(new TargetRefused(refusal)) : resolveTargets(h, port, policy, once, f);
  };
  return { resolve, connectMs: Math.min(connectTimeoutMs, PROBE_CONNECT_MS), greetingMs: Math.min(connectTimeoutMs, PROBE_GREETING_MS) };
}

type Answer = PortsMessage['answer'];

/**
 * Probes each of `ports` of `host` at once; never rejects. With no IP version asked for, a host that has addresses of
 * both is dialled on both: the same ports at the first address of the other version too, as soon as the first lookup
 * names it (a port 25 that a firewall drops over IPv6 alone delays every sender that tries IPv6 first).
 */
export async function probePorts(host: string, ports: readonly ProbePort[], family: IpFamily | undefined, deps: ProbeDeps, signal: AbortSignal): Promise<Answer> {
  const one = firstAddress((h, port) => deps.resolve(h, port, family));
  const main = Promise.all(ports.map((p) => probePort(host, p, deps, signal, one.resolve)));
  // The first lookup may never come (every port refused before it): then the main probes' end says there is none.
  const otherKnown = family === undefined ? Promise.race([one.known, main.then(() => one.otherFamily)]) : Promise.resolve(null);
  const second = otherKnown.then((other) => (other === null ? null : probeOtherFamily(host, ports, other.includes(':') ? 6 : 4, deps, signal)));
  const [outcomes, otherSide] = await Promise.all([main, second]);
  const address = one.address;
  // No port got as far as an address: the name did not resolve (to the version asked for), or the policy refused it.
  const dns = outcomes.find((o) => o.dnsError !== null)?.dnsError;
  if (address === null && dns !== undefined && dns !== null) return { kind: 'none', reason: 'not-found', detail: clip(dns) };
  if (address === null && outcomes.every((o) => o.outcome.outcome === 'not-dialled')) {
    return { kind: 'none', reason: 'refused', detail: outcomes[0]?.outcome.text ?? 'not dialled' };
  }
  const other = one.otherFamily;
  return {
    kind: 'probed',
    address: address ?? '',
    ports: outcomes.map((o) => o.outcome),
    ...(other === null ? {} : { otherFamily: other }),
    ...(otherSide === null ? {} : { other: otherSide }),
  };
}

/** The same ports at the host's first address of the other IP version (checked by the policy as any dial is). */
async function probeOtherFamily(host: string, ports: readonly ProbePort[], family: IpFamily, deps: ProbeDeps, signal: AbortSignal): Promise<{ address: string; ports: PortOutcome[] } | null> {
  const two = firstAddress((h, port) => deps.resolve(h, port, family));
  const outcomes = await Promise.all(ports.map((p) => probePort(host, p, deps, signal, two.resolve)));
  return two.address === null ? null : { address: two.address, ports: outcomes.map((o) => o.outcome) };
}

/** One port's outcome; `dnsError`: the name did not resolve (the message), else null. */
async function probePort(
  host: string,
  p: ProbePort,
  deps: ProbeDeps,
  signal: AbortSignal,
  resolve: (host: string, port: number) => Promise<string[]>,
): Promise<{ outcome: PortOutcome; dnsError: string | null }> {
  const started = performance.now();
  const done = (outcome: PortOutcome['outcome'], text: string, tls: PortOutcome['tls'] = null): PortOutcome => ({
    port: p.port,
    outcome,
    text: clip(text),
    ms: Math.round(performance.now() - started),
    tls,
    ehlo: null,
  });
  try {
    const { socket } = await dial({ host, port: p.port, tls: p.tls, timeoutMs: deps.connectMs ?? PROBE_CONNECT_MS, resolve: (h) => resolve(h, p.port), signal });
    const tls = socket instanceof TLSSocket ? { protocol: socket.getProtocol() ?? '', authorized: socket.authorized, authorizationError: errorText(socket.authorizationError) } : null;
    const greeting = await greetingOf(socket, deps.greetingMs ?? PROBE_GREETING_MS, signal);
    const refused = greeting.ehloRefused === undefined ? {} : { ehloRefused: greeting.ehloRefused };
    return { outcome: { ...done(greeting.outcome, greeting.text, tls), ehlo: greeting.ehlo, ...refused }, dnsError: null };
  } catch (e) {
    // dial() rejects only with a BridgeError; anything else is said as an error of this port.
    const err: BridgeError = typeof e === 'object' && e !== null && 'code' in e && 'message' in e ? (e as BridgeError) : { code: ERROR_CODES.NETWORK, message: String(e) };
    switch (err.code) {
      case ERROR_CODES.CONNECTION_REFUSED:
        return { outcome: done('refused', err.message), dnsError: null };
      case ERROR_CODES.TIMEOUT:
        return { outcome: done('timeout', err.message), dnsError: null };
      case ERROR_CODES.TLS_FAILED:
        return { outcome: done('tls-failed', err.message), dnsError: null };
      case ERROR_CODES.TARGET_REFUSED:
        return { outcome: done('not-dialled', err.message), dnsError: null };
      case ERROR_CODES.DNS_NOT_FOUND:
        return { outcome: done('error', err.message), dnsError: err.message };
      default:
        return { outcome: done('error', err.message), dnsError: null };
    }
  }
}

function errorText(e: unknown): string | null {
  if (e === null || e === undefined) return null;
  return clip(e instanceof Error ? e.message : String(e));
}

/**
 * The server's greeting and its answer to EHLO (smtp-probe.ts greetAndEhlo), then QUIT and the socket closed; a
 * greeting held (the first part of one in parts, the rest late) or none at all gets no word, only the close.
 */
async function greetingOf(socket: net.Socket, waitMs: number, signal: AbortSignal): Promise<Greeted> {
  const greeted = await greetAndEhlo(socket, new ReplyReader(socket, MAX_READ_BYTES), waitMs, signal);
  closeProbe(socket, greeted.quit);
  return greeted;
}
