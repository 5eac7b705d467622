/**
 * The embedded practice server: a real SMTP server (smtp-server) for the domain practice.test, so heloterm works
 * out of the box. It speaks like a small, strict MTA: enhanced status codes on (RFC 2034), STARTTLS (RFC 3207) with a
 * self-signed certificate made when it starts, AUTH after STARTTLS with one practice login (RFC 4954), mailboxes
 * alice, bob, carol and postmaster, no relaying but for a logged-in user (and then nothing is delivered anywhere).
 * Four more misbehave on purpose (shared/practice/trouble.ts): greylist@ defers a new sender for a while, full@ is
 * over its quota, slow@ is accepted only after a few seconds, gone@ is accepted and then bounced. It offers DSN
 * (RFC 3461): a recipient's NOTIFY= says whether its failure is reported (the bounce) and whether its delivery is;
 * and CHUNKING (RFC 3030, chunking.ts), which smtp-server lacks: a message may come in BDAT chunks. Its LMTP side
 * (RFC 2033, lmtp.ts) listens on a port of its own and keeps what it saves in the same store; so does a port with TLS
 * from the first byte (RFC 8314, as 465 is for submission), the same server behind it.
 * Received messages stay in memory (the newest MAX_KEPT_MESSAGES) as stored, with the trace lines a delivering server
 * puts first, for tests and for the learner: the bridge shows each session the messages its connection sent.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { PracticeInfo } from '../../shared/protocol/messages.js';
import { GONE_HOST, GONE_MAILBOX, GREYLIST_SECONDS, PRACTICE_USER, SLOW_SECONDS, goneReply } from '../../shared/practice/trouble.js';
import { installChunking, onEachConnection, type ChunkingOptions } from './chunking.js';
import { SCRAM_MECHANISM, installScram, scramCredentials } from './scram.js';
import { lmtpServer } from './lmtp.js';
import { CERTIFICATE_RENEW_MS, PRACTICE_DOMAIN, practiceCertificate } from './practice-certificate.js';
import { localPartOf, smtpError } from './mailbox.js';
import { Greylist, PRACTICE_LOCAL_PARTS, greylistedText, recipientRule } from './recipients.js';
import { deliveryReport, plannedReports, type ReportRecipient } from './dsn.js';
import { practiceDkimKey, signPractice, type DkimKey } from './dkim-key.js';
import { practiceQueueId } from '../../shared/practice/server-log.js';
import { rfc5322Date } from '../../shared/smtp/date.js';

export { PRACTICE_DOMAIN, PRACTICE_LOCAL_PARTS };
export { MAX_GREYLIST_ENTRIES } from './recipients.js';
export const PRACTICE_MAILBOXES: readonly string[] = PRACTICE_LOCAL_PARTS.map((l) => `${l}@${PRACTICE_DOMAIN}`);
/**
 * The practice login (RFC 4954), for AUTH PLAIN or LOGIN once the session is encrypted, after STARTTLS or on the
 * implicit TLS port (smtp-server refuses AUTH in the clear with 538, as a submission server should). It lets a trainee
 * see 538, 535 and 235; it opens nothing else. The user is shared/practice/trouble.ts's (the log names it).
 */
export { PRACTICE_USER };
export const PRACTICE_PASSWORD = 'practice';
/** Largest message accepted, in bytes (advertised as SIZE, RFC 1870; larger ones get 552). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Messages kept in memory. */
export const MAX_KEPT_MESSAGES = 100;
/** Idle time after which the practice server hangs up, in ms (RFC 5321 §4.5.3.2.7 suggests 5 minutes). */
export const IDLE_TIMEOUT_MS = 5 * 60 * 1000;
/** On close, how long open sessions may go on before they get 421 and are cut, in ms (smtp-server waits 30 s). */
export const CLOSE_GRACE_MS = 1000;
const BANNER = 'heloterm practice server: mail to alice, bob, carol or postmaster @practice.test';
export interface ReceivedMessage {
  /** Its number, counted from 1 since the server started (as the reply to the final "." says it). */
  n: number;
  from: string;
  to: string[];
  /** As stored: the Return-Path and Received lines the server adds (RFC 5321 §4.4), then the message as sent. */
  raw: string;
  subject: string | undefined;
  /**
   * The delivery status notifications the message's deliveries called for, sent back to its sender (each stored as a
   * message of its own): a bounce for the recipients whose delivery failed after it was accepted (gone@), a report
   * for those that asked to hear of their delivery (NOTIFY=SUCCESS). None goes to the null sender (RFC 5321 §4.5.5)
   * or for recipients whose NOTIFY= leaves the outcome out (RFC 3461 §4.1): `message` is then null, `unsent` why.
   */
  reports?: PracticeReport[];
}

