/**
 * One session per WebSocket: decodes the browser's frames, owns at most one SMTP connection at a time (SmtpLink),
 * and frees everything when the WebSocket goes. A bad frame is answered with BAD_MESSAGE; the session lives on.
 *
 * It also keeps the session within its bounds: idle and maximum durations, and backpressure towards the browser
 * (outbox.ts: what goes to the browser, written lines reported with the reply to them, and when the SMTP socket
 * pauses because the browser is behind).
 *
 * Thousands of sessions may sit idle at once, so an idle one is kept small: one timer for both time limits, no
 * limiter when no line limits are set, and callbacks made once per session (see the note on the class).
 */
import type { LookupFunction, Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { decodeClientMessage, decodeConnectQuery } from '../shared/protocol/decode.js';
import {
  ERROR_CODES,
  exhaustive,
  type Bare,
  type ClientMessage,
  type ConnectMessage,
  type ErrorCode,
  type IpFamily,
  type PracticeInfo,
  type ServerMessage,
} from '../shared/protocol/messages.js';
import { DisposableStore } from './disposable.js';
import { Outbox, type OutboxLimits } from './outbox.js';
import { hasLineLimits, LineLimiter, type LineLimits } from './line-policy.js';
import type { LogSink } from './log.js';
import type { DnsBudget, DnsResolver } from './dns-lookup.js';
import type { ReceivedMessage, StoredMessages } from './practice/practice-server.js';
import type { DnsDeskDeps } from './dns-desk.js';
import { SmtpLink, type LinkDeps } from './smtp-link.js';
import { allowedPorts, checkPort, resolveTargets, type TargetPolicy } from './target-policy.js';
import { storedMessageOf } from './practice/stored-message.js';
import { SessionLookups } from './session-lookups.js';
import { keptProgress, type Progress, type Seat } from './class-view.js';
import type { Lesson } from '../shared/lessons/lesson.js';

/** WebSocket close code for "going away" (RFC 6455 §7.4.1): shutdown. */
export const CLOSE_GOING_AWAY = 1001;
/** WebSocket close code for a policy violation (RFC 6455 §7.4.1): idle or too long. */
export const CLOSE_POLICY = 1008;
export interface SessionLimits extends OutboxLimits {
  /** Close the session after this long without a frame from the browser, in ms. */
  idleTimeoutMs: number;
  /** Close the session after this long in any case, in ms. */
  maxSessionMs: number;
  maxReplyLineChars: number;
  maxReplyLines: number;
  /** How long a graceful close (QUIT, close handshake) may take before everything is cut, in ms. */
  closeGraceMs: number;
}

export interface SessionOptions {
  id: string;
  practice: PracticeInfo | null;
  policy: TargetPolicy;
  lineLimits: LineLimits;
  limits: SessionLimits;
  connectTimeoutMs: number;
  lookup: LookupFunction;
  /** A resolver for one DNS lookup (dns-lookup.ts makeResolver). */
  dnsResolver: () => DnsResolver;
  /** The lookups all sessions together may still begin this minute. */
  dnsBudget: DnsBudget;
  /** The TLSA records at a name, for DANE (dane.ts queryTlsa with the bridge's name servers). */
  lookupTlsa: DnsDeskDeps['tlsa'];
  /** Fetches a domain's MTA-STS policy for its mail policies (mta-sts-fetch.ts); absent: not fetched. */
  fetchMtaSts?: DnsDeskDeps['fetchMtaSts'];
  /** The practice server's stored messages, to show a session the ones it sent; absent without a practice server. */
  storedMessages?: StoredMessages;
  log: LogSink;
  /** Added to every log event of the session (after the event's own fields), e.g. the client's address. */
  logFields?: Record<string, unknown>;
  /** The WebSocket URL's query, without the "?": when it names a target (decodeConnectQuery), it is dialled at once. */
  query?: string;
  /** Called once when the session is disposed (whichever way it ends). */
  onDispose?: (session: Session) => void;
  /** For the instructor's class view (class-view.ts): the page's number, in the order pages opened, and its address. */
  seat?: number;
  remote?: string;
  /** The lessons a page may report progress in: the built-in ones and the class's own (--lessons); default built-in. */
  lessons?: readonly Lesson[];
}

/*
 * Callbacks are made in the constructor (member assignments, arrow functions passed as arguments, bound methods), not
 * declared as arrow-function class fields or object-literal properties: under tsx (esbuild's keepNames) a named
 * function expression is wrapped in __name(), which redefines its `name` and gives that closure a property
 * dictionary of its own, about 300 bytes each, for every session.
 */
/** Browser sessions that have connected to the practice server, to name each one there. */
let practiceClients = 0;

export class Session {
  private readonly store = new DisposableStore();
  private link: SmtpLink | null = null;
  private readonly log: LogSink;
  /** Null when no line limits are set: nothing to count. */
  private readonly limiter: LineLimiter | null;
  /** What every SmtpLink of this session gets; made at the first `connect`. */
  private linkDeps: LinkDeps | null = null;
  /**
   * One timer for both time limits: it fires at the earlier of the idle deadline and the maximum-duration deadline,
   * and is set again if a frame came in meanwhile. A frame only notes the time: no timer work per frame.
   */
  private timer: NodeJS.Timeout;
  private readonly onTimer: () => void;
  /** When the last frame came from the browser, and when the session must end; performance.now() milliseconds. */
  private lastFrameAt: number;
  /** What the page last reported of its lessons and name, for the class view; null before it reported. */
  private progress: Progress | null = null;
  /** When the page's trainee asked for help (performance.now()), while asking; null otherwise. */
  private handAt: number | null = null;
  private readonly endsAt: number;
  private closing: Promise<void> | null = null;
  /** What goes to the browser (outbox.ts). */
  private readonly out: Outbox;
  /** Lookups and probes (session-lookups.ts); null before the first. */
  private lookups: SessionLookups | null = null;
  /** Stops showing this session the messages the practice server stores from its connection; null when not watching. */
  private unwatchStored: (() => void) | null = null;
  /** Sends a stored message to the browser; made at the first connection to the practice server. */
  private onStored: ((m: ReceivedMessage) => void) | null = null;
  /** Who this session is to the practice server's greylisting, across its connections; named at the first. */
  private practiceClient: string | null = null;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws` (outbox.ts corks it). */
    socket: Socket,
    private readonly opts: SessionOptions,
  ) {
    const { id, logFields } = opts;
    this.log = logFields === undefined ? (event) => opts.log({ session: id, ...event }) : (event) => opts.log({ session: id, ...event, ...logFields });
    this.limiter = hasLineLimits(opts.lineLimits) ? new LineLimiter(opts.lineLimits) : null;
    this.out = new Outbox(ws, socket, opts.limits, (paused, queued) => this.onReadPaused(paused, queued));
    this.onTimer = () => this.checkTimeLimits();
    // One cleanup, in the order a store would run separate ones (newest first): timers and held `tx` frames (they
    // cannot be sent any more), the WebSocket, the SMTP connection.
    this.store.defer(() => {
      this.out.dispose();
      clearTimeout(this.timer);
      this.lookups?.dispose();
      this.unwatchStored?.();
      ws.terminate();
      this.link?.dispose();
      this.link = null;
    });
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? null : data.toString()));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => {
      this.log({ event: 'websocket-error', message: err.message });
      this.dispose();
    });
    const { idleTimeoutMs, maxSessionMs } = opts.limits;
    this.lastFrameAt = performance.now();
    this.endsAt = this.lastFrameAt + maxSessionMs;
    this.timer = setTimeout(this.onTimer, Math.min(idleTimeoutMs, maxSessionMs));
    this.log({ event: 'open', idleTimeoutMs, maxSessionMs });
    this.send({ type: 'hello', practice: opts.practice, allowedPorts: allowedPorts(opts.policy) });
    // A target named in the URL: as if a `connect` had come right after `hello` (same checks, same messages). The
    // bridge dials during the handshake instead of a round trip later; a bad one gets the answer a bad frame gets.
    const fromUrl = opts.query === undefined || opts.query === '' ? null : decodeConnectQuery(new URLSearchParams(opts.query));
    if (fromUrl === null) return;
    if (fromUrl.ok) this.onConnect(fromUrl.value);
    else this.error(ERROR_CODES.BAD_MESSAGE, `bad message: ${fromUrl.error}; nothing was dialled`);
  }

  get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  /** The page's number in the class view (Seat.seat), without the rest of what the view shows. */
  get seatNumber(): number {
    return this.opts.seat ?? 0;
  }

  /** What the instructor's class view shows of this session (asked when the view is read, never kept). */
  get seat(): Seat {
    const practice = this.opts.practice;
    return {
      seat: this.seatNumber,
      address: this.opts.remote ?? '',
      openedAt: this.endsAt - this.opts.limits.maxSessionMs,
      lastFrameAt: this.lastFrameAt,
      progress: this.progress,
      handAt: this.handAt,
      target: this.link?.where ?? null,
      // By the address dialled: `localhost` typed reaches it too.
      toPractice: practice !== null && [practice.port, practice.lmtpPort, practice.tlsPort].some((port) => this.link?.isTo(practice.host, port) === true),
    };
  }

  /**
   * Tells the page the instructor's call (a CallMessage: the lesson asked for, or null when withdrawn, `ageS` ago);
   * false when the page cannot be told (the session is closing or closed).
   */
  tellCall(lesson: string | null, ageS: number): boolean {
    if (this.closing !== null || this.store.isDisposed || this.ws.readyState !== this.ws.OPEN) return false;
    this.send({ type: 'call', lesson, ageS });
    return true;
  }

  /**
   * Tells the page the note the instructor said to the class (a SayMessage; null: taken back), `ageS` ago, or to this
   * page's trainee alone (`direct`); false when the page cannot be told (the session is closing or closed).
   */
  tellSay(text: string | null, ageS: number, direct = false): boolean {
    if (this.closing !== null || this.store.isDisposed || this.ws.readyState !== this.ws.OPEN) return false;
    this.send(direct && text !== null ? { type: 'say', text, ageS, direct } : { type: 'say', text, ageS });
    return true;
  }

  /**
   * The instructor lowered the hand this page's trainee raised (the class view): the page is told (a HandMessage);
   * false when the trainee was not asking, or the page cannot be told.
   */
  lowerHand(): boolean {
    if (this.handAt === null || this.closing !== null || this.store.isDisposed || this.ws.readyState !== this.ws.OPEN) return false;
    this.handAt = null;
    if (this.progress !== null) this.progress = { name: this.progress.name, lesson: this.progress.lesson, done: this.progress.done };
    this.send({ type: 'hand', raised: false });
    return true;
  }

  dispose(): void {
    if (this.store.isDisposed) return;
    this.store.dispose();
    this.log({ event: 'end' });
    this.opts.onDispose?.(this);
  }

  /** The timer fired: end the session if a deadline has passed (the earlier one decides), else wait on. */
  private checkTimeLimits(): void {
    const { idleTimeoutMs, maxSessionMs } = this.opts.limits;
    const idleAt = this.lastFrameAt + idleTimeoutMs;
    const due = Math.min(idleAt, this.endsAt);
    const now = performance.now();
    if (now < due) {
      // A frame came in since the timer was set (or the timer, in whole milliseconds, ran a fraction early).
      this.timer = setTimeout(this.onTimer, due - now);
    } else if (due === idleAt) {
      void this.close(CLOSE_POLICY, 'idle', `idle for ${Math.round(idleTimeoutMs / 1000)} s: the session was closed; reload the page to start again`);
    } else {
      void this.close(CLOSE_POLICY, 'max-duration', `the session reached its maximum duration of ${Math.round(maxSessionMs / 1000)} s; reload the page to start a new one`);
    }
  }

  /**
   * Ends the session gracefully: tells the browser why (SESSION_CLOSING), QUITs the SMTP server, closes the
   * WebSocket with `code`; everything is cut after closeGraceMs at the latest. Resolves when all is closed.
   */
  close(code: number, why: string, message: string): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this.store.isDisposed) return Promise.resolve();
    this.log({ event: 'closing', why });
    this.send({ type: 'error', code: ERROR_CODES.SESSION_CLOSING, message });
    const quit = this.link?.quit(message) ?? Promise.resolve();
    this.out.flush(); // the `tx` of the QUIT, if any: before the close frame
    const ws = this.ws;
    const wsClosed = new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())));
    ws.close(code, why);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.limits.closeGraceMs)));
    this.closing = Promise.race([Promise.all([quit, wsClosed]), grace]).then(() => {
      clearTimeout(timer);
      this.dispose();
    });
    return this.closing;
  }

  private send(body: Bare<ServerMessage>): void {
    this.out.send(body);
  }

  /** The browser fell behind (outbox.ts), or caught up: pause or resume reading the SMTP server. */
  private onReadPaused(paused: boolean, queued: number): void {
    this.link?.setReadPaused(paused);
    this.log({ event: paused ? 'backpressure-pause' : 'backpressure-resume', direction: 'to-browser', queuedBytes: queued });
  }

  private error(code: ErrorCode, message: string): void {
    this.log({ event: 'error', code });
    this.send({ type: 'error', code, message });
  }

  private onFrame(text: string | null): void {
    if (this.closing !== null) return;
    this.lastFrameAt = performance.now(); // a frame from the browser: not idle
    if (text === null) return this.error(ERROR_CODES.BAD_MESSAGE, 'binary frames are not part of the protocol: send text frames (docs/protocol.md)');
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) return this.error(ERROR_CODES.BAD_MESSAGE, `bad message: ${decoded.error}`);
    this.onMessage(decoded.value);
  }

  private onMessage(m: ClientMessage): void {
    switch (m.type) {
      case 'connect':
        return this.onConnect(m);
      case 'line':
        if (this.link === null) return this.error(ERROR_CODES.NOT_CONNECTED, 'not connected: connect to a server first');
        return this.link.line(m.text);
      case 'disconnect':
        if (this.link === null) return this.error(ERROR_CODES.NOT_CONNECTED, 'not connected: there is nothing to close');
        return this.link.disconnect();
      case 'mx':
      case 'rdns':
      case 'dane':
      case 'dkim':
      case 'spf':
      case 'dnsbl':
      case 'dbl':
      case 'ports':
      case 'tlsversions':
      case 'smuggling':
      case 'tlsinjection':
      case 'mxtls':
        return this.lookupDesk().handle(m);
      case 'progress':
        this.progress = keptProgress(m, this.opts.lessons);
        // Since when the trainee has asked for help: kept across reports that still ask.
        this.handAt = m.hand === true ? (this.handAt ?? performance.now()) : null;
        return;
      default:
        return exhaustive(m);
    }
  }

  /** The session's lookups and probes, made at the first (session-lookups.ts). */
  private lookupDesk(): SessionLookups {
    return (this.lookups ??= new SessionLookups({
      opts: this.opts,
      send: (m) => this.send(m),
      error: (code, message) => this.error(code, message),
      log: this.log,
      link: () => this.link,
    }));
  }

  private onConnect(m: ConnectMessage): void {
    if (this.link !== null) {
      return this.error(ERROR_CODES.ALREADY_CONNECTED, 'already connected: disconnect (or QUIT) before connecting again');
    }
    const refusal = checkPort(m.port, this.opts.policy);
    if (refusal !== null) return this.error(ERROR_CODES.TARGET_REFUSED, refusal);
    const link = new SmtpLink(m, (this.linkDeps ??= this.makeLinkDeps()));
    this.link = link;
    if (this.out.readPaused) link.setReadPaused(true);
    link.start();
  }

  private makeLinkDeps(): LinkDeps {
    const { limits } = this.opts;
    return {
      timeoutMs: this.opts.connectTimeoutMs,
      resolve: this.resolve.bind(this),
      limiter: this.limiter,
      maxReplyLineChars: limits.maxReplyLineChars,
      maxReplyLines: limits.maxReplyLines,
      onWriteBlocked: this.onLinkWriteBlocked.bind(this),
      // Straight to the outbox: the link's replies are the per-line path.
      send: this.out.send.bind(this.out),
      log: this.log,
      onEnd: this.onLinkEnd.bind(this),
      onOpen: this.opts.storedMessages === undefined ? undefined : this.onLinkOpen.bind(this),
    };
  }

  /**
   * A connection to the practice server: the messages it sends are shown back to this session as stored (the
   * practice server knows its connections by their ports; the link's own port is that connection's).
   */
  private onLinkOpen(address: string, port: number, localPort: number): void {
    const practice = this.opts.practice;
    const stored = this.opts.storedMessages;
    this.unwatchStored?.();
    this.unwatchStored = null;
    if (practice === null || stored === undefined || address !== practice.host) return;
    if (port !== practice.port && port !== practice.lmtpPort && port !== practice.tlsPort) return;
    this.onStored ??= (m) => this.send(storedMessageOf(m));
    this.practiceClient ??= `browser session ${++practiceClients}`;
    this.unwatchStored = stored.watch(localPort, this.onStored, this.practiceClient);
  }

  private resolve(host: string, port: number, family?: IpFamily): Promise<string[]> {
    return resolveTargets(host, port, this.opts.policy, this.opts.lookup, family);
  }

  /** Stop reading the browser while the SMTP server does not read (its socket buffer is full). */
  private onLinkWriteBlocked(blocked: boolean): void {
    if (blocked) this.ws.pause();
    else this.ws.resume();
    this.log({ event: blocked ? 'backpressure-pause' : 'backpressure-resume', direction: 'to-server' });
  }

  private onLinkEnd(link: SmtpLink): void {
    if (this.link === link) this.link = null;
    this.unwatchStored?.();
    this.unwatchStored = null;
  }
}
