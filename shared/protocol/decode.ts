/**
 * Decoding at the boundary: raw frame text -> a typed message, or a reason why not. Never throws.
 * Every field is checked for type and size; unknown `type`s and wrong versions are rejected.
 *
 * The target of a connection may also come in the WebSocket URL (`/ws?host=…&port=…&tls=…`, built by connectQuery),
 * so the bridge dials during the handshake; decodeConnectQuery applies the same checks as to a `connect` message.
 */
import { isValidHost, MAX_HOST_CHARS } from './host.js';
import {
  ERROR_CODES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ConnectMessage,
  type ErrorCode,
  type ServerMessage,
} from './messages.js';

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

function fail<T>(error: string): Decoded<T> {
  return { ok: false, error };
}

const isStr = (x: unknown, max = Infinity): x is string => typeof x === 'string' && x.length <= max;
const isPort = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 65535;
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The checks of a connection's target, wherever it comes from (a `connect` message, the WebSocket URL). */
function decodeTarget(host: unknown, port: unknown, tls: unknown): Decoded<ConnectMessage> {
  if (!isStr(host, MAX_HOST_CHARS) || host.length === 0) return fail('"host" must be a non-empty string');
  if (!isValidHost(host)) return fail('"host" must be a host name (RFC 1123) or an IP address');
  if (!isPort(port)) return fail('"port" must be an integer from 1 to 65535');
  if (tls !== 'none' && tls !== 'implicit') return fail('"tls" must be "none" or "implicit"');
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'connect', host, port, tls } };
}

export function decodeClientMessage(raw: string): Decoded<ClientMessage> {
  const p = parse(raw);
  if (!p.ok) return p;
  const m = p.value;
  switch (m.type) {
    case 'connect': {
      const target = decodeTarget(m.host, m.port, m.tls);
      return target.ok ? target : fail(`connect: ${target.error}`);
    }
    case 'line':
      if (!isStr(m.text, MAX_LINE_CHARS)) return fail(`line: "text" must be a string of at most ${MAX_LINE_CHARS} characters`);
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'line', text: m.text } };
    case 'disconnect':
      return { ok: true, value: { v: PROTOCOL_VERSION, type: 'disconnect' } };
    default:
      return fail(`unknown message type ${JSON.stringify(m.type)}`);
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

export function decodeServerMessage(raw: string): Decoded<ServerMessage> {
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
        if (!isStr(pr.host) || !isPort(pr.port) || !isStr(pr.domain) || !isStrArray(pr.mailboxes)) {
          return fail('hello: bad "practice"');
        }
        practice = { host: pr.host, port: pr.port, domain: pr.domain, mailboxes: pr.mailboxes };
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
      if (!isStr(m.data)) return fail('rx: "data" must be a string');
      if (m.sent === undefined) return { ok: true, value: { v, type: 'rx', data: m.data } };
      if (!isStrArray(m.sent) || m.sent.length === 0) return fail('rx: "sent" must be a non-empty array of strings');
      return { ok: true, value: { v, type: 'rx', sent: m.sent, data: m.data } };
    case 'tx':
    case 'queued':
      if (!isStr(m.text)) return fail(`${m.type}: "text" must be a string`);
      return { ok: true, value: { v, type: m.type, text: m.text } };
    case 'tls':
      if (!isStr(m.protocol) || !isStr(m.cipher) || !isBool(m.authorized)) return fail('tls: bad fields');
      if (m.authorizationError !== null && !isStr(m.authorizationError)) return fail('tls: bad "authorizationError"');
      return {
        ok: true,
        value: { v, type: 'tls', protocol: m.protocol, cipher: m.cipher, authorized: m.authorized, authorizationError: m.authorizationError },
      };
    case 'closed':
      if (m.by !== 'server' && m.by !== 'client' && m.by !== 'error') return fail('closed: bad "by"');
      if (!isStr(m.reason)) return fail('closed: bad "reason"');
      return { ok: true, value: { v, type: 'closed', by: m.by, reason: m.reason } };
    case 'error':
      if (!isErrorCode(m.code) || !isStr(m.message)) return fail('error: bad fields');
      return { ok: true, value: { v, type: 'error', code: m.code, message: m.message } };
    default:
      return fail(`unknown message type ${JSON.stringify(m.type)}`);
  }
}
