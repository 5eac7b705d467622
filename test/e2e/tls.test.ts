/**
 * After STARTTLS, in a real headless Chromium against the real bridge and practice server: the terminal lists what
 * the server's certificate says, the reason it did not verify explains itself on hover, the reply log has the same
 * for keyboard users, and /tls shows it again. The EHLO reply judged before and over TLS; a handshake or a
 * connection that fails, explained.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { makeCert } from '../helpers/certs.js';
import { lookupOf } from '../helpers/lookup.js';
import type { Page } from 'playwright-core';
import { cellCenter, formAtPractice, helotermInChromium, holdAppChunk, linesAfter, poll, terminalText, waitForTerminal } from '../helpers/browser.js';

const REPLY_TIMEOUT_MS = 10_000;

describe("the server's certificate in Chromium", () => {
  const { pages, app } = helotermInChromium();

  it('lists the findings after STARTTLS, explains the reason on hover and in the reply log, and /tls repeats them', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    for (const [line, reply] of [['EHLO trainee', /^250 /m], ['STARTTLS', /^220 2\.0\.0 /m]] as const) {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      await waitForTerminal(page, (t) => reply.test(t.slice(t.lastIndexOf(line))), REPLY_TIMEOUT_MS, `the reply to ${line}`);
    }
    const text = await waitForTerminal(page, (t) => t.includes('days left)'), REPLY_TIMEOUT_MS, 'the certificate findings');
    const lines = linesAfter(text, (l) => l.startsWith('-- TLS active (TLSv1.3'), 5);
    expect(lines).toEqual([
      '   ✗ not verified: DEPTH_ZERO_SELF_SIGNED_CERT (Self-signed certificate)',
      '   · for practice.test, localhost, 127.0.0.1, ::1',
      '   ✓ 127.0.0.1 is among its names',
      '   ! self-signed: issued by itself, no certificate authority vouches for it',
      expect.stringMatching(/^ {3}✓ valid until \d{4}-\d\d-\d\d \((89|90) days left\)$/),
    ]);

    // The reason explains itself under the pointer.
    const tooltip = page.locator('.heloterm-tooltip');
    await page.mouse.move(1, 1);
    const reason = await cellCenter(page, 'DEPTH_ZERO_SELF_SIGNED_CERT', 4);
    await page.mouse.move(reason.x, reason.y);
    await poll(() => tooltip.isVisible(), REPLY_TIMEOUT_MS, 'the tooltip');
    expect(await tooltip.getAttribute('data-key')).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const tip = (await tooltip.textContent()) ?? '';
    expect(tip).toContain('Self-signed certificate');
    expect(tip).toContain('What to do:');
    expect(tip).toContain('RFC 7672');
    await page.mouse.move(1, 1);

    // The reply log holds the same, for the keyboard.
    const entry = page.locator('.reply-log li.tls');
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.findings li').allTextContents()).toEqual(lines.map((l) => l.trim()));
    expect(await entry.locator('.explain-key').textContent()).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await entry.getAttribute('tabindex')).toBe('0');

    // /tls writes it again, without a word to the server.
    await page.keyboard.type('/tls');
    await page.keyboard.press('Enter');
    const again = await waitForTerminal(page, (t) => t.split("the server's certificate:").length === 3, REPLY_TIMEOUT_MS, 'the report again');
    expect(again.slice(again.lastIndexOf('/tls'))).not.toMatch(/^[2-5]\d\d[ -]/m);

    // /tls name checks the same certificate for another name, as a sender that dialled that name would.
    for (const [name, said] of [
      ['practice.test', "-- practice.test is among the certificate's names (DNS:practice.test), but its chain did not verify (DEPTH_ZERO_SELF_SIGNED_CERT), which fails it anyway"],
      ['mx.example.org', "-- mx.example.org is not among the certificate's names: a sender that checks names"],
    ] as const) {
      await page.keyboard.type(`/tls name ${name}`);
      await page.keyboard.press('Enter');
      await waitForTerminal(page, (t) => t.replace(/\n/g, '').includes(said), REPLY_TIMEOUT_MS, `/tls name ${name}`);
    }
  });

  it('judges the EHLO reply once before TLS and once over it, in the terminal and the reply log', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    const send = async (line: string, reply: RegExp): Promise<string> => {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      return waitForTerminal(page, (t) => reply.test(t.slice(t.lastIndexOf(line))), REPLY_TIMEOUT_MS, `the reply to ${line}`);
    };
    await send('EHLO client.example.org', /^250 CHUNKING/m);
    const first = await waitForTerminal(page, (t) => t.includes('(RFC 1870)'), REPLY_TIMEOUT_MS, 'the review before TLS');
    expect(linesAfter(first, (l) => l === '-- what the EHLO reply says about the server, before TLS:', 3)).toEqual([
      expect.stringMatching(/^ {3}✓ STARTTLS: mail to this server can be encrypted/),
      expect.stringMatching(/^ {3}! AUTH LOGIN PLAIN CRAM-MD5 SCRAM-SHA-256 offered before TLS: a login now would send the password readable/),
      '   · messages up to 1 MiB (SIZE 1048576): larger ones are refused with 552 (RFC 1870)',
    ]);
    // Once per connection and TLS state: a second EHLO is not judged again.
    await send('EHLO client.example.org', /^250 CHUNKING/m);
    await send('STARTTLS', /^220 2\.0\.0 /m);
    await waitForTerminal(page, (t) => t.includes('days left)'), REPLY_TIMEOUT_MS, 'the certificate findings');
    await send('EHLO client.example.org', /^250 CHUNKING/m);
    const text = await waitForTerminal(page, (t) => t.includes('over TLS:'), REPLY_TIMEOUT_MS, 'the review over TLS');
    expect(text.split('what the EHLO reply says about the server').length).toBe(3);
    expect(linesAfter(text, (l) => l === '-- what the EHLO reply says about the server, over TLS:', 2)).toEqual([
      '   · AUTH LOGIN PLAIN CRAM-MD5 SCRAM-SHA-256: logins are taken, encrypted now',
      '   · messages up to 1 MiB (SIZE 1048576): larger ones are refused with 552 (RFC 1870)',
    ]);
    const entries = page.locator('.reply-log li.ehlo');
    await poll(async () => (await entries.count()) === 2, REPLY_TIMEOUT_MS, 'two EHLO entries in the reply log');
    // Each follows the entry of the reply it judges.
    const before = await entries.nth(1).evaluate((li) => li.previousElementSibling?.textContent ?? '');
    expect(before).toMatch(/^#\d+ 250 practice\.test Nice to meet you/);
    expect(await entries.nth(0).getAttribute('class')).toContain('cls-4'); // a warning: the password before TLS
    expect(await entries.nth(1).locator('.findings li').allTextContents()).toEqual([
      '· AUTH LOGIN PLAIN CRAM-MD5 SCRAM-SHA-256: logins are taken, encrypted now',
      '· messages up to 1 MiB (SIZE 1048576): larger ones are refused with 552 (RFC 1870)',
    ]);
  });

  it('explains a failed handshake: implicit TLS to the practice server, which speaks plain SMTP first', async () => {
    const practice = app().practice?.info;
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${practice?.port}&tls=1&connect=1`);
    const text = await waitForTerminal(page, (t) => t.includes('what to do:'), REPLY_TIMEOUT_MS, 'the explanation');
    expect(text).toMatch(/-- error: TLS handshake with 127\.0\.0\.1:\d+ failed: wrong version number \(ERR_SSL_WRONG_VERSION_NUMBER\)/);
    expect(linesAfter(text, (l) => l === '-- why the TLS handshake failed: the server answered in plain text, not TLS', 2)).toEqual([
      expect.stringMatching(/^ {3}✗ Implicit TLS was asked for, but this server speaks plain SMTP first/),
      expect.stringMatching(/^ {3}· what to do: Untick implicit TLS, connect, and send STARTTLS after EHLO\. \(RFC 8314 §3\.3; RFC 3207 §4\)/),
    ]);
    const entry = page.locator('.reply-log li.tls');
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-text').textContent()).toBe('why the TLS handshake failed: the server answered in plain text, not TLS');
  });
});

describe('a refused connection in Chromium', () => {
  /** A port nothing listens on: taken, then given back. */
  let closedPort = 0;
  beforeAll(async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
  });
  const { pages, app } = helotermInChromium(() => ({ allowedPorts: [closedPort] }));

  it('says what "connection refused" means and what to do, in the terminal and the reply log', async () => {
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${closedPort}&connect=1`);
    const text = await waitForTerminal(page, (t) => t.includes('what to do:'), REPLY_TIMEOUT_MS, 'the explanation');
    expect(linesAfter(text, (l) => l === '-- why the connection failed: nothing listens there', 2)).toEqual([
      `   ✗ The host answered, but no server listens on port ${closedPort}: it is not running, or not on this port.`,
      expect.stringMatching(/^ {3}· what to do: Check that the server runs and listens on this port \(ss -ltn\)/),
    ]);
    const entry = page.locator('.reply-log li.net');
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('NET');
  });
});

describe('a name with several addresses in Chromium', () => {
  let fake: FakeSmtp;
  beforeAll(async () => {
    fake = await startFakeSmtp({ onConnect: ['220 mx.multi.test ESMTP\r\n'] });
  });
  afterAll(() => fake?.close());
  // The name's first address refuses (nothing listens on 127.0.0.2), its second is the scripted server.
  const lookup = lookupOf({ 'mx.multi.test': ['127.0.0.2', '127.0.0.1'] });
  const { pages, app } = helotermInChromium(() => ({ practice: false, allowedPorts: [fake.port], lookup }));

  it('says which address did not answer, connects to the next, and what that costs senders', async () => {
    // Connected from the link: the first failure comes while the boot script paints, and the app shows it.
    const page = await pages.open(`${app().url}?host=mx.multi.test&port=${fake.port}&connect=1`);
    const text = await waitForTerminal(page, (t) => /^220 mx\.multi\.test/m.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('-- 127.0.0.2 did not take the connection'));
    expect(lines.slice(at, at + 3)).toEqual([
      `-- 127.0.0.2 did not take the connection (connection refused); trying the next address of mx.multi.test, 127.0.0.1`,
      `-- connected to mx.multi.test (127.0.0.1:${fake.port})`,
      expect.stringMatching(/^-- 127\.0\.0\.2 did not take the connection, 127\.0\.0\.1 did: senders try a mail server's addresses in turn too/),
    ]);
    expect(await page.locator('.status').textContent()).toContain('Connected to mx.multi.test');
  });
});

describe('one IP version (telnet -4 / -6) in Chromium', () => {
  const typeLine = async (page: Page, line: string): Promise<void> => {
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  };
  let v4: FakeSmtp;
  let v6: FakeSmtp;
  beforeAll(async () => {
    // One name, two addresses, a server on each that says which it is.
    v4 = await startFakeSmtp({ onConnect: ['220 v4.dual.test ESMTP\r\n'] });
    v6 = await startFakeSmtp({ onConnect: ['220 v6.dual.test ESMTP\r\n'] }, '::1', v4.port);
  });
  afterAll(async () => {
    await v6?.close();
    await v4?.close();
  });
  const lookup = lookupOf({ 'mx.dual.test': ['127.0.0.1', '::1'] });
  const { pages, app } = helotermInChromium(() => ({ practice: false, allowedPorts: [v4.port], lookup }));

  it('connects over the version a link names (?ip=6), shows it in the form, and /link keeps it', async () => {
    const page = await pages.open(`${app().url}?host=mx.dual.test&port=${v4.port}&ip=6&connect=1`);
    await waitForTerminal(page, (t) => /^220 v6\.dual\.test/m.test(t), REPLY_TIMEOUT_MS, 'the IPv6 server\'s greeting');
    expect(await terminalText(page)).toContain(`-- connected to mx.dual.test ([::1]:${v4.port})`);
    expect(await page.locator('select[name="ip"]').inputValue()).toBe('6');
    await typeLine(page, '/link');
    const text = await waitForTerminal(page, (t) => t.includes('-- this page, connected to'), REPLY_TIMEOUT_MS, '/link');
    expect(text).toContain(`?host=mx.dual.test&port=${v4.port}&ip=6&connect=1`);
    expect([v4.connections.length, v6.connections.length]).toEqual([0, 1]);
  });

  it('says why a link that asks for IPv6 cannot reach an address of IPv4, and dials nothing', async () => {
    const before = v4.connections.length + v6.connections.length;
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${v4.port}&ip=6&connect=1`);
    await waitForTerminal(page, (t) => t.includes('-- the link asks to connect, and the form cannot: 127.0.0.1 is an IPv4 address'), REPLY_TIMEOUT_MS, 'the note');
    expect(v4.connections.length + v6.connections.length).toBe(before);
  });

  it('dials IPv4 only when the form says so, and refuses telnet -6 with an IPv4 address without dialling', async () => {
    const page = await pages.open(app().url);
    await page.locator('input[name="host"]').fill('mx.dual.test');
    await page.locator('input[name="port"]').fill(String(v4.port));
    await page.locator('select[name="ip"]').selectOption('4');
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => /^220 v4\.dual\.test/m.test(t), REPLY_TIMEOUT_MS, 'the IPv4 server\'s greeting');
    await page.locator('button[data-action="disconnect"]').click();
    await waitForTerminal(page, (t) => /^-- disconnected/m.test(t), REPLY_TIMEOUT_MS, 'disconnected');
    const dialled = v4.connections.length + v6.connections.length;
    await typeLine(page, `telnet -6 127.0.0.1 ${v4.port}`);
    await waitForTerminal(page, (t) => t.includes('-- telnet: -6 asks for IPv6, and 127.0.0.1 is not an IPv6 address: not connected'), REPLY_TIMEOUT_MS, 'refused');
    // The form was left as it was, and nothing more was dialled.
    expect(await page.locator('select[name="ip"]').inputValue()).toBe('4');
    expect(v4.connections.length + v6.connections.length).toBe(dialled);
  });
});

