/**
 * SPF checks through the real bridge (`spf`: may this address send mail from this domain?), against a scripted DNS
 * server on loopback (real UDP, real c-ares resolver): each result a receiver can reach (RFC 7208 §2.6), through
 * includes, a and mx mechanisms and redirects; the limits of 10 lookups and 2 void lookups; a failing name server
 * inside an include; a zone too slow to finish within the check's deadline; and the bridge's bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SPF_QUERIES } from '../../server/spf-check.js';
import type { SpfCheck } from '../../shared/protocol/messages.js';
import { startDnsBridge, type DnsBridge } from '../helpers/dns-bridge.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import type { WsTestClient } from '../helpers/ws-client.js';

/** The bridge's per-try DNS timeout in these tests, in ms: the check's deadline is four of them. */
const DNS_TIMEOUT_MS = 300;

describe('SPF checks through the bridge', () => {
  let dns: FakeDns;
  let bridge: DnsBridge;
  let c: WsTestClient;

  beforeAll(async () => {
    dns = await startFakeDns(
      {
        // A provider's include, and mechanisms that name addresses through DNS.
        'pass.test': { TXT: ['some-verification=abc', ['v=spf1 include:_spf.prov.test', ' -all']] },
        '_spf.prov.test': { TXT: ['v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all'] },
        'soft.test': { A: ['192.0.2.77'], TXT: ['v=spf1 a ~all'] },
        'mx.test': { MX: [[10, 'mx1.mx.test']], TXT: ['v=spf1 mx redirect=neutral.test'] },
        'mx1.mx.test': { A: ['198.51.100.25'] },
        'neutral.test': { TXT: ['v=spf1 ?all'] },
        'nospf.test': { TXT: ['not an SPF record'] },
        // Broken records: two of them, an include of itself, names that do not exist, a failing include.
        'two.test': { TXT: ['v=spf1 -all', 'v=spf1 ip4:192.0.2.1 -all'] },
        'loop.test': { TXT: ['v=spf1 include:loop.test -all'] },
        'voids.test': { TXT: ['v=spf1 a:v1.voids.test a:v2.voids.test a:v3.voids.test -all'] },
        'failing.test': { TXT: ['v=spf1 include:broken.test -all'] },
        // A record made to cost the most queries: ten mx mechanisms, each naming ten hosts (and each host A and AAAA).
        'costly.test': { TXT: [`v=spf1 ${Array.from({ length: 10 }, (_, i) => `mx:m${i}.costly.test`).join(' ')} -all`] },
        ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}.costly.test`, { MX: Array.from({ length: 10 }, (_, j): [number, string] => [j, `h${j}.m${i}.costly.test`]) }])),
        ...Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`h${k % 10}.m${Math.floor(k / 10)}.costly.test`, { A: [`198.51.100.${k}`] }])),
        // A chain of includes, each answered slowly but within the timeout.
        ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}.slow.test`, { TXT: [`v=spf1 include:s${i + 1}.slow.test -all`] }])),
      },
      {
        servfail: ['broken.test'],
        slow: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i + 1}.slow.test`, 250])),
      },
    );
    bridge = await startDnsBridge(dns, { dnsTimeoutMs: DNS_TIMEOUT_MS });
    c = bridge.client;
  });

  afterAll(async () => {
    await bridge?.close();
    await dns?.close();
  });

  async function check(ip: string, domain: string): Promise<SpfCheck> {
    c.send({ type: 'spf', ip, domain });
    const m = await c.next('spf', 10_000);
    expect([m.ip, m.domain]).toEqual([ip, domain]);
    return m.answer;
  }

  it('passes an address an include lists, and fails one it does not, with the record and the lookups made', async () => {
    const record = 'v=spf1 include:_spf.prov.test -all';
    expect(await check('192.0.2.5', 'pass.test')).toEqual({ kind: 'checked', result: 'pass', record, lookups: 1, voidLookups: 0 });
    expect(await check('2001:db8::5', 'pass.test')).toMatchObject({ result: 'pass' });
    // The include does not match (its ~all is not a match for the including record), so the top record's -all does.
    expect(await check('198.51.100.1', 'pass.test')).toEqual({ kind: 'checked', result: 'fail', record, lookups: 1, voidLookups: 0 });
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT pass.test', 'TXT _spf.prov.test']));
  });

  it('follows a and mx mechanisms and a redirect to softfail, pass and neutral', async () => {
    expect(await check('192.0.2.77', 'soft.test')).toMatchObject({ result: 'pass' });
    expect(await check('192.0.2.78', 'soft.test')).toMatchObject({ result: 'softfail', record: 'v=spf1 a ~all' });
    expect(await check('198.51.100.25', 'mx.test')).toMatchObject({ result: 'pass' });
    expect(await check('198.51.100.26', 'mx.test')).toMatchObject({ result: 'neutral' });
  });

  it('says none for a domain without an SPF record, or without DNS at all', async () => {
    const nospf = await check('192.0.2.5', 'nospf.test');
    expect(nospf).toMatchObject({ kind: 'checked', result: 'none', lookups: 0 });
    expect(nospf).not.toHaveProperty('noDomain');
    // No such name (NXDOMAIN), in any case of letters: said apart, as nobody can publish a record there.
    expect(await check('192.0.2.5', 'nxdomain.test')).toMatchObject({ kind: 'checked', result: 'none', noDomain: true });
    expect(await check('192.0.2.5', 'NXdomain.Test')).toMatchObject({ kind: 'checked', result: 'none', noDomain: true });
  });

  it('gives permerror for two records, more than 10 lookups and more than 2 void lookups, saying which', async () => {
    expect(await check('192.0.2.5', 'two.test')).toMatchObject({ result: 'permerror', detail: expect.stringMatching(/multiple SPF records/i) });
    const loop = await check('192.0.2.5', 'loop.test');
    expect(loop).toMatchObject({ result: 'permerror', detail: expect.stringMatching(/too many DNS/i) });
    expect(loop.kind === 'checked' && loop.lookups).toBe(11);
    const voids = await check('192.0.2.5', 'voids.test');
    expect(voids).toMatchObject({ result: 'permerror', detail: expect.stringMatching(/void/i), voidLookups: 3 });
  });

  it('stops a record made to cost the most queries at the bridge\'s own limit, as a temperror', async () => {
    const before = dns.questions.length;
    expect(await check('192.0.2.5', 'costly.test')).toMatchObject({ result: 'temperror', detail: `the bridge makes at most ${MAX_SPF_QUERIES} DNS queries for one check` });
    expect(dns.questions.length - before).toBe(MAX_SPF_QUERIES);
  });

  it('gives temperror when a name server fails inside an include, where skipping it would have said fail', async () => {
    expect(await check('192.0.2.5', 'failing.test')).toMatchObject({ result: 'temperror', detail: expect.stringContaining('broken.test failed: ESERVFAIL') });
  });

  it('gives up on a zone too slow to finish within four query timeouts, as a temperror', async () => {
    const started = performance.now();
    expect(await check('192.0.2.5', 's0.slow.test')).toMatchObject({ result: 'temperror' });
    // Twelve includes at 250 ms each would take 3 s; the deadline is 1.2 s, and the query in flight then ends it.
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('takes an address and a domain only, and one lookup at a time', async () => {
    for (const [ip, domain] of [['not-an-ip', 'pass.test'], ['192.0.2.5', '192.0.2.6'], ['192.0.2.5', 'a b'], ['1.2.3.4.5', 'pass.test']] as const) {
      c.send({ type: 'spf', ip, domain });
      expect(await c.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    }
    c.send({ type: 'spf', ip: '192.0.2.5', domain: 's0.slow.test' });
    c.send({ type: 'spf', ip: '192.0.2.5', domain: 'pass.test' });
    expect(await c.next('spf')).toMatchObject({ domain: 'pass.test', answer: { kind: 'refused', detail: expect.stringContaining('already running') } });
    expect(await c.next('spf', 10_000)).toMatchObject({ domain: 's0.slow.test', answer: { kind: 'checked' } });
  });
});
