/**
 * Reads a dialog someone saved or copied, so that it can be explained as if it were happening: a customer's telnet
 * session pasted into a ticket, swaks output, a transcript heloterm saved. Each line is told as sent (C), received
 * (S) or a note, in one of four forms, chosen for the whole text:
 *
 * - heloterm's own transcripts ("   0.412 C: EHLO …", transcript.ts), its markers ("[bare LF]") taken off;
 * - the recorded dialogs' form ("C: …", "S: …", "-- a note"), as in test/fixtures;
 * - swaks ("-> EHLO …" sent, "<-  250 …" and "<** 550 …" received, "~>"/"<~" the same inside TLS, "===" its notes);
 * - a telnet window as it is: a line that begins with a reply code is the server's, telnet's own lines (and the
 *   shell's, before the server's first line) are notes, every other line was typed.
 *
 * Then replays it through the session model, as the page follows a live dialog (replayTranscript). Pure.
 */
import { ReplyParser } from './parser.js';
import { SessionModel } from './session.js';
import type { Exchange, SentKind } from './session-state.js';

/** Lines read from one text at most (a pasted transcript; a longer one is cut, and says so). */
export const MAX_TRANSCRIPT_LINES = 2000;

export interface TranscriptStep {
  dir: 'C' | 'S' | 'note';
  text: string;
  /** When, in ms since the transcript began, where the form says (heloterm's transcripts do). */
  at?: number;
}

const HELOTERM = /^\s*\d+\.\d{3} (C:|S:|#) ?(.*)$/;
const TAGGED = /^(C|S): ?(.*)$|^-- (.*)$/;
const SWAKS = /^\s*(->|~>|\*\*>|<-|<~|<\*\*|<~\*\*|===|\*\*\*|~~~)\s?(.*)$/;
const TELNET_NOTE = /^(Trying |Connected to |Escape character is|Connection closed by|telnet: )/;
const REPLY_START = /^\d{3}(?:[ -]|$)/;
/** What heloterm's transcripts add to a received line, taken off again. */
const MARKERS = / \[(?:bare LF|no line ending)\]$/;

/** The form a whole text is in: the first that fits any of its lines, most specific first. */
function formOf(lines: readonly string[]): 'heloterm' | 'tagged' | 'swaks' | 'telnet' {
  if (lines.some((l) => HELOTERM.test(l))) return 'heloterm';
  if (lines.some((l) => /^(C|S): /.test(l))) return 'tagged';
  if (lines.some((l) => /^\s*(->|<-|<\*\*)\s/.test(l))) return 'swaks';
  return 'telnet';
}

function readLine(line: string, form: ReturnType<typeof formOf>): TranscriptStep | null {
  switch (form) {
    case 'heloterm': {
      const m = HELOTERM.exec(line);
      if (m === null) return line.startsWith('#') ? { dir: 'note', text: line.replace(/^#\s?/, '') } : null;
      const text = m[2] ?? '';
      const at = Math.round(Number(/^\s*(\d+\.\d{3})/.exec(line)?.[1]) * 1000);
      const dir = m[1] === 'C:' ? 'C' : m[1] === 'S:' ? 'S' : 'note';
      return { dir, text: dir === 'S' ? text.replace(MARKERS, '') : text, at };
    }
    case 'tagged': {
      const m = TAGGED.exec(line);
      if (m === null) return null;
      return m[3] !== undefined ? { dir: 'note', text: m[3] } : { dir: m[1] === 'C' ? 'C' : 'S', text: m[2] ?? '' };
    }
    case 'swaks': {
      const m = SWAKS.exec(line);
      if (m === null) return null;
      const arrow = m[1] ?? '';
      const text = m[2] ?? '';
      if (arrow.endsWith('>')) return { dir: 'C', text };
      if (arrow.startsWith('<')) return { dir: 'S', text: text.replace(/^\s+/, '') };
      return { dir: 'note', text };
    }
    case 'telnet':
      if (TELNET_NOTE.test(line)) return { dir: 'note', text: line };
      return REPLY_START.test(line) ? { dir: 'S', text: line } : { dir: 'C', text: line };
  }
}

/** The steps of a pasted or saved dialog, at most MAX_TRANSCRIPT_LINES (a note says when there were more). */
export function readTranscript(text: string): TranscriptStep[] {
  const all = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const lines = all.slice(0, MAX_TRANSCRIPT_LINES);
  const form = formOf(lines);
  const steps: TranscriptStep[] = [];
  let greeted = false;
  for (const line of lines) {
    const step = readLine(line, form);
    if (step === null) continue;
    // In a telnet window, what comes before the server's first line is the shell's (the prompt, the telnet command):
    // nothing was typed to the server yet.
    if (form === 'telnet' && !greeted && step.dir === 'C') step.dir = 'note';
    if (step.dir === 'S') greeted = true;
    if (step.dir === 'note' && step.text.trim() === '') continue;
    steps.push(step);
  }
  if (all.length > lines.length) steps.push({ dir: 'note', text: `cut after ${MAX_TRANSCRIPT_LINES} lines (${all.length} in all)` });
  return steps;
}

export type ReplayStep =
  | { kind: 'sent'; line: string; sentKind: SentKind }
  | { kind: 'reply'; exchange: Exchange }
  /** A received line that is no part of a reply (garbage, or a line the form misread). */
  | { kind: 'invalid'; text: string; reason: string }
  | { kind: 'note'; text: string };

/**
 * The dialog followed as the page follows a live one: each line sent judged by the session model (a command,
 * message text, an AUTH answer), each reply matched to what it answers, and timed where the form gives times (a slow
 * reply is explained as when it happened). A note that TLS began after the greeting
 * (heloterm's "TLS active", the recorded dialogs' "TLS established") starts the session over, as STARTTLS does; one
 * that a connection was made or closed (heloterm's own notes) starts or ends one.
 */
export function replayTranscript(steps: readonly TranscriptStep[]): ReplayStep[] {
  const model = new SessionModel();
  model.connected();
  const parser = new ReplyParser();
  const out: ReplayStep[] = [];
  for (const step of steps) {
    const at = step.at ?? null;
    if (step.dir === 'C') {
      out.push({ kind: 'sent', line: step.text, sentKind: model.sent(step.text, at) });
    } else if (step.dir === 'S') {
      for (const e of parser.push(`${step.text}\r\n`)) {
        if (e.kind === 'reply') out.push({ kind: 'reply', exchange: model.received(e.reply, at) });
        else if (e.kind === 'invalid') out.push({ kind: 'invalid', text: e.line.raw, reason: e.reason });
      }
    } else {
      const note = step.text;
      // After STARTTLS, not at the start of an implicit TLS connection (its greeting is still to come).
      if (/\bTLS (established|active)\b/i.test(note) && model.greeted) {
        parser.reset();
        model.tlsEstablished();
      } else if (/^connected to /i.test(note)) {
        // A connection made (its greeting's wait starts there); in a heloterm transcript, maybe the next one.
        parser.reset();
        model.connected(false, at);
      } else if (/^(connection closed|closed by the server|connection lost|disconnected)/i.test(note)) model.closed();
      out.push({ kind: 'note', text: note });
    }
  }
  return out;
}
