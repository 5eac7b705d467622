/**
 * The WebSocket protocol between the browser (or any script) and the heloterm bridge.
 *
 * One union per direction, each message with a literal `type` and the protocol version `v`. Every frame is a text
 * frame. Most messages travel as JSON objects; the two that carry the dialog itself, a line to write and text
 * received, travel as compact frames instead (LINE_FRAME, RX_FRAME), as web terminals send their data: they go out
 * for every line and every chunk a server sends, and JSON at both ends was most of what a round trip through the
 * bridge cost beyond a bare relay (docs/benchmarks.md).
 *
 * Both ends encode with `encodeClientMessage` / `encodeServerMessage` and decode at the boundary with
 * `decodeClientMessage` / `decodeServerMessage`, which return a result and never throw: nothing is `as`-cast from
 * the wire. Documented for scripters in docs/protocol.md.
 */

export const PROTOCOL_VERSION = 2 as const;

/** The WebSocket subprotocol (RFC 6455 §1.9) the browser offers and the bridge selects. */
export const SUBPROTOCOL = 'heloterm.v2';

/**
 * A line to write: the frame is `>` followed by the line (no line ending). The JSON `line` message means the same
 * and is accepted too (easier to type by hand).
 */
export const LINE_FRAME = '>';
/**
 * Text received: the frame is `<`, the number of lines reported as sent (decimal), `:`, each sent line followed by
 * LF, then the data. No sent line can hold an LF: the bridge refuses lines with control characters.
 * `<0:220 ready\r\n` is a greeting; `<1:NOOP\n250 2.0.0 Ok\r\n` reports NOOP as written, then its reply.
 */
export const RX_FRAME = '<';
/**
 * The access token travels as a second offered subprotocol, `heloterm.token.<token>`: browsers cannot set headers
 * on a WebSocket handshake, and a query string would end up in access logs. The bridge never selects (echoes) it.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = 'heloterm.token.';

/** The TLS mode of a connection: plain TCP (STARTTLS may upgrade it later) or implicit TLS (RFC 8314, port 465). */
export type TlsMode = 'none' | 'implicit';

// ---------------------------------------------------------------------------------------------------------------
// Browser -> bridge
// ---------------------------------------------------------------------------------------------------------------

/** An IP version: 4 or 6 (`telnet -4` / `telnet -6`). */
export type IpFamily = 4 | 6;

/** Open a TCP (or implicit TLS) connection to an SMTP server. One SMTP connection per WebSocket at a time. */
export interface ConnectMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'connect';
  host: string;
  port: number;
  tls: TlsMode;
  /**
   * Dial only addresses of this IP version (a name's A or AAAA records; an address literal must be of it), as
   * `telnet -6` does: to test a server over IPv6 and IPv4 apart. Absent: any, in the resolver's order.
   */
  family?: IpFamily;
}

/**
 * One command line, without its line ending. The bridge appends exactly one CRLF (RFC 5321 §2.3.8) and refuses a
 * line that contains CR, LF, NUL or any other control character but TAB (C0 and DEL), so a bare CR or LF can
 * never reach the server. On the wire a LINE_FRAME (or, equally, a JSON object).
 */
export interface LineMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'line';
  text: string;
}

/** Close the SMTP connection (without QUIT: it is the equivalent of closing telnet). */
export interface DisconnectMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'disconnect';
}

/**
 * Look up where a domain's mail goes: its MX records (RFC 5321 §5.1), each with its addresses, as `dig MX` and
 * `dig A` would tell. Needs no SMTP connection. Answered with an `mx` message.
 */
export interface MxLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'mx';
  /** A domain name (RFC 1123 labels), not an address. */
  domain: string;
  /** Also look up the domain's mail policies (SPF, DMARC, MTA-STS, TLS-RPT: TXT records), in the same lookup. */
  policies?: true;
}

/**
 * Look up the reverse DNS of the server this session is connected to: the PTR records of its address, and whether
 * each name resolves back to it (forward-confirmed reverse DNS), as `dig -x` then `dig A` would tell. Answered with
 * an `rdns` message; needs a connection.
 */
export interface RdnsLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'rdns';
  /** An address to look up instead (the one an admin's own mail is sent from): then no connection is needed. */
  ip?: string;
}

/**
 * Look up the DKIM key a domain publishes for a selector: the TXT records at <selector>._domainkey.<domain>
 * (RFC 6376 §3.6.2.1), as `dig TXT` would tell. Needs no SMTP connection. Answered with a `dkim` message.
 */
export interface DkimLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dkim';
  /** The selector, as the s= of a DKIM-Signature header names it: one or more RFC 1123 labels. */
  selector: string;
  /** A domain name (RFC 1123 labels), as the d= of a DKIM-Signature header names it. */
  domain: string;
}

/**
 * Check SPF for a sending address as a receiver would (RFC 7208 §4, check_host()): may `ip` send mail whose MAIL FROM
 * is in `domain`? What `spfquery` tells an admin by hand. Needs no SMTP connection. Answered with an `spf` message.
 */
export interface SpfCheckMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'spf';
  /** The sending address, IPv4 or IPv6, as a Received line or a refusal names it. */
  ip: string;
  /** The MAIL FROM address's domain (RFC 1123 labels); for an empty MAIL FROM, the HELO name (RFC 7208 §2.4). */
  domain: string;
}

