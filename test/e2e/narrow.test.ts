/**
 * heloterm's own lines on a narrow screen, in Chromium with the practice server: notes, tips, annotations and
 * findings wrapped at spaces to the terminal's width (render.ts wrapOwn), never cut mid-word where a row ends as xterm
 * cuts the server's lines; still read whole (the test hook, the hover), and their codes still explained on any row.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { explainCode } from '../../shared/smtp/explain.js';
import { cellCenter, helotermInChromium, terminalText, waitForTerminal } from '../helpers/browser.js';

const REPLY_TIMEOUT_MS = 10_000;
/** A small phone's screen, upright: narrow enough that a 550's enhanced code goes to its annotation's second row. */
const PHONE = { width: 300, height: 640 } as const;
const DESK = { width: 1366, height: 860 } as const;
const TIP = '-- press Connect, then type SMTP commands and press Enter; point at a reply code to see what it means';

interface Row {
  text: string;
  wrapped: boolean;
  continuesOwn: boolean;
}

const screenRows = (page: Page): Promise<Row[]> =>
  page.evaluate(() => {
    const hook = (window as unknown as { __heloterm: { screenRows?(): Row[] } }).__heloterm;
    if (hook.screenRows === undefined) throw new Error('the app has not set screenRows');
    return hook.screenRows();
  });

const size = (page: Page): Promise<{ cols: number }> => page.evaluate(() => (window as unknown as { __heloterm: { size(): { cols: number } } }).__heloterm.size());

/** The first row of each line on screen, with the rows it takes, as the screen's readers join them. */
function lines(rows: readonly Row[]): { first: string; rows: Row[] }[] {
  const out: { first: string; rows: Row[] }[] = [];
  for (const row of rows) {
    const last = out.at(-1);
    if ((row.wrapped || row.continuesOwn) && last !== undefined) last.rows.push(row);
    else out.push({ first: row.text, rows: [row] });
  }
  return out;
}

/** heloterm's own lines begin with its note mark or with spaces; the server's and the user's never do here. */
const isOwn = (first: string): boolean => first.startsWith('-- ') || first.startsWith('  ');

async function send(page: Page, line: string, wanted: RegExp): Promise<string> {
  const before = (await terminalText(page)).length;
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  return waitForTerminal(page, (t) => wanted.test(t.slice(before)), REPLY_TIMEOUT_MS, `${wanted} after "${line}"`);
}

describe('heloterm on a narrow screen', () => {
  const { pages, app } = helotermInChromium();

  it('wraps its own lines at spaces on a phone, reads them whole, and explains an annotation\'s codes on any of its rows', async () => {
    const domain = app().practice?.info.domain ?? 'practice.test';
    const page = await pages.open(app().url, { viewport: PHONE });
    await page.locator('.practice-hint button[data-lesson]').first().waitFor();
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => /↳ 220 /.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    await page.locator('.xterm-helper-textarea').focus();
    await send(page, 'EHLO phone.example', /↳ 250 /);
    await send(page, 'MAIL FROM:<trainee@example.org>', /↳ 250 /);
    await send(page, `RCPT TO:<nobody@${domain}>`, /↳ 550 .*\[\d+\]/);
    const { cols } = await size(page);
    // "  ↳ 550 Mailbox unavailable · 5.1.1" is 35 columns.
    expect(cols).toBeLessThan(35);

    // Read whole, each line is as written: the boot script's tip, the annotation with its number at the end.
    const text = await terminalText(page);
    expect(text.split('\n')).toContain(TIP);
    const annotation = /^ {2}↳ 550 .* · 5\.1\.1 .* {2}\[\d+\]$/m.exec(text)?.[0] ?? '';
    expect(annotation.length).toBeGreaterThan(cols);

    // On screen: lines of heloterm's own over several rows, each row within the width, none cut by xterm; the
    // server's greeting, longer than a row, is cut where the row ends, as received.
    const shown = lines(await screenRows(page));
    const own = shown.filter((l) => isOwn(l.first));
    expect(own.filter((l) => l.rows.length > 1).length).toBeGreaterThan(3);
    for (const line of own) {
      expect(line.rows.filter((r) => r.wrapped).map((r) => r.text), `cut by xterm: ${line.first}`).toEqual([]);
      for (const row of line.rows) expect(row.text.length, row.text).toBeLessThanOrEqual(cols);
    }
    // Each row after the first of the annotation starts under its text, with a whole word.
    const rowsOf550 = own.find((l) => l.first.startsWith('  ↳ 550'))?.rows ?? [];
    expect(rowsOf550.length).toBeGreaterThan(1);
    const words = annotation.trim().split(/ +/);
    for (const row of rowsOf550.slice(1)) {
      expect(row.text).toMatch(/^ {4}\S/);
      expect(words).toContain(row.text.trim().split(/ +/)[0]);
    }

    // Hovered on the annotation's first row, its code has the reply's own story (found by the number rows below);
    // its enhanced code, on a later row, is explained too.
    const tooltip = page.locator('.heloterm-tooltip');
    const at550 = await cellCenter(page, '↳ 550', 2);
    await page.mouse.move(at550.x, at550.y);
    await expect.poll(() => tooltip.getAttribute('data-key'), { timeout: 5000 }).toBe('550');
    expect(await tooltip.textContent()).toContain(explainCode(550).title);
    expect(await tooltip.locator('.explain.context').textContent()).toContain('Answer to RCPT');
    const enhancedRow = rowsOf550.findIndex((r) => r.text.includes('· 5.1.1'));
    expect(enhancedRow).toBeGreaterThan(0);
    const at511 = await cellCenter(page, '· 5.1.1', 2);
    await page.mouse.move(at511.x, at511.y);
    await expect.poll(() => tooltip.getAttribute('data-key'), { timeout: 5000 }).toBe('5.1.1');

    // Wider, the lines written from then on take the new width; those before keep their breaks.
    await page.mouse.move(1, 1);
    await page.setViewportSize(DESK);
    await expect.poll(async () => (await size(page)).cols, { timeout: 5000 }).toBeGreaterThan(90);
    await send(page, `RCPT TO:<nobody@${domain}>`, /↳ 550 .*\[\d+\]/);
    const wide = lines(await screenRows(page));
    const last550 = wide.filter((l) => l.first.startsWith('  ↳ 550')).at(-1);
    expect(last550?.rows.length).toBe(1);
    expect(pages.errors).toEqual([]);
  });
});
