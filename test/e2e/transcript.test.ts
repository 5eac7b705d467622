/**
 * Saving the dialog in a real headless Chromium: after a session with the practice server that logs in over TLS,
 * "Save transcript" downloads the dialog as C:/S: lines, with the TLS handshake noted and the AUTH credentials
 * removed; /save does the same from the keyboard. The terminal hides the credentials as they are typed.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { REMOVED, SECRET_MARK } from '../../shared/smtp/transcript.js';
import { bestVendorMatch } from '../../shared/smtp/vendor-match.js';
import { MAX_WAITING_FRAMES } from '../../client/frame-inbox.js';
import { helotermInChromium, paste, terminalText, waitForTerminal } from '../helpers/browser.js';

const TIMEOUT_MS = 10_000;
/** Report files packed and mailed by Python (test/fixtures/reports/make.py). */
const REPORTS = new URL('../fixtures/reports/', import.meta.url);
const DMARC_ZIP = 'google.com!example.org!1764374400!1764460799.zip';
const TLS_GZ = 'google.com!example.org!1764374400!1764460799!001.json.gz';
/** "\0trainee\0practice" in base64: the practice login (server/practice/practice-server.ts). */
const CREDENTIALS = 'AHRyYWluZWUAcHJhY3RpY2U=';

