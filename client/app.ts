/**
 * The page's application, loaded by the boot script (main.ts) as its own chunk: wires the terminal, the connect
 * form, the status line and the reply log to the bridge's WebSocket, and explains every reply.
 *
 *   connect form ─┐                       ┌─> status line, terminal notes
 *   line editor ──┼─> Connection (ws) ────┼─> ServerTextRenderer ─> terminal + reply log
 *                 └───────────────────────┘
 *
 * It first takes over what the boot script kept (boot/early.ts): the events received so far are handled in order,
 * except that what the boot script painted already is not written again.
 */
import type { BootHandOver } from './boot/hand-over.js';
import type { EarlyEvent } from './boot/early.js';
import { explainQuoted, refusalNote, reportReply } from '../shared/smtp/report.js';
import { explainEnhanced } from '../shared/smtp/explain.js';
import { TerminalView } from './terminal/view.js';
import './app.css';
import { ServerTextRenderer } from './terminal/server-text.js';
import { FloodWatch } from './terminal/flood-watch.js';
import { EOL, SGR, formatAddress, formatConnected, formatConnecting, formatNote, paint } from './terminal/render.js';
import { practiceServerLog, type LogEntry } from '../shared/practice/server-log.js';
import { formatCoach, formatExplained, formatExplanation, formatHint, formatQueued } from './terminal/render-replies.js';
import { formatReport, formatStored, formatTlsReport, reportNote } from './terminal/render-findings.js';
import { explainFailure, failureReport, fallbackNote } from '../shared/smtp/connect-failure.js';
import { GREETING_SILENCE_MS, idleNote, silentGreeting } from '../shared/smtp/timing.js';
import { Transcript, secretFrom } from '../shared/smtp/transcript.js';
import { download } from './ui/download.js';
import { decodeAnyServerMessage } from '../shared/protocol/decode-app.js';
import { assessTls, type TlsReport } from '../shared/smtp/tls-report.js';
import { ConnectForm, familyClash, SMTP_PORT, SUBMISSIONS_PORT, urlFamily, type ConnectTarget, type FormState } from './ui/connect-form.js';
import { ServerChecks } from './ui/server-checks.js';
import { HostProbes } from './ui/host-probes.js';
import { LookupQueue } from './ui/lookup-queue.js';
import { StatusLine } from './ui/status.js';
import { ReplyLog } from './ui/reply-log.js';
import { ReplayDialog } from './ui/replay-dialog.js';
import { formatReplay } from './terminal/render-transcript.js';
import { readTranscript, replayTranscript, type ReplayStep } from '../shared/smtp/transcript-read.js';
import { isBounce, readBounce } from '../shared/smtp/bounce-read.js';
import { isHeaders, readHeaders } from '../shared/smtp/headers-read.js';
import { PracticeHint, PRACTICE_ONLY, isPracticeTarget as isPracticeTargetOf, practiceSideOf, type PracticeSide } from './ui/practice-hint.js';
import { ThemeSwitch } from './ui/theme.js';
import { onlyOnThisMachine, shareLink } from './ui/share-link.js';
import { asciiDomain } from './ui/idn.js';
import { ScreenReaderSwitch } from './ui/screen-reader.js';
import { keyRow } from './ui/key-row.js';
import { isMailLog, readMailLog } from '../shared/smtp/log-read.js';
import { shellConnect } from './terminal/shell-habits.js';
import { LessonBar } from './ui/lesson-bar.js';
import { ClassDesk } from './ui/class-desk.js';
import { LessonGuide } from './ui/lesson-guide.js';
import { findLesson, LESSONS, setClassLessons } from '../shared/lessons/catalogue.js';
import { CLASS_LESSONS_PATH, readLessonFile } from '../shared/lessons/lesson-file.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import { endsMessage, SessionModel } from '../shared/smtp/session.js';
import { Coach } from '../shared/smtp/coach.js';
import { ReportStore } from './terminal/reports.js';
import { EXPLAIN_USAGE, completeHeaderLine, completeLine, lessonList, localCommand } from './terminal/local-commands.js';
import { practicePortOf } from '../shared/practice/sides.js';
import { exhaustive, type ErrorCode, type IpFamily, type PracticeInfo, type ServerMessage, type StoredMessage } from '../shared/protocol/messages.js';
import { showControls } from '../shared/smtp/escape.js';
import { required } from './dom.js';
import { readTabSetting, writeTabSetting } from './ui/stored.js';
import { isTraineeName } from '../shared/protocol/app-limits.js';

