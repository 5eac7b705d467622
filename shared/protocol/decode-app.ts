/**
 * Decoding of the server messages only the page's app handles (messages.ts MxMessage, RdnsMessage, DaneMessage,
 * DkimMessage, SpfMessage, DnsblMessage, DblMessage, PortsMessage, TlsVersionsMessage, StoredMessage, TlsMessage,
 * CallMessage, SayMessage and HandMessage), apart from decode.ts: they answer what the app asks or does (a DNS
 * lookup, a probe, a message sent to the practice server), or report what only the app shows (a TLS session, the
 * instructor's call and notes, a hand lowered: the boot script keeps such a frame whole for the app), so the boot
 * script, which decodes everything else with decodeServerMessage, need not carry this (to decodeServerMessage they are
 * of an unknown type). The probes' answers and the TLS report are read in decode-probes.ts. decodeAnyServerMessage
 * reads every server message. Never throws; checks every field for type and size, like decode.ts.
 */
import { decodeServerMessage, type Decoded } from './decode.js';
import { isCount, isObj, isStr, type Obj } from './decode-guards.js';
import { decodeDaneAnswer, decodeMtaStsFetch, decodeMxTls, decodePolicyRecords, decodePorts, decodeSmuggling, decodeTls, decodeTlsInjection, decodeTlsVersions } from './decode-probes.js';
import { MAX_HOST_CHARS } from './host.js';
import { MAX_MX_ADDRESSES, MAX_MX_HOSTS, MAX_POLICY_CHARS, MAX_RDNS_NAMES, MAX_DNSBL_CODES, MAX_DNSBL_LISTS, MAX_DNSBL_REASON_CHARS, MAX_SPF_DETAIL_CHARS, MAX_SPF_MISSING, MAX_SPF_TERM_CHARS, MAX_STORED_CHARS, MAX_STORED_RECIPIENTS, isClassSay, isLessonId } from './app-limits.js';
import {
  PROTOCOL_VERSION,
  type CallMessage,
  type SayMessage,
  type HandMessage,
  type DblMessage,
  type MxAnswer,
  type MxHost,
  type DkimMessage,
  type DnsblListAnswer,
  type DnsblMessage,
  type PortsMessage,
  type TlsVersionsMessage,
  type SmugglingMessage,
  type TlsInjectionMessage,
  type MxTlsMessage,
  type TlsMessage,
  type MxMessage,
  type PolicyAnswer,
  type SpfCheck,
  type SpfLookups,
  type SpfMessage,
  type SpfResult,
  type DaneMessage,
  type RdnsAnswer,
  type RdnsMessage,
  type RdnsName,
  type ServerMessage,
  type StoredMessage,
  type StoredReport,
} from './messages.js';

const NOT_APP = 'not an mx, rdns, dane, dkim, spf, dnsbl, dbl, ports, tlsversions, smuggling, tlsinjection, mxtls, tls, stored, call, say or hand message';
/** An address as the bridge writes it (IPv6 has at most 45 characters in text form). */
const isAddressList = (x: unknown): x is string[] => Array.isArray(x) && x.length <= MAX_MX_ADDRESSES && x.every((a) => isStr(a, 45));

function decodeHost(x: unknown): MxHost | null {
  if (!isObj(x)) return null;
  const { preference, exchange, addresses, lookupError } = x;
  if (typeof preference !== 'number' || !Number.isInteger(preference) || preference < 0 || preference > 65535) return null;
  if (!isStr(exchange, MAX_HOST_CHARS) || !isAddressList(addresses)) return null;
  if (lookupError === undefined) return { preference, exchange, addresses };
  return isStr(lookupError, 40) ? { preference, exchange, addresses, lookupError } : null;
}

