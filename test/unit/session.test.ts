import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../shared/smtp/command.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Reply } from '../../shared/smtp/types.js';
import { loadDialogs } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';

function reply(text: string): Reply {
  for (const e of new ReplyParser().push(text)) if (e.kind === 'reply') return e.reply;
  throw new Error(`no reply in ${JSON.stringify(text)}`);
}

describe('parseCommand', () => {
  it.each([
    ['MAIL FROM:<bob@example.org>', 'MAIL', 'bob@example.org', []],
    ['mail from: <bob@example.org> SIZE=1000 BODY=8BITMIME', 'MAIL', 'bob@example.org', [['SIZE', '1000'], ['BODY', '8BITMIME']]],
    ['MAIL FROM:<>', 'MAIL', '', []],
    ['RCPT TO:<alice@test.example> NOTIFY=NEVER', 'RCPT', 'alice@test.example', [['NOTIFY', 'NEVER']]],
    ['rcpt to:alice@test.example', 'RCPT', null, []],
    ['  ehlo client.example.org ', 'EHLO', null, []],
    ['', '', null, []],
  ])('%j', (line, verb, path, params) => {
    const c = parseCommand(line);
    expect(c.verb).toBe(verb);
    expect(c.path).toBe(path);
    expect(c.params).toEqual(params);
  });
});

describe('SessionModel over the recorded real MTA dialogs', () => {
  const dialogs = loadDialogs();
  it.each(dialogs.filter((d) => d.name.includes('basic')).map((d) => [d.name, d] as const))(
    '%s: one message accepted, the body lines are message text, and QUIT closes',
    (_n, d) => {
      const { model, exchanges, sent } = replay(d);
      expect(exchanges[0]?.kind).toBe('greeting');
      expect(model.state.messagesAccepted).toBe(1);
      expect(model.state.phase).toBe('closed');
      expect(sent.filter((s) => s.kind === 'message-text').map((s) => s.line)).toContain('..');
      expect(sent.filter((s) => s.kind === 'end-of-data')).toHaveLength(1);
      // Every reply is matched to what it answers: nothing unsolicited.
      expect(exchanges.filter((e) => e.kind === 'unsolicited')).toEqual([]);
      // The transaction had exactly one accepted recipient before DATA.
      const data = exchanges.find((e) => e.command?.verb === 'DATA');
      expect(data?.before.recipients).toEqual(['alice@test.example']);
      expect(data?.after.phase).toBe('data');
    },
  );

  it.each(dialogs.filter((d) => d.name.includes('starttls')).map((d) => [d.name, d] as const))(
    '%s: STARTTLS forgets the extensions until EHLO is sent again',
    (_n, d) => {
      const { exchanges } = replay(d);
      const starttls = exchanges.find((e) => e.command?.verb === 'STARTTLS');
      expect(starttls?.after.tlsPending).toBe(true);
      expect(starttls?.before.extensions.has('STARTTLS')).toBe(true);
      const ehlos = exchanges.filter((e) => e.command?.verb === 'EHLO');
      expect(ehlos).toHaveLength(2);
      expect(ehlos[1]?.before.tls).toBe(true);
      expect(ehlos[1]?.before.extensions.size).toBe(0);
      expect(ehlos[1]?.after.extensions.has('STARTTLS')).toBe(false);
      expect(ehlos[1]?.after.extensions.has('SIZE')).toBe(true);
    },
  );

  it('follows the out-of-order commands of the extra dialogs without losing track', () => {
    for (const d of dialogs.filter((x) => x.name.includes('extra'))) {
      const { exchanges, model } = replay(d);
      expect(exchanges.filter((e) => e.kind === 'unsolicited'), d.name).toEqual([]);
      const rcpt503 = exchanges.find((e) => e.command?.verb === 'RCPT' && e.reply.code === 503);
      expect(rcpt503?.before.phase, d.name).toBe('ready');
      expect(model.state.phase, d.name).toBe('closed');
    }
  });
});

describe('SessionModel details', () => {
  it('reads EHLO keywords with their parameters, and HELO gives none', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x ESMTP\r\n'));
    m.sent('EHLO me');
    m.received(reply('250-x\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n'));
    expect([...m.state.extensions]).toEqual([['SIZE', '10240000'], ['AUTH', 'PLAIN LOGIN'], ['8BITMIME', '']]);
    m.sent('HELO me');
    m.received(reply('250 x\r\n'));
    expect(m.state.hello).toBe('HELO');
    expect(m.state.extensions.size).toBe(0);
  });

  it('treats the lines after an AUTH challenge as responses, not commands', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x\r\n'));
    m.sent('EHLO me');
    m.received(reply('250 x\r\n'));
    m.sent('AUTH LOGIN');
    m.received(reply('334 VXNlcm5hbWU6\r\n'));
    expect(m.sent('dXNlcg==')).toBe('auth-response');
    m.received(reply('334 UGFzc3dvcmQ6\r\n'));
    expect(m.sent('cGFzcw==')).toBe('auth-response');
    const ex = m.received(reply('235 2.7.0 Authentication successful\r\n'));
    expect(ex.kind).toBe('auth-response');
    expect(m.state.authenticated).toBe(true);
  });

  it('matches pipelined replies in order', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x\r\n'));
    for (const l of ['EHLO me', 'MAIL FROM:<a@b>', 'RCPT TO:<c@d>', 'RCPT TO:<e@f>']) m.sent(l);
    const codes = ['250 x\r\n', '250 ok\r\n', '250 ok\r\n', '550 no\r\n'].map((t) => m.received(reply(t)));
    expect(codes.map((e) => e.command?.verb)).toEqual(['EHLO', 'MAIL', 'RCPT', 'RCPT']);
    expect(m.state.recipients).toEqual(['c@d']);
    expect(m.state.phase).toBe('mail');
  });

  it('closes on 421 at any time', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x\r\n'));
    m.sent('NOOP');
    m.received(reply('421 4.4.2 timeout\r\n'));
    expect(m.state.phase).toBe('closed');
  });
});
