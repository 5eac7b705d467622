/**
 * Why a connection failed, from the bridge's error (its code and message: server/net-errors.ts), and what to do: the
 * failures admins meet testing mail servers by hand, where the socket's words ("ETIMEDOUT", OpenSSL's "wrong version
 * number", "alert protocol version") say little. Pure.
 *
 * - No answer on port 25 is most often a block on the way: many ISPs and cloud providers block outgoing port 25.
 * - A TLS handshake is told apart by whether it was implicit TLS or followed STARTTLS's 220.
 *
 * Rests on RFC 5068 (access providers may block port 25, not 587), RFC 8314 §3.3 (implicit TLS is port 465; 25 and
 * 587 start in plain text and upgrade with STARTTLS, RFC 3207), RFC 6409 (submission on 587), RFC 8996 (TLS 1.0 and
 * 1.1 deprecated) and RFC 9325 (BCP 195: the versions, ciphers and key sizes to use).
 */
import { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT } from './ports.js';
import type { Finding } from './types.js';

export interface Failure {
  title: string;
  cause: string;
  action: string;
  /** Where it is written down; '' when nowhere in particular. */
  source: string;
}

/**
 * The connection: its port, and whether a TLS handshake began right after connecting (implicit TLS) or after
 * STARTTLS's 220.
 */
export interface FailureContext {
  implicit: boolean;
  port: number;
  /** The host as dialled, when known: a domain dialled where its mail server was meant is pointed out. */
  host?: string;
  /** The IP version asked for (`telnet -6`), when one was. */
  family?: 4 | 6;
}

/** A label that reads as a mail server's (mx1, mail, smtp, aspmx, gmail-smtp-in, inbound-smtp). */
const MAIL_LABEL = /(?:^|-)(?:mx|mail|smtp|mta|relay|inbound|mailin|aspmx)(?:\d*)(?:-|$)/i;

/** A host name with a label, before its last two, that reads as a mail server's: mx1.example.org, not gmail.com. */
function mailHostName(host: string): boolean {
  return host.split('.').slice(0, -2).some((label) => MAIL_LABEL.test(label));
}

/**
 * For port 25: `telnet gmail.com 25` is the classic mistake, the domain's own address, usually a web server, where its
 * mail goes to its MX hosts: said when the name does not read as a mail server's and is not an address.
 */
function domainNote(c: FailureContext): string {
  const host = c.host;
  if (c.port !== SMTP_PORT || host === undefined || mailHostName(host) || !/[a-z]/i.test(host) || host.includes(':')) return '';
  return ` If ${host} is a domain rather than its mail server: mail for a domain goes to its MX hosts, often other machines; type the domain in Host and press Find MX.`;
}

/** For a host dialled from the page: the command that dials all its mail ports at once ('' in a log's context). */
function portsNote(c: FailureContext): string {
  if (c.host === undefined || c.host === '') return '';
  return ` /ports ${c.host.includes(':') ? `[${c.host}]` : c.host} shows which of its mail ports answer from here.`;
}

/** The ports that start in plain SMTP (RFC 5321, RFC 6409): implicit TLS there is a mistake. */
const PLAIN_PORTS: ReadonlySet<number> = new Set([SMTP_PORT, SUBMISSION_PORT, 2525]);

/** The explanation of a bridge error, or null when it is not one of these. */
export function explainFailure(code: string, message: string, c: FailureContext): Failure | null {
  switch (code) {
    case 'TLS_FAILED':
      return tlsFailure(message, c);
    case 'TIMEOUT':
      if (c.family === 6) return v6Timeout(c);
      return c.port === SMTP_PORT
        ? {
            title: 'no answer on port 25: often blocked on the way',
            cause: 'Many ISPs and cloud providers (AWS, Azure, Google Cloud and others) block outgoing connections to port 25 against spam, and a firewall that drops them looks like this; or the server is down.',
            action: `Test from another network, or ask the provider to lift the block (for sending, use its relay or port 587 with a login).${portsNote(c)}${domainNote(c)}`,
            source: 'RFC 5068 §3 (BCP 134); RFC 5321 §5.1',
          }
        : {
            title: 'no answer',
            cause: 'A firewall drops connections to this port, or the host is down or overloaded.',
            action: `Check the host and port; test from another network.${portsNote(c)}`,
            source: '',
          };
    case 'CONNECTION_REFUSED':
      return {
        title: 'nothing listens there',
        cause: `The host answered, but no server listens on port ${c.port}: it is not running, or not on this port${c.port === SUBMISSIONS_PORT || c.port === SUBMISSION_PORT ? ' (MX hosts often take mail on 25 only; 587 and 465 are for mail clients that log in)' : ''}.`,
        action: `Check that the server runs and listens on this port (ss -ltn); MX hosts take mail on 25, submission is 587 or 465.${portsNote(c)}${domainNote(c)}`,
        source: 'RFC 6409 §3.1; RFC 8314 §3.3',
      };
    case 'NETWORK':
      return unreachable(message);
    case 'DNS_NOT_FOUND':
      if (c.family !== undefined) {
        const record = c.family === 6 ? 'AAAA' : 'A';
        return {
          title: `no IPv${c.family} address`,
          cause: `DNS has no ${record} record for this name${c.family === 6 ? ': senders reach it over IPv4 only, and an IPv6-only network not at all' : ''}.`,
          action: `Choose IP "4 or 6" to reach it as it is.${c.family === 6 ? ` To take mail over IPv6 too, publish an AAAA record for it, with a PTR record for that address, and open port ${c.port} to it.` : ''}`,
          source: c.family === 6 ? 'RFC 3596 §2.1; RFC 5321 §5.1' : 'RFC 1035 §3.4.1; RFC 5321 §5.1',
        };
      }
      return {
        title: 'no such host name',
        cause: 'DNS has no address for this name: a typo, or a name that does not exist (yet).',
        action: 'Check the spelling. To reach a domain\'s mail server, type the domain and press Find MX.',
        source: 'RFC 5321 §5.1',
      };
    default:
      return null;
  }
}

