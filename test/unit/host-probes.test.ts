/**
 * The page's probes of a host's ports (client/ui/host-probes.ts): what is asked of the bridge for `/ports`, `/tls
 * versions`, `/tls injection`, `/tls mx` and `/smuggling`, how their answers are shown, what is said instead when the bridge
 * would refuse (a port it does not dial, a server other than the practice server on a --practice-only bridge), and that
 * the probes wait in the one lookup queue.
 */
import { describe, expect, it } from 'vitest';
import { HostProbes } from '../../client/ui/host-probes.js';
import { LookupQueue } from '../../client/ui/lookup-queue.js';
import type { Bare, ClientMessage, PracticeInfo, SmugglingOutcome } from '../../shared/protocol/messages.js';
import { SMUGGLING_SEQUENCES } from '../../shared/protocol/app-limits.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const at = (sequence: SmugglingOutcome['sequence'], outcome: SmugglingOutcome['outcome'], text: string, next = ''): SmugglingOutcome => ({ sequence, outcome, text, next, ms: 40 });
const PRACTICE: PracticeInfo = { host: '127.0.0.1', port: 40125, lmtpPort: 40126, tlsPort: 4650, domain: 'practice.test', mailboxes: ['alice@practice.test'] };

function setUp(allowedPorts: number[]) {
  const written: string[] = [];
  const sent: Bare<ClientMessage>[] = [];
  const logged: unknown[] = [];
  const queue = new LookupQueue({ send: (m) => sent.push(m) > 0, write: (t) => written.push(plain(t)) });
  const probes = new HostProbes({ write: (t) => written.push(plain(t)), log: (e) => logged.push(e), queue, note: () => undefined });
  probes.practice = PRACTICE;
  probes.allowedPorts = allowedPorts;
  return { written, sent, logged, probes };
}

describe('HostProbes', () => {
  it('asks for /tls versions with the TLS mode given, the practice server\'s domain standing for its address', () => {
    const { written, sent, probes } = setUp([25, 465, 587, PRACTICE.port]);
    probes.tlsVersions('mx.example.org', 465, 'implicit', 6);
    probes.tlsVersions('practice.test', PRACTICE.port, 'none', null);
    // One at a time: the second waits for the first's answer.
    expect(sent).toEqual([{ type: 'tlsversions', host: 'mx.example.org', port: 465, tls: 'implicit', family: 6 }]);
    expect(written.join('')).toContain('-- trying TLS 1.0, 1.1, 1.2 and 1.3 on mx.example.org port 465 over IPv6, one connection each (implicit TLS)…');
    expect(written.join('')).toContain("-- practice.test is the practice server's domain, not in DNS: dialling its address, 127.0.0.1");
    probes.onTlsVersions({ v: 2, type: 'tlsversions', host: 'mx.example.org', port: 465, answer: { kind: 'none', reason: 'not-found', detail: 'no address' } }, 0);
    expect(sent.at(-1)).toEqual({ type: 'tlsversions', host: '127.0.0.1', port: PRACTICE.port, tls: 'none' });
  });

  it('says what the bridge would refuse instead of asking it: a port it does not dial, another server on a practice-only bridge', () => {
    const open = setUp([25, 465, 587, PRACTICE.port]);
    open.probes.tlsVersions('mx.example.org', 2526, 'none', null);
    expect(open.sent).toEqual([]);
    expect(open.written.join('')).toContain('this heloterm does not dial port 2526: it dials 25, 465, 587, 40125');

    const only = setUp([PRACTICE.port, PRACTICE.lmtpPort, PRACTICE.tlsPort]);
    only.probes.tlsVersions('mx.example.org', 25, 'none', null);
    only.probes.ports('mx.example.org', [], null);
    expect(only.sent).toEqual([]);
    expect(only.written).toEqual([
      '-- this heloterm dials only its practice server (its operator started it with --practice-only): /tls versions practice.test\r\n',
      '-- this heloterm dials only its practice server (its operator started it with --practice-only): /ports practice.test\r\n',
    ]);
    // The practice server itself, by its domain or its address, is asked for as anywhere: its SMTP port, and its
    // port with TLS at once dialled so (not its LMTP side, where the probe's EHLO is refused).
    only.probes.ports('practice.test', [], null);
    expect(only.sent).toEqual([{ type: 'ports', host: '127.0.0.1', ports: [{ port: PRACTICE.port, tls: 'none' }, { port: PRACTICE.tlsPort, tls: 'implicit' }] }]);
  });
});

