/**
 * heloterm's own commands, typed in the terminal (`/help`, `/mx`, `/ports`…; terminal/local-commands.ts reads them):
 * what each does on the page. None of them is sent to the server's session; lookups and probes go to the bridge.
 */
import type { Lesson } from '../shared/lessons/lesson.js';
import { exhaustive, type IpFamily } from '../shared/protocol/messages.js';
import { certNameVerdict } from '../shared/smtp/cert-name.js';
import { showControls } from '../shared/smtp/escape.js';
import { cramMd5Answer } from './terminal/cram-md5.js';
import type { ScramExchange } from './terminal/scram.js';
import { lessonList, type LocalCommand } from './terminal/local-commands.js';
import { formatTlsReport } from './terminal/render-findings.js';
import { formatNote } from './terminal/render.js';
import type { ClassDesk } from './ui/class-desk.js';
import { SMTP_PORT, SUBMISSIONS_PORT, type ConnectForm } from './ui/connect-form.js';
import type { Dial } from './ui/dial.js';
import { asciiDomain } from './ui/idn.js';
import type { ExplainDesk } from './ui/explain-desk.js';
import type { HostProbes } from './ui/host-probes.js';
import type { LessonGuide } from './ui/lesson-guide.js';
import type { QuizRun } from './ui/quiz-run.js';
import type { ServerChecks } from './ui/server-checks.js';

export interface LocalDeps {
  write(text: string): void;
  /** Whether a connection is open (and greeted or not). */
  connected(): boolean;
  dial: Dial;
  form: Pick<ConnectForm, 'peek'>;
  guide: Pick<LessonGuide, 'active' | 'again'>;
  checks: Pick<ServerChecks, 'mx' | 'dkim' | 'verifyStored' | 'spf' | 'dnsbl' | 'dbl' | 'rdns' | 'dane'>;
  probes: Pick<HostProbes, 'ports' | 'tlsVersions' | 'tlsInjection' | 'mxTls' | 'smuggling'>;
  desk: Pick<ClassDesk, 'hand' | 'raiseHand'>;
  explain: Pick<ExplainDesk, 'begin'>;
  quiz: Pick<QuizRun, 'again' | 'stop'>;
  startLesson(lesson: Lesson): void;
  /** Ends the lesson in hand: the terminal's text, '' when none ran. */
  stopLesson(): string;
  /** `/name NAME` (null: `/name` alone). */
  name(name: string | null): void;
  save(): void;
  replay(): void;
  link(): void;
  log(): void;
  /** The AUTH challenge the server waits for an answer to (the 334's text), or null when none is open. */
  challenge(): string | null;
  /** Puts text on the input line, for Enter to send. */
  prefill(text: string): void;
  /** `/scram`'s exchange on the connection (scram.ts). */
  scram: Pick<ScramExchange, 'start' | 'answer'>;
  /** The mechanisms the server's EHLO offers with AUTH ('' when it offers none); null before an EHLO reply. */
  authOffered(): string | null;
}

/**
 * What a probe (`/ports`, `/tls versions`) is about when no host is named: the server connected to, or the one the
 * form points at ('' when none); and the IP version it was, or is to be, dialled over.
 */
function probeTarget(named: string | null, d: LocalDeps): { host: string; family: IpFamily | null; connected: boolean } {
  const connected = named === null && d.connected();
  if (connected) return { host: d.dial.host, family: d.dial.family, connected };
  const target = d.form.peek();
  return { host: named ?? asciiDomain((target.host ?? '').replace(/^\[(.*)\]$/, '$1')) ?? '', family: target.family ?? null, connected };
}

/**
 * The host and port of a probe that begins in plain SMTP (`/tls injection`, `/smuggling`): as typed, else the server
 * connected to, else the form's (port 25 by default); null once it has said why there is none: `noHost`, or, on port
 * 465 where TLS comes first, `onTlsPort`.
 */
function plainTarget(local: { host: string | null; port: number | null }, d: LocalDeps, noHost: string, onTlsPort: string): { host: string; port: number; family: IpFamily | null } | null {
  const { host, family, connected } = probeTarget(local.host, d);
  const port = local.port ?? (connected ? d.dial.port : (d.form.peek().port ?? SMTP_PORT));
  const refused = host === '' ? noHost : port === SUBMISSIONS_PORT ? onTlsPort : null;
  if (refused === null) return { host, port, family };
  d.write(formatNote(refused));
  return null;
}

/** `/cram-md5 USER PASSWORD`: the answer to the open challenge, computed here and put on the line (cram-md5.ts). */
function cramMd5(user: string, password: string, d: LocalDeps): void {
  const challenge = d.challenge();
  if (challenge === null) {
    return d.write(formatNote(`no challenge to answer: send AUTH CRAM-MD5 ${d.connected() ? '' : 'once connected (after STARTTLS) '}and type /cram-md5 when its 334 comes`));
  }
  const c = cramMd5Answer(user, password, challenge);
  if (c === null) return d.write(formatNote(`the challenge "${showControls(challenge.slice(0, 80))}" is not base64: no CRAM-MD5 answer can be made (was AUTH CRAM-MD5 what was sent?)`));
  d.write(
    formatNote(`CRAM-MD5 for ${showControls(user)}: HMAC-MD5 of the challenge ${showControls(c.challenge.slice(0, 120))} keyed with the password is ${c.digest}; "${showControls(user)} ${c.digest}" in base64 is on the line: press Enter to send it (RFC 2195)`),
  );
  d.prefill(c.answer);
}

