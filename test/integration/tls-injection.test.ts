/**
 * `/tls injection` through the real bridge (server/tls-injection-probe.ts): the practice server, and scripted servers
 * on loopback: one that keeps the plain text that came with STARTTLS and answers it over TLS (as Postfix did before
 * 2011), one that drops it, one that answers it in plain text where TLS was to begin, and one without STARTTLS; real
 * handshakes; what reaches the wire checked byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelotermOptions } from '../../server/heloterm.js';
import type { TlsInjectionMessage } from '../../shared/protocol/messages.js';
import { readTlsInjection } from '../../shared/smtp/tls-injection.js';
import { makeCert, type TestCert } from '../helpers/certs.js';
import { freePort, startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { lookupOf } from '../helpers/lookup.js';
import type { WsTestClient } from '../helpers/ws-client.js';
import { probeBridge } from '../helpers/probe-bridge.js';

/** The bridge's connect timeout, which also bounds the probe's waits. */
const WAIT_MS = 800;

describe('/tls injection through the bridge', () => {
  const fakes = {} as Record<'injectable' | 'dropping' | 'plainAnswer' | 'none' | 'strict', FakeSmtp>;
  const opened: { close(): Promise<unknown> }[] = [];
  let cert: TestCert;
  beforeAll(async () => {
    cert = await makeCert({ cn: 'inject.test', names: ['127.0.0.1'] });
    const greeting = '220 inject.test ESMTP\r\n';
    const ehlo = { match: /^EHLO /, reply: ['250-inject.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n'] };
    const quit = { match: /^QUIT$/, reply: ['221 2.0.0 Bye\r\n', 'close' as const] };
    const starttls = { match: /^STARTTLS$/, reply: ['220 2.0.0 Ready to start TLS\r\n', { startTls: cert }] };
    // The fake reads every line it was sent in order, whatever came before the handshake: a NOOP written with
    // STARTTLS is answered after it, over TLS (the flaw).
    fakes.injectable = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo, starttls, { match: /^NOOP$/, reply: ['250 2.0.0 Ok\r\n'] }, quit] });
    // Answers no NOOP: as a server that drops its plain-text input at STARTTLS looks from outside.
    fakes.dropping = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo, starttls, quit] });
    // Answers the NOOP in plain text before it starts TLS.
    fakes.plainAnswer = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo, { match: /^STARTTLS$/, reply: ['220 2.0.0 Ready to start TLS\r\n'] }, { match: /^NOOP$/, reply: ['250 2.0.0 Ok\r\n'] }, quit] });
    // Postfix 3.9 (smtpd_forbid_unauth_pipelining = yes): a command after STARTTLS in the same packet ends the session.
    fakes.strict = await startFakeSmtp({ onConnect: [greeting], rules: [ehlo, { match: /^STARTTLS$/, reply: ['554 5.5.0 Error: SMTP protocol synchronization\r\n', 'close'] }] });
    fakes.none = await startFakeSmtp({ onConnect: [greeting], rules: [{ match: /^EHLO /, reply: ['250-inject.test\r\n250 8BITMIME\r\n'] }, quit] });
    opened.push(...Object.values(fakes));
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  const bridge = (opts: HelotermOptions = {}): ReturnType<typeof probeBridge> =>
    probeBridge(opened, { connectTimeoutMs: WAIT_MS, allowedPorts: Object.values(fakes).map((f) => f.port), ...opts });

  async function probe(client: WsTestClient, port: number, host = '127.0.0.1'): Promise<TlsInjectionMessage> {
    client.send({ type: 'tlsinjection', host, port });
    return client.next('tlsinjection', 8000);
  }

  it('finds a server that answers over TLS the NOOP written with STARTTLS: open to injection', async () => {
    const { client } = await bridge();
    const from = fakes.injectable.connections.length;
    const m = await probe(client, fakes.injectable.port);
    expect(m.answer).toMatchObject({ kind: 'probed', address: '127.0.0.1', outcome: 'injected', text: '250 2.0.0 Ok', next: '221 2.0.0 Bye' });
    const report = readTlsInjection('127.0.0.1', fakes.injectable.port, m.answer);
    expect(report.good).toBe(false);
    expect(report.findings[0]?.text).toMatch(/^over TLS the server answered the NOOP sent in plain text before the handshake \("250 2\.0\.0 Ok"\), and only then QUIT \("221 2\.0\.0 Bye"\): open to STARTTLS command injection/);
    // On the wire: EHLO, then STARTTLS and NOOP in one write, then over TLS only QUIT (the fake logs what it decrypted).
    const c = await fakes.injectable.connection(from);
    await c.ended;
    expect(c.lines).toEqual(['EHLO [127.0.0.1]', 'STARTTLS', 'NOOP', 'QUIT']);
    expect(c.log.filter((e) => e.dir === 'in').map((e) => e.bytes.toString('latin1'))[1]).toBe('STARTTLS\r\nNOOP\r\n');
  });

  it('finds a server that drops what came before the handshake safe, and so is the practice server', async () => {
    const { client } = await bridge();
    const m = await probe(client, fakes.dropping.port);
    expect(m.answer).toMatchObject({ kind: 'probed', outcome: 'safe', text: '221 2.0.0 Bye', next: '' });
    expect(readTlsInjection('127.0.0.1', fakes.dropping.port, m.answer)).toMatchObject({ good: true, findings: [{ tone: 'ok', text: expect.stringMatching(/^over TLS the first reply was QUIT's \("221 2\.0\.0 Bye"\)/) }] });

    const { client: practiceClient, practicePort } = await bridge({ practice: {} });
    const practice = await probe(practiceClient, practicePort ?? 0);
    expect(practice.answer).toMatchObject({ kind: 'probed', outcome: 'safe', text: expect.stringMatching(/^221 /) });
  });

  it('says when no handshake was tried, and when the NOOP was answered in plain text where TLS was to begin', async () => {
    const { client } = await bridge();
    expect((await probe(client, fakes.none.port)).answer).toMatchObject({ outcome: 'no-starttls', text: 'STARTTLS is not offered after EHLO' });
    const strict = await probe(client, fakes.strict.port);
    expect(strict.answer).toMatchObject({ outcome: 'no-starttls', text: 'STARTTLS answered 554 5.5.0 Error: SMTP protocol synchronization' });
    expect(readTlsInjection('127.0.0.1', fakes.strict.port, strict.answer).good).toBe(true);
    const plain = await probe(client, fakes.plainAnswer.port);
    expect(plain.answer).toMatchObject({ outcome: 'unclear', text: 'after its 220 the server answered the NOOP in plain text ("250 2.0.0 Ok"), where TLS was to begin' });
  });

  it('dials nothing the policy refuses, nor a name without an address; a dead port is an error', async () => {
    const { client } = await bridge();
    const other = await freePort();
    expect((await probe(client, other)).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining(String(other)) });
    const dead = await freePort();
    const { client: deadClient } = await bridge({ allowedPorts: [dead] });
    expect((await probe(deadClient, dead)).answer).toMatchObject({ kind: 'probed', outcome: 'error', text: `connection refused: nothing listens on 127.0.0.1:${dead}` });
    const { client: named } = await bridge({ lookup: lookupOf({}) });
    expect((await probe(named, fakes.dropping.port, 'nowhere.example')).answer).toMatchObject({ kind: 'none', reason: 'not-found' });
  });
});
