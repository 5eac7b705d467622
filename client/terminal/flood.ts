/**
 * Replies faster than anyone can read: a flood. A server (or a pasted pipeline of thousands of commands) can send
 * tens of thousands of replies a second; an annotation line under each would triple what the terminal must draw,
 * push the replies themselves out of the scrollback, and still be unread. So, like syslog's "last message repeated
 * N times", the terminal annotates replies one by one up to a budget (a token bucket: FLOOD_BURST_REPLIES at once,
 * refilled at FLOOD_REPLIES_PER_SECOND), and beyond it shows the replies with their coloured, hoverable codes and,
 * once the flood is over, one summary line with a count per code. The reply log still explains the newest replies.
 *
 * Pure (the clock is passed in), so the rule is tested without a browser.
 */
import { formatFloodSummary } from './render-replies.js';

/** Replies annotated one by one in a row before a flood is declared: a pasted pipeline of this many is shown whole. */
export const FLOOD_BURST_REPLIES = 100;
/** Replies per second the budget refills by: more than a person reads. */
export const FLOOD_REPLIES_PER_SECOND = 20;
/** A flood is over after this long without a reply, in ms; then its summary is written. */
export const FLOOD_QUIET_MS = 500;

export interface FloodSummary {
  replies: number;
  ms: number;
  /** Reply code -> how many, in order of first appearance. */
  byCode: Map<number, number>;
}

export class FloodGate {
  private tokens = FLOOD_BURST_REPLIES;
  private refilledAt: number | null = null;
  private flood: FloodSummary | null = null;
  private floodStart = 0;
  private lastReply = 0;
  /** Floods ended so far, and the replies they counted (for the page's test hook). */
  floods = 0;
  counted = 0;

  /** Whether the reply with `code`, arriving at `now` (ms), is annotated one by one (else it is counted). */
  admit(code: number, now: number): boolean {
    if (this.refilledAt !== null) {
      this.tokens = Math.min(FLOOD_BURST_REPLIES, this.tokens + ((now - this.refilledAt) / 1000) * FLOOD_REPLIES_PER_SECOND);
    }
    this.refilledAt = now;
    this.lastReply = now;
    if (this.flood === null && this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (this.flood === null) {
      this.flood = { replies: 0, ms: 0, byCode: new Map() };
      this.floodStart = now;
    }
    this.flood.replies++;
    this.flood.byCode.set(code, (this.flood.byCode.get(code) ?? 0) + 1);
    return false;
  }

  /** A flood is being counted. */
  get flooding(): boolean {
    return this.flood !== null;
  }

  /** Ends the flood, if any, and gives its summary (null when there was none). */
  end(): FloodSummary | null {
    const f = this.flood;
    if (f === null) return null;
    this.flood = null;
    f.ms = this.lastReply - this.floodStart;
    this.floods++;
    this.counted += f.replies;
    return f;
  }
}

/** The terminal text that closes a flood ('' when there was none). */
export function endFlood(gate: FloodGate): string {
  const s = gate.end();
  return s === null ? '' : formatFloodSummary(s);
}