/** Where `/name` is kept (this tab's sessionStorage). */
const NAME_SETTING = 'heloterm.name';

/** A name kept from before, if it is still one the bridge takes (storage is the user's to edit); else ''. */
function keptName(kept: string | null): string {
  return kept !== null && isTraineeName(kept) ? kept : '';
}

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

/** Replies kept of a connection to the practice server for `/log` (a flood keeps no more). */
const MAX_TRAIL_ENTRIES = 2000;

/** Gaps between the tries to reach a lost bridge again, in seconds; the last repeats, up to the most tries. */
const REACH_AGAIN_GAPS_S = [1, 2, 4, 8, 15, 30] as const;
const REACH_AGAIN_MAX_GAP_S = 30;
/** Tries in all (about eight minutes): a bridge gone longer is reached by Connect. */
const REACH_AGAIN_MAX_ATTEMPTS = 20;

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
    () => reportProgress(),
  );
  /**
   * The name given with `/name`, for the instructor's class view; '' when none. Kept in this tab across a reload, not
   * in the browser: on a machine a class shares, the next trainee starts without it.
   */
  let traineeName = keptName(readTabSetting(NAME_SETTING));
  if (traineeName !== '') transcript.note(`name: ${traineeName}`, performance.now());
  // The class: the trainee's hand raised, and the instructor's call to start a lesson (class-desk.ts).
  const desk = new ClassDesk({
    write: (text) => view.write(text),
    note: (text, at) => transcript.note(text, at),
    report: () => reportProgress(),
    start: (lesson) => startLesson(lesson, true),
    progress: () => guide.progress,
    lessonsPending: () => (classLessonsRead ? null : classLessonsLoaded),
  });
  /** The last `progress` the bridge was sent, as JSON: a change is sent, the same one not again. */
  let progressSent = '';
  /** Tells the bridge where this page is in the lessons, and its name, when that changed (or `again`, after hello). */
  const reportProgress = (again = false): void => {
    const progress = { type: 'progress' as const, name: traineeName, ...guide.progress, ...(desk.hand ? { hand: true } : {}) };
    const json = JSON.stringify(progress);
    if (json === progressSent && !again) return;
    // Nothing to tell yet, and nothing told: the page is shown without a name or a lesson anyway.
    if (progress.name === '' && progress.lesson === null && progress.done.length === 0 && !desk.hand && progressSent === '') return;
    if (conn.send(progress)) progressSent = json;
  };
  const saveTranscript = (): void => {
    const now = new Date();
    const name = `heloterm-${(dialled || 'session').replace(/[^A-Za-z0-9.-]/g, '_')}-${now.toISOString().slice(0, 19).replace(/[T:]/g, '-')}.txt`;
    const text = transcript.text(now.toISOString());
    download(name, text);
    view.write(formatNote(`transcript saved as ${name} (${text.split('\n').length - 1} lines; AUTH credentials removed)`));
  };
  /** Replies read from pasted text, explained as if received (render-transcript.ts) into the terminal and the log. */
  /** Explains replies read from elsewhere; returns their codes. */
  const explainSteps = (steps: readonly ReplayStep[], what: 'transcript' | 'bounce' | 'log lines'): number[] => {
    const { text: shown, reports: explained } = formatReplay(steps, replies + 1, what);
    replies += explained.length;
    for (const r of explained) {
      reports.add(r);
      log.add(r);
    }
    view.write(shown);
    return explained.map((r) => r.reply.code);
  };
  /** Text pasted from elsewhere: a mail log's or a bounce's quoted replies, a message's header fields, or a dialog. */
  const explainTranscript = (text: string): number[] => {
    const logged = isMailLog(text);
    // A log's lines say "host … said" as bounces do: read as a log first, as a bounce only otherwise.
    const bounce = !logged && isBounce(text) ? readBounce(text) : [];
    let codes: number[] = [];
    if (logged) codes = explainSteps(readMailLog(text), 'log lines');
    else if (bounce.length > 0) codes = explainSteps(bounce, 'bounce');
    else if (isHeaders(text)) {
      const r = readHeaders(text);
      view.write(formatReport(r));
      log.add({ headers: r });
    } else codes = explainSteps(replayTranscript(readTranscript(text)), 'transcript');
    view.focus();
    return codes;
  };
  /** `/log`: the last connection to the practice server as its log has it, in Postfix's format, then explained. */
  const showPracticeLog = (): void => {
    // Its LMTP side keeps no log of its own here: /log says so rather than show an older SMTP connection as the last.
    const afterLmtp = lastPracticeSide === 'lmtp';
    if (afterLmtp) view.write(formatNote("/log follows the practice server's SMTP side, logged as Postfix's smtpd logs it; its LMTP side, where you were last, keeps no log here"));
    if (practiceTrail === null || practice === null) {
      if (!afterLmtp) view.write(formatNote('/log shows your last connection to the practice server as its log has it: connect to it first'));
      return;
    }
    // The bridge reaches the practice server over loopback; each connection is an smtpd process of its own.
    const lines = practiceServerLog(practiceTrail.entries, `localhost[${practice.host}]`, 2000 + practiceTrail.n, practiceTrail.n);
    const which = practiceTrail.open ? 'connection, so far' : afterLmtp ? 'last connection to its SMTP side' : 'last connection';
    view.write(
      formatNote(`the practice server's log of your ${which}, in the format of Postfix's smtpd (as in /var/log/mail.log):`) +
        lines.map((l) => paint(SGR.dim, `   ${showControls(l)}`) + EOL).join(''),
    );
    explainSteps(readMailLog(lines.join('\n')), 'log lines');
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
  const replay = new ReplayDialog((text) => view.write(guide.afterLocal('explain', explainTranscript(text))));
  const log = new ReplyLog(saveTranscript, () => replay.open());
  // The status line, with the page's switches at its right (added below, once the terminal is handed over).
  const switches = document.createElement('div');
  switches.className = 'page-switches';
  const statusRow = document.createElement('div');
  statusRow.className = 'status-row';
  statusRow.append(status.element, switches);
  required('#status-slot', HTMLElement).append(statusRow, hint.element, desk.callBar.element, lessonBar.element);
  required('#log-slot', HTMLElement).append(log.element);

  let everOpen = false;
  let model = new SessionModel();
  const coach = new Coach();
  const reports = new ReportStore();
  let replies = 0;
  const flood = new FloodWatch((text) => view.write(text));
  /** When the `rx` being rendered arrived (one clock read per chunk, not per reply). */
  let rxTime = 0;
  /** Why replies were slow, as said in the terminal on this connection: each reason once (the log has every one). */
  const slowSaid = new Set<string>();
  /** When a line last went to the server (or the connection was made): how idle it was when a server hangs up. */
  let lastLineAt = 0;
  /** Says what a greeting that has not come means, GREETING_SILENCE_MS after connecting; cleared by what comes. */
  let greetingWatch: ReturnType<typeof setTimeout> | undefined;
  /** The lines of a paste that began with /explain, gathered until the paste is over; null otherwise. */
  let explaining: string[] | null = null;
  /** Lines sent in this task, not written yet (a paste): what the next line of the paste is judged after. */
  let typedAhead: string[] = [];
  /** A message the practice server stored, held until the reply to its final "." is shown (it usually comes first). */
  let pendingStored: StoredMessage | null = null;
  /**
   * The last connection to the practice server, as its log has it (`/log`, shared/practice/server-log.ts): what
   * happened on it, with the times (epoch ms); `open` while it lasts, `n` its number on this page.
   */
  let practiceTrail: { entries: LogEntry[]; open: boolean; n: number } | null = null;
  /** The practice server's side connected to last (null before the first): /log follows its SMTP side alone. */
  let lastPracticeSide: 'smtp' | 'lmtp' | null = null;
  let practiceConnections = 0;
  const epoch = (at: number): number => performance.timeOrigin + at;
  const renderer = new ServerTextRenderer((reply, firstLineAt) => {
    const now = rxTime;
    const ex = model.received(reply, now, firstLineAt);
    const n = ++replies;
    if (practiceTrail?.open === true && practiceTrail.entries.length < MAX_TRAIL_ENTRIES) practiceTrail.entries.push({ kind: 'exchange', ex, at: epoch(now) });
    // Once greeted, the server's address is looked up as receivers of its mail will; its EHLO reply is judged, and
    // a recipient it accepts is checked for relaying (server-checks.ts), after the reply's own entry in the log.
    if (ex.kind === 'greeting') checks.greeted(reply);
    if (!flood.admit(reply.code, now)) {
      // Counted, not annotated: the log makes the report only if the reply is among those it shows. A lesson does
      // not follow a flood either: its step stays in hand, to be done again once the flood is over.
      log.add(() => reportReply(n, ex));
      if (ex.kind !== 'greeting') checks.replied(ex);
      return null;
    }
    const report = reportReply(n, ex);
    reports.add(report);
    log.add(report);
    // A refusal's meaning and likely cause go into the transcript too, for whoever reads it in a ticket without
    // heloterm (a '#' line: pasted back, the transcript reads as before); after the reply, once it is recorded.
    const why = refusalNote(report);
    if (why !== null) queueMicrotask(() => transcript.note(why, now));
    const checked = ex.kind === 'greeting' ? '' : checks.replied(ex);
    const slow = report.slow !== null && !slowSaid.has(report.slow.id);
    if (report.slow !== null) slowSaid.add(report.slow.id);
    let more = checked + guide.afterReply(ex);
    if (endsMessage(ex) && pendingStored !== null) {
      more += formatStored(pendingStored);
      pendingStored = null;
    }
    return { report, slow, hints: coach.afterReply(ex), more };
  });
  let practice: PracticeInfo | null = null;
  // The class's own lessons (heloterm --lessons), served beside the page: after the built-in ones once here. Read as
  // any input (a file the bridge checked, but a page does not take it on trust).
  let classLessonsRead = false;
  const classLessonsLoaded = fetch(`./${CLASS_LESSONS_PATH}`, { cache: 'no-store' })
    .then((r) => (r.ok ? (r.json() as Promise<unknown>) : null))
    .then((json) => {
      const list = typeof json === 'object' && json !== null && 'lessons' in json ? json.lessons : null;
      if (!Array.isArray(list) || list.length === 0) return;
      const read = readLessonFile(json, LESSONS);
      if ('problems' in read) return view.write(formatNote(`the class's own lessons were not taken: ${read.problems[0] ?? ''}`));
      setClassLessons(read.lessons);
      updateHint(form.peek());
    })
    .catch(() => undefined)
    .finally(() => (classLessonsRead = true));
  let state: FormState = 'idle';
  /**
   * Connect was pressed while the bridge was out of reach (restarted, the network dropped, the laptop slept), or not
   * yet reached (the page's WebSocket still opening): the WebSocket is opened (again), keeping the page as it is (the
   * terminal, the reply log, the transcript), and this target is dialled once the bridge has said hello. Null
   * otherwise.
   */
  let afterReopen: ConnectTarget | null = null;
  /** The bridge has said hello to this page: reaching it after that is reaching it again. */
  let reached = false;
  /**
   * Contact with the bridge was lost: the page tries to reach it again by itself, quietly, a few times with growing
   * gaps (a restart takes seconds; a laptop that slept, longer), so that lookups work again without Connect; the
   * SMTP connection is never dialled again unasked.
   */
  let lostBridge = false;
  let reachAttempts = 0;
  let reachTimer: ReturnType<typeof setTimeout> | undefined;
  const reachAgainLater = (): void => {
    if (reachAttempts >= REACH_AGAIN_MAX_ATTEMPTS) return;
    const gap = REACH_AGAIN_GAPS_S[Math.min(reachAttempts, REACH_AGAIN_GAPS_S.length - 1)] ?? REACH_AGAIN_MAX_GAP_S;
    reachAttempts++;
    // Spread over ±20 %: the pages of a class do not all knock at the same moment.
    reachTimer = setTimeout(() => conn.open(), gap * 1000 * (0.8 + Math.random() * 0.4));
  };
  /** The host of the connection, as dialled (what a certificate's names are checked against). */
  let dialled = '';
  let dialledPort = 0;
  /** The IP version the connection asked for (`telnet -6`), or null for either. */
  let dialledFamily: IpFamily | null = null;
  /** Whether it was dialled with implicit TLS. */
  let dialledTls = false;
  /** Addresses of the host dialled that did not take the connection, while the bridge dials the next. */
  let failedAddresses: string[] = [];
  /** One of them failed for another reason than no route from this machine (ENETUNREACH). */
  let failedOtherwise = false;
  /** What the last TLS handshake showed (for /tls), or null before TLS on this connection. */
  let tlsReport: TlsReport | null = null;
  // When the page URL names the target, so does the WebSocket URL (main.ts): the bridge dialled already.
  let autoConnect = urlTarget.connect && !boot.connectAtOnce;

  const view = new TerminalView(boot.screen, {
    reports,
    // Completion fits the session's state; in a message's header section, the fields it lacks (else Tab is a space).
    complete: (text) => {
      const kind = model.kindOfNextLine(text);
      if (kind === 'command') return completeLine(text, model.state);
      const fields = kind === 'message-text' ? coach.headerFields(model.state) : null;
      return fields === null ? null : completeHeaderLine(text, model.state, fields);
    },
    // AUTH credentials are hidden as they are typed (heloterm's own commands are not sent: they stay readable), and
    // so are the answers pasted with an AUTH command, judged after the lines before them in the paste.
    secretFrom: (text) => {
      const kind = model.kindOfNextLine(text, typedAhead);
      return localCommand(text, model.state, kind) === null ? secretFrom(text, kind) : null;
    },
    onLine(text) {
      // The rest of a paste that began with /explain is explained with it, never sent (a bounce pasted after it).
      if (explaining !== null) {
        explaining.push(text);
        return;
      }
      // heloterm's own commands (/help, /lesson) are never sent; in message text or an AUTH response "/" is just text.
      const local = localCommand(text, model.state, model.kindOfNextLine(text));
      if (local !== null) {
        // How a domain typed beyond ASCII is asked about (/mx, /dkim, /spf).
        if ('note' in local && local.note !== undefined) view.write(formatNote(local.note));
        switch (local.kind) {
          case 'text':
            return view.write(local.text);
          case 'lesson-start':
            return startLesson(local.lesson, false);
          case 'lesson-stop':
            return view.write(stopLesson() || formatNote('no lesson is running; /lesson lists them'));
          case 'lesson-here':
            return view.write(guide.active ? guide.again() : lessonList());
          case 'mx':
            return checks.mx(local.domain);
          case 'dkim':
            return checks.dkim(local.selector, local.domain);
          case 'spf':
            return checks.spf(local.ip, local.domain);
          case 'dnsbl':
            return checks.dnsbl(local.ip);
          case 'dbl':
            return checks.dbl(local.domain);
          case 'rdns':
            return checks.rdns(local.ip);
          case 'name':
            if (local.name === null) {
              return view.write(
                formatNote(traineeName === '' ? "no name given: /name Your Name shows this page by it in an instructor's class view" : `this page's name: ${traineeName} (/name Another changes it)`),
              );
            }
            traineeName = local.name;
            writeTabSetting(NAME_SETTING, traineeName);
            transcript.note(`name: ${traineeName}`, performance.now());
            reportProgress();
            return view.write(formatNote(`an instructor's class view now shows this page as ${traineeName} (the name goes nowhere else)`));
          case 'hand':
            return desk.raiseHand(!desk.hand);
          case 'ports': {
            const { host, family } = probeTarget(local.host);
            if (host === '') return view.write(formatNote('/ports needs a host: /ports mx.example.org (or fill in Host above)'));
            if (local.note !== undefined) view.write(formatNote(local.note));
            return probes.ports(host, local.ports, family);
          }
          case 'explain':
            // The lines of one paste come in one task: once it is over, one line is a reply, more a dialog or bounce.
            explaining = local.text === '' ? [] : [local.text];
            queueMicrotask(() => {
              const lines = explaining ?? [];
              explaining = null;
              // A paste copied without its last newline leaves its last line being typed: it is part of the paste (a
              // key typed after Enter comes in a later task, so a line typed by hand is never taken).
              const last = view.takeLine();
              if (last !== null) lines.push(last);
              // A log line says what the reply answered: read as such, even alone.
              let codes: number[] = [];
              if (lines.length > 1 || isMailLog(lines[0] ?? '')) codes = explainTranscript(lines.join('\n'));
              else if (lines[0] === undefined) view.write(EXPLAIN_USAGE);
              else {
                const explained = explainText(lines[0]);
                view.write(explained.text);
                if (explained.code !== null) codes = [explained.code];
              }
              view.write(guide.afterLocal('explain', codes));
            });
            return;
          case 'save':
            return saveTranscript();
          case 'replay':
            return replay.open();
          case 'link':
            return shareThisPage();
          case 'log':
            return showPracticeLog();
          case 'dane':
            return checks.dane();
          case 'tls-versions': {
            const { host, family, connected } = probeTarget(local.host);
            if (host === '') return view.write(formatNote('/tls versions needs a host: /tls versions mx.example.org 25 (or fill in Host above)'));
            const target = form.peek();
            const port = local.port ?? (connected ? dialledPort : (target.port ?? SMTP_PORT));
            // Implicit TLS where the form says so for its own target, and on 465 (RFC 8314 §3.3).
            const implicit = local.host === null && local.port === null ? (connected ? dialledTls : target.tls === true) : port === SUBMISSIONS_PORT;
            if (local.note !== undefined) view.write(formatNote(local.note));
            return probes.tlsVersions(host, port, implicit ? 'implicit' : 'none', family);
          }
          case 'tls':
            return view.write(
              tlsReport !== null
                ? formatTlsReport(tlsReport)
                : formatNote(state === 'connected' ? 'no TLS on this connection yet: after EHLO, type STARTTLS' : 'not connected'),
            );
          default:
            return exhaustive(local);
        }
      }
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
      if (typedAhead.length === 0) queueMicrotask(() => (typedAhead = []));
      typedAhead.push(text);
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

  /**
   * What a probe (`/ports`, `/tls versions`) is about when no host is named: the server connected to, or the one the
   * form points at ('' when none); and the IP version it was, or is to be, dialled over.
   */
  const probeTarget = (named: string | null): { host: string; family: IpFamily | null; connected: boolean } => {
    const connected = named === null && state === 'connected';
    if (connected) return { host: dialled, family: dialledFamily, connected };
    const target = form.peek();
    return { host: named ?? asciiDomain((target.host ?? '').replace(/^\[(.*)\]$/, '$1')) ?? '', family: target.family ?? null, connected };
  };

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
      view.write(formatNote(reached ? 'reaching the heloterm bridge again…' : 'reaching the heloterm bridge…'));
      status.reaching(reached);
      setState('connecting');
      conn.open();
      return;
    }
    dialledFamily = target.family;
    dialledTls = target.tls;
    renderer.reset();
    model = new SessionModel();
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
    const open: Partial<ConnectTarget> = { host: dialled, port: dialledPort, tls: dialledTls, family: dialledFamily };
    const otherSide = state !== 'idle' && atPractice(open) && !onSide(open);
    const greeted = state === 'connected' && !otherSide && model.greeted && model.state.phase !== 'closed';
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
  });

  /**
   * What /explain says of a quoted reply (a bounce message's line) or a code: a reply is numbered and shown like one
   * received, so that its codes can be pointed at and the reply log lists it (marked as explained, not received).
   */
  /** `/explain TEXT`: what the terminal shows, and the code of the reply explained (null for a code alone, or none). */
  const explainText = (text: string): { text: string; code: number | null } => {
    const enhanced = explainEnhanced(text); // null unless the text is an enhanced code alone
    if (enhanced !== null) return { text: formatExplanation(enhanced), code: null };
    const report = explainQuoted(replies + 1, text);
    if (report === null) {
      return { text: formatNote(`no reply code in "${showControls(text.slice(0, 80))}": /explain reads a line such as 550 5.1.1 <bob@example.org>: User unknown, or a code`), code: null };
    }
    replies++;
    reports.add(report);
    log.add(report);
    return { text: formatExplained(report), code: report.reply.code };
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
    dialledTls = urlTarget.tls === true;
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
    if (lesson === undefined && !classLessonsRead) return void classLessonsLoaded.then(lessonFromUrl);
    if (lesson === undefined) view.write(formatNote(`ignored URL parameter lesson: there is no lesson "${urlLesson}"`) + lessonList());
    else startLesson(lesson, false);
    urlLesson = undefined;
  };

  /**
   * A line the bridge wrote to the server (a `tx`, or one of an `rx`'s `sent`), as the page learnt at `at`: the model
   * follows, the coach hints.
   */
  const written = (text: string, at: number): void => {
    const before = model.state;
    const kind = model.kindOfNextLine(text);
    transcript.sent(text, kind, at);
    lastLineAt = at;
    const hints = coach.beforeSend(text, kind, before, model.unanswered);
    model.sent(text, at);
    view.write(hints.map(formatCoach).join('') + guide.afterSend(text, kind, before));
  };

  /**
   * Handles one message from the bridge, which arrived at `at` (performance.now()); `painted`: its note is on screen
   * already (the boot script wrote it).
   */
  const onMessage = (m: ServerMessage, painted: boolean, at: number): void => {
    // A flood ends where anything but more replies comes (a line written, too): its summary goes before that.
    if ((m.type !== 'rx' || m.sent !== undefined) && flood.flooding) flood.close();
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
        const back = lostBridge;
        const first = !reached;
        lostBridge = false;
        reached = true;
        reachAttempts = 0;
        clearTimeout(reachTimer);
        // Reached again: by itself (back), or because Connect was pressed (afterReopen), which then dials.
        if (back || (afterReopen !== null && !first)) transcript.note('reached the heloterm bridge again', at);
        // A bridge reached again knows nothing of this page: its class view is told again (when there is anything).
        reportProgress(true);
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
        failedAddresses = [];
        failedOtherwise = false;
        dialled = m.host;
        dialledPort = m.port;
        tlsReport = null;
        transcript.note(`connecting to ${m.host} port ${m.port}`, at);
        setState('connecting');
        status.connecting(m.host, m.port);
        if (!painted) view.write(formatConnecting(m.host, m.port));
        return;
      case 'connected':
        setState('connected');
        // The greeting's wait starts now; the reasons for slow replies are given anew on each connection.
        model.connected(false, at);
        slowSaid.clear();
        checks.connected(m.host, m.address, m.port);
        lastLineAt = at;
        transcript.note(`connected to ${m.host} (${formatAddress(m.address, m.port)})`, at);
        status.connected(m.host, m.address, m.port);
        if (!painted) view.write(formatConnected(m.host, m.address, m.port));
        if (failedAddresses.length > 0) view.write(formatNote(showControls(fallbackNote(failedAddresses, m.address, !failedOtherwise))));
        failedAddresses = [];
        failedOtherwise = false;
        // By the address dialled: `telnet localhost <port>` reaches the practice server too, and /log follows it (on
        // its port with TLS first too: the same smtpd behind another listener, as Postfix's smtps service is).
        if (practice !== null && m.address === practice.host && (m.port === practice.port || m.port === practice.tlsPort)) {
          practiceTrail = { entries: [{ kind: 'connect', at: epoch(at) }], open: true, n: ++practiceConnections };
          lastPracticeSide = 'smtp';
        } else {
          if (practiceTrail !== null) practiceTrail.open = false;
          if (practice !== null && m.address === practice.host && m.port === practice.lmtpPort) lastPracticeSide = 'lmtp';
        }
        clearTimeout(greetingWatch);
        // Timed from the connection (an early event handed over by the boot script came a while ago).
        greetingWatch = setTimeout(() => {
          if (state === 'connected' && !model.greeted) {
            // The practice server's TLS port is implicit TLS, as 465 is.
            const implicitPort = m.port === SUBMISSIONS_PORT || (practice !== null && m.address === practice.host && m.port === practice.tlsPort);
            view.write(formatNote(silentGreeting(m.port, model.state.tls, implicitPort)));
          }
        }, Math.max(0, at + GREETING_SILENCE_MS - performance.now()));
        return;
      case 'tls':
        // After STARTTLS the session starts over (RFC 3207 §4.2); with implicit TLS it is just beginning.
        if (model.state.tlsPending) model.tlsEstablished();
        else model.connected(true, at);
        status.tls(m);
        tlsReport = assessTls(m, dialled, Date.now());
        transcript.note(`TLS active (${m.protocol}, ${m.cipher}); certificate ${tlsReport.findings[0]?.text ?? ''}`, at);
        view.write(formatTlsReport(tlsReport));
        log.add({ tls: tlsReport });
        checks.secured({ authorized: m.authorized, authorizationError: m.authorizationError, coversHost: m.certificate?.coversHost ?? null }, at);
        return;
      case 'rx':
        clearTimeout(greetingWatch);
        if (m.sent !== undefined) for (const text of m.sent) written(text, at);
        rxTime = at;
        view.write(renderer.rx(m.data, at).pieces);
        transcript.received(m.data, rxTime, flood.flooding);
        return;
      case 'tx':
        return written(m.text, at);
      case 'queued':
        view.write(formatQueued());
        return;
      case 'rdns':
        return checks.onRdns(m, at);
      case 'dane':
        return checks.onDane(m, at);
      case 'stored':
        transcript.note(`the practice server stored it as message #${m.n}`, at);
        for (const r of m.reports ?? []) transcript.note(reportNote(r, m.from), at);
        if (practiceTrail?.open === true) {
          const reports = (m.reports ?? []).map((r) => ({ action: r.action, recipients: r.recipients, n: r.n }));
          practiceTrail.entries.push({ kind: 'stored', n: m.n, ...(reports.length === 0 ? {} : { reports }) });
        }
        // Shown after the reply to the final "." (or BDAT LAST) when that is still to come (the practice server
        // stores first).
        if (model.awaitsMessageEnd) pendingStored = m;
        else view.write(formatStored(m));
        return;
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
      case 'tlsversions':
        probes.onTlsVersions(m, at);
        // The answer is what a lesson's step asks to see (lesson 8): it passes once one came.
        if (m.answer.kind === 'probed') view.write(guide.afterLocal('tls-versions'));
        return;
      case 'closed': {
        clearTimeout(greetingWatch);
        if (practiceTrail?.open === true) {
          practiceTrail.entries.push({ kind: 'close', at: epoch(at) });
          practiceTrail.open = false;
        }
        if (pendingStored !== null) view.write(formatStored(pendingStored));
        pendingStored = null;
        const rest = renderer.pending;
        if (rest !== '') view.write(formatNote(`incomplete last line (no line ending): ${rest}`));
        // A server that hangs up on a silent client: say how long it had been silent (servers wait about 5 minutes).
        const silent = m.by === 'server' && state === 'connected' ? idleNote(at - lastLineAt) : '';
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
          const address = /^(\S+) did not take the connection/.exec(m.message)?.[1];
          if (address !== undefined) failedAddresses.push(address);
          if (!m.message.includes('ENETUNREACH')) failedOtherwise = true;
          transcript.note(m.message, at);
          view.write(formatNote(showControls(m.message)));
          return;
        }
        transcript.note(`error ${m.code}: ${m.message}`, at);
        status.error(m.code, m.message);
        view.write(formatNote(`error: ${showControls(m.message)}`));
        // A failure to connect explained; a TLS handshake after STARTTLS's 220 is awaited by the model, else implicit.
        const failure = explainFailure(m.code, m.message, {
          implicit: !model.state.tlsPending,
          port: dialledPort,
          host: dialled,
          ...(dialledFamily === null ? {} : { family: dialledFamily }),
        });
        if (failure !== null) {
          const report = failureReport(m.code, failure);
          view.write(formatReport(report));
          log.add({ failure: { label: m.code === 'TLS_FAILED' ? 'TLS' : 'NET', ...report } });
        }
        if (CONNECT_FAILURES.has(m.code)) {
          setState('idle');
          // A sender goes on to the domain's next MX host (a domain looked up in this page): so may the user.
          if (m.code === 'TIMEOUT' || m.code === 'CONNECTION_REFUSED' || m.code === 'NETWORK') checks.connectFailed(dialled, dialledPort);
        }
        return;
      }
      case 'call':
        return desk.onCall(m, at);
      case 'hand':
        return desk.handLowered();
      default:
        exhaustive(m);
    }
  };

  const onLinkEvent = (e: Exclude<EarlyEvent, { kind: 'message' | 'frame' }>): void => {
    switch (e.kind) {
      case 'open':
        everOpen = true;
        return;
      case 'down': {
        checks.reset();
        status.bridgeDown();
        setState('idle');
        // Lost after contact: tried again by itself (reachAgainLater); a failed try says nothing more.
        const quiet = lostBridge && afterReopen === null;
        if (everOpen) {
          lostBridge = true;
          clearTimeout(reachTimer);
          reachAgainLater();
        }
        if (quiet) return;
        if (afterReopen !== null) {
          afterReopen = null;
          view.write(formatNote('the heloterm bridge is still out of reach: is it running? Press Connect to try again'));
        } else if (everOpen) view.write(formatNote(`lost contact with the heloterm bridge${e.code === 1001 ? ' (it is shutting down)' : ''}: trying to reach it again`));
        else if (token === null) {
          // Browsers hide the handshake's HTTP status: a bridge that wants a token looks like any refusal.
          view.write(formatNote('the heloterm bridge refused the connection: if it needs an access token, open the URL it printed at start-up (with #token=…)'));
        } else view.write(formatNote('the heloterm bridge refused the connection: the access token may be wrong or old; open the URL it printed at start-up'));
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
  renderer.skipLines(boot.early.paintedLines);
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
