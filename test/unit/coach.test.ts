import { describe, expect, it } from 'vitest';
import { Coach, type Hint } from '../../shared/smtp/coach.js';
import { commonPrefix, complete, completeHeader, headerOffers, verbsFor, xtext, type HeaderContext } from '../../shared/smtp/complete.js';
import { rfc5322Date } from '../../shared/smtp/date.js';
import { CONTEXT_MEANINGS, meaningInContext } from '../../shared/smtp/context.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Exchange } from '../../shared/smtp/session-state.js';
import { nearVerbs, VERB_INFO } from '../../shared/smtp/verbs.js';
import { reportReply } from '../../shared/smtp/report.js';
import { loadDialogs, parseDialog } from '../helpers/fixtures.js';
import { replay } from '../helpers/replay.js';

/** Plays a script of `C:`/`S:` lines through the model and a coach, collecting every hint id. */
/** `tls`: connected with TLS from the first byte (implicit TLS, port 465). A `-- CONNECT` note is a new connection (a
 *  new model, as the page makes one; the same coach). */
function coachDialog(script: string, tls = false): { ids: string[]; hints: Hint[]; exchanges: Exchange[]; model: SessionModel; coach: Coach } {
  let model = new SessionModel();
  const coach = new Coach();
  const parser = new ReplyParser();
  const hints: Hint[] = [];
  const exchanges: Exchange[] = [];
  model.connected(tls);
  for (const step of parseDialog(script)) {
    if (step.dir === 'C') {
      const kind = model.kindOfNextLine(step.text);
      hints.push(...coach.beforeSend(step.text, kind, model.state, model.unanswered));
      model.sent(step.text);
    } else if (step.dir === 'S') {
      for (const e of parser.push(step.text + '\r\n')) {
        if (e.kind !== 'reply') continue;
        const ex = model.received(e.reply);
        exchanges.push(ex);
        hints.push(...coach.afterReply(ex));
      }
    } else if (step.text.startsWith('TLS')) {
      model.tlsEstablished();
    } else if (step.text === 'CONNECT') {
      model = new SessionModel();
      model.connected(tls);
    }
  }
  return { ids: hints.map((h) => h.id), hints, exchanges, model, coach };
}

