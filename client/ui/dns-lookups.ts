/**
 * The page's side of the DNS lookups: where a domain's mail goes (Find MX, `/mx`) and the reverse DNS of the server
 * connected to (asked by itself once a server beyond loopback greets, and by `/rdns`). It sends the requests, and
 * shows the answers in the terminal, the reply log and the transcript (shared/smtp/mx.ts and rdns.ts read them).
 */
import type { ClientMessage, Bare, MxMessage, PracticeInfo, RdnsMessage } from '../../shared/protocol/messages.js';
import { showControls } from '../../shared/smtp/escape.js';
import { readMxAnswer, type MxReport } from '../../shared/smtp/mx.js';
import { greetingName, looksUpRdnsByItself, readRdnsAnswer } from '../../shared/smtp/rdns.js';
import type { Reply } from '../../shared/smtp/types.js';
import { formatReport } from '../terminal/render-findings.js';
import { formatAddress, formatNote } from '../terminal/render.js';
import { SMTP_PORT } from './connect-form.js';
import type { LogEntry } from './reply-log.js';

export interface DnsLookupsDeps {
  /** Terminal output. */
  write: (text: string) => void;
  log: (entry: LogEntry) => void;
  /** Sends to the bridge; false when it is not reachable. */
  send: (m: Bare<ClientMessage>) => boolean;
  /** A note in the transcript, at `at` (performance.now()). */
  note: (text: string, at: number) => void;
  /** Points the connect form at a server if no connection is open; whether it did. */
  pointFormAt: (host: string, port: number) => boolean;
}

export class DnsLookups {
  /** The practice server, once the bridge said which: its domain is answered here (it is not in DNS). */
  practice: PracticeInfo | null = null;
  /** The address connected to, or null when there is no connection. */
  private address: string | null = null;
  /** The connection is to the practice server. */
  private toPractice = false;
  /** The name the connection's greeting gave, once greeted. */
  private greetedAs: string | null = null;

  constructor(private readonly deps: DnsLookupsDeps) {}

  connected(address: string, port: number): void {
    this.address = address;
    this.toPractice = this.practice !== null && address === this.practice.host && port === this.practice.port;
    this.greetedAs = null;
  }

  closed(): void {
    this.address = null;
  }

  /** The first reply of the connection: its name is noted, and a 220 from beyond loopback has its address looked up. */
  greeted(reply: Reply): void {
    this.greetedAs = greetingName(reply.lines[0]?.text ?? '');
    if (reply.code === 220 && this.address !== null && looksUpRdnsByItself(this.address, this.toPractice)) this.deps.send({ type: 'rdns' });
  }

  /**
   * Asks the bridge where a domain's mail goes. The practice server's domain is not in DNS (.test is reserved,
   * RFC 6761 §6.2): it is answered here, pointing at the practice server.
   */
  mx(domain: string): void {
    const practice = this.practice;
    if (practice !== null && domain === practice.domain) {
      const r: MxReport = {
        head: `${domain} is the practice server's domain, not in DNS (.test names are reserved, RFC 6761 §6.2):`,
        findings: [{ tone: 'ok', text: `its mail server is ${formatAddress(practice.host, practice.port)}` }],
        connectTo: practice.host,
      };
      this.deps.write(formatReport(r));
      this.deps.log({ mx: r });
      this.deps.pointFormAt(practice.host, practice.port);
      return;
    }
    this.deps.write(formatNote(`looking up the MX records of ${domain}…`));
    if (!this.deps.send({ type: 'mx', domain })) this.deps.write(formatNote('not sent: no contact with the heloterm bridge'));
  }

  /** `/rdns`: the reverse DNS of the server connected to, loopback or not. */
  rdns(): void {
    if (this.address === null) return this.deps.write(formatNote('not connected: /rdns looks up the reverse DNS of the server connected to'));
    this.deps.write(formatNote(`looking up the reverse DNS of ${this.address}…`));
    if (!this.deps.send({ type: 'rdns' })) this.deps.write(formatNote('not sent: no contact with the heloterm bridge'));
  }

  onMx(m: MxMessage): void {
    const r = readMxAnswer(m.domain, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ mx: r });
    if (r.connectTo !== null && this.deps.pointFormAt(r.connectTo, SMTP_PORT)) {
      this.deps.write(formatNote(`the connect form now points at ${showControls(r.connectTo)} port ${SMTP_PORT}: press Connect`));
    }
  }

  onRdns(m: RdnsMessage, at: number): void {
    const r = readRdnsAnswer(m.address, m.answer, this.greetedAs);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ rdns: r });
  }
}