/** No answer over IPv6, when IPv6 was asked for. */
function v6Timeout(c: FailureContext): Failure {
  return {
    title: 'no answer over IPv6',
    cause: `A firewall that lets port ${c.port} through over IPv4 but not over IPv6 is common (its IPv6 rules are kept apart), as is an AAAA record left pointing at an old address; or this machine's IPv6 goes nowhere.`,
    action: `Dial the same host over IPv4 (IP "IPv4 only") to compare; if that answers, open the port to IPv6 on the server's firewall, or fix the AAAA record. Senders that prefer IPv6 (Gmail, Microsoft 365) wait on it first.${portsNote(c)}`,
    source: 'RFC 5321 §5.1; RFC 6724 §6',
  };
}

/**
 * A network error that is not the server's doing, or null: no route from this machine (ENETUNREACH: an IPv6 address
 * from a network without IPv6 is the common case), or a router saying the host cannot be reached (EHOSTUNREACH).
 */
function unreachable(message: string): Failure | null {
  if (/ENETUNREACH/.test(message)) {
    const v6 = /\[[0-9a-f:.]*:[0-9a-f:.]*\]|ENETUNREACH [0-9a-f]*:[0-9a-f:]*:/i.test(message);
    return v6
      ? {
          title: 'this machine has no route to IPv6',
          cause: 'The machine heloterm runs on cannot reach IPv6 addresses (many home, office, cloud and container networks are IPv4 only): the server was not tried at all.',
          action: 'Dial it over IPv4 (IP "IPv4 only"), or run heloterm on a machine with IPv6 (ping -6 the host there first) to test its IPv6 address.',
          source: '',
        }
      : {
          title: 'no route to that network',
          cause: 'The machine heloterm runs on has no route to this address: its routing table, a VPN, or a network that is down. The server was not tried at all.',
          action: 'Check this machine\'s network (ip route; a VPN that takes the route), or test from another machine.',
          source: '',
        };
  }
  if (/EHOSTUNREACH/.test(message)) {
    return {
      title: 'host unreachable',
      cause: 'A router on the way answered that the host cannot be reached: it is down, or a firewall rejects the connection (with an ICMP "host unreachable" or "administratively prohibited").',
      action: 'Check that the host is up (ping, traceroute) and what firewalls are on the way; test from another network.',
      source: '',
    };
  }
  return null;
}

