import { describe, expect, it } from 'vitest';
import { FrameInbox, postMessageTask } from '../../client/frame-inbox.js';

/** Tasks posted by the inbox, run by hand; a clock that reading a frame moves on by `frameMs`. */
function harness(sliceMs: number, frameMs: number, read: (frame: number) => void = () => {}, maxWaiting = 100) {
  const tasks: (() => void)[] = [];
  let clock = 0;
  const readFrames: number[] = [];
  const inbox = new FrameInbox<number>(
    (frame) => {
      readFrames.push(frame);
      clock += frameMs;
      read(frame);
    },
    { sliceMs, maxWaiting, post: (run) => tasks.push(run), now: () => clock },
  );
  /** Runs the oldest task posted; what it read. */
  const runTask = (): number[] => {
    const before = readFrames.length;
    tasks.shift()?.();
    return readFrames.slice(before);
  };
  return { inbox, tasks, readFrames, runTask };
}

describe('frame inbox (client/frame-inbox.ts)', () => {
  it('reads nothing when a frame comes: one task is posted for all the frames that come before it runs', () => {
    const { inbox, tasks, readFrames } = harness(8, 1);
    for (let i = 0; i < 5; i++) inbox.push(i);
    expect(readFrames).toEqual([]);
    expect(tasks).toHaveLength(1);
    expect(inbox.counts).toEqual({ received: 5, read: 0, mostWaiting: 5 });
  });

  it('reads a slice of time per task, at least one frame, in order, and posts a task for the rest', () => {
    const { inbox, tasks, runTask } = harness(8, 3);
    for (let i = 0; i < 10; i++) inbox.push(i);
    // 3 ms a frame: after the third, 9 ms have gone (8 is the slice), and the task posts another for the rest.
    expect(runTask()).toEqual([0, 1, 2]);
    expect(tasks).toHaveLength(1);
    expect(runTask()).toEqual([3, 4, 5]);
    expect(runTask()).toEqual([6, 7, 8]);
    expect(runTask()).toEqual([9]);
    expect(tasks).toHaveLength(0);
    expect(inbox.counts).toEqual({ received: 10, read: 10, mostWaiting: 10 });
  });

  it('reads one frame per task when a frame takes longer than the slice', () => {
    const { inbox, runTask } = harness(8, 20);
    for (let i = 0; i < 3; i++) inbox.push(i);
    expect([runTask(), runTask(), runTask(), runTask()]).toEqual([[0], [1], [2], []]);
  });

  it('keeps frames that come while a slice is posted for that task, and posts again once they are all read', () => {
    const { inbox, tasks, runTask } = harness(8, 1);
    inbox.push(0);
    inbox.push(1);
    expect(runTask()).toEqual([0, 1]);
    expect(tasks).toHaveLength(0);
    inbox.push(2);
    expect(tasks).toHaveLength(1);
    expect(runTask()).toEqual([2]);
  });

  it('reads every frame at once when asked (before a close is told), and a slice posted before finds none', () => {
    const { inbox, tasks, readFrames, runTask } = harness(8, 5);
    for (let i = 0; i < 6; i++) inbox.push(i);
    inbox.readAll();
    expect(readFrames).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runTask()).toEqual([]);
    expect(tasks).toHaveLength(0);
    inbox.push(6);
    expect(runTask()).toEqual([6]);
  });

  it('reads on in a task to come when a reader throws: the frames after it are not lost', () => {
    const { inbox, runTask } = harness(8, 1, (frame) => {
      if (frame === 1) throw new Error('a handler failed');
    });
    for (let i = 0; i < 4; i++) inbox.push(i);
    expect(() => runTask()).toThrow('a handler failed');
    expect(runTask()).toEqual([2, 3]);
    expect(inbox.counts).toEqual({ received: 4, read: 4, mostWaiting: 4 });
  });

  it('keeps no more than its most waiting: past it, the task that brings a frame reads the oldest', () => {
    const { inbox, tasks, readFrames, runTask } = harness(8, 1, () => {}, 4);
    for (let i = 0; i < 4; i++) inbox.push(i);
    expect(readFrames).toEqual([]);
    // The fifth frame's own task reads the first (as every frame was read before the inbox), one per frame from then.
    inbox.push(4);
    expect(readFrames).toEqual([0]);
    inbox.push(5);
    expect(readFrames).toEqual([0, 1]);
    expect(inbox.counts).toEqual({ received: 6, read: 2, mostWaiting: 4 });
    expect(tasks).toHaveLength(1);
    expect(runTask()).toEqual([2, 3, 4, 5]);
  });

  it('reads in order a stream that never lets it empty, however long', () => {
    const { inbox, readFrames, runTask } = harness(8, 3, () => {}, 16);
    // Ten frames come for every slice of three read: the inbox stays full, each frame's task reading one.
    for (let n = 0; n < 3000; n++) {
      inbox.push(n);
      if (n % 10 === 9) runTask();
    }
    while (inbox.counts.read < 3000) runTask();
    expect(readFrames).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(inbox.counts.mostWaiting).toBe(16);
  });

  it('posts its tasks through a message channel, in order, each after the tasks posted before it', async () => {
    const post = postMessageTask();
    const ran: string[] = [];
    post(() => ran.push('a'));
    post(() => ran.push('b'));
    // A timer set now: the channel's tasks are not nested timers (clamped to 4 ms after five), nor microtasks.
    await Promise.resolve();
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['a', 'b']);
  });
});
