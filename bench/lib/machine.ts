/** Where the figures were taken: machine, versions and date, for docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './build.js';

const PACKAGES = ['@xterm/xterm', '@xterm/addon-fit', 'ws', 'express', 'vite', 'playwright-core', 'typescript', 'tsx'] as const;

function packageVersion(name: string): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '?';
  } catch {
    return '?';
  }
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1] ?? os.cpus()[0]?.model ?? '?';
  } catch {
    return os.cpus()[0]?.model ?? '?';
  }
}

/** The commit the code is at, and whether the working tree differs from it (read-only git commands). */
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return '?';
  }
}

export function machineLines(chromium: string | null): string[] {
  const cores = os.availableParallelism();
  return [
    `- Date: ${new Date().toISOString().replace('T', ' ').replace(/\..*/, ' UTC')}`,
    `- Machine: ${cores} cores (\`nproc\`), ${cpuModel()}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; Chromium ${chromium ?? '(not run)'}`,
    `- Packages: ${PACKAGES.map((p) => `${p} ${packageVersion(p)}`).join(', ')}`,
    `- Code: ${commit()}`,
  ];
}