export interface PracticeReport {
  action: 'failed' | 'delivered';
  recipients: string[];
  message: ReceivedMessage | null;
  unsent?: 'null-sender' | 'notify';
}

/** Where the practice server's stored messages are announced, per client connection (its port). */
export interface StoredMessages {
  /**
   * Calls `onStored` with each message the connection from `clientPort` sends, and greylists that connection as
   * `client` (rather than by its address, the bridge's for every browser); returns a function that stops both.
   */
  watch(clientPort: number, onStored: (m: ReceivedMessage) => void, client: string): () => void;
  /** The DKIM key the practice domain would publish for the mail the server signs (its reports); null before it listens. */
  dkim(): Promise<{ selector: string; record: string } | null>;
}

export interface PracticeServerOptions {
  port?: number;
  /** The LMTP side's port (lmtp.ts); default: one the system picks. */
  lmtpPort?: number;
  /** The port with TLS from the first byte (RFC 8314, as 465 is for submission); default: one the system picks. */
  tlsPort?: number;
  host?: string;
  /** How long greylist@ defers a new (client, sender, recipient), in ms; default GREYLIST_SECONDS. */
  greylistMs?: number;
  /** How long RCPT for slow@ takes, in ms; default SLOW_SECONDS. */
  slowMs?: number;
}

/** The reply to a message kept, in Postfix's words, with the queue id its Received line and /log name. */
function queuedReply(n: number): string {
  return `Ok: queued as ${practiceQueueId(n)} (practice message #${n}, delivered nowhere)`;
}

/**
 * smtp-server derives the enhanced code of an application error from the reply code alone (550 -> 5.1.1), so a
 * relay denial would read "550 5.1.1". Errors listed here carry their own enhanced code, used for their reply.
 */
const ENHANCED_OVERRIDE = new WeakMap<SMTPServerSession, string>();

/**
 * What the practice server puts before a message it stores, as an MTA that delivers it must (RFC 5321 §4.4): the
 * envelope sender as Return-Path, and a Received line saying from whom (the name given in EHLO/HELO, and the
 * address), by whom and how (RFC 3848: ESMTP, with S for TLS and A for a login) it came.
 */
function traceHeaders(session: SMTPServerSession, from: string, n: number, at: Date): string {
  const helo = typeof session.hostNameAppearsAs === 'string' && session.hostNameAppearsAs !== '' ? session.hostNameAppearsAs : 'unknown';
  const lmtp = session.openingCommand === 'LHLO';
  const esmtp = session.openingCommand === 'EHLO' || lmtp;
  // smtp-server sets `user` to false, not undefined, when STARTTLS forgets a login: only a user counts.
  const protocol = `${lmtp ? 'LMTP' : `${esmtp ? 'E' : ''}SMTP`}${esmtp && session.secure ? 'S' : ''}${esmtp && session.user ? 'A' : ''}`;
  return (
    `Return-Path: <${from}>\r\n` +
    `Received: from ${helo} ([${session.remoteAddress}])\r\n\tby ${PRACTICE_DOMAIN} (heloterm practice server) with ${protocol} id ${practiceQueueId(n)};\r\n\t${rfc5322Date(at)}\r\n`
  );
}

