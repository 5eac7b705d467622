/**
 * Telnet-style local line editing, as a pure state machine: no DOM, no xterm.
 *
 * Input is what xterm's `onData` delivers (typed keys, escape sequences for special keys, pasted text). Output is a
 * list of effects: every completed line (`line`), and at most one `render` with the new line text and cursor
 * position, for a thin adapter (terminal/view.ts) to paint.
 *
 * Why local editing: like `telnet host 25`, nothing reaches the server until Enter, and then exactly one line does.
 * The bridge appends the one CRLF (RFC 5321 §2.3.8), so the line itself must never hold CR, LF or NUL: a client MUST
 * NOT send a bare CR or LF, and servers that accept one are open to SMTP smuggling (CVE-2023-51764/51765/51766).
 *
 * Decisions:
 * - The line holds printable characters only. C0 controls, DEL, C1 controls, unpaired surrogates, the Unicode line
 *   and paragraph separators and the bidi embeddings/overrides/isolates are never inserted.
 * - Tab pressed on its own asks the completer (if one is given) to complete the line; when it has nothing to offer,
 *   and inside a pasted chunk, Tab becomes one space: SMTP commands separate their words by SP (RFC 5321 §4.1.1), in
 *   message text a space is as good as a tab for header folding (RFC 5322 §2.2.3 WSP), and a tab would move the
 *   terminal cursor to a tab stop, which the one-cell-per-character editing model cannot follow.
 * - DEL (0x7f) is Backspace wherever it appears, as in a cooked tty; it is never inserted. BS (0x08), which xterm
 *   sends for Ctrl+Backspace, deletes the word before the cursor.
 * - CR, LF and CRLF each end a line; so a pasted chunk becomes one command per line, and an empty line in a paste
 *   is sent as an empty line (in DATA it separates the headers from the body, RFC 5322 §2.1). A CRLF pair is only
 *   recognised inside one chunk (xterm delivers a paste as one chunk and turns its line breaks into CR anyway).
 * - Escape sequences the editor does not know (CSI with modifiers, function keys, Alt+key) are consumed whole and
 *   ignored; an incomplete sequence at the end of a chunk is dropped (xterm delivers each key's sequence whole).
 * - The cursor counts code points, not UTF-16 units, so it never stands between the halves of a surrogate pair.
 * - The keys of a readline prompt, as a shell user's fingers know them: Ctrl-A/E, Ctrl-U (the whole line), Ctrl-K
 *   (to the end), Ctrl-W (the word before the cursor, to a space; browsers keep Ctrl+W for closing the tab, so it
 *   only arrives in an app window), Alt-Backspace and Ctrl-Backspace (to a non-alphanumeric, as text fields do),
 *   Ctrl-Left/Right and Alt-B/F (by word). Ctrl-C abandons the line: nothing is sent, but the line is kept in the
 *   history and the adapter shows it with `^C`, so a slip of the finger loses nothing.
 * - Copy and paste are the browser's: see leftToBrowser.
 */
import { MAX_LINE_CHARS } from '../../shared/protocol/decode.js';
import { exhaustive } from '../../shared/protocol/messages.js';

/** Most history entries kept; the oldest are dropped first. */
export const MAX_HISTORY_ENTRIES = 200;

export type EditorEffect =
  /** A completed line, without its line ending, ready to send. */
  | { kind: 'line'; text: string }
  /** The input line changed: paint `text` with the cursor before code point `cursor` (0 = start). */
  | { kind: 'render'; text: string; cursor: number }
  /** Tab found several completions: show them (the line holds their common prefix). */
  | { kind: 'candidates'; labels: string[] }
  /** Ctrl-C: the line was abandoned (kept in the history, not sent); the next input line starts empty. */
  | { kind: 'cancel'; text: string };

/**
 * What a completer offers for the line so far: the new line, its cursor (UTF-16 index), and the labels if several fit.
 */
export interface CompletionResult {
  text: string;
  cursor: number;
  candidates: string[];
}

/** Completes the line typed so far, or returns null when it has nothing to offer (then Tab is a space). */
export type Completer = (text: string) => CompletionResult | null;