function decodeAnswer(x: unknown): MxAnswer | null {
  if (!isObj(x)) return null;
  switch (x.kind) {
    case 'mx': {
      if (!Array.isArray(x.hosts) || x.hosts.length > MAX_MX_HOSTS) return null;
      const hosts = x.hosts.map(decodeHost);
      if (!hosts.every((h): h is MxHost => h !== null)) return null;
      if (typeof x.count !== 'number' || !Number.isInteger(x.count) || x.count < hosts.length) return null;
      return { kind: 'mx', hosts, count: x.count };
    }
    case 'implicit':
      return isAddressList(x.addresses) ? { kind: 'implicit', addresses: x.addresses } : null;
    case 'null':
      return { kind: 'null' };
    case 'none':
      if (x.reason !== 'no-domain' && x.reason !== 'no-records' && x.reason !== 'dns-error' && x.reason !== 'refused') return null;
      return isStr(x.detail, 500) ? { kind: 'none', reason: x.reason, detail: x.detail } : null;
    default:
      return null;
  }
}

function decodeSpfLookups(x: unknown): SpfLookups | null {
  if (!isObj(x)) return null;
  const { count, missing, partial } = x;
  if (!isCount(count) || typeof partial !== 'boolean') return null;
  if (!Array.isArray(missing) || missing.length > MAX_SPF_MISSING || !missing.every((m) => isStr(m, MAX_SPF_TERM_CHARS))) return null;
  return { count, missing, partial };
}

function decodeDnsblList(x: unknown): DnsblListAnswer | null {
  if (!isObj(x) || !isStr(x.zone, MAX_HOST_CHARS)) return null;
  const zone = x.zone;
  switch (x.kind) {
    case 'clean':
    case 'skipped':
      return { zone, kind: x.kind };
    case 'error':
      return isStr(x.detail, 100) ? { zone, kind: 'error', detail: x.detail } : null;
    case 'listed': {
      const { codes, reason } = x;
      if (!Array.isArray(codes) || codes.length === 0 || codes.length > MAX_DNSBL_CODES || !codes.every((c) => isStr(c, 45))) return null;
      if (reason === undefined) return { zone, kind: 'listed', codes };
      return isStr(reason, MAX_DNSBL_REASON_CHARS) ? { zone, kind: 'listed', codes, reason } : null;
    }
    default:
      return null;
  }
}

/** The answer of a `dnsbl` or `dbl` message: each list's, or why the bridge did not ask; null when it is not one. */
function decodeListsAnswer(x: unknown): DnsblMessage['answer'] | null {
  const answer: Obj = isObj(x) ? x : {};
  if (answer.kind === 'refused') return isStr(answer.detail, 500) ? { kind: 'refused', detail: answer.detail } : null;
  if (answer.kind !== 'checked' || !Array.isArray(answer.lists) || answer.lists.length > MAX_DNSBL_LISTS) return null;
  const lists = answer.lists.map(decodeDnsblList);
  return lists.every((l): l is DnsblListAnswer => l !== null) ? { kind: 'checked', lists } : null;
}

function decodeDnsbl(m: Obj): Decoded<DnsblMessage> {
  const answer = decodeListsAnswer(m.answer);
  if (!isStr(m.ip, 45) || answer === null) return { ok: false, error: 'dnsbl: bad "ip" or "answer"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dnsbl', ip: m.ip, answer } };
}

function decodeDbl(m: Obj): Decoded<DblMessage> {
  const answer = decodeListsAnswer(m.answer);
  if (!isStr(m.domain, MAX_HOST_CHARS) || !isStr(m.asked, MAX_HOST_CHARS) || answer === null) return { ok: false, error: 'dbl: bad "domain", "asked" or "answer"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dbl', domain: m.domain, asked: m.asked, answer } };
}

