/**
 * How long a reply took, and what a slow one usually means (shared/smtp/timing.ts), over exchanges made by the real
 * session model with times given, as the page does.
 */
import { describe, expect, it } from 'vitest';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Exchange } from '../../shared/smtp/session-state.js';
import { IDLE_NOTE_MS, SLOW_REPLY_MS, formatWait, idleNote, slowReply, silentGreeting } from '../../shared/smtp/timing.js';
import type { Reply } from '../../shared/smtp/types.js';

function reply(text: string): Reply {
  for (const e of new ReplyParser().push(text)) if (e.kind === 'reply') return e.reply;
  throw new Error(`no reply in ${JSON.stringify(text)}`);
}

/**
 * Plays `C:`/`S:` lines through a session model on a clock: each line is given `+ms` after the one before it
 * (`S+6000: 220 hi`), 10 ms when not said. Returns every exchange.
 */
function play(script: string): Exchange[] {
  const m = new SessionModel();
  const parser = new ReplyParser();
  let now = 0;
  let firstLineAt: number | null = null;
  m.connected(false, now);
  const out: Exchange[] = [];
  for (const line of script.split('\n')) {
    const match = /^([CS])(?:\+(\d+))?: ?(.*)$/.exec(line);
    if (match === null) throw new Error(`bad script line ${line}`);
    now += Number(match[2] ?? 10);
    if (match[1] === 'C') m.sent(match[3] ?? '', now);
    else {
      for (const e of parser.push(`${match[3] ?? ''}\r\n`)) {
        if (e.kind === 'line') firstLineAt ??= now;
        if (e.kind !== 'reply') continue;
        out.push(m.received(e.reply, now, firstLineAt));
        firstLineAt = null;
      }
    }
  }
  return out;
}

const last = (script: string): Exchange => play(script).at(-1) as Exchange;

describe('slowReply', () => {
  it('leaves a quick reply alone, and a reply just at the limit is slow', () => {
    expect(slowReply(last(`S+${SLOW_REPLY_MS - 1}: 220 hi`))).toBeNull();
    expect(slowReply(last(`S+${SLOW_REPLY_MS}: 220 hi`))?.ms).toBe(SLOW_REPLY_MS);
  });

  it('says nothing when the reply was not timed', () => {
    const m = new SessionModel();
    m.connected();
    expect(slowReply(m.received(reply('220 hi\r\n'), 99_999))).toBeNull();
  });

  it('reads a greeting whose last line came long after its first as postscreen, a late one as a greeting delay or DNS', () => {
    const split = play('S+20: 220-mx.example.org ESMTP\nS+6000: 220 mx.example.org ESMTP');
    expect(split).toHaveLength(1);
    expect(split[0]?.spreadMs).toBe(6000);
    expect(slowReply(split[0] as Exchange)).toMatchObject({ id: 'greeting-postscreen', ms: 6020 });
    expect(slowReply(split[0] as Exchange)?.cause).toMatch(/postscreen_greet_wait/);
    // Two lines that came late but together are no postscreen.
    expect(slowReply(last('S+6000: 220-mx.example.org ESMTP\nS+0: 220 mx.example.org ESMTP'))?.id).toBe('greeting-delay');
    const plain = slowReply(last('S+12000: 220 mx.example.org ESMTP'));
    expect(plain).toMatchObject({ id: 'greeting-delay', ms: 12_000 });
    expect(plain?.cause).toMatch(/greet_pause/);
    expect(plain?.cause).toMatch(/reverse lookup/);
  });

  it('names the usual checks by what the reply answered', () => {
    const base = 'S: 220 hi\nC: EHLO me\nS: 250 hi\n';
    expect(slowReply(last(`${base}C: MAIL FROM:<a@example.org>\nS+3000: 250 ok`))?.id).toBe('sender-delay');
    expect(slowReply(last(`${base}C: MAIL FROM:<a@example.org>\nS: 250 ok\nC: RCPT TO:<b@example.net>\nS+5900: 250 ok`))?.id).toBe('recipient-delay');
    expect(slowReply(last(`S: 220 hi\nC: EHLO me\nS+2000: 250 hi`))?.id).toBe('hello-delay');
    expect(slowReply(last(`${base}C: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\nC: hi\nC: .\nS+25000: 250 queued`))).toMatchObject({
      id: 'content-delay',
      ms: 25_000,
    });
    expect(slowReply(last(`${base}C: NOOP\nS+1500: 250 ok`))?.id).toBe('slow-reply');
  });

  it('reads a late 535 as a failed login slowed on purpose, and a late 235 as a slow password check', () => {
    const base = 'S: 220 hi\nC: EHLO me\nS: 250 hi\n';
    const failed = slowReply(last(`${base}C: AUTH PLAIN AHUAcA==\nS+2000: 535 5.7.8 Error: authentication failed`));
    expect(failed?.id).toBe('auth-delay');
    expect(failed?.cause).toMatch(/Dovecot/);
    expect(slowReply(last(`${base}C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: dQ==\nS: 334 UGFzc3dvcmQ6\nC: cA==\nS+4000: 235 2.7.0 ok`))?.id).toBe(
      'auth-lookup-delay',
    );
  });

  it('suspects tarpitting once the session has had errors, and counts them', () => {
    const s = slowReply(last('S: 220 hi\nC: EHLO me\nS: 250 hi\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<x@d>\nS: 550 5.1.1 no\nC: RCPT TO:<y@d>\nS: 550 5.1.1 no\nC: RCPT TO:<z@d>\nS+1000: 550 5.1.1 no'));
    expect(s?.id).toBe('tarpit');
    expect(s?.title).toBe('tarpitting after 2 errors?');
    expect(s?.cause).toMatch(/smtpd_error_sleep_time/);
  });

  it('puts the wait and its reason into the reply\'s report', () => {
    const ex = last('S+7000: 220 hi');
    expect(reportReply(1, ex).slow).toMatchObject({ id: 'greeting-delay', ms: 7000 });
    expect(reportReply(2, last('S+5: 220 hi')).slow).toBeNull();
  });

  it('cites where each reason is documented', () => {
    const scripts = ['S+10: 220-a\nS+6000: 220 b', 'S+6000: 220 b', 'S: 220 a\nC: EHLO me\nS+2000: 250 b', 'S: 220 a\nC: NOOP\nS+2000: 250 b'];
    for (const s of scripts) expect(slowReply(last(s))?.source).toMatch(/RFC|postconf|postscreen|Exim|Sendmail/);
  });
});

