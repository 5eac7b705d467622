/**
 * Decoding at the boundary: raw frame text -> a typed message, or a reason why not. Never throws.
 * Every field is checked for type and size; unknown `type`s and wrong versions are rejected. The compact frames
 * (LINE_FRAME, RX_FRAME, see messages.ts) are told from JSON by their first character; encode.ts is the inverse.
 *
 * The target of a connection may also come in the WebSocket URL (`/ws?host=…&port=…&tls=…`, built by connectQuery),
 * so the bridge dials during the handshake; decodeConnectQuery applies the same checks as to a `connect` message.
 */
import { isHostName, isIPv4Literal, isIPv6Literal, isValidHost, MAX_HOST_CHARS } from './host.js';
import {
  ERROR_CODES,
  LINE_FRAME,
  PROTOCOL_VERSION,
  RX_FRAME,
  type ClientMessage,
  type ConnectMessage,
  type ErrorCode,
  type ProbePort,
  type ServerMessage,
} from './messages.js';
import { isLessonId, isProbeAddress, isQuizScore, isSharedLine, isTraineeName, MAX_LESSONS_DONE, MAX_QUIZ_QUESTIONS, MAX_PROBE_PORTS, MAX_SHARED_LINE_CHARS, MAX_SHARED_LINES, MAX_TRAINEE_NAME } from './app-limits.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest command line a user may send, in characters (RFC 5321 §4.5.3.1.4 allows 512 octets with CRLF). */
export const MAX_LINE_CHARS = 4096;
export { MAX_HOST_CHARS };

type Obj = Record<string, unknown>;

function parse(raw: string): Decoded<Obj> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fail('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const obj = value as Obj;
  if (obj.v !== PROTOCOL_VERSION) return fail(`unsupported protocol version ${JSON.stringify(obj.v)} (expected ${PROTOCOL_VERSION})`);
  if (typeof obj.type !== 'string') return fail('missing "type"');
  return { ok: true, value: obj };
}

/**
 * How a decoder says it does not know a message's type: decodeServerMessage leaves the app's messages to
 * decode-app.ts (the boot script keeps such a frame whole for the app: connection.ts), and `tls` among them.
 */
export const UNKNOWN_TYPE = 'unknown message type';

function fail<T>(error: string): Decoded<T> {
  return { ok: false, error };
}

const isStr = (x: unknown, max = Infinity): x is string => typeof x === 'string' && x.length <= max;
const isPort = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 65535;
const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The checks of a connection's target, wherever it comes from (a `connect` message, the WebSocket URL). */
function decodeTarget(host: unknown, port: unknown, tls: unknown, family?: unknown): Decoded<ConnectMessage> {
  if (!isStr(host, MAX_HOST_CHARS) || host.length === 0) return fail('"host" must be a non-empty string');
  if (!isValidHost(host)) return fail('"host" must be a host name (RFC 1123) or an IP address');
  if (!isPort(port)) return fail('"port" must be an integer from 1 to 65535');
  if (tls !== 'none' && tls !== 'implicit') return fail('"tls" must be "none" or "implicit"');
  const target: ConnectMessage = { v: PROTOCOL_VERSION, type: 'connect', host, port, tls };
  if (family === undefined) return { ok: true, value: target };
  if (family !== 4 && family !== 6) return fail('"family" must be 4 or 6 when given');
  // An address literal names its own version: one of the other is a contradiction, said before anything is dialled.
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (family === 4 ? isIPv6Literal(bare) : isIPv4Literal(bare)) return fail(`"host" ${host} is not an IPv${family} address`);
  return { ok: true, value: { ...target, family } };
}

const LINE_FRAME_CODE = LINE_FRAME.charCodeAt(0);
const RX_FRAME_CODE = RX_FRAME.charCodeAt(0);

export function decodeClientMessage(raw: string): Decoded<ClientMessage> {
  if (raw.charCodeAt(0) === LINE_FRAME_CODE) {
    if (raw.length - 1 > MAX_LINE_CHARS) return fail(`line: at most ${MAX_LINE_CHARS} characters`);
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'line', text: raw.slice(1) } };
  }
  return decodeJsonClientMessage(raw);
}

