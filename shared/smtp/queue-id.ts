/**
 * The queue id in a server's reply to the final ".": the name the message goes by in that server's logs and queue,
 * and what an admin does next with a test message, to follow its delivery. Each server has its own form; these are
 * the forms of the recorded Postfix, Exim and OpenSMTPD dialogs (test/fixtures/real-mta) and the published ones of
 * Sendmail, Exchange / Microsoft 365, Gmail and Dovecot's LMTP (whose answer to "." is per recipient, RFC 2033), and
 * heloterm's own practice server's. Pure; data and one reader.
 */

export interface QueueId {
  /** The id as the server wrote it. */
  id: string;
  /** Whose form it has ("Postfix"). */
  server: string;
  /** How to follow the message with it on that server. */
  follow: string;
}

interface QueueIdForm {
  server: string;
  /** Matches the reply's text (after the enhanced code); its first group is the id. Case-sensitive, on fixed words. */
  pattern: RegExp;
  follow: (id: string) => string;
}

const FORMS: readonly QueueIdForm[] = [
  {
    // "250 2.0.0 Ok: queued as 3A0001 (practice message #1, delivered nowhere)": heloterm's practice server, in
    // Postfix's words (server/practice/practice-server.ts), before Postfix's own form
    server: 'the practice server',
    pattern: /^Ok: queued as ([0-9A-F]{6,8}) \(practice message #\d+\b/,
    follow: () => "/log shows it in the practice server's log, in Postfix's format, as grep on /var/log/mail.log would",
  },
  {
    // "250 2.0.0 Ok: queued as C883C174005" (Postfix smtpd.c)
    server: 'Postfix',
    pattern: /^Ok: queued as ([0-9A-Za-z]{6,20})\b/,
    follow: (id) => `grep ${id} /var/log/mail.log (or journalctl -u postfix) shows its delivery; postcat -q ${id} shows it while it is queued`,
  },
  {
    // "250 OK id=1xXYmQ-0003hk-2H" (Exim; 4.97 and later write longer ids, 1rNFX6-00000000Bbe-0K6S)
    server: 'Exim',
    pattern: /^OK id=([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\b/,
    follow: (id) => `exigrep ${id} /var/log/exim4/mainlog (or /var/log/exim/main.log) shows its delivery; exim -Mvh ${id} shows it while it is queued`,
  },
  {
    // "250 2.0.0 4713d3a7 Message accepted for delivery" (OpenSMTPD: the message id, 8 hex digits)
    server: 'OpenSMTPD',
    pattern: /^([0-9a-f]{8}) Message accepted for delivery\b/,
    follow: (id) => `grep ${id} /var/log/maillog shows its delivery (smtpd logs it as msgid=${id}); smtpctl show queue lists what is queued`,
  },
  {
    // "250 2.0.0 r9K3xKq7012345 Message accepted for delivery" (Sendmail: a 14-character queue id since 8.12)
    server: 'Sendmail',
    pattern: /^([0-9A-Za-z]{14}) Message accepted for delivery\b/,
    follow: (id) => `grep ${id} /var/log/maillog shows its delivery; mailq lists it while it is queued`,
  },
  {
    // "250 2.6.0 <a1b2@mx.example.org> [InternalId=123, Hostname=EX01] Queued mail for delivery" (Exchange, M365)
    server: 'Exchange / Microsoft 365',
    pattern: /^(<[^<>\s]{1,200}>) \[InternalId=\d+/,
    follow: (id) => `its Message-ID: Get-MessageTrackingLog -MessageId '${id}' on Exchange, or a message trace by Message-ID in the Exchange admin center (Microsoft 365)`,
  },
  {
    // "250 2.0.0 OK  1700000000 d2e1a72fcca58-6c3a1b2c3d4si123456pgb.123 - gsmtp" (Gmail: a time, then its reference)
    server: 'Gmail',
    pattern: /^OK\s+\d{9,11}\s+(\S{1,100})\s+-\s+gsmtp\b/,
    follow: (id) => `Google's reference for it (${id}): a Google Workspace admin finds the message with Email Log Search`,
  },
  {
    // "250 2.0.0 <bob@example.org> 8Iw+GvpN6V6qNQAAb9Y/Nw Saved" (Dovecot's LMTP, one per recipient: its session id)
    server: 'Dovecot LMTP',
    pattern: /^<[^<>\s]{1,200}> ([0-9A-Za-z+/]{22}) Saved\b/,
    follow: (id) => `stored in the mailbox: Dovecot logs the delivery under session ${id} (grep ${id} in its log, or journalctl -u dovecot)`,
  },
];

/** The queue id in the text of a reply to the final "." (its lines' texts joined with ' '), or null. */
export function readQueueId(text: string): QueueId | null {
  for (const f of FORMS) {
    const m = f.pattern.exec(text);
    if (m?.[1] !== undefined) return { id: m[1], server: f.server, follow: f.follow(m[1]) };
  }
  return null;
}
