/**
 * `/ports` through the real bridge (server/port-probe.ts): scripted servers on loopback that greet, greet after an
 * implicit TLS handshake, say nothing, or are not there; each probed at once, its first line read, QUIT sent, and
 * nothing else ever written; the target policy and the lookup limits as for other lookups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import type { PortsMessage, ProbePort } from '../../shared/protocol/messages.js';
import { readPorts } from '../../shared/smtp/port-review.js';
import { probePorts } from '../../server/port-probe.js';
import { makeCert } from '../helpers/certs.js';
import { freePort, startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { lookupOf } from '../helpers/lookup.js';

/** The bridge's connect timeout, which also bounds a probe's wait for a greeting. */
const WAIT_MS = 600;

describe('/ports through the bridge', () => {
  const fakes: Record<'plain' | 'tls' | 'silent' | 'parts' | 'held', FakeSmtp> = {} as Record<'plain' | 'tls' | 'silent' | 'parts' | 'held', FakeSmtp>;
  let closed = 0;
  const opened: { close(): Promise<unknown> }[] = [];
  beforeAll(async () => {
    const cert = await makeCert({ cn: 'ports.test', names: ['127.0.0.1'] });
    const ehlo = { match: /^EHLO /, reply: ['250-ports.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n'] };
    fakes.plain = await startFakeSmtp({ onConnect: ['220 ports.test ESMTP ready\r\n'], rules: [ehlo] });
    fakes.tls = await startFakeSmtp({ onConnect: [{ startTls: cert }, '220-ports.test ESMTP over TLS\r\n220 ready\r\n'], rules: [{ match: /^EHLO /, reply: ['250-ports.test\r\n250 AUTH PLAIN\r\n'] }] });
    fakes.silent = await startFakeSmtp({});
    // A greeting in two parts, as Postfix's postscreen sends it: the rest in time, or not.
    fakes.parts = await startFakeSmtp({ onConnect: ['220-parts.test ESMTP\r\n', { pauseMs: 200 }, '220 parts.test ready\r\n'], rules: [ehlo] });
    fakes.held = await startFakeSmtp({ onConnect: ['220-held.test ESMTP\r\n', { pauseMs: 5000 }, '220 held.test ready\r\n'] });
    closed = await freePort();
    opened.push(...Object.values(fakes));
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  async function bridge(opts: HelotermOptions = {}): Promise<WsTestClient> {
    const app: Heloterm = await startHeloterm({
      port: 0,
      practice: false,
      log: () => undefined,
      connectTimeoutMs: WAIT_MS,
      allowedPorts: [fakes.plain.port, fakes.tls.port, fakes.silent.port, fakes.parts.port, fakes.held.port, closed],
      ...opts,
    });
    opened.push(app);
    const client = await WsTestClient.open(app.url);
    opened.push(client);
    await client.next('hello');
    return client;
  }
  const plain = (port: number): ProbePort => ({ port, tls: 'none' });

  it('says of each port whether it greeted (over TLS too), what it offers, said nothing, or refused; sends EHLO and QUIT only', async () => {
    const client = await bridge();
    const ports = [plain(fakes.plain.port), { port: fakes.tls.port, tls: 'implicit' as const }, plain(fakes.silent.port), plain(closed)];
    client.send({ type: 'ports', host: '127.0.0.1', ports });
    const m = await client.next('ports', 5000);
    expect(m.answer.kind).toBe('probed');
    const answer = m.answer as Extract<PortsMessage['answer'], { kind: 'probed' }>;
    expect(answer.address).toBe('127.0.0.1');
    expect(answer.ports.map((p) => [p.port, p.outcome, p.text])).toEqual([
      [fakes.plain.port, 'greeting', '220 ports.test ESMTP ready'],
      [fakes.tls.port, 'greeting', '220-ports.test ESMTP over TLS'],
      [fakes.silent.port, 'silent', `no greeting within ${WAIT_MS / 1000} s`],
      [closed, 'refused', `connection refused: nothing listens on 127.0.0.1:${closed}`],
    ]);
    expect(answer.ports[0]?.tls).toBeNull();
    // The EHLO answer's lines after the first, as the server wrote them.
    expect(answer.ports.map((p) => p.ehlo)).toEqual([['PIPELINING', 'STARTTLS', 'AUTH PLAIN LOGIN'], ['AUTH PLAIN'], null, null]);
    expect(answer.ports[1]?.tls).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/), authorized: false, authorizationError: expect.any(String) });
    // All at once: the silent port's wait, not the sum of the waits.
    expect(Math.max(...answer.ports.map((p) => p.ms))).toBeLessThan(WAIT_MS * 3);

    // Only EHLO (with the bridge's address as its name) and QUIT, after the greeting; nothing to the silent one.
    const quitted = await fakes.plain.connection();
    await expect.poll(() => quitted.received().toString()).toBe('EHLO [127.0.0.1]\r\nQUIT\r\n');
    const tlsConn = await fakes.tls.connection();
    await expect.poll(() => tlsConn.received().toString()).toBe('EHLO [127.0.0.1]\r\nQUIT\r\n');
    const silent = await fakes.silent.connection();
    await silent.ended;
    expect(silent.received().toString()).toBe('');

    // Read as the page reads it: a password mechanism before TLS on the plain port is worth a look.
    const r = readPorts('127.0.0.1', m.answer);
    expect(r.findings.map((f) => f.tone)).toEqual(['ok', 'ok', 'warn', 'bad', 'warn']);
    expect(r.findings.at(-1)?.text).toMatch(new RegExp(`^${fakes.plain.port}: AUTH PLAIN LOGIN offered before TLS`));
  });

  it('says what EHLO got when it was refused after a greeting (a client the server will not talk to)', async () => {
    const refusing = await startFakeSmtp({
      onConnect: ['220 strict.test ESMTP\r\n'],
      rules: [{ match: /^EHLO /, reply: ['550 5.7.1 Client host rejected: cannot find your hostname, [127.0.0.1]\r\n'] }],
    });
    opened.push(refusing);
    const client = await bridge({ allowedPorts: [refusing.port] });
    client.send({ type: 'ports', host: '127.0.0.1', ports: [plain(refusing.port)] });
    const m = await client.next('ports', 5000);
    expect(m.answer).toMatchObject({ kind: 'probed', ports: [{ outcome: 'greeting', ehlo: null, ehloRefused: '550 5.7.1 Client host rejected: cannot find your hostname, [127.0.0.1]' }] });
    expect(readPorts('127.0.0.1', m.answer).findings[0]).toMatchObject({
      tone: 'warn',
      text: expect.stringMatching(/; EHLO got 550 5\.7\.1 Client host rejected: .*: it greets, then will not talk to this client/),
    });
    const conn = await refusing.connection();
    await expect.poll(() => conn.received().toString()).toBe('EHLO [127.0.0.1]\r\nQUIT\r\n');
  });

  it('writes nothing before a greeting in two parts is whole (postscreen), and nothing at all when its rest is late', async () => {
    const client = await bridge();
    client.send({ type: 'ports', host: '127.0.0.1', ports: [plain(fakes.parts.port), plain(fakes.held.port)] });
    const m = await client.next('ports', 5000);
    expect(m.answer).toMatchObject({
      kind: 'probed',
      ports: [
        { outcome: 'greeting', text: '220-parts.test ESMTP' },
        { outcome: 'held', text: '220-held.test ESMTP' },
      ],
    });
    const parts = await fakes.parts.connection();
    await expect.poll(() => parts.received().toString()).toBe('EHLO [127.0.0.1]\r\nQUIT\r\n');
    // EHLO came after the whole greeting went out, its last line included.
    const lastLine = parts.log.findIndex((e) => e.dir === 'out' && e.bytes.toString().startsWith('220 '));
    expect(lastLine).toBeGreaterThan(0);
    expect(parts.log.findIndex((e) => e.dir === 'in')).toBeGreaterThan(lastLine);
    const held = await fakes.held.connection();
    await held.ended;
    expect(held.received().toString()).toBe('');
  });

  it('does not dial a port the bridge does not allow, nor an address its policy refuses', async () => {
    const client = await bridge();
    const other = await freePort();
    client.send({ type: 'ports', host: '127.0.0.1', ports: [plain(fakes.plain.port), plain(other)] });
    const m = await client.next('ports', 5000);
    expect(m.answer).toMatchObject({ kind: 'probed', ports: [{ outcome: 'greeting' }, { port: other, outcome: 'not-dialled', text: expect.stringContaining(String(other)) }] });

    // Public addresses only (as for a class): loopback is refused for every port, and nothing is dialled.
    const publicOnly = await bridge({ publicTargetsOnly: true });
    const before = fakes.plain.connections.length;
    publicOnly.send({ type: 'ports', host: '127.0.0.1', ports: [plain(fakes.plain.port)] });
    expect((await publicOnly.next('ports', 5000)).answer).toMatchObject({ kind: 'none', reason: 'refused' });
    expect(fakes.plain.connections.length).toBe(before);
  });

  it('says a name that does not resolve was not probed, and takes one probe at a time, as a lookup', async () => {
    const client = await bridge({ lookup: lookupOf({}) });
    client.send({ type: 'ports', host: 'nowhere.test', ports: [plain(fakes.plain.port)] });
    expect((await client.next('ports', 5000)).answer).toEqual({ kind: 'none', reason: 'not-found', detail: expect.stringContaining('nowhere.test') });

    const again = await bridge();
    again.send({ type: 'ports', host: '127.0.0.1', ports: [plain(fakes.silent.port)] });
    again.send({ type: 'ports', host: '127.0.0.1', ports: [plain(fakes.plain.port)] });
    const [first, second] = [await again.next('ports', 5000), await again.next('ports', 5000)];
    // The second was asked while the first waited for the silent port: refused at once, so it comes first.
    expect(first.answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining('already running') });
    expect(second.answer).toMatchObject({ kind: 'probed', ports: [{ outcome: 'silent' }] });
  });

  it('dials every port at one address, the first resolved, though DNS answers each lookup in another order', async () => {
    const second = await startFakeSmtp({ onConnect: ['220 second.test ESMTP\r\n'], rules: [{ match: /^EHLO /, reply: ['250 second.test\r\n'] }] });
    opened.push(second);
    // Nothing listens on 127.0.0.2: a port dialled there would be refused.
    const orders = [lookupOf({ 'rotating.test': ['127.0.0.1', '127.0.0.2'] }), lookupOf({ 'rotating.test': ['127.0.0.2', '127.0.0.1'] })];
    let calls = 0;
    const client = await bridge({ allowedPorts: [fakes.plain.port, second.port], lookup: (h, o, cb) => orders[calls++ % 2]?.(h, o, cb) });
    client.send({ type: 'ports', host: 'rotating.test', ports: [plain(fakes.plain.port), plain(second.port)] });
    const { answer } = await client.next('ports', 5000);
    expect(answer).toMatchObject({ kind: 'probed', address: '127.0.0.1', ports: [{ outcome: 'greeting' }, { outcome: 'greeting', text: '220 second.test ESMTP' }] });
  });

  it('dials both IP versions of a dual-stack host, the same ports at the first address of each', async () => {
    // Port 25 of a dual-stack host as a firewall may leave it: answering over IPv4, nothing listening over IPv6.
    const client = await bridge({ lookup: lookupOf({ 'dual.test': ['127.0.0.1', '::1'], 'v4only.test': ['127.0.0.1', '127.0.0.2'] }) });
    client.send({ type: 'ports', host: 'dual.test', ports: [plain(fakes.plain.port)] });
    expect((await client.next('ports', 5000)).answer).toEqual({
      kind: 'probed',
      address: '127.0.0.1',
      ports: [expect.objectContaining({ outcome: 'greeting' })],
      otherFamily: '::1',
      other: { address: '::1', ports: [expect.objectContaining({ port: fakes.plain.port, outcome: 'refused' })] },
    });
    // The same port answering over IPv6 too (a server of its own on ::1): greeted on both.
    const v6 = await startFakeSmtp({ onConnect: ['220 ports.test ESMTP over IPv6\r\n'], rules: [{ match: /^EHLO /, reply: ['250 ports.test\r\n'] }] }, '::1', fakes.plain.port);
    opened.push(v6);
    client.send({ type: 'ports', host: 'dual.test', ports: [plain(fakes.plain.port)] });
    const both = (await client.next('ports', 5000)).answer;
    expect(both).toMatchObject({ kind: 'probed', ports: [{ outcome: 'greeting', text: '220 ports.test ESMTP ready' }], other: { address: '::1', ports: [{ outcome: 'greeting', text: '220 ports.test ESMTP over IPv6' }] } });
    expect(v6.connections.length).toBe(1);
    client.send({ type: 'ports', host: 'v4only.test', ports: [plain(fakes.plain.port)] });
    const single = (await client.next('ports', 5000)).answer;
    expect(single.kind === 'probed' && !('otherFamily' in single)).toBe(true);
    // One version asked for: nothing of the other is looked at.
    client.send({ type: 'ports', host: 'dual.test', ports: [plain(fakes.plain.port)], family: 4 });
    const asked = (await client.next('ports', 5000)).answer;
    expect(asked.kind === 'probed' && asked.address === '127.0.0.1' && !('otherFamily' in asked) && !('other' in asked)).toBe(true);
    expect(v6.connections.length).toBe(1);
  });

  it('reads a few kilobytes of a port at most, and stops one that streams instead of greeting or answering EHLO', async () => {
    const streaming = await startFakeSmtp({ onConnect: ['x'.repeat(40_000)] });
    const chatty = await startFakeSmtp({ onConnect: ['220 chatty.test\r\n'], rules: [{ match: /^EHLO /, reply: [`250-${'y'.repeat(100_000)}`] }] });
    opened.push(streaming, chatty);
    const started = performance.now();
    const answer = await probePorts('127.0.0.1', [plain(streaming.port), plain(chatty.port)], undefined, { resolve: async () => ['127.0.0.1'], connectMs: 5000, greetingMs: 5000 }, new AbortController().signal);
    // Stopped at the limit, long before the waits ran out.
    expect(performance.now() - started).toBeLessThan(4000);
    expect(answer).toMatchObject({ kind: 'probed', ports: [{ outcome: 'greeting', ehlo: null }, { outcome: 'greeting', text: '220 chatty.test', ehlo: null }] });
    if (answer.kind === 'probed') expect(answer.ports[0]?.text).toMatch(/^x{200}…$/);
  });

  it('asks DNS once for all the ports of a probe, though each is checked for its own port', async () => {
    const names: string[] = [];
    const counted = lookupOf({ 'ports.test': ['127.0.0.1'] });
    const client = await bridge({ lookup: (hostname, options, cb) => (names.push(hostname), counted(hostname, options, cb)) });
    client.send({ type: 'ports', host: 'ports.test', ports: [plain(fakes.plain.port), plain(closed), plain(fakes.parts.port)] });
    expect((await client.next('ports', 5000)).answer).toMatchObject({ kind: 'probed', ports: [{ outcome: 'greeting' }, { outcome: 'refused' }, { outcome: 'greeting' }] });
    expect(names).toEqual(['ports.test']);
  });
});
