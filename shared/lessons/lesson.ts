/**
 * Guided lessons: a lesson is a list of steps, each a task for the trainee and the evidence that it is done — a reply
 * to a given command with a given code, (for the message's header lines) an empty line of message text, which the
 * server does not answer, or one of heloterm's own commands (`/log`, `/explain`, after the session). LessonRun
 * follows the session model's exchanges and says what happened: a step passed (with what its reply teaches), a reply
 * that answered the step's command with another code (try again), the next step, the end. Pure: the page renders the
 * events (client/ui/lesson-guide.ts); the catalogue of lessons is data (catalogue.ts).
 */
import { bdatChunk, parseCommand, utf8Octets } from '../smtp/command.js';
import type { Exchange, SentKind, SessionState } from '../smtp/session-state.js';
import type { ReplyClass } from '../smtp/types.js';

/** The reply that completes a step. */
export interface ReplyExpected {
  /** What it answers: the greeting, the final "." of the message text, or one of these commands (upper case). */
  answers: 'greeting' | 'end-of-data' | readonly string[];
  /** The reply code wanted, or only its class (one of these two). */
  code?: number;
  cls?: ReplyClass;
  /** Only with TLS active when the command was sent (the EHLO after STARTTLS). */
  tls?: boolean;
}

/** A line sent that gets no reply: the empty line after the message's header lines (RFC 5322 §2.1). */
export interface SentExpected {
  sent: 'end-of-headers';
}

/**
 * One of heloterm's own commands, typed once the session is over: `/log`, to read it as the server logged it,
 * `/explain`, to read a line of a bounce (`code`: the explanation must have been of a reply with this code),
 * `/tls versions`, to see which TLS versions the server takes, `/tls mx`, `/smuggling`, to see whether it ends a
 * message early, or `/dkim verify`, to verify the practice server's signed bounce (for these, their answer must have
 * come).
 */
export interface LocalExpected {
  local: 'log' | 'explain' | 'tls-versions' | 'tls-mx' | 'smuggling' | 'dkim-verify';
  code?: number;
}

export type Expected = ReplyExpected | SentExpected | LocalExpected;

export interface LessonStep {
  /** What to do, in a sentence or two. */
  task: string;
  /** The lines to type, in order (none for "press Connect"). */
  type: readonly string[];
  expect: Expected;
  /** What the reply means here, shown once the step is done. */
  learn: string;
  /** Why a reply to the step's command with another code is not it yet, and what to do instead. */
  retry?: string;
  source: string;
  /** Seconds to wait before typing (a greylisted retry): said in the task, and shown as a countdown. */
  wait?: number;
}

export interface Lesson {
  /** Stable, URL-safe (`?lesson=`): lower-case letters, digits and hyphens. */
  id: string;
  title: string;
  /** A name for a button: two or three words. */
  short: string;
  /** What the trainee will have learnt, in a sentence. */
  goal: string;
  steps: readonly LessonStep[];
  /**
   * The practice server's side it is written for, where a lesson connects instead of the SMTP side (the default):
   * "lmtp", its LMTP side (RFC 2033: LHLO, one reply per recipient), or "tls", its port with TLS from the first byte
   * (RFC 8314, as 465 is), dialled with implicit TLS.
   */
  target?: 'lmtp' | 'tls';
}

export type LessonEvent =
  | { kind: 'begin'; lesson: Lesson }
  | { kind: 'step'; lesson: Lesson; index: number; step: LessonStep }
  | { kind: 'passed'; index: number; step: LessonStep; code: number | null }
  | { kind: 'retry'; index: number; step: LessonStep; code: number }
  | { kind: 'finished'; lesson: Lesson }
  /** The connection closed mid-lesson: a new session starts the lesson over. */
  | { kind: 'restarted'; lesson: Lesson };

/** Whether the step's evidence is about this exchange at all (its command), whatever the code. */
function answers(e: ReplyExpected, ex: Exchange): boolean {
  if (e.answers === 'greeting' || e.answers === 'end-of-data') return ex.kind === e.answers;
  return ex.kind === 'command' && ex.command !== null && e.answers.includes(ex.command.verb);
}

/** Whether the exchange is the reply the step wants. */
function satisfies(e: ReplyExpected, ex: Exchange): boolean {
  if (e.code !== undefined && ex.reply.code !== e.code) return false;
  if (e.cls !== undefined && ex.reply.cls !== e.cls) return false;
  return e.tls === undefined || ex.before.tls === e.tls;
}

/**
 * A step's lines that are commands, and the BDAT line whose chunk its lines do not make up exactly (null if none):
 * the lines after `BDAT <size>` are its chunk (RFC 3030 §2), each its octets in UTF-8 and 2 for its CRLF.
 */
