/**
 * The boot script: the least the page needs to paint the first prompt. It opens the WebSocket, creates the
 * terminal, paints the start of the dialog as it arrives (boot/early.ts), and loads the rest of the page (app.ts:
 * the line editor, the connect form's wiring, the reply log, the explanations) as a separate chunk, in parallel
 * with the handshake. When the app arrives it takes over the terminal, the socket, every event received so far and
 * every key typed so far: nothing is lost, nothing is shown twice.
 */
import './styles.css';
import { takeAccessToken } from './access-token.js';
import { required } from './dom.js';
import { EarlyPainter } from './boot/early.js';
import type { BootHandOver } from './boot/hand-over.js';
import { Connection, webSocketUrl } from './connection.js';
import { connectQuery } from '../shared/protocol/decode.js';
import { formatNote } from './terminal/render.js';
import { bufferText, createScreen, locateText } from './terminal/screen.js';
import { TEST_HOOK_NAME, type HelotermTestHook } from './test-hook.js';
import { parseUrlTarget } from './ui/url-params.js';
import { pageTheme } from './ui/theme-choice.js';

/**
 * When the page connects at once (?host=…&port=…&connect=1), the app is loaded after the greeting is on screen, so
 * that parsing and running it does not hold up the first prompt; at the latest after this long (a server may
 * greet late: RFC 5321 §4.5.3.2.1 lets a client wait 5 minutes), in ms. Otherwise the app is loaded at once.
 */
const APP_AFTER_GREETING_AT_MOST_MS = 300;

function boot(): void {
  const token = takeAccessToken(location, history);
  const urlTarget = parseUrlTarget(location.search);

  // The WebSocket first: its handshake then overlaps building the page (time to the first prompt). A link that names
  // its target (?host=…&port=…&connect=1) names it in the WebSocket URL too: the bridge dials during the handshake.
  const { host, port } = urlTarget;
  // Not with ?ip=: the app reads it (connect-form.ts urlFamily) and connects.
  const connectAtOnce = urlTarget.connect && host !== undefined && port !== undefined && !/[?&]ip=/.test(location.search);
  const target = connectAtOnce ? `?${connectQuery({ host, port, tls: urlTarget.tls === true ? 'implicit' : 'none' })}` : '';
  const conn = new Connection(webSocketUrl(location) + target, token);
  // Once the greeting is written: after xterm has parsed it, and after the frame that paints it.
  const afterGreeting = (): void => screen.term.write('', () => requestAnimationFrame(() => setTimeout(loadApp, 0)));
  const early = new EarlyPainter((text) => screen.term.write(text), afterGreeting);
  // A frame the boot script does not decode (TLS before the greeting) waits whole for the app.
  conn.keepUnknown((raw) => early.frame(raw));
  const stopEarly = [
    conn.onAny((m) => early.message(m)),
    conn.onLink('open', () => early.link({ kind: 'open' })),
    conn.onLink('down', (code, reason) => early.link({ kind: 'down', code, reason })),
    conn.onLink('protocolError', (error) => early.link({ kind: 'protocolError', error })),
  ];
  conn.open();

  // A page chosen light is light from its first paint (its colours are in styles.css; the terminal waits, hidden, for
  // its own from the app: ui/theme.ts).
  if (pageTheme() === 'light') document.documentElement.dataset.theme = 'light';
  const screen = createScreen(required('#terminal', HTMLElement));
  // With ?connect=1 the page connects by itself: no Connect to press.
  const first = urlTarget.connect ? 'type SMTP commands' : 'press Connect, then type SMTP commands';
  screen.term.write(formatNote(`${first} and press Enter; point at a reply code to see what it means`));
  screen.term.write(formatNote('Tab completes a command, /help lists them, Up and Down recall earlier lines'));
  for (const why of urlTarget.ignored) screen.term.write(formatNote(`ignored URL parameter ${why}`));

  // Keys typed, and Connect or Find MX pressed, before the app is here are kept for it.
  let typed = '';
  const typing = screen.term.onData((data) => (typed += data));
  let submitted = false;
  const form = required('#connect-form', HTMLFormElement);
  // The link's target is in the form from the start, and a Connect pressed before the app is here is kept even while
  // a field is empty (Host, until the app fills in the practice server): the app checks the fields when it takes it.
  form.noValidate = true;
  const field = (name: string): HTMLInputElement => required(`#connect-form input[name="${name}"]`, HTMLInputElement);
  if (host !== undefined) field('host').value = host;
  if (port !== undefined) field('port').value = String(port);
  if (urlTarget.tls !== undefined) field('tls').checked = urlTarget.tls;
  const onSubmit = (e: Event): void => {
    e.preventDefault();
    submitted = true;
  };
  form.addEventListener('submit', onSubmit);
  let mxPressed = false;
  const mx = required('#connect-form button[data-action="mx"]', HTMLButtonElement);
  const onMx = (): void => void (mxPressed = true);
  mx.addEventListener('click', onMx);

  let lineFeeds: number | null = null;
  const hook: HelotermTestHook = {
    terminalText: () => bufferText(screen.term),
    locate: (needle) => locateText(screen.term, needle),
    cursor: () => ({ col: screen.term.buffer.active.cursorX, row: screen.term.buffer.active.cursorY }),
    size: () => ({ cols: screen.term.cols, rows: screen.term.rows, scrollback: screen.term.options.scrollback ?? 0 }),
    countLineFeeds: () => {
      if (lineFeeds !== null) return;
      lineFeeds = 0;
      screen.term.onLineFeed(() => (lineFeeds = (lineFeeds ?? 0) + 1));
    },
    lineFeeds: () => lineFeeds ?? 0,
    pendingOutput: () => 0,
    floodsEnded: () => ({ floods: 0, replies: 0 }),
    frames: () => ({ received: 0, read: 0, mostWaiting: 0 }),
    widthsWarm: () => false,
    replyPathWarm: () => false,
  };
  Object.defineProperty(window, TEST_HOOK_NAME, { value: hook });
  screen.term.focus();

  let loading = false;
  const loadApp = (): void => {
    if (loading) return;
    loading = true;
    clearTimeout(fallback);
    void import('./app.js').then(onApp, onAppFailed);
  };
  const onApp = (app: typeof import('./app.js')): void => {
    for (const stop of stopEarly) stop();
    typing.dispose();
    form.removeEventListener('submit', onSubmit);
    mx.removeEventListener('click', onMx);
    const handOver: BootHandOver = { screen, conn, token, urlTarget, connectAtOnce, early: early.handOver(), typed, submitted, mxPressed, testHook: hook };
    app.startApp(handOver);
  };
  const onAppFailed = (): void => {
    // Without the app nothing can be annotated or typed: say so rather than wait silently.
    document.body.dataset.loaded = 'failed';
    const note = document.createElement('p');
    note.className = 'status load-failed';
    note.dataset.tone = 'error';
    note.textContent = 'heloterm could not load its explanations and controls: reload the page.';
    required('#status-slot', HTMLElement).prepend(note);
  };
  const fallback = setTimeout(loadApp, connectAtOnce ? APP_AFTER_GREETING_AT_MOST_MS : 0);
}

boot();
