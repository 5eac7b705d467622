/**
 * A session's DNS lookups (MX with or without mail policies, DKIM keys, SPF checks, blocklists, and the reverse DNS
 * and DANE of the server connected to), and its probes of a host's mail ports (`/ports`), of the TLS versions a
 * port accepts (`/tls versions`), of what it takes from before TLS (`/tls injection`) and of the ends of a message it
 * takes (`/smuggling`), and of the TLS of a domain's MX hosts (`/tls mx`): one at a time, at most
 * MAX_DNS_LOOKUPS_PER_MINUTE per session and within the bridge's budget for all sessions (dns-lookup.ts DnsBudget),
 * so that the bridge does not become a DNS query pump (nor a port scanner). Made at a session's first lookup: idle
 * sessions pay nothing.
 */
import type { X509Certificate } from 'node:crypto';
import type { Bare, DaneAnswer, DaneMessage, DblMessage, DkimMessage, DnsblListAnswer, DnsblMessage, IpFamily, MtaStsFetch, MxAnswer, MxMessage, MxTlsMessage, PolicyAnswer, PolicyRecords, PortsMessage, ProbePort, RdnsAnswer, RdnsMessage, SmugglingMessage, SpfCheck, SpfMessage, TlsInjectionMessage, TlsMode, TlsVersionsMessage } from '../shared/protocol/messages.js';
import { lookupDkim, lookupMx, lookupPolicies, lookupRdns, type DnsBudget, type DnsResolver } from './dns-lookup.js';
import type { LogSink } from './log.js';
import { checkSpf } from './spf-check.js';
import { checkDnsbl, checkDomainBl } from './dnsbl.js';
import { daneAnswer, type TlsaLookup } from './dane.js';

/** A lookup the desk would not make now, and why. */
type Refused = { kind: 'none'; reason: 'refused'; detail: string };

/**
 * DNS lookups (MX and reverse DNS together) a session may begin per minute: each is a few DNS queries (MX or PTR,
 * then A and AAAA per name).
 */
export const MAX_DNS_LOOKUPS_PER_MINUTE = 20;

export interface DnsDeskDeps {
  /** A resolver for one lookup (dns-lookup.ts makeResolver). */
  resolver: () => DnsResolver;
  /** The lookups all sessions together may still begin this minute. */
  budget: DnsBudget;
  /** Fetches a domain's MTA-STS policy (mta-sts-fetch.ts), with the lookup's resolver; absent: not fetched. */
  fetchMtaSts?: (domain: string, r: DnsResolver, signal: AbortSignal) => Promise<MtaStsFetch>;
  /** The TLSA records at a name, with whether the resolver validated them (dane.ts queryTlsa). */
  tlsa: (name: string, signal: AbortSignal) => Promise<TlsaLookup>;
  /** Which of a host's ports answer (port-probe.ts probePorts, with the session's target policy). */
  probe: (host: string, ports: readonly ProbePort[], family: IpFamily | undefined, signal: AbortSignal) => Promise<PortsMessage['answer']>;
  /** Which TLS versions a host's port accepts (tls-versions-probe.ts probeTlsVersions, with the session's policy). */
  probeTls: (host: string, port: number, tls: TlsMode, family: IpFamily | undefined, signal: AbortSignal) => Promise<TlsVersionsMessage['answer']>;
  /** Whether a host's port ends a message at sequences other than CRLF.CRLF (smuggling-probe.ts probeSmuggling). */
  probeSmuggling: (host: string, port: number, to: string, from: string, family: IpFamily | undefined, signal: AbortSignal) => Promise<SmugglingMessage['answer']>;
  /** Whether a host's port takes commands sent before TLS as sent inside it (tls-injection-probe.ts probeTlsInjection). */
  probeInjection: (host: string, port: number, family: IpFamily | undefined, signal: AbortSignal) => Promise<TlsInjectionMessage['answer']>;
  /** TLS on each of a domain's MX hosts (mx-tls-probe.ts probeMxTls), with the lookup's resolver and the session's policy. */
  probeMxTls: (domain: string, r: DnsResolver, signal: AbortSignal) => Promise<MxTlsMessage['answer']>;
  send: (m: Bare<MxMessage | RdnsMessage | DkimMessage | SpfMessage | DnsblMessage | DblMessage | DaneMessage | PortsMessage | TlsVersionsMessage | SmugglingMessage | TlsInjectionMessage | MxTlsMessage>) => void;
  log: LogSink;
}

/**
 * Every lookup asked for is answered once: a lookup over a limit is answered at once as refused (an answer of kind
 * "none", reason "refused", the limit as its detail), so the page can tell which of its questions went unanswered.
 */
export class DnsDesk {
  /** The lookup in flight (its resolver, and what aborts its other I/O: both to cancel), or null. */
  private resolver: DnsResolver | null = null;
  private abort: AbortController | null = null;
  private windowStart = -Infinity;
  private count = 0;
  private disposed = false;

  constructor(private readonly deps: DnsDeskDeps) {}

