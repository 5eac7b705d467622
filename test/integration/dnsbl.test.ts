/**
 * DNS blocklist lookups through the real bridge (`dnsbl`), against a scripted DNS server on loopback standing in for
 * the lists' zones (real UDP, real c-ares resolver): a listed address with its codes and reason, a list refusing to
 * answer, a list whose name server fails, IPv6 (nibbles reversed, asked only of lists that list IPv6), and the
 * bridge's bounds. And the domain lists (`dbl`): asked about the registered domain, their bit-mask answers passed on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DblMessage, DnsblMessage } from '../../shared/protocol/messages.js';
import { DNSBL_ZONES, DOMAIN_BL_ZONES } from '../../shared/smtp/dnsbl-zones.js';
import { startDnsBridge, type DnsBridge } from '../helpers/dns-bridge.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';

/** 2001:db8::10 with its 32 nibbles reversed (RFC 5782 §2.4). */
const V6 = '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';

describe('DNS blocklists through the bridge', () => {
  let dns: FakeDns;
  let bridge: DnsBridge;

  beforeAll(async () => {
    dns = await startFakeDns(
      {
        // 192.0.2.10: on Spamhaus's XBL and PBL, with a reason; on SpamCop without one.
        '10.2.0.192.zen.spamhaus.org': { A: ['127.0.0.4', '127.0.0.10'], TXT: ['https://check.spamhaus.org/query/ip/192.0.2.10'] },
        '10.2.0.192.bl.spamcop.net': { A: ['127.0.0.2'] },
        // 192.0.2.11: Spamhaus refuses to answer the resolver.
        '11.2.0.192.zen.spamhaus.org': { A: ['127.255.255.254'] },
        [`${V6}.zen.spamhaus.org`]: { A: ['127.0.0.3'] },
        // spammy.example: on the DBL with a reason, on SURBL's phishing and abuse lists (8 + 64); URIBL fails.
        'spammy.example.dbl.spamhaus.org': { A: ['127.0.1.2'], TXT: ['https://check.spamhaus.org/results?query=spammy.example'] },
        'spammy.example.multi.surbl.org': { A: ['127.0.0.72'] },
      },
      { servfail: ['10.2.0.192.b.barracudacentral.org', 'spammy.example.multi.uribl.com'] },
    );
    bridge = await startDnsBridge(dns, { dnsTimeoutMs: 300 });
  });

  afterAll(async () => {
    await bridge?.close();
    await dns?.close();
  });

  async function lists(ip: string): Promise<DnsblMessage['answer']> {
    bridge.client.send({ type: 'dnsbl', ip });
    const m = await bridge.client.next('dnsbl', 10_000);
    expect(m.ip).toBe(ip);
    return m.answer;
  }

  it('asks every list with the address reversed, and passes on codes and reasons', async () => {
    expect(await lists('192.0.2.10')).toEqual({
      kind: 'checked',
      lists: [
        { zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.0.0.4', '127.0.0.10'], reason: 'https://check.spamhaus.org/query/ip/192.0.2.10' },
        { zone: 'bl.spamcop.net', kind: 'listed', codes: ['127.0.0.2'] },
        { zone: 'b.barracudacentral.org', kind: 'error', detail: 'ESERVFAIL' },
        { zone: 'psbl.surriel.com', kind: 'clean' },
      ],
    });
    expect(dns.questions).toEqual(expect.arrayContaining(DNSBL_ZONES.map((z) => `A 10.2.0.192.${z.zone}`)));
    expect(dns.questions).toContain('TXT 10.2.0.192.zen.spamhaus.org');
    // A listing's reason is asked only of a list that has the address.
    expect(dns.questions).not.toContain('TXT 10.2.0.192.psbl.surriel.com');
  });

  it('passes on a list refusing to answer as its answer; the page tells it from a listing', async () => {
    expect(await lists('192.0.2.11')).toMatchObject({ lists: [{ zone: 'zen.spamhaus.org', kind: 'listed', codes: ['127.255.255.254'] }, { kind: 'clean' }, { kind: 'clean' }, { kind: 'clean' }] });
  });

  it('asks about an IPv6 address only the lists that list IPv6, by its nibbles', async () => {
    const answer = await lists('2001:db8::10');
    expect(answer).toEqual({
      kind: 'checked',
      lists: DNSBL_ZONES.map((z) => (z.ipv6 ? { zone: z.zone, kind: 'listed', codes: ['127.0.0.3'] } : { zone: z.zone, kind: 'skipped' })),
    });
  });

  async function domainLists(domain: string): Promise<DblMessage> {
    bridge.client.send({ type: 'dbl', domain });
    const m = await bridge.client.next('dbl', 10_000);
    expect(m.domain).toBe(domain);
    return m;
  }

  it('asks the domain lists about the registered domain of a name, and passes on their answers', async () => {
    const m = await domainLists('mail.spammy.example');
    expect(m.asked).toBe('spammy.example');
    expect(m.answer).toEqual({
      kind: 'checked',
      lists: [
        { zone: 'dbl.spamhaus.org', kind: 'listed', codes: ['127.0.1.2'], reason: 'https://check.spamhaus.org/results?query=spammy.example' },
        { zone: 'multi.surbl.org', kind: 'listed', codes: ['127.0.0.72'] },
        { zone: 'multi.uribl.com', kind: 'error', detail: 'ESERVFAIL' },
      ],
    });
    expect(dns.questions).toEqual(expect.arrayContaining(DOMAIN_BL_ZONES.map((z) => `A spammy.example.${z.zone}`)));
    // Never the name as typed: the lists hold registered domains.
    expect(dns.questions.some((q) => q.includes('mail.spammy.example'))).toBe(false);
    // A registered domain is asked about as it is (a trailing dot and capitals aside).
    const clean = await domainLists('Clean.Example.');
    expect(clean.asked).toBe('clean.example');
    expect(clean.answer).toEqual({ kind: 'checked', lists: DOMAIN_BL_ZONES.map((z) => ({ zone: z.zone, kind: 'clean' })) });
  });

  it('takes domain names only for the domain lists', async () => {
    for (const domain of ['192.0.2.10', 'not a name', '', 'x'.repeat(300)]) {
      bridge.client.send({ type: 'dbl', domain });
      expect(await bridge.client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    }
  });

  it('takes addresses only, and one lookup at a time', async () => {
    for (const ip of ['example.org', '192.0.2.300', '[192.0.2.1]', '']) {
      bridge.client.send({ type: 'dnsbl', ip });
      expect(await bridge.client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    }
    bridge.client.send({ type: 'dnsbl', ip: '192.0.2.10' });
    bridge.client.send({ type: 'dnsbl', ip: '192.0.2.12' });
    const answers = [await bridge.client.next('dnsbl', 10_000), await bridge.client.next('dnsbl', 10_000)];
    expect(answers.find((m) => m.ip === '192.0.2.12')?.answer).toEqual({ kind: 'refused', detail: 'a DNS lookup is already running: wait for its answer' });
  });
});
