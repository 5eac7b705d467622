/**
 * End to end in Chromium against a scripted server that answers like real ones do: Postfix's postgrey greylisting
 * and a Spamhaus blocklist rejection. The user must see the likely cause and what to do, on hover and in the reply
 * log; the EHLO keywords explain themselves on hover; Tab completes commands; the coach explains a refused DATA.
 * Expected texts come from the shared knowledge base (the same rules the page uses), never typed in here.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { explainEhloLine } from '../../shared/smtp/ehlo.js';
import { explainEnhanced } from '../../shared/smtp/explain.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { FLOOD_MARK } from '../../client/terminal/render-replies.js';
import { FLOOD_BURST_REPLIES } from '../../client/terminal/flood.js';
import { FLOOD_LOG_ENTRIES, MAX_LOG_ENTRIES } from '../../client/ui/reply-log.js';
import { matchVendorRules } from '../../shared/smtp/vendor-match.js';
import { cellCenter, launchBrowser, locateText, paste, waitForTerminal } from '../helpers/browser.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
const REPLY_TIMEOUT_MS = 10_000;
/** Replies the scripted server sends at once to XFLOOD: far more than anyone reads. */
const FLOOD_OK = 1500;
const FLOOD_FAIL = 500;
/** Replies the scripted server sends at once to XBIGFLOOD: many times what the scrollback holds. */
const BIG_FLOOD = 60_000;
/** Replies the scripted server sends at once to XSMALLFLOOD: more than the reply log builds while replies come. */
const SMALL_FLOOD = 120;
/** Every printable ASCII character but the space. */
const PRINTABLE = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
/** The text of the reply to a NOOP typed while a flood is still being counted. */
const AFTER_FLOOD = 'Ok, typed during the flood';

// Reply texts as Postfix with postgrey and a Spamhaus DNSBL publish them (postgrey's README; Postfix
// reject_rbl_client with zen.spamhaus.org).
const GREYLISTED = '<grey@fake.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/fake.example.html';
const BLOCKLISTED = 'Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1';

