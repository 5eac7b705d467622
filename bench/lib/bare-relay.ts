/**
 * The floor: the least a WebSocket-to-TCP relay can do. One TCP connection per WebSocket to 127.0.0.1:<port>
 * (from the URL, /relay?port=N), each text frame written as a line with CRLF, each TCP chunk sent on as one text
 * frame. No JSON, no parsing, no session model. It also serves a static directory (the bare page), so the bare page
 * loads from the same origin it talks to, as heloterm's page does.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer } from 'ws';

export const RELAY_PATH = '/relay';
/** The same frame limit as the bridge (server/ws-gateway.ts MAX_PAYLOAD_BYTES). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface BareRelay {
  port: number;
  url: string;
  readonly sessions: number;
  close(): Promise<void>;
}

export interface BareRelayOptions {
  /** A directory to serve over HTTP (the built bare page); none: every HTTP request gets 404. */
  staticDir?: string;
  /** Extra headers on every file served (the ttfp benchmark copies heloterm's security headers for scale). */
  headers?: Readonly<Record<string, string>>;
  port?: number;
}

export async function startBareRelay(opts: BareRelayOptions = {}): Promise<BareRelay> {
  const server = http.createServer((req, res) => {
    void serveStatic(opts.staticDir, opts.headers ?? {}, req, res);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES });
  let sessions = 0;
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://relay');
    const port = Number(url.searchParams.get('port'));
    if (url.pathname !== RELAY_PATH || !Number.isInteger(port) || port < 1 || port > 65535) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessions++;
      const tcp = net.connect({ host: '127.0.0.1', port });
      tcp.setNoDelay(true);
      const decoder = new StringDecoder('utf8');
      tcp.on('data', (chunk: Buffer) => ws.send(decoder.write(chunk)));
      tcp.on('error', () => ws.terminate());
      tcp.on('close', () => ws.close());
      ws.on('message', (data, isBinary) => {
        if (!isBinary) tcp.write(`${data.toString()}\r\n`);
      });
      ws.on('error', () => tcp.destroy());
      ws.on('close', () => {
        sessions--;
        tcp.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: opts.port ?? 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bare relay: no port');
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}/`,
    get sessions() {
      return sessions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveStatic(dir: string | undefined, headers: Readonly<Record<string, string>>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'http://relay').pathname;
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  const file = dir === undefined ? null : path.resolve(dir, relative);
  if (dir === undefined || file === null || !file.startsWith(path.resolve(dir) + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}
