/**
 * DANE (RFC 7672) for real: TLSA records asked over UDP of a scripted DNS server on loopback (server/dane.ts), with
 * and without its AD bit, and checked against certificates made on the spot; then through the bridge, against a
 * scripted SMTP server speaking implicit TLS with one of them, as the page asks after a handshake (`dane`).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTlsa, parseServer, queryTlsa, suggestedTlsa, type TlsaRecord } from '../../server/dane.js';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import type { DaneMessage } from '../../shared/protocol/messages.js';
import { readDaneAnswer } from '../../shared/smtp/dane.js';
import { makeCa, makeCert, type TestCert } from '../helpers/certs.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const spki = (c: X509Certificate): Buffer => c.publicKey.export({ type: 'spki', format: 'der' });
const x509 = (t: TestCert): X509Certificate => new X509Certificate(t.cert);
const never = new AbortController().signal;

describe('DANE', () => {
  let root: TestCert;
  let server: TestCert;
  let renewed: TestCert;
  let dns: FakeDns;
  let smtp: FakeSmtp;
  /** The same certificate after STARTTLS, on a port of its own: TLSA records are per port. */
  let starttls: FakeSmtp;
  let app: Heloterm;

  beforeAll(async () => {
    root = await makeCa('heloterm DANE test root');
    server = await makeCert({ cn: 'localhost', names: ['localhost'], issuer: root });
    // The same name renewed with a new key: what breaks DANE when its TLSA record is left as it was.
    renewed = await makeCert({ cn: 'localhost', names: ['localhost'], issuer: root });
    smtp = await startFakeSmtp({ onConnect: [{ startTls: { key: server.key, cert: `${server.cert.trimEnd()}\n${root.cert}` } }, '220 localhost ESMTP\r\n'] });
    starttls = await startFakeSmtp({
      onConnect: ['220 localhost ESMTP\r\n'],
      rules: [
        { match: /^EHLO/i, reply: ['250-localhost\r\n250 STARTTLS\r\n'] },
        { match: /^STARTTLS$/i, reply: ['220 2.0.0 go ahead\r\n', { startTls: { key: server.key, cert: server.cert } }] },
      ],
    });
    const port = smtp.port;
    const leafKey = sha256(spki(x509(server)));
    dns = await startFakeDns(
      {
        // The records a signed zone would have for the scripted server, and others for the lookups alone.
        [`_${port}._tcp.localhost`]: { TLSA: [[3, 1, 1, leafKey], [2, 0, 1, sha256(x509(root).raw)]] },
        '_25._tcp.signed.test': { TLSA: [[3, 1, 1, leafKey]] },
        [`_${starttls.port}._tcp.localhost`]: { TLSA: [[3, 1, 1, leafKey]] },
        '_25._tcp.stale.test': { TLSA: [[3, 1, 1, sha256(spki(x509(renewed)))], [1, 1, 1, leafKey]] },
        '_25._tcp.nodata.test': { A: ['192.0.2.1'] },
        // Whole certificates (3 0 0, 2 0 0): an answer too large for UDP.
        '_25._tcp.large.test': { TLSA: [[3, 0, 0, x509(server).raw.toString('hex')], [3, 0, 0, x509(renewed).raw.toString('hex')], [2, 0, 0, x509(root).raw.toString('hex')]] },
      },
      { secure: [`_${port}._tcp.localhost`, '_25._tcp.signed.test', '_25._tcp.large.test'], servfail: ['_25._tcp.broken.test'] },
    );
    app = await startHeloterm({ port: 0, practice: false, log: () => undefined, dnsServers: [dns.server], allowedPorts: [port, starttls.port] });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await starttls?.close();
    await dns?.close();
  });

  it('reads name servers as --dns-server and the system write them', () => {
    expect(parseServer('192.0.2.53')).toEqual({ address: '192.0.2.53', port: 53 });
    expect(parseServer('192.0.2.53:5353')).toEqual({ address: '192.0.2.53', port: 5353 });
    expect(parseServer('[2001:db8::53]:5300')).toEqual({ address: '2001:db8::53', port: 5300 });
    expect(parseServer('2001:db8::53')).toEqual({ address: '2001:db8::53', port: 53 });
    for (const bad of ['', 'dns.example', '[dns]:53', '192.0.2.300:53']) expect(parseServer(bad), bad).toBeNull();
  });

  it('asks for TLSA over UDP with DNSSEC OK, and reads the records, the AD bit, no name, no records and a failure', async () => {
    const signed = await queryTlsa('_25._tcp.signed.test', [dns.server], 2000, never);
    expect(signed).toMatchObject({ kind: 'records', secure: true, records: [{ usage: 3, selector: 1, matching: 1 }] });
    expect(await queryTlsa('_25._tcp.stale.test', [dns.server], 2000, never)).toMatchObject({ kind: 'records', secure: false });
    expect(await queryTlsa('_25._tcp.nowhere.test', [dns.server], 2000, never)).toEqual({ kind: 'none', rcode: 'NXDOMAIN', secure: false });
    expect(await queryTlsa('_25._tcp.nodata.test', [dns.server], 2000, never)).toEqual({ kind: 'none', rcode: 'NOERROR', secure: false });
    expect(await queryTlsa('_25._tcp.broken.test', [dns.server], 2000, never)).toEqual({ kind: 'error', detail: 'SERVFAIL' });
    expect(dns.questions).toContain('TLSA _25._tcp.signed.test');
    // A server that does not answer, then one that does: each is asked in turn within the time.
    const silent = await startFakeDns({}, { silent: ['_25._tcp.signed.test'] });
    try {
      expect(await queryTlsa('_25._tcp.signed.test', [silent.server, dns.server], 2000, never)).toMatchObject({ kind: 'records', secure: true });
      expect(await queryTlsa('_25._tcp.signed.test', [silent.server], 600, never)).toEqual({ kind: 'error', detail: 'no answer (timed out)' });
    } finally {
      await silent.close();
    }
  });

  it('waits past an answer with another id for the answer to its own question (RFC 5452 §9.1)', async () => {
    const racing = await startFakeDns({ '_25._tcp.signed.test': { TLSA: [[3, 1, 1, 'ab'.repeat(32)]] } }, { forged: ['_25._tcp.signed.test'], slow: { '_25._tcp.signed.test': 50 } });
    try {
      expect(await queryTlsa('_25._tcp.signed.test', [racing.server], 2000, never)).toMatchObject({ kind: 'records', records: [{ usage: 3, selector: 1, matching: 1 }] });
    } finally {
      await racing.close();
    }
  });

  it('asks again over TCP for an answer too large for UDP, as dig does; says so when TCP gives none', async () => {
    const large = await queryTlsa('_25._tcp.large.test', [dns.server], 2000, never);
    expect(large).toMatchObject({ kind: 'records', secure: true, records: [{ usage: 3, selector: 0, matching: 0 }, { usage: 3 }, { usage: 2, selector: 0, matching: 0 }] });
    expect(large.kind === 'records' && large.records[0]?.data.equals(x509(server).raw)).toBe(true);
    expect(dns.questions.filter((q) => q.endsWith('_25._tcp.large.test'))).toEqual(['TLSA _25._tcp.large.test', 'TCP TLSA _25._tcp.large.test']);
    // The whole certificate matches the server's own: DANE-EE with selector 0 and no hash.
    expect(checkTlsa(large.kind === 'records' ? large.records : [], [x509(server), x509(root)])[0]).toMatchObject({ match: 'yes' });
    const wholeCerts = [server, renewed, root].map((c): [number, number, number, string] => [3, 0, 0, x509(c).raw.toString('hex')]);
    const udpOnly = await startFakeDns({ '_25._tcp.large.test': { TLSA: wholeCerts } }, { noTcp: true });
    try {
      expect(await queryTlsa('_25._tcp.large.test', [udpOnly.server], 1500, never)).toEqual({ kind: 'error', detail: 'the answer did not fit in UDP (truncated), and none came over TCP' });
    } finally {
      await udpOnly.close();
    }
  });

  it('checks each record against the chain: DANE-EE the server\'s own, DANE-TA one above it; PKIX and unknown unusable', () => {
    const chain = [x509(server), x509(root)];
    const record = (usage: number, selector: number, matching: number, data: Buffer): TlsaRecord => ({ usage, selector, matching, data });
    const leaf = chain[0]!;
    const verdicts = checkTlsa(
      [
        record(3, 1, 1, createHash('sha256').update(spki(leaf)).digest()),
        record(3, 0, 2, createHash('sha512').update(leaf.raw).digest()),
        record(3, 0, 0, leaf.raw),
        record(2, 1, 1, createHash('sha256').update(spki(chain[1]!)).digest()),
        // The root's key as DANE-EE, and the server's as DANE-TA: each in the wrong place.
        record(3, 1, 1, createHash('sha256').update(spki(chain[1]!)).digest()),
        record(2, 1, 1, createHash('sha256').update(spki(leaf)).digest()),
        record(1, 1, 1, createHash('sha256').update(spki(leaf)).digest()),
        record(3, 2, 1, Buffer.alloc(32)),
      ],
      chain,
    ).map((v) => v.match);
    expect(verdicts).toEqual(['yes', 'yes', 'yes', 'yes', 'no', 'no', 'unusable', 'unusable']);
    expect(suggestedTlsa(leaf)).toBe(`3 1 1 ${sha256(spki(leaf))}`);
  });

  it('through the bridge, after TLS: the records at _<port>._tcp.<host dialled>, the certificate matched, DNSSEC said', async () => {
    const client = await WsTestClient.open(app.url);
    try {
      await client.next('hello');
      // Before TLS: nothing to check.
      client.send({ type: 'connect', host: 'localhost', port: smtp.port, tls: 'implicit' });
      const tls = await client.next('tls');
      expect(tls.certificate?.subject).toBe('CN=localhost');
      expect((await client.nextReply()).code).toBe(220);
      client.send({ type: 'dane' });
      const m: DaneMessage = await client.next('dane');
      expect(m).toMatchObject({ host: 'localhost', port: smtp.port, answer: { kind: 'records', name: `_${smtp.port}._tcp.localhost`, secure: true, count: 2 } });
      if (m.answer.kind !== 'records') throw new Error('no records');
      expect(m.answer.records.map((r) => r.match)).toEqual(['yes', 'yes']);
      const report = readDaneAnswer(m.host, m.port, m.answer);
      expect(report.good).toBe(true);
      expect(report.findings.map((f) => f.tone)).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(client.all('error')).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('through the bridge after STARTTLS: before it there is no TLS to check; after it, the certificate of its session', async () => {
    const client = await WsTestClient.open(app.url);
    try {
      await client.next('hello');
      client.send({ type: 'connect', host: 'localhost', port: starttls.port, tls: 'none' });
      expect((await client.nextReply()).code).toBe(220);
      client.send({ type: 'dane' });
      expect((await client.next('dane')).answer).toMatchObject({ kind: 'none', reason: 'no-tls' });
      client.line('EHLO me.test');
      expect((await client.nextReply()).code).toBe(250);
      client.line('STARTTLS');
      expect((await client.nextReply()).code).toBe(220);
      await client.next('tls');
      client.send({ type: 'dane' });
      const m = await client.next('dane');
      expect(m.answer).toMatchObject({ kind: 'records', name: `_${starttls.port}._tcp.localhost`, records: [{ usage: 3, match: 'yes' }] });
    } finally {
      await client.close();
    }
  });

  it('through the bridge: dialled by address, there is no name to look up; not connected, an error', async () => {
    const client = await WsTestClient.open(app.url);
    try {
      await client.next('hello');
      client.send({ type: 'dane' });
      expect(await client.next('error')).toMatchObject({ code: 'NOT_CONNECTED' });
      client.send({ type: 'connect', host: '127.0.0.1', port: smtp.port, tls: 'implicit' });
      await client.next('tls');
      client.send({ type: 'dane' });
      expect((await client.next('dane')).answer).toMatchObject({ kind: 'none', reason: 'not-a-name' });
      expect(dns.questions.filter((q) => q.startsWith('TLSA _') && q.includes('127.0.0.1'))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('explains a stale record: no usable match, the record that would match, unsigned', async () => {
    const lookup = await queryTlsa('_25._tcp.stale.test', [dns.server], 2000, never);
    if (lookup.kind !== 'records') throw new Error('no records');
    const { daneAnswer } = await import('../../server/dane.js');
    const answer = daneAnswer('_25._tcp.stale.test', lookup, [x509(server), x509(root)]);
    const r = readDaneAnswer('stale.test', 25, answer);
    expect(r.good).toBe(false);
    const texts = r.findings.map((f) => `${f.tone}: ${f.text}`);
    expect(texts[0]).toMatch(/^bad: TLSA 3 1 1 \w{8}…\w{8} \(DANE-EE, the public key, SHA-256\): matches nothing the server presented$/);
    expect(texts[1]).toMatch(/^warn: TLSA 1 1 1 .*PKIX usages are not used for SMTP/);
    expect(texts[2]).toContain(`bad: no usable record matches the certificate the server presented: senders that validate DANE defer all mail to it.`);
    expect(texts[2]).toContain(`A record that matches its key: _25._tcp.stale.test IN TLSA 3 1 1 ${sha256(spki(x509(server)))}.`);
    expect(texts[3]).toMatch(/^warn: the resolver heloterm asked did not say it validated them \(no AD bit\)/);
  });
});
