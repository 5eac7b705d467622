/**
 * An admin's security checks of a server in a real headless Chromium against the real bridge: `/smuggling` against
 * the practice server, which ends a message only at CRLF.CRLF, and a server that reads lines as Postfix did before its
 * fix of December 2023 (open to SMTP smuggling), what each sequence did; and `/tls injection` against the practice
 * server, which drops what came before TLS; `/tls mx` of the practice server's domain; each in the terminal and the
 * reply log.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formAtPractice, helotermInChromium, linesAfter, waitForTerminal } from '../helpers/browser.js';
import { startLineEndingSmtp, type LineEndingSmtp } from '../helpers/line-ending-smtp.js';

const REPLY_TIMEOUT_MS = 15_000;

describe('/smuggling in Chromium', () => {
  let old: LineEndingSmtp | null = null;
  const { pages, app } = helotermInChromium(async () => {
    old = await startLineEndingSmtp('no');
    return { allowedPorts: [25, old.port] };
  });
  afterAll(async () => {
    await old?.close();
  });

  it("checks the form's server with a test message per sequence, and names a server open to smuggling, in the reply log too", async () => {
    const page = await pages.open(app().url);
    const practicePort = await formAtPractice(page, REPLY_TIMEOUT_MS);
    await page.keyboard.type('/smuggling alice@practice.test');
    await page.keyboard.press('Enter');
    const head = `-- SMTP smuggling check of 127.0.0.1 port ${practicePort} (127.0.0.1): a test message to <alice@practice.test> for each sequence, its last line ended by it, then a line NOOP and <CR><LF>.<CR><LF>:`;
    const text = await waitForTerminal(page, (t) => t.includes(head), REPLY_TIMEOUT_MS, 'the check');
    expect(linesAfter(text, (l) => l === head, 5)).toEqual([
      expect.stringMatching(/^ {3}✓ <LF>\.<LF>: message text; the message ended at <CR><LF>\.<CR><LF> \("250 /),
      expect.stringMatching(/^ {3}✓ <LF>\.<CR><LF>: message text/),
      expect.stringMatching(/^ {3}✓ <CR><LF>\.<LF>: message text/),
      expect.stringMatching(/^ {3}✓ <CR>\.<CR><LF>: message text/),
      expect.stringMatching(/^ {3}✓ not open to SMTP smuggling at these sequences/),
    ]);

    const port = old?.port ?? 0;
    await page.keyboard.type(`/smuggling 127.0.0.1 ${port} postmaster@bare.test`);
    await page.keyboard.press('Enter');
    const openHead = `-- SMTP smuggling check of 127.0.0.1 port ${port} (127.0.0.1): a test message to <postmaster@bare.test> for each sequence, its last line ended by it, then a line NOOP and <CR><LF>.<CR><LF>:`;
    const after = await waitForTerminal(page, (t) => t.includes(openHead), REPLY_TIMEOUT_MS, 'the second check');
    const lines = linesAfter(after, (l) => l === openHead, 5);
    expect(lines[0]).toBe('   ✗ <LF>.<LF>: the server ended the message there ("250 2.0.0 Ok: queued as 4Q1") and read the next line, NOOP, as a command ("250 2.0.0 Ok"): open to SMTP smuggling');
    expect(lines[3]).toMatch(/^ {3}✓ <CR>\.<CR><LF>: message text/);
    expect(lines[4]).toMatch(/^ {3}✗ open to SMTP smuggling \(CVE-2023-51764 and kin\)/);
    const entry = page.locator('.reply-log li', { hasText: `SMTP smuggling check of 127.0.0.1 port ${port}` });
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('SMUGGLING');
    expect(await entry.locator('.findings li').count()).toBe(5);
  });

  it('checks STARTTLS command injection on the form\'s server: the practice server drops what came before TLS', async () => {
    const page = await pages.open(app().url);
    const practicePort = await formAtPractice(page, REPLY_TIMEOUT_MS);
    await page.keyboard.type('/tls injection');
    await page.keyboard.press('Enter');
    const head = `-- STARTTLS injection check of 127.0.0.1 port ${practicePort} (127.0.0.1): "STARTTLS" and "NOOP" written at once, as a man in the middle would add one, then the handshake and QUIT over TLS:`;
    const text = await waitForTerminal(page, (t) => t.includes(head), REPLY_TIMEOUT_MS, 'the check');
    expect(text).toContain(`-- writing STARTTLS and NOOP at once to 127.0.0.1 port ${practicePort}, then QUIT over TLS…`);
    expect(linesAfter(text, (l) => l === head, 1)).toEqual([expect.stringMatching(/^ {3}✓ over TLS the first reply was QUIT's \("221 /)]);
    const entry = page.locator('.reply-log li', { hasText: `STARTTLS injection check of 127.0.0.1 port ${practicePort}` });
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('INJECTION');
  });

  it('tests STARTTLS on every MX host of a domain: the practice server for its own', async () => {
    const page = await pages.open(app().url);
    const practicePort = await formAtPractice(page, REPLY_TIMEOUT_MS);
    await page.keyboard.type('/tls mx practice.test');
    await page.keyboard.press('Enter');
    const head = "-- STARTTLS on each MX host of practice.test, port " + practicePort + ", as sending MTAs meet it, the certificate checked for the host's name:";
    const text = await waitForTerminal(page, (t) => t.includes(head), REPLY_TIMEOUT_MS, 'the check');
    expect(text).toContain(`-- practice.test is the practice server's domain, not in DNS: its one mail server is the practice server, at 127.0.0.1 port ${practicePort}, whose certificate is self-signed (made at each start), as a real MX host's should not be`);
    expect(linesAfter(text, (l) => l === head, 3)).toEqual([
      expect.stringMatching(/^ {3}✗ 0 {2}practice\.test \(127\.0\.0\.1\): STARTTLS, TLSv1\.3 \(\S+\), but: not verified: DEPTH_ZERO_SELF_SIGNED_CERT \(Self-signed certificate\)$/),
      expect.stringMatching(/^ {3}· practice\.test has no MTA-STS policy: senders take TLS where it is offered but deliver anyway/),
      '   ✗ it does not pass: STARTTLS, with a certificate that verifies and names the host',
    ]);
    const entry = page.locator('.reply-log li', { hasText: 'STARTTLS on each MX host of practice.test' });
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('MX TLS');
    expect(await entry.locator('.findings li').count()).toBe(3);
  });
});
