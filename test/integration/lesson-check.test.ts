/**
 * `--check-lessons` (server/lesson-check.ts): a class's own lessons played against a practice server of their own,
 * as the tests play the built-in ones; the first step that does not pass is named, with what the server said. The
 * built-in lessons pass through it too (STARTTLS and AUTH, greylisting's wait, /log, /explain and /tls versions).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../shared/lessons/catalogue.js';
import { readLessonFile } from '../../shared/lessons/lesson-file.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { checkLessons } from '../../server/lesson-check.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE_FILE = path.join(ROOT, 'docs/lessons.example.json');
const example = (): { lessons: Record<string, unknown>[] } => JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as { lessons: Record<string, unknown>[] };

/** The example file with its fourth step wanting 251 where the practice server says 250. */
function wrongExample(): unknown {
  const json = example();
  const steps = json.lessons[0]?.steps as { expect: { code: number } }[];
  (steps[3] as { expect: { code: number } }).expect.code = 251;
  return json;
}

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('checking lessons on a practice server of their own', () => {
  it('passes every built-in lesson, and the example file docs/lessons.md shows', async () => {
    const read = readLessonFile(example(), LESSONS) as { lessons: Lesson[] };
    const verdicts = await checkLessons([...LESSONS, ...read.lessons]);
    expect(verdicts.filter((v) => v.failed !== null)).toEqual([]);
    expect(verdicts.map((v) => v.id)).toEqual([...LESSONS.map((l) => l.id), 'size-limit']);
  });

  it('names the first step that does not pass, and what the server answered instead', async () => {
    const read = readLessonFile(wrongExample(), LESSONS) as { lessons: Lesson[] };
    expect(await checkLessons(read.lessons)).toEqual([
      { id: 'size-limit', steps: 6, failed: { step: 4, task: 'Announce a small one instead: SIZE=1000.', why: 'the server answered 250 2.1.0 Accepted' } },
    ]);
  });

  it('is heloterm --lessons FILE --check-lessons: a line a lesson, and exit 0 only when all pass', async () => {
    const good = await run(['--lessons', EXAMPLE_FILE, '--check-lessons']);
    expect(good).toEqual({ code: 0, out: 'size-limit: all 6 steps pass\n' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'heloterm-lessons-'));
    const wrong = path.join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify(wrongExample()));
    const bad = await run(['--lessons', wrong, '--check-lessons']);
    expect(bad).toEqual({ code: 1, out: 'size-limit: step 4 of 6 does not pass ("Announce a small one instead: SIZE=1000."): the server answered 250 2.1.0 Accepted\n' });
  });
});
