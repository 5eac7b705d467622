/**
 * Optional limits on what a session may send, for public deployments (a bridge on the internet must not become a
 * spam relay): stop before DATA, cap recipients, cap commands a minute. Pure (the clock is injected).
 *
 * Limits count per WebSocket session, across its SMTP connections, so reconnecting does not reset them. Message
 * text (lines after a 354) is not a command and is not counted.
 */
import type { SentKind } from '../shared/smtp/session-state.js';

/** The window of the command rate limit, in ms (RFC-free: "per minute" as configured). */
export const RATE_WINDOW_MS = 60_000;

export interface LineLimits {
  /** Refuse DATA and BDAT (RFC 3030): a message can never be sent. */
  noData: boolean;
  /** Most RCPT commands per session, or null for no limit. */
  maxRecipients: number | null;
  /** Most commands per minute, or null for no limit. */
  maxCommandsPerMinute: number | null;
}

export const NO_LINE_LIMITS: LineLimits = { noData: false, maxRecipients: null, maxCommandsPerMinute: null };

/** Whether any limit is set: without one there is nothing to check or count, and no limiter is needed. */
export function hasLineLimits(limits: LineLimits): boolean {
  return limits.noData || limits.maxRecipients !== null || limits.maxCommandsPerMinute !== null;
}

export type LineRule = 'no-data' | 'max-recipients' | 'rate';

export interface LineRefusal {
  rule: LineRule;
  message: string;
}

/** The verb of a command line, upper case ("" when there is none). */
function verbOf(line: string): string {
  const t = line.trimStart();
  const sp = t.search(/\s/);
  return (sp === -1 ? t : t.slice(0, sp)).toUpperCase();
}

export class LineLimiter {
  private recipients = 0;
  /** Times of the commands in the current window, oldest first; never longer than the rate limit. */
  private readonly recent: number[] = [];

  constructor(
    private readonly limits: LineLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks a line about to be sent as `kind`; counts it when allowed. Null when allowed. */
  check(line: string, kind: SentKind): LineRefusal | null {
    if (kind === 'message-text' || kind === 'end-of-data') return null;
    const verb = kind === 'command' ? verbOf(line) : '';
    const { noData, maxRecipients, maxCommandsPerMinute } = this.limits;
    if (noData && (verb === 'DATA' || verb === 'BDAT')) {
      return { rule: 'no-data', message: `${verb} is disabled on this bridge: it stops before the message (nothing was sent)` };
    }
    if (maxRecipients !== null && verb === 'RCPT' && this.recipients >= maxRecipients) {
      return { rule: 'max-recipients', message: `at most ${maxRecipients} recipients (RCPT TO) per session on this bridge (nothing was sent)` };
    }
    if (maxCommandsPerMinute !== null) {
      const t = this.now();
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= t - RATE_WINDOW_MS) this.recent.shift();
      if (this.recent.length >= maxCommandsPerMinute) {
        const wait = Math.ceil(((this.recent[0] ?? t) + RATE_WINDOW_MS - t) / 1000);
        return { rule: 'rate', message: `at most ${maxCommandsPerMinute} commands a minute on this bridge: wait ${wait} s (nothing was sent)` };
      }
      this.recent.push(t);
    }
    if (verb === 'RCPT') this.recipients++;
    return null;
  }
}
