/**
 * `/log`: the page's record of its last connection to the practice server, shown as the server's log has it in the
 * format of Postfix's smtpd (shared/practice/server-log.ts) for a trainee to practise reading /var/log/mail.log. Kept
 * from what the page saw (the connection, each exchange, the messages stored, the close), on the page's clock.
 */
import { practiceServerLog, type LogEntry } from '../../shared/practice/server-log.js';
import type { PracticeInfo, StoredMessage } from '../../shared/protocol/messages.js';
import { showControls } from '../../shared/smtp/escape.js';
import type { Exchange } from '../../shared/smtp/session.js';
import { EOL, SGR, formatNote, paint } from '../terminal/render.js';

/** Replies kept of a connection to the practice server for `/log` (a flood keeps no more). */
const MAX_TRAIL_ENTRIES = 2000;

/** What `/log` shows: the terminal's text, and the log's lines to explain after it (null when there is no log). */
export interface TrailShown {
  text: string;
  lines: string[] | null;
}

const epoch = (at: number): number => performance.timeOrigin + at;

export class PracticeTrail {
  /** The last connection to the practice server's SMTP side: its entries (times epoch ms), `open` while it lasts. */
  private trail: { entries: LogEntry[]; open: boolean; n: number } | null = null;
  /** The practice server's side connected to last (null before the first): /log follows its SMTP side alone. */
  private lastSide: 'smtp' | 'lmtp' | null = null;
  private connections = 0;

  /**
   * A connection was made to `address` port `port`, at `at` (performance.now()). By the address dialled: `telnet
   * localhost <port>` reaches the practice server too, and /log follows it (on its port with TLS first too: the same
   * smtpd behind another listener, as Postfix's smtps service is).
   */
  connected(practice: PracticeInfo | null, address: string, port: number, at: number): void {
    if (practice !== null && address === practice.host && (port === practice.port || port === practice.tlsPort)) {
      this.trail = { entries: [{ kind: 'connect', at: epoch(at) }], open: true, n: ++this.connections };
      this.lastSide = 'smtp';
      return;
    }
    if (this.trail !== null) this.trail.open = false;
    if (practice !== null && address === practice.host && port === practice.lmtpPort) this.lastSide = 'lmtp';
  }

  exchange(ex: Exchange, at: number): void {
    if (this.trail?.open === true && this.trail.entries.length < MAX_TRAIL_ENTRIES) this.trail.entries.push({ kind: 'exchange', ex, at: epoch(at) });
  }

  stored(m: StoredMessage): void {
    if (this.trail?.open !== true) return;
    const reports = (m.reports ?? []).map((r) => ({ action: r.action, recipients: r.recipients, n: r.n }));
    this.trail.entries.push({ kind: 'stored', n: m.n, ...(reports.length === 0 ? {} : { reports }) });
  }

  closed(at: number): void {
    if (this.trail?.open !== true) return;
    this.trail.entries.push({ kind: 'close', at: epoch(at) });
    this.trail.open = false;
  }

  /** `/log`: the last connection to the practice server as its log has it, in Postfix's format. */
  show(practice: PracticeInfo | null): TrailShown {
    // Its LMTP side keeps no log of its own here: /log says so rather than show an older SMTP connection as the last.
    const afterLmtp = this.lastSide === 'lmtp';
    const lmtpNote = afterLmtp ? formatNote("/log follows the practice server's SMTP side, logged as Postfix's smtpd logs it; its LMTP side, where you were last, keeps no log here") : '';
    const trail = this.trail;
    if (trail === null || practice === null) {
      return { text: lmtpNote || formatNote('/log shows your last connection to the practice server as its log has it: connect to it first'), lines: null };
    }
    // The bridge reaches the practice server over loopback; each connection is an smtpd process of its own.
    const lines = practiceServerLog(trail.entries, `localhost[${practice.host}]`, 2000 + trail.n, trail.n);
    const which = trail.open ? 'connection, so far' : afterLmtp ? 'last connection to its SMTP side' : 'last connection';
    const text =
      lmtpNote +
      formatNote(`the practice server's log of your ${which}, in the format of Postfix's smtpd (as in /var/log/mail.log):`) +
      lines.map((l) => paint(SGR.dim, `   ${showControls(l)}`) + EOL).join('');
    return { text, lines };
  }
}
