/**
 * A child process that runs one server of the benchmarks, so its memory and CPU are its own:
 *   node --expose-gc --import tsx bench/child/servers.ts <responder|bridge|relay> [responderPort]
 * It tells its parent the port over IPC ({ type: 'ready', port }) and answers:
 *   { type: 'mem' }   -> { type: 'mem', ... } after two full garbage collections (process.memoryUsage)
 *   { type: 'usage' } -> { type: 'usage', cpuUs, sessions }
 *   { type: 'close' } -> closes the server and exits
 */
import v8 from 'node:v8';
import { startBareRelay } from '../lib/bare-relay.js';
import { startBridge } from '../lib/bridge.js';
import { startResponder } from '../lib/responder.js';
import type { ChildReply, ChildRequest, ServerKind } from '../lib/child.js';

function isRequest(m: unknown): m is ChildRequest {
  return typeof m === 'object' && m !== null && 'type' in m && (m.type === 'mem' || m.type === 'usage' || m.type === 'close');
}

function reply(m: ChildReply): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind | undefined;
  const target = Number(process.argv[3] ?? '0');
  let close: () => Promise<void>;
  let port: number;
  let token: string | null = null;
  let sessions: () => number;
  switch (kind) {
    case 'responder': {
      const r = await startResponder();
      ({ port, close } = r);
      sessions = () => r.connections;
      break;
    }
    case 'bridge': {
      const b = await startBridge([target]);
      port = b.heloterm.port;
      token = b.token ?? null;
      close = b.close;
      sessions = () => -1;
      break;
    }
    case 'relay': {
      const r = await startBareRelay();
      ({ port, close } = r);
      sessions = () => r.sessions;
      break;
    }
    default:
      throw new Error(`servers.ts: unknown kind ${String(kind)}`);
  }
  process.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    switch (m.type) {
      case 'mem': {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
        const u = process.memoryUsage();
        const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
        reply({ type: 'mem', rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers, newSpace });
        return;
      }
      case 'usage': {
        const c = process.cpuUsage();
        reply({ type: 'usage', cpuUs: c.user + c.system, sessions: sessions() });
        return;
      }
      case 'close':
        void close().then(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  reply({ type: 'ready', port, token });
}

void main();
