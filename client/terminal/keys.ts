/**
 * The keys of the terminal's line editor (line-editor.ts), read from what xterm's `onData` delivers: printable text,
 * the control characters and escape sequences of the special keys (an unknown or incomplete sequence consumed whole
 * and ignored); and which keyboard events are the browser's or the page's rather than the editor's (paste and copy,
 * Tab out of the terminal). Pure.
 */

/** A key the editor acts on, after decoding the input. */
export type Key =
  | { kind: 'text'; ch: string }
  | { kind: 'enter' }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'home' }
  | { kind: 'end' }
  | { kind: 'kill' }
  | { kind: 'kill-end' }
  /** Ctrl-W: back to the previous space (readline's unix-word-rubout). */
  | { kind: 'kill-word' }
  /** Alt-Backspace: back to the start of the word, words being letters and digits (readline's backward-kill-word). */
  | { kind: 'kill-alnum' }
  | { kind: 'word-left' }
  | { kind: 'word-right' }
  | { kind: 'cancel' }
  | { kind: 'up' }
  | { kind: 'down' }
  /** Ctrl-R: search the history backwards (readline's reverse-search-history), or on to an older match. */
  | { kind: 'search' }
  /** Ctrl-G: leave a search, the line as it was before it (readline's abort). */
  | { kind: 'abort' }
  /** Escape pressed alone (a chunk of its own): leaves a search, keeping the line found. */
  | { kind: 'escape' }
  | { kind: 'ignore' };

type KeyKind = Exclude<Key['kind'], 'text'>;
const keyOf = (kind: KeyKind): Key => ({ kind }) as Key;

const ESC = '\x1b';

/** Escape sequences for the special keys (xterm normal and application cursor mode; rxvt and VT220 Home/End). */
const ESCAPE_KEYS: Readonly<Record<string, KeyKind>> = {
  '\x1b[A': 'up',
  '\x1b[B': 'down',
  '\x1b[C': 'right',
  '\x1b[D': 'left',
  '\x1b[H': 'home',
  '\x1b[F': 'end',
  '\x1bOA': 'up',
  '\x1bOB': 'down',
  '\x1bOC': 'right',
  '\x1bOD': 'left',
  '\x1bOH': 'home',
  '\x1bOF': 'end',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
  '\x1b[1;5D': 'word-left', // Ctrl-Left
  '\x1b[1;5C': 'word-right',
  '\x1b[1;3D': 'word-left', // Alt-Left
  '\x1b[1;3C': 'word-right',
  '\x1bb': 'word-left', // Alt-B
  '\x1bf': 'word-right', // Alt-F
  '\x1b\x7f': 'kill-alnum', // Alt-Backspace
};

/** Single control characters with a meaning; every other control character is ignored. */
const CONTROL_KEYS: Readonly<Record<string, KeyKind>> = {
  '\x7f': 'backspace',
  // What xterm sends for Ctrl+Backspace: a word back, as in every text field of a browser.
  '\b': 'kill-alnum',
  '\x01': 'home', // Ctrl-A
  '\x05': 'end', // Ctrl-E
  '\x15': 'kill', // Ctrl-U
  '\x0b': 'kill-end', // Ctrl-K
  '\x17': 'kill-word', // Ctrl-W
  '\x03': 'cancel', // Ctrl-C
  '\x12': 'search', // Ctrl-R
  '\x07': 'abort', // Ctrl-G
};

// Characters that must never enter the line: C0, DEL, C1, unpaired surrogates (not encodable in UTF-8), the line
// and paragraph separators, and the bidi controls that can reorder what is displayed (as in shared/smtp/escape.ts).
const NOT_PRINTABLE = /^(?:[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs})$/u;

/** CSI: ESC [ parameter bytes (0x30-0x3f)* intermediate bytes (0x20-0x2f)* final byte (0x40-0x7e) (ECMA-48 §5.4). */
const CSI = /^\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/;
/** SS3: ESC O and one final character (F1-F4 and the keypad in application mode). */
const SS3 = /^\x1bO[\x20-\x7e]/;
/** Any other two-character escape (Alt+key). */
const SHORT_ESCAPE = /^\x1b[\s\S]/u;