const SPF_RESULTS: readonly string[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'] satisfies SpfResult[];
/** One of the results of an SPF check (RFC 7208 §2.6); the bridge checks its checker's answers with it too. */
export const isSpfResult = (x: unknown): x is SpfResult => typeof x === 'string' && SPF_RESULTS.includes(x);

function decodeSpfCheck(x: unknown): SpfCheck | null {
  if (!isObj(x)) return null;
  if (x.kind === 'refused') return isStr(x.detail, 500) ? { kind: 'refused', detail: x.detail } : null;
  const { result, record, detail, lookups, voidLookups, noDomain } = x;
  if (x.kind !== 'checked' || !isSpfResult(result) || !isCount(lookups) || !isCount(voidLookups)) return null;
  if (noDomain !== undefined && (noDomain !== true || result !== 'none')) return null;
  if ((record !== undefined && !isStr(record, MAX_POLICY_CHARS)) || (detail !== undefined && !isStr(detail, MAX_SPF_DETAIL_CHARS))) return null;
  const check: SpfCheck = { kind: 'checked', result, lookups, voidLookups };
  if (record !== undefined) check.record = record;
  if (detail !== undefined) check.detail = detail;
  if (noDomain === true) check.noDomain = true;
  return check;
}

/** A domain's mail policies, every one of the four given. */
function decodePolicies(x: unknown): PolicyAnswer | null {
  if (!isObj(x)) return null;
  const [spf, dmarc, mtaSts, tlsRpt] = [x.spf, x.dmarc, x.mtaSts, x.tlsRpt].map(decodePolicyRecords);
  if (spf == null || dmarc == null || mtaSts == null || tlsRpt == null) return null;
  const answer: PolicyAnswer = { spf, dmarc, mtaSts, tlsRpt };
  if (x.spfLookups !== undefined) {
    const spfLookups = decodeSpfLookups(x.spfLookups);
    if (spfLookups === null) return null;
    answer.spfLookups = spfLookups;
  }
  if (x.mtaStsPolicy !== undefined) {
    const fetched = decodeMtaStsFetch(x.mtaStsPolicy);
    if (fetched === null) return null;
    answer.mtaStsPolicy = fetched;
  }
  if (x.bimi !== undefined) {
    const bimi = decodePolicyRecords(x.bimi);
    if (bimi === null) return null;
    answer.bimi = bimi;
  }
  if (x.dmarcOrg !== undefined) {
    const org: Obj = isObj(x.dmarcOrg) ? x.dmarcOrg : {};
    const orgDmarc = decodePolicyRecords(org.dmarc);
    if (!isStr(org.domain, MAX_HOST_CHARS) || orgDmarc === null) return null;
    answer.dmarcOrg = { domain: org.domain, dmarc: orgDmarc };
  }
  return answer;
}

function decodeRdnsName(x: unknown): RdnsName | null {
  if (!isObj(x)) return null;
  const { name, addresses, lookupError } = x;
  if (!isStr(name, MAX_HOST_CHARS) || !isAddressList(addresses)) return null;
  if (lookupError === undefined) return { name, addresses };
  return isStr(lookupError, 40) ? { name, addresses, lookupError } : null;
}

function decodeRdnsAnswer(x: unknown): RdnsAnswer | null {
  if (!isObj(x)) return null;
  switch (x.kind) {
    case 'names': {
      if (!Array.isArray(x.names) || x.names.length === 0 || x.names.length > MAX_RDNS_NAMES) return null;
      const names = x.names.map(decodeRdnsName);
      if (!names.every((n): n is RdnsName => n !== null)) return null;
      if (typeof x.count !== 'number' || !Number.isInteger(x.count) || x.count < names.length) return null;
      return { kind: 'names', names, count: x.count };
    }
    case 'none':
      if (x.reason !== 'no-ptr' && x.reason !== 'dns-error' && x.reason !== 'refused') return null;
      return isStr(x.detail, 500) ? { kind: 'none', reason: x.reason, detail: x.detail } : null;
    default:
      return null;
  }
}

/** A `stored` message's fields, or why not. */
function decodeStored(m: Obj): Decoded<StoredMessage> {
  const { n, from, to, recipients, text, cut } = m;
  if (!isCount(n) || !isStr(from, MAX_HOST_CHARS + 64)) return { ok: false, error: 'stored: bad "n" or "from"' };
  if (!Array.isArray(to) || to.length > MAX_STORED_RECIPIENTS || !to.every((a) => isStr(a, MAX_HOST_CHARS + 64))) return { ok: false, error: 'stored: bad "to"' };
  if (!isCount(recipients) || recipients < to.length) return { ok: false, error: 'stored: bad "recipients"' };
  if (!isStr(text, MAX_STORED_CHARS) || typeof cut !== 'boolean') return { ok: false, error: 'stored: bad "text" or "cut"' };
  const value: StoredMessage = { v: PROTOCOL_VERSION, type: 'stored', n, from, to, recipients, text, cut };
  if (m.reports === undefined) return { ok: true, value };
  if (!Array.isArray(m.reports) || m.reports.length === 0 || m.reports.length > 2) return { ok: false, error: 'stored: bad "reports"' };
  const reports = m.reports.map(decodeStoredReport);
  if (!reports.every((r): r is StoredReport => r !== null)) return { ok: false, error: 'stored: bad "reports"' };
  return { ok: true, value: { ...value, reports } };
}

/** One report of a `stored` message, or null. */
function decodeStoredReport(r: unknown): StoredReport | null {
  if (!isObj(r) || (r.action !== 'failed' && r.action !== 'delivered')) return null;
  const { recipients, n, unsent, text, cut } = r;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > MAX_STORED_RECIPIENTS || !recipients.every((a) => isStr(a, MAX_HOST_CHARS + 64))) return null;
  if (!isStr(text, MAX_STORED_CHARS) || typeof cut !== 'boolean') return null;
  // Sent: a number and a text; not sent: why, and nothing else.
  if (n === null) {
    if ((unsent !== 'null-sender' && unsent !== 'notify') || text !== '') return null;
    return { action: r.action, recipients: recipients as string[], n, unsent, text, cut };
  }
  if (!isCount(n) || unsent !== undefined) return null;
  return { action: r.action, recipients: recipients as string[], n, text, cut };
}

