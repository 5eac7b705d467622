/**
 * Finding a domain's mail servers in a real headless Chromium, against the real bridge asking a scripted DNS server
 * on loopback: "Find MX" beside Host lists the MX records in the terminal and the reply log and points the form at
 * the first server; an address is refused in the form; /mx practice.test points at the practice server, and
 * Connect then reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helotermInChromium, linesAfter, terminalText, waitForTerminal } from '../helpers/browser.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';

const TIMEOUT_MS = 10_000;

describe('MX lookups in Chromium', () => {
  let dns: FakeDns;
  beforeAll(async () => {
    dns = await startFakeDns({
      'example.org': { MX: [[20, 'mx2.example.org'], [10, 'mx1.example.org'], [30, 'old.example.net']] },
      'mx1.example.org': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
      'mx2.example.org': { A: ['192.0.2.20'] },
      'old.example.net': {},
    });
  });
  afterAll(() => dns?.close());
  const { pages, app } = helotermInChromium(() => ({ dnsServers: [dns.server] }));

  it('"Find MX" lists the mail servers of the domain in Host and points the form at the first', async () => {
    const page = await pages.open(app().url);
    const host = page.locator('input[name="host"]');
    const findMx = page.locator('button[data-action="mx"]');
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    // An address is not a domain: the form says so and nothing is looked up.
    await host.fill('192.0.2.1');
    await findMx.click();
    expect(await host.evaluate((el: HTMLInputElement) => el.validationMessage)).toBe('Enter a domain name (example.org) to find its mail servers.');
    expect(await terminalText(page)).not.toContain('looking up');
    expect(dns.questions).toEqual([]);

    await host.fill('Example.ORG');
    await findMx.click();
    const text = await waitForTerminal(page, (t) => t.includes('the connect form now points at'), TIMEOUT_MS, 'the MX answer');
    const lines = linesAfter(text, (l) => l === '-- MX records of example.org, tried lowest preference first (RFC 5321 §5.1):', 4);
    expect(lines).toEqual([
      '   ✓ 10  mx1.example.org  192.0.2.10, 2001:db8::10',
      '   ✓ 20  mx2.example.org  192.0.2.20',
      '   ✗ 30  old.example.net  has no address (no A or AAAA record): senders skip it',
      '-- the connect form now points at mx1.example.org port 25: press Connect',
    ]);
    expect(await host.inputValue()).toBe('mx1.example.org');
    expect(await page.inputValue('input[name="port"]')).toBe('25');
    const entry = page.locator('.reply-log li.mx');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.locator('.findings li').allTextContents()).toEqual(lines.slice(0, 3).map((l) => l.trim()));
  });

  it('/mx practice.test points at the practice server, and Connect reaches it', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await page.fill('input[name="host"]', 'mail.example.org');
    await page.click('#terminal');
    await page.keyboard.type('/mx practice.test');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes("practice.test is the practice server's domain"), TIMEOUT_MS, 'the answer');
    const practice = app().practice?.info;
    expect(await page.inputValue('input[name="host"]')).toBe(practice?.host);
    expect(await page.inputValue('input[name="port"]')).toBe(String(practice?.port));
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => /^220 practice\.test /m.test(t), TIMEOUT_MS, 'the greeting');
  });
});
