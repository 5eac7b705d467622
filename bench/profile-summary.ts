/**
 * Summarises a V8 CPU profile (.cpuprofile from `node --cpu-prof`, BENCH_PROF_DIR, or Chromium's Profiler):
 * self time by function and by file, largest first.
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function isProfile(x: unknown): x is Profile {
  return typeof x === 'object' && x !== null && 'nodes' in x && 'samples' in x && 'timeDeltas' in x && Array.isArray(x.nodes);
}

/** A short name for a script URL: the path inside the repository or package, or the bare name. */
function shortUrl(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] ?? url;
  return url.replace(/^.*\/(client|shared|server|bench|assets)\//, '$1/').replace(/^file:\/\//, '');
}

export function summarizeProfile(profile: Profile, rows: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    total += dt;
    const cf = node.callFrame;
    const file = cf.url === '' ? `(${cf.functionName || 'native'})` : shortUrl(cf.url);
    const fn = `${cf.functionName || '(anonymous)'}  ${file}:${cf.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
  });
  const top = (m: Map<string, number>): string[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  return [`total ${(total / 1000).toFixed(0)} ms`, '', 'self time by function:', ...top(byFunction), '', 'self time by file:', ...top(byFile)].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows]\n');
    process.exit(2);
  }
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(data)) throw new Error(`${file}: not a CPU profile`);
  process.stdout.write(summarizeProfile(data, Number(process.argv[3] ?? 30)) + '\n');
}
