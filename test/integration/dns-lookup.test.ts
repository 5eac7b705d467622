/**
 * DNS lookups through the real bridge (MX, and the reverse DNS of the server connected to), against a scripted DNS
 * server on loopback (real UDP, real c-ares resolver, answers encoded as an authoritative server would): every kind
 * of answer, its order and limits, a dead or broken name server, and the bridge's bounds (one lookup at a time, a
 * budget per minute per session and one for all, domains only, a session that goes away mid-lookup).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { MAX_DNS_LOOKUPS_PER_MINUTE } from '../../server/dns-desk.js';
import { MAX_MX_ADDRESSES, MAX_MX_HOSTS, MAX_POLICY_CHARS } from '../../shared/protocol/app-limits.js';
import { type MxAnswer, type RdnsMessage } from '../../shared/protocol/messages.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

/** The bridge's per-try DNS timeout in these tests, in ms: a silent name server must not hold a test for long. */
const DNS_TIMEOUT_MS = 300;

describe('MX lookups through the bridge', () => {
  let dns: FakeDns;
  let app: Heloterm;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    dns = await startFakeDns(
      {
        'example.test': { MX: [[20, 'mx2.example.test'], [10, 'mx1.example.test'], [10, 'mx1b.example.test'], [30, 'gone.example.test']] },
        'mx1.example.test': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
        'mx1b.example.test': { A: ['192.0.2.11'] },
        'mx2.example.test': { A: ['192.0.2.20'] },
        'gone.example.test': {},
        'null.test': { MX: [[0, '']] },
        'direct.test': { A: ['192.0.2.30'], AAAA: ['2001:db8::30'] },
        'empty.test': {},
        'many.test': { MX: Array.from({ length: 15 }, (_, i): [number, string] => [i, `mx${i}.many.test`]) },
        'wide.test': { MX: [[5, 'wide-mx.test']] },
        'wide-mx.test': { A: Array.from({ length: 12 }, (_, i) => `192.0.2.${i + 1}`) },
        'odd.test': { MX: [[10, 'a\x1b[2Jb.example']] },
        'quiet-mx.test': { MX: [[10, 'quiet.example.test'], [20, 'mx2.example.test']] },
        'quiet.example.test': { A: ['192.0.2.40'] },
        'quiet-direct.test': {},
        // Mail policies in TXT records: tags in any case, other TXT records beside them, a record split in strings.
        'policy.test': { MX: [[10, 'mx1.example.test']], TXT: ['google-site-verification=abc', 'V=SPF1 ip4:192.0.2.0/24 -all', ['v=spf1 include:a.example', ' include:b.example ~all']] },
        '_dmarc.policy.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@policy.test', 'v=DMARC10 not one'] },
        '_mta-sts.policy.test': { TXT: ['v=STSv1; id=20261129'] },
        '_smtp._tls.policy.test': { TXT: ['v=spf1 -all'] },
        '_smtp._tls.bare.test': { TXT: ['v=TLSRPTv1;rua=mailto:t@bare.test'] },
        'default._bimi.policy.test': { TXT: ['v=BIMI1; l=https://policy.test/logo.svg; a=https://policy.test/vmc.pem'] },
        'bare.test': { MX: [[10, 'mx1.example.test']] },
        // A subdomain without DMARC, below one with it, and one below a domain without it either.
        'news.policy.test': { TXT: ['v=spf1 -all'] },
        'news.example.test': { TXT: ['v=spf1 -all'] },
        // SPF records whose includes cost lookups of their own: one include names no SPF record, one loops, one fails.
        'spf.test': { MX: [[10, 'mx1.example.test']], TXT: ['v=spf1 include:a.spf.test include:Gone.spf.test. mx -all'] },
        'a.spf.test': { TXT: ['v=spf1 include:c.spf.test ip4:192.0.2.1 ~all'] },
        'c.spf.test': { TXT: ['v=spf1 a -all', 'some other TXT record'] },
        'gone.spf.test': { TXT: ['not an SPF record'] },
        'loop.test': { TXT: ['v=spf1 include:loop.test -all'] },
        'failing-include.test': { TXT: ['v=spf1 include:broken.test -all'] },
        // A chain of includes, each answered slowly but within the timeout.
        ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}.slow-spf.test`, { TXT: [`v=spf1 include:s${i + 1}.slow-spf.test -all`] }])),
        // DKIM keys: one published in two strings (a 2048-bit key does not fit in one), one revoked, one name failing.
        's1._domainkey.dkim.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 'rest']] },
        'old._domainkey.dkim.test': { TXT: ['v=DKIM1; p='] },
        // A hostile or broken zone: an SPF record far too long, split in strings as DNS must, with control characters.
        'long.test': { MX: [[10, 'mx1.example.test']], TXT: [['v=spf1 \x1b[2J', ...Array.from({ length: 5 }, (_, i) => `include:${String(i).repeat(200)}.example `), '-all']] },
      },
      {
        silent: ['slow.test', 'A quiet.example.test', 'AAAA quiet.example.test', 'A quiet-direct.test', 'AAAA quiet-direct.test'],
        servfail: ['broken.test', '_dmarc.bare.test', 'bad._domainkey.dkim.test'],
        slow: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i + 1}.slow-spf.test`, 250])),
      },
    );
    app = await startHeloterm({ port: 0, log: () => undefined, practice: false, dnsServers: [dns.server], dnsTimeoutMs: DNS_TIMEOUT_MS });
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await app?.close();
    await dns?.close();
  });

  async function client(): Promise<WsTestClient> {
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    return c;
  }

  async function lookUp(c: WsTestClient, domain: string): Promise<MxAnswer> {
    c.send({ type: 'mx', domain });
    const m = await c.next('mx', 10_000);
    expect(m.domain).toBe(domain);
    return m.answer;
  }

  it('lists the MX hosts lowest preference first, each with its addresses, and says which do not resolve', async () => {
    const c = await client();
    expect(await lookUp(c, 'example.test')).toEqual({
      kind: 'mx',
      count: 4,
      hosts: [
        { preference: 10, exchange: 'mx1.example.test', addresses: ['192.0.2.10', '2001:db8::10'] },
        { preference: 10, exchange: 'mx1b.example.test', addresses: ['192.0.2.11'] },
        { preference: 20, exchange: 'mx2.example.test', addresses: ['192.0.2.20'] },
        { preference: 30, exchange: 'gone.example.test', addresses: [] },
      ],
    });
    // What was asked: the MX, then A and AAAA for each host.
    expect(dns.questions).toEqual(expect.arrayContaining(['MX example.test', 'A mx1.example.test', 'AAAA mx1.example.test', 'A gone.example.test']));
  });

  it('tells a null MX, an implicit MX, a domain with nothing, and one that does not exist', async () => {
    const c = await client();
    expect(await lookUp(c, 'null.test')).toEqual({ kind: 'null' });
    expect(await lookUp(c, 'direct.test')).toEqual({ kind: 'implicit', addresses: ['192.0.2.30', '2001:db8::30'] });
    expect(await lookUp(c, 'empty.test')).toEqual({ kind: 'none', reason: 'no-records', detail: 'no MX, A or AAAA records' });
    expect(await lookUp(c, 'nowhere.test')).toEqual({ kind: 'none', reason: 'no-domain', detail: 'NXDOMAIN: the domain does not exist' });
  });

  it('reports a broken and a silent name server as DNS errors, and the session goes on', async () => {
    const c = await client();
    expect(await lookUp(c, 'broken.test')).toEqual({ kind: 'none', reason: 'dns-error', detail: 'the MX lookup failed: ESERVFAIL' });
    expect(await lookUp(c, 'slow.test')).toEqual({ kind: 'none', reason: 'dns-error', detail: 'the MX lookup failed: ETIMEOUT' });
    expect((await lookUp(c, 'direct.test')).kind).toBe('implicit');
  });

  it('tells an MX host whose addresses could not be looked up from one that has none', async () => {
    const c = await client();
    expect(await lookUp(c, 'quiet-mx.test')).toEqual({
      kind: 'mx',
      count: 2,
      hosts: [
        { preference: 10, exchange: 'quiet.example.test', addresses: [], lookupError: 'ETIMEOUT' },
        { preference: 20, exchange: 'mx2.example.test', addresses: ['192.0.2.20'] },
      ],
    });
    expect(await lookUp(c, 'quiet-direct.test')).toEqual({
      kind: 'none',
      reason: 'dns-error',
      detail: 'no MX records, and the address lookup failed: ETIMEOUT',
    });
  });

  it('keeps long answers within their limits', async () => {
    const c = await client();
    const many = await lookUp(c, 'many.test');
    expect(many.kind === 'mx' && [many.count, many.hosts.length, many.hosts[0]?.exchange]).toEqual([15, MAX_MX_HOSTS, 'mx0.many.test']);
    const wide = await lookUp(c, 'wide.test');
    expect(wide.kind === 'mx' && wide.hosts[0]?.addresses).toHaveLength(MAX_MX_ADDRESSES);
  });

  it('passes on a name with odd bytes as the resolver escapes it, never the bytes themselves', async () => {
    const odd = await lookUp(await client(), 'odd.test');
    // Nor can such a name be looked up: the resolver calls it a bad name.
    expect(odd).toEqual({ kind: 'mx', count: 1, hosts: [{ preference: 10, exchange: 'a\\027[2Jb.example', addresses: [], lookupError: 'EBADNAME' }] });
  });

  it('looks up the mail policies with the MX records when asked: the TXT records with each tag, strings joined', async () => {
    const c = await client();
    c.send({ type: 'mx', domain: 'policy.test', policies: true });
    const m = await c.next('mx', 10_000);
    expect(m.answer).toMatchObject({ kind: 'mx', count: 1 });
    expect(m.policies).toEqual({
      spf: { kind: 'records', count: 2, records: ['V=SPF1 ip4:192.0.2.0/24 -all', 'v=spf1 include:a.example include:b.example ~all'] },
      dmarc: { kind: 'records', count: 1, records: ['v=DMARC1; p=reject; rua=mailto:d@policy.test'] },
      mtaSts: { kind: 'records', count: 1, records: ['v=STSv1; id=20261129'] },
      // The policy it announces is fetched (test/integration/mta-sts); here its host has no address.
      mtaStsPolicy: { kind: 'error', detail: 'mta-sts.policy.test has no address (no A or AAAA record)' },
      tlsRpt: { kind: 'none' },
      bimi: { kind: 'records', count: 1, records: ['v=BIMI1; l=https://policy.test/logo.svg; a=https://policy.test/vmc.pem'] },
    });
    // One lookup for all of it; no such names and a failing name server are told apart.
    c.send({ type: 'mx', domain: 'bare.test', policies: true });
    const bare = await c.next('mx', 10_000);
    expect(bare.policies).toEqual({
      spf: { kind: 'none' },
      dmarc: { kind: 'error', detail: 'the TXT lookup of _dmarc.bare.test failed: ESERVFAIL' },
      mtaSts: { kind: 'none' },
      tlsRpt: { kind: 'records', count: 1, records: ['v=TLSRPTv1;rua=mailto:t@bare.test'] },
      bimi: { kind: 'none' },
    });
    // A subdomain without a DMARC record: its organizational domain's, which receivers use instead.
    const dmarcOf = async (domain: string) => {
      c.send({ type: 'mx', domain, policies: true });
      const p = (await c.next('mx', 10_000)).policies;
      return [p?.dmarc, p?.dmarcOrg];
    };
    expect(await dmarcOf('news.policy.test')).toEqual([{ kind: 'none' }, { domain: 'policy.test', dmarc: { kind: 'records', count: 1, records: ['v=DMARC1; p=reject; rua=mailto:d@policy.test'] } }]);
    expect(await dmarcOf('news.example.test')).toEqual([{ kind: 'none' }, { domain: 'example.test', dmarc: { kind: 'none' } }]);
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT _dmarc.news.policy.test', 'TXT _dmarc.policy.test', 'TXT _dmarc.example.test']));
    // A record longer than the page takes is cut to what it takes; its bytes are passed on as DNS gave them (the page
    // makes control characters visible when it shows them, test/unit/policies).
    c.send({ type: 'mx', domain: 'long.test', policies: true });
    const long = (await c.next('mx', 10_000)).policies?.spf;
    expect(long?.kind).toBe('records');
    const record = long?.kind === 'records' ? (long.records[0] ?? '') : '';
    expect(record).toHaveLength(MAX_POLICY_CHARS);
    expect(record.startsWith('v=spf1 \x1b[2Jinclude:0000')).toBe(true);
    // Not asked for: not looked up.
    const before = dns.questions.filter((q) => q.startsWith('TXT')).length;
    c.send({ type: 'mx', domain: 'policy.test' });
    expect((await c.next('mx', 10_000)).policies).toBeUndefined();
    expect(dns.questions.filter((q) => q.startsWith('TXT')).length).toBe(before);
  });

  it('counts the lookups an SPF record costs through its includes, following at most 10 of them', async () => {
    const c = await client();
    const spfOf = async (domain: string) => {
      c.send({ type: 'mx', domain, policies: true });
      return (await c.next('mx', 10_000)).policies?.spfLookups;
    };
    // include a, include gone, mx; a's include c; c's a: five, and gone.spf.test has no SPF record.
    expect(await spfOf('spf.test')).toEqual({ count: 5, missing: ['include:gone.spf.test'], partial: false });
    // A record that includes itself: counted until past the limit, then no more lookups.
    const asked = (): number => dns.questions.filter((q) => q === 'TXT loop.test').length;
    const before = asked();
    expect(await spfOf('loop.test')).toEqual({ count: 11, missing: [], partial: true });
    expect(asked() - before).toBe(11); // the policies' own lookup, then 10 for the includes
    // A zone that answers every include slowly (250 ms, within the 300 ms timeout): followed for four timeouts, then
    // given up, before the count could pass 10 (the limit would stop it at 11, and the whole chain takes 3 s).
    const slow = await spfOf('s0.slow-spf.test');
    expect(slow).toMatchObject({ missing: [], partial: true });
    expect(slow?.count).toBeGreaterThanOrEqual(1);
    expect(slow?.count).toBeLessThanOrEqual(10);
    // An include whose lookup fails: the count is a lower bound.
    expect(await spfOf('failing-include.test')).toEqual({ count: 1, missing: [], partial: true });
    // No SPF record, or two: nothing to count.
    expect(await spfOf('bare.test')).toBeUndefined();
    expect(await spfOf('policy.test')).toBeUndefined();
  });

  it('looks up the DKIM key a domain publishes for a selector: every TXT record there, strings joined', async () => {
    const c = await client();
    const dkim = async (selector: string, domain: string) => {
      c.send({ type: 'dkim', selector, domain });
      const m = await c.next('dkim', 10_000);
      expect([m.selector, m.domain]).toEqual([selector, domain]);
      return m.answer;
    };
    expect(await dkim('s1', 'dkim.test')).toEqual({ kind: 'records', count: 1, records: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArest'] });
    expect(await dkim('old', 'dkim.test')).toEqual({ kind: 'records', count: 1, records: ['v=DKIM1; p='] });
    expect(await dkim('nope', 'dkim.test')).toEqual({ kind: 'none' });
    expect(await dkim('bad', 'dkim.test')).toEqual({ kind: 'error', detail: 'the TXT lookup of bad._domainkey.dkim.test failed: ESERVFAIL' });
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT s1._domainkey.dkim.test', 'TXT nope._domainkey.dkim.test']));
    // Two at once: the second is over the one-at-a-time limit, and answered so.
    c.send({ type: 'dkim', selector: 's1', domain: 'dkim.test' });
    c.send({ type: 'dkim', selector: 'old', domain: 'dkim.test' });
    const answers = [await c.next('dkim', 10_000), await c.next('dkim', 10_000)];
    expect(answers.map((m) => m.answer.kind).sort()).toEqual(['error', 'records']);
    expect(answers.find((m) => m.answer.kind === 'error')).toMatchObject({ selector: 'old', answer: { detail: 'not looked up: a DNS lookup is already running: wait for its answer' } });
    // A selector that is not a name is refused at the boundary, nothing looked up.
    c.send({ type: 'dkim', selector: 'a b', domain: 'dkim.test' });
    expect((await c.next('error')).code).toBe('BAD_MESSAGE');
  });

  it('takes domain names only, one lookup at a time, and so many a minute', async () => {
    const c = await client();
    for (const domain of ['192.0.2.1', '[2001:db8::1]', '', 'a..b', 'x'.repeat(300)]) {
      c.send({ type: 'mx', domain });
      expect(await c.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    }
    c.send({ type: 'mx', domain: 'slow.test' });
    c.send({ type: 'mx', domain: 'direct.test' });
    // Every lookup is answered: one refused is answered at once, as refused, with the limit it met.
    expect(await c.next('mx')).toMatchObject({ domain: 'direct.test', answer: { kind: 'none', reason: 'refused', detail: expect.stringContaining('already running') } });
    expect((await c.next('mx', 10_000)).domain).toBe('slow.test');
    // One lookup so far this minute (the refused one did not count); the rest of the budget, then a refusal.
    for (let i = 1; i < MAX_DNS_LOOKUPS_PER_MINUTE; i++) expect((await lookUp(c, 'null.test')).kind).toBe('null');
    c.send({ type: 'mx', domain: 'null.test' });
    expect((await c.next('mx')).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('20 DNS lookups a minute') });
    // Another session has a budget of its own.
    expect((await lookUp(await client(), 'null.test')).kind).toBe('null');
  });

  it('survives a session that goes away in the middle of a lookup', async () => {
    const gone = await client();
    gone.send({ type: 'mx', domain: 'slow.test' });
    await gone.close();
    await new Promise((r) => setTimeout(r, 3 * DNS_TIMEOUT_MS));
    expect((await lookUp(await client(), 'example.test')).kind).toBe('mx');
  });
});

