/**
 * Command-line and environment configuration. Pure apart from reading its arguments and the lesson file it names
 * (through `readText`): flags win over environment variables; every value is validated with a message that names the
 * flag or variable. The README's flags table lists the same options (keep the two in step).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LESSONS } from '../shared/lessons/catalogue.js';
import { readLessonFile } from '../shared/lessons/lesson-file.js';
import type { Lesson } from '../shared/lessons/lesson.js';
import type { QuizQuestion } from '../shared/lessons/quiz.js';
import { tokenProblem } from '../shared/protocol/token.js';
import type { HelotermOptions } from './heloterm.js';
import { compileProxyTrust } from './proxy-trust.js';
import { parseAllowList } from './target-policy.js';
import { makeResolver } from './dns-lookup.js';

export const USAGE = `Usage: heloterm [options]

A web terminal for talking SMTP by hand. Every option has an environment variable; flags win.

Listening
  --port <n>                  HTTP port (default 8025; 0 picks a free port)       HELOTERM_PORT
  --host <addr>               bind address (default 127.0.0.1)                     HELOTERM_HOST
  --token <token>             access token (default: random when required)         HELOTERM_TOKEN
  --require-token             require the token on loopback too                    HELOTERM_REQUIRE_TOKEN
  --class-key <key>           the class view's key (default: random at each start) HELOTERM_CLASS_KEY
  --allow-origin <url,...>    extra allowed page origins (behind a proxy)          HELOTERM_ALLOW_ORIGINS
  --trust-proxy <addr,...>    proxies whose X-Forwarded-For names the client       HELOTERM_TRUST_PROXY
  --max-sessions <n>          open sessions overall (default 100)                  HELOTERM_MAX_SESSIONS
  --max-sessions-per-address <n>  per client address (default 20)                  HELOTERM_MAX_SESSIONS_PER_ADDRESS
  --heartbeat <s>             ping interval; no pong by the next ping ends it (30) HELOTERM_HEARTBEAT
  --idle-timeout <s>          close a session idle this long (default 900)         HELOTERM_IDLE_TIMEOUT
  --max-session <s>           close any session after this long (default 7200)     HELOTERM_MAX_SESSION
Targets
  --allow-port <n,...>        ports the bridge may dial (default 25,465,587,2525)  HELOTERM_ALLOW_PORTS
  --public-targets-only       dial public addresses only (automatic beyond loopback) HELOTERM_PUBLIC_TARGETS_ONLY
  --allow-target <t,...>      host names, IPs or CIDRs allowed anyway              HELOTERM_ALLOW_TARGETS
  --connect-timeout <s>       DNS, then each address's TCP + TLS (default 10)      HELOTERM_CONNECT_TIMEOUT
  --dns-server <addr,...>     name servers for /mx lookups (default: the system's) HELOTERM_DNS_SERVERS
  --no-data                   refuse DATA and BDAT                                 HELOTERM_NO_DATA
  --max-recipients <n>        RCPT commands per session                            HELOTERM_MAX_RECIPIENTS
  --max-commands-per-minute <n>  commands per session per minute                   HELOTERM_MAX_COMMANDS_PER_MINUTE
  --max-reply-line <n>        longest server reply line, characters (default 4096) HELOTERM_MAX_REPLY_LINE
  --max-reply-lines <n>       most lines in one reply (default 1000)               HELOTERM_MAX_REPLY_LINES
Practice server
  --practice-port <n>         its port (default: a free one)                       HELOTERM_PRACTICE_PORT
  --no-practice               do not start it
  --practice-only             dial the practice server only (for a class)          HELOTERM_PRACTICE_ONLY
  --lessons <file>            a class's own lessons and quiz, JSON (docs/lessons.md) HELOTERM_LESSONS
  --check-lessons             play them on a practice server of their own, and exit
  --help                      show this help
`;

export interface Config {
  help: boolean;
  /** Play the --lessons file's lessons against a practice server of their own, say how each went, and exit. */
  checkLessons: boolean;
  options: HelotermOptions & { host: string; port: number };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

class ConfigError extends Error {}

/** RFC 5321 §4.5.3.1.5: a reply line may be 512 octets; a smaller cap would cut conforming servers off. */
const MIN_REPLY_LINE_CHARS = 512;
const MS_PER_S = 1000;

function parsePort(text: string, where: string, min: 0 | 1): number {
  const t = text.trim();
  const n = /^[0-9]{1,5}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < min || n > 65535) {
    throw new ConfigError(`${where}: "${text}" is not a port number (${min} to 65535)`);
  }
  return n;
}

