/**
 * The judged EHLO reply (shared/smtp/ehlo-review.ts): encryption offered or not, or hidden by a firewall, a password
 * mechanism before TLS, STARTTLS again inside TLS, the submission port without AUTH, and the size limit; over the
 * recorded Postfix, Exim and OpenSMTPD dialogs, and over replies written here for what they do not show.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { reviewEhlo, type EhloReviewContext } from '../../shared/smtp/ehlo-review.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { ehloExtensions } from '../../shared/smtp/session.js';
import { loadDialogs } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';

const MX: EhloReviewContext = { tls: false, port: 25, loopback: false };

/** The extensions of an EHLO reply given as its lines' texts (after "250-"). */
function offers(...texts: string[]): Map<string, string> {
  const bytes = texts.map((t, i) => `250${i === texts.length - 1 ? ' ' : '-'}${t}\r\n`).join('');
  const reply = new ReplyParser().push(bytes).find((e) => e.kind === 'reply');
  if (reply?.kind !== 'reply') throw new Error('no reply');
  return ehloExtensions(reply.reply);
}

const findings = (ext: Map<string, string>, c: EhloReviewContext = MX): string[] => reviewEhlo(ext, c).findings.map((f) => `${f.tone}: ${f.text}`);

describe('reviewEhlo over the recorded dialogs', () => {
  const reviews = (name: string) => {
    const d = loadDialogs().find((x) => x.name === name);
    if (d === undefined) throw new Error(`no dialog ${name}`);
    const out: ReturnType<typeof reviewEhlo>[] = [];
    replay(d, {
      exchange(ex) {
        if (ex.command?.verb === 'EHLO' && ex.reply.cls === 2) out.push(reviewEhlo(ex.after.extensions, { ...MX, tls: ex.after.tls }));
      },
    });
    return out;
  };

  it('Postfix: STARTTLS and its 10 MB before TLS; over TLS nothing to say but the size', () => {
    const [before, after] = reviews('postfix-3.7-starttls.txt');
    expect(before?.head).toBe('what the EHLO reply says about the server, before TLS:');
    expect(before?.findings.map((f) => f.tone)).toEqual(['ok', 'info']);
    expect(before?.findings[0]?.text).toMatch(/^STARTTLS: mail to this server can be encrypted.*; \/tls versions and \/tls injection try its TLS further$/);
    expect(before?.findings[1]?.text).toBe('messages up to 9.8 MiB (SIZE 10240000): larger ones are refused with 552 (RFC 1870)');
    expect(after?.head).toBe('what the EHLO reply says about the server, over TLS:');
    expect(after?.findings.map((f) => f.text)).toEqual(['messages up to 9.8 MiB (SIZE 10240000): larger ones are refused with 552 (RFC 1870)']);
    expect(after?.good).toBe(true);
  });

  it('Exim: STARTTLS offered, and no longer over TLS', () => {
    const [before, after] = reviews('exim-4.96-starttls.txt');
    expect(before?.findings[0]).toMatchObject({ tone: 'ok' });
    expect(after?.findings.some((f) => f.text.includes('STARTTLS'))).toBe(false);
  });

  it('a server without STARTTLS (the recorded OpenSMTPD without a certificate) is found out', () => {
    const all = loadDialogs().filter((d) => d.name.startsWith('opensmtpd'));
    const review = all.flatMap((d) => reviews(d.name))[0];
    expect(review?.good).toBe(false);
    expect(review?.findings[0]).toMatchObject({ tone: 'bad', text: expect.stringMatching(/^no STARTTLS: mail to this server travels unencrypted/) });
  });
});

describe('reviewEhlo', () => {
  it('warns of a password mechanism offered before TLS, not over TLS', () => {
    const ext = offers('mx.example.org', 'AUTH PLAIN LOGIN CRAM-MD5', 'STARTTLS');
    const before = findings(ext);
    expect(before[1]).toMatch(/^warn: AUTH PLAIN LOGIN CRAM-MD5 offered before TLS: a login now would send the password readable \(PLAIN and LOGIN: base64, no encryption\)/);
    expect(before[1]).toContain('smtpd_tls_auth_only');
    expect(findings(offers('mx.example.org', 'AUTH=LOGIN'))[1]).toMatch(/^warn: AUTH LOGIN offered before TLS.*\. Offer it only after STARTTLS/);
    expect(findings(ext, { ...MX, tls: true })).toEqual(['warn: STARTTLS offered again, inside TLS: a server must not (RFC 3207 §4.2); clients ignore it', 'info: AUTH PLAIN LOGIN CRAM-MD5: logins are taken, encrypted now']);
    expect(findings(offers('mx.example.org', 'AUTH CRAM-MD5 SCRAM-SHA-256', 'STARTTLS'))[1]).toBe('info: AUTH CRAM-MD5 SCRAM-SHA-256 offered before TLS; none of these mechanisms sends the password itself');
  });

  it('sees STARTTLS masked by a firewall', () => {
    const ext = offers('mx.example.org', 'PIPELINING', 'XXXXXXXA', 'SIZE 52428800');
    const r = reviewEhlo(ext, MX);
    expect(r.findings[0]).toMatchObject({ tone: 'bad', text: expect.stringMatching(/^no STARTTLS: XXXXXXXA is a keyword masked on the way, by a firewall that inspects SMTP/) });
    expect(r.findings[1]?.text).toBe('messages up to 50 MiB (SIZE 52428800): larger ones are refused with 552 (RFC 1870)');
    // Another keyword masked, STARTTLS let through: a warning, not the missing encryption.
    const other = findings(offers('mx.example.org', 'STARTTLS', 'XXXXA'));
    expect(other).toEqual([expect.stringMatching(/^ok: STARTTLS/), expect.stringMatching(/^warn: XXXXA: a keyword masked on the way/)]);
    // Keywords that merely start with X are not masks.
    expect(findings(offers('mx.example.org', 'XEXCH50', 'X-EXPS GSSAPI'))[0]).toMatch(/^bad: no STARTTLS: mail/);
  });

  it('judges a missing STARTTLS by where the server is and which port', () => {
    expect(findings(offers('localhost'), { ...MX, loopback: true })[0]).toMatch(/^warn: no STARTTLS/);
    expect(findings(offers('smtp.example.org', 'AUTH PLAIN'), { ...MX, port: 587 })[0]).toMatch(/^bad: no STARTTLS.*; mail clients would log in in the clear$/);
    expect(findings(offers('smtp.example.org', 'PIPELINING'), { ...MX, port: 587, tls: true })).toEqual([
      'warn: no AUTH on the submission port: mail clients log in here to send (RFC 6409 §4.3), and cannot',
    ]);
    expect(findings(offers('mx.example.org', 'PIPELINING'), { ...MX, tls: true })).toEqual([]);
  });

  it('reads SIZE 0 or a value that is not a number as no declared limit', () => {
    for (const size of ['SIZE', 'SIZE 0', 'SIZE lots']) {
      expect(findings(offers('mx.example.org', 'STARTTLS', size))[1]).toBe('info: SIZE without a limit: the server declares no largest message (RFC 1870)');
    }
  });

  it('shows the server\'s keywords with their control characters made visible', () => {
    const text = formatReport(reviewEhlo(offers('mx.example.org', 'AUTH PLAIN\x1b[2J'), MX));
    expect(text).not.toContain('\x1b[2J');
    expect(text).toContain('what the EHLO reply says about the server, before TLS:');
  });
});