/** Splits one onData chunk into keys. */
export function decodeKeys(data: string): Key[] {
  // xterm sends the Escape key as ESC alone, in a chunk of its own; in a chunk with more, ESC begins a sequence.
  if (data === ESC) return [{ kind: 'escape' }];
  const keys: Key[] = [];
  let i = 0;
  while (i < data.length) {
    const rest = data.slice(i);
    if (rest[0] === ESC) {
      const seq = matchEscape(rest);
      const known = ESCAPE_KEYS[seq];
      keys.push(keyOf(known ?? 'ignore'));
      i += seq.length;
      continue;
    }
    const cp = rest.codePointAt(0) ?? 0;
    const ch = String.fromCodePoint(cp);
    // A lone surrogate: codePointAt returns the unit itself, one UTF-16 unit long.
    const width = cp > 0xffff ? 2 : 1;
    i += width;
    if (ch === '\r') {
      keys.push({ kind: 'enter' });
      if (data[i] === '\n') i += 1; // CRLF is one line ending
    } else if (ch === '\n') {
      keys.push({ kind: 'enter' });
    } else if (ch === '\t') {
      keys.push({ kind: 'text', ch: ' ' });
    } else if (CONTROL_KEYS[ch] !== undefined) {
      keys.push(keyOf(CONTROL_KEYS[ch]));
    } else if (NOT_PRINTABLE.test(ch)) {
      keys.push({ kind: 'ignore' });
    } else {
      keys.push({ kind: 'text', ch });
    }
  }
  return keys;
}

/** The longest escape sequence at the start of `s` (which starts with ESC): a known key, a CSI, a short escape. */
function matchEscape(s: string): string {
  for (const seq of Object.keys(ESCAPE_KEYS)) if (s.startsWith(seq)) return seq;
  const csi = CSI.exec(s);
  if (csi !== null) return csi[0];
  const ss3 = SS3.exec(s);
  if (ss3 !== null) return ss3[0];
  if (s.startsWith('\x1b[')) {
    // An incomplete CSI (cut off by the end of the chunk): drop the parameter bytes seen so far.
    const partial = /^\x1b\[[\x20-\x3f]*/.exec(s);
    return partial !== null ? partial[0] : ESC;
  }
  const short = SHORT_ESCAPE.exec(s);
  return short !== null ? short[0] : ESC;
}

/** The parts of a keyboard event leftToBrowser reads. */
export interface KeyEventLike {
  type: string;
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/**
 * Whether a key is the browser's to act on rather than the terminal's: true for Ctrl+V and Ctrl+Shift+V (paste), and
 * for Ctrl+C and Ctrl+Insert while text is selected (copy). xterm turns Ctrl+V into the control character ^V and
 * Ctrl+C into ^C, and cancels the browser's own action, so on Windows and Linux neither pasted nor copied (macOS
 * uses Cmd, which xterm leaves alone). Left to the browser, the paste and copy events reach xterm's own handlers:
 * a paste arrives as typed text, in one chunk; a copy takes the terminal's selection.
 */
export function leftToBrowser(ev: KeyEventLike, hasSelection: boolean): boolean {
  if (ev.type !== 'keydown' || !ev.ctrlKey || ev.altKey || ev.metaKey) return false;
  // The letter, whatever the layout: the key names it on Latin layouts, its position (code) on others (Cyrillic).
  const letter = /^[a-z]$/i.test(ev.key) ? ev.key.toLowerCase() : /^Key[A-Z]$/.test(ev.code) ? ev.code.slice(3).toLowerCase() : '';
  if (letter === 'v') return true;
  if (!hasSelection || ev.shiftKey) return false;
  return letter === 'c' || ev.key === 'Insert';
}

/**
 * Whether Tab leaves the terminal for the page's next (or, with Shift, previous) control, as the browser moves focus:
 * Shift+Tab always (the editor has no use for it), Tab right after Escape (as in CodeMirror), since Tab alone
 * completes. Without a way out, a keyboard user who reached the terminal could never reach the reply log after it
 * (WCAG 2.1.2, no keyboard trap).
 */
export function tabLeaves(ev: KeyEventLike, afterEscape: boolean): boolean {
  if (ev.type !== 'keydown' || ev.key !== 'Tab' || ev.ctrlKey || ev.altKey || ev.metaKey) return false;
  return ev.shiftKey || afterEscape;
}
