/**
 * Dialogs from elsewhere read and explained (shared/smtp/transcript-read.ts; client/terminal/render-transcript.ts):
 * the recorded Postfix, Exim and OpenSMTPD dialogs replay as the page follows them live; a transcript heloterm saved
 * reads back; swaks output and a telnet window copied as it is are told apart line by line.
 */
import { describe, expect, it } from 'vitest';
import { formatReplay } from '../../client/terminal/render-transcript.js';
import { REMOVED, SECRET_MARK, Transcript } from '../../shared/smtp/transcript.js';
import { MAX_TRANSCRIPT_LINES, readTranscript, replayTranscript, type ReplayStep } from '../../shared/smtp/transcript-read.js';
import { REAL_MTA_DIR, loadDialogs } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';
import { readFileSync } from 'node:fs';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
/** Each reply as "<what it answered> <code>". */
const answered = (steps: readonly ReplayStep[]): string[] =>
  steps.flatMap((s) => (s.kind === 'reply' ? [`${s.exchange.kind === 'command' ? (s.exchange.command?.verb ?? '') : s.exchange.kind} ${s.exchange.reply.code}`] : []));

describe('readTranscript and replayTranscript', () => {
  it.each(loadDialogs().map((d) => [d.name, d] as const))('%s replays as the page follows it live', (name, d) => {
    const text = readFileSync(REAL_MTA_DIR + name, 'utf8');
    const live = replay(d).exchanges.map((e) => `${e.kind === 'command' ? (e.command?.verb ?? '') : e.kind} ${e.reply.code}`);
    expect(answered(replayTranscript(readTranscript(text)))).toEqual(live);
    expect(live.length).toBeGreaterThan(2);
  });

  it('reads back a transcript heloterm saved, over two connections, with TLS and a login removed', () => {
    const t = new Transcript();
    let at = 0;
    const rx = (data: string): void => t.received(data, (at += 10));
    const sent = (line: string, kind: 'command' | 'auth-response' = 'command'): void => t.sent(line, kind, (at += 10));
    t.note('connected to 127.0.0.1 (127.0.0.1:2525)', (at += 10));
    rx('220 practice.test ESMTP\r\n');
    sent('EHLO trainee');
    rx('250-practice.test\r\n250 STARTTLS\r\n');
    sent('STARTTLS');
    rx('220 2.0.0 Ready to start TLS\r\n');
    t.note('TLS active (TLSv1.3, TLS_AES_256_GCM_SHA384); certificate not verified', (at += 10));
    sent('EHLO trainee');
    rx('250-practice.test\r\n250 AUTH PLAIN\r\n');
    sent('AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=');
    rx('235 2.7.0 Authentication successful\r\n');
    sent('QUIT');
    rx('221 Bye\r\n');
    t.note('closed by the server', (at += 10));
    t.note('connected to 127.0.0.1 (127.0.0.1:2525)', (at += 10));
    rx('220 practice.test ESMTP\nNOOP');
    const text = t.text('2026-11-29T22:00:00.000Z');
    expect(text).toContain(REMOVED);
    const steps = replayTranscript(readTranscript(text));
    expect(answered(steps)).toEqual(['greeting 220', 'EHLO 250', 'STARTTLS 220', 'EHLO 250', 'AUTH 235', 'QUIT 221', 'greeting 220']);
    // The markers heloterm adds are taken off again: the greeting ended by a bare LF is a reply, the line without an
    // ending is received text that is no reply.
    expect(steps.filter((s) => s.kind === 'invalid').map((s) => (s.kind === 'invalid' ? s.text : ''))).toEqual(['NOOP']);
    expect(steps.filter((s) => s.kind === 'note').map((s) => (s.kind === 'note' ? s.text : ''))).toContain('closed by the server');
  });

  it('times the replies of a heloterm transcript by its seconds, so that a slow one is explained as when it came', () => {
    const text = [
      '# heloterm transcript, saved 2026-11-29T22:00:00.000Z',
      '   0.000 # connected to mx.example.org (192.0.2.25:25)',
      '   0.050 S: 220 mx.example.org ESMTP',
      '   0.100 C: HELO me.example.org',
      '   0.150 S: 250 mx.example.org',
      '   0.200 C: MAIL FROM:<a@example.org>',
      '   0.250 S: 250 ok',
      '   0.300 C: RCPT TO:<b@example.org>',
      '   6.300 S: 250 ok',
    ].join('\n');
    const steps = replayTranscript(readTranscript(text));
    const waits = steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange.waitedMs] : []));
    expect(waits).toEqual([50, 50, 50, 6000]);
    const { text: shown, reports } = formatReplay(steps, 1);
    expect(reports.at(-1)?.slow?.ms).toBe(6000);
    expect(plain(shown)).toContain('· ◷ 6.0 s');
  });

  it('tells swaks output apart: -> sent, <- and <** received, === its notes', () => {
    const swaks = [
      '=== Trying mx.example.org:25...',
      '=== Connected to mx.example.org.',
      '<-  220 mx.example.org ESMTP Postfix',
      ' -> EHLO client.example.org',
      '<-  250-mx.example.org',
      '<-  250 PIPELINING',
      ' -> MAIL FROM:<a@example.org>',
      '<-  250 2.1.0 Ok',
      ' -> RCPT TO:<b@example.net>',
      '<** 554 5.7.1 <b@example.net>: Relay access denied',
      ' -> QUIT',
      '<-  221 2.0.0 Bye',
      '=== Connection closed with remote host.',
    ].join('\n');
    const steps = replayTranscript(readTranscript(swaks));
    expect(answered(steps)).toEqual(['greeting 220', 'EHLO 250', 'MAIL 250', 'RCPT 554', 'QUIT 221']);
    expect(steps[0]).toEqual({ kind: 'note', text: 'Trying mx.example.org:25...' });
  });

  it('reads a telnet window as it is: the shell before the greeting, message text after DATA, telnet\'s own lines', () => {
    const telnet = [
      '$ telnet mx.example.org 25',
      'Trying 192.0.2.10...',
      'Connected to mx.example.org.',
      "Escape character is '^]'.",
      '220 mx.example.org ESMTP Postfix',
      'HELO me',
      '250 mx.example.org',
      'MAIL FROM:<a@example.org>',
      '250 2.1.0 Ok',
      'RCPT TO:<b@example.org>',
      '250 2.1.5 Ok',
      'DATA',
      '354 End data with <CR><LF>.<CR><LF>',
      'Subject: test',
      '',
      'hello',
      '.',
      '250 2.0.0 Ok: queued as 4F2A1C0123',
      'QUIT',
      '221 2.0.0 Bye',
      'Connection closed by foreign host.',
    ].join('\r\n');
    const steps = replayTranscript(readTranscript(telnet));
    expect(answered(steps)).toEqual(['greeting 220', 'HELO 250', 'MAIL 250', 'RCPT 250', 'DATA 354', 'end-of-data 250', 'QUIT 221']);
    expect(steps.filter((s) => s.kind === 'sent').map((s) => (s.kind === 'sent' ? s.sentKind : ''))).toEqual([
      'command', 'command', 'command', 'command', 'message-text', 'message-text', 'message-text', 'end-of-data', 'command',
    ]);
    expect(steps.slice(0, 4).every((s) => s.kind === 'note')).toBe(true);
  });

  it('cuts a text longer than it reads, and says so', () => {
    const long = Array.from({ length: MAX_TRANSCRIPT_LINES + 5 }, () => '250 ok').join('\n');
    const steps = readTranscript(long);
    expect(steps).toHaveLength(MAX_TRANSCRIPT_LINES + 1);
    expect(steps.at(-1)).toEqual({ dir: 'note', text: `cut after ${MAX_TRANSCRIPT_LINES} lines (${MAX_TRANSCRIPT_LINES + 5} in all)` });
  });
});

