/**
 * The composition root: practice server + HTTP app + WebSocket gateway on one HTTP server.
 * `startHeloterm` is the programmatic API used by main.ts and by the tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { tokenProblem } from '../shared/protocol/token.js';
import { createApp, type ClassViewAccess } from './app.js';
import { callAge, classSnapshot, type ClassCall, type ClassSay } from './class-view.js';
import { LESSONS } from '../shared/lessons/catalogue.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import { questionInFile, readLessonFile } from '../shared/lessons/lesson-file.js';
import type { QuizQuestion } from '../shared/lessons/quiz.js';
import { NO_LINE_LIMITS, type LineLimits } from './line-policy.js';
import { stderrLog, type LogSink } from './log.js';
import { clientAddress, compileProxyTrust } from './proxy-trust.js';
import type { PracticeServer } from './practice/practice-server.js';
import { queryTlsa } from './dane.js';
import { DNS_TIMEOUT_MS, DnsBudget, makeResolver } from './dns-lookup.js';
import { fetchMtaStsPolicy } from './mta-sts-fetch.js';
import { CLOSE_GOING_AWAY, Session, type SessionLimits } from './session.js';
import { DEFAULT_MAX_REPLY_LINE_CHARS, DEFAULT_MAX_REPLY_LINES } from './smtp-link.js';
import { DEFAULT_ALLOWED_PORTS, allowedPorts, parseAllowList, type TargetPolicy } from './target-policy.js';
import { buildUpgradePolicy, urlHost } from './upgrade-policy.js';
import { attachGateway } from './ws-gateway.js';
import { clientKey, Room, type SessionCounts } from './room.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8025;
/** How long the DNS look-up, then each address's TCP + implicit TLS, and a STARTTLS handshake may take, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Where MTA-STS policies are served (RFC 8461 §3.3). */
const HTTPS_PORT = 443;
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));
export const DEFAULT_MAX_SESSIONS = 100;
/** Per client address: a classroom behind one NAT address shares it, so not too few. */
export const DEFAULT_MAX_SESSIONS_PER_ADDRESS = 20;
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** RFC 5321 §4.5.3.2.7 gives servers 5 minutes between commands; a learner reading an explanation gets 15. */
export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_MAX_SESSION_MS = 2 * 60 * 60_000;
/** Bytes a WebSocket may have unsent before the SMTP socket is paused, and the mark at which it resumes. */
export const DEFAULT_HIGH_WATER_BYTES = 256 * 1024;
export const DEFAULT_LOW_WATER_BYTES = 64 * 1024;
/** How long close() waits for sessions to QUIT and close their WebSockets before cutting them, in ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 3000;
/** Random token length, in bytes (base64url: 32 characters). */
const TOKEN_BYTES = 24;

export type { PracticeServer };

export interface HelotermOptions {
  /** Bind address, default '127.0.0.1'. */
  host?: string;
  /** Default 8025; 0 = ephemeral. */
  port?: number;
  /** The embedded practice server; default { port: 0 } on 127.0.0.1. */
  practice?: false | { port?: number; host?: string; greylistMs?: number; slowMs?: number };
  /** Default [25, 465, 587, 2525]; the practice port is always allowed for the practice server. */
  allowedPorts?: number[];
  /** Dial the practice server only (a class that must not reach real servers); DNS lookups still work. */
  practiceOnly?: boolean;
  /** Extra allowed Origins beyond the server's own http://host:port. */
  allowedOrigins?: string[];
  /** Built client, default <repo>/dist/client. */
  clientDir?: string;
  /** Default 10_000. */
  connectTimeoutMs?: number;
  /** dns.lookup-compatible; injectable so tests can simulate DNS without network. Called with { all: true }. */
  lookup?: LookupFunction;
  /**
   * Name servers for DNS lookups, MX and reverse ("192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53"); default
   * the system's. Connections still resolve through `lookup` (the system's resolver).
   */
  dnsServers?: string[];
  /** How long one DNS query try of a lookup may take, in ms (default dns-lookup.ts DNS_TIMEOUT_MS). */
  dnsTimeoutMs?: number;
  /** DNS lookups (MX, reverse DNS) all sessions together may begin per minute (default dns-lookup.ts). */
  dnsLookupsPerMinute?: number;
  /**
   * The HTTPS port MTA-STS policies are fetched from (443; tests serve one on a port of their own), and certificates
   * to trust for it besides the machine's store (tests: their own certificate authority).
   */
  mtaStsPort?: number;
  mtaStsCa?: string[];
  /** Structured log sink; default: one JSON line per event to stderr. */
  log?: (event: Record<string, unknown>) => void;

