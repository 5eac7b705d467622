/**
 * A dialog of `C:`/`S:` lines as the page's /log record keeps it (client/ui/practice-trail.ts): the exchanges the
 * session model makes of it, one second per line of the script from `t0`, and the Message-ID field of a message
 * written (Dovecot's log names it); for the practice server's logs (shared/practice/server-log.ts, lmtp-log.ts).
 */
import type { LogEntry } from '../../shared/practice/server-log.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';

export function dialogEntries(script: readonly string[], t0: number, close = true): LogEntry[] {
  const model = new SessionModel();
  const parser = new ReplyParser();
  let at = t0;
  const out: LogEntry[] = [{ kind: 'connect', at }];
  model.connected();
  for (const step of script) {
    at += 1000;
    if (step.startsWith('C: ')) {
      const line = step.slice(3);
      const kind = model.kindOfNextLine(line);
      model.sent(line);
      const id = /^Message-ID: (<.*>)$/i.exec(line)?.[1];
      if (kind === 'message-text' && id !== undefined) out.push({ kind: 'msgid', id });
    } else for (const e of parser.push(`${step.slice(3)}\r\n`)) if (e.kind === 'reply') out.push({ kind: 'exchange', ex: model.received(e.reply), at });
  }
  if (close) out.push({ kind: 'close', at: at + 1000 });
  return out;
}
