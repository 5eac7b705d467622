/**
 * The target policy (server/target-policy.ts): every spelling of loopback, private, link-local, metadata and
 * transition addresses is refused on its resolved bytes, and a loopback listener on an allowed port records ZERO
 * connections. Positive controls show the same listener is reached when the policy allows it.
 */
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { checkAddress, classifyAddress, parseAddress, parseAllowList, resolveTargets, TargetRefused, type TargetPolicy } from '../../server/target-policy.js';
import { mapNetError, NoAddressOfVersion } from '../../server/net-errors.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { countingListener, type CountingListener } from '../helpers/counting-listener.js';
import { lookupOf } from '../helpers/lookup.js';
import { greetedByPractice } from '../helpers/practice-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const listener = (): Promise<CountingListener> => countingListener(cleanups);

/** Names for the injected resolver: what each resolves to. Numeric spellings must never reach it. */
const DNS: Record<string, string[]> = {
  localhost: ['::1', '127.0.0.1'],
  'rebind.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:127.0.0.1'],
  // One public record and one private: refused as a whole, and the public one is never dialled either.
  'mixed.test': ['192.0.2.1', '10.0.0.1'],
  'nat64.test': ['64:ff9b::a00:1'],
};

function fakeDns(asked: string[]): LookupFunction {
  return (hostname, _opts, cb) => {
    asked.push(hostname);
    const list = DNS[hostname.toLowerCase().replace(/\.$/, '')];
    if (list === undefined) return cb(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    cb(
      null,
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

async function bridge(port: number, opts: HelotermOptions) {
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [port], log: () => undefined, ...opts });
  cleanups.push(() => app.close());
  const client = await WsTestClient.open(app.url);
  cleanups.push(() => client.close());
  await client.next('hello');
  return { app, client };
}

/** A bridge with its practice server, and a client that connected to it, was greeted and disconnected. */
async function practiceGreets(opts: HelotermOptions) {
  const { app, client, practice } = await greetedByPractice(cleanups, opts);
  client.send({ type: 'disconnect' });
  await client.next('closed');
  return { app, client, practice };
}

/** Every way of writing a target that ends at this machine or a private network. */
const SPELLINGS = [
  '127.0.0.1',
  '127.1',
  '0',
  '0.0.0.0',
  '017700000001',
  '0x7f.1',
  '0x7f000001',
  '2130706433',
  '127.255.255.254',
  '[::1]',
  '::1',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::7f00:1]', // IPv4-compatible (deprecated)
  '[fd00::1]',
  '[fe80::1]',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '[2002:7f00:1::1]', // 6to4 of 127.0.0.1
  '[2002:a9fe:a9fe::1]', // 6to4 of 169.254.169.254
  '[2001:0:4136:e378:8000:63bf:80ff:fffe]', // Teredo, client 127.0.0.1 (inverted)
  '[64:ff9b::7f00:1]', // NAT64 of 127.0.0.1
  '[64:ff9b::127.0.0.1]',
  '[64:ff9b::a9fe:a9fe]', // NAT64 of 169.254.169.254
  '[64:ff9b:1::7f00:1]', // local-use NAT64
  '224.0.0.1',
  '255.255.255.255',
  'localhost',
  'LOCALHOST.',
  'rebind.test',
  'metadata.test',
  'mapped.test',
  'mixed.test',
  'nat64.test',
];

describe('the SSRF table through the bridge (public mode)', () => {
  it('refuses every spelling with TARGET_REFUSED and never dials: the listener records zero connections', async () => {
    const target = await listener();
    const asked: string[] = [];
    const { client } = await bridge(target.port, { publicTargetsOnly: true, lookup: fakeDns(asked) });
    for (const host of SPELLINGS) {
      client.send({ type: 'connect', host, port: target.port, tls: 'none' });
      const err = await client.next('error');
      expect(err.code, host).toBe('TARGET_REFUSED');
      expect(err.message).toMatch(/not dialled|public addresses only/);
      expect(await client.next('closed')).toMatchObject({ by: 'error' });
    }
    expect(client.all('connected')).toHaveLength(0);
    expect(target.connections()).toBe(0);
    // Numeric spellings were read as addresses, never sent to DNS; names were looked up exactly once each.
    expect(asked.sort()).toEqual(['LOCALHOST.', 'localhost', 'metadata.test', 'mapped.test', 'mixed.test', 'nat64.test', 'rebind.test'].sort());
  });

  it('uses the real resolver for localhost and still refuses it (public mode)', async () => {
    const target = await listener();
    const { client } = await bridge(target.port, { publicTargetsOnly: true });
    client.send({ type: 'connect', host: 'localhost', port: target.port, tls: 'none' });
    expect(await client.next('error')).toMatchObject({ code: 'TARGET_REFUSED' });
    expect(target.connections()).toBe(0);
  });

  it('positive control: an --allow-target entry lets the same listener be reached, and only it', async () => {
    const target = await listener();
    const { client } = await bridge(target.port, { publicTargetsOnly: true, allowTargets: ['127.0.0.1'], lookup: fakeDns([]) });
    client.send({ type: 'connect', host: '127.1', port: target.port, tls: 'none' });
    expect(await client.next('connected')).toMatchObject({ address: '127.0.0.1' });
    expect((await client.nextReply()).code).toBe(220);
    expect(target.connections()).toBe(1);
    client.send({ type: 'disconnect' });
    await client.next('closed');
    // 10.0.0.1 is not on the list: still refused.
    client.send({ type: 'connect', host: 'mixed.test', port: target.port, tls: 'none' });
    expect(await client.next('error')).toMatchObject({ code: 'TARGET_REFUSED' });
  });

  it('keeps the practice server reachable in public mode, at its own address and port only', async () => {
    const { client, practice } = await practiceGreets({ publicTargetsOnly: true });
    // localhost names ::1 too: the bridge dials exactly the practice address.
    client.send({ type: 'connect', host: 'localhost', port: practice!.port, tls: 'none' });
    expect(await client.next('connected')).toMatchObject({ address: '127.0.0.1' });
    client.send({ type: 'disconnect' });
    await client.next('closed');
    // The practice port is not an open port for other loopback spellings.
    client.send({ type: 'connect', host: '127.0.0.2', port: practice!.port, tls: 'none' });
    expect(await client.next('error')).toMatchObject({ code: 'TARGET_REFUSED' });
  });
});

describe('practice only (a class that must not reach real servers)', () => {
  it('dials the practice server and nothing else, on any port, and says why', async () => {
    const target = await listener();
    const { client, practice } = await practiceGreets({ practiceOnly: true });
    // A server on this machine on a port of its own, and an SMTP port: neither is dialled.
    for (const port of [target.port, 25]) {
      client.send({ type: 'connect', host: '127.0.0.1', port, tls: 'none' });
      expect(await client.next('error')).toEqual(expect.objectContaining({
        code: 'TARGET_REFUSED',
        message: `this heloterm dials only its practice server (it was started with --practice-only): port ${port} is not open`,
      }));
    }
    // The practice ports (SMTP, LMTP, implicit TLS), at another address.
    for (const port of [practice!.port, practice!.lmtpPort, practice!.tlsPort]) {
      client.send({ type: 'connect', host: '127.0.0.2', port, tls: 'none' });
      expect((await client.next('error')).message).toBe(`port ${port} is only open to the practice server, not to 127.0.0.2 (this heloterm dials only its practice server: --practice-only)`);
    }
    expect(client.all('connected')).toHaveLength(1);
    // Its LMTP side is the practice server too.
    client.send({ type: 'connect', host: '127.0.0.1', port: practice!.lmtpPort, tls: 'none' });
    expect((await client.nextReply()).lines[0]?.text).toMatch(/^practice\.test LMTP /);
    expect(client.all('connected').at(-1)).toMatchObject({ address: '127.0.0.1', port: practice!.lmtpPort });
    client.send({ type: 'disconnect' });
    await client.next('closed');
    // And so is its port with TLS from the first byte.
    client.send({ type: 'connect', host: '127.0.0.1', port: practice!.tlsPort, tls: 'implicit' });
    expect((await client.next('tls')).protocol).toMatch(/^TLSv1\.[23]$/);
    expect((await client.nextReply()).lines[0]?.text).toMatch(/^practice\.test ESMTP /);
  });

  it('cannot be asked for without the practice server', async () => {
    await expect(startHeloterm({ port: 0, practice: false, practiceOnly: true, log: () => undefined })).rejects.toThrow('practiceOnly needs the practice server');
  });
});

describe('loopback mode (the default on a trainer laptop)', () => {
  it('dials private addresses (a local Postfix) but never 0.0.0.0 or other non-hosts, and limits ports', async () => {
    const target = await listener();
    const { client, app } = await bridge(target.port, {});
    expect(app.publicTargetsOnly).toBe(false);
    client.send({ type: 'connect', host: '127.1', port: target.port, tls: 'none' });
    expect(await client.next('connected')).toMatchObject({ address: '127.0.0.1' });
    client.send({ type: 'disconnect' });
    await client.next('closed');
    for (const host of ['0.0.0.0', '0', '[::]', '224.0.0.1', '[2002:7f00:1::1]']) {
      client.send({ type: 'connect', host, port: target.port, tls: 'none' });
      expect(await client.next('error'), host).toMatchObject({ code: 'TARGET_REFUSED' });
      await client.next('closed');
    }
    client.send({ type: 'connect', host: '127.0.0.1', port: 22, tls: 'none' });
    expect((await client.next('error')).message).toContain('port 22 is not allowed');
    expect(target.connections()).toBe(1);
  });
});

describe('classifyAddress (pure, on bytes)', () => {
  const cls = (s: string) => classifyAddress(parseAddress(s)!);
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'], // NAT64 of a public address: fine on an IPv6-only network
    ['127.0.0.1', 'private'],
    ['::ffff:7f00:1', 'private'],
    ['10.1.2.3', 'private'],
    ['169.254.169.254', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['fe80::1', 'private'],
    ['::1', 'private'],
    ['64:ff9b::7f00:1', 'private'],
    ['0.0.0.0', 'never'],
    ['::', 'never'],
    ['::7f00:1', 'never'],
    ['255.255.255.255', 'never'],
    ['ff02::1', 'never'],
    ['192.0.2.1', 'never'],
    ['2001:db8::1', 'never'],
    ['2002:808:808::1', 'never'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'never'],
    ['64:ff9b:1::1', 'never'],
  ])('%s is %s', (address, expected) => {
    expect(cls(address).cls).toBe(expected);
  });

  it('unwraps embedded IPv4 addresses and names them', () => {
    expect(cls('::ffff:127.0.0.1').address).toBe('127.0.0.1');
    expect(cls('2002:7f00:1::1').embedded).toMatchObject({ address: '127.0.0.1', range: 'loopback' });
    expect(cls('2001:0:4136:e378:8000:63bf:80ff:fffe').embedded).toMatchObject({ address: '127.0.0.1' });
    expect(cls('64:ff9b::a9fe:a9fe').embedded).toMatchObject({ address: '169.254.169.254', range: 'linkLocal' });
  });

  it('reads the inet_aton spellings as the same bytes', () => {
    for (const s of ['127.1', '0x7f.1', '017700000001', '2130706433', '0x7f000001']) expect(parseAddress(s)?.toString(), s).toBe('127.0.0.1');
    expect(parseAddress('mail.example.org')).toBeNull();
  });
});

