/**
 * Jump scrolling (client/terminal/jump-scroll.ts): of the output queued between two writes, only the last lines
 * the screen and the scrollback can hold are written, and the lines dropped are never formatted. Whatever is
 * dropped, the text written must be exactly the tail of what writing everything would have written.
 */
import { describe, expect, it } from 'vitest';
import { COMPACT_PIECES, OutputQueue, countLines, headLines, piecesText, tailLines, tailText, type Piece } from '../../client/terminal/jump-scroll.js';
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

describe('countLines, tailLines and headLines', () => {
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

  it('cut after the first n lines, keeping lines whole', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}\r\n`).join('');
    const [head, rest] = headLines(text, 3);
    expect(head).toBe('line 0\r\nline 1\r\nline 2\r\n');
    expect(head + rest).toBe(text);
    expect(headLines(text, 50)).toEqual([text, '']);
    expect(headLines(text, 80)).toEqual([text, '']);
    expect(headLines('a\r\nb\r\n', 0)).toEqual(['', 'a\r\nb\r\n']);
    expect(headLines('', 5)).toEqual(['', '']);
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

/** A terminal buffer as far as lines go: every line written, of which it keeps the last `kept`. */
class FakeBuffer {
  lines: string[] = [];
  constructor(private readonly kept: number) {}
  write(text: string): void {
    for (const line of text.split('\n').slice(0, -1)) this.lines.push(line);
    if (this.lines.length > this.kept) this.lines.splice(0, this.lines.length - this.kept);
  }
}

describe('OutputQueue: the output written in slices', () => {
  it('leaves the buffer as writing everything would, whatever comes between the slices', () => {
    const next = random(11);
    for (let round = 0; round < 200; round++) {
      const kept = 5 + Math.floor(next() * 60);
      const queue = new OutputQueue(() => kept);
      const buffer = new FakeBuffer(kept);
      const everything: Piece[] = [];
      let written = 0;
      for (let step = 0; step < 40; step++) {
        // Some output comes (a server's lines, notes of several lines), then a slice is written.
        const count = Math.floor(next() * 3 * kept);
        for (let i = 0; i < count; i++) {
          const piece: Piece = next() < 0.7
            ? parseReplyLine(`250 line ${round}.${step}.${i}`)
            : Array.from({ length: 1 + Math.floor(next() * 4) }, (_, k) => `note ${round}.${step}.${i}.${k}\r\n`).join('');
          queue.push(piece);
          everything.push(piece);
        }
        const max = 1 + Math.floor(next() * kept);
        const { text } = queue.take(max);
        expect(countLines(text)).toBeLessThanOrEqual(max);
        buffer.write(text);
        written += countLines(text);
      }
      // The rest, in slices, until nothing is left.
      for (let { text } = queue.take(7); text !== ''; { text } = queue.take(7)) buffer.write(text);
      expect(queue.length).toBe(0);
      expect(buffer.lines.join('\n') + '\n').toBe(lastLines(piecesText(everything), kept));
      // Lines that no write could have shown were never written.
      expect(written).toBeLessThanOrEqual(countLines(piecesText(everything)));
    }
  });

  it('says when a take dropped lines, and keeps the rest of a slice ahead of what comes next', () => {
    const queue = new OutputQueue(() => 10);
    for (let i = 0; i < 25; i++) queue.push(`a${i}\r\n`);
    expect(queue.take(4)).toEqual({ text: 'a15\r\na16\r\na17\r\na18\r\n', dropped: true });
    expect(queue.length).toBe(6);
    queue.push('b0\r\n');
    expect(queue.take(100)).toEqual({ text: 'a19\r\na20\r\na21\r\na22\r\na23\r\na24\r\nb0\r\n', dropped: false });
    expect(queue.take(100)).toEqual({ text: '', dropped: false });
  });

  it('formats only the lines a take writes, and cuts a piece of several lines where the slice ends', () => {
    const reads = { n: 0 };
    const queue = new OutputQueue(() => 5000);
    for (let i = 0; i < 20_000; i++) queue.push(counted(`250 2.0.0 line ${i}`, reads));
    let { text, dropped } = queue.take(25);
    expect(dropped).toBe(true);
    expect(countLines(text)).toBe(25);
    expect(text).toContain('line 15000\r\n');
    expect(text).toContain('line 15024\r\n');
    expect(text).not.toContain('line 14999\r\n');
    expect(text).not.toContain('line 15025\r\n');
    // The 25 lines written were read a bounded number of times each; the 4,975 kept for later slices not yet.
    expect(reads.n).toBeGreaterThan(0);
    expect(reads.n).toBeLessThanOrEqual(25 * 4);
    expect(queue.length).toBe(4975);
    // A note of three lines comes; a slice ends after its first line, and the next takes its other two in turn.
    queue.push('x0\r\nx1\r\nx2\r\n');
    ({ text, dropped } = queue.take(4976));
    expect(dropped).toBe(false);
    expect(countLines(text)).toBe(4976);
    expect(text).toContain('line 15025\r\n');
    expect(text.endsWith('line 19999\r\nx0\r\n')).toBe(true);
    expect(queue.take(1).text).toBe('x1\r\n');
    expect(queue.take(5).text).toBe('x2\r\n');
    expect(queue.take(5)).toEqual({ text: '', dropped: false });
    expect(queue.length).toBe(0);
  });

  it('cuts itself down to what could be shown once it holds COMPACT_PIECES pieces (no frames in a hidden tab)', () => {
    const queue = new OutputQueue(() => 40);
    for (let i = 0; i < COMPACT_PIECES + 10; i++) queue.push(parseReplyLine(`250 line ${i}`));
    expect(queue.length).toBeLessThan(20);
    const { text } = queue.take(1000);
    expect(countLines(text)).toBe(40);
    expect(text).toContain(`line ${COMPACT_PIECES + 9}`);
  });
});
