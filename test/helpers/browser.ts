/**
 * A real headless Chromium for the end-to-end tests, plus the polling helpers browser tests need (xterm paints
 * its DOM rows about one animation frame after its buffer changes).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { HelotermTestHook } from '../../client/test-hook.js';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';

/** Debian's chromium package puts the browser here; override with CHROMIUM_PATH. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Starts Chromium with every `--disable-features` switch merged into one (Chromium keeps only the last). */
const MERGING_LAUNCHER = fileURLToPath(new URL('./chromium.sh', import.meta.url));
/** How often poll() retries, in ms. */
const POLL_INTERVAL_MS = 50;

const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--disable-sync',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // Headless Chromium is the whole browser now (the old headless mode ships apart, as chrome-headless-shell). In
  // Debian's 156 each new browser context opens a window whose omnibox pop-up, a WebUI page of some hundred modules,
  // loads in a renderer of its own, on the same two cores as the page under test and in the same milliseconds (a
  // trace: the bare benchmark page's first prompt 430 -> 230 ms without it). A person's window is open long before
  // they load a page; the tests and benchmarks have no use for the pop-up. (Merged with Playwright's: chromium.sh.)
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

/**
 * Launches headless Chromium (`extraArgs`: more switches, e.g. a host name mapped to loopback). Throws (never skips)
 * when it is not installed.
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}; install Debian's chromium or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: MERGING_LAUNCHER,
    env: { ...process.env, HELOTERM_CHROMIUM: executablePath },
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * Calls `fn` until it returns a value other than undefined/false, or throws after `timeoutMs` with the last
 * error (or a message naming what was awaited).
 */
export async function poll<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}

/** Pastes text into the terminal as a browser does (a paste event on xterm's textarea). */
export async function paste(page: Page, text: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** The xterm buffer as text (through the page's test hook, client/test-hook.ts). */
export async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const hook = (window as unknown as { __heloterm?: HelotermTestHook }).__heloterm;
    if (hook === undefined) throw new Error('page has no __heloterm test hook');
    return hook.terminalText();
  });
}

