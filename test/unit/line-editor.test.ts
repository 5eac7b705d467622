import { describe, expect, it } from 'vitest';
import { LineEditor, type EditorEffect } from '../../client/terminal/line-editor.js';

const LEFT = ['\x1b[D', '\x1bOD'];
const RIGHT = ['\x1b[C', '\x1bOC'];
const HOME = ['\x1b[H', '\x1bOH', '\x1b[1~', '\x01'];
const END = ['\x1b[F', '\x1bOF', '\x1b[4~', '\x05'];
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const BACKSPACES = ['\x7f', '\b'];
const DELETE = '\x1b[3~';
const KILL = '\x15';

/** Feeds each chunk in turn; returns every effect, the lines sent and the final state. */
function run(chunks: readonly string[], editor = new LineEditor()) {
  const effects: EditorEffect[] = [];
  for (const c of chunks) effects.push(...editor.feed(c));
  const lines = effects.flatMap((e) => (e.kind === 'line' ? [e.text] : []));
  return { editor, effects, lines, text: editor.text, cursor: editor.cursor };
}

describe('LineEditor: editing keys', () => {
  interface Case {
    name: string;
    input: string[];
    text: string;
    cursor: number;
  }
  const cases: Case[] = [
    { name: 'printable text is inserted', input: ['HELO a'], text: 'HELO a', cursor: 6 },
    { name: 'text is inserted at the cursor', input: ['ac', '\x1b[D', 'b'], text: 'abc', cursor: 2 },
    ...BACKSPACES.map((bs) => ({ name: `backspace ${JSON.stringify(bs)} deletes before the cursor`, input: ['abc', bs], text: 'ab', cursor: 2 })),
    ...BACKSPACES.map((bs) => ({ name: `backspace ${JSON.stringify(bs)} mid-line`, input: ['abc', '\x1b[D', bs], text: 'ac', cursor: 1 })),
    { name: 'backspace at the start does nothing', input: ['ab', '\x01', '\x7f'], text: 'ab', cursor: 0 },
    { name: 'delete removes the character under the cursor', input: ['abc', '\x01', DELETE], text: 'bc', cursor: 0 },
    { name: 'delete at the end does nothing', input: ['abc', DELETE], text: 'abc', cursor: 3 },
    ...LEFT.map((k) => ({ name: `left ${JSON.stringify(k)}`, input: ['abc', k, k], text: 'abc', cursor: 1 })),
    ...LEFT.map((k) => ({ name: `left ${JSON.stringify(k)} stops at the start`, input: ['ab', k, k, k], text: 'ab', cursor: 0 })),
    ...RIGHT.map((k) => ({ name: `right ${JSON.stringify(k)}`, input: ['abc', '\x01', k], text: 'abc', cursor: 1 })),
    ...RIGHT.map((k) => ({ name: `right ${JSON.stringify(k)} stops at the end`, input: ['ab', k], text: 'ab', cursor: 2 })),
    ...HOME.map((k) => ({ name: `home ${JSON.stringify(k)}`, input: ['abc', k], text: 'abc', cursor: 0 })),
    ...END.map((k) => ({ name: `end ${JSON.stringify(k)}`, input: ['abc', '\x01', k], text: 'abc', cursor: 3 })),
    { name: 'Ctrl-U kills the line', input: ['MAIL FROM:<x>', '\x1b[D', KILL], text: '', cursor: 0 },
    { name: 'tab becomes one space', input: ['a\tb'], text: 'a b', cursor: 3 },
    { name: 'NUL is never inserted', input: ['a\x00b'], text: 'ab', cursor: 2 },
    { name: 'C0 controls are never inserted', input: ['a\x07\x0b\x0c\x1a\x1fb'], text: 'ab', cursor: 2 },
    { name: 'C1 controls are never inserted', input: ['a\u009b31mb\u0085'], text: 'a31mb', cursor: 5 },
    { name: 'bidi overrides and line separators are never inserted', input: ['a\u202eb\u2066\u2028\u2029c'], text: 'abc', cursor: 3 },
    { name: 'an unpaired surrogate is never inserted', input: ['a\ud83db', 'c\udc00'], text: 'abc', cursor: 3 },
    { name: 'a lone ESC is dropped', input: ['a\x1b'], text: 'a', cursor: 1 },
    { name: 'Alt+key (ESC x) is dropped whole', input: ['a\x1bxb'], text: 'ab', cursor: 2 },
    { name: 'an unknown CSI (Ctrl-Right) is dropped whole', input: ['a\x1b[1;5Cb'], text: 'ab', cursor: 2 },
    { name: 'a function key (F5) is dropped whole', input: ['a\x1b[15~b'], text: 'ab', cursor: 2 },
    { name: 'colour codes in a paste are dropped whole', input: ['\x1b[31mred\x1b[0m'], text: 'red', cursor: 3 },
    { name: 'an unknown SS3 (F1) is dropped whole', input: ['a\x1bOPb'], text: 'ab', cursor: 2 },
    { name: 'an incomplete CSI at the end of a chunk is dropped', input: ['a\x1b[1;', 'b'], text: 'ab', cursor: 2 },
    { name: 'DEL inside pasted text acts as backspace, never inserted', input: ['ab\x7fc'], text: 'ac', cursor: 2 },
    { name: 'é is one code point', input: ['café'], text: 'café', cursor: 4 },
    { name: 'an emoji is one code point for the cursor', input: ['a😀b', '\x1b[D'], text: 'a😀b', cursor: 2 },
    { name: 'left over an emoji moves one code point', input: ['a😀b', '\x1b[D', '\x1b[D'], text: 'a😀b', cursor: 1 },
    { name: 'backspace removes the whole surrogate pair', input: ['a😀', '\x7f'], text: 'a', cursor: 1 },
    { name: 'delete removes the whole surrogate pair', input: ['😀b', '\x01', DELETE], text: 'b', cursor: 0 },
    { name: 'insert after an emoji', input: ['😀😀', '\x1b[D', 'x'], text: '😀x😀', cursor: 2 },
    { name: 'a combining accent is its own code point', input: ['e\u0301', '\x1b[D'], text: 'e\u0301', cursor: 1 },
  ];
  it.each(cases)('$name', ({ input, text, cursor }) => {
    const r = run(input);
    expect(r.text).toBe(text);
    expect(r.cursor).toBe(cursor);
    expect(r.lines).toEqual([]);
  });

  it('the line only ever holds printable characters, whatever is typed', () => {
    // Every code unit from 0 to 0x3000 in one chunk, except the line endings and the two backspaces.
    let all = '';
    for (let c = 0; c < 0x3000; c++) if (![0x0d, 0x0a, 0x08, 0x7f].includes(c)) all += String.fromCharCode(c);
    const r = run([all], new LineEditor({ maxLineChars: 100_000 }));
    expect(r.lines).toEqual([]);
    expect(r.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(r.text).toContain('~'); // printable ASCII survives
    expect(r.text).toContain('é');
  });

  it('stops inserting at the line limit', () => {
    const r = run(['abcdefg'], new LineEditor({ maxLineChars: 5 }));
    expect(r.text).toBe('abcde');
  });

  it('does not let a surrogate pair straddle the line limit', () => {
    const r = run(['abcd😀'], new LineEditor({ maxLineChars: 5 }));
    expect(r.text).toBe('abcd');
  });
});

describe('LineEditor: lines and effects', () => {
  interface Case {
    name: string;
    input: string[];
    lines: string[];
    text: string;
  }
  const cases: Case[] = [
    { name: 'Enter sends the line', input: ['HELO a', '\r'], lines: ['HELO a'], text: '' },
    { name: 'Enter with the cursor mid-line sends the whole line', input: ['QUIT', '\x01', '\r'], lines: ['QUIT'], text: '' },
    { name: 'Enter on an empty line sends an empty line', input: ['\r'], lines: [''], text: '' },
    { name: 'a pasted CRLF pair is one line ending', input: ['HELO a\r\nMAIL FROM:<b@c>\r\n'], lines: ['HELO a', 'MAIL FROM:<b@c>'], text: '' },
    { name: 'a bare CR in a paste ends a line', input: ['a\rb\r'], lines: ['a', 'b'], text: '' },
    { name: 'a bare LF in a paste ends a line', input: ['a\nb\n'], lines: ['a', 'b'], text: '' },
    { name: 'an empty line in a paste is sent', input: ['Subject: hi\r\n\r\nbody\r\n.\r\n'], lines: ['Subject: hi', '', 'body', '.'], text: '' },
    { name: 'an empty line made of bare LFs is sent', input: ['Subject: hi\n\nbody\n'], lines: ['Subject: hi', '', 'body'], text: '' },
    { name: 'LF then CR are two line endings', input: ['a\n\rb'], lines: ['a', ''], text: 'b' },
    { name: 'text after the last line ending stays in the editor', input: ['DATA\r\nSubj'], lines: ['DATA'], text: 'Subj' },
    { name: 'NUL and ESC sequences are stripped from pasted lines', input: ['HE\x00LO\x1b[31m a\r\n'], lines: ['HELO a'], text: '' },
    { name: 'the line is sent as edited', input: ['MAIL FRM', '\x1b[D', 'O', '\r'], lines: ['MAIL FROM'], text: '' },
  ];
  it.each(cases)('$name', ({ input, lines, text }) => {
    const r = run(input);
    expect(r.lines).toEqual(lines);
    expect(r.text).toBe(text);
  });

  it('reports a render with text and cursor when the line changes', () => {
    const e = new LineEditor();
    expect(e.feed('ab')).toEqual([{ kind: 'render', text: 'ab', cursor: 2 }]);
    expect(e.feed('\x1b[D')).toEqual([{ kind: 'render', text: 'ab', cursor: 1 }]);
    expect(e.feed('😀')).toEqual([{ kind: 'render', text: 'a😀b', cursor: 2 }]);
  });

  it('reports nothing when nothing changes', () => {
    const e = new LineEditor();
    expect(e.feed('\x1b[D')).toEqual([]);
    expect(e.feed('\x01')).toEqual([]);
    expect(e.feed('\x1b[15~')).toEqual([]);
    expect(e.feed('\x00')).toEqual([]);
    e.feed('x');
    expect(e.feed('\x1b[C')).toEqual([]);
  });

  it('orders lines before the render of what follows them', () => {
    const e = new LineEditor();
    expect(e.feed('x\rab')).toEqual([
      { kind: 'line', text: 'x' },
      { kind: 'render', text: 'ab', cursor: 2 },
    ]);
    expect(e.feed('\r')).toEqual([{ kind: 'line', text: 'ab' }]);
  });
});

describe('LineEditor: history', () => {
  function withHistory(...lines: string[]): LineEditor {
    const e = new LineEditor();
    e.feed(lines.map((l) => `${l}\r`).join(''));
    return e;
  }

  it('records sent lines, skipping empty lines and repeats of the last one', () => {
    const e = withHistory('A', 'B', 'B', '', 'C');
    expect(e.entries).toEqual(['A', 'B', 'C']);
  });

  it('takes out of the history the lines it is told to forget (AUTH credentials), once they are sent', () => {
    const e = new LineEditor();
    const { lines } = run(['A\r', 'secret 1\r', 'B\r', 'secret 2\r'], e);
    expect(lines).toEqual(['A', 'secret 1', 'B', 'secret 2']);
    e.forget('secret 1');
    e.forget('secret 2');
    e.forget('never typed');
    expect(e.entries).toEqual(['A', 'B']);
    expect(run([UP], e).text).toBe('B');
    expect(run([UP], e).text).toBe('A');
  });

  const cases: { name: string; history: string[]; keys: string[]; text: string }[] = [
    { name: 'up recalls the last line', history: ['A', 'B'], keys: [UP], text: 'B' },
    { name: 'up twice recalls the one before', history: ['A', 'B'], keys: [UP, UP], text: 'A' },
    { name: 'up stops at the oldest line', history: ['A', 'B'], keys: [UP, UP, UP], text: 'A' },
    { name: 'up with application cursor keys', history: ['A', 'B'], keys: ['\x1bOA'], text: 'B' },
    { name: 'down returns to the newer line', history: ['A', 'B'], keys: [UP, UP, DOWN], text: 'B' },
    { name: 'down with application cursor keys', history: ['A', 'B'], keys: [UP, UP, '\x1bOB'], text: 'B' },
    { name: 'down past the newest returns to the draft', history: ['A'], keys: ['dra', UP, DOWN], text: 'dra' },
    { name: 'down at the draft does nothing', history: ['A'], keys: ['dra', DOWN], text: 'dra' },
    { name: 'the edited draft is kept while browsing', history: ['A', 'B'], keys: ['dr', UP, UP, DOWN, DOWN, 'x'], text: 'drx' },
    { name: 'up skips entries equal to the line shown', history: ['A', 'B'], keys: ['B', UP], text: 'A' },
    { name: 'edits to a recalled line are kept while browsing', history: ['A', 'B'], keys: [UP, 'x', UP, DOWN], text: 'Bx' },
    { name: 'up on an empty history does nothing', history: [], keys: ['a', UP], text: 'a' },
  ];
  it.each(cases)('$name', ({ history, keys, text }) => {
    const r = run(keys, withHistory(...history));
    expect(r.text).toBe(text);
    expect(r.cursor).toBe(Array.from(text).length);
  });

  it('sends an edited recalled line and leaves the original entry alone', () => {
    const r = run([UP, 'X', '\r'], withHistory('A', 'C'));
    expect(r.lines).toEqual(['CX']);
    expect(r.editor.entries).toEqual(['A', 'C', 'CX']);
    // Edits are forgotten after Enter: browsing shows the entries as sent.
    const again = run([UP, UP], r.editor);
    expect(again.text).toBe('C');
  });

  it('starts a new draft after Enter', () => {
    const r = run([UP, '\r', UP], withHistory('A', 'B'));
    expect(r.lines).toEqual(['B']);
    expect(r.text).toBe('B');
  });

  it('keeps at most maxHistory entries, dropping the oldest', () => {
    const e = new LineEditor({ maxHistory: 2 });
    e.feed('A\rB\rC\r');
    expect(e.entries).toEqual(['B', 'C']);
  });
});