describe('formatWait', () => {
  it.each([
    [1000, '1.0 s'],
    [1250, '1.3 s'],
    [9949, '9.9 s'],
    [12_400, '12 s'],
    [59_400, '59 s'],
    [125_000, '2 min 05 s'],
    [600_000, '10 min 00 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatWait(ms)).toBe(text);
  });
});

describe('idleNote', () => {
  it('says how long the client had been silent when the server hung up, past half a minute', () => {
    expect(idleNote(300_400)).toBe(' after 5 min 00 s without a line from you');
    expect(idleNote(IDLE_NOTE_MS)).toBe(' after 30 s without a line from you');
    expect(idleNote(IDLE_NOTE_MS - 1)).toBe('');
    expect(idleNote(20)).toBe('');
  });
});

describe('silentGreeting: a server that says nothing after the connection', () => {
  it('says port 465 wants TLS first, when it was dialled in plain text', () => {
    expect(silentGreeting(465, false)).toBe(
      'no greeting after 5.0 s: port 465 is implicit TLS (RFC 8314 §3.3), where the server waits for a TLS handshake and says nothing in plain text. Press Disconnect, tick implicit TLS and connect again.',
    );
  });
  it('says so of another port known to take TLS first (the practice server\'s), and nothing of it over TLS', () => {
    expect(silentGreeting(40127, false, true)).toMatch(/^no greeting after 5\.0 s: port 40127 is implicit TLS \(RFC 8314 §3\.3\)/);
    expect(silentGreeting(40127, true, true)).toMatch(/^no greeting yet after 5\.0 s: servers hold it back on purpose/);
  });
  it('says a mail server may hold its greeting back, and that lines are held meanwhile', () => {
    for (const [port, tls] of [[25, false], [587, false], [465, true], [2525, false]] as const) {
      const text = silentGreeting(port, tls);
      expect(text).toMatch(/^no greeting yet after 5\.0 s: servers hold it back on purpose/);
      expect(text).toContain('heloterm holds what you type until it comes.');
      expect(text).not.toContain('no mail server');
    }
  });
  it('adds, on another port, that it may be no mail server at all', () => {
    expect(silentGreeting(8080, false)).toMatch(/Or what listens on port 8080 is no mail server, and waits for its client to talk first\.$/);
  });
});