/**
 * Reverse DNS through the bridge: the PTR records of the address a session is connected to, and each name's own
 * addresses, from the scripted DNS server. Each scripted SMTP server listens on a loopback address of its own
 * (127.0.0.2 …), so that each has reverse DNS of its own.
 */
describe('reverse DNS through the bridge', () => {
  let dns: FakeDns;
  let app: Heloterm;
  const servers: FakeSmtp[] = [];
  const clients: WsTestClient[] = [];
  const ptr = (last: number): string => `${last}.0.0.127.in-addr.arpa`;

  beforeAll(async () => {
    dns = await startFakeDns(
      {
        [ptr(2)]: { PTR: ['mx.good.test'] },
        'mx.good.test': { A: ['127.0.0.2'] },
        [ptr(3)]: { PTR: ['mx.other.test'] },
        'mx.other.test': { A: ['192.0.2.99'], AAAA: ['2001:db8::99'] },
        [ptr(5)]: { PTR: ['a.two.test', 'b.two.test'] },
        'a.two.test': { A: ['127.0.0.5'] },
        'b.two.test': {},
        [ptr(6)]: { PTR: ['quiet.test'] },
        'quiet.test': {},
        [ptr(7)]: {},
        // A name with more addresses than are sent, the one connected to last of them.
        [ptr(8)]: { PTR: ['pool.test'] },
        'pool.test': { A: [...Array.from({ length: MAX_MX_ADDRESSES + 3 }, (_, i) => `192.0.2.${i + 1}`), '127.0.0.8'] },
      },
      { silent: [ptr(4), 'A quiet.test', 'AAAA quiet.test'] },
    );
    for (let last = 2; last <= 8; last++) servers.push(await startFakeSmtp({ onConnect: ['220 mx.good.test ESMTP\r\n'] }, `127.0.0.${last}`));
    app = await startHeloterm({
      port: 0,
      log: () => undefined,
      practice: false,
      dnsServers: [dns.server],
      dnsTimeoutMs: DNS_TIMEOUT_MS,
      allowedPorts: servers.map((s) => s.port),
    });
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await app?.close();
    for (const s of servers) await s.close();
    await dns?.close();
  });

  /** A session connected to the scripted server on 127.0.0.`last`, greeted. */
  async function connectedTo(last: number): Promise<WsTestClient> {
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    c.send({ type: 'connect', host: `127.0.0.${last}`, port: servers[last - 2]!.port, tls: 'none' });
    expect((await c.next('connected')).address).toBe(`127.0.0.${last}`);
    await c.nextReply();
    return c;
  }

  async function rdns(c: WsTestClient): Promise<RdnsMessage> {
    c.send({ type: 'rdns' });
    return c.next('rdns', 10_000);
  }

  it('gives the names of the address connected to, each with its addresses (forward-confirmed or not)', async () => {
    expect(await rdns(await connectedTo(2))).toMatchObject({
      address: '127.0.0.2',
      answer: { kind: 'names', count: 1, names: [{ name: 'mx.good.test', addresses: ['127.0.0.2'] }] },
    });
    expect((await rdns(await connectedTo(3))).answer).toEqual({ kind: 'names', count: 1, names: [{ name: 'mx.other.test', addresses: ['192.0.2.99', '2001:db8::99'] }] });
    expect((await rdns(await connectedTo(5))).answer).toEqual({
      kind: 'names',
      count: 2,
      names: [
        { name: 'a.two.test', addresses: ['127.0.0.5'] },
        { name: 'b.two.test', addresses: [] },
      ],
    });
    expect(dns.questions).toEqual(expect.arrayContaining([`PTR ${ptr(2)}`, 'A mx.good.test', 'AAAA mx.good.test']));
    // Of a name's many addresses, the one connected to is kept first, so that the cut cannot hide it.
    const pool = (await rdns(await connectedTo(8))).answer;
    expect(pool.kind === 'names' ? pool.names[0]?.addresses : []).toEqual(['127.0.0.8', ...Array.from({ length: MAX_MX_ADDRESSES - 1 }, (_, i) => `192.0.2.${i + 1}`)]);
  });

  it('tells no PTR record from a lookup that failed, and a name whose addresses could not be looked up', async () => {
    expect((await rdns(await connectedTo(7))).answer).toEqual({ kind: 'none', reason: 'no-ptr', detail: `no PTR record for ${ptr(7)}` });
    expect((await rdns(await connectedTo(4))).answer).toEqual({ kind: 'none', reason: 'dns-error', detail: 'the PTR lookup failed: ETIMEOUT' });
    expect((await rdns(await connectedTo(6))).answer).toEqual({ kind: 'names', count: 1, names: [{ name: 'quiet.test', addresses: [], lookupError: 'ETIMEOUT' }] });
  });

  it('needs a connection, and counts against the same budget as MX lookups', async () => {
    const c = await WsTestClient.open(app.url);
    clients.push(c);
    await c.next('hello');
    c.send({ type: 'rdns' });
    expect(await c.next('error')).toMatchObject({ code: 'NOT_CONNECTED' });
    const d = await connectedTo(2);
    c.send({ type: 'rdns' }); // c is still not connected: refused, and not counted
    await c.next('error');
    d.send({ type: 'mx', domain: 'nowhere.test' });
    d.send({ type: 'rdns' });
    expect((await d.next('rdns')).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('already running') });
    await d.next('mx', 10_000);
    for (let i = 1; i < MAX_DNS_LOOKUPS_PER_MINUTE; i++) expect((await rdns(d)).answer.kind).toBe('names');
    d.send({ type: 'rdns' });
    expect((await d.next('rdns')).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('a minute') });
  });
});

describe('the bridge-wide DNS budget', () => {
  it('refuses lookups beyond it in any session, and says so', async () => {
    const dns = await startFakeDns({ 'null.test': { MX: [[0, '']] } });
    const logged: Record<string, unknown>[] = [];
    const app = await startHeloterm({ port: 0, log: (e) => logged.push(e), practice: false, dnsServers: [dns.server], dnsLookupsPerMinute: 3 });
    const clients: WsTestClient[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const c = await WsTestClient.open(app.url);
        clients.push(c);
        await c.next('hello');
        c.send({ type: 'mx', domain: 'null.test' });
        if (i < 3) expect((await c.next('mx', 10_000)).answer).toEqual({ kind: 'null' });
        else expect((await c.next('mx')).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('for everyone') });
      }
      expect(logged.filter((e) => e.event === 'dns-budget')).toHaveLength(1);
      expect(dns.questions.filter((q) => q === 'MX null.test')).toHaveLength(3);
    } finally {
      for (const c of clients) await c.close();
      await app.close();
      await dns.close();
    }
  });
});
