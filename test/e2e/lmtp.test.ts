/**
 * LMTP by hand in a real headless Chromium (RFC 2033), against a byte-exact scripted server that answers as
 * Dovecot's LMTP service does: EHLO refused (the coach says LHLO), LHLO with its extensions, and one reply to the
 * final "." per accepted recipient, each explained as that recipient's delivery.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { launchBrowser, waitForTerminal } from '../helpers/browser.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';

const REPLY_TIMEOUT_MS = 10_000;

describe('LMTP in Chromium', () => {
  let lmtp: FakeSmtp;
  let app: Heloterm;
  let browser: Browser;

  beforeAll(async () => {
    lmtp = await startFakeSmtp({
      onConnect: ['220 lmtp.example.org Dovecot ready.\r\n'],
      rules: [
        { match: /^EHLO /i, reply: ['500 5.5.1 Unknown command\r\n'] },
        { match: /^LHLO /i, reply: ['250-lmtp.example.org\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n'] },
        { match: /^MAIL FROM:/i, reply: ['250 2.1.0 OK\r\n'] },
        { match: /^RCPT TO:/i, reply: ['250 2.1.5 OK\r\n'] },
        { match: /^DATA$/i, reply: ['354 OK\r\n'] },
        { match: /^\.$/, reply: ['250 2.0.0 <alice@example.org> mAGVLfDCKWG3VgAAVAlmeQ Saved\r\n452 4.2.2 <bob@example.org> Quota exceeded (mailbox for user is full)\r\n'] },
        { match: /^QUIT$/i, reply: ['221 2.0.0 Bye\r\n', 'close'] },
      ],
    });
    app = await startHeloterm({ port: 0, practice: false, allowedPorts: [lmtp.port], log: () => {} });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await lmtp?.close();
  });

  it('says LHLO when EHLO is refused, and explains each recipient\'s answer to the final "."', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}?host=127.0.0.1&port=${lmtp.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), REPLY_TIMEOUT_MS, 'the greeting');
    const type = async (line: string): Promise<void> => {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    };
    await type('EHLO client.example.org');
    await waitForTerminal(page, (t) => t.includes('say LHLO instead; LMTP refuses EHLO and HELO'), REPLY_TIMEOUT_MS, 'the LHLO hint');
    for (const line of ['LHLO client.example.org', 'MAIL FROM:<trainee@example.org>', 'RCPT TO:<alice@example.org>', 'RCPT TO:<bob@example.org>', 'DATA']) await type(line);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 354 `), REPLY_TIMEOUT_MS, 'the 354');
    for (const line of ['Subject: LMTP by hand', '', 'Hello.', '.']) await type(line);
    const text = await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 452 `), REPLY_TIMEOUT_MS, 'the second answer');
    expect(text).toContain('LMTP: 1 more reply follows, one for each recipient, in the order of your RCPT TO lines.');
    // Dovecot's answer names the session that stored the message: how to find it in its log.
    expect(text).toContain('# queue id mAGVLfDCKWG3VgAAVAlmeQ (Dovecot LMTP): stored in the mailbox');
    // The reply log says whose delivery each answer is.
    const entries = page.locator('.reply-log li', { hasText: 'LMTP\'s answer for' });
    await expect.poll(() => entries.count(), { timeout: REPLY_TIMEOUT_MS }).toBe(2);
    expect(await entries.nth(0).textContent()).toContain('LMTP\'s answer for alice@example.org, 1 of 2: delivered.');
    expect(await entries.nth(1).textContent()).toContain('LMTP\'s answer for bob@example.org, 2 of 2: not delivered this time (retry later).');
    // QUIT gets its own reply, not taken for a third answer.
    await type('QUIT');
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 221 `), REPLY_TIMEOUT_MS, 'the 221');
    expect((await lmtp.connection(0)).lines).toContain('LHLO client.example.org');
    await context.close();
  });
});