describe('real-world replies explained in Chromium', () => {
  let fake: FakeSmtp;
  let app: Heloterm;
  let browser: Browser;

  beforeAll(async () => {
    fake = await startFakeSmtp({
      onConnect: ['220 mx.fake.example ESMTP Postfix\r\n'],
      rules: [
        // As Exim writes it: the client's name, and the address the server sees it at (here a public one).
        { match: /^EHLO /i, reply: ['250-mx.fake.example Hello client.example [203.0.113.5]\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n'] },
        { match: /^MAIL FROM:/i, reply: ['250 2.1.0 Ok\r\n'] },
        { match: /^RCPT TO:<grey@/i, reply: [`450 4.2.0 ${GREYLISTED}\r\n`] },
        { match: /^RCPT TO:<block@/i, reply: [`554 5.7.1 ${BLOCKLISTED}\r\n`] },
        { match: /^DATA$/i, reply: ['554 5.5.1 Error: no valid recipients\r\n'] },
        // A slip of the keyboard, and message text typed with DATA refused: Postfix's words (smtpd.c).
        { match: /^RCTP /i, reply: ['500 5.5.2 Error: command not recognized\r\n'] },
        { match: /^Subject:/i, reply: ['221 2.7.0 Error: I can break rules, too. Goodbye.\r\n', 'close'] },
        { match: /^QUIT$/i, reply: ['221 2.0.0 Bye\r\n', 'close'] },
        { match: /^NOOP$/i, reply: [`250 2.0.0 ${AFTER_FLOOD}\r\n`] },
        { match: /^XCHARS /i, reply: [`250 2.0.0 ${PRINTABLE}\r\n`] },
        // A flood: unasked replies, all in one write (a hostile or broken server, or a pasted pipeline).
        {
          match: /^XFLOOD$/i,
          reply: [Array.from({ length: FLOOD_OK + FLOOD_FAIL }, (_, i) => (i % 4 === 3 ? `550 5.1.1 flood ${i} no such user\r\n` : `250 2.0.0 flood ${i} ok\r\n`)).join('')],
        },
        {
          match: /^XSMALLFLOOD$/i,
          reply: [Array.from({ length: SMALL_FLOOD }, (_, i) => `250 2.0.0 small ${i} ok\r\n`).join('')],
        },
        {
          match: /^XBIGFLOOD$/i,
          reply: [Array.from({ length: BIG_FLOOD }, (_, i) => `250 2.0.0 big ${i} ok\r\n`).join('')],
        },
      ],
    });
    app = await startHeloterm({ port: 0, practice: false, allowedPorts: [fake.port], log: () => {} });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await fake?.close();
  });

  /** A new page in a context of its own, connected to the scripted server, after the greeting. */
  async function openConnected(viewport = { width: 1366, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${app.url}?host=127.0.0.1&port=${fake.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), REPLY_TIMEOUT_MS, 'the greeting');
    return { context, page };
  }

  async function type(page: Page, line: string, annotatedCode: number): Promise<string> {
    const mark = `${ANNOTATION_MARK} ${annotatedCode} `;
    const before = (await page.evaluate(() => (window as unknown as { __heloterm: { terminalText(): string } }).__heloterm.terminalText())).split(mark).length;
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    return waitForTerminal(page, (t) => t.split(mark).length > before, REPLY_TIMEOUT_MS, `the ${annotatedCode} after "${line}"`);
  }

  /** A new page, connected to the scripted server, that has just asked it for a flood (XFLOOD). */
  async function startFlood(command = 'XFLOOD'): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await openConnected();
    if (command === 'XBIGFLOOD') await page.evaluate(() => (window as unknown as { __heloterm: { countLineFeeds(): void } }).__heloterm.countLineFeeds());
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    return { context, page };
  }

  async function hover(page: Page, needle: string, offset = 0): Promise<string> {
    const tooltip = page.locator('.heloterm-tooltip');
    await page.mouse.move(1, 1);
    const at = await cellCenter(page, needle, offset);
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => tooltip.isVisible(), { timeout: 5000 }).toBe(true);
    return (await tooltip.textContent()) ?? '';
  }

  it('says which command a slip was meant to be, and why Postfix hangs up on message text sent after DATA was refused', async () => {
    const { context, page } = await openConnected();
    await type(page, 'EHLO client.example', 250);
    await type(page, 'MAIL FROM:<me@client.example>', 250);
    let text = await type(page, 'RCTP TO:<alice@fake.example>', 500);
    expect(text).toContain('✎ The server does not know "RCTP": did you mean RCPT?');
    await type(page, 'DATA', 554);
    text = await type(page, 'Subject: hello', 221);
    expect(text).toContain('✎ The server hung up: Postfix takes a line that looks like a message\'s header field');
    expect(text).toContain('DATA had been refused (554), so no message was open');
    await context.close();
  });

  it('shows the cause and advice for greylisting and a blocklist, on hover and in the reply log', async () => {
    const grey = matchVendorRules(450, GREYLISTED)[0];
    const block = matchVendorRules(554, BLOCKLISTED)[0];
    if (grey === undefined || block === undefined) throw new Error('the vendor rules no longer recognise the test texts');

    const { context, page } = await openConnected();

    // The terminal says how to find help, and /help answers without the server.
    expect(await page.evaluate(() => (window as unknown as { __heloterm: { terminalText(): string } }).__heloterm.terminalText())).toContain('/help lists them');
    await page.keyboard.type('/help');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('fitting now: EHLO HELO'), REPLY_TIMEOUT_MS, 'the /help answer');

    // Tab completes the verb to the shape of its argument.
    await page.keyboard.type('eh');
    await page.keyboard.press('Tab');
    let text = await type(page, 'client.example', 250);
    expect(text).toContain('EHLO client.example');
    // /help went to nobody: the server saw only the EHLO (on this page's connection, the newest).
    expect(fake.connections.at(-1)?.lines[0]).toBe('EHLO client.example');
    // The address the server says it sees the client at is pointed out, with the checks receivers make of it.
    text = await waitForTerminal(page, (t) => t.includes('the server sees this connection coming from 203.0.113.5'), REPLY_TIMEOUT_MS, 'the address seen');
    expect(text).toContain('/rdns 203.0.113.5 and /dnsbl 203.0.113.5 check it');

    // An EHLO keyword explains itself, with its parameter in human units.
    const size = await hover(page, '250-SIZE', 4);
    expect(size).toContain(explainEhloLine('SIZE 10240000')?.title ?? 'no SIZE entry');
    expect(size).toContain('9.8 MiB');

    await type(page, 'MAIL FROM:<me@client.example>', 250);
    text = await type(page, 'RCPT TO:<grey@fake.example>', 450);
    expect(text).toContain(`⚑ likely: ${grey.title}`);
    expect(text).toMatch(/✎ 4xx is a temporary failure/);
    text = await type(page, 'RCPT TO:<block@fake.example>', 554);
    expect(text).toContain(`⚑ likely: ${block.title}`);

    // Hover: the code's meaning, what it answered, the likely cause and what to do.
    const onGrey = await hover(page, '450 4.2.0');
    expect(onGrey).toContain(grey.cause);
    expect(onGrey).toContain(grey.action);
    expect(onGrey).toContain('Answer to RCPT');
    const onBlock = await hover(page, '554 5.7.1');
    expect(onBlock).toContain(block.cause);
    expect(onBlock).toContain(block.action);

    // DATA without an accepted recipient: the coach says why.
    text = await type(page, 'DATA', 554);
    expect(text).toMatch(/✎ No recipient has been accepted yet/);

    // The reply log carries the same cause and advice, for keyboard and screen-reader users.
    const entries = page.locator('.reply-log li');
    const greyEntry = entries.filter({ hasText: '450' }).first();
    expect(await greyEntry.textContent()).toContain(grey.cause);
    expect(await greyEntry.textContent()).toContain(grey.action);
    const blockEntry = entries.filter({ hasText: 'spamhaus' }).first();
    expect(await blockEntry.textContent()).toContain(block.cause);
    // The newest entry (the DATA refusal) is scrolled into view at the bottom of the log.
    await expect
      .poll(async () => {
        const box = await page.locator('.reply-log-scroll').boundingBox();
        const last = await entries.last().boundingBox();
        return box !== null && last !== null && last.y + last.height <= box.y + box.height + 1 && last.y >= box.y - 1;
      }, { timeout: 5000 })
      .toBe(true);
    expect(await entries.last().textContent()).toContain('no valid recipients');

    mkdirSync(RESULTS_DIR, { recursive: true });
    await hover(page, '450 4.2.0');
    await page.screenshot({ path: `${RESULTS_DIR}real-world.png` });
    await context.close();
  });

  it('explains a line quoted from a bounce message (/explain): hover and reply log as for a reply, marked as explained', async () => {
    const quoted = 'host mx.example.org[192.0.2.1] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)';
    const rule = matchVendorRules(550, quoted.slice(quoted.indexOf('<bob')))[0];
    if (rule === undefined) throw new Error('the vendor rules no longer recognise the test text');
    const { context, page } = await openConnected();
    // This page's connection: the newest (the file's tests share the scripted server).
    const conn = fake.connections.at(-1)!;
    const before = conn.lines.length;
    await page.keyboard.type(`/explain ${quoted}`);
    await page.keyboard.press('Enter');
    const text = await waitForTerminal(page, (t) => t.includes(`⚑ likely: ${rule.title}`), REPLY_TIMEOUT_MS, 'the explanation');
    expect(text).toContain('-- explained, not sent to any server nor received from one:');
    expect(text).toMatch(/^550 5\.1\.1 <bob@example\.org>: Recipient address rejected/m);
    const onCode = await hover(page, '550 5.1.1 <bob');
    expect(onCode).toContain(rule.cause);
    const entry = page.locator('.reply-log li.explained');
    await entry.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await entry.locator('.reply-origin').textContent()).toBe('/explain: ');
    expect(await entry.textContent()).toContain(rule.action);
    // An SPF refusal points at the check behind it: /spf, with the address and domain it names when it names them.
    await page.keyboard.type('/explain 550 5.7.26 The MAIL FROM domain [example.org] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes('⚑ likely: SPF hard fail'), REPLY_TIMEOUT_MS, 'the SPF refusal explained');
    const spf = page.locator('.reply-log li.explained').last();
    await expect.poll(async () => (await spf.textContent()) ?? '', { timeout: REPLY_TIMEOUT_MS }).toContain("(/spf with your server's address and the MAIL FROM domain checks it");
    expect(await entry.first().textContent()).not.toContain('/spf');
    await page.keyboard.type('/explain 550 5.7.26 The MAIL FROM domain [example.org] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.1].');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await page.locator('.reply-log li.explained').last().textContent()) ?? '', { timeout: REPLY_TIMEOUT_MS })
      .toContain('(/spf 192.0.2.1 example.org checks the address and domain it names, as a receiver does.)');
    // An enhanced code alone gets its explanation.
    await page.keyboard.type('/explain 5.7.26');
    await page.keyboard.press('Enter');
    const enhanced = explainEnhanced('5.7.26');
    await waitForTerminal(page, (t) => t.includes(`-- 5.7.26 ${enhanced?.title ?? 'no entry'}: `), REPLY_TIMEOUT_MS, 'the enhanced code explained');
    // A bounce pasted after /explain, many lines: explained together, none of them sent to the server.
    await page.keyboard.type('/explain ');
    await paste(page, '<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1\r    <bob@example.org>: User unknown (in reply to RCPT TO\r    command)\rQUIT\r');
    await waitForTerminal(page, (t) => t.includes('-- end of the explained bounce: 1 reply'), REPLY_TIMEOUT_MS, 'the pasted bounce explained');
    // Log lines copied without their last newline: the last one is part of the paste, not left to be sent by Enter.
    await page.keyboard.type('/explain');
    await paste(
      page,
      '\rNov 30 00:12:34 mx postfix/smtpd[2222]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 550 5.7.1 <c@example.org>: Relay access denied; from=<a@example.net> to=<c@example.org> proto=ESMTP helo=<x>\rNov 30 00:12:35 mx postfix/cleanup[4321]: 4F9D5C0A1B: milter-discard: END-OF-MESSAGE from unknown[192.0.2.7]: milter triggers DISCARD action; from=<a@example.net> to=<b@example.org> proto=ESMTP helo=<y>',
    );
    const explained = await waitForTerminal(page, (t) => t.includes('-- end of the explained log lines: 1 reply'), REPLY_TIMEOUT_MS, 'the pasted log explained');
    expect(explained).toContain('4F9D5C0A1B: a milter');
    expect(explained).toContain('delivered to no one');
    // Nothing went to the server, and the line typed next is only what is typed.
    expect(conn.lines).toHaveLength(before);
    await type(page, 'NOOP', 250);
    expect(conn.lines.slice(before)).toEqual(['NOOP']);
    await context.close();
  });

  it('shows a flood of replies whole, summarised instead of annotated one by one', async () => {
    const { context, page } = await startFlood();
    const text = await waitForTerminal(page, (t) => t.includes(`${FLOOD_MARK} `), REPLY_TIMEOUT_MS, 'the flood summary');
    const lines = text.split('\n');
    // Every reply is on screen, once, in order.
    const flood = lines.filter((l) => / flood \d+ /.test(l));
    expect(flood.length).toBe(FLOOD_OK + FLOOD_FAIL);
    expect(flood.map((l) => Number(/ flood (\d+) /.exec(l)?.[1]))).toEqual(flood.map((_, i) => i));
    // Some were annotated one by one, the rest are counted in the summary, per code: together, all of them.
    const annotated = lines.slice(lines.findIndex((l) => l.includes('XFLOOD'))).filter((l) => l.includes(ANNOTATION_MARK)).length;
    const summary = lines.find((l) => l.includes(`${FLOOD_MARK} `)) ?? '';
    const counted = Number(/(\d[\d,]*) more replies/.exec(summary)?.[1]?.replace(/,/g, ''));
    expect(annotated).toBeGreaterThan(0);
    expect(counted).toBeGreaterThan(FLOOD_OK);
    expect(annotated + counted).toBe(FLOOD_OK + FLOOD_FAIL);
    const per = (code: number): number => Number(new RegExp(`${code} ×([\\d,]+)`).exec(summary)?.[1]?.replace(/,/g, ''));
    expect(per(250) + per(550)).toBe(counted);
    expect(per(250)).toBeGreaterThan(per(550));
    // A code in the flood still explains itself on hover; the reply log shows the newest replies.
    const onFail = await hover(page, `550 5.1.1 flood ${FLOOD_OK + FLOOD_FAIL - 1} `, 4);
    expect(onFail).toContain('5.1.1');
    await expect.poll(() => page.locator('.reply-log li').last().textContent(), { timeout: 5000 }).toContain(`flood ${FLOOD_OK + FLOOD_FAIL - 1} `);
    // The page still answers: the next command is annotated again after the flood.
    await type(page, 'EHLO after.flood', 250);
    await context.close();
  });

  it('ends a flood where a line is written: the reply to a line typed during it is annotated, after the summary', async () => {
    const { context, page } = await startFlood();
    const last = `flood ${FLOOD_OK + FLOOD_FAIL - 1} `;
    await waitForTerminal(page, (t) => t.includes(last), REPLY_TIMEOUT_MS, 'the last reply of the flood');
    // Typed at once, well within the quiet time that would end the flood by itself (FLOOD_QUIET_MS).
    await page.keyboard.type('NOOP');
    await page.keyboard.press('Enter');
    const text = await waitForTerminal(page, (t) => t.includes(AFTER_FLOOD) && t.includes(`${FLOOD_MARK} `), REPLY_TIMEOUT_MS, 'the reply to NOOP');
    const lines = text.split('\n');
    const reply = lines.findIndex((l) => l.includes(AFTER_FLOOD));
    const summary = lines.findIndex((l) => l.includes(`${FLOOD_MARK} `));
    // The flood's summary first; then the reply to the line written, annotated on its own rather than counted.
    expect(summary).toBeGreaterThan(lines.findIndex((l) => l.includes(last)));
    expect(summary).toBeLessThan(reply);
    expect(lines[reply + 1]).toContain(`${ANNOTATION_MARK} 250 `);
    const counted = Number(/(\d[\d,]*) more replies/.exec(lines[summary] ?? '')?.[1]?.replace(/,/g, ''));
    const annotated = lines.slice(lines.findIndex((l) => l.includes('XFLOOD')), summary).filter((l) => l.includes(ANNOTATION_MARK)).length;
    expect(annotated + counted).toBe(FLOOD_OK + FLOOD_FAIL);
    await context.close();
  });

  /**
   * Checks the screen after the big flood: the newest replies, in order, none missing, filling the scrollback and the
   * screen as drawing every line would have left them; every reply counted in the summary.
   */
  async function expectBigFloodShown(page: Page, text: string): Promise<void> {
    const { cols, rows, scrollback } = await page.evaluate(() =>
      (window as unknown as { __heloterm: { size(): { cols: number; rows: number; scrollback: number } } }).__heloterm.size(),
    );
    const lines = text.split('\n');
    const big = lines.filter((l) => / big \d+ /.test(l)).map((l) => Number(/ big (\d+) /.exec(l)?.[1]));
    // The newest replies, in order, none missing, up to the last one...
    expect(big.at(-1)).toBe(BIG_FLOOD - 1);
    expect(big).toEqual(big.map((_, i) => BIG_FLOOD - big.length + i));
    // ... filling the scrollback and the screen, as drawing every line would have left them: above the summary (which
    // may wrap) and the empty input line, nothing but replies of the flood.
    const summary = lines.at(-1) ?? '';
    expect(summary).toContain(`${FLOOD_MARK} `);
    expect(big.length).toBe(lines.length - 1);
    expect(big.length + Math.ceil(summary.length / cols) + 1).toBe(scrollback + rows);
    // Every reply was read and counted (those beyond the first ones annotated, in the summaries). On a loaded machine
    // the stream may pause for FLOOD_QUIET_MS and the flood end there, its summary then long scrolled away (or never
    // drawn, jump-scrolled): the page's count of every flood ended says what each summary said.
    const counted = Number(/(\d[\d,]*) more replies/.exec(summary)?.[1]?.replace(/,/g, ''));
    const ended = await page.evaluate(() => (window as unknown as { __heloterm: { floodsEnded(): { floods: number; replies: number } } }).__heloterm.floodsEnded());
    expect(ended.floods).toBeGreaterThanOrEqual(1);
    expect(counted).toBeLessThanOrEqual(ended.replies);
    expect(ended.replies).toBeGreaterThanOrEqual(BIG_FLOOD - ended.floods * FLOOD_BURST_REPLIES);
    expect(ended.replies).toBeLessThanOrEqual(BIG_FLOOD);
  }

  it('jump-scrolls a flood far beyond the scrollback: the buffer ends as if every line were drawn, with fewer drawn', async () => {
    const { context, page } = await startFlood('XBIGFLOOD');
    const text = await waitForTerminal(page, (t) => t.includes(`${FLOOD_MARK} `), 30_000, 'the summary of the big flood');
    await expectBigFloodShown(page, text);
    // xterm drew far fewer lines than came: those no frame could show were skipped.
    const lineFeeds = await page.evaluate(() => (window as unknown as { __heloterm: { lineFeeds(): number } }).__heloterm.lineFeeds());
    expect(lineFeeds).toBeLessThan(BIG_FLOOD);
    // And the page still answers at once.
    await type(page, 'EHLO after.big.flood', 250);
    await context.close();
  });

  /**
   * Floods the page with XBIGFLOOD while every animation frame callback is held (Chromium runs none in a hidden tab;
   * headless pages never are hidden), until every reply has been read and queued. Returns the pieces queued at the end
   * and the most ever queued.
   */
  async function bigFloodWithoutFrames(page: Page, command = 'XBIGFLOOD'): Promise<{ last: number; most: number }> {
    await page.evaluate(() => {
      const w = window as unknown as { held: FrameRequestCallback[]; realFrame: typeof requestAnimationFrame };
      w.held = [];
      w.realFrame = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => w.held.push(cb);
    });
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    const pending = (): Promise<number> =>
      page.evaluate(() => (window as unknown as { __heloterm: { pendingOutput(): number } }).__heloterm.pendingOutput());
    // Until every reply has been read and queued (the count stays put), note the most ever queued.
    let most = 0;
    let last = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() - stableSince < 1000) {
      if (Date.now() > deadline) throw new Error(`the queue never settled (${last} pieces)`);
      const n = await pending();
      most = Math.max(most, n);
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { last, most };
  }

  /**
   * Lets the held frames run (bigFloodWithoutFrames), noting how many entries each change of the reply log adds (in
   * `window.logBatches` from then on); returns those noted while the held frames ran.
   */
  async function releaseFramesWatchingLog(page: Page): Promise<number[]> {
    return page.evaluate(async () => {
      const w = window as unknown as { held: FrameRequestCallback[]; realFrame: typeof requestAnimationFrame; logBatches: number[] };
      const list = document.querySelector('.reply-log ol');
      if (list === null) throw new Error('no reply log');
      w.logBatches = [];
      new MutationObserver((records) => {
        for (const r of records) if (r.addedNodes.length > 0) w.logBatches.push(r.addedNodes.length);
      }).observe(list, { childList: true });
      window.requestAnimationFrame = w.realFrame;
      for (const cb of w.held.splice(0)) cb(performance.now());
      await Promise.resolve(); // the observer's records, queued as the log changed
      return [...w.logBatches];
    });
  }

  it('keeps only what can still be shown while animation frames stop (a hidden tab), and shows it when they resume', async () => {
    const { context, page } = await openConnected();
    const { last, most } = await bigFloodWithoutFrames(page);
    // Nothing was written meanwhile (more is queued than the screen and scrollback hold), yet the queue was cut down:
    // 60,000 replies were read, and at no time were 55,000 pieces queued.
    expect(last).toBeGreaterThan(5_100);
    expect(last).toBeLessThan(BIG_FLOOD);
    expect(most).toBeLessThan(55_000);
    expect(await page.evaluate(() => (window as unknown as { __heloterm: { terminalText(): string } }).__heloterm.terminalText())).not.toContain(' big ');
    // Frames resume: what the queue kept is what drawing every line would have left on screen.
    await page.evaluate(() => {
      const w = window as unknown as { held: FrameRequestCallback[]; realFrame: typeof requestAnimationFrame };
      window.requestAnimationFrame = w.realFrame;
      for (const cb of w.held.splice(0)) cb(performance.now());
    });
    const text = await waitForTerminal(page, (t) => t.includes(`${FLOOD_MARK} `), 30_000, 'the summary of the big flood');
    await expectBigFloodShown(page, text);
    await type(page, 'EHLO after.hidden.flood', 250);
    await context.close();
  });

  it('builds the reply log from the newest 50 replies at a look that finds more still coming, and the newest 500 at the next', async () => {
    const { context, page } = await openConnected();
    // The whole flood read while frames are held (the log updates in frames): at the first look, 60,000 new entries.
    await bigFloodWithoutFrames(page);
    // Past the 2 s a flood's updates wait for, counted from the log's last update (the greeting's).
    await page.waitForTimeout(2100);
    const batches = await releaseFramesWatchingLog(page);
    // That look built the newest 50 only (building 500 took 60–120 ms on a slow machine, and a key typed meanwhile
    // waited for it); the next, finding nothing new, the newest 500, in order, none twice.
    expect(batches).toEqual([FLOOD_LOG_ENTRIES]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { logBatches: number[] }).logBatches), { timeout: 10_000 }).toEqual([FLOOD_LOG_ENTRIES, MAX_LOG_ENTRIES]);
    const shown = await page.locator('.reply-log li .reply-text').allTextContents();
    expect(shown.map((t) => Number(/big (\d+) /.exec(t)?.[1]))).toEqual(Array.from({ length: MAX_LOG_ENTRIES }, (_, i) => BIG_FLOOD - MAX_LOG_ENTRIES + i));
    await context.close();
  });

  it('builds the newest replies of a small flood ahead, then the whole flood after the entries before it, none twice; drops the oldest past 500', async () => {
    const { context, page } = await openConnected();
    await bigFloodWithoutFrames(page, 'XSMALLFLOOD');
    const batches = await releaseFramesWatchingLog(page);
    // The look with replies still coming built the newest 50 after the greeting's entry; the next took them out
    // again and built all of the flood in their place, the greeting's entry kept before it.
    expect(batches).toEqual([FLOOD_LOG_ENTRIES]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { logBatches: number[] }).logBatches), { timeout: 10_000 }).toEqual([FLOOD_LOG_ENTRIES, SMALL_FLOOD]);
    const shown = await page.locator('.reply-log li .reply-text').allTextContents();
    expect(shown).toHaveLength(1 + SMALL_FLOOD);
    expect(shown[0]).toContain('mx.fake.example ESMTP');
    expect(shown.slice(1).map((t) => Number(/small (\d+) /.exec(t)?.[1]))).toEqual(Array.from({ length: SMALL_FLOOD }, (_, i) => i));
    // Four floods more: past MAX_LOG_ENTRIES, the oldest entries go (the greeting's first), the rest kept in order.
    for (let n = 2; n <= 5; n++) {
      await page.keyboard.type('XSMALLFLOOD');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.reply-log li .reply-text', { hasText: `small ${SMALL_FLOOD - 1} ` }).count(), { timeout: 10_000 }).toBe(n);
    }
    const all = ['greeting', ...Array.from({ length: 5 }, () => Array.from({ length: SMALL_FLOOD }, (_, i) => String(i))).flat()];
    await expect.poll(async () => (await page.locator('.reply-log li .reply-text').allTextContents()).map((t) => /small (\d+) /.exec(t)?.[1] ?? 'greeting'), { timeout: 10_000 })
      .toEqual(all.slice(-MAX_LOG_ENTRIES));
    await context.close();
  });

  /**
   * Lets the held frames run (bigFloodWithoutFrames) and pastes `typed` at once: how many pieces were still queued when
   * its echo was first painted, and how many lines xterm had parsed by then.
   */
  async function echoDuringKeptFlood(page: Page, typed: string): Promise<{ queuedAtEcho: number; linesAtEcho: number }> {
    return page.evaluate((typed) => {
      const w = window as unknown as {
        held: FrameRequestCallback[];
        realFrame: typeof requestAnimationFrame;
        __heloterm: { pendingOutput(): number; countLineFeeds(): void; lineFeeds(): number };
      };
      const rows = document.querySelector('.xterm-rows');
      const input = document.querySelector('.xterm-helper-textarea');
      if (rows === null || input === null) throw new Error('no terminal');
      const echoed = new Promise<{ queuedAtEcho: number; linesAtEcho: number }>((resolve) => {
        const watch = new MutationObserver(() => {
          if (!(rows.textContent ?? '').includes(typed)) return;
          watch.disconnect();
          resolve({ queuedAtEcho: w.__heloterm.pendingOutput(), linesAtEcho: w.__heloterm.lineFeeds() });
        });
        watch.observe(rows, { subtree: true, childList: true, characterData: true });
      });
      w.__heloterm.countLineFeeds();
      window.requestAnimationFrame = w.realFrame;
      for (const cb of w.held.splice(0)) cb(performance.now());
      const data = new DataTransfer();
      data.setData('text/plain', typed);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      return echoed;
    }, typed);
  }

  it('echoes a key typed while the kept flood is written, before the rest of it: output goes to xterm in slices', async () => {
    const { context, page } = await openConnected();
    await bigFloodWithoutFrames(page);
    // Frames resume, and the screen and scrollback's worth of lines the queue kept (over 5,000) start to be written;
    // text is pasted at once. When its echo is first painted, part of the kept lines must still be queued: it did not
    // wait for all of them (written whole, they were one write of about 120 ms on this machine).
    const { queuedAtEcho, linesAtEcho } = await echoDuringKeptFlood(page, 'zqjzqj');
    expect(queuedAtEcho).toBeGreaterThan(0);
    // The page's buffer was still growing (a new page, its scrollback not yet full), when a write's lines cost the most:
    // the write in progress held at most 100 lines and the echo's at most 25 (view.ts), not a slice of 1,000 (90–220 ms
    // on a slow machine). Allowing for one more slice parsed before the echo's frame.
    expect(linesAtEcho).toBeGreaterThan(0);
    expect(linesAtEcho).toBeLessThanOrEqual(2 * (100 + 25));
    // The rest follows, above the input line, which ends whole at the bottom (each write erases it and paints it
    // again once the output is parsed: a look in between finds it gone).
    const lastLine = (t: string): string | undefined => t.trimEnd().split('\n').at(-1);
    const text = await waitForTerminal(page, (t) => t.includes(`${FLOOD_MARK} `) && lastLine(t) === 'zqjzqj', 30_000, 'the summary above the input line');
    expect(text.split('zqjzqj')).toHaveLength(2); // painted once: no copy left behind by a write between slices
    await context.close();
  });

  it('echoes a key typed during a flood after a whole slice at most, once the scrollback is full', async () => {
    const { context, page } = await openConnected();
    // A first flood fills the screen and the scrollback; from then on each line written reuses a buffer line.
    await bigFloodWithoutFrames(page);
    await page.evaluate(() => {
      const w = window as unknown as { held: FrameRequestCallback[]; realFrame: typeof requestAnimationFrame };
      window.requestAnimationFrame = w.realFrame;
      for (const cb of w.held.splice(0)) cb(performance.now());
    });
    const pending = (): Promise<number> =>
      page.evaluate(() => (window as unknown as { __heloterm: { pendingOutput(): number } }).__heloterm.pendingOutput());
    await expect.poll(pending, { timeout: 30_000 }).toBe(0);
    await bigFloodWithoutFrames(page);
    const { queuedAtEcho, linesAtEcho } = await echoDuringKeptFlood(page, 'zqjzqk');
    expect(queuedAtEcho).toBeGreaterThan(0);
    // A write held at most 400 lines of a full buffer, and the echo's at most 100 (view.ts): a slice of 1,000 took
    // 20-67 ms here, and the slowest keys of a burst waited for it (docs/benchmarks.md, reply burst). Allowing for one
    // more slice parsed before the echo's frame.
    expect(linesAtEcho).toBeGreaterThan(0);
    expect(linesAtEcho).toBeLessThanOrEqual(2 * (400 + 100));
    await context.close();
  });

  it('reads a flood’s frames in tasks of its own: a task posted while frames wait runs before they are read, none lost', async () => {
    const { context, page } = await openConnected();
    type Hooked = { __heloterm: { frames(): { received: number; read: number } }; waited: number[]; stopTasks: boolean };
    // A chain of tasks of the test's own, one always posted (as xterm always has a write's timer posted during a
    // flood): each notes the frames received but not yet read when it runs.
    await page.evaluate(() => {
      const w = window as unknown as Hooked;
      w.waited = [];
      w.stopTasks = false;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const { received, read } = w.__heloterm.frames();
        if (received > read) w.waited.push(received - read);
        if (!w.stopTasks) channel.port2.postMessage(null);
      };
      channel.port2.postMessage(null);
    });
    const before = await page.evaluate(() => (window as unknown as Hooked).__heloterm.frames());
    await page.keyboard.type('XBIGFLOOD');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes(`${FLOOD_MARK} `), 30_000, 'the summary of the big flood');
    const { waited, frames } = await page.evaluate(() => {
      const w = window as unknown as Hooked;
      w.stopTasks = true;
      return { waited: w.waited, frames: w.__heloterm.frames() };
    });
    // The flood came in many frames (64 KB each, about 1.5 MB in all), every one read.
    expect(frames.received - before.received).toBeGreaterThan(10);
    expect(frames.read).toBe(frames.received);
    // Tasks posted before a frame came ran before it was read: a message task only keeps its frame. (Read in its
    // message task, every frame received would be read whenever a task of the page's own runs.)
    expect(waited.length).toBeGreaterThan(0);
    // And in order, none lost: the newest replies are the flood's last, numbered on.
    const text = await page.evaluate(() => (window as unknown as { __heloterm: { terminalText(): string } }).__heloterm.terminalText());
    const numbers = [...text.matchAll(/big (\d+) ok/g)].map((m) => Number(m[1]));
    expect(numbers.at(-1)).toBe(BIG_FLOOD - 1);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => (numbers[0] ?? 0) + i));
    await context.close();
  });

  it('measures the characters it shows most ahead, in idle time: a line and a reply of every printable one need no measuring', async () => {
    const { context, page } = await openConnected();
    type Hooked = { __heloterm: { widthsWarm(): boolean }; measured: string[] };
    await expect.poll(() => page.evaluate(() => (window as unknown as Hooked).__heloterm.widthsWarm()), { timeout: 10_000 }).toBe(true);
    // From now on, every width xterm's renderer measures (a span of the character, its width read: a forced layout).
    await page.evaluate(() => {
      const w = window as unknown as Hooked;
      w.measured = [];
      const width = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth');
      Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
        configurable: true,
        get(this: HTMLElement) {
          if (this.classList.contains('xterm-char-measure-element')) w.measured.push(`${this.style.fontWeight}/${this.style.fontStyle}:${this.textContent?.[0] ?? ''}`);
          return width?.get?.call(this) as number;
        },
      });
    });
    // Typed (each key echoed: regular), sent (bold), answered and annotated (regular).
    await type(page, `XCHARS ${PRINTABLE}`, 250);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await locateText(page, PRINTABLE)).not.toBeNull();
    expect(await page.evaluate(() => (window as unknown as Hooked).measured)).toEqual([]);
    await context.close();
  });

  it('never covers the pointer or the code it explains, even when the tooltip fits neither above nor below', async () => {
    // A short window: the greylisting tooltip (meaning, what it answered, cause, advice) is taller than the room
    // above or below a code in the middle of the terminal.
    const { context, page } = await openConnected({ width: 1366, height: 480 });
    await type(page, 'EHLO client.example', 250);
    await type(page, 'MAIL FROM:<me@client.example>', 250);
    await type(page, 'RCPT TO:<grey@fake.example>', 450);
    const rows = await page.evaluate(() => (window as unknown as { __heloterm: { size(): { rows: number } } }).__heloterm.size().rows);
    // Push the 450 up to the middle of the screen.
    for (let row = (await locateText(page, '450 4.2.0'))?.row ?? 0; row > rows / 2; row = (await locateText(page, '450 4.2.0'))?.row ?? 0) {
      await type(page, 'NOOP', 250);
    }
    const tooltip = page.locator('.heloterm-tooltip');
    // The basic code (characters 0-2 of "450 4.2.0"), pointed at on its first and last character, then the enhanced
    // code (characters 4-8).
    for (const [offset, chars] of [[0, [0, 1, 2]], [2, [0, 1, 2]], [6, [4, 5, 6, 7, 8]]] as const) {
      await page.mouse.move(1, 1);
      const pointer = await cellCenter(page, '450 4.2.0', offset);
      await page.mouse.move(pointer.x, pointer.y);
      await expect.poll(() => tooltip.isVisible(), { timeout: 5000 }).toBe(true);
      const tip = await tooltip.boundingBox();
      const term = await page.locator('.xterm-screen').boundingBox();
      if (tip === null || term === null) throw new Error('no tooltip or terminal box');
      // Taller than the room on either side of the pointer's row: this is the case being tested.
      expect(tip.height).toBeGreaterThan(Math.max(pointer.y - term.y, term.y + term.height - pointer.y) - 20);
      // Neither the pointer nor any character of the code it explains lies under it.
      const under = (p: { x: number; y: number }): boolean => p.x >= tip.x && p.x <= tip.x + tip.width && p.y >= tip.y && p.y <= tip.y + tip.height;
      expect(under(pointer), 'the pointer').toBe(false);
      for (const ch of chars) expect(under(await cellCenter(page, '450 4.2.0', ch)), `character ${ch} of "450 4.2.0"`).toBe(false);
      // And it is all there, inside the terminal.
      expect(tip.y).toBeGreaterThanOrEqual(term.y - 1);
      expect(tip.x + tip.width).toBeLessThanOrEqual(term.x + term.width + 1);
      expect(await tooltip.textContent()).toContain(offset === 6 ? 'Other or undefined mailbox status' : 'Answer to RCPT');
    }
    await context.close();
  });

  it('explains a code on a wrapped row: the enhanced code of an annotation in a narrow terminal', async () => {
    const title = explainEnhanced('2.1.0')?.title;
    if (title === undefined) throw new Error('the knowledge base no longer explains 2.1.0');
    // Narrow: the panes stack and the terminal is about 36 columns wide.
    const { context, page } = await openConnected({ width: 320, height: 700 });
    await type(page, 'MAIL FROM:<wrap@fake.example>', 250);
    const needle = `2.1.0 ${title.slice(0, 4)}`;
    // The annotation wrapped: its enhanced code stands on a row below the one the line starts on.
    const at = await page.evaluate(([mark, code]) => {
      const h = (window as unknown as { __heloterm: { locate(s: string): { row: number } | null } }).__heloterm;
      return { mark: h.locate(mark), code: h.locate(code) };
    }, [`${ANNOTATION_MARK} 250 `, needle] as const);
    expect(at.mark).not.toBeNull();
    expect(at.code?.row).toBeGreaterThan(at.mark?.row ?? Number.POSITIVE_INFINITY);
    expect(await hover(page, needle)).toContain(title);
    await context.close();
  });
});
