/**
 * The page's flood gate (flood.ts) with the one timer that ends a flood: once no reply has come for FLOOD_QUIET_MS,
 * the flood's summary is written. Not one timer per reply of a flood: one per lull.
 */
import { FLOOD_QUIET_MS, FloodGate, endFlood } from './flood.js';

export class FloodWatch {
  private readonly gate = new FloodGate();
  /** When the newest reply of the flood came. */
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `write`: where the summary goes (the terminal). */
  constructor(private readonly write: (text: string) => void) {}

  /** Whether the reply with `code`, arriving at `now` (performance.now()), is annotated (else it is counted). */
  admit(code: number, now: number): boolean {
    if (this.gate.admit(code, now)) return true;
    this.last = now;
    this.timer ??= setTimeout(this.onTimer, FLOOD_QUIET_MS);
    return false;
  }

  /** A flood is being counted. */
  get flooding(): boolean {
    return this.gate.flooding;
  }

  /** Writes the summary of a flood that is going on, if any (before anything else is written). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.write(endFlood(this.gate));
  }

  private readonly onTimer = (): void => {
    const quiet = performance.now() - this.last;
    if (quiet >= FLOOD_QUIET_MS) this.close();
    else this.timer = setTimeout(this.onTimer, FLOOD_QUIET_MS - quiet);
  };
}
