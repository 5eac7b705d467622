/**
 * What a session sends to the browser, and how: one per session (session.ts).
 *
 * Written lines are reported with the reply to them: each `tx` is held, and the next `rx` carries the held lines
 * in its `sent` list (one frame instead of two per command). When another message goes first, or nothing follows
 * within TX_COALESCE_MS, the held lines go out as `tx` frames, in one socket write with what follows. Either way
 * every written line is reported once, in order, before anything received after it.
 *
 * And backpressure towards the browser: while the WebSocket's send buffer is above a high-water mark the session is
 * told to pause its SMTP socket; below the low-water mark, to resume it (as wetty's flow control does for a pty).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { encodeRx, encodeServerMessage } from '../shared/protocol/encode.js';
import type { Bare, ServerMessage } from '../shared/protocol/messages.js';

/**
 * Longest a written line waits to be reported, in ms. It is held so that it travels in the `rx` with the reply to
 * it (`sent`), which on a near server comes within a millisecond: one frame per command less to write on the
 * bridge and to decode in the browser. When no `rx` follows (a slow server, a line of message text), the held
 * lines go out as `tx` frames after this long; short enough for a person not to notice the echo lag.
 */
export const TX_COALESCE_MS = 10;
/** The longest header ws writes before a frame the bridge sends (RFC 6455 §5.2: 2 + 8 bytes of length, unmasked). */
const MAX_FRAME_HEADER_BYTES = 10;

export interface OutboxLimits {
  /** Pause the SMTP socket while the WebSocket has more than this many bytes unsent. */
  highWaterBytes: number;
  /** Resume it when the WebSocket is back below this. */
  lowWaterBytes: number;
}