export class PracticeServer extends EventEmitter<{ message: [ReceivedMessage] }> implements StoredMessages {
  readonly messages: ReceivedMessage[] = [];
  /** Messages received since the start (their numbers). */
  private received = 0;
  /** Who wants to see the messages each client connection sends, and who that client is, by the connection's port. */
  private readonly watchers = new Map<number, { onStored: (m: ReceivedMessage) => void; client: string }>();
  private readonly smtp: SMTPServer;
  /**
   * The same server behind TLS from the first byte (RFC 8314 §3, as submission on port 465 is): a second listener with
   * the same mailboxes, store and login, where the handshake comes before the greeting and STARTTLS is not offered.
   */
  private readonly smtps: SMTPServer;
  /** The LMTP side (lmtp.ts), on a port of its own. */
  private readonly lmtp: SMTPServer;
  private infoValue: PracticeInfo | null = null;
  private readonly greylist: Greylist;
  private readonly slowMs: number;
  /** Makes the certificate anew every CERTIFICATE_RENEW_MS while listening. */
  private renewal: NodeJS.Timeout | null = null;
  /** The key its own mail (bounces, delivery reports) is signed with (DKIM), being made from when it starts listening. */
  private dkimKey: Promise<DkimKey | null> = Promise.resolve(null);

