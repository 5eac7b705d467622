/**
 * heloterm's own lines word-wrapped to the terminal's width (client/terminal/render.ts wrapOwn), where xterm would
 * cut them wherever a row ends: broken at spaces only, continued under the text after the line's mark, colours not
 * counted, and the text itself unchanged.
 */
import { describe, expect, it } from 'vitest';
import { EOL, SGR, formatNote, paint, setWrapColumns, wrapOwn } from '../../client/terminal/render.js';
import { formatAnnotation, formatCoach, formatFloodSummary } from '../../client/terminal/render-replies.js';
import { hint } from '../../shared/smtp/coach-hints.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { findCodeTokens } from '../../shared/smtp/tokens.js';

const SGR_RUN = /\x1b\[[\d;]*m/g;
/** The rows a wrapped line takes on screen, colours taken out. */
const rows = (wrapped: string): string[] => wrapped.replace(SGR_RUN, '').split(EOL);
/** A wrapped line read whole, as the screen's readers read it (continued.ts): each break is the space it replaced. */
const joined = (wrapped: string): string => rows(wrapped).map((row, i) => (i === 0 ? row : ` ${row.trimStart()}`)).join('');
/** The words of a text, whatever the spaces and breaks between them. */
const words = (text: string): string[] => text.replace(SGR_RUN, '').split(/\s+/).filter((w) => w !== '');

const NOTE = '-- press Connect, then type SMTP commands and press Enter; point at a reply code to see what it means';

describe('wrapOwn', () => {
  it('leaves a line that fits, and every line when no width is set', () => {
    expect(wrapOwn('-- connected', '', 44)).toBe('-- connected');
    expect(wrapOwn(NOTE, '', 0)).toBe(NOTE);
    expect(wrapOwn(NOTE, '', NOTE.length)).toBe(NOTE);
  });

  it('breaks at spaces, never inside a word, each row within the width, indented under the text after the mark', () => {
    const wrapped = wrapOwn(NOTE, '', 44);
    // The indent of a row after a break is concealed: that is how the screen's readers know the row continues a line.
    expect(wrapped.split(EOL).slice(1).every((row) => row.startsWith('\x1b[8m   \x1b[28m'))).toBe(true);
    expect(joined(wrapped)).toBe(NOTE);
    const out = rows(wrapped);
    expect(out).toEqual([
      '-- press Connect, then type SMTP commands',
      '   and press Enter; point at a reply code to',
      '   see what it means',
    ]);
    for (const row of out) expect(row.length).toBeLessThanOrEqual(44);
    expect(words(out.join(' '))).toEqual(words(NOTE));
  });

  it('fills each row as far as the next word allows', () => {
    // Greedy: a row ends only where the next word would pass the edge.
    for (const cols of [30, 44, 57, 80]) {
      const out = rows(wrapOwn(NOTE, '', cols));
      for (let i = 0; i + 1 < out.length; i++) {
        const next = words(out[i + 1] ?? '')[0] ?? '';
        expect((out[i] ?? '').length + 1 + next.length, `${cols} columns, row ${i}`).toBeGreaterThan(cols);
      }
    }
  });

  it('keeps every word and its order for texts of many widths, each row within the width but for a word wider than a row', () => {
    const text = '  ✎ DATA was refused (503), so no message is open: the server reads each line typed for the message as a command, and refuses it (a line that happened to be RSET or QUIT it would carry out; Postfix hangs up at a header field). Start again: MAIL FROM, a RCPT TO that gets 250, and DATA.';
    for (let cols = 20; cols <= 120; cols += 7) {
      expect(joined(wrapOwn(text, '', cols)), `${cols} columns`).toBe(text);
      const out = rows(wrapOwn(text, '', cols));
      expect(words(out.join(' ')), `${cols} columns`).toEqual(words(text));
      for (const row of out.slice(1)) expect(row.startsWith('    ') && row[4] !== ' ', `${cols} columns: "${row}"`).toBe(true);
      for (const row of out) if (words(row).length > 1) expect(row.length, `${cols} columns: "${row}"`).toBeLessThanOrEqual(cols);
    }
  });

  it('leaves a word wider than a row whole, on a row of its own, for xterm to cut', () => {
    const long = 'x'.repeat(50);
    expect(rows(wrapOwn(`-- see ${long} for more`, '', 30))).toEqual(['-- see', `   ${long}`, '   for more']);
    // Nor is a mark left alone on a row above it.
    expect(rows(wrapOwn(`-- ${long} then`, '', 30))).toEqual([`-- ${long}`, '   then']);
    expect(rows(wrapOwn(`  ✎ ${long}`, '', 30))).toEqual([`  ✎ ${long}`]);
  });

  it("is wrapped before it is coloured: a flood summary's codes in their class colours, each row within the width", () => {
    const byCode = new Map([[250, 1200], [550, 300], [451, 20], [221, 1]]);
    setWrapColumns(44);
    try {
      const summary = formatFloodSummary({ replies: 1521, ms: 900, byCode });
      const shown = rows(summary.slice(0, -EOL.length));
      expect(shown.length).toBeGreaterThan(2);
      for (const row of shown) expect(row.length, row).toBeLessThanOrEqual(44);
      expect(shown[0]).toMatch(/^ {2}⋯ 1,521 more replies in 0\.9 s/);
      expect(shown.slice(1).every((row) => /^ {4}\S/.test(row))).toBe(true);
      for (const [code, cls] of [['250', SGR.green], ['550', SGR.red], ['451', SGR.yellow], ['221', SGR.green]] as const) {
        expect(summary).toContain(`${cls}${code}${SGR.reset}${SGR.dim} ×`);
      }
      // The count of replies is a number, not a code: not coloured.
      expect(summary).not.toContain(`${SGR.reset}${SGR.dim} more`);
      expect(summary.startsWith(SGR.dim)).toBe(true);
      expect(summary.endsWith(SGR.reset + EOL)).toBe(true);
    } finally {
      setWrapColumns(0);
    }
  });

  it('starts a row with an annotation\'s "· 5.1.1", and keeps its number with the word before it', () => {
    const model = new SessionModel();
    model.connected();
    const ev = new ReplyParser().push('550 5.1.1 <nobody@practice.test>: Recipient address rejected\r\n').find((e) => e.kind === 'reply');
    if (ev?.kind !== 'reply') throw new Error('no reply');
    const r = reportReply(4, model.received(ev.reply));
    const one = formatAnnotation(r);
    const line = rows(one)[0] ?? '';
    expect(line).toMatch(/^ {2}↳ 550 .* · 5\.1\.1 .* {2}\[4\]$/);
    // Broken just before its separator: the enhanced code begins the second row, where it is found and hoverable.
    const at = line.indexOf(' · ');
    // Also where "·" alone would still fit on the first row: it goes with the code after it.
    for (let cols = at + 1; cols < at + ' · 5.1.1'.length; cols++) {
      const wrapped = wrapOwn(line, '', cols);
      expect(rows(wrapped)[1], `${cols} columns`).toMatch(/^ {4}· 5\.1\.1 /);
      // Read whole again (a row after a break joined at the space it stands for), its codes are where they were.
      expect(joined(wrapped)).toBe(line);
      expect(findCodeTokens(joined(wrapped)).map((t) => t.key)).toEqual(['550', '5.1.1']);
    }
    // Broken where the number would pass the edge: it goes with the word before it, never to a row alone.
    const beforeNumber = line.lastIndexOf('  [4]');
    expect(rows(wrapOwn(line, '', beforeNumber)).at(-1)).toBe('    address  [4]');
  });

  it('is what the formatters write, at the width the terminal was fitted to', () => {
    setWrapColumns(44);
    try {
      expect(rows(formatNote(NOTE.slice(3))).slice(0, -1)).toEqual(rows(wrapOwn(NOTE, '', 44)));
      // Every row in the note's colours, every line break after a reset: output may be cut at any line break.
      const note = formatNote(NOTE.slice(3)).split(EOL);
      expect(note.pop()).toBe('');
      expect(note.length).toBe(3);
      for (const row of note) {
        expect(row.startsWith(SGR.dim + SGR.blue), row).toBe(true);
        expect(row.endsWith(SGR.reset), row).toBe(true);
      }
      const coach = rows(formatCoach(hint('helo-no-extensions', 'HELO gives no list of extensions. Use EHLO to see what the server supports (SIZE, STARTTLS, AUTH …).', 'RFC 5321 §4.1.1.1')));
      expect(coach.length).toBeGreaterThan(2);
      for (const row of coach) expect(row.length).toBeLessThanOrEqual(44);
      const flood = rows(formatFloodSummary({ replies: 300, ms: 20, byCode: new Map([[250, 200], [550, 100]]) }));
      for (const row of flood) expect(row.length).toBeLessThanOrEqual(44);
      expect(flood[0]).toMatch(/^ {2}⋯ 300 more replies/);
    } finally {
      setWrapColumns(0);
    }
    expect(formatNote(NOTE.slice(3))).toBe(paint(SGR.dim + SGR.blue, NOTE) + EOL);
  });
});
