/**
 * The reply path run ahead (client/reply-warmup.ts): a copy of the page's session view reads a made-up dialog in idle
 * slices, every reply of it, and stops when asked. That nothing of it reaches the page is the Chromium test's
 * (test/e2e/transcript.test.ts); what it does for a burst, the benchmark's (docs/benchmarks.md, reply burst).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idleByHand } from '../helpers/idle.js';
import { WARM_ROUNDS, warmReplyPath } from '../../client/reply-warmup.js';

afterEach(() => vi.unstubAllGlobals());

describe('the reply path run ahead', () => {
  it('reads every reply of its dialog, round after round, in idle slices, then says how many', () => {
    const idle = idleByHand();
    let read: number | null = null;
    warmReplyPath(() => 5040, (replies) => (read = replies));
    let slices = 0;
    while (idle.run(1)) slices++;
    // Each round: the greeting, EHLO's, MAIL's, three RCPTs', DATA's, the message's, RSET's and NOOP's.
    expect(read).toBe(WARM_ROUNDS * 10);
    // A millisecond at a time: many slices, each waiting for the browser to be idle again.
    expect(slices).toBeGreaterThan(3);
    expect(idle.pending()).toBe(0);
  });

  it('stops when asked, between slices', () => {
    const idle = idleByHand();
    let read: number | null = null;
    const stop = warmReplyPath(() => 5040, (replies) => (read = replies));
    idle.run(1);
    expect(idle.pending()).toBe(1);
    stop();
    expect(idle.pending()).toBe(0);
    expect(read).toBeNull();
  });
});
