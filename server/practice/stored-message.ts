/**
 * A message the practice server stored, as the `stored` message tells the session that sent it (messages.ts
 * StoredMessage): its text and recipients cut to what a frame carries (app-limits.ts), with the delivery reports it
 * called for (a bounce for gone@, a report for NOTIFY=SUCCESS), each cut the same way. Pure.
 */
import { MAX_STORED_CHARS, MAX_STORED_RECIPIENTS } from '../../shared/protocol/app-limits.js';
import type { Bare, StoredMessage, StoredReport } from '../../shared/protocol/messages.js';
import type { ReceivedMessage } from './practice-server.js';

export function storedMessageOf(m: ReceivedMessage): Bare<StoredMessage> {
  const cut = m.raw.length > MAX_STORED_CHARS;
  const to = m.to.slice(0, MAX_STORED_RECIPIENTS);
  const stored = { type: 'stored' as const, n: m.n, from: m.from, to, recipients: m.to.length, text: cut ? m.raw.slice(0, MAX_STORED_CHARS) : m.raw, cut };
  if (m.reports === undefined) return stored;
  const reports = m.reports.map((r): StoredReport => {
    const text = r.message?.raw ?? '';
    const report: StoredReport = {
      action: r.action,
      recipients: r.recipients.slice(0, MAX_STORED_RECIPIENTS),
      n: r.message?.n ?? null,
      text: text.slice(0, MAX_STORED_CHARS),
      cut: text.length > MAX_STORED_CHARS,
    };
    return r.unsent === undefined ? report : { ...report, unsent: r.unsent };
  });
  return { ...stored, reports };
}
