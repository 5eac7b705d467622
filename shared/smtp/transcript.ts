/**
 * The dialog as a plain-text transcript, to save and attach to a ticket or hand in after a lesson: `C:` for each
 * line sent, `S:` for each line received (line endings stripped, as the recorded dialogs in test/fixtures are
 * written), `#` for what heloterm noted (connecting, TLS, closing), each with the seconds since the transcript
 * began. Pure: the page feeds it and saves the text.
 *
 * AUTH credentials never reach it: the initial response of an AUTH command and every line answering a 334
 * challenge (RFC 4954 §4) are replaced by a note, since a transcript is made to be passed around.
 * Control characters from the server are shown as showControls writes them.
 *
 * It must cost the page nothing while a server floods it: every chunk it keeps survives the JavaScript engine's
 * young-generation collections and is copied by them, which measured as keypresses answered 2 to 3 times later
 * during a 50 MB burst (docs/benchmarks.md). So of a flood it keeps the first FLOOD_KEEP_CHARS characters and
 * counts the rest, and overall it keeps the newest MAX_TRANSCRIPT_CHARS; it says what it left out.
 */
import { showControls } from './escape.js';
import type { SentKind } from './session-state.js';

/** Characters of received text kept in all; older text is dropped whole chunks at a time. */
export const MAX_TRANSCRIPT_CHARS = 2_000_000;
/** Characters of a flood of replies kept (a pasted pipeline of a few hundred commands fits); the rest are counted. */
export const FLOOD_KEEP_CHARS = 64 * 1024;

/** What stands for each character of AUTH credentials in the terminal, which hides them as they are typed. */
export const SECRET_MARK = '•';

/** What a removed AUTH response reads as. */
export const REMOVED = '[removed: AUTH credentials]';

/**
 * Where the AUTH credentials in a sent line begin (RFC 4954 §4), or null when it holds none: every answer to a 334
 * but "*" (which cancels), and the initial response of an AUTH command ("=" is an empty one). The transcript
 * removes them; the terminal hides them as they are typed.
 */
export function secretFrom(line: string, kind: SentKind): number | null {
  if (kind === 'auth-response') return line.trim() === '*' ? null : 0;
  if (kind !== 'command') return null;
  const m = /^(\s*AUTH\s+\S+\s+)(\S+)/i.exec(line);
  return m === null || m[2] === '=' ? null : (m[1] ?? '').length;
}

/** A sent line as the transcript shows it: AUTH credentials replaced (RFC 4954 §4). */
export function redactSent(line: string, kind: SentKind): string {
  const from = secretFrom(line, kind);
  if (from === null) return line;
  return from === 0 ? REMOVED : `${line.slice(0, from).trimEnd()} ${REMOVED}`;
}

type Event =
  | { at: number; kind: 'rx'; data: string }
  /** Received text not kept (a flood beyond FLOOD_KEEP_CHARS): how many characters. */
  | { at: number; kind: 'skipped'; chars: number }
  | { at: number; kind: 'line'; tag: '#' | 'C:'; text: string };

export class Transcript {
  /**
   * What happened, in order. Received text is kept as it came, chunk by chunk, and cut into lines only when the
   * transcript is written: recording costs one push per chunk.
   */
  private events: Event[] = [];
  /** Received characters held in `events`, and those dropped from its start. */
  private chars = 0;
  private droppedChars = 0;
  /** Characters of the flood going on that were kept. */
  private floodChars = 0;
  private startedAt: number | null = null;

  constructor(
    private readonly maxChars = MAX_TRANSCRIPT_CHARS,
    private readonly floodKeepChars = FLOOD_KEEP_CHARS,
  ) {}

  /**
   * Something heloterm noted (connecting, TLS, closing), at `at` (ms, any clock that only goes forward). Received text
   * without its line ending before it is shown as a line of its own, marked.
   */
  note(text: string, at: number): void {
    this.push({ at, kind: 'line', tag: '#', text });
  }

  /** A line written to the server, of the kind the session model gave it (AUTH credentials are removed here). */
  sent(line: string, kind: SentKind, at: number): void {
    this.push({ at, kind: 'line', tag: 'C:', text: redactSent(line, kind) });
  }

  /** Text received (chunks split anywhere); `flooding`: while replies flood in (client/terminal/flood.ts). */
  received(data: string, at: number, flooding = false): void {
    if (data === '') return;
    if (!flooding) this.floodChars = 0;
    else if (this.floodChars + data.length > this.floodKeepChars) {
      const last = this.events.at(-1);
      if (last?.kind === 'skipped') last.chars += data.length;
      else this.push({ at, kind: 'skipped', chars: data.length });
      return;
    } else this.floodChars += data.length;
    this.push({ at, kind: 'rx', data });
    this.chars += data.length;
    // Trimmed in steps, not on every chunk.
    if (this.chars > this.maxChars + this.maxChars / 4) this.trim();
  }

