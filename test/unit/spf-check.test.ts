/**
 * An SPF check's answer read for a mail admin (shared/smtp/spf-check.ts); `/spf`; the page asking the bridge
 * (client/ui/server-checks.ts); and the `spf` messages at the protocol's boundary. The checks themselves, through the
 * bridge against a scripted DNS server, are in test/integration/spf-check.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { formatReport } from '../../client/terminal/render-findings.js';
import { ServerChecks } from '../../client/ui/server-checks.js';
import type { LogEntry } from '../../client/ui/reply-log.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import type { Bare, ClientMessage, SpfCheck, SpfResult } from '../../shared/protocol/messages.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { authorising, readSpfCheck, spfCommandIn } from '../../shared/smtp/spf-check.js';

const checked = (result: SpfResult, more: Partial<Extract<SpfCheck, { kind: 'checked' }>> = {}): SpfCheck => ({ kind: 'checked', result, lookups: 1, voidLookups: 0, ...more });
const lines = (ip: string, answer: SpfCheck): string[] => readSpfCheck(ip, 'example.org', answer).findings.map((f) => `${f.tone}: ${f.text}`);
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('readSpfCheck', () => {
  it('says what each result means to a receiver, in the tone it deserves', () => {
    const tones = Object.fromEntries(
      (['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'] as const).map((r) => [r, readSpfCheck('192.0.2.10', 'example.org', checked(r)).findings.at(-2)?.tone]),
    );
    expect(tones).toEqual({ pass: 'ok', fail: 'bad', softfail: 'warn', neutral: 'warn', none: 'warn', permerror: 'bad', temperror: 'warn' });
    expect(readSpfCheck('192.0.2.10', 'example.org', checked('pass')).good).toBe(true);
    expect(readSpfCheck('192.0.2.10', 'example.org', checked('softfail')).good).toBe(false);
  });

  it('shows the record, and for a failure the mechanism that would let the address send', () => {
    const found = lines('192.0.2.10', checked('fail', { record: 'v=spf1 include:_spf.example.net -all' }));
    expect(found[0]).toBe('info: SPF: v=spf1 include:_spf.example.net -all');
    expect(found[1]).toMatch(/^bad: fail: example\.org says 192\.0\.2\.10 may not send its mail.*add ip4:192\.0\.2\.10 \(or the include:/);
    expect(lines('2001:db8::10', checked('softfail'))[0]).toContain('add ip6:2001:db8::10');
    expect(authorising('2001:db8::1')).toBe('ip6:2001:db8::1');
    // No record: one to publish, for this address.
    expect(lines('192.0.2.10', checked('none', { lookups: 0 }))).toEqual([expect.stringContaining('Publish one: v=spf1 ip4:192.0.2.10 -all')]);
  });

  it('says a domain that does not exist has no record to publish, and that receivers refuse its mail', () => {
    const found = lines('192.0.2.10', checked('none', { lookups: 0, voidLookups: 1, noDomain: true }));
    expect(found).toEqual([expect.stringMatching(/^bad: none: example\.org does not exist in DNS \(NXDOMAIN\).*450 4\.1\.8 .*Domain not found.*spelling/)]);
    expect(found[0]).not.toContain('Publish');
  });

  it('says why a check gave an error, and counts the lookups against the limits', () => {
    const broken = lines('192.0.2.10', checked('permerror', { lookups: 11, detail: 'Too many DNS requests' }));
    expect(broken[0]).toMatch(/^bad: permerror: .*cannot be evaluated \(Too many DNS requests\)/);
    expect(broken[1]).toBe('info: 11 DNS lookups until the result (of 10 allowed, RFC 7208 §4.6.4)');
    expect(lines('192.0.2.10', checked('permerror', { lookups: 3, voidLookups: 3 }))[1]).toContain(', 3 of them void (of 2 allowed)');
    expect(lines('192.0.2.10', checked('temperror', { detail: 'DNS timeout' }))[0]).toContain('a DNS lookup failed (DNS timeout)');
  });

  it('points out a private address, and says when the bridge did not check', () => {
    expect(lines('192.168.1.20', checked('fail')).at(-1)).toMatch(/^info: 192\.168\.1\.20 is a private address: receivers on the internet see the public address/);
    expect(lines('192.0.2.10', checked('fail')).join()).not.toContain('private');
    expect(lines('192.0.2.10', { kind: 'refused', detail: 'a DNS lookup is already running' })).toEqual(['warn: not checked: a DNS lookup is already running']);
  });

  it("never passes a record's control characters to the terminal", () => {
    expect(formatReport(readSpfCheck('192.0.2.10', 'example.org', checked('pass', { record: 'v=spf1 \x1b]0;owned\x07 -all' })))).not.toMatch(/\x1b\]|\x07/);
  });
});

describe('spfCommandIn', () => {
  it('reads the address and domain an SPF refusal names, as Gmail and policyd-spf word it', () => {
    expect(
      spfCommandIn('The (E)MAIL FROM domain [Example.com] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.1]. To best protect'),
    ).toBe('/spf 192.0.2.1 example.com');
    expect(spfCommandIn('<a@example.net>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=bob@example.org;ip=2001:db8::7;r=mx.example.net')).toBe(
      '/spf 2001:db8::7 example.org',
    );
    expect(spfCommandIn('Please see http://www.openspf.net/Why?s=helo;id=mail.example.org;ip=192.0.2.9;r=mx')).toBe('/spf 192.0.2.9 mail.example.org');
  });

  it('gives nothing when the text does not name both, or names them badly', () => {
    expect(spfCommandIn('The message was rejected because of Sender Policy Framework violation')).toBeNull();
    expect(spfCommandIn('The MAIL FROM domain [example.org] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks')).toBeNull();
    expect(spfCommandIn('id=bob@example.org;ip=999.1.1.1;r=mx')).toBeNull();
    expect(spfCommandIn('id=bob@192.0.2.1;ip=192.0.2.1;r=mx')).toBeNull();
  });
});

describe('/spf', () => {
  const state = new SessionModel().state;
  const want = { kind: 'spf', ip: '192.0.2.10', domain: 'example.org' };
  it('takes an address and a domain or a sender address, in either order', () => {
    expect(localCommand('/spf 192.0.2.10 example.org', state)).toEqual(want);
    expect(localCommand('/spf example.org 192.0.2.10', state)).toEqual(want);
    expect(localCommand('/spf 192.0.2.10 <Bob@Example.ORG>', state)).toEqual(want);
    expect(localCommand('/spf [192.0.2.10] bob@example.org', state)).toEqual(want);
    expect(localCommand('/spf [IPv6:2001:DB8::10] example.org', state)).toEqual({ ...want, ip: '2001:db8::10' });
  });

  it('says what it needs otherwise', () => {
    for (const [line, says] of [
      ['/spf', /\/spf needs an address and a domain/],
      ['/spf 192.0.2.10', /\/spf needs an address and a domain/],
      ['/spf example.org example.net', /no IP address in "example\.org example\.net"/],
      ['/spf 192.0.2.10 a..b', /"a\.\.b" is not a domain name/],
      ['/spf 192.0.2.10 192.0.2.11', /"192\.0\.2\.11" is not a domain name/],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind === 'text' ? plain(c.text) : JSON.stringify(c)).toMatch(says);
    }
  });
});

describe('/spf in the page', () => {
  it('asks in turn with the other lookups, answers the practice domain itself, and logs the check', () => {
    const sent: Bare<ClientMessage>[] = [];
    const written: string[] = [];
    const logged: LogEntry[] = [];
    const checks = new ServerChecks({ write: (t) => written.push(t), log: (e) => logged.push(e), send: (m) => sent.push(m) > 0, note: () => {}, pointFormAt: () => false });
    checks.practice = { host: '127.0.0.1', port: 2525, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: ['alice'] };
    checks.spf('192.0.2.10', 'practice.test');
    expect(sent).toEqual([]);
    expect(written.at(-1)).toContain("practice.test is the practice server's domain, not in DNS: it publishes no SPF record");
    checks.dkim('s1', 'example.org');
    checks.spf('192.0.2.10', 'example.org'); // waits for the DKIM answer
    expect(sent).toEqual([{ type: 'dkim', selector: 's1', domain: 'example.org' }]);
    checks.onDkim({ v: 2, type: 'dkim', selector: 's1', domain: 'example.org', answer: { kind: 'none' } });
    expect(sent.at(-1)).toEqual({ type: 'spf', ip: '192.0.2.10', domain: 'example.org' });
    checks.onSpf({ v: 2, type: 'spf', ip: '192.0.2.10', domain: 'example.org', answer: checked('pass') });
    expect(plain(written.at(-1) ?? '')).toContain('SPF check: may 192.0.2.10 send mail from example.org?');
    expect(logged.at(-1)).toMatchObject({ spf: { good: true } });
  });
});

describe('spf at the protocol boundary', () => {
  it('the bridge takes an address and a domain name', () => {
    expect(decodeClientMessage('{"v":2,"type":"spf","ip":"2001:db8::10","domain":"example.org"}')).toEqual({ ok: true, value: { v: 2, type: 'spf', ip: '2001:db8::10', domain: 'example.org' } });
    for (const [ip, domain] of [['[2001:db8::10]', 'example.org'], ['192.0.2.300', 'example.org'], ['example.net', 'example.org'], ['192.0.2.1', '192.0.2.2'], ['192.0.2.1', ''], [7, 'example.org']]) {
      expect(decodeClientMessage(JSON.stringify({ v: 2, type: 'spf', ip, domain })).ok).toBe(false);
    }
  });

  it('the app decodes the answer; anything else is refused', () => {
    for (const answer of [checked('fail', { record: 'v=spf1 -all' }), checked('permerror', { detail: 'x' }), checked('none', { noDomain: true }), { kind: 'refused', detail: 'busy' } as const]) {
      const m = { type: 'spf', ip: '192.0.2.10', domain: 'example.org', answer } as const;
      expect(decodeAnyServerMessage(encodeServerMessage(m))).toEqual({ ok: true, value: { v: 2, ...m } });
    }
    const m = { v: 2, type: 'spf', ip: '192.0.2.10', domain: 'example.org', answer: checked('pass') };
    for (const bad of [
      { ...m, answer: { ...checked('pass'), result: 'maybe' } },
      { ...m, answer: { ...checked('pass'), lookups: -1 } },
      { ...m, answer: { ...checked('pass'), record: 'x'.repeat(1001) } },
      { ...m, answer: { kind: 'refused' } },
      { ...m, answer: { ...checked('none'), noDomain: false } },
      { ...m, answer: { ...checked('fail'), noDomain: true } },
      { ...m, ip: 7 },
    ]) {
      expect(decodeAnyServerMessage(JSON.stringify(bad)).ok).toBe(false);
    }
  });
});
