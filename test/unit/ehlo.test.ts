import { bracketedAddress } from '../../shared/smtp/bracketed.js';
import { describe, expect, it } from 'vitest';
import {
  MAX_PARAMS_EXPLAINED,
  explainEhloLine,
  explainEhloReply,
  findKeywordToken,
  humanSize,
} from '../../shared/smtp/ehlo.js';
import { EHLO_KEYWORDS, SASL_MECHANISMS } from '../../shared/smtp/ehlo-keywords.js';
import { parseReplyLine } from '../../shared/smtp/parser.js';
import { loadDialogs } from '../helpers/fixtures.js';

// A source must name a document a reader can find: an RFC, a draft, or a named vendor's documentation.
const CITES_A_DOCUMENT = /\bRFC \d{3,4}\b|\bdraft-[a-z0-9-]+|\b(?:Microsoft|Postfix|Exim|Google)\b/;
const PLACEHOLDER = /\b(?:TODO|TBD|FIXME|lorem|placeholder)\b|\?\?|^\s*\.\.\.\s*$/i;
const EHLO_KEYWORD = /^[A-Z0-9][A-Z0-9-]*$/;

/** Titles are a few words; explanations and actions at least a sentence. None may be a placeholder. */
function expectRealText(title: string, sentences: Record<string, string>): void {
  expect(title.trim().length, 'title is empty').toBeGreaterThan(2);
  expect(title, 'title looks like a placeholder').not.toMatch(PLACEHOLDER);
  for (const [name, value] of Object.entries(sentences)) {
    expect(value.trim().length, `${name} is too short`).toBeGreaterThan(10);
    expect(value, `${name} looks like a placeholder`).not.toMatch(PLACEHOLDER);
  }
}

