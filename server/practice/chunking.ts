/**
 * BDAT for the practice server (RFC 3030 CHUNKING), which smtp-server does not have: heloterm's coach counts a
 * chunk's octets as a trainee types it, and the practice server is where that can be tried. Installed on each
 * connection beside smtp-server's own commands (it looks a command's handler up as `handler_<VERB>` on the
 * connection), with smtp-server's reply writer and transaction reset:
 * - EHLO lists CHUNKING (last, as Postfix does);
 * - `BDAT <size> [LAST]`: exactly <size> octets after the command line are the chunk, however they arrive (typed
 *   over several lines, or pipelined with the next command in one packet); then 250 with the octets received, and
 *   after the LAST chunk the message is kept as one sent with DATA would be, and answered as DATA's final "." is;
 * - a chunk that cannot be taken (no recipient yet, over the size limit, a transaction that already failed) is read
 *   all the same and discarded before the refusal (RFC 3030 §2), so that its octets are not read as commands;
 * - DATA in a transaction that began with BDAT is refused (RFC 3030 §2), and RSET, EHLO or a delivered message
 *   start a new transaction (smtp-server gives the session a new envelope each time).
 * `BODY=BINARYMIME` is not offered: the practice server keeps text messages. On the LMTP side (lmtp.ts) the LAST
 * chunk is answered once per recipient, in their order, as the final "." is there (RFC 2033 §4.2, RFC 3030 §3).
 */
import type { SMTPServer, SMTPServerSession } from 'smtp-server';

export type Connection = SMTPServer['connections'] extends Set<infer C> ? C : never;
type Parser = Exclude<Connection['_parser'], false>;

export interface ChunkingOptions {
  /** Largest message in octets (the SIZE the server advertises): a chunk that takes a message past it gets 552. */
  maxBytes: number;
  /**
   * Keeps the message whose last chunk came, with the session as it was when the chunk came; resolves with the text
   * of the 250 reply (in LMTP, one reply per recipient: a 250's text, or an error with its `responseCode`), or
   * rejects with an error whose `responseCode` is the reply's code.
   */
  deliver: (message: Buffer, session: SMTPServerSession) => Promise<string | readonly (string | Error)[]>;
}

/** An error's reply code (`responseCode`, as smtp-server reads it), else 451: the message was not kept. */
function replyCode(err: unknown): number {
  return typeof err === 'object' && err !== null && 'responseCode' in err && typeof err.responseCode === 'number' ? err.responseCode : 451;
}

/** RFC 3030 §2: bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ]; chunk-size ::= 1*DIGIT; end-marker ::= "LAST". */
const BDAT_COMMAND = /^BDAT\s+([0-9]{1,15})(?:\s+(LAST))?\s*$/i;

interface Transaction {
  chunks: Buffer[];
  octets: number;
  /** The refusal every later chunk of a failed transaction gets, until RSET (Postfix does the same); null if none. */
  failed: Refusal | null;
}

interface Refusal {
  code: number;
  text: string;
  context?: string;
}

/**
 * Calls `install` with each connection a server takes, as it takes it: smtp-server makes the connection in `connect`
 * and adds it to `connections` last (its seam for what it does not have, BDAT among them).
 */
export function onEachConnection(smtp: SMTPServer, install: (connection: Connection) => void): void {
  const connect = smtp.connect.bind(smtp);
  smtp.connect = (socket, socketOptions) => {
    connect(socket, socketOptions);
    const connection = [...smtp.connections].at(-1);
    if (connection !== undefined) install(connection);
  };
}

/** The transaction BDAT began, by the session's envelope: smtp-server makes a new envelope for a new transaction. */
const transactions = new WeakMap<object, Transaction>();