  /** The instructor's key to the class view (class.html, /class/sessions). Default: a random one at each start. */
  classKey?: string;
  /**
   * A class's own lessons (shared/lessons/lesson-file.ts readLessonFile: checked), shown after the built-in ones;
   * the page fetches them from /lessons.json.
   */
  lessons?: Lesson[];
  /** A class's own quiz questions (its lesson file's "quiz": shared/lessons/quiz.ts), asked beside the built-in ones. */
  quiz?: QuizQuestion[];
  /** The access token. Given: required. Default: a random one when required, none otherwise. */
  token?: string;
  /** Require a token on loopback too (beyond loopback or behind a trusted proxy it is always required). */
  requireToken?: boolean;
  /**
   * Reverse proxies in front of heloterm (addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`): the
   * client's address is read from X-Forwarded-For through them, for the per-address limit and the logs. Being
   * behind a proxy means being reachable beyond this machine: as when bound beyond loopback, the token is required
   * and only public addresses are dialled.
   */
  trustProxy?: string[];
  /** Dial only public unicast addresses (automatic beyond loopback or behind a trusted proxy). */
  publicTargetsOnly?: boolean;
  /** Host names, IP addresses and CIDR ranges that may be dialled even in public mode. */
  allowTargets?: string[];
  /** Refuse DATA and BDAT. */
  noData?: boolean;
  maxRecipients?: number;
  maxCommandsPerMinute?: number;

  maxSessions?: number;
  maxSessionsPerAddress?: number;
  heartbeatMs?: number;
  idleTimeoutMs?: number;
  maxSessionMs?: number;
  highWaterBytes?: number;
  lowWaterBytes?: number;
  maxReplyLineChars?: number;
  maxReplyLines?: number;
  shutdownGraceMs?: number;
}

export interface Heloterm {
  /** The page's URL, without the token. */
  url: string;
  /** The URL to open: with `#token=…` when a token is required. */
  launchUrl: string;
  /**
   * For a wildcard bind (0.0.0.0, ::): the URLs other machines open (a class), one per network address of this
   * machine, IPv4 first, with the token; empty otherwise (launchUrl is the address it was bound to).
   */
  networkUrls: string[];
  /** The access token, or null when none is required. */
  token: string | null;
  /** The instructor's class view, its key in the fragment (for the instructor's machine: trainees never see it). */
  classUrl: string;
  port: number;
  practice: PracticeServer | null;
  /** Whether only public addresses are dialled. */
  publicTargetsOnly: boolean;
  /** Open sessions, overall and per client address. */
  sessions(): SessionCounts;
  /** Graceful shutdown: stop accepting, tell sessions, QUIT their servers, close WebSockets with 1001. */
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A wildcard bind address is not something to type into a browser: show loopback instead. */
function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? DEFAULT_HOST : urlHost(host);
}

/** Whether a bind address keeps heloterm on this machine: 127.0.0.0/8, ::1 (also as ::ffff:127.x), "localhost". */
export function isLoopbackBind(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  return ipaddr.process(host).range() === 'loopback';
}

function localAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && !(i.family === 'IPv6' && i.address.startsWith('fe80:')))
    .map((i) => i.address);
}

