/**
 * Encoding for the wire: a message body -> the text of its frame (messages.ts says which travel how). The inverse of
 * decode.ts, and tested as such: decode(encode(m)) is m for every message either end can send.
 *
 * `rx`, `tx` and `line` go out for every chunk a server sends and every line typed, so they are written by hand;
 * every other message is rare and takes the generic path, JSON.stringify(msg(body)).
 */
import { LINE_FRAME, msg, PROTOCOL_VERSION, RX_FRAME, type Bare, type ClientMessage, type ServerMessage } from './messages.js';

const TX_PREFIX = `{"v":${PROTOCOL_VERSION},"type":"tx","text":`;

/** An RX_FRAME: what was written (lines without LF), then what came back. */
export function encodeRx(sent: readonly string[] | undefined, data: string): string {
  if (sent === undefined || sent.length === 0) return `${RX_FRAME}0:${data}`;
  let head = `${RX_FRAME}${sent.length}:`;
  for (const line of sent) head += line + '\n';
  return head + data;
}

export function encodeServerMessage(body: Bare<ServerMessage>): string {
  switch (body.type) {
    case 'rx':
      return encodeRx(body.sent, body.data);
    case 'tx':
      return TX_PREFIX + JSON.stringify(body.text) + '}';
    default:
      return JSON.stringify(msg<ServerMessage>(body));
  }
}

export function encodeClientMessage(body: Bare<ClientMessage>): string {
  return body.type === 'line' ? LINE_FRAME + body.text : JSON.stringify(msg<ClientMessage>(body));
}
