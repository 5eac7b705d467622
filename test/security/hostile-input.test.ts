/**
 * Hostile bytes from the browser side: SMTP smuggling strings (CVE-2023-51764/5/6) and control characters never
 * reach the wire; only CRLF-terminated lines do. Every field that becomes part of a command is validated. The
 * deployment limits (no DATA, recipients, commands a minute) refuse with POLICY_REFUSED and are logged, without
 * the line's content (so AUTH arguments never reach a log).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { LineLimiter, RATE_WINDOW_MS } from '../../server/line-policy.js';
import { isValidHost } from '../../shared/protocol/host.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/messages.js';
import { startFakeSmtp, type FakeScript } from '../helpers/fake-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A capturing server that answers like a permissive MTA: every command 250, DATA 354, "." 250. */
const PERMISSIVE: FakeScript = {
  onConnect: ['220 capture.test ESMTP\r\n'],
  rules: [
    { match: /^DATA$/i, reply: ['354 go ahead\r\n'] },
    { match: /^\.$/, reply: ['250 2.0.0 queued\r\n'] },
    { match: /^AUTH /i, reply: ['235 2.7.0 ok\r\n'] },
    { match: /^(EHLO|HELO|MAIL|RCPT|RSET|NOOP)\b/i, reply: ['250 ok\r\n'] },
    { match: /^QUIT/i, reply: ['221 bye\r\n', 'close'] },
  ],
};

async function setup(opts: HelotermOptions = {}) {
  const fake = await startFakeSmtp(PERMISSIVE);
  cleanups.push(() => fake.close());
  const events: Record<string, unknown>[] = [];
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], log: (e) => events.push(e), ...opts });
  cleanups.push(() => app.close());
  const client = await WsTestClient.open(app.url);
  cleanups.push(() => client.close());
  await client.next('hello');
  client.send({ type: 'connect', host: '127.0.0.1', port: fake.port, tls: 'none' });
  expect((await client.nextReply()).code).toBe(220);
  const conn = await fake.connection();
  return { client, conn, events, port: fake.port };
}

/** Only CRLF-terminated lines: every CR is followed by LF and every LF preceded by CR, and it ends with CRLF. */
function onlyCrlfLines(wire: string): boolean {
  return /^(?:[^\r\n]*\r\n)*$/.test(wire);
}

describe('SMTP smuggling strings', () => {
  const SMUGGLERS = [
    '\n.\r\n',
    '\r.\r\n',
    '.\n',
    '.\r',
    '\n.\n',
    '\r\n.\r\nMAIL FROM:<spoof@victim.example>',
    'text\n.\nMAIL FROM:<spoof@victim.example>',
    'text\r.\rRCPT TO:<x@y>',
    'a\r\n',
    '\r\n',
    '\n',
    'x\u0000.\u0000',
  ];

  it('are refused inside DATA with LINE_REJECTED; only CRLF lines reach the capturing server', async () => {
    const { client, conn } = await setup();
    const sent = ['EHLO me', 'MAIL FROM:<a@example.org>', 'RCPT TO:<b@example.org>', 'DATA'];
    for (const l of sent) {
      client.line(l);
      await client.nextReply();
    }
    client.line('Subject: smuggling test');
    client.line('');
    for (const s of SMUGGLERS) {
      client.line(s);
      expect(await client.next('error'), JSON.stringify(s)).toMatchObject({ code: 'LINE_REJECTED' });
    }
    client.line('body');
    client.line('.');
    expect((await client.nextReply()).code).toBe(250);
    client.line('QUIT');
    await client.next('closed');
    const wire = conn.received().toString('latin1');
    expect(onlyCrlfLines(wire)).toBe(true);
    expect(wire).toBe([...sent, 'Subject: smuggling test', '', 'body', '.', 'QUIT'].map((l) => l + '\r\n').join(''));
    expect(wire).not.toContain('spoof');
  });

  it('are refused the same when they come as JSON line messages instead of ">" frames', async () => {
    const { client, conn } = await setup();
    for (const s of SMUGGLERS) {
      client.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: `NOOP ${s}` }));
      expect(await client.next('error'), JSON.stringify(s)).toMatchObject({ code: 'LINE_REJECTED' });
    }
    client.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'line', text: 'NOOP as JSON' }));
    expect((await client.nextReply()).code).toBe(250);
    expect(conn.lines).toEqual(['NOOP as JSON']);
  });

  it('refuses binary frames and a "<" frame from the browser with BAD_MESSAGE, and writes nothing for them', async () => {
    const { client, conn } = await setup();
    client.ws.send(Buffer.from('>NOOP binary'), { binary: true });
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('binary frames') });
    client.sendRaw('<1:NOOP\n250 forged\r\n');
    expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE' });
    client.line('NOOP after');
    expect((await client.nextReply()).code).toBe(250);
    expect(conn.lines).toEqual(['NOOP after']);
  });

  it('refuses every C0 control and DEL but TAB, in commands too', async () => {
    const { client, conn } = await setup();
    const controls = [...Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 9), 0x7f];
    for (const c of controls) {
      client.line(`NOOP a${String.fromCharCode(c)}b`);
      expect(await client.next('error'), `0x${c.toString(16)}`).toMatchObject({ code: 'LINE_REJECTED' });
    }
    client.line('NOOP\ttab is fine');
    expect((await client.nextReply()).code).toBe(250);
    client.line('NOOP café ✓'); // UTF-8 text is not a control (SMTPUTF8, RFC 6531)
    expect((await client.nextReply()).code).toBe(250);
    expect(conn.lines).toEqual(['NOOP\ttab is fine', 'NOOP café ✓']);
    expect(onlyCrlfLines(conn.received().toString('latin1'))).toBe(true);
  });
});

