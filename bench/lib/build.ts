/**
 * Builds the two pages the browser benchmarks load, with Vite, into a temporary directory (never into dist/, which
 * the tests and the lead's builds use): heloterm's client with the project's own vite.config.ts, and the bare
 * xterm page (bench/bare-page) with the same build settings.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { build } from 'vite';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Builds {
  heloterm: string;
  bare: string;
  /** Removes the temporary directory. */
  remove(): void;
}

/** The build settings of vite.config.ts, for the bare page (root and outDir differ). */
const SHARED_BUILD = { sourcemap: true, target: 'es2022', emptyOutDir: true } as const;

export async function buildPages(): Promise<Builds> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heloterm-bench-'));
  const heloterm = path.join(dir, 'heloterm');
  const bare = path.join(dir, 'bare');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    root: path.join(REPO_ROOT, 'client'),
    logLevel: 'warn',
    build: { outDir: heloterm, emptyOutDir: true },
  });
  await build({
    configFile: false,
    root: path.join(REPO_ROOT, 'bench', 'bare-page'),
    base: './',
    logLevel: 'warn',
    build: { ...SHARED_BUILD, outDir: bare },
  });
  return { heloterm, bare, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface AssetSize {
  file: string;
  raw: number;
  gzip: number;
}

/** Every .js and .css file of a build (source maps, HTML and images are not counted), gzipped at level 9. */
export function assetSizes(dir: string): AssetSize[] {
  const out: AssetSize[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|css)$/.test(name)) {
        const body = readFileSync(p);
        out.push({ file: path.relative(dir, p), raw: body.length, gzip: gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => b.gzip - a.gzip);
}
