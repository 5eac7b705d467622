/**
 * The composition root: builds the page's parts and wires them to the bridge's WebSocket.
 *
 *   connect form ─┐                       ┌─> status line, terminal notes
 *   line editor ──┼─> Connection (ws) ────┼─> ServerTextRenderer ─> terminal + reply log
 *                 └───────────────────────┘
 */
import './styles.css';
import { takeAccessToken } from './access-token.js';
import { Connection, webSocketUrl } from './connection.js';
import { TerminalView } from './terminal/view.js';
import { ServerTextRenderer, formatCoach, formatHint, formatNote, formatQueued } from './terminal/render.js';
import { ConnectForm, type ConnectTarget, type FormState } from './ui/connect-form.js';
import { StatusLine, describeTls, formatAddress } from './ui/status.js';
import { ReplyLog } from './ui/reply-log.js';
import { PracticeHint } from './ui/practice-hint.js';
import { parseUrlTarget } from './ui/url-params.js';
import { TEST_HOOK_NAME, type HelotermTestHook } from './test-hook.js';
import { SessionModel } from '../shared/smtp/session.js';
import type { Knowledge } from './knowledge.js';
import { Coach } from '../shared/smtp/coach.js';
import { ReportStore } from './terminal/reports.js';
import { completeLine, localCommand } from './terminal/local-commands.js';
import type { ErrorCode, PracticeInfo } from '../shared/protocol/messages.js';
import { showControls } from '../shared/smtp/escape.js';

/** Errors after which no SMTP connection is open (the connect attempt failed or there was none). */
const CONNECT_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TARGET_REFUSED',
  'CONNECTION_REFUSED',
  'TIMEOUT',
  'DNS_NOT_FOUND',
  'NETWORK',
  'TLS_FAILED',
  'NOT_CONNECTED',
]);

function required<T extends Element>(selector: string, type: new () => T): T {
  const el = document.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`page: missing ${selector}`);
  return el;
}

