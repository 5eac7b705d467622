/**
 * Lines of OpenSMTPD's log (6.4 and later), read for the replies they quote and what they say (log-read.ts reads the
 * whole log). Every line names its session by 16 hex digits, then the part that wrote it (smtpd(8)'s source):
 *
 * - receiving: "1a2b3c4d5e6f7a8b smtp failed-command command="RCPT TO:<bob@example.org>" result="550 Invalid
 *   recipient: <bob@example.org>"": the reply this server gave a client, for the command it quotes; `bad-input` for a
 *   line it could not take, `authentication … result=permfail` for a failed login; `smtp message msgid=…` for a
 *   message taken (its id, which begins every envelope id of it), `connected … host=<unknown>` and `disconnected
 *   reason=…` for clients without reverse DNS or that did not say QUIT;
 * - delivering: "… mta delivery evpid=… from=<…> to=<…> rcpt=<-> source="…" relay="203.0.113.5 (mx.example.net)"
 *   delay=2s result="PermFail" stat="550 5.1.1 …"": the receiver's reply, or why there was none ("Network error on
 *   destination MXs"); `mda delivery` for a local one; "… mta error reason=Connection refused" for an attempt that
 *   failed.
 *
 * As a syslog line ("smtpd[1234]: "), or bare as `smtpd -d` prints it.
 */
import { explainBy, type LogEvent, type LogSink } from './log-events.js';

/** "smtpd[pid]: " (never "postfix/smtpd[pid]: ") or a line's start, then the session id and the part. */
export const OPENSMTPD_LINE =
  /(?:^|\s)(?:smtpd\[\d+\]: )?([0-9a-f]{16}) (smtp|mta|mda) (failed-command|bad-input|authentication|delivery|error|connected|message|disconnected) (.*)$/;

const FAILED = /^command="(.*)" result="(\d{3}[ -].*)"$/;
const BAD_INPUT = /^result="(\d{3}[ -].*)"$/;
const AUTH = /\buser=(\S*) result=(\w+)/;
const ERROR = /^reason=(.+)$/;
const CONNECTED = /^address=(\S+) host=(\S+)$/;
const MESSAGE = /^msgid=([0-9a-f]{8}) size=(\d+) nrcpt=(\d+)/;
const DISCONNECTED = /^reason="?([a-z-]+)(?::[^"]*)?"?$/;
/** Why a session ended, when it was not the client's QUIT (smtp disconnected reason=…). */
const DISCONNECT_REASONS: Readonly<Record<string, string>> = {
  disconnect: 'clients that hung up without QUIT (reason=disconnect): scanners, password guessers and spambots do, and clients once refused',
  'io-error': 'connections that failed (reason=io-error): most often a TLS handshake broken off, by a scanner or by a client whose TLS versions or ciphers this server does not take',
  timeout: 'clients that went silent until the server gave up on them (reason=timeout)',
};
const DELIVERY = /^evpid=[0-9a-f]+ from=<([^>]*)> to=<([^>]*)> .*?(?:relay="([^"]*)" |user=(\S+) )?delay=\S+ result="?(\w+)"? stat="?(.*?)"?$/;

/** Why a delivery got no reply, in the words OpenSMTPD's mta gives a route that failed. */
const DELIVERY_EVENTS: readonly LogEvent[] = [
  {
    pattern: /^Network error on destination MXs$/,
    explain: () =>
      'no MX host of the domain could be reached (every connection refused, timed out or dropped): port 25 blocked on the way, or servers down. Its own lines ("mta error", "smtp-out: Error on session") say which',
  },
  {
    pattern: /^(?:Temporary failure in MX lookup|bad DNS lookup error code)$/,
    explain: () => 'the DNS look-up of the domain\'s MX failed for now (a resolver that timed out or failed): it tries again',
  },
  {
    pattern: /^(?:Domain does not exist|Invalid domain name|No MX found for (?:domain|destination))$/,
    explain: () => 'the domain has no mail server in DNS (no such domain, or no MX and no address): the recipient\'s address is wrong, or its DNS is. /mx asks as a sending MTA does',
  },
  {
    pattern: /^Destination seem to reject all mails$/,
    explain: () => 'every server of the domain refused every message (at the greeting or at MAIL): this server is likely on their blocklist, or they refuse its name',
  },
  {
    pattern: /^Loop detected$/,
    explain: () => 'the message came back through this server too many times (its Received lines): two servers route the domain to each other',
  },
];

