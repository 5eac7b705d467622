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
 * read from elsewhere (ui/explain-desk.ts), the class (ui/class-desk.ts). This module holds the page's state (the
 * form's, the practice server's) and hands each message from the bridge to them.
 *
 * It first takes over what the boot script kept (boot/early.ts): the events received so far are handled in order,
 * except that what the boot script painted already is not written again.
 */
import { MAX_SHARED_LINE_CHARS, MAX_SHARED_LINES } from '../shared/protocol/app-limits.js';
import type { BootHandOver } from './boot/hand-over.js';
import type { EarlyEvent } from './boot/early.js';
import { TerminalView } from './terminal/view.js';
import './app.css';
import { formatAddress, formatConnected, formatConnecting, formatNote } from './terminal/render.js';
import { SessionView } from './session-view.js';
import { Dial } from './ui/dial.js';
import { ExplainDesk } from './ui/explain-desk.js';
import { QuizRun } from './ui/quiz-run.js';
import { BridgeReach } from './bridge-reach.js';
import { askRoom, firstContactNote } from './ui/room-note.js';
import { runLocal, type LocalDeps } from './local-run.js';
import { formatHint, formatQueued } from './terminal/render-replies.js';
import { formatReport, formatTlsReport, reportNote } from './terminal/render-findings.js';
import { failureReport } from '../shared/smtp/connect-failure.js';
import { Transcript, secretFrom } from '../shared/smtp/transcript.js';
import { download } from './ui/download.js';
import { decodeAnyServerMessage } from '../shared/protocol/decode-app.js';
import { ConnectForm, familyClash, urlFamily, type ConnectTarget, type FormState } from './ui/connect-form.js';
import { ServerChecks } from './ui/server-checks.js';
import { HostProbes } from './ui/host-probes.js';
import { LookupQueue } from './ui/lookup-queue.js';
import { StatusLine } from './ui/status.js';
import { ReplyLog } from './ui/reply-log.js';
import { ReplayDialog } from './ui/replay-dialog.js';
import { PracticeHint, PRACTICE_ONLY, isPracticeTarget as isPracticeTargetOf, practiceSideOf, type PracticeSide } from './ui/practice-hint.js';
import { ThemeSwitch } from './ui/theme.js';
import { onlyOnThisMachine, shareLink } from './ui/share-link.js';
import { ScreenReaderSwitch } from './ui/screen-reader.js';
import { keyRow } from './ui/key-row.js';
import { readMailLog } from '../shared/smtp/log-read.js';
import { shellConnect } from './terminal/shell-habits.js';
import { LessonBar } from './ui/lesson-bar.js';
import { ClassDesk } from './ui/class-desk.js';
import { ClassLessons } from './ui/class-lessons.js';
import { LessonGuide } from './ui/lesson-guide.js';
import { findLesson, pageLessons } from '../shared/lessons/catalogue.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import { ReportStore } from './terminal/reports.js';
import { lessonList, localCommand } from './terminal/local-commands.js';
import { practicePortOf } from '../shared/practice/sides.js';
import { exhaustive, type ErrorCode, type PracticeInfo, type ServerMessage } from '../shared/protocol/messages.js';
import { showControls } from '../shared/smtp/escape.js';
import { required } from './dom.js';

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