/** Waits until the terminal text satisfies `predicate`; returns the text. */
export async function waitForTerminal(page: Page, predicate: (text: string) => boolean, timeoutMs: number, what: string): Promise<string> {
  let last = '';
  try {
    return await poll(async () => {
      last = await terminalText(page);
      return predicate(last) ? last : undefined;
    }, timeoutMs, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- terminal ---\n${last}`);
  }
}

/** The page coordinates of the middle of the cell where `needle` last appears on the terminal screen. */
export async function cellCenter(page: Page, needle: string, offsetChars = 0): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((n) => {
    const hook = (window as unknown as { __heloterm?: HelotermTestHook }).__heloterm;
    if (hook === undefined) throw new Error('page has no __heloterm test hook');
    return { cell: hook.locate(n), size: hook.size() };
  }, needle);
  if (at.cell === null) throw new Error(`"${needle}" is not on the terminal screen`);
  const box = await page.locator('.xterm-screen').boundingBox();
  if (box === null) throw new Error('no .xterm-screen');
  const cellW = box.width / at.size.cols;
  const cellH = box.height / at.size.rows;
  return { x: box.x + (at.cell.col + offsetChars + 0.5) * cellW, y: box.y + (at.cell.row + 0.5) * cellH };
}

/** The terminal cursor: 0-based column and viewport row. */
export async function terminalCursor(page: Page): Promise<{ col: number; row: number }> {
  return page.evaluate(() => {
    const hook = (window as unknown as { __heloterm?: HelotermTestHook }).__heloterm;
    if (hook === undefined) throw new Error('page has no __heloterm test hook');
    return hook.cursor();
  });
}

/** The viewport cell where `needle` last appears on the terminal screen. */
export async function locateText(page: Page, needle: string): Promise<{ col: number; row: number } | null> {
  return page.evaluate((n) => {
    const hook = (window as unknown as { __heloterm?: HelotermTestHook }).__heloterm;
    if (hook === undefined) throw new Error('page has no __heloterm test hook');
    return hook.locate(n);
  }, needle);
}

/** The page `vite build` writes, which the browser tests load through the bridge. */
const BUILT_PAGE = fileURLToPath(new URL('../../dist/client/index.html', import.meta.url));

/** Throws, naming the fix, when the client has not been built (npm test builds it before vitest runs). */
/**
 * A page just opened, once its connect form points at the practice server (the app sets it once the bridge has said
 * where it is; the boot script shows 25), with the terminal focused: the practice server's port.
 */
export async function formAtPractice(page: Page, timeoutMs: number): Promise<number> {
  await waitForTerminal(page, (t) => t.includes('press Connect'), timeoutMs, 'the page');
  await expect.poll(() => page.locator('input[name="port"]').inputValue(), { timeout: timeoutMs }).not.toBe('25');
  const port = Number(await page.locator('input[name="port"]').inputValue());
  await page.locator('.xterm-helper-textarea').focus();
  return port;
}

/**
 * The `count` terminal lines (trailing blanks trimmed) after the first line that `heading` matches; fails the test,
 * showing the terminal, when no line does.
 */
export function linesAfter(text: string, heading: (line: string) => boolean, count: number): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const at = lines.findIndex(heading);
  if (at === -1) throw new Error(`no such line in the terminal:\n${text}`);
  return lines.slice(at + 1, at + 1 + count);
}

export function assertClientBuilt(): void {
  if (!existsSync(BUILT_PAGE)) throw new Error(`${BUILT_PAGE} is missing: run \`npx vite build\` first`);
}

/**
 * The page's app chunk (line editor, reply log, explanations) held back until `release`: what the boot script does
 * alone, then what the app makes of it. `prepare` goes in OpenOptions.
 */
export function holdAppChunk(): { prepare: (page: Page) => Promise<unknown>; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const prepare = (page: Page): Promise<unknown> =>
    page.route(/\/assets\/app-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
  return { prepare, release: () => release() };
}

/**
 * Holds the page's WebSocket to the bridge in its opening state (Playwright's routeWebSocket stands in the page's
 * WebSocket) until `release`, which dials the real bridge and relays every frame both ways. `prepare` goes in
 * OpenOptions.
 */
export function holdWebSocket(): { prepare: (page: Page) => Promise<unknown>; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const prepare = (page: Page): Promise<unknown> =>
    page.routeWebSocket(/\/ws(\?|$)/, async (ws) => {
      await held;
      ws.connectToServer();
    });
  return { prepare, release: () => release() };
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** A phone: a touch screen (a coarse pointer) and a mobile viewport. */
  touch?: boolean;
  /** Runs before the page navigates: routes, permissions. */
  prepare?: (page: Page) => Promise<unknown>;
  /** Keep the pages opened before open too (a trainee's page beside the class view): each still its own context. */
  alongside?: boolean;
}

/**
 * The pages of one describe block: one Chromium for all its tests, a context of its own (cold cache, own storage)
 * for each page, and the pages' errors and console errors collected, for each test to assert there were none.
 */
export class BrowserPages {
  errors: string[] = [];
  private browser: Browser | null = null;
  private contexts: BrowserContext[] = [];

  async launch(extraArgs: readonly string[] = []): Promise<void> {
    this.browser = await launchBrowser(extraArgs);
  }

  /** A new page at `url`, in a new context (the previous page's is closed). */
  async open(url: string, opts: OpenOptions = {}): Promise<Page> {
    if (this.browser === null) throw new Error('BrowserPages: launch() first');
    if (opts.alongside !== true) await this.closePage();
    const touch = opts.touch === true ? { hasTouch: true, isMobile: true } : {};
    const context = await this.browser.newContext({ viewport: opts.viewport ?? { width: 1366, height: 860 }, ...touch });
    this.contexts.push(context);
    const page = await context.newPage();
    if (opts.alongside !== true) this.errors = [];
    page.on('pageerror', (err) => this.errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    await opts.prepare?.(page);
    await page.goto(url);
    return page;
  }

  async closePage(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close();
  }

  async close(): Promise<void> {
    await this.closePage();
    await this.browser?.close();
    this.browser = null;
  }
}

/**
 * The hooks of a suite that drives heloterm in Chromium; call it inside describe(). One heloterm (started with
 * what `options` gives, after the suite's earlier beforeAll hooks) and one Chromium for the suite, a context of its
 * own for each page, and after each test: no page errors.
 */
export function helotermInChromium(
  options: () => HelotermOptions | Promise<HelotermOptions> = () => ({}),
  browserArgs: readonly string[] = [],
): {
  pages: BrowserPages;
  app: () => Heloterm;
} {
  let app: Heloterm | null = null;
  const pages = new BrowserPages();
  beforeAll(async () => {
    assertClientBuilt();
    app = await startHeloterm({ port: 0, log: () => {}, ...(await options()) });
    await pages.launch(browserArgs);
  });
  afterAll(async () => {
    await pages.close();
    await app?.close();
  });
  afterEach(async () => {
    expect(pages.errors).toEqual([]);
    await pages.closePage();
  });
  return {
    pages,
    app: () => {
      if (app === null) throw new Error('heloterm is not started yet');
      return app;
    },
  };
}
