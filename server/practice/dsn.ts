/**
 * The delivery status notifications (RFC 3464) the practice server sends back to a message's envelope sender: a
 * bounce when a delivery it accepted fails behind it (gone@, see shared/practice/trouble.ts), and a delivery report
 * when a recipient asked for one with NOTIFY=SUCCESS (RFC 3461 §4.1). Each is a multipart/report (RFC 6522), from the
 * null sender, as Postfix's bounce daemon writes one: a notice for people, the report for programs (Final-Recipient,
 * Action, Status, and for a failure Remote-MTA and Diagnostic-Code), and the message's header section (RET=HDRS, the
 * default) or the whole message (RET=FULL).
 */
import { rfc5322Date } from '../../shared/smtp/date.js';

export interface ReportRecipient {
  address: string;
  /** The ORCPT the client gave ("rfc822;bob@example.org"), if any. */
  orcpt?: string;
  /** For a failure: the server that refused it and its reply. */
  failure?: { host: string; reply: string };
}

export interface ReportInput {
  action: 'failed' | 'delivered';
  /** The queue ids of the message reported on and of the report itself. */
  queueId: string;
  reportId: string;
  /** The envelope sender the report goes to, with MAIL FROM's RET= and ENVID= (RFC 3461 §4.3, §4.4). */
  sender: string;
  ret?: string;
  envid?: string;
  recipients: readonly ReportRecipient[];
  /** When the message arrived, and when the report was written. */
  arrived: Date;
  at: Date;
  /** The message as stored (its trace lines first). */
  original: string;
  /** The reporting server's name. */
  domain: string;
}

/** A recipient as the envelope holds it (smtp-server's shape): its address and DSN parameters (RFC 3461 §4). */
export interface EnvelopeRecipient {
  address: string;
  dsn?: { notify?: string[]; orcpt?: string };
}

/** A report a message's deliveries call for: to be written for `listed`, or not sent, and why. */
export type PlannedReport =
  | { action: 'failed' | 'delivered'; recipients: string[]; listed: ReportRecipient[] }
  | { action: 'failed' | 'delivered'; recipients: string[]; unsent: 'null-sender' | 'notify' };

/**
 * What a message's deliveries report to its sender (RFC 3461 §4.1): the failures (`failure` says for which recipients,
 * and the server and reply that refused them) unless their NOTIFY= leaves FAILURE out, the deliveries whose NOTIFY=
 * asks for SUCCESS; nothing to the null sender. In order: failures, then deliveries.
 */
export function plannedReports(rcpts: readonly EnvelopeRecipient[], from: string, failure: (address: string) => { host: string; reply: string } | null): PlannedReport[] {
  const out: PlannedReport[] = [];
  for (const action of ['failed', 'delivered'] as const) {
    const these = rcpts.filter((r) => (failure(r.address) !== null) === (action === 'failed'));
    const wanted = these.filter((r) => {
      const notify = r.dsn?.notify?.map((v) => v.toUpperCase());
      // Without NOTIFY=, a server reports failures only (RFC 3461 §4.1).
      return notify === undefined ? action === 'failed' : notify.includes(action === 'failed' ? 'FAILURE' : 'SUCCESS');
    });
    if (action === 'failed' && these.length > wanted.length) {
      out.push({ action, recipients: these.filter((r) => !wanted.includes(r)).map((r) => r.address), unsent: 'notify' });
    }
    if (wanted.length === 0) continue;
    const recipients = wanted.map((r) => r.address);
    if (from === '') {
      out.push({ action, recipients, unsent: 'null-sender' });
      continue;
    }
    const listed = wanted.map((r): ReportRecipient => {
      const f = action === 'failed' ? failure(r.address) : null;
      return { address: r.address, ...(r.dsn?.orcpt === undefined ? {} : { orcpt: r.dsn.orcpt }), ...(f === null ? {} : { failure: f }) };
    });
    out.push({ action, recipients, listed });
  }
  return out;
}

/** The most of the message a report returns whole (RET=FULL); a longer one is returned as its header section. */
export const MAX_RETURNED_CHARS = 64_000;

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

/** The words for people: what happened to which recipient. */
function notice(r: ReportInput): string[] {
  if (r.action === 'delivered') {
    return [
      'Your message was delivered to the recipients below, as you asked (NOTIFY=SUCCESS).',
      '',
      ...r.recipients.map((x) => `<${x.address}>: delivered to mailbox`),
    ];
  }
  return [
    'Your message could not be delivered to one or more of its recipients.',
    'The problem report is below, then the header of your message.',
    '',
    ...r.recipients.map((x) => fold(`<${x.address}>: host ${x.failure?.host ?? 'unknown'} said: ${x.failure?.reply ?? ''} (in reply to RCPT TO command)`)),
  ];
}

/** The report for programs, one group of fields per recipient (RFC 3464 §2.3). */
function perRecipient(r: ReportInput): string {
  return r.recipients
    .map((x) => {
      const fields = [`Final-Recipient: rfc822; ${x.address}`, `Original-Recipient: ${x.orcpt ?? `rfc822;${x.address}`}`, `Action: ${r.action}`];
      if (x.failure === undefined) return [...fields, 'Status: 2.0.0'].join('\r\n');
      return [
        ...fields,
        `Status: ${/^\d{3} (\d\.\d{1,3}\.\d{1,3}) /.exec(x.failure.reply)?.[1] ?? '5.0.0'}`,
        `Remote-MTA: dns; ${x.failure.host.replace(/\[.*$/, '')}`,
        fold(`Diagnostic-Code: smtp; ${x.failure.reply}`),
      ].join('\r\n');
    })
    .join('\r\n\r\n');
}

/** The report, with CRLF line ends, ready to store or show. */
export function deliveryReport(r: ReportInput): string {
  const stamp = Math.floor(r.at.getTime() / 1000);
  const boundary = `${r.queueId}.${stamp}/${r.domain}`;
  const end = r.original.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? r.original.trimEnd() : r.original.slice(0, end)).slice(0, MAX_RETURNED_CHARS);
  const full = r.ret === 'FULL' && r.original.length <= MAX_RETURNED_CHARS;
  const what = r.action === 'failed' ? 'Undelivered Message' : 'Delivered Message';
  const returned = full
    ? [`Content-Description: ${what}`, 'Content-Type: message/rfc822', '', r.original.replace(/\r?\n$/, '')]
    : [`Content-Description: ${what} Headers`, 'Content-Type: text/rfc822-headers', '', headers];
  return [
    'Return-Path: <>',
    `Date: ${rfc5322Date(r.at)}`,
    `From: MAILER-DAEMON@${r.domain} (Mail Delivery System)`,
    `Subject: ${r.action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Successful Mail Delivery Report'}`,
    `To: ${r.sender}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    `Message-ID: <${r.reportId}.${stamp}@${r.domain}>`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host ${r.domain}.`,
    '',
    ...notice(r),
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${r.domain}`,
    `X-Postfix-Queue-ID: ${r.queueId}`,
    `X-Postfix-Sender: rfc822; ${r.sender}`,
    ...(r.envid === undefined ? [] : [`Original-Envelope-Id: ${r.envid}`]),
    `Arrival-Date: ${rfc5322Date(r.arrived)}`,
    '',
    perRecipient(r),
    '',
    `--${boundary}`,
    ...returned,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
