/**
 * shared/ is pure: its tsconfig (lib ES2022, types []) already makes DOM and Node globals compile errors. This test
 * closes the remaining gap: a shared module must not import anything outside shared/ (a package or ../server file
 * could bring I/O in through the back door).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('shared/ purity', () => {
  const files = tsFiles(SHARED);
  it('finds the shared modules', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  it.each(files.map((f) => [relative(SHARED, f), f]))('%s imports only from shared/', (_name, file) => {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? '';
      expect(spec.startsWith('.'), `${spec} is a package import`).toBe(true);
      const target = resolve(join(file, '..'), spec);
      expect(target.startsWith(SHARED), `${spec} leaves shared/`).toBe(true);
    }
  });
});
