/**
 * `/smuggling` on the page's side: the command as typed (client/terminal/lookup-commands.ts; what is asked of the
 * bridge is in host-probes.test.ts), the test message the bridge writes (server/smuggling-probe.ts testMessage), and
 * the report read from an answer (shared/smtp/smuggling.ts), for each outcome a sequence may have.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { testMessage } from '../../server/smuggling-probe.js';
import { SMUGGLING_SEQUENCES } from '../../shared/protocol/app-limits.js';
import { decodeAppMessage } from '../../shared/protocol/decode-app.js';
import type { SmugglingOutcome } from '../../shared/protocol/messages.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { readSmuggling, sequenceName } from '../../shared/smtp/smuggling.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const state = new SessionModel().state;
const at = (sequence: SmugglingOutcome['sequence'], outcome: SmugglingOutcome['outcome'], text: string, next = ''): SmugglingOutcome => ({ sequence, outcome, text, next, ms: 40 });

describe('/smuggling typed', () => {
  it('reads the host, a port, the recipient and a sender, in any order, brackets or not', () => {
    expect(localCommand('/smuggling mx.example.org postmaster@example.org', state)).toEqual({ kind: 'smuggling', host: 'mx.example.org', port: null, to: 'postmaster@example.org', from: '' });
    expect(localCommand('/smuggling <you@example.org> mx.example.org 2525 <me@example.net>', state)).toEqual({ kind: 'smuggling', host: 'mx.example.org', port: 2525, to: 'you@example.org', from: 'me@example.net' });
    expect(localCommand('/smuggle you@example.org', state)).toEqual({ kind: 'smuggling', host: null, port: null, to: 'you@example.org', from: '' });
  });

  it('says what is missing or wrong, and never takes an address that is not one', () => {
    const said = (line: string): string => {
      const c = localCommand(line, state);
      return c?.kind === 'text' ? plain(c.text) : JSON.stringify(c);
    };
    expect(said('/smuggling mx.example.org')).toMatch(/^-- \/smuggling needs the address of a mailbox the server takes mail for: /);
    expect(said('/smuggling a@b.test c@d.test e@f.test')).toMatch(/^-- a recipient and at most a sender: /);
    expect(said('/smuggling mx.example.org a..b@example.org')).toMatch(/^-- "a\.\.b@example\.org" is not a mail address/);
    expect(said('/smuggling mx.example.org jörg@example.org')).toMatch(/is not in ASCII/);
    expect(said('/smuggling mx.example.org 25 587 a@example.org')).toMatch(/^-- one port at a time/);
    expect(said('/smuggling one.test two.test a@example.org')).toMatch(/^-- one host at a time/);
  });
});

describe('the test message', () => {
  it('ends its last line with the sequence, then NOOP and the one true end; no other bare CR or LF, no line of a lone dot', () => {
    const bytes: Record<string, string> = { 'LF.LF': '\n.\n', 'LF.CRLF': '\n.\r\n', 'CRLF.LF': '\r\n.\n', 'CR.CRLF': '\r.\r\n' };
    for (const s of SMUGGLING_SEQUENCES) {
      const m = testMessage(s, 'to@example.org', '', new Date(Date.UTC(2026, 10, 30, 19, 0, 0)));
      const tail = `${bytes[s]}NOOP\r\n.\r\n`;
      expect(m.endsWith(tail), s).toBe(true);
      const head = m.slice(0, -tail.length);
      // Everything before the sequence: CRLF lines, none of them a lone dot, none over 998 octets (RFC 5322 §2.1.1).
      expect(head.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lines = head.split('\r\n');
      expect(lines.some((l) => l === '.' || l.startsWith('.'))).toBe(false);
      expect(lines.every((l) => l.length <= 998)).toBe(true);
      expect(lines.slice(0, 3)).toEqual(['From: <to@example.org>', 'To: <to@example.org>', `Subject: heloterm SMTP smuggling check: ${sequenceName(s)}`]);
      expect(lines[3]).toBe('Date: Mon, 30 Nov 2026 19:00:00 +0000');
      expect(lines[4]).toMatch(/^Message-ID: <[0-9a-f]{18}\.smuggling@heloterm\.invalid>$/);
      expect(lines[5]).toBe('');
    }
    expect(testMessage('LF.LF', 'to@example.org', 'me@example.net').startsWith('From: <me@example.net>\r\nTo: <to@example.org>\r\n')).toBe(true);
  });
});

describe('readSmuggling', () => {
  const report = (sequences: SmugglingOutcome[]) => readSmuggling('mx.example.org', 25, 'you@example.org', { kind: 'probed', address: '192.0.2.25', sequences });

  it('names the sequences as the reports of 2023 do', () => {
    expect(SMUGGLING_SEQUENCES.map(sequenceName)).toEqual(['<LF>.<LF>', '<LF>.<CR><LF>', '<CR><LF>.<LF>', '<CR>.<CR><LF>']);
  });

  it('calls a server that ended a message early and took it open, and says how to mend it', () => {
    const r = report([at('LF.LF', 'ended', '250 2.0.0 Ok: queued as 4Q1', '250 2.0.0 Ok'), at('LF.CRLF', 'text', '250 ok', '221 bye'), at('CRLF.LF', 'refused', '521 5.5.2 Error: bare <LF> received'), at('CR.CRLF', 'text', '250 ok', '221 bye')]);
    expect(r.head).toBe('SMTP smuggling check of mx.example.org port 25 (192.0.2.25): a test message to <you@example.org> for each sequence, its last line ended by it, then a line NOOP and <CR><LF>.<CR><LF>:');
    expect(r.good).toBe(false);
    expect(r.findings.map((f) => f.tone)).toEqual(['bad', 'ok', 'ok', 'ok', 'bad']);
    expect(r.findings[0]?.text).toBe('<LF>.<LF>: the server ended the message there ("250 2.0.0 Ok: queued as 4Q1") and read the next line, NOOP, as a command ("250 2.0.0 Ok"): open to SMTP smuggling');
    expect(r.findings[2]?.text).toBe('<CR><LF>.<LF>: refused ("521 5.5.2 Error: bare <LF> received"), the strictest answer to a bare line ending (RFC 5321 §2.3.8)');
    expect(r.findings[4]?.text).toMatch(/^open to SMTP smuggling \(CVE-2023-51764 and kin\): a sender whose server passes <LF>\.<LF> on .*RFC 5321 §4\.1\.1\.4\): Postfix: smtpd_forbid_bare_newline = normalize/);
  });

  it('tells a server that ends early but refuses a message followed by commands (a workaround) from one open', () => {
    const r = report(SMUGGLING_SEQUENCES.map((s) => at(s, s === 'CR.CRLF' ? 'text' : 'ended', s === 'CR.CRLF' ? '250 ok' : '554 5.5.0 Error: SMTP protocol synchronization', s === 'CR.CRLF' ? '221 bye' : '250 2.0.0 Ok')));
    expect(r.findings.map((f) => f.tone)).toEqual(['warn', 'warn', 'warn', 'ok', 'warn']);
    expect(r.findings[0]?.text).toMatch(/but refused it \("554 5\.5\.0 Error: SMTP protocol synchronization"\).*reject_unauth_pipelining.*not the cause$/);
    expect(r.findings[4]?.text).toMatch(/^the server still ends a message early at <LF>\.<LF> and <LF>\.<CR><LF> and <CR><LF>\.<LF>; the fix of the cause: Postfix/);
  });

  it('says once what stopped every sequence alike, with a hint for a recipient or a null sender refused', () => {
    const rcpt = report(SMUGGLING_SEQUENCES.map((s) => at(s, 'not-reached', 'RCPT TO:<you@example.org> answered 550 5.1.1 User unknown')));
    expect(rcpt.findings).toEqual([{ tone: 'warn', text: 'no message sent: RCPT TO:<you@example.org> answered 550 5.1.1 User unknown: the server must take mail for the address named (one of its own domains); name another with /smuggling HOST ADDRESS' }]);
    const mail = report(SMUGGLING_SEQUENCES.map((s) => at(s, 'not-reached', 'MAIL FROM:<> answered 550 5.7.1 null sender refused')));
    expect(mail.findings[0]?.text).toMatch(/: the null sender was refused; name a sender after the recipient, \/smuggling HOST TO FROM$/);
    const tls = report(SMUGGLING_SEQUENCES.map((s) => at(s, 'not-reached', 'MAIL FROM:<> answered 530 5.7.0 Must issue a STARTTLS command first')));
    expect(tls.findings[0]?.text).toMatch(/: the server wants TLS or a login first .*port 25$/);
    const dead = report(SMUGGLING_SEQUENCES.map((s) => at(s, 'error', 'connection refused: nothing listens on 192.0.2.25:25')));
    expect(dead.findings).toEqual([{ tone: 'bad', text: 'not checked: connection refused: nothing listens on 192.0.2.25:25' }]);
    expect(readSmuggling('nowhere.example', 25, 'a@b.test', { kind: 'none', reason: 'not-found', detail: 'no address' }).findings).toEqual([{ tone: 'bad', text: 'not checked: no address' }]);
  });

  it('says nothing sure of a server that gave no answer that tells', () => {
    const r = report([at('LF.LF', 'unclear', 'no reply to the message within 24 s'), ...SMUGGLING_SEQUENCES.slice(1).map((s) => at(s, 'text', '250 ok', '221 bye'))]);
    expect(r.good).toBe(false);
    expect(r.findings).toHaveLength(4);
    expect(r.findings[0]).toEqual({ tone: 'warn', text: '<LF>.<LF>: nothing tells: no reply to the message within 24 s' });
  });
});

describe("the probes' answers at the page's decoder", () => {
  const base = { v: 2, host: 'mx.example.org', port: 25 };
  const sequence = { sequence: 'LF.LF', outcome: 'ended', text: '250 Ok', next: '250 Ok', ms: 3 };
  const decoded = (m: unknown): boolean => decodeAppMessage(JSON.stringify(m)).ok;

  it('takes an answer within its limits, and refuses one that is not', () => {
    expect(decoded({ ...base, type: 'smuggling', answer: { kind: 'probed', address: '192.0.2.1', sequences: [sequence] } })).toBe(true);
    expect(decoded({ ...base, type: 'smuggling', answer: { kind: 'none', reason: 'refused', detail: 'not dialled' } })).toBe(true);
    expect(decoded({ ...base, type: 'tlsinjection', answer: { kind: 'probed', address: '192.0.2.1', outcome: 'safe', text: '221 Bye', next: '', ms: 3 } })).toBe(true);
    for (const bad of [
      { ...base, type: 'smuggling', answer: { kind: 'probed', address: '192.0.2.1', sequences: Array(5).fill(sequence) } },
      { ...base, type: 'smuggling', answer: { kind: 'probed', address: '192.0.2.1', sequences: [{ ...sequence, sequence: 'LF' }] } },
      { ...base, type: 'smuggling', answer: { kind: 'probed', address: '192.0.2.1', sequences: [{ ...sequence, next: 'x'.repeat(202) }] } },
      { ...base, type: 'smuggling', answer: { kind: 'probed', address: 'x'.repeat(46), sequences: [] } },
      { ...base, type: 'smuggling', port: 0, answer: { kind: 'none', reason: 'refused', detail: '' } },
      { ...base, type: 'smuggling', answer: { kind: 'none', reason: 'later', detail: '' } },
      { ...base, type: 'tlsinjection', answer: { kind: 'probed', address: '192.0.2.1', outcome: 'maybe', text: '', next: '', ms: 3 } },
      { ...base, type: 'tlsinjection', answer: { kind: 'probed', address: '192.0.2.1', outcome: 'safe', text: '', next: '', ms: -1 } },
      { ...base, type: 'tlsinjection', answer: { kind: 'probed', outcome: 'safe', text: '', next: '', ms: 3 } },
      { ...base, type: 'tlsversions', answer: { kind: 'probed', address: '192.0.2.1', versions: Array(5).fill({ version: 'TLSv1', outcome: 'refused', cipher: null, text: '', ms: 1 }) } },
    ]) {
      expect(decoded(bad), JSON.stringify(bad).slice(0, 160)).toBe(false);
    }
  });
});
