/**
 * Exim's main log read through the log reader (shared/smtp/log-exim.ts via log-read.ts): deliveries with the
 * receiver's answer, refusals this server gave, failed logins and what it says of clients. The lines are in the forms
 * Exim 4.9x writes them (its specification's "Log files" chapter), written here, not recorded from a server. (Its
 * `**` and `==` lines: log-read.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { reportReply } from '../../shared/smtp/report.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const at = (text: string): string => `2026-11-30 00:12:34 ${text}`;
const DELIVERED = at('1abcDE-000123-AB => bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 Ok: queued as 4XYZ12AB" QT=1s DT=0s');
const ALSO = at('1abcDE-000123-AB -> carol@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10] C="250 2.0.0 Ok: queued as 4XYZ12AB"');
const RELAY = at('H=(spammer) [192.0.2.9] F=<phish@bad.example> rejected RCPT <v@example.com>: relay not permitted');
const GREYLISTED = at('H=mail.example.net [198.51.100.3]:41234 F=<a@example.net> temporarily rejected RCPT <w@example.com>: greylisted');
const LOGIN = at('dovecot_login authenticator failed for H=(bot.example) [203.0.113.77]:54321: 535 Incorrect authentication data (set_id=admin)');

const replies = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));

describe("Exim's main log", () => {
  it('is known as a mail log by a date then a message id, a refusal or a line on a client, and nothing else', () => {
    for (const l of [DELIVERED, RELAY, LOGIN, at('no MAIL in SMTP connection from (x) [192.0.2.68] D=12s C=EHLO,QUIT')]) expect(isMailLog(l), l).toBe(true);
    for (const l of [at('the queue was rejected today'), 'H=(x) [192.0.2.9] rejected RCPT <v@example.com>: relay not permitted', at('Start queue run: pid=123')]) {
      expect(isMailLog(l), l).toBe(false);
    }
  });

  it("reads a delivery's C=\"…\" as the receiver's answer to the message, with its queue id, once for both addresses", () => {
    const steps = readMailLog(`${DELIVERED}\n${ALSO}`);
    expect(notes(steps)).toEqual([
      "1abcDE-000123-AB delivered to bob@example.org via mx.example.org [192.0.2.10]; the server's answer to the message:",
      '1 more line quoted a reply explained above',
    ]);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ kind: 'end-of-data', reply: { code: 250 } });
    expect(ex?.reply.lines[0]?.text).toBe('Ok: queued as 4XYZ12AB');
    expect(reportReply(1, ex!).queued?.id).toBe('4XYZ12AB');
  });

  it('says what a refusal logged without its code means: final or for now, and its likely cause', () => {
    const said = notes(readMailLog(`${RELAY}\n${GREYLISTED}`));
    expect(said[0]).toMatch(/^Exim refused \(spammer\) \[192\.0\.2\.9\] at RCPT <v@example\.com>: "relay not permitted" \(logged without its code: 5xx, final\) — likely: Relay not permitted/);
    expect(said[1]).toMatch(/^Exim deferred mail\.example\.net \[198\.51\.100\.3\]:41234 at RCPT <w@example\.com>: "greylisted" \(logged without its code: 4xx, try later\) — likely: Greylisted/);
  });

  it("reads a failed login's reply as the answer to AUTH, without the name it was tried for", () => {
    const steps = readMailLog(LOGIN);
    expect(notes(steps)).toEqual(['Exim refused a login as admin by H=(bot.example) [203.0.113.77]:54321 (its dovecot_login authenticator):']);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ kind: 'command', command: { verb: 'AUTH' }, reply: { code: 535 } });
    expect(ex?.reply.lines[0]?.text).toBe('Incorrect authentication data');
  });

  it('says what its lines on a client mean, each different line once', () => {
    const said = notes(
      readMailLog(
        [
          at('SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[192.0.2.66] input="EHLO x\\r\\n"'),
          at('SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected "RCPT TO:<b@example.org>" H=(x) [192.0.2.67] next input="DATA\\r\\n"'),
          at('SMTP call from (x) [192.0.2.67] dropped: too many syntax or protocol errors (last command was "FOO")'),
          at('no MAIL in SMTP connection from (x) [192.0.2.68] D=12s C=EHLO,QUIT'),
          at('no MAIL in SMTP connection from (x) [192.0.2.68] D=12s C=EHLO,QUIT'),
          at('unexpected disconnection while reading SMTP command from (x) [192.0.2.69] D=5s'),
          at('SMTP command timeout on connection from (x) [192.0.2.70]'),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(6);
    expect(said[0]).toMatch(/^Exim: \[192\.0\.2\.66\] talked before this server's greeting/);
    expect(said[1]).toMatch(/^Exim: \(x\) \[192\.0\.2\.67\] sent "RCPT TO:<b@example\.org>" before the reply to the command before/);
    expect(said[2]).toMatch(/^Exim: hung up on \(x\) \[192\.0\.2\.67\] after too many syntax or protocol errors/);
    expect(said[3]).toMatch(/^Exim: \(x\) \[192\.0\.2\.68\] left without sending a message \(its commands: EHLO,QUIT\)/);
    expect(said[4]).toMatch(/^Exim: \(x\) \[192\.0\.2\.69\] hung up in the middle of the dialog, without QUIT/);
    expect(said[5]).toMatch(/^Exim: \(x\) \[192\.0\.2\.70\] went silent for smtp_receive_timeout/);
  });
});
