/**
 * The dialog as a plain-text transcript, to save and attach to a ticket or hand in after a lesson: `C:` for each
 * line sent, `S:` for each line received (line endings stripped, as the recorded dialogs in test/fixtures are
 * written), `#` for what heloterm noted (connecting, TLS, closing), each with the seconds since the transcript
 * began. Pure: the page feeds it and saves the text.
 *
 * AUTH credentials never reach it: the initial response of an AUTH command and every line answering a 334
 * challenge (RFC 4954 §4) are replaced by a note, since a transcript is made to be passed around.
 * Control characters from the server are shown as showControls writes them; the transcript keeps the newest
 * MAX_TRANSCRIPT_LINES lines and says how many older ones it dropped.
 */
import { showControls } from './escape.js';
import type { SentKind } from './session.js';

/** Lines kept (a flood of replies must not grow the page without bound). */
export const MAX_TRANSCRIPT_LINES = 20_000;

/** What a removed AUTH response reads as. */
export const REMOVED = '[removed: AUTH credentials]';

/** A sent line as the transcript shows it: AUTH credentials replaced (RFC 4954 §4). */
export function redactSent(line: string, kind: SentKind): string {
  // "*" cancels the exchange: no secret in it.
  if (kind === 'auth-response') return line.trim() === '*' ? line : REMOVED;
  if (kind !== 'command') return line;
  // AUTH mechanism [initial-response]; "=" is an empty initial response.
  const m = /^(\s*AUTH\s+\S+)\s+(\S+)/i.exec(line);
  return m === null || m[2] === '=' ? line : `${m[1]} ${REMOVED}`;
}

export class Transcript {
  private readonly lines: string[] = [];
  private dropped = 0;
  /** Received text after the last LF. */
  private partial = '';
  private startedAt: number | null = null;

  constructor(private readonly maxLines = MAX_TRANSCRIPT_LINES) {}

  /** Something heloterm noted, at `at` (ms, any clock that only goes forward). */
  note(text: string, at: number): void {
    this.flushPartial(at);
    this.push(at, '#', showControls(text));
  }

  /** A line written to the server, of the kind the session model gave it. */
  sent(line: string, kind: SentKind, at: number): void {
    this.flushPartial(at);
    this.push(at, 'C:', showControls(redactSent(line, kind)));
  }

  /** Text received (chunks split anywhere): each line when its LF arrives. */
  received(data: string, at: number): void {
    let start = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      const line = this.partial + data.slice(start, nl);
      this.partial = '';
      start = nl + 1;
      const crlf = line.endsWith('\r');
      this.push(at, 'S:', showControls(crlf ? line.slice(0, -1) : line) + (crlf ? '' : ' [bare LF]'));
    }
    this.partial += data.slice(start);
  }

  /** The connection ended: a last line without its line ending is kept, marked. */
  closed(note: string, at: number): void {
    this.flushPartial(at);
    this.note(note, at);
  }

  /** Lines recorded so far (not counting those dropped). */
  get lineCount(): number {
    return Math.min(this.lines.length, this.maxLines);
  }

  /** The whole transcript, with a header saying what it is and when it was saved (`savedAt`: a Date's ISO text). */
  text(savedAt: string): string {
    const extra = Math.max(0, this.lines.length - this.maxLines);
    const head = [
      `# heloterm transcript, saved ${savedAt}`,
      '# C: sent, S: received (line endings stripped), #: noted by heloterm; seconds since the transcript began',
      `# AUTH credentials are shown as ${REMOVED}`,
    ];
    if (this.dropped + extra > 0) head.push(`# ${this.dropped + extra} earlier lines dropped (the newest ${this.maxLines} are kept)`);
    return [...head, ...this.lines.slice(extra), ''].join('\n');
  }

  private flushPartial(at: number): void {
    if (this.partial === '') return;
    this.push(at, 'S:', `${showControls(this.partial)} [no line ending]`);
    this.partial = '';
  }

  private push(at: number, tag: string, text: string): void {
    this.startedAt ??= at;
    const seconds = ((at - this.startedAt) / 1000).toFixed(3).padStart(8);
    this.lines.push(`${seconds} ${tag} ${text}`);
    // Trimmed in steps, not on every line.
    if (this.lines.length >= this.maxLines + this.maxLines / 4) {
      const excess = this.lines.length - this.maxLines;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}
