/**
 * The bridge's resource store (server/disposable.ts): everything registered is freed once, newest first (a TLS
 * socket before the TCP socket under it), a failing cleanup does not keep the others from running, and whatever is
 * registered after disposal is freed at once.
 */
import { describe, expect, it } from 'vitest';
import { DisposableStore, timeout } from '../../server/disposable.js';

describe('DisposableStore', () => {
  it('frees everything once, newest first, even when a cleanup throws', () => {
    const store = new DisposableStore();
    const order: string[] = [];
    store.defer(() => order.push('tcp'));
    store.defer(() => {
      order.push('throws');
      throw new Error('cleanup failed');
    });
    store.add({ dispose: () => order.push('tls') });
    expect(store.isDisposed).toBe(false);
    store.dispose();
    store.dispose();
    expect(order).toEqual(['tls', 'throws', 'tcp']);
    expect(store.isDisposed).toBe(true);
  });

  it('frees at once what is registered after disposal', () => {
    const store = new DisposableStore();
    store.dispose();
    let freed = 0;
    store.defer(() => freed++);
    expect(freed).toBe(1);
    store.dispose();
    expect(freed).toBe(1);
  });

  it('clears its timers', async () => {
    const store = new DisposableStore();
    let fired = false;
    timeout(store, 5, () => (fired = true));
    store.dispose();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(false);
  });
});
