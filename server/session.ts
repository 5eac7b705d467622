/**
 * One session per WebSocket: decodes the browser's frames, owns at most one SMTP connection at a time (SmtpLink),
 * and frees everything when the WebSocket goes. A bad frame is answered with BAD_MESSAGE; the session lives on.
 */
import type { LookupFunction } from 'node:net';
import type { WebSocket } from 'ws';
import { decodeClientMessage } from '../shared/protocol/decode.js';
import {
  ERROR_CODES,
  exhaustive,
  msg,
  type Bare,
  type ClientMessage,
  type ConnectMessage,
  type PracticeInfo,
  type ServerMessage,
} from '../shared/protocol/messages.js';
import { DisposableStore } from './disposable.js';
import type { LogSink } from './log.js';
import { SmtpLink } from './smtp-link.js';
import { checkTarget } from './target-policy.js';

export interface SessionOptions {
  id: string;
  practice: PracticeInfo | null;
  allowedPorts: readonly number[];
  connectTimeoutMs: number;
  lookup: LookupFunction;
  log: LogSink;
}

export class Session {
  private readonly store = new DisposableStore();
  private link: SmtpLink | null = null;
  private readonly log: LogSink;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: SessionOptions,
  ) {
    this.log = (event) => opts.log({ session: opts.id, ...event });
    this.store.defer(() => {
      this.link?.dispose();
      this.link = null;
    });
    this.store.defer(() => ws.terminate());
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? null : data.toString()));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => {
      this.log({ event: 'websocket-error', message: err.message });
      this.dispose();
    });
    this.log({ event: 'open' });
    this.send({ type: 'hello', practice: opts.practice, allowedPorts: [...opts.allowedPorts] });
  }

  dispose(): void {
    if (this.store.isDisposed) return;
    this.store.dispose();
    this.log({ event: 'end' });
  }

  private send(body: Bare<ServerMessage>): void {
    if (this.store.isDisposed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(msg<ServerMessage>(body)));
  }

  private error(code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES], message: string): void {
    this.log({ event: 'error', code });
    this.send({ type: 'error', code, message });
  }

  private onFrame(text: string | null): void {
    if (text === null) return this.error(ERROR_CODES.BAD_MESSAGE, 'binary frames are not part of the protocol: send JSON text');
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
      default:
        return exhaustive(m);
    }
  }

  private onConnect(m: ConnectMessage): void {
    if (this.link !== null) {
      return this.error(ERROR_CODES.ALREADY_CONNECTED, 'already connected: disconnect (or QUIT) before connecting again');
    }
    const refusal = checkTarget(m.port, this.opts.allowedPorts);
    if (refusal !== null) return this.error(ERROR_CODES.TARGET_REFUSED, refusal);
    const link: SmtpLink = new SmtpLink(m, {
      timeoutMs: this.opts.connectTimeoutMs,
      lookup: this.opts.lookup,
      send: (body) => this.send(body),
      log: this.log,
      onEnd: () => {
        if (this.link === link) this.link = null;
      },
    });
    this.link = link;
    link.start();
  }
}