/**
 * Ask the common domain blocklists whether they list a domain (RFC 5782 §2.3), as receivers check a message's sender
 * domain, HELO name and links. Needs no SMTP connection. Answered with a `dbl` message.
 */
export interface DblLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dbl';
  /** A domain name (RFC 1123, A-labels): the lists are asked about its registered domain. */
  domain: string;
}

/**
 * Ask the common DNS blocklists whether they list an address (RFC 5782), as receivers do before they accept mail
 * from it. Needs no SMTP connection. Answered with a `dnsbl` message.
 */
export interface DnsblLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dnsbl';
  /** The address, IPv4 or IPv6: the one mail is sent from, as a refusal names it. */
  ip: string;
}

/**
 * Look up DANE for the TLS session the connection has now (RFC 7672): the TLSA records at _<port>._tcp.<host dialled>,
 * and whether the certificate the server presented matches them. Answered with a `dane` message; needs TLS.
 */
export interface DaneLookupMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dane';
}

/** A port to probe, and whether TLS starts at once there (implicit TLS: 465, RFC 8314 §3). */
export interface ProbePort {
  port: number;
  tls: TlsMode;
}

/**
 * Which of a host's mail ports answer (`/ports`): the bridge dials each (allowed ports only, the target policy as
 * for `connect`, the host's first address of the version asked for), waits for the greeting (for implicit TLS, after
 * the handshake), sends QUIT and closes; nothing else is sent. Answered with a `ports` message; needs no connection
 * and counts as a lookup (one at a time, 20 a minute).
 */
export interface PortsProbeMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ports';
  host: string;
  /** 1 to 6 different ports. */
  ports: ProbePort[];
  family?: IpFamily;
}

/**
 * A TLS version as OpenSSL and Node name it (app-limits.ts TLS_VERSIONS lists them: a value here would be in the boot
 * script, which shares this module).
 */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/**
 * Which TLS versions a server accepts on a port (`/tls versions`), as `openssl s_client -tls1_1` and its kin find out
 * one at a time: the bridge dials the port once for each version, at once (the target policy as for `connect`, the
 * host's first address of the version asked for); with `tls` "implicit" it starts the handshake at once, else it
 * reads the whole greeting, sends EHLO and, when STARTTLS is offered, STARTTLS; then it offers that TLS version alone,
 * and after the handshake sends QUIT and closes. Answered with a `tlsversions` message; needs no connection and counts
 * as a lookup (one at a time, 20 a minute).
 */
export interface TlsVersionsProbeMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tlsversions';
  host: string;
  port: number;
  tls: TlsMode;
  family?: IpFamily;
}

/**
 * A line ending other than CRLF, then a dot and a line ending, as SMTP smuggling ends a message early (CVE-2023-51764,
 * -51765, -51766): "LF.LF" is "\n.\n", "LF.CRLF" "\n.\r\n", "CRLF.LF" "\r\n.\n", "CR.CRLF" "\r.\r\n". Only
 * "\r\n.\r\n" ends a message (RFC 5321 §4.1.1.4).
 */
export type SmugglingSequence = 'LF.LF' | 'LF.CRLF' | 'CRLF.LF' | 'CR.CRLF';

/**
 * Whether a server ends a message at a sequence other than CRLF.CRLF (`/smuggling`): open to SMTP smuggling. The
 * bridge dials the port once for each sequence (app-limits.ts SMUGGLING_SEQUENCES), at once, without TLS (the target
 * policy as for `connect`, the host's first address of the version asked for); reads the whole greeting, sends EHLO,
 * `MAIL FROM:<from>`, `RCPT TO:<to>` and DATA, and after the 354 a short test message whose last line ends with the
 * sequence, then a line `NOOP` and the standard end; then QUIT. A server that ended the message at the sequence reads
 * the NOOP as a command and answers it before QUIT's 221. It sends one test message to `to` for each sequence (cut
 * at the sequence where the server ends it there). Answered with a `smuggling` message; needs no connection and
 * counts as a lookup (one at a time, 20 a minute).
 */
export interface SmugglingProbeMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'smuggling';
  host: string;
  port: number;
  /** The recipient, an address in ASCII (app-limits.ts isProbeAddress): the server must take mail for it. */
  to: string;
  /** The envelope sender: an address, or '' for the null sender `<>`. */
  from: string;
  family?: IpFamily;
}

/**
 * Whether a server takes commands sent in plain text before TLS as sent inside it (`/tls injection`): STARTTLS command
 * injection (CVE-2011-0411 and its kin, found again in 2021 by the "NO STARTTLS" study). The bridge dials the port once,
 * without TLS (the target policy as for `connect`, the host's first address of the version asked for), reads the whole
 * greeting and sends EHLO; when STARTTLS is offered it writes "STARTTLS\r\nNOOP\r\n" at once, and after the 220 does a
 * handshake (Node's defaults) and sends QUIT over TLS. A server that kept the NOOP from before TLS answers it before
 * QUIT's 221. Never sends mail, never logs in. Answered with a `tlsinjection` message; counts as a lookup.
 */
export interface TlsInjectionProbeMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tlsinjection';
  host: string;
  port: number;
  family?: IpFamily;
}

