/**
 * Benchmark 1: per-line round trip, NOOP -> 250, interleaved A/B/C in one process: straight TCP to the responder,
 * through the bare relay, through heloterm's bridge. Each round sends one NOOP on each path in a rotating order,
 * so drift on a shared machine hits the three paths alike.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startBareRelay } from './lib/bare-relay.js';
import { startBridge } from './lib/bridge.js';
import { ServerChild } from './lib/child.js';
import { BridgeClient, DirectClient, RelayClient, type PathKind, type SmtpClient } from './lib/clients.js';
import { startResponder } from './lib/responder.js';
import { checkLe, envInt, fmt, median, progress, summarize, table, type BenchResult, type Summary } from './lib/stats.js';

/**
 * Long enough for every path's code to reach its steady state: in one process the bridge's p50 ÷ the relay's, per
 * 2,000 rounds from the start, measured 1.13×, 1.06×, then 1.04–1.05× from about 4,000 rounds on (V8 has more of the
 * bridge's code to optimise). `thirds` below shows whether the samples were steady.
 */
const WARMUP_ROUNDS = envInt('BENCH_RTT_WARMUP', 10_000);
const SAMPLE_ROUNDS = envInt('BENCH_RTT_SAMPLES', 6000);
const KINDS: readonly PathKind[] = ['direct', 'relay', 'bridge'];

async function roundTrip(c: SmtpClient, i: number, problems: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const reply = await c.request([`NOOP ${i}`]);
  const t1 = process.hrtime.bigint();
  if (reply !== `250 2.0.0 Ok ${i}` && problems.length < 10) problems.push(`${c.kind}: NOOP ${i} got "${reply}"`);
  return Number(t1 - t0) / 1000;
}

interface Topology {
  name: string;
  /**
   * Each sampled round trip starts after this long with nothing to do (ms; none in the warm-up): every process is
   * asleep when the line comes, as when a person types one line at a time.
   */
  idleBeforeMs?: number;
  /** Opens one client per path; `close` frees the clients' servers. */
  open(): Promise<{ clients: Record<PathKind, SmtpClient>; close(): Promise<void> }>;
}

/** Responder, bridge, relay and clients in this one process (one event loop): every hop is this thread's work. */
const ONE_PROCESS: Topology = {
  name: 'one process',
  async open() {
    const responder = await startResponder();
    const bridge = await startBridge([responder.port]);
    const relay = await startBareRelay();
    const clients: Record<PathKind, SmtpClient> = {
      direct: await DirectClient.open(responder.port),
      relay: await RelayClient.open(relay.port, responder.port),
      bridge: await BridgeClient.open(bridge, responder.port),
    };
    return { clients, close: closeInOrder(bridge, relay, responder) };
  },
};

/** Responder, bridge and relay each in a child process, clients here: as deployed (browser, bridge, MTA apart). */
const SEPARATE_PROCESSES: Topology = {
  name: 'separate processes',
  open: openSeparateProcesses,
};

/**
 * The same, each line after 1 ms idle. Back to back, a process is often still awake (or finishing the previous
 * round's work on one of the two cores) when the next line comes; how often swings from run to run, and the direct
 * path's p50 with it (64 µs in one run, 23 µs in another). After an idle millisecond every hop pays a wake-up.
 */
const SEPARATE_PROCESSES_IDLE: Topology = {
  name: 'separate processes, idle before each line',
  idleBeforeMs: 1,
  open: openSeparateProcesses,
};

async function openSeparateProcesses(): ReturnType<Topology['open']> {
  const responder = await ServerChild.start('responder');
  const bridge = await ServerChild.start('bridge', responder.port);
  const relay = await ServerChild.start('relay');
  const clients: Record<PathKind, SmtpClient> = {
    direct: await DirectClient.open(responder.port),
    relay: await RelayClient.open(relay.port, responder.port),
    bridge: await BridgeClient.open({ url: `http://127.0.0.1:${bridge.port}/`, token: bridge.token }, responder.port),
  };
  return { clients, close: closeInOrder(bridge, relay, responder) };
}

/** Closes the servers one after the other: the bridge and relay before the responder they talk to. */
function closeInOrder(...servers: { close(): Promise<void> }[]): () => Promise<void> {
  return async () => {
    for (const s of servers) await s.close();
  };
}

interface Measured {
  topology: string;
  s: Record<PathKind, Summary>;
  /** Bridge p50 ÷ relay p50 in each third of the samples, in order: the same when the warm-up was long enough. */
  thirds: number[];
  problems: string[];
}

/** Bridge p50 ÷ relay p50 in each third of the rounds (the samples of a round sit at the same index). */
function ratioByThird(bridge: readonly number[], relay: readonly number[]): number[] {
  const n = Math.min(bridge.length, relay.length);
  return [0, 1, 2].map((t) => {
    const [from, to] = [Math.floor((t * n) / 3), Math.floor(((t + 1) * n) / 3)];
    return median(bridge.slice(from, to)) / median(relay.slice(from, to));
  });
}

