/**
 * DANE for SMTP (RFC 7672): the TLSA records at _<port>._tcp.<host>, and whether the certificate a server has just
 * presented matches them (RFC 6698 §2.1, RFC 7671). What `dig TLSA _25._tcp.mx.example.org` and `openssl s_client
 * -dane_tlsa_rrdata` tell an admin, and the check that fails when a certificate is renewed with a new key and the
 * TLSA record is not: senders that validate DANE then stop delivering.
 *
 * Node 20's resolver (c-ares) cannot ask for TLSA (type 52), nor tell whether an answer was validated, so the
 * question is asked here over UDP with dns-packet, with EDNS0's DO bit, and the answer's AD bit read: whether the
 * resolver says it validated the answer with DNSSEC (RFC 4035 §3.2.3). Each name server is asked in turn, within
 * the lookup's time; an answer too large for UDP (records with whole certificates, a rollover's several, their
 * signatures) comes truncated and is asked again of that server over TCP (RFC 7766), as dig does.
 */
import { createHash, randomInt, X509Certificate } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import packet from 'dns-packet';
import { MAX_TLSA_DATA_HEX, MAX_TLSA_RECORDS } from '../shared/protocol/app-limits.js';
import type { DaneAnswer, TlsaSeen } from '../shared/protocol/messages.js';

/** What heloterm asks a resolver to send over UDP at most (EDNS0 payload size: the DNS flag day 2020 value). */
const UDP_PAYLOAD_BYTES = 1232;
/** The response codes a resolver gives (RFC 1035 §4.1.1), by number: the flags' low four bits. */
const RCODES: Readonly<Record<number, string>> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

export interface TlsaRecord {
  usage: number;
  selector: number;
  matching: number;
  data: Buffer;
}

/** What DNS answered for TLSA at a name: records, none (the name or its records do not exist), or no answer. */
export type TlsaLookup =
  | { kind: 'records'; records: TlsaRecord[]; secure: boolean }
  | { kind: 'none'; rcode: string; secure: boolean }
  | { kind: 'error'; detail: string };

/** A name server as --dns-server and dns.getServers() write it: "192.0.2.53", "192.0.2.53:5353", "[::1]:53". */
export function parseServer(s: string): { address: string; port: number } | null {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed !== null) return net.isIPv6(bracketed[1] ?? '') ? { address: bracketed[1] ?? '', port: Number(bracketed[2] ?? 53) } : null;
  if (net.isIP(s) !== 0) return { address: s, port: 53 };
  const v4 = /^([\d.]+):(\d+)$/.exec(s);
  return v4 !== null && net.isIPv4(v4[1] ?? '') ? { address: v4[1] ?? '', port: Number(v4[2]) } : null;
}

/**
 * The wait for one answer: `done` settles it once (with the answer, or null), clearing its timer and its abort
 * listener and closing its socket (`close`); the timer and an abort settle it with null.
 */
function oneAnswer(ms: number, signal: AbortSignal, close: () => void, resolve: (answer: packet.Packet | null) => void): (answer: packet.Packet | null) => void {
  let settled = false;
  const done = (answer: packet.Packet | null): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    close();
    resolve(answer);
  };
  const onAbort = (): void => done(null);
  const timer = setTimeout(() => done(null), ms);
  signal.addEventListener('abort', onAbort, { once: true });
  return done;
}

/**
 * The answer in `msg` when it is the one to the question asked (its id and name: RFC 5452 §9.1, a forged answer must
 * guess them), else null (another message, or none that decodes).
 */
function answerTo(msg: Buffer, id: number, name: string): packet.Packet | null {
  try {
    const answer = packet.decode(msg);
    const asked = answer.questions?.[0]?.name.toLowerCase();
    return answer.id === id && answer.type === 'response' && asked === name.toLowerCase() ? answer : null;
  } catch {
    return null;
  }
}

/**
 * One question to one server over UDP: the decoded answer, or null when none came in `ms` (or it was aborted). Only
 * an answer from that server, to the question asked, is taken; anything else is waited past.
 */
function ask(server: { address: string; port: number }, query: Buffer, id: number, name: string, ms: number, signal: AbortSignal): Promise<packet.Packet | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(server.address) ? 'udp6' : 'udp4');
    const done = oneAnswer(ms, signal, () => socket.close(), resolve);
    socket.on('error', () => done(null));
    socket.on('message', (msg, from) => {
      if (from.address !== server.address || from.port !== server.port) return;
      const answer = answerTo(msg, id, name);
      if (answer !== null) done(answer);
    });
    socket.send(query, server.port, server.address);
  });
}

/**
 * The same question to the same server over TCP (RFC 7766 §8: each message after its two-octet length), for an answer
 * that came truncated over UDP: the decoded answer, or null when none came in `ms` (or it was aborted, or the first
 * message was not the answer).
 */
function askTcp(server: { address: string; port: number }, query: Buffer, id: number, name: string, ms: number, signal: AbortSignal): Promise<packet.Packet | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.address, port: server.port });
    const done = oneAnswer(ms, signal, () => socket.destroy(), resolve);
    let buf = Buffer.alloc(0);
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      // Two octets of length (at most 65,535), then the message.
      const size = buf.readUInt16BE(0);
      if (buf.length >= 2 + size) done(answerTo(buf.subarray(2, 2 + size), id, name));
    });
  });
}

