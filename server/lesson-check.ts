/**
 * `heloterm --lessons FILE --check-lessons`: plays a class's own lessons against a practice server of its own, as the
 * tests play the built-in ones, and says which step of which lesson does not pass and what the server said instead.
 * The lesson file's reader (shared/lessons/lesson-file.ts) checks how a lesson is written; only playing it tells
 * whether the practice server answers as its steps expect. Each lesson on a connection of its own, typing exactly its
 * lines (STARTTLS's handshake done when the server says 220, as the bridge does); heloterm's own commands, which the
 * page answers, pass as the page would pass them. The practice server's greylisting and slow mailbox are made short,
 * and a step's countdown with them.
 */
import net from 'node:net';
import tls from 'node:tls';
import { LessonRun, type Lesson, type LessonEvent } from '../shared/lessons/lesson.js';
import { GREYLIST_SECONDS } from '../shared/practice/trouble.js';
import { practicePortOf } from '../shared/practice/sides.js';
import { ReplyParser } from '../shared/smtp/parser.js';
import { explainQuoted } from '../shared/smtp/report.js';
import { showControls } from '../shared/smtp/escape.js';
import { SessionModel } from '../shared/smtp/session.js';
import type { Reply } from '../shared/smtp/types.js';
import { startPracticeServer } from './practice/practice-server.js';

/** The practice server's greylisting delay and slow mailbox while checking, in ms: a check takes seconds, not minutes. */
const GREYLIST_MS = 200;
const SLOW_MS = 100;
/** How long one reply may take, in ms (the slow mailbox's is SLOW_MS). */
const REPLY_WAIT_MS = 5000;

export interface LessonVerdict {
  id: string;
  steps: number;
  /** The first step that did not pass (from 1), what it asked, and what came instead; null when every step passed. */
  failed: { step: number; task: string; why: string } | null;
}

/** Reads a socket's replies in order, across a STARTTLS upgrade. */
class Replies {
  private readonly parser = new ReplyParser();
  private readonly ready: Reply[] = [];
  private waiting: ((r: Reply | null) => void) | null = null;
  private ended = false;

  constructor(socket: net.Socket) {
    this.attach(socket);
  }

  attach(socket: net.Socket): void {
    // Characters split across chunks are decoded whole (a server's UTF-8, RFC 6531).
    const decoder = new TextDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const e of this.parser.push(decoder.decode(chunk, { stream: true }))) if (e.kind === 'reply') this.ready.push(e.reply);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    if (this.waiting === null) return;
    const r = this.ready.shift();
    if (r === undefined && !this.ended) return;
    const w = this.waiting;
    this.waiting = null;
    w(r ?? null);
  }

  /** The next reply, or null when the connection closed or none came in time. */
  next(waitMs: number): Promise<Reply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve(null);
      }, waitMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.wake();
    });
  }
}

/** Plays one lesson on a new connection to the practice server at host:port (`implicit`: TLS from the first byte). */
async function play(lesson: Lesson, host: string, port: number, implicit = false): Promise<LessonVerdict> {
  const run = new LessonRun(lesson);
  const model = new SessionModel();
  const failed = (index: number, why: string): LessonVerdict => ({ id: lesson.id, steps: lesson.steps.length, failed: { step: index + 1, task: lesson.steps[index]?.task ?? '', why } });
  // The practice certificate is self-signed: it is the practice server's own, dialled by address.
  let socket: net.Socket = implicit ? tls.connect({ host, port, rejectUnauthorized: false }) : net.connect({ host, port });
  socket.on('error', () => undefined);
  const replies = new Replies(socket);
  const events: LessonEvent[] = [...run.start(false)];
  try {
    await new Promise<void>((ok, fail) => {
      socket.once(implicit ? 'secureConnect' : 'connect', () => ok());
      socket.once('error', fail);
    });
    model.connected(implicit);
    const seen: string[] = [];
    const receive = async (): Promise<boolean> => {
      const reply = await replies.next(REPLY_WAIT_MS);
      if (reply === null) return false;
      // The reply as the server wrote it (its first line), control characters shown as such.
      seen.push(showControls(reply.lines[0]?.raw ?? String(reply.code)).slice(0, 200));
      events.push(...run.afterReply(model.received(reply)));
      return true;
    };
    if (!(await receive())) return failed(0, 'no greeting from the practice server');
    if (run.index === 0) return failed(0, `the greeting was ${seen.join('; ')}`);
    while (!run.finished) {
      const step = run.current;
      const at = run.index;
      if (step === null) break;
      seen.length = 0;
      if ('local' in step.expect) {
        // heloterm's own command: the page answers it, and passes the step once it has (/explain with its reply's code).
        const line = step.type[0] ?? '';
        const explained = step.expect.local === 'explain' ? explainQuoted(1, line.replace(/^\/explain\s+/i, '')) : null;
        events.push(...run.afterLocal(step.expect.local, explained === null ? [] : [explained.reply.code]));
        if (run.index === at) return failed(at, `"${line}" explains no reply with code ${step.expect.code ?? ''}`);
        continue;
      }
      const wait = step.wait;
      if (wait !== undefined) await new Promise((r) => setTimeout(r, (wait / GREYLIST_SECONDS) * GREYLIST_MS + 50));
      for (const line of step.type) {
        socket.write(`${line}\r\n`);
        const before = model.state;
        const kind = model.sent(line);
        events.push(...run.afterSend(line, kind, before));
      }
      // Every reply the lines await: one per command, and in LMTP one per recipient for the final "." (RFC 2033 §4.2).
      while (model.unanswered.length > 0) if (!(await receive())) return failed(at, seen.length === 0 ? 'no reply came' : `only ${seen.join('; ')} came`);
      // After STARTTLS's 220 the handshake, as the bridge does it; the session starts over (RFC 3207 §4.2).
      if (model.state.tlsPending) {
        const plain = socket;
        // The plain socket's bytes are the TLS session's from now on.
        plain.removeAllListeners('data');
        plain.removeAllListeners('close');
        socket = await new Promise<tls.TLSSocket>((ok, fail) => {
          const secure = tls.connect({ socket: plain, rejectUnauthorized: false }, () => ok(secure));
          secure.once('error', fail);
        });
        socket.on('error', () => undefined);
        replies.attach(socket);
        model.tlsEstablished();
      }
      if (run.index === at) return failed(at, `the server answered ${seen.join('; ')}`);
    }
    return { id: lesson.id, steps: lesson.steps.length, failed: null };
  } catch (e) {
    return failed(run.index, e instanceof Error ? e.message : String(e));
  } finally {
    socket.destroy();
  }
}

/** Plays each lesson against a practice server started for the check, and closed after it. */
export async function checkLessons(lessons: readonly Lesson[]): Promise<LessonVerdict[]> {
  const practice = await startPracticeServer({ port: 0, host: '127.0.0.1', greylistMs: GREYLIST_MS, slowMs: SLOW_MS });
  try {
    const out: LessonVerdict[] = [];
    const info = practice.info;
    for (const lesson of lessons) out.push(await play(lesson, info.host, practicePortOf(info, lesson.target ?? 'smtp'), lesson.target === 'tls'));
    return out;
  } finally {
    await practice.close();
  }
}
