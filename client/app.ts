/**
 * The page's application, loaded by the boot script (main.ts) as its own chunk: wires the terminal, the connect
 * form, the status line and the reply log to the bridge's WebSocket, and explains every reply.
 *
 *   connect form ─┐                       ┌─> status line, terminal notes
 *   line editor ──┼─> Connection (ws) ────┼─> SessionView ─> terminal + reply log + transcript
 *                 └───────────────────────┘
 *
 * The parts live in modules of their own: the dialog as the page follows it (session-view.ts), heloterm's own
 * commands (local-run.ts), the bridge reached again (bridge-reach.ts), the connection as dialled (ui/dial.ts), replies
 * read from elsewhere (ui/explain-desk.ts), the class (ui/class-desk.ts), what the page connects to and when
 * (connector.ts: the form's state, the practice server's sides, the lessons started there), and each message from the
 * bridge handed to the part it is for (bridge-events.ts). This module makes the parts and wires them together.
 *
 * It first takes over what the boot script kept (boot/early.ts): the events received so far are handled in order,
 * except that what the boot script painted already is not written again.
 */
import { MAX_SHARED_LINE_CHARS, MAX_SHARED_LINES } from '../shared/protocol/app-limits.js';
import type { BootHandOver } from './boot/hand-over.js';
import { TerminalView } from './terminal/view.js';
import './app.css';
import { formatAddress, formatNote } from './terminal/render.js';
import { SessionView } from './session-view.js';
import { warmReplyPath } from './reply-warmup.js';
import { FrameInbox, MAX_WAITING_FRAMES, READ_SLICE_MS, postMessageTask } from './frame-inbox.js';
import { Connector } from './connector.js';
import { BridgeEvents } from './bridge-events.js';
import { Dial } from './ui/dial.js';
import { ExplainDesk } from './ui/explain-desk.js';
import { QuizRun } from './ui/quiz-run.js';
import { BridgeReach } from './bridge-reach.js';
import { runLocal, type LocalDeps } from './local-run.js';
import { formatHint } from './terminal/render-replies.js';
import { Transcript, secretFrom } from '../shared/smtp/transcript.js';
import { download } from './ui/download.js';
import { decodeAnyServerMessage } from '../shared/protocol/decode-app.js';
import { ConnectForm, familyClash, urlFamily } from './ui/connect-form.js';
import { ServerChecks } from './ui/server-checks.js';
import { HostProbes } from './ui/host-probes.js';
import { LookupQueue } from './ui/lookup-queue.js';
import { StatusLine } from './ui/status.js';
import { ReplyLog } from './ui/reply-log.js';
import { ReplayDialog } from './ui/replay-dialog.js';
import { PracticeHint, PRACTICE_ONLY, practiceSideOf } from './ui/practice-hint.js';
import { ThemeSwitch } from './ui/theme.js';
import { onlyOnThisMachine, shareLink } from './ui/share-link.js';
import { screenRows } from './terminal/links.js';
import { ScreenReaderSwitch } from './ui/screen-reader.js';
import { keyRow } from './ui/key-row.js';
import { readMailLog } from '../shared/smtp/log-read.js';
import { shellConnect } from './terminal/shell-habits.js';
import { LessonBar } from './ui/lesson-bar.js';
import { ClassDesk } from './ui/class-desk.js';
import { ClassLessons } from './ui/class-lessons.js';
import { LessonGuide } from './ui/lesson-guide.js';
import { findLesson, pageLessons } from '../shared/lessons/catalogue.js';
import { ReportStore } from './terminal/reports.js';
import { passwordFrom, lessonList, localCommand } from './terminal/local-commands.js';
import { required } from './dom.js';

