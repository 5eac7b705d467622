import { describe, expect, it } from 'vitest';
import { findCodeTokens } from '../../shared/smtp/tokens.js';
import { hasControls, showControls } from '../../shared/smtp/escape.js';

const keys = (s: string) => findCodeTokens(s).map((t) => [t.kind, t.key, s.slice(t.start, t.end)]);

describe('findCodeTokens', () => {
  it.each([
    ['250 OK', [['basic', '250', '250']]],
    ['250-PIPELINING', [['basic', '250', '250']]],
    ['550 5.1.1 <x@y>: User unknown', [['basic', '550', '550'], ['enhanced', '5.1.1', '5.1.1']]],
    ['214-2.0.0 This is OpenSMTPD', [['basic', '214', '214'], ['enhanced', '2.0.0', '2.0.0']]],
    ['  ↳ 550 Mailbox unavailable · 5.1.1 Bad destination mailbox address', [['basic', '550', '550'], ['enhanced', '5.1.1', '5.1.1']]],
    ['  ↳ 221 Closing', [['basic', '221', '221']]],
    ['220 mail ESMTP Exim 4.96 2.1.1', [['basic', '220', '220']]],
    ['250 5.1.1 wrong class', [['basic', '250', '250']]],
    ['HELO trainee', []],
    ['Subject: 550 things', []],
    ['2501 no', []],
    ['650 no', []],
  ])('%j', (line, expected) => {
    expect(keys(line)).toEqual(expected);
  });
});

describe('showControls', () => {
  it.each([
    ['plain text', 'plain text'],
    ['\u001b]52;c;ZXZpbA==\u0007', '^[]52;c;ZXZpbA==^G'],
    ['\u001b[31mred\u001b[0m', '^[[31mred^[[0m'],
    ['a\rb\u0000c\u007f', 'a^Mb^@c^?'],
    ['\u009b31m', '<U+009B>31m'],
    ['abc\u202edcba', 'abc<U+202E>dcba'],
    ['\ufeff220 ready', '<U+FEFF>220 ready'],
    ['Grüße 日本 ✉', 'Grüße 日本 ✉'],
  ])('%j', (raw, shown) => {
    expect(showControls(raw)).toBe(shown);
    expect(hasControls(showControls(raw))).toBe(false);
  });
});