/* Callbacks are made in the constructor, not as arrow-function class fields: see the note in session.ts. */
export class Outbox {
  /** The browser is behind: the session's SMTP socket is paused. */
  private paused = false;
  private disposed = false;
  /** Written lines not yet reported (see TX_COALESCE_MS), oldest first. */
  private readonly heldTx: string[] = [];
  /** When the oldest held line was held (performance.now()): the timer's deadline is TX_COALESCE_MS after it. */
  private heldSince = 0;
  /**
   * Sends held lines as `tx` frames; made at the first `tx`, then re-armed (refresh()): no allocation per line. It is
   * armed at most once at a time, not for every line: a line held while it runs (after an `rx` took the lines it was
   * armed for) is not sent when it fires, which would be early, but waits out its own TX_COALESCE_MS (a timer made
   * for what is left of it). Under steady traffic (a paste, a client that writes as soon as it reads) such a line is
   * often in flight when the timer fires, and sending it then cost a `tx` frame beside the `rx` that would have
   * carried it: 1.15 frames per reply in the concurrency benchmark's loop, 1.00 now.
   */
  private txTimer: NodeJS.Timeout | null = null;
  /** What txTimer was made for, in ms: refresh() re-arms it for as long. */
  private txTimerMs = 0;
  private txTimerArmed = false;
  /** The timer's callback: made once. */
  private readonly onTxTimer: () => void;
  /** ws calls it when a frame was written out. */
  private readonly onSent: () => void;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`: corked around held `tx` frames and the frame after them, so all go in one write. */
    private readonly socket: Socket,
    private readonly limits: OutboxLimits,
    /** Pause (true) or resume the SMTP socket: the browser's backlog went over the high-water mark, or back under the low. */
    private readonly onPause: (paused: boolean, queuedBytes: number) => void,
  ) {
    this.onSent = () => this.checkBackpressure();
    this.onTxTimer = () => {
      this.txTimerArmed = false;
      if (this.heldTx.length === 0) return; // an `rx` took them
      const left = TX_COALESCE_MS - (performance.now() - this.heldSince);
      // Held after the timer was armed: it waits for the rest of its own time, in whole milliseconds (Node keeps a
      // list of timers per duration: one per fraction would be made each time). Timers may fire up to a millisecond
      // early: with less than that left, the lines go now.
      if (left >= 1) this.armTxTimer(Math.ceil(left));
      else this.flush();
    };
  }

  /** Whether the SMTP socket should be paused now (a connection made while the browser is behind starts paused). */
  get readPaused(): boolean {
    return this.paused;
  }

  /** Sends a message, or holds it (a `tx`); nothing once disposed or once the WebSocket is no longer open. */
  send(body: Bare<ServerMessage>): void {
    const ws = this.ws;
    if (this.disposed || ws.readyState !== ws.OPEN) return;
    if (body.type === 'tx') return this.holdTx(body.text);
    if (this.heldTx.length === 0) {
      const frame = encodeServerMessage(body);
      ws.send(frame, this.sentCallback(frame));
    } else if (body.type === 'rx') {
      // The usual case: the reply to the lines just written. One frame reports both, lines first.
      const frame = encodeRx(this.heldTx, body.data);
      this.heldTx.length = 0;
      ws.send(frame, this.sentCallback(frame));
    } else this.sendWithHeldTx(encodeServerMessage(body));
    this.checkBackpressure();
  }

  /** Sends the held lines as `tx` frames (in one write), if any. The timer may find nothing: an `rx` took them. */
  flush(): void {
    const ws = this.ws;
    if (this.heldTx.length === 0) return;
    if (this.disposed || ws.readyState !== ws.OPEN) {
      this.heldTx.length = 0;
      return;
    }
    this.sendWithHeldTx(null);
    this.checkBackpressure();
  }

  /** Drops what is held (it cannot be sent any more) and the timer; sends nothing from now on. */
  dispose(): void {
    this.disposed = true;
    this.heldTx.length = 0;
    if (this.txTimer !== null) clearTimeout(this.txTimer);
  }

  /**
   * What ws calls when `frame` is written out: onSent (checkBackpressure), or nothing when the frame cannot be the
   * one that pauses the SMTP socket. A callback costs Node's stream a tick per frame (about 1 % of a round trip
   * through the bridge), and most frames are written at once, leaving nothing to watch. A frame goes without one
   * only when nothing waits before it and it cannot pass the high-water mark alone (3 bytes at most per UTF-16 unit,
   * plus ws's header): so whenever the socket is paused, the last frame sent has one, and reading resumes at the
   * latest when that frame is written out (at the low-water mark before, as the earlier ones are).
   */
  private sentCallback(frame: string): (() => void) | undefined {
    const alone = frame.length * 3 + MAX_FRAME_HEADER_BYTES;
    return this.paused || this.ws.bufferedAmount > 0 || alone > this.limits.highWaterBytes ? this.onSent : undefined;
  }

  private holdTx(text: string): void {
    if (this.heldTx.push(text) > 1) return; // held with the lines before it: their deadline is its own
    this.heldSince = performance.now();
    if (!this.txTimerArmed) this.armTxTimer(TX_COALESCE_MS); // else it finds this line held later when it fires
  }

  /** Arms the timer (not armed now): the last one made, re-armed when it is for as long, else a new one. */
  private armTxTimer(ms: number): void {
    this.txTimerArmed = true;
    if (this.txTimer !== null && ms === this.txTimerMs) {
      this.txTimer.refresh(); // re-arms it: it fired already
      return;
    }
    this.txTimer = setTimeout(this.onTxTimer, ms);
    this.txTimerMs = ms;
  }

  /**
   * Sends the held lines as `tx` frames and then `frame` (if any) in one write: ws writes each frame to the socket
   * at once, and the socket is corked around them, so they leave in one writev. Only the last frame asks to be told
   * when it is written out (onSent): frames written together are written out together.
   */
  private sendWithHeldTx(frame: string | null): void {
    const ws = this.ws;
    const held = this.heldTx;
    const last = frame === null ? held.length - 1 : -1;
    this.socket.cork();
    try {
      for (let i = 0; i < held.length; i++) ws.send(encodeServerMessage({ type: 'tx', text: held[i] as string }), i === last ? this.onSent : undefined);
      held.length = 0;
      if (frame !== null) ws.send(frame, this.onSent);
    } finally {
      this.socket.uncork();
    }
  }

  /** Called after each send and each completed write: pause or resume the SMTP socket by the WebSocket's backlog. */
  private checkBackpressure(): void {
    const queued = this.ws.bufferedAmount;
    const { highWaterBytes, lowWaterBytes } = this.limits;
    if (!this.paused && queued > highWaterBytes) {
      this.paused = true;
      this.onPause(true, queued);
    } else if (this.paused && (queued < lowWaterBytes || this.ws.readyState !== this.ws.OPEN)) {
      this.paused = false;
      this.onPause(false, queued);
    }
  }
}