/**
 * TLS on every MX host of a domain (`/tls mx`), as sending MTAs meet it: the bridge looks up the domain's MX records
 * (as `mx` does) and its MTA-STS record, fetching the policy it announces; then it dials each MX host on port 25 at
 * once (at most app-limits.ts MAX_MX_TLS_HOSTS, lowest preference first; the target policy as for `connect`, a host's
 * addresses in turn until one answers), reads the whole greeting, sends EHLO and, when STARTTLS is offered, STARTTLS;
 * then a handshake with Node's defaults (the best version both sides have), its certificate checked against the MX
 * host's name and against its TLSA records (DANE, looked up meanwhile); then QUIT. Never sends mail. The practice
 * server's domain is answered with the practice server. Answered with an `mxtls` message; counts as a lookup.
 */
export interface MxTlsProbeMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'mxtls';
  /** A domain name (RFC 1123 labels), not an address. */
  domain: string;
}

/**
 * Where the page is in the guided lessons, and the name the trainee gave (`/name`), for the instructor's class view
 * (the bridge keeps the last one per session, for as long as the session lasts; nothing else of it). Sent whenever
 * it changes, whole; no answer.
 */
export interface ProgressMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'progress';
  /** '' when none was given; at most MAX_TRAINEE_NAME characters (app-limits.ts), no control characters. */
  name: string;
  /**
   * The lesson in hand (its id, shared/lessons/catalogue.ts), its step (0-based) and the replies at that step that
   * were not the one it wants (`↺`: a trainee who may be stuck), or null.
   */
  lesson: { id: string; step: number; retries: number } | null;
  /** The lessons finished in this page, in the order finished. */
  done: string[];
  /** The trainee asks the instructor for help (`/hand`, or the page's Ask for help): until lowered. Absent: false. */
  hand?: boolean;
  /**
   * With `hand` only: the newest lines of the page's dialog, shared with the instructor while the trainee asks for
   * help (said so on the page when asking), as the transcript writes them ("C: MAIL FROM:<…>", "S: 550 …", AUTH
   * credentials removed, a long multiline reply shortened: Transcript.recent); at most MAX_SHARED_LINES of MAX_SHARED_LINE_CHARS characters (app-limits.ts). The bridge
   * keeps them until the hand is lowered.
   */
  lines?: string[];
  /** The last quiz finished in this page (`/quiz`): answers right of questions asked (at most MAX_QUIZ_QUESTIONS). */
  quiz?: { right: number; of: number };
}

export type ClientMessage =
  | ConnectMessage
  | LineMessage
  | DisconnectMessage
  | MxLookupMessage
  | RdnsLookupMessage
  | DaneLookupMessage
  | DkimLookupMessage
  | SpfCheckMessage
  | DnsblLookupMessage
  | DblLookupMessage
  | PortsProbeMessage
  | TlsVersionsProbeMessage
  | SmugglingProbeMessage
  | TlsInjectionProbeMessage
  | MxTlsProbeMessage
  | ProgressMessage;

// ---------------------------------------------------------------------------------------------------------------
// Bridge -> browser
// ---------------------------------------------------------------------------------------------------------------

/** Sent once when the WebSocket opens: what this bridge offers. */
export interface HelloMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'hello';
  /** The embedded practice server, if running: the default target of the connect form. */
  practice: PracticeInfo | null;
  /** Ports the bridge will dial. */
  allowedPorts: number[];
}

export interface PracticeInfo {
  host: string;
  /** Its SMTP port. */
  port: number;
  /** Its LMTP side's port (RFC 2033: LHLO, one reply per recipient after the final "."), on the same address. */
  lmtpPort: number;
  /** Its port with TLS from the first byte (RFC 8314, as 465 is for submission): the same server, no STARTTLS. */
  tlsPort: number;
  domain: string;
  mailboxes: string[];
}

/** The bridge is resolving and dialling. */
export interface ConnectingMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'connecting';
  host: string;
  port: number;
}

/** The TCP connection is up (for implicit TLS: the TLS handshake is done too). */
export interface ConnectedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'connected';
  host: string;
  /** The address actually dialled, after DNS resolution. */
  address: string;
  port: number;
}

/**
 * Text received from the SMTP server, exactly as sent (decoded as UTF-8; invalid bytes become U+FFFD). Chunk
 * boundaries are arbitrary: feed them to the shared reply parser. On the wire an RX_FRAME, not JSON.
 */
export interface RxMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'rx';
  /**
   * Lines the bridge wrote to the SMTP server before `data` arrived and not yet reported, in order (without the
   * CRLF it appended): the usual way a written line is reported, together with the reply to it. Absent when none.
   */
  sent?: string[];
  data: string;
}

/**
 * A line the bridge wrote to the SMTP server (the CRLF it appended is not included), reported on its own: when no
 * `rx` followed it soon (a line of message text, a slow server) or another message had to go first. Every written
 * line is reported exactly once, in order, either here or in an `rx`'s `sent`.
 */
export interface TxMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tx';
  text: string;
}

/** A line is held until the server's 220 greeting has arrived (servers reject early talkers). */
export interface QueuedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'queued';
  text: string;
}

/** TLS is now active, after STARTTLS (RFC 3207) or at connect (implicit TLS). */
export interface TlsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tls';
  protocol: string;
  cipher: string;
  /** Whether the certificate chain verified against the system's trust store for `host`. */
  authorized: boolean;
  /** Why it did not verify (e.g. DEPTH_ZERO_SELF_SIGNED_CERT), or null. */
  authorizationError: string | null;
  /** The certificate the server presented, or null if it sent none. Older bridges do not send it (read as null). */
  certificate: PeerCertificate | null;
}

