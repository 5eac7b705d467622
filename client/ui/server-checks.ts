/**
 * What the page finds out about the server connected to, and about domains, beside the replies themselves:
 * - where a domain's mail goes and its mail policies (Find MX, `/mx`: shared/smtp/mx.ts, policies.ts), and the DKIM
 *   key it publishes for a selector (`/dkim`: dkim.ts), and whether an address may send mail from it (`/spf`:
 *   spf-check.ts); whether the DNS blocklists list an address (`/dnsbl`: dnsbl.ts);
 * - the reverse DNS of the server, asked by itself once a server beyond loopback greets, and by `/rdns` (rdns.ts);
 * - its EHLO reply judged, once before TLS and once over it (ehlo-review.ts);
 * - whether a recipient it accepted without a login is relayed: the recipient domain's MX records (relay.ts).
 * DNS lookups go to the bridge one at a time (lookup-queue.ts); the answers are shown in the terminal, the reply log
 * and the transcript. Probes of a host's ports are host-probes.ts's.
 */
import type { ClientMessage, Bare, DaneMessage, DkimMessage, MtaStsFetch, DnsblMessage, DblMessage, MxAnswer, MxMessage, PracticeInfo, RdnsMessage, SpfMessage, StoredMessage } from '../../shared/protocol/messages.js';
import { readDkim } from '../../shared/smtp/dkim.js';
import { readSpfCheck } from '../../shared/smtp/spf-check.js';
import { readDnsbl, readDomainBl } from '../../shared/smtp/dnsbl.js';
import { showControls } from '../../shared/smtp/escape.js';
import { nextMxHost, readMxAnswer, type MxReport } from '../../shared/smtp/mx.js';
import { readPolicies } from '../../shared/smtp/policies.js';
import { reviewEhlo } from '../../shared/smtp/ehlo-review.js';
import { clientSeenAs, greetingName, isLoopback, looksUpRdnsByItself, readRdnsAnswer, seenAsFindings } from '../../shared/smtp/rdns.js';
import { readDaneAnswer } from '../../shared/smtp/dane.js';
import { parseMtaStsPolicy, readStsForTls, type MtaStsPolicy, type TlsSeen } from '../../shared/smtp/mta-sts.js';
import { isIPv4Literal, isIPv6Literal } from '../../shared/protocol/host.js';
import { checksRelayByItself, isPrivateAddress, ownsByName, readRelayAnswer, recipientDomain, type RelayServer } from '../../shared/smtp/relay.js';
import type { Exchange } from '../../shared/smtp/session-state.js';
import type { Reply } from '../../shared/smtp/types.js';
import { formatReport } from '../terminal/render-findings.js';
import { formatAddress, formatNote } from '../terminal/render.js';
import { SMTP_PORT } from './connect-form.js';
import { DkimVerifier } from './dkim-verifier.js';
import { LookupQueue, type Ask } from './lookup-queue.js';
import type { LogEntry } from './reply-log.js';

/** Recipient domains checked for relaying on one connection (a relay test needs one or two). */
const MAX_RELAY_CHECKS = 3;
/** Domains' MTA-STS policies kept to judge a TLS session by (a session looks up a few domains at most). */
const MAX_STS_POLICIES = 8;

/** The hosts senders deliver the domain's mail to, by its MX answer; null when it did not say. */
function mxHosts(domain: string, answer: MxAnswer): string[] | null {
  switch (answer.kind) {
    case 'mx':
      return answer.hosts.map((h) => h.exchange).filter((h) => h !== '');
    case 'implicit':
      return [domain];
    case 'null':
      return [];
    case 'none':
      return null;
  }
}

export interface ServerChecksDeps {
  /** Terminal output. */
  write: (text: string) => void;
  log: (entry: LogEntry) => void;
  /** Sends to the bridge; false when it is not reachable. */
  send: (m: Bare<ClientMessage>) => boolean;
  /** A note in the transcript, at `at` (performance.now()). */
  note: (text: string, at: number) => void;
  /** Points the connect form at a server if no connection is open; whether it did. */
  pointFormAt: (host: string, port: number) => boolean;
  /** The page's lookups one at a time, shared with host-probes.ts; one of its own without. */
  queue?: LookupQueue;
  /** A message's signatures were verified and the report written (a lesson's step asks for it). */
  verified?: () => void;
}

