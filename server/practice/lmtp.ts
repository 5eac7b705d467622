/**
 * The practice server's LMTP side (RFC 2033), as an MTA meets Dovecot's LMTP when it hands mail to the mailboxes:
 * LHLO instead of EHLO, no relaying, and, what LMTP exists for, one reply per accepted recipient after the final ".",
 * in their order (RFC 2033 §4.2), so that one recipient's failure is not every recipient's. full@ shows it: taken at
 * RCPT and refused at delivery, as Dovecot checks a quota when it saves the message (lmtp_rcpt_check_quota = no, its
 * default), while the others are saved. It offers CHUNKING, as Dovecot's does (chunking.ts): BDAT's LAST chunk is
 * answered per recipient too. A real smtp-server in LMTP mode, beside the SMTP one, sharing its store.
 */
import { SMTPServer, type SMTPServerDataResult, type SMTPServerSession } from 'smtp-server';
import { FULL_MAILBOX } from '../../shared/practice/trouble.js';
import { installChunking, onEachConnection } from './chunking.js';
import { localPartOf, smtpError } from './mailbox.js';

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

export function lmtpServer(deps: LmtpDeps): SMTPServer {
  /** A mailbox of this domain's local part, or null for an address elsewhere. */
  const localPart = (address: string): string | null => {
    const { local, domain } = localPartOf(address);
    return domain === deps.domain ? local : null;
  };
  /** Saves the message for each recipient: one reply each, in their order (RFC 2033 §4.2), after "." or BDAT LAST. */
  const deliver = async (bytes: Buffer, session: SMTPServerSession): Promise<SMTPServerDataResult[]> => {
    const rcpts = session.envelope.rcptTo.map((r) => r.address);
    const saved = rcpts.filter((a) => localPart(a) !== FULL_MAILBOX);
    const id = saved.length === 0 ? null : await deps.store(bytes, session, saved);
    return rcpts.map((a) =>
      saved.includes(a) && id !== null
        ? `<${a}> ${id} Saved`
        : // As Dovecot says it when the quota plugin refuses the save (RFC 3463: X.2.2 mailbox full).
          smtpError(552, `<${a}> Quota exceeded (mailbox for user is full)`),
    );
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
      const local = localPart(address.address);
      // Dovecot's words for a user it does not have; an LMTP server delivers, it does not relay.
      if (local === null || !(deps.mailboxes.includes(local) || local === FULL_MAILBOX)) {
        return callback(smtpError(550, `<${address.address}> User doesn't exist: ${address.address}`));
      }
      callback();
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `message larger than ${deps.maxBytes} bytes`));
        deliver(Buffer.concat(chunks), session).then(
          (replies) => callback(null, replies),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  // BDAT, as Dovecot's LMTP offers it (CHUNKING among its capabilities): the LAST chunk answered per recipient.
  onEachConnection(server, (connection) => installChunking(connection, { maxBytes: deps.maxBytes, deliver }));
  server.on('error', () => {
    // Client misbehaviour is normal for a practice server: nothing to do.
  });
  return server;
}
