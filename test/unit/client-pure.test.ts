/**
 * The browser's pure helpers: URL parameters, the WebSocket URL, the status wording, and the terminal rendering of
 * server text (no DOM needed: these modules build strings).
 */
import { Coach } from '../../shared/smtp/coach.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { describe, expect, it } from 'vitest';
import { VERBS, VERB_INFO } from '../../shared/smtp/verbs.js';
import { parseUrlTarget, isValidHost, parsePort } from '../../client/ui/url-params.js';
import { webSocketUrl } from '../../client/connection.js';
import { describeTls } from '../../client/ui/status.js';
import { formatAddress, formatServerLine } from '../../client/terminal/render.js';
import { ServerTextRenderer } from '../../client/terminal/server-text.js';
import { piecesText } from '../../client/terminal/jump-scroll.js';
import { annotate } from '../../shared/smtp/explain.js';
import { explainCode } from '../../shared/smtp/explain.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { completeHeaderLine, completeLine, localCommand } from '../../client/terminal/local-commands.js';
import { rfc5322Date } from '../../shared/smtp/date.js';
import { chosenTheme, contrast, dimColour, dimRules } from '../../client/ui/theme.js';
import { dialsOnlyPractice, isPracticeTarget, isPracticeTls, practiceSideOf, type PracticeSide } from '../../client/ui/practice-hint.js';
import type { ConnectTarget } from '../../client/ui/connect-form.js';
import { asciiAddressDomain, asciiDomain } from '../../client/ui/idn.js';
import { onlyOnThisMachine, shareLink } from '../../client/ui/share-link.js';
import { familyClash, familyOf, urlFamily } from '../../client/ui/connect-form.js';

/** Terminal text without its SGR colours. */
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

/** A renderer wired as the page wires it: the session model, the coach and numbered reports. */
function renderer(): ServerTextRenderer {
  const model = new SessionModel();
  const coach = new Coach();
  let n = 0;
  model.connected();
  return new ServerTextRenderer((reply) => {
    const ex = model.received(reply);
    return { report: reportReply(++n, ex), slow: false, hints: coach.afterReply(ex), more: '' };
  });
}

describe('parseUrlTarget', () => {
  const cases: { search: string; host?: string; port?: number; tls?: boolean; connect: boolean; ignored: number }[] = [
    { search: '', connect: false, ignored: 0 },
    { search: '?host=mail.example.org&port=587', host: 'mail.example.org', port: 587, connect: false, ignored: 0 },
    { search: '?host=127.0.0.1&port=25&tls=1&connect=1', host: '127.0.0.1', port: 25, tls: true, connect: true, ignored: 0 },
    { search: '?host=[::1]&tls=0', host: '::1', tls: false, connect: false, ignored: 0 },
    { search: '?connect=true', connect: true, ignored: 0 },
    { search: '?host=evil%20host', connect: false, ignored: 1 },
    { search: '?host=<script>', connect: false, ignored: 1 },
    { search: '?host=a..b', connect: false, ignored: 1 },
    { search: `?host=${'a'.repeat(256)}`, connect: false, ignored: 1 },
    { search: '?port=0', connect: false, ignored: 1 },
    { search: '?port=65536', connect: false, ignored: 1 },
    { search: '?port=25abc', connect: false, ignored: 1 },
    { search: '?port=-25', connect: false, ignored: 1 },
    { search: '?tls=maybe&connect=soon', connect: false, ignored: 2 },
  ];
  it.each(cases)('$search', ({ search, host, port, tls, connect, ignored }) => {
    const t = parseUrlTarget(search);
    expect(t.host).toBe(host);
    expect(t.port).toBe(port);
    expect(t.tls).toBe(tls);
    expect(t.connect).toBe(connect);
    expect(t.ignored).toHaveLength(ignored);
  });

  it('validates hosts and ports on their own', () => {
    expect(isValidHost('mx1.mail-provider.example')).toBe(true);
    expect(isValidHost('-bad.example')).toBe(false);
    expect(isValidHost('')).toBe(false);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort('1.5')).toBeNull();
  });
});