/** A `hand` message's fields, or why not. */
function decodeHand(m: Obj): Decoded<HandMessage> {
  return m.raised === false ? { ok: true, value: { v: PROTOCOL_VERSION, type: 'hand', raised: false } } : { ok: false, error: 'hand: bad "raised"' };
}

/** A `call` message's fields, or why not. */
function decodeCall(m: Obj): Decoded<CallMessage> {
  const { lesson, ageS } = m;
  if (lesson !== null && !isLessonId(lesson)) return { ok: false, error: 'call: bad "lesson"' };
  if (!isCount(ageS)) return { ok: false, error: 'call: bad "ageS"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'call', lesson, ageS } };
}

/** A `say` message's fields, or why not. */
function decodeSay(m: Obj): Decoded<SayMessage> {
  const { text, ageS, direct } = m;
  if (text !== null && !isClassSay(text)) return { ok: false, error: 'say: bad "text"' };
  if (!isCount(ageS)) return { ok: false, error: 'say: bad "ageS"' };
  if (direct !== undefined && (direct !== true || text === null)) return { ok: false, error: 'say: bad "direct"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'say', text, ageS, ...(direct === true ? { direct } : {}) } };
}

/**
 * An `mx`, `rdns`, `dane`, `dkim`, `spf`, `dnsbl`, `dbl`, `ports`, `tlsversions`, `smuggling`, `tlsinjection`, `mxtls`, `stored`, `call`, `say` or `hand` message
 * (JSON text), or why not.
 */
export function decodeAppMessage(raw: string): Decoded<MxMessage | RdnsMessage | DaneMessage | DkimMessage | SpfMessage | DnsblMessage | DblMessage | PortsMessage | TlsVersionsMessage | SmugglingMessage | TlsInjectionMessage | MxTlsMessage | TlsMessage | StoredMessage | CallMessage | SayMessage | HandMessage> {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    m = null;
  }
  if (!isObj(m) || (m.type !== 'mx' && m.type !== 'rdns' && m.type !== 'dane' && m.type !== 'dkim' && m.type !== 'spf' && m.type !== 'dnsbl' && m.type !== 'ports' && m.type !== 'tlsversions' && m.type !== 'smuggling' && m.type !== 'tlsinjection' && m.type !== 'mxtls' && m.type !== 'tls' && m.type !== 'stored' && m.type !== 'call' && m.type !== 'say' && m.type !== 'hand' && m.type !== 'dbl')) return { ok: false, error: NOT_APP };
  if (m.v !== PROTOCOL_VERSION) return { ok: false, error: `unsupported protocol version ${JSON.stringify(m.v)} (expected ${PROTOCOL_VERSION})` };
  if (m.type === 'stored') return decodeStored(m);
  if (m.type === 'call') return decodeCall(m);
  if (m.type === 'say') return decodeSay(m);
  if (m.type === 'hand') return decodeHand(m);
  if (m.type === 'dkim') {
    if (!isStr(m.selector, MAX_HOST_CHARS) || !isStr(m.domain, MAX_HOST_CHARS)) return { ok: false, error: 'dkim: bad "selector" or "domain"' };
    const answer = decodePolicyRecords(m.answer);
    if (answer === null) return { ok: false, error: 'dkim: bad "answer"' };
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dkim', selector: m.selector, domain: m.domain, answer } };
  }
  if (m.type === 'dnsbl') return decodeDnsbl(m);
  if (m.type === 'dbl') return decodeDbl(m);
  if (m.type === 'ports') return decodePorts(m);
  if (m.type === 'tlsversions') return decodeTlsVersions(m);
  if (m.type === 'smuggling') return decodeSmuggling(m);
  if (m.type === 'tlsinjection') return decodeTlsInjection(m);
  if (m.type === 'mxtls') return decodeMxTls(m);
  if (m.type === 'tls') return decodeTls(m);
  if (m.type === 'spf') {
    if (!isStr(m.ip, 45) || !isStr(m.domain, MAX_HOST_CHARS)) return { ok: false, error: 'spf: bad "ip" or "domain"' };
    const answer = decodeSpfCheck(m.answer);
    if (answer === null) return { ok: false, error: 'spf: bad "answer"' };
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'spf', ip: m.ip, domain: m.domain, answer } };
  }
  if (m.type === 'dane') {
    if (!isStr(m.host, MAX_HOST_CHARS) || !isCount(m.port) || m.port > 65535) return { ok: false, error: 'dane: bad "host" or "port"' };
    const answer = decodeDaneAnswer(m.answer);
    if (answer === null) return { ok: false, error: 'dane: bad "answer"' };
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'dane', host: m.host, port: m.port, answer } };
  }
  if (m.type === 'rdns') {
    if (!isStr(m.address, 45)) return { ok: false, error: 'rdns: bad "address"' };
    const answer = decodeRdnsAnswer(m.answer);
    if (answer === null) return { ok: false, error: 'rdns: bad "answer"' };
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'rdns', address: m.address, answer } };
  }
  if (!isStr(m.domain, MAX_HOST_CHARS)) return { ok: false, error: 'mx: bad "domain"' };
  const answer = decodeAnswer(m.answer);
  if (answer === null) return { ok: false, error: 'mx: bad "answer"' };
  if (m.policies === undefined) return { ok: true, value: { v: PROTOCOL_VERSION, type: 'mx', domain: m.domain, answer } };
  const policies = decodePolicies(m.policies);
  if (policies === null) return { ok: false, error: 'mx: bad "policies"' };
  return { ok: true, value: { v: PROTOCOL_VERSION, type: 'mx', domain: m.domain, answer, policies } };
}

/** Any server message: what decodeServerMessage reads, and the messages only the app handles. */
export function decodeAnyServerMessage(raw: string): Decoded<ServerMessage> {
  // decodeServerMessage does not know these (the boot script need not): what it refuses may be one.
  const d = decodeServerMessage(raw);
  if (d.ok) return d;
  const app = decodeAppMessage(raw);
  return app.ok || app.error !== NOT_APP ? app : d;
}
