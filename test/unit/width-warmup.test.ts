/**
 * The warm-up of xterm's width cache (client/terminal/width-warmup.ts), against a stand-in for the cache: where xterm
 * keeps it, what it measures and in what order, and that it does nothing where the cache is not found. That the real
 * cache is found and warmed is the end-to-end test's (test/e2e/real-world.test.ts).
 */
import type { Terminal } from '@xterm/xterm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idleByHand } from '../helpers/idle.js';
import { WARM_CHARACTERS, warmWidths, widthCacheOf } from '../../client/terminal/width-warmup.js';

/** A terminal whose DOM renderer's width cache records what it is asked. */
function terminalWithCache(asked: string[]): Terminal {
  const cache = { get: (chars: string, bold: boolean, italic: boolean) => asked.push(`${bold ? 'B' : ''}${italic ? 'I' : ''}${chars}`) };
  return { _core: { _renderService: { _renderer: { value: { _widthCache: cache } } } } } as unknown as Terminal;
}

afterEach(() => vi.unstubAllGlobals());

describe('width cache warm-up', () => {
  it('finds the cache where xterm 6 keeps it, and nothing elsewhere', () => {
    expect(widthCacheOf(terminalWithCache([]))).not.toBeNull();
    expect(widthCacheOf({} as Terminal)).toBeNull();
    expect(widthCacheOf({ _core: { _renderService: { _renderer: { value: { _widthCache: {} } } } } } as unknown as Terminal)).toBeNull();
    expect(widthCacheOf({ _core: null } as unknown as Terminal)).toBeNull();
  });

  it('measures printable ASCII and the marks, regular first, then bold, then italic, and says when done', () => {
    const idle = idleByHand();
    const asked: string[] = [];
    let done = 0;
    warmWidths(terminalWithCache(asked), () => done++);
    // With no idle time left, one character a callback: each asks for the next.
    expect(idle.run(0)).toBe(true);
    expect(asked).toEqual([' ']);
    expect(idle.pending()).toBe(1);
    let callbacks = 1;
    while (idle.run(0)) callbacks++;
    expect(done).toBe(1);
    expect(callbacks).toBe(3 * WARM_CHARACTERS.length);
    const n = WARM_CHARACTERS.length;
    expect(asked.slice(0, n)).toEqual(WARM_CHARACTERS);
    expect(asked.slice(n, 2 * n)).toEqual(WARM_CHARACTERS.map((c) => `B${c}`));
    expect(asked.slice(2 * n)).toEqual(WARM_CHARACTERS.map((c) => `I${c}`));
    expect(WARM_CHARACTERS).toContain('~');
    expect(WARM_CHARACTERS).toContain('↳');
  });

  it('does nothing, and never says done, where the cache is not found; stops when told', () => {
    const idle = idleByHand();
    let done = 0;
    warmWidths({} as Terminal, () => done++)();
    expect(idle.pending()).toBe(0);
    const asked: string[] = [];
    const stop = warmWidths(terminalWithCache(asked), () => done++);
    stop();
    expect(idle.run(50)).toBe(false);
    expect(asked).toEqual([]);
    expect(done).toBe(0);
  });
});