/** What a failed command quoted by OpenSMTPD answered: the command, "end of data" for ".", null at connect. */
function answered(command: string): string | null {
  const line = command.trim();
  if (line === '') return null;
  return line === '.' ? 'end of data' : line;
}

/** Reads one OpenSMTPD line into `sink`. `m` is OPENSMTPD_LINE's match. */
export function readOpenSmtpdLine(m: RegExpExecArray, sink: LogSink): void {
  const [, session = '', part = '', what = '', fields = ''] = m;
  if (what === 'connected') {
    // Said once for all: a client whose address has no name that resolves back (many servers refuse those).
    if (CONNECTED.exec(fields)?.[2] === '<unknown>') {
      sink.event('OpenSMTPD: clients whose address has no reverse DNS name that resolves back (host=<unknown>): spambots mostly; many servers refuse such clients');
    }
  } else if (what === 'message') {
    const msg = MESSAGE.exec(fields);
    if (msg === null) return;
    const [, id = '', size = '', n = ''] = msg;
    sink.event(
      `${session}: took message ${id}, ${size} bytes, for ${n} recipient${n === '1' ? '' : 's'}: the evpid of each recipient's envelope begins with ${id}, and its delivery lines carry it: grep ${id} for the message's way`,
    );
  } else if (what === 'disconnected') {
    const reason = DISCONNECTED.exec(fields)?.[1];
    const said = reason === undefined ? undefined : DISCONNECT_REASONS[reason];
    if (said !== undefined) sink.event(`OpenSMTPD: ${said}`);
  } else if (what === 'failed-command') {
    const failed = FAILED.exec(fields);
    if (failed === null) return;
    const command = answered(failed[1] ?? '');
    sink.reply(`${session}: this server (OpenSMTPD) refused the client's ${command ?? 'connection'}:`, failed[2] ?? '', command);
  } else if (what === 'bad-input') {
    const bad = BAD_INPUT.exec(fields);
    if (bad !== null) sink.reply(`${session}: this server (OpenSMTPD) could not take a line the client sent:`, bad[1] ?? '', null);
  } else if (what === 'authentication') {
    const auth = AUTH.exec(fields);
    if (auth !== null && auth[2] !== 'ok') {
      sink.event(`OpenSMTPD: a failed login as ${auth[1] === '' ? '(no name)' : auth[1]}: a wrong password, or a password guesser (one per connection, many connections)`);
    }
  } else if (what === 'error') {
    const reason = ERROR.exec(fields)?.[1];
    if (reason === undefined) return;
    const tls = /^TLS required but not supported/i.test(reason)
      ? ': this server requires TLS towards that server (its relay or match rule says tls), and it did not offer STARTTLS; nothing is sent in plain text'
      : '';
    sink.event(`OpenSMTPD: an attempt to deliver failed: ${reason}${tls}`);
  } else {
    const delivery = DELIVERY.exec(fields);
    if (delivery === null) return;
    const [, , to = '', relay, user, result = '', stat = ''] = delivery;
    const head = `${session} to ${to}${relay === undefined ? '' : ` via ${relay}`}${user === undefined ? '' : ` (local user ${user})`}`;
    if (/^\d{3}[ -]/.test(stat)) {
      // The receiver's own reply: to the message when it was accepted; otherwise what it answered is not logged.
      const ok = result === 'Ok';
      sink.reply(`${head}: ${result}; the server said${ok ? ', to the end of the message' : ''}:`, stat, ok ? 'end of data' : null);
      return;
    }
    const why = part === 'mda' ? (result === 'Ok' ? 'delivered locally: the message is in the recipient\'s mailbox' : null) : explainBy(DELIVERY_EVENTS, stat);
    sink.note(head, `${result}: ${stat}`, why);
  }
}