describe('the transcript in Chromium', () => {
  const { pages, app } = helotermInChromium();

  /** Types a line and waits for the reply after it; `shown`: the line as the terminal shows it (credentials hidden). */
  async function type(page: Page, line: string, reply: RegExp, shown = line): Promise<void> {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.includes(shown) && reply.test(t.slice(t.lastIndexOf(shown))), TIMEOUT_MS, `the reply to ${line}`);
  }

  const hidden = (secret: string): string => SECRET_MARK.repeat(secret.length);

  /** Connects to the practice server, greets it, turns on TLS and greets it again: where a login happens. */
  async function openOverTls(): Promise<Page> {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), TIMEOUT_MS, 'the greeting');
    await type(page, 'EHLO trainee', /^250 /m);
    await type(page, 'STARTTLS', /^220 2\.0\.0 /m);
    await waitForTerminal(page, (t) => t.includes('days left)'), TIMEOUT_MS, 'the TLS findings');
    await type(page, 'EHLO trainee', /^250 /m);
    return page;
  }

  /** Pastes `text` into the "Paste & explain" dialog and has it explained. */
  async function explainPasted(page: Page, text: string): Promise<void> {
    await page.click('.reply-log button[data-action="replay"]');
    await page.fill('.replay-dialog textarea', text);
    await page.click('.replay-dialog button[value="explain"]');
  }

  async function saved(page: Page, save: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT_MS }), save()]);
    return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
  }

  it('downloads the dialog with the TLS handshake noted and the login removed', async () => {
    const page = await openOverTls();
    await type(page, `AUTH PLAIN ${CREDENTIALS}`, /^235 /m, `AUTH PLAIN ${hidden(CREDENTIALS)}`);
    // The credentials were hidden as they were typed, and stay out of the history (Up recalls the EHLO before them).
    const screen = await terminalText(page);
    expect(screen).not.toContain(CREDENTIALS);
    expect(screen.split('\n')).toContain(`AUTH PLAIN ${hidden(CREDENTIALS)}`);
    await page.keyboard.press('ArrowUp');
    await waitForTerminal(page, (t) => t.trimEnd().endsWith('EHLO trainee'), TIMEOUT_MS, 'the line recalled');
    await page.keyboard.press('Control+U');

    const { name, text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    expect(name).toMatch(/^heloterm-127\.0\.0\.1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.txt$/);
    expect(text).not.toContain(CREDENTIALS);
    const lines = text.split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, ''));
    expect(lines[0]).toMatch(/^# heloterm transcript, saved \d{4}-/);
    const dialog = lines.filter((l) => /^(C:|S:|#) /.test(l) && !l.startsWith('# heloterm') && !l.startsWith('# C:') && !l.startsWith('# AUTH'));
    expect(dialog[0]).toMatch(/^# connecting to 127\.0\.0\.1 port \d+$/);
    expect(dialog).toContain('C: EHLO trainee');
    expect(dialog).toContain('C: STARTTLS');
    expect(dialog.find((l) => l.startsWith('# TLS active'))).toMatch(/^# TLS active \(TLSv1\.3, .*\); certificate not verified: DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(dialog).toContain(`C: AUTH PLAIN ${REMOVED}`);
    expect(dialog.at(-1)).toMatch(/^S: 235 2\.7\.0 /);
    // The STARTTLS reply comes before the TLS note, and the second EHLO after it.
    const tlsAt = dialog.findIndex((l) => l.startsWith('# TLS active'));
    expect(dialog[tlsAt - 1]).toMatch(/^S: 220 2\.0\.0 /);
    expect(dialog[tlsAt + 1]).toBe('C: EHLO trainee');

    // /save from the keyboard: the same dialog, and a note in the terminal.
    await page.click('#terminal');
    const again = await saved(page, async () => {
      await page.keyboard.type('/save');
      await page.keyboard.press('Enter');
    });
    expect(again.text).toContain(`C: AUTH PLAIN ${REMOVED}`);
    await waitForTerminal(page, (t) => t.includes(`transcript saved as ${again.name}`), TIMEOUT_MS, 'the note');
  });

  it('AUTH LOGIN by hand: /base64 answers a challenge without reaching the server, and the transcript keeps no secret', async () => {
    const page = await openOverTls();
    await type(page, 'AUTH LOGIN', /^334 VXNlcm5hbWU6/m);
    await waitForTerminal(page, (t) => t.includes('The challenge is base64 for "Username:"'), TIMEOUT_MS, 'the coach');
    // Typed while the server waits for the user name: heloterm answers it; the server never sees it.
    await type(page, '/base64 trainee', /^-- base64 of trainee: dHJhaW5lZQ==/m);
    await type(page, 'dHJhaW5lZQ==', /^334 UGFzc3dvcmQ6/m, hidden('dHJhaW5lZQ=='));
    // A history search while the server waits for an answer shows as it is, not as dots (no answer is in the history).
    await page.keyboard.press('Control+r');
    await page.keyboard.type('ehlo');
    await waitForTerminal(page, (t) => t.trimEnd().endsWith("(reverse-i-search)`ehlo': EHLO trainee"), TIMEOUT_MS, 'the search shown');
    await page.keyboard.press('Control+g');
    await waitForTerminal(page, (t) => !t.includes('reverse-i-search'), TIMEOUT_MS, 'the search put away');
    await type(page, '/base64 -d UGFzc3dvcmQ6', /is base64 for: Password:/m);
    await type(page, 'cHJhY3RpY2U=', /^235 /m, hidden('cHJhY3RpY2U='));
    // Each answer to a challenge showed as dots (the /base64 line, heloterm's own, stayed readable).
    const screen = (await terminalText(page)).split('\n');
    expect(screen).toContain('/base64 trainee');
    expect(screen.filter((l) => l === hidden('dHJhaW5lZQ=='))).toHaveLength(2);
    expect(screen.join('\n')).not.toContain('cHJhY3RpY2U=');

    const { text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    for (const secret of ['dHJhaW5lZQ==', 'cHJhY3RpY2U=', '/base64']) expect(text).not.toContain(secret);
    const dialog = text.split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, ''));
    const auth = dialog.indexOf('C: AUTH LOGIN');
    expect(dialog.slice(auth, auth + 6)).toEqual([
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      `C: ${REMOVED}`,
      'S: 334 UGFzc3dvcmQ6',
      `C: ${REMOVED}`,
      'S: 235 2.7.0 Authentication successful',
    ]);
  });

  it('AUTH CRAM-MD5: /cram-md5 computes the answer and puts it on the line; its password shows as dots and is kept nowhere', async () => {
    const page = await openOverTls();
    await type(page, 'AUTH CRAM-MD5', /^334 /m);
    await waitForTerminal(page, (t) => t.includes('/cram-md5 USER PASSWORD computes it here'), TIMEOUT_MS, 'the coach');
    // The password shows as dots as it is typed, and once the line is taken.
    await type(page, '/cram-md5 trainee practice', /is on the line: press Enter/, `/cram-md5 trainee ${hidden('practice')}`);
    const answer = /"trainee ([0-9a-f]{32})" in base64/.exec(await terminalText(page))?.[1];
    expect(answer).toMatch(/^[0-9a-f]{32}$/);
    // The answer waits on the line (as dots: an AUTH answer); Enter sends it, and the server takes it.
    const line = Buffer.from(`trainee ${answer}`).toString('base64');
    await type(page, '', /^235 2\.7\.0 /m, hidden(line));
    const screen = (await terminalText(page)).split('\n');
    expect(screen).toContain(`/cram-md5 trainee ${hidden('practice')}`);
    expect(screen.join('\n')).not.toContain(line);
    // Neither the command with its password nor the answer is recalled: Up brings back the AUTH before them.
    await page.keyboard.press('ArrowUp');
    await waitForTerminal(page, (t) => t.trimEnd().endsWith('AUTH CRAM-MD5'), TIMEOUT_MS, 'the AUTH recalled');
    await page.keyboard.press('Control+U');
    const { text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    for (const secret of [line, '/cram-md5', answer!]) expect(text).not.toContain(secret);
    expect(pages.errors).toEqual([]);
  });

  it('AUTH LOGIN pasted with its answers: they show as dots, stay out of the history and out of the transcript', async () => {
    const page = await openOverTls();
    await paste(page, 'AUTH LOGIN\rdHJhaW5lZQ==\rcHJhY3RpY2U=\r');
    await waitForTerminal(page, (t) => /^235 /m.test(t), TIMEOUT_MS, 'the login');
    const screen = (await terminalText(page)).split('\n');
    const at = screen.indexOf('AUTH LOGIN');
    expect(screen.slice(at, at + 3)).toEqual(['AUTH LOGIN', hidden('dHJhaW5lZQ=='), hidden('cHJhY3RpY2U=')]);
    expect(screen.join('\n')).not.toMatch(/dHJhaW5lZQ==|cHJhY3RpY2U=/);
    // Up recalls the AUTH command, not an answer.
    await page.keyboard.press('ArrowUp');
    await waitForTerminal(page, (t) => t.trimEnd().endsWith('AUTH LOGIN'), TIMEOUT_MS, 'the recalled line');
    await page.keyboard.press('Control+U');
    const { text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    expect(text).not.toMatch(/dHJhaW5lZQ==|cHJhY3RpY2U=/);
    const dialog = text.split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, ''));
    // The two answers follow the AUTH command (the server's 334s may come between them: the lines of a paste are
    // written as the bridge gets them), both removed.
    const sent = dialog.slice(dialog.indexOf('C: AUTH LOGIN')).filter((l) => l.startsWith('C: '));
    expect(sent.slice(0, 3)).toEqual(['C: AUTH LOGIN', `C: ${REMOVED}`, `C: ${REMOVED}`]);
    expect(dialog).toContain('S: 235 2.7.0 Authentication successful');
  });

  it('notes under a refusal what it means and its likely cause, for a reader without heloterm; pasted back, as before', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), TIMEOUT_MS, 'the greeting');
    await type(page, 'HELO trainee', /^250 /m);
    await type(page, 'MAIL FROM:<trainee@example.org>', /^250 /m);
    await type(page, 'RCPT TO:<nobody@practice.test>', /^550 /m);
    await type(page, 'RCPT TO:<alice@practice.test>', /^250 /m);
    const { text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    const lines = text.split('\n').map((l) => l.replace(/^ *\d+\.\d{3} /, ''));
    const refused = lines.findIndex((l) => l.startsWith('S: 550 '));
    // The practice server refuses in Postfix's words, so the note has the likely cause too.
    const likely = bestVendorMatch(550, '<nobody@practice.test>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(lines[refused + 1]).toBe(`# ↳ 550 Mailbox unavailable · 5.1.1 Bad destination mailbox address; likely: ${likely?.title}. ${likely?.action}`);
    // Only refusals: no note under a 250.
    expect(lines.filter((l) => l.startsWith('# ↳ '))).toHaveLength(1);
    // Pasted back, the note is a note: the same four replies are explained.
    await explainPasted(page, text);
    await waitForTerminal(page, (t) => t.includes('-- end of the explained transcript: 5 replies'), TIMEOUT_MS, 'the explained transcript');
  });

  it('explains a saved transcript pasted back ("Paste & explain", /replay): every reply, as when it was received', async () => {
    const page = await openOverTls();
    await type(page, `AUTH PLAIN ${CREDENTIALS}`, /^235 /m, `AUTH PLAIN ${hidden(CREDENTIALS)}`);
    await type(page, 'QUIT', /^221 /m);
    const { text } = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    await explainPasted(page, text);
    const shown = await waitForTerminal(page, (t) => t.includes('-- end of the explained transcript: 6 replies'), TIMEOUT_MS, 'the explained transcript');
    const explained = shown.slice(shown.indexOf('-- explained transcript')).split('\n');
    // Each reply with its annotation, in order; the login as the page would show it.
    expect(explained.filter((l) => l.startsWith('  ↳ ')).map((l) => l.slice(4, 7))).toEqual(['220', '250', '220', '250', '235', '221']);
    expect(explained).toContain(`AUTH PLAIN ${REMOVED.replace(/./g, SECRET_MARK)}`);
    // In the reply log too, marked as replayed, answering what they answered.
    await expect.poll(() => page.locator('.reply-log li.explained').count(), { timeout: TIMEOUT_MS }).toBe(6);
    const last = page.locator('.reply-log li.explained').last();
    expect(await last.locator('.reply-origin').textContent()).toBe('/replay: ');
    expect(await last.textContent()).toContain('Answer to QUIT:');
    // /replay opens the same dialog; Cancel explains nothing.
    await page.click('#terminal');
    await page.keyboard.type('/replay');
    await page.keyboard.press('Enter');
    await page.locator('.replay-dialog[open]').waitFor({ timeout: TIMEOUT_MS });
    await page.fill('.replay-dialog textarea', '250 ok');
    await page.click('.replay-dialog button[value="cancel"]');
    await expect.poll(() => page.locator('.replay-dialog[open]').count(), { timeout: TIMEOUT_MS }).toBe(0);
    expect(await page.locator('.reply-log li.explained').count()).toBe(6);
  });

  it('explains a bounce pasted into the same dialog: each quoted reply, for what it answered', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await explainPasted(
      page,
      [
        '<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1',
        '    <bob@example.org>: Recipient address rejected: User unknown in local',
        '    recipient table (in reply to RCPT TO command)',
        '',
        'Final-Recipient: rfc822; bob@example.org',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address',
        '    rejected: User unknown in local recipient table',
      ].join('\n'),
    );
    const text = await waitForTerminal(page, (t) => t.includes('-- end of the explained bounce: 1 reply'), TIMEOUT_MS, 'the explained bounce');
    expect(text).toContain('-- bob@example.org: host mx.example.org[192.0.2.10] said, in reply to RCPT TO:');
    expect(text).toMatch(/^ {2}⚑ likely: /m);
    const entry = page.locator('.reply-log li.explained');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.textContent()).toContain('Answer to RCPT:');
  });

  it('reads mail log lines pasted into the same dialog: each reply for what it answered, a timeout explained', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    // As Postfix 3.x writes them (its documented format), not recorded from a server.
    await explainPasted(
      page,
      [
        'Nov 30 00:12:34 mx postfix/smtp[12345]: 3F2A1C0042: to=<bob@example.org>, relay=mx.example.org[192.0.2.10]:25, delay=0.52, delays=0.01/0/0.3/0.21, dsn=4.2.0, status=deferred (host mx.example.org[192.0.2.10] said: 450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html (in reply to RCPT TO command))',
        'Nov 30 00:14:00 mx postfix/smtp[12347]: 5C2F3A0045: to=<y@example.com>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[198.51.100.7]:25: Connection timed out)',
      ].join('\n'),
    );
    const text = await waitForTerminal(page, (t) => t.includes('-- end of the explained log lines: 1 reply'), TIMEOUT_MS, 'the explained log lines');
    expect(text).toContain('-- 3F2A1C0042 to bob@example.org via mx.example.org[192.0.2.10]:25: deferred (dsn=4.2.0); the server said, in reply to RCPT TO:');
    expect(text).toMatch(/^ {2}⚑ likely: .*[Gg]reylist/m);
    expect(text).toContain('no answer on port 25: often blocked on the way');
    const entry = page.locator('.reply-log li.explained');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.textContent()).toContain('Answer to RCPT:');
    // One log line after /explain is read as a log line too: what it answered comes with it.
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('/explain Nov 30 00:15:00 mx postfix/smtp[12348]: 6D3A4B0046: to=<z@example.com>, relay=mx.example.com[198.51.100.8]:25, dsn=5.7.1, status=bounced (host mx.example.com[198.51.100.8] said: 554 5.7.1 Message rejected as spam (in reply to end of DATA command))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.split('-- end of the explained log lines: 1 reply').length === 3, TIMEOUT_MS, 'the line after /explain');
    await expect.poll(() => entry.count(), { timeout: TIMEOUT_MS }).toBe(2);
    expect(await entry.nth(1).textContent()).toContain('the end of the message');
    // OpenSMTPD's and Sendmail's lines too (as OpenSMTPD 6.x writes them, not recorded).
    await page.keyboard.type('/explain Nov 30 00:16:00 mx smtpd[48048]: 2cd79d8bacbe2c12 smtp failed-command command="RCPT TO:<info@example.org>" result="550 Invalid recipient: <info@example.org>"');
    await page.keyboard.press('Enter');
    const after = await waitForTerminal(page, (t) => t.split('-- end of the explained log lines: 1 reply').length === 4, TIMEOUT_MS, 'the OpenSMTPD line');
    expect(after).toContain("-- 2cd79d8bacbe2c12: this server (OpenSMTPD) refused the client's RCPT TO:<info@example.org>:");
    await expect.poll(() => entry.count(), { timeout: TIMEOUT_MS }).toBe(3);
    expect(await entry.nth(2).textContent()).toContain('Answer to RCPT:');
  });

  it('reads a mail queue pasted as mailq printed it: each reason once, the reply it quotes explained, the held message said', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    // Recorded from Postfix 3.7 (test/fixtures/queues/README.md).
    await explainPasted(page, await readFile(new URL('../fixtures/queues/postfix-3.7-mailq.txt', import.meta.url), 'utf8'));
    const text = await waitForTerminal(page, (t) => t.includes('-- end of the explained mail queue: 1 reply'), TIMEOUT_MS, 'the explained queue');
    expect(text).toContain('-- explained mail queue, not sent to any server nor received from one:');
    expect(text).toMatch(/^-- Postfix's mail queue \(mailq, postqueue -p\): 5 messages for 6 recipients still to deliver \(1 held\); the oldest arrived /m);
    expect(text).toContain('-- 2 recipients of 2 messages (bob@greylist.test…), waiting');
    expect(text).toMatch(/^ {2}⚑ likely: .*[Gg]reylist/m);
    expect(text).toContain('-- 1 message held (!): never delivered until released');
    const entry = page.locator('.reply-log li.explained');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.textContent()).toContain('Answer to RCPT:');
  });

  it("reads a message's header fields pasted into the same dialog: the spam verdict, the receiver's results, its DKIM signature and the path", async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await explainPasted(
      page,
      [
        'Received: from mx.example.net by mx.example.com; Sun, 29 Nov 2026 22:30:00 +0000',
        'Received: from app.example.net by mx.example.net; Sun, 29 Nov 2026 22:00:00 +0000',
        'Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.net;',
        '  dkim=fail header.d=example.net header.s=s1',
        'DKIM-Signature: v=1; a=rsa-sha1; c=relaxed/relaxed; d=example.net; s=s1;',
        '\th=to:subject; bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=; b=dGVzdA==',
        'From: Bob <bob@example.net>',
        'Subject: hi',
        'X-Spam-Status: Yes, score=6.1 required=5.0 tests=BAYES_99,RDNS_NONE autolearn=no version=3.4.6',
      ].join('\n'),
    );
    const text = await waitForTerminal(page, (t) => t.includes("-- the message's header fields"), TIMEOUT_MS, 'the header fields read');
    // The spam filter's verdict first: where the message went, and the rules that sent it there.
    expect(text).toContain("-- the message's header fields: the spam filter's verdict, what the receiver found");
    expect(text).toMatch(/^ {3}✗ SpamAssassin: spam, score 6\.1 \(spam from 5\.0\)/m);
    expect(text.replace(/\n/g, '')).toContain("RDNS_NONE: the sending server's address has no reverse DNS name (PTR)");
    expect(text).toContain('/dkim s1 example.net shows the key');
    // Its own DKIM signature, read for what makes receivers set it aside.
    const flat = text.replace(/\n/g, '');
    expect(flat).toContain('a=rsa-sha1: receivers must not take it as valid since RFC 8301');
    expect(flat).toContain('h= does not list From: a signature must cover the From: field');
    expect(text).toContain('hop 2: from mx.example.net by mx.example.com (+30 min): held here, queued or greylisted');
    // Then the rules Gmail, Yahoo and Outlook.com set senders, as this message met them.
    expect(flat).toContain("then the rules Gmail, Yahoo and Outlook.com set senders");
    expect(flat).toContain('bulk senders: SPF and DKIM must both pass; DKIM did not');
    expect(flat).toContain('every sender: no Date: or Message-ID: field in what was pasted');
    const entry = page.locator('.reply-log li.headers');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('HEADERS');
  });

  it('reads an SPF and a DMARC record pasted, as dig printed them, as receivers read them; and DMARC, TLS and feedback reports', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await explainPasted(
      page,
      ['example.org.\t300\tIN\tTXT\t"v=spf1 inculde:_spf.google.com ~all"', '_dmarc.example.org. 300 IN TXT "v=DMARC1; p=reject; rua=dmarc@example.org"'].join('\n'),
    );
    const text = await waitForTerminal(page, (t) => t.includes('-- the records pasted, read as receivers read them'), TIMEOUT_MS, 'the records read');
    const flat = text.replace(/\n/g, '');
    expect(flat).toContain('"inculde:_spf.google.com" is no SPF mechanism: receivers stop with a permanent error (permerror)');
    expect(flat).toContain('p=reject: receivers refuse mail that fails DMARC (neither SPF nor DKIM aligned with example.org)');
    expect(flat).toContain('rua=dmarc@example.org: each address must be a mailto: URI');
    const entry = page.locator('.reply-log li.dns').last();
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.locator('.reply-code').textContent()).toBe('DNS');

    // A DMARC aggregate report, unzipped: who sends as the domain, and what passed.
    await explainPasted(
      page,
      [
        '<?xml version="1.0" encoding="UTF-8" ?><feedback><report_metadata><org_name>google.com</org_name>',
        '<date_range><begin>1764374400</begin><end>1764460799</end></date_range></report_metadata>',
        '<policy_published><domain>example.org</domain><p>none</p></policy_published>',
        '<record><row><source_ip>198.51.100.7</source_ip><count>40</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>',
        '<identifiers><header_from>example.org</header_from></identifiers><auth_results><dkim><domain>esp.example.net</domain><result>pass</result></dkim></auth_results></record></feedback>',
      ].join('\n'),
    );
    const report = await waitForTerminal(page, (t) => t.includes('-- DMARC aggregate report from google.com for example.org'), TIMEOUT_MS, 'the report read');
    expect(report.replace(/\n/g, '')).toContain('198.51.100.7: 40 messages from example.org, DKIM fail and SPF fail aligned → DMARC fail');

    // A TLS report (RFC 8460): sessions to the MX hosts, and why any failed.
    await explainPasted(
      page,
      JSON.stringify({
        'organization-name': 'Google Inc.',
        'date-range': { 'start-datetime': '2025-11-29T00:00:00Z', 'end-datetime': '2025-11-29T23:59:59Z' },
        policies: [{ policy: { 'policy-type': 'sts', 'policy-domain': 'example.org' }, summary: { 'total-successful-session-count': 10, 'total-failure-session-count': 2 }, 'failure-details': [{ 'result-type': 'certificate-expired', 'failed-session-count': 2 }] }],
      }),
    );
    const tls = await waitForTerminal(page, (t) => t.includes('-- SMTP TLS report from Google Inc.'), TIMEOUT_MS, 'the TLS report read');
    expect(tls.replace(/\n/g, '')).toContain('certificate-expired: 2 sessions: the certificate had expired');

    // A feedback loop's complaint (ARF): what to do, and the message's way; listed in the log as a report received.
    await explainPasted(
      page,
      ['Content-Type: message/feedback-report', '', 'Feedback-Type: abuse', 'User-Agent: Yahoo!-Mail-Feedback/2.0', 'Version: 0.1', 'Original-Mail-From: <bounce-42@news.example.org>', 'Source-IP: 198.51.100.7'].join('\n'),
    );
    const arf = await waitForTerminal(page, (t) => t.includes('-- Feedback report from Yahoo!-Mail-Feedback/2.0 (ARF, RFC 5965): abuse'), TIMEOUT_MS, 'the complaint read');
    expect(arf.replace(/\n/g, '')).toContain('abuse: a recipient marked the message as spam. Take that recipient off your lists now');
    const complaint = page.locator('.reply-log li.report', { hasText: 'Feedback report' });
    await complaint.waitFor({ timeout: TIMEOUT_MS });
    expect(await complaint.locator('.reply-code').textContent()).toBe('REPORT');
    expect(await complaint.locator('.reply-text').textContent()).toBe('Feedback report from Yahoo!-Mail-Feedback/2.0 (ARF, RFC 5965): abuse');
  });
  it('opens report files as receivers send them: a zip chosen, a gzip dropped on the page, a report mail pasted; a damaged file said', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    const flat = async (): Promise<string> => (await terminalText(page)).replace(/\n/g, '');
    // Google's zip, chosen with Open a file…: unpacked into the box, said in the dialog, explained with where it came from.
    await page.click('.reply-log button[data-action="replay"]');
    const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT_MS });
    await page.click('.replay-dialog button.replay-open');
    await (await chooser).setFiles(fileURLToPath(new URL(encodeURIComponent(DMARC_ZIP), REPORTS)));
    await page.waitForFunction((n) => document.querySelector('.replay-status')?.textContent?.startsWith(`${n} → `) === true, DMARC_ZIP, { timeout: TIMEOUT_MS });
    expect(await page.inputValue('.replay-dialog textarea')).toMatch(/^<\?xml version="1\.0"[^]*<\/feedback>\n$/);
    await page.click('.replay-dialog button[value="explain"]');
    await waitForTerminal(page, (t) => t.includes('-- DMARC aggregate report from google.com'), TIMEOUT_MS, 'the zipped report read');
    expect(await flat()).toContain(`-- read from ${DMARC_ZIP} → google.com!example.org!1764374400!1764460799.xml`);
    expect(await flat()).toContain('198.51.100.7: 40 messages from example.org, DKIM fail and SPF fail aligned → DMARC fail');

    // A TLS report's gzip dropped on the terminal (with another file), as from a file manager: the dialog opens with it (a browser would
    // otherwise open the file in place of the page).
    const gz = Array.from(await readFile(new URL(encodeURIComponent(TLS_GZ), REPORTS)));
    await page.evaluate(
      ([bytes, name]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/gzip' }));
        data.items.add(new File(['another'], 'notes.txt', { type: 'text/plain' }));
        const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
        document.querySelector('#terminal')!.dispatchEvent(drop);
        if (!drop.defaultPrevented) throw new Error('the drop was left to the browser');
      },
      [gz, TLS_GZ] as const,
    );
    // Two files dropped: the first opened, the other said not to be.
    await page.waitForFunction(() => document.querySelector('.replay-status')?.textContent?.endsWith('Press Explain. (1 more file dropped, not opened: one at a time)') === true, undefined, { timeout: TIMEOUT_MS });
    await page.click('.replay-dialog button[value="explain"]');
    await waitForTerminal(page, (t) => t.includes('-- SMTP TLS report from Google Inc.'), TIMEOUT_MS, 'the gzipped TLS report read');
    expect(await flat()).toContain('certificate-expired: 3 sessions to mx1.example.org from 209.85.220.41: the certificate had expired');

    // The report mail's source pasted (as "Show original" copies it): its attachment unpacked on Explain.
    await explainPasted(page, await readFile(new URL('dmarc-report-mail.eml', REPORTS), 'utf8'));
    await waitForTerminal(page, (t) => t.split('-- DMARC aggregate report from google.com').length === 3, TIMEOUT_MS, 'the mailed report read');
    expect(await flat()).toContain(`-- read from the mail pasted → ${DMARC_ZIP} → google.com!example.org!1764374400!1764460799.xml`);

    // A damaged file: said in the dialog, the box left as it was, nothing explained.
    await page.click('.reply-log button[data-action="replay"]');
    await page.fill('.replay-dialog textarea', 'kept');
    await page.setInputFiles('.replay-dialog input[type=file]', { name: 'r.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04 cut short') });
    await page.waitForFunction(() => document.querySelector('.replay-status.bad') !== null, undefined, { timeout: TIMEOUT_MS });
    expect(await page.textContent('.replay-status')).toBe('r.zip: it is not a whole zip file (no central directory at its end): it may be cut short.');
    expect(await page.inputValue('.replay-dialog textarea')).toBe('kept');
  });

  it('keeps at most 16 frames waiting to be read while a pasted pipeline is answered one reply a frame, and reads them all', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), TIMEOUT_MS, 'the greeting');
    await type(page, 'EHLO admin.example', /^250 /m);
    await type(page, 'MAIL FROM:<admin@example.net>', /^250 /m);
    type Frames = { __heloterm: { frames(): { received: number; read: number; mostWaiting: number } } };
    const before = await page.evaluate(() => (window as unknown as Frames).__heloterm.frames());
    // The practice server answers each RCPT apart: the replies come faster, in small frames, than the page reads them.
    // Kept without a bound, 59 and 115 waited in two runs (client/frame-inbox.ts, push).
    await paste(page, Array.from({ length: 300 }, (_, i) => `RCPT TO:<user${i}@practice.test>\r`).join(''));
    await waitForTerminal(page, (t) => t.includes('<user299@practice.test>: Recipient address rejected'), TIMEOUT_MS, 'the last reply');
    const frames = await page.evaluate(() => (window as unknown as Frames).__heloterm.frames());
    expect(frames.received - before.received).toBeGreaterThan(MAX_WAITING_FRAMES);
    expect(frames.read).toBe(frames.received);
    expect(frames.mostWaiting).toBeLessThanOrEqual(MAX_WAITING_FRAMES);
    expect(pages.errors).toEqual([]);
  });

  it('keeps the reply path run ahead in idle time off the page: not in the terminal, the reply log nor the transcript', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), TIMEOUT_MS, 'the greeting');
    // The app reads a made-up Postfix dialog a few hundred times once it has started (client/reply-warmup.ts).
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __heloterm: { replyPathWarm(): boolean } }).__heloterm.replyPathWarm()), { timeout: TIMEOUT_MS })
      .toBe(true);
    await type(page, 'NOOP', /^250 /m);
    // The practice server's replies are numbered from 1 as ever: the copy's own were counted in a store of its own.
    const text = await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `), TIMEOUT_MS, "the NOOP's annotation");
    expect(text).toMatch(/\[2\]\s*$/m);
    const log = await page.locator('.reply-log').innerText();
    const saves = await saved(page, () => page.click('.reply-log button[data-action="save"]'));
    for (const shown of [text, log, saves.text]) {
      for (const copyOnly of ['mx.example.org', 'Greylisted', '4Bq2xK0bYz', 'alice@example.net']) expect(shown).not.toContain(copyOnly);
    }
    expect(saves.text).toContain('C: NOOP');
    expect(pages.errors).toEqual([]);
  });
});
