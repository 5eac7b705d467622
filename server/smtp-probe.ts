/**
 * What the bridge's probes (`/ports`: port-probe.ts, `/tls versions`: tls-versions-probe.ts, `/tls injection` and
 * `/smuggling`) say to a server before anything else: they read its greeting whole, send EHLO, and read the answer; nothing is written before the greeting
 * is whole. A client that talks during Postfix's postscreen two-part greeting is taken for a spambot (PREGREET) and,
 * where postscreen enforces it, its address refused for a day, this bridge's with it.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { MAX_PROBE_EHLO_LINES, MAX_PROBE_TEXT } from '../shared/protocol/app-limits.js';
import { ERROR_CODES } from '../shared/protocol/messages.js';
import { NO_ANSWER } from '../shared/smtp/tls-versions.js';
import { dial } from './dial.js';
import { errnoOf, tlsReason, type BridgeError } from './net-errors.js';
import { QUIT_LINGER_MS } from './smtp-link.js';

/**
 * Closes a probe's socket: with QUIT first where the server speaks SMTP (`quit`), the socket destroyed after
 * QUIT_LINGER_MS (a connection's own, smtp-link.ts) if the server has not closed it by then; else at once, without a word.
 */
export function closeProbe(socket: net.Socket, quit: boolean): void {
  if (quit && !socket.destroyed) {
    socket.end('QUIT\r\n');
    setTimeout(() => socket.destroy(), QUIT_LINGER_MS).unref();
  } else socket.destroy();
}

/**
 * One address for every connection of a probe: a probe is of a host, not of each of its addresses. `resolve` resolves
 * and checks for a port (the session answers every lookup of a probe from one DNS answer, so each one's first address
 * is the same) and keeps the first; `address` is it, once one was resolved, and `otherFamily` the host's first address
 * of the other IP version, if it has one (which `/ports` dials too, by a firstAddress of its own).
 */
export function firstAddress(resolve: (host: string, port: number) => Promise<string[]>): {
  resolve: (host: string, port: number) => Promise<string[]>;
  readonly address: string | null;
  readonly otherFamily: string | null;
  /** Settles with otherFamily once the first lookup has: an address found, or none (it failed). */
  readonly known: Promise<string | null>;
} {
  let address: string | null = null;
  let otherFamily: string | null = null;
  let tell: (other: string | null) => void = () => undefined;
  const known = new Promise<string | null>((r) => (tell = r));
  return {
    resolve: (host, port) =>
      resolve(host, port).then(
        (all) => {
          const first = all.slice(0, 1);
          if (address === null && first[0] !== undefined) {
            address = first[0];
            const v6 = address.includes(':');
            otherFamily = all.find((a) => a.includes(':') !== v6) ?? null;
          }
          tell(otherFamily);
          return first;
        },
        (e: unknown) => {
          tell(otherFamily);
          throw e;
        },
      ),
    known,
    get address() {
      return address;
    },
    get otherFamily() {
      return otherFamily;
    },
  };
}

/** At most MAX_PROBE_TEXT characters, with "…" when cut. */
export function clip(text: string): string {
  return text.length > MAX_PROBE_TEXT ? `${text.slice(0, MAX_PROBE_TEXT)}…` : text;
}

/** What one read of a reply gave: its lines, whole or begun, or why none came. */
export type ReadReply = { kind: 'whole' | 'partial'; lines: string[] } | { kind: 'none' | 'closed' } | { kind: 'error'; message: string };

/**
 * Reads the socket's replies one at a time (`next`), each whole once a line is not a continuation ("250-"), within a
 * wait; what comes after a reply is kept for the next. Writes nothing. Past `maxBytes` read the socket is destroyed,
 * so that a server that streams cannot fill the bridge's memory in the seconds a probe waits.
 */
export class ReplyReader {
  private pending = '';
  private size = 0;
  private wake: (() => void) | null = null;
  private ended: 'closed' | { message: string } | null = null;
  private readonly onData = (chunk: Buffer): void => {
    if (this.size >= this.maxBytes) return;
    this.size += chunk.length;
    this.pending += chunk.toString('utf8');
    if (this.size >= this.maxBytes) this.socket.destroy();
    this.wake?.();
  };
  private readonly onClose = (): void => this.end('closed');
  private readonly onError = (err: Error): void => this.end({ message: err.message });

  constructor(
    private readonly socket: net.Socket,
    private readonly maxBytes: number,
  ) {
    socket.on('data', this.onData);
    socket.once('close', this.onClose);
    socket.on('error', this.onError);
  }

