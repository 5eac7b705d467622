/**
 * `/log`: the page's record of its last connection to the practice server, shown as the server's log has it, for a
 * trainee to practise reading /var/log/mail.log: its SMTP side in the format of Postfix's smtpd
 * (shared/practice/server-log.ts), its LMTP side in Dovecot's (lmtp-log.ts). Kept from what the page saw (the
 * connection, each exchange, the Message-ID of a message written, the messages stored, the close), on the page's clock.
 */
import { practiceLmtpLog } from '../../shared/practice/lmtp-log.js';
import { practiceServerLog, type LogEntry } from '../../shared/practice/server-log.js';
import type { PracticeInfo, StoredMessage } from '../../shared/protocol/messages.js';
import { showControls } from '../../shared/smtp/escape.js';
import type { Exchange, SentKind } from '../../shared/smtp/session-state.js';
import { EOL, SGR, formatNote, paint } from '../terminal/render.js';

/** Replies kept of a connection to the practice server for `/log` (a flood keeps no more). */
const MAX_TRAIL_ENTRIES = 2000;
/** A message's Message-ID header field, as a line of its text: what Dovecot logs of it (at most 200 characters). */
const MESSAGE_ID = /^Message-ID:[ \t]*(<[^>\s]{1,198}>)[ \t]*$/i;

/** What `/log` shows: the terminal's text, and the log's lines to explain after it (null when there is no log). */
export interface TrailShown {
  text: string;
  lines: string[] | null;
}

const epoch = (at: number): number => performance.timeOrigin + at;

export class PracticeTrail {
  /**
   * The last connection to the practice server: its side (SMTP, with or without TLS first, or LMTP), its entries (times
   * epoch ms), `open` while it lasts.
   */
  private trail: { side: 'smtp' | 'lmtp'; entries: LogEntry[]; open: boolean; n: number } | null = null;
  private connections = 0;
  /** The message text written next is a header section's (until its empty line): a command came before it. */
  private inHeader = true;

  /**
   * A connection was made to `address` port `port`, at `at` (performance.now()). By the address dialled: `telnet
   * localhost <port>` reaches the practice server too, and /log follows it (on its port with TLS first too: the same
   * smtpd behind another listener, as Postfix's smtps service is).
   */
  connected(practice: PracticeInfo | null, address: string, port: number, at: number): void {
    const side = practice === null || address !== practice.host ? null : port === practice.port || port === practice.tlsPort ? 'smtp' : port === practice.lmtpPort ? 'lmtp' : null;
    if (side !== null) {
      this.trail = { side, entries: [{ kind: 'connect', at: epoch(at) }], open: true, n: ++this.connections };
      return;
    }
    if (this.trail !== null) this.trail.open = false;
  }

  /** A line written to the server: the Message-ID field of a message's header section is kept (Dovecot logs it). */
  written(text: string, kind: SentKind): void {
    if (kind !== 'message-text') {
      this.inHeader = true;
      return;
    }
    if (text === '') this.inHeader = false;
    if (!this.inHeader || this.trail?.open !== true || this.trail.entries.length >= MAX_TRAIL_ENTRIES) return;
    const id = MESSAGE_ID.exec(text)?.[1];
    if (id !== undefined) this.trail.entries.push({ kind: 'msgid', id });
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

  /** `/log`: the last connection to the practice server as its log has it, in Postfix's format (Dovecot's for LMTP). */
  show(practice: PracticeInfo | null): TrailShown {
    const trail = this.trail;
    if (trail === null || practice === null) {
      return { text: formatNote('/log shows your last connection to the practice server as its log has it: connect to it first'), lines: null };
    }
    // The bridge reaches the practice server over loopback; each connection is a process of its own (smtpd, lmtp).
    const lmtp = trail.side === 'lmtp';
    const lines = lmtp ? practiceLmtpLog(trail.entries, practice.host, 3000 + trail.n) : practiceServerLog(trail.entries, `localhost[${practice.host}]`, 2000 + trail.n, trail.n);
    const which = `${trail.open ? 'connection, so far' : 'last connection'}${lmtp ? ', to its LMTP side' : ''}`;
    const text =
      formatNote(`the practice server's log of your ${which}, in the format of ${lmtp ? "Dovecot's LMTP, the mailboxes' server" : "Postfix's smtpd"} (as in /var/log/mail.log):`) +
      lines.map((l) => paint(SGR.dim, `   ${showControls(l)}`) + EOL).join('');
    return { text, lines };
  }
}
