/**
 * Runs a benchmark server (responder, bridge or bare relay) in a child process (bench/child/servers.ts), so its
 * memory and CPU can be measured apart from the clients'. The child is killed by its pid when closed, and ends by
 * itself when this process goes (its IPC channel closes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ServerKind = 'responder' | 'bridge' | 'relay';

export type ChildRequest = { type: 'mem' } | { type: 'usage' } | { type: 'close' };
export type ChildReply =
  | { type: 'ready'; port: number; token: string | null }
  | {
      type: 'mem';
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      arrayBuffers: number;
      /** V8's young generation as resident in memory (new_space physical size): part of RSS that holds no live data after a GC. */
      newSpace: number;
    }
  | { type: 'usage'; cpuUs: number; sessions: number };

export type MemReport = Extract<ChildReply, { type: 'mem' }>;

/**
 * BENCH_PROF_DIR=<dir> writes a V8 CPU profile of every bridge and relay child there (node --cpu-prof), for
 * `node bench/profile-summary.ts <file>` or Chrome DevTools.
 */
function profileArgs(kind: ServerKind): string[] {
  const dir = process.env.BENCH_PROF_DIR;
  return dir !== undefined && dir !== '' && kind !== 'responder' ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${kind}-${Date.now()}`] : [];
}

const ENTRY = fileURLToPath(new URL('../child/servers.ts', import.meta.url));
/** How long a child may take to start or answer, in ms. */
const CHILD_TIMEOUT_MS = 30_000;

export class ServerChild {
  private constructor(
    readonly kind: ServerKind,
    private readonly proc: ChildProcess,
    readonly port: number,
    readonly token: string | null,
  ) {}

  static async start(kind: ServerKind, responderPort = 0): Promise<ServerChild> {
    const proc = fork(ENTRY, [kind, String(responderPort)], {
      execArgv: ['--expose-gc', '--import', 'tsx', ...profileArgs(kind)],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await waitFor(proc, 'ready');
    return new ServerChild(kind, proc, ready.port, ready.token);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  async mem(): Promise<MemReport> {
    this.proc.send({ type: 'mem' } satisfies ChildRequest);
    return waitFor(this.proc, 'mem');
  }

  async usage(): Promise<{ cpuUs: number; sessions: number }> {
    this.proc.send({ type: 'usage' } satisfies ChildRequest);
    return waitFor(this.proc, 'usage');
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.send({ type: 'close' } satisfies ChildRequest);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function waitFor<T extends ChildReply['type']>(proc: ChildProcess, type: T): Promise<Extract<ChildReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${proc.pid}: no "${type}" within ${CHILD_TIMEOUT_MS} ms`));
    }, CHILD_TIMEOUT_MS);
    const onMessage = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && 'type' in m && m.type === type) {
        cleanup();
        resolve(m as Extract<ChildReply, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child ${proc.pid} exited (${code}) before "${type}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}
