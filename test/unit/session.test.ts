import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../shared/smtp/command.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { endsMessage } from '../../shared/smtp/session-state.js';
import { meaningInContext } from '../../shared/smtp/context.js';
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

  it('takes the lines written with an AUTH command, before its challenges, for its answers (a paste)', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x\r\n'));
    m.sent('EHLO me');
    m.received(reply('250 x\r\n'));
    // Judged before any is written (the lines of one paste), and as they are written.
    expect(m.kindOfNextLine('dXNlcg==', ['AUTH LOGIN'])).toBe('auth-response');
    expect(m.kindOfNextLine('cGFzcw==', ['AUTH LOGIN', 'dXNlcg=='])).toBe('auth-response');
    expect(m.kindOfNextLine('MAIL FROM:<a@b>', ['AUTH LOGIN', 'dXNlcg==', 'cGFzcw=='])).toBe('command');
    expect(m.kindOfNextLine('MAIL FROM:<a@b>', ['AUTH PLAIN AHUAcA=='])).toBe('command');
    expect(m.kindOfNextLine('AHUAcA==', ['AUTH PLAIN'])).toBe('auth-response');
    expect(m.kindOfNextLine('cGFzcw==', ['AUTH LOGIN dXNlcg=='])).toBe('auth-response');
    expect(['AUTH LOGIN', 'dXNlcg==', 'cGFzcw==', 'MAIL FROM:<a@b>'].map((l) => m.sent(l))).toEqual(['command', 'auth-response', 'auth-response', 'command']);
    // The replies come in order: the challenges were answered already.
    expect(m.received(reply('334 VXNlcm5hbWU6\r\n')).command?.verb).toBe('AUTH');
    expect(m.state.authChallenge).toBe(false);
    expect(m.received(reply('334 UGFzc3dvcmQ6\r\n')).kind).toBe('auth-response');
    expect(m.state.authChallenge).toBe(false);
    expect(m.received(reply('235 2.7.0 ok\r\n')).kind).toBe('auth-response');
    expect(m.state.authenticated).toBe(true);
    expect(m.received(reply('250 2.1.0 ok\r\n')).command?.verb).toBe('MAIL');
    // A refused AUTH ends the answers due: what follows is a command again.
    m.connected();
    m.received(reply('220 x\r\n'));
    m.sent('AUTH LOGIN');
    m.received(reply('538 5.7.11 Encryption required\r\n'));
    expect(m.sent('MAIL FROM:<a@b>')).toBe('command');
    m.received(reply('530 5.7.0 Authentication required\r\n'));
    // Typed one by one after each challenge, as before.
    m.sent('AUTH PLAIN');
    m.received(reply('334 \r\n'));
    expect(m.state.authChallenge).toBe(true);
    expect(m.sent('AHUAcA==')).toBe('auth-response');
    m.received(reply('535 5.7.8 no\r\n'));
    expect(m.kindOfNextLine('AHUAcA==')).toBe('command');
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

  // A 421 at any time; a 221 to any line, as Postfix says it to a header field sent as a command.
  it.each([
    ['NOOP', '421 4.4.2 timeout'],
    ['Subject: hello', '221 2.7.0 Error: I can break rules, too. Goodbye.'],
  ])('closes on the reply to %s: %s', (line, closing) => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 x\r\n'));
    m.sent(line);
    m.received(reply(`${closing}\r\n`));
    expect(m.state.phase).toBe('closed');
  });
});

/** The bridge's view: a model plus a real parser; `rx` feeds server text, `tx` records sent lines. */
function bridgeView() {
  const model = new SessionModel();
  const parser = new ReplyParser();
  model.connected();
  return {
    model,
    /** Returns whether this text completed the greeting and whether STARTTLS was accepted (stopping there). */
    rx(text: string) {
      const out = { greeted: false, startTls: false };
      for (const e of parser.push(text)) {
        if (e.kind !== 'reply') continue;
        const ex = model.received(e.reply);
        if (ex.kind === 'greeting') out.greeted = true;
        if (ex.after.tlsPending && !ex.before.tlsPending) {
          out.startTls = true;
          break;
        }
      }
      return out;
    },
    tx: (...lines: string[]) => lines.forEach((l) => model.sent(l)),
  };
}