function start(): void {
  // The WebSocket first: its handshake then overlaps building the page (time to the first prompt).
  const storage = (() => {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  })();
  const token = takeAccessToken(location, history, storage);
  const conn = new Connection(webSocketUrl(location), token);
  conn.open();
  // The explanations load as their own chunk, alongside the handshake. Until they are here, what the bridge reports
  // waits, in order (the page needs them to annotate the first reply, and they nearly always win the race).
  let knowledge: Knowledge | null = null;
  const waiting: Array<() => void> = [];
  void import('./knowledge.js').then(
    (k) => {
      knowledge = k;
      for (const run of waiting.splice(0)) run();
    },
    () => {
      // Without the explanations nothing can be annotated: say so rather than wait silently.
      document.body.dataset.knowledge = 'failed';
      const note = document.createElement('p');
      note.className = 'status load-failed';
      note.dataset.tone = 'error';
      note.textContent = 'heloterm could not load its explanations: reload the page.';
      required('#status-slot', HTMLElement).prepend(note);
    },
  );
  const whenKnown =
    <M>(handle: (m: M) => void) =>
    (m: M): void => {
      if (knowledge !== null && waiting.length === 0) handle(m);
      else waiting.push(() => handle(m));
    };

  const status = new StatusLine();
  const hint = new PracticeHint();
  const log = new ReplyLog();
  required('#status-slot', HTMLElement).append(status.element, hint.element);
  required('#log-slot', HTMLElement).append(log.element);

  let everOpen = false;
  conn.onLink('open', () => (everOpen = true));
  let model = new SessionModel();
  const coach = new Coach();
  const reports = new ReportStore();
  let replies = 0;
  const renderer = new ServerTextRenderer((reply) => {
    const ex = model.received(reply);
    if (knowledge === null) throw new Error('replies are rendered only once the knowledge base is loaded');
    const report = knowledge.reportReply(++replies, ex);
    reports.add(report);
    return { report, hints: coach.afterReply(ex) };
  });
  let practice: PracticeInfo | null = null;
  let state: FormState = 'idle';
  const urlTarget = parseUrlTarget(location.search);
  let autoConnect = urlTarget.connect;

  const view = new TerminalView(required('#terminal', HTMLElement), {
    reports,
    knowledge: () => knowledge,
    // Completion fits the session's state; in message text (DATA) there is nothing to complete.
    complete: (text) => (model.kindOfNextLine(text) === 'command' ? completeLine(text, model.state) : null),
    onLine(text) {
      // heloterm's own commands (/help) are never sent; in message text or an AUTH response "/" is just text.
      const local = model.kindOfNextLine(text) === 'command' ? localCommand(text, model.state) : null;
      if (local !== null) {
        view.write(local);
        return;
      }
      if (state === 'idle') {
        view.write(formatNote('not connected: press Connect first (the line was not sent)'));
        return;
      }
      if (!conn.send({ type: 'line', text })) view.write(formatNote('not sent: no contact with the heloterm bridge'));
    },
  });

  const setState = (s: FormState): void => {
    state = s;
    form.setState(s);
  };

  const isPracticeTarget = (t: Partial<ConnectTarget>): boolean =>
    practice !== null && t.host === practice.host && t.port === practice.port && t.tls !== true;

  const updateHint = (t: Partial<ConnectTarget>): void => {
    if (isPracticeTarget(t) && practice !== null) hint.show(practice);
    else hint.hide();
  };

  const connectTo = (target: ConnectTarget): void => {
    if (!conn.send({ type: 'connect', host: target.host, port: target.port, tls: target.tls ? 'implicit' : 'none' })) {
      view.write(formatNote('the heloterm bridge is not reachable; reload the page'));
      return;
    }
    renderer.reset();
    model = new SessionModel();
    setState('connecting');
    view.focus();
  };

  const form = new ConnectForm(required('#connect-form', HTMLFormElement), {
    connect: connectTo,
    disconnect: () => conn.send({ type: 'disconnect' }),
    changed: updateHint,
  });

  if (urlTarget.host !== undefined || urlTarget.port !== undefined || urlTarget.tls !== undefined) {
    form.prefill({ host: urlTarget.host, port: urlTarget.port, tls: urlTarget.tls }, false);
  }
  view.write(formatNote('press Connect, then type SMTP commands and press Enter; point at a reply code to see what it means'));
  view.write(formatNote('Tab completes a command, /help lists them, Up and Down recall earlier lines'));
  for (const why of urlTarget.ignored) view.write(formatNote(`ignored URL parameter ${why}`));

  // A link that names its target (?host=…&port=…&connect=1) connects as soon as the socket is open, without
  // waiting for the bridge's hello; one without a target connects to the practice server named in the hello.
  const connectFromUrl = (): void => {
    if (!autoConnect) return;
    autoConnect = false;
    const target = form.read();
    if (target !== null) connectTo(target);
  };
  conn.onLink('open', () => {
    if (urlTarget.host !== undefined && urlTarget.port !== undefined) connectFromUrl();
  });

  conn.on('hello', (m) => {
    practice = m.practice;
    form.setAllowedPorts(m.allowedPorts);
    if (m.practice !== null) form.prefill({ host: m.practice.host, port: m.practice.port, tls: false }, true);
    updateHint(form.peek());
    connectFromUrl();
  });

  conn.on('connecting', whenKnown((m) => {
    setState('connecting');
    status.connecting(m.host, m.port);
    view.write(formatNote(`connecting to ${m.host} port ${m.port}…`));
  }));
  conn.on('connected', whenKnown((m) => {
    setState('connected');
    status.connected(m.host, m.address, m.port);
    view.write(formatNote(`connected to ${m.host} (${formatAddress(m.address, m.port)})`));
  }));
  conn.on('tls', whenKnown((m) => {
    // After STARTTLS the session starts over (RFC 3207 §4.2); with implicit TLS it is just beginning.
    if (model.state.tlsPending) model.tlsEstablished();
    else model.connected(true);
    status.tls(m);
    view.write(formatNote(describeTls(m)));
  }));
  conn.on('rx', whenKnown((m) => {
    const r = renderer.rx(m.data);
    view.write(r.text);
    for (const report of r.replies) log.add(report);
  }));
  conn.on('tx', whenKnown((m) => {
    const hints = coach.beforeSend(m.text, model.kindOfNextLine(m.text), model.state);
    model.sent(m.text);
    view.write(hints.map(formatCoach).join(''));
  }));
  conn.on('queued', whenKnown(() => view.write(formatQueued())));
  conn.on('closed', whenKnown((m) => {
    const rest = renderer.pending;
    if (rest !== '') view.write(formatNote(`incomplete last line (no line ending): ${rest}`));
    const who = m.by === 'server' ? 'closed by the server' : m.by === 'client' ? 'disconnected' : 'connection lost';
    view.write(formatNote(m.reason === '' || m.by === 'server' ? who : `${who}: ${showControls(m.reason)}`));
    status.closed(m.by, m.reason);
    setState('idle');
  }));
  conn.on('error', whenKnown((m) => {
    status.error(m.code, m.message);
    view.write(formatNote(`error: ${showControls(m.message)}`));
    if (CONNECT_FAILURES.has(m.code)) setState('idle');
  }));
  conn.onLink('down', (code) => {
    status.bridgeDown();
    setState('idle');
    if (everOpen) view.write(formatNote(`lost contact with the heloterm bridge${code === 1001 ? ' (it is shutting down)' : ''}`));
    else if (token === null) {
      // Browsers hide the handshake's HTTP status: a bridge that wants a token looks like any refusal.
      view.write(formatNote('the heloterm bridge refused the connection: if it needs an access token, open the URL it printed at start-up (with #token=…)'));
    } else view.write(formatNote('the heloterm bridge refused the connection: the access token may be wrong or old; open the URL it printed at start-up'));
  });
  conn.onLink('protocolError', (why) => view.write(formatNote(`ignored a malformed message from the bridge: ${why}`)));

  const hook: HelotermTestHook = {
    terminalText: () => view.text(),
    locate: (needle) => view.locate(needle),
    cursor: () => ({ col: view.term.buffer.active.cursorX, row: view.term.buffer.active.cursorY }),
    size: () => ({ cols: view.term.cols, rows: view.term.rows }),
  };
  Object.defineProperty(window, TEST_HOOK_NAME, { value: hook });

  view.focus();
}

start();
