/**
 * Resource ownership, in the manner of xterm.js's Lifecycle.ts: whatever a session opens (sockets, timers, listeners)
 * is registered in one store, and disposing the store frees all of it, newest first, exactly once.
 */

export interface Disposable {
  dispose(): void;
}

export class DisposableStore implements Disposable {
  /**
   * Replaced, not pushed to: a store takes a handful of items, once, and push would give the array room for 17 (152
   * bytes); every session keeps two stores, and thousands of sessions may be idle.
   */
  private items: readonly Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers a resource (or a cleanup function). Registering into a disposed store disposes it at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items = this.items.concat([item]);
    return item;
  }

  /** Registers a cleanup function. */
  defer(fn: () => void): Disposable {
    return this.add({ dispose: fn });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Newest first: a TLS socket goes before the TCP socket under it.
    const items = this.items;
    this.items = [];
    for (let i = items.length - 1; i >= 0; i--) {
      try {
        items[i]?.dispose();
      } catch {
        // One failing cleanup must not keep the others from running.
      }
    }
  }
}

/** A timer owned by a store. */
export function timeout(store: DisposableStore, ms: number, fn: () => void): Disposable {
  const t = setTimeout(fn, ms);
  return store.defer(() => clearTimeout(t));
}
