/**
 * The browser's idle callbacks, run by hand in unit tests of work done in idle time (client/terminal/idle.ts): each
 * callback is given `ms` of idle time. Stubs requestIdleCallback and cancelIdleCallback (vi.unstubAllGlobals() undoes
 * it).
 */
import { vi } from 'vitest';

export function idleByHand(): { run(ms: number): boolean; pending(): number } {
  const queue: IdleRequestCallback[] = [];
  vi.stubGlobal('requestIdleCallback', (cb: IdleRequestCallback) => queue.push(cb));
  vi.stubGlobal('cancelIdleCallback', () => queue.splice(0));
  return {
    run(ms) {
      const cb = queue.shift();
      cb?.({ didTimeout: false, timeRemaining: () => ms });
      return cb !== undefined;
    },
    pending: () => queue.length,
  };
}
