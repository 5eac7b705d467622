/**
 * The connection as the page dialled it: the host and port (a certificate's names are checked against the host), the
 * IP version asked for and implicit TLS, the host's addresses that did not take the connection while the bridge
 * dialled the next, and what the last TLS handshake showed. A failure to connect is explained from it.
 */
import type { IpFamily, PeerCertificate, TlsMessage } from '../../shared/protocol/messages.js';
import { explainFailure, fallbackNote, type Failure } from '../../shared/smtp/connect-failure.js';
import { assessTls, type TlsReport } from '../../shared/smtp/tls-report.js';
import type { ConnectTarget } from './connect-form.js';

export class Dial {
  /** The host as dialled ('' before the first connection), and its port. */
  host = '';
  port = 0;
  /** The IP version asked for (`telnet -6`), or null for either. */
  family: IpFamily | null = null;
  /** Dialled with implicit TLS. */
  tls = false;
  /** What the last TLS handshake showed (for /tls), or null before TLS on this connection. */
  tlsReport: TlsReport | null = null;
  /** The certificate of that handshake and whether its chain verified (for /tls name), or null. */
  tlsCertificate: { cert: PeerCertificate; authorized: boolean; error: string | null } | null = null;
  /** Addresses of the host that did not take the connection, while the bridge dials the next. */
  private failed: string[] = [];
  /** One of them failed for another reason than no route from this machine (ENETUNREACH). */
  private failedOtherwise = false;

  /** What was asked for, as a form's target. */
  get target(): Partial<ConnectTarget> {
    return { host: this.host, port: this.port, tls: this.tls, family: this.family };
  }

  asked(family: IpFamily | null, tls: boolean): void {
    this.family = family;
    this.tls = tls;
  }

  /** The bridge dials `host` port `port`: a new connection. */
  connecting(host: string, port: number): void {
    this.failed = [];
    this.failedOtherwise = false;
    this.host = host;
    this.port = port;
    this.tlsReport = null;
    this.tlsCertificate = null;
  }

  /** The bridge said one address did not take the connection (`message`: "ADDR did not take the connection…"). */
  addressFailed(message: string): void {
    const address = /^(\S+) did not take the connection/.exec(message)?.[1];
    if (address !== undefined) this.failed.push(address);
    if (!message.includes('ENETUNREACH')) this.failedOtherwise = true;
  }

  /** Connected at `address`: what to say of the addresses that did not take the connection before it, or null. */
  connected(address: string): string | null {
    const note = this.failed.length > 0 ? fallbackNote(this.failed, address, !this.failedOtherwise) : null;
    this.failed = [];
    this.failedOtherwise = false;
    return note;
  }

  /** The TLS handshake's outcome, judged for the host dialled at `now` (epoch ms). */
  secured(m: TlsMessage, now: number): TlsReport {
    this.tlsReport = assessTls(m, this.host, now);
    this.tlsCertificate = m.certificate === null ? null : { cert: m.certificate, authorized: m.authorized, error: m.authorizationError };
    return this.tlsReport;
  }

  /** Why dialling failed (`code`, `message`), or null; `tlsPending`: STARTTLS's 220 came, so TLS was not implicit. */
  failure(code: string, message: string, tlsPending: boolean): Failure | null {
    return explainFailure(code, message, { implicit: !tlsPending, port: this.port, host: this.host, ...(this.family === null ? {} : { family: this.family }) });
  }
}
