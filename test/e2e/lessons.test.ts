/**
 * The guided lessons in a real headless Chromium, against the real bridge and practice server: a trainee picks a
 * lesson under the practice server's description, reads each step in the lesson bar, types exactly what the bar
 * says, and sees the step pass in the terminal; an instructor's link (?lesson=…&connect=1) opens a lesson ready
 * to go; a class's own lessons (--lessons) after the built-in ones. The lines typed come from the page, not from this
 * file.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LESSONS, findLesson } from '../../shared/lessons/catalogue.js';
import { QUIZ_LENGTH, QUIZ_QUESTIONS } from '../../shared/lessons/quiz.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { readLessonFile } from '../../shared/lessons/lesson-file.js';
import { helotermInChromium, poll, terminalText, waitForTerminal } from '../helpers/browser.js';
import { freePort } from '../helpers/fake-smtp.js';

/** How long one SMTP round trip through browser, bridge and practice server may take on a slow machine, in ms. */
const REPLY_TIMEOUT_MS = 10_000;
/**
 * A class test: several pages (trainees' and the class view) loaded cold, and the view's 2 s polls waited for. Over
 * the 30 s default on a loaded machine: on one that loads every page three times slower than usual, these take 19 to
 * 27 s in a full run, and the call's test timed out once at 30 s. No step of them waits long.
 */
const CLASS_TEST_MS = 60_000;

const bar = (page: Page) => page.locator('.lesson-bar');

/** Waits until the lesson bar shows "step n of m" (1-based) and returns the lines it says to type. */
async function stepShown(page: Page, n: number, of: number): Promise<string[]> {
  await poll(async () => (await bar(page).textContent())?.includes(`step ${n} of ${of}:`), REPLY_TIMEOUT_MS, `step ${n} of ${of} in the lesson bar`);
  const shown = await bar(page).locator('.lesson-type code').allTextContents();
  return shown.map((l) => (l === '(an empty line)' ? '' : l));
}