describe('/ports in Chromium', () => {
  // The practice server, and a port beside it that nothing listens on.
  let closed = 0;
  beforeAll(async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    closed = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
  });
  const { pages, app } = helotermInChromium(() => ({ allowedPorts: [25, 465, 587, closed] }));

  it('probes the form\'s host on the mail ports and the practice server\'s, and says what each did, in the reply log too', async () => {
    const page = await pages.open(app().url);
    const practicePort = await formAtPractice(page, REPLY_TIMEOUT_MS);
    await page.keyboard.type(`/ports`);
    await page.keyboard.press('Enter');
    const text = await waitForTerminal(page, (t) => t.includes('-- mail ports of 127.0.0.1 (127.0.0.1)'), REPLY_TIMEOUT_MS, 'the probe');
    const tlsPort = app().practice?.info.tlsPort;
    expect(text).toContain(`-- dialling 127.0.0.1 on port 25, 465, 587, ${practicePort}, ${tlsPort} at once…`);
    // The practice server greets, on its port with TLS at once after the handshake; what listens on this machine's
    // 25, 465 and 587 is this machine's affair.
    expect(text).toMatch(new RegExp(`^ {3}✓ ${practicePort} the practice server: 220 practice\\.test ESMTP .* \\(\\d+ ms\\); offers STARTTLS`, 'm'));
    expect(text).toMatch(new RegExp(`^ {3}✓ ${tlsPort} the practice server, TLS at once: TLSv1\\.3, certificate not verified \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); 220 practice\\.test ESMTP .*; offers AUTH`, 'm'));
    expect(linesAfter(text, (l) => l.startsWith('-- mail ports of 127.0.0.1'), 4)).toHaveLength(4);
    const entry = page.locator('.reply-log li', { hasText: 'mail ports of 127.0.0.1' });
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('PORTS');

    // Named ports: one nothing listens on; one the bridge does not dial is refused on the page.
    await page.keyboard.type(`/ports 127.0.0.1 ${closed}`);
    await page.keyboard.press('Enter');
    const refused = new RegExp(`^ {3}✗ ${closed} +another port: refused: nothing listens there`, 'm');
    await waitForTerminal(page, (t) => refused.test(t), REPLY_TIMEOUT_MS, 'the closed port');
    // localhost reaches the practice server too: its port is dialled with the mail ports.
    await page.keyboard.type('/ports localhost');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes(`-- dialling localhost on port 25, 465, 587, ${practicePort}, ${tlsPort} at once…`), REPLY_TIMEOUT_MS, '/ports localhost');
    // The practice server's domain is not in DNS: it stands for the practice server's address.
    await page.keyboard.type('/ports practice.test');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes(`-- practice.test is the practice server's domain, not in DNS: dialling its address, 127.0.0.1`), REPLY_TIMEOUT_MS, '/ports practice.test');
    await page.keyboard.type('/ports 127.0.0.1 2526');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('-- this heloterm does not dial port 2526'), REPLY_TIMEOUT_MS, 'the port not dialled');
  });
});