describe('checkAddress and the allow-list (pure)', () => {
  const policy = (over: Partial<TargetPolicy> = {}): TargetPolicy => ({
    ports: [25],
    publicOnly: true,
    allow: parseAllowList([]),
    practice: { address: '127.0.0.1', port: 2526 },
    ...over,
  });
  const check = (host: string, address: string, port: number, p: TargetPolicy) => checkAddress(host, ipaddr.parse(address), port, p);

  it('allows public addresses and the practice server, refuses the rest', () => {
    expect(check('8.8.8.8', '8.8.8.8', 25, policy())).toBeNull();
    expect(check('127.0.0.1', '127.0.0.1', 2526, policy())).toBeNull();
    expect(check('8.8.8.8', '8.8.8.8', 2526, policy())).toContain('only open to the practice server');
    expect(check('mx.test', '10.0.0.1', 25, policy())).toContain('public addresses only');
  });

  it('honours names, addresses and CIDR ranges, but never for non-hosts', () => {
    const p = policy({ allow: parseAllowList(['mx.internal', '10.0.0.0/8', 'fd00::/8', '192.168.1.5']) });
    expect(check('MX.internal.', '172.16.0.9', 25, p)).toBeNull();
    expect(check('x', '10.200.0.1', 25, p)).toBeNull();
    expect(check('x', '::ffff:10.0.0.1', 25, p)).toBeNull();
    expect(check('x', 'fd12::1', 25, p)).toBeNull();
    expect(check('x', '192.168.1.5', 25, p)).toBeNull();
    expect(check('x', '192.168.1.6', 25, p)).not.toBeNull();
    expect(check('mx.internal', '0.0.0.0', 25, p)).toContain('never');
  });

  it('rejects malformed allow-list entries with the entry named', () => {
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow('"10.0.0.0/33"');
    expect(() => parseAllowList(['bad host!'])).toThrow('"bad host!"');
  });
});

