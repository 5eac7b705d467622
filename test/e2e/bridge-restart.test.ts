/**
 * The bridge restarted under an open page (an instructor restarting heloterm, a laptop waking, a proxy's idle
 * timeout): the page reaches it again by itself (quietly, with growing gaps), or when Connect is pressed, so the
 * terminal, the reply log and the transcript are kept, and a form that pointed at the practice server follows it to
 * its new port; the SMTP connection is dialled again only on Connect. Real bridges, real Chromium.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { launchBrowser, terminalText, waitForTerminal } from '../helpers/browser.js';

const REPLY_TIMEOUT_MS = 10_000;

describe('a bridge that went away and came back', () => {
  let browser: Browser;
  let app: Heloterm | null = null;
  /** Each test's page, closed after it: a page left open keeps trying to reach its bridge's address. */
  let context: BrowserContext | null = null;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await context?.close();
    context = null;
    await app?.close();
    app = null;
  });
  afterAll(async () => {
    await browser?.close();
  });

  const greetings = (t: string): number => t.split(`${ANNOTATION_MARK} 220 `).length - 1;

  async function connectedPage(): Promise<{ page: Page; port: number; errors: string[] }> {
    app = await startHeloterm({ port: 0, log: () => {} });
    context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}?connect=1`);
    await waitForTerminal(page, (t) => greetings(t) === 1, REPLY_TIMEOUT_MS, 'the greeting');
    await page.keyboard.type('EHLO before.example');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `), REPLY_TIMEOUT_MS, 'the EHLO reply');
    return { page, port: app.port, errors };
  }

  it('reaches the bridge again on Connect, keeping the terminal and the reply log, and dials the practice server at its new port', async () => {
    const { page, port, errors } = await connectedPage();
    const oldPractice = app!.practice!.info.port;
    await app!.close();
    await expect.poll(() => page.locator('.status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('Press Connect to reach it again');
    // A line typed meanwhile is not lost: said not sent, and kept for Up.
    await page.keyboard.type('NOOP while away');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('not connected: press Connect first'), REPLY_TIMEOUT_MS, 'the line refused');
    // The same bridge address, started again: its practice server listens on another port.
    app = await startHeloterm({ port, log: () => {} });
    expect(app.practice!.info.port).not.toBe(oldPractice);
    await page.click('button[data-action="connect"]');
    const text = await waitForTerminal(page, (t) => greetings(t) === 2, REPLY_TIMEOUT_MS, 'the second greeting');
    // Reached by Connect, or by itself just before (it tries again one second after the loss).
    expect(text.includes('reaching the heloterm bridge again…') || text.includes('the heloterm bridge answers again')).toBe(true);
    expect(text).toContain('EHLO before.example'); // the terminal kept what came before
    expect(await page.inputValue('input[name="port"]')).toBe(String(app.practice!.info.port));
    await expect.poll(() => page.locator('.status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('Connected to');
    // The reply log kept the first connection's replies and added the new greeting.
    const greetingEntries = page.locator('.reply-log li', { hasText: '220 practice.test ESMTP' });
    await expect.poll(() => greetingEntries.count(), { timeout: REPLY_TIMEOUT_MS }).toBe(2);
    expect(await page.locator('.reply-log li', { hasText: 'Answer to EHLO' }).count()).toBe(1);
    // Up brings back the line typed while away, and now it is sent.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('NOOP while away\n250 '), REPLY_TIMEOUT_MS, 'the NOOP answered');
    expect(errors).toEqual([]);
  });

  it('reaches a restarted bridge by itself, without dialling anything: lookups work again, Connect dials', async () => {
    const { page, port, errors } = await connectedPage();
    await app!.close();
    await expect.poll(() => page.locator('.status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('Lost contact');
    // Down for a few tries (1, 2 s…): each fails quietly.
    await new Promise((r) => setTimeout(r, 3500));
    app = await startHeloterm({ port, log: () => {} });
    const text = await waitForTerminal(page, (t) => t.includes('the heloterm bridge answers again'), 20_000, 'the bridge reached by itself');
    expect(text.split('lost contact with the heloterm bridge').length - 1).toBe(1);
    expect(text).not.toContain('still out of reach');
    expect(await page.locator('.status').textContent()).toContain('Not connected');
    expect(app.sessions().total).toBe(1);
    expect(greetings(text)).toBe(1); // nothing dialled
    expect(await page.inputValue('input[name="port"]')).toBe(String(app.practice!.info.port));
    // A lookup goes to the bridge and is answered (whatever this machine's DNS says of 127.0.0.1); Connect dials.
    await page.keyboard.type('/rdns 127.0.0.1');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('-- reverse DNS of 127.0.0.1 (RFC 1912 §2.1):'), REPLY_TIMEOUT_MS, 'the lookup answered');
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => greetings(t) === 2, REPLY_TIMEOUT_MS, 'the second greeting');
    // The transcript says when the bridge was reached again, once, between the two connections.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: REPLY_TIMEOUT_MS }), page.click('.reply-log button[data-action="save"]')]);
    const notes = (await readFile(await download.path(), 'utf8')).split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, '')).filter((l) => l.startsWith('# '));
    const at = notes.indexOf('# reached the heloterm bridge again');
    expect(notes.filter((l) => l === '# reached the heloterm bridge again')).toHaveLength(1);
    expect(notes.slice(0, at).some((l) => l.startsWith('# connected to'))).toBe(true);
    expect(notes.slice(at).some((l) => l.startsWith('# connected to'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it("waits for a restarted bridge's hello when Connect is pressed as its WebSocket opens, then dials the new port", async () => {
    const { page, port, errors } = await connectedPage();
    // The page's WebSockets from now on go through this route, which holds what the bridge says until released: the
    // moment between a WebSocket opening and its hello, when the form still holds the old practice port.
    let opened = 0;
    let release = (): void => undefined;
    await page.routeWebSocket(/.*/, (ws) => {
      opened++;
      const server = ws.connectToServer();
      let held: (string | Buffer)[] | null = [];
      release = () => {
        for (const m of held ?? []) ws.send(m);
        held = null;
      };
      server.onMessage((m) => (held === null ? ws.send(m) : held.push(m)));
      ws.onMessage((m) => server.send(m));
    });
    await app!.close();
    await expect.poll(() => page.locator('.status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('Lost contact');
    app = await startHeloterm({ port, log: () => {} });
    // The page's own quiet try opens a WebSocket; its hello is held.
    await expect.poll(() => opened, { timeout: REPLY_TIMEOUT_MS }).toBe(1);
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => t.includes('reaching the heloterm bridge again…'), REPLY_TIMEOUT_MS, 'the target kept');
    release();
    const text = await waitForTerminal(page, (t) => greetings(t) === 2, REPLY_TIMEOUT_MS, 'the second greeting');
    expect(text).not.toContain('is not allowed by this bridge');
    expect(await page.inputValue('input[name="port"]')).toBe(String(app.practice!.info.port));
    expect(errors).toEqual([]);
  });

  it('says so when the bridge is still out of reach, and lets Connect try again', async () => {
    const { page, errors } = await connectedPage();
    await app!.close();
    app = null;
    await expect.poll(() => page.locator('.status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toContain('Lost contact');
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => t.includes('the heloterm bridge is still out of reach: is it running? Press Connect to try again'), REPLY_TIMEOUT_MS, 'still out of reach');
    expect(await page.locator('button[data-action="connect"]').isEnabled()).toBe(true);
    expect(await terminalText(page)).toContain('EHLO before.example');
    expect(errors).toEqual([]);
  });

  it('tells a bridge reached again where the page is in the lessons, and its name, for the class view', async () => {
    const key = 'class-key-for-the-restart-test-0';
    app = await startHeloterm({ port: 0, log: () => {}, classKey: key });
    const port = app.port;
    context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), REPLY_TIMEOUT_MS, 'the page');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('/name Alice Martin');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('class view now shows this page as Alice Martin'), REPLY_TIMEOUT_MS, '/name');
    const names = async (): Promise<string[]> => {
      const res = await fetch(new URL('class/sessions', app!.url), { headers: { authorization: `Bearer ${key}` } });
      return ((await res.json()) as { trainees: { name: string }[] }).trainees.map((t) => t.name);
    };
    await expect.poll(names, { timeout: REPLY_TIMEOUT_MS }).toEqual(['Alice Martin']);
    await app.close();
    // The same address and key, started again: the page reaches it by itself, and says who it is at once.
    app = await startHeloterm({ port, log: () => {}, classKey: key });
    await waitForTerminal(page, (t) => t.includes('the heloterm bridge answers again'), REPLY_TIMEOUT_MS, 'the bridge reached again');
    await expect.poll(names, { timeout: REPLY_TIMEOUT_MS }).toEqual(['Alice Martin']);
  });
});
