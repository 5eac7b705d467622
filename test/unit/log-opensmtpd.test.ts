/**
 * OpenSMTPD's log lines read through the log reader (shared/smtp/log-opensmtpd.ts via log-read.ts). The lines are in
 * the forms OpenSMTPD 6.4 and later write them (smtpd's log formats), written here, not recorded from a server.
 */
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { reportReply } from '../../shared/smtp/report.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const at = (session: string, text: string): string => `Nov 30 00:12:34 mx smtpd[48048]: ${session} ${text}`;
const mta = (session: string, to: string, result: string, stat: string): string =>
  at(session, `mta delivery evpid=${session} from=<a@mx.example.org> to=<${to}> rcpt=<-> source="192.0.2.1" relay="203.0.113.5 (mx.example.net)" delay=2s result="${result}" stat="${stat}"`);

const REFUSED = at('2cd79d8bacbe2c12', 'smtp failed-command command="RCPT TO:<info@example.org> " result="550 Invalid recipient: <info@example.org>"');
const AT_CONNECT = at('88166f7f21c951f4', 'smtp failed-command command="" result="550 no rDNS please fix"');
const BAD_INPUT = 'c1a89cb8c5b84cbf smtp bad-input result="500 5.5.1 Invalid command: Pipelining not supported"';
const BOUNCED = mta('0123456789abcdef', 'bob@example.net', 'PermFail', '550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table');
const ACCEPTED = mta('0123456789abcdee', 'c@example.net', 'Ok', '250 2.0.0 Ok: queued as 4XYZ12AB');
const NETWORK = mta('0123456789abcded', 'd@example.com', 'TempFail', 'Network error on destination MXs');

const replies = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));
const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));

describe("OpenSMTPD's log", () => {
  it('is known as a mail log by its session ids and parts, as syslog has it or bare as smtpd -d prints it', () => {
    for (const l of [REFUSED, BAD_INPUT, BOUNCED, '0123456789abcdef smtp connected address=192.0.2.1 host=<unknown>']) expect(isMailLog(l), l).toBe(true);
    for (const l of ['a 0123456789abcde smtp failed-command x', '0123456789abcdef smtp connecting address=x']) expect(isMailLog(l), l).toBe(false);
  });

  it('reads a failed command as this server\'s answer to the command it quotes', () => {
    const steps = readMailLog(REFUSED);
    expect(notes(steps)).toEqual(["2cd79d8bacbe2c12: this server (OpenSMTPD) refused the client's RCPT TO:<info@example.org>:"]);
    const [ex] = replies(steps);
    expect(ex).toMatchObject({ kind: 'command', command: { verb: 'RCPT', path: 'info@example.org' }, reply: { code: 550 } });
    expect(reportReply(1, ex!).vendor[0]?.topic).toBe('unknown-user');
  });

  it('reads a refusal at connect (no command) and a line it could not take as answering no command', () => {
    const steps = readMailLog(`${AT_CONNECT}\n${BAD_INPUT}`);
    expect(notes(steps)).toEqual([
      "88166f7f21c951f4: this server (OpenSMTPD) refused the client's connection:",
      'c1a89cb8c5b84cbf: this server (OpenSMTPD) could not take a line the client sent:',
    ]);
    expect(replies(steps).map((e) => [e.kind, e.reply.code])).toEqual([['unsolicited', 550], ['unsolicited', 500]]);
  });

  it('reads a delivery\'s reply: a refusal (its command not logged) and an acceptance as the answer to the message', () => {
    const steps = readMailLog(`${BOUNCED}\n${ACCEPTED}`);
    expect(notes(steps)).toEqual([
      '0123456789abcdef to bob@example.net via 203.0.113.5 (mx.example.net): PermFail; the server said:',
      '0123456789abcdee to c@example.net via 203.0.113.5 (mx.example.net): Ok; the server said, to the end of the message:',
    ]);
    const [bounced, accepted] = replies(steps);
    expect(bounced).toMatchObject({ kind: 'unsolicited', reply: { code: 550, enhanced: { text: '5.1.1' } } });
    expect(reportReply(1, bounced!).vendor[0]?.topic).toBe('unknown-user');
    expect(accepted?.kind).toBe('end-of-data');
    expect(reportReply(2, accepted!).queued?.id).toBe('4XYZ12AB');
  });

  it('says why a delivery got no reply, what a failed attempt and a failed login mean, and a local delivery', () => {
    const said = notes(
      readMailLog(
        [
          NETWORK,
          at('0123456789abcdeb', 'mta error reason=TLS required but not supported by remote host'),
          at('88166f7f21c951f6', 'smtp authentication user=admin result=permfail'),
          at('88166f7f21c951f7', 'smtp authentication user=admin result=permfail'),
          at('88166f7f21c951f8', 'smtp authentication user=trainee result=ok'),
          at('0123456789abcdec', 'mda delivery evpid=0123456789abcdec from=<a@mx.example.org> to=<e@mx.example.org> rcpt=<e@mx.example.org> user=e delay=0s result=Ok stat=Delivered'),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(4);
    expect(said[0]).toMatch(/^0123456789abcded to d@example\.com via 203\.0\.113\.5 \(mx\.example\.net\): TempFail: Network error on destination MXs — no MX host of the domain could be reached/);
    expect(said[1]).toMatch(/^OpenSMTPD: an attempt to deliver failed: TLS required but not supported by remote host: this server requires TLS/);
    expect(said[2]).toMatch(/^OpenSMTPD: a failed login as admin: /);
    expect(said[3]).toBe("0123456789abcdec to e@mx.example.org (local user e): Ok: Delivered — delivered locally: the message is in the recipient's mailbox");
  });

  it('tells a message taken by its msgid, and clients without reverse DNS or QUIT once for all', () => {
    const said = notes(
      readMailLog(
        [
          at('f274cf34b7d0786b', 'smtp connected address=85.215.236.191 host=mail.example.com'),
          at('f274cf34b7d0786b', 'smtp tls ciphers=TLSv1.3:TLS_AES_256_GCM_SHA384:256'),
          at('f274cf34b7d0786b', 'smtp message msgid=78e5c402 size=1118 nrcpt=1 proto=ESMTP'),
          at('f274cf34b7d0786b', 'smtp envelope evpid=78e5c402920bcc4f from=<info@example.com> to=<c@example.org>'),
          at('f274cf34b7d0786b', 'smtp disconnected reason=quit'),
          at('c1a89cb774083905', 'smtp connected address=185.234.219.64 host=<unknown>'),
          at('c1a89cb774083905', 'smtp disconnected reason=disconnect'),
          at('c1a89cb8c5b84cbf', 'smtp connected address=193.32.160.143 host=<unknown>'),
          at('c1a89cb8c5b84cbf', 'smtp disconnected reason=disconnect'),
          at('c1a89cb8c5b84cc0', 'smtp disconnected reason="io-error: handshake failed: error:0A00006C:SSL routines::bad key share"'),
        ].join('\n'),
      ),
    );
    expect(said).toEqual([
      'f274cf34b7d0786b: took message 78e5c402, 1118 bytes, for 1 recipient: the evpid of each recipient\'s envelope begins with 78e5c402, and its delivery lines carry it: grep 78e5c402 for the message\'s way',
      expect.stringMatching(/^OpenSMTPD: clients whose address has no reverse DNS name that resolves back \(host=<unknown>\)/),
      expect.stringMatching(/^OpenSMTPD: clients that hung up without QUIT \(reason=disconnect\)/),
      expect.stringMatching(/^OpenSMTPD: connections that failed \(reason=io-error\): most often a TLS handshake broken off/),
    ]);
  });
});
