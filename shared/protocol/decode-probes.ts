/**
 * Decoding of the answers to the app's probes of a server (messages.ts PortsMessage: `/ports`; TlsVersionsMessage:
 * `/tls versions`; SmugglingMessage: `/smuggling`; TlsInjectionMessage: `/tls injection`; MxTlsMessage: `/tls mx`, with
 * the MTA-STS policy fetched, which the `mx` answer has too) and of a TLS session's report (TlsMessage, with its certificate), for decode-app.ts. Never throws;
 * checks every field for type and size, like decode.ts.
 */
import type { Decoded } from './decode.js';
import { isBool, isCount, isObj, isStr, type Obj } from './decode-guards.js';
import { isIPv4Literal, isIPv6Literal, MAX_HOST_CHARS } from './host.js';
import { MAX_MTA_STS_CHARS, MAX_MX_TLS_HOSTS, MAX_POLICY_CHARS, MAX_POLICY_RECORDS, MAX_PROBE_EHLO_LINES, MAX_PROBE_PORTS, MAX_PROBE_TEXT, MAX_TLSA_DATA_HEX, MAX_TLSA_RECORDS, SMUGGLING_SEQUENCES, TLS_VERSIONS } from './app-limits.js';
import {
  MAX_CERT_CHAIN,
  MAX_CERT_NAMES,
  MAX_CERT_TEXT,
  PROTOCOL_VERSION,
  type DaneAnswer,
  type TlsaSeen,
  type MtaStsFetch,
  type PolicyRecords,
  type MxTlsMessage,
  type MxTlsOutcome,
  type PeerCertificate,
  type PortOutcome,
  type PortsMessage,
  type SmugglingMessage,
  type SmugglingOutcome,
  type TlsInjectionMessage,
  type TlsInjectionOutcome,
  type TlsMessage,
  type TlsVersionOutcome,
  type TlsVersionsMessage,
} from './messages.js';

const PORT_OUTCOMES: ReadonlySet<unknown> = new Set(['greeting', 'held', 'silent', 'refused', 'timeout', 'tls-failed', 'error', 'not-dialled']);
const isOutcome = (x: unknown): x is PortOutcome['outcome'] => PORT_OUTCOMES.has(x);

function decodePortOutcome(x: unknown): PortOutcome | null {
  if (!isObj(x)) return null;
  const { port, outcome, text, ms, tls, ehlo: e } = x;
  if (!isCount(port) || port < 1 || port > 65535 || !isOutcome(outcome) || !isStr(text, MAX_PROBE_TEXT + 1) || typeof ms !== 'number' || !(ms >= 0)) return null;
  const ehloLine = (l: unknown): l is string => isStr(l, MAX_PROBE_TEXT + 1);
  if (e !== null && !(Array.isArray(e) && e.length <= MAX_PROBE_EHLO_LINES && e.every(ehloLine))) return null;
  const ehlo: string[] | null = e;
  const refusedText = x.ehloRefused;
  if (refusedText !== undefined && !isStr(refusedText, MAX_PROBE_TEXT + 1)) return null;
  const refused = refusedText === undefined ? {} : { ehloRefused: refusedText };
  if (tls === null) return { port, outcome, text, ms, tls: null, ehlo, ...refused };
  if (!isObj(tls) || !isStr(tls.protocol, 20) || typeof tls.authorized !== 'boolean') return null;
  const why = tls.authorizationError;
  if (why !== null && !isStr(why, 200)) return null;
  return { port, outcome, text, ms, tls: { protocol: tls.protocol, authorized: tls.authorized, authorizationError: why }, ehlo, ...refused };
}

