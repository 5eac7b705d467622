/**
 * The pages checked with axe-core (the rules of WCAG 2.1 A and AA it can test) in Chromium, as a user sees them:
 * the terminal's page during a dialog, dark and light, with the instructor's call to a lesson and a note above it,
 * and the instructor's class view with a trainee in it asking for help, a lesson asked for and a note said. The terminal's rows are DOM
 * text: their colours, the dim notes and annotations among them, are checked too.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { helotermInChromium, waitForTerminal } from '../helpers/browser.js';

const REPLY_TIMEOUT_MS = 10_000;
const KEY = 'class-key-for-the-axe-tests-0123';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: string[];
}

/** axe's violations on the page as it is (evaluated through the debugging protocol: the page's CSP does not apply). */
async function violations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '')) })))`);
}

/** A dialog begun in a lesson, so that replies, annotations, notes, the lesson bar and the reply log are all there. */
async function dialog(page: Page): Promise<void> {
  await waitForTerminal(page, (t) => t.includes('press Connect'), REPLY_TIMEOUT_MS, 'the page');
  await page.locator('button[data-lesson="refused-recipient"]').click();
  await waitForTerminal(page, (t) => /↳ 220/.test(t), REPLY_TIMEOUT_MS, 'the greeting');
  await page.locator('.xterm-helper-textarea').focus();
  for (const line of ['EHLO trainee', 'MAIL FROM:<trainee@example.org>', 'RCPT TO:<nobody@practice.test>']) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await waitForTerminal(page, (t) => /↳ 550/.test(t), REPLY_TIMEOUT_MS, 'the refusal');
}

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  const { pages, app } = helotermInChromium(() => ({ classKey: KEY }));

  it('finds nothing on the terminal\'s page during a dialog, dark or light, with the instructor\'s call and note above it, and in Paste & explain', async () => {
    // Asked before the pages open: each is told after its hello.
    const asked = await fetch(new URL('class/call', app().url), { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"lesson":"starttls"}' });
    expect(asked.status).toBe(200);
    const said = await fetch(new URL('class/say', app().url), { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"text":"Stop after DATA and wait for me"}' });
    expect(said.status).toBe(200);
    for (const theme of ['dark', 'light']) {
      const page = await pages.open(`${app().url}?theme=${theme}`);
      await dialog(page);
      expect(await page.locator('.class-call').isVisible()).toBe(true);
      expect(await page.locator('.class-say').isVisible()).toBe(true);
      expect(await violations(page), theme).toEqual([]);
      // Paste & explain, open, with a file it could not read: its controls and the reason in red.
      await page.click('.reply-log button[data-action="replay"]');
      await page.setInputFiles('.replay-dialog input[type=file]', { name: 'r.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04 cut short') });
      await page.locator('.replay-status.bad').waitFor({ timeout: REPLY_TIMEOUT_MS });
      expect(await violations(page), `${theme}, Paste & explain`).toEqual([]);
      await page.keyboard.press('Escape');
    }
  });

  it('finds nothing on the class view with a trainee in it, asking for help with the lines of its dialog', async () => {
    const trainee = await pages.open(app().url);
    await dialog(trainee);
    // Asking for help: the row has its Lower hand button.
    await trainee.keyboard.type('/hand');
    await trainee.keyboard.press('Enter');
    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    await view.locator('#class-table tbody tr .hand button').first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    // And the lines of the dialog its page shares meanwhile, under its row.
    await view.locator('#class-table tr.shared-lines pre').waitFor({ timeout: REPLY_TIMEOUT_MS });
    await view.getByRole('button', { name: 'Ask the class' }).click();
    await expect.poll(() => view.locator('#class-call-now').textContent(), { timeout: REPLY_TIMEOUT_MS }).toMatch(/^Asked just now/);
    await view.locator('#class-say-text').fill('Lesson 4 now, please');
    await view.getByRole('button', { name: 'Say', exact: true }).click();
    await expect.poll(() => view.locator('#class-say-now').textContent(), { timeout: REPLY_TIMEOUT_MS }).toMatch(/^Said /);
    expect(await violations(view)).toEqual([]);
  });
});