export function startApp(boot: BootHandOver): void {
  const { conn, token, urlTarget } = boot;
  const status = new StatusLine();
  // Opened from another machine: a class, where the hint says how a trainee gives the instructor's view a name.
  const hint = new PracticeHint((lesson) => startLesson(lesson, true), (side) => connectToSide(side), !onlyOnThisMachine(location.hostname));
  const lessonBar = new LessonBar({ stop: () => view.write(stopLesson()), start: (lesson) => startLesson(lesson, true) });
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
    start: (lesson) => startLesson(lesson, true),
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
    const shown = session.trail.show(practice);
    view.write(shown.text);
    if (shown.lines === null) return;
    explain.steps(readMailLog(shown.lines.join('\n')), 'log lines');
    view.write(guide.afterLocal('log'));
  };
  /** `/link`: the address that opens this page as it is now, shown and put on the clipboard if the browser lets it. */
  const shareThisPage = (): void => {
    const t = form.peek();
    const target =
      t.host !== undefined && t.host !== '' && t.port !== undefined && !isPracticeTarget(t) ? { host: t.host, port: t.port, tls: t.tls === true, family: t.family ?? null } : null;
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
    practice: () => practice,
    connected: () => state === 'connected',
  });
  let practice: PracticeInfo | null = null;
  // The class's own lessons (heloterm --lessons), after the built-in ones once here (class-lessons.ts).
  const classLessons = new ClassLessons(
    () => updateHint(form.peek()),
    (problem) => view.write(formatNote(`the class's own lessons were not taken: ${problem}`)),
  );
  let state: FormState = 'idle';
  /**
   * Connect was pressed while the bridge was out of reach (restarted, the network dropped, the laptop slept), or not
   * yet reached (the page's WebSocket still opening): the WebSocket is opened (again), keeping the page as it is (the
   * terminal, the reply log, the transcript), and this target is dialled once the bridge has said hello. Null
   * otherwise.
   */
  let afterReopen: ConnectTarget | null = null;
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
      return localCommand(text, session.model.state, kind) === null ? secretFrom(text, kind) : null;
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
      if (state === 'idle') {
        // `telnet mx.example.org 25` typed by habit: connect there, as the shell would have.
        const shell = shellConnect(text);
        if (shell === null) {
          view.write(formatNote('not connected: press Connect first, or type telnet HOST 25 (the line was not sent)'));
          return;
        }
        if (probes.practiceOnly && practiceSideOf({ host: shell.host, port: shell.port, tls: shell.tls, family: shell.family }, practice) === null) {
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
  boot.testHook.pendingOutput = () => view.pendingPieces;
  // Tab completes in the terminal: how a keyboard leaves it is part of its name (view.ts, tabLeaves).
  required('#terminal', HTMLElement).setAttribute('aria-label', 'SMTP terminal: type commands and press Enter; Escape then Tab leaves it, Shift+Tab goes back');

  const setState = (s: FormState): void => {
    state = s;
    form.setState(s);
  };

  const isPracticeTarget = (t: Partial<ConnectTarget>): boolean => isPracticeTargetOf(t, practice);

  /** The practice server's description, while it is the target; the lesson bar takes its place during a lesson. */
  const updateHint = (t: Partial<ConnectTarget>): void => {
    const side = practiceSideOf(t, practice);
    if (side !== null && practice !== null && !lessonBar.visible) hint.show(practice, probes.practiceOnly, side);
    else hint.hide();
  };

  /** Where a side of the practice server is (SMTP, LMTP, implicit TLS); null without a practice server. */
  const practiceSide = (side: PracticeSide): ConnectTarget | null => {
    if (practice === null) return null;
    return { host: practice.host, port: practicePortOf(practice, side), tls: side === 'tls', family: null };
  };

  /** A side of the practice server, from the hint's buttons: the form points there, and it connects. */
  const connectToSide = (side: PracticeSide): void => {
    const target = practiceSide(side);
    if (target === null) return;
    if (state !== 'idle') {
      view.write(formatNote('close this connection first (QUIT, or Disconnect), then press the button again'));
      return;
    }
    pointFormAt(target);
    connectTo(target);
  };

  /** Points the form at a side of the practice server; a form held for --practice-only is held there instead. */
  const pointFormAt = (target: ConnectTarget): void => {
    if (probes.practiceOnly) form.lock(target, `${PRACTICE_ONLY}: it connects there`);
    else form.prefill(target, false);
  };

  const connectTo = (target: ConnectTarget): void => {
    const family = target.family === null ? {} : { family: target.family };
    if (!conn.send({ type: 'connect', host: target.host, port: target.port, tls: target.tls ? 'implicit' : 'none', ...family })) {
      afterReopen = target;
      view.write(formatNote(reach.reached ? 'reaching the heloterm bridge again…' : 'reaching the heloterm bridge…'));
      status.reaching(reach.reached);
      setState('connecting');
      conn.open();
      return;
    }
    dial.asked(target.family, target.tls);
    session.dialling();
    setState('connecting');
    view.focus();
  };

  /**
   * Starts a guided lesson; `connect`: and, if no connection is open, connects to the practice server when the
   * form points at it (a lesson button), where a typed `/lesson` leaves connecting to its first step.
   */
  const startLesson = (lesson: Lesson, connect: boolean): void => {
    // The practice server's side the lesson is written for (lesson.target: its LMTP side, its implicit TLS port): a
    // form pointed at another side follows, and a session open on another side is not the lesson's.
    const want: PracticeSide = lesson.target ?? 'smtp';
    const atPractice = (t: Partial<ConnectTarget>): boolean => practiceSideOf(t, practice) !== null;
    const onSide = (t: Partial<ConnectTarget>): boolean => practiceSideOf(t, practice) === want;
    const side = practiceSide(want);
    if (state === 'idle' && side !== null && atPractice(form.peek()) && !onSide(form.peek())) pointFormAt(side);
    // A session on the practice server's other side is not the lesson's; one elsewhere is, as before (with the note).
    const open = dial.target;
    const otherSide = state !== 'idle' && atPractice(open) && !onSide(open);
    const greeted = state === 'connected' && !otherSide && session.model.greeted && session.model.state.phase !== 'closed';
    if (otherSide) {
      const where = want === 'lmtp' ? 'LMTP side' : want === 'tls' ? 'implicit TLS port' : 'SMTP side';
      view.write(formatNote(`lesson "${lesson.short}" is for the practice server's ${where}: end this connection (QUIT, or Disconnect), then start it again`));
      return;
    }
    if (!atPractice(form.peek())) {
      view.write(formatNote('the lessons are written for the practice server (practice.test): its addresses may not work elsewhere'));
    }
    view.write(guide.start(lesson, greeted));
    desk.lessonStarted(lesson);
    hint.hide();
    if (connect && state === 'idle' && side !== null && atPractice(form.peek())) connectTo(form.read() ?? side);
    view.focus();
  };

  /** Ends the lesson, if one runs: the terminal text saying so (empty if none ran). */
  const stopLesson = (): string => {
    const text = guide.stop();
    updateHint(form.peek());
    return text;
  };

  const form = new ConnectForm(required('#connect-form', HTMLFormElement), {
    connect: connectTo,
    disconnect: () => {
      // Pressed while the bridge is being reached again: nothing is dialled once it answers.
      if (afterReopen !== null) {
        afterReopen = null;
        setState('idle');
        return;
      }
      conn.send({ type: 'disconnect' });
    },
    changed: updateHint,
    mx: (domain) => checks.mx(domain),
  });

  // Lookups and probes go to the bridge one at a time, in one queue.
  const lookups = new LookupQueue({ send: (m) => conn.send(m), write: (text) => view.write(text) });
  const probes = new HostProbes({ write: (text) => view.write(text), log: (entry) => log.add(entry), queue: lookups, note: (text, at) => transcript.note(text, at) });
  const checks = new ServerChecks({
    write: (text) => view.write(text),
    log: (entry) => log.add(entry),
    send: (m) => conn.send(m),
    queue: lookups,
    note: (text, at) => transcript.note(text, at),
    pointFormAt: (host, port) => state === 'idle' && form.prefill({ host, port, tls: false }, false),
    // A message's signatures verified is what lesson 10's last step asks to see (/dkim verify).
    verified: () => view.write(guide.afterLocal('dkim-verify')),
  });
  const localDeps: LocalDeps = {
    write: (text) => view.write(text),
    connected: () => state === 'connected',
    dial,
    form,
    guide,
    checks,
    probes,
    desk,
    explain,
    quiz,
    startLesson: (lesson) => startLesson(lesson, false),
    stopLesson,
    name: (name) => desk.rename(name),
    save: saveTranscript,
    replay: () => replay.open(),
    link: shareThisPage,
    log: showPracticeLog,
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
    setState('connecting');
  }

  // A link without a target (?connect=1) connects to the practice server named in the hello.
  const connectFromUrl = (): void => {
    if (!autoConnect) return;
    autoConnect = false;
    const target = form.read();
    // The browser shows what is wrong beside the field; the terminal says why nothing was dialled.
    if (target === null) view.write(formatNote(`the link asks to connect, and the form cannot: ${form.problem()}`));
    else connectTo(target);
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
    else startLesson(lesson, false);
    urlLesson = undefined;
  };

  /**
   * Handles one message from the bridge, which arrived at `at` (performance.now()); `painted`: its note is on screen
   * already (the boot script wrote it).
   */
  const onMessage = (m: ServerMessage, painted: boolean, at: number): void => {
    // A flood ends where anything but more replies comes (a line written, too): its summary goes before that.
    session.before(m);
    switch (m.type) {
      case 'hello': {
        // A bridge started again has its practice server on a new port: a form or a target that pointed at the old
        // one follows it (the form even if its fields were typed in).
        const target = m.practice === null ? null : { host: m.practice.host, port: m.practice.port, tls: false, family: null };
        const follow = target !== null && isPracticeTarget(form.peek());
        if (target !== null && afterReopen !== null && isPracticeTarget(afterReopen)) afterReopen = target;
        practice = m.practice;
        checks.practice = m.practice;
        probes.practice = m.practice;
        probes.allowedPorts = m.allowedPorts;
        form.setAllowedPorts(m.allowedPorts);
        // A bridge that dials its practice server alone (--practice-only, for a class): the form is held there.
        if (target !== null && probes.practiceOnly) form.lock(target, `${PRACTICE_ONLY}: it connects there`);
        else {
          form.unlock();
          if (target !== null) form.prefill(target, !follow);
        }
        updateHint(form.peek());
        const { back, first } = reach.hello();
        // Reached again: by itself (back), or because Connect was pressed (afterReopen), which then dials.
        if (back || (afterReopen !== null && !first)) transcript.note('reached the heloterm bridge again', at);
        // A bridge reached again knows nothing of this page: its class view is told again (when there is anything).
        desk.report(true);
        if (afterReopen !== null) {
          const reopened = afterReopen;
          afterReopen = null;
          setState('idle');
          // Pressed before the first hello: a link's lesson still starts; the press, not the link, connects.
          if (first) {
            lessonFromUrl();
            autoConnect = false;
          }
          return connectTo(reopened);
        }
        if (back) {
          status.bridgeBack();
          view.write(formatNote('the heloterm bridge answers again: lookups work; press Connect to connect (the SMTP connection is a new one)'));
          return;
        }
        lessonFromUrl();
        return connectFromUrl();
      }
      case 'connecting':
        dial.connecting(m.host, m.port);
        transcript.note(`connecting to ${m.host} port ${m.port}`, at);
        setState('connecting');
        status.connecting(m.host, m.port);
        if (!painted) view.write(formatConnecting(m.host, m.port));
        return;
      case 'connected': {
        setState('connected');
        session.connected(m.address, m.port, at);
        checks.connected(m.host, m.address, m.port);
        transcript.note(`connected to ${m.host} (${formatAddress(m.address, m.port)})`, at);
        status.connected(m.host, m.address, m.port);
        if (!painted) view.write(formatConnected(m.host, m.address, m.port));
        const fellBack = dial.connected(m.address);
        if (fellBack !== null) view.write(formatNote(showControls(fellBack)));
        return;
      }
      case 'tls': {
        session.secured(at);
        status.tls(m);
        const tlsReport = dial.secured(m, Date.now());
        transcript.note(`TLS active (${m.protocol}, ${m.cipher}); certificate ${tlsReport.findings[0]?.text ?? ''}`, at);
        view.write(formatTlsReport(tlsReport));
        log.add({ tls: tlsReport });
        checks.secured({ authorized: m.authorized, authorizationError: m.authorizationError, coversHost: m.certificate?.coversHost ?? null }, at);
        return;
      }
      case 'rx':
        return session.rx(m, at);
      case 'tx':
        return session.written(m.text, at);
      case 'queued':
        view.write(formatQueued());
        return;
      case 'rdns':
        return checks.onRdns(m, at);
      case 'dane':
        return checks.onDane(m, at);
      case 'stored':
        checks.stored(m);
        transcript.note(`the practice server stored it as message #${m.n}`, at);
        for (const r of m.reports ?? []) transcript.note(reportNote(r, m.from), at);
        return session.stored(m);
      case 'mx':
        return checks.onMx(m, at);
      case 'dkim':
        return checks.onDkim(m);
      case 'spf':
        return checks.onSpf(m);
      case 'dnsbl':
        return checks.onDnsbl(m);
      case 'dbl':
        return checks.onDbl(m);
      case 'ports':
        return probes.onPorts(m, at);
      case 'tlsinjection':
        return probes.onTlsInjection(m, at);
      case 'mxtls':
        probes.onMxTls(m, at);
        // The answer is what lesson 4's last step asks to see: it passes once one came.
        if (m.answer.kind === 'probed') view.write(guide.afterLocal('tls-mx'));
        return;
      case 'smuggling':
        probes.onSmuggling(m, at);
        // The answer is what lesson 8's last step asks to see: it passes once one came.
        if (m.answer.kind === 'probed') view.write(guide.afterLocal('smuggling'));
        return;
      case 'tlsversions':
        probes.onTlsVersions(m, at);
        // The answer is what a lesson's step asks to see (lesson 8): it passes once one came.
        if (m.answer.kind === 'probed') view.write(guide.afterLocal('tls-versions'));
        return;
      case 'closed': {
        const silent = session.closed(at, m.by === 'server');
        const who = m.by === 'server' ? `closed by the server${silent}` : m.by === 'client' ? 'disconnected' : 'connection lost';
        transcript.note(m.reason === '' || m.by === 'server' ? who : `${who}: ${m.reason}`, at);
        view.write(formatNote(m.reason === '' || m.by === 'server' ? who : `${who}: ${showControls(m.reason)}`));
        status.closed(m.by, m.reason);
        checks.closed();
        setState('idle');
        view.write(guide.connectionClosed());
        return;
      }
      case 'error': {
        // One address of the host did not answer, and the bridge dials the next: a note, not the end of the dial.
        if (m.code === 'ADDRESS_FAILED') {
          dial.addressFailed(m.message);
          transcript.note(m.message, at);
          view.write(formatNote(showControls(m.message)));
          return;
        }
        transcript.note(`error ${m.code}: ${m.message}`, at);
        status.error(m.code, m.message);
        view.write(formatNote(`error: ${showControls(m.message)}`));
        // A failure to connect explained; a TLS handshake after STARTTLS's 220 is awaited by the model, else implicit.
        const failure = dial.failure(m.code, m.message, session.model.state.tlsPending);
        if (failure !== null) {
          const report = failureReport(m.code, failure);
          view.write(formatReport(report));
          log.add({ failure: { label: m.code === 'TLS_FAILED' ? 'TLS' : 'NET', ...report } });
        }
        if (CONNECT_FAILURES.has(m.code)) {
          setState('idle');
          // A sender goes on to the domain's next MX host (a domain looked up in this page): so may the user.
          if (m.code === 'TIMEOUT' || m.code === 'CONNECTION_REFUSED' || m.code === 'NETWORK') checks.connectFailed(dial.host, dial.port);
        }
        return;
      }
      case 'call':
        return desk.onCall(m, at);
      case 'say':
        return desk.onSay(m, at);
      case 'hand':
        return desk.handLowered();
      default:
        exhaustive(m);
    }
  };

  const onLinkEvent = (e: Exclude<EarlyEvent, { kind: 'message' | 'frame' }>): void => {
    switch (e.kind) {
      case 'open':
        reach.opened();
        return;
      case 'down': {
        checks.reset();
        status.bridgeDown(reach.wasOpen);
        setState('idle');
        // Lost after contact: tried again by itself (bridge-reach.ts); a failed try says nothing more.
        const quiet = reach.lost && afterReopen === null;
        reach.down();
        if (quiet) return;
        if (afterReopen !== null) {
          afterReopen = null;
          view.write(formatNote('the heloterm bridge is still out of reach: is it running? Press Connect to try again'));
        } else if (reach.wasOpen) view.write(formatNote(`lost contact with the heloterm bridge${e.code === 1001 ? ' (it is shutting down)' : ''}: trying to reach it again`));
        // Never opened: browsers hide the handshake's HTTP status, so the bridge is asked why (room-note.ts).
        else void askRoom().then((a) => view.write(formatNote(firstContactNote(a, token))));
        return;
      }
      case 'protocolError':
        view.write(formatNote(`ignored a malformed message from the bridge: ${e.error}`));
        return;
      default:
        exhaustive(e);
    }
  };

  // What happened before the app was here, in order; then live events. Nothing can come between (one task).
  session.skipLines(boot.early.paintedLines);
  for (const e of boot.early.events) {
    if (e.kind === 'message') onMessage(e.m, e.painted, e.at);
    else if (e.kind === 'frame') {
      const d = decodeAnyServerMessage(e.data);
      if (d.ok) onMessage(d.value, false, e.at);
      else onLinkEvent({ kind: 'protocolError', error: d.error });
    } else onLinkEvent(e);
  }
  conn.useDecoder(decodeAnyServerMessage);
  conn.onAny((m) => onMessage(m, false, performance.now()));
  conn.onLink('open', () => onLinkEvent({ kind: 'open' }));
  conn.onLink('down', (code, reason) => onLinkEvent({ kind: 'down', code, reason }));
  conn.onLink('protocolError', (error) => onLinkEvent({ kind: 'protocolError', error }));

  // Closing the tab (Ctrl+W, which the page cannot take for itself) or leaving the page ends an open SMTP session and
  // loses the terminal and the reply log: while one is open, the browser asks first.
  window.addEventListener('beforeunload', (e) => {
    if (state !== 'idle') e.preventDefault();
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
