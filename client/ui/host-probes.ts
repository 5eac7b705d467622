/**
 * Probes of a host's ports by the bridge, as an admin would dial them by hand one after the other: which of its mail
 * ports answer (`/ports`: shared/smtp/port-review.ts), which TLS versions a port accepts (`/tls versions`:
 * shared/smtp/tls-versions.ts) and takes commands from before TLS (`/tls injection`: shared/smtp/tls-injection.ts), how
 * each MX host of a domain does STARTTLS (`/tls mx`: shared/smtp/mx-tls.ts), and
 * whether it ends a message early (`/smuggling`: shared/smtp/smuggling.ts). They count as lookups: they wait in the
 * page's queue (lookup-queue.ts) like the others, and the answers are shown in the terminal and the reply log.
 */
import type { IpFamily, MxTlsMessage, PortsMessage, PracticeInfo, SmugglingMessage, TlsInjectionMessage, TlsMode, TlsVersionsMessage } from '../../shared/protocol/messages.js';
import { readMxTls } from '../../shared/smtp/mx-tls.js';
import { portsToProbe, readPorts } from '../../shared/smtp/port-review.js';
import { readSmuggling } from '../../shared/smtp/smuggling.js';
import { readTlsInjection } from '../../shared/smtp/tls-injection.js';
import { readTlsVersions } from '../../shared/smtp/tls-versions.js';
import { formatReport } from '../terminal/render-findings.js';
import { formatNote } from '../terminal/render.js';
import type { LookupQueue } from './lookup-queue.js';
import { dialsOnlyPractice, isPracticeTarget, PRACTICE_ONLY } from './practice-hint.js';
import type { LogEntry } from './reply-log.js';

export interface HostProbesDeps {
  /** Terminal output. */
  write: (text: string) => void;
  log: (entry: LogEntry) => void;
  /** The page's lookups one at a time (shared with server-checks.ts). */
  queue: LookupQueue;
  /** A note in the transcript, at `at` (performance.now()): what a probe found goes into a ticket too. */
  note: (text: string, at: number) => void;
}

export class HostProbes {
  /** The practice server, once the bridge said which: its domain is dialled at its address (it is not in DNS). */
  practice: PracticeInfo | null = null;
  /** The ports the bridge dials (its hello): what `/ports` probes. */
  allowedPorts: readonly number[] = [];

  constructor(private readonly deps: HostProbesDeps) {}

  /** The bridge dials its practice server alone (--practice-only): as its hello said. */
  get practiceOnly(): boolean {
    return dialsOnlyPractice(this.practice, this.allowedPorts);
  }

  /** The practice server's domain, not in DNS (RFC 6761 §6.2), stands for its address; said when it does. */
  private dialHost(named: string): string {
    const p = this.practice;
    const host = p !== null && named.toLowerCase() === p.domain ? p.host : named;
    if (host !== named) this.deps.write(formatNote(`${named} is the practice server's domain, not in DNS: dialling its address, ${host}`));
    return host;
  }

  /**
   * The host to dial for a probe of one port, or null once it has said why the bridge would refuse it: another server
   * than the practice server on a bridge that dials it alone (`asPractice`: the command to type instead), or a port
   * the bridge does not dial.
   */
  private dialable(named: string, port: number, asPractice: (domain: string) => string): string | null {
    const host = this.dialHost(named);
    const p = this.practice;
    if (p !== null && this.practiceOnly && !isPracticeTarget({ host, port }, p)) this.deps.write(formatNote(`${PRACTICE_ONLY}: ${asPractice(p.domain)}`));
    else if (!this.allowedPorts.includes(port)) this.deps.write(formatNote(`this heloterm does not dial port ${port}: it dials ${this.allowedPorts.join(', ')}`));
    else return host;
    return null;
  }

  /**
   * `/ports`: which of `host`'s mail ports answer (`ports`: those asked for, else the mail ports the bridge dials,
   * and the practice server's own when it is the practice server's address).
   */
  ports(named: string, ports: readonly number[], family: IpFamily | null): void {
    // The practice server's own ports too (SMTP, and TLS at once), where the host is its address (or localhost).
    const host = this.dialHost(named);
    const p = this.practice;
    const practice = p !== null && isPracticeTarget({ host, port: p.port }, p) ? p : null;
    if (practice === null && this.practiceOnly) return this.deps.write(formatNote(`${PRACTICE_ONLY}: /ports ${p?.domain ?? ''}`));
    const chosen = portsToProbe(host, ports, this.allowedPorts, practice);
    if ('none' in chosen) return this.deps.write(formatNote(chosen.none));
    const { probes } = chosen;
    const over = family === null ? '' : ` over IPv${family}`;
    this.deps.queue.askSaying(`dialling ${host}${over} on port ${probes.map((p) => p.port).join(', ')} at once…`, { type: 'ports', host, ports: probes, ...(family === null ? {} : { family }) });
  }

