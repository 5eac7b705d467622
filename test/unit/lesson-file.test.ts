/**
 * A class's own lessons (shared/lessons/lesson-file.ts): the file docs/lessons.md shows, read whole or not at all;
 * every rule the built-in catalogue's tests make of a lesson, and each problem named; and --lessons reading it at
 * start (server/config.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LESSONS, STANDARD_STEPS, findLesson, pageLessons, setClassLessons } from '../../shared/lessons/catalogue.js';
import { readLessonFile } from '../../shared/lessons/lesson-file.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { parseConfig } from '../../server/config.js';

const EXAMPLE = JSON.parse(readFileSync(new URL('../../docs/lessons.example.json', import.meta.url), 'utf8')) as { lessons: Record<string, unknown>[] };

/** The example's first lesson with `change` made to it. */
function variant(change: (l: Record<string, unknown> & { steps: unknown[] }) => void): unknown {
  const copy = structuredClone(EXAMPLE.lessons[0]) as Record<string, unknown> & { steps: unknown[] };
  change(copy);
  return { lessons: [copy] };
}

const problems = (json: unknown): string[] => {
  const r = readLessonFile(json, LESSONS);
  return 'problems' in r ? r.problems : [];
};

describe('a lesson file', () => {
  it('reads the example docs/lessons.md shows, its standard steps written out', () => {
    const r = readLessonFile(EXAMPLE, LESSONS);
    if ('problems' in r) throw new Error(r.problems.join('; '));
    expect(r.lessons.map((l) => l.id)).toEqual(['size-limit']);
    const steps = r.lessons[0]?.steps ?? [];
    expect(steps[0]).toBe(STANDARD_STEPS.connect);
    expect(steps.at(-1)).toBe(STANDARD_STEPS.quit);
    expect(steps[2]).toMatchObject({ type: ['MAIL FROM:<trainee@example.org> SIZE=2000000'], expect: { answers: ['MAIL'], code: 552 } });
  });

  it('holds the built-in catalogue to the same rules (the reader and the catalogue\'s tests agree)', () => {
    expect(readLessonFile({ lessons: LESSONS }, [])).toEqual({ lessons: LESSONS, quiz: [] });
  });

  it.each([
    ['not a list', { lesson: [] }, 'the file must be { "lessons": [ … ] } with 1 to 20 lessons'],
    ['too many', { lessons: Array.from({ length: 21 }, () => EXAMPLE.lessons[0]) }, 'with 1 to 20 lessons'],
    ['a built-in id', variant((l) => (l.id = 'eight-steps')), 'lesson 1: lesson "eight-steps": another lesson has this id'],
    ['an id for no link', variant((l) => (l.id = 'Size Limit')), '"id" must be 1 to 40 lower-case letters'],
    ['a long button', variant((l) => (l.short = 'x'.repeat(25))), '"short" must be a text of at most 24 characters, without control characters (it is the lesson\'s button)'],
    ['no connect first', variant((l) => l.steps.shift()), 'its first step is the greeting: "connect"'],
    ['no quit', variant((l) => l.steps.pop()), 'it ends with "quit"'],
    ['an unknown standard step', variant((l) => (l.steps[1] = 'helo')), 'step 2: "helo" is not a standard step'],
    ['a line not the command awaited', variant((l) => ((l.steps[3] as { type: string[] }).type = ['RCPT TO:<bob@practice.test>'])), 'step 4: "RCPT TO:<bob@practice.test>" is not one of the commands the step waits for (MAIL)'],
    ['a BDAT chunk its lines overrun', variant((l) => l.steps.splice(4, 0, { task: 'Send a chunk.', type: ['BDAT 5', 'Hello'], expect: { answers: ['BDAT'], code: 250 }, learn: 'The server has the chunk and waits for more.', source: 'RFC 3030 §2' })), 'step 5: the lines after "BDAT 5" do not make up its chunk exactly'],
    ['a BDAT chunk its lines leave short', variant((l) => l.steps.splice(4, 0, { task: 'Send a chunk.', type: ['BDAT 9', 'Hello'], expect: { answers: ['BDAT'], code: 250 }, learn: 'The server has the chunk and waits for more.', source: 'RFC 3030 §2' })), 'do not make up its chunk exactly'],
    ['an unknown target', variant((l) => Object.assign(l, { target: 'imap' })), '"target" is "lmtp" (the practice server\'s LMTP side), "tls" (its port with TLS from the first byte) or left out'],
    ['a failure without retry', variant((l) => delete (l.steps[2] as { retry?: string }).retry), 'step 3: a step that wants a failure (4xx, 5xx) says in "retry"'],
    ['a control character typed', variant((l) => ((l.steps[4] as { type: string[] }).type = ['RSET\r\nDATA'])), 'step 5: "type" must list at most 40 lines'],
    ['an unknown command', variant((l) => ((l.steps[4] as { expect: unknown }).expect = { answers: ['FOO'], code: 250 })), '"expect.answers" must be "greeting", "end-of-data" or a list of SMTP commands'],
    ['code and class', variant((l) => ((l.steps[4] as { expect: unknown }).expect = { answers: ['RSET'], code: 250, cls: 2 })), '"expect" takes "code" or "cls", not both'],
    ['no learn', variant((l) => delete (l.steps[4] as { learn?: string }).learn), 'step 5: "learn" is missing'],
    ['no source', variant((l) => delete (l.steps[4] as { source?: string }).source), 'step 5: "source" must say what the step rests on'],
    ['a local step not last', variant((l) => l.steps.splice(4, 0, { task: 'Read the log now.', type: ['/log'], expect: { local: 'log' }, learn: 'The log of the session so far.', source: 'Postfix smtpd(8)' })), "at most 3 of heloterm's own commands, as its last steps"],
    [
      'four local steps after QUIT',
      variant((l) => l.steps.push(...Array.from({ length: 4 }, () => ({ task: 'Read the log.', type: ['/log'], expect: { local: 'log' }, learn: 'The log of the session.', source: 'Postfix smtpd(8)' })))),
      "at most 3 of heloterm's own commands, as its last steps",
    ],
    ['a local step typing another command', variant((l) => l.steps.push({ task: 'Read the log now.', type: ['/tls versions'], expect: { local: 'log' }, learn: 'The log of the session so far.', source: 'Postfix smtpd(8)' })), 'a step that expects "local": "log" types that one command alone'],
  ])('names what is wrong: %s', (_what, json, why) => {
    const found = problems(json);
    expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(why);
  });

  it('takes a local step last (/tls versions), and names each lesson that is wrong, taking none of them', () => {
    const withProbe = variant((l) => l.steps.push({ task: 'Which TLS versions?', type: ['/tls versions'], expect: { local: 'tls-versions' }, learn: 'Those it takes, and those it does not.', source: 'RFC 8996' }));
    expect(problems(withProbe)).toEqual([]);
    const [good] = (withProbe as { lessons: unknown[] }).lessons;
    const bad = { ...(good as object), id: 'second', title: '' };
    expect(readLessonFile({ lessons: [good, bad, { ...(good as object), id: 'size-limit' }] }, LESSONS)).toEqual({
      problems: ['lesson 2: lesson "second": "title" must be a text of at most 100 characters, without control characters', 'lesson 3: lesson "size-limit": another lesson has this id (built-in ids are taken too)'],
    });
  });

  it('is found by its number after the built-in lessons, once the page has it', () => {
    const r = readLessonFile(EXAMPLE, LESSONS) as { lessons: Lesson[] };
    try {
      expect(findLesson('size-limit')).toBeUndefined();
      setClassLessons(r.lessons);
      expect(pageLessons()).toHaveLength(LESSONS.length + 1);
      expect(findLesson(String(LESSONS.length + 1))).toBe(r.lessons[0]);
      expect(findLesson('size-limit')).toBe(r.lessons[0]);
    } finally {
      setClassLessons([]);
    }
  });
});

