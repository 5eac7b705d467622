/**
 * The relay check: what the recipient domain's MX answer says about a recipient the server accepted without a login
 * (shared/smtp/relay.ts), and the page's side of it (client/ui/server-checks.ts): when it asks, that it asks the bridge
 * one lookup at a time and tells each answer's question, and that an answer for a connection that is over is dropped.
 * The bridge's MX lookups against a scripted DNS server are in test/integration/dns-lookup.
 */
import { describe, expect, it } from 'vitest';
import { ServerChecks } from '../../client/ui/server-checks.js';
import type { LogEntry } from '../../client/ui/reply-log.js';
import type { Bare, ClientMessage, MxAnswer } from '../../shared/protocol/messages.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { checksRelayByItself, isPrivateAddress, ownsByName, readRelayAnswer, recipientDomain, type RelayServer } from '../../shared/smtp/relay.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Exchange } from '../../shared/smtp/session-state.js';

const PUBLIC: RelayServer = { address: '192.0.2.25', names: ['mx.example.org'] };
const mx = (...hosts: [string, string[]][]): MxAnswer => ({ kind: 'mx', count: hosts.length, hosts: hosts.map(([exchange, addresses], i) => ({ preference: 10 * (i + 1), exchange, addresses })) });

describe('the relay check, pure', () => {
  it('reads the recipient domain of a path', () => {
    expect(recipientDomain('Bob@Example.NET')).toBe('example.net');
    expect(recipientDomain('bob@example.net.')).toBe('example.net');
    expect(recipientDomain('"a@b"@example.net')).toBe('example.net');
    for (const path of ['', 'postmaster', 'bob@[192.0.2.1]', 'bob@192.0.2.1', 'bob@']) expect(recipientDomain(path)).toBeNull();
  });

  it('tells private addresses from public ones', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.1.1', '::ffff:10.0.0.1', 'fd00::1', 'FC12::1', 'fe80::1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['192.0.2.25', '172.32.0.1', '172.15.0.1', '100.128.0.1', '8.8.8.8', '2001:db8::1', 'fe00::1', 'fec0::1']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('checks by itself only beyond loopback, not the practice server, not after a login', () => {
    expect(checksRelayByItself('192.0.2.25', false, false)).toBe(true);
    expect(checksRelayByItself('10.0.0.5', false, false)).toBe(true);
    expect(checksRelayByItself('127.0.0.1', false, false)).toBe(false);
    expect(checksRelayByItself('::1', false, false)).toBe(false);
    expect(checksRelayByItself('192.0.2.25', true, false)).toBe(false);
    expect(checksRelayByItself('192.0.2.25', false, true)).toBe(false);
  });

  it('knows a domain is the server\'s by its names, without DNS', () => {
    expect(ownsByName('example.org', PUBLIC)).toBe(true);
    expect(ownsByName('lists.example.org', PUBLIC)).toBe(true);
    expect(ownsByName('example.org', { ...PUBLIC, names: ['MX.Example.Org.'] })).toBe(true);
    expect(ownsByName('example.net', PUBLIC)).toBe(false);
    expect(ownsByName('ample.org', PUBLIC)).toBe(false);
    expect(ownsByName('org', PUBLIC)).toBe(false);
    expect(ownsByName('example.net', { ...PUBLIC, names: [] })).toBe(false);
  });

  it('finds no relaying where the server is among the MX hosts, by address or by a provider\'s domain', () => {
    expect(readRelayAnswer('example.net', mx(['mx1.example.net', ['192.0.2.24']], ['mx2.example.net', ['192.0.2.25']]), PUBLIC)).toBeNull();
    expect(readRelayAnswer('example.net', { kind: 'implicit', addresses: ['192.0.2.25'] }, PUBLIC)).toBeNull();
    // The same address however it is spelt (the socket may give an IPv4-mapped IPv6 address).
    expect(readRelayAnswer('example.net', mx(['mx1.example.net', ['192.0.2.25']]), { ...PUBLIC, address: '::FFFF:192.0.2.25' })).toBeNull();
    // Google and Microsoft: the domain's MX hosts are in the domain of the name the server greeted with.
    const google: RelayServer = { address: '142.250.1.26', names: ['mx.google.com'] };
    expect(readRelayAnswer('gmail.com', mx(['gmail-smtp-in.l.google.com', ['142.250.2.27']]), google)).toBeNull();
    const microsoft: RelayServer = { address: '52.101.1.1', names: ['AM4PEPF00027A64.mail.protection.outlook.com'.toLowerCase()] };
    expect(readRelayAnswer('contoso.com', mx(['contoso-com.mail.protection.outlook.com', ['52.101.9.9']]), microsoft)).toBeNull();
  });

  it('calls a public server that takes mail for another domain an open relay, unless trusted, and a private one usual', () => {
    const r = readRelayAnswer('example.net', mx(['mx1.example.net', ['198.51.100.1']], ['mx2.example.net', []], ['mx3.example.net', ['198.51.100.3']], ['mx4.example.net', ['198.51.100.4']]), PUBLIC);
    expect(r?.head).toBe('relaying: the server accepted a recipient at example.net without a login, and is not its mail server:');
    expect(r?.findings.map((f) => f.tone)).toEqual(['info', 'bad', 'info']);
    expect(r?.findings[0]?.text).toBe("example.net's mail goes to mx1.example.net (198.51.100.1), mx2.example.net, mx3.example.net (198.51.100.3) and 1 more; not to 192.0.2.25");
    expect(r?.findings[1]?.text).toMatch(/^it relays for this client: an open relay, .* unless it trusts the bridge's address on purpose \(Postfix mynetworks.* or is where example\.net's mail goes after those MX hosts/);
    const inside = readRelayAnswer('example.net', mx(['mx1.example.net', ['198.51.100.1']]), { address: '10.0.0.5', names: [] });
    expect(inside?.findings[1]).toMatchObject({ tone: 'warn', text: expect.stringContaining('usual for a server that serves its own network') });
  });

  it('says what DNS said of a domain that takes no mail, and that it could not check when the lookup failed', () => {
    expect(readRelayAnswer('example.net', { kind: 'null' }, PUBLIC)?.findings[0]?.text).toBe('example.net takes no mail at all (a null MX, RFC 7505)');
    expect(readRelayAnswer('nowhere.example', { kind: 'none', reason: 'no-domain', detail: '' }, PUBLIC)?.findings[0]?.text).toBe('nowhere.example does not exist in DNS');
    expect(readRelayAnswer('example.net', { kind: 'implicit', addresses: ['198.51.100.9'] }, PUBLIC)?.findings[0]?.text).toContain('has no MX records: its mail goes to 198.51.100.9, not to 192.0.2.25');
    const refused = readRelayAnswer('example.net', { kind: 'none', reason: 'refused', detail: 'a DNS lookup is already running' }, PUBLIC);
    expect(refused).toEqual({
      head: 'relaying not checked: the server accepted a recipient at example.net, and its MX records could not be looked up',
      findings: [{ tone: 'warn', text: 'a DNS lookup is already running. /mx example.net tells whether this server is its mail server' }],
    });
  });
});

/** A page's ServerChecks with what it sends, writes and logs recorded; and a session model to make its exchanges. */
function page() {
  const sent: Bare<ClientMessage>[] = [];
  const written: string[] = [];
  const logged: LogEntry[] = [];
  let reachable = true;
  const dns = new ServerChecks({
    write: (t) => written.push(t),
    log: (e) => logged.push(e),
    send: (m) => reachable && sent.push(m) > 0,
    note: () => {},
    pointFormAt: () => false,
  });
  let model = new SessionModel();
  const parser = new ReplyParser();
  /** Sends `line` and hands the server's reply (text with CRLF line ends) to the page, as app.ts does. */
  const exchange = (line: string | null, reply: string): Exchange => {
    if (line !== null) model.sent(line);
    const e = parser.push(reply).find((x) => x.kind === 'reply');
    if (e?.kind !== 'reply') throw new Error('no reply');
    const ex = model.received(e.reply);
    if (ex.kind === 'greeting') dns.greeted(e.reply);
    else dns.replied(ex);
    return ex;
  };
  const connect = (host: string, address: string): void => {
    model = new SessionModel();
    model.connected();
    dns.connected(host, address, 25);
  };
  return { dns, sent, written, logged, exchange, connect, unreachable: () => (reachable = false) };
}

describe('the relay check in the page', () => {
  it('asks for the MX of a foreign recipient accepted without a login, once a domain, and tells its answer from /mx\'s', () => {
    const p = page();
    p.connect('192.0.2.25', '192.0.2.25');
    p.exchange(null, '220 mx.example.org ESMTP\r\n');
    expect(p.sent).toEqual([{ type: 'rdns' }]); // beyond loopback: its reverse DNS first
    p.exchange('EHLO client.example.com', '250 mx.example.org\r\n');
    p.exchange('MAIL FROM:<a@example.com>', '250 ok\r\n');
    p.exchange('RCPT TO:<bob@example.org>', '250 ok\r\n'); // its own domain: nothing to ask
    p.exchange('RCPT TO:<bob@example.net>', '250 ok\r\n');
    p.exchange('RCPT TO:<carol@example.net>', '250 ok\r\n'); // that domain is being checked already
    p.exchange('RCPT TO:<dave@example.com>', '550 no\r\n'); // refused: not relayed
    p.dns.mx('example.com'); // the user's own lookup, behind the relay check's
    expect(p.sent).toEqual([{ type: 'rdns' }]); // one at a time: the reverse DNS is still in flight
    p.dns.onRdns({ v: 2, type: 'rdns', address: '192.0.2.25', answer: { kind: 'names', count: 1, names: [{ name: 'smtp.example.org', addresses: ['192.0.2.25'] }] } }, 0);
    expect(p.sent.at(-1)).toEqual({ type: 'mx', domain: 'example.net' });
    p.dns.onMx({ v: 2, type: 'mx', domain: 'example.net', answer: mx(['mx1.example.net', ['198.51.100.1']]) }, 0);
    expect(p.sent.at(-1)).toEqual({ type: 'mx', domain: 'example.com', policies: true });
    expect(p.logged.filter((e) => 'relay' in e)).toHaveLength(1);
    expect(p.written.join('')).toContain('relaying: the server accepted a recipient at example.net without a login, and is not its mail server:');
    // The user's answer is shown as an MX report, not read as a relay check.
    p.dns.onMx({ v: 2, type: 'mx', domain: 'example.com', answer: { kind: 'null' } }, 0);
    expect(p.logged.filter((e) => 'mx' in e)).toHaveLength(1);
    expect(p.logged.filter((e) => 'relay' in e)).toHaveLength(1);
    expect(p.sent).toHaveLength(3);
  });

  it('asks nothing after a login, on loopback, or for the practice server', () => {
    const p = page();
    p.connect('mx.example.org', '192.0.2.25');
    p.exchange(null, '220 mx.example.org ESMTP\r\n');
    p.dns.onRdns({ v: 2, type: 'rdns', address: '192.0.2.25', answer: { kind: 'none', reason: 'no-ptr', detail: '' } }, 0);
    p.exchange('EHLO client.example.com', '250-mx.example.org\r\n250 AUTH PLAIN\r\n');
    p.exchange('AUTH PLAIN AHUAcA==', '235 2.7.0 ok\r\n');
    p.exchange('MAIL FROM:<a@example.com>', '250 ok\r\n');
    p.exchange('RCPT TO:<bob@example.net>', '250 ok\r\n');
    expect(p.sent).toEqual([{ type: 'rdns' }]);
    const local = page();
    local.connect('localhost', '127.0.0.1');
    local.exchange(null, '220 localhost ESMTP\r\n');
    local.exchange('HELO client.example.com', '250 localhost\r\n');
    local.exchange('MAIL FROM:<a@example.com>', '250 ok\r\n');
    local.exchange('RCPT TO:<bob@example.net>', '250 ok\r\n');
    expect(local.sent).toEqual([]);
    const practice = page();
    practice.dns.practice = { host: '192.0.2.99', port: 2525, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: ['alice'] };
    practice.dns.connected('192.0.2.99', '192.0.2.99', 2525);
    practice.exchange('RCPT TO:<bob@example.net>', '250 ok\r\n');
    expect(practice.sent).toEqual([]);
  });

  it('drops an answer for a connection that is over, and asks again after the bridge came back', () => {
    const p = page();
    p.connect('192.0.2.25', '192.0.2.25');
    p.exchange(null, '220 ESMTP\r\n'); // no name in the greeting
    p.dns.onRdns({ v: 2, type: 'rdns', address: '192.0.2.25', answer: { kind: 'none', reason: 'no-ptr', detail: '' } }, 0);
    p.exchange('HELO client.example.com', '250 hello\r\n');
    p.exchange('MAIL FROM:<a@example.com>', '250 ok\r\n');
    p.exchange('RCPT TO:<bob@example.net>', '250 ok\r\n');
    expect(p.sent.at(-1)).toEqual({ type: 'mx', domain: 'example.net' });
    p.connect('192.0.2.26', '192.0.2.26');
    p.dns.onMx({ v: 2, type: 'mx', domain: 'example.net', answer: mx(['mx1.example.net', ['198.51.100.1']]) }, 0);
    expect(p.logged).toHaveLength(1); // the reverse DNS only: the relay answer came for the connection before
    expect(p.written.join('')).not.toContain('relaying');
    // The bridge went away with a lookup in flight: none is waited for any more.
    p.exchange(null, '220 ESMTP\r\n');
    expect(p.sent.at(-1)).toEqual({ type: 'rdns' });
    p.dns.reset();
    p.dns.mx('example.com');
    expect(p.sent.at(-1)).toEqual({ type: 'mx', domain: 'example.com', policies: true });
    p.unreachable();
    p.dns.reset();
    p.dns.mx('example.org');
    expect(p.written.at(-1)).toContain('not sent: no contact with the heloterm bridge');
  });
});

describe('/dkim in the page', () => {
  it("/dkim verify: says how to get a signed bounce before there is one, then verifies the newest report's signature", () => {
    const p = page();
    p.dns.verifyStored();
    expect(p.written.at(-1)).toContain('no report from the practice server yet: it signs the mail it sends (DKIM, as practice.test); send a message to gone@practice.test and its bounce comes back signed');
    const bounce = 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=practice.test; s=practice; h=from; bh=x; b=y\r\nFrom: MAILER-DAEMON@practice.test\r\n\r\nbody\r\n';
    p.dns.stored({ v: 2, type: 'stored', n: 4, from: 'a@example.org', to: ['gone@practice.test'], recipients: 1, text: 'x', cut: false, reports: [{ action: 'failed', recipients: ['gone@practice.test'], n: 5, text: bounce, cut: false }] });
    p.dns.verifyStored();
    expect(p.written.slice(-2).join('')).toContain("the practice server's bounce (message #5), as it sent it:");
    expect(p.sent.at(-1)).toEqual({ type: 'dkim', selector: 'practice', domain: 'practice.test' });
  });

  it('asks in turn with the other lookups (the practice domain too: the bridge answers with its key), and logs the key read', () => {
    const p = page();
    p.dns.practice = { host: '127.0.0.1', port: 2525, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: ['alice'] };
    p.dns.dkim('practice', 'practice.test');
    expect(p.sent).toEqual([{ type: 'dkim', selector: 'practice', domain: 'practice.test' }]);
    p.dns.onDkim({ v: 2, type: 'dkim', selector: 'practice', domain: 'practice.test', answer: { kind: 'none' } });
    p.sent.length = 0;
    p.dns.mx('example.org');
    p.dns.dkim('s1', 'example.org'); // waits for the MX answer
    expect(p.sent).toEqual([{ type: 'mx', domain: 'example.org', policies: true }]);
    p.dns.onMx({ v: 2, type: 'mx', domain: 'example.org', answer: mx(['mx1.example.org', ['192.0.2.1']]) }, 0);
    expect(p.sent.at(-1)).toEqual({ type: 'dkim', selector: 's1', domain: 'example.org' });
    p.dns.onDkim({ v: 2, type: 'dkim', selector: 's1', domain: 'example.org', answer: { kind: 'none' } });
    expect(p.written.at(-1)).toContain('DKIM key for selector s1 (TXT s1._domainkey.example.org):');
    expect(p.logged.at(-1)).toMatchObject({ dkim: { good: false } });
  });
});
