/**
 * The page's flood gate (flood.ts) with the one timer that ends a flood: once no reply has come for FLOOD_QUIET_MS,
 * the flood's summary is written. Not one timer per reply of a flood: one per lull.
 */
import { FLOOD_QUIET_MS, FloodGate, endFlood } from './flood.js';

/**
 * A timer this much later than asked means the page was busy (drawing a flood on a loaded machine): replies may be
 * waiting to be read behind it, so the lull is looked at again shortly, not taken as the flood's end.
 */
const LATE_MS = 100;
/** How soon a late timer looks again, in ms. */
const AGAIN_MS = 20;

export class FloodWatch {
  private readonly gate = new FloodGate();
  /** When the newest reply of the flood came. */
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer is due (performance.now()). */
  private due = 0;

  /** `write`: where the summary goes (the terminal); `now`: the clock (performance.now(), a test's own). */
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether the reply with `code`, arriving at `now` (performance.now()), is annotated (else it is counted). */
  admit(code: number, now: number): boolean {
    if (this.gate.admit(code, now)) return true;
    this.last = now;
    if (this.timer === null) this.wait(FLOOD_QUIET_MS);
    return false;
  }

  private wait(ms: number): void {
    this.due = this.now() + ms;
    this.timer = setTimeout(this.onTimer, ms);
  }

  /** A flood is being counted. */
  get flooding(): boolean {
    return this.gate.flooding;
  }

  /** Floods ended so far, and the replies they counted (each shown in its summary). */
  get ended(): { floods: number; replies: number } {
    return { floods: this.gate.floods, replies: this.gate.counted };
  }

  /** Writes the summary of a flood that is going on, if any (before anything else is written). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.write(endFlood(this.gate));
  }

  private readonly onTimer = (): void => {
    const now = this.now();
    const quiet = now - this.last;
    if (now - this.due > LATE_MS) this.wait(AGAIN_MS);
    else if (quiet >= FLOOD_QUIET_MS) this.close();
    else this.wait(FLOOD_QUIET_MS - quiet);
  };
}
