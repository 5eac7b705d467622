/**
 * `/scram` in a real headless Chromium against a scripted server on loopback that offers only AUTH SCRAM-SHA-256 and
 * answers it with the practice server's exchange (server/practice/scram.ts: it stores only the salted keys, checks the
 * client's proof and answers with its signature), and records every line it gets. The page must take the user through
 * the exchange (each message put on the line for Enter), check the server's signature, and never show or send the
 * password. (The page's SCRAM is checked against the RFCs' worked examples in test/unit/scram.test.ts.)
 */
import net from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScramServerExchange, scramCredentials } from '../../server/practice/scram.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { helotermInChromium, terminalText, waitForTerminal } from '../helpers/browser.js';

const TIMEOUT_MS = 10_000;
const USER = 'trainee';
const PASSWORD = 'open sesame';
const CREDENTIALS = scramCredentials(USER, PASSWORD);
/** The enhanced codes a real server puts after the exchange's replies (RFC 3463; Postfix's). */
const ENHANCED: Readonly<Record<number, string>> = { 235: '2.7.0 ', 501: '5.5.4 ', 535: '5.7.8 ' };

/** A server that offers AUTH SCRAM-SHA-256 and verifies it; the lines it received, for the test to read. */
function scramServer(): Promise<{ port: number; lines: string[]; close(): void }> {
  const lines: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    /** The exchange under way, whose next line is an answer to a 334. */
    let exchange: ScramServerExchange | null = null;
    const say = (text: string): void => void socket.write(`${text}\r\n`);
    say('220 scram.fake.example ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        lines.push(line);
        const auth = /^AUTH SCRAM-SHA-256 (\S+)$/i.exec(line);
        let answer: string | null = null;
        if (exchange !== null) answer = line;
        else if (auth !== null) {
          exchange = new ScramServerExchange(CREDENTIALS);
          answer = auth[1] ?? '';
        } else if (/^EHLO /i.test(line)) say('250-scram.fake.example\r\n250 AUTH SCRAM-SHA-256');
        else if (/^QUIT$/i.test(line)) {
          say('221 2.0.0 Bye');
          socket.end();
        } else say('502 5.5.2 Error: command not recognized');
        if (exchange === null || answer === null) continue;
        const r = exchange.answer(answer);
        if (r.code !== 334) exchange = null;
        say(`${r.code} ${ENHANCED[r.code] ?? ''}${r.text}`);
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, lines, close: () => server.close() });
    });
  });
}

describe('/scram in Chromium', () => {
  let server: Awaited<ReturnType<typeof scramServer>>;
  beforeAll(async () => {
    server = await scramServer();
  });
  afterAll(() => server?.close());
  const { pages, app } = helotermInChromium(() => ({ practice: false, allowedPorts: [server.port] }));

  /** Types a line and presses Enter; waits until the terminal has one more `mark` than before. */
  async function enter(page: Page, line: string, mark: string): Promise<string> {
    const before = (await terminalText(page)).split(mark).length;
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    return waitForTerminal(page, (t) => t.split(mark).length > before, TIMEOUT_MS, `"${mark}" after "${line}"`);
  }

  /** The terminal's last line: where the page puts a line for Enter. */
  const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
  const inputLine = async (page: Page): Promise<string> => lastLine(await terminalText(page));
  /** The line the page puts on the input line for Enter, once it is there (it is typed in after the note). */
  const prefilled = async (page: Page, line: RegExp): Promise<string> => lastLine(await waitForTerminal(page, (t) => line.test(lastLine(t)), TIMEOUT_MS, `${line} on the input line`));

  async function connected(): Promise<Page> {
    const page = await pages.open(`${app().url}?host=127.0.0.1&port=${server.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting');
    await enter(page, 'EHLO client.example', `${ANNOTATION_MARK} 250 `);
    return page;
  }

  it('takes the user through SCRAM-SHA-256: each message put on the line, the server signature checked, 235', async () => {
    const page = await connected();
    // The first message: AUTH with it, on the line (its base64 shown as dots, as an AUTH's initial response is).
    const said = await enter(page, `/scram ${USER} ${PASSWORD}`, 'type /scram when');
    expect(said).not.toContain('it will refuse it'); // offered
    expect(await prefilled(page, /^AUTH SCRAM-SHA-256 /)).toMatch(/^AUTH SCRAM-SHA-256 •+$/);
    await enter(page, '', `${ANNOTATION_MARK} 334 `);
    expect(server.lines.at(-1)).toMatch(/^AUTH SCRAM-SHA-256 [A-Za-z0-9+/=]+$/);
    // The proof, computed from the server's salt and rounds.
    await enter(page, '/scram', 'is on the line');
    expect(await terminalText(page)).toContain(`${CREDENTIALS.iterations.toLocaleString('en-US')} rounds of SHA-256`);
    await prefilled(page, /^•{20,}$/);
    const before = (await terminalText(page)).split(`${ANNOTATION_MARK} 334 `).length;
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.split(`${ANNOTATION_MARK} 334 `).length > before, TIMEOUT_MS, 'the server signature');
    // The server's signature, checked; an empty line ends the exchange.
    await enter(page, '/scram', 'signature checks');
    const text = await enter(page, '', `${ANNOTATION_MARK} 235 `);
    expect(text).toContain('235 2.7.0 Authentication successful');
    // The password went nowhere: not on screen, not to the server, and the lines the server got were SCRAM's.
    expect(text).not.toContain(PASSWORD);
    expect(server.lines.join('\n')).not.toContain('sesame');
    expect(server.lines.some((l) => l.startsWith('/'))).toBe(false);
  });

  it('gets the server refusal for a wrong password, and says so rather than answering again', async () => {
    const page = await connected();
    await enter(page, `/scram ${USER} open sesam`, 'type /scram when');
    await prefilled(page, /^AUTH SCRAM-SHA-256 /);
    await enter(page, '', `${ANNOTATION_MARK} 334 `);
    await enter(page, '/scram', 'is on the line');
    await prefilled(page, /^•{20,}$/);
    const before = (await terminalText(page)).split(`${ANNOTATION_MARK} 535 `).length;
    await page.keyboard.press('Enter');
    await waitForTerminal(page, (t) => t.split(`${ANNOTATION_MARK} 535 `).length > before, TIMEOUT_MS, 'the refusal');
    // No challenge open now: /scram says so and puts nothing on the line.
    await enter(page, '/scram', 'no SCRAM exchange');
    expect(await inputLine(page)).not.toMatch(/^[A-Za-z0-9+/=]{20,}$/);
  });

  it('warns when the server does not offer the mechanism asked for', async () => {
    const page = await connected();
    const text = await enter(page, `/scram-sha-1 ${USER} ${PASSWORD}`, 'type /scram when');
    expect(text).toContain("the server's EHLO offers AUTH SCRAM-SHA-256, not SCRAM-SHA-1: it will refuse it");
    expect(await prefilled(page, /^AUTH SCRAM-SHA-1 /)).toMatch(/^AUTH SCRAM-SHA-1 •+$/);
  });
});
