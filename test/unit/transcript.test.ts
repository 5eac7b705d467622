/**
 * The transcript (shared/smtp/transcript.ts): the recorded Postfix, Exim and OpenSMTPD dialogs come out of it as
 * they were recorded, whatever the chunking; odd bytes are shown, not passed on; AUTH credentials never appear;
 * a long session keeps its newest lines.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { MAX_TRANSCRIPT_CHARS, REMOVED, Transcript, redactSent, secretFrom } from '../../shared/smtp/transcript.js';
import { loadDialogs } from '../helpers/fixtures.js';

/** The transcript's dialog lines without their times ("S: 220 …"). */
const body = (t: Transcript): string[] =>
  t
    .text('2026-11-29T00:00:00.000Z')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('# '))
    .map((l) => l.replace(/^ *\d+\.\d{3} /, ''));

/**
 * A transcript of a recorded dialog, each server line received in the pieces `cut` makes of it; and what was sent and
 * the replies the parser assembled (their lines as received), in order.
 */
function recorded(d: ReturnType<typeof loadDialogs>[number], cut: (bytes: string) => string[]) {
  const t = new Transcript();
  const model = new SessionModel();
  const parser = new ReplyParser();
  const steps: ({ dir: 'C'; text: string } | { dir: 'S'; lines: string[] })[] = [];
  let at = 0;
  for (const step of d.steps) {
    at += 7;
    if (step.dir === 'C') {
      t.sent(step.text, model.sent(step.text), at);
      steps.push({ dir: 'C', text: step.text });
    } else if (step.dir === 'S') {
      const bytes = `${step.text}\r\n`;
      for (const piece of cut(bytes)) t.received(piece, at);
      for (const e of parser.push(bytes)) {
        if (e.kind !== 'reply') continue;
        model.received(e.reply);
        steps.push({ dir: 'S', lines: e.reply.lines.map((l) => l.raw) });
      }
    }
  }
  return { t, steps };
}

