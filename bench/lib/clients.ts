/**
 * Three ways to talk SMTP from the benchmark, behind one small interface: straight over TCP (the direct
 * baseline), through the bare relay (the floor), and through heloterm's bridge (its JSON protocol). Each splits the
 * received text into complete replies the same cheap way, so the clients cost the same and differences are the
 * path's. Not WsTestClient: that keeps every message for the tests' sake, which a 5,000-session run cannot afford.
 */
import net from 'node:net';
import WebSocket from 'ws';
import { connectQuery, decodeServerMessage } from '../../shared/protocol/decode.js';
import { encodeClientMessage } from '../../shared/protocol/encode.js';
import { offeredSubprotocols } from '../../shared/protocol/token.js';

/** Waits for a connection or a greeting at most this long, in ms. */
export const OPEN_TIMEOUT_MS = 15_000;

/** Splits received text into complete replies (RFC 5321 §4.2.1: the last line has no hyphen after the code). */
export class ReplySplitter {
  private buffer = '';
  private lines: string[] = [];
  constructor(private readonly onReply: (reply: string) => void) {}

  push(text: string): void {
    this.buffer = this.buffer.length === 0 ? text : this.buffer + text;
    let start = 0;
    for (let lf = this.buffer.indexOf('\n'); lf !== -1; lf = this.buffer.indexOf('\n', start)) {
      const end = lf > start && this.buffer.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
      const line = this.buffer.slice(start, end);
      start = lf + 1;
      if (line.charCodeAt(3) === 45 /* - */) {
        this.lines.push(line);
        continue;
      }
      if (this.lines.length === 0) this.onReply(line);
      else {
        this.lines.push(line);
        this.onReply(this.lines.join('\n'));
        this.lines = [];
      }
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
  }
}

export type PathKind = 'direct' | 'relay' | 'bridge';

/** One SMTP session over some path. Replies are handed out in order to whoever asked first. */
export abstract class SmtpClient {
  abstract readonly kind: PathKind;
  /** Problems seen: error messages, unexpected replies, closes. Must stay empty. */
  readonly problems: string[] = [];
  closed = false;
  protected readonly splitter = new ReplySplitter((r) => this.onReply(r));
  private readonly waiters: ((reply: string) => void)[] = [];
  private greetingWaiter: ((reply: string) => void) | null = null;
  private greeted = false;

  /** Sends lines (without CRLF). */
  abstract send(lines: readonly string[]): void;
  abstract close(): Promise<void>;

  /** Sends the lines and resolves with the next reply. */
  request(lines: readonly string[]): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.send(lines);
    });
  }

  /** How many replies are awaited. */
  get outstanding(): number {
    return this.waiters.length;
  }

  protected waitGreeting(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind}: no greeting within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
      this.greetingWaiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  protected problem(what: string): void {
    if (this.problems.length < 20) this.problems.push(what);
  }

  private onReply(reply: string): void {
    if (!this.greeted) {
      this.greeted = true;
      if (!reply.startsWith('220 ')) this.problem(`greeting was not 220: ${reply}`);
      this.greetingWaiter?.(reply);
      return;
    }
    const w = this.waiters.shift();
    if (w === undefined) this.problem(`unexpected reply: ${reply.slice(0, 80)}`);
    else w(reply);
  }
}

export class DirectClient extends SmtpClient {
  readonly kind = 'direct' as const;
  private constructor(private readonly socket: net.Socket) {
    super();
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (t: string) => this.splitter.push(t));
    socket.on('error', (e) => this.problem(`socket error: ${e.message}`));
    socket.on('close', () => (this.closed = true));
  }

  static async open(port: number): Promise<DirectClient> {
    const c = new DirectClient(net.connect({ host: '127.0.0.1', port }));
    await c.waitGreeting();
    return c;
  }

  send(lines: readonly string[]): void {
    this.socket.write(lines.length === 1 ? `${lines[0]}\r\n` : lines.map((l) => `${l}\r\n`).join(''));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }
}

/** Resolves when the WebSocket is open; rejects when it is refused or not open in time. */
function wsOpened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('websocket: not open in time')), OPEN_TIMEOUT_MS);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

abstract class WsClient extends SmtpClient {
  constructor(protected readonly ws: WebSocket) {
    super();
    ws.on('error', (e) => this.problem(`websocket error: ${e.message}`));
    ws.on('close', () => (this.closed = true));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.terminate();
    });
  }
}

export class RelayClient extends WsClient {
  readonly kind = 'relay' as const;
  private constructor(ws: WebSocket) {
    super(ws);
    ws.on('message', (data) => this.splitter.push(data.toString()));
  }

  static async open(relayPort: number, targetPort: number): Promise<RelayClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${relayPort}/relay?port=${targetPort}`, { perMessageDeflate: false });
    const c = new RelayClient(ws);
    const greeting = c.waitGreeting();
    await wsOpened(ws);
    await greeting;
    return c;
  }

  send(lines: readonly string[]): void {
    for (const l of lines) this.ws.send(l);
  }
}

/** How to reach a heloterm bridge: its http URL, and the token if it requires one. */
export interface BridgeTarget {
  url: string;
  /** Offered as the token subprotocol when set (shared/protocol/token.ts). */
  token?: string | null;
}

export class BridgeClient extends SmtpClient {
  readonly kind = 'bridge' as const;
  private readonly ws: WebSocket;
  private connected: (() => void) | null = null;

  private constructor(ws: WebSocket) {
    super();
    this.ws = ws;
    ws.on('error', (e) => this.problem(`websocket error: ${e.message}`));
    ws.on('close', () => (this.closed = true));
    ws.on('message', (data) => this.onFrame(data.toString()));
  }

  static async open(target: BridgeTarget, smtpPort: number): Promise<BridgeClient> {
    const base = new URL(target.url);
    // The target in the URL, as heloterm's page names it with ?connect=1 (and as the relay client names its port):
    // the bridge dials during the handshake.
    const query = connectQuery({ host: '127.0.0.1', port: smtpPort, tls: 'none' });
    const ws = new WebSocket(`ws://${base.host}/ws?${query}`, offeredSubprotocols(target.token ?? null), { origin: base.origin, perMessageDeflate: false });
    const c = new BridgeClient(ws);
    const greeting = c.waitGreeting();
    const connected = new Promise<void>((resolve) => (c.connected = resolve));
    await wsOpened(ws);
    await connected;
    await greeting;
    return c;
  }

  send(lines: readonly string[]): void {
    for (const text of lines) this.ws.send(encodeClientMessage({ type: 'line', text }));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.terminate();
    });
  }

  private onFrame(text: string): void {
    // Decoded as the page decodes it (shared/protocol/decode.ts): the compact rx frame by hand, the rest as JSON.
    const d = decodeServerMessage(text);
    if (!d.ok) {
      this.problem(`a frame that does not decode: ${d.error}`);
      return;
    }
    const m = d.value;
    switch (m.type) {
      case 'rx':
        this.splitter.push(m.data);
        return;
      case 'connected':
        this.connected?.();
        this.connected = null;
        return;
      case 'error':
        this.problem(`bridge error ${String(m.code)}: ${String(m.message)}`);
        return;
      case 'closed':
        this.problem(`bridge closed the SMTP connection: ${String(m.reason)}`);
        return;
      default:
        return;
    }
  }
}
