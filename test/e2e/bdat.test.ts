/**
 * BDAT by hand in a real headless Chromium (RFC 3030 §2), against a server on loopback that reads each chunk by its
 * octet count (test/helpers/chunking-smtp.ts): the coach counts the chunk's octets as they are typed, says when it is
 * complete, and the last chunk's answer is explained as the message's, with its queue id.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { launchBrowser, terminalText, waitForTerminal } from '../helpers/browser.js';
import { startChunkingSmtp, type ChunkingSmtp } from '../helpers/chunking-smtp.js';

const REPLY_TIMEOUT_MS = 10_000;

describe('BDAT in Chromium', () => {
  let server: ChunkingSmtp;
  let app: Heloterm;
  let browser: Browser;

  beforeAll(async () => {
    server = await startChunkingSmtp();
    app = await startHeloterm({ port: 0, practice: false, allowedPorts: [server.port], log: () => {} });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
  });

  it('counts a chunk\'s octets as it is typed, and explains the last chunk\'s answer as the message\'s', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}?host=127.0.0.1&port=${server.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), REPLY_TIMEOUT_MS, 'the greeting');
    const type = async (line: string): Promise<void> => {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    };
    for (const line of ['EHLO client.example.org', 'MAIL FROM:<trainee@example.org>', 'RCPT TO:<alice@example.org>']) {
      await type(line);
      await page.waitForTimeout(100);
    }
    await waitForTerminal(page, (t) => (t.match(/↳ 250 /g) ?? []).length === 3, REPLY_TIMEOUT_MS, 'three 250s');
    // "Subject: by hand" + CRLF = 18, CRLF = 2, "." + CRLF = 3: 23 octets.
    for (const line of ['BDAT 23 LAST', 'Subject: by hand', '', '.']) await type(line);
    const text = await waitForTerminal(page, (t) => t.includes('Ok: queued as'), REPLY_TIMEOUT_MS, 'the last chunk\'s answer');
    expect(text).toContain('BDAT chunk: 18 of 23 octets sent, 5 to go');
    expect(text).toContain('That completes the chunk of 23 octets: the server answers BDAT now, for the whole message.');
    // A lone "." in a chunk is text: no dot-stuffing hint, and it reached the server inside the chunk.
    expect(text).not.toContain('dot-stuffing');
    expect(server.received.at(-1)).toEqual({ chunk: 'Subject: by hand\r\n\r\n.\r\n' });
    const entry = page.locator('.reply-log li', { hasText: 'Ok: queued as' });
    await expect.poll(() => entry.textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('The message is accepted (its last chunk arrived)');
    expect(await entry.textContent()).toContain('the last chunk of the message (BDAT … LAST)');
    expect(await terminalText(page)).toMatch(/# queue id 4FzK7\dZQ3Vz9b/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