export function decodePorts(m: Obj): Decoded<PortsMessage> {
  const bad: Decoded<PortsMessage> = { ok: false, error: 'ports: bad "host" or "answer"' };
  const answer: Obj = isObj(m.answer) ? m.answer : {};
  if (!isStr(m.host, MAX_HOST_CHARS)) return bad;
  const host = m.host;
  if (answer.kind === 'none') {
    const { reason, detail } = answer;
    if ((reason !== 'refused' && reason !== 'not-found') || !isStr(detail, 500)) return bad;
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'ports', host, answer: { kind: 'none', reason, detail } } };
  }
  if (answer.kind !== 'probed' || !isStr(answer.address, 45) || !Array.isArray(answer.ports) || answer.ports.length > MAX_PROBE_PORTS) return bad;
  const ports = answer.ports.map(decodePortOutcome);
  if (!ports.every((p): p is PortOutcome => p !== null)) return bad;
  const { otherFamily } = answer;
  const isAddress = (a: unknown): a is string => isStr(a, 45) && (isIPv4Literal(a) || isIPv6Literal(a));
  if (otherFamily !== undefined && !isAddress(otherFamily)) return bad;
  let other: { address: string; ports: PortOutcome[] } | undefined;
  if (answer.other !== undefined) {
    const o: Obj = isObj(answer.other) ? answer.other : {};
    if (otherFamily === undefined || !isAddress(o.address) || !Array.isArray(o.ports) || o.ports.length > MAX_PROBE_PORTS) return bad;
    const otherPorts = o.ports.map(decodePortOutcome);
    if (!otherPorts.every((p): p is PortOutcome => p !== null)) return bad;
    other = { address: o.address, ports: otherPorts };
  }
  const probed = { kind: 'probed' as const, address: answer.address, ports, ...(otherFamily === undefined ? {} : { otherFamily }), ...(other === undefined ? {} : { other }) };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'ports', host, answer: probed } };
}

const TLS_OUTCOMES: ReadonlySet<unknown> = new Set(['accepted', 'refused', 'no-starttls', 'error']);
const TLS_VERSION_SET: ReadonlySet<unknown> = new Set(TLS_VERSIONS);

function decodeTlsVersionOutcome(x: unknown): TlsVersionOutcome | null {
  if (!isObj(x)) return null;
  const { version, outcome, cipher, text, ms } = x;
  if (!TLS_VERSION_SET.has(version) || !TLS_OUTCOMES.has(outcome) || !isStr(text, MAX_PROBE_TEXT + 1) || typeof ms !== 'number' || !(ms >= 0)) return null;
  if (cipher !== null && !isStr(cipher, MAX_PROBE_TEXT)) return null;
  return { version: version as TlsVersionOutcome['version'], outcome: outcome as TlsVersionOutcome['outcome'], cipher, text, ms };
}

/** Why no probe was made: a limit or the target policy, or a name without an address (as `ports` says it). */
type NotProbed = { kind: 'none'; reason: 'refused' | 'not-found'; detail: string };

/**
 * What the answers of a probe of one port (`tlsversions`, `smuggling`, `tlsinjection`) have alike: the host and port,
 * and an answer that is either "none" (`notProbed`, read whole) or "probed" with the address dialled (`probed`, the
 * rest of it left to the caller); null when any of that is not within its limits.
 */
function probeAnswer(m: Obj): { host: string; port: number; notProbed: NotProbed | null; probed: Obj & { address: string } } | null {
  const answer: Obj = isObj(m.answer) ? m.answer : {};
  const { host, port } = m;
  if (!isStr(host, MAX_HOST_CHARS) || !isCount(port) || port < 1 || port > 65535) return null;
  if (answer.kind === 'none') {
    const { reason, detail } = answer;
    if ((reason !== 'refused' && reason !== 'not-found') || !isStr(detail, 500)) return null;
    return { host, port, notProbed: { kind: 'none', reason, detail }, probed: { address: '' } };
  }
  const { address } = answer;
  if (answer.kind !== 'probed' || !isStr(address, 45)) return null;
  return { host, port, notProbed: null, probed: { ...answer, address } };
}

export function decodeTlsVersions(m: Obj): Decoded<TlsVersionsMessage> {
  const bad: Decoded<TlsVersionsMessage> = { ok: false, error: 'tlsversions: bad "host", "port" or "answer"' };
  const read = probeAnswer(m);
  if (read === null) return bad;
  const { host, port, notProbed, probed } = read;
  if (notProbed !== null) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsversions', host, port, answer: notProbed } };
  if (!Array.isArray(probed.versions) || probed.versions.length > TLS_VERSIONS.length) return bad;
  const versions = probed.versions.map(decodeTlsVersionOutcome);
  if (!versions.every((v): v is TlsVersionOutcome => v !== null)) return bad;
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsversions', host, port, answer: { kind: 'probed', address: probed.address, versions } } };
}

