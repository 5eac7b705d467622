/**
 * The practice server's LMTP side (RFC 2033), as an MTA meets Dovecot's LMTP when it hands mail to the mailboxes:
 * LHLO instead of EHLO, no relaying, and, what LMTP exists for, one reply per accepted recipient after the final ".",
 * in their order (RFC 2033 §4.2), so that one recipient's failure is not every recipient's. full@ shows it: taken at
 * RCPT and refused at delivery, as Dovecot checks a quota when it saves the message (lmtp_rcpt_check_quota = no, its
 * default), while the others are saved. A real smtp-server in LMTP mode, beside the SMTP one, sharing its store.
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataResult, type SMTPServerSession } from 'smtp-server';
import { FULL_MAILBOX } from '../../shared/practice/trouble.js';

export interface LmtpDeps {
  domain: string;
  /** The mailboxes that save mail (local parts); full@ is taken at RCPT and refused when saving. */
  mailboxes: readonly string[];
  maxBytes: number;
  idleTimeoutMs: number;
  closeGraceMs: number;
  /** Keeps the message for the recipients that saved it; its queue id. */
  store: (bytes: Buffer, session: SMTPServerSession, recipients: string[]) => Promise<string>;
}

/** An SMTP error with the reply code smtp-server should send (it reads `responseCode`). */
function lmtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

export function lmtpServer(deps: LmtpDeps): SMTPServer {
  const localPart = (a: SMTPServerAddress): string | null => {
    const at = a.address.lastIndexOf('@');
    return at !== -1 && a.address.slice(at + 1).toLowerCase() === deps.domain ? a.address.slice(0, at).toLowerCase() : null;
  };
  const server = new SMTPServer({
    lmtp: true,
    name: deps.domain,
    banner: 'heloterm practice server\'s mailboxes, as Dovecot\'s: LHLO, then one reply per recipient after the final "."',
    hideENHANCEDSTATUSCODES: false,
    hideSTARTTLS: true, // on loopback, as Dovecot's LMTP usually is; TLS is practised on the SMTP side
    hideDSN: true,
    disabledCommands: ['AUTH'], // LMTP takes mail from a trusted MTA, without a login
    disableReverseLookup: true,
    size: deps.maxBytes,
    rejectOversized: true,
    socketTimeout: deps.idleTimeoutMs,
    closeTimeout: deps.closeGraceMs,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const local = localPart(address);
      // Dovecot's words for a user it does not have; an LMTP server delivers, it does not relay.
      if (local === null || !(deps.mailboxes.includes(local) || local === FULL_MAILBOX)) {
        return callback(lmtpError(550, `<${address.address}> User doesn't exist: ${address.address}`));
      }
      callback();
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(lmtpError(552, `message larger than ${deps.maxBytes} bytes`));
        const rcpts = session.envelope.rcptTo.map((r) => r.address);
        const saved = rcpts.filter((a) => a.slice(0, a.lastIndexOf('@')).toLowerCase() !== FULL_MAILBOX);
        const replies = (id: string | null): SMTPServerDataResult[] =>
          rcpts.map((a) =>
            saved.includes(a) && id !== null
              ? `<${a}> ${id} Saved`
              : // As Dovecot says it when the quota plugin refuses the save (RFC 3463: X.2.2 mailbox full).
                lmtpError(552, `<${a}> Quota exceeded (mailbox for user is full)`),
          );
        if (saved.length === 0) return callback(null, replies(null));
        deps.store(Buffer.concat(chunks), session, saved).then(
          (id) => callback(null, replies(id)),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  server.on('error', () => {
    // Client misbehaviour is normal for a practice server: nothing to do.
  });
  return server;
}