/** The TLSA records at `name`, asking `servers` in turn; never throws. */
export async function queryTlsa(name: string, servers: readonly string[], timeoutMs: number, signal: AbortSignal): Promise<TlsaLookup> {
  const usable = servers.map(parseServer).filter((s): s is { address: string; port: number } => s !== null);
  if (usable.length === 0) return { kind: 'error', detail: 'no name server to ask' };
  const id = randomInt(0x10000);
  const query = packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED,
    questions: [{ type: 'TLSA', name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD_BYTES, extendedRcode: 0, ednsVersion: 0, flags: packet.DNSSEC_OK, flag_do: true, options: [] }],
  });
  const each = Math.max(500, Math.floor(timeoutMs / usable.length));
  let failed = 'no answer (timed out)';
  for (const server of usable) {
    if (signal.aborted) return { kind: 'error', detail: 'cancelled' };
    let answer = await ask(server, query, id, name, each, signal);
    if (answer === null) continue;
    if (((answer.flags ?? 0) & packet.TRUNCATED_RESPONSE) !== 0) {
      // Too large for UDP: the same question over TCP, within the same share of the time.
      answer = await askTcp(server, query, id, name, each, signal);
      if (answer === null || ((answer.flags ?? 0) & packet.TRUNCATED_RESPONSE) !== 0) {
        failed = 'the answer did not fit in UDP (truncated), and none came over TCP';
        continue;
      }
    }
    const flags = answer.flags ?? 0;
    const rcode = RCODES[flags & 0xf] ?? `RCODE ${flags & 0xf}`;
    const secure = (flags & packet.AUTHENTIC_DATA) !== 0;
    if (rcode === 'NXDOMAIN') return { kind: 'none', rcode, secure };
    if (rcode !== 'NOERROR') {
      failed = rcode;
      continue;
    }
    const records: TlsaRecord[] = [];
    for (const a of answer.answers ?? []) {
      if (a.type !== 'TLSA') continue;
      records.push({ usage: a.data.usage, selector: a.data.selector, matching: a.data.matchingType, data: a.data.certificate });
    }
    return records.length === 0 ? { kind: 'none', rcode, secure } : { kind: 'records', records, secure };
  }
  return { kind: 'error', detail: failed };
}

/** What a record's selector picks of a certificate (RFC 6698 §2.1.2): all of it (0), or its public key (1, SPKI). */
function selected(cert: X509Certificate, selector: number): Buffer {
  return selector === 0 ? cert.raw : cert.publicKey.export({ type: 'spki', format: 'der' });
}

/** Whether a record's data is what its matching type makes of `bytes` (RFC 6698 §2.1.3): exact, SHA-256, SHA-512. */
function matches(record: TlsaRecord, bytes: Buffer): boolean {
  if (record.matching === 0) return bytes.equals(record.data);
  return createHash(record.matching === 1 ? 'sha256' : 'sha512').update(bytes).digest().equals(record.data);
}

/**
 * Each record against the chain the server presented (its own certificate first): DANE-EE (3) matches the server's
 * own, DANE-TA (2) one above it (RFC 7671 §5.1, §5.2). PKIX-TA (0) and PKIX-EE (1) are unusable for SMTP, as are
 * unknown selectors and matching types (RFC 7672 §3.1.3).
 */
export function checkTlsa(records: readonly TlsaRecord[], chain: readonly X509Certificate[]): TlsaSeen[] {
  return records.slice(0, MAX_TLSA_RECORDS).map((r) => {
    const seen = { usage: r.usage, selector: r.selector, matching: r.matching, data: r.data.toString('hex').slice(0, MAX_TLSA_DATA_HEX), dataBytes: r.data.length };
    const usable = (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && r.matching <= 2;
    if (!usable) return { ...seen, match: 'unusable' as const };
    const candidates = r.usage === 3 ? chain.slice(0, 1) : chain.slice(1);
    return { ...seen, match: candidates.some((c) => matches(r, selected(c, r.selector))) ? ('yes' as const) : ('no' as const) };
  });
}

/** The record that would match the server's own key: "3 1 1 <SHA-256 of its public key>" (RFC 7671 §5.1). */
export function suggestedTlsa(leaf: X509Certificate): string {
  return `3 1 1 ${createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** What the page is told: the name asked, the records with their verdicts, and what would match. */
export function daneAnswer(name: string, lookup: TlsaLookup, chain: readonly X509Certificate[]): DaneAnswer {
  const suggested = chain[0] === undefined ? null : suggestedTlsa(chain[0]);
  if (lookup.kind === 'error') return { kind: 'none', name, reason: 'dns-error', detail: lookup.detail, suggested };
  if (lookup.kind === 'none') return { kind: 'none', name, reason: lookup.rcode === 'NXDOMAIN' ? 'no-name' : 'no-records', detail: lookup.rcode, secure: lookup.secure, suggested };
  return { kind: 'records', name, secure: lookup.secure, records: checkTlsa(lookup.records, chain), count: lookup.records.length, suggested };
}