async function measure(topology: Topology): Promise<Measured> {
  const { clients, close } = await topology.open();
  const samples: Record<PathKind, number[]> = { direct: [], relay: [], bridge: [] };
  const problems: string[] = [];
  try {
    progress(`rtt (${topology.name}): ${WARMUP_ROUNDS} warm-up rounds, then ${SAMPLE_ROUNDS} interleaved rounds on each path`);
    for (let i = 0; i < WARMUP_ROUNDS + SAMPLE_ROUNDS; i++) {
      for (let k = 0; k < KINDS.length; k++) {
        const kind = KINDS[(i + k) % KINDS.length] ?? 'direct';
        if (i >= WARMUP_ROUNDS && topology.idleBeforeMs !== undefined) await sleep(topology.idleBeforeMs);
        const us = await roundTrip(clients[kind], i, problems);
        if (i >= WARMUP_ROUNDS) samples[kind].push(us);
      }
    }
  } finally {
    for (const c of Object.values(clients)) {
      problems.push(...c.problems.map((p) => `${c.kind}: ${p}`));
      await c.close();
    }
    await close();
  }
  return {
    topology: topology.name,
    s: { direct: summarize(samples.direct), relay: summarize(samples.relay), bridge: summarize(samples.bridge) },
    thirds: ratioByThird(samples.bridge, samples.relay),
    problems,
  };
}

export async function benchRtt(): Promise<BenchResult> {
  const results = [await measure(ONE_PROCESS), await measure(SEPARATE_PROCESSES), await measure(SEPARATE_PROCESSES_IDLE)];
  const checks = [];
  const markdown: string[] = [
    `${fmt.int(SAMPLE_ROUNDS)} rounds after ${fmt.int(WARMUP_ROUNDS)} warm-up rounds; each round sends one \`NOOP <n>\` on each path in a ` +
      'rotating order and waits for its `250` (the reply must echo `<n>`). Three topologies: **one process** (responder, bridge, ' +
      'relay and clients on one event loop: every hop is the same thread\'s work, so it shows the CPU cost per line); ' +
      '**separate processes** (responder, bridge and relay each in a child process, clients in the benchmark process: as ' +
      'deployed, where a hop may also cost a process wake-up), rounds back to back; and the same with 1 ms of idle before ' +
      'each sampled line (**idle before each line**: every process asleep when the line comes, as when a person types). ' +
      'Back to back, whether a process is still awake when the next line comes swings from run to run, and the direct ' +
      'path\'s p50 with it; after an idle millisecond every hop pays a wake-up.',
  ];
  for (const m of results) {
    const { s } = m;
    const r = {
      p50Direct: s.bridge.p50 / s.direct.p50,
      p99Direct: s.bridge.p99 / s.direct.p99,
      p50Relay: s.bridge.p50 / s.relay.p50,
      p99Relay: s.bridge.p99 / s.relay.p99,
      relayDirect: s.relay.p50 / s.direct.p50,
      relayDirectP99: s.relay.p99 / s.direct.p99,
    };
    const t = m.topology;
    checks.push(
      checkLe('rtt', `bridge ÷ direct TCP, p50 (${t})`, r.p50Direct, 2.0, fmt.ratio(r.p50Direct), '≤ 2.00×'),
      checkLe('rtt', `bridge ÷ direct TCP, p99 (${t})`, r.p99Direct, 2.5, fmt.ratio(r.p99Direct), '≤ 2.50×'),
      checkLe('rtt', `bridge ÷ bare relay, p50 (${t})`, r.p50Relay, 1.05, fmt.ratio(r.p50Relay), '≤ 1.05×'),
      checkLe('rtt', `replies wrong or missing (${t})`, m.problems.length, 0, String(m.problems.length), '0'),
    );
    const row = (k: PathKind, label: string): string[] => [label, fmt.us(s[k].p50), fmt.us(s[k].p90), fmt.us(s[k].p99), fmt.us(s[k].max), fmt.int(s[k].n)];
    markdown.push(
      '',
      `**${t}**`,
      '',
      ...table(['path', 'p50', 'p90', 'p99', 'max', 'samples'], [
        row('direct', 'direct TCP client → responder'),
        row('relay', 'bare ws↔TCP relay (floor)'),
        row('bridge', 'heloterm bridge'),
      ]),
      '',
      `Ratios: bridge ÷ direct ${fmt.ratio(r.p50Direct)} (p50), ${fmt.ratio(r.p99Direct)} (p99); ` +
        `bridge ÷ bare relay ${fmt.ratio(r.p50Relay)} (p50), ${fmt.ratio(r.p99Relay)} (p99); ` +
        `for scale, the bare relay itself ÷ direct is ${fmt.ratio(r.relayDirect)} (p50), ${fmt.ratio(r.relayDirectP99)} (p99). ` +
        `Bridge ÷ bare relay (p50) in each third of the samples, in order: ${m.thirds.map((x) => x.toFixed(3)).join(', ')} (steady when alike).`,
      ...(m.problems.length > 0 ? ['', 'Problems:', ...m.problems.slice(0, 10).map((p) => `- ${p}`)] : []),
    );
  }
  return { name: 'rtt', title: '1. Per-line round trip (NOOP → 250)', checks, markdown };
}