function parseCount(text: string, where: string, min = 1): number {
  const t = text.trim();
  const n = /^[0-9]{1,9}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${where}: "${text}" is not a whole number of at least ${min}`);
  return n;
}

function parseSeconds(text: string, where: string): number {
  const t = text.trim();
  const n = /^[0-9]{1,7}(?:\.[0-9]{1,3})?$/.test(t) ? Number(t) : NaN;
  if (!(n > 0)) throw new ConfigError(`${where}: "${text}" is not a number of seconds above 0`);
  return Math.round(n * MS_PER_S);
}

function parseBool(text: string, where: string): boolean {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw new ConfigError(`${where}: "${text}" is not a yes/no value (use 1 or 0)`);
}

function splitList(values: readonly string[], where: string): string[] {
  const items = values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  if (items.length === 0) throw new ConfigError(`${where}: nothing given`);
  return items;
}

function parsePortList(values: readonly string[], where: string): number[] {
  if (values.flatMap((v) => v.split(',')).every((p) => p.trim() === '')) throw new ConfigError(`${where}: no port given`);
  return [...new Set(splitList(values, where).map((p) => parsePort(p, where, 1)))];
}

function parseHost(text: string, where: string): string {
  const t = text.trim();
  if (t === '' || /[\s/]/.test(t)) throw new ConfigError(`${where}: "${text}" is not a host address`);
  return t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
}

function parseOrigins(values: readonly string[], where: string): string[] {
  return splitList(values, where).map((o) => {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new ConfigError(`${where}: "${o}" is not an origin (like https://heloterm.example.org)`);
    }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o.replace(/\/$/, '').toLowerCase()) {
      throw new ConfigError(`${where}: "${o}" is not an origin (scheme://host[:port], nothing after)`);
    }
    return u.origin;
  });
}

function parseToken(text: string, where: string): string {
  const problem = tokenProblem(text);
  if (problem !== null) throw new ConfigError(`${where}: ${problem}`);
  return text;
}