  /** Where `domain`'s mail goes, and with `policies` its mail policies too; answered with an `mx` message. */
  mx(domain: string, policies = false): void {
    const both = async (r: DnsResolver, signal: AbortSignal): Promise<{ answer: MxAnswer; policies?: PolicyAnswer }> => {
      if (!policies) return { answer: await lookupMx(domain, r) };
      const fetch = this.deps.fetchMtaSts;
      const fetchPolicy = fetch === undefined ? undefined : (d: string) => fetch(d, r, signal);
      const [answer, found] = await Promise.all([lookupMx(domain, r), lookupPolicies(domain, r, fetchPolicy)]);
      return { answer, policies: found };
    };
    this.run('mx', both, (result: MxAnswer | { answer: MxAnswer; policies?: PolicyAnswer }) => {
      // A refusal comes as the answer itself.
      const { answer, policies: found } = 'answer' in result ? result : { answer: result, policies: undefined };
      this.deps.log({ event: 'mx', domain, kind: answer.kind });
      this.deps.send(found === undefined ? { type: 'mx', domain, answer } : { type: 'mx', domain, answer, policies: found });
    });
  }

  /** The DKIM key `domain` publishes for `selector`; answered with a `dkim` message (a refusal as an error). */
  dkim(selector: string, domain: string): void {
    this.run('dkim', (r) => lookupDkim(selector, domain, r), (answer: PolicyRecords | Refused) => {
      const records: PolicyRecords = answer.kind === 'none' && 'reason' in answer ? { kind: 'error', detail: `not looked up: ${answer.detail}` } : answer;
      this.deps.log({ event: 'dkim', selector, domain, kind: records.kind });
      this.deps.send({ type: 'dkim', selector, domain, answer: records });
    });
  }

  /** Whether `ip` may send mail from `domain` (SPF); answered with an `spf` message. */
  spf(ip: string, domain: string): void {
    this.run('spf', (r) => checkSpf(ip, domain, r), (answer: SpfCheck | Refused) => {
      const check: SpfCheck = answer.kind === 'none' ? { kind: 'refused', detail: answer.detail } : answer;
      this.deps.log({ event: 'spf', ip, domain, result: check.kind === 'checked' ? check.result : 'refused' });
      this.deps.send({ type: 'spf', ip, domain, answer: check });
    });
  }

  /** What the common DNS blocklists say of `ip`; answered with a `dnsbl` message. */
  dnsbl(ip: string): void {
    this.run('dnsbl', (r) => checkDnsbl(ip, r), (answer: DnsblListAnswer[] | Refused) => {
      const listed = Array.isArray(answer) ? answer.filter((a) => a.kind === 'listed').length : null;
      this.deps.log({ event: 'dnsbl', ip, listed: listed ?? 'refused' });
      this.deps.send({ type: 'dnsbl', ip, answer: Array.isArray(answer) ? { kind: 'checked', lists: answer } : { kind: 'refused', detail: answer.detail } });
    });
  }

  /** What the common domain blocklists say of `domain`'s registered domain; answered with a `dbl` message. */
  dbl(domain: string): void {
    this.run('dbl', (r) => checkDomainBl(domain, r), (answer: { asked: string; lists: DnsblListAnswer[] } | Refused) => {
      if ('detail' in answer) {
        this.deps.log({ event: 'dbl', domain, listed: 'refused' });
        return this.deps.send({ type: 'dbl', domain, asked: domain, answer: { kind: 'refused', detail: answer.detail } });
      }
      this.deps.log({ event: 'dbl', domain, listed: answer.lists.filter((a) => a.kind === 'listed').length });
      this.deps.send({ type: 'dbl', domain, asked: answer.asked, answer: { kind: 'checked', lists: answer.lists } });
    });
  }

  /**
   * DANE for the TLS session with `host` (a name) on `port`: the TLSA records at _<port>._tcp.<host>, each checked
   * against `chain`, the certificates the server presented; answered with a `dane` message.
   */
  dane(host: string, port: number, chain: readonly X509Certificate[]): void {
    const name = `_${port}._tcp.${host.replace(/\.$/, '')}`;
    this.run('dane', (_r, signal) => this.deps.tlsa(name, signal), (lookup: TlsaLookup | Refused) => {
      const answer: DaneAnswer =
        lookup.kind === 'none' && 'reason' in lookup ? { kind: 'none', name, reason: 'refused', detail: lookup.detail, suggested: null } : daneAnswer(name, lookup, chain);
      this.deps.log({ event: 'dane', name, kind: answer.kind === 'records' ? `${answer.records.filter((r) => r.match === 'yes').length}/${answer.count}` : answer.reason });
      this.deps.send({ type: 'dane', host, port, answer });
    });
  }

  /**
   * Which of `host`'s `ports` answer: a probe, not a DNS lookup, but it resolves the host and opens connections, so
   * it is limited as one (one at a time, within the minute's counts); answered with a `ports` message.
   */
  ports(host: string, ports: readonly ProbePort[], family: IpFamily | undefined): void {
    // A refusal by the desk is a `none` answer of reason "refused" already.
    this.run('ports', (_r, signal) => this.deps.probe(host, ports, family, signal), (answer: PortsMessage['answer']) => {
      this.deps.log({ event: 'ports', host, kind: answer.kind === 'probed' ? answer.ports.map((p) => `${p.port}:${p.outcome}`).join(' ') : answer.reason });
      this.deps.send({ type: 'ports', host, answer });
    });
  }