const SMUGGLING_OUTCOMES: ReadonlySet<unknown> = new Set(['ended', 'text', 'refused', 'not-reached', 'unclear', 'error']);
const SEQUENCE_SET: ReadonlySet<unknown> = new Set(SMUGGLING_SEQUENCES);
/** A reply a probe quotes (one character over the limit for the "…" that marks a cut text). */
const isProbeText = (x: unknown): x is string => isStr(x, MAX_PROBE_TEXT + 1);

function decodeSmugglingOutcome(x: unknown): SmugglingOutcome | null {
  if (!isObj(x)) return null;
  const { sequence, outcome, text, next, ms } = x;
  if (!SEQUENCE_SET.has(sequence) || !SMUGGLING_OUTCOMES.has(outcome) || !isProbeText(text) || !isProbeText(next) || typeof ms !== 'number' || !(ms >= 0)) return null;
  return { sequence: sequence as SmugglingOutcome['sequence'], outcome: outcome as SmugglingOutcome['outcome'], text, next, ms };
}

export function decodeSmuggling(m: Obj): Decoded<SmugglingMessage> {
  const bad: Decoded<SmugglingMessage> = { ok: false, error: 'smuggling: bad "host", "port" or "answer"' };
  const read = probeAnswer(m);
  if (read === null) return bad;
  const { host, port, notProbed, probed } = read;
  if (notProbed !== null) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'smuggling', host, port, answer: notProbed } };
  if (!Array.isArray(probed.sequences) || probed.sequences.length > SMUGGLING_SEQUENCES.length) return bad;
  const sequences = probed.sequences.map(decodeSmugglingOutcome);
  if (!sequences.every((o): o is SmugglingOutcome => o !== null)) return bad;
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'smuggling', host, port, answer: { kind: 'probed', address: probed.address, sequences } } };
}

const INJECTION_OUTCOMES: ReadonlySet<unknown> = new Set(['injected', 'safe', 'no-starttls', 'tls-failed', 'unclear', 'error']);

export function decodeTlsInjection(m: Obj): Decoded<TlsInjectionMessage> {
  const bad: Decoded<TlsInjectionMessage> = { ok: false, error: 'tlsinjection: bad "host", "port" or "answer"' };
  const read = probeAnswer(m);
  if (read === null) return bad;
  const { host, port, notProbed, probed } = read;
  if (notProbed !== null) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsinjection', host, port, answer: notProbed } };
  const { address, outcome, text, next, ms } = probed;
  if (!INJECTION_OUTCOMES.has(outcome) || !isProbeText(text) || !isProbeText(next) || typeof ms !== 'number' || !(ms >= 0)) return bad;
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsinjection', host, port, answer: { kind: 'probed', address, outcome: outcome as TlsInjectionOutcome['outcome'], text, next, ms } } };
}

export function decodeMtaStsFetch(x: unknown): MtaStsFetch | null {
  if (!isObj(x)) return null;
  if (x.kind === 'error') return isStr(x.detail, 500) ? { kind: 'error', detail: x.detail } : null;
  const { text, cut, contentType } = x;
  if (x.kind !== 'policy' || !isStr(text, MAX_MTA_STS_CHARS) || typeof cut !== 'boolean') return null;
  if (contentType !== null && !isStr(contentType, 200)) return null;
  return { kind: 'policy', text, cut, contentType };
}

type DaneReason = Extract<DaneAnswer, { kind: 'none' }>['reason'];
const DANE_REASONS = ['no-name', 'no-records', 'dns-error', 'refused', 'no-tls', 'not-a-name'] as const satisfies readonly DaneReason[];
const isDaneReason = (x: unknown): x is DaneReason => DANE_REASONS.some((r) => r === x);
const isByte = (x: unknown): x is number => isCount(x) && x <= 255;