/** Most names of a certificate sent (a certificate may list hundreds); `nameCount` says how many it has. */
export const MAX_CERT_NAMES = 20;
/** Most certificates of the chain above the server's own that are described. */
export const MAX_CERT_CHAIN = 5;
/** Longest distinguished name or certificate name sent, in characters (longer ones are cut and end in "…"). */
export const MAX_CERT_TEXT = 200;

/**
 * The server's certificate as the bridge received it in the TLS handshake. Everything in it is the server's word
 * (it may hold any characters): show it through showControls, like server text.
 */
export interface PeerCertificate {
  /** Distinguished name, one line: "CN=mail.example.com" (RFC 4514 order as OpenSSL prints it). */
  subject: string;
  issuer: string;
  /** The names it is for (subjectAltName, RFC 5280 §4.2.1.6): "DNS:mail.example.com", "IP Address:192.0.2.1". */
  names: string[];
  /** How many names it has in all (`names` holds at most MAX_CERT_NAMES). */
  nameCount: number;
  /** Validity (RFC 5280 §4.1.2.5), ISO 8601, or null if the bridge could not read the date. */
  validFrom: string | null;
  validTo: string | null;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** Issued by itself (subject equals issuer): no certificate authority vouches for it. */
  selfIssued: boolean;
  /**
   * The subjects of the certificates above it, nearest first (at most MAX_CERT_CHAIN): those the server sent, then
   * the root found in the bridge's trust store if any. Empty when not even its issuer was found.
   */
  chain: string[];
  /**
   * Whether its names cover the host dialled, by the rules a verifying client applies (RFC 6125 §6.4: DNS names,
   * a wildcard only as the whole leftmost label, IP addresses). Checked even when the chain did not verify.
   */
  coversHost: boolean;
}

/** Who ended the SMTP connection. */
export type CloseCause = 'server' | 'client' | 'error';

export interface ClosedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'closed';
  by: CloseCause;
  reason: string;
}

/** Stable error codes; `message` carries the human explanation. */
export const ERROR_CODES = {
  /** The frame was not a valid protocol message. */
  BAD_MESSAGE: 'BAD_MESSAGE',
  /** The bridge's target policy refused the host or port. */
  TARGET_REFUSED: 'TARGET_REFUSED',
  /** The server actively refused the TCP connection (ECONNREFUSED). */
  CONNECTION_REFUSED: 'CONNECTION_REFUSED',
  /** No answer within the connect timeout. */
  TIMEOUT: 'TIMEOUT',
  /** One address of the host did not take the connection (refused, unreachable, no answer); the next is dialled. */
  ADDRESS_FAILED: 'ADDRESS_FAILED',
  /** The host name does not exist in DNS (ENOTFOUND). */
  DNS_NOT_FOUND: 'DNS_NOT_FOUND',
  /** Network unreachable, host unreachable, reset and other socket errors. */
  NETWORK: 'NETWORK',
  /** TLS handshake failed. */
  TLS_FAILED: 'TLS_FAILED',
  /** A line was sent while no SMTP connection is open. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** A connect was sent while a connection is already open. */
  ALREADY_CONNECTED: 'ALREADY_CONNECTED',
  /** The typed line contained CR, LF, NUL or another control character, or was too long. Nothing was sent. */
  LINE_REJECTED: 'LINE_REJECTED',
  /** The server broke a limit (reply line too long, too many lines in a reply). The connection was closed. */
  SERVER_LIMIT: 'SERVER_LIMIT',
  /** A deployment limit refused the line (no DATA, too many recipients, too many commands a minute): nothing sent. */
  POLICY_REFUSED: 'POLICY_REFUSED',
  /** The bridge is ending this session (idle, maximum duration, shutting down); the WebSocket closes next. */
  SESSION_CLOSING: 'SESSION_CLOSING',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ErrorMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'error';
  code: ErrorCode;
  message: string;
}


/** One MX record, with the addresses its host name resolves to (none: it does not resolve). */
export interface MxHost {
  /** Lower is tried first (RFC 5321 §5.1). */
  preference: number;
  /** The mail server's host name; "" for the root, ".", as in a null MX (RFC 7505). */
  exchange: string;
  /** Its IPv4 and IPv6 addresses (A and AAAA records), at most MAX_MX_ADDRESSES. */
  addresses: string[];
  /** Why its addresses could not be looked up ("ETIMEOUT", "ESERVFAIL"), when neither lookup answered; else absent. */
  lookupError?: string;
}

/** Where mail for a domain goes, as DNS says. */
export type MxAnswer =
  /** MX records, sorted by preference (at most MAX_MX_HOSTS of `count`). */
  | { kind: 'mx'; hosts: MxHost[]; count: number }
  /** No MX records: mail goes to the domain's own addresses, an implicit MX (RFC 5321 §5.1). */
  | { kind: 'implicit'; addresses: string[] }
  /** A null MX (RFC 7505): the domain takes no mail. */
  | { kind: 'null' }
  /**
   * No answer to go by: no such domain, no MX and no address, the lookup failed, or the bridge would not make it now
   * (`refused`: one of its limits; `detail` says how or which).
   */
  | { kind: 'none'; reason: 'no-domain' | 'no-records' | 'dns-error' | 'refused'; detail: string };

