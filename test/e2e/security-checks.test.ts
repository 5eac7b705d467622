/**
 * An admin's security checks of a server in a real headless Chromium against the real bridge: `/smuggling` against
 * the practice server, which ends a message only at CRLF.CRLF, and a server that reads lines as Postfix did before its
 * fix of December 2023 (open to SMTP smuggling), what each sequence did; and `/tls injection` against the practice
 * server, which drops what came before TLS; each in the terminal and the reply log.
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
});
