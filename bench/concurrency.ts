/**
 * Benchmark 2: many sessions at once. For each session count, the bridge and the bare relay each run in their own
 * child process (their memory is theirs alone), both in front of one responder (a third process). Then:
 *   1. memory per idle session: RSS and JS heap (+ external) of the server process, after full GCs, before and
 *      after opening N greeted sessions: right after, and again once the process has been idle for SETTLE_MS (V8
 *      keeps its young generation as large as the last burst of allocation made it until a GC finds the allocation
 *      rate low, about 5 s later, and then gives the pages back: so only the idle figure is the sessions' own);
 *   2. throughput: a set of active sessions loops EHLO/MAIL/RCPT/DATA/./RSET, alternately through the bridge and
 *      through the relay in slices, while the N idle sessions stay open; every reply is checked against the
 *      command it answers (lost, reordered or wrong replies are counted);
 *   3. at the end every idle session answers one NOOP, so none was lost silently.
 */
import { BridgeClient, RelayClient, type PathKind, type SmtpClient } from './lib/clients.js';
import { ServerChild, type MemReport } from './lib/child.js';
import { checkGe, checkLe, envInt, fmt, progress, table, type BenchResult, type GoalCheck } from './lib/stats.js';

const SESSION_COUNTS = (process.env.BENCH_SESSIONS ?? '1000,5000').split(',').map(Number).filter((n) => n > 0);
/** Seconds of active load on each path (split into slices that alternate between the paths). */
const ACTIVE_SECONDS = envInt('BENCH_SECONDS', 30);
const ACTIVE_SESSIONS = envInt('BENCH_ACTIVE', 50);
const SLICE_SECONDS = 3;
/** Sessions opened at once while filling up (the listen backlog is 511 for the bridge). */
const OPEN_BATCH = 200;
/** Sessions opened and closed before the memory baseline, so lazily built code and pools are in it. */
const WARMUP_SESSIONS = 200;
/**
 * How long a server process is left idle before its memory is measured again "settled": V8 judges its allocation
 * rate over the last 5 s, and shrinks the young generation at a GC only once that rate is low.
 */
const SETTLE_MS = 6000;
/** How long an in-flight command may wait for its reply after a slice ends before it counts as lost, in ms. */
const DRAIN_TIMEOUT_MS = 5000;

type Opener = () => Promise<SmtpClient>;

async function openMany(n: number, open: Opener, into: SmtpClient[]): Promise<void> {
  for (let done = 0; done < n; ) {
    const batch = Math.min(OPEN_BATCH, n - done);
    into.push(...(await Promise.all(Array.from({ length: batch }, open))));
    done += batch;
  }
}

async function closeAll(clients: readonly SmtpClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += OPEN_BATCH) await Promise.all(clients.slice(i, i + OPEN_BATCH).map((c) => c.close()));
}

interface Tally {
  replies: number;
  wrong: string[];
  lost: number;
  ms: number;
}

function expectReply(t: Tally, got: string, ok: boolean, what: string): void {
  t.replies++;
  if (!ok && t.wrong.length < 10) t.wrong.push(`${what}: got "${got.slice(0, 80)}"`);
}

/** One session's loop until the deadline; every reply is checked against its own command. */
async function loop(c: SmtpClient, id: string, deadline: number, t: Tally): Promise<void> {
  for (let k = 0; Date.now() < deadline; k++) {
    const tag = `<${id}-${k}@bench.test>`;
    let r = await c.request([`EHLO ${id}`]);
    expectReply(t, r, r.startsWith(`250-bench-responder greets ${id}\n`) && r.endsWith('\n250 8BITMIME'), 'EHLO');
    r = await c.request([`MAIL FROM:${tag}`]);
    expectReply(t, r, r === `250 2.1.0 Sender ${tag} ok`, 'MAIL');
    r = await c.request([`RCPT TO:${tag}`]);
    expectReply(t, r, r === `250 2.1.5 Recipient ${tag} ok`, 'RCPT');
    r = await c.request(['DATA']);
    expectReply(t, r, r.startsWith('354 '), 'DATA');
    r = await c.request([`Subject: ${id} ${k}`, '', `Message ${k} from ${id}.`, '.']);
    expectReply(t, r, r.startsWith('250 2.0.0 Ok: queued as '), 'end of data');
    r = await c.request(['RSET']);
    expectReply(t, r, r === '250 2.0.0 Reset ok', 'RSET');
  }
}

