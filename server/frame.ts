/**
 * The text of the frames the bridge sends: exactly what `JSON.stringify(msg(body))` writes (the version first, then
 * the body's fields in order), so the wire format is the one docs/protocol.md describes.
 *
 * `rx` and `tx` go out for every line typed and every chunk a server sends, so they are written by hand: the
 * generic path copies the body into a new object (msg) and then walks it, about three times the work of quoting
 * one string. Every other message is rare and takes the generic path.
 */
import { msg, PROTOCOL_VERSION, type Bare, type ServerMessage } from '../shared/protocol/messages.js';

const RX_PREFIX = `{"v":${PROTOCOL_VERSION},"type":"rx",`;
const TX_PREFIX = `{"v":${PROTOCOL_VERSION},"type":"tx","text":`;

/** An `rx` body's fields go in this order: `{ type: 'rx', sent, data }` (what was written, then what came back). */
export function serverFrame(body: Bare<ServerMessage>): string {
  switch (body.type) {
    case 'rx':
      return RX_PREFIX + (body.sent === undefined ? '' : `"sent":${JSON.stringify(body.sent)},`) + `"data":${JSON.stringify(body.data)}}`;
    case 'tx':
      return TX_PREFIX + JSON.stringify(body.text) + '}';
    default:
      return JSON.stringify(msg<ServerMessage>(body));
  }
}