describe('/tls versions in Chromium', () => {
  const { pages, app } = helotermInChromium();

  it('tries each TLS version on the form\'s server, or the one connected to, and says which it accepts, in the reply log too', async () => {
    const page = await pages.open(app().url);
    const practicePort = await formAtPractice(page, REPLY_TIMEOUT_MS);
    await page.keyboard.type('/tls versions');
    await page.keyboard.press('Enter');
    const head = `-- TLS versions of 127.0.0.1 port ${practicePort} (127.0.0.1), each offered alone, one connection each, after EHLO and STARTTLS:`;
    const text = await waitForTerminal(page, (t) => t.includes(head), REPLY_TIMEOUT_MS, 'the probe');
    expect(text).toContain(`-- trying TLS 1.0, 1.1, 1.2 and 1.3 on 127.0.0.1 port ${practicePort}, one connection each (EHLO, STARTTLS, then the handshake)…`);
    // The practice server is Node's TLS at its defaults: 1.2 and 1.3 only.
    expect(linesAfter(text, (l) => l === head, 4)).toEqual([
      expect.stringMatching(/^ {3}✓ TLS 1\.0 refused: tlsv1 alert /),
      expect.stringMatching(/^ {3}✓ TLS 1\.1 refused: tlsv1 alert /),
      expect.stringMatching(/^ {3}✓ TLS 1\.2 accepted \(ECDHE-/),
      expect.stringMatching(/^ {3}✓ TLS 1\.3 accepted \(TLS_/),
    ]);
    const entry = page.locator('.reply-log li', { hasText: `TLS versions of 127.0.0.1 port ${practicePort}` });
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('VERSIONS');
    expect(await entry.locator('.findings li').count()).toBe(4);

    // Connected, a probe goes on beside the session (the practice server's domain stands for its address).
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('/tls versions practice.test');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.split(head).length === 3, REPLY_TIMEOUT_MS, 'the second probe');
    expect(await terminalText(page)).toContain("-- practice.test is the practice server's domain, not in DNS: dialling its address, 127.0.0.1");
    await page.keyboard.type('NOOP');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => /^250 2\.0\.0 /m.test(t.slice(t.lastIndexOf('NOOP'))), REPLY_TIMEOUT_MS, 'the session going on');
    // What it found goes into a saved transcript too, for a ticket.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: REPLY_TIMEOUT_MS }), page.keyboard.type('/save\n')]);
    const saved = await readFile(await download.path(), 'utf8');
    expect(saved).toMatch(new RegExp(`^ *[0-9.]+ # TLS versions of 127\\.0\\.0\\.1 port ${practicePort} .*: TLS 1\\.0 refused: .*; TLS 1\\.3 accepted \\(TLS_`, 'm'));
  });
});