describe('the transcript', () => {
  it.each(loadDialogs().map((d) => [d.name, d] as const))('gives back the recorded %s dialog, received in odd chunks', (_name, d) => {
    // Split each line at an awkward place: between CR and LF, and in the middle.
    const { t, steps } = recorded(d, (bytes) => [bytes.slice(0, 3), bytes.slice(3, -1), bytes.slice(-1)]);
    expect(body(t)).toEqual(steps.flatMap((s) => (s.dir === 'C' ? [`C: ${s.text}`] : s.lines.map((l) => `S: ${l}`))));
  });

  it.each(loadDialogs().map((d) => [d.name, d] as const))('gives the newest lines of the recorded %s dialog, a long reply shortened, cut to a length', (_name, d) => {
    // Received in chunks that end mid-line: the newest lines must still begin where the lines do.
    const { t, steps } = recorded(d, (bytes) => [bytes.slice(0, 5), bytes.slice(5)]);
    // What the newest lines should be, built from the replies the parser assembled: a reply of more than three lines
    // as its first, a line counting the rest, and its last.
    const expected = steps.flatMap((s) => {
      if (s.dir === 'C') return [`C: ${s.text}`];
      const lines = s.lines.map((l) => `S: ${l}`);
      return lines.length > 3 ? [lines[0]!, `S: … ${lines.length - 2} more lines of this reply`, lines.at(-1)!] : lines;
    });
    for (const n of [1, 3, 20, expected.length + 5]) expect(t.recent(n, 1000)).toEqual(expected.slice(-n));
    expect(t.recent(20, 12).every((l) => l.length <= 12)).toBe(true);
    const last = expected.at(-1)!;
    expect(t.recent(1, 8)).toEqual([last.length > 8 ? `${last.slice(0, 7)}…` : last]);
    const longest = expected.reduce((a, b) => (b.length > a.length ? b : a));
    expect(t.recent(expected.length, longest.length - 1)).toContain(`${longest.slice(0, longest.length - 2)}…`);
    // The whole transcript keeps every line.
    expect(body(t).length).toBeGreaterThanOrEqual(expected.length);
  });

  it('shortens only a multiline reply that is whole and long: not one still coming, nor lines of other replies', () => {
    const t = new Transcript();
    t.received('250-a\r\n250-b\r\n250 c\r\n', 1);
    t.received('250-x\r\n250-y\r\n250-z\r\n250 w\r\n', 2);
    t.received('220-one\r\n220-two\r\n220-three\r\n', 3);
    expect(t.recent(20, 200)).toEqual(['S: 250-a', 'S: 250-b', 'S: 250 c', 'S: 250-x', 'S: … 2 more lines of this reply', 'S: 250 w', 'S: 220-one', 'S: 220-two', 'S: 220-three']);
  });

  it('shares credentials removed, and a line still coming marked, in the newest lines', () => {
    const t = new Transcript();
    t.sent('AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=', 'command', 1);
    t.received('235 2.7.0 ok\r\n250 par', 2);
    expect(t.recent(5, 200)).toEqual([`C: AUTH PLAIN ${REMOVED}`, 'S: 235 2.7.0 ok', 'S: 250 par [no line ending]']);
    expect(new Transcript().recent(5, 200)).toEqual([]);
  });

  it('times each line from the start, and notes what heloterm saw', () => {
    const t = new Transcript();
    t.note('connecting to mx.example port 25', 1000);
    t.received('220 mx ready\r\n', 1250);
    t.sent('QUIT', 'command', 2500);
    t.received('221 bye\r\n', 2600);
    t.note('closed by the server', 2601);
    const text = t.text('2026-11-29T12:00:00.000Z');
    expect(text.split('\n')).toEqual([
      '# heloterm transcript, saved 2026-11-29T12:00:00.000Z',
      '# C: sent, S: received (line endings stripped), #: noted by heloterm; seconds since the transcript began',
      `# AUTH credentials are shown as ${REMOVED}`,
      '   0.000 # connecting to mx.example port 25',
      '   0.250 S: 220 mx ready',
      '   1.500 C: QUIT',
      '   1.600 S: 221 bye',
      '   1.601 # closed by the server',
      '',
    ]);
  });

  it('shows control characters, bare LFs and a last line without its line ending', () => {
    const t = new Transcript();
    t.received('220 a\x1b[31mred\x07\r\n250 bare\n554 cut', 0);
    t.note('closed by the server', 5);
    expect(body(t)).toEqual(['S: 220 a^[[31mred^G', 'S: 250 bare [bare LF]', 'S: 554 cut [no line ending]', '# closed by the server']);
    expect(t.text('x')).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  });

  it('finds where the credentials of a line begin, for the terminal to hide them as typed', () => {
    expect(secretFrom('AUTH PLAIN AHRy', 'command')).toBe('AUTH PLAIN '.length);
    expect(secretFrom('  auth  login   dHJh', 'command')).toBe('  auth  login   '.length);
    expect(secretFrom('AUTH PLAIN', 'command')).toBeNull();
    expect(secretFrom('AUTH PLAIN ', 'command')).toBeNull();
    expect(secretFrom('AUTH PLAIN =', 'command')).toBeNull();
    expect(secretFrom('MAIL FROM:<a@b>', 'command')).toBeNull();
    expect(secretFrom('d', 'auth-response')).toBe(0);
    expect(secretFrom(' * ', 'auth-response')).toBeNull();
    expect(secretFrom('AUTH PLAIN x', 'message-text')).toBeNull();
  });

  it('never keeps AUTH credentials: initial responses and answers to 334 are removed', () => {
    expect(redactSent('AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=', 'command')).toBe(`AUTH PLAIN ${REMOVED}`);
    expect(redactSent('auth login dHJhaW5lZQ==', 'command')).toBe(`auth login ${REMOVED}`);
    expect(redactSent('AUTH PLAIN =', 'command')).toBe('AUTH PLAIN =');
    expect(redactSent('AUTH LOGIN', 'command')).toBe('AUTH LOGIN');
    expect(redactSent('dHJhaW5lZQ==', 'auth-response')).toBe(REMOVED);
    expect(redactSent('*', 'auth-response')).toBe('*');
    // Message text is the message: kept as typed.
    expect(redactSent('AUTH PLAIN is how I log in', 'message-text')).toBe('AUTH PLAIN is how I log in');

    // Through the session model: AUTH LOGIN's username and password both answer 334 challenges.
    const t = new Transcript();
    const model = new SessionModel();
    const parser = new ReplyParser();
    const server = (bytes: string): void => {
      t.received(bytes, 0);
      for (const e of parser.push(bytes)) if (e.kind === 'reply') model.received(e.reply);
    };
    const client = (line: string): void => t.sent(line, model.sent(line), 0);
    model.connected();
    server('220 mx\r\n');
    client('EHLO me');
    server('250 AUTH LOGIN PLAIN\r\n');
    client('AUTH LOGIN');
    server('334 VXNlcm5hbWU6\r\n');
    client('dHJhaW5lZQ==');
    server('334 UGFzc3dvcmQ6\r\n');
    client('cHJhY3RpY2U=');
    server('235 2.7.0 Authentication successful\r\n');
    client('AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=');
    const text = t.text('x');
    for (const secret of ['dHJhaW5lZQ==', 'cHJhY3RpY2U=', 'AHRyYWluZWUAcHJhY3RpY2U=']) expect(text).not.toContain(secret);
    expect(body(t)).toEqual([
      'S: 220 mx',
      'C: EHLO me',
      'S: 250 AUTH LOGIN PLAIN',
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      `C: ${REMOVED}`,
      'S: 334 UGFzc3dvcmQ6',
      `C: ${REMOVED}`,
      'S: 235 2.7.0 Authentication successful',
      `C: AUTH PLAIN ${REMOVED}`,
    ]);

    // Pasted: the answers are written before the server has asked for them, and are removed all the same.
    const pasted = new Transcript();
    const m2 = new SessionModel();
    const p2 = new ReplyParser();
    m2.connected();
    for (const e of p2.push('220 mx\r\n')) if (e.kind === 'reply') m2.received(e.reply);
    for (const line of ['AUTH LOGIN', 'dHJhaW5lZQ==', 'cHJhY3RpY2U=', 'QUIT']) pasted.sent(line, m2.sent(line), 0);
    const lines = body(pasted);
    expect(lines).toEqual(['C: AUTH LOGIN', `C: ${REMOVED}`, `C: ${REMOVED}`, 'C: QUIT']);
  });

  it('keeps the newest text of a long session, with what was sent among it, and says how much it dropped', () => {
    const t = new Transcript(1000);
    for (let i = 0; i < 1000; i++) {
      t.sent(`NOOP ${i}`, 'command', i);
      t.received(`250 2.0.0 Ok ${String(i).padStart(4, '0')}\r\n`, i); // 19 characters
    }
    const lines = body(t);
    // 1000 characters hold 52 whole replies of 19; what is kept starts with the command the first of them answers.
    expect(lines.filter((l) => l.startsWith('S:'))).toHaveLength(52);
    expect(lines[0]).toBe('C: NOOP 948');
    expect(lines[1]).toBe('S: 250 2.0.0 Ok 0948');
    expect(lines.at(-1)).toBe('S: 250 2.0.0 Ok 0999');
    expect(t.text('x')).toContain(`# the first ${948 * 19} characters received were dropped (the newest 1000 are kept)`);
    expect(MAX_TRANSCRIPT_CHARS).toBeGreaterThanOrEqual(1_000_000);
  });

  it('keeps the start of a flood of replies and counts the rest, then records as before', () => {
    const t = new Transcript(1_000_000, 100);
    t.sent('NOOP', 'command', 0);
    t.received('250 ok\r\n', 1, false);
    for (let i = 0; i < 50; i++) t.received(`250 flood ${String(i).padStart(2, '0')}\r\n`, 2 + i, true); // 14 characters each
    t.sent('QUIT', 'command', 60);
    t.received('221 bye\r\n', 61, false);
    expect(body(t)).toEqual([
      'C: NOOP',
      'S: 250 ok',
      ...Array.from({ length: 7 }, (_, i) => `S: 250 flood 0${i}`), // 7 × 14 = 98 of 100 characters
      `# … ${43 * 14} more characters received in a flood of replies, not kept here`,
      'C: QUIT',
      'S: 221 bye',
    ]);
  });

  it('/save and /transcript ask for it', () => {
    const state = new SessionModel().state;
    expect(localCommand('/save', state)).toEqual({ kind: 'save' });
    expect(localCommand('/Transcript', state)).toEqual({ kind: 'save' });
  });
});