  /**
   * Stops reading (before TLS starts on the socket: its bytes are the TLS session's; whatever came after the last
   * reply read is dropped, as RFC 3207 §4 wants after a 220 to STARTTLS). The socket keeps an 'error' listener.
   */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.socket.off('error', this.onError);
    this.socket.on('error', ignoreError);
  }

  /** What came after the last reply read: bytes the server sent that no `next` has taken yet. */
  get unread(): string {
    return this.pending;
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
        if (this.size >= this.maxBytes) {
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

/**
 * A reader of `socket`'s replies for a probe, and how to end the probe: the reader let go of the socket, which is
 * closed with QUIT where the server speaks SMTP (`quit`), else at once (closeProbe).
 */
export function probeReader(socket: net.Socket, maxBytes: number): { reader: ReplyReader; close: (quit: boolean) => void } {
  const reader = new ReplyReader(socket, maxBytes);
  return {
    reader,
    close: (quit) => {
      reader.detach();
      closeProbe(socket, quit);
    },
  };
}

/** A socket's 'error' listener once its reader has let go of it (an unhandled 'error' would end the process). */
function ignoreError(): void {}

/** The EHLO name a probe gives: the bridge's own address as an address literal (RFC 5321 §4.1.3), having no name. */
export function addressLiteral(address: string | undefined): string {
  const a = (address ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  return a.includes(':') ? `[IPv6:${a}]` : `[${a}]`;
}

/**
 * What a server said to a probe: `greeting` (its first line in `text`; `ehlo`: the lines of its 250 answer to EHLO
 * after the first, without "250-", or null), `held` (the first part of a greeting in parts came, the rest not within
 * the wait: nothing was sent), `silent` (no greeting, or closed without one), `error` (a socket error). `quit`: the
 * server speaks SMTP and may be sent QUIT; else the socket is only to be closed.
 */
export interface Greeted {
  outcome: 'greeting' | 'held' | 'silent' | 'error';
  text: string;
  ehlo: string[] | null;
  /** After a 220: what EHLO got instead of a 250 (the answer's first line, or that none came); else undefined. */
  ehloRefused?: string;
  quit: boolean;
}

/**
 * The server's greeting, read within `waitMs` once it is whole (its last line "220 …", not "220-…"); then, after a
 * 220, EHLO and its answer within `waitMs` again. Never rejects: a socket error, a close or the wait running out is an
 * outcome too. Leaves the socket open.
 */
export async function greetAndEhlo(socket: net.Socket, reader: ReplyReader, waitMs: number, signal: AbortSignal): Promise<Greeted> {
  const greeting = await reader.next(waitMs, signal);
  switch (greeting.kind) {
    case 'none':
      return { outcome: 'silent', text: `no greeting within ${waitMs / 1000} s`, ehlo: null, quit: false };
    case 'closed':
      return { outcome: 'silent', text: 'the server closed the connection without a word', ehlo: null, quit: false };
    case 'error':
      return { outcome: 'error', text: greeting.message, ehlo: null, quit: false };
    case 'partial':
      return { outcome: 'held', text: greeting.lines[0] ?? '', ehlo: null, quit: false };
  }
  const text = greeting.lines[0] ?? '';
  if (!text.startsWith('220')) return { outcome: 'greeting', text, ehlo: null, quit: /^\d{3}[ -]/.test(text) };
  socket.write(`EHLO ${addressLiteral(socket.localAddress)}\r\n`);
  const answer = await reader.next(waitMs, signal);
  const ehlo = answer.kind === 'whole' && (answer.lines.at(-1) ?? '').startsWith('250') ? answer.lines.slice(1).map((l) => clip(l.slice(4))).slice(0, MAX_PROBE_EHLO_LINES) : null;
  if (ehlo !== null) return { outcome: 'greeting', text, ehlo, quit: true };
  return { outcome: 'greeting', text, ehlo, ehloRefused: refusedWith(answer, waitMs), quit: answer.kind !== 'error' };
}

/** A reply's last line (the one that ends it), or null when none came. */
export function lastLine(r: ReadReply): string | null {
  return r.kind === 'whole' || r.kind === 'partial' ? (r.lines.at(-1) ?? '') : null;
}

/**
 * The greeting read whole and EHLO answered with a 250 (greetAndEhlo): its lines, for a probe to go on; else why not,
 * in the words the probes' reports show, whether QUIT may end it (the server speaks SMTP), and whether it was a socket
 * error. Leaves the socket open.
 */
export async function greetedForMore(
  socket: net.Socket,
  reader: ReplyReader,
  waitMs: number,
  signal: AbortSignal,
): Promise<{ ehlo: string[] } | { why: string; quit: boolean; error: boolean }> {
  const greeted = await greetAndEhlo(socket, reader, waitMs, signal);
  if (greeted.outcome === 'held') return { why: `the greeting came in part ("${greeted.text}"), the rest not within ${waitMs / 1000} s: nothing was sent`, quit: false, error: false };
  if (greeted.outcome !== 'greeting' || !greeted.text.startsWith('220')) {
    return { why: greeted.outcome === 'greeting' ? `greeted with ${greeted.text}` : greeted.text, quit: greeted.quit, error: greeted.outcome === 'error' };
  }
  if (greeted.ehlo === null) return { why: `EHLO got ${greeted.ehloRefused ?? 'no 250'}`, quit: greeted.quit, error: false };
  return { ehlo: greeted.ehlo };
}

/** Whether an EHLO answer's lines (without "250-") offer STARTTLS. */
export const offersStartTls = (ehlo: readonly string[]): boolean => ehlo.some((l) => /^STARTTLS\b/i.test(l));

/**
 * The greeting read whole, EHLO, and once STARTTLS is offered `write` (STARTTLS, and what a probe adds after it) and
 * its answer: null once that is a whole 220 (the reader still attached: the caller detaches it before TLS starts);
 * else why not, whether it was the greeting (or EHLO) or STARTTLS, whether QUIT may end it and whether it was a socket
 * error. Closes nothing.
 */
export async function askStartTls(
  socket: net.Socket,
  reader: ReplyReader,
  waitMs: number,
  signal: AbortSignal,
  write = 'STARTTLS\r\n',
): Promise<{ at: 'greeting' | 'starttls'; why: string; quit: boolean; error: boolean } | null> {
  const greeted = await greetedForMore(socket, reader, waitMs, signal);
  if ('why' in greeted) return { at: 'greeting', ...greeted };
  if (!offersStartTls(greeted.ehlo)) return { at: 'starttls', why: 'STARTTLS is not offered after EHLO', quit: true, error: false };
  socket.write(write);
  const answer = await reader.next(waitMs, signal);
  const said = lastLine(answer);
  if (answer.kind === 'whole' && said !== null && said.startsWith('220')) return null;
  return { at: 'starttls', why: said === null ? 'STARTTLS was not answered' : `STARTTLS answered ${said}`, quit: said !== null, error: false };
}

/**
 * A TLS handshake on `socket` with `options`, within `waitMs`: the TLS socket once it is up (an 'error' listener left
 * on it; its closing is the caller's), or why not (`code`: the error's, when it was one; `aborted`: the probe was), the
 * socket then destroyed.
 * A server that closes as the handshake begins, without an alert, ends it too. Never rejects.
 */
export function probeHandshake(socket: net.Socket, options: tls.ConnectionOptions, waitMs: number, signal: AbortSignal): Promise<{ secure: tls.TLSSocket } | { why: string; code?: string; aborted?: true }> {
  return new Promise((resolve) => {
    const secure = tls.connect({ socket, ...options });
    let settled = false;
    const finish = (r: { secure: tls.TLSSocket } | { why: string; code?: string; aborted?: true }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      secure.off('error', onError);
      secure.off('close', onClose);
      secure.on('error', ignoreError);
      if ('why' in r) secure.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish({ why: 'aborted', aborted: true });
    const onError = (err: Error): void => {
      const code = errnoOf(err);
      finish({ why: tlsReason(err, code), ...(code === undefined ? {} : { code }) });
    };
    const onClose = (): void => finish({ why: 'the server closed the connection during the handshake' });
    const timer = setTimeout(() => finish({ why: `${NO_ANSWER} within ${waitMs / 1000} s` }), waitMs);
    signal.addEventListener('abort', onAbort);
    secure.once('secureConnect', () => finish({ secure }));
    secure.once('error', onError);
    secure.once('close', onClose);
  });
}

/**
 * Dials `port` of `host` in plain TCP for a probe (dial.ts: the target policy through `resolve`, within `timeoutMs`):
 * the socket, or the error, with whether it came before anything was dialled (the name did not resolve, or
 * the policy refused it), which a probe answers as "not probed" rather than as an outcome.
 */
export async function dialProbe(
  host: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
  resolve: (host: string) => Promise<string[]>,
): Promise<{ socket: net.Socket } | { error: BridgeError; before: boolean }> {
  try {
    const { socket } = await dial({ host, port, tls: 'none', timeoutMs, resolve, signal });
    return { socket };
  } catch (e) {
    // dial() rejects only with a BridgeError.
    const error = e as BridgeError;
    return { error, before: error.code === ERROR_CODES.DNS_NOT_FOUND || error.code === ERROR_CODES.TARGET_REFUSED };
  }
}

/**
 * Why a probe's answer is "none": the first of its connections' `refusals` (the name had no address of the version
 * asked for, or the target policy refused it, before anything was dialled), when none got as far as an address; else
 * null, and the probe answers with its outcomes.
 */
export function notProbed(address: string | null, refusals: readonly (BridgeError | null)[]): { kind: 'none'; reason: 'refused' | 'not-found'; detail: string } | null {
  const failed = refusals.find((r) => r !== null);
  if (address !== null || failed === undefined || failed === null) return null;
  return { kind: 'none', reason: failed.code === ERROR_CODES.DNS_NOT_FOUND ? 'not-found' : 'refused', detail: clip(failed.message) };
}

/** What EHLO got instead of a 250, in a few words: its answer's first line, or that none came. */
function refusedWith(answer: ReadReply, waitMs: number): string {
  switch (answer.kind) {
    case 'whole':
    case 'partial':
      return clip(answer.lines[0] ?? '');
    case 'none':
      return `no answer within ${waitMs / 1000} s`;
    case 'closed':
      return 'the server closed the connection';
    case 'error':
      return clip(answer.message);
  }
}
