/**
 * The Chromium the browser tests and benchmarks launch (test/helpers/browser.ts): read back from the running
 * browser process's own command line (/proc), it has one `--disable-features` switch carrying both Playwright's list
 * and the tests' own (Chromium honours only the last of a repeated switch); and a new context's window loads no
 * omnibox pop-up beside the page under test (the browser's own list of targets).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';

/** The command lines of this process's children (Chromium's browser process is one). */
function childCommandLines(): string[][] {
  const lines: string[][] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid) lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    } catch {
      // the process ended while being read
    }
  }
  return lines;
}

describe('the Chromium the browser tests launch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("gets one --disable-features switch with Playwright's list and the tests' own", async () => {
    const chromium = childCommandLines().filter((args) => args.includes('--remote-debugging-pipe'));
    expect(chromium).toHaveLength(1);
    const switches = (chromium[0] ?? []).filter((a) => a.startsWith('--disable-features='));
    expect(switches).toHaveLength(1);
    const features = (switches[0] ?? '').slice('--disable-features='.length).split(',');
    expect(features).toEqual(expect.arrayContaining(['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup']));
    // Playwright's own (e.g. PaintHolding, which would hold back the first paint being measured) are kept too.
    expect(features.length).toBeGreaterThan(2);
    expect(features).toContain('PaintHolding');
    // And the browser works: a page in a new context loads.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('data:text/html,<p>ready</p>');
    expect(await page.textContent('p')).toBe('ready');
    await context.close();
  });

  it("opens no omnibox pop-up of its own with a new context's window (a Chromium that renames its features would)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('data:text/html,<p>ready</p>');
    // Without the switch, the pop-up's WebUI pages are listed as browser_ui targets as the window opens.
    await new Promise((r) => setTimeout(r, 1000));
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    const urls = targetInfos.map((t) => `${t.type} ${t.url}`);
    expect(urls).toContain('page data:text/html,<p>ready</p>');
    expect(urls.filter((u) => u.includes('omnibox') || u.startsWith('browser_ui '))).toEqual([]);
    await cdp.detach();
    await context.close();
  });
});
