/**
 * The guided lessons: the catalogue's data is consistent (each step's lines are the command it waits for, every
 * step cites its source), LessonRun follows scripted and recorded dialogs, and the page's pure parts (the /lesson
 * command, the ?lesson= parameter, the terminal text) say what they should.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LESSONS, findLesson, nextLesson } from '../../shared/lessons/catalogue.js';
import { LessonRun, stepCommands, type Lesson, type LessonEvent } from '../../shared/lessons/lesson.js';
import { parseCommand } from '../../shared/smtp/command.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Reply } from '../../shared/smtp/types.js';
import { VERB_INFO } from '../../shared/smtp/verbs.js';
import { formatLessonEvent } from '../../client/terminal/render-lessons.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { parseUrlTarget } from '../../client/ui/url-params.js';
import { loadDialogs } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

function reply(text: string): Reply {
  for (const e of new ReplyParser().push(text)) if (e.kind === 'reply') return e.reply;
  throw new Error(`no reply in ${JSON.stringify(text)}`);
}

/** A session model and a lesson run, fed as the page feeds them. */
function harness(lesson: Lesson) {
  const model = new SessionModel();
  const run = new LessonRun(lesson);
  model.connected();
  return {
    model,
    run,
    send(line: string): LessonEvent[] {
      const before = model.state;
      const kind = model.sent(line);
      return run.afterSend(line, kind, before);
    },
    receive(text: string): LessonEvent[] {
      return run.afterReply(model.received(reply(text)));
    },
  };
}

const kinds = (events: LessonEvent[]): string[] => events.map((e) => e.kind);

