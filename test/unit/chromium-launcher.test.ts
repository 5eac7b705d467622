/**
 * test/helpers/chromium.sh, which starts Chromium for the browser tests and benchmarks: Chromium honours only the
 * last of a repeated switch, so the script merges every `--disable-features` into one and passes the rest as given.
 * Run for real, with a stand-in "Chromium" that prints the arguments it was started with.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../helpers/chromium.sh', import.meta.url));
const run = promisify(execFile);

describe('the Chromium launcher script', () => {
  let dir = '';
  let echo = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'heloterm-launcher-'));
    echo = path.join(dir, 'fake-chromium');
    await writeFile(echo, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    await chmod(echo, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function argsSeen(args: string[]): Promise<string[]> {
    const { stdout } = await run(LAUNCHER, args, { env: { ...process.env, HELOTERM_CHROMIUM: echo } });
    return stdout.split('\n').slice(0, -1);
  }

  it('merges every --disable-features into one, last, keeping each list in order', async () => {
    const seen = await argsSeen(['--headless', '--disable-features=A,B', '--window-size=1,2', '--disable-features=C', '--enable-features=X']);
    expect(seen).toEqual(['--headless', '--window-size=1,2', '--enable-features=X', '--disable-features=A,B,C']);
  });

  it('passes other switches as given, spaces and all, and adds none when there is nothing to merge', async () => {
    expect(await argsSeen(['--user-data-dir=/tmp/a b', '--remote-debugging-pipe', 'about:blank'])).toEqual([
      '--user-data-dir=/tmp/a b',
      '--remote-debugging-pipe',
      'about:blank',
    ]);
    expect(await argsSeen(['--disable-features=Only'])).toEqual(['--disable-features=Only']);
  });

  it('says what is missing when it is not told which Chromium to start', async () => {
    const env = { ...process.env };
    delete env.HELOTERM_CHROMIUM;
    const failed = await run(LAUNCHER, ['--headless'], { env }).then(
      () => null,
      (err: unknown) => err as { code?: number; stderr?: string },
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain('HELOTERM_CHROMIUM');
  });
});