describe('connect fields', () => {
  it('refuses hosts that are not a name or an IP literal, and bad ports, as BAD_MESSAGE without dialling', async () => {
    const app = await startHeloterm({ port: 0, practice: false, log: () => undefined });
    cleanups.push(() => app.close());
    const client = await WsTestClient.open(app.url);
    cleanups.push(() => client.close());
    await client.next('hello');
    const bad = ['mx.example.org\r\nRCPT', 'a b', '-bad.example', 'bad-.example', 'a..b', 'x'.repeat(64) + '.example', 'host:25', '[::1', '::1]', '[fe80::1%eth0]', 'ex@mple', '1.2.3.4/8', 'é.example'];
    for (const host of bad) {
      client.send({ type: 'connect', host, port: 25, tls: 'none' });
      expect(await client.next('error'), host).toMatchObject({ code: 'BAD_MESSAGE' });
    }
    for (const port of [0, 65536, 25.5, -1]) {
      client.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: 'mx.example.org', port, tls: 'none' }));
      expect(await client.next('error')).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('"port"') });
    }
    expect(client.all('connecting')).toHaveLength(0);
  });

  it('isValidHost accepts names and IP literals only', () => {
    for (const h of ['mx.example.org', 'mx.example.org.', 'localhost', '127.0.0.1', '::1', '[::1]', '[2001:db8::25]', '[::ffff:127.0.0.1]', 'a-b.c_d.example', '0x7f.1']) {
      expect(isValidHost(h), h).toBe(true);
    }
    for (const h of ['', ' ', 'a b', '[::1', '1::2::3', '[1:2:3:4:5:6:7:8:9]', '[::1]x', '-a', 'a.-b', 'x'.repeat(256), 'a/b', 'a\nb']) {
      expect(isValidHost(h), JSON.stringify(h)).toBe(false);
    }
  });
});

