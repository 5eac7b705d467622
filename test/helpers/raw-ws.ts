/**
 * A WebSocket client written by hand on a net.Socket (RFC 6455 §4.1 handshake, §5.2 framing), for tests that need
 * what a library hides: a frame header announcing 10 MB, a client that stops reading (socket.pause()), and the
 * close code the server sent.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

export interface RawOpenOptions {
  origin: string;
  host?: string;
  protocols?: string[];
}

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;

/** A masked client frame header (RFC 6455 §5.2) for a payload of `length` bytes, and its mask key. */
export function frameHeader(length: number, opcode = OPCODE_TEXT): { header: Buffer; mask: Buffer } {
  const mask = randomBytes(4);
  let head: Buffer;
  if (length < 126) {
    head = Buffer.from([0x80 | opcode, 0x80 | length]);
  } else if (length < 0x10000) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return { header: Buffer.concat([head, mask]), mask };
}

export class RawWs {
  readonly frames: RawFrame[] = [];
  /** The close code of the server's close frame, once received. */
  closeCode: number | null = null;
  readonly closed: Promise<void>;
  private buffer: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Handshakes on 127.0.0.1:port; rejects with the HTTP status line unless the answer is 101. */
  static open(port: number, opts: RawOpenOptions): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      const headers = [
        `GET /ws HTTP/1.1`,
        `Host: ${opts.host ?? `127.0.0.1:${port}`}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Origin: ${opts.origin}`,
        ...(opts.protocols ? [`Sec-WebSocket-Protocol: ${opts.protocols.join(', ')}`] : []),
      ];
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          return reject(new Error(status));
        }
        const ws = new RawWs(socket);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.onData(rest);
        resolve(ws);
      };
      socket.on('data', onData);
      socket.once('connect', () => socket.write(headers.join('\r\n') + '\r\n\r\n'));
      socket.once('close', () => reject(new Error('closed during the handshake')));
    });
  }

  /** Sends one masked text frame. */
  sendText(text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const { header, mask } = frameHeader(payload.length);
    this.socket.write(Buffer.concat([header, maskBytes(payload, mask, 0)]));
  }

  /** Texts of the text frames received so far. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === OPCODE_TEXT).map((f) => f.payload.toString('utf8'));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const opcode = (b[0] ?? 0) & 0x0f;
      let len = (b[1] ?? 0) & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + len) return;
      const payload = b.subarray(offset, offset + len);
      this.buffer = b.subarray(offset + len);
      this.frames.push({ opcode, payload });
      if (opcode === OPCODE_CLOSE && payload.length >= 2) this.closeCode = payload.readUInt16BE(0);
    }
  }
}

/** XORs `data` with the 4-byte mask, starting at mask position `start` (for payloads sent in pieces). */
export function maskBytes(data: Buffer, mask: Buffer, start: number): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) ^ (mask[(start + i) % 4] ?? 0);
  return out;
}
