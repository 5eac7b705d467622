/**
 * The pages of the browser benchmarks, each in a fresh browser context (cold cache): heloterm's page served by
 * its bridge, and the bare page served by the bare relay, both pointed at the same responder.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { installProbe, type BenchWindow, type ProbeState } from './page-probe.js';
import { GREETING } from './responder.js';

/** What marks the greeting on screen (the responder's 220 text, not the code heloterm colours apart). */
export const GREETING_NEEDLE = GREETING.slice(4, 19);
export const VIEWPORT = { width: 1280, height: 800 } as const;
const LOAD_TIMEOUT_MS = 15_000;

/**
 * The probe as page script text. tsx (esbuild) may wrap functions and classes in a `__name(...)` helper that only
 * exists in Node, so the page gets a stand-in for it.
 */
function probeScript(needles: string[]): string {
  return `var __name = (f) => f; (${installProbe.toString()})(${JSON.stringify(needles)});`;
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** ms from navigation start to the greeting painted */
  ttfp: number;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, url: string): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: probeScript([GREETING_NEEDLE]) });
    await page.goto(url, { waitUntil: 'commit' });
    const ttfp = await page.waitForFunction(
      (needle) => (window as unknown as BenchWindow).__bench.state.painted[needle],
      GREETING_NEEDLE,
      { timeout: LOAD_TIMEOUT_MS, polling: 20 },
    );
    const value = Number(await ttfp.jsonValue());
    return { context, page, ttfp: value, close: () => context.close() };
  } catch (err) {
    await context.close();
    throw err;
  }
}

export async function probeState(page: Page): Promise<ProbeState> {
  return page.evaluate(() => (window as unknown as BenchWindow).__bench.state);
}

/** Navigation timing of the page, ms since navigation start. */
export async function navTiming(page: Page): Promise<{ responseEnd: number; domContentLoaded: number }> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (!(nav instanceof PerformanceNavigationTiming)) return { responseEnd: Number.NaN, domContentLoaded: Number.NaN };
    return { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
  });
}