describe('the lesson catalogue', () => {
  it("has unique, URL-safe ids, and each lesson starts by connecting and ends with QUIT (then at most a few of heloterm's own commands)", () => {
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) {
      expect(l.id).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(l.short.length, 'a button label').toBeLessThanOrEqual(24);
      expect(l.steps[0]?.expect).toEqual({ answers: 'greeting', code: 220 });
      const local = l.steps.filter((s) => 'local' in s.expect);
      expect(local, 'heloterm\'s own commands come last').toEqual(l.steps.slice(l.steps.length - local.length));
      expect(local.length).toBeLessThanOrEqual(2);
      expect(l.steps.at(-1 - local.length)?.type).toEqual(['QUIT']);
    }
  });

  it.each(LESSONS.flatMap((l) => l.steps.map((s, i) => [`${l.id} step ${i + 1}`, s] as const)))('%s: cites a source, and its lines are the command it waits for', (_n, step) => {
    expect(step.task.length).toBeGreaterThan(10);
    expect(step.learn.length).toBeGreaterThan(20);
    expect(step.source).toMatch(/^RFC \d{3,4} §\d|^Postfix [a-z]+\(\d\)/);
    // heloterm's own command, as typed: /log alone, /explain with what to explain.
    if ('local' in step.expect) {
      expect(step.type).toHaveLength(1);
      expect(localCommand(step.type[0] ?? '', new SessionModel().state)?.kind).toBe(step.expect.local);
    }
    if (!('answers' in step.expect)) return;
    const { answers } = step.expect;
    if (answers === 'greeting') expect(step.type).toEqual([]);
    else if (answers === 'end-of-data') expect(step.type.at(-1)).toBe('.');
    else {
      for (const verb of answers) expect(VERB_INFO.has(verb), verb).toBe(true);
      // One command, or several the step's reply may answer (pipelined recipients); a BDAT chunk's lines, exactly.
      expect(step.type.length).toBeGreaterThan(0);
      const { commands, unevenChunk } = stepCommands(step.type);
      expect(unevenChunk).toBeNull();
      for (const line of commands) expect(answers).toContain(parseCommand(line).verb);
    }
    // A step that wants a failure says what to do when the reply is something else.
    const wanted = step.expect.code ?? (step.expect.cls ?? 2) * 100;
    if (wanted >= 400) expect(step.retry).toBeDefined();
  });

  it('reads the lines after BDAT as its chunk, not as commands, by their octets with their line ends', () => {
    expect(stepCommands(['BDAT 7', 'Hello', 'NOOP'])).toEqual({ commands: ['BDAT 7', 'NOOP'], unevenChunk: null });
    expect(stepCommands(['BDAT 10 LAST', 'bödy', 'x', 'QUIT'])).toEqual({ commands: ['BDAT 10 LAST', 'QUIT'], unevenChunk: null }); // 5+2, 1+2
    expect(stepCommands(['BDAT 0 LAST', 'QUIT']).commands).toEqual(['BDAT 0 LAST', 'QUIT']);
    expect(stepCommands(['BDAT 6', 'Hello']).unevenChunk).toBe('BDAT 6');
    expect(stepCommands(['BDAT 8', 'Hello']).unevenChunk).toBe('BDAT 8');
    expect(stepCommands(['RCPT TO:<a@b>', 'RCPT TO:<c@d>']).commands).toHaveLength(2);
  });

  it('types From: and Date: in every message from the lesson that teaches them on (the coach need not say they lack)', () => {
    const from = LESSONS.findIndex((l) => l.id === 'waiting');
    expect(from).toBeGreaterThan(0);
    let messages = 0;
    for (const lesson of LESSONS.slice(from)) {
      // The lines typed after DATA's 354, up to the final ".": the header section ends at the first empty line.
      const typed = lesson.steps.flatMap((s) => s.type);
      for (let at = typed.indexOf('DATA'); at !== -1; at = typed.indexOf('DATA', at + 1)) {
        const text = typed.slice(at + 1, typed.indexOf('.', at));
        const header = text.slice(0, text.indexOf(''));
        expect(header.filter((l) => /^(From|Date):/.test(l)).map((l) => l.slice(0, 5)), lesson.id).toEqual(['From:', 'Date:']);
        messages++;
      }
    }
    expect(messages).toBeGreaterThanOrEqual(4);
  });

  it('is what the README says: as many lessons as it numbers and counts, and every id it lists for ?lesson=', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Guided lessons'), readme.indexOf('## Test it'));
    const numbered = section.match(/^\d+\. \*\*/gm) ?? [];
    expect(numbered.length).toBe(LESSONS.length);
    const words = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
    expect(section).toContain(`heloterm has ${words[LESSONS.length - 10]} guided lessons`);
    const ids = /`\?lesson=` takes the lesson's number or its name: ([^;]*);/.exec(section)?.[1] ?? '';
    expect([...ids.matchAll(/`([^`]+)`/g)].map((m) => m[1])).toEqual(LESSONS.map((l) => l.id));
  });

  it('finds a lesson by number or id, and nothing for anything else', () => {
    expect(findLesson('1')).toBe(LESSONS[0]);
    expect(findLesson(' Command-Order ')?.id).toBe('command-order');
    expect(findLesson(String(LESSONS.length))).toBe(LESSONS.at(-1));
    for (const k of ['0', String(LESSONS.length + 1), 'nope', '', '-1', '1.5']) expect(findLesson(k), k).toBeUndefined();
    expect(nextLesson(LESSONS[0]!)).toBe(LESSONS[1]);
    expect(nextLesson(LESSONS.at(-1)!)).toBeUndefined();
  });
});

describe('LessonRun', () => {
  const eight = LESSONS[0]!;

  it('walks the eight steps, each passed by its reply, the header step by the empty line', () => {
    const h = harness(eight);
    expect(kinds(h.run.start(false))).toEqual(['begin', 'step']);
    expect(kinds(h.receive('220 mx.example.org ESMTP\r\n'))).toEqual(['passed', 'step']);
    expect(kinds(h.send('HELO trainee'))).toEqual([]);
    expect(kinds(h.receive('250 mx.example.org\r\n'))).toEqual(['passed', 'step']);
    h.send('MAIL FROM:<a@example.org>');
    expect(kinds(h.receive('250 2.1.0 Ok\r\n'))).toEqual(['passed', 'step']);
    h.send('RCPT TO:<b@example.org>');
    expect(kinds(h.receive('250 2.1.5 Ok\r\n'))).toEqual(['passed', 'step']);
    h.send('DATA');
    expect(kinds(h.receive('354 go ahead\r\n'))).toEqual(['passed', 'step']);
    // An empty line first is not the end of headers: there were none.
    expect(kinds(h.send('Subject: hi'))).toEqual([]);
    expect(h.send('')).toEqual([expect.objectContaining({ kind: 'passed', index: 5, code: null }), expect.objectContaining({ kind: 'step', index: 6 })]);
    expect(h.run.index).toBe(6);
    h.send('Hello.');
    h.send('.');
    expect(kinds(h.receive('250 2.0.0 queued\r\n'))).toEqual(['passed', 'step']);
    h.send('QUIT');
    const end = h.receive('221 2.0.0 Bye\r\n');
    expect(kinds(end)).toEqual(['passed', 'finished']);
    expect(h.run.finished).toBe(true);
    expect(h.run.current).toBeNull();
    // Once finished, nothing more is said.
    expect(h.receive('250 late\r\n')).toEqual([]);
  });

  it('passes a step that gives two commands (pipelined recipients) on the second reply, not the first', () => {
    const waiting = findLesson('waiting')!;
    const h = harness(waiting);
    h.run.start(false);
    h.receive('220 ready\r\n');
    h.send('EHLO trainee');
    h.receive('250-x\r\n250 PIPELINING\r\n');
    h.send('MAIL FROM:<trainee@example.org>');
    h.receive('250 ok\r\n');
    h.send('RCPT TO:<slow@practice.test>');
    h.receive('250 ok\r\n');
    const step = h.run.index;
    expect(waiting.steps[step]?.type).toHaveLength(2);
    for (const line of waiting.steps[step]!.type) h.send(line);
    expect(h.receive('250 2.1.5 ok\r\n')).toEqual([]);
    expect(h.run.index).toBe(step);
    // A refusal in between is "not yet", and does not count.
    h.send('RCPT TO:<nobody@practice.test>');
    expect(kinds(h.receive('550 5.1.1 no\r\n'))).toEqual(['retry']);
    expect(kinds(h.receive('250 2.1.5 ok\r\n'))).toEqual(['passed', 'step']);
    expect(h.run.index).toBe(step + 1);
  });

  it('starts over when the connection closes mid-lesson, and only then', () => {
    const h = harness(eight);
    h.run.start(false);
    expect(h.run.connectionClosed()).toEqual([]); // not past connecting: nothing to say
    h.receive('220 ready\r\n');
    h.send('HELO x');
    h.receive('250 ok\r\n');
    expect(h.run.index).toBe(2);
    const events = h.run.connectionClosed();
    expect(events).toEqual([{ kind: 'restarted', lesson: eight }, expect.objectContaining({ kind: 'step', index: 0 })]);
    expect(h.run.index).toBe(0);
    // A lesson at its steps after QUIT stays there when QUIT's 221 closes the connection, and finished stays finished.
    const done = new LessonRun(findLesson('starttls')!);
    const m = new SessionModel();
    m.connected();
    done.start(false);
    for (const [line, answer] of [[null, '220 hi'], ['HELO x', '250 ok'], ['EHLO x', '250 ok'], ['STARTTLS', '220 go']] as const) {
      if (line !== null) m.sent(line);
      done.afterReply(m.received(reply(`${answer}\r\n`)));
    }
    m.tlsEstablished();
    for (const [line, answer] of [['EHLO x', '250 ok'], ['QUIT', '221 bye']] as const) {
      m.sent(line);
      done.afterReply(m.received(reply(`${answer}\r\n`)));
    }
    // Its last step, /tls mx, comes after QUIT: the closing connection keeps it in hand, and its answer passes it.
    expect(done.finished).toBe(false);
    expect(done.connectionClosed()).toEqual([]);
    expect(done.current?.expect).toEqual({ local: 'tls-mx' });
    done.afterLocal('tls-mx');
    expect(done.finished).toBe(true);
    expect(done.connectionClosed()).toEqual([]);
  });

  it('a step of heloterm\'s own (/log) after QUIT: the closing connection keeps it, and only /log passes it', () => {
    const lesson = findLesson('server-log')!;
    const h = harness(lesson);
    h.run.start(false);
    // /log typed before its step: nothing.
    expect(h.run.afterLocal('log')).toEqual([]);
    h.receive('220 ready\r\n');
    for (const [line, answer] of [['EHLO x', '250 ok'], ['MAIL FROM:<a@b>', '250 ok'], ['RCPT TO:<nobody@practice.test>', '550 5.1.1 no'], ['RCPT TO:<carol@practice.test>', '250 ok'], ['DATA', '354 go']] as const) {
      h.send(line);
      h.receive(`${answer}\r\n`);
    }
    for (const line of ['Subject: s', '', 'hi', '.']) h.send(line);
    h.receive('250 queued as 3A0001\r\n');
    h.send('QUIT');
    expect(kinds(h.receive('221 bye\r\n'))).toEqual(['passed', 'step']);
    expect(h.run.current?.expect).toEqual({ local: 'log' });
    expect(h.run.connectionClosed()).toEqual([]);
    expect(h.run.current?.expect).toEqual({ local: 'log' });
    expect(kinds(h.run.afterLocal('log'))).toEqual(['passed', 'finished']);
    expect(h.run.finished).toBe(true);
  });

  it('passes over the connect step when started on a greeted session', () => {
    const run = new LessonRun(eight);
    const events = run.start(true);
    expect(events[1]).toMatchObject({ kind: 'step', index: 1 });
    expect(new LessonRun(eight).start(false)[1]).toMatchObject({ kind: 'step', index: 0 });
  });

  it('says "not yet" for another code to the step\'s command, and ignores replies to other commands', () => {
    const h = harness(eight);
    h.run.start(false);
    h.receive('220 ready\r\n');
    h.send('NOOP');
    expect(h.receive('250 ok\r\n')).toEqual([]);
    h.send('HELO x');
    expect(h.receive('501 syntax\r\n')).toEqual([expect.objectContaining({ kind: 'retry', index: 1, code: 501 })]);
    expect(h.run.index).toBe(1);
  });

  it('a refused greeting is "not yet" for the connect step', () => {
    const h = harness(eight);
    h.run.start(false);
    expect(h.receive('554 no service\r\n')).toEqual([expect.objectContaining({ kind: 'retry', index: 0, code: 554 })]);
  });

  it('a message ended without header lines passes the header step over', () => {
    const h = harness(eight);
    h.run.start(true);
    h.receive('220 ready\r\n');
    for (const [line, answer] of [['HELO x', '250 ok'], ['MAIL FROM:<a@b.example>', '250 ok'], ['RCPT TO:<c@d.example>', '250 ok'], ['DATA', '354 go']]) {
      h.send(line!);
      h.receive(`${answer}\r\n`);
    }
    expect(h.send('just a body')).toEqual([]);
    h.send('.');
    const events = h.receive('250 queued\r\n');
    expect(events[0]).toMatchObject({ kind: 'passed', index: 6, code: 250 });
    expect(h.run.index).toBe(7);
  });

  it('wants the EHLO after STARTTLS to come over TLS', () => {
    const tls = findLesson('starttls')!;
    const h = harness(tls);
    h.run.start(false);
    h.receive('220 ready\r\n');
    h.send('HELO x');
    h.receive('250 ok\r\n');
    h.send('EHLO x');
    h.receive('250-mx\r\n250 STARTTLS\r\n');
    h.send('STARTTLS');
    expect(h.receive('220 go ahead\r\n')[0]).toMatchObject({ kind: 'passed', index: 3 });
    // Before the handshake is done the session has no TLS: an EHLO now is not the step's.
    const early = new LessonRun(tls);
    const m = new SessionModel();
    m.connected();
    early.start(true);
    for (const line of ['HELO x', 'EHLO x', 'STARTTLS']) {
      m.sent(line);
      early.afterReply(m.received(reply(line === 'STARTTLS' ? '454 not now\r\n' : '250 ok\r\n')));
    }
    m.sent('EHLO x');
    expect(early.afterReply(m.received(reply('250 ok\r\n')))).toEqual([]);
    h.model.tlsEstablished();
    h.send('EHLO x');
    expect(kinds(h.receive('250 mx\r\n'))).toEqual(['passed', 'step']);
  });

  it.each(loadDialogs().filter((d) => d.name.includes('basic')).map((d) => [d.name, d] as const))(
    'the eight steps read the recorded %s dialog to the end',
    (_n, d) => {
      const run = new LessonRun(eight);
      const events: LessonEvent[] = [...run.start(false)];
      replay(d, {
        sent: (line, kind, before) => events.push(...run.afterSend(line, kind, before)),
        exchange: (ex) => events.push(...run.afterReply(ex)),
      });
      expect(events.filter((e) => e.kind === 'retry')).toEqual([]);
      expect(events.at(-1)?.kind).toBe('finished');
    },
  );
});

describe('the page\'s lesson commands and text', () => {
  const greeted = (() => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 ready\r\n'));
    return m.state;
  })();

  it('/lesson alone, /lesson N, /lesson id, /lesson stop', () => {
    expect(localCommand('/lesson', greeted)).toEqual({ kind: 'lesson-here' });
    expect(localCommand('/lessons', greeted)).toEqual({ kind: 'lesson-here' });
    expect(localCommand('/lesson 2', greeted)).toEqual({ kind: 'lesson-start', lesson: LESSONS[1] });
    expect(localCommand('/LESSON starttls', greeted)).toEqual({ kind: 'lesson-start', lesson: findLesson('starttls') });
    expect(localCommand(' /lesson stop ', greeted)).toEqual({ kind: 'lesson-stop' });
    const unknown = localCommand('/lesson 99', greeted);
    expect(unknown?.kind).toBe('text');
    const text = unknown?.kind === 'text' ? plain(unknown.text) : '';
    expect(text).toContain('no lesson "99"');
    for (const [i, l] of LESSONS.entries()) expect(text).toContain(`/lesson ${i + 1}  ${l.title}`);
    const help = localCommand('/help', greeted);
    expect(help?.kind === 'text' && plain(help.text)).toContain('/lesson lists the guided lessons');
  });

  it('?lesson= takes a number or an id, and ignores anything else with a reason', () => {
    expect(parseUrlTarget('?lesson=2').lesson).toBe('2');
    expect(parseUrlTarget('?lesson=eight-steps&connect=1')).toMatchObject({ lesson: 'eight-steps', connect: true, ignored: [] });
    for (const bad of ['?lesson=', '?lesson=%1b%5b2J', '?lesson=a%20b', `?lesson=${'x'.repeat(41)}`]) {
      const t = parseUrlTarget(bad);
      expect(t.lesson, bad).toBeUndefined();
      expect(t.ignored, bad).toEqual([expect.stringMatching(/^lesson: /)]);
    }
  });

  it('the terminal text names the step, the lines to type (an empty one by name), what was learnt and what is next', () => {
    const [first, second] = [LESSONS[0]!, LESSONS[1]!];
    const header = first.steps[5]!;
    const step = plain(formatLessonEvent({ kind: 'step', lesson: first, index: 5, step: header }, second, 1));
    expect(step).toContain(`Step 6 of ${first.steps.length}: ${header.task}`);
    expect(step).toContain('Type: Subject: hello from heloterm  ⏎  (an empty line)');
    const passed = plain(formatLessonEvent({ kind: 'passed', index: 5, step: header, code: null }, second, 1));
    expect(passed).toContain(`✓ ${header.learn}  (${header.source})`);
    const retry = plain(formatLessonEvent({ kind: 'retry', index: 3, step: first.steps[3]!, code: 550 }, second, 1));
    expect(retry).toContain(`(550): ${first.steps[3]!.retry}`);
    expect(plain(formatLessonEvent({ kind: 'finished', lesson: first }, second, 1))).toContain(`Next: /lesson 2 — ${second.title}`);
    expect(plain(formatLessonEvent({ kind: 'finished', lesson: second }, undefined, 2))).toContain('That was the last lesson.');
    // Two lines, the lines to type under the task; nothing but SGR colours and CRLF line ends reaches the terminal.
    expect(step.split('\r\n')).toHaveLength(3);
    expect(step.replaceAll('\r\n', '')).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});