export function installChunking(connection: Connection, opts: ChunkingOptions): void {
  const ehlo = connection.handler_EHLO;
  const data = connection.handler_DATA;
  connection.handler_EHLO = function (this: Connection, command, callback) {
    const send = this.send;
    this.send = (code, lines, context) => send.call(this, code, code === 250 && Array.isArray(lines) ? [...lines, 'CHUNKING'] : lines, context);
    try {
      ehlo.call(this, command, callback);
    } finally {
      Reflect.deleteProperty(this, 'send');
    }
  };
  connection.handler_DATA = function (this: Connection, command, callback) {
    if (!transactions.has(this.session.envelope)) return data.call(this, command, callback);
    this.send(503, 'Error: DATA cannot follow BDAT in one transaction (RFC 3030 §2); send the rest with BDAT, or RSET');
    callback();
  };
  Object.assign(connection, {
    handler_BDAT(this: Connection, command: Buffer, callback: () => void): void {
      bdat(this, command, callback, opts);
    },
  });
}

function bdat(connection: Connection, command: Buffer, callback: () => void, opts: ChunkingOptions): void {
  const parser = connection._parser;
  const m = BDAT_COMMAND.exec(command.toString('latin1'));
  if (parser === false) return callback();
  if (m === null) {
    // Without a size nothing can be read as the chunk: what follows is taken as commands.
    connection.send(501, 'Error: syntax: BDAT chunk-size [LAST] (RFC 3030 §2)');
    return callback();
  }
  const size = Number(m[1]);
  const last = m[2] !== undefined;
  const envelope = connection.session.envelope;
  const tx = transactions.get(envelope) ?? null;
  let refusal: Refusal | null = null;
  if (connection.session.envelope.rcptTo.length === 0) refusal = { code: 503, text: 'Error: need RCPT command' };
  else if (tx?.failed) refusal = tx.failed;
  else if ((tx?.octets ?? 0) + size > opts.maxBytes) {
    refusal = { code: 552, text: `Error: message exceeds fixed maximum message size ${opts.maxBytes}`, context: 'MESSAGE_TOO_BIG' };
  }

  const complete = (pieces: Buffer[], then: () => void): void => {
    if (refusal !== null) {
      connection.send(refusal.code, refusal.text, refusal.context);
      // A transaction stays failed until RSET; before RCPT there is none to fail.
      if (refusal.code !== 503) transactions.set(envelope, { chunks: [], octets: 0, failed: refusal });
      return then();
    }
    const t = tx ?? { chunks: [], octets: 0, failed: null };
    t.chunks.push(...pieces);
    t.octets += size;
    transactions.set(envelope, t);
    if (!last) {
      connection.send(250, `Ok: ${size} octets received, ${t.octets} in all`);
      return then();
    }
    opts.deliver(Buffer.concat(t.chunks, t.octets), connection.session).then(
      (result) => {
        for (const r of typeof result === 'string' ? [result] : result) {
          if (typeof r === 'string') connection.send(250, r, 'DATA_OK');
          else connection.send(replyCode(r), r.message);
        }
        connection._transactionCounter++;
        connection._unrecognizedCommands = 0;
      },
      (err: unknown) => connection.send(replyCode(err), err instanceof Error ? err.message : 'Error: the message was not kept'),
    ).finally(() => {
      connection._resetSession(); // the transaction is over either way, as after DATA
      then();
    });
  };

  if (size === 0) {
    complete([], callback);
    return;
  }
  // The next `size` octets are the chunk. smtp-server's reader hands what follows a command line to _feedDataStream
  // once _dataMode is set (as for DATA); here it is counted, then the rest goes back to the reader as commands.
  const pieces: Buffer[] = [];
  let remaining = size;
  parser._dataMode = true;
  parser._feedDataStream = (chunk: Buffer, done: (err?: Error | null) => void): void => {
    const take = Math.min(remaining, chunk.length);
    if (refusal === null && take > 0) pieces.push(Buffer.from(chunk.subarray(0, take)));
    remaining -= take;
    if (remaining > 0) return done();
    parser._dataMode = false;
    Reflect.deleteProperty(parser, '_feedDataStream');
    complete(pieces, () => readOn(parser, chunk.subarray(take), done));
  };
  callback();
}

/** Goes on reading commands from what came after a chunk. */
function readOn(parser: Parser, rest: Buffer, done: (err?: Error | null) => void): void {
  parser._write(rest, 'buffer', done);
}