  /** `/tls versions`: which TLS versions `port` of `host` accepts (`tls`: implicit TLS there, else STARTTLS first). */
  tlsVersions(named: string, port: number, tls: TlsMode, family: IpFamily | null): void {
    const host = this.dialable(named, port, (domain) => `/tls versions ${domain}`);
    if (host === null) return;
    const how = tls === 'implicit' ? 'implicit TLS' : 'EHLO, STARTTLS, then the handshake';
    const over = family === null ? '' : ` over IPv${family}`;
    this.deps.queue.askSaying(`trying TLS 1.0, 1.1, 1.2 and 1.3 on ${host} port ${port}${over}, one connection each (${how})…`, {
      type: 'tlsversions',
      host,
      port,
      tls,
      ...(family === null ? {} : { family }),
    });
  }

  /**
   * `/smuggling`: whether `port` of `host` ends a message at a sequence other than CRLF.CRLF; a test message to `to`
   * (from `from`, '' for the null sender) for each sequence.
   */
  smuggling(named: string, port: number, to: string, from: string, family: IpFamily | null): void {
    const host = this.dialable(named, port, (domain) => `/smuggling ${domain} ${to}`);
    if (host === null) return;
    const over = family === null ? '' : ` over IPv${family}`;
    this.deps.queue.askSaying(`sending ${host} port ${port}${over} a test message to <${to}> ended by <LF>.<LF>, and one for each of three other sequences, one connection each…`, {
      type: 'smuggling',
      host,
      port,
      to,
      from,
      ...(family === null ? {} : { family }),
    });
  }

  /** `/tls injection`: whether `port` of `host` takes commands sent before TLS as sent inside it. */
  tlsInjection(named: string, port: number, family: IpFamily | null): void {
    const host = this.dialable(named, port, (domain) => `/tls injection ${domain}`);
    if (host === null) return;
    const over = family === null ? '' : ` over IPv${family}`;
    this.deps.queue.askSaying(`writing STARTTLS and NOOP at once to ${host} port ${port}${over}, then QUIT over TLS…`, { type: 'tlsinjection', host, port, ...(family === null ? {} : { family }) });
  }

  /** `/tls mx`: STARTTLS and the certificate of each MX host of `domain`, as sending MTAs meet them. */
  mxTls(domain: string): void {
    const p = this.practice;
    const practice = p !== null && domain === p.domain;
    if (p !== null && this.practiceOnly && !practice) return this.deps.write(formatNote(`${PRACTICE_ONLY}: /tls mx ${p.domain}`));
    if (practice) this.deps.write(formatNote(`${domain} is the practice server's domain, not in DNS: its one mail server is the practice server, at ${p.host} port ${p.port}, whose certificate is self-signed (made at each start), as a real MX host's should not be`));
    const asking = practice ? `STARTTLS on the practice server…` : `looking up the MX hosts of ${domain} and its MTA-STS policy, then STARTTLS on each, port 25, at once…`;
    this.deps.queue.askSaying(asking, { type: 'mxtls', domain });
  }

  onMxTls(m: MxTlsMessage, at: number): void {
    this.deps.queue.answered();
    const r = readMxTls(m.domain, m.answer, Date.now());
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ mxTls: r });
  }

  onTlsInjection(m: TlsInjectionMessage, at: number): void {
    this.deps.queue.answered();
    const r = readTlsInjection(m.host, m.port, m.answer);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ tlsInjection: r });
  }

  onSmuggling(m: SmugglingMessage, at: number): void {
    const asked = this.deps.queue.answered();
    const r = readSmuggling(m.host, m.port, asked?.type === 'smuggling' ? asked.to : '', m.answer);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ smuggling: r });
  }

  onTlsVersions(m: TlsVersionsMessage, at: number): void {
    const asked = this.deps.queue.answered();
    const tls = asked?.type === 'tlsversions' ? asked.tls : 'none';
    const r = readTlsVersions(m.host, m.port, tls, m.answer);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ tlsVersions: r });
  }

  onPorts(m: PortsMessage, at: number): void {
    this.deps.queue.answered();
    const practice = this.practice;
    const r = readPorts(m.host, m.answer, practice !== null && m.answer.kind === 'probed' && m.answer.address === practice.host ? practice : null);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ ports: r });
  }
}
