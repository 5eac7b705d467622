/**
 * The session's DNS desk (server/dns-desk.ts) when a lookup fails in a way it was not written for: a collaborator
 * that throws must not become an unhandled rejection (that ends the bridge, and every session with it). The desk is
 * given a real resolver asking a scripted DNS server on loopback, and an MTA-STS fetch that throws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsDesk } from '../../server/dns-desk.js';
import { DnsBudget, makeResolver } from '../../server/dns-lookup.js';
import { queryTlsa } from '../../server/dane.js';
import type { Bare, DaneMessage, DkimMessage, DblMessage, DnsblMessage, MxMessage, RdnsMessage, SpfMessage, PortsMessage, SmugglingMessage, TlsInjectionMessage, TlsVersionsMessage, MxTlsMessage } from '../../shared/protocol/messages.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';

type Sent = Bare<MxMessage | RdnsMessage | DkimMessage | SpfMessage | DnsblMessage | DblMessage | DaneMessage | PortsMessage | TlsVersionsMessage | SmugglingMessage | TlsInjectionMessage | MxTlsMessage>;

describe('the DNS desk', () => {
  let dns: FakeDns;
  beforeAll(async () => {
    dns = await startFakeDns({ 'sts.test': { MX: [[10, 'mx.sts.test']], TXT: ['v=spf1 -all'] }, 'mx.sts.test': { A: ['192.0.2.1'] }, '_mta-sts.sts.test': { TXT: ['v=STSv1; id=1'] } });
  });
  afterAll(async () => {
    await dns?.close();
  });

  it('answers a lookup whose work throws as failed, logs why, and takes the next one', async () => {
    const sent: Sent[] = [];
    const logged: Record<string, unknown>[] = [];
    const desk = new DnsDesk({
      resolver: () => makeResolver([dns.server], 300),
      budget: new DnsBudget(),
      fetchMtaSts: () => Promise.reject(new Error('a bug in the fetch')),
      tlsa: (name, signal) => queryTlsa(name, [dns.server], 300, signal),
      probe: () => Promise.reject(new Error('not probed here')),
      probeTls: () => Promise.reject(new Error('not probed here')),
      probeSmuggling: () => Promise.reject(new Error('not probed here')),
      probeInjection: () => Promise.reject(new Error('not probed here')),
      probeMxTls: () => Promise.reject(new Error('not probed here')),
      send: (m) => sent.push(m),
      log: (e) => logged.push(e),
    });
    desk.mx('sts.test', true);
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(1);
    expect(sent[0]).toEqual({ type: 'mx', domain: 'sts.test', answer: { kind: 'none', reason: 'refused', detail: 'the lookup failed inside the bridge' } });
    expect(logged).toContainEqual({ event: 'dns-failed', what: 'mx', error: 'Error: a bug in the fetch' });
    // The desk is free again: the next lookup is made.
    desk.mx('sts.test');
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(2);
    expect(sent[1]).toMatchObject({ type: 'mx', answer: { kind: 'mx', hosts: [{ exchange: 'mx.sts.test' }] } });
    desk.dispose();
  });
});
