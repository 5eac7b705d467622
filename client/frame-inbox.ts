/**
 * Where the WebSocket's frames wait to be read once the app is here (connection.ts readThrough): read in tasks of the
 * page's own, a slice of time at a time, not in the browser's message tasks. (The boot script reads them as they
 * come: what it reads is the greeting, and its chunk is the page's first load.)
 *
 * Why: the browser runs its tasks about in the order they were posted. During a reply burst it queues a message task
 * per frame (64 KB, about a thousand replies), and a timer posted meanwhile ran only once every frame queued before it
 * had been read. xterm parses each write in a timer task, so a key typed then waited for all of them: 68–121 ms in
 * traces of a burst's first keys (docs/benchmarks.md, reply burst). Now a message task only puts its frame here, and
 * such a timer waits for one slice of reading at most.
 */

/** Time spent reading frames at most in one task, in ms. */
export const READ_SLICE_MS = 8;
/** Frames kept waiting at most, about 1 MB of a burst's 64 KB frames (see push). */
export const MAX_WAITING_FRAMES = 16;

/** Runs `run` in a task of its own, after the tasks posted before it. */
export type PostTask = (run: () => void) => void;

/**
 * A task through a channel of the page's own: run in turn with other tasks, and not clamped to 4 ms when posted from
 * a task it posted, as a nested timer is.
 */
export function postMessageTask(): PostTask {
  const waiting: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => waiting.shift()?.();
  return (run) => {
    waiting.push(run);
    channel.port2.postMessage(null);
  };
}

/** Read frames the list keeps before it is cut down to those waiting. */
const COMPACT_AFTER = 256;

export interface InboxOptions {
  /** Time read at most in one task, in ms (at least one frame is read). */
  sliceMs: number;
  /** Frames kept waiting at most (see push). */
  maxWaiting: number;
  post: PostTask;
  now?: () => number;
}

export class FrameInbox<T> {
  /** Frames not yet read, oldest first, from `next` on. */
  private frames: (T | undefined)[] = [];
  private next = 0;
  /** A task to read a slice is posted and has not run yet. */
  private posted = false;
  private readonly slice = (): void => {
    this.posted = false;
    this.readFor(this.opts.sliceMs);
  };
  private readonly counted = { received: 0, read: 0, mostWaiting: 0 };
  private readonly now: () => number;

  constructor(
    private readonly read: (frame: T) => void,
    private readonly opts: InboxOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Frames received so far, of those the frames read, and the most that waited at once. */
  get counts(): { received: number; read: number; mostWaiting: number } {
    return { ...this.counted };
  }

  /**
   * Keeps a frame to read after those before it, in a task to come. Past `maxWaiting` frames, the task that brought
   * one reads the oldest, as every frame was read before the inbox: what waits is bounded whatever the browser delivers.
   * Large frames come about as fast as the page reads them (in 64 KB bursts at most 8 waited, 13 with the CPU slowed
   * ten times), small ones faster: the practice server's answers to 300 pasted RCPTs, one a frame, left 59–115 waiting
   * without the bound. A server's flood must not pile up in the page's memory.
   */
  push(frame: T): void {
    this.frames.push(frame);
    this.counted.received++;
    if (this.frames.length - this.next > this.opts.maxWaiting) this.readFor(0);
    this.counted.mostWaiting = Math.max(this.counted.mostWaiting, this.frames.length - this.next);
    this.postSlice();
  }

  /** Reads every frame waiting, now (before the connection's close is told: it comes after them). */
  readAll(): void {
    this.readFor(Number.POSITIVE_INFINITY);
  }

  private postSlice(): void {
    if (this.posted) return;
    this.posted = true;
    this.opts.post(this.slice);
  }

  private readFor(ms: number): void {
    const until = this.now() + ms;
    try {
      while (this.next < this.frames.length) {
        const frame = this.frames[this.next] as T;
        this.frames[this.next++] = undefined;
        this.counted.read++;
        this.read(frame);
        if (this.now() >= until) break;
      }
    } finally {
      if (this.next === this.frames.length) {
        this.frames = [];
        this.next = 0;
      } else {
        // A stream that never lets the inbox empty does not grow its list for ever.
        if (this.next >= COMPACT_AFTER) {
          this.frames = this.frames.slice(this.next);
          this.next = 0;
        }
        // What is left (a slice's time is up, or a reader threw) is read in a task to come.
        this.postSlice();
      }
    }
  }
}