  constructor(opts: Pick<PracticeServerOptions, 'greylistMs' | 'slowMs'> = {}) {
    super();
    this.greylist = new Greylist(opts.greylistMs ?? GREYLIST_SECONDS * 1000);
    this.slowMs = opts.slowMs ?? SLOW_SECONDS * 1000;
    const options: SMTPServerOptions = {
      name: PRACTICE_DOMAIN,
      banner: BANNER,
      hideENHANCEDSTATUSCODES: false,
      hideSTARTTLS: false,
      authOptional: true,
      disableReverseLookup: true, // never send DNS queries about the (loopback) client
      size: MAX_MESSAGE_BYTES,
      rejectOversized: true,
      socketTimeout: IDLE_TIMEOUT_MS,
      closeTimeout: CLOSE_GRACE_MS,
      hideDSN: false, // NOTIFY=, RET=, ENVID=, ORCPT= (RFC 3461): reports of failures and, if asked, of deliveries
      logger: false, // also silences the warning about the built-in test certificate, replaced in listen()
      // CRAM-MD5 too, obsolete as it is (RFC 2195): servers still offer it, and heloterm's /cram-md5 answers it. And
      // SCRAM-SHA-256 (scram.ts: smtp-server lists it, the connection answers it), which heloterm's /scram answers.
      authMethods: ['LOGIN', 'PLAIN', 'CRAM-MD5', SCRAM_MECHANISM],
      onAuth: (auth, _session, callback) => {
        const password = auth.method === 'CRAM-MD5' ? auth.validatePassword(PRACTICE_PASSWORD) : auth.password === PRACTICE_PASSWORD;
        const ok = auth.username === PRACTICE_USER && password;
        // A response without `user` is a failure: 535 5.7.8 (RFC 4954 §6), in the words of Postfix 3.x with Dovecot's SASL,
        // which gives Postfix no reason for a wrong password.
        callback(null, ok ? { user: PRACTICE_USER } : { message: 'Error: authentication failed: (reason unavailable)' });
      },
      onRcptTo: (address, session, callback) => {
        const rule = recipientRule(address.address, session.user !== undefined);
        switch (rule.kind) {
          case 'accept':
            return callback();
          case 'slow':
            // smtp-server reads no further command until this one is answered, and drops the answer of a closed one.
            setTimeout(() => callback(), this.slowMs);
            return;
          case 'greylist':
            return callback(this.checkGreylist(address, session));
          case 'refuse':
            if (rule.enhanced !== undefined) ENHANCED_OVERRIDE.set(session, rule.enhanced);
            return callback(smtpError(rule.code, rule.text));
        }
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (n) => callback(null, queuedReply(n)),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
    };
    this.smtp = new SMTPServer(options);
    this.smtps = new SMTPServer({ ...options, secure: true });
    for (const smtp of [this.smtp, this.smtps]) {
      smtp.on('error', () => {
        // Client misbehaviour (resets, bad TLS) is normal for a practice server: nothing to do.
      });
      this.patchConnections(smtp);
    }
    this.lmtp = lmtpServer({
      domain: PRACTICE_DOMAIN,
      mailboxes: PRACTICE_LOCAL_PARTS,
      maxBytes: MAX_MESSAGE_BYTES,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      closeGraceMs: CLOSE_GRACE_MS,
      store: (bytes, session, recipients) => this.store(bytes, session, recipients).then(practiceQueueId),
    });
  }

  watch(clientPort: number, onStored: (m: ReceivedMessage) => void, client: string): () => void {
    const watcher = { onStored, client };
    this.watchers.set(clientPort, watcher);
    return () => {
      if (this.watchers.get(clientPort) === watcher) this.watchers.delete(clientPort);
    };
  }

  /** How many (client, sender, recipient) greylisting remembers now (at most MAX_GREYLIST_ENTRIES). */
  get greylistSize(): number {
    return this.greylist.size;
  }

  /** The DKIM key record its domain would publish, and its selector; null before it listens (or if it could not be made). */
  async dkim(): Promise<{ selector: string; record: string } | null> {
    const key = await this.dkimKey;
    return key === null ? null : { selector: key.selector, record: key.record };
  }

  get info(): PracticeInfo {
    if (this.infoValue === null) throw new Error('practice server not listening');
    return this.infoValue;
  }

  async listen(opts: PracticeServerOptions = {}): Promise<void> {
    const host = opts.host ?? '127.0.0.1';
    const certify = (c: { key: string; cert: string }): void => {
      this.smtp.updateSecureContext(c);
      this.smtps.updateSecureContext(c);
    };
    // The DKIM key is made meanwhile, not waited for: the first report signed, or the first key lookup, waits for it.
    this.dkimKey = practiceDkimKey().catch(() => null);
    certify(await practiceCertificate());
    // A trainer's heloterm may run for months: the certificate is made anew long before it would expire (sessions
    // already in TLS keep theirs). A failure keeps the one in use, which has weeks left.
    this.renewal = setInterval(() => {
      practiceCertificate().then(certify, () => undefined);
    }, CERTIFICATE_RENEW_MS);
    this.renewal.unref();
    const listening: SMTPServer[] = [];
    const on = async (smtp: SMTPServer, port: number | undefined): Promise<number> => {
      const bound = await listenOn(smtp, port ?? 0, host);
      listening.push(smtp);
      return bound;
    };
    try {
      const port = await on(this.smtp, opts.port);
      const lmtpPort = await on(this.lmtp, opts.lmtpPort);
      const tlsPort = await on(this.smtps, opts.tlsPort);
      this.infoValue = { host, port, lmtpPort, tlsPort, domain: PRACTICE_DOMAIN, mailboxes: [...PRACTICE_MAILBOXES] };
    } catch (err) {
      await Promise.all(listening.map(closed));
      throw err;
    }
  }

  close(): Promise<void> {
    if (this.renewal !== null) clearInterval(this.renewal);
    this.renewal = null;
    return Promise.all([closed(this.smtp), closed(this.smtps), closed(this.lmtp)]).then(() => undefined);
  }

  /**
   * Greylisting (recipients.ts) by the browser session that the bridge connects for (watch), else by the address:
   * every trainee of a class comes from the bridge's address, and one who had waited would let all the others through
   * at once, so the lesson on it taught nothing.
   */
  private checkGreylist(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    const sender = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
    const client = this.watchers.get(session.remotePort)?.client ?? session.remoteAddress;
    if (this.greylist.passes(client, sender, address.address, Date.now())) return null;
    ENHANCED_OVERRIDE.set(session, '4.2.0');
    return smtpError(450, greylistedText(address.address));
  }

  /** A message sent with DATA: read whole, then kept (store). */
  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw smtpError(552, `message larger than ${MAX_MESSAGE_BYTES} bytes`);
    return this.store(Buffer.concat(chunks), session);
  }

  /**
   * Keeps a message as sent (with DATA or BDAT, or over LMTP for the recipients that saved it), with its trace lines
   * and the reports it calls for; its number.
   */
  private async store(bytes: Buffer, session: SMTPServerSession, to = session.envelope.rcptTo.map((r) => r.address)): Promise<number> {
    const sent = bytes.toString('utf8');
    const parsed = await simpleParser(sent);
    const n = ++this.received;
    const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
    const arrived = new Date();
    const message: ReceivedMessage = {
      n,
      from,
      to,
      raw: traceHeaders(session, from, n, arrived) + sent,
      subject: parsed.subject,
    };
    this.keep(message);
    const reports = await this.reports(message, session, arrived);
    if (reports.length > 0) message.reports = reports;
    this.watchers.get(session.remotePort)?.onStored(message);
    return n;
  }

