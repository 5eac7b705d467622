/**
 * Jump scrolling (client/terminal/jump-scroll.ts): of the output queued between two writes, only the last lines
 * the screen and the scrollback can hold are written, and the lines dropped are never formatted. Whatever is
 * dropped, the text written must be exactly the tail of what writing everything would have written.
 */
import { describe, expect, it } from 'vitest';
import { countLines, piecesText, tailLines, tailText, type Piece } from '../../client/terminal/jump-scroll.js';
import { formatReplyLine } from '../../client/terminal/render-replies.js';
import { parseReplyLine } from '../../shared/smtp/reply-line.js';
import type { ReplyLine } from '../../shared/smtp/types.js';

/** The last n lines of text, the slow and obvious way. */
function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  // text ends with "\n": the last element is the empty rest after it.
  const rest = lines.pop() ?? '';
  return lines.slice(Math.max(0, lines.length - n)).map((l) => l + '\n').join('') + rest;
}

/** A server line that counts how often it is formatted (formatReplyLine reads `raw`). */
function counted(raw: string, reads: { n: number }): ReplyLine {
  const line = parseReplyLine(raw);
  return { ...line, get raw() {
    reads.n++;
    return raw;
  } };
}

/** A small deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('countLines and tailLines', () => {
  it('count line breaks and keep the last lines whole', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a\r\nb\r\n')).toBe(2);
    expect(countLines('no break')).toBe(0);
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}\r\n`).join('');
    expect(tailLines(text, 3)).toBe('line 47\r\nline 48\r\nline 49\r\n');
    expect(tailLines(text, 50)).toBe(text);
    expect(tailLines(text, 80)).toBe(text);
    expect(tailLines('a\r\n', 0)).toBe('');
  });
});

describe('tailText', () => {
  it('writes everything, formatted, when it fits', () => {
    const pieces: Piece[] = ['-- a note\r\n', parseReplyLine('250 2.1.0 Ok'), parseReplyLine('550 5.1.1 no such user')];
    const { text, dropped } = tailText(pieces, 10);
    expect(dropped).toBe(false);
    expect(text).toBe('-- a note\r\n' + formatReplyLine(parseReplyLine('250 2.1.0 Ok')) + formatReplyLine(parseReplyLine('550 5.1.1 no such user')));
    expect(piecesText(pieces)).toBe(text);
  });

  it('keeps exactly the last n lines of what writing everything would write, whatever the pieces', () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const pieces: Piece[] = [];
      const count = Math.floor(next() * 60);
      for (let i = 0; i < count; i++) {
        const kind = next();
        if (kind < 0.6) pieces.push(parseReplyLine(`${next() < 0.5 ? 250 : 550} line ${round}.${i}`));
        else if (kind < 0.8) pieces.push(`  ↳ annotation ${i}\r\n`);
        else pieces.push(Array.from({ length: 1 + Math.floor(next() * 5) }, (_, k) => `note ${i}.${k}\r\n`).join(''));
      }
      const n = Math.floor(next() * 40);
      const all = piecesText(pieces);
      const { text, dropped } = tailText(pieces, n);
      expect(text).toBe(lastLines(all, n));
      expect(dropped).toBe(countLines(all) > n);
    }
  });

  it('never formats a line it drops', () => {
    const reads = { n: 0 };
    const pieces: Piece[] = Array.from({ length: 10_000 }, (_, i) => counted(`250 2.0.0 line ${i}`, reads));
    const { text, dropped } = tailText(pieces, 40);
    expect(dropped).toBe(true);
    expect(countLines(text)).toBe(40);
    expect(text).toContain('line 9999');
    expect(text).toContain('line 9960');
    expect(text).not.toContain('line 9959');
    // Each kept line is read a bounded number of times; the 9,960 above them never.
    expect(reads.n).toBeGreaterThan(0);
    expect(reads.n).toBeLessThanOrEqual(40 * 4);
  });

  it('cuts inside a piece of several lines when the last n lines start there', () => {
    const pieces: Piece[] = ['a\r\nb\r\nc\r\n', parseReplyLine('250 ok')];
    expect(tailText(pieces, 2)).toEqual({ text: 'c\r\n' + formatReplyLine(parseReplyLine('250 ok')), dropped: true });
  });
});