describe('SessionModel as the bridge uses it', () => {
  it('holds lines until the first complete reply, even a multi-line one', () => {
    const d = bridgeView();
    expect(d.model.holdLines).toBe(true);
    expect(d.rx('220-mx.example ESMTP\r\n')).toEqual({ greeted: false, startTls: false });
    expect(d.model.greeted).toBe(false);
    expect(d.rx('220 welcome\r\n')).toEqual({ greeted: true, startTls: false });
    expect(d.model.holdLines).toBe(false);
  });

  it('treats a refusal greeting as the greeting too', () => {
    expect(bridgeView().rx('554 no service\r\n').greeted).toBe(true);
  });

  it('asks for TLS on a 220 answer to STARTTLS (any case), holding lines meanwhile; not on a refusal', () => {
    const d = bridgeView();
    d.rx('220 hi\r\n');
    d.tx('EHLO me');
    d.rx('250-mx\r\n250 STARTTLS\r\n');
    d.tx('starttls');
    expect(d.model.holdLines).toBe(true);
    expect(d.rx('220 2.0.0 Ready to start TLS\r\n')).toEqual({ greeted: false, startTls: true });
    expect(d.model.holdLines).toBe(true);
    d.model.tlsEstablished();
    expect(d.model.holdLines).toBe(false);

    const refused = bridgeView();
    refused.rx('220 hi\r\n');
    refused.tx('STARTTLS');
    expect(refused.rx('454 4.7.0 TLS not available\r\n').startTls).toBe(false);
    expect(refused.model.holdLines).toBe(false);
  });

  it('does not take STARTTLS inside message content for a command', () => {
    const d = bridgeView();
    d.rx('220 hi\r\n');
    d.tx('MAIL FROM:<a@b.example>', 'RCPT TO:<c@d.example>', 'DATA');
    d.rx('250 ok\r\n250 ok\r\n354 go ahead\r\n');
    expect(d.model.state.phase).toBe('data');
    d.tx('Subject: x', '', 'STARTTLS');
    expect(d.model.holdLines).toBe(false);
    d.tx('.');
    expect(d.model.state.phase).toBe('ready');
    expect(d.rx('220 not really\r\n').startTls).toBe(false);
    d.tx('STARTTLS');
    expect(d.rx('220 ready\r\n').startTls).toBe(true);
  });

  it('stays out of DATA when DATA is refused', () => {
    const d = bridgeView();
    d.rx('220 hi\r\n');
    d.tx('DATA');
    d.rx('503 5.5.1 need RCPT first\r\n');
    expect(d.model.state.phase).not.toBe('data');
    d.tx('STARTTLS');
    expect(d.model.holdLines).toBe(true);
  });

  it('re-reads lines sent after DATA but before its 354 as message content, up to the lone dot', () => {
    const d = bridgeView();
    d.rx('220 hi\r\n');
    d.tx('DATA', 'Subject: early', '', 'body', '.', 'STARTTLS');
    d.rx('354 go\r\n');
    expect(d.model.state.phase).toBe('ready');
    // The next reply answers the ".", the one after it the STARTTLS.
    expect(d.rx('250 queued\r\n').startTls).toBe(false);
    expect(d.model.state.messagesAccepted).toBe(1);
    expect(d.rx('220 ready\r\n').startTls).toBe(true);
  });

  it('in LMTP, awaits one answer to a "." sent before the 354 for each accepted recipient (RFC 2033 §4.2)', () => {
    const m = new SessionModel();
    m.received(reply('220 lmtp ready\r\n'));
    for (const [line, answer] of [['LHLO me', '250 lmtp\r\n'], ['MAIL FROM:<a@example.org>', '250 ok\r\n'], ['RCPT TO:<b@example.org>', '250 ok\r\n'], ['RCPT TO:<c@example.org>', '250 ok\r\n']] as const) {
      m.sent(line);
      m.received(reply(answer));
    }
    for (const line of ['DATA', 'Subject: x', '', '.', 'QUIT']) m.sent(line);
    m.received(reply('354 go\r\n'));
    expect(m.unanswered).toEqual(['.', '.', 'QUIT']);
    expect(m.received(reply('250 b saved\r\n')).lmtp).toEqual({ recipient: 'b@example.org', n: 1, of: 2 });
    expect(m.received(reply('250 c saved\r\n')).lmtp).toEqual({ recipient: 'c@example.org', n: 2, of: 2 });
    expect(m.received(reply('221 bye\r\n')).command?.verb).toBe('QUIT');
    expect(m.state.messagesAccepted).toBe(1);
  });

  it('ignores an unsolicited reply', () => {
    const d = bridgeView();
    d.rx('220 hi\r\n');
    expect(d.rx('250 nobody asked\r\n')).toEqual({ greeted: false, startTls: false });
  });
});

