/**
 * `/scram` in a real headless Chromium against a server on loopback that verifies SCRAM-SHA-256 the server's way
 * (RFC 5802 §3), written here with Node's own crypto (pbkdf2Sync, createHmac), not the page's: it stores only the
 * salted keys, checks the client's proof against them and answers with its signature. The page must take the user
 * through the exchange (each message put on the line for Enter), check the server's signature, and never show or send
 * the password.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';
import { helotermInChromium, terminalText, waitForTerminal } from '../helpers/browser.js';

const TIMEOUT_MS = 10_000;
const USER = 'trainee';
const PASSWORD = 'open sesame';
const ITERATIONS = 4096;

/** What the server keeps of the password (RFC 5802 §2.2): the salt, StoredKey and ServerKey. */
const SALT = randomBytes(16);
const SALTED = pbkdf2Sync(PASSWORD, SALT, ITERATIONS, 32, 'sha256');
const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const STORED_KEY = createHash('sha256').update(hmac(SALTED, 'Client Key')).digest();
const SERVER_KEY = hmac(SALTED, 'Server Key');

/** A server that offers AUTH SCRAM-SHA-256 and verifies it; the lines it received, for the test to read. */
function scramServer(): Promise<{ port: number; lines: string[]; close(): void }> {
  const lines: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let step: { bare: string; serverFirst: string; nonce: string } | 'proved' | null = null;
    const say = (text: string): void => void socket.write(`${text}\r\n`);
    say('220 scram.fake.example ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        lines.push(line);
        if (/^EHLO /i.test(line)) say('250-scram.fake.example\r\n250 AUTH SCRAM-SHA-256');
        else if (/^QUIT$/i.test(line)) {
          say('221 2.0.0 Bye');
          socket.end();
        } else if (step === null) {
          const m = /^AUTH SCRAM-SHA-256 (\S+)$/i.exec(line);
          const first = m === null ? '' : Buffer.from(m[1] ?? '', 'base64').toString('utf8');
          const parts = /^n,,(n=([^,]*),r=([^,]+))$/.exec(first);
          if (parts === null || parts[2] !== USER) {
            say('535 5.7.8 Authentication credentials invalid');
            continue;
          }
          const nonce = `${parts[3]}${randomBytes(12).toString('base64')}`;
          const serverFirst = `r=${nonce},s=${SALT.toString('base64')},i=${ITERATIONS}`;
          step = { bare: parts[1] ?? '', serverFirst, nonce };
          say(`334 ${Buffer.from(serverFirst).toString('base64')}`);
        } else if (step !== 'proved') {
          const final = Buffer.from(line, 'base64').toString('utf8');
          const parts = /^(c=biws,r=([^,]+)),p=(\S+)$/.exec(final);
          const authMessage = `${step.bare},${step.serverFirst},${parts?.[1] ?? ''}`;
          const proof = Buffer.from(parts?.[3] ?? '', 'base64');
          const signature = hmac(STORED_KEY, authMessage);
          const clientKey = Buffer.from(proof.map((b, i) => b ^ (signature[i] ?? 0)));
          const ok = parts !== null && parts[2] === step.nonce && proof.length === 32 && timingSafeEqual(createHash('sha256').update(clientKey).digest(), STORED_KEY);
          if (!ok) {
            step = null;
            say('535 5.7.8 Authentication credentials invalid');
            continue;
          }
          step = 'proved';
          say(`334 ${Buffer.from(`v=${hmac(SERVER_KEY, authMessage).toString('base64')}`).toString('base64')}`);
        } else {
          step = null;
          say(line === '' ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
        }
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

  /** The line the page put on the input line for Enter: the terminal's last line. */
  const inputLine = async (page: Page): Promise<string> => (await terminalText(page)).trimEnd().split('\n').at(-1) ?? '';

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
    expect(await inputLine(page)).toMatch(/^AUTH SCRAM-SHA-256 •+$/);
    await enter(page, '', `${ANNOTATION_MARK} 334 `);
    expect(server.lines.at(-1)).toMatch(/^AUTH SCRAM-SHA-256 [A-Za-z0-9+/=]+$/);
    // The proof, computed from the server's salt and rounds.
    await enter(page, '/scram', 'is on the line');
    expect(await terminalText(page)).toContain(`${ITERATIONS.toLocaleString('en-US')} rounds of SHA-256`);
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
    await enter(page, '', `${ANNOTATION_MARK} 334 `);
    await enter(page, '/scram', 'is on the line');
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
    expect(await inputLine(page)).toMatch(/^AUTH SCRAM-SHA-1 •+$/);
  });
});
