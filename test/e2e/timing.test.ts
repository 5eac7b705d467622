/**
 * Slow replies and lines sent out of turn, in a real headless Chromium, against a scripted server on loopback that
 * takes its time as real ones do: a greeting in two parts 1.5 s apart (Postfix's postscreen), a RCPT answered after
 * 1.2 s (recipient verification), and no PIPELINING. The terminal must show each slow reply's time and say why once,
 * the hover and the reply log must explain it, a pasted pair of commands must get the coach's warning, and a message
 * without From: and Date: must be noticed at its final dot. Expected texts come from the shared modules.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAIT_MARK } from '../../shared/smtp/timing.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { cellCenter, helotermInChromium, locateText, paste, terminalCursor, terminalText, waitForTerminal } from '../helpers/browser.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';

const TIMEOUT_MS = 10_000;
const GREETING_PAUSE_MS = 1500;
const RCPT_PAUSE_MS = 1200;
/** Long enough to paste a line and move in it before the reply comes, on a loaded machine. */
const LATE_PAUSE_MS = 4000;

async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The annotation line of the `nth` reply (from 0) whose last line starts with `replyLine`, or '' before it came. */
function annotationOf(screen: string, replyLine: string, nth = 0): string {
  const lines = screen.split('\n');
  const at = lines.map((l, i) => (l.startsWith(replyLine) ? i : -1)).filter((i) => i >= 0)[nth];
  return at === undefined ? '' : (lines.slice(at + 1).find((l) => l.includes(ANNOTATION_MARK)) ?? '');
}

/** The seconds shown after ◷ on the annotation line of the `nth` reply whose last line starts with `replyLine`. */
function shownWait(screen: string, replyLine: string, nth = 0): number {
  const annotation = annotationOf(screen, replyLine, nth);
  const m = new RegExp(`${WAIT_MARK} (\\d+\\.\\d) s`).exec(annotation);
  if (m === null) throw new Error(`no wait shown after "${replyLine}": ${annotation}`);
  return Number(m[1]);
}