export function startApp(boot: BootHandOver): void {
  const { conn, token, urlTarget } = boot;
  const status = new StatusLine();
  // Opened from another machine: a class, where the hint says how a trainee gives the instructor's view a name.
  const hint = new PracticeHint((lesson) => connector.startLesson(lesson, true), (side) => connector.connectToSide(side), !onlyOnThisMachine(location.hostname));
  const lessonBar = new LessonBar({ stop: () => view.write(connector.stopLesson()), start: (lesson) => connector.startLesson(lesson, true) });
  const transcript = new Transcript();
  // A lesson's notes go into the transcript after what made them: a reply is recorded once it has been rendered, and
  // rendering it is what moves the lesson on, so the note waits for the end of the message's handling.
  const guide = new LessonGuide(
    lessonBar,
    (text) => {
      const at = performance.now();
      queueMicrotask(() => transcript.note(text, at));
    },
    () => desk.report(),
  );
  // The class: what its view is told of this page, the trainee's name and hand, and the instructor's call to start a
  // lesson (class-desk.ts).
  const desk = new ClassDesk({
    write: (text) => view.write(text),
    note: (text, at) => transcript.note(text, at),
    send: (m) => conn.send(m),
    start: (lesson) => connector.startLesson(lesson, true),
    progress: () => guide.progress,
    lessonsPending: () => classLessons.pending,
    recentLines: () => transcript.recent(MAX_SHARED_LINES, MAX_SHARED_LINE_CHARS),
  });
  const saveTranscript = (): void => {
    const now = new Date();
    const name = `heloterm-${(dial.host || 'session').replace(/[^A-Za-z0-9.-]/g, '_')}-${now.toISOString().slice(0, 19).replace(/[T:]/g, '-')}.txt`;
    const text = transcript.text(now.toISOString());
    download(name, text);
    view.write(formatNote(`transcript saved as ${name} (${text.split('\n').length - 1} lines; AUTH credentials removed)`));
  };
  /** `/log`: the last connection to the practice server as its log has it, in Postfix's format, then explained. */
  const showPracticeLog = (): void => {
    const shown = session.trail.show(connector.practice);
    view.write(shown.text);
    if (shown.lines === null) return;
    explain.steps(readMailLog(shown.lines.join('\n')), 'log lines');
    view.write(guide.afterLocal('log'));
  };
  /** `/link`: the address that opens this page as it is now, shown and put on the clipboard if the browser lets it. */
  const shareThisPage = (): void => {
    const t = form.peek();
    const target =
      t.host !== undefined && t.host !== '' && t.port !== undefined && !connector.isPracticeTarget(t) ? { host: t.host, port: t.port, tls: t.tls === true, family: t.family ?? null } : null;
    const link = shareLink({ base: `${location.origin}${location.pathname}`, target, lesson: guide.lesson?.id ?? null, light: theme.current === 'light', token });
    view.write(formatNote(`this page, ${guide.lesson === null ? '' : `at lesson ${guide.lesson.title}, `}connected to ${target === null ? 'the practice server' : formatAddress(target.host, target.port)}: ${link}`));
    if (onlyOnThisMachine(location.hostname)) {
      view.write(formatNote(`${location.hostname} is this machine: the link opens only here. For a class, start heloterm with --host 0.0.0.0, open it at the address it prints for other machines, and take /link there`));
    }
    navigator.clipboard?.writeText(link).then(
      () => view.write(formatNote('copied to the clipboard')),
      () => undefined,
    );
  };
  // Paste & explain does what /explain followed by a paste does (a lesson's /explain step counts it).
  const reports = new ReportStore();
  const explain = new ExplainDesk({
    write: (text) => view.write(text),
    focus: () => view.focus(),
    takeLine: () => view.takeLine(),
    reports,
    log: { add: (entry) => log.add(entry) },
    explained: (codes) => view.write(guide.afterLocal('explain', codes)),
    verifyDkim: (text, octets) => checks.verifyDkim(text, octets),
  });
  const replay = new ReplayDialog((pasted) => explain.pasted(pasted));
  replay.takeDrops(document);
  const log = new ReplyLog(saveTranscript, () => replay.open());
  // The status line, with the page's switches at its right (added below, once the terminal is handed over).
  const switches = document.createElement('div');
  switches.className = 'page-switches';
  const statusRow = document.createElement('div');
  statusRow.className = 'status-row';
  statusRow.append(status.element, switches);
  required('#status-slot', HTMLElement).append(statusRow, hint.element, desk.sayBar.element, desk.callBar.element, lessonBar.element);
  required('#log-slot', HTMLElement).append(log.element);

  /** The SMTP dialog as the page follows it, one connection at a time (session-view.ts). */
  const session = new SessionView({
    write: (output) => view.write(output),
    transcript,
    reports,
    log: { add: (entry) => log.add(entry) },
    checks: { greeted: (reply) => checks.greeted(reply), replied: (ex) => checks.replied(ex) },
    guide,
    practice: () => connector.practice,
    connected: () => connector.state === 'connected',
  });
  // The class's own lessons (heloterm --lessons), after the built-in ones once here (class-lessons.ts).
  const classLessons = new ClassLessons(
    () => connector.updateHint(form.peek()),
    (problem) => view.write(formatNote(`the class's own lessons were not taken: ${problem}`)),
  );
  /** Contact with the bridge: lost, it is tried again by itself, quietly (bridge-reach.ts). */
  const reach = new BridgeReach(() => conn.open());
  /** The connection as dialled, and what became of it (dial.ts). */
  const dial = new Dial();
  // When the page URL names the target, so does the WebSocket URL (main.ts): the bridge dialled already.
  let autoConnect = urlTarget.connect && !boot.connectAtOnce;

  // The quiz (`/quiz`): replies to read, answered in the terminal; its score goes to the class view.
  const quiz = new QuizRun({
    write: (text) => view.write(text),
    note: (text, at) => transcript.note(text, at),
    lessonName: (id) => {
      const all = pageLessons();
      const i = all.findIndex((l) => l.id === id);
      return i < 0 ? null : `${i + 1} · ${all[i]?.short ?? ''}`;
    },
    scored: (right, of) => desk.quizScored(right, of),
  });

  const view = new TerminalView(boot.screen, {
    reports,
    // Completion fits the session's state; in a message's header section, the fields it lacks (else Tab is a space).
    complete: (text) => session.complete(text),
    // AUTH credentials are hidden as they are typed (heloterm's own commands are not sent: they stay readable), and
    // so are the answers pasted with an AUTH command, judged after the lines before them in the paste.
    secretFrom: (text) => {
      const kind = session.kindAhead(text);
      // heloterm's own /cram-md5 and /scram take a password: it shows as dots too.
      return localCommand(text, session.model.state, kind) === null ? secretFrom(text, kind) : passwordFrom(text);
    },
    onLine(text) {
      // The rest of a paste that began with /explain is explained with it, never sent (a bounce pasted after it).
      if (explain.gather(text)) return;
      // An answer to the quiz's question (a number), where the line would be a command: never sent, nor recalled by Up.
      if (quiz.answer(text, session.model.kindOfNextLine(text), performance.now())) {
        view.forget(text);
        return;
      }
      // heloterm's own commands (/help, /lesson) are never sent; in message text or an AUTH response "/" is just text.
      const local = localCommand(text, session.model.state, session.model.kindOfNextLine(text));
      if (local !== null) return runLocal(local, localDeps);
      if (connector.state === 'idle') {
        // `telnet mx.example.org 25` typed by habit: connect there, as the shell would have.
        const shell = shellConnect(text);
        if (shell === null) {
          view.write(formatNote('not connected: press Connect first, or type telnet HOST 25 (the line was not sent)'));
          return;
        }
        if (probes.practiceOnly && practiceSideOf({ host: shell.host, port: shell.port, tls: shell.tls, family: shell.family }, connector.practice) === null) {
          view.write(formatNote(`${shell.tool}: ${PRACTICE_ONLY}; press Connect to reach it (the line was not sent)`));
          return;
        }
        if (familyClash(shell.host, shell.family) !== '') {
          view.write(formatNote(`${shell.tool}: -${shell.family} asks for IPv${shell.family}, and ${shell.host} is not an IPv${shell.family} address: not connected`));
          return;
        }
        view.write(formatNote(`${shell.tool}: heloterm connects to ${shell.host} port ${shell.port}${shell.family === null ? '' : ` over IPv${shell.family}`}${shell.tls ? ' with TLS at once' : ''} (the form above holds it)`) + (shell.note === null ? '' : formatHint(shell.note)));
        form.prefill({ host: shell.host, port: shell.port, tls: shell.tls, family: shell.family }, false);
        form.submit();
        return;
      }
      if (!conn.send({ type: 'line', text })) view.write(formatNote('not sent: no contact with the heloterm bridge (press Connect to reach it again)'));
      // The lines of one paste are handed on in one task: none of them is written before the next is judged.
      session.sent(text);
    },
  });
  // From now on frames are read in tasks of the page's own, a slice at a time (frame-inbox.ts).
  const inbox = conn.readThrough((read) => new FrameInbox(read, { sliceMs: READ_SLICE_MS, maxWaiting: MAX_WAITING_FRAMES, post: postMessageTask() }));
  boot.testHook.frames = () => inbox.counts;
  boot.testHook.pendingOutput = () => view.pendingPieces;
  boot.testHook.floodsEnded = () => session.floodsEnded;
  boot.testHook.widthsWarm = () => view.widthsWarm;
  // The reply path run ahead in idle time, so that a first burst does not find its code cold (reply-warmup.ts).
  let replyPathWarm = false;
  warmReplyPath(() => view.keptLines, () => (replyPathWarm = true));
  boot.testHook.replyPathWarm = () => replyPathWarm;
  boot.testHook.screenRows = () => screenRows(boot.screen.term);
  // Tab completes in the terminal: how a keyboard leaves it is part of its name (view.ts, tabLeaves).
  required('#terminal', HTMLElement).setAttribute('aria-label', 'SMTP terminal: type commands and press Enter; Escape then Tab leaves it, Shift+Tab goes back');

  const form = new ConnectForm(required('#connect-form', HTMLFormElement), {
    connect: (target) => connector.connectTo(target),
    disconnect: () => connector.disconnect(),
    changed: (t) => connector.updateHint(t),
    mx: (domain) => checks.mx(domain),
  });

  // Lookups and probes go to the bridge one at a time, in one queue.
  const lookups = new LookupQueue({ send: (m) => conn.send(m), write: (text) => view.write(text) });
  const probes = new HostProbes({ write: (text) => view.write(text), log: (entry) => log.add(entry), queue: lookups, note: (text, at) => transcript.note(text, at) });
  // What the page connects to, and when: the form's state, the practice server's sides, lessons (connector.ts).
  const connector = new Connector({
    write: (text) => view.write(text),
    focus: () => view.focus(),
    send: (m) => conn.send(m),
    reopen: () => conn.open(),
    form,
    dial,
    reach,
    status,
    session,
    hint,
    lessonBar,
    guide,
    desk,
    practiceOnly: () => probes.practiceOnly,
  });
  const checks = new ServerChecks({
    write: (text) => view.write(text),
    log: (entry) => log.add(entry),
    send: (m) => conn.send(m),
    queue: lookups,
    note: (text, at) => transcript.note(text, at),
    pointFormAt: (host, port) => connector.state === 'idle' && form.prefill({ host, port, tls: false }, false),
    // A message's signatures verified is what lesson 10's last step asks to see (/dkim verify).
    verified: () => view.write(guide.afterLocal('dkim-verify')),
  });
  const localDeps: LocalDeps = {
    write: (text) => view.write(text),
    connected: () => connector.state === 'connected',
    dial,
    form,
    guide,
    checks,
    probes,
    desk,
    explain,
    quiz,
    startLesson: (lesson) => connector.startLesson(lesson, false),
    stopLesson: () => connector.stopLesson(),
    name: (name) => desk.rename(name),
    save: saveTranscript,
    replay: () => replay.open(),
    link: shareThisPage,
    log: showPracticeLog,
    challenge: () => session.challenge,
    scram: session.scram,
    authOffered: () => {
      const { extensions } = session.model.state;
      return extensions.size === 0 ? null : (extensions.get('AUTH') ?? '');
    },
    // After the line that asked for it is written (the editor is in the middle of handing it on).
    prefill: (text) => queueMicrotask(() => view.type(text)),
  };

  // The link's target, shown in the form by the boot script (main.ts): taken as typed, so that the practice server's
  // default does not replace it; but what the user typed over it while the page loaded is theirs, and stays.
  if (urlTarget.host !== undefined || urlTarget.port !== undefined || urlTarget.tls !== undefined) {
    const shown = form.peek();
    const { host, port, tls } = urlTarget;
    const untouched = (host ?? shown.host) === shown.host && (port ?? shown.port) === shown.port && (tls ?? shown.tls) === shown.tls;
    if (untouched) form.prefill({ host, port, tls }, false);
  }
  // ?ip=6 (read here, not by the boot script, which then leaves connecting to the app: main.ts).
  const urlIp = urlFamily(location.search);
  if (urlIp.ignored !== null) view.write(formatNote(`ignored URL parameter ${urlIp.ignored}`));
  else if (urlIp.family !== null) form.prefill({ family: urlIp.family }, false);
  if (boot.connectAtOnce) {
    // The boot script dialled the link's target (main.ts).
    dial.asked(null, urlTarget.tls === true);
    connector.setState('connecting');
  }

  // A link without a target (?connect=1) connects to the practice server named in the hello.
  const connectFromUrl = (): void => {
    if (!autoConnect) return;
    autoConnect = false;
    const target = form.read();
    // The browser shows what is wrong beside the field; the terminal says why nothing was dialled.
    if (target === null) view.write(formatNote(`the link asks to connect, and the form cannot: ${form.problem()}`));
    else connector.connectTo(target);
  };

  // ?lesson=1 (or its id) starts a lesson once the practice server is known; ?connect=1 then connects as usual.
  let urlLesson = urlTarget.lesson;
  const lessonFromUrl = (): void => {
    if (urlLesson === undefined) return;
    const lesson = findLesson(urlLesson);
    // Not a built-in lesson: it may be one of the class's own, still on its way.
    const pending = lesson === undefined ? classLessons.pending : null;
    if (pending !== null) return void pending.then(lessonFromUrl);
    if (lesson === undefined) view.write(formatNote(`ignored URL parameter lesson: there is no lesson "${urlLesson}"`) + lessonList());
    else connector.startLesson(lesson, false);
    urlLesson = undefined;
  };

  const events = new BridgeEvents({
    write: (text) => view.write(text),
    log: (entry) => log.add(entry),
    connector,
    form,
    session,
    checks,
    probes,
    desk,
    guide,
    transcript,
    status,
    dial,
    reach,
    link: {
      lesson: lessonFromUrl,
      connect: connectFromUrl,
      forgo: () => {
        autoConnect = false;
      },
    },
    token,
  });

  // What happened before the app was here, in order; then live events. Nothing can come between (one task).
  session.skipLines(boot.early.paintedLines);
  for (const e of boot.early.events) {
    if (e.kind === 'message') events.message(e.m, e.painted, e.at);
    else if (e.kind === 'frame') {
      const d = decodeAnyServerMessage(e.data);
      if (d.ok) events.message(d.value, false, e.at);
      else events.link({ kind: 'protocolError', error: d.error });
    } else events.link(e);
  }
  conn.useDecoder(decodeAnyServerMessage);
  conn.onAny((m) => events.message(m, false, performance.now()));
  conn.onLink('open', () => events.link({ kind: 'open' }));
  conn.onLink('down', (code, reason) => events.link({ kind: 'down', code, reason }));
  conn.onLink('protocolError', (error) => events.link({ kind: 'protocolError', error }));

  // Closing the tab (Ctrl+W, which the page cannot take for itself) or leaving the page ends an open SMTP session and
  // loses the terminal and the reply log: while one is open, the browser asks first.
  window.addEventListener('beforeunload', (e) => {
    if (connector.state !== 'idle') e.preventDefault();
  });

  const theme = new ThemeSwitch(view.term, switches);
  const screenReader = new ScreenReaderSwitch(view.term, theme.button);
  // Opened from another machine, in a class: a trainee can ask the instructor for help (/hand does it anywhere).
  if (!onlyOnThisMachine(location.hostname)) screenReader.button.before(desk.handButton);
  // On a touch screen, the keys its on-screen keyboard lacks, above the reply log (under the terminal on a phone).
  required('#log-slot', HTMLElement).prepend(keyRow((data) => view.type(data)));
  view.type(boot.typed);
  if (boot.submitted) form.submit();
  if (boot.mxPressed) form.findMx();
  // The boot script focused the terminal; someone who has since gone to a field (Host) keeps typing there.
  const active = document.activeElement;
  if (active === null || active === document.body || view.term.element?.contains(active) === true) view.focus();
}