describe('webSocketUrl', () => {
  it('follows the page scheme and host', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8025' })).toBe('ws://127.0.0.1:8025/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'heloterm.example' })).toBe('wss://heloterm.example/ws');
  });
});

describe('status wording', () => {
  it('describes TLS with the certificate verdict', () => {
    const base = { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' };
    expect(describeTls({ ...base, authorized: true, authorizationError: null })).toBe(
      'TLS active (TLSv1.3, TLS_AES_256_GCM_SHA384, certificate verified)',
    );
    expect(describeTls({ ...base, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toContain(
      'certificate not verified: DEPTH_ZERO_SELF_SIGNED_CERT',
    );
  });

  it('brackets IPv6 addresses', () => {
    expect(formatAddress('::1', 25)).toBe('[::1]:25');
    expect(formatAddress('192.0.2.1', 25)).toBe('192.0.2.1:25');
  });
});

describe('terminal rendering of server text', () => {
  /** Removes the SGR colour sequences render.ts adds itself. */

  it('never passes a server control character to the terminal', () => {
    const hostile = '250 ok \x1b]52;c;cHduZWQ=\x07 \x1b[2J\x9b31m\r';
    const out = formatServerLine(hostile, false);
    // The only escape sequences left are SGR colours (ESC [ digits m).
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(plain(out)).toContain('^[]52;c;cHduZWQ=^G');
    expect(plain(out)).toContain('^[[2J');
  });

  it('colours the code by class and keeps the text as received', () => {
    const out = formatServerLine('550 5.1.1 <nobody@practice.test>: no such mailbox', false);
    // The code and the enhanced code after it: one run in the class colour; the text after it plain.
    expect(out.startsWith('\x1b[31m550 5.1.1\x1b[0m <nobody')).toBe(true);
    expect(plain(out)).toBe('550 5.1.1 <nobody@practice.test>: no such mailbox\r\n');
    expect(formatServerLine('250 ok', false).startsWith('\x1b[32m250\x1b[0m ok')).toBe(true);
    expect(formatServerLine('451-4.7.1 later', false).startsWith('\x1b[33m451-4.7.1\x1b[0m later')).toBe(true);
    // A class mismatch is no enhanced code: only the reply code is coloured.
    expect(formatServerLine('250 5.1.1 odd', false).startsWith('\x1b[32m250\x1b[0m 5.1.1 odd')).toBe(true);
  });

  it('renders lines as they come and annotates each complete reply once', () => {
    const r = renderer();
    const first = r.rx('250-practice.test Hello\r\n250-PIPE');
    expect(plain(piecesText(first.pieces))).toBe('250-practice.test Hello\r\n');
    expect(first.replies).toEqual([]);
    const second = r.rx('LINING\r\n250 SIZE 1048576\r\n');
    expect(second.replies).toHaveLength(1);
    const reply = second.replies[0]!.reply;
    expect(reply.lines).toHaveLength(3);
    expect(plain(piecesText(second.pieces))).toContain(`↳ ${annotate(reply).summary}  [1]`);
    expect(plain(piecesText(second.pieces))).toContain(explainCode(250).title);
    expect(r.pending).toBe('');
  });

  it('keeps an incomplete last line for the close note, controls made visible', () => {
    const r = renderer();
    r.rx('220 hi\r\n421 going\x1b');
    expect(r.pending).toBe('421 going^[');
    r.reset();
    expect(r.pending).toBe('');
  });
});

describe('the renderer with the coach and vendor rules', () => {
  it('numbers replies, names the likely cause of a recognised failure, and adds the coach\'s hint', () => {
    const r = renderer();
    r.rx('220 mx ESMTP\r\n');
    const out = plain(piecesText(r.rx('450 4.2.0 <a@b>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html\r\n').pieces));
    expect(out).toMatch(/↳ 450 .*\[2\]/);
    expect(out).toMatch(/⚑ likely: .*greylist/i);
    expect(out).toMatch(/✎ 4xx is a temporary failure/);
  });
});

describe('local commands and Tab completion', () => {
  const greeted = (() => {
    const m = new SessionModel();
    m.connected();
    for (const e of new ReplyParser().push('220 x\r\n')) if (e.kind === 'reply') m.received(e.reply);
    return m.state;
  })();

  it('completes one fitting verb, and lists several with their common prefix', () => {
    expect(completeLine('eh', greeted)).toEqual({ text: 'EHLO ', cursor: 5, candidates: [] });
    const several = completeLine('', greeted);
    expect(several.candidates.length).toBeGreaterThan(2);
    expect(several.text).toBe('');
    expect(completeLine('MAIL', greeted)).toEqual({ text: 'MAIL', cursor: 4, candidates: [] });
  });

  it('offers a message\'s missing header fields on Tab, and leaves Tab a space where none fits', () => {
    const m = new SessionModel();
    m.connected();
    const p = new ReplyParser();
    const say = (line: string, reply: string): void => {
      m.sent(line);
      for (const e of p.push(reply)) if (e.kind === 'reply') m.received(e.reply);
    };
    for (const e of p.push('220 x\r\n')) if (e.kind === 'reply') m.received(e.reply);
    say('EHLO me.example', '250 x\r\n');
    say('MAIL FROM:<trainee@example.org>', '250 ok\r\n');
    say('RCPT TO:<alice@practice.test>', '250 ok\r\n');
    say('RCPT TO:<nobody@practice.test>', '550 5.1.1 no\r\n');
    say('DATA', '354 go\r\n');
    const now = new Date(Date.UTC(2026, 10, 30, 3, 35, 7));
    const zone = rfc5322Date(now, -now.getTimezoneOffset());
    // Only the recipient the server accepted goes in To:.
    expect(completeHeaderLine('t', m.state, new Set(), now)).toEqual({ text: 'To: alice@practice.test', cursor: 23, candidates: [] });
    expect(completeHeaderLine('d', m.state, new Set(), now)?.text).toBe(`Date: ${zone}`);
    const all = completeHeaderLine('', m.state, new Set(['subject']), now);
    expect(all?.text).toBe('');
    expect(all?.candidates.map((c) => c.split(':')[0])).toEqual(['From', 'To', 'Date', 'Message-ID']);
    expect(all?.candidates[3]).toMatch(/^Message-ID: <20261130T033507\.[a-z0-9]+@example\.org>$/);
    expect(completeHeaderLine('X-', m.state, new Set(), now)).toBeNull();
  });

  it('completes heloterm\'s own commands after "/", with a space when they take something', () => {
    expect(completeLine('/dk', greeted)).toEqual({ text: '/dkim ', cursor: 6, candidates: [] });
    expect(completeLine('/RD', greeted)).toEqual({ text: '/rdns ', cursor: 6, candidates: [] });
    expect(localCommand('/rdns ', new SessionModel().state)).toEqual({ kind: 'rdns' });
    expect(completeLine('/tl', greeted)).toEqual({ text: '/tls ', cursor: 5, candidates: [] });
    expect(localCommand('/tls ', new SessionModel().state)).toEqual({ kind: 'tls' });
    expect(completeLine('/', greeted).candidates).toEqual([
      '/help [COMMAND]', '/explain TEXT', '/lesson [N | stop]', '/quiz [stop]', '/tls [versions | injection [HOST] [PORT] | name NAME | mx DOMAIN]', '/mx DOMAIN', '/dkim SELECTOR DOMAIN', '/spf IP DOMAIN', '/dnsbl [IP|DOMAIN]', '/rdns [IP]', '/dane', '/ports [HOST] [PORT…]', '/smuggling [HOST] [PORT] TO [FROM]', '/name YOUR NAME', '/hand', '/save', '/replay', '/link', '/log', '/base64 [-d] TEXT', '/cram-md5 USER PASSWORD', '/scram [USER PASSWORD]',
    ]);
    // Every one offered is one localCommand knows.
    for (const c of completeLine('/', greeted).candidates) expect(JSON.stringify(localCommand(c.split(' ')[0] ?? '', greeted))).not.toContain('unknown heloterm command');
    expect(completeLine('/nothing', greeted)).toEqual({ text: '/nothing', cursor: 8, candidates: [] });
    expect(completeLine('/mx exa', greeted).candidates).toEqual([]); // the argument is the user's
  });

  it('answers /help and /help VERB itself, and leaves other lines to the server', () => {
    const text = (line: string): string => {
      const c = localCommand(line, greeted);
      if (c?.kind !== 'text') throw new Error(`${line}: not text but ${JSON.stringify(c)}`);
      return plain(c.text);
    };
    expect(text('/help')).toMatch(/fitting now: EHLO HELO/);
    expect(text('/help')).toContain("Tab also offers after MAIL FROM:<…> or RCPT TO:<…> the parameters the server lists, and in a message's header the fields it lacks");
    // The keys that differ from a telnet window's are named where a newcomer looks.
    expect(text('/help')).toContain('keys: Ctrl+V pastes, Ctrl+C copies a selection (or abandons the line typed)');
    expect(text('/help mail')).toContain('MAIL FROM:<sender@domain>');
    // heloterm's own commands too, with or without their "/", by an alias as well.
    expect(text('/help /ports')).toBe('-- /ports mx.example.org dials its mail ports (25, 465, 587…) at once and says which answer, as telnet to each would\r\n');
    expect(text('/help cert').split('\r\n').filter((l) => l !== '')).toEqual([
      "-- /tls shows the server's certificate again, after STARTTLS",
      '-- /tls versions mx.example.org 25 tries TLS 1.0 to 1.3 one by one (each on a connection of its own) and says which it accepts',
      '-- /tls injection mx.example.org 25 writes STARTTLS and NOOP at once, and says whether the server answers the NOOP inside TLS: open to STARTTLS command injection',
      '-- /tls name mx.example.org says whether the certificate of this connection is for that name: a server dialled by its address, checked for the MX host name senders dial',
      '-- /tls mx example.org tests STARTTLS and the certificate of each MX host of a domain at once (port 25), as sending MTAs meet them, with its MTA-STS policy: the backup MX nobody looked at',
    ]);
    expect(text('/help nothing')).toBe('-- no help for "nothing": the commands are ' + VERBS.map((v) => v.verb).join(', ') + "; heloterm's own are listed by /help\r\n");
    expect(text('/nope')).toBe('-- unknown heloterm command "/nope": /help lists them\r\n');
    // A slip: the command it was one letter from, by the name Tab offers (an alias's too: /rbl is /dnsbl).
    expect(text('/hlep')).toBe('-- unknown heloterm command "/hlep": did you mean /help? /help lists them\r\n');
    expect(text('/rbll 192.0.2.1')).toContain('did you mean /dnsbl?');
    expect(text('/help rctp').split('\r\n')[0]).toBe(`-- "rctp" is no command; did you mean RCPT? ${VERB_INFO.get('RCPT')?.syntax}  (${VERB_INFO.get('RCPT')?.source})`);
    expect(localCommand('HELP', greeted)).toBeNull();
    expect(localCommand('MAIL FROM:</x@y>', greeted)).toBeNull();
  });
});

describe('ServerTextRenderer timing', () => {
  it('tells each reply when its first line came, across chunks, and forgets it between replies and after a bad line', () => {
    const starts: [number, number][] = [];
    const r = new ServerTextRenderer((reply, firstLineAt) => {
      starts.push([reply.code, firstLineAt]);
      return null;
    });
    r.rx('220-mx.example.org ESMTP\r\n', 100);
    r.rx('220 mx.example.org ESMTP\r\n250 ok\r\n', 6100);
    r.rx('garbage\r\n', 6200);
    r.rx('250 ', 6300);
    r.rx('later\r\n', 6400);
    expect(starts).toEqual([
      [220, 100],
      [250, 6100],
      [250, 6400],
    ]);
  });
});

describe('chosenTheme (the light page)', () => {
  it.each([
    ['', null, 'dark'],
    ['', 'light', 'light'],
    ['', 'blue', 'dark'],
    ['?theme=light', null, 'light'],
    ['?theme=LIGHT&connect=1', 'dark', 'light'],
    ['?theme=dark', 'light', 'dark'],
    ['?theme=neon', 'light', 'light'],
  ] as const)('%s with %s kept: %s', (search, kept, want) => {
    expect(chosenTheme(search, kept)).toBe(want);
  });
});

describe('domains beyond ASCII (IDNA, RFC 5891)', () => {
  const state = new SessionModel().state;
  it('asks about a domain typed beyond ASCII by its A-labels, and says so', () => {
    expect(localCommand('/mx Bücher.de', state)).toEqual({ kind: 'mx', domain: 'xn--bcher-kva.de', note: 'Bücher.de is xn--bcher-kva.de in DNS and to mail servers (IDNA, RFC 5891)' });
    expect(localCommand('/spf 192.0.2.1 bob@日本.jp', state)).toMatchObject({ kind: 'spf', domain: 'xn--wgv71a.jp' });
    expect(localCommand('/dkim s1 bücher.de', state)).toMatchObject({ kind: 'dkim', selector: 's1', domain: 'xn--bcher-kva.de' });
    // ASCII names are left as they are, without a note.
    expect(localCommand('/mx Example.ORG', state)).toEqual({ kind: 'mx', domain: 'example.org' });
  });

  it('refuses what is not a name, beyond ASCII or not', () => {
    expect(asciiDomain('bücher.de/x')).toBeNull();
    expect(asciiDomain('ä b.de')).toBeNull();
    expect(asciiDomain('ex@mple.de')).toBe('ex@mple.de'); // ASCII: left for the caller's own check
    expect(asciiAddressDomain('bob@bücher.de')).toBe('bob@xn--bcher-kva.de');
    const c = localCommand('/mx bü\u0000cher.de', state);
    expect(c?.kind).toBe('text');
  });
});

describe('Tab after a heloterm command that takes one of a list', () => {
  const greeted = new SessionModel().state;
  it('lists the lessons after /lesson, and completes the one a number picks', () => {
    const all = completeLine('/lesson ', greeted);
    expect(all.candidates[0]).toMatch(/^1 · The eight steps/);
    expect(all.candidates.at(-1)).toBe('stop');
    expect(completeLine('/lesson 3', greeted)).toEqual({ text: '/lesson 3', cursor: 9, candidates: [] });
    expect(completeLine('/lesson s', greeted)).toEqual({ text: '/lesson stop', cursor: 12, candidates: [] });
  });

  it('completes the SMTP command after /help', () => {
    expect(completeLine('/help st', greeted)).toEqual({ text: '/help STARTTLS', cursor: 14, candidates: [] });
    expect(completeLine('/help ', greeted).candidates).toContain('RCPT TO:<recipient@domain> [parameters]');
    expect(completeLine('/help zz', greeted)).toEqual({ text: '/help zz', cursor: 8, candidates: [] });
  });

  it('completes /tls to /tls versions, /tls injection, /tls name or /tls mx, and nothing else after it', () => {
    expect(completeLine('/tls ', greeted)).toEqual({ text: '/tls ', cursor: 5, candidates: ['/tls versions [HOST] [PORT]', '/tls injection [HOST] [PORT]', '/tls name NAME', '/tls mx DOMAIN'] });
    expect(completeLine('/tls n', greeted)).toEqual({ text: '/tls name ', cursor: 10, candidates: [] });
    expect(completeLine('/tls in', greeted)).toEqual({ text: '/tls injection ', cursor: 15, candidates: [] });
    expect(completeLine('/TLS ver', greeted)).toEqual({ text: '/tls versions ', cursor: 14, candidates: [] });
    expect(completeLine('/tls x', greeted)).toEqual({ text: '/tls x', cursor: 6, candidates: [] });
  });
});

describe('shareLink (/link)', () => {
  const base = 'http://127.0.0.1:8025/';
  it('names the target, the lesson and the light page, and puts a token in the fragment', () => {
    expect(shareLink({ base, target: null, lesson: 'eight-steps', light: false, token: null })).toBe(`${base}?lesson=eight-steps&connect=1`);
    expect(shareLink({ base, target: { host: '2001:db8::25', port: 465, tls: true, family: null }, lesson: null, light: true, token: 'a.b~c' })).toBe(
      `${base}?host=2001%3Adb8%3A%3A25&port=465&tls=1&connect=1&theme=light#token=a.b~c`,
    );
    // What the page reads back is what was named.
    const read = parseUrlTarget(new URL(shareLink({ base, target: { host: 'mx.example.org', port: 25, tls: false, family: null }, lesson: null, light: false, token: null })).search);
    expect(read).toMatchObject({ host: 'mx.example.org', port: 25, connect: true, ignored: [] });
    expect(localCommand('/link', new SessionModel().state)).toEqual({ kind: 'link' });
    // A host typed beyond ASCII goes by its A-labels, which the page reads back.
    const idn = shareLink({ base, target: { host: 'mx.bücher.de', port: 25, tls: false, family: null }, lesson: null, light: false, token: null });
    expect(parseUrlTarget(new URL(idn).search)).toMatchObject({ host: 'mx.xn--bcher-kva.de', ignored: [] });
  });

  it('names the IP version chosen (?ip=6), which the page reads back; without one, none', () => {
    const v6 = shareLink({ base, target: { host: 'mx.example.org', port: 25, tls: false, family: 6 }, lesson: null, light: false, token: null });
    expect(v6).toBe(`${base}?host=mx.example.org&port=25&ip=6&connect=1`);
    expect(urlFamily(new URL(v6).search)).toEqual({ family: 6, ignored: null });
    expect(urlFamily('?ip=4')).toEqual({ family: 4, ignored: null });
    expect(urlFamily('?host=x&connect=1')).toEqual({ family: null, ignored: null });
    for (const bad of ['?ip=5', '?ip=', '?ip=ipv6', '?ip=66']) expect(urlFamily(bad), bad).toEqual({ family: null, ignored: 'ip: use 4 or 6' });
  });

  it('refuses an address of the other IP version than the one chosen, before anything is dialled', () => {
    expect(familyClash('192.0.2.1', 6)).toContain('192.0.2.1 is an IPv4 address');
    expect(familyClash('2001:db8::1', 4)).toContain('2001:db8::1 is an IPv6 address');
    for (const [host, family] of [['192.0.2.1', 4], ['2001:db8::1', 6], ['mx.example.org', 6], ['mx.example.org', 4], ['192.0.2.1', null]] as const) {
      expect(familyClash(host, family), `${host} ${family}`).toBe('');
    }
    expect([familyOf('4'), familyOf('6'), familyOf(''), familyOf('x')]).toEqual([4, 6, null, null]);
  });

  it('knows a page on this machine\'s own name (whose links open nowhere else) from one on its network address', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'app.localhost', '[::1]', 'LOCALHOST']) expect(onlyOnThisMachine(h), h).toBe(true);
    for (const h of ['192.0.2.2', '10.0.0.5', '[fd00::2]', 'heloterm.example.org', '127.0.0.1.example.org', 'localhost.example.org']) {
      expect(onlyOnThisMachine(h), h).toBe(false);
    }
  });
});

describe('dim text that still reads (theme.ts)', () => {
  const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  it('measures contrast as WCAG 2.1 does', () => {
    expect(contrast(hex('#000000'), hex('#ffffff'))).toBeCloseTo(21, 5);
    expect(contrast(hex('#777777'), hex('#ffffff'))).toBeCloseTo(4.48, 2);
    expect(contrast(hex('#12151b'), hex('#12151b'))).toBe(1);
  });

  it('dims a colour as far as 4.5:1 allows, never below half, and leaves one that cannot dim as it is', () => {
    for (const [fg, bg] of [['#7aa2f7', '#12151b'], ['#d6dbe4', '#12151b'], ['#1f5fd1', '#ffffff'], ['#1a7f37', '#ffffff']] as const) {
      const dim = dimColour(fg, bg) ?? '';
      expect(contrast(hex(dim), hex(bg)), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      // Dimmer than the colour itself (nearer the background) where there is room.
      expect(contrast(hex(dim), hex(bg)), `${fg} on ${bg}`).toBeLessThanOrEqual(contrast(hex(fg), hex(bg)));
    }
    // xterm's own dim of the dark page's foreground, half of it (#747880), falls short; one step stronger reads.
    expect(contrast(hex('#747880'), hex('#12151b'))).toBeLessThan(4.5);
    expect(dimColour('#d6dbe4', '#12151b')).toBe('#7e828a');
    expect(dimColour('#1b1f27', '#12151b')).toBe('#1b1f27');
    expect(dimColour('blue', '#12151b')).toBeNull();
  });

  it('writes one rule per colour, for its own page only', () => {
    const css = dimRules({ background: '#12151b', foreground: '#d6dbe4', blue: '#7aa2f7' }, 'dark');
    expect(css.split('\n')).toEqual([
      `:root:not([data-theme="light"]) .xterm .xterm-rows .xterm-dim { color: ${dimColour('#d6dbe4', '#12151b')}; }`,
      `:root:not([data-theme="light"]) .xterm .xterm-rows .xterm-fg-4.xterm-dim { color: ${dimColour('#7aa2f7', '#12151b')}; }`,
    ]);
    expect(dimRules({ background: '#ffffff', foreground: '#1d2430' }, 'light')).toMatch(/^:root\[data-theme="light"\] /);
  });
});

describe('the practice server as a connect target (practice-hint.ts)', () => {
  const practice = { host: '127.0.0.1', port: 2526, lmtpPort: 2424, tlsPort: 4650, domain: 'practice.test', mailboxes: [] };
  it('is its address or localhost, on its port, in plain text, in the IP version it listens on', () => {
    for (const t of [{ host: '127.0.0.1', port: 2526 }, { host: 'localhost', port: 2526 }, { host: 'LOCALHOST.', port: 2526, family: 4 as const }, { host: '127.0.0.1', port: 2526, tls: false, family: null }]) {
      expect(isPracticeTarget(t, practice), JSON.stringify(t)).toBe(true);
    }
    for (const t of [{ host: '127.0.0.1', port: 25 }, { host: '127.0.0.1', port: 2526, tls: true }, { host: 'localhost', port: 2526, family: 6 as const }, { host: 'practice.test', port: 2526 }, {}]) {
      expect(isPracticeTarget(t, practice), JSON.stringify(t)).toBe(false);
    }
    expect(isPracticeTarget({ host: '127.0.0.1', port: 2526 }, null)).toBe(false);
    expect(isPracticeTarget({ host: 'localhost', port: 2526, family: 6 }, { ...practice, host: '::1' })).toBe(true);
  });

  it('tells its sides apart: SMTP in plain text, LMTP, and its TLS port dialled with TLS from the first byte', () => {
    const cases: [Partial<ConnectTarget>, PracticeSide | null][] = [
      [{ host: '127.0.0.1', port: 2526 }, 'smtp'],
      [{ host: 'localhost', port: 2424, tls: false }, 'lmtp'],
      [{ host: '127.0.0.1', port: 4650, tls: true }, 'tls'],
      [{ host: 'localhost', port: 4650, tls: true, family: 4 }, 'tls'],
      // Its TLS port in plain text is not a side (it would wait for a handshake), nor its other ports over TLS.
      [{ host: '127.0.0.1', port: 4650, tls: false }, null],
      [{ host: '127.0.0.1', port: 2424, tls: true }, null],
      [{ host: '127.0.0.2', port: 4650, tls: true }, null],
      [{ host: '127.0.0.1', port: 4650, tls: true, family: 6 }, null],
    ];
    for (const [t, side] of cases) expect(practiceSideOf(t, practice), JSON.stringify(t)).toBe(side);
    expect(isPracticeTls({ host: '127.0.0.1', port: 4650, tls: true }, null)).toBe(false);
    // A bridge that dials its practice server alone allows its three ports and no other.
    expect(dialsOnlyPractice(practice, [2526, 2424, 4650])).toBe(true);
    expect(dialsOnlyPractice(practice, [2526, 2424, 4650, 25])).toBe(false);
  });
});