/** The TXT records of one mail policy: those that begin with its version tag, each one's strings joined. */
export type PolicyRecords =
  /** At most MAX_POLICY_RECORDS of `count`, each cut to MAX_POLICY_CHARS. */
  | { kind: 'records'; records: string[]; count: number }
  /** None: the name does not exist, or has no TXT record with the tag. */
  | { kind: 'none' }
  /** The lookup failed (`detail` says how). */
  | { kind: 'error'; detail: string };

/**
 * The DNS lookups evaluating a domain's SPF record costs a receiver (RFC 7208 §4.6.4: more than 10 is a permanent
 * error), counted through the records its includes and redirect name, as far as the bridge followed them.
 */
export interface SpfLookups {
  /** Terms that cost a lookup (include, a, mx, ptr, exists, redirect) in the record and those it names. */
  count: number;
  /**
   * Includes or a redirect whose domain has no SPF record (a permanent error, RFC 7208 §5.2, §6.1), as written
   * (`include:<domain>`, `redirect=<domain>`), at most MAX_SPF_MISSING.
   */
  missing: string[];
  /** Not every record named could be followed (a lookup failed or was too slow, or the count passed 10 first). */
  partial: boolean;
}

/** The MTA-STS policy file a domain serves (RFC 8461 §3.3), as the bridge fetched it. */
export type MtaStsFetch =
  /** Fetched: its text (at most MAX_MTA_STS_CHARS; `cut` when longer) and its Content-Type, when it had one. */
  | { kind: 'policy'; text: string; cut: boolean; contentType: string | null }
  /** Not fetched: why (no address, refused by the target policy, TLS, HTTP status, too large, too slow). */
  | { kind: 'error'; detail: string };

/** What a domain publishes about the mail sent from it and to it, in TXT records. */
export interface PolicyAnswer {
  /** "v=spf1" at the domain (RFC 7208 §4.5). */
  spf: PolicyRecords;
  /** When the domain has one SPF record: the lookups evaluating it costs. */
  spfLookups?: SpfLookups;
  /** "v=DMARC1" at _dmarc.<domain> (RFC 7489 §6.6.3). */
  dmarc: PolicyRecords;
  /**
   * When the domain has no DMARC record and is below its organizational domain (the name registered under a public
   * suffix, example.org for news.example.org): that domain's DMARC records, which receivers use instead (RFC 7489
   * §6.6.3).
   */
  dmarcOrg?: { domain: string; dmarc: PolicyRecords };
  /** "v=STSv1" at _mta-sts.<domain> (RFC 8461 §3.1). */
  mtaSts: PolicyRecords;
  /** When there is such a record: the policy it announces, from https://mta-sts.<domain>/.well-known/mta-sts.txt. */
  mtaStsPolicy?: MtaStsFetch;
  /** "v=TLSRPTv1" at _smtp._tls.<domain> (RFC 8460 §3). */
  tlsRpt: PolicyRecords;
  /** "v=BIMI1" at default._bimi.<domain> (the brand logo inboxes may show; draft-brand-indicators-for-message-identification). */
  bimi?: PolicyRecords;
}

/** The answer to an `mx` lookup. */
export interface MxMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'mx';
  domain: string;
  answer: MxAnswer;
  /** When asked for: the domain's mail policies. */
  policies?: PolicyAnswer;
}


/** One PTR record's name, with the addresses it resolves to (forward-confirmed when the dialled one is among them). */
export interface RdnsName {
  name: string;
  /** Its IPv4 and IPv6 addresses (A and AAAA records), at most MAX_MX_ADDRESSES. */
  addresses: string[];
  /** Why its addresses could not be looked up ("ETIMEOUT", "ESERVFAIL"), when neither lookup answered; else absent. */
  lookupError?: string;
}

/** What reverse DNS says about an address. */
export type RdnsAnswer =
  /** PTR records (at most MAX_RDNS_NAMES of `count`). */
  | { kind: 'names'; names: RdnsName[]; count: number }
  /**
   * No PTR record (the name or the record does not exist), the lookup failed, or the bridge would not make it now
   * (`refused`: one of its limits; `detail` says how or which).
   */
  | { kind: 'none'; reason: 'no-ptr' | 'dns-error' | 'refused'; detail: string };

/** A TLSA record (RFC 6698 §2.1) and whether the server's certificate chain matches it. */
export interface TlsaSeen {
  /** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE. */
  usage: number;
  /** 0 the whole certificate, 1 its public key (SPKI). */
  selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512. */
  matching: number;
  /** The data in hex, cut to 128 digits; `dataBytes` its whole length. */
  data: string;
  dataBytes: number;
  /** Whether it matches the chain; `unusable`: parameters a sender ignores for SMTP (RFC 7672 §3.1.3). */
  match: 'yes' | 'no' | 'unusable';
}

/**
 * What DANE says of a TLS session: the TLSA records at `name` (at most app-limits.ts MAX_TLSA_RECORDS of `count`) with
 * their verdicts, or none and why. `secure`: the resolver asked set the AD bit (it says it validated the answer with
 * DNSSEC). `suggested`: the record that would match the server's own key ("3 1 1 <hex>"), null without a certificate.
 */
export type DaneAnswer =
  | { kind: 'records'; name: string; secure: boolean; records: TlsaSeen[]; count: number; suggested: string | null }
  | {
      kind: 'none';
      name: string;
      /** `no-name`: the name does not exist; `no-records`: no TLSA there; `not-a-name`: an address was dialled. */
      reason: 'no-name' | 'no-records' | 'dns-error' | 'refused' | 'no-tls' | 'not-a-name';
      detail: string;
      secure?: boolean;
      suggested: string | null;
    };

