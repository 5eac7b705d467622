/**
 * Starts heloterm's bridge for a benchmark: no practice server, the responder's port allowed, logging off (the
 * default sink writes a JSON line to stderr per session event), and the session caps lifted so thousands of
 * loopback sessions from one address are allowed. Everything else (token rules, heartbeat, backpressure marks,
 * reply limits) keeps its default, as deployed.
 */
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import type { BridgeTarget } from './clients.js';

/** Above any session count the benchmarks open (5,000 idle + active + warm-up). */
const SESSION_CAP = 100_000;

export interface BenchBridge extends BridgeTarget {
  heloterm: Heloterm;
  close(): Promise<void>;
}

export async function startBridge(allowedPorts: number[], clientDir?: string): Promise<BenchBridge> {
  const options: HelotermOptions = {
    port: 0,
    practice: false,
    allowedPorts,
    log: () => undefined,
    maxSessions: SESSION_CAP,
    maxSessionsPerAddress: SESSION_CAP,
    ...(clientDir !== undefined ? { clientDir } : {}),
  };
  const heloterm = await startHeloterm(options);
  return { heloterm, url: heloterm.url, token: heloterm.token, close: () => heloterm.close() };
}
