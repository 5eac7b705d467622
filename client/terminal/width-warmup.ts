/**
 * xterm's DOM renderer measures how wide a character is drawn the first time a row shows it, once per font variant
 * (its WidthCache: a span of the character, and a forced layout to read its width). At the start of a reply burst
 * the page met about 30 characters it had not shown yet, measured between the rows of the burst's first frames
 * (175–310 ms after it began), each measurement laying out the rows drawn before it: 28–95 ms of those frames on a
 * slow machine, when the first keys typed in a burst waited longest (docs/benchmarks.md, reply burst). So once the
 * page has loaded it measures, in idle time and a few at a time, the characters it shows most: printable ASCII and
 * its own marks, in the variants it writes them in.
 *
 * xterm offers no way to do this: the cache is reached inside xterm (6.0), and where it is not found nothing is done,
 * characters are measured when first shown as before (the end-to-end test of the warm-up then fails).
 */
import type { Terminal } from '@xterm/xterm';
import { WAIT_MARK } from '../../shared/smtp/timing.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { SECRET_MARK } from '../../shared/smtp/transcript.js';
import { whenIdle } from './idle.js';

/** Marks the page's own lines use besides ASCII (render*.ts, the knowledge base's findings and notes). */
const MARKS = `${ANNOTATION_MARK}${WAIT_MARK}${SECRET_MARK}⋯…·§→–—✓✗│▶↺‹›×✎⚑★⏎`;

/** The characters measured ahead: printable ASCII, then the page's marks. */
export const WARM_CHARACTERS: readonly string[] = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...Array.from(MARKS),
];

/**
 * The variants measured ahead, [bold, italic], most shown first: replies and annotations are regular, lines sent and
 * lessons' steps bold, notes and the coach's hints italic.
 */
const VARIANTS: readonly (readonly [boolean, boolean])[] = [
  [false, false],
  [true, false],
  [false, true],
];

interface WidthCache {
  get(chars: string, bold: boolean, italic: boolean): number;
}

/** `obj[key]` when `obj` is an object, else undefined. */
function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The DOM renderer's width cache, where xterm 6.0 keeps it; null elsewhere (another renderer, another version). */
export function widthCacheOf(term: Terminal): WidthCache | null {
  const renderer = field(field(field(field(term, '_core'), '_renderService'), '_renderer'), 'value');
  const cache = field(renderer, '_widthCache');
  return typeof field(cache, 'get') === 'function' ? (cache as WidthCache) : null;
}

/**
 * Idle time spent measuring at most at once, in ms (about a frame), so that a key typed meanwhile waits no longer: the
 * whole warm-up took about 80 ms of a slow machine's time, done about 200 ms after the app started.
 */
const SLICE_MS = 16;

/**
 * Measures WARM_CHARACTERS in each variant in idle time, a slice at a time, and calls `done` when all are measured
 * (never when the cache is not found). Returns a function that stops it.
 */
export function warmWidths(term: Terminal, done: () => void): () => void {
  const cache = widthCacheOf(term);
  if (cache === null) return () => {};
  let next = 0;
  const total = WARM_CHARACTERS.length * VARIANTS.length;
  let cancel: () => void;
  const step = (deadline: IdleDeadline): void => {
    const until = performance.now() + Math.min(SLICE_MS, deadline.timeRemaining());
    do {
      const [bold, italic] = VARIANTS[Math.floor(next / WARM_CHARACTERS.length)] as readonly [boolean, boolean];
      cache.get(WARM_CHARACTERS[next % WARM_CHARACTERS.length] as string, bold, italic);
      next++;
    } while (next < total && performance.now() < until);
    if (next < total) cancel = whenIdle(step, SLICE_MS);
    else done();
  };
  cancel = whenIdle(step, SLICE_MS);
  return () => cancel();
}