describe('SessionModel: how long each reply took', () => {
  it('times the greeting from the connection, and each reply from the line it answers', () => {
    const m = new SessionModel();
    m.connected(false, 1000);
    expect(m.received(reply('220 hi\r\n'), 7250).waitedMs).toBe(6250);
    m.sent('EHLO me', 8000);
    m.sent('NOOP', 8100); // pipelined: each reply is timed from its own line
    expect(m.received(reply('250 hi\r\n'), 8040).waitedMs).toBe(40);
    expect(m.received(reply('250 ok\r\n'), 9600).waitedMs).toBe(1500);
  });

  it('times the end of a message from the "." even when it was sent before the 354 (taken back as message text)', () => {
    const m = new SessionModel();
    m.connected(false, 0);
    m.received(reply('220 hi\r\n'), 10);
    m.sent('DATA', 100);
    m.sent('Subject: early', 101);
    m.sent('.', 102);
    expect(m.received(reply('354 go\r\n'), 150).waitedMs).toBe(50);
    const end = m.received(reply('250 queued\r\n'), 20_102);
    expect(end.kind).toBe('end-of-data');
    expect(end.waitedMs).toBe(20_000);
  });

  it('gives no time when one was not given (as the bridge uses the model), and never a negative one', () => {
    const m = new SessionModel();
    m.connected();
    expect(m.received(reply('220 hi\r\n'), 500).waitedMs).toBeNull();
    m.sent('NOOP');
    expect(m.received(reply('250 ok\r\n'), 600).waitedMs).toBeNull();
    m.sent('NOOP', 700);
    expect(m.received(reply('250 ok\r\n')).waitedMs).toBeNull();
    m.sent('NOOP', 900);
    expect(m.received(reply('250 ok\r\n'), 800).waitedMs).toBe(0);
  });

  it('counts the error replies of a connection, across STARTTLS, and starts again on a new connection', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 hi\r\n'));
    m.sent('RCPT TO:<a@b>');
    m.received(reply('503 5.5.1 need MAIL\r\n'));
    m.sent('MAIL FROM:<a@b>');
    m.received(reply('451 4.3.0 later\r\n'));
    m.sent('STARTTLS');
    m.received(reply('220 go\r\n'));
    m.tlsEstablished();
    m.sent('EHLO me');
    expect(m.received(reply('250 hi\r\n')).errorsBefore).toBe(2);
    m.connected();
    expect(m.received(reply('220 hi\r\n')).errorsBefore).toBe(0);
  });

  it('lists the lines awaiting a reply, oldest first', () => {
    const m = new SessionModel();
    m.connected();
    m.received(reply('220 hi\r\n'));
    m.sent('mail from:<a@b>');
    m.sent('DATA');
    expect(m.unanswered).toEqual(['MAIL', 'DATA']);
    m.received(reply('250 ok\r\n'));
    m.received(reply('354 go\r\n'));
    m.sent('text');
    m.sent('.');
    expect(m.unanswered).toEqual(['.']);
  });
});

