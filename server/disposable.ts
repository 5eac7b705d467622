/**
 * Resource ownership, in the manner of xterm.js's Lifecycle.ts: whatever a session opens (sockets, timers, listeners)
 * is registered in one store, and disposing the store frees all of it, newest first, exactly once.
 */

export interface Disposable {
  dispose(): void;
}

export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers a resource (or a cleanup function). Registering into a disposed store disposes it at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
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
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
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