/** The answer to a `dane` lookup, about the TLS session of the connection to `host` port `port`. */
export interface DaneMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dane';
  host: string;
  port: number;
  answer: DaneAnswer;
}

/** The answer to an `rdns` lookup, about the address the session's connection was made to. */
export interface RdnsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'rdns';
  address: string;
  answer: RdnsAnswer;
}

/**
 * The answer to a `dkim` lookup: the TXT records at <selector>._domainkey.<domain>, all of them (a key record need
 * not begin with a version tag). A lookup over one of the bridge's limits is answered as an `error`.
 */
export interface DkimMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dkim';
  selector: string;
  domain: string;
  answer: PolicyRecords;
}

/** The results of an SPF check (RFC 7208 §2.6). */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** What an SPF check found, or why the bridge did not make it. */
export type SpfCheck =
  | {
      kind: 'checked';
      result: SpfResult;
      /** The domain's SPF record, when it has one (at most MAX_POLICY_CHARS). */
      record?: string;
      /** For none, permerror and temperror: what went wrong, in the checker's words (at most MAX_SPF_DETAIL_CHARS). */
      detail?: string;
      /** For none: the domain itself does not exist (its TXT query answered NXDOMAIN), so nobody could publish a record. */
      noDomain?: true;
      /** DNS lookups the evaluation made until it had its result (RFC 7208 §4.6.4: past 10, a permerror)… */
      lookups: number;
      /** …and of them, those that found nothing ("void": past 2, a permerror). */
      voidLookups: number;
    }
  /** Over one of the bridge's limits (`detail` says which). */
  | { kind: 'refused'; detail: string };

/** The answer to an `spf` check. */
export interface SpfMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'spf';
  ip: string;
  domain: string;
  answer: SpfCheck;
}

/** What one blocklist (its `zone`, shared/smtp/dnsbl-zones.ts) answered about an address. */
export type DnsblListAnswer =
  /** It answered with these addresses (RFC 5782 §2.1: listed, or the list refusing the query), and a TXT reason. */
  | { zone: string; kind: 'listed'; codes: string[]; reason?: string }
  /** No such name: not listed. */
  | { zone: string; kind: 'clean' }
  /** Not asked: the list does not list IPv6 addresses. */
  | { zone: string; kind: 'skipped' }
  /** The lookup failed (`detail`: its error code). */
  | { zone: string; kind: 'error'; detail: string };

/**
 * The answer to a `dbl` lookup: each domain list's (shared/smtp/dnsbl-zones.ts DOMAIN_BL_ZONES; none is `skipped`),
 * or why the bridge did not ask. `asked`: the name the lists were asked about, the registered domain of `domain` (the
 * name these lists hold: example.org for mail.example.org), or `domain` itself.
 */
export interface DblMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dbl';
  domain: string;
  asked: string;
  answer: { kind: 'checked'; lists: DnsblListAnswer[] } | { kind: 'refused'; detail: string };
}

/** The answer to a `dnsbl` lookup: each list's, or why the bridge did not ask. */
export interface DnsblMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'dnsbl';
  ip: string;
  answer: { kind: 'checked'; lists: DnsblListAnswer[] } | { kind: 'refused'; detail: string };
}

/**
 * What one port did when probed: `greeting` (it greeted: `text` is the reply's first line), `silent` (connected, no
 * line within the wait), `refused` (nothing listens), `timeout` (no answer to the connection: dropped on the way, or
 * the host is down), `tls-failed` (implicit TLS: the handshake failed, `text` says why), `error` (another socket
 * error, `text`). `ms`: from dialling to the outcome. `tls`: for implicit TLS once the handshake is done.
 */
export interface PortOutcome {
  port: number;
  /**
   * …and `held`: the first part of a greeting in parts came (`text`), the rest not within the wait, and nothing was
   * sent (Postfix's postscreen); `not-dialled`: the target policy refused this port of the host (`text` says why).
   */
  outcome: 'greeting' | 'held' | 'silent' | 'refused' | 'timeout' | 'tls-failed' | 'error' | 'not-dialled';
  /** The server's words or the error's, at most 200 characters: show them with control characters made visible. */
  text: string;
  ms: number;
  tls: { protocol: string; authorized: boolean; authorizationError: string | null } | null;
  /**
   * For a 220 greeting: the lines of the server's answer to EHLO after its first ("STARTTLS", "AUTH PLAIN LOGIN",
   * "SIZE 10240000"), without the "250-"; null when it did not answer 250 (or no greeting came).
   */
  ehlo: string[] | null;
  /**
   * After a 220 greeting, when EHLO got no 250: the first line of what it got instead ("550 5.7.1 Client host
   * rejected…"), or that none came or the server closed; absent otherwise. At most 200 characters: the server's words.
   */
  ehloRefused?: string;
}

/** The answer to a `ports` probe: each port's outcome at the address dialled, or why none was dialled. */
export interface PortsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ports';
  host: string;
  answer:
    /**
     * `otherFamily`: the host's first address of the other IP version, when it has one (no version was asked for);
     * `other`: the same ports dialled there, at the address dialled (absent when none could be).
     */
    | { kind: 'probed'; address: string; ports: PortOutcome[]; otherFamily?: string; other?: { address: string; ports: PortOutcome[] } }
    /** `refused`: a limit or the target policy; `not-found`: the name has no address (of the version asked for). */
    | { kind: 'none'; reason: 'refused' | 'not-found'; detail: string };
}