/** The page's URLs at this machine's network addresses, for a wildcard bind (0.0.0.0: IPv4 only); `fragment` after. */
function networkUrls(host: string, port: number, addresses: readonly string[], fragment: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [];
  const usable = addresses.filter((a) => host === '::' || net.isIPv4(a));
  return [...usable.filter((a) => net.isIPv4(a)), ...usable.filter((a) => !net.isIPv4(a))].map((a) => `http://${urlHost(a)}:${port}/${fragment}`);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, not ${v}`);
  return v;
}

/**
 * A class's own lessons and quiz questions as given, or an error naming each problem (as a lesson file's are named at
 * start).
 */
function checkedLessons(given: readonly Lesson[], questions: readonly QuizQuestion[]): { lessons: Lesson[]; quiz: QuizQuestion[] } {
  if (given.length === 0 && questions.length === 0) return { lessons: [], quiz: [] };
  const file = { ...(given.length === 0 ? {} : { lessons: given }), ...(questions.length === 0 ? {} : { quiz: questions.map(questionInFile) }) };
  const read = readLessonFile(file, LESSONS);
  if ('problems' in read) throw new Error(`lessons: ${read.problems.join('; ')}`);
  return read;
}

export async function startHeloterm(opts: HelotermOptions = {}): Promise<Heloterm> {
  const host = opts.host ?? DEFAULT_HOST;
  const log: LogSink = opts.log ?? stderrLog;
  const trustProxy = opts.trustProxy === undefined || opts.trustProxy.length === 0 ? null : compileProxyTrust(opts.trustProxy);
  // Reachable only from this machine: bound to loopback, and no proxy forwards to it from elsewhere.
  const local = isLoopbackBind(host) && trustProxy === null;
  const tokenRequired = !local || opts.requireToken === true || opts.token !== undefined;
  if (opts.token !== undefined) {
    const problem = tokenProblem(opts.token);
    if (problem !== null) throw new Error(`token: ${problem}`);
  }
  const token = tokenRequired ? (opts.token ?? randomBytes(TOKEN_BYTES).toString('base64url')) : null;
  // Checked before anything starts (the practice server): a bad key leaves nothing running.
  const classKeyProblem = opts.classKey === undefined ? null : tokenProblem(opts.classKey);
  if (classKeyProblem !== null) throw new Error(`class key: ${classKeyProblem}`);
  const classKey = opts.classKey ?? randomBytes(TOKEN_BYTES).toString('base64url');
  const publicTargetsOnly = !local || opts.publicTargetsOnly === true;
  const allow = parseAllowList(opts.allowTargets ?? []);
  const lineLimits: LineLimits = {
    ...NO_LINE_LIMITS,
    noData: opts.noData === true,
    maxRecipients: opts.maxRecipients ?? null,
    maxCommandsPerMinute: opts.maxCommandsPerMinute ?? null,
  };
  const highWaterBytes = positive('highWaterBytes', opts.highWaterBytes, DEFAULT_HIGH_WATER_BYTES);
  const limits: SessionLimits = {
    idleTimeoutMs: positive('idleTimeoutMs', opts.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
    maxSessionMs: positive('maxSessionMs', opts.maxSessionMs, DEFAULT_MAX_SESSION_MS),
    highWaterBytes,
    lowWaterBytes: Math.min(positive('lowWaterBytes', opts.lowWaterBytes, DEFAULT_LOW_WATER_BYTES), highWaterBytes),
    maxReplyLineChars: positive('maxReplyLineChars', opts.maxReplyLineChars, DEFAULT_MAX_REPLY_LINE_CHARS),
    maxReplyLines: positive('maxReplyLines', opts.maxReplyLines, DEFAULT_MAX_REPLY_LINES),
    closeGraceMs: positive('shutdownGraceMs', opts.shutdownGraceMs, DEFAULT_SHUTDOWN_GRACE_MS),
  };

  const dnsServers = opts.dnsServers ?? null;
  makeResolver(dnsServers); // a malformed server address throws here, at start, rather than at the first lookup
  const dnsBudget = new DnsBudget(opts.dnsLookupsPerMinute);

  // The practice server is imported only when wanted: smtp-server and mailparser take about 17 MB of memory.
  const practiceOpts = opts.practice === false ? null : (opts.practice ?? {});
  const practice =
    practiceOpts === null
      ? null
      : await (await import('./practice/practice-server.js')).startPracticeServer({ ...practiceOpts, port: practiceOpts.port ?? 0, host: practiceOpts.host ?? DEFAULT_HOST });
  if (opts.practiceOnly === true && practice === null) throw new Error('practiceOnly needs the practice server');
  const policy: TargetPolicy = {
    // Practice only: no SMTP port is open, but the practice server's own port to its own address.
    ports: opts.practiceOnly === true ? [] : (opts.allowedPorts ?? DEFAULT_ALLOWED_PORTS),
    publicOnly: publicTargetsOnly,
    allow,
    practice: practice ? { address: practice.info.host, port: practice.info.port, lmtpPort: practice.info.lmtpPort, tlsPort: practice.info.tlsPort } : null,
  };

  const sessions = new Set<Session>();
  // Sessions counted overall and per client address; the pages turned away for want of room, for the class view.
  const room = new Room(
    positive('maxSessions', opts.maxSessions, DEFAULT_MAX_SESSIONS),
    positive('maxSessionsPerAddress', opts.maxSessionsPerAddress, DEFAULT_MAX_SESSIONS_PER_ADDRESS),
  );
  // The class's own lessons (--lessons) after the built-in ones, checked whole before anything else starts listening.
  const { lessons: classLessons, quiz: classQuiz } = checkedLessons(opts.lessons ?? [], opts.quiz ?? []);
  const lessons = [...LESSONS, ...classLessons];
  // The lesson the instructor asked the class to start (the class view's "Ask the class"): told to every page open,
  // and to each page that opens later, until another is asked for or the call is withdrawn.
  let call: ClassCall | null = null;
  /** The open page with this number in the class view, if any. */
  const sessionAt = (seat: number): Session | undefined => [...sessions].find((s) => s.seatNumber === seat);
  // The note the instructor said to the class ("Say to the class"): told as a call is.
  let said: ClassSay | null = null;
  const classView: ClassViewAccess = {
    key: classKey,
    snapshot: () => {
      const now = performance.now();
      return classSnapshot([...sessions].map((s) => s.seat), now, lessons, call, said, room.turnedAway(now));
    },
    call: (lesson) => {
      if (lesson !== null && !lessons.some((l) => l.id === lesson)) return null;
      call = lesson === null ? null : { lesson, at: performance.now() };
      let pages = 0;
      for (const s of sessions) if (s.tellCall(lesson, 0)) pages++;
      log({ event: 'class-call', lesson, pages });
      return pages;
    },
    say: (text, seat) => {
      if (seat !== undefined) {
        // To one trainee (from the row of one who asked for help): told once, kept nowhere.
        const told = text !== null && sessionAt(seat)?.tellSay(text, 0, true) === true;
        log({ event: 'class-say', chars: text?.length ?? null, seat, pages: told ? 1 : 0 });
        return told ? 1 : null;
      }
      said = text === null ? null : { text, at: performance.now() };
      let pages = 0;
      for (const s of sessions) if (s.tellSay(text, 0)) pages++;
      // The note's length, not its words: the log is the operator's, the note the class's.
      log({ event: 'class-say', chars: text?.length ?? null, pages });
      return pages;
    },
    lowerHand: (seat) => {
      const session = sessionAt(seat);
      const lowered = session?.lowerHand() ?? false;
      if (lowered) log({ event: 'class-hand-lowered', seat });
      return lowered;
    },
  };
  const server = http.createServer(
    createApp({ clientDir: opts.clientDir ?? DEFAULT_CLIENT_DIR, classView, classLessons, classQuiz, room: (req) => room.answer(clientKey(clientAddress(req, trustProxy))) }),
  );
  server.on('clientError', (_err, socket) => socket.destroy());
  let port: number;
  try {
    port = await listen(server, opts.port ?? DEFAULT_PORT, host);
  } catch (err) {
    await practice?.close();
    throw err;
  }

  const forget = (session: Session): void => void sessions.delete(session);
  let seats = 0;
  const gateway = attachGateway(
    server,
    {
      policy: buildUpgradePolicy(host, port, opts.allowedOrigins, token, localAddresses()),
      room,
      heartbeatMs: positive('heartbeatMs', opts.heartbeatMs, DEFAULT_HEARTBEAT_MS),
      trustProxy,
      log,
    },
    (ws, { socket, remote, client, query }) => {
      const session = new Session(ws, socket, {
        id: randomUUID().slice(0, 8),
        practice: practice?.info ?? null,
        policy,
        lineLimits,
        limits,
        connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        lookup: opts.lookup ?? dns.lookup,
        dnsResolver: () => makeResolver(dnsServers, opts.dnsTimeoutMs),
        lookupTlsa: (name, signal) => queryTlsa(name, dnsServers ?? dns.getServers(), opts.dnsTimeoutMs ?? DNS_TIMEOUT_MS, signal),
        dnsBudget,
        fetchMtaSts: (domain, resolver, signal) =>
          fetchMtaStsPolicy(domain, { resolver, policy, port: opts.mtaStsPort ?? HTTPS_PORT, ...(opts.mtaStsCa !== undefined ? { ca: opts.mtaStsCa } : {}), signal }),
        storedMessages: practice ?? undefined,
        log,
        logFields: { remote, client },
        query,
        onDispose: forget,
        seat: ++seats,
        remote,
        lessons,
      });
      sessions.add(session);
      if (call !== null) session.tellCall(call.lesson, callAge(call, performance.now()));
      if (said !== null) session.tellSay(said.text, callAge(said, performance.now()));
    },
  );
  log({ event: 'start', port, host, tokenRequired, publicTargetsOnly, allowedPorts: allowedPorts(policy), trustProxy: opts.trustProxy ?? [] });

  const url = `http://${displayHost(host)}:${port}/`;
  const fragment = token === null ? '' : `#token=${token}`;
  let closing: Promise<void> | null = null;
  return {
    url,
    launchUrl: `${url}${fragment}`,
    networkUrls: networkUrls(host, port, localAddresses(), fragment),
    token,
    classUrl: `${url}class.html#key=${classKey}`,
    port,
    practice,
    publicTargetsOnly,
    sessions: () => room.counts(),
    close: () =>
      (closing ??= (async () => {
        // 1. Stop accepting: no new upgrades, no new HTTP connections.
        gateway.stopAccepting();
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // 2. Tell every session, QUIT its SMTP server, close its WebSocket with 1001 (each bounded by the grace).
        log({ event: 'shutdown', sessions: sessions.size });
        await Promise.all(
          [...sessions].map((s) => s.close(CLOSE_GOING_AWAY, 'shutting down', 'heloterm is shutting down: the connection was closed (QUIT sent)')),
        );
        sessions.clear();
        // 3. Whatever is left is cut.
        await gateway.close();
        server.closeAllConnections();
        await httpClosed;
        await practice?.close();
      })()),
  };
}