/** A client message that travels as JSON (all but the line frame, the bridge's per-line path, kept small above). */
function decodeJsonClientMessage(raw: string): Decoded<ClientMessage> {
  const p = parse(raw);
  if (!p.ok) return p;
  const m = p.value;
  switch (m.type) {
    case 'connect': {
      const target = decodeTarget(m.host, m.port, m.tls, m.family);
      return target.ok ? target : fail(`connect: ${target.error}`);
    }
    case 'line':
      if (!isStr(m.text, MAX_LINE_CHARS)) return fail(`line: "text" must be a string of at most ${MAX_LINE_CHARS} characters`);
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'line', text: m.text } };
    case 'disconnect':
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'disconnect' } };
    case 'mx':
      if (!isStr(m.domain, MAX_HOST_CHARS) || !isHostName(m.domain) || isIPv4Literal(m.domain)) {
        return fail('mx: "domain" must be a domain name (RFC 1123), not an address');
      }
      if (m.policies !== undefined && m.policies !== true) return fail('mx: "policies" must be true when given');
      return { ok: true, value: m.policies === true ? { v: PROTOCOL_VERSION, type: 'mx', domain: m.domain, policies: true } : { v: PROTOCOL_VERSION, type: 'mx', domain: m.domain } };
    case 'mxtls':
      if (!isStr(m.domain, MAX_HOST_CHARS) || !isHostName(m.domain) || isIPv4Literal(m.domain)) {
        return fail('mxtls: "domain" must be a domain name (RFC 1123), not an address');
      }
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'mxtls', domain: m.domain } };
    case 'rdns': {
      const { ip } = m;
      if (ip === undefined) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'rdns' } };
      if (!isStr(ip, 45) || !(isIPv4Literal(ip) || isIPv6Literal(ip))) return fail('rdns: "ip" must be an IPv4 or IPv6 address when given');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'rdns', ip } };
    }
    case 'dane':
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dane' } };
    case 'dkim': {
      const { selector, domain } = m;
      if (!isStr(selector, MAX_HOST_CHARS) || !isHostName(selector)) return fail('dkim: "selector" must be one or more RFC 1123 labels');
      if (!isStr(domain, MAX_HOST_CHARS) || !isHostName(domain) || isIPv4Literal(domain)) return fail('dkim: "domain" must be a domain name (RFC 1123), not an address');
      if (`${selector}._domainkey.${domain}`.length > 253) return fail('dkim: the name <selector>._domainkey.<domain> must be at most 253 characters');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dkim', selector, domain } };
    }
    case 'progress': {
      const { name, lesson, done, hand, lines, quiz } = m;
      // Lesson ids as the catalogue writes them (the bridge keeps only those it knows).
      if (typeof name !== 'string' || !isTraineeName(name)) return fail(`progress: "name" must be at most ${MAX_TRAINEE_NAME} characters, no control characters`);
      if (!Array.isArray(done) || done.length > MAX_LESSONS_DONE || !done.every(isLessonId)) return fail(`progress: "done" must list at most ${MAX_LESSONS_DONE} lesson ids`);
      if (hand !== undefined && typeof hand !== 'boolean') return fail('progress: "hand" must be true or false');
      if (lines !== undefined && (!Array.isArray(lines) || lines.length > MAX_SHARED_LINES || !lines.every(isSharedLine))) {
        return fail(`progress: "lines" must list at most ${MAX_SHARED_LINES} lines of at most ${MAX_SHARED_LINE_CHARS} characters, no control characters`);
      }
      if (quiz !== undefined && !isQuizScore(quiz)) return fail(`progress: "quiz" must be { "right", "of" }: whole numbers, right at most of, of from 1 to ${MAX_QUIZ_QUESTIONS}`);
      // The dialog's lines go with a hand raised only: shared while the trainee asks for help, never otherwise.
      const raised = { ...(hand === true ? { hand, ...(lines === undefined ? {} : { lines: lines as string[] }) } : {}), ...(quiz === undefined ? {} : { quiz: { right: quiz.right, of: quiz.of } }) };
      if (lesson === null) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'progress', name, lesson: null, done, ...raised } };
      const l: Obj = typeof lesson === 'object' && lesson !== null ? (lesson as Obj) : {};
      const small = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;
      if (!isLessonId(l.id) || !small(l.step, 100) || !small(l.retries, 10_000)) return fail('progress: "lesson" must be null or a lesson id, a step and retries');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'progress', name, lesson: { id: l.id, step: l.step, retries: l.retries }, done, ...raised } };
    }
    case 'ports': {
      // The target's checks are a connect's (port and TLS mode per port; the family against an address literal).
      const { ports } = m;
      if (!Array.isArray(ports) || ports.length === 0 || ports.length > MAX_PROBE_PORTS) return fail(`ports: "ports" must list 1 to ${MAX_PROBE_PORTS} ports`);
      const probes: ProbePort[] = [];
      let target: ConnectMessage | null = null;
      for (const p of ports as unknown[]) {
        const o: Obj = typeof p === 'object' && p !== null ? (p as Obj) : {};
        const t = decodeTarget(m.host, o.port, o.tls, m.family);
        if (!t.ok) return fail(`ports: ${t.error}`);
        if (probes.some((q) => q.port === t.value.port)) return fail('ports: each port once');
        probes.push({ port: t.value.port, tls: t.value.tls });
        target = t.value;
      }
      if (target === null) return fail('ports: no port');
      const { host, family } = target;
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'ports', host, ports: probes, ...(family === undefined ? {} : { family }) } };
    }
    case 'tlsversions': {
      // The target's checks are a connect's.
      const t = decodeTarget(m.host, m.port, m.tls, m.family);
      if (!t.ok) return fail(`tlsversions: ${t.error}`);
      const { host, port, tls, family } = t.value;
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsversions', host, port, tls, ...(family === undefined ? {} : { family }) } };
    }
    case 'tlsinjection': {
      // The target's checks are a connect's; STARTTLS only (the injection is of what comes before TLS).
      const t = decodeTarget(m.host, m.port, 'none', m.family);
      if (!t.ok) return fail(`tlsinjection: ${t.error}`);
      const { host, port, family } = t.value;
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsinjection', host, port, ...(family === undefined ? {} : { family }) } };
    }
    case 'smuggling': {
      // The target's checks are a connect's, without TLS (the test is of a server that takes mail in plain SMTP).
      const t = decodeTarget(m.host, m.port, 'none', m.family);
      if (!t.ok) return fail(`smuggling: ${t.error}`);
      const { to, from } = m;
      if (!isProbeAddress(to)) return fail('smuggling: "to" must be a mail address in ASCII (local part and domain, no brackets or spaces)');
      if (from !== '' && !isProbeAddress(from)) return fail('smuggling: "from" must be "" (the null sender) or a mail address in ASCII');
      const { host, port, family } = t.value;
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'smuggling', host, port, to, from, ...(family === undefined ? {} : { family }) } };
    }
    case 'dnsbl': {
      const { ip } = m;
      if (!isStr(ip, 45) || !(isIPv4Literal(ip) || isIPv6Literal(ip))) return fail('dnsbl: "ip" must be an IPv4 or IPv6 address');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dnsbl', ip } };
    }
    case 'dbl': {
      const { domain } = m;
      if (!isStr(domain, MAX_HOST_CHARS) || !isHostName(domain) || isIPv4Literal(domain)) return fail('dbl: "domain" must be a domain name (RFC 1123), not an address');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dbl', domain } };
    }
    case 'spf': {
      const { ip, domain } = m;
      if (!isStr(ip, 45) || !(isIPv4Literal(ip) || isIPv6Literal(ip))) return fail('spf: "ip" must be an IPv4 or IPv6 address');
      if (!isStr(domain, MAX_HOST_CHARS) || !isHostName(domain) || isIPv4Literal(domain)) return fail('spf: "domain" must be a domain name (RFC 1123), not an address');
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'spf', ip, domain } };
    }
    default:
      return fail(`${UNKNOWN_TYPE} ${JSON.stringify(m.type)}`);
  }
}