describe('resolveTargets with an IP version (telnet -4 / -6)', () => {
  const policy: TargetPolicy = { ports: [25], publicOnly: true, allow: parseAllowList([]), practice: { address: '127.0.0.1', port: 2526 } };
  // Public addresses (documentation ranges are reserved, never dialled); nothing is dialled here.
  const names: Record<string, string[]> = {
    'dual.test': ['2606:2800:220::25', '93.184.216.25', '2606:2800:220::26'],
    'v4.test': ['93.184.216.25', '::ffff:93.184.216.26'],
    // A public IPv4 address beside a private IPv6 one.
    'half.test': ['93.184.216.25', 'fd00::25'],
  };
  const resolve = (host: string, family?: 4 | 6) => resolveTargets(host, 25, policy, lookupOf(names), family);

  it('dials only the addresses of the version asked for, in the resolver\'s order; without one, all', async () => {
    expect(await resolve('dual.test', 6)).toEqual(['2606:2800:220::25', '2606:2800:220::26']);
    expect(await resolve('dual.test', 4)).toEqual(['93.184.216.25']);
    expect(await resolve('dual.test')).toEqual(['2606:2800:220::25', '93.184.216.25', '2606:2800:220::26']);
    // An IPv4-mapped IPv6 address is dialled as IPv4, and counted as such.
    expect(await resolve('v4.test', 4)).toEqual(['93.184.216.25', '93.184.216.26']);
  });

  it('says a name has no address of that version, naming those it has, as a DNS failure; an address of the other is refused', async () => {
    const err = await resolve('v4.test', 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoAddressOfVersion);
    expect(mapNetError(err, 'v4.test', 25)).toEqual({ code: 'DNS_NOT_FOUND', message: 'v4.test has no IPv6 address (no AAAA record), only 93.184.216.25, 93.184.216.26' });
    await expect(resolve('93.184.216.25', 6)).rejects.toThrow(new TargetRefused('93.184.216.25 is not an IPv6 address: not dialled'));
    await expect(resolve('[2606:2800:220::25]', 4)).rejects.toThrow(TargetRefused);
    await expect(resolve('nowhere.test', 6)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('checks the addresses it dials: choosing a version never lets a refused address through', async () => {
    expect(await resolve('half.test', 4)).toEqual(['93.184.216.25']);
    await expect(resolve('half.test', 6)).rejects.toThrow(/public addresses only/);
    await expect(resolve('half.test')).rejects.toThrow(/public addresses only/);
  });
});
