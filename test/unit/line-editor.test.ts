import { describe, expect, it } from 'vitest';
import { leftToBrowser, tabLeaves, type KeyEventLike } from '../../client/terminal/keys.js';
import { LineEditor, type EditorEffect } from '../../client/terminal/line-editor.js';

const LEFT = ['\x1b[D', '\x1bOD'];
const RIGHT = ['\x1b[C', '\x1bOC'];
const HOME = ['\x1b[H', '\x1bOH', '\x1b[1~', '\x01'];
const END = ['\x1b[F', '\x1bOF', '\x1b[4~', '\x05'];
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const BACKSPACES = ['\x7f'];
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
    { name: 'Ctrl-K kills from the cursor to the end', input: ['MAIL FROM:<x@y>', '\x1b[D', '\x1b[D', '\x0b'], text: 'MAIL FROM:<x@', cursor: 13 },
    { name: 'Ctrl-K at the end does nothing', input: ['abc', '\x0b'], text: 'abc', cursor: 3 },
    { name: 'Ctrl-W kills back to the previous space', input: ['MAIL FROM:<x@y.org>', '\x17'], text: 'MAIL ', cursor: 5 },
    { name: 'Ctrl-W skips the spaces before the cursor first', input: ['RCPT TO:<a>  ', '\x17'], text: 'RCPT ', cursor: 5 },
    { name: 'Ctrl-W mid-line keeps what follows', input: ['HELO a.b c', '\x1b[D', '\x1b[D', '\x17'], text: 'HELO  c', cursor: 5 },
    { name: 'Ctrl-W at the start does nothing', input: ['ab', '\x01', '\x17'], text: 'ab', cursor: 0 },
    { name: 'Alt-Backspace kills back to a non-alphanumeric', input: ['MAIL FROM:<x@example.org', '\x1b\x7f'], text: 'MAIL FROM:<x@example.', cursor: 21 },
    { name: 'Alt-Backspace skips separators first', input: ['RCPT TO:<bob@', '\x1b\x7f'], text: 'RCPT TO:<', cursor: 9 },
    { name: 'Ctrl-Backspace (BS from xterm) kills a word back, as in text fields', input: ['MAIL FROM:<x@example.org', '\b'], text: 'MAIL FROM:<x@example.', cursor: 21 },
    ...['\x1b[1;5D', '\x1b[1;3D', '\x1bb'].map((k) => ({ name: `word left ${JSON.stringify(k)} stops at each word's start`, input: ['MAIL FROM:<x@example.org>', k, k], text: 'MAIL FROM:<x@example.org>', cursor: 13 })),
    ...['\x1b[1;5C', '\x1b[1;3C', '\x1bf'].map((k) => ({ name: `word right ${JSON.stringify(k)} stops at each word's end`, input: ['MAIL FROM:<x@example.org>', '\x01', k, k], text: 'MAIL FROM:<x@example.org>', cursor: 9 })),
    { name: 'word left and right stop at the ends of the line', input: ['a b', '\x1bb', '\x1bb', '\x1bb', '\x1bf', '\x1bf', '\x1bf'], text: 'a b', cursor: 3 },
    { name: 'words beyond ASCII are words', input: ['RCPT TO:<jürgen@bücher.de>', '\x1bb', '\x1bb'], text: 'RCPT TO:<jürgen@bücher.de>', cursor: 16 },
    { name: 'tab becomes one space', input: ['a\tb'], text: 'a b', cursor: 3 },
    { name: 'NUL is never inserted', input: ['a\x00b'], text: 'ab', cursor: 2 },
    { name: 'C0 controls are never inserted', input: ['a\x07\x0b\x0c\x1a\x1fb'], text: 'ab', cursor: 2 },
    { name: 'C1 controls are never inserted', input: ['a\u009b31mb\u0085'], text: 'a31mb', cursor: 5 },
    { name: 'bidi overrides and line separators are never inserted', input: ['a\u202eb\u2066\u2028\u2029c'], text: 'abc', cursor: 3 },
    { name: 'an unpaired surrogate is never inserted', input: ['a\ud83db', 'c\udc00'], text: 'abc', cursor: 3 },
    { name: 'a lone ESC is dropped', input: ['a\x1b'], text: 'a', cursor: 1 },
    { name: 'Alt+key (ESC x) is dropped whole', input: ['a\x1bxb'], text: 'ab', cursor: 2 },
    { name: 'an unknown CSI (Ctrl-Up) is dropped whole', input: ['a\x1b[1;5Ab'], text: 'ab', cursor: 2 },
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

  it('Ctrl-C abandons the line: reported with its text, not sent, kept in the history, the next line empty', () => {
    const e = new LineEditor();
    expect(e.feed('MAIL FROM:<typo@x>')).toHaveLength(1);
    expect(e.feed('\x03')).toEqual([{ kind: 'cancel', text: 'MAIL FROM:<typo@x>' }]);
    expect(e.text).toBe('');
    expect(e.cursor).toBe(0);
    expect(e.entries).toEqual(['MAIL FROM:<typo@x>']);
    // Up brings it back, to be mended and sent.
    expect(e.feed('\x1b[A')).toEqual([{ kind: 'render', text: 'MAIL FROM:<typo@x>', cursor: 18 }]);
    // On an empty line too: reported (the adapter says what Ctrl-C does), nothing kept.
    const empty = new LineEditor();
    expect(empty.feed('\x03')).toEqual([{ kind: 'cancel', text: '' }]);
    expect(empty.entries).toEqual([]);
    // Inside a paste, the text before it is abandoned and what follows is a line of its own.
    expect(run(['HELO a\x03NOOP\r']).effects).toEqual([
      { kind: 'cancel', text: 'HELO a' },
      { kind: 'line', text: 'NOOP' },
    ]);
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

describe('LineEditor: Ctrl-R searches the history as readline does', () => {
  const CTRL_R = '\x12';
  const sent = ['EHLO client.example.org', 'MAIL FROM:<alice@example.org>', 'RCPT TO:<bob@example.org>', 'MAIL FROM:<carol@example.org>', 'QUIT'];
  /** An editor with `sent` in its history, then `chunks` fed; what it last showed. */
  function searched(chunks: readonly string[]) {
    const r = run([...sent.map((l) => `${l}\r`), ...chunks]);
    const renders = r.effects.filter((e): e is Extract<EditorEffect, { kind: 'render' }> => e.kind === 'render');
    return { ...r, shown: renders.at(-1), sentAfter: r.lines.slice(sent.length) };
  }

  it('finds the newest line holding what is typed, case ignored, with the cursor at the match', () => {
    const r = searched([CTRL_R, 'm', 'a', 'i', 'l']);
    // Marked as a search (the view shows it as it is, even while an AUTH answer's characters show as dots).
    expect(r.shown).toEqual({ kind: 'render', text: "(reverse-i-search)`mail': MAIL FROM:<carol@example.org>", cursor: "(reverse-i-search)`mail': ".length, search: true });
    // Narrowing keeps to that line while it still matches, then goes older.
    expect(searched([CTRL_R, 'alice']).shown?.text).toBe("(reverse-i-search)`alice': MAIL FROM:<alice@example.org>");
    expect(searched([CTRL_R, 'bob']).shown?.cursor).toBe("(reverse-i-search)`bob': RCPT TO:<".length);
  });

  it('goes on to older matches with Ctrl-R, says when there is none, and Backspace searches again', () => {
    expect(searched([CTRL_R, 'mail', CTRL_R]).shown?.text).toBe("(reverse-i-search)`mail': MAIL FROM:<alice@example.org>");
    expect(searched([CTRL_R, 'mail', CTRL_R, CTRL_R]).shown?.text).toBe("(failed reverse-i-search)`mail': MAIL FROM:<alice@example.org>");
    expect(searched([CTRL_R, 'mail', CTRL_R, CTRL_R, CTRL_R]).shown?.text).toBe("(failed reverse-i-search)`mail': MAIL FROM:<alice@example.org>");
    expect(searched([CTRL_R, 'zz']).shown?.text).toBe("(failed reverse-i-search)`zz': ");
    expect(searched([CTRL_R, 'ehlox', '\x7f']).shown?.text).toBe("(reverse-i-search)`ehlo': EHLO client.example.org");
  });

  it('sends the line found on Enter, as typed lines are', () => {
    const r = searched([CTRL_R, 'rcpt', '\r']);
    expect(r.sentAfter).toEqual(['RCPT TO:<bob@example.org>']);
    expect(r.text).toBe('');
    // The last search's text is looked for again by Ctrl-R twice.
    expect(run([...sent.map((l) => `${l}\r`), CTRL_R, 'rcpt', '\r', CTRL_R, CTRL_R, '\r']).lines.slice(sent.length)).toEqual(['RCPT TO:<bob@example.org>', 'RCPT TO:<bob@example.org>']);
  });

  it('keeps the line found to edit on Escape, Tab or an editing key; Ctrl-G and Ctrl-C give back the line before', () => {
    const kept = searched(['DATA', CTRL_R, 'alice', '\x1b']);
    expect([kept.text, kept.cursor, kept.shown]).toEqual(['MAIL FROM:<alice@example.org>', 11, { kind: 'render', text: 'MAIL FROM:<alice@example.org>', cursor: 11 }]);
    expect(searched([CTRL_R, 'alice', '\t']).text).toBe('MAIL FROM:<alice@example.org>');
    // An editing key acts on the line found: End, then typed text.
    const edited = searched([CTRL_R, 'alice', '\x1b[F', ' SIZE=100']);
    expect([edited.text, edited.shown?.text]).toEqual(['MAIL FROM:<alice@example.org> SIZE=100', 'MAIL FROM:<alice@example.org> SIZE=100']);
    // Up and Down then go on from the entry found, and back to the line typed before the search.
    expect(searched(['DATA', CTRL_R, 'alice', '\x1b', UP]).text).toBe('EHLO client.example.org');
    expect(searched(['DATA', CTRL_R, 'alice', '\x1b', DOWN, DOWN, DOWN, DOWN]).text).toBe('DATA');
    const aborted = searched(['DATA', '\x1b[D', CTRL_R, 'alice', '\x07']);
    expect([aborted.text, aborted.cursor, aborted.shown]).toEqual(['DATA', 3, { kind: 'render', text: 'DATA', cursor: 3 }]);
    const cancelled = searched(['DATA', CTRL_R, 'alice', '\x03']);
    expect(cancelled.effects.at(-1)).toEqual({ kind: 'cancel', text: 'DATA' });
    expect(cancelled.sentAfter).toEqual([]);
  });

  it('keeps control characters out of the search, and Ctrl-G and Escape do nothing outside one', () => {
    expect(searched([CTRL_R, 'a\x00\x1b[2J\u202e']).shown?.text).toBe("(reverse-i-search)`a': MAIL FROM:<carol@example.org>");
    const r = run(['DATA', '\x07', '\x1b']);
    expect([r.text, r.cursor, r.effects.length]).toEqual(['DATA', 4, 1]);
  });
});

describe('leftToBrowser: the copy and paste keys go to the browser, not to the terminal as ^C and ^V', () => {
  const key = (k: string, code: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({
    type: 'keydown',
    key: k,
    code,
    ctrlKey: true,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  });
  it.each([
    ['Ctrl+V pastes', key('v', 'KeyV'), false, true],
    ['Ctrl+Shift+V pastes', key('V', 'KeyV', { shiftKey: true }), false, true],
    ['Ctrl+V on a Cyrillic layout pastes (by the key position)', key('м', 'KeyV'), false, true],
    ['Ctrl+V on Dvorak pastes (by the letter, wherever it is)', key('v', 'Period'), false, true],
    ['Ctrl+C with a selection copies', key('c', 'KeyC'), true, true],
    ['Ctrl+Insert with a selection copies', key('Insert', 'Insert'), true, true],
    ['Ctrl+C without a selection is the terminal\'s (abandons the line)', key('c', 'KeyC'), false, false],
    ['Ctrl+Shift+C is not taken (Chromium opens its inspector)', key('C', 'KeyC', { shiftKey: true }), true, false],
    ['the key up of Ctrl+V is the terminal\'s', key('v', 'KeyV', { type: 'keyup' }), false, false],
    ['Cmd+V is already the browser\'s (xterm leaves it alone)', key('v', 'KeyV', { ctrlKey: false, metaKey: true }), false, false],
    ['Ctrl+Alt+V (AltGr on some layouts) is the terminal\'s', key('v', 'KeyV', { altKey: true }), false, false],
    ['other Ctrl keys are the terminal\'s', key('w', 'KeyW'), true, false],
    ['a plain v is typed', key('v', 'KeyV', { ctrlKey: false }), false, false],
  ] as const)('%s', (_name, ev, selection, browser) => {
    expect(leftToBrowser(ev, selection)).toBe(browser);
  });
});

describe('tabLeaves: a keyboard can leave the terminal, where Tab completes', () => {
  const tab = (mods: Partial<KeyEventLike> = {}): KeyEventLike => ({ type: 'keydown', key: 'Tab', code: 'Tab', ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...mods });
  it.each([
    ['Tab alone completes (stays)', tab(), false, false],
    ['Tab right after Escape leaves', tab(), true, true],
    ['Shift+Tab always leaves, backwards', tab({ shiftKey: true }), false, true],
    ['Ctrl+Tab is the browser\'s tab switch, not ours', tab({ ctrlKey: true }), true, false],
    ['a key up never moves focus', tab({ type: 'keyup' }), true, false],
    ['another key after Escape does not leave', { ...tab(), key: 'a', code: 'KeyA' }, true, false],
  ] as const)('%s', (_name, ev, afterEscape, leaves) => {
    expect(tabLeaves(ev, afterEscape)).toBe(leaves);
  });
});