export interface LineEditorOptions {
  /** Longest line in UTF-16 code units (the protocol's limit by default); further characters are not inserted. */
  maxLineChars?: number;
  maxHistory?: number;
  complete?: Completer;
}

/** A key the editor acts on, after decoding the input. */
type Key =
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
function decodeKeys(data: string): Key[] {
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

const isSpace = (ch: string): boolean => ch === ' ';
const isNotAlnum = (ch: string): boolean => !/[\p{L}\p{N}]/u.test(ch);

export class LineEditor {
  /** The line as code points. */
  private chars: string[] = [];
  private pos = 0;
  private readonly history: string[] = [];
  /** Index into history while browsing it; history.length means the draft (the line being written). */
  private index = 0;
  private draft = '';
  /** Edits made to recalled entries while browsing, kept until Enter (as readline does). */
  private edits = new Map<number, string>();
  private readonly maxLineChars: number;
  private readonly maxHistory: number;
  private readonly completer: Completer | undefined;

  constructor(opts: LineEditorOptions = {}) {
    this.maxLineChars = opts.maxLineChars ?? MAX_LINE_CHARS;
    this.maxHistory = opts.maxHistory ?? MAX_HISTORY_ENTRIES;
    this.completer = opts.complete;
  }

  /** The current line text. */
  get text(): string {
    return this.chars.join('');
  }

  /** The cursor, in code points from the start of the line. */
  get cursor(): number {
    return this.pos;
  }

  /** Past lines, oldest first. */
  get entries(): readonly string[] {
    return this.history;
  }

  /** Feeds one onData chunk; returns the completed lines and, if the line changed, one render at the end. */
  feed(data: string): EditorEffect[] {
    // A Tab key on its own (xterm delivers each key as its own chunk; a paste arrives whole) completes the line.
    if (data === '\t' && this.completer !== undefined) {
      const done = this.completeLine(this.completer);
      if (done !== null) return done;
    }
    const effects: EditorEffect[] = [];
    const before = { text: this.text, cursor: this.pos };
    let changedSinceLine = false;
    let lineEmitted = false;
    for (const key of decodeKeys(data)) {
      if (key.kind === 'enter' || key.kind === 'cancel') {
        const text = this.accept();
        effects.push(key.kind === 'enter' ? { kind: 'line', text } : { kind: 'cancel', text });
        lineEmitted = true;
        changedSinceLine = false;
      } else if (this.apply(key)) {
        changedSinceLine = true;
      }
    }
    const now = { text: this.text, cursor: this.pos };
    // After a line the adapter starts a new, empty input line: render only if the new line has content.
    const needsRender = lineEmitted
      ? changedSinceLine && (now.text !== '' || now.cursor !== 0)
      : now.text !== before.text || now.cursor !== before.cursor;
    if (needsRender) effects.push({ kind: 'render', text: now.text, cursor: now.cursor });
    return effects;
  }

  /** Replaces the line with the completer's offer; null when it has none (the caller then treats Tab as a space). */
  private completeLine(completer: Completer): EditorEffect[] | null {
    // Completion looks at the text before the cursor; what follows it is kept.
    const before = this.chars.slice(0, this.pos).join('');
    const after = this.chars.slice(this.pos).join('');
    const offer = completer(before);
    if (offer === null) return null;
    const effects: EditorEffect[] = [];
    if (offer.candidates.length > 1) effects.push({ kind: 'candidates', labels: offer.candidates });
    const text = offer.text + after;
    if (text.length > this.maxLineChars) return effects;
    this.chars = Array.from(text);
    this.pos = Array.from(offer.text.slice(0, offer.cursor)).length;
    effects.push({ kind: 'render', text: this.text, cursor: this.pos });
    return effects;
  }

  /** Clears the line (not the history) and returns to the draft position. */
  clear(): void {
    this.chars = [];
    this.pos = 0;
    this.index = this.history.length;
    this.draft = '';
    this.edits.clear();
  }

  /** Applies one editing key; returns whether the line or the cursor may have changed. */
  private apply(key: Exclude<Key, { kind: 'enter' | 'cancel' }>): boolean {
    switch (key.kind) {
      case 'text':
        if (this.text.length + key.ch.length > this.maxLineChars) return false;
        this.chars.splice(this.pos, 0, key.ch);
        this.pos += 1;
        return true;
      case 'backspace':
        if (this.pos === 0) return false;
        this.chars.splice(this.pos - 1, 1);
        this.pos -= 1;
        return true;
      case 'delete':
        if (this.pos >= this.chars.length) return false;
        this.chars.splice(this.pos, 1);
        return true;
      case 'left':
        if (this.pos === 0) return false;
        this.pos -= 1;
        return true;
      case 'right':
        if (this.pos >= this.chars.length) return false;
        this.pos += 1;
        return true;
      case 'home':
        this.pos = 0;
        return true;
      case 'end':
        this.pos = this.chars.length;
        return true;
      case 'kill':
        this.chars = [];
        this.pos = 0;
        return true;
      case 'kill-end':
        if (this.pos >= this.chars.length) return false;
        this.chars.splice(this.pos);
        return true;
      case 'kill-word':
      case 'kill-alnum': {
        const start = this.wordStart(key.kind === 'kill-word' ? isSpace : isNotAlnum);
        if (start === this.pos) return false;
        this.chars.splice(start, this.pos - start);
        this.pos = start;
        return true;
      }
      case 'word-left': {
        const start = this.wordStart(isNotAlnum);
        if (start === this.pos) return false;
        this.pos = start;
        return true;
      }
      case 'word-right': {
        let end = this.pos;
        while (end < this.chars.length && isNotAlnum(this.chars[end] ?? '')) end++;
        while (end < this.chars.length && !isNotAlnum(this.chars[end] ?? '')) end++;
        if (end === this.pos) return false;
        this.pos = end;
        return true;
      }
      case 'up':
        return this.browse(-1);
      case 'down':
        return this.browse(1);
      case 'ignore':
        return false;
      default:
        return exhaustive(key);
    }
  }

  /** Where the word before the cursor starts: back over separators, then over the word's characters. */
  private wordStart(isSeparator: (ch: string) => boolean): number {
    let start = this.pos;
    while (start > 0 && isSeparator(this.chars[start - 1] ?? '')) start--;
    while (start > 0 && !isSeparator(this.chars[start - 1] ?? '')) start--;
    return start;
  }

  /** Completes the line, as Enter does: records it in the history and starts a new, empty draft. */
  accept(): string {
    const line = this.text;
    if (line !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.maxHistory) this.history.splice(0, this.history.length - this.maxHistory);
    }
    this.clear();
    return line;
  }

  /**
   * Takes a line back out of the history (AUTH credentials: the caller judges a line once it is complete, knowing
   * the lines completed before it): its newest entry, if any.
   */
  forget(line: string): void {
    const i = this.history.lastIndexOf(line);
    if (i < 0) return;
    this.history.splice(i, 1);
    if (this.index > i) this.index--;
    const edits = [...this.edits].filter(([k]) => k !== i).map(([k, v]): [number, string] => [k > i ? k - 1 : k, v]);
    this.edits.clear();
    for (const [k, v] of edits) this.edits.set(k, v);
  }

  /** Moves through the history, skipping entries equal to the line shown, keeping the draft and any edits. */
  private browse(step: -1 | 1): boolean {
    const shown = this.text;
    let next = this.index;
    do {
      next += step;
    } while (next >= 0 && next < this.history.length && this.entryAt(next) === shown);
    if (next < 0 || next > this.history.length) return false;
    // Remember what is shown at the current position before leaving it.
    if (this.index === this.history.length) this.draft = shown;
    else if (shown !== this.history[this.index]) this.edits.set(this.index, shown);
    else this.edits.delete(this.index);
    this.index = next;
    this.chars = Array.from(next === this.history.length ? this.draft : this.entryAt(next));
    this.pos = this.chars.length;
    return true;
  }

  private entryAt(i: number): string {
    return this.edits.get(i) ?? this.history[i] ?? '';
  }
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