function decodeTlsa(x: unknown): TlsaSeen | null {
  if (!isObj(x)) return null;
  const { usage, selector, matching, data, dataBytes, match } = x;
  if (!isByte(usage) || !isByte(selector) || !isByte(matching) || !isCount(dataBytes)) return null;
  if (!isStr(data, MAX_TLSA_DATA_HEX) || !/^[0-9a-f]*$/.test(data)) return null;
  if (match !== 'yes' && match !== 'no' && match !== 'unusable') return null;
  return { usage, selector, matching, data, dataBytes, match };
}

export function decodeDaneAnswer(x: unknown): DaneAnswer | null {
  if (!isObj(x) || !isStr(x.name, MAX_HOST_CHARS + 16)) return null;
  const suggested = x.suggested === null ? null : isStr(x.suggested, 200) ? x.suggested : undefined;
  if (suggested === undefined) return null;
  if (x.kind === 'records') {
    if (typeof x.secure !== 'boolean' || !Array.isArray(x.records) || x.records.length > MAX_TLSA_RECORDS) return null;
    const records = x.records.map(decodeTlsa);
    if (!records.every((r): r is TlsaSeen => r !== null) || !isCount(x.count) || x.count < records.length) return null;
    return { kind: 'records', name: x.name, secure: x.secure, records, count: x.count, suggested };
  }
  if (x.kind !== 'none' || !isDaneReason(x.reason) || !isStr(x.detail, 500)) return null;
  if (x.secure !== undefined && typeof x.secure !== 'boolean') return null;
  const none = { kind: 'none' as const, name: x.name, reason: x.reason, detail: x.detail, suggested };
  return x.secure === undefined ? none : { ...none, secure: x.secure };
}

export function decodePolicyRecords(x: unknown): PolicyRecords | null {
  if (!isObj(x)) return null;
  switch (x.kind) {
    case 'records': {
      const { records, count } = x;
      if (!Array.isArray(records) || records.length === 0 || records.length > MAX_POLICY_RECORDS || !records.every((r) => isStr(r, MAX_POLICY_CHARS))) return null;
      return isCount(count) && count >= records.length ? { kind: 'records', records, count } : null;
    }
    case 'none':
      return { kind: 'none' };
    case 'error':
      return isStr(x.detail, 200) ? { kind: 'error', detail: x.detail } : null;
    default:
      return null;
  }
}

const MX_TLS_OUTCOMES: ReadonlySet<unknown> = new Set(['tls', 'no-starttls', 'tls-failed', 'no-greeting', 'unreachable', 'no-address', 'not-dialled']);
const MX_TLS_NONE: ReadonlySet<unknown> = new Set(['null-mx', 'no-domain', 'no-records', 'dns-error', 'refused']);

function decodeMxTlsOutcome(x: unknown): MxTlsOutcome | null {
  if (!isObj(x)) return null;
  const { host, preference, address, outcome, text, ms, tls } = x;
  if (!isStr(host, MAX_HOST_CHARS) || !(preference === null || (isCount(preference) && preference <= 65535))) return null;
  if (!(address === null || (isStr(address, 45) && (isIPv4Literal(address) || isIPv6Literal(address))))) return null;
  if (!MX_TLS_OUTCOMES.has(outcome) || !isProbeText(text) || typeof ms !== 'number' || !(ms >= 0)) return null;
  // DANE comes with a host reached alone.
  const dane = x.dane === undefined ? undefined : decodeDaneAnswer(x.dane);
  if (dane === null || (dane !== undefined && outcome !== 'tls' && outcome !== 'no-starttls' && outcome !== 'tls-failed')) return null;
  const base = { host, preference, address, outcome: outcome as MxTlsOutcome['outcome'], text, ms, ...(dane === undefined ? {} : { dane }) };
  // The handshake's report comes with the outcome "tls" alone.
  if (tls === null) return outcome === 'tls' ? null : { ...base, tls: null };
  if (outcome !== 'tls' || !isObj(tls)) return null;
  const { protocol, cipher, authorized, authorizationError: why } = tls;
  if (!isStr(protocol, 40) || !isStr(cipher, 200) || typeof authorized !== 'boolean' || (why !== null && !isProbeText(why))) return null;
  const certificate = tls.certificate === null ? null : decodeCertificate(tls.certificate);
  if (certificate === undefined) return null;
  return { ...base, tls: { protocol, cipher, authorized, authorizationError: why, certificate } };
}

