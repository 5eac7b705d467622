/**
 * Bounce messages read for the replies they quote (shared/smtp/bounce-read.ts), as Postfix and Exim write them and
 * with the delivery status report every MTA attaches (RFC 3464): each reply explained once, for what it answered.
 */
import { describe, expect, it } from 'vitest';
import { formatReplay } from '../../client/terminal/render-transcript.js';
import { isBounce, readBounce } from '../../shared/smtp/bounce-read.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const replies = (steps: readonly ReplayStep[]) =>
  steps.flatMap((s) => (s.kind === 'reply' ? [{ kind: s.exchange.kind, verb: s.exchange.command?.verb ?? null, code: s.exchange.reply.code, text: s.exchange.reply.lines.map((l) => l.text).join(' ') }] : []));

const POSTFIX = `This is the mail system at host mail.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1
    <bob@example.org>: Recipient address rejected: User unknown in local
    recipient table (in reply to RCPT TO command)

<carol@example.org>: host mx.example.org[192.0.2.10] said: 552 5.3.4 Message
    size exceeds fixed limit (in reply to end of DATA command)

--4F2A1C0123.1732900000/mail.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net
X-Postfix-Queue-ID: 4F2A1C0123

Final-Recipient: rfc822; bob@example.org
Original-Recipient: rfc822;bob@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address
    rejected: User unknown in local recipient table
`;

const EXIM = `This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  bob@example.org
    host mx.example.org [192.0.2.10]
    SMTP error from remote mail server after end of data:
    550-5.7.1 Message rejected: the message looks like spam.
    550 5.7.1 Please see https://example.org/why
`;

const DSN_ONLY = `Reporting-MTA: dns; mx.google.com

Final-Recipient: rfc822; dana@example.com
Action: failed
Status: 5.7.26
Diagnostic-Code: smtp; 550-5.7.26 The MAIL FROM domain [example.net] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.99].
`;

describe('readBounce', () => {
  it('reads the replies Postfix quotes, each for what it answered, the report\'s copy once', () => {
    expect(isBounce(POSTFIX)).toBe(true);
    const steps = readBounce(POSTFIX);
    expect(replies(steps)).toEqual([
      { kind: 'command', verb: 'RCPT', code: 550, text: '<bob@example.org>: Recipient address rejected: User unknown in local recipient table' },
      { kind: 'end-of-data', verb: null, code: 552, text: 'Message size exceeds fixed limit' },
    ]);
    expect(steps[0]).toEqual({ kind: 'note', text: 'bob@example.org: host mx.example.org[192.0.2.10] said, in reply to RCPT TO:' });
  });

  it("reads Exim's report, its reply lines as one, after the command it names", () => {
    expect(isBounce(EXIM)).toBe(true);
    expect(replies(readBounce(EXIM))).toEqual([{ kind: 'end-of-data', verb: null, code: 550, text: 'Message rejected: the message looks like spam. Please see https://example.org/why' }]);
  });

  it('reads a delivery status report alone, naming its recipient', () => {
    const steps = readBounce(DSN_ONLY);
    expect(replies(steps)).toMatchObject([{ kind: 'unsolicited', code: 550 }]);
    expect(steps[0]).toEqual({ kind: 'note', text: 'the delivery report for dana@example.com quotes:' });
  });

  it('explains them as replies: context, likely cause, and the command that checks it', () => {
    const { text, reports } = formatReplay(readBounce(POSTFIX), 1, 'bounce');
    expect(reports.map((r) => [r.n, r.explained, r.context?.meaning.slice(0, 33)])).toEqual([
      [1, '/replay', 'This recipient was refused; the t'],
      [2, '/replay', 'The message was refused for good;'],
    ]);
    expect(reports[0]?.vendor.length).toBeGreaterThan(0);
    expect(plain(text).split('\r\n')[0]).toBe('-- explained bounce, not sent to any server nor received from one:');
    const spf = formatReplay(readBounce(DSN_ONLY), 1, 'bounce').reports[0];
    expect(spf?.vendor.map((v) => v.id)).toContain('gmail-spf-hard-fail');
  });

  it("reads Exchange's and Gmail's words for the reply", () => {
    const exchange = `Diagnostic information for administrators:

Generating server: EX01.example.net

bob@example.org
Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'
`;
    expect(isBounce(exchange)).toBe(true);
    expect(replies(readBounce(exchange))).toEqual([{ kind: 'unsolicited', verb: null, code: 550, text: 'RESOLVER.ADR.RecipNotFound; not found' }]);
    const gmail = `Address not found

Your message wasn't delivered to bob@example.org because the address couldn't be found.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist.
`;
    expect(isBounce(gmail)).toBe(true);
    expect(replies(readBounce(gmail))).toMatchObject([{ code: 550, text: 'The email account that you tried to reach does not exist.' }]);
  });

  it('is not taken for a bounce when it is a dialog', () => {
    expect(isBounce('220 mx ESMTP\nEHLO me\n250 mx')).toBe(false);
    expect(readBounce('220 mx ESMTP\nEHLO me\n250 mx')).toEqual([]);
  });
});
