import { describe, expect, it } from 'vitest';
import { parseReplyLine, ReplyParser } from '../../shared/smtp/parser.js';
import type { ParseEvent, Reply } from '../../shared/smtp/types.js';
import { loadDialogs, serverBytes } from '../helpers/fixtures.js';

const replies = (events: ParseEvent[]): Reply[] =>
  events.flatMap((e) => (e.kind === 'reply' ? [e.reply] : []));

function feedAll(chunks: string[], parser = new ReplyParser()): ParseEvent[] {
  return chunks.flatMap((c) => parser.push(c));
}

describe('parseReplyLine', () => {
  it.each([
    ['250 OK', 250, true, 'OK', null],
    ['250-PIPELINING', 250, false, 'PIPELINING', null],
    ['250', 250, true, '', null],
    ['354 End data with <CR><LF>.<CR><LF>', 354, true, 'End data with <CR><LF>.<CR><LF>', null],
    ['550 5.1.1 <nobody@test.example>: User unknown', 550, true, '<nobody@test.example>: User unknown', '5.1.1'],
    ['214-2.0.0 This is OpenSMTPD', 214, false, 'This is OpenSMTPD', '2.0.0'],
    ['250 2.1.5', 250, true, '', '2.1.5'],
    ['451 4.7.1 Greylisted', 451, true, 'Greylisted', '4.7.1'],
    ['503-503 sender not yet given', 503, false, '503 sender not yet given', null],
  ])('%j', (raw, code, last, text, enhanced) => {
    const l = parseReplyLine(raw);
    expect(l.problem).toBeNull();
    expect(l.code).toBe(code);
    expect(l.last).toBe(last);
    expect(l.text).toBe(text);
    expect(l.enhanced?.text ?? null).toBe(enhanced);
    expect(l.raw).toBe(raw);
  });

  it.each([
    ['250 5.1.1 class disagrees', '5.1.1 class disagrees'],
    ['250 2.01.0 leading zero', '2.01.0 leading zero'],
    ['250 2.1.0x', '2.1.0x'],
    ['220 mail ESMTP Exim 4.96', 'mail ESMTP Exim 4.96'],
  ])('no enhanced code in %j', (raw, text) => {
    const l = parseReplyLine(raw);
    expect(l.enhanced).toBeNull();
    expect(l.text).toBe(text);
  });

  it.each([
    ['', /empty/],
    ['hello', /no three-digit/],
    ['125 old style', /first digit/],
    ['260 x', /second digit/],
    ['250x', /space, a hyphen/],
    ['25', /no three-digit/],
    ['\u001b]52;c;ZXZpbA==\u0007', /no three-digit/],
  ])('marks %j as not a reply line', (raw, why) => {
    const l = parseReplyLine(raw);
    expect(l.code).toBeNull();
    expect(l.problem).toMatch(why);
  });
});