/** A list that `check` accepts; it throws with the reason otherwise (parseAllowList, compileProxyTrust). */
function parseCheckedList(values: readonly string[], where: string, check: (items: string[]) => unknown): string[] {
  const items = splitList(values, where);
  try {
    check(items);
  } catch (err) {
    throw new ConfigError(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return items;
}

const STRING_FLAGS = [
  'port',
  'host',
  'practice-port',
  'token',
  'class-key',
  'heartbeat',
  'idle-timeout',
  'max-session',
  'connect-timeout',
  'max-sessions',
  'max-sessions-per-address',
  'max-recipients',
  'max-commands-per-minute',
  'max-reply-line',
  'max-reply-lines',
  'lessons',
] as const;
const LIST_FLAGS = ['allow-port', 'allow-target', 'allow-origin', 'trust-proxy', 'dns-server'] as const;
const BOOL_FLAGS = ['no-practice', 'practice-only', 'require-token', 'public-targets-only', 'no-data', 'check-lessons'] as const;

type Source<T> = [T, string] | null;

/** The lessons of the file at `file` (named by `name`: the flag or variable), or a ConfigError naming each problem. */
function parseLessons(file: string, name: string, readText: (file: string) => string): { lessons: Lesson[]; quiz: QuizQuestion[] } {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    throw new ConfigError(`${name}: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name}: ${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const read = readLessonFile(json, LESSONS);
  if ('problems' in read) throw new ConfigError(`${name}: ${file} has problems, and no lesson of it was taken:\n  ${read.problems.join('\n  ')}`);
  return read;
}

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): ConfigResult {
  try {
    const { values: parsed } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((f) => [f, { type: 'string' as const }])),
        ...Object.fromEntries(LIST_FLAGS.map((f) => [f, { type: 'string' as const, multiple: true as const }])),
        ...Object.fromEntries(BOOL_FLAGS.map((f) => [f, { type: 'boolean' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
    });
    // The option table is built from the lists above, so its value type is looked at field by field.
    const values: Readonly<Record<string, unknown>> = parsed;
    const fromEnv = (name: string): Source<string> => {
      const v = env[name];
      return v !== undefined && v !== '' ? [v, name] : null;
    };
    const str = (flag: (typeof STRING_FLAGS)[number], envName: string): Source<string> => {
      const v = values[flag];
      return typeof v === 'string' ? [v, `--${flag}`] : fromEnv(envName);
    };
    const list = (flag: (typeof LIST_FLAGS)[number], envName: string): Source<string[]> => {
      const v = values[flag];
      if (Array.isArray(v)) return [v.filter((x): x is string => typeof x === 'string'), `--${flag}`];
      const e = fromEnv(envName);
      return e ? [[e[0]], e[1]] : null;
    };
    const bool = (flag: (typeof BOOL_FLAGS)[number], envName: string): boolean => {
      if (values[flag] === true) return true;
      const e = fromEnv(envName);
      return e ? parseBool(e[0], e[1]) : false;
    };

    const hostSrc = str('host', 'HELOTERM_HOST');
    const portSrc = str('port', 'HELOTERM_PORT');
    const options: Config['options'] = {
      host: hostSrc ? parseHost(...hostSrc) : '127.0.0.1',
      port: portSrc ? parsePort(portSrc[0], portSrc[1], 0) : 8025,
    };

    const practicePortSrc = str('practice-port', 'HELOTERM_PRACTICE_PORT');
    if (values['no-practice'] === true) {
      if (values['practice-port'] !== undefined) throw new ConfigError('--practice-port and --no-practice contradict each other');
      options.practice = false;
    } else if (practicePortSrc) options.practice = { port: parsePort(practicePortSrc[0], practicePortSrc[1], 0) };

    const ports = list('allow-port', 'HELOTERM_ALLOW_PORTS');
    if (ports) options.allowedPorts = parsePortList(...ports);
    if (bool('practice-only', 'HELOTERM_PRACTICE_ONLY')) {
      if (options.practice === false) throw new ConfigError('--practice-only and --no-practice contradict each other');
      if (ports) throw new ConfigError(`--practice-only and ${ports[1]} contradict each other: the practice server needs no port allowed`);
      options.practiceOnly = true;
    }
    const targets = list('allow-target', 'HELOTERM_ALLOW_TARGETS');
    if (targets) options.allowTargets = parseCheckedList(...targets, parseAllowList);
    const origins = list('allow-origin', 'HELOTERM_ALLOW_ORIGINS');
    if (origins) options.allowedOrigins = parseOrigins(...origins);
    const proxies = list('trust-proxy', 'HELOTERM_TRUST_PROXY');
    if (proxies) options.trustProxy = parseCheckedList(...proxies, compileProxyTrust);
    const dnsServers = list('dns-server', 'HELOTERM_DNS_SERVERS');
    if (dnsServers) options.dnsServers = parseCheckedList(...dnsServers, makeResolver);

    const token = str('token', 'HELOTERM_TOKEN');
    if (token) options.token = parseToken(...token);
    if (bool('require-token', 'HELOTERM_REQUIRE_TOKEN')) options.requireToken = true;
    // Kept across restarts, the class view's address keeps working for the instructor after one.
    const classKey = str('class-key', 'HELOTERM_CLASS_KEY');
    if (classKey) options.classKey = parseToken(...classKey);
    if (bool('public-targets-only', 'HELOTERM_PUBLIC_TARGETS_ONLY')) options.publicTargetsOnly = true;
    const lessons = str('lessons', 'HELOTERM_LESSONS');
    if (lessons) {
      const read = parseLessons(lessons[0], lessons[1], readText);
      if (options.practice === false && read.lessons.length > 0) throw new ConfigError(`${lessons[1]} and --no-practice contradict each other: the lessons are played on the practice server`);
      if (read.lessons.length > 0) options.lessons = read.lessons;
      if (read.quiz.length > 0) options.quiz = read.quiz;
    }
    if (bool('no-data', 'HELOTERM_NO_DATA')) options.noData = true;

    const counts: [(typeof STRING_FLAGS)[number], string, 'maxSessions' | 'maxSessionsPerAddress' | 'maxRecipients' | 'maxCommandsPerMinute' | 'maxReplyLines'][] = [
      ['max-sessions', 'HELOTERM_MAX_SESSIONS', 'maxSessions'],
      ['max-sessions-per-address', 'HELOTERM_MAX_SESSIONS_PER_ADDRESS', 'maxSessionsPerAddress'],
      ['max-recipients', 'HELOTERM_MAX_RECIPIENTS', 'maxRecipients'],
      ['max-commands-per-minute', 'HELOTERM_MAX_COMMANDS_PER_MINUTE', 'maxCommandsPerMinute'],
      ['max-reply-lines', 'HELOTERM_MAX_REPLY_LINES', 'maxReplyLines'],
    ];
    for (const [flag, envName, key] of counts) {
      const src = str(flag, envName);
      if (src) options[key] = parseCount(...src);
    }
    const replyLine = str('max-reply-line', 'HELOTERM_MAX_REPLY_LINE');
    if (replyLine) options.maxReplyLineChars = parseCount(replyLine[0], replyLine[1], MIN_REPLY_LINE_CHARS);

    const durations: [(typeof STRING_FLAGS)[number], string, 'heartbeatMs' | 'idleTimeoutMs' | 'maxSessionMs' | 'connectTimeoutMs'][] = [
      ['heartbeat', 'HELOTERM_HEARTBEAT', 'heartbeatMs'],
      ['idle-timeout', 'HELOTERM_IDLE_TIMEOUT', 'idleTimeoutMs'],
      ['max-session', 'HELOTERM_MAX_SESSION', 'maxSessionMs'],
      ['connect-timeout', 'HELOTERM_CONNECT_TIMEOUT', 'connectTimeoutMs'],
    ];
    for (const [flag, envName, key] of durations) {
      const src = str(flag, envName);
      if (src) options[key] = parseSeconds(...src);
    }
    const checkLessons = values['check-lessons'] === true;
    if (checkLessons && !lessons) throw new ConfigError('--check-lessons needs --lessons FILE: the lessons to play');
    return { ok: true, config: { help: values.help === true, checkLessons, options } };
  } catch (err) {
    // parseArgs throws TypeErrors with a clear text ("Unknown option '--x'"); ours are ConfigErrors.
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
