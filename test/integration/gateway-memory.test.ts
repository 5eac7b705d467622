/**
 * What an idle session keeps (server/ws-gateway.ts): nothing of the upgrade request once the handshake is done, so
 * its headers and parser state are collected. Session gets the raw socket and plain strings instead.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { buildUpgradePolicy } from '../../server/upgrade-policy.js';
import { attachGateway, type AcceptedSocket } from '../../server/ws-gateway.js';
import { Room } from '../../server/room.js';
import { poll } from '../helpers/browser.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A full garbage collection (gc() made available at run time, as in Node's own tests). */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('gateway memory', () => {
  it('keeps nothing of the upgrade request after the handshake; hands over the socket and plain strings', async () => {
    const server = http.createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    // Registered before the gateway's listener: sees every upgrade request first.
    const requests: WeakRef<http.IncomingMessage>[] = [];
    server.on('upgrade', (req: http.IncomingMessage) => requests.push(new WeakRef(req)));
    const accepted: { ws: WebSocket; info: AcceptedSocket }[] = [];
    const room = new Room(100, 100);
    const gateway = attachGateway(
      server,
      { policy: buildUpgradePolicy('127.0.0.1', port), room, heartbeatMs: 60_000, trustProxy: null, log: () => undefined },
      (ws, info) => {
        accepted.push({ ws, info });
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', practice: null, allowedPorts: [] }));
      },
    );
    cleanups.push(() => gateway.close());

    const clients: WsTestClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await WsTestClient.open(`http://127.0.0.1:${port}/`);
      cleanups.push(() => c.close());
      await c.next('hello');
      clients.push(c);
    }
    expect(accepted).toHaveLength(5);
    for (const { ws, info } of accepted) {
      expect(info).toEqual({ socket: expect.anything(), remote: '127.0.0.1', client: '127.0.0.1', query: '' });
      expect(typeof info.socket.cork).toBe('function'); // the raw socket, to cork
      expect(ws.readyState).toBe(ws.OPEN);
    }
    expect(requests).toHaveLength(5);
    // The sessions are open (their sockets, WebSockets and counts alive), yet every request can be collected.
    await poll(
      async () => {
        collect();
        await new Promise((r) => setTimeout(r, 5));
        return requests.every((r) => r.deref() === undefined);
      },
      5000,
      'the upgrade requests to be collected',
    );
    expect(room.counts()).toEqual({ total: 5, byAddress: { '127.0.0.1': 5 } });
    for (const c of clients) await c.close();
    await poll(() => room.counts().total === 0, 2000, 'every session to be counted out');
    expect(room.counts()).toEqual({ total: 0, byAddress: {} });
  });
});