/** What decodeConnectQuery reads: `URLSearchParams` fits (shared/ knows neither the DOM's nor Node's types). */
export interface QueryParams {
  get(name: string): string | null;
}

/** A port in a URL: decimal digits, no sign, no leading zero (the range is checked like a `connect`'s). */
const DECIMAL_PORT = /^[1-9][0-9]{0,4}$/;

/**
 * The target named in the WebSocket URL's query (`host`, `port`, `tls`, as connectQuery writes them): null when the
 * URL names none of the three, else the result a `connect` message with these fields would get.
 */
export function decodeConnectQuery(params: QueryParams): Decoded<ConnectMessage> | null {
  const host = params.get('host');
  const port = params.get('port');
  const tls = params.get('tls');
  if (host === null && port === null && tls === null) return null;
  const target = decodeTarget(host, port !== null && DECIMAL_PORT.test(port) ? Number(port) : port, tls);
  return target.ok ? target : fail(`the target in the WebSocket URL: ${target.error}`);
}

/**
 * The query that names `target` in the WebSocket URL (`/ws?` + connectQuery(target)): the bridge then dials during
 * the handshake, as if a `connect` had followed `hello`, which saves the page a round trip before the greeting.
 */
export function connectQuery(target: Pick<ConnectMessage, 'host' | 'port' | 'tls'>): string {
  return `host=${encodeURIComponent(target.host)}&port=${target.port}&tls=${encodeURIComponent(target.tls)}`;
}

