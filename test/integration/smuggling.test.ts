/**
 * `/smuggling` through the real bridge (server/smuggling-probe.ts): the practice server (smtp-server, which ends a
 * message only at CRLF.CRLF), a server that reads lines as Postfix does under each smtpd_forbid_bare_newline setting
 * (test/helpers/line-ending-smtp.ts: `no` is open to SMTP smuggling), and scripted servers that refuse a recipient or
 * never answer the message's end; each sequence tried on a connection of its own; what reaches the wire checked byte
 * for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelotermOptions } from '../../server/heloterm.js';
import type { SmugglingMessage, SmugglingOutcome } from '../../shared/protocol/messages.js';
import { readSmuggling } from '../../shared/smtp/smuggling.js';
import { freePort, startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { startLineEndingSmtp, type LineEndingSmtp } from '../helpers/line-ending-smtp.js';
import { lookupOf } from '../helpers/lookup.js';
import type { WsTestClient } from '../helpers/ws-client.js';
import { probeBridge } from '../helpers/probe-bridge.js';

/** The bridge's connect timeout, which also bounds a probe's waits (the message's end: three times it). */
const WAIT_MS = 800;
const TO = 'postmaster@bare.test';

describe('/smuggling through the bridge', () => {
  const postfix = {} as Record<'no' | 'normalize' | 'yes' | 'reject', LineEndingSmtp>;
  const fakes = {} as Record<'refusing' | 'mute' | 'rejecting' | 'recording', FakeSmtp>;
  const opened: { close(): Promise<unknown> }[] = [];
  beforeAll(async () => {
    for (const mode of ['no', 'normalize', 'yes', 'reject'] as const) postfix[mode] = await startLineEndingSmtp(mode);
    const greeting = '220 fake.test ESMTP\r\n';
    const ehlo = { match: /^EHLO /, reply: ['250-fake.test\r\n250 8BITMIME\r\n'] };
    const quit = { match: /^QUIT$/, reply: ['221 2.0.0 Bye\r\n', 'close' as const] };
    fakes.refusing = await startFakeSmtp({
      onConnect: [greeting],
      rules: [ehlo, { match: /^MAIL /, reply: ['250 2.1.0 Ok\r\n'] }, { match: /^RCPT /, reply: ['550 5.1.1 <postmaster@bare.test>: Recipient address rejected: User unknown\r\n'] }, quit],
    });
    // Takes the message and never answers its end (a content filter that hangs).
    fakes.mute = await startFakeSmtp({
      onConnect: [greeting],
      rules: [ehlo, { match: /^MAIL /, reply: ['250 2.1.0 Ok\r\n'] }, { match: /^RCPT /, reply: ['250 2.1.5 Ok\r\n'] }, { match: /^DATA$/, reply: ['354 go ahead\r\n'] }, quit],
    });
    // Refuses the message at its end and then says nothing, not even to QUIT.
    fakes.rejecting = await startFakeSmtp({
      onConnect: [greeting],
      rules: [ehlo, { match: /^MAIL /, reply: ['250 2.1.0 Ok\r\n'] }, { match: /^RCPT /, reply: ['250 2.1.5 Ok\r\n'] }, { match: /^DATA$/, reply: ['354 go ahead\r\n'] }, { match: /^\.$/, reply: ['554 5.7.1 Message rejected\r\n'] }],
    });
    // Lines split at CRLF alone, as smtp-server reads them: what the probe writes, kept byte for byte.
    fakes.recording = await startFakeSmtp({
      onConnect: [greeting],
      rules: [
        ehlo,
        { match: /^MAIL /, reply: ['250 2.1.0 Ok\r\n'] },
        { match: /^RCPT /, reply: ['250 2.1.5 Ok\r\n'] },
        { match: /^DATA$/, reply: ['354 go ahead\r\n'] },
        { match: /^\.$/, reply: ['250 2.0.0 Ok: queued\r\n'] },
        quit,
      ],
    });
    opened.push(...Object.values(postfix), ...Object.values(fakes));
  });
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  const bridge = (opts: HelotermOptions = {}): ReturnType<typeof probeBridge> =>
    probeBridge(opened, { connectTimeoutMs: WAIT_MS, allowedPorts: [...Object.values(postfix), ...Object.values(fakes)].map((f) => f.port), ...opts });

  async function probe(client: WsTestClient, port: number, to = TO, from = '', host = '127.0.0.1'): Promise<SmugglingMessage> {
    client.send({ type: 'smuggling', host, port, to, from });
    return client.next('smuggling', 10_000);
  }
  const probed = (m: SmugglingMessage): SmugglingOutcome[] => {
    expect(m.answer.kind).toBe('probed');
    return (m.answer as Extract<SmugglingMessage['answer'], { kind: 'probed' }>).sequences;
  };
  const outcomes = (m: SmugglingMessage): [string, string][] => probed(m).map((o) => [o.sequence, o.outcome]);

  it('finds a server that ends a message at <LF>.<LF> and reads on as commands: Postfix before its fix', async () => {
    const { client } = await bridge();
    const m = await probe(client, postfix.no.port);
    expect(outcomes(m)).toEqual([
      ['LF.LF', 'ended'],
      ['LF.CRLF', 'ended'],
      ['CRLF.LF', 'ended'],
      ['CR.CRLF', 'text'],
    ]);
    // The message's reply, then the NOOP's: the line after the sequence was read as a command.
    expect(probed(m)[0]).toMatchObject({ text: expect.stringMatching(/^250 2\.0\.0 Ok: queued as 4Q1$/), next: '250 2.0.0 Ok' });
    expect(probed(m)[3]).toMatchObject({ text: '250 2.0.0 Ok: queued as 4Q1', next: '221 2.0.0 Bye' });
    const report = readSmuggling('127.0.0.1', postfix.no.port, TO, m.answer);
    expect(report.good).toBe(false);
    expect(report.findings.at(-1)).toMatchObject({ tone: 'bad', text: expect.stringMatching(/^open to SMTP smuggling \(CVE-2023-51764 and kin\): a sender whose server passes <LF>\.<LF> or <LF>\.<CR><LF> or <CR><LF>\.<LF> on .*smtpd_forbid_bare_newline = normalize/) });
  });

  it('finds Postfix 3.9 as it is set up by default (normalize) not open, and refusing a bare LF when set to (yes in 2023) reject', async () => {
    const { client } = await bridge();
    const normal = await probe(client, postfix.normalize.port);
    expect(outcomes(normal).map(([, o]) => o)).toEqual(['text', 'text', 'text', 'text']);
    expect(readSmuggling('127.0.0.1', postfix.normalize.port, TO, normal.answer)).toMatchObject({ good: true, findings: expect.arrayContaining([expect.objectContaining({ text: expect.stringMatching(/^not open to SMTP smuggling at these sequences/) })]) });

    const strict = await probe(client, postfix.yes.port);
    expect(outcomes(strict)).toEqual([
      ['LF.LF', 'refused'],
      ['LF.CRLF', 'refused'],
      ['CRLF.LF', 'refused'],
      ['CR.CRLF', 'text'],
    ]);
    expect(probed(strict)[0]?.text).toBe('521 5.5.2 bare.test Error: bare <LF> received');
    expect(readSmuggling('127.0.0.1', postfix.yes.port, TO, strict.answer).good).toBe(true);

    // 3.9's reject: the message read to its true end, then refused for the bare LF it held.
    const rejecting = await probe(client, postfix.reject.port);
    expect(outcomes(rejecting).map(([, o]) => o)).toEqual(['refused', 'refused', 'refused', 'text']);
    expect(probed(rejecting)[0]?.text).toBe('550 5.5.2 bare.test Error: bare <LF> received');
  });

  it('writes EHLO, MAIL, RCPT and DATA one at a time, then the message with its sequence, NOOP, the end, and QUIT', async () => {
    const { client } = await bridge();
    const from = fakes.recording.connections.length;
    const m = await probe(client, fakes.recording.port, 'alice@fake.test', 'bob@sender.test');
    // Read with lines split at CRLF alone, no sequence ends the message early.
    expect(outcomes(m).map(([, o]) => o)).toEqual(['text', 'text', 'text', 'text']);
    const all = await Promise.all([0, 1, 2, 3].map((i) => fakes.recording.connection(from + i)));
    await Promise.all(all.map((c) => c.ended));
    const tails = new Set(all.map((c) => c.received().toString('latin1').slice(-60)));
    for (const bytes of ['\n.\n', '\n.\r\n', '\r\n.\n', '\r.\r\n']) {
      expect([...tails].some((t) => t.endsWith(`${bytes}NOOP\r\n.\r\nQUIT\r\n`)), JSON.stringify(bytes)).toBe(true);
    }
    for (const c of all) {
      const sent = c.received().toString('latin1');
      expect(sent.startsWith('EHLO [127.0.0.1]\r\nMAIL FROM:<bob@sender.test>\r\nRCPT TO:<alice@fake.test>\r\nDATA\r\nFrom: <bob@sender.test>\r\nTo: <alice@fake.test>\r\nSubject: heloterm SMTP smuggling check: <')).toBe(true);
      // Each command was answered before the next was written: the log alternates.
      const dirs = c.log.map((e) => e.dir).join(' ');
      expect(dirs.startsWith('out in out in out in out in out')).toBe(true);
    }
  });

  it('says once why no message was sent: a recipient the server does not take, with the hint to name another', async () => {
    const { client } = await bridge();
    const m = await probe(client, fakes.refusing.port);
    expect(new Set(probed(m).map((o) => `${o.outcome}: ${o.text}`))).toEqual(new Set([`not-reached: RCPT TO:<${TO}> answered 550 5.1.1 <postmaster@bare.test>: Recipient address rejected: User unknown`]));
    expect(readSmuggling('127.0.0.1', fakes.refusing.port, TO, m.answer).findings).toEqual([
      { tone: 'warn', text: expect.stringMatching(/^no message sent: RCPT TO:<postmaster@bare\.test> answered 550 5\.1\.1 .*: the server must take mail for the address named/) },
    ]);
  });

  it('does not guess from silence: a message end never answered is unclear, and the connection is closed', async () => {
    const { client } = await bridge();
    const from = fakes.mute.connections.length;
    const m = await probe(client, fakes.mute.port);
    expect(new Set(probed(m).map((o) => `${o.outcome}: ${o.text}`))).toEqual(new Set([`unclear: no reply to the message within ${(WAIT_MS * 3) / 1000} s`]));
    // It waited that long (the message's end may take a content filter's time), not a greeting's wait.
    expect(Math.min(...probed(m).map((o) => o.ms))).toBeGreaterThanOrEqual(WAIT_MS * 3 - 5);
    const all = await Promise.all([0, 1, 2, 3].map((i) => fakes.mute.connection(from + i)));
    await Promise.all(all.map((c) => c.ended));
    // Nothing after the message: no QUIT to a server that may still be reading it (the connection closed instead).
    for (const c of all) expect(c.received().toString('latin1').endsWith('NOOP\r\n.\r\n')).toBe(true);
  });

  it('takes a refusal followed by silence for nothing sure: a NOOP answered late would have said otherwise', async () => {
    const { client } = await bridge();
    const m = await probe(client, fakes.rejecting.port);
    expect(new Set(probed(m).map((o) => `${o.outcome}: ${o.text}`))).toEqual(new Set([`unclear: 554 5.7.1 Message rejected; then no answer to QUIT within ${WAIT_MS / 1000} s`]));
  });

  it('closes its connections when the page goes away while the server reads the message', async () => {
    // The probe would wait for the message's reply far longer than the test may run: the connections end only because
    // the page went away.
    const { client } = await bridge({ connectTimeoutMs: 60_000 });
    const from = fakes.mute.connections.length;
    client.send({ type: 'smuggling', host: '127.0.0.1', port: fakes.mute.port, to: TO, from: '' });
    const dialled = await Promise.all([0, 1, 2, 3].map((i) => fakes.mute.connection(from + i)));
    await expect.poll(() => dialled.every((c) => c.received().toString('latin1').endsWith('NOOP\r\n.\r\n')), { timeout: 5000 }).toBe(true);
    await client.close();
    await Promise.all(dialled.map((c) => c.ended));
  });

  it('finds the practice server not open: it ends a message only at CRLF.CRLF', async () => {
    const { client, practicePort } = await bridge({ practice: {} });
    const m = await probe(client, practicePort ?? 0, 'alice@practice.test');
    expect(outcomes(m).map(([, o]) => o)).toEqual(['text', 'text', 'text', 'text']);
    expect(probed(m)[0]?.text).toMatch(/^250 /);
    expect(probed(m)[0]?.next).toMatch(/^221 /);
  });

  it('dials nothing the policy refuses, nor a name without an address; refuses an address that is not one', async () => {
    const { client } = await bridge();
    const other = await freePort();
    expect((await probe(client, other)).answer).toMatchObject({ kind: 'none', reason: 'refused', detail: expect.stringContaining(String(other)) });
    const { client: named } = await bridge({ lookup: lookupOf({}) });
    expect((await probe(named, postfix.no.port, TO, '', 'nowhere.example')).answer).toMatchObject({ kind: 'none', reason: 'not-found' });
    // An address that would be more than one on the wire never reaches a server.
    for (const to of ['a@b.test>\r\nRSET', 'a b@c.test', '<a@b.test>', 'no-at-sign']) {
      client.send({ type: 'smuggling', host: '127.0.0.1', port: postfix.no.port, to, from: '' });
      expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('"to" must be a mail address') });
    }
    const before = postfix.no.received.length;
    client.send({ type: 'smuggling', host: '127.0.0.1', port: postfix.no.port, to: TO, from: 'x\r\n@y.test' });
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    expect(postfix.no.received.length).toBe(before);
  });
});
