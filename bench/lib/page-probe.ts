/**
 * The instrumentation both benchmark pages get before any of their own scripts run (Playwright addInitScript), so
 * heloterm's page and the bare page are measured the same way. It only observes:
 *   - `firstPaint(needle)`: the time (ms since navigation start, performance.now()) at which xterm's rows on screen
 *     first contain `needle`: a MutationObserver on the document sees xterm's DOM renderer write the row, in the
 *     animation frame that paints it, and reported at once through the `__benchPainted` binding when the harness
 *     exposed one (so that nothing polls the page while it loads);
 *   - `wsTimes`: when the page's WebSocket opened, and when a frame containing a watched text first arrived
 *     (the WebSocket constructor is wrapped; the page's own listeners run unchanged);
 *   - input probes: every key typed while `probing` is on is timed from its keydown (event.timeStamp) until the
 *     typed text shows in xterm's rows (local echo).
 * This file is serialised into the page: it must not close over anything.
 */

export interface ProbeState {
  /** needle -> time it was first painted */
  painted: Record<string, number>;
  /** needle -> time a WebSocket frame containing it first arrived */
  received: Record<string, number>;
  wsOpen: number | null;
  probing: boolean;
  /** the text typed so far while probing (the input line shows it) */
  typed: string;
  pending: { expect: string; t0: number }[];
  latencies: number[];
}

export interface BenchWindow {
  __bench: { state: ProbeState; watch(needles: string[]): void; startProbing(prefix: string): void };
  /** Exposed by the harness (Playwright exposeFunction) before the page loads: told when a needle is painted. */
  __benchPainted?: (needle: string, at: number) => void;
}

/** The name of the binding in BenchWindow. */
export const PAINTED_BINDING = '__benchPainted';

export function installProbe(initialNeedles: string[]): void {
  const state: ProbeState = { painted: {}, received: {}, wsOpen: null, probing: false, typed: '', pending: [], latencies: [] };
  let needles: string[] = [...initialNeedles];
  const check = (): void => {
    const rows = document.querySelector('.xterm-rows');
    if (rows === null) return;
    if (needles.length === 0 && state.pending.length === 0) return;
    const text = rows.textContent ?? '';
    const now = performance.now();
    needles = needles.filter((n) => {
      if (!text.includes(n)) return true;
      state.painted[n] = now;
      void (window as unknown as BenchWindow).__benchPainted?.(n, now);
      return false;
    });
    while (state.pending.length > 0) {
      const p = state.pending[0];
      if (p === undefined || !text.includes(p.expect)) break;
      state.latencies.push(now - p.t0);
      state.pending.shift();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });

  const Native = window.WebSocket;
  const watched: string[] = [...initialNeedles];
  class Watched extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => (state.wsOpen ??= performance.now()));
      this.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (typeof e.data !== 'string') return;
        for (const w of watched) if (state.received[w] === undefined && e.data.includes(w)) state.received[w] = performance.now();
      });
    }
  }
  window.WebSocket = Watched;

  window.addEventListener(
    'keydown',
    (e) => {
      if (!state.probing || e.key.length !== 1) return;
      state.typed += e.key;
      state.pending.push({ expect: state.typed, t0: e.timeStamp });
    },
    true,
  );

  const api: BenchWindow['__bench'] = {
    state,
    watch(list: string[]): void {
      for (const n of list) {
        needles.push(n);
        watched.push(n);
      }
      check();
    },
    startProbing(prefix: string): void {
      state.typed = prefix;
      state.probing = true;
    },
  };
  Object.defineProperty(window, '__bench', { value: api });
}