describe('implicit TLS opened by a link, before the rest of the page has loaded', () => {
  // A submission server with implicit TLS (port 465's way): the `tls` report comes before the greeting.
  let server: FakeSmtp;
  const { pages, app } = helotermInChromium(async () => {
    const cert = await makeCert({ cn: 'submit.test', names: ['127.0.0.1'] });
    server = await startFakeSmtp({ onConnect: [{ startTls: cert }, '220 submit.test ESMTP over TLS\r\n'], rules: [{ match: /^EHLO /, reply: ['250-submit.test\r\n250 AUTH PLAIN\r\n'] }] });
    return { allowedPorts: [server.port] };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps the TLS report the boot script does not read for the app, and shows it before the greeting, once', async () => {
    const { prepare, release } = holdAppChunk();
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${server.port}&tls=1&connect=1`, {
      prepare,
    });
    // Until the app is here, the boot script shows no greeting: the TLS report before it is the app's to show.
    await waitForTerminal(page, (t) => t.includes('-- connected to'), REPLY_TIMEOUT_MS, 'the connected note');
    await page.waitForTimeout(300);
    expect(await terminalText(page)).not.toContain('220 submit.test');
    release();
    const text = await waitForTerminal(page, (t) => t.includes('220 submit.test ESMTP over TLS') && t.includes('↳ 220'), REPLY_TIMEOUT_MS, 'the greeting');
    const tls = text.indexOf('-- TLS active (TLSv1.3');
    expect(tls).toBeGreaterThan(-1);
    expect(tls).toBeLessThan(text.indexOf('220 submit.test'));
    expect(text.split('-- TLS active').length).toBe(2);
    expect(text).not.toContain('malformed');
    await page.keyboard.type('EHLO trainee');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('250 AUTH PLAIN'), REPLY_TIMEOUT_MS, 'the EHLO reply over TLS');
    expect(pages.errors).toEqual([]);
  });
});
