/**
 * The page's contact with the bridge: whether it was ever made, and, once lost, the quiet tries to reach the bridge
 * again by itself, a few times with growing gaps (a restart takes seconds; a laptop that slept, longer), so that
 * lookups work again without Connect. The SMTP connection is never dialled again unasked (app.ts decides that).
 */

/** Gaps between the tries to reach a lost bridge again, in seconds; the last repeats, up to the most tries. */
const REACH_AGAIN_GAPS_S = [1, 2, 4, 8, 15, 30] as const;
const REACH_AGAIN_MAX_GAP_S = 30;
/** Tries in all (about eight minutes): a bridge gone longer is reached by Connect. */
const REACH_AGAIN_MAX_ATTEMPTS = 20;

export class BridgeReach {
  /** The page's WebSocket has opened at least once. */
  private everOpen = false;
  /** The bridge has said hello to this page: reaching it after that is reaching it again. */
  private helloed = false;
  /** The bridge has said hello on the WebSocket open now: what it says of itself (the practice server's port) is known. */
  private greeted = false;
  /** Contact was lost after it had been made, and the bridge has not said hello since. */
  private lostContact = false;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `open`: opens the page's WebSocket (again). */
  constructor(private readonly open: () => void) {}

  get reached(): boolean {
    return this.helloed;
  }

  /**
   * Whether the page may dial: the bridge said hello on the WebSocket open now. Between a WebSocket opening and its
   * hello, a target in the form may be stale (a restarted bridge's practice server listens on another port).
   */
  get ready(): boolean {
    return this.greeted;
  }

  get wasOpen(): boolean {
    return this.everOpen;
  }

  get lost(): boolean {
    return this.lostContact;
  }

  opened(): void {
    this.everOpen = true;
    this.greeted = false;
  }

  /** The bridge said hello: whether contact had been lost before (`back`), and whether it is its first (`first`). */
  hello(): { back: boolean; first: boolean } {
    const said = { back: this.lostContact, first: !this.helloed };
    this.lostContact = false;
    this.helloed = true;
    this.greeted = true;
    this.attempts = 0;
    clearTimeout(this.timer);
    return said;
  }

  /** The WebSocket went down: after contact, the bridge is tried again later (a try that fails comes back here). */
  down(): void {
    this.greeted = false;
    if (!this.everOpen) return;
    this.lostContact = true;
    clearTimeout(this.timer);
    if (this.attempts >= REACH_AGAIN_MAX_ATTEMPTS) return;
    const gap = REACH_AGAIN_GAPS_S[Math.min(this.attempts, REACH_AGAIN_GAPS_S.length - 1)] ?? REACH_AGAIN_MAX_GAP_S;
    this.attempts++;
    // Spread over ±20 %: the pages of a class do not all knock at the same moment.
    this.timer = setTimeout(this.open, gap * 1000 * (0.8 + Math.random() * 0.4));
  }
}
