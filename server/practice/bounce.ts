/**
 * The bounce the practice server sends back when a message it accepted cannot be delivered (gone@, see
 * shared/practice/trouble.ts): a delivery status notification (RFC 3464) in a multipart/report (RFC 6522), from the
 * null sender, as Postfix's bounce daemon writes one: a notice for people, the report for programs (Final-Recipient,
 * Action, Status, Remote-MTA, Diagnostic-Code), and the returned message's header section.
 */
import { rfc5322Date } from '../../shared/smtp/date.js';

export interface BounceInput {
  /** The queue ids of the message bounced and of the bounce itself. */
  queueId: string;
  bounceId: string;
  /** The envelope sender the bounce goes to, and the recipients that failed with the reply each got. */
  sender: string;
  failed: readonly { address: string; host: string; reply: string }[];
  /** When the message arrived, and when it bounced. */
  arrived: Date;
  at: Date;
  /** The returned message's header section as stored (its trace lines first), without the empty line after it. */
  headers: string;
  /** The reporting server's name. */
  domain: string;
}

/** Folds a line longer than 78 characters at spaces, continuation lines indented (RFC 5322 §2.2.3). */
function fold(line: string, indent = '    '): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    const cut = rest.lastIndexOf(' ', 78);
    if (cut <= indent.length) break;
    out.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut + 1);
  }
  out.push(rest);
  return out.join('\r\n');
}

/** The bounce, with CRLF line ends, ready to store or show. */
export function bounceMessage(b: BounceInput): string {
  const boundary = `${b.queueId}.${Math.floor(b.at.getTime() / 1000)}/${b.domain}`;
  const notices = b.failed.map((f) => fold(`<${f.address}>: host ${f.host} said: ${f.reply} (in reply to RCPT TO command)`));
  const reports = b.failed.map((f) =>
    [
      `Final-Recipient: rfc822; ${f.address}`,
      `Original-Recipient: rfc822;${f.address}`,
      'Action: failed',
      `Status: ${/^\d{3} (\d\.\d{1,3}\.\d{1,3}) /.exec(f.reply)?.[1] ?? '5.0.0'}`,
      `Remote-MTA: dns; ${f.host.replace(/\[.*$/, '')}`,
      fold(`Diagnostic-Code: smtp; ${f.reply}`),
    ].join('\r\n'),
  );
  return [
    'Return-Path: <>',
    `Date: ${rfc5322Date(b.at)}`,
    `From: MAILER-DAEMON@${b.domain} (Mail Delivery System)`,
    'Subject: Undelivered Mail Returned to Sender',
    `To: ${b.sender}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    `Message-ID: <${b.bounceId}.${Math.floor(b.at.getTime() / 1000)}@${b.domain}>`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host ${b.domain}.`,
    '',
    'Your message could not be delivered to one or more of its recipients.',
    'The problem report is below, then the header of your message.',
    '',
    ...notices,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${b.domain}`,
    `X-Postfix-Queue-ID: ${b.queueId}`,
    `X-Postfix-Sender: rfc822; ${b.sender}`,
    `Arrival-Date: ${rfc5322Date(b.arrived)}`,
    '',
    reports.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    b.headers,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