async function slice(active: readonly SmtpClient[], kind: PathKind, seconds: number, t: Tally): Promise<void> {
  const start = Date.now();
  const deadline = start + seconds * 1000;
  const loops = active.map((c, i) => loop(c, `${kind[0]}${i}`, deadline, t));
  const settled = await Promise.race([
    Promise.all(loops).then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), seconds * 1000 + DRAIN_TIMEOUT_MS)),
  ]);
  t.ms += Date.now() - start;
  if (!settled) t.lost += active.reduce((n, c) => n + c.outstanding, 0);
}

/** Every idle session answers one NOOP that echoes its number. */
async function checkIdle(idle: readonly SmtpClient[]): Promise<{ ok: number; problems: string[] }> {
  const problems: string[] = [];
  let ok = 0;
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DRAIN_TIMEOUT_MS * 2));
  const answers = await Promise.all(idle.map((c, i) => Promise.race([c.request([`NOOP idle-${i}`]), timeout])));
  answers.forEach((a, i) => {
    if (a === `250 2.0.0 Ok idle-${i}`) ok++;
    else if (problems.length < 10) problems.push(`idle session ${i}: ${a}`);
  });
  return { ok, problems };
}

interface PathResult {
  kind: PathKind;
  /** Right after the warm-up sessions closed / after the N sessions opened (0.5 s later). */
  base: MemReport;
  idle: MemReport;
  /** The same, once the process had been idle for SETTLE_MS. */
  baseSettled: MemReport;
  idleSettled: MemReport;
  tally: Tally;
  cpuUs: number;
  idleOk: number;
  problems: string[];
}

const perSession = (a: MemReport, b: MemReport, n: number, f: (m: MemReport) => number): number => (f(b) - f(a)) / n;

/**
 * The idle RSS per session as shown: when it is below the sessions' JS heap + external (`heap`), RSS went down by pages
 * freed since the baseline, and it says so rather than pass for a measure.
 */
function idleRss(rss: number, heap: number): string {
  return rss < heap ? `${fmt.kb(rss)} (below the JS heap: pages given back since the baseline; ${fmt.kb(heap)} counted)` : fmt.kb(rss);
}

const heapOf = (m: MemReport): number => m.heapUsed + m.external;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The server's memory once it has been idle: SETTLE_MS, then measured again every second until V8's young
 * generation stops changing between two measurements (each measurement runs full GCs; at most 10 tries).
 */
async function settledMem(server: ServerChild): Promise<MemReport> {
  await sleep(SETTLE_MS);
  let last = await server.mem();
  for (let i = 0; i < 10; i++) {
    await sleep(1000);
    const next = await server.mem();
    if (next.newSpace === last.newSpace) return next;
    last = next;
  }
  return last;
}