describe('Coach', () => {
  it('explains the 503s of the recorded Postfix dialog by what was missing', () => {
    const d = loadDialogs().find((x) => x.name === 'postfix-3.7-extra.txt')!;
    const script = d.steps.map((s) => (s.dir === 'note' ? `-- ${s.text}` : `${s.dir}: ${s.text}`)).join('\n');
    const { ids } = coachDialog(script);
    expect(ids).toContain('503-rcpt');
    expect(ids).toContain('503-data-mail');
    // "554 5.5.1 Error: no valid recipients" after MAIL but no accepted RCPT
    expect(ids).toContain('503-data-rcpt');
    expect(ids).toContain('end-with-dot');
    expect(ids).toContain('unknown-verb');
  });

  it('says a greeting of asterisks is a firewall masking the banner', () => {
    const masked = coachDialog('S: 220 ***********************************************2***0***0*****2******0******0***\nC: EHLO me.example\nS: 250 ok');
    expect(masked.hints.map((h) => h.id)).toEqual(['masked-banner']);
    expect(masked.hints[0]?.text).toContain('inspect esmtp');
    for (const greeting of ['220 mx.example.org ESMTP *** ready ***', '220 ****', '220 mx.example.org']) {
      expect(coachDialog(`S: ${greeting}`).ids, greeting).toEqual([]);
    }
  });

  it('says a VRFY or EXPN that answers lets anyone harvest addresses, once; not for 252 or a refusal', () => {
    const { hints } = coachDialog(
      'S: 220 x\nC: EHLO me.example\nS: 250 x\nC: VRFY alice\nS: 250 2.1.5 Alice <alice@example.org>\nC: EXPN staff\nS: 250 2.1.5 <bob@example.org>',
    );
    expect(hints.map((h) => h.id)).toEqual(['vrfy-open']);
    expect(hints[0]?.text).toMatch(/^VRFY answered: anyone can ask this server which addresses exist, which spammers use to harvest them/);
    expect(coachDialog('S: 220 x\nC: EXPN staff\nS: 251 forwarding').hints[0]?.text).toMatch(/^EXPN answered: .* and who is on a list/);
    const postfix = loadDialogs().find((x) => x.name === 'postfix-3.7-extra.txt')!;
    const script = postfix.steps.map((s) => (s.dir === 'note' ? `-- ${s.text}` : `${s.dir}: ${s.text}`)).join('\n');
    expect(coachDialog(script).ids).not.toContain('vrfy-open'); // "252 2.0.0 alice"
    expect(coachDialog('S: 220 x\nC: VRFY alice\nS: 502 5.5.1 VRFY command is disabled').ids).not.toContain('vrfy-open');
  });

  it('says hello comes first', () => {
    expect(coachDialog('S: 220 x\nC: MAIL FROM:<a@b>\nS: 503 5.5.1 Error: send HELO/EHLO first').ids).toContain('503-hello');
  });

  it('teaches EHLO after STARTTLS, before and after the handshake', () => {
    const { ids } = coachDialog(
      'S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 2.0.0 go\n-- TLS established\nC: MAIL FROM:<a@b>\nS: 503 5.5.1 EHLO first',
    );
    expect(ids).toEqual(expect.arrayContaining(['starttls-ehlo', 'ehlo-after-starttls', '503-hello']));
  });

  it('says a STARTTLS on a connection encrypted from its first byte is not needed, not that it was not advertised', () => {
    const { ids, hints } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 AUTH PLAIN\nC: STARTTLS\nS: 503 5.5.1 Error: TLS already active', true);
    expect(ids).toEqual(['starttls-in-tls', '503-tls-again', 'class-5']);
    expect(hints[0]?.text).toMatch(/^This connection is encrypted already \(TLS from its first byte/);
    // Typed again after a STARTTLS done, before the EHLO that must follow: it is the TLS, not the missing hello, that
    // the server refuses (one hint before, one after).
    const again = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n-- TLS\nC: STARTTLS\nS: 503 5.5.1 Error: TLS already active');
    expect(again.ids).toEqual(['starttls-ehlo', 'starttls-in-tls', '503-tls-again', 'class-5']);
    // In plain text, a server that does not list it may refuse it.
    expect(coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 AUTH PLAIN\nC: STARTTLS').ids).toEqual(['not-advertised-STARTTLS']);
  });

  it('notices an extension the server did not advertise', () => {
    const { hints } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 PIPELINING\nC: MAIL FROM:<a@b> SIZE=100 BODY=8BITMIME\nC: AUTH PLAIN AGFAAGI=');
    expect(hints.map((h) => h.id)).toEqual(['not-advertised-SIZE', 'not-advertised-AUTH']);
    expect(hints[0]?.text).toMatch(/did not advertise SIZE in its EHLO reply/);
  });

  it('does not flag advertised extensions', () => {
    const { ids } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250-SIZE 1000\nS: 250 8BITMIME\nC: MAIL FROM:<a@b> SIZE=100 BODY=8BITMIME');
    expect(ids.filter((i) => i.startsWith('not-advertised'))).toEqual([]);
  });

  it('tells that HELO gives no extensions, once', () => {
    const { ids } = coachDialog('S: 220 x\nC: HELO me\nS: 250 x\nC: HELO me\nS: 250 x');
    expect(ids.filter((i) => i === 'helo-no-extensions')).toHaveLength(1);
  });

  it('tells 4xx from 5xx, once each', () => {
    const { hints } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 451 4.7.1 later\nC: MAIL FROM:<a@b>\nS: 451 4.7.1 later\nC: MAIL FROM:<a@b>\nS: 550 no');
    expect(hints.map((h) => h.id)).toEqual(['class-4', 'class-5']);
    expect(hints[0]?.text).toMatch(/temporary/);
    expect(hints[1]?.text).toMatch(/permanent/);
  });

  it('warns about a leading dot in message text, and about missing angle brackets', () => {
    const { ids } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:a@b\nS: 501 5.1.7 Bad sender address syntax\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: x\nC: \nC: .hidden\nC: .\nS: 250 queued');
    expect(ids).toEqual(expect.arrayContaining(['path-brackets', 'dot-stuffing', 'end-with-dot', 'queued']));
  });
});

describe('Coach: lines sent ahead of a reply (RFC 2920)', () => {
  const EHLO_PIPELINING = 'S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 PIPELINING\n';

  it('warns once per burst when the server did not advertise PIPELINING, naming what servers do', () => {
    const { hints } = coachDialog('S: 220 x\nC: HELO me\nS: 250 x\nC: MAIL FROM:<a@b>\nC: RCPT TO:<c@d>\nC: DATA\nS: 250 ok\nS: 250 ok\nS: 354 go');
    const pipeline = hints.filter((h) => h.id.startsWith('pipeline'));
    expect(pipeline.map((h) => h.id)).toEqual(['pipeline-unadvertised']);
    expect(pipeline[0]?.text).toMatch(/SMTP synchronization error/);
    expect(pipeline[0]?.source).toBe('RFC 2920 §3.1');
  });

  it('warns again for a new burst once the server has caught up', () => {
    const { ids } = coachDialog('S: 220 x\nC: HELO me\nC: MAIL FROM:<a@b>\nS: 250 x\nS: 250 ok\nC: RCPT TO:<c@d>\nC: DATA\nS: 250 ok\nS: 354 go');
    expect(ids.filter((i) => i === 'pipeline-unadvertised')).toHaveLength(2);
  });

  it('lets MAIL, RCPT and DATA go together once PIPELINING is advertised', () => {
    const { ids } = coachDialog(`${EHLO_PIPELINING}C: MAIL FROM:<a@b>\nC: RCPT TO:<c@d>\nC: DATA\nS: 250 ok\nS: 250 ok\nS: 354 go`);
    expect(ids.filter((i) => i.startsWith('pipeline'))).toEqual([]);
  });

  it('says the message must wait for the 354, even with PIPELINING', () => {
    const { hints } = coachDialog(`${EHLO_PIPELINING}C: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nC: Subject: early\nC: body\nS: 354 go`);
    expect(hints.filter((h) => h.id.startsWith('pipeline')).map((h) => h.id)).toEqual(['pipeline-data']);
  });

  it('says EHLO (and NOOP, QUIT …) must end a group', () => {
    const { hints } = coachDialog(`${EHLO_PIPELINING}C: EHLO me.example\nC: MAIL FROM:<a@b>\nS: 250 x\nS: 250 ok`);
    expect(hints.map((h) => h.id)).toEqual(['pipeline-group']);
    expect(hints[0]?.text).toMatch(/answered EHLO/);
  });

  it('says nothing when each line waits for its reply', () => {
    const { ids } = coachDialog('S: 220 x\nC: HELO me\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\nC: hi\nC: .\nS: 250 ok');
    expect(ids.filter((i) => i.startsWith('pipeline'))).toEqual([]);
  });
});

describe('Coach: the header fields every message must have (RFC 5322 §3.6)', () => {
  const TO_DATA = 'S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\n';

  it('notices the seed\'s message has neither From: nor Date:, at the final dot', () => {
    const { hints } = coachDialog(`${TO_DATA}C: Subject: hello\nC: \nC: Hello.\nC: .\nS: 250 queued`);
    const h = hints.find((x) => x.id === 'headers-required');
    expect(h?.text).toMatch(/no From: and no Date: header; every message needs both/);
    expect(h?.text).toMatch(/not RFC 5322 compliant/);
    expect(h?.source).toBe('RFC 5322 §3.6');
  });

  it('names only what is missing, reads header names in any case, and skips folded lines', () => {
    const { hints } = coachDialog(`${TO_DATA}C: Subject: a long subject\nC:  folded onto a second line\nC: from: A <a@b>\nC: \nC: Date: in the body does not count\nC: .\nS: 250 queued`);
    expect(hints.find((x) => x.id === 'headers-required')?.text).toMatch(/no Date: header/);
  });

  it('says nothing of a message with both, and says it once per coach', () => {
    const full = coachDialog(`${TO_DATA}C: From: A <a@b>\nC: Date: Sun, 29 Nov 2026 18:00:00 +0000\nC: \nC: hi\nC: .\nS: 250 queued`);
    expect(full.ids).not.toContain('headers-required');
    const twice = coachDialog(`${TO_DATA}C: Subject: one\nC: .\nS: 250 queued\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: two\nC: .\nS: 250 queued`);
    expect(twice.ids.filter((i) => i === 'headers-required')).toHaveLength(1);
  });

  it('does not judge a message whose first lines went out before the 354 (it did not see them as message text)', () => {
    const { ids } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 PIPELINING\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nC: From: A <a@b>\nS: 354 go\nC: Date: now\nC: \nC: hi\nC: .\nS: 250 queued');
    expect(ids).not.toContain('headers-required');
  });
});

describe('meaningInContext', () => {
  it('gives 250 a different meaning after MAIL, RCPT and the final dot', () => {
    const { exchanges } = replay(loadDialogs().find((d) => d.name === 'postfix-3.7-basic.txt')!);
    const m = (pred: (e: Exchange) => boolean) => meaningInContext(exchanges.find(pred)!)?.meaning;
    const afterMail = m((e) => e.command?.verb === 'MAIL');
    const afterRcpt = m((e) => e.command?.verb === 'RCPT' && e.reply.code === 250);
    const afterDot = m((e) => e.kind === 'end-of-data');
    expect(afterMail).toMatch(/Sender accepted/);
    expect(afterRcpt).toMatch(/Recipient accepted/);
    expect(afterDot).toMatch(/responsibility/);
    expect(new Set([afterMail, afterRcpt, afterDot]).size).toBe(3);
    expect(m((e) => e.command?.verb === 'RCPT' && e.reply.code === 550)).toMatch(/refused/);
  });

  it('reads 421 as the server closing, whatever it answered', () => {
    const { exchanges } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 421 4.3.2 Shutting down');
    expect(meaningInContext(exchanges[2]!)?.meaning).toMatch(/closing the connection/);
    expect(meaningInContext(exchanges[2]!)?.source).toBe('RFC 5321 §3.8');
  });

  it('asks an LMTP server\'s greeting for LHLO, where the greeting names LMTP (Cyrus\'s), and others for EHLO', () => {
    const greeting = (text: string) => meaningInContext(coachDialog(`S: ${text}`).exchanges[0]!);
    expect(greeting('220 mail.example.org LMTP Cyrus v3.4.4 ready')).toEqual({ meaning: 'An LMTP server is ready: introduce yourself with LHLO (it refuses EHLO and HELO).', source: 'RFC 2033 §4.1' });
    expect(greeting('220 mx.example.org ESMTP Postfix')?.meaning).toBe('The server is ready: introduce yourself with EHLO (or HELO).');
    expect(greeting('220 lmtpd.example.org ESMTP')?.meaning).toMatch(/EHLO \(or HELO\)/); // "LMTP" as a word only
  });

  it('cites a source for every entry', () => {
    expect(CONTEXT_MEANINGS.length).toBeGreaterThan(40);
    for (const m of CONTEXT_MEANINGS) expect(m.source, m.meaning).toMatch(/^RFC \d+ §\d/);
  });

  it('tells which step of which mechanism an AUTH challenge is, from its base64', () => {
    const b64 = (t: string) => btoa(t);
    // Each challenge as the first 334 (answering AUTH) and as a later one (answering an AUTH response).
    const meanings = (mechanism: string, challenges: string[]) => {
      const script = ['S: 220 x', 'C: EHLO me.example', 'S: 250 x', `C: AUTH ${mechanism}`];
      challenges.forEach((c, i) => script.push(`S: 334 ${c}`, `C: ${b64(`answer${i}`)}`));
      script.push('S: 235 2.7.0 ok');
      const { exchanges } = coachDialog(script.join('\n'));
      return exchanges.filter((e) => e.reply.code === 334).map((e) => meaningInContext(e));
    };
    const [user, pass] = meanings('LOGIN', [b64('Username:'), b64('Password:')]);
    expect(user?.meaning).toMatch(/^AUTH LOGIN asks for your user name/);
    expect(pass?.meaning).toMatch(/^AUTH LOGIN asks for your password/);
    expect(meanings('PLAIN', [''])[0]?.meaning).toMatch(/\\0user\\0password/);
    const [cram] = meanings('CRAM-MD5', [b64('<1896.697170952@postoffice.reston.mci.net>')]); // RFC 2195's example
    expect(cram).toEqual(expect.objectContaining({ source: 'RFC 2195 §2' }));
    expect(cram?.meaning).toMatch(/\/cram-md5/);
    // RFC 7677 §3's server messages.
    const [first, final] = meanings('SCRAM-SHA-256', [
      b64('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
      b64('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='),
    ]);
    expect(first?.meaning).toMatch(/^SCRAM's first message from the server: the nonce \(r=/);
    expect(final?.meaning).toMatch(/^SCRAM's last message from the server: its signature \(v=\)/);
    expect(meanings('SCRAM-SHA-256', [b64('e=invalid-proof')])[0]?.meaning).toMatch(/^SCRAM's error/);
    // What it cannot tell apart keeps the general AUTH meaning; so does a challenge that is not base64.
    const generic = 'The server asks for the next part of your credentials, as base64.';
    expect(meanings('XOAUTH2', [b64('{"status":"401"}')])[0]?.meaning).toBe(generic);
    expect(meanings('LOGIN', ['not base64!'])[0]?.meaning).toBe(generic);
    expect(meanings('LOGIN', [b64('Username: and more')])[0]?.meaning).toBe(generic);
  });
});

describe('complete', () => {
  const state = (script: string) => {
    const model = new SessionModel();
    const parser = new ReplyParser();
    model.connected();
    for (const s of parseDialog(script)) {
      if (s.dir === 'C') model.sent(s.text);
      else if (s.dir === 'S') for (const e of parser.push(s.text + '\r\n')) if (e.kind === 'reply') model.received(e.reply);
    }
    return model.state;
  };
  const greeted = state('S: 220 x');
  const ready = state('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250-AUTH PLAIN LOGIN\nS: 250 STARTTLS');
  const inMail = state('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok');

  it('offers only what fits the state', () => {
    expect(verbsFor(greeted).map((v) => v.verb)).toEqual(['EHLO', 'HELO', 'NOOP', 'HELP', 'QUIT']);
    expect(verbsFor(ready).map((v) => v.verb)).toEqual(expect.arrayContaining(['MAIL', 'STARTTLS', 'AUTH']));
    expect(verbsFor(ready).map((v) => v.verb)).not.toContain('ETRN');
    expect(verbsFor(inMail).map((v) => v.verb)).toEqual(['RCPT', 'RSET', 'NOOP', 'QUIT']);
    expect(verbsFor(state('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok')).map((v) => v.verb)).toContain('DATA');
    // BDAT where the server lists CHUNKING, once a recipient is accepted; not otherwise.
    const chunking = 'S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 CHUNKING\nC: MAIL FROM:<a@b>\nS: 250 ok';
    expect(verbsFor(state(chunking)).map((v) => v.verb)).not.toContain('BDAT');
    expect(verbsFor(state(`${chunking}\nC: RCPT TO:<c@d>\nS: 250 ok`)).map((v) => v.verb)).toEqual(['RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'QUIT']);
    expect(verbsFor(state('S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok')).map((v) => v.verb)).not.toContain('BDAT');
  });

  it('completes verbs to the shape of their arguments', () => {
    expect(complete('ma', ready)).toEqual([{ text: 'MAIL FROM:<>', cursor: 11, label: VERB_INFO.get('MAIL')!.syntax }]);
    expect(complete('r', inMail).map((c) => c.text)).toEqual(['RCPT TO:<>', 'RSET']);
    expect(commonPrefix(complete('r', inMail))).toBe('R');
    expect(complete('mail f', ready)).toEqual([{ text: 'mail FROM:<>', cursor: 11, label: VERB_INFO.get('MAIL')!.syntax }]);
    expect(complete('AUTH ', ready).map((c) => c.text)).toEqual(['AUTH PLAIN ', 'AUTH LOGIN ']);
    expect(complete('MAIL', greeted)).toEqual([]);
    expect(complete('x', ready)).toEqual([]);
  });
});

describe('complete: the parameters of MAIL FROM and RCPT TO the server advertised', () => {
  const state = (ehlo: string, more = '') => {
    const model = new SessionModel();
    const parser = new ReplyParser();
    model.connected();
    for (const s of parseDialog(`S: 220 x\nC: EHLO me.example\n${ehlo}${more}`)) {
      if (s.dir === 'C') model.sent(s.text);
      else if (s.dir === 'S') for (const e of parser.push(s.text + '\r\n')) if (e.kind === 'reply') model.received(e.reply);
    }
    return model.state;
  };
  const rich = state('S: 250-x\nS: 250-SIZE 1000\nS: 250-8BITMIME\nS: 250-SMTPUTF8\nS: 250-DSN\nS: 250 REQUIRETLS');
  const texts = (typed: string, s = rich) => complete(typed, s).map((c) => c.text);

  it('offers after the path those the server advertised, the ones over TLS only over TLS', () => {
    expect(complete('MAIL FROM:<a@example.org> ', rich).map((c) => c.label)).toEqual(['SIZE=', 'BODY=8BITMIME', 'SMTPUTF8', 'RET=HDRS', 'RET=FULL', 'ENVID=']);
    // Right after the ">", the space comes with them.
    expect(commonPrefix(complete('MAIL FROM:<a@example.org>', rich))).toBe('MAIL FROM:<a@example.org> ');
    expect(texts('MAIL FROM:<a@example.org> bo')).toEqual(['MAIL FROM:<a@example.org> BODY=8BITMIME']);
    // What was typed is not offered again; the word being typed is completed in place.
    expect(texts('MAIL FROM:<a@example.org> SIZE=300 BODY=8BITMIME s')).toEqual(['MAIL FROM:<a@example.org> SIZE=300 BODY=8BITMIME SMTPUTF8']);
    expect(complete('RCPT TO:<b@example.net> ', rich).map((c) => c.text)).toEqual(['RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE', 'RCPT TO:<b@example.net> NOTIFY=NEVER', 'RCPT TO:<b@example.net> ORCPT=rfc822;b@example.net']);
    const tls = { ...rich, tls: true };
    expect(texts('MAIL FROM:<a@example.org> REQ', tls)).toEqual(['MAIL FROM:<a@example.org> REQUIRETLS']);
    expect(texts('MAIL FROM:<a@example.org> REQ')).toEqual([]);
  });

  it('writes ORCPT\'s address as xtext: "+", "=" and what is not printable ASCII as "+" and hexadecimal', () => {
    expect(texts('RCPT TO:<a+tag=1@example.net> OR')).toEqual(['RCPT TO:<a+tag=1@example.net> ORCPT=rfc822;a+2Btag+3D1@example.net']);
    expect(xtext('jörg@example.de')).toBe('j+C3+B6rg@example.de');
    expect(xtext('plain@example.org')).toBe('plain@example.org');
    // Every character as its UTF-8 octets, as Node encodes them (two, three and four octets).
    for (const s of ['ü', '€', '📮', 'a b']) {
      expect(xtext(s)).toBe([...Buffer.from(s)].map((b) => (b > 0x20 && b < 0x7f ? String.fromCharCode(b) : `+${b.toString(16).toUpperCase().padStart(2, '0')}`)).join(''));
    }
  });

  it('offers nothing the server did not advertise, nor inside the path', () => {
    const plain = state('S: 250 x');
    expect(texts('MAIL FROM:<a@example.org> ', plain)).toEqual([]);
    expect(texts('MAIL FROM:<a@exa')).toEqual([]);
    const auth = state('S: 250-x\nS: 250 AUTH PLAIN');
    expect(complete('MAIL FROM:<a@example.org> ', auth)).toEqual([{ text: 'MAIL FROM:<a@example.org> AUTH=<>', cursor: 'MAIL FROM:<a@example.org> AUTH=<'.length, label: 'AUTH=<>' }]);
  });

  it('is the coach\'s table too: a parameter used without its extension is pointed out', () => {
    const { ids } = coachDialog('S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250 SIZE 1000\nC: MAIL FROM:<a@b> SIZE=10 BODY=BINARYMIME\nS: 250 ok\nC: RCPT TO:<c@d> NOTIFY=NEVER');
    expect(ids.filter((id) => id.startsWith('not-advertised-'))).toEqual(['not-advertised-BINARYMIME', 'not-advertised-DSN']);
  });
});

describe('complete: the header fields a message lacks', () => {
  const now = new Date(Date.UTC(2026, 10, 30, 3, 35, 7));
  const ctx = (over: Partial<HeaderContext> = {}): HeaderContext => ({
    sender: 'trainee@example.org',
    recipients: ['alice@practice.test', 'bob@practice.test'],
    typed: new Set(),
    now,
    offsetMinutes: 60,
    unique: 'k3x9',
    ...over,
  });

  it('writes a date as RFC 5322 §3.3 does, in the zone given, and one that reads back as the same instant', () => {
    expect(rfc5322Date(now, 60)).toBe('Mon, 30 Nov 2026 04:35:07 +0100');
    expect(rfc5322Date(now, 0)).toBe('Mon, 30 Nov 2026 03:35:07 +0000');
    // West of UTC the day may be the one before; a zone of minutes too (India, Newfoundland).
    expect(rfc5322Date(now, -300)).toBe('Sun, 29 Nov 2026 22:35:07 -0500');
    expect(rfc5322Date(now, 330)).toBe('Mon, 30 Nov 2026 09:05:07 +0530');
    expect(rfc5322Date(now, -210)).toBe('Mon, 30 Nov 2026 00:05:07 -0330');
    // Seeded walk over instants and zones: Date.parse reads every one back to the same second.
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const t = new Date(Date.UTC(1990, 0, 1) + (next() % 2 ** 30) * 1000 * 1.7);
      const off = ((next() % 57) - 28) * 30;
      const s = rfc5322Date(t, off);
      expect(s).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
      expect(Date.parse(s)).toBe(Math.floor(t.getTime() / 1000) * 1000);
    }
  });

  it('offers the fields not typed yet, filled from the envelope, the clock and a unique word', () => {
    expect(headerOffers(ctx()).map((c) => c.text)).toEqual([
      'From: trainee@example.org',
      'To: alice@practice.test, bob@practice.test',
      'Subject: ',
      'Date: Mon, 30 Nov 2026 04:35:07 +0100',
      'Message-ID: <20261130T033507.k3x9@example.org>',
    ]);
    for (const c of headerOffers(ctx())) expect(c.cursor).toBe(c.text.length);
    expect(headerOffers(ctx({ typed: new Set(['from', 'subject', 'message-id']) })).map((c) => c.text.split(':')[0])).toEqual(['To', 'Date']);
    // The null sender has no address to put in From:, nor a domain for the Message-ID.
    const bounce = headerOffers(ctx({ sender: '' })).map((c) => c.text);
    expect(bounce[0]).toBe('From: ');
    expect(bounce[4]).toBe('Message-ID: <20261130T033507.k3x9@heloterm.invalid>');
  });

  it('leaves To: for the user to fill when the recipients would not fit in one line (998 characters)', () => {
    const many = Array.from({ length: 60 }, (_, i) => `recipient-number-${i}@practice.test`);
    expect(headerOffers(ctx({ recipients: many }))[1]?.text).toBe('To: ');
    expect(headerOffers(ctx({ recipients: many.slice(0, 10) }))[1]?.text).toBe(`To: ${many.slice(0, 10).join(', ')}`);
  });

  it('completes what was typed of a line, whatever its case; nothing for a line that begins no field', () => {
    expect(completeHeader('da', ctx()).map((c) => c.text)).toEqual(['Date: Mon, 30 Nov 2026 04:35:07 +0100']);
    expect(completeHeader('FROM:', ctx()).map((c) => c.text)).toEqual(['From: trainee@example.org']);
    expect(completeHeader('m', ctx()).map((c) => c.text)).toEqual(['Message-ID: <20261130T033507.k3x9@example.org>']);
    expect(completeHeader('', ctx())).toHaveLength(5);
    expect(completeHeader('X-Mailer', ctx())).toEqual([]);
    expect(completeHeader('Subject: hello', ctx())).toEqual([]);
    expect(completeHeader('da', ctx({ typed: new Set(['date']) }))).toEqual([]);
  });

  it('knows from the coach which fields the message has, and that its header section is over', () => {
    const head = 'S: 220 x\nC: EHLO me.example\nS: 250 x\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go';
    const fields = (script: string): string[] | null => {
      const { coach, model } = coachDialog(script);
      const f = coach.headerFields(model.state);
      return f === null ? null : [...f];
    };
    expect(fields(head)).toEqual([]);
    expect(fields(`${head}\nC: Subject: hi\nC: from: A <a@b>`)).toEqual(['subject', 'from']);
    // A folded line continues the field; the empty line ends the header section.
    expect(fields(`${head}\nC: Subject: hi\nC:  there`)).toEqual(['subject']);
    expect(fields(`${head}\nC: Subject: hi\nC: `)).toBeNull();
    // Outside a message: none; the next message starts again.
    expect(fields(head.replace('\nC: DATA\nS: 354 go', ''))).toBeNull();
    expect(fields(`${head}\nC: Subject: hi\nC: \nC: body\nC: .\nS: 250 ok\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: DATA\nS: 354 go`)).toEqual([]);
  });
});

describe('Coach: text beyond ASCII (RFC 6152, RFC 6531)', () => {
  const EHLO = 'S: 220 x\nC: EHLO me.example\nS: 250-x\nS: 250-8BITMIME\nS: 250 SMTPUTF8\n';

  it('asks for SMTPUTF8 on MAIL FROM for an address beyond ASCII, for the sender and later recipients', () => {
    const { hints } = coachDialog(`${EHLO}C: MAIL FROM:<jörg@example.org>\nS: 553 5.6.7 no\nC: MAIL FROM:<a@example.org>\nS: 250 ok\nC: RCPT TO:<δοκιμή@example.gr>`);
    const ids = hints.filter((h) => h.id === 'smtputf8');
    expect(ids).toHaveLength(2);
    expect(ids[0]?.text).toMatch(/MAIL FROM:<…> SMTPUTF8/);
    expect(ids[0]?.source).toBe('RFC 6531 §3.4');
  });

  it('says nothing once SMTPUTF8 was asked for, or for ASCII addresses', () => {
    const { ids } = coachDialog(`${EHLO}C: MAIL FROM:<jörg@example.org> SMTPUTF8\nS: 250 ok\nC: RCPT TO:<δοκιμή@example.gr>\nS: 250 ok\nC: RCPT TO:<plain@example.org>`);
    expect(ids).not.toContain('smtputf8');
  });

  it('notes 8-bit message text once, unless MAIL FROM asked for BODY=8BITMIME or SMTPUTF8', () => {
    const data = 'C: RCPT TO:<b@c>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: Grüße\nC: \nC: Schöne Grüße\nC: .\nS: 250 ok\n';
    const plain = coachDialog(`${EHLO}C: MAIL FROM:<a@b>\nS: 250 ok\n${data}`);
    expect(plain.ids.filter((i) => i === 'eight-bit')).toHaveLength(1);
    expect(plain.hints.find((h) => h.id === 'eight-bit')?.text).toMatch(/BODY=8BITMIME/);
    expect(coachDialog(`${EHLO}C: MAIL FROM:<a@b> BODY=8bitmime\nS: 250 ok\n${data}`).ids).not.toContain('eight-bit');
    expect(coachDialog(`${EHLO}C: MAIL FROM:<a@b> SMTPUTF8\nS: 250 ok\n${data}`).ids).not.toContain('eight-bit');
  });
});

describe('Coach: the name given in EHLO or HELO (RFC 5321 §4.1.1.1)', () => {
  it('says once that a bare name is refused by many servers, later at RCPT', () => {
    const { hints } = coachDialog('S: 220 x\nC: EHLO trainee\nS: 250 x\nC: HELO laptop\nS: 250 x');
    const fqdn = hints.filter((h) => h.id === 'helo-fqdn');
    expect(fqdn).toHaveLength(1);
    expect(fqdn[0]?.text).toMatch(/^"trainee" is not a full host name/);
    expect(fqdn[0]?.text).toMatch(/need fully-qualified hostname/);
  });

  it('says nothing of a full name or an address literal', () => {
    const { ids } = coachDialog('S: 220 x\nC: EHLO mail.example.org\nS: 250 x\nC: EHLO [192.0.2.1]\nS: 250 x\nC: EHLO [IPv6:2001:db8::1]\nS: 250 x');
    expect(ids).not.toContain('helo-fqdn');
    expect(ids).not.toContain('helo-name');
  });

  it('says, each time, that HELO or EHLO without a name needs one (servers answer 501)', () => {
    const { hints } = coachDialog('S: 220 x\nC: helo\nS: 501 Syntax: HELO hostname\nC: EHLO  \nS: 501 x');
    const named = hints.filter((h) => h.id === 'helo-name');
    expect(named.map((h) => h.text)).toEqual([
      "HELO needs your host's name after it: HELO mail.example.org, or an address literal ([192.0.2.1]).",
      "EHLO needs your host's name after it: EHLO mail.example.org, or an address literal ([192.0.2.1]).",
    ]);
    expect(hints.map((h) => h.id)).not.toContain('helo-fqdn');
  });
});

describe('LMTP (RFC 2033)', () => {
  const DIALOG = [
    'S: 220 lmtp.example.org Dovecot ready.',
    'C: EHLO client.example.org',
    'S: 500 5.5.1 Unknown command',
    'C: LHLO client.example.org',
    'S: 250-lmtp.example.org',
    'S: 250-PIPELINING',
    'S: 250 ENHANCEDSTATUSCODES',
    'C: MAIL FROM:<trainee@example.org>',
    'S: 250 2.1.0 OK',
    'C: RCPT TO:<alice@example.org>',
    'S: 250 2.1.5 OK',
    'C: RCPT TO:<nobody@example.org>',
    'S: 550 5.1.1 <nobody@example.org> User doesn\'t exist',
    'C: RCPT TO:<bob@example.org>',
    'S: 250 2.1.5 OK',
    'C: DATA',
    'S: 354 OK',
    'C: Subject: hi',
    'C: ',
    'C: hello',
    'C: .',
    'S: 250 2.0.0 <alice@example.org> mAGVLfDCKWG3VgAAVAlmeQ Saved',
    'S: 452 4.2.2 <bob@example.org> Quota exceeded (mailbox for user is full)',
    'C: QUIT',
    'S: 221 2.0.0 Bye',
  ].join('\n');

  it('answers the final "." once per accepted recipient, in RCPT order, and counts the message once', () => {
    const { exchanges, ids, hints } = coachDialog(DIALOG);
    const ends = exchanges.filter((e) => e.kind === 'end-of-data');
    expect(ends.map((e) => [e.reply.code, e.lmtp])).toEqual([
      [250, { recipient: 'alice@example.org', n: 1, of: 2 }],
      [452, { recipient: 'bob@example.org', n: 2, of: 2 }],
    ]);
    // The QUIT is matched to its own reply, not taken for a third answer to the ".".
    expect(exchanges.at(-1)).toMatchObject({ kind: 'command', command: { verb: 'QUIT' } });
    expect(exchanges.at(-1)?.after).toMatchObject({ hello: 'LHLO', phase: 'closed', messagesAccepted: 1 });
    expect(meaningInContext(ends[1]!)?.meaning).toBe(
      'LMTP\'s answer for bob@example.org, 2 of 2: not delivered this time (retry later). An LMTP server answers the final "." once per accepted recipient, in RCPT order, so that each one can fail alone.',
    );
    // EHLO refused: say LHLO. After the first answer to ".": one more follows.
    expect(ids).toContain('lmtp-lhlo');
    expect(hints.find((h) => h.id === 'lmtp-replies')?.text).toBe('LMTP: 1 more reply follows, one for each recipient, in the order of your RCPT TO lines.');
  });

  it('keeps to one answer for the "." without LHLO, and reads LHLO\'s extensions as EHLO\'s', () => {
    const smtp = coachDialog(DIALOG.replace('C: LHLO', 'C: EHLO'));
    expect(smtp.exchanges.filter((e) => e.kind === 'end-of-data')).toHaveLength(1);
    expect(smtp.exchanges.find((e) => e.reply.code === 452)?.kind).toBe('unsolicited'); // nothing awaited it
    const lmtp = coachDialog(DIALOG);
    expect([...(lmtp.exchanges.find((e) => e.command?.verb === 'LHLO')?.after.extensions.keys() ?? [])]).toEqual(['PIPELINING', 'ENHANCEDSTATUSCODES']);
    // Lines sent ahead in LMTP are judged by the PIPELINING it advertised, as after EHLO.
    expect(lmtp.ids).not.toContain('pipeline-unadvertised');
  });
});

describe('BDAT by hand (RFC 3030 §2)', () => {
  const DIALOG = [
    'S: 220 mx.example.org ESMTP',
    'C: EHLO client.example.org',
    'S: 250-mx.example.org',
    'S: 250-PIPELINING',
    'S: 250-CHUNKING',
    'S: 250 ENHANCEDSTATUSCODES',
    'C: MAIL FROM:<trainee@example.org>',
    'S: 250 2.1.0 Ok',
    'C: RCPT TO:<alice@example.org>',
    'S: 250 2.1.5 Ok',
    'C: BDAT 26',
    'C: Subject: chunks',
    'C: ',
    'C: .',
    'C: Hi',
    'S: 250 2.0.0 Ok: 26 bytes',
    'C: BDAT 4 LAST',
    'C: Bye',
    'S: 250 2.0.0 Ok: queued as 4FzK71ZQ3Vz9b',
    'S: 500 5.5.2 Error: bad syntax',
    'C: QUIT',
    'S: 221 2.0.0 Bye',
  ].join('\n');

  it('counts the chunk\'s octets line by line, says when it is complete or overrun, and reads the last chunk\'s answer as the message\'s', () => {
    const { exchanges, hints } = coachDialog(DIALOG);
    // 17 + 2 + 3 = 22 of 26: "Hi" makes it exactly 26 (no dot-stuffing, no header hints, no pipelining warning).
    expect(hints.filter((h) => h.id.startsWith('chunk')).map((h) => h.text)).toEqual([
      'BDAT chunk: 17 of 26 octets sent, 9 to go (a line counts its text in UTF-8 and 2 octets for its CRLF).',
      'BDAT chunk: 19 of 26 octets sent, 7 to go.',
      'BDAT chunk: 22 of 26 octets sent, 4 to go.',
      'That completes the chunk of 26 octets: the server answers BDAT now.',
      'This line goes 1 octet past the chunk of 4: the chunk ends inside it, and the server reads the rest (an empty line) as a command, and answers that too. A chunk must be counted exactly, each line\'s CRLF included.',
    ]);
    expect(hints.map((h) => h.id)).not.toContain('dot-stuffing');
    expect(hints.map((h) => h.id)).not.toContain('data-headers');
    expect(hints.map((h) => h.id).filter((id) => id.startsWith('pipeline'))).toEqual([]);
    // Each reply answers what it should: the chunk, the last chunk (the message), the empty line, QUIT.
    expect(exchanges.map((e) => [e.reply.code, e.command?.verb ?? e.kind])).toEqual([
      [220, 'greeting'],
      [250, 'EHLO'],
      [250, 'MAIL'],
      [250, 'RCPT'],
      [250, 'BDAT'],
      [250, 'BDAT'],
      [500, ''],
      [221, 'QUIT'],
    ]);
    expect(meaningInContext(exchanges[4]!)?.meaning).toMatch(/^The chunk arrived whole/);
    expect(meaningInContext(exchanges[5]!)?.meaning).toMatch(/^The message is accepted \(its last chunk arrived\)/);
    expect(hints.map((h) => h.id)).toContain('queued');
    expect(exchanges[5]?.after).toMatchObject({ phase: 'ready', messagesAccepted: 1 });
  });

  it('follows the message\'s header fields across its chunks, for Tab, and says at the last chunk\'s end if From: and Date: lack', () => {
    const head = DIALOG.split('\nC: BDAT 26')[0] ?? '';
    const fields = (script: string): string[] | null => {
      const { coach, model } = coachDialog(script);
      const f = coach.headerFields(model.state);
      return f === null ? null : [...f];
    };
    expect(fields(head)).toBeNull(); // no chunk yet: commands
    expect(fields(`${head}\nC: BDAT 60`)).toEqual([]); // the first line of the first chunk: Tab offers them all
    expect(fields(`${head}\nC: BDAT 60\nC: From: A <a@b>`)).toEqual(['from']);
    // A header section may go on in the next chunk; the empty line ends it.
    expect(fields(`${head}\nC: BDAT 15\nC: From: A <a@b>\nS: 250 ok\nC: BDAT 40\nC: Subject: hi`)).toEqual(['from', 'subject']);
    expect(fields(`${head}\nC: BDAT 60\nC: From: A <a@b>\nC: `)).toBeNull();
    // The next message (a new MAIL) begins again at its first chunk's first line.
    const second = `${head}\nC: BDAT 15 LAST\nC: From: A <a@b>\nS: 250 ok\nC: MAIL FROM:<a@b>\nS: 250 ok\nC: RCPT TO:<c@d>\nS: 250 ok\nC: BDAT 40`;
    expect(fields(second)).toEqual([]);

    const without = coachDialog(`${head}\nC: BDAT 7 LAST\nC: Hello\nS: 250 ok`).hints.find((h) => h.id === 'headers-required');
    expect(without?.text).toMatch(/^This message has no From: and no Date: header/);
    const withBoth = coachDialog(`${head}\nC: BDAT 15\nC: From: A <a@b>\nS: 250 ok\nC: BDAT 41 LAST\nC: Date: Sun, 29 Nov 2026 18:00:00 +0000\nC: \nS: 250 ok`);
    expect(withBoth.ids).not.toContain('headers-required');
    // Not before the last chunk's end.
    expect(coachDialog(`${head}\nC: BDAT 7\nC: Hello\nS: 250 ok`).ids).not.toContain('headers-required');
  });

  it('finds the queue id in the last chunk\'s answer, and names what it answered', () => {
    const { exchanges } = coachDialog(DIALOG);
    const last = reportReply(6, exchanges[5]!);
    expect(last.answered).toBe('the last chunk of the message (BDAT … LAST)');
    expect(last.queued?.id).toBe('4FzK71ZQ3Vz9b');
    expect(reportReply(5, exchanges[4]!).queued).toBeNull();
  });
});

describe('Coach: a shell command typed once connected', () => {
  it('says telnet (or nc, openssl) went to the server as SMTP, and how to connect elsewhere', () => {
    const { hints, ids } = coachDialog(['S: 220 mx.example.org ESMTP', 'C: telnet other.example.org 25', 'S: 500 5.5.2 Error: command not recognized', 'C: FOO', 'S: 500 5.5.2 Error: command not recognized'].join('\n'));
    expect(hints.find((h) => h.id === 'shell-command')?.text).toBe('"telnet" is a shell command: you are connected already, and the server read it as SMTP. To connect elsewhere, press Disconnect (or send QUIT), then type it again.');
    expect(ids.filter((id) => id === 'unknown-verb')).toHaveLength(1); // for FOO only
  });
});

describe('nearVerbs: the command a slip of the keyboard was meant to be', () => {
  it('finds a letter swapped, wrong, missing or extra, and nothing further off', () => {
    expect(nearVerbs('RCTP')).toEqual(['RCPT']);
    expect(nearVerbs('QIUT')).toEqual(['QUIT']);
    expect(nearVerbs('HLEO')).toEqual(['HELO']);
    expect(nearVerbs('ELHO')).toEqual(['EHLO']);
    expect(nearVerbs('EHL')).toEqual(['EHLO']);
    expect(nearVerbs('DATTA')).toEqual(['DATA']);
    expect(nearVerbs('STARTLS')).toEqual(['STARTTLS']);
    expect(nearVerbs('MAIK')).toEqual(['MAIL']);
    expect(nearVerbs('HELP')).toEqual([]); // a command itself
    for (const far of ['XYZZY', 'FOO', 'RCP TO', 'SUBJECT:', 'Q', '']) expect(nearVerbs(far), far).toEqual([]);
  });
});

describe('Coach: a line the server does not know as a command', () => {
  const GREETED = ['S: 220 mx.example.org ESMTP', 'C: EHLO me.example.org', 'S: 250 mx.example.org'];
  const UNKNOWN = 'S: 500 5.5.2 Error: command not recognized';

  it('says that MAIL and FROM: are two words when the space between them was left out', () => {
    const { hints } = coachDialog([...GREETED, 'C: MAILFROM:<bob@example.org>', UNKNOWN, 'C: rcptto:<alice@example.org>', UNKNOWN].join('\n'));
    expect(hints.filter((h) => h.id === 'unknown-verb-near').map((h) => h.text)).toEqual([
      'The server does not know "MAILFROM:": MAIL and FROM: are two words, MAIL FROM:<user@example.org>.',
      'The server does not know "RCPTTO:": RCPT and TO: are two words, RCPT TO:<user@example.org>.',
    ]);
  });

  it('says which command a slip was meant to be, for 500 and for older Postfix\'s 502', () => {
    const { hints } = coachDialog([...GREETED, 'C: RCTP TO:<alice@example.org>', UNKNOWN, 'C: qiut', 'S: 502 5.5.2 Error: command not recognized'].join('\n'));
    expect(hints.filter((h) => h.id === 'unknown-verb-near').map((h) => h.text)).toEqual([
      'The server does not know "RCTP": did you mean RCPT? Press Tab for the commands that fit now.',
      'The server does not know "QIUT": did you mean QUIT? Press Tab for the commands that fit now.',
    ]);
  });

  it('says once that the message typed after a refused DATA went as commands, and nothing more for its lines', () => {
    const lines = [...GREETED, 'C: MAIL FROM:<bob@example.org>', 'S: 250 2.1.0 Ok', 'C: DATA', 'S: 554 5.5.1 Error: no valid recipients'];
    // A command mistyped first is a slip, not the message: said as one.
    for (const text of ['RCTP TO:<alice@example.org>', 'Subject: hello', '', 'Hello, Alice.', '.']) lines.push(`C: ${text}`, UNKNOWN);
    const { hints, ids } = coachDialog(lines.join('\n'));
    expect(ids.filter((id) => id === 'data-refused-text' || id === 'unknown-verb-near')).toEqual(['unknown-verb-near', 'data-refused-text']);
    expect(hints.find((h) => h.id === 'data-refused-text')?.text).toMatch(/^DATA was refused \(554\), so no message is open: the server reads each line typed for the message as a command/);
    for (const id of ['unknown-verb', 'empty-line', 'dot-outside-data', 'text-before-data']) expect(ids).not.toContain(id);
    // The coach outlives the connection: on the next one, a line like a header field is said as such again.
    const next = [...lines, 'C: QUIT', 'S: 221 2.0.0 Bye', '-- CONNECT', 'S: 220 mx.example.org ESMTP', 'C: Subject: hello', UNKNOWN];
    expect(coachDialog(next.join('\n')).ids.filter((id) => id === 'data-refused-text' || id === 'text-before-data')).toEqual(['data-refused-text', 'text-before-data']);
  });

  it('starts over once a transaction does: message text with no DATA at all is said so, as are an empty line and a lone dot', () => {
    const lines = [...GREETED, 'C: DATA', 'S: 503 5.5.1 Error: need RCPT command', 'C: RSET', 'S: 250 2.0.0 Ok'];
    for (const text of ['Subject: hello', 'From: Bob <bob@example.org>', '', '', '.', 'XYZZY']) lines.push(`C: ${text}`, UNKNOWN);
    const { hints, ids } = coachDialog(lines.join('\n'));
    expect(ids).not.toContain('data-refused-text');
    // Each general lesson once; the dot each time it comes; a line like no command, the generic word.
    expect(ids.filter((id) => ['text-before-data', 'empty-line', 'dot-outside-data', 'unknown-verb'].includes(id))).toEqual(['text-before-data', 'empty-line', 'dot-outside-data', 'unknown-verb']);
    expect(hints.find((h) => h.id === 'text-before-data')?.text).toContain('"Subject:" begins a header field of a message, which goes after DATA\'s 354');
  });

  it('explains Postfix hanging up on a header field sent as a command', () => {
    const script = [...GREETED, 'C: MAIL FROM:<bob@example.org>', 'S: 250 2.1.0 Ok', 'C: DATA', 'S: 554 5.5.1 Error: no valid recipients', 'C: Subject: hello', 'S: 221 2.7.0 Error: I can break rules, too. Goodbye.'];
    const h = coachDialog(script.join('\n')).hints.find((x) => x.id === 'header-hangup');
    expect(h?.text).toContain('logs "non-SMTP command" and closes');
    expect(h?.text).toContain('DATA had been refused (554), so no message was open');
    // A web request typed at it (smtpd_forbid_cmds) gets the same goodbye, and no word about a message.
    const web = coachDialog([...GREETED, 'C: GET / HTTP/1.1', 'S: 221 2.7.0 Error: I can break rules, too. Goodbye.'].join('\n')).hints.find((x) => x.id === 'header-hangup');
    expect(web?.text).toContain('Type SMTP commands only.');
    // A QUIT's 221 is just goodbye.
    expect(coachDialog([...GREETED, 'C: QUIT', 'S: 221 2.0.0 Bye'].join('\n')).ids).toEqual([]);
  });

  it('does not guess at a 421 that says what the server counted', () => {
    const counted = coachDialog([...GREETED, 'C: XYZZY', 'S: 421 4.4.2 Error: too many unrecognized commands'].join('\n')).hints.find((h) => h.id === '421');
    expect(counted?.text).toBe('The server is closing the connection (it counted too many of something on this connection or from your address, as its words say). Connect again later.');
    const other = coachDialog([...GREETED, 'C: NOOP', 'S: 421 4.3.2 Service shutting down'].join('\n')).hints.find((h) => h.id === '421');
    expect(other?.text).toContain('busy, shutting down, or you were too slow');
  });
});

describe('Coach: a command typed inside a message', () => {
  const IN_DATA = ['S: 220 mx.example.org ESMTP', 'C: EHLO me.example.org', 'S: 250 mx.example.org', 'C: MAIL FROM:<bob@example.org>', 'S: 250 2.1.0 Ok', 'C: RCPT TO:<alice@example.org>', 'S: 250 2.1.5 Ok', 'C: DATA', 'S: 354 End data with <CR><LF>.<CR><LF>'];

  it('says once that it goes into the message as text, and how to end or abandon the message', () => {
    const { hints, ids } = coachDialog([...IN_DATA, 'C: Subject: hi', 'C: ', 'C: quit', 'C: RSET', 'C: .', 'S: 250 2.0.0 Ok: queued'].join('\n'));
    expect(ids.filter((id) => id === 'command-in-message')).toHaveLength(1);
    expect(hints.find((h) => h.id === 'command-in-message')?.text).toBe(
      'You are inside the message (DATA got its 354): "quit" goes into it as text, and the server answers nothing until the line with only "." that ends the message. Type "." first, then QUIT; to abandon the message instead, press Disconnect: servers drop a message whose end never came.',
    );
    expect(hints.find((h) => h.id === 'command-in-message')?.text).not.toContain('RSET');
    const mail = coachDialog([...IN_DATA, 'C: MAIL FROM:<carol@example.org>'].join('\n')).hints.find((h) => h.id === 'command-in-message');
    expect(mail?.text).toContain('Type "." first, then MAIL FROM;');
  });

  it('leaves text that only begins like a command alone, and lines sent before the 354 came', () => {
    expect(coachDialog([...IN_DATA, 'C: Quitting time is at five.', 'C: Data: attached', 'C: EHLO'].join('\n')).ids).not.toContain('command-in-message');
    // Pipelined after DATA (the server lists PIPELINING), before its 354: still a command until the 354 comes.
    const pipelined = IN_DATA.slice(0, -1).map((l) => (l === 'S: 250 mx.example.org' ? 'S: 250-mx.example.org\nS: 250 PIPELINING' : l));
    expect(coachDialog([...pipelined, 'C: QUIT'].join('\n')).ids).not.toContain('command-in-message');
  });
});

describe('Coach: answers to AUTH (RFC 4954, RFC 4616)', () => {
  const TLS_EHLO = ['S: 220 mx.example.org ESMTP', 'C: EHLO me.example.org', 'S: 250-mx.example.org', 'S: 250 AUTH PLAIN LOGIN'];
  // base64 of "trainee" (no NUL), of "\0trainee\0secret", and of "user".
  const NO_NUL = 'dHJhaW5lZQ==';
  const PLAIN_OK = 'AHRyYWluZWUAc2VjcmV0';

  it('says an AUTH PLAIN answer lacks the NULs of \\0user\\0password, without quoting it', () => {
    const { hints } = coachDialog([...TLS_EHLO, `C: AUTH PLAIN ${NO_NUL}`, 'S: 501 5.5.4 Error: invalid userdata'].join('\n'));
    const h = hints.find((x) => x.id === 'auth-plain-format');
    expect(h?.text).toContain('this answer decodes to no NUL byte');
    expect(h?.text).not.toContain('trainee');
    expect(h?.text).not.toContain(NO_NUL);
    // The same after a 334 with an empty challenge; nothing for a right one, or for LOGIN's user name.
    expect(coachDialog([...TLS_EHLO, 'C: AUTH PLAIN', 'S: 334 ', `C: ${NO_NUL}`].join('\n')).ids).toContain('auth-plain-format');
    expect(coachDialog([...TLS_EHLO, `C: AUTH PLAIN ${PLAIN_OK}`, 'S: 235 2.7.0 Authentication successful'].join('\n')).ids).toEqual([]);
    expect(coachDialog([...TLS_EHLO, 'C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', `C: ${NO_NUL}`].join('\n')).ids).toEqual(['auth-challenge']);
  });

  it('says an answer that is not base64 goes as typed, and that the 501 after "*" is the cancel confirmed', () => {
    const { ids } = coachDialog([...TLS_EHLO, 'C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: trainee', 'S: 535 5.7.8 Error: authentication failed', 'C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: *', 'S: 501 5.5.4 Authentication aborted'].join('\n'));
    expect(ids).toEqual(['auth-challenge', 'auth-not-base64', 'class-5', 'auth-challenge', 'auth-cancelled']);
    // A 501 to an answer that was not "*" is a refusal, not a cancel.
    expect(coachDialog([...TLS_EHLO, 'C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: dXNlcg==', 'S: 501 5.5.2 bad'].join('\n')).ids).not.toContain('auth-cancelled');
  });
});

describe('Coach: the space after FROM: that old recipes type', () => {
  it('says once that SMTP\'s grammar has none and a strict server refuses it; nothing without it', () => {
    const { hints, ids } = coachDialog(['S: 220 mx.example.org ESMTP', 'C: HELO trainee.example.org', 'S: 250 mx.example.org', 'C: MAIL FROM: <trainee@example.org>', 'S: 250 2.1.0 Ok', 'C: RCPT TO: <alice@example.org>', 'S: 250 2.1.5 Ok'].join('\n'));
    expect(ids.filter((id) => id === 'path-space')).toHaveLength(1);
    expect(hints.find((h) => h.id === 'path-space')?.text).toContain('(Postfix with strict_rfc821_envelopes = yes: "501 5.1.7 Bad sender address syntax")');
    const rcptFirst = coachDialog(['S: 220 mx.example.org ESMTP', 'C: HELO trainee.example.org', 'S: 250 mx.example.org', 'C: MAIL FROM:<trainee@example.org>', 'S: 250 2.1.0 Ok', 'C: RCPT TO:  <alice@example.org>'].join('\n'));
    expect(rcptFirst.hints.find((h) => h.id === 'path-space')?.text).toContain('"501 5.1.3 Bad recipient address syntax"');
    expect(coachDialog(['S: 220 mx.example.org ESMTP', 'C: HELO trainee.example.org', 'S: 250 mx.example.org', 'C: MAIL FROM:<trainee@example.org>'].join('\n')).ids).not.toContain('path-space');
  });
});

describe('Coach: a body begun with no empty line after the header fields', () => {
  const message = (lines: string[]): string =>
    ['S: 220 mx.example.org ESMTP', 'C: HELO trainee.example.org', 'S: 250 mx.example.org', 'C: MAIL FROM:<trainee@example.org>', 'S: 250 2.1.0 Ok', 'C: RCPT TO:<alice@example.org>', 'S: 250 2.1.5 Ok', 'C: DATA', 'S: 354 go ahead', ...lines.map((l) => `C: ${l}`), 'C: .', 'S: 250 2.0.0 Ok: queued as 4FzK71ZQ3Vz9b'].join('\n');

  it('says so at the first line of text after the fields, once, and not for a body after its empty line', () => {
    const { hints } = coachDialog(message(['Subject: hi', 'From: trainee@example.org', 'Hello, Alice.', 'Bye.']));
    const said = hints.filter((h) => h.id === 'body-without-empty-line');
    expect(said).toHaveLength(1);
    expect(said[0]?.text).toContain('press Enter once more for an empty line');
    expect(said[0]?.source).toBe('RFC 5322 §2.1, §3.5');
    for (const fine of [
      ['Subject: hi', '', 'Hello, Alice.'],
      // A field folded on a line of its own (RFC 5322 §2.2.3), then the empty line.
      ['Subject: a long', '  subject, folded', '', 'Hello.'],
      // No header fields at all: the other hint says where they go.
      ['Hello, Alice.'],
    ]) {
      expect(coachDialog(message(fine)).ids, fine.join(' | ')).not.toContain('body-without-empty-line');
    }
  });
});