describe('--lessons', () => {
  const text = JSON.stringify(EXAMPLE);
  const read = (files: Record<string, string>) => (file: string): string => {
    const t = files[file];
    if (t === undefined) throw new Error(`ENOENT: no such file, open '${file}'`);
    return t;
  };

  it('reads the file at start (or HELOTERM_LESSONS), and stops at one with problems, naming each', () => {
    const ok = parseConfig(['--lessons', 'class.json'], {}, read({ 'class.json': text }));
    expect(ok.ok && ok.config.options.lessons?.map((l) => l.id)).toEqual(['size-limit']);
    const env = parseConfig([], { HELOTERM_LESSONS: 'class.json' }, read({ 'class.json': text }));
    expect(env.ok && env.config.options.lessons?.length).toBe(1);
    const broken = JSON.stringify(variant((l) => l.steps.pop()));
    expect(parseConfig(['--lessons', 'class.json'], {}, read({ 'class.json': broken }))).toEqual({
      ok: false,
      error: '--lessons: class.json has problems, and no lesson of it was taken:\n  lesson 1: lesson "size-limit": it ends with "quit" (then at most 3 of heloterm\'s own commands)',
    });
    expect(parseConfig(['--lessons', 'class.json'], {}, read({ 'class.json': '{ lessons: [' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^--lessons: class\.json is not JSON/) });
    expect(parseConfig(['--lessons', 'gone.json'], {}, read({}))).toMatchObject({ ok: false, error: expect.stringMatching(/^--lessons: cannot read gone\.json \(ENOENT/) });
    expect(parseConfig(['--lessons', 'class.json', '--no-practice'], {}, read({ 'class.json': text }))).toMatchObject({ ok: false, error: expect.stringContaining('contradict each other') });
    expect(parseConfig(['--lessons', 'class.json', '--check-lessons'], {}, read({ 'class.json': text }))).toMatchObject({ ok: true, config: { checkLessons: true } });
    expect(parseConfig(['--check-lessons'], {}, read({}))).toEqual({ ok: false, error: '--check-lessons needs --lessons FILE: the lessons to play' });
  });

  it('reads quiz questions beside the lessons, or alone (then without a practice server too)', () => {
    const question = { id: 'ours', after: 'DATA', reply: '354 go ahead', question: 'And now?', options: ['The message', 'QUIT', 'RSET'], answer: 1, why: 'After 354 the server reads the message.' };
    const both = parseConfig(['--lessons', 'class.json'], {}, read({ 'class.json': JSON.stringify({ ...EXAMPLE, quiz: [question] }) }));
    expect(both.ok && [both.config.options.lessons?.length, both.config.options.quiz]).toEqual([1, [{ ...question, answer: 0 }]]);
    const alone = parseConfig(['--lessons', 'quiz.json', '--no-practice'], {}, read({ 'quiz.json': JSON.stringify({ quiz: [question] }) }));
    expect(alone.ok && [alone.config.options.lessons, alone.config.options.quiz?.length]).toEqual([undefined, 1]);
    expect(parseConfig(['--lessons', 'quiz.json'], {}, read({ 'quiz.json': JSON.stringify({ quiz: [{ ...question, answer: 9 }] }) }))).toEqual({
      ok: false,
      error: '--lessons: quiz.json has problems, and no lesson of it was taken:\n  question 1: question "ours": "answer" is the number of the right option, 1 to 3',
    });
  });
});
