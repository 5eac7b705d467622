/**
 * A scripted DNS server on loopback (UDP), for MX and reverse DNS lookups without the network: a zone as a plain
 * object, answered byte for byte as a real authoritative server would (dns-packet encodes the messages). Names not
 * in the zone get NXDOMAIN; a name in the zone without records of the asked type gets an empty answer (NODATA); a
 * name listed in `silent` gets no answer at all (a timeout); one in `servfail` gets SERVFAIL; one in `secure` is
 * answered with the AD bit (TLSA records too, for DANE). An answer larger than the query's EDNS0 payload size (512
 * octets without EDNS0) goes over UDP truncated, the TC bit set and no records (RFC 1035 §4.2.1, RFC 6891 §7), and
 * whole over TCP on the same port (RFC 7766), as real servers answer.
 *
 *   const dns = await startFakeDns({
 *     'example.test': { MX: [[10, 'mx1.example.test']] },
 *     'mx1.example.test': { A: ['192.0.2.10'] },
 *   });
 *   startHeloterm({ dnsServers: [dns.server] })
 */
import dgram from 'node:dgram';
import net, { type AddressInfo } from 'node:net';
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
  /** No TCP: a truncated answer cannot be asked again (a firewall that lets only UDP 53 through). */
  noTcp?: boolean;
  /**
   * Names whose UDP answer is preceded by a forged one, as an off-path attacker would race it: another id and no
   * records (NXDOMAIN). A client must wait past it for the answer to its own question (RFC 5452 §9.1).
   */
  forged?: string[];
}

export interface FakeDns {
  /** "127.0.0.1:port", for --dns-server. */
  server: string;
  /** Questions received, as "TYPE name" ("TCP TYPE name" over TCP). */
  questions: string[];
  close(): Promise<void>;
}

export function startFakeDns(zone: Record<string, ZoneEntry>, opts: FakeDnsOptions = {}): Promise<FakeDns> {
  return start(zone, opts, 0);
}

async function start(zone: Record<string, ZoneEntry>, opts: FakeDnsOptions, attempt: number): Promise<FakeDns> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  const lower = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase(), v]));
  /** The answer to a query (whole), with its name, or null for none (a query that is not one, a silent name). */
  const answerTo = (msg: Buffer, tcp: boolean): { reply: packet.Packet; name: string; limit: number } | null => {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return null;
    }
    const q = query.questions?.[0];
    if (q === undefined) return null;
    const name = q.name.toLowerCase();
    questions.push(`${tcp ? 'TCP ' : ''}${q.type} ${name}`);
    if (opts.silent?.includes(name) || opts.silent?.includes(`${q.type} ${name}`)) return null;
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
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    return {
      reply: {
        type: 'response',
        id: query.id,
        flags: packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED) | (opts.secure?.includes(name) ? packet.AUTHENTIC_DATA : 0) | rcodeFlag(rcode),
        questions: [q],
        answers: rcode === 'NOERROR' ? answers : [],
      },
      name,
      limit: opt?.udpPayloadSize ?? 512,
    };
  };
  const later = (name: string, send: () => void): void => {
    const delay = opts.slow?.[name] ?? 0;
    if (delay > 0) setTimeout(send, delay);
    else send();
  };
  socket.on('message', (msg, from) => {
    const a = answerTo(msg, false);
    if (a === null) return;
    let reply = packet.encode(a.reply);
    // Too large for what the client said it takes over UDP: truncated, to be asked again over TCP.
    if (reply.length > a.limit) reply = packet.encode({ ...a.reply, flags: (a.reply.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [] });
    if (opts.forged?.includes(a.name)) {
      const forged = packet.encode({ ...a.reply, id: ((a.reply.id ?? 0) + 1) & 0xffff, flags: (a.reply.flags ?? 0) | rcodeFlag('NXDOMAIN'), answers: [] });
      socket.send(forged, from.port, from.address);
    }
    later(a.name, () => socket.send(reply, from.port, from.address));
  });
  // TCP on the same port number (RFC 7766): each message after its two-octet length.
  const conns = new Set<net.Socket>();
  const tcp = net.createServer((conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    let buf = Buffer.alloc(0);
    conn.on('error', () => undefined);
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const a = answerTo(msg, true);
        if (a === null) continue;
        const reply = packet.encode(a.reply);
        const len = Buffer.alloc(2);
        len.writeUInt16BE(reply.length);
        later(a.name, () => conn.write(Buffer.concat([len, reply])));
      }
    });
  });
  // A UDP port whose number is free for TCP too (another test's TCP socket may hold it: then another UDP port).
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  const listening =
    opts.noTcp === true ||
    (await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    }));
  if (!listening) {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (attempt >= 4) throw new Error('fake DNS: no port free for both UDP and TCP');
    return start(zone, opts, attempt + 1);
  }
  return {
    server: `127.0.0.1:${port}`,
    questions,
    close: async () => {
      for (const c of conns) c.destroy();
      if (tcp.listening) await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** The RCODE in the flags' low four bits (RFC 1035 §4.1.1). */
function rcodeFlag(rcode: 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN'): number {
  return rcode === 'NOERROR' ? 0 : rcode === 'SERVFAIL' ? 2 : 3;
}
