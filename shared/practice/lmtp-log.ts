/**
 * The practice server's log of a connection to its LMTP side, in the form of Dovecot's LMTP (2.3), whose part it
 * plays: `Connect from` the client, a line for each recipient's delivery after the final "." (Dovecot's
 * deliver_log_format, "msgid=%m: %$": `saved mail to INBOX`, or `save failed to INBOX: Quota exceeded …` for full@),
 * and `Disconnect from … (state=…)`. The mailbox server's side of what Postfix's lmtp client logs as `status=sent (250
 * 2.0.0 <alice@…> … Saved)` or `status=bounced (… 552 5.2.2 …)`. The session id between the process's id and the
 * message id is the one the `250 … Saved` reply names, as Dovecot's does (the practice server names its queue id). The practice server is not Dovecot; its log
 * only takes Dovecot's form, so that reading it is practice for reading Dovecot's. Pure.
 */
import { endsMessage } from '../smtp/session-state.js';
import { syslogTime, type LogEntry } from './server-log.js';

/** The id a "250 2.0.0 <alice@practice.test> 3A0001 Saved" reply names. */
const SAVED = /^<[^>]*> (\S+) Saved\b/;

/**
 * The log lines of one connection to the LMTP side (`pid`: the lmtp process number it shows, `remote`: the client's
 * address as Dovecot names it, "127.0.0.1").
 */
export function practiceLmtpLog(entries: readonly LogEntry[], remote: string, pid: number): string[] {
  const out: string[] = [];
  const tag = (at: number, who: string): string => `${syslogTime(at)} practice dovecot: lmtp(${who})`;
  /** The Message-ID of the message being written, as its header field gave it; Dovecot's word when it has none. */
  let msgid = 'unspecified';
  /** The last command answered; QUIT's 221 ends the connection as the client's choice. */
  let quit = false;
  /** The state Dovecot names on disconnect: after LHLO, READY; inside a transaction, its stage. */
  let state = 'GREETING';
  let transactions = 0;
  /** The session id of the transaction whose replies are being logged. */
  let session = '';
  for (const [i, e] of entries.entries()) {
    if (e.kind === 'msgid') {
      msgid = e.id;
      continue;
    }
    if (e.kind === 'stored') continue;
    if (e.kind === 'connect') {
      out.push(`${tag(e.at, String(pid))}: Connect from ${remote}`);
      continue;
    }
    if (e.kind === 'close') {
      out.push(`${tag(e.at, String(pid))}: Disconnect from ${remote}: ${quit ? 'Client has quit the connection' : 'Connection closed'} (state=${state})`);
      continue;
    }
    const { ex } = e;
    const ok = ex.reply.cls === 2 || ex.reply.cls === 3;
    if (ex.lmtp !== undefined) {
      // One reply per recipient after the "." (or BDAT LAST): each is a delivery of its own.
      const { recipient, n, of } = ex.lmtp;
      if (n === 1) session = savedId(entries, i, of) ?? sessionId(pid, ++transactions);
      const line = ex.reply.lines[0]?.text ?? '';
      if (ok) out.push(`${tag(e.at, recipient)}<${pid}><${session}>: msgid=${msgid}: saved mail to INBOX`);
      else if (/Quota exceeded/i.test(line)) out.push(`${tag(e.at, recipient)}<${pid}><${session}>: msgid=${msgid}: save failed to INBOX: Quota exceeded (mailbox for user is full)`);
      if (n === of) {
        msgid = 'unspecified';
        state = 'READY';
      }
      continue;
    }
    if (ex.kind !== 'command' || ex.command === null) continue;
    const verb = ex.command.verb;
    if (verb === 'QUIT') quit = true;
    else if (verb === 'LHLO' && ok) state = 'READY';
    else if (verb === 'MAIL' && ok) state = 'MAIL FROM';
    else if (verb === 'RCPT' && ok) state = 'RCPT TO';
    else if ((verb === 'DATA' && ex.reply.code === 354) || (verb === 'BDAT' && ok && !endsMessage(ex))) state = 'DATA';
    else if (verb === 'RSET' && ok) state = 'READY';
  }
  return out;
}

/** The id the first "Saved" among the `of` replies from `from` names (the replies of one "."), or null. */
function savedId(entries: readonly LogEntry[], from: number, of: number): string | null {
  for (let i = from, seen = 0; i < entries.length && seen < of; i++) {
    const e = entries[i];
    if (e?.kind !== 'exchange' || e.ex.lmtp === undefined) continue;
    seen++;
    const id = SAVED.exec(e.ex.reply.lines[0]?.text ?? '')?.[1];
    if (id !== undefined) return id;
  }
  return null;
}

/** A session id for a transaction whose replies named none (nothing saved): in the practice server's manner of ids. */
function sessionId(pid: number, n: number): string {
  return (0xc00000 + pid * 0x10 + n).toString(16).toUpperCase();
}