describe('ReplyParser', () => {
  it('assembles a multi-line reply once, with every line reported as it comes', () => {
    const p = new ReplyParser();
    const first = p.push('250-mx.example\r\n250-SIZE 1000\r\n');
    expect(first.map((e) => e.kind)).toEqual(['line', 'line']);
    const rest = p.push('250 HELP\r\n');
    expect(rest.map((e) => e.kind)).toEqual(['line', 'reply']);
    const [r] = replies(rest);
    expect(r?.code).toBe(250);
    expect(r?.cls).toBe(2);
    expect(r?.lines.map((l) => l.text)).toEqual(['mx.example', 'SIZE 1000', 'HELP']);
    expect(r?.problems).toEqual([]);
  });

  it('gives the same result however the bytes are split', () => {
    const text = '220 a.example ESMTP ready\r\n250-a.example\r\n250-8BITMIME\r\n250 2.0.0 OK\r\n550 5.1.1 <x@y>: no\r\n';
    const whole = replies(new ReplyParser().push(text));
    expect(whole.map((r) => r.code)).toEqual([220, 250, 550]);
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(replies(feedAll(chunks))).toEqual(whole);
    }
  });

  it('keeps an incomplete line as pending until its line feed', () => {
    const p = new ReplyParser();
    expect(p.push('250 O')).toEqual([]);
    expect(p.pending).toBe('250 O');
    expect(p.push('K\r')).toEqual([]);
    const ev = p.push('\n');
    expect(replies(ev)[0]?.lines[0]?.text).toBe('OK');
    expect(p.pending).toBe('');
  });

  it('carries the first enhanced code of a reply', () => {
    const [r] = replies(new ReplyParser().push('250-2.0.0 first\r\n250 2.1.0 second\r\n'));
    expect(r?.enhanced?.text).toBe('2.0.0');
  });

  it('reports garbage as invalid and goes on with the next reply', () => {
    const ev = new ReplyParser().push('garbage\r\n\u0000\u00ff\r\n250 OK\r\n');
    expect(ev.filter((e) => e.kind === 'invalid')).toHaveLength(2);
    expect(replies(ev).map((r) => r.code)).toEqual([250]);
  });

  it('notes a continuation with another code, and a bare LF', () => {
    const [r] = replies(new ReplyParser().push('250-a\r\n550 b\n'));
    expect(r?.code).toBe(250);
    expect(r?.lines).toHaveLength(2);
    expect(r?.problems.join('\n')).toMatch(/same code/);
    expect(r?.problems.join('\n')).toMatch(/bare LF/);
  });

  it('keeps UTF-8 text (SMTPUTF8) and control characters as received', () => {
    const [r] = replies(new ReplyParser().push('250 Grüße, 日本 \u001b[31m\r\n'));
    expect(r?.lines[0]?.text).toBe('Grüße, 日本 \u001b[31m');
  });

  it('bounds an endless line: reports overflow once, drops it, and recovers at the next line feed', () => {
    const p = new ReplyParser({ maxLineChars: 100 });
    const ev: ParseEvent[] = [];
    for (let i = 0; i < 50; i++) ev.push(...p.push('x'.repeat(64)));
    expect(ev).toEqual([{ kind: 'overflow', what: 'line', limit: 100 }]);
    expect(p.pending.length).toBeLessThanOrEqual(101);
    const after = p.push('yyy\r\n250 fine\r\n');
    expect(replies(after).map((r) => r.lines[0]?.text)).toEqual(['fine']);
  });

  it('bounds a reply with too many lines but still ends it', () => {
    const p = new ReplyParser({ maxReplyLines: 10 });
    const ev = p.push('250-x\r\n'.repeat(50) + '250 end\r\n');
    expect(ev.filter((e) => e.kind === 'overflow')).toEqual([{ kind: 'overflow', what: 'reply', limit: 10 }]);
    expect(ev.filter((e) => e.kind === 'line')).toHaveLength(51);
    const [r] = replies(ev);
    expect(r?.lines).toHaveLength(10);
  });

  it('reset() forgets a half-received reply (RFC 3207 §4.2)', () => {
    const p = new ReplyParser();
    p.push('250-a\r\n250-b');
    p.reset();
    expect(p.pending).toBe('');
    expect(replies(p.push('220 fresh\r\n')).map((r) => r.code)).toEqual([220]);
  });
});

describe('real MTA dialogs', () => {
  const dialogs = loadDialogs();
  it('has the recorded dialogs', () => {
    expect(dialogs.map((d) => d.name)).toEqual(
      expect.arrayContaining(['postfix-3.7-basic.txt', 'exim-4.96-basic.txt', 'opensmtpd-6.8-basic.txt']),
    );
  });

  it.each(dialogs.map((d) => [d.name, d] as const))('%s: every server line belongs to a clean reply', (_name, d) => {
    const ev = new ReplyParser().push(serverBytes(d));
    expect(ev.filter((e) => e.kind === 'invalid')).toEqual([]);
    const rs = replies(ev);
    // One reply per run of S: lines ending in a last line.
    const lastLines = d.steps.filter((s) => s.dir === 'S' && /^\d{3}( |$)/.test(s.text)).length;
    expect(rs).toHaveLength(lastLines);
    for (const r of rs) expect(r.problems).toEqual([]);
    expect(rs[0]?.code).toBe(220);
    // Line by line, the parsed lines re-create exactly what the server sent.
    expect(rs.flatMap((r) => r.lines.map((l) => l.raw))).toEqual(d.steps.filter((s) => s.dir === 'S').map((s) => s.text));
  });

  it('reads Postfix enhanced codes, Exim plain codes and OpenSMTPD multi-line HELP', () => {
    const byName = new Map(dialogs.map((d) => [d.name, replies(new ReplyParser().push(serverBytes(d)))]));
    const postfix = byName.get('postfix-3.7-basic.txt')!;
    expect(postfix.find((r) => r.code === 550)?.enhanced?.text).toBe('5.1.1');
    expect(postfix.find((r) => r.code === 554)?.enhanced?.text).toBe('5.7.1');
    const exim = byName.get('exim-4.96-basic.txt')!;
    expect(exim.every((r) => r.enhanced === null)).toBe(true);
    expect(exim[1]?.lines).toHaveLength(9);
    const smtpd = byName.get('opensmtpd-6.8-extra.txt')!;
    const help = smtpd.find((r) => r.code === 214);
    expect(help?.lines).toHaveLength(4);
    expect(help?.enhanced?.text).toBe('2.0.0');
  });
});
