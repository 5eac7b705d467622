/**
 * parseReplyLine (shared/smtp/reply-line.ts) reads lines by character codes for speed. Here it is checked against
 * the RFC 5321 §4.2 grammar written as a regular expression, on every line of the recorded dialogs and on a few
 * hundred thousand generated lines made of the characters that matter (digits, separators, dots, CR, others).
 */
import { describe, expect, it } from 'vitest';
import { parseReplyLine } from '../../shared/smtp/reply-line.js';
import { replyCodeAt } from '../../shared/smtp/reply-code.js';
import type { EnhancedCode } from '../../shared/smtp/types.js';
import { loadDialogs, serverBytes } from '../helpers/fixtures.js';

// Reply-line = Reply-code [ ( SP / "-" ) textstring ]; Reply-code = %x32-35 %x30-35 %x30-39.
const GRAMMAR = /^([2-5][0-5][0-9])(?:([ -])([\s\S]*))?$/;
// Enhanced status code (RFC 3463 §2) at the start of the text, then SP or the end.
const ENHANCED = /^([245])\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(?: |$)/;

/** What the grammar says of a line: code, last, text and enhanced code, or null when it is no reply line. */
function byGrammar(raw: string): { code: number; last: boolean; text: string; enhanced: EnhancedCode | null } | null {
  const m = GRAMMAR.exec(raw);
  if (m === null) return null;
  const code = Number(m[1]);
  let text = m[3] ?? '';
  let enhanced: EnhancedCode | null = null;
  const e = ENHANCED.exec(text);
  if (e !== null && Number(e[1]) === Math.floor(code / 100)) {
    enhanced = { cls: Number(e[1]) as 2 | 4 | 5, subject: Number(e[2]), detail: Number(e[3]), text: `${e[1]}.${e[2]}.${e[3]}` };
    text = text.slice(e[0].length);
  }
  return { code, last: m[2] !== '-', text, enhanced };
}

function check(raw: string): void {
  const got = parseReplyLine(raw);
  const want = byGrammar(raw);
  // The boot script's reading (reply-code.ts): the same code, or -1, and the same last line by its fourth character.
  expect(replyCodeAt(raw), JSON.stringify(raw)).toBe(want?.code ?? -1);
  if (want !== null) expect(raw.charCodeAt(3) !== 45, JSON.stringify(raw)).toBe(want.last);
  if (want === null) {
    expect(got.code, JSON.stringify(raw)).toBeNull();
    expect(got.problem, JSON.stringify(raw)).not.toBeNull();
  } else {
    expect({ code: got.code, last: got.last, text: got.text, enhanced: got.enhanced }, JSON.stringify(raw)).toEqual(want);
    expect(got.problem).toBeNull();
  }
}

describe('parseReplyLine agrees with the grammar', () => {
  it('on every line of the recorded Postfix, Exim and OpenSMTPD dialogs', () => {
    for (const d of loadDialogs()) for (const line of serverBytes(d).split('\n')) check(line.replace(/\r$/, ''));
  });

  it('on edge cases', () => {
    for (const raw of ['', '2', '25', '250', '250 ', '250-', '250x', '2500', '199 x', '600 x', '260 x', '250 2.1.0', '250 2.1.0 ok', '250-2.1.0',
      '250 5.1.1 x', '550 5.1.1', '550 5.01.1 x', '550 5.1.1000 x', '550 5.1.1x', '354 3.0.0 go', '451 4.7.1\r', '250 2.0', '250 2.', ' 250 x', '250\tx']) {
      check(raw);
    }
  });

  it('on generated lines', () => {
    const alphabet = ['2', '5', '0', '1', '3', '4', '9', '6', ' ', '-', '.', 'a', '\r', '\t'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 200_000; i++) {
      let raw = '';
      const len = next(12);
      for (let j = 0; j < len; j++) raw += alphabet[next(alphabet.length)];
      check(raw);
    }
  });
});
