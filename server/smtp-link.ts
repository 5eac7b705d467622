/**
 * One SMTP connection of a session, from `connect` to `closed`: dials, relays received text as `rx`, writes the
 * user's lines with exactly one CRLF, holds lines until the server may hear them, and performs STARTTLS.
 * Everything it opens (sockets, timers) lives in its own DisposableStore.
 *
 * Invariant for scripters: after `connecting`, exactly one `closed` follows (possibly after an `error`).
 */
import type { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import {
  ERROR_CODES,
  type Bare,
  type CloseCause,
  type ConnectMessage,
  type IpFamily,
  type ServerMessage,
  type TlsMessage,
} from '../shared/protocol/messages.js';
import { ReplyParser } from '../shared/smtp/parser.js';
import { SessionModel } from '../shared/smtp/session.js';
import type { ParseEvent } from '../shared/smtp/types.js';
import { describePeerCertificate, peerChain } from './certificate.js';
import { bareHost, dial, tlsClientOptions } from './dial.js';
import { DisposableStore, timeout } from './disposable.js';
import type { LineLimiter } from './line-policy.js';
import type { LogSink } from './log.js';
import { mapNetError, type BridgeError } from './net-errors.js';
import { Utf8Stream } from './utf8.js';

/** Most lines held at once (before the greeting or during STARTTLS); more means a script is not waiting. */
export const MAX_HELD_LINES = 100;
/** Bytes waiting in the socket's write buffer beyond which a line is refused: the server is not reading. */
export const MAX_WRITE_BACKLOG_BYTES = 1024 * 1024;
/**
 * CR, LF and NUL may never reach the server inside a line (RFC 5321 §2.3.8; SMTP smuggling, CVE-2023-51764/5/6),
 * nor any other C0 control or DEL: none belongs in a command or in typed message text. TAB is allowed: it is
 * white space in header fields (RFC 5322 §2.2.3 WSP) and harmless on the wire.
 */
const FORBIDDEN_IN_LINE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Longest reply line accepted, in characters: RFC 5321 §4.5.3.1.5 allows 512 octets; a few KiB is generous. */
export const DEFAULT_MAX_REPLY_LINE_CHARS = 4096;
/** Most lines in one reply: EHLO replies run to ~20 lines, HELP texts to a few dozen. */
export const DEFAULT_MAX_REPLY_LINES = 1000;
/** After QUIT on shutdown, how long the server may take to answer and close before the socket is destroyed, in ms. */
export const QUIT_LINGER_MS = 1000;

/**
 * What a link gets from its session. Only references, no closures of its own: the session makes its callbacks
 * once, and an open connection costs no more memory than it must.
 */
export interface LinkDeps {
  timeoutMs: number;
  /** Resolves and checks the target (target-policy.ts resolveTargets): the addresses to dial in turn. */
  resolve: (host: string, port: number, family?: IpFamily) => Promise<string[]>;
  /** Deployment limits (line-policy.ts), shared by the session's connections; null when none are set. */
  limiter: LineLimiter | null;
  maxReplyLineChars: number;
  maxReplyLines: number;
  /** The SMTP socket's write buffer is full (true) or drained (false): stop or resume reading the browser. */
  onWriteBlocked: (blocked: boolean) => void;
  send: (m: Bare<ServerMessage>) => void;
  log: LogSink;
  /** Called once, after `closed` was sent (or after a silent dispose). */
  onEnd: (link: SmtpLink) => void;
  /** Called when the connection is up: the address and port dialled, and the socket's own port. */
  onOpen?: (address: string, port: number, localPort: number) => void;
}

type Phase = 'dialling' | 'open' | 'handshake' | 'ended';

/** Hands the lines of one turn to the socket (see write()). A module function with an argument: no closure per line. */
function writePending(link: SmtpLink): void {
  link.writePending();
}

/*
 * Listeners and callbacks are assigned in the constructor, not declared as arrow-function class fields: under tsx
 * (esbuild's keepNames) a named function expression is wrapped in __name(), which redefines its `name` and gives
 * that closure a property dictionary of its own, about 300 bytes each, for every connection.
 */
export class SmtpLink {
  private readonly store = new DisposableStore();
  /** Aborts dialling; only while dialling (an AbortSignal is an EventTarget, not small to keep per connection). */
  private dialAbort: AbortController | null = null;
  /** Follows the dialog: when lines may be written, what is message text, when STARTTLS was accepted. */
  private readonly model = new SessionModel();
  private readonly parser: ReplyParser;
  /** The server's bytes as text; holds a character split across chunks (server/utf8.ts: no TextDecoder each). */
  private readonly decoder = new Utf8Stream();
  private socket: net.Socket | null = null;
  private secure = false;
  private phase: Phase = 'dialling';
  /** The address dialled, once connected (for reverse DNS); null before. */
  address: string | null = null;
  private readonly held: string[] = [];
  /** Lines written in this turn of the event loop, each with its CRLF, not yet handed to the socket (see write()). */
  private pending = '';
  /** The browser is behind: the SMTP socket is paused until it catches up. */
  private readPaused = false;
  /** The SMTP socket's write buffer is full: the browser's WebSocket is paused until 'drain'. */
  private writeBlocked = false;
  /** On a graceful end (QUIT at shutdown), sockets are ended and destroyed after this long, instead of at once. */
  private lingerMs = 0;
  private readonly onData: (chunk: Buffer) => void;
  private readonly onSocketError: (err: Error) => void;
  private readonly onSocketClose: () => void;
  private readonly onDrain: () => void;

  constructor(
    private readonly target: ConnectMessage,
    private readonly deps: LinkDeps,
  ) {
    this.parser = new ReplyParser({ maxLineChars: deps.maxReplyLineChars, maxReplyLines: deps.maxReplyLines });
    this.onData = (chunk) => this.received(chunk);
    this.onSocketError = (err) => this.end('error', '', mapNetError(err, target.host, target.port, this.phase === 'handshake'));
    this.onSocketClose = () => this.serverClosed();
    this.onDrain = () => this.setWriteBlocked(false);
    this.store.defer(() => {
      this.setWriteBlocked(false);
      this.dialAbort?.abort();
    });
  }

  /** Whether it is connected to `address` (dialled, after DNS) on `port`: for the class view, the practice server. */
  isTo(address: string, port: number): boolean {
    return this.address === address && this.target.port === port;
  }

  /** What it dials or is connected to, "host:port" (an IPv6 address in brackets), for the class view. */
  get where(): string {
    const { host, port } = this.target;
    return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  }

  start(): void {
    const { host, port, tls: tlsMode } = this.target;
    const abort = new AbortController();
    this.dialAbort = abort;
    this.deps.log({ event: 'connect', host, port, tls: tlsMode });
    this.deps.send({ type: 'connecting', host, port });
    const resolve = (name: string): Promise<string[]> => this.deps.resolve(name, port, this.target.family);
    // An address that did not take the connection, while others are left: said, and dialling goes on (not an end).
    // Its message begins with the address (protocol.md), for the page to name it.
    const onAddressFailed = (address: string, err: BridgeError, next: string): void => {
      this.deps.log({ event: 'address-failed', code: err.code });
      const why = err.code === ERROR_CODES.CONNECTION_REFUSED ? 'connection refused' : err.code === ERROR_CODES.TIMEOUT ? `no answer within ${this.deps.timeoutMs / 1000} s` : err.message;
      const message = `${address} did not take the connection (${why}); trying the next address of ${host}, ${next}`;
      this.deps.send({ type: 'error', code: ERROR_CODES.ADDRESS_FAILED, message });
    };
    dial({ host, port, tls: tlsMode, timeoutMs: this.deps.timeoutMs, resolve, onAddressFailed, signal: abort.signal }).then(
      ({ socket, address }) => this.onDialled(socket, address),
      (err: BridgeError) => this.end('error', err.message, err),
    );
  }

  /** A line typed by the user (without line ending). */
  line(text: string): void {
    if (FORBIDDEN_IN_LINE.test(text)) {
      return this.refuseLine(
        'the line contains a control character (CR, LF, NUL, ESC, …), which must never be sent inside a line (RFC 5321 §2.3.8); nothing was sent',
      );
    }
    // What the line will be (command or message text) as far as the dialog is known now.
    const refusal = this.deps.limiter?.check(text, this.model.kindOfNextLine(text)) ?? null;
    if (refusal !== null) {
      this.deps.log({ event: 'policy-refused', rule: refusal.rule });
      this.deps.send({ type: 'error', code: ERROR_CODES.POLICY_REFUSED, message: refusal.message });
      return;
    }
    if (this.mustHold()) {
      if (this.held.length >= MAX_HELD_LINES) return this.refuseLine(`more than ${MAX_HELD_LINES} lines are waiting; nothing was sent`);
      this.held.push(text);
      this.deps.send({ type: 'queued', text });
      return;
    }
    this.write(text);
  }

  /** The user closed the connection (without QUIT). */
  disconnect(): void {
    this.end('client', 'you closed the connection');
  }

  /**
   * Ends the connection politely (shutdown, idle): QUIT when the dialog allows a command (RFC 5321 §4.1.1.10),
   * then FIN; the socket is destroyed once closed or after QUIT_LINGER_MS. Resolves when the socket is closed.
   */
  quit(reason: string): Promise<void> {
    if (this.phase === 'ended') return Promise.resolve();
    const socket = this.socket;
    const closed =
      socket === null || socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Not before the greeting or during STARTTLS (held), and not inside a message (DATA's text, a BDAT chunk),
    // where QUIT would be message text.
    if (socket !== null && this.phase === 'open' && !this.model.holdLines && !this.model.inMessage) {
      this.writePending(); // lines written in this turn go first
      socket.write('QUIT\r\n');
      this.model.sent('QUIT');
      this.deps.send({ type: 'tx', text: 'QUIT' });
      this.lingerMs = QUIT_LINGER_MS;
    }
    this.end('client', reason);
    return closed;
  }

  /** The browser is behind (true) or caught up (false): pause or resume reading from the server. */
  setReadPaused(paused: boolean): void {
    this.readPaused = paused;
    const s = this.socket;
    if (s === null || s.destroyed) return;
    if (paused) s.pause();
    else s.resume();
  }

  /** Frees everything without sending anything: the WebSocket is gone. */
  dispose(): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.store.dispose();
    this.deps.log({ event: 'closed', by: 'client', reason: 'websocket closed' });
    this.deps.onEnd(this);
  }

  private mustHold(): boolean {
    return this.phase !== 'open' || this.model.holdLines || this.held.length > 0;
  }

  private setWriteBlocked(blocked: boolean): void {
    if (this.writeBlocked === blocked) return;
    this.writeBlocked = blocked;
    this.deps.onWriteBlocked(blocked);
  }

  private refuseLine(message: string): void {
    this.deps.send({ type: 'error', code: ERROR_CODES.LINE_REJECTED, message });
  }

  private onDialled(socket: net.Socket, address: string): void {
    if (this.phase === 'ended') {
      socket.destroy();
      return;
    }
    this.dialAbort = null; // nothing left to abort
    this.phase = 'open';
    this.address = address;
    const { host, port } = this.target;
    this.deps.log({ event: 'connected', host, address, port });
    this.deps.send({ type: 'connected', host, address, port });
    this.deps.onOpen?.(address, port, socket.localPort ?? 0);
    this.attach(socket);
    if (socket instanceof tls.TLSSocket) {
      this.model.connected(true);
      this.onSecure(socket);
    }
  }

  /** Feeds replies to the model; true when one of them accepted STARTTLS (RFC 3207 §4). */
  private startTlsAccepted(events: readonly ParseEvent[]): boolean {
    for (const e of events) {
      if (e.kind !== 'reply') continue;
      const ex = this.model.received(e.reply);
      if (ex.after.tlsPending && !ex.before.tlsPending) return true;
    }
    return false;
  }

  /** Takes ownership of a (plain or TLS) socket: it is destroyed when the link ends. */
  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    if (this.readPaused) socket.pause();
    this.store.defer(() => this.release(socket));
  }

  /** Destroys a socket, or after QUIT ends it and destroys it once QUIT_LINGER_MS have passed. */
  private release(socket: net.Socket): void {
    // Lines written in this turn of the event loop go out first, as they would have without the batching in write().
    if (socket === this.socket) this.writePending();
    if (this.lingerMs === 0 || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.resume(); // read (and drop) the 221, so the server can close
    if (socket === this.socket) socket.end();
    const timer = setTimeout(() => socket.destroy(), this.lingerMs);
    socket.once('close', () => clearTimeout(timer));
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onSocketClose);
    // The 'error' listener stays: errors of the socket under a TLS socket must not go unhandled.
  }

  private serverClosed(): void {
    if (this.phase === 'ended') return; // we closed it: `closed` was sent already
    const rest = this.decoder.end();
    if (rest.length > 0) this.deps.send({ type: 'rx', data: rest });
    this.end('server', 'the server closed the connection');
  }

  private received(chunk: Buffer): void {
    if (this.phase === 'ended') return; // lingering after QUIT: nobody listens any more
    const text = this.decoder.write(chunk);
    if (text.length === 0) return;
    let cut = text.length;
    let startTls = false;
    let overflow = false;
    if (!this.model.startTlsAwaited) {
      // The usual case. The chunk goes to the browser first, since that is what it waits for; the model does not
      // decide anything about it (only a STARTTLS reply would). Then it is parsed whole (no slicing per line).
      this.deps.send({ type: 'rx', data: text });
      for (const e of this.parser.push(text)) {
        if (e.kind === 'overflow') overflow = true;
        else if (e.kind === 'reply') this.model.received(e.reply); // no STARTTLS is awaited: none is accepted here
      }
    } else {
      // Line by line, so we know where the reply to STARTTLS ends within the chunk (RFC 3207 §6).
      for (let start = 0; start < text.length; ) {
        const lf = text.indexOf('\n', start);
        const end = lf === -1 ? text.length : lf + 1;
        const events = this.parser.push(text.slice(start, end));
        start = end;
        if (events.some((e) => e.kind === 'overflow')) overflow = true;
        if (this.startTlsAccepted(events)) {
          startTls = true;
          cut = end;
          break;
        }
      }
      this.deps.send({ type: 'rx', data: text.slice(0, cut) });
    }
    if (overflow) {
      return this.end('error', '', { code: ERROR_CODES.SERVER_LIMIT, message: 'the server sent a line or reply longer than the bridge accepts; the connection was closed' });
    }
    // Inside TLS already, a 220 to a second STARTTLS is the server's mistake: stay as we are.
    if (startTls && !this.secure) {
      if (cut < text.length) this.deps.log({ event: 'starttls-discarded', chars: text.length - cut });
      return this.startTls();
    }
    this.flush();
  };

  /** RFC 3207: after the 220 the next bytes are the TLS handshake; anything received after it is discarded (§6). */
  private startTls(): void {
    const plain = this.socket;
    if (plain === null) return;
    this.phase = 'handshake';
    this.detach(plain);
    this.setWriteBlocked(false); // a 'drain' of the plain socket would no longer reach us
    const secure = tls.connect({ socket: plain, ...tlsClientOptions(this.target.host) });
    const timer = timeout(this.store, this.deps.timeoutMs, () =>
      this.end('error', '', { code: ERROR_CODES.TLS_FAILED, message: `TLS handshake did not finish within ${this.deps.timeoutMs / 1000} s` }),
    );
    secure.once('secureConnect', () => {
      timer.dispose();
      if (this.phase !== 'handshake') return;
      this.phase = 'open';
      this.model.tlsEstablished();
      this.onSecure(secure);
      this.flush();
    });
    this.attach(secure);
  }

  /**
   * The TLS session's target and the certificates the server presented, its own first, for DANE (RFC 7672: the host
   * dialled, its port); null before TLS. Read when asked, from the socket: a session keeps no copy of them.
   */
  get tlsPeer(): { host: string; port: number; chain: readonly X509Certificate[] } | null {
    if (!this.secure || !(this.socket instanceof tls.TLSSocket)) return null;
    return { host: bareHost(this.target.host), port: this.target.port, chain: peerChain(this.socket) };
  }

  private onSecure(socket: tls.TLSSocket): void {
    this.secure = true;
    // RFC 3207 §4.2: nothing from before the handshake counts.
    this.parser.reset();
    this.decoder.reset();
    const err: unknown = socket.authorizationError;
    const m: Bare<TlsMessage> = {
      type: 'tls',
      protocol: socket.getProtocol() ?? 'unknown',
      cipher: socket.getCipher()?.name ?? 'unknown',
      authorized: socket.authorized,
      authorizationError: socket.authorized || err == null ? null : err instanceof Error ? err.message : String(err),
      certificate: describePeerCertificate(socket, bareHost(this.target.host)),
    };
    this.deps.log({ event: 'tls', protocol: m.protocol, authorized: m.authorized });
    this.deps.send(m);
  }

  private flush(): void {
    while (this.held.length > 0 && this.phase === 'open' && !this.model.holdLines) {
      this.write(this.held.shift() ?? '');
    }
  }

  private write(text: string): void {
    const socket = this.socket;
    if (socket === null) return;
    if (socket.writableLength + this.pending.length > MAX_WRITE_BACKLOG_BYTES) {
      return this.refuseLine('the server is not reading what was sent; nothing was sent');
    }
    // The lines handled in one turn of the event loop (frames that came in one read of the WebSocket: a pasted
    // message, pipelined commands) leave in one write, one system call and one segment instead of one per line.
    // The bytes and their order are the same; the server cannot tell (TCP keeps no line boundaries).
    if (this.pending.length === 0) process.nextTick(writePending, this);
    this.pending += text + '\r\n';
    this.model.sent(text);
    this.deps.send({ type: 'tx', text });
  }

  /**
   * Writes the lines of this turn (write()) in one string: one plain write, where a corked socket would take Node's
   * writev path. Called on the next tick, before any I/O, and first by anything else that writes or lets go.
   */
  writePending(): void {
    const text = this.pending;
    const socket = this.socket;
    if (text.length === 0 || socket === null) return;
    this.pending = '';
    if (socket.destroyed) return;
    // Backpressure towards the server: when its socket buffer is full, stop reading the browser until 'drain'.
    if (!socket.write(text) && !this.writeBlocked) {
      this.setWriteBlocked(true);
      socket.once('drain', this.onDrain);
    }
  }

  /** Ends the connection once: frees everything, reports the error (if any) and `closed`. */
  private end(by: CloseCause, reason: string, error?: BridgeError): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.store.dispose();
    if (error !== undefined) {
      this.deps.log({ event: 'error', code: error.code });
      this.deps.send({ type: 'error', code: error.code, message: error.message });
    }
    const why = reason !== '' ? reason : (error?.message ?? 'closed');
    this.deps.log({ event: 'closed', by });
    this.deps.send({ type: 'closed', by, reason: why });
    this.deps.onEnd(this);
  }
}
