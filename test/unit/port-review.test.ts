/**
 * `/ports` on the page: the command typed (local-commands.ts), the answer decoded as it comes off the wire
 * (decode-app.ts) and read (shared/smtp/port-review.ts): each port's line, and what the pattern of answers means.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { PROTOCOL_VERSION, type PortOutcome, type PortsMessage } from '../../shared/protocol/messages.js';
import { MAIL_PORTS, portsToProbe, probePort, readPorts } from '../../shared/smtp/port-review.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { SessionModel } from '../../shared/smtp/session.js';

const outcome = (port: number, o: PortOutcome['outcome'], text = '', ehlo: string[] | null = null): PortOutcome => ({ port, outcome: o, text, ms: 20, tls: null, ehlo });
const probed = (...ports: PortOutcome[]): PortsMessage['answer'] => ({ kind: 'probed', address: '192.0.2.25', ports });
const texts = (answer: PortsMessage['answer']) => readPorts('mx.example.org', answer).findings.map((f) => `${f.tone} ${f.text}`);

describe('readPorts', () => {
  it('says what each port is for and how it answered', () => {
    const tls: PortOutcome = { port: 465, outcome: 'greeting', text: '220 mx.example.org ESMTP', ms: 35, tls: { protocol: 'TLSv1.3', authorized: false, authorizationError: 'CERT_HAS_EXPIRED' }, ehlo: null };
    expect(texts(probed(outcome(25, 'greeting', '220 mx.example.org ESMTP Postfix'), tls, outcome(587, 'refused'), outcome(2525, 'timeout')))).toEqual([
      'ok 25   SMTP, server to server: 220 mx.example.org ESMTP Postfix (20 ms)',
      'ok 465  submission with TLS at once (mail clients): TLSv1.3, certificate not verified (CERT_HAS_EXPIRED); 220 mx.example.org ESMTP (35 ms)',
      'bad 587  submission (mail clients: STARTTLS, then AUTH): refused: nothing listens there (the host itself answered)',
      'bad 2525 an alternative to 587 some providers offer: no answer: a firewall drops it, on the way or at the host, or the host is down',
    ]);
    expect(readPorts('mx.example.org', probed(outcome(25, 'greeting', '220 x'))).head).toBe('mail ports of mx.example.org (192.0.2.25), each dialled at once: its greeting, what it offers after EHLO, then QUIT');
  });

  it('names the other IP version of a dual-stack host, not dialled, and how to check it', () => {
    const dual = { ...probed(outcome(25, 'greeting', '220 x')), otherFamily: '2001:db8::25' } as PortsMessage['answer'];
    expect(texts(dual)).toContain('info mx.example.org has IPv6 addresses too (2001:db8::25), not dialled: senders that reach it over IPv6 meet those; choose IPv6 in the form (IP) and /ports again to check them');
    const fromV6 = { kind: 'probed', address: '2001:db8::25', ports: [outcome(25, 'greeting', '220 x')], otherFamily: '192.0.2.25' } as PortsMessage['answer'];
    expect(texts(fromV6).at(-1)).toMatch(/^info mx\.example\.org has IPv4 addresses too \(192\.0\.2\.25\)/);
    expect(texts(probed(outcome(25, 'greeting', '220 x'))).some((t) => t.includes('addresses too'))).toBe(false);
  });

  it('shows the same ports over the other IP version when dialled there, and each that greets over one version only', () => {
    const both = { ...probed(outcome(25, 'greeting', '220 x'), outcome(587, 'refused')), otherFamily: '2001:db8::25', other: { address: '2001:db8::25', ports: [outcome(25, 'greeting', '220 x'), outcome(587, 'refused')] } } as PortsMessage['answer'];
    const same = texts(both);
    expect(same.slice(-3)).toEqual([
      'info over IPv6 too, at 2001:db8::25, the same ports:',
      'ok IPv6 25   SMTP, server to server: 220 x (20 ms)',
      'bad IPv6 587  submission (mail clients: STARTTLS, then AUTH): refused: nothing listens there (the host itself answered)',
    ]);
    expect(same.some((t) => t.includes('not dialled'))).toBe(false);
    // Dropped over IPv6: the one finding that matters, and how to mend it.
    const dropped = { ...both, other: { address: '2001:db8::25', ports: [outcome(25, 'timeout'), outcome(587, 'refused')] } } as PortsMessage['answer'];
    expect(texts(dropped).at(-1)).toBe(
      'bad 25 greets over IPv4 but not over IPv6 (timeout): a sender that tries the IPv6 address waits there for its connect timeout before it tries another, so its mail is delayed, or never arrives if it has no other. Open the port over IPv6 as over IPv4, or remove the host\'s IPv6 address from DNS (AAAA record)',
    );
    expect(readPorts('mx.example.org', dropped).good).toBe(false);
    // Dialled from IPv6 first, the IPv4 side the one that fails: said the other way round.
    const fromV6 = { kind: 'probed', address: '2001:db8::25', ports: [outcome(25, 'greeting', '220 x')], otherFamily: '192.0.2.25', other: { address: '192.0.2.25', ports: [outcome(25, 'refused')] } } as PortsMessage['answer'];
    expect(texts(fromV6).at(-1)).toMatch(/^warn 25 greets over IPv6 but not over IPv4 \(refused\): nothing listens there; a sender refused at once tries the host's next address, without delay, but one with no other fails\. .* remove the host's IPv4 address from DNS \(A record\)$/);
    // On this machine (localhost, as the practice server), one loopback address only is usual.
    const local = { kind: 'probed', address: '127.0.0.1', ports: [outcome(25, 'greeting', '220 x')], otherFamily: '::1', other: { address: '::1', ports: [outcome(25, 'refused')] } } as PortsMessage['answer'];
    expect(texts(local).at(-1)).toMatch(/^info 25 greets over IPv4 but not over IPv6 \(refused\): on this machine, a server listening on one loopback address only/);
    expect(readPorts('localhost', local).good).toBe(true);
  });

  it('says of a greeting held in two parts that nothing was sent, so as not to be taken for a spambot', () => {
    expect(texts(probed(outcome(25, 'held', '220-mx.example.org ESMTP')))[0]).toMatch(
      /^warn 25 .*: 220-mx\.example\.org ESMTP, then nothing more within the wait: a greeting held back in two parts, as Postfix's postscreen does .*heloterm sent nothing/,
    );
  });

  it('says what each port offers after EHLO, and what of it is worth a look, port by port', () => {
    const lines = texts(
      probed(
        outcome(25, 'greeting', '220 mx.example.org ESMTP', ['PIPELINING', 'SIZE 10240000', 'STARTTLS']),
        outcome(587, 'greeting', '220 mx.example.org ESMTP', ['PIPELINING', 'AUTH PLAIN LOGIN']),
        { ...outcome(465, 'greeting', '220 mx.example.org ESMTP', ['PIPELINING']), tls: { protocol: 'TLSv1.3', authorized: true, authorizationError: null } },
      ),
    );
    expect(lines[0]).toMatch(/^ok 25 .*\(20 ms\); offers STARTTLS, SIZE 10240000$/);
    expect(lines[1]).toMatch(/; offers AUTH PLAIN LOGIN$/);
    expect(lines[2]).toMatch(/; offers none of STARTTLS, AUTH, SIZE$/);
    // 587 without STARTTLS and with a password mechanism before it; 465 without logins.
    expect(lines.filter((l) => l.startsWith('bad 587: no STARTTLS'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('warn 587: AUTH PLAIN LOGIN offered before TLS'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('warn 465: no AUTH on the submission port'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('bad 25') || l.startsWith('warn 25'))).toEqual([]);
  });

  it('tells a greeting that refuses at once, and one that is no mail server\'s, from a greeting', () => {
    expect(texts(probed(outcome(25, 'greeting', '554 5.7.1 No SMTP service here')))[0]).toMatch(/^warn 25 .*answers, and refuses at once: 554 5\.7\.1 No SMTP service here \(20 ms\): no SMTP service for this client$/);
    expect(texts(probed(outcome(587, 'greeting', 'SSH-2.0-OpenSSH_9.6')))[0]).toMatch(/^warn 587 .*answers, but not as a mail server: SSH-2\.0-OpenSSH_9\.6/);
  });

  it('reads the pattern: port 25 blocked on the way, an MX host without submission, a submission host, nothing at all', () => {
    expect(texts(probed(outcome(25, 'timeout'), outcome(587, 'greeting', '220 smtp.example.org')))).toContainEqual(expect.stringMatching(/^info port 25 does not answer while the host does on others: the host is up/));
    expect(texts(probed(outcome(25, 'greeting', '220 mx'), outcome(465, 'timeout'), outcome(587, 'refused')))).toContainEqual(expect.stringMatching(/^info no submission port greets/));
    expect(texts(probed(outcome(25, 'refused'), outcome(587, 'greeting', '220 smtp')))).toContainEqual(expect.stringMatching(/^info submission answers but port 25 does not greet/));
    expect(texts(probed(outcome(25, 'timeout'), outcome(587, 'timeout')))).toContainEqual(expect.stringMatching(/^info nothing answers at all/));
    // One port alone says nothing of a pattern.
    expect(texts(probed(outcome(25, 'timeout')))).toHaveLength(1);
    expect(readPorts('x', { kind: 'none', reason: 'not-found', detail: 'x has no address' }).findings).toEqual([{ tone: 'bad', text: 'not probed: x has no address' }]);
  });

  it('chooses the ports to dial: those named if the bridge dials them all, else its mail ports and the practice server\'s', () => {
    const allowed = [25, 465, 587, 2525, 40000];
    expect(portsToProbe('mx.example.org', [], allowed, null)).toEqual({ probes: MAIL_PORTS.map((p) => probePort(p)) });
    // The practice server's address: its SMTP port, and its port with TLS at once, dialled so.
    const practice = { port: 40000, tlsPort: 40001 };
    expect(portsToProbe('127.0.0.1', [], [...allowed, 40001], practice)).toEqual({
      probes: [...MAIL_PORTS.map((p) => probePort(p)), { port: 40000, tls: 'none' }, { port: 40001, tls: 'implicit' }],
    });
    expect(portsToProbe('127.0.0.1', [40001], [...allowed, 40001], practice)).toEqual({ probes: [{ port: 40001, tls: 'implicit' }] });
    expect(portsToProbe('mx.example.org', [587, 25], allowed, null)).toEqual({ probes: [probePort(587), probePort(25)] });
    expect(portsToProbe('mx.example.org', [], [40000], null)).toEqual({ none: 'this heloterm dials none of the mail ports: it dials 40000; name them: /ports mx.example.org PORT' });
    expect(portsToProbe('mx.example.org', [25, 26], allowed, null)).toEqual({ none: "this heloterm does not dial port 26: it dials 25, 465, 587, 2525, 40000 (the operator's --allow-port)" });
    const many = [25, 465, 587, 2525, 40000, 24, 26];
    expect(portsToProbe('x', many, many, null)).toEqual({ none: 'at most 6 ports at once: /ports x 25 465 587 2525 40000 24' });
  });

  it('names the practice server\'s ports by what they are, and judges its TLS port as a submission port over TLS', () => {
    const practice = { port: 40000, tlsPort: 40001 };
    const tls = { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' };
    const answer = probed(
      outcome(40000, 'greeting', '220 practice.test ESMTP'),
      { ...outcome(40001, 'greeting', '220 practice.test ESMTP'), tls, ehlo: ['practice.test', 'AUTH LOGIN PLAIN', 'SIZE 1048576'] },
    );
    const lines = readPorts('127.0.0.1', answer, practice).findings.map((f) => f.text);
    expect(lines[0]).toMatch(/^40000 the practice server: 220 practice\.test ESMTP/);
    expect(lines[1]).toMatch(/^40001 the practice server, TLS at once: TLSv1\.3, certificate not verified \(DEPTH_ZERO_SELF_SIGNED_CERT\); 220 /);
    expect(lines[1]).toContain('offers AUTH LOGIN PLAIN, SIZE 1048576');
    // No STARTTLS there is no fault: the session is TLS already, as on 465.
    expect(lines.join('\n')).not.toMatch(/40001: .*STARTTLS/);
  });

  it('dials 465 with TLS at once, the others in plain text', () => {
    expect(MAIL_PORTS.map((p) => probePort(p))).toEqual([
      { port: 25, tls: 'none' },
      { port: 465, tls: 'implicit' },
      { port: 587, tls: 'none' },
      { port: 2525, tls: 'none' },
    ]);
  });
});

describe('the ports messages on the wire', () => {
  const ask = (fields: Record<string, unknown>) => decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'ports', host: 'mx.example.org', ports: [{ port: 25, tls: 'none' }], ...fields }));

  it('takes a host, 1 to 6 different ports with their TLS mode, and an IP version', () => {
    expect(ask({ family: 6 })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'ports', host: 'mx.example.org', ports: [{ port: 25, tls: 'none' }], family: 6 } });
    for (const [fields, why] of [
      [{ ports: [] }, 'ports: "ports" must list 1 to 6 ports'],
      [{ ports: [25] }, 'ports: "port" must be an integer from 1 to 65535'],
      [{ ports: Array.from({ length: 7 }, (_, i) => ({ port: 25 + i, tls: 'none' })) }, 'ports: "ports" must list 1 to 6 ports'],
      [{ ports: [{ port: 25, tls: 'none' }, { port: 25, tls: 'implicit' }] }, 'ports: each port once'],
      [{ ports: [{ port: 465, tls: 'starttls' }] }, 'ports: "tls" must be "none" or "implicit"'],
      [{ host: 'mx example' }, 'ports: "host" must be a host name (RFC 1123) or an IP address'],
      [{ host: '192.0.2.1', family: 6 }, 'ports: "host" 192.0.2.1 is not an IPv6 address'],
    ] as const) {
      expect(ask(fields), JSON.stringify(fields)).toEqual({ ok: false, error: why });
    }
  });

  it('reads an answer within its limits, and refuses one beyond them', () => {
    const refused = { ...outcome(587, 'greeting', '220 x'), ehloRefused: '554 5.7.1 go away' };
    const m = { v: PROTOCOL_VERSION, type: 'ports', host: 'mx.example.org', answer: probed(outcome(25, 'greeting', '220 x'), outcome(465, 'tls-failed', 'wrong version number'), refused) };
    expect(decodeAnyServerMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
    const none = { ...m, answer: { kind: 'none', reason: 'refused', detail: 'a DNS lookup is already running' } };
    expect(decodeAnyServerMessage(JSON.stringify(none))).toEqual({ ok: true, value: none });
    const dual = { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25' } };
    expect(decodeAnyServerMessage(JSON.stringify(dual))).toEqual({ ok: true, value: dual });
    const dialled = { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25', other: { address: '2001:db8::25', ports: [outcome(25, 'timeout')] } } };
    expect(decodeAnyServerMessage(JSON.stringify(dialled))).toEqual({ ok: true, value: dialled });
    for (const bad of [
      { ...m, answer: probed(outcome(25, 'greeting', 'x'.repeat(202))) },
      { ...m, answer: probed(outcome(0, 'greeting')) },
      { ...m, answer: probed({ ...outcome(25, 'greeting'), outcome: 'open' as PortOutcome['outcome'] }) },
      { ...m, answer: probed(...Array.from({ length: 7 }, (_, i) => outcome(25 + i, 'refused'))) },
      { ...m, answer: probed({ ...outcome(465, 'greeting'), tls: { protocol: 'TLSv1.3', authorized: 'yes', authorizationError: null } as unknown as PortOutcome['tls'] }) },
      { ...m, answer: { kind: 'none', reason: 'busy', detail: '' } },
      { ...m, answer: probed({ ...refused, ehloRefused: 'x'.repeat(202) }) },
      { ...m, answer: probed({ ...refused, ehloRefused: 550 as unknown as string }) },
      { ...m, answer: { ...m.answer, otherFamily: 'mx.example.org' } },
      { ...m, answer: { ...m.answer, otherFamily: 6 } },
      // The other side's ports without the address named, or beyond the limits.
      { ...m, answer: { ...m.answer, other: { address: '2001:db8::25', ports: [] } } },
      { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25', other: { address: 'mx.example.org', ports: [] } } },
      { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25', other: { address: '2001:db8::25', ports: Array.from({ length: 7 }, (_, i) => outcome(25 + i, 'refused')) } } },
      { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25', other: { address: '2001:db8::25', ports: [{ ...outcome(25, 'greeting'), outcome: 'open' }] } } },
      { ...m, answer: { ...m.answer, otherFamily: '2001:db8::25', other: '2001:db8::25' } },
    ]) {
      expect(decodeAnyServerMessage(JSON.stringify(bad)).ok, JSON.stringify(bad).slice(0, 120)).toBe(false);
    }
  });
});

describe('/ports typed', () => {
  const state = new SessionModel().state;
  it('takes a host (an address, a name beyond ASCII by its A-labels, a single label) and ports, each optional', () => {
    expect(localCommand('/ports mx.example.org', state)).toEqual({ kind: 'ports', host: 'mx.example.org', ports: [] });
    expect(localCommand('/ports [2001:db8::25] 25 587 25', state)).toEqual({ kind: 'ports', host: '2001:db8::25', ports: [25, 587] });
    expect(localCommand('/ports 587', state)).toEqual({ kind: 'ports', host: null, ports: [587] });
    expect(localCommand('/ports', state)).toEqual({ kind: 'ports', host: null, ports: [] });
    expect(localCommand('/ports localhost', state)).toEqual({ kind: 'ports', host: 'localhost', ports: [] });
    expect(localCommand('/ports mx.bücher.de', state)).toMatchObject({ kind: 'ports', host: 'mx.xn--bcher-kva.de', note: expect.stringContaining('IDNA') });
  });

  it('says what is wrong with anything else', () => {
    for (const [line, why] of [
      ['/ports a.example b.example', 'one host at a time'],
      ['/ports mx.example.org 70000', '70000 is not a port'],
      ['/ports mx_ex!ample', 'is not a host name or an address'],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind, line).toBe('text');
      expect(c?.kind === 'text' ? c.text : '', line).toContain(why);
    }
  });
});
