/**
 * In a real headless Chromium, with the built page under its real Content-Security-Policy:
 * - escape sequences in server replies (OSC 52 clipboard, title changes, DECRQSS, bracketed paste, C1 CSI) are
 *   shown as visible escapes and never act: the title stays, the clipboard is never written, nothing is answered;
 * - the access token is taken from the URL fragment, kept in sessionStorage and removed from the address bar, and
 *   `?host=&port=&connect=1` links keep working alongside it; without it the page says why it cannot connect;
 * - the page works under the CSP (no violation reports; the WebSocket to 'self' connects).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { launchBrowser, terminalText, waitForTerminal } from '../helpers/browser.js';

const BUILT_PAGE = fileURLToPath(new URL('../../dist/client/index.html', import.meta.url));
const TIMEOUT_MS = 10_000;
const PAGE_TITLE = 'heloterm — talk SMTP by hand';
const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** A greeting that tries everything a terminal emulator might obey. */
const HOSTILE_GREETING =
  `220-evil.test ${ESC}]0;PWNED-TITLE${BEL} title via OSC 0\r\n` +
  `220-${ESC}]2;PWNED-TITLE2${ST} title via OSC 2\r\n` +
  `220-${ESC}]52;c;${Buffer.from('pwned-clipboard').toString('base64')}${BEL} clipboard via OSC 52\r\n` +
  `220-${ESC}P$qm${ST} DECRQSS asks for an answer\r\n` +
  `220-${ESC}[?2004h bracketed paste on, ${ESC}[21t title report, ${ESC}[2J clear\r\n` +
  `220 \u009b31m C1 CSI and ${ESC}[31mred${ESC}[0m ready\r\n`;

describe('hostile server output and the token, in Chromium', () => {
  let app: Heloterm;
  let fake: FakeSmtp;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(BUILT_PAGE)) throw new Error(`${BUILT_PAGE} is missing: run \`npx vite build\` first`);
    fake = await startFakeSmtp({ onConnect: [HOSTILE_GREETING], rules: [{ match: /^EHLO/, reply: ['250 ok\r\n'] }] });
    app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], requireToken: true, log: () => undefined });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await fake?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = null;
  });

  async function openPage(pathAndQuery: string): Promise<Page> {
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
    const page = await context.newPage();
    problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    // Record every way the page could write the clipboard or change the title.
    await page.addInitScript(() => {
      const w = window as unknown as { __writes: string[] };
      w.__writes = [];
      const clip = navigator.clipboard;
      if (clip) {
        const write = clip.writeText.bind(clip);
        clip.writeText = (t: string) => {
          w.__writes.push(`clipboard:${t}`);
          return write(t);
        };
      }
      const exec = document.execCommand.bind(document);
      document.execCommand = (cmd: string, ui?: boolean, v?: string) => {
        w.__writes.push(`exec:${cmd}`);
        return exec(cmd, ui, v);
      };
    });
    const response = await page.goto(new URL(pathAndQuery, app.url).toString());
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    return page;
  }

  it('shows escape sequences as ^[ text: no title change, no clipboard write, no answer to the server', async () => {
    const page = await openPage(`/?host=127.0.0.1&port=${fake.port}&connect=1#token=${app.token}`);
    await page.evaluate(() => navigator.clipboard.writeText('sentinel'));
    await waitForTerminal(page, (t) => t.includes('ready'), TIMEOUT_MS, 'the hostile greeting');
    await page.keyboard.type('EHLO me');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('250 ok'), TIMEOUT_MS, 'the EHLO reply');

    const text = await terminalText(page);
    expect(text).toContain('^[]0;PWNED-TITLE^G');
    expect(text).toContain('^[]52;c;');
    expect(text).toContain('^[P$qm^[\\');
    expect(text).toContain('^[[?2004h');
    expect(text).toContain('<U+009B>31m');
    expect(await page.title()).toBe(PAGE_TITLE);
    const writes = await page.evaluate(() => (window as unknown as { __writes: string[] }).__writes);
    expect(writes).toEqual(['clipboard:sentinel']);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('sentinel');
    // Nothing but the typed line reached the server: no DECRQSS or title report was answered.
    const conn = await fake.connection(0);
    expect(conn.lines).toEqual(['EHLO me']);
    expect(conn.received().toString('latin1')).toBe('EHLO me\r\n');
    expect(problems).toEqual([]);
  });

  it('takes the token from the fragment into sessionStorage and out of the address bar, keeping the query', async () => {
    const page = await openPage(`/?host=127.0.0.1&port=${fake.port}#token=${app.token}`);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the page');
    const url = new URL(page.url());
    expect(url.hash).toBe('');
    expect(page.url()).not.toContain('token');
    expect(url.search).toBe(`?host=127.0.0.1&port=${fake.port}`);
    expect(await page.evaluate(() => sessionStorage.getItem('heloterm.token'))).toBe(app.token);
    // Connected under the CSP with the stored token: Connect works, and so does a reload (token from storage).
    await page.reload();
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => t.includes('ready'), TIMEOUT_MS, 'a connection after reload');
    expect(problems).toEqual([]);
  });

  it('explains a refused connection when the token is missing', async () => {
    const page = await openPage('/');
    const text = await waitForTerminal(page, (t) => t.includes('refused the connection'), TIMEOUT_MS, 'the refusal note');
    expect(text).toContain('#token=');
    // The browser logs the failed WebSocket handshake itself; that is the only complaint.
    expect(problems.every((p) => /WebSocket/.test(p))).toBe(true);
  });
});
