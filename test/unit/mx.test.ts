/**
 * Reading an MX answer (shared/smtp/mx.ts), the terminal's lines for it, `/mx`, and the `mx` messages at the
 * protocol's boundary (a lookup request the bridge takes, an answer only the app decodes). What a real resolver
 * answers is in test/integration/mx-lookup.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { decodeClientMessage, decodeServerMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage, decodeAppMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import { MAX_MX_ADDRESSES, MAX_MX_HOSTS } from '../../shared/protocol/app-limits.js';
import { type MxAnswer } from '../../shared/protocol/messages.js';
import { mxDomain, nextMxHost, readMxAnswer } from '../../shared/smtp/mx.js';
import { ServerChecks } from '../../client/ui/server-checks.js';
import { fallbackNote } from '../../shared/smtp/connect-failure.js';
import { SessionModel } from '../../shared/smtp/session.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const lines = (r: ReturnType<typeof readMxAnswer>): string[] => r.findings.map((f) => `${f.tone}: ${f.text}`);

describe('reading an MX answer', () => {
  it('lists the hosts in order, with their addresses; shared preferences and the first host to test', () => {
    const r = readMxAnswer('example.org', {
      kind: 'mx',
      count: 3,
      hosts: [
        { preference: 10, exchange: 'mx1.example.org', addresses: ['192.0.2.10', '2001:db8::10'] },
        { preference: 10, exchange: 'mx2.example.org', addresses: ['192.0.2.11'] },
        { preference: 20, exchange: 'backup.example.net', addresses: [] },
      ],
    });
    expect(r.head).toBe('MX records of example.org, tried lowest preference first (RFC 5321 §5.1):');
    expect(lines(r)).toEqual([
      'ok: 10  mx1.example.org  192.0.2.10, 2001:db8::10',
      'ok: 10  mx2.example.org  192.0.2.11',
      'bad: 20  backup.example.net  has no address (no A or AAAA record): senders skip it',
      'info: mx1.example.org, mx2.example.org share preference 10: senders pick among them at random',
    ]);
    expect(r.connectTo).toBe('mx1.example.org');
  });

  it('passes over hosts a sender cannot use when choosing where to test', () => {
    const r = readMxAnswer('example.org', {
      kind: 'mx',
      count: 14,
      hosts: [
        { preference: 5, exchange: '192.0.2.1', addresses: [] },
        { preference: 10, exchange: 'dead.example.org', addresses: [] },
        { preference: 20, exchange: 'live.example.org', addresses: ['192.0.2.20'] },
        { preference: 30, exchange: '', addresses: [] },
      ],
    });
    expect(lines(r)).toEqual([
      'bad: 5  192.0.2.1  an address where a host name belongs (RFC 5321 §5.1): senders cannot use it',
      'bad: 10  dead.example.org  has no address (no A or AAAA record): senders skip it',
      'ok: 20  live.example.org  192.0.2.20',
      'bad: 30  .  a null MX among other MX records: RFC 7505 §3 allows it only alone',
      'info: and 10 more with higher preferences',
    ]);
    expect(r.connectTo).toBe('live.example.org');
    const none = readMxAnswer('example.org', { kind: 'mx', count: 1, hosts: [{ preference: 10, exchange: 'dead.example.org', addresses: [] }] });
    expect(lines(none).at(-1)).toBe("bad: none of them can be reached: mail to this domain waits in senders' queues, then bounces");
    expect(none.connectTo).toBeNull();
  });

  it('says so when a host\'s addresses could not be looked up, rather than that it has none', () => {
    const r = readMxAnswer('example.org', {
      kind: 'mx',
      count: 2,
      hosts: [
        { preference: 10, exchange: 'mx1.example.org', addresses: [], lookupError: 'ETIMEOUT' },
        { preference: 20, exchange: 'mx2.example.org', addresses: ['192.0.2.20'] },
      ],
    });
    expect(lines(r)).toEqual(['warn: 10  mx1.example.org  its addresses could not be looked up (ETIMEOUT): try again', 'ok: 20  mx2.example.org  192.0.2.20']);
    expect(r.connectTo).toBe('mx2.example.org');
    const only = readMxAnswer('example.org', { kind: 'mx', count: 1, hosts: [{ preference: 10, exchange: 'mx1.example.org', addresses: [], lookupError: 'ESERVFAIL' }] });
    expect(lines(only).at(-1)).toBe('warn: no address could be looked up for now: try again before concluding anything');
    expect(decodeAppMessage(JSON.stringify({ v: 2, type: 'mx', domain: 'x', answer: { kind: 'mx', count: 1, hosts: [{ preference: 1, exchange: 'a', addresses: [], lookupError: 'ETIMEOUT' }] } })).ok).toBe(true);
    expect(decodeAppMessage(JSON.stringify({ v: 2, type: 'mx', domain: 'x', answer: { kind: 'mx', count: 1, hosts: [{ preference: 1, exchange: 'a', addresses: [], lookupError: 7 }] } })).ok).toBe(false);
  });

  it('explains an implicit MX, a null MX, and no answer', () => {
    const implicit = readMxAnswer('example.org', { kind: 'implicit', addresses: ['192.0.2.30'] });
    expect(implicit.head).toBe('example.org has no MX records: mail goes to the domain itself, an implicit MX (RFC 5321 §5.1):');
    expect(lines(implicit)[0]).toBe('ok: 0  example.org  192.0.2.30');
    expect(implicit.connectTo).toBe('example.org');
    const nullMx = readMxAnswer('example.org', { kind: 'null' });
    expect(nullMx.head).toBe('example.org publishes a null MX (RFC 7505): it takes no mail.');
    expect(lines(nullMx)[0]).toContain('556 5.1.10');
    expect(nullMx.connectTo).toBeNull();
    const answers: [MxAnswer, string][] = [
      [{ kind: 'none', reason: 'no-domain', detail: 'x' }, 'example.org does not exist in DNS (NXDOMAIN): mail to it bounces'],
      [{ kind: 'none', reason: 'no-records', detail: 'x' }, 'example.org has no MX, A or AAAA records: mail to it cannot be delivered'],
      [{ kind: 'none', reason: 'dns-error', detail: 'the MX lookup failed: ETIMEOUT' }, 'the DNS lookup for example.org failed (the MX lookup failed: ETIMEOUT): try again, or start heloterm with --dns-server'],
      [{ kind: 'none', reason: 'refused', detail: 'at most 20 DNS lookups a minute for each page: try again in a minute' }, 'MX records of example.org not looked up: at most 20 DNS lookups a minute for each page: try again in a minute'],
    ];
    for (const [answer, head] of answers) expect(readMxAnswer('example.org', answer)).toEqual({ head, findings: [], connectTo: null });
  });

  it("never passes a DNS name's control characters to the terminal", () => {
    const out = formatReport(readMxAnswer('example.org', { kind: 'mx', count: 1, hosts: [{ preference: 1, exchange: 'a\x1b[2Jb.example', addresses: ['192.0.2.1'] }] }));
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/\x1b/);
    expect(plain(out)).toContain('1  a^[[2Jb.example  192.0.2.1');
  });
});

describe('/mx', () => {
  const state = new SessionModel().state;
  it('takes a domain, or the domain of an address, and refuses the rest', () => {
    expect(localCommand('/mx example.org', state)).toEqual({ kind: 'mx', domain: 'example.org' });
    expect(localCommand('/MX Postmaster@Example.ORG.', state)).toEqual({ kind: 'mx', domain: 'example.org' });
    // The same reading as the form's Find MX.
    expect(['example.org', ' a@b.example ', '2001:db8::1', '[192.0.2.1]', 'x@', 'bad-.org'].map(mxDomain)).toEqual([
      'example.org',
      'b.example',
      null,
      null,
      null,
      null,
    ]);
    for (const [line, says] of [
      ['/mx', '/mx needs a domain'],
      ['/mx 192.0.2.1', 'is not a domain name'],
      ['/mx a..b', 'is not a domain name'],
      ['/mx -bad-.org', 'is not a domain name'],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind === 'text' ? plain(c.text) : JSON.stringify(c)).toContain(says);
    }
  });
});

describe('mx at the protocol boundary', () => {
  it('the bridge takes a lookup request for a domain name only', () => {
    expect(decodeClientMessage('{"v":2,"type":"mx","domain":"example.org"}')).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org' } });
    for (const domain of ['192.0.2.1', '2001:db8::1', '', 'a b', 7]) {
      expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'mx', domain })).ok).toBe(false);
    }
  });

  const answer: MxAnswer = { kind: 'mx', count: 1, hosts: [{ preference: 10, exchange: 'mx.example.org', addresses: ['192.0.2.1'] }] };

  it('the answer is read by the app decoder only; everything else decodes as before', () => {
    const frame = encodeServerMessage({ type: 'mx', domain: 'example.org', answer });
    expect(decodeServerMessage(frame)).toEqual({ ok: false, error: 'unknown message type "mx"' });
    expect(decodeAnyServerMessage(frame)).toEqual({ ok: true, value: { v: 2, type: 'mx', domain: 'example.org', answer } });
    const hello = encodeServerMessage({ type: 'hello', practice: null, allowedPorts: [25] });
    expect(decodeAnyServerMessage(hello)).toEqual(decodeServerMessage(hello));
    expect(decodeAnyServerMessage('<0:220 x\r\n')).toEqual(decodeServerMessage('<0:220 x\r\n'));
    // A bad frame of another kind keeps its own reason; a bad mx answer gets the answer's.
    expect(decodeAnyServerMessage('{"v":2,"type":"nope"}')).toEqual({ ok: false, error: 'unknown message type "nope"' });
    expect(decodeAnyServerMessage('nonsense')).toEqual(decodeServerMessage('nonsense'));
    expect(decodeAppMessage('nonsense')).toEqual({ ok: false, error: 'not an mx, rdns, dane, dkim, spf, dnsbl, dbl, ports, tlsversions, smuggling, tlsinjection, mxtls, tls, stored, call, say or hand message' });
    expect(decodeAnyServerMessage('{"v":2,"type":"mx","domain":"x","answer":{}}')).toEqual({ ok: false, error: 'mx: bad "answer"' });
  });

  it.each<[string, unknown]>([
    ['too many hosts', { kind: 'mx', count: MAX_MX_HOSTS + 1, hosts: Array.from({ length: MAX_MX_HOSTS + 1 }, () => answer.kind === 'mx' && answer.hosts[0]) }],
    ['too many addresses', { kind: 'mx', count: 1, hosts: [{ preference: 1, exchange: 'a', addresses: Array.from({ length: MAX_MX_ADDRESSES + 1 }, () => '192.0.2.1') }] }],
    ['a preference out of range', { kind: 'mx', count: 1, hosts: [{ preference: 70000, exchange: 'a', addresses: [] }] }],
    ['a count below the hosts listed', { kind: 'mx', count: 0, hosts: [{ preference: 1, exchange: 'a', addresses: [] }] }],
    ['an unknown kind', { kind: 'maybe' }],
    ['an unknown reason', { kind: 'none', reason: 'tired', detail: '' }],
    ['no answer', undefined],
  ])('refuses an answer with %s', (_what, bad) => {
    expect(decodeAppMessage(JSON.stringify({ v: 2, type: 'mx', domain: 'example.org', answer: bad }))).toEqual({ ok: false, error: 'mx: bad "answer"' });
  });
});

describe('the MX host senders try next, after one that cannot be reached', () => {
  const answer: MxAnswer = {
    kind: 'mx',
    hosts: [
      { preference: 10, exchange: 'mx1.example.org', addresses: ['192.0.2.10'] },
      { preference: 20, exchange: 'old.example.org', addresses: [] },
      { preference: 30, exchange: 'mx3.example.org', addresses: ['192.0.2.30'] },
      { preference: 30, exchange: 'mx4.example.org', addresses: ['192.0.2.40'] },
    ],
    count: 4,
  };

  it('is the next by preference that has addresses; none after the last, nor for a host that is not one of them', () => {
    expect(nextMxHost('example.org', answer, 'MX1.example.org.')).toEqual({
      exchange: 'mx3.example.org',
      note: "senders that cannot reach MX1.example.org. go on to example.org's next MX host, mx3.example.org (preference 30), and try MX1.example.org. again later (RFC 5321 §5.1): the connect form now points at it, press Connect to test it too",
    });
    expect(nextMxHost('example.org', answer, 'mx3.example.org')?.note).toContain('mx4.example.org (preference 30, of the same preference: senders pick either first)');
    expect(nextMxHost('example.org', answer, 'mx4.example.org')).toBeNull();
    expect(nextMxHost('example.org', answer, 'www.example.org')).toBeNull();
    expect(nextMxHost('example.org', { kind: 'implicit', addresses: ['192.0.2.1'] }, 'example.org')).toBeNull();
  });

  it('is where the page points the form when dialling an MX host looked up failed on port 25', () => {
    const written: string[] = [];
    const pointed: [string, number][] = [];
    const checks = new ServerChecks({ write: (t) => written.push(t), log: () => {}, send: () => true, note: () => {}, pointFormAt: (h, p) => pointed.push([h, p]) > 0 });
    checks.onMx({ v: 2, type: 'mx', domain: 'example.org', answer }, 0);
    pointed.length = 0;
    written.length = 0;
    // Another port, or a host no MX answer names: nothing.
    checks.connectFailed('mx1.example.org', 587);
    checks.connectFailed('smtp.example.net', 25);
    expect([pointed, written]).toEqual([[], []]);
    checks.connectFailed('mx1.example.org', 25);
    expect(pointed).toEqual([['mx3.example.org', 25]]);
    expect(written.join('')).toContain("go on to example.org's next MX host, mx3.example.org");
  });

  it('reads the mail policies of a domain whose MX lookup said it does not exist as such, not as records missing', () => {
    const logged: unknown[] = [];
    const checks = new ServerChecks({ write: () => {}, log: (e) => logged.push(e), send: () => true, note: () => {}, pointFormAt: () => false });
    const none = { kind: 'none' } as const;
    const policies = { spf: none, dmarc: none, mtaSts: none, tlsRpt: none };
    const texts = (): string[] => logged.flatMap((e) => ('policies' in (e as object) ? (e as { policies: { findings: { text: string }[] } }).policies.findings.map((f) => f.text) : []));
    checks.onMx({ v: 2, type: 'mx', domain: 'nowhere.example', answer: { kind: 'none', reason: 'no-domain', detail: 'NXDOMAIN' }, policies }, 0);
    expect(texts()).toEqual([expect.stringMatching(/^nowhere\.example does not exist in DNS: it has no SPF, DMARC or MTA-STS record/)]);
    // A domain that exists without records: each one missing, as before.
    logged.length = 0;
    checks.onMx({ v: 2, type: 'mx', domain: 'bare.example', answer: { kind: 'none', reason: 'no-records', detail: '' }, policies }, 0);
    expect(texts()[0]).toMatch(/^no SPF record/);
  });
});

describe('lookups asked faster than answered (a pasted list of /mx lines)', () => {
  it('waits twenty of them behind the one in flight, in order, and says so of one more instead of dropping it', () => {
    const written: string[] = [];
    const sent: unknown[] = [];
    const checks = new ServerChecks({ write: (t) => written.push(t), log: () => {}, send: (m) => sent.push(m) > 0, note: () => {}, pointFormAt: () => false });
    const domains = Array.from({ length: 22 }, (_, i) => `d${i}.example`);
    for (const d of domains) checks.mx(d);
    expect(sent).toHaveLength(1);
    expect(written.filter((w) => w.includes('not asked')).map((w) => w.replace(/\x1b\[[0-9;]*m/g, '').trim())).toEqual([
      '-- not asked: 20 lookups are waiting already; ask again once they are answered',
    ]);
    // Each answer sends the next waiting one, in the order asked.
    const none: MxAnswer = { kind: 'none', reason: 'no-records', detail: '' };
    for (let i = 0; i < 21; i++) checks.onMx({ v: 2, type: 'mx', domain: domains[i]!, answer: none }, 0);
    expect(sent.map((m) => (m as { domain: string }).domain)).toEqual(domains.slice(0, 21));
  });
});

describe('what a failed address of a host costs senders, said once another answered', () => {
  it('names the failed addresses and the one that answered, and IPv6 apart when it failed and IPv4 answered', () => {
    expect(fallbackNote(['192.0.2.10'], '192.0.2.11')).toBe(
      "192.0.2.10 did not take the connection, 192.0.2.11 did: senders try a mail server's addresses in turn too (RFC 5321 §5.1), each after a timeout of its own (Postfix's smtp_connect_timeout, 30 s), so mail still arrives, late. Fix the address that failed (its firewall, its routing, or the DNS record that names it).",
    );
    const v6 = fallbackNote(['2001:db8::10', '192.0.2.10'], '192.0.2.11');
    expect(v6).toMatch(/^2001:db8::10, 192\.0\.2\.10 did not take the connection, 192\.0\.2\.11 did: /);
    expect(v6).toContain('Senders that prefer IPv6 (Gmail, Microsoft 365) wait on the IPv6 address first');
    // An IPv6 address that answered after another failed: nothing about IPv6 first.
    expect(fallbackNote(['2001:db8::10'], '2001:db8::11')).not.toContain('prefer IPv6');
  });
});