/**
 * What one sequence got (`/smuggling`): `ended` (the server answered the message's end, `text`, and then the NOOP line
 * after the sequence, `next`: it ended the message at the sequence and read on as commands), `text` (it answered the
 * standard end with `text`, a 2xx, then QUIT with 221: the sequence was message text), `refused` (it refused the
 * message or the bare line ending: `text` its reply, or that it closed the connection), `not-reached` (the dialog did
 * not get to a 354: `text` says where, in the server's words where it gave any), `unclear` (no answer that tells:
 * `text` why), `error` (the connection failed: `text`). `ms`: from dialling to the outcome.
 */
export interface SmugglingOutcome {
  sequence: SmugglingSequence;
  outcome: 'ended' | 'text' | 'refused' | 'not-reached' | 'unclear' | 'error';
  /** At most 200 characters (each below): show them with control characters made visible. */
  text: string;
  /** The reply after the message's (to the NOOP where the server read it as a command; QUIT's 221 otherwise), or ''. */
  next: string;
  ms: number;
}

/** The answer to a `smuggling` probe: each sequence's outcome at the address dialled, or why none was dialled. */
export interface SmugglingMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'smuggling';
  host: string;
  port: number;
  answer:
    | { kind: 'probed'; address: string; sequences: SmugglingOutcome[] }
    /** `refused`: a limit or the target policy; `not-found`: the name has no address (of the version asked for). */
    | { kind: 'none'; reason: 'refused' | 'not-found'; detail: string };
}

/**
 * What a `tlsinjection` probe found: `injected` (over TLS the server answered the NOOP sent before it, `text`, before
 * QUIT's reply, `next`: it takes commands injected before TLS as sent inside it), `safe` (over TLS the first reply was
 * QUIT's 221, `text`: the NOOP from before TLS was dropped, as RFC 3207 §4 wants), `no-starttls` (no handshake was
 * tried: `text` says why: STARTTLS not offered, or its answer), `tls-failed` (the handshake failed: `text`),
 * `unclear` (no reply that tells, or the NOOP answered in plain text before the handshake: `text`), `error` (the
 * connection failed: `text`). `ms`: from dialling to the outcome.
 */
export interface TlsInjectionOutcome {
  outcome: 'injected' | 'safe' | 'no-starttls' | 'tls-failed' | 'unclear' | 'error';
  /** At most 200 characters (each): show them with control characters made visible. */
  text: string;
  next: string;
  ms: number;
}

/** The answer to a `tlsinjection` probe: its outcome at the address dialled, or why none was dialled. */
export interface TlsInjectionMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tlsinjection';
  host: string;
  port: number;
  answer:
    | ({ kind: 'probed'; address: string } & TlsInjectionOutcome)
    /** `refused`: a limit or the target policy; `not-found`: the name has no address (of the version asked for). */
    | { kind: 'none'; reason: 'refused' | 'not-found'; detail: string };
}

/**
 * What one MX host did (`/tls mx`): `tls` (STARTTLS and the handshake done: `tls` says how, `text` empty),
 * `no-starttls` (greeted, but STARTTLS not offered or not answered with 220: `text` says which), `tls-failed` (the
 * handshake failed: `text` why), `no-greeting` (connected, but no 220 greeting and EHLO answer to go on with: `text`),
 * `unreachable` (the connection was refused, timed out or failed: `text`), `no-address` (the name has no address, or
 * its lookup failed: `text`), `not-dialled` (the target policy refused it: `text`). `ms`: from dialling to the outcome.
 */
export interface MxTlsOutcome {
  /** The MX host's name, as the MX record gives it (for an implicit MX, the domain). */
  host: string;
  /** Its MX preference; null for an implicit MX. */
  preference: number | null;
  /** The address dialled, or null when none was. */
  address: string | null;
  outcome: 'tls' | 'no-starttls' | 'tls-failed' | 'no-greeting' | 'unreachable' | 'no-address' | 'not-dialled';
  /** At most 200 characters: the server's words or the error's; show them with control characters made visible. */
  text: string;
  ms: number;
  /** Once the handshake was done: as a `tls` message reports a session's, the certificate checked against `host`. */
  tls: { protocol: string; cipher: string; authorized: boolean; authorizationError: string | null; certificate: PeerCertificate | null } | null;
  /**
   * For a host reached (`tls`, `no-starttls`, `tls-failed`) by its name: DANE as a `dane` answer gives it, the TLSA
   * records at _<port>._tcp.<host> checked against the certificates it presented (none without TLS); absent otherwise.
   */
  dane?: DaneAnswer;
}

/** The answer to an `mxtls` probe. */
export interface MxTlsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'mxtls';
  domain: string;
  answer:
    /**
     * Each MX host's outcome, lowest preference first (at most MAX_MX_TLS_HOSTS of `count`); `implicit`: the domain
     * has no MX records and its own addresses were dialled; `port`: the port dialled (25, or the practice server's);
     * `mtaSts`: when the domain has an MTA-STS record, the policy it announces as fetched, and `tlsRpt` its TLS-RPT
     * records (RFC 8460: where senders report failing the policy).
     */
    | { kind: 'probed'; hosts: MxTlsOutcome[]; count: number; implicit: boolean; port: number; mtaSts?: MtaStsFetch; tlsRpt?: PolicyRecords }
    /** Nothing dialled: `null-mx` (it takes no mail), or the MX lookup's own reasons (MxAnswer `none`). */
    | { kind: 'none'; reason: 'null-mx' | 'no-domain' | 'no-records' | 'dns-error' | 'refused'; detail: string };
}

