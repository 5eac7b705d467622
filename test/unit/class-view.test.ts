/**
 * The instructor's class view, its pure parts: what a page's `progress` message may carry (decode.ts), what the
 * bridge keeps of it and shows (server/class-view.ts), the class key's check, the snapshot as the class page decodes
 * it (shared/protocol/class.ts), `/name` typed, and the class saved as CSV (client/ui/class-csv.ts).
 */
import { describe, expect, it } from 'vitest';
import { classKeyMatches, classSnapshot, keptProgress, type Seat } from '../../server/class-view.js';
import { decodeClientMessage, decodeServerMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { decodeCallAnswer, decodeCallRequest, decodeClassSnapshot, decodeHandRequest, decodeSayRequest, type ClassSnapshot } from '../../shared/protocol/class.js';
import { classCsv, csvField } from '../../client/ui/class-csv.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';
import { MAX_SHARED_LINE_CHARS, MAX_SHARED_LINES } from '../../shared/protocol/app-limits.js';
import { LESSONS } from '../../shared/lessons/catalogue.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { classTally, formatQuizTally, formatTally } from '../../client/ui/class-tally.js';
import { answeredCall, callOffer, isAnswered } from '../../client/ui/class-call.js';

const seat = (over: Partial<Seat>): Seat => ({ seat: 1, address: '192.0.2.31', openedAt: 0, lastFrameAt: 0, progress: null, handAt: null, target: null, toPractice: false, ...over });

describe('a progress message', () => {
  const decode = (fields: Record<string, unknown>) => decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'progress', name: '', lesson: null, done: [], ...fields }));

  it('carries a name, the lesson in hand and the lessons done', () => {
    expect(decode({ name: 'Zoë Ångström', lesson: { id: 'dsn', step: 3, retries: 0 }, done: ['eight-steps'] })).toEqual({
      ok: true,
      value: { v: PROTOCOL_VERSION, type: 'progress', name: 'Zoë Ångström', lesson: { id: 'dsn', step: 3, retries: 0 }, done: ['eight-steps'] },
    });
  });

  it('carries a hand raised, and only true is kept: false is the same as none', () => {
    expect(decode({ hand: true })).toMatchObject({ ok: true, value: { hand: true } });
    expect(decode({ hand: false })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'progress', name: '', lesson: null, done: [] } });
    expect(decode({ hand: 'yes' })).toEqual({ ok: false, error: 'progress: "hand" must be true or false' });
    expect(keptProgress({ name: 'Bob', lesson: null, done: [], hand: true })).toEqual({ name: 'Bob', lesson: null, done: [], hand: true });
  });

  it("carries the dialog's newest lines with a hand raised only, each a line without control characters", () => {
    const lines = ['C: RCPT TO:<nobody@practice.test>', 'S: 550 5.1.1 <nobody@practice.test>: Recipient address rejected'];
    expect(decode({ hand: true, lines })).toMatchObject({ ok: true, value: { hand: true, lines } });
    expect(decode({ lines })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'progress', name: '', lesson: null, done: [] } });
    expect(decode({ hand: true, lines: Array.from({ length: MAX_SHARED_LINES }, () => 'S: 250 OK') }).ok).toBe(true);
  });

  it('carries the last quiz finished, as whole numbers, right at most of', () => {
    expect(decode({ quiz: { right: 6, of: 8 } })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'progress', name: '', lesson: null, done: [], quiz: { right: 6, of: 8 } } });
    expect(decode({ quiz: { right: 0, of: 1, more: 'x' } })).toMatchObject({ ok: true, value: { quiz: { right: 0, of: 1 } } });
    for (const quiz of [{ right: 9, of: 8 }, { right: 1, of: 0 }, { right: -1, of: 8 }, { right: 2.5, of: 8 }, { right: 1, of: 51 }, '6/8', null, [6, 8]]) {
      expect(decode({ quiz })).toEqual({ ok: false, error: 'progress: "quiz" must be { "right", "of" }: whole numbers, right at most of, of from 1 to 50' });
    }
  });

  it.each([
    [{ name: 'x'.repeat(41) }, '"name"'],
    [{ name: 'a\u0007b' }, '"name"'],
    [{ name: 'a\u009bb' }, '"name"'],
    [{ name: 7 }, '"name"'],
    [{ done: 'dsn' }, '"done"'],
    [{ done: Array.from({ length: 31 }, () => 'dsn') }, '"done"'],
    [{ done: ['DSN'] }, '"done"'],
    [{ lesson: { id: 'dsn', step: -1, retries: 0 } }, '"lesson"'],
    [{ lesson: { id: 'dsn', step: 1.5, retries: 0 } }, '"lesson"'],
    [{ lesson: { id: 'dsn', step: 1 } }, '"lesson"'],
    [{ lesson: { id: 'dsn', step: 1, retries: -2 } }, '"lesson"'],
    [{ lesson: { id: '../x', step: 1 } }, '"lesson"'],
    [{ lesson: 'dsn' }, '"lesson"'],
    [{ hand: true, lines: 'S: 250 OK' }, '"lines"'],
    [{ hand: true, lines: Array.from({ length: MAX_SHARED_LINES + 1 }, () => 'S: 250 OK') }, '"lines"'],
    [{ hand: true, lines: ['x'.repeat(MAX_SHARED_LINE_CHARS + 1)] }, '"lines"'],
    [{ hand: true, lines: ['S: 250\u001b[2J'] }, '"lines"'],
    [{ hand: true, lines: [7] }, '"lines"'],
  ])('refuses %j', (fields, field) => {
    const d = decode(fields);
    expect(d.ok).toBe(false);
    expect(d.ok ? '' : d.error).toContain(field);
  });
});