async function typeLine(page: Page, line: string): Promise<void> {
  if (line !== '') await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

describe('guided lessons in Chromium', () => {
  const { pages, app } = helotermInChromium();

  const openPage = (query = ''): Promise<Page> => pages.open(`${app().url}${query}`);

  it('a trainee picks the first lesson, follows the bar through all eight steps, and goes on to the next', async () => {
    const page = await openPage();
    const [first, second] = [LESSONS[0]!, LESSONS[1]!];
    // Not shown before a lesson is picked; the picker sits in the practice server's description.
    const pick = page.locator(`.practice-hint button[data-lesson="${first.id}"]`);
    await pick.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await bar(page).isVisible()).toBe(false);
    // The folded "eight steps" beside the buttons are the first lesson's steps, one item each.
    await page.click('.practice-hint summary');
    const items = await page.locator('.practice-hint ol li').allTextContents();
    expect(items).toHaveLength(first.steps.length);
    first.steps.forEach((step, i) => {
      expect(items[i]).toContain(step.task);
      for (const line of step.type) if (line !== '') expect(items[i]).toContain(line);
    });
    await pick.click();
    // The lesson bar takes the place of the practice server's description while the lesson runs.
    await poll(async () => !(await page.locator('.practice-hint').isVisible()), REPLY_TIMEOUT_MS, 'the description hidden');

    // The button connects; the greeting passes step 1.
    const total = first.steps.length;
    for (let n = 2; n <= total; n++) {
      const lines = await stepShown(page, n, total);
      expect(lines).toEqual(first.steps[n - 1]!.type);
      for (const line of lines) await typeLine(page, line);
    }
    await poll(async () => (await bar(page).textContent())?.includes('done'), REPLY_TIMEOUT_MS, 'the lesson bar saying done');
    const text = await waitForTerminal(page, (t) => t.includes('★ Lesson 1 done'), REPLY_TIMEOUT_MS, 'the end of the lesson');
    for (const step of first.steps) expect(text.replace(/\n/g, '')).toContain(`✓ ${step.learn}`.slice(0, 40));
    expect(text).toContain(`★ Lesson 1 done: ${first.title}. Next: /lesson 2 — ${second.title}`);
    expect(text).not.toContain('↺');
    expect(app().practice!.messages.at(-1)).toMatchObject({ to: ['alice@practice.test'], subject: 'hello from heloterm' });

    // "Next" starts the second lesson on a new connection (QUIT closed the first).
    await page.click('.lesson-bar button[data-action="next-lesson"]');
    await stepShown(page, 2, second.steps.length);
    expect(await bar(page).textContent()).toContain(`Lesson 2: ${second.title}`);
    // A refused recipient at the step that wants an accepted one: "not this step yet", and the step stays.
    await typeLine(page, 'EHLO trainee');
    await typeLine(page, 'MAIL FROM:<trainee@example.org>');
    await stepShown(page, 4, second.steps.length);
    await typeLine(page, 'RCPT TO:<alice@practice.test>');
    await waitForTerminal(page, (t) => t.includes(`↺ Not this step yet (250): ${second.steps[3]!.retry}`.slice(0, 60)), REPLY_TIMEOUT_MS, 'the nudge');
    expect(await bar(page).textContent()).toContain(`step 4 of ${second.steps.length}:`);

    // The connection closes mid-lesson: a new connection is a new session, so the lesson starts over.
    await page.click('button[data-action="disconnect"]');
    await waitForTerminal(page, (t) => t.includes('↺ The connection closed before the lesson'), REPLY_TIMEOUT_MS, 'the restart');
    await stepShown(page, 1, second.steps.length);
    await page.click('button[data-action="connect"]');
    await stepShown(page, 2, second.steps.length);

    // /lesson stop ends it: the bar goes, the terminal says so.
    await typeLine(page, '/lesson stop');
    await waitForTerminal(page, (t) => t.includes('-- lesson 2 stopped'), REPLY_TIMEOUT_MS, 'the stop note');
    expect(await bar(page).isVisible()).toBe(false);
    expect(await page.locator('.practice-hint').isVisible()).toBe(true);

    // The transcript a trainee hands in says how the lessons went, among the lines of the dialog.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: REPLY_TIMEOUT_MS }), page.click('.reply-log button[data-action="save"]')]);
    const saved = (await readFile(await download.path(), 'utf8')).split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, ''));
    const notes = saved.filter((l) => l.startsWith('# lesson'));
    const [n1, n2] = [first.steps.length, second.steps.length];
    expect(notes).toEqual([
      `# lesson 1 begun: ${first.title}`,
      ...notes.slice(1, n1 + 1), // each step done: below
      '# lesson 1 done',
      `# lesson 2 begun: ${second.title}`,
      `# lesson 2, step 1 of ${n2} done (220)`,
      `# lesson 2, step 2 of ${n2} done (250)`,
      `# lesson 2, step 3 of ${n2} done (250)`,
      `# lesson 2, step 4 of ${n2}: not yet (250)`,
      '# lesson 2 started over: the connection closed',
      `# lesson 2, step 1 of ${n2} done (220)`,
      `# lesson 2 stopped at step 2 of ${n2}`,
    ]);
    expect(notes.slice(1, n1 + 1)).toEqual(first.steps.map((_, i) => expect.stringMatching(new RegExp(`^# lesson 1, step ${i + 1} of ${n1} done( \\(\\d{3}\\))?$`))));
    // Each in its place: the first step's note follows the greeting it was done by.
    expect(saved[saved.indexOf(`# lesson 1, step 1 of ${n1} done (220)`) - 1]).toMatch(/^S: 220 /);
  });

  it('an instructor\'s link opens a lesson and connects; /lesson lists the lessons and repeats the step', async () => {
    const lesson = findLesson('command-order')!;
    const page = await openPage(`?lesson=${lesson.id}&connect=1`);
    const lines = await stepShown(page, 2, lesson.steps.length);
    expect(lines).toEqual(['DATA']);
    await typeLine(page, 'DATA');
    await stepShown(page, 3, lesson.steps.length);
    // The bar changes at once; the terminal shows the same news once xterm has parsed it.
    await waitForTerminal(page, (t) => t.includes(`✓ ${lesson.steps[1]!.learn}`.slice(0, 40)), REPLY_TIMEOUT_MS, 'what the 503 taught');

    const before = (await terminalText(page)).split('▶ Step 3 of').length;
    await typeLine(page, '/lesson');
    await waitForTerminal(page, (t) => t.split('▶ Step 3 of').length > before, REPLY_TIMEOUT_MS, 'the step repeated');

    await typeLine(page, '/lesson stop');
    await typeLine(page, '/lesson');
    const text = await waitForTerminal(page, (t) => t.includes(`/lesson ${LESSONS.length}  ${LESSONS.at(-1)!.title}`), REPLY_TIMEOUT_MS, 'the list');
    expect(text).toContain('-- guided lessons');
    // None of it went to the server, which would have said 500 (command not recognized).
    expect(text).not.toContain('↳ 500');
  });

  it('/link gives the address of the lesson in hand, which opens it connected, as an instructor hands it out', async () => {
    const lesson = findLesson('refused-recipient')!;
    const page = await openPage();
    await page.click('#terminal');
    await typeLine(page, `/lesson ${LESSONS.indexOf(lesson) + 1}`);
    await stepShown(page, 1, lesson.steps.length);
    await typeLine(page, '/link');
    const text = await waitForTerminal(page, (t) => t.includes('-- this page, at lesson'), REPLY_TIMEOUT_MS, 'the link');
    // The terminal text has each line whole (wrapped rows joined): the link is on the note's line; a note that it was
    // copied may follow on the next, when the browser lets the page write the clipboard.
    const note = text.split('\n').find((l) => l.startsWith('-- this page, at lesson')) ?? '';
    const link = /(http:\/\/\S+)/.exec(note)?.[1] ?? '';
    expect(link).toBe(`${app().url}?lesson=${lesson.id}&connect=1`);
    // The page is on 127.0.0.1: the link opens on this machine only, and the terminal says how a class gets one.
    expect(text).toContain('-- 127.0.0.1 is this machine: the link opens only here. For a class, start heloterm with --host 0.0.0.0');
    const other = await openPage(link.slice(app().url.length));
    await stepShown(other, 2, lesson.steps.length);
  });

  it('a step that says to wait counts down in the bar, and a retry too early is "not yet"', async () => {
    const lesson = findLesson('refusals')!;
    const waitAt = lesson.steps.findIndex((st) => st.wait !== undefined);
    expect(waitAt).toBeGreaterThan(0);
    const page = await openPage(`?lesson=${lesson.id}&connect=1`);
    for (let n = 2; n <= waitAt; n++) for (const line of await stepShown(page, n, lesson.steps.length)) await typeLine(page, line);
    await stepShown(page, waitAt + 1, lesson.steps.length);
    const wait = bar(page).locator('.lesson-wait');
    const seconds = async (): Promise<number> => Number(/Wait (\d+) s/.exec((await wait.textContent()) ?? '')?.[1] ?? NaN);
    const first = await seconds();
    expect(first).toBeLessThanOrEqual(lesson.steps[waitAt]!.wait!);
    expect(first).toBeGreaterThan(lesson.steps[waitAt]!.wait! - 5);
    expect(await wait.getAttribute('aria-hidden')).toBe('true'); // the task says it; the ticking is not read out
    await poll(async () => (await seconds()) < first, REPLY_TIMEOUT_MS, 'the countdown to tick');
    // Retried at once, the recipient is still greylisted: a nudge, and the step stays in hand.
    await typeLine(page, lesson.steps[waitAt]!.type[0]!);
    await waitForTerminal(page, (t) => t.includes('↺ Not this step yet (450)'), REPLY_TIMEOUT_MS, 'the nudge');
    expect(await bar(page).textContent()).toContain(`step ${waitAt + 1} of ${lesson.steps.length}:`);
  });

  /**
   * Opens the lesson from an instructor's link and types each step's lines as the bar shows them, to its end;
   * `afterStep(n)` runs once step n (1-based) is typed. Returns the page.
   */
  async function playThrough(lesson: Lesson, afterStep?: (page: Page, n: number) => Promise<void>): Promise<Page> {
    const total = lesson.steps.length;
    const page = await openPage(`?lesson=${lesson.id}&connect=1`);
    for (let n = 2; n <= total; n++) {
      const lines = await stepShown(page, n, total);
      expect(lines).toEqual(lesson.steps[n - 1]!.type);
      for (const line of lines) await typeLine(page, line);
      await afterStep?.(page, n);
    }
    return page;
  }

  it('the server-log lesson goes on after QUIT closes the connection, to /log: the session as the server logged it', async () => {
    const lesson = findLesson('server-log')!;
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    // QUIT's 221 closed the connection before /log, and the lesson did not start over.
    expect(text).not.toContain('↺ The connection closed before the lesson');
    // /log showed the lines the last step names, and their explanation.
    expect(text).toMatch(/NOQUEUE: reject: RCPT from localhost\[127\.0\.0\.1\]: 550 5\.1\.1 /);
    expect(text).toMatch(/3A[0-9A-F]+: client=localhost/);
    expect(text).toMatch(/disconnect from localhost\[127\.0\.0\.1\] .*rcpt=1\/2/);
    expect(text.replace(/\n/g, '')).toContain(`✓ ${lesson.steps.at(-1)!.learn}`.slice(0, 40));
    expect(text).not.toContain('↳ 500');
    expect(pages.errors).toEqual([]);
  });

  it('the bounce lesson: the bounce shows under the 250, its Diagnostic-Code explained, its DKIM signature verified; /log has the delivery', async () => {
    const lesson = findLesson('bounce')!;
    const page = await playThrough(lesson, async (p, n) => {
      // The bounce came with the reply to the final ".", before QUIT, signed by the practice server.
      if (n === lesson.steps.length - 2) {
        const shown = await terminalText(p);
        expect(shown).toMatch(/-- then it delivered it to the mailbox server behind it, which refused gone@practice\.test: the practice server sends this bounce, message #\d+, from <>/);
        expect(shown).toContain('   │ Diagnostic-Code: smtp; 550 5.1.1 <gone@practice.test>: Recipient address');
        expect(shown).toContain('   │ Action: failed');
        expect(shown).toMatch(/ {3}│ DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=practice\.test;/);
      }
    });
    let text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    expect(text).not.toContain('↺ The connection closed before the lesson');
    // The last step verified the bounce's signature with the practice server's key, which the bridge gave for practice.test.
    expect(text).toMatch(/-- the practice server's bounce \(message #\d+\), as it sent it:/);
    expect(text.replace(/\n/g, '')).toMatch(/✓ d=practice\.test s=practice \(rsa-sha256, a 2048-bit key\): verifies: the body and the fields it signs \(.*from.*\) are as signed/);
    // The /explain step explained the refusal as a reply, in the reply log too.
    await expect.poll(() => page.locator('.reply-log li.explained').last().textContent(), { timeout: 5000 }).toContain('Recipient address rejected: User unknown');
    await expect.poll(() => page.locator('.reply-log li.dkim').count(), { timeout: 5000 }).toBe(1);
    await typeLine(page, '/log');
    text = await waitForTerminal(page, (t) => t.includes('sender non-delivery notification'), REPLY_TIMEOUT_MS, 'the bounce in /log');
    expect(text).toMatch(/postfix\/smtp\[\d+\]: 3A[0-9A-F]+: to=<gone@practice\.test>, relay=mailbox\.practice\.test\[192\.0\.2\.25\]:25, .*status=bounced/);
    await page.screenshot({ path: 'test-results/lesson-bounce.png' });
    expect(pages.errors).toEqual([]);
  });

  it('the DSN lesson: the delivery report shows under the 250, with its ENVID, and the bounce is silenced', async () => {
    const lesson = findLesson('dsn')!;
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    expect(text).toMatch(/-- it delivered it to alice@practice\.test, whose RCPT TO asked to be told \(NOTIFY=SUCCESS\): the practice server sends this delivery report, message #\d+/);
    expect(text).toContain('   │ Original-Envelope-Id: lesson11');
    expect(text).toContain('their RCPT TO said NOTIFY= without FAILURE, so no bounce goes back');
    expect(pages.errors).toEqual([]);
  });

  it('the LMTP lesson connects to the practice server\'s LMTP side from its link, where "." is answered per recipient', async () => {
    const lesson = findLesson('lmtp')!;
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    expect(text).toMatch(/^220 practice\.test LMTP /m);
    expect(text).toMatch(/^250 2\.6\.0 <alice@practice\.test> \w+ Saved$/m);
    expect(text).toMatch(/^552 5\.2\.2 <full@practice\.test> Quota exceeded \(mailbox for user is full\)$/m);
    // Its last step, /log: the mailboxes' server's side of the same two answers, in Dovecot's form.
    expect(text).toMatch(/dovecot: lmtp\(full@practice\.test\)<\d+><\w+>: msgid=<lesson13\.1@trainee\.example>: save failed to INBOX: Quota exceeded/);
    expect(text).not.toContain('↺');
    expect(await page.inputValue('input[name="port"]')).toBe(String(app().practice?.info.lmtpPort));
    // Typed while connected to the other side, a lesson does not start: it says where it is for.
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => t.slice(t.lastIndexOf('-- connecting')).includes('↳ 220'), REPLY_TIMEOUT_MS, 'the LMTP greeting again');
    await typeLine(page, '/lesson 1');
    await waitForTerminal(page, (t) => t.includes('-- lesson "Eight steps" is for the practice server\'s SMTP side: end this connection (QUIT, or Disconnect), then start it again'), REPLY_TIMEOUT_MS, 'the note');
    await typeLine(page, 'QUIT');
    await waitForTerminal(page, (t) => t.split('-- closed by the server').length === 3, REPLY_TIMEOUT_MS, 'the second close');
    // Closed, the bar gives way to the description of the LMTP side, whose lesson buttons are there too: one for the
    // SMTP side points the form back and connects there.
    await page.locator('.lesson-bar button', { hasText: 'Close' }).click();
    expect(await page.locator('.practice-hint strong').first().textContent()).toBe('Practice server, LMTP side');
    await page.locator('.practice-hint button[data-lesson="eight-steps"]').click();
    await waitForTerminal(page, (t) => /^220 practice\.test ESMTP /m.test(t), REPLY_TIMEOUT_MS, 'the SMTP greeting');
    expect(await page.inputValue('input[name="port"]')).toBe(String(app().practice?.info.port));
    expect(pages.errors).toEqual([]);
  });

  it("a lesson's button pressed right after Disconnect starts it once the connection has closed, on its side", async () => {
    const lesson = findLesson('lmtp')!;
    const page = await openPage();
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => /^220 practice\.test ESMTP /m.test(t), REPLY_TIMEOUT_MS, 'the SMTP greeting');
    // Both clicks in one task: the bridge cannot have said the connection closed between them.
    await page.evaluate((id) => {
      for (const sel of ['button[data-action="disconnect"]', `.practice-hint button[data-lesson="${id}"]`]) {
        const button = document.querySelector<HTMLButtonElement>(sel);
        if (button === null) throw new Error(`no ${sel}`);
        button.click();
      }
    }, lesson.id);
    const text = await waitForTerminal(page, (t) => /^220 practice\.test LMTP /m.test(t), REPLY_TIMEOUT_MS, 'the LMTP greeting');
    expect(text).toContain('-- disconnected: you closed the connection');
    expect(text).not.toContain('end this connection');
    expect(await stepShown(page, 2, lesson.steps.length)).toEqual(lesson.steps[1]!.type);
    expect(await page.inputValue('input[name="port"]')).toBe(String(app().practice?.info.lmtpPort));
    expect(pages.errors).toEqual([]);
  });

  it('the BDAT lesson: the message as stored comes after the reply to the LAST chunk, as after the final "."', async () => {
    const lesson = findLesson('chunking')!;
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    const queued = text.search(/^250 2\.6\.0 Ok: queued as /m);
    expect(queued).toBeGreaterThan(-1);
    expect(text.indexOf('-- the practice server stored it as message')).toBeGreaterThan(queued);
    expect(text).not.toContain('↺');
    expect(pages.errors).toEqual([]);
  });

  it('the implicit TLS lesson connects with TLS from the first byte from its link: the certificate before the greeting', async () => {
    const lesson = findLesson('implicit-tls')!;
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    expect(text.indexOf('-- TLS active')).toBeGreaterThan(-1);
    expect(text.indexOf('-- TLS active')).toBeLessThan(text.indexOf('220 practice.test ESMTP'));
    expect(text).not.toMatch(/^250-STARTTLS/m);
    expect(text).toMatch(/^235 2\.7\.0 /m);
    expect(text).toContain(' with ESMTPSA id ');
    expect(text).not.toContain('↺');
    expect(await page.inputValue('input[name="port"]')).toBe(String(app().practice?.info.tlsPort));
    expect(await page.isChecked('input[name="tls"]')).toBe(true);
    expect(pages.errors).toEqual([]);
  });

  it("the admin checks lesson ends with /tls versions and /smuggling: each step passes once the probe's answer is shown", async () => {
    const lesson = findLesson('checks')!;
    expect(lesson.steps.slice(-2).map((s) => s.type)).toEqual([['/tls versions'], ['/smuggling alice@practice.test']]);
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    // Each answer came before its step passed (the report, then the step's lesson).
    const flat = text.replace(/\n/g, '');
    for (const [shown, step] of [['   ✓ TLS 1.3 accepted', lesson.steps.at(-2)!], ['   ✓ not open to SMTP smuggling', lesson.steps.at(-1)!]] as const) {
      const report = text.indexOf(shown);
      expect(report, shown).toBeGreaterThan(-1);
      expect(flat.indexOf(`✓ ${step.learn}`.slice(0, 40))).toBeGreaterThan(text.slice(0, report).replace(/\n/g, '').length);
    }
    expect(pages.errors).toEqual([]);
  });

  it('the STARTTLS lesson ends with /tls mx: the practice server as sending servers meet it, the step passed once shown', async () => {
    const lesson = findLesson('starttls')!;
    expect(lesson.steps.at(-1)?.type).toEqual(['/tls mx practice.test']);
    const page = await playThrough(lesson);
    const text = await waitForTerminal(page, (t) => t.includes(`★ Lesson ${LESSONS.indexOf(lesson) + 1} done`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    const report = text.indexOf('-- STARTTLS on each MX host of practice.test');
    expect(report).toBeGreaterThan(-1);
    // The report came before the step passed.
    expect(text.replace(/\n/g, '').indexOf(`✓ ${lesson.steps.at(-1)!.learn}`.slice(0, 40))).toBeGreaterThan(text.slice(0, report).replace(/\n/g, '').length);
    expect(pages.errors).toEqual([]);
  });

  it('a link naming no lesson says so and lists them', async () => {
    const page = await openPage('?lesson=nope');
    const text = await waitForTerminal(page, (t) => t.includes('there is no lesson "nope"'), REPLY_TIMEOUT_MS, 'the note');
    expect(text).toContain(`/lesson 1  ${LESSONS[0]!.title}`);
    expect(await bar(page).isVisible()).toBe(false);
  });
});

describe('the instructor\'s class view in Chromium', () => {
  const KEY = 'class-key-for-the-browser-tests-42';
  const { pages, app } = helotermInChromium(() => ({ classKey: KEY }));

  it('shows a trainee page by its name, at its lesson step, as the trainee goes on; its key leaves the address bar', async () => {
    const trainee = await pages.open(app().url);
    await waitForTerminal(trainee, (t) => t.includes('press Connect'), 10_000, 'the trainee page');
    await trainee.locator('.xterm-helper-textarea').focus();
    await trainee.keyboard.type('/name Alice Martin');
    await trainee.keyboard.press('Enter');
    await waitForTerminal(trainee, (t) => t.includes('class view now shows this page as Alice Martin'), 10_000, '/name');
    await trainee.locator('button[data-lesson="eight-steps"]').click();
    await waitForTerminal(trainee, (t) => /↳ 220/.test(t), 10_000, 'the greeting');

    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    const row = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Alice Martin' });
    await row.waitFor({ timeout: 10_000 });
    expect(new URL(view.url()).hash).toBe('');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/1\. The eight steps: a test message by hand\s*step 2 of \d+/);
    expect(await row.locator('td').nth(4).textContent()).toBe('the practice server');
    expect(await view.locator('#class-lessons').textContent()).toBe('Lessons: 1 · Eight steps: 1 in hand.');

    await trainee.locator('.xterm-helper-textarea').focus();
    await trainee.keyboard.type('HELO trainee');
    await trainee.keyboard.press('Enter');
    await expect.poll(() => row.locator('.step').textContent(), { timeout: 10_000 }).toMatch(/^step 3 of \d+$/);
    // The step's command, twice without its brackets (501): the replies that were not the one it wants are counted.
    for (const line of ['MAIL FROM:trainee@example.org', 'MAIL FROM:trainee@example.org']) {
      await trainee.keyboard.type(line);
      await trainee.keyboard.press('Enter');
    }
    await expect.poll(() => row.locator('.step').textContent(), { timeout: 10_000 }).toMatch(/^step 3 of \d+ · 2 replies not yet right$/);
    expect(await row.locator('.step.stuck').count()).toBe(0);
    expect(await view.locator('#class-status').textContent()).toMatch(/^1 page open\./);

    // A reload keeps the name (in the tab), and the class view shows the new page by it, its lesson not begun.
    await trainee.reload();
    // (Its lesson cell, not the row: "none yet" in the lessons done would match the row before the reload shows.)
    const named = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Alice Martin' });
    await expect.poll(() => named.locator('td:nth-child(3)').allTextContents(), { timeout: 10_000 }).toEqual(['none']);

    // The instructor keeps a record: the table as a spreadsheet.
    const [saved] = await Promise.all([view.waitForEvent('download', { timeout: 10_000 }), view.locator('#class-save').click()]);
    expect(saved.suggestedFilename()).toMatch(/^heloterm-class-\d{4}-\d\d-\d\dT\d{4}\.csv$/);
    const csv = (await readFile(await saved.path(), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('seat,name,address,lesson in hand,step,steps,replies not yet right,lessons done,connected to,idle (s),open (s),asks for help (s),last quiz (right of asked)');
    // The reloaded page: its name, no lesson begun, not connected, not asking for help, no quiz.
    expect(csv.slice(1)).toEqual([expect.stringMatching(/^\d+,Alice Martin,127\.0\.0\.1,,,,,,,\d+,\d+,,$/), '']);

    // Without the key, the page says how to get it, and shows no one.
    const keyless = await pages.open(`${app().url}class.html`, { alongside: true });
    await expect.poll(() => keyless.locator('#class-status').textContent(), { timeout: 10_000 }).toMatch(/needs the instructor's key/);
    expect(await keyless.locator('#class-table').isHidden()).toBe(true);
  }, CLASS_TEST_MS);

  it('a trainee takes the quiz connected to the practice server, nothing sent; the class view shows the score', async () => {
    const trainee = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(trainee, (t) => /^220 practice\.test/m.test(t), REPLY_TIMEOUT_MS, 'the greeting');
    await trainee.locator('.xterm-helper-textarea').focus();
    await typeLine(trainee, '/name Quiz Taker');
    await typeLine(trainee, '/quiz');
    // Each question answered by reading it off the screen: the right answer to the first four, a wrong one after.
    for (let n = 1; n <= QUIZ_LENGTH; n++) {
      const text = await waitForTerminal(trainee, (t) => t.includes(`-- question ${n} of ${QUIZ_LENGTH}`), REPLY_TIMEOUT_MS, `question ${n}`);
      const shown = text.slice(text.lastIndexOf(`-- question ${n} of ${QUIZ_LENGTH}`)).split('\n');
      const q = QUIZ_QUESTIONS.find((x) => shown.some((l) => l.trim() === `S: ${x.reply}`));
      if (q === undefined) throw new Error(`question ${n} not found in the bank`);
      const right = q.options[q.answer] ?? '';
      const at = shown.findIndex((l) => l.trim().endsWith(`) ${right}`) && /^\s+\d\) /.test(l));
      const number = Number(/^\s+(\d)\)/.exec(shown[at] ?? '')?.[1] ?? 0);
      await typeLine(trainee, String(n <= 4 ? number : (number % q.options.length) + 1));
    }
    const done = await waitForTerminal(trainee, (t) => t.includes('-- quiz done:'), REPLY_TIMEOUT_MS, 'the score');
    expect(done).toMatch(/-- quiz done: 4 of 8 right; to read again: lesson \d+ · /);
    // The answers went to no server: the practice server never answered a "1" or a "2".
    expect(done).not.toMatch(/^50[02] /m);
    // Nor are they in the history: Up recalls the /quiz typed before them (Ctrl+C shows it, sends nothing).
    await trainee.keyboard.press('ArrowUp');
    await trainee.keyboard.press('Control+c');
    await waitForTerminal(trainee, (t) => t.includes('/quiz^C'), REPLY_TIMEOUT_MS, 'the /quiz recalled by Up');

    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    const row = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Quiz Taker' });
    await row.waitFor({ timeout: REPLY_TIMEOUT_MS });
    await expect.poll(() => row.locator('.quiz').textContent(), { timeout: REPLY_TIMEOUT_MS }).toBe('quiz: 4 of 8 right');
    // And over the class, above the table (other tests' pages may have finished quizzes too).
    expect(await view.locator('#class-lessons').textContent()).toMatch(/Quiz: \d+ pages?, \d+ of \d+ right in all/);
  });

  it('says why a call was not taken, and keeps saying it while the class is read again', async () => {
    const view = await pages.open(`${app().url}class.html#key=${KEY}`, {
      prepare: (p) => p.route(/\/class\/call$/, (route) => route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"there is no lesson \\"x\\" on this heloterm"}' })),
    });
    await view.locator('#class-call').waitFor({ timeout: 10_000 });
    const rows = await view.locator('#class-table tbody tr').count();
    await view.getByRole('button', { name: 'Ask the class' }).click();
    const said = 'Not asked: there is no lesson "x" on this heloterm.';
    await expect.poll(() => view.locator('#class-call-now').textContent(), { timeout: 10_000 }).toBe(said);
    // A page opens: the view has read the class again once it shows it, and the refusal is still there.
    await pages.open(app().url, { alongside: true });
    await expect.poll(() => view.locator('#class-table tbody tr').count(), { timeout: 10_000 }).toBe(rows + 1);
    expect(await view.locator('#class-call-now').textContent()).toBe(said);
    // Chromium logs the refused request itself, and nothing else went wrong.
    expect(pages.errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    pages.errors = [];
  });

  it('asks the class to start a lesson: each page offers it above its terminal, a page opened later too', async () => {
    const busy = await pages.open(app().url);
    await waitForTerminal(busy, (t) => t.includes('press Connect'), 10_000, 'a trainee page');
    // This trainee is at lesson 4 already.
    await busy.locator('button[data-lesson="starttls"]').click();
    await waitForTerminal(busy, (t) => /↳ 220/.test(t), 10_000, 'the greeting');
    const idle = await pages.open(app().url, { alongside: true });
    await waitForTerminal(idle, (t) => t.includes('press Connect'), 10_000, 'another trainee page');

    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    await view.locator('#class-call').waitFor({ timeout: 10_000 });
    await view.selectOption('#class-call-lesson', { label: `4 · ${LESSONS[3]?.title}` });
    await view.getByRole('button', { name: 'Ask the class' }).click();
    await expect.poll(() => view.locator('#class-call-now').textContent(), { timeout: 10_000 }).toMatch(/^Asked just now: 4 · STARTTLS \(\d+ pages open then\); pages opened since are asked too\.$/);

    // The idle page offers it, in the terminal too; its button starts the lesson (and connects), and the offer goes.
    const offer = idle.locator('.class-call');
    await expect.poll(() => offer.textContent(), { timeout: 10_000 }).toContain(`Your instructor asks the class to start lesson 4, ${LESSONS[3]?.title}.`);
    await waitForTerminal(idle, (t) => t.includes('-- your instructor asks the class to start lesson 4'), 10_000, 'the call in the terminal');
    await idle.locator('button[data-action="start-called-lesson"]').click();
    await waitForTerminal(idle, (t) => /↳ 220/.test(t), 10_000, 'the greeting');
    await expect.poll(() => bar(idle).textContent()).toContain(`Lesson 4: ${LESSONS[3]?.title}`);
    expect(await offer.isHidden()).toBe(true);
    // The page at it already is told so, and offered nothing.
    await waitForTerminal(busy, (t) => t.includes(`"${LESSONS[3]?.title}": you are at it`), 10_000, 'the call to a page at it');
    expect(await busy.locator('.class-call').isHidden()).toBe(true);

    // A page opened later is asked too; "Not now" puts the offer aside.
    const late = await pages.open(app().url, { alongside: true });
    await expect.poll(() => late.locator('.class-call').isVisible(), { timeout: 10_000 }).toBe(true);
    await late.locator('button[data-action="dismiss-call"]').click();
    expect(await late.locator('.class-call').isHidden()).toBe(true);
    // Reloaded, it is told the call again with its hello, and says nothing of a call it answered.
    await late.reload();
    await late.locator('.reply-log').waitFor({ timeout: 10_000 });
    await late.locator('.xterm-helper-textarea').focus();
    await late.keyboard.type('/rdns 127.0.0.1');
    await late.keyboard.press('Enter');
    // A lookup's answer comes on the same WebSocket after the call: once it is shown, the call has been handled.
    const reloaded = await waitForTerminal(late, (t) => t.includes('-- reverse DNS of 127.0.0.1'), 10_000, 'the lookup answered');
    expect(reloaded).not.toContain('your instructor asks');
    expect(await late.locator('.class-call').isHidden()).toBe(true);

    // The class view opened again (another tab, a reload) shows the lesson asked for chosen.
    const again = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    await expect.poll(() => again.locator('#class-call-now').textContent(), { timeout: 10_000 }).toMatch(/^Asked /);
    expect(await again.inputValue('#class-call-lesson')).toBe('starttls');

    // Withdrawn: the offer goes from the pages open, and the class view says nothing is asked.
    const third = await pages.open(app().url, { alongside: true });
    await expect.poll(() => third.locator('.class-call').isVisible(), { timeout: 10_000 }).toBe(true);
    await view.getByRole('button', { name: 'Withdraw' }).click();
    await expect.poll(() => third.locator('.class-call').isHidden(), { timeout: 10_000 }).toBe(true);
    await waitForTerminal(third, (t) => t.includes('-- your instructor withdrew the call to start a lesson'), 10_000, 'the call withdrawn');
    await expect.poll(() => view.locator('#class-call-now').textContent(), { timeout: 10_000 }).toBe('');
    expect(pages.errors).toEqual([]);
  }, CLASS_TEST_MS);

  it('says a note to the class: each page shows it above its terminal and in it, a page opened later too', async () => {
    const first = await pages.open(app().url);
    await waitForTerminal(first, (t) => t.includes('press Connect'), 10_000, 'a trainee page');
    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    await view.locator('#class-say').waitFor({ timeout: 10_000 });
    // A note a terminal would run is refused in the view, before anything is sent.
    await view.locator('#class-say-text').fill('Stop after DATA \u001b[2J');
    await view.getByRole('button', { name: 'Say', exact: true }).click();
    await expect.poll(() => view.locator('#class-say-now').textContent(), { timeout: 10_000 }).toBe('Not said: a note is one line of text, with no control characters.');
    await view.locator('#class-say-text').fill('Stop after DATA and wait for me');
    await view.getByRole('button', { name: 'Say', exact: true }).click();
    await expect.poll(() => view.locator('#class-say-now').textContent(), { timeout: 10_000 }).toMatch(/^Said just now \(\d+ pages? open then\): “Stop after DATA and wait for me”; pages opened since see it too\.$/);
    expect(await view.inputValue('#class-say-text')).toBe('');

    // The page shows it above its terminal, says it in the terminal, and keeps it in the transcript.
    const note = first.locator('.class-say');
    await expect.poll(() => note.textContent(), { timeout: 10_000 }).toBe('Your instructor says: Stop after DATA and wait for meGot it');
    await waitForTerminal(first, (t) => t.includes('-- your instructor says: Stop after DATA and wait for me'), 10_000, 'the note in the terminal');
    const [download] = await Promise.all([first.waitForEvent('download', { timeout: 10_000 }), first.locator('.reply-log button[data-action="save"]').click()]);
    expect(await readFile(await download.path(), 'utf8')).toMatch(/^ +[\d.]+ # your instructor says: Stop after DATA and wait for me$/m);
    await first.locator('button[data-action="dismiss-say"]').click();
    expect(await note.isHidden()).toBe(true);
    // Reloaded: the terminal says it again with the hello, the bar does not (put aside in this tab).
    await first.reload();
    await waitForTerminal(first, (t) => t.includes('-- your instructor says: Stop after DATA and wait for me'), 10_000, 'the note after a reload');
    expect(await note.isHidden()).toBe(true);

    // A page opened later shows it; taken back, it goes from the pages open, and the view says nothing is said.
    const late = await pages.open(app().url, { alongside: true });
    await expect.poll(() => late.locator('.class-say').isVisible(), { timeout: 10_000 }).toBe(true);
    await view.getByRole('button', { name: 'Take back' }).click();
    await expect.poll(() => late.locator('.class-say').isHidden(), { timeout: 10_000 }).toBe(true);
    await waitForTerminal(late, (t) => t.includes('-- your instructor took back the note'), 10_000, 'the note taken back');
    await expect.poll(() => view.locator('#class-say-now').textContent(), { timeout: 10_000 }).toBe('');
    expect(await view.locator('#class-say-clear').isHidden()).toBe(true);

    // A trainee asks for help; Reply in that row writes to that trainee alone.
    await late.locator('.xterm-helper-textarea').focus();
    await late.keyboard.type('/name Dana');
    await late.keyboard.press('Enter');
    await late.keyboard.type('/hand');
    await late.keyboard.press('Enter');
    const row = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Dana' });
    await row.getByRole('button', { name: 'Reply' }).click({ timeout: 10_000 });
    expect(await view.locator('#class-say-to option:checked').textContent()).toMatch(/^Dana \(page \d+\)$/);
    await expect.poll(() => view.evaluate(() => document.activeElement?.id)).toBe('class-say-text');
    await view.keyboard.type('Check the brackets around the address');
    await view.keyboard.press('Enter');
    await expect.poll(() => view.locator('#class-say-now').textContent(), { timeout: 10_000 }).toMatch(/^Said to Dana \(page \d+\) alone: “Check the brackets around the address”\.$/);
    await expect.poll(() => late.locator('.class-say').textContent(), { timeout: 10_000 }).toBe('Your instructor says to you: Check the brackets around the addressGot it');
    await waitForTerminal(late, (t) => t.includes('-- your instructor says to you: Check the brackets around the address'), 10_000, 'the note to one trainee');
    // The other page was not told.
    expect(await terminalText(first)).not.toContain('Check the brackets');

    // A class note said, then a reply to one trainee: the view names both; taking the class's back leaves the reply.
    await view.locator('#class-say-to').selectOption('');
    await view.locator('#class-say-text').fill('Stop typing for a minute');
    await view.getByRole('button', { name: 'Say', exact: true }).click();
    await expect.poll(() => late.locator('.class-say').textContent(), { timeout: 10_000 }).toBe('Your instructor says: Stop typing for a minuteGot it');
    await row.getByRole('button', { name: 'Reply' }).click({ timeout: 10_000 });
    await view.keyboard.type('One more thing');
    await view.keyboard.press('Enter');
    await expect
      .poll(() => view.locator('#class-say-now').textContent(), { timeout: 10_000 })
      .toMatch(/^Said to Dana \(page \d+\) alone: “One more thing”\. To the class: “Stop typing for a minute” \(Take back ends it\)\.$/);
    await expect.poll(() => late.locator('.class-say').textContent(), { timeout: 10_000 }).toBe('Your instructor says to you: One more thingGot it');
    await view.getByRole('button', { name: 'Take back' }).click();
    await waitForTerminal(first, (t) => t.includes('-- your instructor took back the note'), 10_000, 'the class note taken back');
    // The page with the reply over the class's note is told too (its terminal showed that note), and keeps the reply.
    await waitForTerminal(late, (t) => t.split('-- your instructor took back the note').length === 3, 10_000, 'the class note taken back under the reply');
    expect(await late.locator('.class-say').textContent()).toBe('Your instructor says to you: One more thingGot it');

    // A reply put aside gives way to the class's note, which still holds.
    await view.locator('#class-say-to').selectOption('');
    await view.locator('#class-say-text').fill('Back to your terminals');
    await view.getByRole('button', { name: 'Say', exact: true }).click();
    await expect.poll(() => late.locator('.class-say').textContent(), { timeout: 10_000 }).toBe('Your instructor says: Back to your terminalsGot it');
    await row.getByRole('button', { name: 'Reply' }).click({ timeout: 10_000 });
    await view.keyboard.type('Last thing');
    await view.keyboard.press('Enter');
    await expect.poll(() => late.locator('.class-say').textContent(), { timeout: 10_000 }).toBe('Your instructor says to you: Last thingGot it');
    await late.locator('button[data-action="dismiss-say"]').click();
    expect(await late.locator('.class-say').textContent()).toBe('Your instructor says: Back to your terminalsGot it');
    await late.locator('button[data-action="dismiss-say"]').click();
    expect(await late.locator('.class-say').isHidden()).toBe(true);
    expect(pages.errors).toEqual([]);
  }, CLASS_TEST_MS);
});

describe('a trainee\'s page opened from another machine', () => {
  // Another machine's view of heloterm: a name that is not this machine's (mapped to loopback inside Chromium alone),
  // allowed as an origin, as for a class reached by a name.
  const NAME = 'classroom.test';
  const KEY = 'class-key-for-the-browser-tests-43';
  const { pages, app } = helotermInChromium(async () => {
    const port = await freePort();
    return { port, allowedOrigins: [`http://${NAME}:${port}`], classKey: KEY };
  }, [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`]);

  it('lets a trainee ask for help: the class view shows the page asking, until the hand is lowered', async () => {
    const away = await pages.open(`http://${NAME}:${app().port}/`);
    const ask = away.locator('button[data-action="hand"]');
    await expect.poll(() => ask.textContent(), { timeout: 10_000 }).toBe('Ask for help');
    await away.locator('.xterm-helper-textarea').focus();
    await away.keyboard.type('/name Erin');
    await away.keyboard.press('Enter');
    await ask.click();
    await waitForTerminal(away, (t) => t.includes("-- your instructor's class view shows that you ask for help"), 10_000, 'the hand raised');
    expect(await ask.textContent()).toBe('Lower hand');

    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    const row = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Erin' });
    await expect.poll(() => row.locator('.hand').textContent(), { timeout: 10_000 }).toMatch(/^asks for help · \d+ s Lower hand Reply$/);
    expect(await view.locator('#class-status').textContent()).toMatch(/^1 page open\. 1 asks for help\./);
    // The tab says so, for an instructor presenting from another tab.
    expect(await view.title()).toBe('(1 asking for help) heloterm — class view');
    // /hand lowers it as the button does.
    await away.locator('.xterm-helper-textarea').focus();
    await away.keyboard.type('/hand');
    await away.keyboard.press('Enter');
    await expect.poll(() => row.locator('.hand').count(), { timeout: 10_000 }).toBe(0);
    expect(await ask.textContent()).toBe('Ask for help');
    expect(await view.title()).toBe('heloterm — class view');
    // Raised again, and lowered by the instructor once helped: the trainee's page shows it.
    await ask.click();
    await row.locator('.hand button', { hasText: 'Lower hand' }).click();
    await waitForTerminal(away, (t) => t.includes('-- your instructor lowered your hand (helped)'), 10_000, 'the hand lowered by the instructor');
    expect(await ask.textContent()).toBe('Ask for help');
    await expect.poll(() => row.locator('.hand').count(), { timeout: 10_000 }).toBe(0);
    // On the instructor's own machine there is no one to ask: no button (/hand still works).
    const here = await pages.open(app().url, { alongside: true });
    await here.locator('.reply-log').waitFor({ timeout: 10_000 });
    expect(await here.locator('button[data-action="hand"]').count()).toBe(0);
    // Over http from another machine, Chromium says it ignores Cross-Origin-Opener-Policy (the origin is not
    // "potentially trustworthy"): that warning, and nothing else.
    expect(pages.errors.filter((e) => !e.startsWith('The Cross-Origin-Opener-Policy header has been ignored'))).toEqual([]);
    pages.errors = [];
  }, CLASS_TEST_MS);

  it("shows the instructor the last lines of a trainee's dialog while the trainee asks for help, not before nor after", async () => {
    const away = await pages.open(`http://${NAME}:${app().port}/?connect=1`);
    await waitForTerminal(away, (t) => /^220 practice\.test/m.test(t), 10_000, 'the greeting');
    for (const [line, reply] of [['/name Gil', /class view now shows this page as Gil/], ['EHLO trainee', /^250 /m], ['MAIL FROM:<gil@example.org>', /^250 2\.1\.0/m], ['RCPT TO:<nobody@practice.test>', /^550 /m]] as const) {
      await away.keyboard.type(line);
      await away.keyboard.press('Enter');
      await waitForTerminal(away, (t) => reply.test(t.slice(t.lastIndexOf(line))), 10_000, `the answer to ${line}`);
    }
    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    const row = view.locator('#class-table tbody tr:not(.shared-lines)', { hasText: 'Gil' });
    await row.waitFor({ timeout: 10_000 });
    // Not asking: nothing of the dialog.
    expect(await view.locator('tr.shared-lines').count()).toBe(0);
    await away.locator('button[data-action="hand"]').click();
    const shared = view.locator('tr.shared-lines', { hasText: "Gil's last" });
    await shared.waitFor({ timeout: 10_000 });
    const lines = (await shared.locator('pre').textContent())?.split('\n') ?? [];
    expect(lines).toContain('C: RCPT TO:<nobody@practice.test>');
    expect(lines.find((l) => l.startsWith('S: 550 '))).toMatch(/^S: 550 5\.1\.1 /);
    expect(lines.at(-1)).toBe('# asked the instructor for help');
    // Newer lines follow while the hand is up; folded by the instructor, the lines stay folded across refreshes.
    await away.locator('.xterm-helper-textarea').focus();
    await away.keyboard.type('RSET');
    await away.keyboard.press('Enter');
    await expect.poll(async () => (await shared.locator('pre').textContent())?.split('\n').includes('C: RSET'), { timeout: 10_000 }).toBe(true);
    await shared.locator('summary').click();
    await view.waitForTimeout(2500);
    expect(await shared.locator('details').getAttribute('open')).toBeNull();
    // Lowered: the lines are gone from the view (and from the bridge).
    await row.locator('.hand button', { hasText: 'Lower hand' }).click();
    await expect.poll(() => view.locator('tr.shared-lines').count(), { timeout: 10_000 }).toBe(0);
    expect(pages.errors.filter((e) => !e.startsWith('The Cross-Origin-Opener-Policy header has been ignored'))).toEqual([]);
    pages.errors = [];
  }, CLASS_TEST_MS);

  it('says in the practice server\'s description how a trainee gives the class view a name; on this machine it does not', async () => {
    const away = await pages.open(`http://${NAME}:${app().port}/`);
    const hint = away.locator('.practice-hint');
    await expect.poll(() => hint.textContent(), { timeout: 10_000 }).toContain("In a class, type /name and your name: your instructor's class view shows you by it.");
    const here = await pages.open(app().url);
    await expect.poll(() => here.locator('.practice-hint').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await here.locator('.practice-hint').textContent()).not.toContain('/name');
  });
});

describe('a page on a bridge that dials its practice server alone (--practice-only)', () => {
  const { pages, app } = helotermInChromium(() => ({ practiceOnly: true }));

  it('holds the form at the practice server, says so, and says so of other servers typed, before dialling anything', async () => {
    const page = await pages.open(app().url);
    const hint = page.locator('.practice-hint');
    await expect.poll(() => hint.textContent(), { timeout: 10_000 }).toContain('It is the only server this heloterm dials: your instructor set it up so.');
    const practicePort = app().practice?.info.port;
    expect(await page.locator('input[name="port"]').inputValue()).toBe(String(practicePort));
    for (const field of ['input[name="host"]', 'input[name="port"]', 'select[name="ip"]', 'input[name="tls"]', 'button[data-action="mx"]']) {
      expect(await page.locator(field).isDisabled(), field).toBe(true);
      expect(await page.locator(field).getAttribute('title'), field).toContain('this heloterm dials only its practice server');
    }
    await page.locator('.xterm-helper-textarea').focus();
    for (const [line, said] of [
      ['telnet mx.example.org 25', '-- telnet: this heloterm dials only its practice server (its operator started it with --practice-only); press Connect to reach it'],
      ['/ports mx.example.org', '-- this heloterm dials only its practice server (its operator started it with --practice-only): /ports practice.test'],
      ['/tls versions 192.0.2.25', '-- this heloterm dials only its practice server (its operator started it with --practice-only): /tls versions practice.test'],
    ] as const) {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      await waitForTerminal(page, (t) => t.replace(/\n/g, '').includes(said), 10_000, line);
    }
    // Connect reaches the practice server.
    await page.locator('button[data-action="connect"]').click();
    await waitForTerminal(page, (t) => /^220 practice\.test ESMTP/m.test(t), 10_000, 'the greeting');
    // Its LMTP side is the practice server too: its button holds the form there and connects, even pressed right after
    // Disconnect, before the bridge has said the connection closed (both clicks in one task: no answer between them).
    await page.evaluate(() => {
      for (const sel of ['button[data-action="disconnect"]', '.practice-hint button[data-side="lmtp"]']) document.querySelector<HTMLButtonElement>(sel)?.click();
    });
    const text = await waitForTerminal(page, (t) => /^220 practice\.test LMTP/m.test(t), 10_000, 'the LMTP greeting');
    expect(text).toContain('-- disconnected: you closed the connection');
    expect(text).not.toContain('close this connection first');
    expect(await page.locator('input[name="port"]').inputValue()).toBe(String(app().practice?.info.lmtpPort));
    expect(await page.locator('input[name="port"]').isDisabled()).toBe(true);
    expect(await hint.locator('strong').first().textContent()).toBe('Practice server, LMTP side');
  });
});

describe('a class whose machines share one address, in Chromium', () => {
  const KEY = 'class-key-for-the-one-address-test';
  const { pages, app } = helotermInChromium(() => ({ maxSessionsPerAddress: 1, classKey: KEY }));

  it('tells a page turned away why and what to do, and the class view how to make room', async () => {
    const first = await pages.open(app().url);
    await waitForTerminal(first, (t) => t.includes('press Connect'), 10_000, 'the first page');
    const second = await pages.open(app().url, { alongside: true });
    await waitForTerminal(
      second,
      (t) => t.replace(/\n/g, '').includes('-- the heloterm bridge turned this page away: it takes at most 1 page from one address, and yours has that many open. Close another heloterm tab and reload;'),
      10_000,
      'the page turned away, and why',
    );
    expect(await terminalText(second)).not.toContain('access token');
    expect(await second.locator('.status').textContent()).toBe('No contact with the heloterm bridge (the terminal says why). Press Connect to try again.');
    const view = await pages.open(`${app().url}class.html#key=${KEY}`, { alongside: true });
    const away = view.locator('#class-away');
    await expect.poll(() => away.textContent(), { timeout: 10_000 }).toMatch(/^Turned away in the last 10 minutes \(the last just now\): 1 page from one address, 127\.0\.0\.1, which had 1 open already: .* --max-sessions-per-address \(now 1\)\. Those trainees see a refused connection\.$/);
    expect(await away.isVisible()).toBe(true);
    // Chromium logs the refused handshake itself; it is the one error this test causes.
    expect(pages.errors).toEqual([expect.stringMatching(/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: .*429/)]);
    pages.errors = [];
  }, CLASS_TEST_MS);
});

describe('a page opened without the token a bridge asks for, in Chromium', () => {
  const { pages, app } = helotermInChromium(() => ({ requireToken: true }));

  it('says the bridge refused it and where the address with the token is, not that it lacked room', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(
      page,
      (t) => t.replace(/\n/g, '').includes('-- the heloterm bridge refused the connection: if it needs an access token, open the URL it printed at start-up (with #token=…)'),
      10_000,
      'the refusal explained',
    );
    expect(await page.locator('.status').textContent()).toBe('No contact with the heloterm bridge (the terminal says why). Press Connect to try again.');
    expect(pages.errors).toEqual([expect.stringMatching(/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed: HTTP Authentication failed/)]);
    pages.errors = [];
    // With the token (the address heloterm printed), the same bridge lets it in.
    const admitted = await pages.open(app().launchUrl);
    await waitForTerminal(admitted, (t) => t.includes('press Connect'), 10_000, 'the page with the token');
    expect(await admitted.locator('.status').textContent()).not.toContain('refused');
  });
});

describe("a class's own lessons (--lessons) in Chromium", () => {
  const example = readLessonFile(JSON.parse(readFileSync(new URL('../../docs/lessons.example.json', import.meta.url), 'utf8')), LESSONS);
  const own = 'lessons' in example ? example.lessons : [];
  const quiz = 'quiz' in example ? example.quiz : [];
  const { pages, app } = helotermInChromium(() => ({ lessons: own, quiz }));

  it("asks the class's own quiz question in every quiz, its lesson named when answered wrong", async () => {
    const question = quiz[0]!;
    expect(question.id).toBe('size-refused');
    const page = await pages.open(app().url);
    await page.locator(`.practice-hint button[data-lesson="${own[0]!.id}"]`).waitFor({ timeout: REPLY_TIMEOUT_MS });
    await page.locator('.xterm-helper-textarea').focus();
    await typeLine(page, '/quiz');
    for (let n = 1; n <= QUIZ_LENGTH; n++) {
      const text = await waitForTerminal(page, (t) => t.includes(`-- question ${n} of ${QUIZ_LENGTH}`), REPLY_TIMEOUT_MS, `question ${n}`);
      const shown = text.slice(text.lastIndexOf(`-- question ${n} of ${QUIZ_LENGTH}`)).split('\n');
      if (!shown.some((l) => l.trim() === `S: ${question.reply}`)) {
        await typeLine(page, '1');
        continue;
      }
      // The class's question: answered wrong, so that the lesson it names is said.
      const right = shown.findIndex((l) => l.trim().endsWith(`) ${question.options[question.answer]}`));
      const number = Number(/^\s+(\d)\)/.exec(shown[right] ?? '')?.[1] ?? 0);
      await typeLine(page, String((number % question.options.length) + 1));
      const said = await waitForTerminal(page, (t) => t.includes('✗ not that one: ') && t.lastIndexOf('✗ not that one: ') > t.lastIndexOf(`-- question ${n} of`), REPLY_TIMEOUT_MS, 'the answer said');
      expect(said.slice(said.lastIndexOf('✗ not that one: ')).replace(/\n/g, '')).toContain(`${question.why} (lesson ${LESSONS.length + 1} · ${own[0]!.short})`);
      await page.keyboard.type('/quiz stop');
      await page.keyboard.press('Enter');
      return;
    }
    throw new Error("the class's own question was not asked");
  });

  it('shows them after the built-in ones, opens one from a link, and plays it through on the practice server', async () => {
    const lesson = own[0]!;
    expect(lesson.id).toBe('size-limit');
    const page = await pages.open(app().url);
    const button = page.locator(`.practice-hint button[data-lesson="${lesson.id}"]`);
    await button.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await button.textContent()).toBe(`${LESSONS.length + 1} · ${lesson.short}`);
    expect(await page.locator('.practice-hint button[data-lesson]').count()).toBe(LESSONS.length + 1);

    const linked = await pages.open(`${app().url}?lesson=${lesson.id}&connect=1`);
    const total = lesson.steps.length;
    for (let n = 2; n <= total; n++) {
      const lines = await stepShown(linked, n, total);
      expect(lines).toEqual(lesson.steps[n - 1]!.type);
      for (const line of lines) await typeLine(linked, line);
    }
    const text = await waitForTerminal(linked, (t) => t.includes(`★ Lesson ${LESSONS.length + 1} done: ${lesson.title}.`), REPLY_TIMEOUT_MS, 'the end of the lesson');
    expect(text).toMatch(/^552 5\.3\.4 /m);
    expect(pages.errors).toEqual([]);
  });

  it('takes none of them, and says why, when the file the page is served does not read (it takes nothing on trust)', async () => {
    // The file as served, changed on its way to the page: its first lesson takes the id of a built-in one.
    let refused = '';
    const page = await pages.open(app().url, {
      prepare: (p) =>
        p.route(/\/lessons\.json$/, async (route) => {
          const json = (await (await route.fetch()).json()) as { lessons: { id: string }[] };
          json.lessons[0]!.id = LESSONS[0]!.id;
          const read = readLessonFile(json, LESSONS);
          refused = 'problems' in read ? (read.problems[0] ?? '') : '';
          await route.fulfill({ json });
        }),
    });
    const text = await waitForTerminal(page, (t) => t.includes("the class's own lessons were not taken"), REPLY_TIMEOUT_MS, 'the note');
    expect(refused).toContain(LESSONS[0]!.id);
    expect(text.replace(/\s+/g, ' ')).toContain(`-- the class's own lessons were not taken: ${refused.replace(/\s+/g, ' ')}`);
    await page.locator('.practice-hint button[data-lesson]').first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await page.locator('.practice-hint button[data-lesson]').count()).toBe(LESSONS.length);
    expect(pages.errors).toEqual([]);
  });
});
