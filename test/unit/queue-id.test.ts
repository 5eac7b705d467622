/**
 * The queue id of an accepted message (shared/smtp/queue-id.ts): read from the recorded Postfix, Exim and OpenSMTPD
 * replies to the final ".", from the published forms of Sendmail, Exchange and Gmail, never from another reply, and
 * shown in the terminal after the annotation with how to follow the message on that server.
 */
import { describe, expect, it } from 'vitest';
import { ServerTextRenderer } from '../../client/terminal/server-text.js';
import { piecesText } from '../../client/terminal/jump-scroll.js';
import { readQueueId } from '../../shared/smtp/queue-id.js';
import { reportReply, type ReplyReport } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { loadDialogs } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';

describe('readQueueId over the recorded dialogs', () => {
  /** The reports of every reply of a dialog, as the page makes them. */
  const reports = (name: string): ReplyReport[] => {
    const d = loadDialogs().find((x) => x.name === name);
    if (d === undefined) throw new Error(`no dialog ${name}`);
    return replay(d).exchanges.map((ex, i) => reportReply(i + 1, ex));
  };

  it.each([
    ['postfix-3.7-basic.txt', 'C883C174005', 'Postfix', 'grep C883C174005 /var/log/mail.log'],
    ['exim-4.96-basic.txt', '1xXYmQ-0003hk-2H', 'Exim', 'exigrep 1xXYmQ-0003hk-2H /var/log/exim4/mainlog'],
    ['opensmtpd-6.8-basic.txt', '4713d3a7', 'OpenSMTPD', 'msgid=4713d3a7'],
  ])('%s: the message accepted is %s on %s, and only that reply has one', (name, id, server, follow) => {
    const queued = reports(name).filter((r) => r.queued !== null);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.answered).toBe('the end of the message (".")');
    expect(queued[0]?.queued).toMatchObject({ id, server, follow: expect.stringContaining(follow) });
  });
});

describe('readQueueId', () => {
  it('reads the published forms of Sendmail, Exchange / Microsoft 365, Gmail and Exim 4.97', () => {
    expect(readQueueId('r9K3xKq7012345 Message accepted for delivery')).toMatchObject({ id: 'r9K3xKq7012345', server: 'Sendmail' });
    expect(readQueueId('<a1b2c3@EX01.example.org> [InternalId=21474836481, Hostname=EX01.example.org] Queued mail for delivery')).toMatchObject({
      id: '<a1b2c3@EX01.example.org>',
      server: 'Exchange / Microsoft 365',
      follow: expect.stringContaining("Get-MessageTrackingLog -MessageId '<a1b2c3@EX01.example.org>'"),
    });
    expect(readQueueId('OK  1700000000 d2e1a72fcca58-6c3a1b2c3d4si123456pgb.123 - gsmtp')).toMatchObject({ id: 'd2e1a72fcca58-6c3a1b2c3d4si123456pgb.123', server: 'Gmail' });
    expect(readQueueId('OK id=1rNFX6-00000000Bbe-0K6S')).toMatchObject({ id: '1rNFX6-00000000Bbe-0K6S', server: 'Exim' });
  });

  it("reads Dovecot's LMTP answer for a recipient: the session that stored it", () => {
    expect(readQueueId('<bob@example.org> 8Iw+GvpN6V6qNQAAb9Y/Nw Saved')).toMatchObject({
      id: '8Iw+GvpN6V6qNQAAb9Y/Nw',
      server: 'Dovecot LMTP',
      follow: expect.stringContaining('stored in the mailbox'),
    });
    expect(readQueueId('<bob@example.org> short Saved')).toBeNull();
  });

  it("reads the practice server's answer as its own (Postfix's words), pointing at /log", () => {
    expect(readQueueId('Ok: queued as 3A0001 (practice message #1, delivered nowhere)')).toEqual({
      id: '3A0001',
      server: 'the practice server',
      follow: "/log shows it in the practice server's log, in Postfix's format, as grep on /var/log/mail.log would",
    });
    // Postfix's own answer is still Postfix's.
    expect(readQueueId('Ok: queued as 3A0001')?.server).toBe('Postfix');
  });

  it('finds none in replies without one', () => {
    for (const text of ['Ok', 'Message accepted for delivery', 'OK id=', 'queued as', 'Ok: queued as \x1b[2J']) {
      expect(readQueueId(text), text).toBeNull();
    }
  });

  it('is read only from a reply to the final "."', () => {
    const model = new SessionModel();
    model.connected();
    const parse = (bytes: string) => {
      const r = new ServerTextRenderer((reply) => ({ report: reportReply(1, model.received(reply)), slow: false, hints: [], more: '' }));
      return piecesText(r.rx(bytes).pieces);
    };
    parse('220 mx.example.org ESMTP Postfix\r\n');
    model.sent('MAIL FROM:<a@example.org>');
    expect(parse('250 2.0.0 Ok: queued as C883C174005\r\n')).not.toContain('queue id');
    for (const line of ['RCPT TO:<b@example.org>', 'DATA']) model.sent(line);
    parse('250 ok\r\n');
    parse('354 go\r\n');
    for (const line of ['Subject: x', '', 'hi', '.']) model.sent(line);
    const shown = parse('250 2.0.0 Ok: queued as C883C174005\r\n').replace(/\x1b\[[0-9;]*m/g, '');
    expect(shown).toContain('  # queue id C883C174005 (Postfix): grep C883C174005 /var/log/mail.log (or journalctl -u postfix) shows its delivery');
  });
});
