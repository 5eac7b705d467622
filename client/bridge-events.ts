/**
 * Each message from the bridge handed to the part of the page it is for (app.ts wires them): the hello (the practice
 * server, the ports allowed, the bridge reached again), the SMTP connection's course (connecting, connected, TLS,
 * closed, errors), the dialog's lines (session-view.ts), the lookups' and probes' answers (server-checks.ts,
 * host-probes.ts) and the class's messages (class-desk.ts); and what becomes of the page's WebSocket itself.
 */
import { failureReport } from '../shared/smtp/connect-failure.js';
import { showControls } from '../shared/smtp/escape.js';
import type { Transcript } from '../shared/smtp/transcript.js';
import type { LocalExpected } from '../shared/lessons/lesson.js';
import { exhaustive, type ErrorCode, type ServerMessage } from '../shared/protocol/messages.js';
import type { EarlyEvent } from './boot/early.js';
import type { BridgeReach } from './bridge-reach.js';
import type { Connector } from './connector.js';
import type { SessionView } from './session-view.js';
import { formatAddress, formatConnected, formatConnecting, formatNote } from './terminal/render.js';
import { formatQueued } from './terminal/render-replies.js';
import { formatReport, formatTlsReport, reportNote } from './terminal/render-findings.js';
import type { ClassDesk } from './ui/class-desk.js';
import type { ConnectForm } from './ui/connect-form.js';
import type { Dial } from './ui/dial.js';
import type { HostProbes } from './ui/host-probes.js';
import type { LessonGuide } from './ui/lesson-guide.js';
import { PRACTICE_ONLY } from './ui/practice-hint.js';
import type { LogEntry } from './ui/reply-log.js';
import { askRoom, firstContactNote } from './ui/room-note.js';
import type { ServerChecks } from './ui/server-checks.js';
import type { StatusLine } from './ui/status.js';

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

/** What happens to the page's WebSocket itself, as the boot script kept it or the connection reports it. */
export type LinkEvent = Exclude<EarlyEvent, { kind: 'message' | 'frame' }>;

export interface BridgeEventDeps {
  write(text: string): void;
  log(entry: LogEntry): void;
  connector: Connector;
  form: ConnectForm;
  session: SessionView;
  checks: ServerChecks;
  probes: HostProbes;
  desk: ClassDesk;
  guide: Pick<LessonGuide, 'afterLocal' | 'connectionClosed'>;
  transcript: Transcript;
  status: StatusLine;
  dial: Dial;
  reach: BridgeReach;
  /** The page's link (its URL): a lesson to start, a connection to open, once the practice server is known. */
  link: {
    lesson(): void;
    connect(): void;
    /** Connect was pressed before the first hello: that press, not the link, connects. */
    forgo(): void;
  };
  /** The token the page was opened with (null when none), for why a first contact failed. */
  token: string | null;
}

export class BridgeEvents {
  constructor(private readonly deps: BridgeEventDeps) {}

  /**
   * Handles one message from the bridge, which arrived at `at` (performance.now()); `painted`: its note is on screen
   * already (the boot script wrote it).
   */
  message(m: ServerMessage, painted: boolean, at: number): void {
    const { session, checks, probes, desk, transcript, write } = this.deps;
    // A flood ends where anything but more replies comes (a line written, too): its summary goes before that.
    session.before(m);
    switch (m.type) {
      case 'hello':
        return this.hello(m, at);
      case 'connecting':
      case 'connected':
      case 'tls':
      case 'closed':
      case 'error':
        return this.course(m, painted, at);
      case 'rx':
        return session.rx(m, at);
      case 'tx':
        return session.written(m.text, at);
      case 'queued':
        write(formatQueued());
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
      // These probes' answers are what lesson steps ask to see (lesson 4's last, lesson 8's two): they pass once one came.
      case 'mxtls':
        probes.onMxTls(m, at);
        return this.probed(m.answer, 'tls-mx');
      case 'smuggling':
        probes.onSmuggling(m, at);
        return this.probed(m.answer, 'smuggling');
      case 'tlsversions':
        probes.onTlsVersions(m, at);
        return this.probed(m.answer, 'tls-versions');
      case 'call':
        return desk.onCall(m, at);
      case 'say':
        return desk.onSay(m, at);
      case 'hand':
        return desk.handLowered();
      default:
        exhaustive(m);
    }
  }

  /** A probe answered (not refused before it began): the lesson step that asks for that probe passes. */
  private probed(answer: { kind: string }, step: LocalExpected['local']): void {
    if (answer.kind === 'probed') this.deps.write(this.deps.guide.afterLocal(step));
  }

  /** The bridge's hello: at the page's first contact, or reached again (restarted, or the network back). */
  private hello(m: Extract<ServerMessage, { type: 'hello' }>, at: number): void {
    const { connector, form, checks, probes, desk, transcript, status, reach, link, write } = this.deps;
    // A bridge started again has its practice server on a new port: a form or a target that pointed at the old
    // one follows it (the form even if its fields were typed in).
    const target = m.practice === null ? null : { host: m.practice.host, port: m.practice.port, tls: false, family: null };
    const follow = target !== null && connector.isPracticeTarget(form.peek());
    if (target !== null && connector.afterReopen !== null && connector.isPracticeTarget(connector.afterReopen)) connector.afterReopen = target;
    connector.practice = m.practice;
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
    connector.updateHint(form.peek());
    const { back, first } = reach.hello();
    // Reached again: by itself (back), or because Connect was pressed (afterReopen), which then dials.
    if (back || (connector.afterReopen !== null && !first)) transcript.note('reached the heloterm bridge again', at);
    // A bridge reached again knows nothing of this page: its class view is told again (when there is anything).
    desk.report(true);
    if (connector.afterReopen !== null) {
      const reopened = connector.afterReopen;
      connector.afterReopen = null;
      connector.setState('idle');
      // Pressed before the first hello: a link's lesson still starts; the press, not the link, connects.
      if (first) {
        link.lesson();
        link.forgo();
      }
      return connector.connectTo(reopened);
    }
    if (back) {
      status.bridgeBack();
      write(formatNote('the heloterm bridge answers again: lookups work; press Connect to connect (the SMTP connection is a new one)'));
      return;
    }
    link.lesson();
    link.connect();
  }