describe('SessionModel: BDAT chunks (RFC 3030 §2)', () => {
  /** A session greeted, with EHLO answered by `ehlo` (its keyword lines), MAIL and one RCPT accepted. */
  function inTransaction(keywords: readonly string[], hello: 'EHLO' | 'LHLO' = 'EHLO', recipients = ['b@example.org']): SessionModel {
    const m = new SessionModel();
    m.received(reply('220 mx ready\r\n'));
    m.sent(`${hello} me.example.org`);
    m.received(reply(['250-mx', ...keywords].map((k, i, all) => `${i === all.length - 1 ? k.replace(/^250-/, '250 ') : k}\r\n`).join('')));
    m.sent('MAIL FROM:<a@example.org>');
    m.received(reply('250 ok\r\n'));
    for (const r of recipients) {
      m.sent(`RCPT TO:<${r}>`);
      m.received(reply('250 ok\r\n'));
    }
    return m;
  }
  const CHUNKING = ['250-PIPELINING', '250-CHUNKING', '250 8BITMIME'];

  it('knows the end of a message awaits its reply after BDAT LAST, as after ".", and which reply answers it', () => {
    const m = inTransaction(CHUNKING);
    m.sent('BDAT 4');
    m.sent('Hi');
    expect(m.awaitsMessageEnd).toBe(false); // a chunk, not the last
    const first = m.received(reply('250 2.0.0 Ok: 4 octets\r\n'));
    expect(endsMessage(first)).toBe(false);
    m.sent('BDAT 0 LAST');
    expect(m.awaitsMessageEnd).toBe(true);
    const last = m.received(reply('250 2.6.0 Ok: queued as 1A\r\n'));
    expect(endsMessage(last)).toBe(true);
    expect(m.awaitsMessageEnd).toBe(false);
    // And with DATA: the final "." awaits its reply, DATA itself does not end the message.
    const d = inTransaction(CHUNKING);
    d.sent('DATA');
    expect(endsMessage(d.received(reply('354 go\r\n')))).toBe(false);
    d.sent('Hi');
    d.sent('.');
    expect(d.awaitsMessageEnd).toBe(true);
    expect(endsMessage(d.received(reply('250 ok\r\n')))).toBe(true);
  });

  it('reads the lines after BDAT as the chunk, each with its CRLF, until its octets are made up; then commands again', () => {
    const m = inTransaction(CHUNKING);
    // "Subject: hi" (11) + CRLF, "" + CRLF, "bödy" (5 octets: ö is two) + CRLF = 13 + 2 + 7 = 22.
    expect(m.sent('BDAT 22 LAST')).toBe('command');
    expect(m.state.chunk).toEqual({ size: 22, left: 22, last: true });
    expect(m.inMessage).toBe(true);
    expect(m.kindOfNextLine('QUIT')).toBe('message-text');
    expect(m.sent('Subject: hi')).toBe('message-text');
    expect(m.state.chunk?.left).toBe(9);
    expect(m.sent('')).toBe('message-text');
    // A lone "." in a chunk is text: BDAT has no end marker and no dot-stuffing.
    expect(m.kindOfNextLine('.')).toBe('message-text');
    expect(m.sent('bödy')).toBe('message-text');
    expect(m.state.chunk).toBeNull();
    expect(m.inMessage).toBe(false);
    expect(m.unanswered).toEqual(['BDAT']);
    expect(m.kindOfNextLine('QUIT')).toBe('command');
    // The last chunk accepted is the message accepted; the transaction is over.
    const ex = m.received(reply('250 2.0.0 Ok: queued as 4XyZ1\r\n'));
    expect(ex.command?.verb).toBe('BDAT');
    expect(m.state.messagesAccepted).toBe(1);
    expect(m.state.phase).toBe('ready');
    expect(m.state.sender).toBeNull();
  });

  it('keeps the transaction open after a chunk that is not the last, and after a refused last chunk (RSET is due)', () => {
    const m = inTransaction(CHUNKING);
    m.sent('BDAT 7');
    m.sent('Hello');
    m.received(reply('250 2.0.0 Ok: 7 bytes\r\n'));
    expect(m.state.phase).toBe('mail');
    m.sent('BDAT 0 LAST'); // an empty last chunk: no lines follow
    expect(m.state.chunk).toBeNull();
    expect(m.kindOfNextLine('RSET')).toBe('command');
    m.received(reply('554 5.7.1 refused\r\n'));
    expect(m.state.messagesAccepted).toBe(0);
    expect(m.state.phase).toBe('mail');
  });

  it('times the reply to BDAT from the chunk\'s last line, where the server has it all, not from the command', () => {
    const m = inTransaction(CHUNKING);
    m.sent('BDAT 7 LAST', 1000);
    m.sent('Hello', 4000); // typed three seconds later: the server could not answer before
    expect(m.received(reply('250 2.0.0 Ok: queued\r\n'), 4050).waitedMs).toBe(50);
    // A line past the chunk: BDAT is answered from the chunk's end, the command after it from the same line.
    m.sent('MAIL FROM:<a@example.org>', 5000);
    m.received(reply('250 ok\r\n'), 5010);
    m.sent('RCPT TO:<b@example.org>', 5020);
    m.received(reply('250 ok\r\n'), 5030);
    m.sent('BDAT 5 LAST', 6000);
    m.sent('HelloNOOP', 9000);
    expect(m.received(reply('250 2.0.0 Ok: queued\r\n'), 9020).waitedMs).toBe(20);
    expect(m.received(reply('250 2.0.0 Ok\r\n'), 9030).waitedMs).toBe(30);
    // An empty last chunk is answered from its command.
    m.sent('BDAT 0 LAST', 10_000);
    expect(m.received(reply('503 5.5.1 need RCPT\r\n'), 10_010).waitedMs).toBe(10);
  });

  it('reads what a line has beyond the chunk as the next command, which the server answers too', () => {
    const m = inTransaction(CHUNKING);
    m.sent('BDAT 5 LAST');
    m.sent('HelloNOOP'); // "Hello" is the chunk; the server reads "NOOP" as a command
    expect(m.unanswered).toEqual(['BDAT', 'NOOP']);
    m.sent('BDAT 3 LAST');
    m.sent('Hi'); // with its CRLF: exactly 4 octets, one over: the LF alone is an empty line to the server
    expect(m.unanswered).toEqual(['BDAT', 'NOOP', 'BDAT', '']);
  });

  it('follows a chunk typed ahead in one paste (BDAT and its lines before any reply)', () => {
    const m = inTransaction(CHUNKING);
    expect(m.kindOfNextLine('x', ['BDAT 9 LAST'])).toBe('message-text');
    expect(m.kindOfNextLine('QUIT', ['BDAT 9 LAST', 'Subject'])).toBe('command'); // 7 + 2 = 9: done
    expect(m.kindOfNextLine('QUIT', ['BDAT 10 LAST', 'Subject'])).toBe('message-text');
  });

  it('takes BDAT as a plain command when the server did not advertise CHUNKING, or the size is not a number', () => {
    const without = inTransaction(['250-PIPELINING', '250 8BITMIME']);
    without.sent('BDAT 22 LAST');
    expect(without.state.chunk).toBeNull();
    expect(without.kindOfNextLine('RCPT TO:<x@example.org>')).toBe('command');
    const malformed = inTransaction(CHUNKING);
    malformed.sent('BDAT twelve LAST');
    expect(malformed.state.chunk).toBeNull();
  });

  it('in LMTP, awaits one answer to the last chunk for each accepted recipient, and counts the message once', () => {
    const m = inTransaction(['250-PIPELINING', '250 CHUNKING'], 'LHLO', ['b@example.org', 'c@example.org']);
    m.sent('BDAT 4 LAST');
    m.sent('hi');
    expect(m.unanswered).toEqual(['BDAT', 'BDAT']);
    expect(m.received(reply('250 2.0.0 <b@example.org> Saved\r\n')).lmtp).toEqual({ recipient: 'b@example.org', n: 1, of: 2 });
    expect(m.state.phase).toBe('mail');
    const second = m.received(reply('452 4.2.2 <c@example.org> Quota exceeded\r\n'));
    expect(second.lmtp).toEqual({ recipient: 'c@example.org', n: 2, of: 2 });
    expect(meaningInContext(second)?.meaning).toContain('LMTP\'s answer for c@example.org, 2 of 2: not delivered this time (retry later). An LMTP server answers the last chunk (BDAT … LAST) once per accepted recipient');
    expect(m.state.phase).toBe('ready');
    expect(m.state.messagesAccepted).toBe(1);
  });
});
