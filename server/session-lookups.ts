/**
 * A session's lookups and probes, made at its first: the DNS desk (dns-desk.ts) with the probes it runs, the DKIM key
 * of the practice domain (which is not in DNS), and the two asked about the session's own connection: the reverse DNS
 * of the address dialled, and DANE for its TLS session. Apart from session.ts, which only hands these messages on, so
 * that an idle session holds none of it.
 */
import net from 'node:net';
import { ERROR_CODES, exhaustive, type Bare, type ClientMessage, type ErrorCode, type ServerMessage } from '../shared/protocol/messages.js';
import type { LogSink } from './log.js';
import { DnsDesk } from './dns-desk.js';
import type { SmtpLink } from './smtp-link.js';
import { probeDepsFor, probePorts, type ProbeDeps } from './port-probe.js';
import { probeTlsVersions } from './tls-versions-probe.js';
import { probeSmuggling } from './smuggling-probe.js';
import { probeTlsInjection } from './tls-injection-probe.js';
import { probeMxTls } from './mx-tls-probe.js';
import type { SessionOptions } from './session.js';

/** The browser's messages that ask for a lookup or a probe. */
export type LookupMessage = Extract<ClientMessage, { type: 'mx' | 'rdns' | 'dane' | 'dkim' | 'spf' | 'dnsbl' | 'dbl' | 'ports' | 'tlsversions' | 'smuggling' | 'tlsinjection' | 'mxtls' }>;

export interface SessionLookupsDeps {
  opts: Pick<SessionOptions, 'policy' | 'lookup' | 'connectTimeoutMs' | 'dnsResolver' | 'dnsBudget' | 'lookupTlsa' | 'fetchMtaSts' | 'practice' | 'storedMessages'>;
  send(body: Bare<ServerMessage>): void;
  error(code: ErrorCode, message: string): void;
  log: LogSink;
  /** The session's SMTP connection now, or null. */
  link(): SmtpLink | null;
}

export class SessionLookups {
  private readonly desk: DnsDesk;

  constructor(private readonly deps: SessionLookupsDeps) {
    const { opts } = deps;
    const probeDeps = (): ProbeDeps => probeDepsFor(opts.policy, opts.lookup, opts.connectTimeoutMs);
    this.desk = new DnsDesk({
      resolver: opts.dnsResolver,
      budget: opts.dnsBudget,
      tlsa: opts.lookupTlsa,
      ...(opts.fetchMtaSts !== undefined ? { fetchMtaSts: opts.fetchMtaSts } : {}),
      probe: (host, ports, family, signal) => probePorts(host, ports, family, probeDeps(), signal),
      probeTls: (host, port, tls, family, signal) => probeTlsVersions(host, port, tls, family, probeDeps(), signal),
      probeSmuggling: (host, port, to, from, family, signal) => probeSmuggling(host, port, to, from, family, probeDeps(), signal),
      probeInjection: (host, port, family, signal) => probeTlsInjection(host, port, family, probeDeps(), signal),
      probeMxTls: (domain, r, signal) => {
        const fetch = opts.fetchMtaSts;
        return probeMxTls(domain, r, { probe: probeDeps(), practice: opts.practice, tlsa: opts.lookupTlsa, ...(fetch === undefined ? {} : { fetchMtaSts: fetch }) }, signal);
      },
      send: (m) => deps.send(m),
      log: deps.log,
    });
  }

  handle(m: LookupMessage): void {
    const desk = this.desk;
    switch (m.type) {
      case 'mx':
        return desk.mx(m.domain, m.policies === true);
      case 'rdns':
        return m.ip !== undefined ? desk.rdns(m.ip) : this.rdnsOfLink();
      case 'dane':
        return this.daneOfLink();
      case 'dkim':
        return this.practiceDomain(m.domain) ? this.practiceKey(m.selector, m.domain) : desk.dkim(m.selector, m.domain);
      case 'spf':
        return desk.spf(m.ip, m.domain);
      case 'dnsbl':
        return desk.dnsbl(m.ip);
      case 'dbl':
        return desk.dbl(m.domain);
      case 'ports':
        return desk.ports(m.host, m.ports, m.family);
      case 'tlsversions':
        return desk.tlsVersions(m.host, m.port, m.tls, m.family);
      case 'smuggling':
        return desk.smuggling(m.host, m.port, m.to, m.from, m.family);
      case 'tlsinjection':
        return desk.tlsInjection(m.host, m.port, m.family);
      case 'mxtls':
        return desk.mxTls(m.domain);
      default:
        return exhaustive(m);
    }
  }

  dispose(): void {
    this.desk.dispose();
  }

  /** The reverse DNS of the address this session's connection was made to. */
  private rdnsOfLink(): void {
    const address = this.deps.link()?.address ?? null;
    if (address === null) return this.deps.error(ERROR_CODES.NOT_CONNECTED, 'not connected: reverse DNS is looked up for the server connected to');
    this.desk.rdns(address);
  }

  /** DANE for the TLS session of this session's connection (dane.ts). */
  private daneOfLink(): void {
    const link = this.deps.link();
    if (link === null) return this.deps.error(ERROR_CODES.NOT_CONNECTED, 'not connected: DANE is looked up for the TLS session of a connection');
    const peer = link.tlsPeer;
    const target = { host: peer?.host ?? '', port: peer?.port ?? 0 };
    const none = (reason: 'no-tls' | 'not-a-name', detail: string): void =>
      this.deps.send({ type: 'dane', ...target, answer: { kind: 'none', name: '', reason, detail, suggested: null } });
    if (peer === null) return none('no-tls', 'the connection has no TLS session: DANE is about the certificate a server presents');
    // RFC 7672 §2.2: the TLSA base domain is the MX host's name; an address has none.
    if (net.isIP(peer.host) !== 0) return none('not-a-name', `${peer.host} is an address: DANE's TLSA records are found by the server's name`);
    this.desk.dane(peer.host, peer.port, peer.chain);
  }

  private practiceDomain(domain: string): boolean {
    const practice = this.deps.opts.practice;
    return practice !== null && domain.toLowerCase() === practice.domain;
  }

  /**
   * A DKIM key looked up at the practice domain, which is not in DNS: the key the practice server signs its reports
   * with, answered as a TXT lookup of <selector>._domainkey.practice.test would be.
   */
  private practiceKey(selector: string, domain: string): void {
    const answer = (key: { selector: string; record: string } | null): void =>
      this.deps.send({ type: 'dkim', selector, domain, answer: key !== null && selector === key.selector ? { kind: 'records', records: [key.record], count: 1 } : { kind: 'none' } });
    const stored = this.deps.opts.storedMessages;
    if (stored === undefined) return answer(null);
    void stored.dkim().then(answer, () => answer(null));
  }
}