  /** The reports the message's deliveries call for (dsn.ts plannedReports): written, signed and kept, or why not. */
  private async reports(message: ReceivedMessage, session: SMTPServerSession, arrived: Date): Promise<PracticeReport[]> {
    const gone = (a: string): { host: string; reply: string } | null => {
      const { local, domain } = localPartOf(a);
      return local === GONE_MAILBOX && domain === PRACTICE_DOMAIN ? { host: GONE_HOST, reply: goneReply(a) } : null;
    };
    const out: PracticeReport[] = [];
    for (const plan of plannedReports(session.envelope.rcptTo, message.from, gone)) {
      if ('unsent' in plan) out.push({ action: plan.action, recipients: plan.recipients, message: null, unsent: plan.unsent });
      else out.push({ action: plan.action, recipients: plan.recipients, message: await this.report(plan.action, message, session, plan.listed, arrived) });
    }
    return out;
  }

  /**
   * A report sent back to the message's sender, signed as the practice domain (DKIM), kept as the next message (its
   * mailbox is elsewhere: not delivered).
   */
  private async report(action: 'failed' | 'delivered', original: ReceivedMessage, session: SMTPServerSession, recipients: ReportRecipient[], arrived: Date): Promise<ReceivedMessage> {
    const n = ++this.received;
    const { ret, envid } = session.envelope.dsn ?? {};
    const text = deliveryReport({
      action,
      queueId: practiceQueueId(original.n),
      reportId: practiceQueueId(n),
      sender: original.from,
      ...(ret === undefined || ret === null ? {} : { ret }),
      ...(envid === undefined || envid === null ? {} : { envid }),
      recipients,
      arrived,
      at: new Date(),
      original: original.raw,
      domain: PRACTICE_DOMAIN,
    });
    const subject = action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Successful Mail Delivery Report';
    const key = await this.dkimKey;
    const signed = key === null ? text : await signPractice(text, key);
    const report: ReceivedMessage = { n, from: '', to: [original.from], raw: signed, subject };
    this.keep(report);
    return report;
  }

  private keep(message: ReceivedMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAX_KEPT_MESSAGES) this.messages.shift();
    this.emit('message', message);
  }

  /**
   * What each new connection gets beyond smtp-server: BDAT (chunking.ts), SCRAM-SHA-256 (scram.ts), and errors that
   * choose their enhanced status code (see ENHANCED_OVERRIDE; smtp-server's lookup wrapped, the override consumed by
   * the next failure reply of that session).
   */
  private patchConnections(smtp: SMTPServer): void {
    const chunking: ChunkingOptions = {
      maxBytes: MAX_MESSAGE_BYTES,
      deliver: (bytes, session) => this.store(bytes, session).then(queuedReply),
    };
    // What a server stores for SCRAM instead of the password: made once, with a salt of its own.
    const scram = scramCredentials(PRACTICE_USER, PRACTICE_PASSWORD);
    onEachConnection(smtp, (connection) => {
      installChunking(connection, chunking);
      installScram(connection, scram);
      const lookup = connection._getEnhancedStatusCode.bind(connection);
      connection._getEnhancedStatusCode = (code, context) => {
        const override = ENHANCED_OVERRIDE.get(connection.session);
        if (override !== undefined && code >= 400 && context !== false && lookup(code, context) !== '') {
          ENHANCED_OVERRIDE.delete(connection.session);
          return override;
        }
        return lookup(code, context);
      };
    });
  }
}

/** Closes a listener and the connections it has. */
function closed(smtp: SMTPServer): Promise<void> {
  return new Promise((resolve) => smtp.close(() => resolve()));
}

/** Listens; the port it listens on. */
function listenOn(smtp: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = smtp.server;
    server.once('error', reject);
    smtp.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startPracticeServer(opts: PracticeServerOptions = {}): Promise<PracticeServer> {
  const server = new PracticeServer(opts);
  await server.listen(opts);
  return server;
}
