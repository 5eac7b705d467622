/**
 * The browser's end of the WebSocket to the heloterm bridge: typed events in, typed messages out.
 *
 * Every frame is decoded at the boundary with decodeServerMessage, or once the app is loaded decodeAnyServerMessage
 * (nothing from the wire is cast); a frame that does not decode is reported as a protocol problem and otherwise
 * ignored. Messages go out through encodeClientMessage (a line as a compact frame, the rest as JSON with the
 * protocol version).
 */
import { decodeServerMessage, UNKNOWN_TYPE, type Decoded } from '../shared/protocol/decode.js';
import { encodeClientMessage } from '../shared/protocol/encode.js';
import type { Bare, ClientMessage, ServerMessage } from '../shared/protocol/messages.js';
import { offeredSubprotocols } from '../shared/protocol/token.js';

/** The path the bridge serves its WebSocket on (same origin as the page). */
export const WS_PATH = '/ws';

type ServerType = ServerMessage['type'];
type MessageOf<K extends ServerType> = Extract<ServerMessage, { type: K }>;
type Handler<K extends ServerType> = (m: MessageOf<K>) => void;

/** What happened to the WebSocket itself (not to the SMTP connection behind it). */
export interface LinkEvents {
  open: () => void;
  /** The WebSocket closed (bridge stopped, network lost). `code` is the WebSocket close code. */
  down: (code: number, reason: string) => void;
  /** A frame that is not a valid protocol message. */
  protocolError: (error: string) => void;
}

/** ws:// or wss:// (matching the page's scheme), the page's host and port, and the bridge's path. */
export function webSocketUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${WS_PATH}`;
}

/** Where frames wait to be read once the app is here (frame-inbox.ts). */
export interface FrameSink {
  push(frame: unknown): void;
  /** Reads every frame waiting, now. */
  readAll(): void;
}

export class Connection {
  private socket: WebSocket | null = null;
  /** Where frames go to be read, from readThrough on; until then each is read in its message task. */
  private inbox: FrameSink | null = null;
  private decode: (raw: string) => Decoded<ServerMessage> = decodeServerMessage;
  /** Where a frame of a type `decode` does not know goes, whole, while the app that knows it is loading (or null). */
  private unknown: ((raw: string) => void) | null = null;
  private readonly handlers = new Map<ServerType, Set<(m: ServerMessage) => void>>();
  private readonly any = new Set<(m: ServerMessage) => void>();
  private readonly link: { [K in keyof LinkEvents]: Set<LinkEvents[K]> } = {
    open: new Set(),
    down: new Set(),
    protocolError: new Set(),
  };

  /** `token`: the access token, offered as a subprotocol next to `heloterm.v2` (see docs/protocol.md). */
  constructor(
    private readonly url: string,
    private readonly token: string | null = null,
  ) {}

  /** True while the WebSocket is open and messages can be sent. */
  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the WebSocket unless it is open or opening. */
  open(): void {
    if (this.socket !== null && this.socket.readyState <= WebSocket.OPEN) return;
    const ws = new WebSocket(this.url, offeredSubprotocols(this.token));
    this.socket = ws;
    ws.addEventListener('open', () => this.link.open.forEach((f) => f()));
    ws.addEventListener('close', (e) => {
      if (this.socket === ws) this.socket = null;
      // What came before the close is read before it is told (told even if a reader fails).
      try {
        this.inbox?.readAll();
      } finally {
        this.link.down.forEach((f) => f(e.code, e.reason));
      }
    });
    ws.addEventListener('message', (e) => (this.inbox === null ? this.receive(e.data) : this.inbox.push(e.data)));
  }

  /** Subscribes to one server message type; returns the unsubscribe function. */
  on<K extends ServerType>(type: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(type);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(type, set);
    }
    // The map is keyed by type and dispatch only passes messages of that type, so the handler sees its own type.
    const h = handler as (m: ServerMessage) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Subscribes to every server message, before the handlers of its type; returns the unsubscribe function. */
  onAny(handler: (m: ServerMessage) => void): () => void {
    this.any.add(handler);
    return () => this.any.delete(handler);
  }

  /** Subscribes to a WebSocket lifecycle event; returns the unsubscribe function. */
  onLink<K extends keyof LinkEvents>(event: K, handler: LinkEvents[K]): () => void {
    const set = this.link[event] as Set<LinkEvents[K]>;
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Sends one message; returns false (and sends nothing) when the WebSocket is not open. */
  send(body: Bare<ClientMessage>): boolean {
    if (this.socket === null || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encodeClientMessage(body));
    return true;
  }

  /**
   * Decodes with `decode` from now on: the app reads messages the boot script need not (decode-app.ts, for the `mx`
   * and `rdns` answers only the app asks for).
   */
  useDecoder(decode: (raw: string) => Decoded<ServerMessage>): void {
    this.decode = decode;
    this.unknown = null;
  }

  /**
   * Until useDecoder: a frame of a type the boot script's decoder does not know (a `tls` message, the app's) goes to
   * `keep` whole, for the app to decode, rather than being reported as malformed.
   */
  keepUnknown(keep: (raw: string) => void): void {
    this.unknown = keep;
  }

  /**
   * From now on frames go to the sink `make` returns, which reads each with the function it is given, in order
   * (frame-inbox.ts: the app's, in tasks of the page's own; the boot script reads them at once, as they come).
   */
  readThrough<S extends FrameSink>(make: (read: (frame: unknown) => void) => S): S {
    const sink = make((frame) => this.receive(frame));
    this.inbox = sink;
    return sink;
  }

  /** Closes the WebSocket (the bridge then closes the SMTP connection behind it). */
  close(): void {
    this.socket?.close(1000, 'page closed');
    this.socket = null;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.link.protocolError.forEach((f) => f('binary frame (the protocol uses text frames)'));
      return;
    }
    const decoded = this.decode(data);
    if (!decoded.ok && this.unknown !== null && decoded.error.startsWith(UNKNOWN_TYPE)) return this.unknown(data);
    if (!decoded.ok) {
      this.link.protocolError.forEach((f) => f(decoded.error));
      return;
    }
    this.any.forEach((f) => f(decoded.value));
    this.handlers.get(decoded.value.type)?.forEach((f) => f(decoded.value));
  }
}