export function stepCommands(lines: readonly string[]): { commands: string[]; unevenChunk: string | null } {
  const commands: string[] = [];
  let left = 0;
  let bdat = '';
  for (const line of lines) {
    if (left > 0) {
      left -= utf8Octets(line) + 2;
      if (left < 0) return { commands, unevenChunk: bdat };
      continue;
    }
    commands.push(line);
    left = bdatChunk(parseCommand(line))?.size ?? 0;
    bdat = line;
  }
  return { commands, unevenChunk: left > 0 ? bdat : null };
}

/** Replies a step needs: one per command it gives (pipelined recipients; a BDAT chunk's lines are none), else one. */
function repliesNeeded(step: LessonStep): number {
  return 'answers' in step.expect && typeof step.expect.answers !== 'string' ? Math.max(1, stepCommands(step.type).commands.length) : 1;
}

/** One run through a lesson, step by step. */
export class LessonRun {
  private i = 0;
  /** Replies the step in hand has had that it wants (a step giving several commands passes on the last). */
  private got = 0;

  constructor(readonly lesson: Lesson) {}

  /** The step being worked on (0-based), or the number of steps once the lesson is over. */
  get index(): number {
    return this.i;
  }

  get current(): LessonStep | null {
    return this.lesson.steps[this.i] ?? null;
  }

  get finished(): boolean {
    return this.i >= this.lesson.steps.length;
  }

  /**
   * The lesson begins: its title and first step. A step waiting for the greeting counts as done when the session
   * has been greeted already (a lesson started while connected).
   */
  start(greeted: boolean): LessonEvent[] {
    const out: LessonEvent[] = [{ kind: 'begin', lesson: this.lesson }];
    const first = this.current;
    if (greeted && first !== null && 'answers' in first.expect && first.expect.answers === 'greeting') {
      this.i++;
    }
    return this.next(out);
  }

  /** The step in hand again (for `/lesson` during a lesson). */
  again(): LessonEvent[] {
    const step = this.current;
    return step === null ? [] : [{ kind: 'step', lesson: this.lesson, index: this.i, step }];
  }

  /**
   * The SMTP connection closed before the lesson's end. Each step builds on the session the steps before it made
   * (a sender needs a greeting, DATA a recipient), and a new connection is a new session: the lesson starts over.
   * Nothing to say when it had not got past connecting.
   */
  connectionClosed(): LessonEvent[] {
    // A step of heloterm's own (/log) comes after QUIT: the connection's end is what it waits for.
    if (this.finished || this.i === 0 || 'local' in (this.current?.expect ?? {})) return [];
    this.i = 0;
    this.got = 0;
    return this.next([{ kind: 'restarted', lesson: this.lesson }]);
  }

  /** A complete reply and what it answered. */
  afterReply(ex: Exchange): LessonEvent[] {
    const step = this.current;
    if (step === null) return [];
    if (!('answers' in step.expect)) {
      // A step no reply proves (the empty line after the headers) is passed over when the next step's reply
      // comes: a message without header lines is still a message.
      const following = this.lesson.steps[this.i + 1];
      if (following === undefined || !('answers' in following.expect)) return [];
      if (!answers(following.expect, ex) || !satisfies(following.expect, ex)) return [];
      this.i++;
      return this.pass(following, ex.reply.code);
    }
    if (!answers(step.expect, ex)) return [];
    if (!satisfies(step.expect, ex)) return [{ kind: 'retry', index: this.i, step, code: ex.reply.code }];
    if (++this.got < repliesNeeded(step)) return [];
    return this.pass(step, ex.reply.code);
  }

  /** A line the bridge wrote, with what it was and the state before it. */
  afterSend(line: string, kind: SentKind, before: SessionState): LessonEvent[] {
    const step = this.current;
    if (step === null || !('sent' in step.expect)) return [];
    // An empty line of message text after at least one line ends the header section (RFC 5322 §2.1).
    if (kind !== 'message-text' || line !== '' || before.dataLines === 0) return [];
    return this.pass(step, null);
  }

  /**
   * One of heloterm's own commands was typed (and done), `codes`: those of the replies it explained (/explain): the
   * step that asks for it passes.
   */
  afterLocal(command: LocalExpected['local'], codes: readonly number[] = []): LessonEvent[] {
    const step = this.current;
    if (step === null || !('local' in step.expect) || step.expect.local !== command) return [];
    const code = step.expect.code;
    if (code !== undefined && !codes.includes(code)) return [];
    return this.pass(step, code ?? null);
  }

  private pass(step: LessonStep, code: number | null): LessonEvent[] {
    const out: LessonEvent[] = [{ kind: 'passed', index: this.i, step, code }];
    this.i++;
    this.got = 0;
    return this.next(out);
  }

  private next(out: LessonEvent[]): LessonEvent[] {
    const step = this.current;
    out.push(step === null ? { kind: 'finished', lesson: this.lesson } : { kind: 'step', lesson: this.lesson, index: this.i, step });
    return out;
  }
}
