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
 * - Ctrl-R searches the history backwards as readline's reverse-i-search does: what is typed next is looked for in
 *   the lines sent before (newest first, case ignored, as SMTP's verbs are), Ctrl-R again goes on to an older match,
 *   Backspace takes a character off the search; Enter sends the line found, Escape or any editing key keeps it to
 *   edit, Ctrl-G gives back the line as it was. The search shows in place of the line,
 *   ``(reverse-i-search)`mail': MAIL FROM:<a@b>``.
 * - Copy and paste are the browser's: see leftToBrowser.
 *
 * The keys are read from the input in keys.ts.
 */
import { MAX_LINE_CHARS } from '../../shared/protocol/decode.js';
import { exhaustive } from '../../shared/protocol/messages.js';
import { decodeKeys, type Key } from './keys.js';

/** Most history entries kept; the oldest are dropped first. */
export const MAX_HISTORY_ENTRIES = 200;

export type EditorEffect =
  /** A completed line, without its line ending, ready to send. */
  | { kind: 'line'; text: string }
  /**
   * The input line changed: paint `text` with the cursor before code point `cursor` (0 = start); `search`: it is a
   * history search's prompt (Ctrl-R), not a line being typed (an AUTH answer's dots are not for it).
   */
  | { kind: 'render'; text: string; cursor: number; search?: true }
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

/** A history search: what is looked for, the entry found (its index; -1 before any), and the line before the search. */
interface Search {
  query: string;
  at: number;
  failed: boolean;
  before: { chars: string[]; pos: number };
}

/** What the search shows in place of the line: readline's prompt, the line found, and its cursor at the match. */
function searchPrompt(query: string, found: string, failed: boolean): { text: string; cursor: number } {
  const head = `(${failed ? 'failed ' : ''}reverse-i-search)\`${query}': `;
  return { text: head + found, cursor: Array.from(head).length + matchAt(query, found) };
}

/** Where the search's text is in the line found, in code points (0 when it is not). */
function matchAt(query: string, found: string): number {
  const at = query === '' ? 0 : Math.max(0, found.toLowerCase().indexOf(query.toLowerCase()));
  return Array.from(found.slice(0, at)).length;
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
  /** A history search under way (Ctrl-R), or null. */
  private search: Search | null = null;
  /** The last search's text: Ctrl-R twice looks for it again, as readline does. */
  private lastQuery = '';
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

  /** What the input line shows: the line and its cursor, or a search under way. */
  private shown(): { text: string; cursor: number; search?: true } {
    const s = this.search;
    if (s === null) return { text: this.text, cursor: this.pos };
    return { ...searchPrompt(s.query, this.text, s.failed), search: true };
  }

  /** Feeds one onData chunk; returns the completed lines and, if the line changed, one render at the end. */
  feed(data: string): EditorEffect[] {
    // A Tab key on its own (xterm delivers each key as its own chunk; a paste arrives whole) completes the line; in a
    // search it ends the search, keeping the line found, as readline does.
    if (data === '\t' && this.search !== null) {
      this.endSearch(true);
      return [{ kind: 'render', ...this.shown() }];
    }
    if (data === '\t' && this.completer !== undefined) {
      const done = this.completeLine(this.completer);
      if (done !== null) return done;
    }
    const effects: EditorEffect[] = [];
    const before = this.shown();
    let changedSinceLine = false;
    let lineEmitted = false;
    for (const key of decodeKeys(data)) {
      if (this.search !== null && this.searchKey(key)) {
        changedSinceLine = true;
        continue;
      }
      if (key.kind === 'enter' || key.kind === 'cancel') {
        const text = this.accept();
        effects.push(key.kind === 'enter' ? { kind: 'line', text } : { kind: 'cancel', text });
        lineEmitted = true;
        changedSinceLine = false;
      } else if (this.apply(key)) {
        changedSinceLine = true;
      }
    }
    const now = this.shown();
    // After a line the adapter starts a new, empty input line: render only if the new line has content.
    const needsRender = lineEmitted
      ? changedSinceLine && (now.text !== '' || now.cursor !== 0)
      : now.text !== before.text || now.cursor !== before.cursor;
    if (needsRender) effects.push({ kind: 'render', ...now });
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
    this.search = null;
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
      case 'search':
        this.search = { query: '', at: -1, failed: false, before: { chars: this.chars, pos: this.pos } };
        return true;
      case 'abort':
      case 'escape':
      case 'ignore':
        return false;
      default:
        return exhaustive(key);
    }
  }

  /**
   * A key in a search: typed text, Backspace and Ctrl-R search (true: taken); Ctrl-G and Escape end it (true); keys
   * the editor ignores are ignored here too (true); Ctrl-C ends it with the line as it was, and any other key ends it
   * keeping the line found: the key then acts (false).
   */
  private searchKey(key: Key): boolean {
    const s = this.search!;
    switch (key.kind) {
      case 'text':
        s.query += key.ch;
        this.find(s.at < 0 ? this.history.length - 1 : s.at);
        return true;
      case 'backspace':
        s.query = Array.from(s.query).slice(0, -1).join('');
        this.find(this.history.length - 1);
        return true;
      case 'search':
        if (s.query === '') s.query = this.lastQuery;
        this.find(s.at < 0 ? this.history.length - 1 : s.at - 1);
        return true;
      case 'abort':
        this.endSearch(false);
        return true;
      case 'escape':
        this.endSearch(true);
        return true;
      case 'ignore':
        return true;
      case 'cancel':
        this.endSearch(false);
        return false;
      default:
        this.endSearch(true);
        return false;
    }
  }

  /** Looks for the search's text from entry `from` back to the oldest; on none, the line found before stays. */
  private find(from: number): void {
    const s = this.search!;
    if (s.query === '') {
      s.failed = false;
      return;
    }
    const query = s.query.toLowerCase();
    for (let i = Math.min(from, this.history.length - 1); i >= 0; i--) {
      if (this.history[i]!.toLowerCase().includes(query)) {
        s.at = i;
        s.failed = false;
        this.chars = Array.from(this.history[i]!);
        return;
      }
    }
    s.failed = true;
  }

  /** Ends a search: keeping the line found (its cursor at the match, the history at its entry), or the line before. */
  private endSearch(keep: boolean): void {
    const s = this.search!;
    this.search = null;
    if (s.query !== '') this.lastQuery = s.query;
    if (!keep || s.at < 0) {
      this.chars = s.before.chars;
      this.pos = s.before.pos;
      return;
    }
    this.pos = matchAt(s.query, this.text);
    // Up and Down go on from the entry found; the line typed before the search is the draft again.
    if (this.index === this.history.length) this.draft = s.before.chars.join('');
    this.index = s.at;
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