  /** The whole transcript, with a header saying what it is and when it was saved (`savedAt`: a Date's ISO text). */
  text(savedAt: string): string {
    if (this.chars > this.maxChars) this.trim();
    const out = [
      `# heloterm transcript, saved ${savedAt}`,
      '# C: sent, S: received (line endings stripped), #: noted by heloterm; seconds since the transcript began',
      `# AUTH credentials are shown as ${REMOVED}`,
    ];
    if (this.droppedChars > 0) out.push(`# the first ${this.droppedChars} characters received were dropped (the newest ${this.maxChars} are kept)`);
    const t0 = this.startedAt ?? 0;
    for (const l of written(this.events)) out.push(`${((l.at - t0) / 1000).toFixed(3).padStart(8)} ${l.tag} ${l.text}`);
    return out.join('\n') + '\n';
  }

  /**
   * The newest `n` lines as text() writes them, without their times ("C: MAIL FROM:<…>", "S: 550 …", "# …"), each cut
   * to `maxChars` characters, and the middle lines of a long multiline reply (an EHLO answer's extensions) counted in
   * one: what a page shows its instructor when its trainee asks for help, as much of the dialog as fits. Only the
   * newest events are read, enough of them to hold `n` lines.
   */
  recent(n: number, maxChars: number): string[] {
    let from = this.events.length;
    for (let count = 0; from > 0 && count <= n * 4; ) {
      const e = this.events[--from]!;
      count += e.kind === 'rx' ? e.data.split('\n').length - 1 : 1;
    }
    const cut = (s: string): string => (s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s);
    return compact(written(this.events.slice(from)))
      .slice(-n)
      .map((l) => cut(`${l.tag} ${l.text}`));
  }

  private push(e: Event): void {
    this.startedAt ??= e.at;
    this.events.push(e);
  }

  /** Drops the oldest events until the received text is within bounds again. */
  private trim(): void {
    let i = 0;
    while (this.chars > this.maxChars && i < this.events.length) {
      const e = this.events[i++];
      if (e?.kind === 'rx') {
        this.chars -= e.data.length;
        this.droppedChars += e.data.length;
      }
    }
    this.events = this.events.slice(i);
  }
}

/** The lines of events as a transcript writes them: received text cut at its line feeds, each line tagged. */
function written(events: readonly Event[]): { at: number; tag: string; text: string }[] {
  const out: { at: number; tag: string; text: string }[] = [];
  let partial = '';
  let partialAt = 0;
  const flushPartial = (): void => {
    if (partial !== '') out.push({ at: partialAt, tag: 'S:', text: `${showControls(partial)} [no line ending]` });
    partial = '';
  };
  for (const e of events) {
    if (e.kind === 'rx') {
      let start = 0;
      for (let nl = e.data.indexOf('\n'); nl !== -1; nl = e.data.indexOf('\n', start)) {
        const text = partial + e.data.slice(start, nl);
        partial = '';
        start = nl + 1;
        const crlf = text.endsWith('\r');
        out.push({ at: e.at, tag: 'S:', text: showControls(crlf ? text.slice(0, -1) : text) + (crlf ? '' : ' [bare LF]') });
      }
      if (start < e.data.length) {
        partial += e.data.slice(start);
        partialAt = e.at;
      }
    } else if (e.kind === 'skipped') {
      flushPartial();
      out.push({ at: e.at, tag: '#', text: `… ${e.chars} more characters received in a flood of replies, not kept here` });
    } else {
      flushPartial();
      out.push({ at: e.at, tag: e.tag, text: showControls(e.text) });
    }
  }
  flushPartial();
  return out;
}

/** Lines of a multiline reply kept whole at most: its first and last, the middle counted in one line between. */
const REPLY_LINES_KEPT = 3;

/**
 * Lines with each multiline reply of more than REPLY_LINES_KEPT lines ("250-…" lines, then "250 …") shortened to its
 * first line, "…" with how many lines it leaves out, and its last.
 */
function compact(lines: readonly { at: number; tag: string; text: string }[]): { at: number; tag: string; text: string }[] {
  const out: { at: number; tag: string; text: string }[] = [];
  for (let i = 0; i < lines.length; ) {
    const first = lines[i]!;
    const code = first.tag === 'S:' ? /^(\d{3})-/.exec(first.text)?.[1] : undefined;
    let end = i + 1;
    if (code !== undefined) while (end < lines.length && lines[end]!.tag === 'S:' && lines[end]!.text.startsWith(`${code}-`)) end++;
    // end: the reply's last line ("250 …"), when it is there.
    const whole = code !== undefined && end < lines.length && lines[end]!.tag === 'S:' && lines[end]!.text.startsWith(`${code} `);
    if (!whole || end - i + 1 <= REPLY_LINES_KEPT) {
      out.push(first);
      i++;
      continue;
    }
    out.push(first, { at: first.at, tag: 'S:', text: `… ${end - i - 1} more lines of this reply` }, lines[end]!);
    i = end + 1;
  }
  return out;
}