const ERROR_CODE_SET: ReadonlySet<string> = new Set(Object.values(ERROR_CODES));
const isErrorCode = (x: unknown): x is ErrorCode => typeof x === 'string' && ERROR_CODE_SET.has(x);

/** Most digits in an RX_FRAME's count of sent lines (the bridge reports what it wrote since its last frame). */
const MAX_SENT_DIGITS = 6;

/** An RX_FRAME: `<`, the count of sent lines, `:`, each sent line and LF, the data. */
function decodeRx(raw: string): Decoded<ServerMessage> {
  let at = 1;
  let count = 0;
  for (; at < raw.length && at <= MAX_SENT_DIGITS; at++) {
    const c = raw.charCodeAt(at);
    if (c < 48 || c > 57) break;
    count = count * 10 + (c - 48);
  }
  const digits = at - 1;
  if (digits === 0 || raw.charCodeAt(at) !== 58 /* : */ || (digits > 1 && raw.charCodeAt(1) === 48)) {
    return fail('rx: a frame starting with "<" must go on with the count of sent lines and ":"');
  }
  at++;
  if (count === 0) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'rx', data: raw.slice(at) } };
  const sent: string[] = [];
  for (let i = 0; i < count; i++) {
    const lf = raw.indexOf('\n', at);
    if (lf === -1) return fail(`rx: ${count} sent lines announced, ${i} found`);
    sent.push(raw.slice(at, lf));
    at = lf + 1;
  }
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'rx', sent, data: raw.slice(at) } };
}

export function decodeServerMessage(raw: string): Decoded<ServerMessage> {
  if (raw.charCodeAt(0) === RX_FRAME_CODE) return decodeRx(raw);
  const p = parse(raw);
  if (!p.ok) return p;
  const m = p.value;
  const v = PROTOCOL_VERSION;
  switch (m.type) {
    case 'hello': {
      if (!Array.isArray(m.allowedPorts) || !m.allowedPorts.every(isPort)) return fail('hello: bad "allowedPorts"');
      let practice = null;
      if (m.practice !== null) {
        const pr = m.practice as Obj | undefined;
        if (typeof pr !== 'object' || pr === null) return fail('hello: bad "practice"');
        if (!isStr(pr.host) || !isPort(pr.port) || !isPort(pr.lmtpPort) || !isPort(pr.tlsPort) || !isStr(pr.domain) || !isStrArray(pr.mailboxes)) {
          return fail('hello: bad "practice"');
        }
        practice = { host: pr.host, port: pr.port, lmtpPort: pr.lmtpPort, tlsPort: pr.tlsPort, domain: pr.domain, mailboxes: pr.mailboxes };
      }
      return { ok: true, value: { v, type: 'hello', practice, allowedPorts: m.allowedPorts } };
    }
    case 'connecting':
      if (!isStr(m.host) || !isPort(m.port)) return fail('connecting: bad fields');
      return { ok: true, value: { v, type: 'connecting', host: m.host, port: m.port } };
    case 'connected':
      if (!isStr(m.host) || !isStr(m.address) || !isPort(m.port)) return fail('connected: bad fields');
      return { ok: true, value: { v, type: 'connected', host: m.host, address: m.address, port: m.port } };
    case 'rx':
      return fail(`rx: travels as a frame starting with "${RX_FRAME}", not as JSON`);
    case 'tx':
    case 'queued':
      if (!isStr(m.text)) return fail(`${m.type}: "text" must be a string`);
      return { ok: true, value: { v, type: m.type, text: m.text } };
    case 'closed':
      if (m.by !== 'server' && m.by !== 'client' && m.by !== 'error') return fail('closed: bad "by"');
      if (!isStr(m.reason)) return fail('closed: bad "reason"');
      return { ok: true, value: { v, type: 'closed', by: m.by, reason: m.reason } };
    case 'error':
      if (!isErrorCode(m.code) || !isStr(m.message)) return fail('error: bad fields');
      return { ok: true, value: { v, type: 'error', code: m.code, message: m.message } };
    default:
      return fail(`${UNKNOWN_TYPE} ${JSON.stringify(m.type)}`);
  }
}