  /** The SMTP connection's course: dialled, connected, secured with TLS, closed, or an error on the way. */
  private course(m: Extract<ServerMessage, { type: 'connecting' | 'connected' | 'tls' | 'closed' | 'error' }>, painted: boolean, at: number): void {
    const { connector, session, checks, transcript, status, dial, guide, write, log } = this.deps;
    switch (m.type) {
      case 'connecting':
        dial.connecting(m.host, m.port);
        transcript.note(`connecting to ${m.host} port ${m.port}`, at);
        connector.setState('connecting');
        status.connecting(m.host, m.port);
        if (!painted) write(formatConnecting(m.host, m.port));
        return;
      case 'connected': {
        connector.setState('connected');
        session.connected(m.address, m.port, at);
        checks.connected(m.host, m.address, m.port);
        transcript.note(`connected to ${m.host} (${formatAddress(m.address, m.port)})`, at);
        status.connected(m.host, m.address, m.port);
        if (!painted) write(formatConnected(m.host, m.address, m.port));
        const fellBack = dial.connected(m.address);
        if (fellBack !== null) write(formatNote(showControls(fellBack)));
        return;
      }
      case 'tls': {
        session.secured(at);
        status.tls(m);
        const tlsReport = dial.secured(m, Date.now());
        transcript.note(`TLS active (${m.protocol}, ${m.cipher}); certificate ${tlsReport.findings[0]?.text ?? ''}`, at);
        write(formatTlsReport(tlsReport));
        log({ tls: tlsReport });
        checks.secured({ authorized: m.authorized, authorizationError: m.authorizationError, coversHost: m.certificate?.coversHost ?? null }, at);
        return;
      }
      case 'closed': {
        const silent = session.closed(at, m.by === 'server');
        const who = m.by === 'server' ? `closed by the server${silent}` : m.by === 'client' ? 'disconnected' : 'connection lost';
        transcript.note(m.reason === '' || m.by === 'server' ? who : `${who}: ${m.reason}`, at);
        write(formatNote(m.reason === '' || m.by === 'server' ? who : `${who}: ${showControls(m.reason)}`));
        status.closed(m.by, m.reason);
        checks.closed();
        write(guide.connectionClosed());
        connector.closed();
        return;
      }
      case 'error': {
        // One address of the host did not answer, and the bridge dials the next: a note, not the end of the dial.
        if (m.code === 'ADDRESS_FAILED') {
          dial.addressFailed(m.message);
          transcript.note(m.message, at);
          write(formatNote(showControls(m.message)));
          return;
        }
        transcript.note(`error ${m.code}: ${m.message}`, at);
        status.error(m.code, m.message);
        write(formatNote(`error: ${showControls(m.message)}`));
        // A failure to connect explained; a TLS handshake after STARTTLS's 220 is awaited by the model, else implicit.
        const failure = dial.failure(m.code, m.message, session.model.state.tlsPending);
        if (failure !== null) {
          const report = failureReport(m.code, failure);
          write(formatReport(report));
          log({ failure: { label: m.code === 'TLS_FAILED' ? 'TLS' : 'NET', ...report } });
        }
        if (CONNECT_FAILURES.has(m.code)) {
          connector.setState('idle');
          // A sender goes on to the domain's next MX host (a domain looked up in this page): so may the user.
          if (m.code === 'TIMEOUT' || m.code === 'CONNECTION_REFUSED' || m.code === 'NETWORK') checks.connectFailed(dial.host, dial.port);
        }
        return;
      }
      default:
        exhaustive(m);
    }
  }

  /** What happened to the page's WebSocket: opened, down (lost, or never reached), or a frame that made no sense. */
  link(e: LinkEvent): void {
    const { connector, checks, status, reach, token, write } = this.deps;
    switch (e.kind) {
      case 'open':
        reach.opened();
        return;
      case 'down': {
        checks.reset();
        status.bridgeDown(reach.wasOpen);
        connector.setState('idle');
        // Lost after contact: tried again by itself (bridge-reach.ts); a failed try says nothing more.
        const quiet = reach.lost && connector.afterReopen === null;
        reach.down();
        if (quiet) return;
        if (connector.afterReopen !== null) {
          connector.afterReopen = null;
          write(formatNote('the heloterm bridge is still out of reach: is it running? Press Connect to try again'));
        } else if (reach.wasOpen) write(formatNote(`lost contact with the heloterm bridge${e.code === 1001 ? ' (it is shutting down)' : ''}: trying to reach it again`));
        // Never opened: browsers hide the handshake's HTTP status, so the bridge is asked why (room-note.ts).
        else void askRoom().then((a) => write(formatNote(firstContactNote(a, token))));
        return;
      }
      case 'protocolError':
        write(formatNote(`ignored a malformed message from the bridge: ${e.error}`));
        return;
      default:
        exhaustive(e);
    }
  }
}