describe('what the class view keeps and shows', () => {
  it('keeps only the lessons the catalogue knows, each done once, and the name without its outer spaces', () => {
    expect(keptProgress({ name: '  Alice ', lesson: { id: 'no-such', step: 2, retries: 0 }, done: ['dsn', 'made-up', 'dsn', 'eight-steps'] })).toEqual({
      name: 'Alice',
      lesson: null,
      done: ['dsn', 'eight-steps'],
    });
  });

  it('lists pages in the order they opened, each lesson by number and title, its step from 1, and the times', () => {
    const second = seat({ seat: 2, openedAt: 1_000, lastFrameAt: 61_000, progress: { name: 'Bob', lesson: { id: 'refused-recipient', step: 0, retries: 2 }, done: ['eight-steps'], hand: true }, handAt: 5_000, target: '127.0.0.1:2526', toPractice: true });
    const first = seat({ seat: 1, openedAt: 0, lastFrameAt: 120_000 });
    const s = classSnapshot([second, first], 125_000);
    expect(s.trainees.map((t) => t.seat)).toEqual([1, 2]);
    expect(s.trainees[1]).toEqual({
      seat: 2,
      address: '192.0.2.31',
      name: 'Bob',
      lesson: { number: 2, title: LESSONS[1]?.title, step: 1, steps: LESSONS[1]?.steps.length, retries: 2 },
      done: [1],
      target: '127.0.0.1:2526',
      toPractice: true,
      idleS: 64,
      openS: 124,
      handS: 120,
      lines: [],
      quiz: null,
    });
    expect(s.trainees[0]).toMatchObject({ name: '', lesson: null, done: [], idleS: 5, openS: 125, handS: null });
    expect(s.lessons).toHaveLength(LESSONS.length);
    expect(s.lessons[3]).toEqual({ number: 4, id: 'starttls', title: LESSONS[3]?.title, short: LESSONS[3]?.short });
    expect(s.call).toBeNull();
    // What the bridge sends, the class page reads back as it is.
    expect(decodeClassSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('shows the lesson the instructor asked for by its number, and how long ago; not one it does not know', () => {
    const s = classSnapshot([], 200_000, LESSONS, { lesson: 'starttls', at: 10_400 });
    expect(s.call).toEqual({ number: 4, ageS: 190 });
    expect(decodeClassSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(classSnapshot([], 200_000, LESSONS, { lesson: 'gone-from-the-list', at: 0 }).call).toBeNull();
    // Asked a moment after the snapshot's clock was read: not a negative age.
    expect(classSnapshot([], 1_000, LESSONS, { lesson: 'starttls', at: 1_200 }).call).toEqual({ number: 4, ageS: 0 });
  });

  it("shows the dialog's lines a page shares while its trainee asks for help, and none otherwise", () => {
    const lines = ['C: RCPT TO:<nobody@practice.test>', 'S: 550 5.1.1 <nobody@practice.test>: Recipient address rejected'];
    // Kept with a hand raised only: a page that lowered its hand (or never raised it) shares nothing.
    expect(keptProgress({ name: 'Ann', lesson: null, done: [], hand: true, lines }).lines).toEqual(lines);
    expect(keptProgress({ name: 'Ann', lesson: null, done: [], lines })).toEqual({ name: 'Ann', lesson: null, done: [] });
    const asking = seat({ seat: 1, progress: { name: 'Ann', lesson: null, done: [], hand: true, lines }, handAt: 0 });
    const s = classSnapshot([asking, seat({ seat: 2, progress: { name: 'Bo', lesson: null, done: [], lines } })], 10_000);
    expect(s.trainees.map((t) => t.lines)).toEqual([lines, null]);
    expect(decodeClassSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it("shows the last quiz a page finished, whatever its hand; a page that finished none shows none", () => {
    expect(keptProgress({ name: 'Ann', lesson: null, done: [], quiz: { right: 5, of: 8 } })).toEqual({ name: 'Ann', lesson: null, done: [], quiz: { right: 5, of: 8 } });
    const s = classSnapshot([seat({ seat: 1, progress: { name: 'Ann', lesson: null, done: [], quiz: { right: 5, of: 8 } } }), seat({ seat: 2 })], 10_000);
    expect(s.trainees.map((t) => t.quiz)).toEqual([{ right: 5, of: 8 }, null]);
    expect(decodeClassSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
    // Beyond its limits, the snapshot is not read (the page decodes what the bridge sends strictly).
    const bad = JSON.parse(JSON.stringify(s)) as { trainees: { quiz: unknown }[] };
    for (const quiz of [{ right: 9, of: 8 }, { right: -1, of: 8 }, { right: 1, of: 0 }, { right: 1.5, of: 8 }, { right: 1, of: 51 }, '5/8']) {
      const t0 = bad.trainees[0];
      if (t0 !== undefined) t0.quiz = quiz;
      expect(decodeClassSnapshot(bad)).toBeNull();
    }
  });

  it('shows a lesson over as its last step, not beyond', () => {
    const steps = LESSONS[0]?.steps.length ?? 0;
    const s = classSnapshot([seat({ progress: { name: '', lesson: { id: 'eight-steps', step: steps + 5, retries: 0 }, done: [] } })], 0);
    expect(s.trainees[0]?.lesson?.step).toBe(steps);
  });
});

describe('the class key and the snapshot on the wire', () => {
  it('opens the view with "Bearer <key>" and nothing else', () => {
    const key = 'k'.repeat(24);
    expect(classKeyMatches(`Bearer ${key}`, key)).toBe(true);
    for (const h of [undefined, '', key, `Bearer ${key}x`, `Bearer ${key.slice(1)}`, `bearer ${key}`, `Bearer  ${key}`, `Bearer ${key} extra`]) {
      expect(classKeyMatches(h, key), String(h)).toBe(false);
    }
  });

  it('refuses a snapshot that is not one', () => {
    const good = { trainees: [], lessons: [], call: null, said: null, turnedAway: null };
    expect(decodeClassSnapshot(good)).toEqual(good);
    const called = { trainees: [], lessons: [{ number: 1, id: 'eight-steps', title: 't', short: 's' }], call: { number: 1, ageS: 75 }, said: { text: 'Stop at DATA', ageS: 3 }, turnedAway: null };
    expect(decodeClassSnapshot(called)).toEqual(called);
    const trainee = { seat: 1, address: 'a', name: '', lesson: null, done: [], target: null, toPractice: false, idleS: 0, openS: 0, handS: null };
    expect(decodeClassSnapshot({ ...good, trainees: [{ ...trainee, handS: 30 }] })?.trainees[0]?.handS).toBe(30);
    // A bridge that shares no lines (lines absent) reads as none.
    expect(decodeClassSnapshot({ ...good, trainees: [trainee] })?.trainees[0]?.lines).toBeNull();
    expect(decodeClassSnapshot({ ...good, trainees: [{ ...trainee, handS: 3, lines: ['S: 250 OK'] }] })?.trainees[0]?.lines).toEqual(['S: 250 OK']);
    for (const bad of [
      { trainees: [{ ...trainee, lines: ['S: \x1b[2J'] }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, lines: Array.from({ length: MAX_SHARED_LINES + 1 }, () => 'S: 250 OK') }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, lines: ['x'.repeat(MAX_SHARED_LINE_CHARS + 1)] }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, lines: 'S: 250 OK' }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, handS: undefined }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, handS: -1 }], lessons: [], call: null, said: null },
      null,
      [],
      { trainees: [{ ...trainee, idleS: -1 }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, done: ['1'] }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, toPractice: 'no' }], lessons: [], call: null, said: null },
      { trainees: [{ ...trainee, lesson: { number: 1, title: 't', step: 1, steps: 8 } }], lessons: [], call: null, said: null },
      { trainees: [], lessons: [{ number: 1, title: 't' }], call: null, said: null },
      { trainees: [], lessons: [{ number: 1, id: 'Eight steps', title: 't', short: 's' }], call: null, said: null },
      // No call named, not even null.
      { trainees: [], lessons: [] },
      { trainees: [], lessons: [], call: { number: 1 } },
      { trainees: [], lessons: [], call: { number: 1, ageS: -3 }, said: null },
      // No pages turned away named, not even null.
      { trainees: [], lessons: [], call: null, said: null },
      // No note named, not even null; or one that is not a note.
      { trainees: [], lessons: [], call: null },
      { trainees: [], lessons: [], call: null, said: { text: 'Stop' } },
      { trainees: [], lessons: [], call: null, said: { text: '', ageS: 0 } },
      { trainees: [], lessons: [], call: null, said: { text: 'Stop\u001b[2J', ageS: 0 } },
      { trainees: [], lessons: [], call: null, said: { text: 'x'.repeat(301), ageS: 0 } },
    ]) {
      expect(decodeClassSnapshot(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe("the instructor's call on the wire", () => {
  it('asks for a lesson by its id, or withdraws the call, and nothing else', () => {
    expect(decodeCallRequest({ lesson: 'starttls' })).toEqual({ lesson: 'starttls' });
    expect(decodeCallRequest({ lesson: null })).toEqual({ lesson: null });
    for (const bad of [null, 'starttls', [], {}, { lesson: 4 }, { lesson: 'STARTTLS' }, { lesson: '' }, { lesson: 'x'.repeat(41) }, { lesson: 'a b' }, { lesson: 'starttls', also: 1 }]) {
      expect(decodeCallRequest(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(decodeCallAnswer({ pages: 3 })).toEqual({ pages: 3 });
    for (const bad of [null, {}, { pages: -1 }, { pages: 1.5 }, { pages: '3' }]) expect(decodeCallAnswer(bad), JSON.stringify(bad)).toBeNull();
  });

  it('asks to lower a hand by the page\'s seat; the page is told with a `hand` message', () => {
    expect(decodeHandRequest({ seat: 3 })).toEqual({ seat: 3 });
    for (const bad of [null, {}, { seat: '3' }, { seat: -1 }, { seat: 1.5 }, { seat: 3, also: 1 }]) expect(decodeHandRequest(bad), JSON.stringify(bad)).toBeNull();
    const v = PROTOCOL_VERSION;
    expect(decodeAnyServerMessage(JSON.stringify({ v, type: 'hand', raised: false }))).toEqual({ ok: true, value: { v, type: 'hand', raised: false } });
    for (const raised of [true, 'false', undefined]) expect(decodeAnyServerMessage(JSON.stringify({ v, type: 'hand', raised }))).toEqual({ ok: false, error: 'hand: bad "raised"' });
  });

  it('reaches the page as a `call` message the app decodes, its fields checked', () => {
    const v = PROTOCOL_VERSION;
    const call = { v, type: 'call', lesson: 'starttls', ageS: 0 };
    expect(decodeAnyServerMessage(JSON.stringify(call))).toEqual({ ok: true, value: call });
    const withdrawn = { v, type: 'call', lesson: null, ageS: 0 };
    expect(decodeAnyServerMessage(JSON.stringify(withdrawn))).toEqual({ ok: true, value: withdrawn });
    for (const bad of [{ ...call, lesson: 'Lesson 4' }, { ...call, lesson: 4 }, { ...call, ageS: -1 }, { ...call, ageS: '0' }, { v, type: 'call', lesson: 'starttls' }]) {
      expect(decodeAnyServerMessage(JSON.stringify(bad)), JSON.stringify(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/^call: bad "(lesson|ageS)"$/) });
    }
    // The boot script's decoder does not know it: its frame waits whole for the app.
    expect(decodeServerMessage(JSON.stringify(call)).ok).toBe(false);
  });
});

describe("the instructor's note on the wire", () => {
  it('is one line of text, 1 to 300 characters, its outer spaces trimmed; or null to take it back', () => {
    expect(decodeSayRequest({ text: '  Stop after DATA and wait for me ' })).toEqual({ text: 'Stop after DATA and wait for me' });
    expect(decodeSayRequest({ text: null })).toEqual({ text: null });
    expect(decodeSayRequest({ text: 'Zoë: « RCPT TO » d’abord 👍' })).toEqual({ text: 'Zoë: « RCPT TO » d’abord 👍' });
    expect(decodeSayRequest({ text: 'x'.repeat(300) })?.text).toHaveLength(300);
    for (const bad of [
      null,
      'Stop',
      {},
      { text: 4 },
      { text: '' },
      { text: '   ' },
      { text: 'x'.repeat(301) },
      { text: 'two\nlines' },
      { text: 'a\rb' },
      { text: 'tab\there' },
      { text: 'clear \u001b[2J the screen' },
      { text: 'C1 \u009b2J' },
      { text: 'del \u007f' },
      { text: 'line\u2028separator' },
      { text: 'evil \u202egnp.exe' },
      { text: 'isolate \u2066x\u2069' },
      { text: 'Stop', also: 1 },
      // To one trainee: a page's number, and a note (nothing to take back).
      { text: null, seat: 3 },
      { text: 'Stop', seat: -1 },
      { text: 'Stop', seat: 1.5 },
      { text: 'Stop', seat: '3' },
      { text: 'Stop', seat: 3, also: 1 },
    ]) {
      expect(decodeSayRequest(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(decodeSayRequest({ text: ' Check the brackets ', seat: 3 })).toEqual({ text: 'Check the brackets', seat: 3 });
  });

  it('reaches the page as a `say` message the app decodes, its fields checked', () => {
    const v = PROTOCOL_VERSION;
    const said = { v, type: 'say', text: 'Stop after DATA', ageS: 0 };
    expect(decodeAnyServerMessage(JSON.stringify(said))).toEqual({ ok: true, value: said });
    const back = { v, type: 'say', text: null, ageS: 0 };
    expect(decodeAnyServerMessage(JSON.stringify(back))).toEqual({ ok: true, value: back });
    const direct = { ...said, direct: true };
    expect(decodeAnyServerMessage(JSON.stringify(direct))).toEqual({ ok: true, value: direct });
    for (const bad of [
      { ...said, text: '' },
      { ...said, text: 'a\u001bb' },
      { ...said, text: 4 },
      { ...said, ageS: -1 },
      { v, type: 'say', text: 'x' },
      { ...said, direct: false },
      { ...said, direct: 'yes' },
      { ...back, direct: true },
    ]) {
      expect(decodeAnyServerMessage(JSON.stringify(bad)), JSON.stringify(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/^say: bad "(text|ageS|direct)"$/) });
    }
    expect(decodeServerMessage(JSON.stringify(said)).ok).toBe(false);
  });

  it('shows in the snapshot with how long ago it was said', () => {
    const s = classSnapshot([], 200_000, LESSONS, null, { text: 'Stop after DATA', at: 80_000 });
    expect(s.said).toEqual({ text: 'Stop after DATA', ageS: 120 });
    expect(decodeClassSnapshot(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(classSnapshot([], 200_000, LESSONS).said).toBeNull();
  });

  it('is kept in the tab once put aside: the same text said within a few seconds is the same note', () => {
    const kept = answeredCall('Stop: 10 min break', 1_790_000_000);
    expect(isAnswered(kept, 'Stop: 10 min break', 1_790_000_004)).toBe(true);
    expect(isAnswered(kept, 'Stop: 10 min break', 1_790_000_060)).toBe(false);
    expect(isAnswered(kept, 'Stop: 10 min', 1_790_000_000)).toBe(false);
    // A note may hold an "@" of its own: the time is after the last one.
    expect(isAnswered(answeredCall('Mail alice@practice.test now', 1_790_000_000), 'Mail alice@practice.test now', 1_790_000_001)).toBe(true);
    for (const bad of [null, '', 'Stop: 10 min break', ':Stop: 10 min break', 'x1790000000:Stop: 10 min break']) expect(isAnswered(bad, 'Stop: 10 min break', 1_790_000_000), String(bad)).toBe(false);
  });
});

describe('a call, as a page takes it', () => {
  it('offers the lesson, saying so when done already; at it, there is nothing to offer', () => {
    expect(callOffer('starttls', { lesson: null, done: [] })).toBe('new');
    expect(callOffer('starttls', { lesson: { id: 'auth' }, done: ['eight-steps'] })).toBe('new');
    expect(callOffer('starttls', { lesson: null, done: ['eight-steps', 'starttls'] })).toBe('again');
    expect(callOffer('starttls', { lesson: { id: 'starttls' }, done: ['starttls'] })).toBe('at');
  });
});

describe("a call answered, as the tab keeps it", () => {
  it('is the same call for the same lesson asked within a few seconds (a reload reads the clock again)', () => {
    const kept = answeredCall('starttls', 1_790_000_000);
    expect(kept).toBe('starttls@1790000000');
    expect(isAnswered(kept, 'starttls', 1_790_000_003)).toBe(true);
    expect(isAnswered(kept, 'starttls', 1_789_999_996)).toBe(true);
    // Asked again later, or another lesson: a new call.
    expect(isAnswered(kept, 'starttls', 1_790_000_060)).toBe(false);
    expect(isAnswered(kept, 'auth', 1_790_000_000)).toBe(false);
    for (const bad of [null, '', 'starttls', '@1790000000', 'starttls@x', 'starttls@1790000000@1']) expect(isAnswered(bad, 'starttls', 1_790_000_000)).toBe(false);
  });
});

describe('/name typed', () => {
  const state = new SessionModel().state;
  it('takes a name of up to 40 characters, its spaces squeezed; alone, asks what it is', () => {
    expect(localCommand('/name   Alice   Martin ', state)).toEqual({ kind: 'name', name: 'Alice Martin' });
    expect(localCommand('/name', state)).toEqual({ kind: 'name', name: null });
    const long = localCommand(`/name ${'x'.repeat(41)}`, state);
    expect(long?.kind === 'text' ? long.text : '').toContain('at most 40 characters');
  });
  it('/hand raises or lowers the hand; in message text it is text', () => {
    expect(localCommand('/hand', state)).toEqual({ kind: 'hand' });
    expect(localCommand('/HAND', state)).toEqual({ kind: 'hand' });
    expect(localCommand('/hand', state, 'message-text')).toBeNull();
  });
});

describe('the class view\'s line on the lessons', () => {
  it('counts for each lesson begun or done the pages that did it and those at it, in the list\'s order', () => {
    const t = (seat: number, done: number[], lesson: number | null) => ({
      seat,
      address: '192.0.2.31',
      name: '',
      lesson: lesson === null ? null : { number: lesson, title: '', step: 1, steps: 5, retries: 0 },
      done,
      target: null,
      toPractice: false,
      idleS: 0,
      openS: 0,
      handS: null,
      lines: null,
      quiz: null,
    });
    const lessons = LESSONS.map((l, i) => ({ number: i + 1, id: l.id, title: l.title, short: l.short }));
    const tally = classTally({ trainees: [t(1, [1], 2), t(2, [1, 2], 3), t(3, [], 2), t(4, [], null)], lessons, call: null, said: null, turnedAway: null });
    expect(tally).toEqual([
      { number: 1, short: 'Eight steps', done: 2, inHand: 0 },
      { number: 2, short: 'Refused recipient', done: 1, inHand: 2 },
      { number: 3, short: LESSONS[2]?.short, done: 0, inHand: 1 },
    ]);
    expect(formatTally(tally)).toBe(`1 · Eight steps: 2 done; 2 · Refused recipient: 1 done, 2 in hand; 3 · ${LESSONS[2]?.short}: 1 in hand`);
    expect(formatTally(classTally({ trainees: [t(1, [], null)], lessons, call: null, said: null, turnedAway: null }))).toBe('');
  });

  it('sums up the quiz over the pages that finished one, with the lowest score to look at', () => {
    const lessons = LESSONS.map((l, i) => ({ number: i + 1, id: l.id, title: l.title, short: l.short }));
    const page = (seat: number, quiz: { right: number; of: number } | null) => ({ seat, address: '192.0.2.31', name: '', lesson: null, done: [], target: null, toPractice: false, idleS: 0, openS: 0, handS: null, lines: null, quiz });
    const snapshot = (trainees: ReturnType<typeof page>[]) => ({ trainees, lessons, call: null, said: null, turnedAway: null });
    expect(formatQuizTally(snapshot([page(1, { right: 7, of: 8 }), page(2, null), page(3, { right: 3, of: 8 }), page(4, { right: 8, of: 8 })]))).toBe('Quiz: 3 pages, 18 of 24 right in all (the lowest 3 of 8).');
    expect(formatQuizTally(snapshot([page(1, { right: 5, of: 8 })]))).toBe('Quiz: 1 page, 5 of 8 right in all.');
    expect(formatQuizTally(snapshot([page(1, null)]))).toBe('');
  });
});

describe('the class view saved as CSV', () => {
  const snapshot: ClassSnapshot = {
    trainees: [
      { seat: 1, address: '192.0.2.31', name: 'Alice Martin', lesson: { number: 2, title: 'When a recipient is refused', step: 3, steps: 9, retries: 1 }, done: [1], target: '127.0.0.1:40125', toPractice: true, idleS: 12, openS: 600, handS: 95, lines: ['C: RCPT TO:<nobody@practice.test>', 'S: 550 5.1.1 <nobody@practice.test>: user unknown'], quiz: { right: 6, of: 8 } },
      { seat: 2, address: '192.0.2.32', name: '=HYPERLINK("http://x.example","click")', lesson: null, done: [], target: 'mx.example.org:25', toPractice: false, idleS: 200, openS: 300, handS: null, lines: null, quiz: null },
      { seat: 3, address: '192.0.2.33', name: '', lesson: null, done: [1, 2], target: null, toPractice: false, idleS: 0, openS: 5, handS: null, lines: null, quiz: null },
    ],
    lessons: [
      { number: 1, id: 'eight-steps', title: 'The eight steps: a test message by hand', short: 'Eight steps' },
      { number: 2, id: 'refused-recipient', title: 'When a recipient is refused', short: 'Refused recipient' },
    ],
    call: null,
    said: null,
    turnedAway: null,
  };

  it('writes a row a page, as RFC 4180 does, and a name that a spreadsheet would run as text', () => {
    expect(classCsv(snapshot).split('\r\n')).toEqual([
      'seat,name,address,lesson in hand,step,steps,replies not yet right,lessons done,connected to,idle (s),open (s),asks for help (s),last quiz (right of asked)',
      '1,Alice Martin,192.0.2.31,2. When a recipient is refused,3,9,1,1 · Eight steps,the practice server,12,600,95,6 of 8',
      `2,"'=HYPERLINK(""http://x.example"",""click"")",192.0.2.32,,,,,,mx.example.org:25,200,300,,`,
      '3,,192.0.2.33,,,,,1 · Eight steps; 2 · Refused recipient,,0,5,,',
      '',
    ]);
  });

  it('quotes what must be quoted, and disarms what a spreadsheet would take for a formula', () => {
    expect(['plain', 'a, b', 'say "hi"', 'two\nlines', '+1', '-x', '@sum', '\tx', 7].map(csvField)).toEqual([
      'plain',
      '"a, b"',
      '"say ""hi"""',
      '"two\nlines"',
      "'+1",
      "'-x",
      "'@sum",
      "'\tx",
      '7',
    ]);
  });
});