describe('formatReplay', () => {
  it('numbers the replies on, marks them as replayed, hides credentials and shows controls', () => {
    const text = ['S: 220 mx ESMTP', 'C: AUTH PLAIN c2VjcmV0', 'S: 535 5.7.8 bad \x1b[2J credentials', 'C: QUIT', 'S: 221 bye'].join('\n');
    const { text: shown, reports } = formatReplay(replayTranscript(readTranscript(text)), 41);
    expect(reports.map((r) => [r.n, r.explained, r.reply.code])).toEqual([[41, '/replay', 220], [42, '/replay', 535], [43, '/replay', 221]]);
    expect(reports[1]?.context).toBeNull(); // answered AUTH with no entry of its own for 535
    expect(shown).not.toContain('c2VjcmV0');
    expect(plain(shown)).toContain(`AUTH PLAIN ${SECRET_MARK.repeat(8)}`);
    expect(shown).not.toContain('\x1b[2J');
    expect(plain(shown).split('\r\n')[0]).toBe('-- explained transcript, not sent to any server nor received from one:');
    expect(plain(shown)).toContain('-- end of the explained transcript: 3 replies, each in the reply log');
  });

  it('ends log lines that quote no reply by saying so', () => {
    const { text: shown, reports } = formatReplay([{ kind: 'note', text: 'a delivery saved' }], 1, 'log lines');
    expect(reports).toEqual([]);
    expect(plain(shown)).toContain('-- end of the explained log lines: no reply quoted in them');
  });
});
