/**
 * A scripted DNS server on loopback (UDP), for MX and reverse DNS lookups without the network: a zone as a plain
 * object, answered byte for byte as a real authoritative server would (dns-packet encodes the messages). Names not
 * in the zone get NXDOMAIN; a name in the zone without records of the asked type gets an empty answer (NODATA); a
 * name listed in `silent` gets no answer at all (a timeout); one in `servfail` gets SERVFAIL; one in `secure` is
 * answered with the AD bit (TLSA records too, for DANE).
 *
 *   const dns = await startFakeDns({
 *     'example.test': { MX: [[10, 'mx1.example.test']] },
 *     'mx1.example.test': { A: ['192.0.2.10'] },
 *   });
 *   startHeloterm({ dnsServers: [dns.server] })
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import packet from 'dns-packet';

export interface ZoneEntry {
  /** [preference, exchange]; "" is the root (a null MX). */
  MX?: [number, string][];
  A?: string[];
  AAAA?: string[];
  /** For a reverse name ("10.2.0.192.in-addr.arpa"): the host names the address has. */
  PTR?: string[];
  /** TXT records: each a string, or the strings of one record (a record longer than 255 octets is split). */
  TXT?: (string | string[])[];
  /** TLSA records (RFC 6698): [usage, selector, matching type, data in hex]. */
  TLSA?: [number, number, number, string][];
}

export interface FakeDnsOptions {
  /** Names ("slow.test"), or a type and a name ("A slow.test"), that get no answer. */
  silent?: string[];
  servfail?: string[];
  /** Names answered only after so many ms (within the resolver's timeout: a slow zone, not a dead one). */
  slow?: Record<string, number>;
  /** Names answered with the AD bit, as a validating resolver answers for a signed zone (RFC 4035 §3.2.3). */
  secure?: string[];
}

export interface FakeDns {
  /** "127.0.0.1:port", for --dns-server. */
  server: string;
  /** Questions received, as "TYPE name". */
  questions: string[];
  close(): Promise<void>;
}

export async function startFakeDns(zone: Record<string, ZoneEntry>, opts: FakeDnsOptions = {}): Promise<FakeDns> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  const lower = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase(), v]));
  socket.on('message', (msg, from) => {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (q === undefined) return;
    const name = q.name.toLowerCase();
    questions.push(`${q.type} ${name}`);
    if (opts.silent?.includes(name) || opts.silent?.includes(`${q.type} ${name}`)) return;
    const entry = lower.get(name);
    const answers: packet.Answer[] = [];
    if (entry !== undefined) {
      if (q.type === 'MX') for (const [preference, exchange] of entry.MX ?? []) answers.push({ type: 'MX', name: q.name, ttl: 60, data: { preference, exchange } });
      if (q.type === 'A') for (const a of entry.A ?? []) answers.push({ type: 'A', name: q.name, ttl: 60, data: a });
      if (q.type === 'AAAA') for (const a of entry.AAAA ?? []) answers.push({ type: 'AAAA', name: q.name, ttl: 60, data: a });
      if (q.type === 'PTR') for (const p of entry.PTR ?? []) answers.push({ type: 'PTR', name: q.name, ttl: 60, data: p });
      if (q.type === 'TXT') for (const t of entry.TXT ?? []) answers.push({ type: 'TXT', name: q.name, ttl: 60, data: typeof t === 'string' ? [t] : t });
      if (q.type === 'TLSA') {
        for (const [usage, selector, matchingType, hex] of entry.TLSA ?? []) {
          answers.push({ type: 'TLSA', name: q.name, ttl: 60, data: { usage, selector, matchingType, certificate: Buffer.from(hex, 'hex') } });
        }
      }
    }
    const rcode = opts.servfail?.includes(name) ? 'SERVFAIL' : entry === undefined ? 'NXDOMAIN' : 'NOERROR';
    const reply = packet.encode({
      type: 'response',
      id: query.id,
      flags: packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED) | (opts.secure?.includes(name) ? packet.AUTHENTIC_DATA : 0) | rcodeFlag(rcode),
      questions: [q],
      answers: rcode === 'NOERROR' ? answers : [],
    });
    const delay = opts.slow?.[name] ?? 0;
    if (delay > 0) setTimeout(() => socket.send(reply, from.port, from.address), delay);
    else socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The RCODE in the flags' low four bits (RFC 1035 §4.1.1). */
function rcodeFlag(rcode: 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN'): number {
  return rcode === 'NOERROR' ? 0 : rcode === 'SERVFAIL' ? 2 : 3;
}