/** A TLS_FAILED message explained, or null when its reason is not one of these. */
function tlsFailure(message: string, c: FailureContext): Failure | null {
  const plainPort = c.implicit && PLAIN_PORTS.has(c.port) ? ` Port ${c.port} starts in plain SMTP; implicit TLS is port 465.` : '';
  if (/ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|wrong version number/.test(message)) {
    return c.implicit
      ? {
          title: 'the server answered in plain text, not TLS',
          cause: `Implicit TLS was asked for, but this server speaks plain SMTP first (its greeting came instead of a TLS handshake).${plainPort}`,
          action: 'Untick implicit TLS, connect, and send STARTTLS after EHLO.',
          source: 'RFC 8314 §3.3; RFC 3207 §4',
        }
      : {
          title: 'the server went on in plain text after its 220 to STARTTLS',
          cause: 'It said it was ready to start TLS, then did not: a broken TLS setup, or something between you and it (a firewall inspecting SMTP) rewriting the session.',
          action: 'Look at the server\'s log at this time; test from another network to rule out a middlebox.',
          source: 'RFC 3207 §4',
        };
  }
  if (/ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ERR_SSL_UNSUPPORTED_PROTOCOL|ERR_SSL_NO_PROTOCOLS_AVAILABLE|alert protocol version|unsupported protocol/.test(message)) {
    return {
      title: 'the server speaks only an old TLS version',
      cause: 'It offers TLS 1.0 or 1.1 at most; the bridge, like current mail servers and clients, needs TLS 1.2 or later (1.0 and 1.1 are deprecated).',
      action: 'Enable TLS 1.2 and 1.3 on the server (Postfix: smtpd_tls_protocols = >=TLSv1.2; an old Exchange: enable TLS 1.2 in Windows). /tls versions shows which versions it does take.',
      source: 'RFC 8996; RFC 9325 §3.1',
    };
  }
  if (/ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE|ERR_SSL_NO_SHARED_CIPHER|ERR_SSL_NO_CIPHERS_AVAILABLE|alert handshake failure|no shared cipher/.test(message)) {
    return {
      title: 'no cipher both sides accept',
      cause: 'The server refused every cipher offered: its list is too old or too narrow, or it has no certificate and key it can use.',
      action: 'Allow current ciphers on the server (ECDHE with AES-GCM or ChaCha20-Poly1305), and check that its certificate and key load (Postfix logs "cannot load certificate").',
      source: 'RFC 9325 §4.2',
    };
  }
  if (/ERR_SSL_DH_KEY_TOO_SMALL|dh key too small/.test(message)) {
    return {
      title: "the server's Diffie-Hellman key is too weak",
      cause: 'It offered DH parameters under 2048 bits, which clients refuse.',
      action: 'Give the server 2048-bit DH parameters or let it prefer ECDHE (Postfix: smtpd_tls_dh1024_param_file).',
      source: 'RFC 9325 §4.5',
    };
  }
  if (/ECONNRESET|disconnected before secure TLS connection was established|unexpected eof/.test(message)) {
    return {
      title: 'the server hung up during the handshake',
      cause: `The connection closed before TLS was set up: its TLS is misconfigured (no certificate loaded), or a firewall cuts TLS.${plainPort}`,
      action: 'Look at the server\'s log at this time (Postfix: "SSL_accept error"); test from another network to rule out a middlebox.',
      source: c.implicit ? 'RFC 8314 §3.3' : 'RFC 3207 §4',
    };
  }
  if (/did not finish within/.test(message)) {
    return {
      title: 'the server never answered the handshake',
      cause: c.implicit
        ? `Nothing came back to the TLS handshake: the server may be waiting for plain SMTP, or a firewall holds the connection.${plainPort}`
        : 'Nothing came back after STARTTLS\'s 220: the server\'s TLS hangs, or something between swallows the handshake.',
      action: c.implicit ? 'Untick implicit TLS if this port starts in plain SMTP; otherwise look at the server\'s log.' : 'Look at the server\'s log at this time.',
      source: c.implicit ? 'RFC 8314 §3.3' : 'RFC 3207 §4',
    };
  }
  return null;
}

/** The failure as lines of findings, as the terminal and the reply log show them. */
export function failureReport(code: string, f: Failure): { head: string; findings: Finding[] } {
  return {
    head: `${code === 'TLS_FAILED' ? 'why the TLS handshake failed' : 'why the connection failed'}: ${f.title}`,
    findings: [
      { tone: 'bad', text: f.cause },
      { tone: 'info', text: `what to do: ${f.action}${f.source === '' ? '' : ` (${f.source})`}` },
    ],
  };
}

/**
 * Said once connected when addresses of the host were dialled before in vain (`failed`: them, in order): senders try
 * a host's addresses in turn too, each after its own timeout, so its mail still arrives, late; and an IPv6 address
 * that does not answer delays mail most from the senders that prefer IPv6. `noRoute`: every failed address was one this
 * machine has no route to (ENETUNREACH: mostly IPv6 from an IPv4-only network), so nothing is known of them.
 */
export function fallbackNote(failed: readonly string[], connected: string, noRoute = false): string {
  const v6 = failed.some((a) => a.includes(':')) && !connected.includes(':');
  // This machine could not even send to them: nothing is known of the server there.
  if (noRoute) {
    return `${failed.join(', ')} could not be reached from this machine (no route${v6 ? ': its network has no IPv6' : ''}), ${connected} could: heloterm could not test ${failed.length > 1 ? 'those addresses' : 'that address'}, which senders ${v6 ? 'with IPv6 (Gmail, Microsoft 365) try first' : 'may try'}. Test ${failed.length > 1 ? 'them' : 'it'} from a machine that reaches ${v6 ? 'IPv6' : 'that network'}.`;
  }
  return `${failed.join(', ')} did not take the connection, ${connected} did: senders try a mail server's addresses in turn too (RFC 5321 §5.1), each after a timeout of its own (Postfix's smtp_connect_timeout, 30 s), so mail still arrives, late.${
    v6 ? ' Senders that prefer IPv6 (Gmail, Microsoft 365) wait on the IPv6 address first:' : ''
  } Fix the address that failed (its firewall, its routing, or the DNS record that names it).`;
}
