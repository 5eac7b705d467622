/**
 * A small typed WebSocket client for a Heloterm instance, for tests: connects with the server's own Origin, decodes
 * every frame with decodeServerMessage (a frame that does not decode fails the test), and lets a test wait for
 * messages with a timeout. It also parses the `rx` stream with the shared ReplyParser, so tests can await replies.
 *
 *   const c = await WsTestClient.open(app.url);
 *   await c.next('hello');
 *   c.send({ type: 'connect', host: '127.0.0.1', port, tls: 'none' });
 *   expect((await c.nextReply()).code).toBe(220);
 */
import WebSocket from 'ws';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeClientMessage } from '../../shared/protocol/encode.js';
import { msg, type Bare, type ClientMessage, type ServerMessage } from '../../shared/protocol/messages.js';
import { offeredSubprotocols } from '../../shared/protocol/token.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import type { Reply } from '../../shared/smtp/types.js';

export const DEFAULT_WAIT_MS = 5000;

export type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

interface Waiter {
  /** Takes what it waits for and resolves, returning true; or returns false to keep waiting. */
  check: () => boolean;
}

export interface OpenOptions {
  /** Origin header; default: the server's own origin (derived from the URL). */
  origin?: string;
  /** Extra headers (e.g. a wrong Host). */
  headers?: Record<string, string>;
  /** The access token, offered as the `heloterm.token.…` subprotocol; default none. */
  token?: string | null;
  /** Subprotocols to offer instead (default: `heloterm.v2`, plus the token's). */
  protocols?: string[];
  /** Answer pings (default true); false plays a dead client for the heartbeat. */
  autoPong?: boolean;
  /** Source address (another loopback address, e.g. 127.0.0.2, plays another client). */
  localAddress?: string;
}

export class WsTestClient {
  /**
   * Every decoded message, in order of arrival, with each line an `rx` reports as `sent` shown as a `tx` of its own
   * before that `rx` (which keeps only its `data`): what the bridge reported, however it grouped it into frames.
   */
  readonly messages: ServerMessage[] = [];
  /** Every complete reply assembled from the `rx` stream, in order. */
  readonly replies: Reply[] = [];
  /** Frames that did not decode (should stay empty). */
  readonly badFrames: string[] = [];
  private readonly consumed: boolean[] = [];
  private replyCursor = 0;
  private readonly parser = new ReplyParser();
  private waiters: Waiter[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.onFrame(data.toString()));
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  /** Opens a WebSocket to `<url>/ws` (url: the Heloterm's http URL) and waits until it is open. */
  static open(url: string, opts: OpenOptions = {}): Promise<WsTestClient> {
    const base = new URL(url);
    const wsUrl = `ws://${base.host}/ws`;
    const protocols = opts.protocols ?? offeredSubprotocols(opts.token ?? null);
    const ws = new WebSocket(wsUrl, protocols, { origin: opts.origin ?? base.origin, headers: opts.headers ?? {}, autoPong: opts.autoPong ?? true,
      ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
    });
    const client = new WsTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Sends a message (the version is added). */
  send(body: Bare<ClientMessage>): void {
    this.ws.send(encodeClientMessage(body));
  }

  /** Sends a raw text frame, e.g. invalid JSON. */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a `line`. */
  line(text: string): void {
    this.send({ type: 'line', text });
  }

  /**
   * The first message of this type not yet returned by next()/waitFor(), waiting for it if needed.
   * Messages of other types stay available to later calls.
   */
  next<T extends ServerMessage['type']>(type: T, timeoutMs = DEFAULT_WAIT_MS): Promise<MessageOf<T>> {
    return this.waitFor((m): m is MessageOf<T> => m.type === type, timeoutMs, `a "${type}" message`);
  }

  /** The first message not yet returned that satisfies the predicate. */
  waitFor<M extends ServerMessage>(
    predicate: ((m: ServerMessage) => m is M) | ((m: ServerMessage) => boolean),
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'a matching message',
  ): Promise<M> {
    const take = (): M | undefined => {
      const i = this.messages.findIndex((m, j) => !this.consumed[j] && predicate(m));
      if (i === -1) return undefined;
      this.consumed[i] = true;
      return this.messages[i] as M;
    };
    return this.wait(take, timeoutMs, what);
  }

  /** The next complete reply from the `rx` stream. */
  nextReply(timeoutMs = DEFAULT_WAIT_MS): Promise<Reply> {
    const take = (): Reply | undefined => {
      const r = this.replies[this.replyCursor];
      if (r !== undefined) this.replyCursor++;
      return r;
    };
    return this.wait(take, timeoutMs, 'a reply');
  }

  /** All `rx` text received so far. */
  rxText(): string {
    return this.messages.map((m) => (m.type === 'rx' ? m.data : '')).join('');
  }

  /** Messages of one type received so far (consumed or not). */
  all<T extends ServerMessage['type']>(type: T): MessageOf<T>[] {
    return this.messages.filter((m): m is MessageOf<T> => m.type === type);
  }

  /** Closes the WebSocket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }

  private wait<R>(take: () => R | undefined, timeoutMs: number, what: string): Promise<R> {
    const now = take();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.messages.map((m) => m.type).join(', ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${seen}`));
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const r = take();
          if (r === undefined) return false;
          clearTimeout(timer);
          resolve(r);
          return true;
        },
      };
      this.waiters.push(waiter);
    });
  }

  private onFrame(text: string): void {
    const decoded = decodeAnyServerMessage(text);
    if (!decoded.ok) {
      this.badFrames.push(text);
      return;
    }
    let m = decoded.value;
    if (m.type === 'rx' && m.sent !== undefined) {
      for (const text of m.sent) {
        this.messages.push(msg<ServerMessage>({ type: 'tx', text }));
        this.consumed.push(false);
      }
      m = msg<ServerMessage>({ type: 'rx', data: m.data });
    }
    this.messages.push(m);
    this.consumed.push(false);
    if (m.type === 'rx') {
      for (const e of this.parser.push(m.data)) if (e.kind === 'reply') this.replies.push(e.reply);
    }
    if (m.type === 'tls') this.parser.reset();
    this.waiters = this.waiters.filter((w) => !w.check());
  }
}
