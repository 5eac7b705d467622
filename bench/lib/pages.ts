/**
 * The pages of the browser benchmarks, each in a fresh browser context (cold cache): heloterm's page served by
 * its bridge, and the bare page served by the bare relay, both pointed at the same responder.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { installProbe, PAINTED_BINDING, type BenchWindow, type ProbeState } from './page-probe.js';
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

/**
 * Opens `url` in a new browser context and resolves once the greeting is painted. The probe reports the paint
 * through a binding: polling with page.waitForFunction would evaluate Playwright's injected utility script in the
 * page while it loads, right on the path being measured (a trace: 19.5 ms of heloterm's main thread, which starts in
 * a new renderer process, and 6.7 ms of the bare page's).
 */
export async function openPage(browser: Browser, url: string): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    let onPainted: (at: number) => void = () => {};
    const painted = new Promise<number>((resolve) => (onPainted = resolve));
    await context.exposeFunction(PAINTED_BINDING, (needle: string, at: number) => {
      if (needle === GREETING_NEEDLE) onPainted(at);
    });
    const page = await context.newPage();
    await page.addInitScript({ content: probeScript([GREETING_NEEDLE]) });
    await page.goto(url, { waitUntil: 'commit' });
    let timer: NodeJS.Timeout | undefined;
    const ttfp = await Promise.race([
      painted,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${url}: greeting not painted within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return { context, page, ttfp, close: () => context.close() };
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