/** `/scram USER PASSWORD` begins a SCRAM exchange, `/scram` answers its open challenge (scram.ts). */
function scram(local: Extract<LocalCommand, { kind: 'scram' }>, d: LocalDeps): void {
  if (local.start !== null && !d.connected()) return d.write(formatNote(`not connected: connect, send EHLO (and STARTTLS), then /scram USER PASSWORD puts AUTH ${local.mechanism} on the line`));
  const offered = local.start === null ? null : d.authOffered();
  if (offered !== null && !offered.toUpperCase().split(/\s+/).includes(local.mechanism)) {
    d.write(formatNote(offered === '' ? `the server's EHLO offers no AUTH now (some offer it only after STARTTLS): ${local.mechanism} will be refused` : `the server's EHLO offers AUTH ${showControls(offered)}, not ${local.mechanism}: it will refuse it (Postfix: 504 5.5.4)`));
  }
  const step = local.start === null ? d.scram.answer(d.challenge()) : d.scram.start(local.mechanism, local.start.user, local.start.password, d.challenge());
  d.write(formatNote(showControls(step.say)));
  if ('line' in step && step.line !== '') d.prefill(step.line);
}

export function runLocal(local: LocalCommand, d: LocalDeps): void {
  // How a domain typed beyond ASCII is asked about (/mx, /dkim, /spf, and the probes' hosts), once.
  if ('note' in local && local.note !== undefined) d.write(formatNote(local.note));
  switch (local.kind) {
    case 'text':
      return d.write(local.text);
    case 'lesson-start':
      return d.startLesson(local.lesson);
    case 'lesson-stop':
      return d.write(d.stopLesson() || formatNote('no lesson is running; /lesson lists them'));
    case 'lesson-here':
      return d.write(d.guide.active ? d.guide.again() : lessonList());
    case 'quiz':
      return d.quiz.again();
    case 'quiz-stop':
      return d.write(d.quiz.stop());
    case 'mx':
      return d.checks.mx(local.domain);
    case 'dkim':
      return d.checks.dkim(local.selector, local.domain);
    case 'dkim-verify':
      return d.checks.verifyStored();
    case 'spf':
      return d.checks.spf(local.ip, local.domain);
    case 'dnsbl':
      return d.checks.dnsbl(local.ip);
    case 'dbl':
      return d.checks.dbl(local.domain);
    case 'rdns':
      return d.checks.rdns(local.ip);
    case 'dane':
      return d.checks.dane();
    case 'name':
      return d.name(local.name);
    case 'hand':
      return d.desk.raiseHand(!d.desk.hand);
    case 'ports': {
      const { host, family } = probeTarget(local.host, d);
      if (host === '') return d.write(formatNote('/ports needs a host: /ports mx.example.org (or fill in Host above)'));
      return d.probes.ports(host, local.ports, family);
    }
    case 'tls-versions': {
      const { host, family, connected } = probeTarget(local.host, d);
      if (host === '') return d.write(formatNote('/tls versions needs a host: /tls versions mx.example.org 25 (or fill in Host above)'));
      const target = d.form.peek();
      const port = local.port ?? (connected ? d.dial.port : (target.port ?? SMTP_PORT));
      // Implicit TLS where the form says so for its own target, and on 465 (RFC 8314 §3.3).
      const implicit = local.host === null && local.port === null ? (connected ? d.dial.tls : target.tls === true) : port === SUBMISSIONS_PORT;
      return d.probes.tlsVersions(host, port, implicit ? 'implicit' : 'none', family);
    }
    case 'tls-injection': {
      // The injection is of what comes before STARTTLS: a port where TLS comes first has no such moment.
      const t = plainTarget(
        local,
        d,
        '/tls injection needs a host: /tls injection mx.example.org 25 (or fill in Host above)',
        `/tls injection is about STARTTLS, and port ${SUBMISSIONS_PORT} starts with TLS: name port 25 or 587`,
      );
      return t === null ? undefined : d.probes.tlsInjection(t.host, t.port, t.family);
    }
    case 'tls-mx':
      return d.probes.mxTls(local.domain);
    case 'smuggling': {
      // The check talks plain SMTP: a port where TLS comes first would take its bytes for a broken handshake.
      const t = plainTarget(
        local,
        d,
        '/smuggling needs a host: /smuggling mx.example.org you@example.org (or fill in Host above)',
        `/smuggling talks plain SMTP, and port ${SUBMISSIONS_PORT} starts with TLS: name port 25, where a server takes mail from others`,
      );
      return t === null ? undefined : d.probes.smuggling(t.host, t.port, local.to, local.from, t.family);
    }
    case 'tls':
      if (d.dial.tlsReport !== null) return d.write(formatTlsReport(d.dial.tlsReport));
      return d.write(formatNote(d.connected() ? 'no TLS on this connection yet: after EHLO, type STARTTLS' : 'not connected'));
    case 'tls-name': {
      const c = d.dial.tlsCertificate;
      if (c !== null) return d.write(formatNote(certNameVerdict(c.cert, local.host, c)));
      if (d.dial.tlsReport !== null) return d.write(formatNote('the server sent no certificate: there is no name to check'));
      return d.write(formatNote(d.connected() ? 'no TLS on this connection yet: after EHLO, type STARTTLS, then /tls name again' : 'not connected: /tls name checks the certificate of a connection, once TLS is up'));
    }
    case 'explain':
      return d.explain.begin(local.text);
    case 'save':
      return d.save();
    case 'replay':
      return d.replay();
    case 'link':
      return d.link();
    case 'log':
      return d.log();
    case 'cram-md5':
      return cramMd5(local.user, local.password, d);
    case 'scram':
      return scram(local, d);
    default:
      return exhaustive(local);
  }
}