  /** Which TLS versions `host` accepts on `port`: a probe, limited as `ports` is; answered with a `tlsversions` message. */
  tlsVersions(host: string, port: number, tls: TlsMode, family: IpFamily | undefined): void {
    this.run('tlsversions', (_r, signal) => this.deps.probeTls(host, port, tls, family, signal), (answer: TlsVersionsMessage['answer']) => {
      const kind = answer.kind === 'probed' ? answer.versions.map((v) => `${v.version}:${v.outcome}`).join(' ') : answer.reason;
      this.deps.log({ event: 'tlsversions', host, port, kind });
      this.deps.send({ type: 'tlsversions', host, port, answer });
    });
  }

  /**
   * Whether `host` ends a message on `port` at a sequence other than CRLF.CRLF: a probe, limited as `ports` is;
   * answered with a `smuggling` message. The addresses are not logged.
   */
  smuggling(host: string, port: number, to: string, from: string, family: IpFamily | undefined): void {
    this.run('smuggling', (_r, signal) => this.deps.probeSmuggling(host, port, to, from, family, signal), (answer: SmugglingMessage['answer']) => {
      const kind = answer.kind === 'probed' ? answer.sequences.map((o) => `${o.sequence}:${o.outcome}`).join(' ') : answer.reason;
      this.deps.log({ event: 'smuggling', host, port, kind });
      this.deps.send({ type: 'smuggling', host, port, answer });
    });
  }

  /** Whether `host` takes on `port` commands sent before TLS as sent inside it: a probe, limited as `ports` is. */
  tlsInjection(host: string, port: number, family: IpFamily | undefined): void {
    this.run('tlsinjection', (_r, signal) => this.deps.probeInjection(host, port, family, signal), (answer: TlsInjectionMessage['answer']) => {
      this.deps.log({ event: 'tlsinjection', host, port, kind: answer.kind === 'probed' ? answer.outcome : answer.reason });
      this.deps.send({ type: 'tlsinjection', host, port, answer });
    });
  }

  /**
   * TLS on each of `domain`'s MX hosts: an MX lookup and a probe of each host, limited as one lookup; answered with an
   * `mxtls` message.
   */
  mxTls(domain: string): void {
    this.run('mxtls', (r, signal) => this.deps.probeMxTls(domain, r, signal), (answer: MxTlsMessage['answer']) => {
      this.deps.log({ event: 'mxtls', domain, kind: answer.kind === 'probed' ? answer.hosts.map((h) => `${h.host}:${h.outcome}`).join(' ') : answer.reason });
      this.deps.send({ type: 'mxtls', domain, answer });
    });
  }

  /** The reverse DNS of `address` (the one connected to); answered with an `rdns` message. */
  rdns(address: string): void {
    this.run('rdns', (r) => lookupRdns(address, r), (answer: RdnsAnswer) => {
      this.deps.log({ event: 'rdns', address, kind: answer.kind });
      this.deps.send({ type: 'rdns', address, answer });
    });
  }

  /**
   * Runs one lookup if one may begin now, and hands its answer on unless the session is over by then; if not, hands
   * on the refusal as its answer.
   */
  private run<A>(what: string, lookup: (r: DnsResolver, signal: AbortSignal) => Promise<A>, answered: (answer: A | Refused) => void): void {
    const begun = this.begin(what);
    if (typeof begun === 'string') return answered({ kind: 'none', reason: 'refused', detail: begun });
    const abort = (this.abort = new AbortController());
    // Lookups never throw by design; should one, it is answered as failed rather than left to crash the bridge (an
    // unhandled rejection ends the process, and every session with it).
    const failed = (err: unknown): Refused => {
      this.deps.log({ event: 'dns-failed', what, error: String(err).slice(0, 200) });
      return { kind: 'none', reason: 'refused', detail: 'the lookup failed inside the bridge' };
    };
    void lookup(begun, abort.signal)
      .catch(failed)
      .then((answer) => {
        this.resolver = null;
        this.abort = null;
        if (!this.disposed) answered(answer);
      });
  }

  /** The session is over: the lookup in flight is cancelled, and no answer is sent. */
  dispose(): void {
    this.disposed = true;
    this.resolver?.cancel();
    this.abort?.abort();
  }

  /** A resolver for a new lookup, or why one may not begin now. */
  private begin(what: string): DnsResolver | string {
    const now = performance.now();
    if (this.resolver !== null) return 'a DNS lookup is already running: wait for its answer';
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= MAX_DNS_LOOKUPS_PER_MINUTE) return `at most ${MAX_DNS_LOOKUPS_PER_MINUTE} DNS lookups a minute for each page: try again in a minute`;
    if (!this.deps.budget.take(now)) {
      this.deps.log({ event: 'dns-budget', what });
      return 'the bridge has made all the DNS lookups it makes in a minute, for everyone: try again in a minute';
    }
    this.count++;
    this.resolver = this.deps.resolver();
    return this.resolver;
  }
}