describe('EHLO keyword data', () => {
  it('has one entry per keyword', () => {
    const keys = EHLO_KEYWORDS.map((e) => e.keyword);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(EHLO_KEYWORDS.map((e) => [e.keyword, e] as const))('%s: real text, a cited source, and a lookup', (kw, e) => {
    expectRealText(e.title, { explanation: e.explanation, action: e.action, ...(e.params === undefined ? {} : { params: e.params }) });
    expect(e.source).toMatch(CITES_A_DOCUMENT);
    // Every keyword is spelt as RFC 5321 §4.1.1.1 allows, except the pre-standard "AUTH=" form.
    if (kw !== 'AUTH=') expect(kw).toMatch(EHLO_KEYWORD);
    const line = kw === 'AUTH=' ? 'AUTH=LOGIN PLAIN' : kw;
    const x = explainEhloLine(line);
    expect(x?.kind).toBe('keyword');
    expect(x?.keyword).toBe(kw);
    expect(x?.title).toBe(e.title);
    expect(x?.source).toBe(e.source);
    expect(x?.explanation).toContain(e.explanation);
    // Keywords are case-insensitive (RFC 5321 §2.4).
    expect(explainEhloLine(line.toLowerCase())?.keyword).toBe(kw);
  });

  it.each(SASL_MECHANISMS.map((m) => [m.name, m] as const))('mechanism %s: real text, a cited source, and a lookup', (name, m) => {
    expectRealText(m.title, { explanation: m.explanation, action: m.action });
    expect(m.source).toMatch(CITES_A_DOCUMENT);
    const x = explainEhloLine(`AUTH ${name}`);
    expect(x?.params).toHaveLength(1);
    expect(x?.params[0]?.text).toBe(name);
    expect(x?.params[0]?.meaning).toContain(m.explanation);
    expect(x?.explanation).toContain(`• ${name}: ${m.title}`);
  });

  it('covers the keywords the brief names', () => {
    const have = new Set(EHLO_KEYWORDS.map((e) => e.keyword));
    const wanted = ['PIPELINING', 'SIZE', '8BITMIME', 'STARTTLS', 'AUTH', 'AUTH=', 'DSN', 'ENHANCEDSTATUSCODES', 'SMTPUTF8',
      'CHUNKING', 'BINARYMIME', 'REQUIRETLS', 'DELIVERBY', 'ETRN', 'VRFY', 'EXPN', 'HELP', 'MT-PRIORITY', 'FUTURERELEASE',
      'BURL', 'NO-SOLICITING', 'ATRN', 'LIMITS', 'PIPECONNECT', 'X-EXPS', 'X-LINK2STATE', 'XEXCH50', 'XCLIENT', 'XFORWARD',
      'X-ANONYMOUSTLS'];
    expect(wanted.filter((k) => !have.has(k))).toEqual([]);
    const mechs = new Set(SASL_MECHANISMS.map((m) => m.name));
    const wantedMechs = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'DIGEST-MD5', 'XOAUTH2', 'OAUTHBEARER', 'SCRAM-SHA-1', 'SCRAM-SHA-256',
      'GSSAPI', 'NTLM', 'ANONYMOUS', 'EXTERNAL'];
    expect(wantedMechs.filter((k) => !mechs.has(k))).toEqual([]);
  });
});

/** The text of each line of every 250 reply to EHLO in the real-MTA dialogs. */
function realEhloReplies(): { name: string; raw: string[] }[] {
  const out: { name: string; raw: string[] }[] = [];
  for (const d of loadDialogs()) {
    d.steps.forEach((step, i) => {
      if (step.dir !== 'C' || !/^EHLO\b/i.test(step.text)) return;
      const raw: string[] = [];
      for (const s of d.steps.slice(i + 1)) {
        if (s.dir !== 'S') break;
        raw.push(s.text);
        if (parseReplyLine(s.text).last) break;
      }
      out.push({ name: `${d.name} EHLO #${out.filter((o) => o.name.startsWith(d.name)).length + 1}`, raw });
    });
  }
  return out;
}

describe('real EHLO replies (Postfix 3.7, Exim 4.96, OpenSMTPD 6.8)', () => {
  const replies = realEhloReplies();

  it('finds the EHLO replies of every dialog, and the keywords they are known to carry', () => {
    expect(replies.length).toBeGreaterThanOrEqual(loadDialogs().length);
    const seen = new Set(replies.flatMap((r) => r.raw.slice(1).map((l) => parseReplyLine(l).text.split(' ')[0])));
    for (const k of ['PIPELINING', 'SIZE', 'VRFY', 'ETRN', 'STARTTLS', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN', 'SMTPUTF8',
      'CHUNKING', 'PIPECONNECT', 'HELP']) expect(seen, k).toContain(k);
  });

  it.each(replies.map((r) => [r.name, r.raw] as const))('%s: every line explained', (_name, raw) => {
    const lines = raw.map((l) => parseReplyLine(l));
    expect(lines.every((l) => l.code === 250)).toBe(true);
    const xs = explainEhloReply(lines.map((l) => l.text));
    expect(xs).toHaveLength(raw.length);
    expect(xs[0]?.kind).toBe('greeting');
    expect(xs[0]?.explanation).toContain(lines[0]!.text.split(' ')[0]!);
    xs.slice(1).forEach((x, i) => {
      const rawLine = raw[i + 1]!;
      // A specific entry, not the generic fallback.
      expect(x.kind, rawLine).toBe('keyword');
      expect(rawLine.slice(4).toUpperCase().startsWith(x.keyword)).toBe(true);
      // The displayed line offers the same keyword for hovering, at its place.
      const tok = findKeywordToken(rawLine);
      expect(tok?.key).toBe(x.keyword);
      expect(rawLine.slice(tok!.start, tok!.end)).toBe(x.keyword);
    });
    // The greeting line is not taken for a keyword.
    expect(explainEhloLine(lines[0]!.text)).toBeNull();
    expect(findKeywordToken(raw[0]!)).toBeNull();
  });
});

describe('SIZE in human units', () => {
  it.each([
    [0, '0 octets'],
    [1, '1 octet'],
    [1023, '1,023 octets'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1048575, '1 MiB'],
    [10240000, '9.8 MiB'],
    [36700160, '35 MiB'],
    [52428800, '50 MiB'],
    [37748736, '36 MiB'],
    [5 * 1024 ** 3, '5 GiB'],
  ])('humanSize(%d) = %s', (n, shown) => {
    expect(humanSize(n)).toBe(shown);
  });

  it.each([
    ['SIZE 10240000', 'maximum message size 10,240,000 octets (9.8 MiB)'],
    ['SIZE 52428800', '50 MiB'],
    ['SIZE 36700160', '36,700,160 octets (35 MiB)'],
    ['SIZE 0', 'no fixed limit'],
    ['SIZE 000', 'no fixed limit'],
    ['SIZE', 'no fixed limit'],
    ['SIZE 512', 'maximum message size 512 octets'],
    ['size 1048576', '1,048,576 octets (1 MiB)'],
  ])('%j explains %j', (line, phrase) => {
    const x = explainEhloLine(line);
    expect(x?.keyword).toBe('SIZE');
    expect(x?.explanation.toLowerCase()).toContain(phrase.toLowerCase());
  });

  it('says so when the number is not a number, and survives absurd sizes', () => {
    expect(explainEhloLine('SIZE ten')?.params[0]?.meaning).toContain('not a number');
    const huge = explainEhloLine('SIZE 99999999999999999999999999');
    expect(huge?.params[0]?.meaning).toContain('99,999,999,999,999,999,999,999,999 octets');
    expect(explainEhloLine('SIZE 10 20')?.params[1]?.meaning).toContain('unexpected');
  });
});

describe('AUTH mechanisms', () => {
  it('lists each mechanism on its own line', () => {
    const x = explainEhloLine('AUTH PLAIN LOGIN CRAM-MD5');
    expect(x?.params.map((p) => p.text)).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5']);
    const bullets = x!.explanation.split('\n').filter((l) => l.startsWith('• '));
    expect(bullets.map((l) => l.slice(2, l.indexOf(':')))).toEqual(['PLAIN', 'LOGIN', 'CRAM-MD5']);
    expect(x?.params[0]?.meaning).toContain('RFC 4616');
    expect(x?.params[1]?.meaning).toContain('VXNlcm5hbWU6');
    expect(x?.params[1]?.meaning).toContain('"Username:"');
    expect(x?.params[1]?.meaning).toContain('"Password:"');
    expect(x?.params[2]?.meaning).toMatch(/obsolete/i);
  });

  it('reads the old AUTH= form and Exchange X-EXPS', () => {
    const old = explainEhloLine('AUTH=LOGIN PLAIN');
    expect(old?.keyword).toBe('AUTH=');
    expect(old?.params.map((p) => p.text)).toEqual(['LOGIN', 'PLAIN']);
    expect(old?.explanation).toContain('Outlook Express');
    const exps = explainEhloLine('X-EXPS GSSAPI NTLM');
    expect(exps?.kind).toBe('keyword');
    expect(exps?.params.map((p) => p.meaning.split('.')[0])).toEqual(['Kerberos', 'Windows NTLM']);
  });

  it('explains -PLUS variants, unknown mechanisms, and an empty list', () => {
    const x = explainEhloLine('auth scram-sha-256-plus X-UNHEARD-OF');
    expect(x?.params[0]?.meaning).toContain('channel binding');
    expect(x?.params[1]?.meaning).toContain('IANA');
    expect(explainEhloLine('AUTH')?.explanation).toContain('No mechanisms');
  });

  it('caps the number of mechanisms explained', () => {
    const many = Array.from({ length: MAX_PARAMS_EXPLAINED + 5 }, (_, i) => `M${i}`).join(' ');
    const x = explainEhloLine(`AUTH ${many}`);
    expect(x?.params).toHaveLength(MAX_PARAMS_EXPLAINED + 1);
    expect(x?.params.at(-1)?.meaning).toContain('5 more');
  });
});

describe('other parameters', () => {
  it('spells out LIMITS', () => {
    const x = explainEhloLine('LIMITS RCPTMAX=100 MAILMAX=1000 RCPTDOMAINMAX=10 FUTURELIMIT=3');
    expect(x?.params.map((p) => p.meaning)).toEqual([
      'RCPTMAX: at most 100 recipients (RCPT TO) per message',
      'MAILMAX: at most 1,000 messages (MAIL FROM) per connection',
      'RCPTDOMAINMAX: recipients in at most 10 different domains per message',
      expect.stringContaining('no entry'),
    ]);
  });

  it('flags parameters on a keyword that takes none, and describes those that take some', () => {
    expect(explainEhloLine('PIPELINING now')?.params[0]?.meaning).toContain('takes no parameters');
    expect(explainEhloLine('DELIVERBY 240')?.params[0]?.meaning).toContain('240 seconds');
    expect(explainEhloLine('XCLIENT NAME ADDR')?.params[1]?.meaning).toContain('XCLIENT');
  });
});

describe('unknown keywords and garbage', () => {
  it('explains an unknown X- keyword generically', () => {
    const x = explainEhloLine('X-FROBNICATE fast');
    expect(x?.kind).toBe('generic');
    expect(x?.keyword).toBe('X-FROBNICATE');
    expect(x?.source).toContain('RFC 5321');
    expect(x?.explanation).toMatch(/private|vendor/i);
    expect(x?.params).toEqual([{ text: 'fast', meaning: 'a parameter of X-FROBNICATE' }]);
  });

  it('explains an unknown plain keyword as unregistered', () => {
    const x = explainEhloLine('FROBNICATE');
    expect(x?.kind).toBe('generic');
    expect(x?.explanation).toContain('IANA');
  });

  it.each([
    [''],
    ['   '],
    ['mx.example.org Hello client [192.0.2.1]'],
    ['-PIPELINING'],
    ['=AUTH'],
    ['日本語'],
    ['\u001b]52;c;ZXZpbA==\u0007'],
    ['[192.0.2.1]'],
  ])('%j is not a keyword line', (text) => {
    expect(explainEhloLine(text)).toBeNull();
  });

  it('makes control characters in parameters visible and cuts long ones', () => {
    const x = explainEhloLine('X-EVIL \u001b[31mred ' + 'A'.repeat(5000));
    expect(x?.params[0]?.text).toBe('^[[31mred');
    expect(x?.params[1]?.text.length).toBeLessThan(100);
    expect(JSON.stringify(x)).not.toContain('\u001b');
  });

  it('explains a whole reply, with malformed lines marked', () => {
    const xs = explainEhloReply(['mx.example.org Hello client.example [192.0.2.7]', 'PIPELINING', '', '!!!', 'X-NEW']);
    expect(xs.map((x) => x.kind)).toEqual(['greeting', 'keyword', 'malformed', 'malformed', 'generic']);
    expect(xs[0]?.explanation).toContain('mx.example.org');
    expect(xs[0]?.explanation).toContain('192.0.2.7');
    expect(xs[2]?.source).toContain('RFC 5321');
    expect(explainEhloReply([])).toEqual([]);
    expect(explainEhloReply([''])[0]?.kind).toBe('greeting');
  });
});

describe('findKeywordToken', () => {
  const shown = (line: string) => {
    const t = findKeywordToken(line);
    return t === null ? null : [t.key, line.slice(t.start, t.end)];
  };
  it.each([
    ['250-PIPELINING', ['PIPELINING', 'PIPELINING']],
    ['250-SIZE 10240000', ['SIZE', 'SIZE']],
    ['250 HELP', ['HELP', 'HELP']],
    ['250-8BITMIME', ['8BITMIME', '8BITMIME']],
    ['250-8bitmime', ['8BITMIME', '8bitmime']],
    ['250-AUTH PLAIN LOGIN', ['AUTH', 'AUTH']],
    ['250-AUTH=LOGIN PLAIN', ['AUTH=', 'AUTH=']],
    ['250-X-EXPS GSSAPI NTLM', ['X-EXPS', 'X-EXPS']],
    ['250-X-SOMETHING-NEW', ['X-SOMETHING-NEW', 'X-SOMETHING-NEW']],
    ['250 CHUNKING', ['CHUNKING', 'CHUNKING']],
    ['250-mx.test.example', null],
    ['250-exim.test.example Hello client.example.org [127.0.0.1]', null],
    ['250-localhost', null],
    ['250-', null],
    ['250 ', null],
    ['220 mx.test.example ESMTP Postfix', null],
    ['550 5.7.1 Relay access denied', null],
    ['250 2.1.0 Ok', null],
    ['PIPELINING', null],
    ['2500-SIZE 1', null],
    ['  ↳ 250 Requested action completed', null],
  ])('%j', (line, expected) => {
    expect(shown(line)).toEqual(expected);
  });

  it('gives positions in UTF-16 code units from the start of the line', () => {
    expect(findKeywordToken('250-STARTTLS')).toEqual({ start: 4, end: 12, key: 'STARTTLS' });
  });
});

describe('the address a greeting line of an EHLO reply says it sees (hover)', () => {
  it('names an IP address in brackets, IPv6 without its tag, and nothing else in brackets', () => {
    const seen = (line: string) => explainEhloReply([line, 'SIZE 1000'])[0]?.explanation ?? '';
    expect(seen('mx.example.org Hello client.example.org [203.0.113.5]')).toContain('It sees your connection coming from 203.0.113.5.');
    expect(seen('mx.example.org Hello [IPv6:2001:DB8::5]')).toContain('It sees your connection coming from 2001:db8::5.');
    expect(seen('mx.example.org Hello client [unknown]')).not.toContain('coming from');
  });

  it('is read by one function, which the blocklist command and the EHLO review read too', () => {
    expect(bracketedAddress('Client host [198.51.100.7] blocked; see [ref]')).toBe('198.51.100.7');
    expect(bracketedAddress('[999.1.1.1] then [192.0.2.1]')).toBe('192.0.2.1');
    expect(bracketedAddress('no address here')).toBeNull();
  });
});
