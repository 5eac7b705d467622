/**
 * Small statistics and formatting helpers for the benchmarks: percentiles over samples, ratios with a goal, and
 * the result shapes every benchmark returns to bench/run.ts.
 */

/** One goal check: a measured value against a limit, "le" (must be at most) or "ge" (must be at least). */
export interface GoalCheck {
  bench: string;
  what: string;
  value: number;
  /** How `value` is shown, e.g. "1.42×" or "183 ms". */
  shown: string;
  goal: string;
  pass: boolean;
}

/** What one benchmark hands back: goal checks, and Markdown lines for its section of docs/benchmarks.md. */
export interface BenchResult {
  name: string;
  title: string;
  checks: GoalCheck[];
  /** The section body (Markdown), tables and notes. */
  markdown: string[];
}

/** The q-quantile (0..1) of sorted samples, by the nearest-rank method. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] ?? Number.NaN, mean };
}

export function median(samples: readonly number[]): number {
  return quantile([...samples].sort((a, b) => a - b), 0.5);
}

export const fmt = {
  /** "1.23×" */
  ratio: (x: number): string => `${x.toFixed(2)}×`,
  /** microseconds with no decimals */
  us: (x: number): string => `${x.toFixed(0)} µs`,
  ms: (x: number, digits = 0): string => `${x.toFixed(digits)} ms`,
  kb: (bytes: number, digits = 1): string => `${(bytes / 1024).toFixed(digits)} KB`,
  mb: (bytes: number, digits = 1): string => `${(bytes / 1024 / 1024).toFixed(digits)} MB`,
  int: (x: number): string => Math.round(x).toLocaleString('en-US'),
};

export function checkLe(bench: string, what: string, value: number, limit: number, shown: string, goal: string): GoalCheck {
  return { bench, what, value, shown, goal, pass: Number.isFinite(value) && value <= limit };
}

export function checkGe(bench: string, what: string, value: number, limit: number, shown: string, goal: string): GoalCheck {
  return { bench, what, value, shown, goal, pass: Number.isFinite(value) && value >= limit };
}

/** A Markdown table from a header row and data rows. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** An integer from the environment, or the default when unset or not a positive number. */
export function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Prints one progress line to stderr (stdout carries the figures). */
export function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}
