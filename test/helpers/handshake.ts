/** A raw WebSocket handshake over http.request, to see what the bridge answers before any WebSocket exists. */
import http from 'node:http';

export interface HandshakeAnswer {
  /** 101 when accepted; the refusal's status otherwise. */
  status: number;
  headers: http.IncomingHttpHeaders;
}

const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * Sends a handshake to 127.0.0.1:port/ws. Host and Origin default to the bridge's own; `headers` override them,
 * and a header given as undefined is left out. `localAddress` picks the loopback source address (127.0.0.2 …).
 */
export function handshake(port: number, overrides: Record<string, string | undefined> = {}, localAddress?: string): Promise<HandshakeAnswer> {
  const all: Record<string, string | undefined> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': SAMPLE_KEY,
    Host: `127.0.0.1:${port}`,
    Origin: `http://127.0.0.1:${port}`,
    ...overrides,
  };
  const headers = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/ws',
      ...(localAddress === undefined ? {} : { localAddress }),
      headers,
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}
