/**
 * A session's DNS lookups (MX, and the reverse DNS of the server connected to): one at a time, at most
 * MAX_DNS_LOOKUPS_PER_MINUTE per session and within the bridge's budget for all sessions (dns-lookup.ts DnsBudget),
 * so that the bridge does not become a DNS query pump. Made at a session's first lookup: idle sessions pay nothing.
 */
import type { Bare, MxMessage, RdnsMessage } from '../shared/protocol/messages.js';
import { lookupMx, lookupRdns, type DnsBudget, type DnsResolver } from './dns-lookup.js';
import type { LogSink } from './log.js';

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
  send: (m: Bare<MxMessage | RdnsMessage>) => void;
  /** Says no to the browser (a POLICY_REFUSED error). */
  refuse: (message: string) => void;
  log: LogSink;
}

export class DnsDesk {
  /** The lookup in flight (its resolver, to cancel), or null. */
  private resolver: DnsResolver | null = null;
  private windowStart = -Infinity;
  private count = 0;
  private disposed = false;

  constructor(private readonly deps: DnsDeskDeps) {}

  /** Where `domain`'s mail goes; answered with an `mx` message. */
  mx(domain: string): void {
    this.run('mx', (r) => lookupMx(domain, r), (answer) => {
      this.deps.log({ event: 'mx', domain, kind: answer.kind });
      this.deps.send({ type: 'mx', domain, answer });
    });
  }

  /** The reverse DNS of `address` (the one connected to); answered with an `rdns` message. */
  rdns(address: string): void {
    this.run('rdns', (r) => lookupRdns(address, r), (answer) => {
      this.deps.log({ event: 'rdns', address, kind: answer.kind });
      this.deps.send({ type: 'rdns', address, answer });
    });
  }

  /** Runs one lookup if one may begin now, and hands its answer on unless the session is over by then. */
  private run<A>(what: string, lookup: (r: DnsResolver) => Promise<A>, answered: (answer: A) => void): void {
    const resolver = this.begin(what);
    if (resolver === null) return;
    void lookup(resolver).then((answer) => {
      this.resolver = null;
      if (!this.disposed) answered(answer);
    });
  }

  /** The session is over: the lookup in flight is cancelled, and no answer is sent. */
  dispose(): void {
    this.disposed = true;
    this.resolver?.cancel();
  }

  /** A resolver for a new lookup, or null (and the browser told why) when one may not begin now. */
  private begin(what: string): DnsResolver | null {
    const now = performance.now();
    if (this.resolver !== null) {
      this.deps.refuse('a DNS lookup is already running: wait for its answer');
      return null;
    }
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= MAX_DNS_LOOKUPS_PER_MINUTE) {
      this.deps.refuse(`at most ${MAX_DNS_LOOKUPS_PER_MINUTE} DNS lookups a minute: try again later`);
      return null;
    }
    if (!this.deps.budget.take(now)) {
      this.deps.log({ event: 'dns-budget', what });
      this.deps.refuse('the bridge has made all the DNS lookups it makes in a minute, for everyone: try again later');
      return null;
    }
    this.count++;
    this.resolver = this.deps.resolver();
    return this.resolver;
  }

}
