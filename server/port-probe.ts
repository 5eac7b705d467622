/**
 * `/ports`: which of a host's mail ports answer, as an admin finds out with `telnet host 25`, `telnet host 587` and
 * `openssl s_client -connect host:465` one after the other: each port is dialled at once (dial.ts, the target policy
 * as for a connection, the host's first address of the IP version asked for), its greeting read (for implicit TLS,
 * after the handshake), then EHLO (what it offers there: STARTTLS, AUTH) and QUIT, and the socket closed. Nothing
 * else is ever written, and nothing at all before the greeting is whole: a client that talks during postscreen's two-part greeting is taken for a spambot
 * (PREGREET) and, where postscreen enforces it, its address refused for a day, this bridge's with it.
 */
import type net from 'node:net';
import { TLSSocket } from 'node:tls';
import { MAX_PROBE_EHLO_LINES, MAX_PROBE_TEXT } from '../shared/protocol/app-limits.js';
import { ERROR_CODES, type IpFamily, type PortOutcome, type PortsMessage, type ProbePort } from '../shared/protocol/messages.js';
import { dial } from './dial.js';
import type { BridgeError } from './net-errors.js';

/** How long each port may take to take the connection (and for implicit TLS, the handshake), in ms. */
export const PROBE_CONNECT_MS = 5000;
/**
 * How long a port that took the connection may take to send its whole greeting, in ms. Postfix's postscreen sends the
 * "220-" of a two-part greeting at once and the rest 6 s later (postscreen_greet_wait); a one-line greeting delay
 * (Exim's, sendmail's greet_pause) may take longer, and is then reported as silent.
 */
export const PROBE_GREETING_MS = 8000;
/** After QUIT, how long the server has to close before the socket is destroyed, in ms. */
const QUIT_LINGER_MS = 1000;
/**
 * Bytes read from one port at most (a greeting and an answer to EHLO are a few hundred): past them the socket is
 * destroyed, so that a server that streams cannot fill the bridge's memory in the seconds a probe waits.
 */
const MAX_READ_BYTES = 16 * 1024;

export interface ProbeDeps {
  /** Resolves and checks the target for a port (target-policy.ts resolveTargets, as for a connection). */
  resolve: (host: string, port: number, family?: IpFamily) => Promise<string[]>;
  connectMs?: number;
  greetingMs?: number;
}

type Answer = PortsMessage['answer'];

/** At most MAX_PROBE_TEXT characters, with "…" when cut. */
function clip(text: string): string {
  return text.length > MAX_PROBE_TEXT ? `${text.slice(0, MAX_PROBE_TEXT)}…` : text;
}

