/**
 * Work done ahead in the browser's idle time, a slice at a time (width-warmup.ts, reply-warmup.ts):
 * requestIdleCallback, or a timer where the browser has none.
 */

/** Where the browser has no idle callbacks (Safari), a slice this long after the last, in ms. */
const NO_IDLE_GAP_MS = 100;

/**
 * Calls `run` when the browser is idle (where it cannot tell, `sliceMs` is taken as the time remaining); returns how to
 * cancel it.
 */
export function whenIdle(run: (deadline: IdleDeadline) => void, sliceMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run);
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(() => run({ didTimeout: false, timeRemaining: () => sliceMs }), NO_IDLE_GAP_MS);
  return () => clearTimeout(timer);
}