export function decodeMxTls(m: Obj): Decoded<MxTlsMessage> {
  const bad: Decoded<MxTlsMessage> = { ok: false, error: 'mxtls: bad "domain" or "answer"' };
  const answer: Obj = isObj(m.answer) ? m.answer : {};
  const { domain } = m;
  if (!isStr(domain, MAX_HOST_CHARS)) return bad;
  if (answer.kind === 'none') {
    const { reason, detail } = answer;
    if (!MX_TLS_NONE.has(reason) || !isStr(detail, 500)) return bad;
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'mxtls', domain, answer: { kind: 'none', reason: reason as 'refused', detail } } };
  }
  const { count, implicit, port } = answer;
  if (answer.kind !== 'probed' || !Array.isArray(answer.hosts) || answer.hosts.length > MAX_MX_TLS_HOSTS || !isCount(count) || count < answer.hosts.length) return bad;
  if (typeof implicit !== 'boolean' || !isCount(port) || port < 1 || port > 65535) return bad;
  const hosts = answer.hosts.map(decodeMxTlsOutcome);
  if (!hosts.every((h): h is MxTlsOutcome => h !== null)) return bad;
  const mtaSts = answer.mtaSts === undefined ? undefined : decodeMtaStsFetch(answer.mtaSts);
  // The TLS-RPT records come with a policy alone.
  const tlsRpt = answer.tlsRpt === undefined ? undefined : decodePolicyRecords(answer.tlsRpt);
  if (mtaSts === null || tlsRpt === null || (tlsRpt !== undefined && mtaSts === undefined)) return bad;
  const probed = { kind: 'probed' as const, hosts, count, implicit, port, ...(mtaSts === undefined ? {} : { mtaSts }), ...(tlsRpt === undefined ? {} : { tlsRpt }) };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'mxtls', domain, answer: probed } };
}

/** A certificate as the bridge describes it (messages.ts PeerCertificate), within its limits; undefined if not. */
function decodeCertificate(x: unknown): PeerCertificate | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const c = x as Obj;
  // One character over the limit for the "…" that marks a cut text.
  const text = (y: unknown): y is string => isStr(y, MAX_CERT_TEXT + 1);
  const date = (y: unknown): y is string | null => y === null || (isStr(y, 40) && !Number.isNaN(Date.parse(y)));
  const texts = (y: unknown, max: number): y is string[] => Array.isArray(y) && y.length <= max && y.every(text);
  if (!text(c.subject) || !text(c.issuer) || !texts(c.names, MAX_CERT_NAMES) || !texts(c.chain, MAX_CERT_CHAIN)) return undefined;
  if (typeof c.nameCount !== 'number' || !Number.isInteger(c.nameCount) || c.nameCount < (c.names as string[]).length) return undefined;
  if (!date(c.validFrom) || !date(c.validTo) || !isStr(c.fingerprint256, 128) || !isBool(c.selfIssued) || !isBool(c.coversHost)) return undefined;
  return {
    subject: c.subject,
    issuer: c.issuer,
    names: c.names,
    nameCount: c.nameCount,
    validFrom: c.validFrom,
    validTo: c.validTo,
    fingerprint256: c.fingerprint256,
    selfIssued: c.selfIssued,
    chain: c.chain,
    coversHost: c.coversHost,
  };
}

/**
 * A `tls` message: decoded here, not by the boot script, which hands such a frame to the app whole (a `tls` message
 * comes before the greeting only with implicit TLS, and the boot script paints no TLS report).
 */
export function decodeTls(m: Obj): Decoded<TlsMessage> {
  const { protocol, cipher, authorized, authorizationError: why } = m;
  if (!isStr(protocol, 40) || !isStr(cipher, 200) || typeof authorized !== 'boolean') return { ok: false, error: 'tls: bad fields' };
  if (why !== null && !isStr(why, 500)) return { ok: false, error: 'tls: bad "authorizationError"' };
  const certificate = m.certificate === undefined || m.certificate === null ? null : decodeCertificate(m.certificate);
  if (certificate === undefined) return { ok: false, error: 'tls: bad "certificate"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'tls', protocol, cipher, authorized, authorizationError: why, certificate } };
}