export class ServerChecks {
  /** The practice server, once the bridge said which: its domain is answered here (it is not in DNS). */
  practice: PracticeInfo | null = null;
  /** The address connected to, or null when there is no connection. */
  private address: string | null = null;
  /** The host dialled, as typed (a name, or an address without brackets). */
  private dialled = '';
  /** The port connected to (587 is submission, ehlo-review.ts). */
  private port = 0;
  /** Whether the connection's EHLO reply was judged before TLS (false) and over TLS (true). */
  private reviewed = new Set<boolean>();
  /** The connection is to the practice server. */
  private toPractice = false;
  /** The name the connection's greeting gave, once greeted. */
  private greetedAs: string | null = null;
  /** The names the server goes by on this connection: the host dialled, its greeting and EHLO names, its PTR names. */
  private names = new Set<string>();
  /** Connections so far: an answer for a relay check counts only on the connection that asked. */
  private conn = 0;
  /** Recipient domains checked for relaying on this connection. */
  private relayChecked = new Set<string>();
  /** The MTA-STS policies senders would apply, of the domains looked up this session (newest last). */
  private stsPolicies = new Map<string, MtaStsPolicy>();
  /** The MX answers of the domains looked up this session (newest last): the host senders try next. */
  private mxAnswers = new Map<string, MxAnswer>();
  private readonly queue: LookupQueue;
  /** Messages' DKIM signatures and ARC chains verified, their keys asked in turn with the other lookups. */
  private readonly verifier: DkimVerifier;

  constructor(private readonly deps: ServerChecksDeps) {
    this.queue = deps.queue ?? new LookupQueue(deps);
    this.verifier = new DkimVerifier({ ...deps, queue: this.queue });
  }

  connected(host: string, address: string, port: number): void {
    this.dialled = host.replace(/^\[(.*)\]$/, '$1');
    this.address = address;
    this.port = port;
    this.reviewed.clear();
    this.toPractice = this.practice !== null && address === this.practice.host && port === this.practice.port;
    this.greetedAs = null;
    this.names = new Set(greetingName(host) !== null ? [host.toLowerCase()] : []);
    this.conn++;
    this.relayChecked.clear();
  }

  closed(): void {
    this.address = null;
  }

  /**
   * Dialling `host` on port 25 failed: when it is an MX host of a domain looked up in this page, the host senders go
   * on to (mx.ts nextMxHost), and the form pointed at it.
   */
  connectFailed(host: string, port: number): void {
    if (port !== SMTP_PORT) return;
    for (const [domain, answer] of [...this.mxAnswers].reverse()) {
      const next = nextMxHost(domain, answer, host);
      if (next === null) continue;
      if (this.deps.pointFormAt(next.exchange, SMTP_PORT)) this.deps.write(formatNote(showControls(next.note)));
      return;
    }
  }

  /** The bridge is gone: no answer will come to what was asked. */
  reset(): void {
    this.queue.reset();
  }

  /** The first reply of the connection: its name is noted, and a 220 from beyond loopback has its address looked up. */
  greeted(reply: Reply): void {
    this.greetedAs = greetingName(reply.lines[0]?.text ?? '');
    if (this.greetedAs !== null) this.names.add(this.greetedAs.toLowerCase());
    if (reply.code === 220 && this.address !== null && looksUpRdnsByItself(this.address, this.toPractice)) this.ask({ type: 'rdns' });
  }

  /**
   * A reply on this connection (not the greeting): the server's name from an EHLO or HELO reply is noted, the first
   * EHLO reply before TLS and the first over TLS are judged (the text returned, to follow the reply), and a recipient
   * accepted without a login, in a domain none of the server's names is in, is checked for relaying.
   */
  replied(ex: Exchange): string {
    const verb = ex.command?.verb;
    if ((verb === 'EHLO' || verb === 'HELO' || verb === 'LHLO') && ex.reply.cls === 2) {
      const name = greetingName(ex.reply.lines[0]?.text ?? '');
      if (name !== null) this.names.add(name.toLowerCase());
      if (verb === 'EHLO' && this.address !== null && !this.reviewed.has(ex.after.tls)) return this.review(ex, this.address);
    }
    const path = ex.command?.path ?? null;
    if (verb !== 'RCPT' || ex.reply.cls !== 2 || this.address === null || path === null) return '';
    if (!checksRelayByItself(this.address, this.toPractice, ex.before.authenticated)) return '';
    const domain = recipientDomain(path);
    if (domain === null || this.relayChecked.has(domain) || this.relayChecked.size >= MAX_RELAY_CHECKS) return '';
    if (ownsByName(domain, this.server(this.address))) return '';
    this.relayChecked.add(domain);
    this.ask({ type: 'mx', domain, relay: this.conn });
    return '';
  }

  /**
   * The EHLO reply judged: encryption, passwords, masking, size (once per connection and TLS state); and, before TLS,
   * the address the server says it sees the client at (rdns.ts seenAsFindings).
   */
  private review(ex: Exchange, address: string): string {
    this.reviewed.add(ex.after.tls);
    const review = reviewEhlo(ex.after.extensions, { tls: ex.after.tls, port: this.port, loopback: isLoopback(address) });
    const seen = ex.after.tls ? [] : seenAsFindings(clientSeenAs(ex.reply.lines[0]?.text ?? ''), isPrivateAddress);
    review.findings.push(...seen);
    if (seen.some((f) => f.tone === 'warn')) review.good = false;
    this.deps.log({ offers: review });
    return formatReport(review);
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
    this.queue.askSaying(`looking up the MX records of ${domain}…`, { type: 'mx', domain, relay: null });
  }