async function runCount(n: number): Promise<{ n: number; paths: Record<PathKind, PathResult> }> {
  const responder = await ServerChild.start('responder');
  const servers = { bridge: await ServerChild.start('bridge', responder.port), relay: await ServerChild.start('relay') };
  const openers: Record<'bridge' | 'relay', Opener> = {
    bridge: () => BridgeClient.open({ url: `http://127.0.0.1:${servers.bridge.port}/`, token: servers.bridge.token }, responder.port),
    relay: () => RelayClient.open(servers.relay.port, responder.port),
  };
  const kinds = ['bridge', 'relay'] as const;
  const idle: Record<'bridge' | 'relay', SmtpClient[]> = { bridge: [], relay: [] };
  const active: Record<'bridge' | 'relay', SmtpClient[]> = { bridge: [], relay: [] };
  const partial: Partial<Record<'bridge' | 'relay', Omit<PathResult, 'tally' | 'cpuUs' | 'idleOk' | 'problems'>>> = {};
  const tally: Record<'bridge' | 'relay', Tally> = { bridge: { replies: 0, wrong: [], lost: 0, ms: 0 }, relay: { replies: 0, wrong: [], lost: 0, ms: 0 } };
  const cpu: Record<'bridge' | 'relay', number> = { bridge: 0, relay: 0 };
  try {
    for (const kind of kinds) {
      const warmUp = async (): Promise<void> => {
        const warm: SmtpClient[] = [];
        await openMany(WARMUP_SESSIONS, openers[kind], warm);
        await closeAll(warm);
        await sleep(500);
      };
      // The settled baseline first; then a second warm-up, so that the sessions are opened (and the figure right
      // after taken) in a process whose young generation is as the last warm-up left it, as before the settled
      // figures were added; a young generation shrunk just before 5,000 sessions are opened makes V8 tenure more.
      await warmUp();
      const baseSettled = await settledMem(servers[kind]);
      await warmUp();
      const base = await servers[kind].mem();
      progress(`concurrency ${n}: opening ${n} idle sessions through the ${kind}`);
      await openMany(n, openers[kind], idle[kind]);
      await sleep(500);
      const idleNow = await servers[kind].mem();
      partial[kind] = { kind, base, idle: idleNow, baseSettled, idleSettled: await settledMem(servers[kind]) };
      await openMany(ACTIVE_SESSIONS, openers[kind], active[kind]);
    }
    const slices = Math.max(1, Math.round(ACTIVE_SECONDS / SLICE_SECONDS));
    const sliceSeconds = ACTIVE_SECONDS / slices;
    progress(`concurrency ${n}: ${ACTIVE_SESSIONS} active sessions, ${slices} × ${sliceSeconds} s on each path, alternating`);
    for (let s = 0; s < slices; s++) {
      for (const kind of s % 2 === 0 ? kinds : [...kinds].reverse()) {
        const before = await servers[kind].usage();
        await slice(active[kind], kind, sliceSeconds, tally[kind]);
        cpu[kind] += (await servers[kind].usage()).cpuUs - before.cpuUs;
      }
    }
    const out = {} as Record<PathKind, PathResult>;
    for (const kind of kinds) {
      const idleCheck = await checkIdle(idle[kind]);
      const problems = [...idleCheck.problems];
      for (const c of [...idle[kind], ...active[kind]]) {
        problems.push(...c.problems);
        if (c.closed) problems.push('a session was closed');
      }
      const p = partial[kind];
      if (p === undefined) throw new Error('concurrency: no memory figures');
      out[kind] = { ...p, tally: tally[kind], cpuUs: cpu[kind], idleOk: idleCheck.ok, problems };
    }
    return { n, paths: out };
  } finally {
    for (const kind of kinds) {
      await closeAll(active[kind]);
      await closeAll(idle[kind]);
      await servers[kind].close();
    }
    await responder.close();
  }
}