describe('deployment limits', () => {
  it('--no-data refuses DATA and BDAT with POLICY_REFUSED, sends nothing, and logs the rule', async () => {
    const { client, conn, events } = await setup({ noData: true });
    client.line('EHLO me');
    await client.nextReply();
    for (const l of ['DATA', 'data', 'BDAT 10 LAST']) {
      client.line(l);
      const err = await client.next('error');
      expect(err.code).toBe('POLICY_REFUSED');
      expect(err.message).toContain('disabled');
    }
    client.line('NOOP');
    expect((await client.nextReply()).code).toBe(250);
    expect(conn.lines).toEqual(['EHLO me', 'NOOP']);
    expect(events.filter((e) => e.event === 'policy-refused').map((e) => e.rule)).toEqual(['no-data', 'no-data', 'no-data']);
  });

  it('--max-recipients caps RCPT per session, across reconnects', async () => {
    const { client, conn, port } = await setup({ maxRecipients: 2 });
    for (const l of ['EHLO me', 'MAIL FROM:<a@x.example>', 'RCPT TO:<1@x.example>', 'RCPT TO:<2@x.example>']) {
      client.line(l);
      expect((await client.nextReply()).code).toBe(250);
    }
    client.line('RCPT TO:<3@x.example>');
    expect(await client.next('error')).toMatchObject({ code: 'POLICY_REFUSED' });
    expect(conn.lines).not.toContain('RCPT TO:<3@x.example>');
    // A new SMTP connection in the same session does not reset the count.
    client.send({ type: 'disconnect' });
    await client.next('closed');
    client.send({ type: 'connect', host: '127.0.0.1', port, tls: 'none' });
    expect((await client.nextReply()).code).toBe(220);
    client.line('EHLO me');
    await client.nextReply();
    client.line('MAIL FROM:<a@x.example>');
    await client.nextReply();
    client.line('RCPT TO:<4@x.example>');
    expect(await client.next('error')).toMatchObject({ code: 'POLICY_REFUSED' });
  });

  it('--max-commands-per-minute refuses the command over the rate, not message text', async () => {
    const { client, conn } = await setup({ maxCommandsPerMinute: 5 });
    for (const l of ['EHLO me', 'MAIL FROM:<a@x.example>', 'RCPT TO:<1@x.example>', 'DATA']) {
      client.line(l);
      await client.nextReply();
    }
    for (let i = 0; i < 10; i++) client.line(`text line ${i}`); // message text: not counted
    client.line('.'); // end of data: not counted
    expect((await client.nextReply()).code).toBe(250);
    client.line('NOOP'); // the 5th command
    expect((await client.nextReply()).code).toBe(250);
    client.line('NOOP');
    const err = await client.next('error');
    expect(err.code).toBe('POLICY_REFUSED');
    expect(err.message).toMatch(/5 commands a minute/);
    expect(conn.lines.filter((l) => l === 'NOOP')).toHaveLength(1);
  });

  it('LineLimiter slides its window (pure, injected clock)', () => {
    let now = 0;
    const l = new LineLimiter({ noData: false, maxRecipients: null, maxCommandsPerMinute: 2 }, () => now);
    expect(l.check('NOOP', 'command')).toBeNull();
    now = 10_000;
    expect(l.check('NOOP', 'command')).toBeNull();
    expect(l.check('NOOP', 'command')?.rule).toBe('rate');
    expect(l.check('more text', 'message-text')).toBeNull();
    now = RATE_WINDOW_MS; // the first one left the window
    expect(l.check('NOOP', 'command')).toBeNull();
    expect(l.check('NOOP', 'command')?.rule).toBe('rate');
  });
});

describe('logs', () => {
  it('never contain line contents: AUTH arguments and addresses stay out', async () => {
    const { client, events } = await setup({ maxRecipients: 1 });
    const secret = 'AGFsaWNlAHMzY3IzdC1wYXNzd29yZA=='; // \0alice\0s3cr3t-password
    client.line('EHLO me');
    await client.nextReply();
    client.line(`AUTH PLAIN ${secret}`);
    expect((await client.nextReply()).code).toBe(235);
    client.line('MAIL FROM:<private.person@example.org>');
    await client.nextReply();
    client.line('RCPT TO:<1@x.example>');
    await client.nextReply();
    client.line('RCPT TO:<2@x.example>'); // refused and logged
    await client.next('error');
    const text = JSON.stringify(events);
    expect(events.some((e) => e.event === 'policy-refused')).toBe(true);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('private.person');
    expect(text).not.toContain('2@x.example');
  });
});