describe('HostProbes.smuggling', () => {
  it('asks the bridge, the practice domain standing for its address, and reads the answer into the terminal and the log', () => {
    const { written, sent, logged, probes } = setUp([25, PRACTICE.port]);
    probes.smuggling('practice.test', PRACTICE.port, 'alice@practice.test', '', null);
    expect(sent).toEqual([{ type: 'smuggling', host: '127.0.0.1', port: PRACTICE.port, to: 'alice@practice.test', from: '' }]);
    expect(written.join('')).toContain(`-- sending 127.0.0.1 port ${PRACTICE.port} a test message to <alice@practice.test> ended by <LF>.<LF>, and one for each of three other sequences, one connection each…`);
    const sequences = SMUGGLING_SEQUENCES.map((s) => at(s, 'text', '250 2.0.0 Ok: queued', '221 Bye'));
    probes.onSmuggling({ v: 2, type: 'smuggling', host: '127.0.0.1', port: PRACTICE.port, answer: { kind: 'probed', address: '127.0.0.1', sequences } }, 0);
    expect(written.join('')).toContain('SMTP smuggling check of 127.0.0.1 port');
    expect(written.join('')).toContain('a test message to <alice@practice.test> for each sequence');
    expect(logged).toEqual([{ smuggling: expect.objectContaining({ good: true }) }]);
  });

  it('says instead what the bridge would refuse: a port it does not dial, another server on a practice-only bridge', () => {
    const open = setUp([25]);
    open.probes.smuggling('mx.example.org', 2525, 'a@example.org', '', null);
    expect(open.sent).toEqual([]);
    expect(open.written.join('')).toContain('this heloterm does not dial port 2525: it dials 25');
    const only = setUp([PRACTICE.port]);
    only.probes.smuggling('mx.example.org', PRACTICE.port, 'a@example.org', '', null);
    expect(only.sent).toEqual([]);
    expect(only.written.join('')).toMatch(/this heloterm dials only its practice server .*: \/smuggling practice\.test a@example\.org/);
  });
});

describe('HostProbes.tlsInjection', () => {
  it('asks the bridge, or says what it would refuse instead, and reads the answer into the terminal and the log', () => {
    const { written, sent, logged, probes } = setUp([25, PRACTICE.port]);
    probes.tlsInjection('mx.example.org', 2525, null);
    expect(sent).toEqual([]);
    expect(written.join('')).toContain('this heloterm does not dial port 2525: it dials 25');
    probes.tlsInjection('practice.test', PRACTICE.port, 4);
    expect(sent).toEqual([{ type: 'tlsinjection', host: '127.0.0.1', port: PRACTICE.port, family: 4 }]);
    expect(written.join('')).toContain(`-- writing STARTTLS and NOOP at once to 127.0.0.1 port ${PRACTICE.port} over IPv4, then QUIT over TLS…`);
    probes.onTlsInjection({ v: 2, type: 'tlsinjection', host: '127.0.0.1', port: PRACTICE.port, answer: { kind: 'probed', address: '127.0.0.1', outcome: 'safe', text: '221 Bye', next: '', ms: 9 } }, 0);
    expect(written.join('')).toContain('not open to STARTTLS command injection');
    expect(logged).toEqual([{ tlsInjection: expect.objectContaining({ good: true }) }]);
  });

  it('asks for /tls mx by the domain, the practice server for its own, and not for another domain on a practice-only bridge', () => {
    const open = setUp([25, 465, 587, PRACTICE.port]);
    open.probes.mxTls('example.org');
    expect(open.sent).toEqual([{ type: 'mxtls', domain: 'example.org' }]);
    expect(open.written.join('')).toContain('-- looking up the MX hosts of example.org and its MTA-STS policy, then STARTTLS on each, port 25, at once…');
    const answer = { kind: 'probed' as const, hosts: [{ host: 'mx.example.org', preference: 10, address: '192.0.2.1', outcome: 'no-starttls' as const, text: 'STARTTLS is not offered after EHLO', ms: 3, tls: null }], count: 1, implicit: false, port: 25 };
    open.probes.onMxTls({ v: 2, type: 'mxtls', domain: 'example.org', answer }, 0);
    expect(open.written.join('')).toContain('   ✗ 10  mx.example.org (192.0.2.1): STARTTLS is not offered after EHLO: senders deliver here in plain text');
    expect(open.logged).toEqual([{ mxTls: expect.objectContaining({ good: false }) }]);

    const only = setUp([PRACTICE.port, PRACTICE.lmtpPort, PRACTICE.tlsPort]);
    only.probes.mxTls('example.org');
    expect(only.sent).toEqual([]);
    expect(only.written).toEqual(['-- this heloterm dials only its practice server (its operator started it with --practice-only): /tls mx practice.test\r\n']);
    only.probes.mxTls('practice.test');
    expect(only.sent).toEqual([{ type: 'mxtls', domain: 'practice.test' }]);
    expect(only.written.at(1)).toBe("-- practice.test is the practice server's domain, not in DNS: its one mail server is the practice server, at 127.0.0.1 port 40125, whose certificate is self-signed (made at each start), as a real MX host's should not be\r\n");
  });
});