export async function benchConcurrency(): Promise<BenchResult> {
  const runs = [];
  for (const n of SESSION_COUNTS) runs.push(await runCount(n));
  const checks: GoalCheck[] = [];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { n, paths } of runs) {
    const rate = (p: PathResult): number => p.tally.replies / (p.tally.ms / 1000);
    for (const kind of ['relay', 'bridge'] as const) {
      const p = paths[kind];
      rows.push([
        fmt.int(n),
        kind === 'bridge' ? 'heloterm bridge' : 'bare relay',
        idleRss(perSession(p.baseSettled, p.idleSettled, n, (m) => m.rss), perSession(p.baseSettled, p.idleSettled, n, heapOf)),
        fmt.kb(perSession(p.base, p.idle, n, (m) => m.rss)),
        fmt.kb(perSession(p.base, p.idle, n, (m) => m.newSpace)),
        fmt.kb(perSession(p.baseSettled, p.idleSettled, n, heapOf)),
        fmt.int(rate(p)),
        `${(p.cpuUs / Math.max(1, p.tally.replies)).toFixed(1)} µs`,
        `${fmt.int(p.idleOk)} / ${fmt.int(n)}`,
        String(p.tally.lost),
        String(p.tally.wrong.length + p.problems.length),
      ]);
      for (const w of [...p.tally.wrong, ...p.problems].slice(0, 5)) notes.push(`- ${n} sessions, ${kind}: ${w}`);
    }
    const b = paths.bridge;
    const rssPer = perSession(b.baseSettled, b.idleSettled, n, (m) => m.rss);
    const heapPer = perSession(b.baseSettled, b.idleSettled, n, heapOf);
    const ratio = rate(b) / rate(paths.relay);
    const errors = b.tally.lost + b.tally.wrong.length + b.problems.length + (n - b.idleOk);
    checks.push(
      checkLe('concurrency', `${fmt.int(n)} sessions: lost/reordered/wrong replies + errors (bridge)`, errors, 0, String(errors), '0'),
      // Below what the sessions' own JS objects take, the RSS figure measures pages given back, not the sessions: the
      // goal is then checked on the JS heap + external, the floor of what they hold.
      checkLe('concurrency', `${fmt.int(n)} sessions: bridge memory per idle session (RSS, process idle ${SETTLE_MS / 1000} s)`, Math.max(rssPer, heapPer) / 1024, 20, idleRss(rssPer, heapPer), '≤ 20 KB'),
      checkLe('concurrency', `${fmt.int(n)} sessions: bridge memory per idle session (JS heap + external)`, heapPer / 1024, 20, fmt.kb(heapPer), '≤ 20 KB'),
      checkGe('concurrency', `${fmt.int(n)} sessions: commands/s, bridge ÷ bare relay`, ratio, 0.9, fmt.ratio(ratio), '≥ 0.90×'),
    );
  }
  return {
    name: 'concurrency',
    title: '2. Concurrency',
    checks,
    markdown: [
      `Bridge and bare relay each in their own child process (measured there, after two full GCs), in front of one responder ` +
        `process; clients in the benchmark process. Per session count: open N greeted idle sessions on each path, then ` +
        `${ACTIVE_SESSIONS} active sessions loop EHLO / MAIL / RCPT / DATA / message + "." / RSET for ${ACTIVE_SECONDS} s on each ` +
        `path, in ${SLICE_SECONDS} s slices alternating between the paths; every reply is checked against its own command ` +
        '(the responder echoes the address or name). Finally every idle session must answer a NOOP. "CPU per command" is the ' +
        "server process's own CPU time (user + system) divided by the replies it relayed.",
      '',
      `Memory is measured twice, before and after opening the sessions: right after (0.5 s), and once the server process ` +
        `has been idle for ${SETTLE_MS / 1000} s (then every second until V8's young generation stays the same size). Right ` +
        "after a burst of allocation, such as opening the sessions, V8's young generation (new space) is as large as the " +
        'burst made it, its pages resident though it holds no live data after the GCs; V8 shrinks it at a GC once it finds ' +
        'the allocation rate of the last 5 s low. "Of which V8 young generation" is its growth in the figure right after. ' +
        'The goal is checked on the idle figure, the memory the sessions themselves hold.',
      '',
      ...table(['sessions', 'path', `memory per idle session (RSS, process idle ${SETTLE_MS / 1000} s)`, '(RSS right after opening)', '(of which V8 young generation)', '(JS heap + external)', 'commands/s', 'server CPU per command', 'idle sessions still answering', 'lost', 'wrong / errors'], rows),
      ...(notes.length > 0 ? ['', 'Problems seen:', ...notes] : []),
    ],
  };
}