describe('slow replies and pipelining in Chromium', () => {
  let fake: FakeSmtp;
  beforeAll(async () => {
    fake = await startFakeSmtp({
      onConnect: ['220-mx.fake.example ESMTP\r\n', { pauseMs: GREETING_PAUSE_MS }, '220 mx.fake.example ESMTP Postfix\r\n'],
      rules: [
        { match: /^EHLO /i, reply: ['250-mx.fake.example\r\n250 SIZE 10240000\r\n'] },
        // A little slow, so that a RCPT pasted with it surely goes out before its reply (a quick reply could reach
        // the bridge between the two lines of a paste, and then the RCPT would not be pipelined on the wire).
        { match: /^MAIL FROM:/i, reply: [{ pauseMs: 300 }, '250 2.1.0 Ok\r\n'] },
        { match: /^RCPT TO:<slow@/i, reply: [{ pauseMs: RCPT_PAUSE_MS }, '250 2.1.5 Ok, verified\r\n'] },
        { match: /^RCPT TO:<late@/i, reply: [{ pauseMs: LATE_PAUSE_MS }, '250 2.1.5 Ok, verified at last\r\n'] },
        { match: /^RCPT TO:/i, reply: ['250 2.1.5 Ok\r\n'] },
        { match: /^DATA$/i, reply: ['354 End data with <CR><LF>.<CR><LF>\r\n'] },
        { match: /^\.$/, reply: ['250 2.0.0 Ok: queued as 4Fake\r\n'] },
      ],
    });
  });
  afterAll(() => fake?.close());
  const { pages, app } = helotermInChromium(() => ({ practice: false, allowedPorts: [fake.port] }));

  it('shows how long the greeting and a RCPT took, says why once, and explains it on hover and in the log', async () => {
    // Connected by the button once the page has loaded, not by ?connect=1: the page times each message when its
    // handler runs, and while the app loads (a long task on a loaded machine) the connection's note would be timed
    // late, the greeting short by as much.
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${fake.port}`);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await page.click('button[data-action="connect"]');
    const clicked = Date.now();
    let screen = await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting');
    // Measured from the connection to the greeting's last line: the pause, give or take the page's own delays.
    const greeting = shownWait(screen, '220 mx.fake.example ESMTP Postfix');
    expect(greeting).toBeGreaterThanOrEqual(GREETING_PAUSE_MS / 1000 - 0.1);
    expect(greeting).toBeLessThan(GREETING_PAUSE_MS / 1000 + 1);
    expect(screen).toContain(`${WAIT_MARK} ${greeting.toFixed(1)} s: a greeting in two parts (Postfix postscreen?)`);

    await typeLine(page, 'EHLO me.example');
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `), TIMEOUT_MS, 'the EHLO reply');
    // Two commands at once, to a server that did not advertise PIPELINING: the coach says what that risks.
    await paste(page, 'MAIL FROM:<me@me.example>\rRCPT TO:<slow@fake.example>\r');
    screen = await waitForTerminal(page, (t) => t.includes('250 2.1.5 Ok, verified'), TIMEOUT_MS, 'the slow RCPT');
    expect(screen).toContain('did not advertise PIPELINING');
    expect(screen).toContain('SMTP synchronization error');
    screen = await waitForTerminal(page, (t) => t.includes('checks at RCPT'), TIMEOUT_MS, 'the reason for the slow RCPT');
    const rcpt = shownWait(screen, '250 2.1.5 Ok, verified');
    expect(rcpt).toBeGreaterThanOrEqual(RCPT_PAUSE_MS / 1000 - 0.1);
    expect(rcpt).toBeLessThan(RCPT_PAUSE_MS / 1000 + 1);

    // A quick reply shows no time (EHLO's; the MAIL reply waits 300 ms, which a loaded machine can stretch past 1 s).
    expect(annotationOf(screen, '250 SIZE 10240000')).not.toBe('');
    expect(annotationOf(screen, '250 SIZE 10240000')).not.toContain(WAIT_MARK);

    const tooltip = page.locator('.heloterm-tooltip');
    const at = await cellCenter(page, '250 2.1.5 Ok, verified');
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => tooltip.isVisible(), { timeout: 5000 }).toBe(true);
    const tip = (await tooltip.textContent()) ?? '';
    expect(tip).toContain(`${WAIT_MARK} ${rcpt.toFixed(1)} s`);
    expect(tip).toContain('to answer: checks at RCPT (blocklists, policy, verification)');
    expect(tip).toContain('reject_unverified_recipient');

    // A second slow RCPT: its time is shown, its reason is not said again on this connection (the log has it).
    await page.mouse.move(1, 1);
    await typeLine(page, 'RCPT TO:<slow@fake.example>');
    screen = await waitForTerminal(page, (t) => annotationOf(t, '250 2.1.5 Ok, verified', 1) !== '', TIMEOUT_MS, 'the second slow RCPT');
    expect(shownWait(screen, '250 2.1.5 Ok, verified', 1)).toBeGreaterThanOrEqual(RCPT_PAUSE_MS / 1000 - 0.1);
    expect(screen.split('\n').filter((l) => l.includes(`: checks at RCPT`))).toHaveLength(1);

    // The log explains every slow reply: the greeting first, and both slow RCPTs.
    const verified = page.locator('.reply-log li', { hasText: 'Ok, verified' });
    await expect.poll(() => verified.count(), { timeout: 5000 }).toBe(2);
    const slowEntries = page.locator('.reply-log li .explain.slow');
    expect(await slowEntries.first().textContent()).toContain('postscreen');
    expect(await page.locator('.reply-log li .reply-wait').first().textContent()).toBe(` ${WAIT_MARK} ${greeting.toFixed(1)} s`);
    expect(await verified.first().locator('.reply-wait').textContent()).toBe(` ${WAIT_MARK} ${rcpt.toFixed(1)} s`);
    for (const i of [0, 1]) expect(await verified.nth(i).locator('.explain.slow').textContent()).toContain('checks at RCPT');
    // The greeting came (in two parts): no note on a silent server, even once its 5 s have passed.
    await page.waitForTimeout(Math.max(0, clicked + 5500 - Date.now()));
    expect(await terminalText(page)).not.toContain('no greeting yet');
  });

  it('keeps a line of several rows whole when a reply comes while its cursor stands on its first row', async () => {
    // The reply and the input line are painted again in one write: where the line begins is read back from the rows
    // it wrapped onto, and the cursor put back on its first row.
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${fake.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting');
    await typeLine(page, 'EHLO me.example');
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `), TIMEOUT_MS, 'the EHLO reply');
    await typeLine(page, 'RCPT TO:<late@fake.example>');
    const { cols } = await page.evaluate(() => (window as unknown as { __heloterm: { size(): { cols: number } } }).__heloterm.size());
    const long = `MAIL FROM:<${'a'.repeat(cols * 2)}@example.org>`;
    await paste(page, long);
    await page.keyboard.press('Home');
    await page.keyboard.type('X-');
    const edited = `X-${long}`;
    let screen = await waitForTerminal(page, (t) => t.replace(/\n/g, '').endsWith(edited), TIMEOUT_MS, 'the edited line');
    expect(screen, 'the reply came before the line was edited: the test did not test its case').not.toContain('Ok, verified at last');
    const cursorAtEdit = async (): Promise<boolean> => {
      const [at, cursor] = await Promise.all([locateText(page, 'X-MAIL FROM'), terminalCursor(page)]);
      return at !== null && cursor.row === at.row && cursor.col === at.col + 2;
    };
    await expect.poll(cursorAtEdit, { timeout: 5000 }).toBe(true);

    screen = await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `) && t.includes('Ok, verified at last'), TIMEOUT_MS + LATE_PAUSE_MS, 'the late reply');
    screen = await waitForTerminal(page, (t) => t.replace(/\n/g, '').endsWith(edited), TIMEOUT_MS, 'the line below the reply');
    expect(screen.split('MAIL FROM:<aaa')).toHaveLength(2);
    expect(screen.indexOf('Ok, verified at last')).toBeLessThan(screen.indexOf('X-MAIL FROM'));
    await expect.poll(cursorAtEdit, { timeout: 5000 }).toBe(true);
    // Typed on from there, the line is painted again in place: still once, the key where the cursor was.
    await page.keyboard.type('Y');
    screen = await waitForTerminal(page, (t) => t.replace(/\n/g, '').endsWith(`X-Y${long}`), TIMEOUT_MS, 'the line typed on');
    expect(screen.split('MAIL FROM:<aaa')).toHaveLength(2);
  });

  it('notices at the final dot that a message typed as the seed does has no From: and no Date:', async () => {
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${fake.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting');
    for (const line of ['EHLO me.example', 'MAIL FROM:<me@me.example>', 'RCPT TO:<bob@fake.example>', 'DATA']) {
      const before = (await terminalText(page)).split(ANNOTATION_MARK).length;
      await typeLine(page, line);
      await waitForTerminal(page, (t) => t.split(ANNOTATION_MARK).length > before, TIMEOUT_MS, `the reply to ${line}`);
    }
    for (const line of ['Subject: hello from heloterm', '', 'Hello, Bob.', '.']) await typeLine(page, line);
    const screen = await waitForTerminal(page, (t) => t.includes('queued as 4Fake'), TIMEOUT_MS, 'the message queued');
    expect(screen).toContain('This message has no From: and no Date: header');
    // Typed one line at a time, after each reply: no pipelining warning.
    expect(screen).not.toContain('Sent before the server answered');
  });
});

describe('a server that never greets, in Chromium', () => {
  let silent: FakeSmtp;
  beforeAll(async () => {
    // Accepts the connection and says nothing (a TLS port dialled in plain text, a tarpit, another protocol).
    silent = await startFakeSmtp({});
  });
  afterAll(() => silent?.close());
  const { pages, app } = helotermInChromium(() => ({ practice: false, allowedPorts: [silent.port] }));

  it('says, a few seconds after connecting, what the silence may mean, instead of a blank screen', async () => {
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${silent.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes('-- connected to 127.0.0.1'), TIMEOUT_MS, 'the connection');
    const shown = await waitForTerminal(page, (t) => t.includes('-- no greeting yet after 5.0 s'), TIMEOUT_MS, 'the note on silence');
    expect(shown).toContain(`Or what listens on port ${silent.port} is no mail server, and waits for its client to talk first.`);
    // Said once: a greeting that comes later, or none, adds no second note.
    await page.waitForTimeout(1000);
    expect((await terminalText(page)).split('no greeting yet').length).toBe(2);
    expect(pages.errors).toEqual([]);
  });
});