  /**
   * `/dkim`: the DKIM key `domain` publishes for `selector`; at the practice domain, which is not in DNS, the bridge
   * answers with the key the practice server signs its reports with.
   */
  dkim(selector: string, domain: string): void {
    this.queue.askSaying(`looking up the DKIM key of selector ${selector} at ${domain}…`, { type: 'dkim', selector, domain });
  }

  /** A message the practice server stored from this page: its newest report (a bounce), which it signed, is kept. */
  stored(m: StoredMessage): void {
    this.verifier.stored(m);
  }

  /** `/dkim verify`: the signature of the practice server's last report to this page, verified. */
  verifyStored(): void {
    this.verifier.verifyStored(this.practice?.domain ?? 'practice.test');
  }

  /** A whole message pasted or opened: its DKIM signatures and ARC chain verified (dkim-verifier.ts). */
  verifyDkim(text: string, octets?: string): void {
    this.verifier.verify(text, octets);
  }

  onDkim(m: DkimMessage): void {
    const asked = this.answered();
    // A key asked for to verify a message's signatures.
    if (asked?.type === 'dkim' && asked.verify !== undefined) return this.verifier.onKey(asked.verify, m);
    const r = readDkim(m.selector, m.domain, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ dkim: r });
  }

  /** `/spf`: whether `ip` may send mail from `domain`, as a receiver checks it (the practice server checks no SPF). */
  spf(ip: string, domain: string): void {
    this.askAbout(domain, 'it publishes no SPF record, and the practice server checks none', `checking whether ${ip} may send mail from ${domain} (SPF)…`, { type: 'spf', ip, domain });
  }

  onSpf(m: SpfMessage): void {
    this.answered();
    const r = readSpfCheck(m.ip, m.domain, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ spf: r });
  }

  /** `/dnsbl`: what the common DNS blocklists say of `ip`; none: of the server connected to (as `/rdns`). */
  dnsbl(ip?: string): void {
    const asked = ip ?? this.address;
    if (asked === null) {
      return this.deps.write(formatNote('not connected: /dnsbl asks the blocklists about the server connected to, /dnsbl 192.0.2.10 about that address, /dnsbl example.org about a domain'));
    }
    // The server's own address, not a public one (the practice server, a test MTA on the LAN): no list has it.
    if (ip === undefined && (isLoopback(asked) || isPrivateAddress(asked))) {
      return this.deps.write(formatNote(`the server's address, ${asked}, is not a public one: no blocklist has it. /dnsbl 192.0.2.10 asks about the public address mail leaves from`));
    }
    this.queue.askSaying(`asking the DNS blocklists about ${asked}…`, { type: 'dnsbl', ip: asked });
  }

  onDnsbl(m: DnsblMessage): void {
    this.answered();
    const r = readDnsbl(m.ip, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ dnsbl: r });
  }

  /** `/dnsbl DOMAIN`: what the common domain blocklists say of `domain` (its registered domain). */
  dbl(domain: string): void {
    this.askAbout(domain, 'no list has it', `asking the domain blocklists about ${domain}…`, { type: 'dbl', domain });
  }

  onDbl(m: DblMessage): void {
    this.answered();
    const r = readDomainBl(m.domain, m.asked, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ dnsbl: r });
  }

  /**
   * Asks the bridge about `domain`, saying so (`asking`); the practice server's domain is not in DNS, so it is told
   * here instead (`practiceNote`: what that means for this lookup).
   */
  private askAbout(domain: string, practiceNote: string, asking: string, a: Ask): void {
    if (this.practice !== null && domain === this.practice.domain) {
      return this.deps.write(formatNote(`${domain} is the practice server's domain, not in DNS: ${practiceNote}`));
    }
    this.queue.askSaying(asking, a);
  }

  /**
   * TLS is up on the connection: it is judged by the MTA-STS policies looked up that name the host, and DANE is looked
   * up by itself for a server dialled by name, but not for the practice server nor a loopback address (a local MTA,
   * not what senders reach); /dane still asks.
   */
  secured(tls: TlsSeen, at = 0): void {
    if (this.address === null || this.toPractice) return;
    // The MTA-STS policies looked up in this page (/mx, Find MX) that name the host dialled: does this TLS meet them?
    for (const [domain, policy] of this.stsPolicies) {
      const f = readStsForTls(domain, policy, this.dialled, tls);
      if (f === null) continue;
      const r = { head: `MTA-STS of ${domain} for ${this.dialled}:`, findings: [f], good: f.tone === 'ok' };
      this.deps.note(`${r.head} ${f.text}`, at);
      this.deps.write(formatReport(r));
      this.deps.log({ sts: r });
    }
    if (isLoopback(this.address) || isIPv4Literal(this.dialled) || isIPv6Literal(this.dialled)) return;
    this.ask({ type: 'dane' });
  }

  /** `/dane`: the TLSA records of the server connected to over TLS, and its certificate checked against them. */
  dane(): void {
    if (this.address === null) return this.deps.write(formatNote('not connected: /dane checks the certificate of the server connected to over TLS'));
    this.queue.askSaying(`looking up the TLSA records of ${this.dialled}…`, { type: 'dane' });
  }

  onDane(m: DaneMessage, at: number): void {
    this.answered();
    const r = readDaneAnswer(m.host || this.dialled, m.port || this.port, m.answer);
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ dane: r });
  }

  /** `/rdns`: the reverse DNS of the server connected to, loopback or not. */
  rdns(ip?: string): void {
    if (ip !== undefined) {
      this.queue.askSaying(`looking up the reverse DNS of ${ip}…`, { type: 'rdns', ip });
      return;
    }
    if (this.address === null) {
      return this.deps.write(formatNote('not connected: /rdns looks up the reverse DNS of the server connected to, /rdns 192.0.2.10 of that address'));
    }
    this.queue.askSaying(`looking up the reverse DNS of ${this.address}…`, { type: 'rdns' });
  }

  onMx(m: MxMessage, at: number): void {
    const asked = this.answered();
    if (asked?.type === 'mx' && asked.relay !== null && asked.domain === m.domain) {
      if (asked.relay !== this.conn || this.address === null) return; // that connection is over
      const r = readRelayAnswer(m.domain, m.answer, this.server(this.address));
      if (r === null) return;
      this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
      this.deps.write(formatReport(r));
      this.deps.log({ relay: r });
      return;
    }
    const r = readMxAnswer(m.domain, m.answer);
    this.deps.write(formatReport(r));
    this.deps.log({ mx: r });
    this.mxAnswers.delete(m.domain);
    this.mxAnswers.set(m.domain, m.answer);
    if (this.mxAnswers.size > MAX_STS_POLICIES) this.mxAnswers.delete(this.mxAnswers.keys().next().value ?? m.domain);
    if (r.connectTo !== null && this.deps.pointFormAt(r.connectTo, SMTP_PORT)) {
      const host = showControls(r.connectTo);
      const domain = showControls(m.domain);
      this.deps.write(formatNote(`the connect form now points at ${host} port ${SMTP_PORT}: press Connect (or /ports ${host}: which of its mail ports answer; /tls mx ${domain}: STARTTLS on every MX host)`));
    }
    if (m.policies !== undefined) {
      this.keepStsPolicy(m.domain, m.policies.mtaStsPolicy);
      const noDomain = m.answer.kind === 'none' && m.answer.reason === 'no-domain';
      const p = readPolicies(m.domain, m.policies, mxHosts(m.domain, m.answer), noDomain);
      this.deps.write(formatReport(p));
      this.deps.log({ policies: p });
    }
  }

  onRdns(m: RdnsMessage, at: number): void {
    const asked = this.answered();
    // An address named in /rdns IP is reported as asked about, even when it is the one connected to.
    const connected = !(asked?.type === 'rdns' && asked.ip !== undefined) && m.address === this.address;
    const r = readRdnsAnswer(m.address, m.answer, this.greetedAs, connected);
    if (m.address === this.address && m.answer.kind === 'names') for (const n of m.answer.names) this.names.add(n.name.toLowerCase());
    this.deps.note(`${r.head} ${r.findings.map((f) => f.text).join('; ')}`, at);
    this.deps.write(formatReport(r));
    this.deps.log({ rdns: r });
  }

  /** Keeps a domain's MTA-STS policy that senders would apply (fetched, and without problems), the newest few. */
  private keepStsPolicy(domain: string, fetched: MtaStsFetch | undefined): void {
    this.stsPolicies.delete(domain);
    if (fetched?.kind !== 'policy') return;
    const policy = parseMtaStsPolicy(fetched.text);
    if (policy.problems.length > 0 || policy.mode === 'none') return;
    this.stsPolicies.set(domain, policy);
    const oldest = this.stsPolicies.keys().next().value;
    if (this.stsPolicies.size > MAX_STS_POLICIES && oldest !== undefined) this.stsPolicies.delete(oldest);
  }

  private server(address: string): RelayServer {
    return { address, names: [...this.names] };
  }

  private ask(a: Ask): boolean {
    return this.queue.ask(a);
  }

  private answered(): Ask | null {
    return this.queue.answered();
  }
}