/** Probes each of `ports` of `host` at once; never rejects. */
export async function probePorts(host: string, ports: readonly ProbePort[], family: IpFamily | undefined, deps: ProbeDeps, signal: AbortSignal): Promise<Answer> {
  let address: string | null = null;
  const outcomes = await Promise.all(
    ports.map((p) =>
      probePort(host, p, deps, signal, (host, port) =>
        deps.resolve(host, port, family).then((all) => {
          // The first address: a probe of a host, not of each of its addresses (the session answers every port's
          // lookup with one DNS answer, so each port's first is the same).
          const first = all.slice(0, 1);
          address ??= first[0] ?? null;
          return first;
        }),
      ),
    ),
  );
  // No port got as far as an address: the name did not resolve (to the version asked for), or the policy refused it.
  const dns = outcomes.find((o) => o.dnsError !== null)?.dnsError;
  if (address === null && dns !== undefined && dns !== null) return { kind: 'none', reason: 'not-found', detail: clip(dns) };
  if (address === null && outcomes.every((o) => o.outcome.outcome === 'not-dialled')) {
    return { kind: 'none', reason: 'refused', detail: outcomes[0]?.outcome.text ?? 'not dialled' };
  }
  return { kind: 'probed', address: address ?? '', ports: outcomes.map((o) => o.outcome) };
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
    return { outcome: { ...done(greeting.outcome, greeting.text, tls), ehlo: greeting.ehlo }, dnsError: null };
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

/** What one read of a reply gave: its lines, whole or begun, or why none came. */
type ReadReply = { kind: 'whole' | 'partial'; lines: string[] } | { kind: 'none' | 'closed' } | { kind: 'error'; message: string };

/**
 * Reads the socket's replies one at a time (`next`), each whole once a line is not a continuation ("250-"), within a
 * wait; what comes after a reply is kept for the next. Writes nothing.
 */
class ReplyReader {
  private pending = '';
  private size = 0;
  private wake: (() => void) | null = null;
  private ended: 'closed' | { message: string } | null = null;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.size >= MAX_READ_BYTES) return;
      this.size += chunk.length;
      this.pending += chunk.toString('utf8');
      if (this.size >= MAX_READ_BYTES) socket.destroy();
      this.wake?.();
    });
    socket.once('close', () => this.end('closed'));
    socket.on('error', (err) => this.end({ message: err.message }));
  }

  private end(why: 'closed' | { message: string }): void {
    this.ended ??= why;
    this.wake?.();
  }

  /** The next reply, within `waitMs`. */
  next(waitMs: number, signal: AbortSignal): Promise<ReadReply> {
    return new Promise((resolve) => {
      const taken: string[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (r: ReadReply): void => {
        clearTimeout(timer);
        this.wake = null;
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const look = (): void => {
        for (let lf = this.pending.indexOf('\n'); lf !== -1; lf = this.pending.indexOf('\n')) {
          const line = this.pending.slice(0, lf).replace(/\r$/, '');
          this.pending = this.pending.slice(lf + 1);
          taken.push(line);
          // Whole at a line that is not a continuation: the last line of the reply, or not SMTP at all.
          if (!/^\d{3}-/.test(line)) return done({ kind: 'whole', lines: taken });
        }
        // Past the limit without a whole reply: a reply begun ("250-…" and on), or something that is not SMTP at all.
        if (this.size >= MAX_READ_BYTES) {
          const begun = [...taken, this.pending.slice(0, MAX_PROBE_TEXT + 1)];
          return done(/^\d{3}-/.test(begun[0] ?? '') ? { kind: 'partial', lines: begun } : { kind: 'whole', lines: begun });
        }
        if (this.ended !== null) return done(taken.length > 0 ? { kind: 'partial', lines: taken } : this.ended === 'closed' ? { kind: 'closed' } : { kind: 'error', message: this.ended.message });
      };
      const onAbort = (): void => done({ kind: 'error', message: 'aborted' });
      timer = setTimeout(() => done(taken.length > 0 ? { kind: 'partial', lines: taken } : { kind: 'none' }), waitMs);
      signal.addEventListener('abort', onAbort);
      this.wake = look;
      look();
    });
  }
}

/** The EHLO name a probe gives: the bridge's own address as an address literal (RFC 5321 §4.1.3), having no name. */
function addressLiteral(address: string | undefined): string {
  const a = (address ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  return a.includes(':') ? `[IPv6:${a}]` : `[${a}]`;
}

/**
 * The server's greeting, read within `waitMs` once it is whole (its last line "220 …", not "220-…"); then EHLO, and
 * the keywords of its answer (what it offers on this port: STARTTLS, AUTH…); then QUIT and the socket closed. A
 * greeting whose first part came and not the rest is `held`: the socket is closed without a word; one that is not
 * 220 gets QUIT at once. Never rejects: a socket error, a close or the wait running out is an outcome too.
 */
async function greetingOf(
  socket: net.Socket,
  waitMs: number,
  signal: AbortSignal,
): Promise<{ outcome: 'greeting' | 'held' | 'silent' | 'error'; text: string; ehlo: string[] | null }> {
  const reader = new ReplyReader(socket);
  const close = (quit: boolean): void => {
    if (quit && !socket.destroyed) {
      socket.end('QUIT\r\n');
      setTimeout(() => socket.destroy(), QUIT_LINGER_MS).unref();
    } else socket.destroy();
  };
  const greeting = await reader.next(waitMs, signal);
  switch (greeting.kind) {
    case 'none':
      close(false);
      return { outcome: 'silent', text: `no greeting within ${waitMs / 1000} s`, ehlo: null };
    case 'closed':
      close(false);
      return { outcome: 'silent', text: 'the server closed the connection without a word', ehlo: null };
    case 'error':
      close(false);
      return { outcome: 'error', text: greeting.message, ehlo: null };
    case 'partial':
      close(false);
      return { outcome: 'held', text: greeting.lines[0] ?? '', ehlo: null };
  }
  const text = greeting.lines[0] ?? '';
  if (!text.startsWith('220')) {
    close(/^\d{3}[ -]/.test(text));
    return { outcome: 'greeting', text, ehlo: null };
  }
  socket.write(`EHLO ${addressLiteral(socket.localAddress)}\r\n`);
  const answer = await reader.next(waitMs, signal);
  close(answer.kind !== 'error');
  const ehlo = answer.kind === 'whole' && (answer.lines.at(-1) ?? '').startsWith('250') ? answer.lines.slice(1).map((l) => clip(l.slice(4))).slice(0, MAX_PROBE_EHLO_LINES) : null;
  return { outcome: 'greeting', text, ehlo };
}