/**
 * What one TLS version got (`/tls versions`): `accepted` (the handshake was done; `cipher`: the suite agreed on,
 * `text` empty), `refused` (the server ended the handshake or the connection: `text` says how, OpenSSL's alert),
 * `no-starttls` (the dialog before TLS did not get to a handshake: `text` says why, in the server's words where it
 * gave any; nothing was sent after a greeting that was not whole), `error` (the connection failed, or this bridge
 * could not offer the version: `text`). `ms`: from dialling to the outcome.
 */
export interface TlsVersionOutcome {
  version: TlsVersion;
  outcome: 'accepted' | 'refused' | 'no-starttls' | 'error';
  cipher: string | null;
  /** At most 200 characters: show them with control characters made visible. */
  text: string;
  ms: number;
}

/** The answer to a `tlsversions` probe: each version's outcome at the address dialled, or why none was dialled. */
export interface TlsVersionsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'tlsversions';
  host: string;
  port: number;
  answer:
    | { kind: 'probed'; address: string; versions: TlsVersionOutcome[] }
    /** `refused`: a limit or the target policy; `not-found`: the name has no address (of the version asked for). */
    | { kind: 'none'; reason: 'refused' | 'not-found'; detail: string };
}

/**
 * The embedded practice server stored a message this session sent: what it keeps, for the trainee to see what a
 * mailbox receives. Sent only to the session whose connection sent it.
 */
export interface StoredMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'stored';
  /** The message's number, as the reply to the final "." said it. */
  n: number;
  /** The envelope: MAIL FROM's address, and the RCPT TO addresses (at most MAX_STORED_RECIPIENTS of `recipients`). */
  from: string;
  to: string[];
  recipients: number;
  /** The message as stored (with the trace lines the server put before it), at most MAX_STORED_CHARS. */
  text: string;
  cut: boolean;
  /** The delivery status notifications its deliveries called for (at most two: failures, deliveries). */
  reports?: StoredReport[];
}

/**
 * A delivery status notification (RFC 3464) the practice server sent back to a stored message's sender, or would
 * have: a bounce (`failed`: gone@practice.test, refused after the message was accepted) or a delivery report
 * (`delivered`: asked for with NOTIFY=SUCCESS). `recipients`: those it is about, at most MAX_STORED_RECIPIENTS; `n`
 * and `text` (at most MAX_STORED_CHARS): the report as a message; or `n` null, `text` empty and `unsent` why none went
 * (the null sender; NOTIFY= leaving the outcome out).
 */
export interface StoredReport {
  action: 'failed' | 'delivered';
  recipients: string[];
  n: number | null;
  unsent?: 'null-sender' | 'notify';
  text: string;
  cut: boolean;
}

/**
 * The instructor asks the class to start a lesson (the class view's "Ask the class", `POST /class/call`): sent to every
 * page open on the bridge then, and to each page that opens later, after its `hello`, until the instructor asks for
 * another or withdraws it. `lesson`: the lesson's id (shared/lessons/catalogue.ts, or one of the class's own), or null:
 * withdrawn (sent only to the pages open then). `ageS`: how long ago the instructor asked, in whole seconds.
 */
export interface CallMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'call';
  lesson: string | null;
  ageS: number;
}

/**
 * The instructor says a note to the class (the class view's "Say to the class", `POST /class/say`): sent to every page
 * open on the bridge then, and to each page that opens later, after its `hello`, until the instructor says another or
 * takes it back. `text`: the note (app-limits.ts isClassSay), or null: taken back (sent only to the pages open then).
 * `ageS`: how long ago the instructor said it, in whole seconds. With `direct`: said to this page's trainee alone (from
 * the class view's row, say to one who asked for help), once, never to pages that open later; never null.
 */
export interface SayMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'say';
  text: string | null;
  ageS: number;
  direct?: true;
}

/**
 * The instructor lowered the hand this page's trainee raised (`/hand`), from the class view (`POST /class/hand`):
 * helped. The page shows its hand lowered, and reports so in its next `progress`.
 */
export interface HandMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'hand';
  raised: false;
}

export type ServerMessage =
  | HandMessage
  | CallMessage
  | SayMessage
  | MxMessage
  | RdnsMessage
  | DaneMessage
  | DkimMessage
  | SpfMessage
  | DnsblMessage
  | DblMessage
  | PortsMessage
  | TlsVersionsMessage
  | SmugglingMessage
  | TlsInjectionMessage
  | MxTlsMessage
  | StoredMessage
  | HelloMessage
  | ConnectingMessage
  | ConnectedMessage
  | RxMessage
  | TxMessage
  | QueuedMessage
  | TlsMessage
  | ClosedMessage
  | ErrorMessage;

/** Distributes Omit over a union, so `Bare<ServerMessage>` is still a discriminated union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type Bare<T> = DistributiveOmit<T, 'v'>;

/** Adds the version to a message body: `msg({ type: 'line', text })`. */
export function msg<T extends ClientMessage | ServerMessage>(body: Bare<T>): T {
  return { v: PROTOCOL_VERSION, ...body } as T;
}

/** Closes a switch over a union: a new member is a compile error until handled. */
export function exhaustive(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
