/**
 * The instructor's class view through the real bridge: pages report their lessons and names (`progress`), and
 * `/class/sessions` answers the class with the class key only (server/class-view.ts, app.ts), read by the same
 * decoder as the class page (shared/protocol/class.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { decodeClassSnapshot, type ClassSnapshot } from '../../shared/protocol/class.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { lookupOf } from '../helpers/lookup.js';
import { readFileSync } from 'node:fs';
import { LESSONS } from '../../shared/lessons/catalogue.js';
import { servedLessons } from '../../client/ui/class-lessons.js';
import { readLessonFile } from '../../shared/lessons/lesson-file.js';

const KEY = 'class-key-for-the-tests-0123456789';

describe('the class view through the bridge', () => {
  let app: Heloterm;
  let fake: FakeSmtp;
  const clients: WsTestClient[] = [];
  beforeAll(async () => {
    fake = await startFakeSmtp({ onConnect: ['220 class.test ESMTP\r\n'] });
    app = await startHeloterm({ port: 0, practice: false, log: () => undefined, allowedPorts: [fake.port], classKey: KEY });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await app?.close();
    await fake?.close();
  });

  const open = async (): Promise<WsTestClient> => {
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    return c;
  };
  const read = async (authorization?: string): Promise<{ status: number; body: unknown; cache: string | null }> => {
    const res = await fetch(new URL('class/sessions', app.url), authorization === undefined ? {} : { headers: { authorization } });
    return { status: res.status, body: await res.json(), cache: res.headers.get('cache-control') };
  };
  const snapshot = async (): Promise<ClassSnapshot> => {
    const r = await read(`Bearer ${KEY}`);
    expect(r.status).toBe(200);
    const s = decodeClassSnapshot(r.body);
    expect(s).not.toBeNull();
    return s as ClassSnapshot;
  };

  it('shows every open page, with what it reported and what it is connected to, to the key only', async () => {
    expect(app.classUrl).toBe(`${app.url}class.html#key=${KEY}`);
    const first = await open();
    const second = await open();
    first.send({ type: 'progress', name: 'Alice', lesson: { id: 'refused-recipient', step: 2, retries: 2 }, done: ['eight-steps'] });
    second.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
    await second.next('connected');
    // Messages are handled in order: a frame after the progress one has been read once this answer comes.
    first.send({ type: 'disconnect' });
    await first.next('error');

    const s = await snapshot();
    expect(s.trainees).toHaveLength(2);
    const [a, b] = s.trainees;
    expect(a).toMatchObject({ name: 'Alice', address: '127.0.0.1', lesson: { number: 2, title: 'When a recipient is refused', step: 3, retries: 2 }, done: [1], target: null });
    expect(a?.lesson?.steps).toBeGreaterThan(3);
    expect(b).toMatchObject({ name: '', lesson: null, done: [], target: `127.0.0.1:${fake.port}`, toPractice: false });
    expect((b?.seat ?? 0) > (a?.seat ?? 0)).toBe(true);
    expect(s.lessons[0]).toEqual({ number: 1, id: 'eight-steps', title: 'The eight steps: a test message by hand', short: 'Eight steps' });

    // Without the key, with another, or with the key elsewhere than the header: nothing.
    for (const auth of [undefined, 'Bearer wrong-key-0123456789abcdef', KEY, `Basic ${KEY}`, `Bearer  ${KEY}`]) {
      const r = await read(auth);
      expect(r.status, String(auth)).toBe(401);
      expect(JSON.stringify(r.body)).not.toContain('Alice');
    }
    const inQuery = await fetch(new URL(`class/sessions?key=${KEY}`, app.url));
    expect(inQuery.status).toBe(401);
    expect((await read(`Bearer ${KEY}`)).cache).toBe('no-store');

    // A page that closes leaves the view.
    await first.close();
    await expect.poll(async () => (await snapshot()).trainees.map((t) => t.name)).toEqual(['']);
  });

  /** POSTs `body` to the call (or `to`); `authorization` null: without the header. */
  const post = async (body: string, authorization: string | null = `Bearer ${KEY}`, type = 'application/json', to = 'class/call'): Promise<{ status: number; body: unknown; text: string }> => {
    const headers: Record<string, string> = { 'content-type': type };
    if (authorization !== null) headers.authorization = authorization;
    const res = await fetch(new URL(to, app.url), { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left null: the test says what it wanted
    }
    return { status: res.status, body: parsed, text };
  };

  it("asks every open page, and each page opened later, to start a lesson; a call withdrawn reaches the open pages only", async () => {
    const before = await open();
    const openNow = (await snapshot()).trainees.length;
    const asked = await post(JSON.stringify({ lesson: 'starttls' }));
    expect(asked).toMatchObject({ status: 200, body: { pages: openNow } });
    expect(await before.next('call')).toMatchObject({ lesson: 'starttls', ageS: 0 });
    const later = await open();
    expect(await later.next('call')).toMatchObject({ lesson: 'starttls' });
    expect((await snapshot()).call).toMatchObject({ number: 4 });

    // Asked again for another: every page hears it once more; then withdrawn.
    expect((await post(JSON.stringify({ lesson: 'auth' }))).status).toBe(200);
    expect(await before.next('call')).toMatchObject({ lesson: 'auth' });
    expect(await later.next('call')).toMatchObject({ lesson: 'auth' });
    expect(await post(JSON.stringify({ lesson: null }))).toMatchObject({ status: 200, body: { pages: openNow + 1 } });
    expect(await before.next('call')).toMatchObject({ lesson: null });
    expect((await snapshot()).call).toBeNull();
    const after = await open();
    // Frames are sent in order: had a call come with the hello, it would be here before the answer to this.
    after.send({ type: 'disconnect' });
    await after.next('error');
    expect(after.all('call')).toEqual([]);
  });

  it("takes a call with the class key only, read before any body, and says what is wrong with a body in JSON", async () => {
    const open1 = await open();
    for (const auth of [null, 'Bearer wrong-key-0123456789abcdef', KEY]) {
      const r = await post(JSON.stringify({ lesson: 'starttls' }), auth);
      expect(r.status, String(auth)).toBe(401);
    }
    // Without the key, even a body too long is not read: the answer is the key's.
    expect((await post('x'.repeat(100_000), null)).status).toBe(401);
    const wrongBody = /^\{"error":"the body must be JSON, \{\\"lesson\\": \\"<lesson id>\\"\}/;
    for (const [body, type] of [
      ['{"lesson": "starttls"', 'application/json'],
      ['lesson=starttls', 'application/x-www-form-urlencoded'],
      ['{"lesson": "starttls"}', 'text/plain'],
      ['{"lesson": 4}', 'application/json'],
      ['{"lesson": "starttls", "to": "everyone"}', 'application/json'],
      ['null', 'application/json'],
    ] as const) {
      const r = await post(body, `Bearer ${KEY}`, type);
      expect(r.status, body).toBe(400);
      expect(r.text, body).toMatch(wrongBody);
    }
    const long = await post(JSON.stringify({ lesson: 'x'.repeat(4000) }));
    expect(long.status).toBe(413);
    expect(long.text).toMatch(wrongBody);
    expect(await post(JSON.stringify({ lesson: 'no-such-lesson' }))).toMatchObject({ status: 400, body: { error: 'there is no lesson "no-such-lesson" on this heloterm' } });
    // Nothing reached a page.
    open1.send({ type: 'disconnect' });
    await open1.next('error');
    expect(open1.all('call')).toEqual([]);
  });

  const sayBody = (text: string | null): string => JSON.stringify({ text });
  const say = (body: string, authorization: string | null = `Bearer ${KEY}`, type = 'application/json') => post(body, authorization, type, 'class/say');

  it("says a note to every open page and to each page opened later; taken back, it reaches the open pages only", async () => {
    const before = await open();
    const openNow = (await snapshot()).trainees.length;
    expect(await say(sayBody('  Stop after DATA and wait for me  '))).toMatchObject({ status: 200, body: { pages: openNow } });
    expect(await before.next('say')).toMatchObject({ text: 'Stop after DATA and wait for me', ageS: 0 });
    expect((await snapshot()).said).toEqual({ text: 'Stop after DATA and wait for me', ageS: 0 });
    const later = await open();
    expect(await later.next('say')).toMatchObject({ text: 'Stop after DATA and wait for me' });

    // Said again: every page hears the new note; then taken back.
    expect((await say(sayBody('Lesson 4 now, please'))).status).toBe(200);
    expect(await before.next('say')).toMatchObject({ text: 'Lesson 4 now, please' });
    expect(await later.next('say')).toMatchObject({ text: 'Lesson 4 now, please' });
    expect(await say(sayBody(null))).toMatchObject({ status: 200, body: { pages: openNow + 1 } });
    expect(await later.next('say')).toMatchObject({ text: null });
    expect((await snapshot()).said).toBeNull();
    const after = await open();
    after.send({ type: 'disconnect' });
    await after.next('error');
    expect(after.all('say')).toEqual([]);
  });

  it('says a note to one trainee alone: that page is told once, no other page, no page opened later, not the snapshot', async () => {
    const alice = await open();
    const other = await open();
    alice.send({ type: 'progress', name: 'Alice', lesson: null, done: [], hand: true });
    const seatOf = async (name: string): Promise<number | undefined> => (await snapshot()).trainees.find((t) => t.name === name)?.seat;
    await expect.poll(() => seatOf('Alice')).toBeGreaterThan(0);
    const seat = (await seatOf('Alice')) as number;
    expect(await say(JSON.stringify({ text: 'Check the brackets around the address', seat }))).toMatchObject({ status: 200, body: { pages: 1 } });
    expect(await alice.next('say')).toEqual({ v: 2, type: 'say', text: 'Check the brackets around the address', ageS: 0, direct: true });
    expect((await snapshot()).said).toBeNull();
    const later = await open();
    for (const c of [other, later]) {
      c.send({ type: 'disconnect' });
      await c.next('error');
      expect(c.all('say')).toEqual([]);
    }
    // A page that is not open: said so, to no one.
    expect(await say(JSON.stringify({ text: 'hello', seat: 9999 }))).toMatchObject({ status: 404, body: { error: 'page 9999 is not open (it has closed, or the bridge restarted)' } });
  });

  it('takes a note with the class key only, and refuses one a terminal would run or show out of order, in JSON', async () => {
    const open1 = await open();
    for (const auth of [null, 'Bearer wrong-key-0123456789abcdef', KEY]) expect((await say(sayBody('hi'), auth)).status, String(auth)).toBe(401);
    expect((await say('x'.repeat(100_000), null)).status).toBe(401);
    const wrongBody = /^\{"error":"the body must be JSON, \{\\"text\\": \\"<a note of one line, at most 300 characters, no control characters>\\"\}/;
    for (const [body, type] of [
      [sayBody(''), 'application/json'],
      [sayBody('   '), 'application/json'],
      [sayBody('two\nlines'), 'application/json'],
      [sayBody('clear \u001b[2J the screen'), 'application/json'],
      [sayBody('\u202egnp.exe'), 'application/json'],
      [sayBody('x'.repeat(301)), 'application/json'],
      ['{"text": "hi", "to": "Alice"}', 'application/json'],
      ['{"text": 4}', 'application/json'],
      ['text=hi', 'application/x-www-form-urlencoded'],
      ['{"text": "hi"', 'application/json'],
    ] as const) {
      const r = await say(body, `Bearer ${KEY}`, type);
      expect(r.status, body).toBe(400);
      expect(r.text, body).toMatch(wrongBody);
    }
    // The longest note, every character escaped, fits the body's limit; twice that does not.
    expect((await say(JSON.stringify({ text: 'é'.repeat(300) }).replace(/é/g, '\\u00e9'))).status).toBe(200);
    const long = await say(JSON.stringify({ text: 'x'.repeat(4000) }));
    expect(long.status).toBe(413);
    expect(long.text).toMatch(wrongBody);
    expect(await open1.next('say')).toMatchObject({ text: 'é'.repeat(300) });
    expect((await say(sayBody(null))).status).toBe(200);
    expect(await open1.next('say')).toMatchObject({ text: null });
    open1.send({ type: 'disconnect' });
    await open1.next('error');
    expect(open1.all('say')).toHaveLength(2);
  });

  it('shows a trainee asking for help, since when, until the hand is lowered', async () => {
    const c = await open();
    const asking = async (): Promise<number | null | undefined> => (await snapshot()).trainees.find((t) => t.name === 'Dana')?.handS;
    c.send({ type: 'progress', name: 'Dana', lesson: null, done: [], hand: true });
    await expect.poll(asking).toBe(0);
    await expect.poll(asking, { timeout: 5000, interval: 200 }).toBeGreaterThanOrEqual(1);
    // Another report that still asks (a lesson begun) keeps the time the hand went up.
    c.send({ type: 'progress', name: 'Dana', lesson: { id: 'dsn', step: 0, retries: 0 }, done: [], hand: true });
    await expect.poll(async () => (await snapshot()).trainees.find((t) => t.name === 'Dana')?.lesson?.number).toBe(11);
    expect(await asking()).toBeGreaterThanOrEqual(1);
    c.send({ type: 'progress', name: 'Dana', lesson: null, done: [] });
    await expect.poll(asking).toBeNull();
  });

  it("shows the dialog's lines a page shares while asking for help, and forgets them once the hand is lowered", async () => {
    const c = await open();
    const lines = ['C: RCPT TO:<nobody@practice.test>', 'S: 550 5.1.1 <nobody@practice.test>: Recipient address rejected'];
    const shared = async (): Promise<string[] | null | undefined> => (await snapshot()).trainees.find((t) => t.name === 'Fay')?.lines;
    c.send({ type: 'progress', name: 'Fay', lesson: null, done: [], hand: true, lines });
    await expect.poll(shared).toEqual(lines);
    // Newer lines replace them.
    c.send({ type: 'progress', name: 'Fay', lesson: null, done: [], hand: true, lines: [...lines, 'C: QUIT'] });
    await expect.poll(shared).toEqual([...lines, 'C: QUIT']);
    // Lowered by the instructor: the page is told, and the bridge keeps no line.
    const seat = (await snapshot()).trainees.find((t) => t.name === 'Fay')?.seat ?? 0;
    const r = await fetch(new URL('class/hand', app.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ seat }) });
    expect(r.status).toBe(200);
    expect(await c.next('hand')).toMatchObject({ raised: false });
    expect(await shared()).toBeNull();
    // Lines without a hand raised are not kept, and a line with a control character is refused whole.
    c.send({ type: 'progress', name: 'Fay', lesson: null, done: [], lines });
    c.send({ type: 'progress', name: 'Fay', lesson: null, done: [], hand: true, lines: ['S: \u001b]0;owned\u0007'] });
    expect(await c.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    expect(await shared()).toBeNull();
  });

  it('lets the instructor lower a hand (helped): the page is told, and a hand already down is a 404', async () => {
    const c = await open();
    c.send({ type: 'progress', name: 'Eve', lesson: null, done: ['dsn'], hand: true });
    await expect.poll(async () => (await snapshot()).trainees.find((t) => t.name === 'Eve')?.handS).toBe(0);
    const seat = (await snapshot()).trainees.find((t) => t.name === 'Eve')?.seat ?? 0;
    const lower = (body: string, authorization: string | null = `Bearer ${KEY}`) =>
      fetch(new URL('class/hand', app.url), { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) }, body });
    expect((await lower(JSON.stringify({ seat }), null)).status).toBe(401);
    for (const bad of ['{"seat": "1"}', '{"seat": -1}', '{"seat": 1, "all": true}', '{']) {
      const r = await lower(bad);
      expect(r.status, bad).toBe(400);
      expect(await r.json(), bad).toEqual({ error: 'the body must be JSON, {"seat": <the page\'s number in the class view>}' });
    }
    const r = await lower(JSON.stringify({ seat }));
    expect({ status: r.status, body: await r.json() }).toEqual({ status: 200, body: { lowered: true } });
    expect(await c.next('hand')).toMatchObject({ raised: false });
    const eve = (await snapshot()).trainees.find((t) => t.name === 'Eve');
    // Lowered, the rest of what the page reported stays.
    expect(eve).toMatchObject({ handS: null, done: [11] });
    const again = await lower(JSON.stringify({ seat }));
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: `page ${seat} does not ask for help (its hand is down, or it has closed)` });
    expect((await lower(JSON.stringify({ seat: 99_999 }))).status).toBe(404);
  });

  it('keeps only lessons the catalogue knows, and refuses a progress message that breaks its limits', async () => {
    const c = await open();
    c.send({ type: 'progress', name: 'Bob', lesson: { id: 'no-such-lesson', step: 1, retries: 0 }, done: ['made-up', 'dsn', 'dsn'] });
    c.send({ type: 'progress', name: 'x'.repeat(41), lesson: null, done: [] });
    expect(await c.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('"name" must be at most 40 characters') });
    c.send({ type: 'progress', name: 'Bob\u001b[2J', lesson: null, done: [] });
    expect(await c.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    const bob = (await snapshot()).trainees.find((t) => t.name === 'Bob');
    expect(bob).toMatchObject({ lesson: null, done: [11] });
  });

  it("serves a class's own lessons to the page, and keeps and shows progress in them after the built-in ones", async () => {
    const own = readLessonFile(JSON.parse(readFileSync(new URL('../../docs/lessons.example.json', import.meta.url), 'utf8')), LESSONS);
    if ('problems' in own) throw new Error(own.problems.join('; '));
    const withOwn = await startHeloterm({ port: 0, practice: false, log: () => undefined, classKey: KEY, lessons: own.lessons, quiz: own.quiz });
    try {
      const served = await fetch(new URL('lessons.json', withOwn.url));
      expect(served.headers.get('cache-control')).toBe('no-store');
      // The lessons and the quiz question, as the file writes them: read back the same.
      expect(own.quiz.map((q) => q.id)).toEqual(['size-refused']);
      expect(readLessonFile(await served.json(), LESSONS)).toEqual({ lessons: own.lessons, quiz: own.quiz });
      // Without a file: an empty list, which the page reads as nothing to take.
      const none = await (await fetch(new URL('lessons.json', app.url))).json();
      expect(none).toEqual({ lessons: [] });
      expect(servedLessons(none)).toBeNull();
      // A file of quiz questions alone: served with no lessons, read by the page as its questions.
      // (Its question names no lesson: the example's names one of the file, which this one has not.)
      const questions = own.quiz.map(({ lesson: _lesson, ...q }) => q);
      await expect(startHeloterm({ port: 0, practice: false, log: () => undefined, quiz: own.quiz })).rejects.toThrow(/"lesson" must be the id of a lesson/);
      const quizOnly = await startHeloterm({ port: 0, practice: false, log: () => undefined, quiz: questions });
      try {
        const served = await (await fetch(new URL('lessons.json', quizOnly.url))).json();
        expect(servedLessons(served)).toEqual({ lessons: [], quiz: questions });
        expect(servedLessons({ ...(served as object), quiz: [{ id: 'x' }] })).toEqual({ problem: expect.stringMatching(/^question 1: question "x": "after" must be/) });
      } finally {
        await quizOnly.close();
      }
      const c = await WsTestClient.open(withOwn.url);
      clients.push(c);
      await c.next('hello');
      c.send({ type: 'progress', name: 'Carol', lesson: { id: 'size-limit', step: 2, retries: 1 }, done: ['size-limit', 'dsn'] });
      await expect
        .poll(async () => {
          const res = await fetch(new URL('class/sessions', withOwn.url), { headers: { authorization: `Bearer ${KEY}` } });
          return decodeClassSnapshot(await res.json())?.trainees.find((t) => t.name === 'Carol');
        })
        .toMatchObject({ lesson: { number: LESSONS.length + 1, title: own.lessons[0]?.title, step: 3, steps: own.lessons[0]?.steps.length, retries: 1 }, done: [LESSONS.length + 1, 11] });
    } finally {
      await withOwn.close();
    }
    // A list that takes a built-in lesson's id is refused at start, as a file with one is.
    await expect(startHeloterm({ port: 0, practice: false, log: () => undefined, lessons: [{ ...own.lessons[0]!, id: 'eight-steps' }] })).rejects.toThrow(/lessons: lesson 1: lesson "eight-steps": another lesson has this id/);
  });

  it('shows a page connected to the practice server as such, by the address dialled: localhost too', async () => {
    const withPractice = await startHeloterm({ port: 0, log: () => undefined, classKey: KEY, lookup: lookupOf({ localhost: ['127.0.0.1'] }) });
    try {
      const practice = withPractice.practice?.info;
      expect(practice).toBeDefined();
      const c = await WsTestClient.open(withPractice.url);
      clients.push(c);
      await c.next('hello');
      c.send({ type: 'connect', host: 'localhost', port: practice?.port ?? 0, tls: 'none' });
      await c.next('connected');
      const res = await fetch(new URL('class/sessions', withPractice.url), { headers: { authorization: `Bearer ${KEY}` } });
      const s = decodeClassSnapshot(await res.json());
      expect(s?.trainees).toEqual([expect.objectContaining({ target: `localhost:${practice?.port}`, toPractice: true })]);
      await c.close();
    } finally {
      await withPractice.close();
    }
  });

  it('refuses a class key that is not one, before starting anything', async () => {
    await expect(startHeloterm({ port: 0, log: () => undefined, classKey: 'short' })).rejects.toThrow('class key: a token must be 16 to 128 characters long');
  });
});
