/**
 * The parts the page's application (client/app.ts) hands its work to, each alone: the count replies are numbered by
 * (terminal/reports.ts), the quiet tries to reach a lost bridge again (bridge-reach.ts), the connection as dialled
 * (ui/dial.ts), the practice server's log kept for /log (ui/practice-trail.ts) and the replies read from elsewhere
 * (ui/explain-desk.ts). The whole page is driven in Chromium by the e2e tests; these pin each part's rules.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BridgeReach } from '../../client/bridge-reach.js';
import { Connector } from '../../client/connector.js';
import type { ConnectTarget } from '../../client/ui/connect-form.js';
import { findLesson } from '../../shared/lessons/catalogue.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { ReportStore } from '../../client/terminal/reports.js';
import { Dial } from '../../client/ui/dial.js';
import { ExplainDesk } from '../../client/ui/explain-desk.js';
import { PracticeTrail } from '../../client/ui/practice-trail.js';
import type { LogEntry } from '../../client/ui/reply-log.js';
import type { PracticeInfo } from '../../shared/protocol/messages.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const PRACTICE: PracticeInfo = { host: '127.0.0.1', port: 40125, lmtpPort: 40126, tlsPort: 40127, domain: 'practice.test', mailboxes: ['alice@practice.test'] };

describe('ReportStore numbering', () => {
  it('gives replies received and replies explained one count, a number taken for a flood included', () => {
    const store = new ReportStore();
    expect(store.upcoming).toBe(1);
    expect(store.take()).toBe(1); // a reply received (in a flood: numbered, not kept)
    expect(store.upcoming).toBe(2);
    const model = new SessionModel();
    model.connected();
    const ev = new ReplyParser().push('250 ok\r\n').find((e) => e.kind === 'reply');
    if (ev?.kind !== 'reply') throw new Error('no reply');
    store.add(reportReply(store.upcoming, model.received(ev.reply))); // one explained
    expect(store.get(2)?.n).toBe(2);
    expect(store.take()).toBe(3);
  });
});

describe('BridgeReach', () => {
  it('is ready to dial only once the bridge said hello on the WebSocket open now', () => {
    const reach = new BridgeReach(() => undefined);
    expect(reach.ready).toBe(false);
    reach.opened();
    expect(reach.ready).toBe(false);
    reach.hello();
    expect(reach.ready).toBe(true);
    reach.down();
    expect([reach.ready, reach.reached]).toEqual([false, true]);
    reach.opened(); // reached again: not ready until its hello
    expect(reach.ready).toBe(false);
    reach.hello();
    expect(reach.ready).toBe(true);
  });

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no spread: each gap as written
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('tries nothing before the WebSocket ever opened (a refused first handshake is for the user to see)', () => {
    const open = vi.fn();
    const reach = new BridgeReach(open);
    reach.down();
    vi.advanceTimersByTime(60_000);
    expect(open).not.toHaveBeenCalled();
    expect(reach.lost).toBe(false);
  });

  it('tries again after growing gaps, up to twenty times, and a hello starts the count over', () => {
    const open = vi.fn();
    const reach = new BridgeReach(open);
    reach.opened();
    expect(reach.hello()).toEqual({ back: false, first: true });
    expect(reach.reached).toBe(true);
    reach.down();
    expect(reach.lost).toBe(true);
    vi.advanceTimersByTime(999);
    expect(open).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1);
    expect(open).toHaveBeenCalledTimes(1);
    reach.down(); // that try failed: the next after 2 s, then 4 s
    vi.advanceTimersByTime(1999);
    expect(open).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(open).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 30; i++) {
      reach.down();
      vi.advanceTimersByTime(30_000);
    }
    expect(open).toHaveBeenCalledTimes(20);
    // Reached again (by Connect): back, and lost again later it is tried again from the first gap.
    expect(reach.hello()).toEqual({ back: true, first: false });
    expect(reach.lost).toBe(false);
    reach.down();
    vi.advanceTimersByTime(1000);
    expect(open).toHaveBeenCalledTimes(21);
  });
});

describe('Dial', () => {
  it('says which addresses did not take the connection before the one that did, once', () => {
    const dial = new Dial();
    dial.connecting('mx.example.org', 25);
    dial.addressFailed('2001:db8::25 did not take the connection (ETIMEDOUT): trying the next address');
    const note = dial.connected('192.0.2.25');
    expect(note).toContain('2001:db8::25 did not take the connection, 192.0.2.25 did');
    expect(dial.connected('192.0.2.25')).toBeNull();
  });

  it('tells an address this machine has no route to apart, and forgets failures of an earlier dial', () => {
    const dial = new Dial();
    dial.connecting('mx.example.org', 25);
    dial.addressFailed('2001:db8::25 did not take the connection (ENETUNREACH): trying the next address');
    expect(dial.connected('192.0.2.25')).toContain('could not be reached from this machine (no route: its network has no IPv6)');
    dial.addressFailed('192.0.2.26 did not take the connection (ECONNREFUSED)');
    dial.connecting('mx.example.org', 25);
    expect(dial.connected('192.0.2.25')).toBeNull();
  });

  it('explains a failure by what was dialled: the port, and the IP version asked for', () => {
    const dial = new Dial();
    dial.asked(null, false);
    dial.connecting('mx.example.org', 25);
    expect(dial.failure('TIMEOUT', 'timed out', false)?.title).toBe('no answer on port 25: often blocked on the way');
    dial.asked(6, false);
    expect(dial.failure('DNS_NOT_FOUND', 'ENOTFOUND', false)?.title).toBe('no IPv6 address');
    expect(dial.target).toEqual({ host: 'mx.example.org', port: 25, tls: false, family: 6 });
  });
});

describe('PracticeTrail (/log)', () => {
  function exchange(model: SessionModel, text: string) {
    const ev = new ReplyParser().push(text).find((e) => e.kind === 'reply');
    if (ev?.kind !== 'reply') throw new Error('no reply');
    return model.received(ev.reply);
  }

  it('asks for a connection to the practice server before there was one', () => {
    const shown = new PracticeTrail().show(PRACTICE);
    expect(shown.lines).toBeNull();
    expect(plain(shown.text)).toContain('connect to it first');
  });

  it('keeps a connection to its SMTP side in Postfix\'s form, and one to its LMTP side in Dovecot\'s, with its Message-ID', () => {
    const trail = new PracticeTrail();
    const model = new SessionModel();
    trail.connected(PRACTICE, PRACTICE.host, PRACTICE.port, 1000);
    model.connected();
    trail.exchange(exchange(model, '220 practice.test ESMTP\r\n'), 1001);
    expect(plain(trail.show(PRACTICE).text)).toContain('log of your connection, so far');
    trail.closed(2000);
    const shown = trail.show(PRACTICE);
    expect(shown.lines?.[0]).toMatch(/connect from localhost\[127\.0\.0\.1\]$/);
    expect(shown.lines?.at(-1)).toMatch(/disconnect from localhost\[127\.0\.0\.1\]/);

    // A message written before (its header section ended): the next message's header is read after the next command.
    trail.written('Subject: earlier', 'message-text');
    trail.written('', 'message-text');
    const lmtp = new SessionModel();
    trail.connected(PRACTICE, PRACTICE.host, PRACTICE.lmtpPort, 3000);
    lmtp.connected();
    trail.exchange(exchange(lmtp, '220 practice.test LMTP\r\n'), 3001);
    for (const [line, reply] of [
      ['LHLO mx.example.org', '250 practice.test\r\n'],
      ['MAIL FROM:<a@example.org>', '250 2.1.0 Accepted\r\n'],
      ['RCPT TO:<alice@practice.test>', '250 2.1.5 Accepted\r\n'],
      ['DATA', '354 go ahead\r\n'],
    ] as const) {
      lmtp.sent(line);
      trail.written(line, 'command');
      trail.exchange(exchange(lmtp, reply), 3002);
    }
    // The Message-ID of the message written, not one quoted in a command.
    for (const line of ['Message-ID: <m1@example.org>', 'Subject: x', '', 'Message-ID: <in-the-body@example.org>', '.']) {
      const kind = lmtp.kindOfNextLine(line);
      lmtp.sent(line);
      trail.written(line, kind);
    }
    trail.written('Message-ID: <typed-as-a-command@example.org>', 'command');
    trail.exchange(exchange(lmtp, '250 2.0.0 <alice@practice.test> 3A0009 Saved\r\n'), 3003);
    const after = trail.show(PRACTICE);
    expect(plain(after.text)).toContain("log of your connection, so far, to its LMTP side, in the format of Dovecot's LMTP");
    expect(after.lines).toEqual([
      expect.stringMatching(/ practice dovecot: lmtp\(3002\): Connect from 127\.0\.0\.1$/),
      expect.stringMatching(/ practice dovecot: lmtp\(alice@practice\.test\)<3002><3A0009>: msgid=<m1@example\.org>: saved mail to INBOX$/),
    ]);
  });

  it('does not follow a server elsewhere, and a connection there ends the one kept', () => {
    const trail = new PracticeTrail();
    trail.connected(PRACTICE, PRACTICE.host, PRACTICE.port, 1000);
    trail.connected(PRACTICE, '192.0.2.25', 25, 2000);
    expect(plain(trail.show(PRACTICE).text)).toContain('log of your last connection,');
    trail.connected(null, PRACTICE.host, PRACTICE.port, 3000);
    expect(plain(trail.show(PRACTICE).text)).toContain('log of your last connection,');
  });
});

describe('ExplainDesk', () => {
  function setUp() {
    const written: string[] = [];
    const logged: LogEntry[] = [];
    const explained: number[][] = [];
    const verifying: string[] = [];
    const reports = new ReportStore();
    const desk = new ExplainDesk({
      write: (text) => written.push(plain(text)),
      focus: () => undefined,
      takeLine: () => null,
      reports,
      log: { add: (entry) => logged.push(entry) },
      explained: (codes) => explained.push(codes),
      verifyDkim: (text) => verifying.push(text),
    });
    return { written, logged, explained, reports, desk, verifying };
  }

  it("hands a message's header fields pasted with its body to be verified (DKIM), after reading them", () => {
    const { logged, desk, verifying } = setUp();
    const message = 'Authentication-Results: mx.example.com; dkim=fail header.d=example.org\nDKIM-Signature: v=1; d=example.org\nFrom: a@example.org\n\nthe body\n';
    desk.pasted({ text: message, from: null });
    expect(logged.map((e) => Object.keys(e))).toEqual([['headers']]);
    expect(verifying).toEqual([message]);
  });

  it('explains a quoted reply numbered after the replies received, and tells the lesson its code', async () => {
    const { written, logged, explained, reports, desk } = setUp();
    reports.take();
    reports.take();
    desk.begin('550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown');
    await Promise.resolve();
    expect(reports.get(3)?.reply.code).toBe(550);
    expect(logged).toHaveLength(1);
    expect(written.join('')).toContain('[3]');
    expect(explained).toEqual([[550]]);
    expect(reports.upcoming).toBe(4);
  });

  it('gathers the lines of a paste that began with /explain and reads them together, sending none', async () => {
    const { written, explained, desk } = setUp();
    desk.begin('');
    expect(desk.gather('220 mx.example.org ESMTP')).toBe(true);
    expect(desk.gather('EHLO me')).toBe(true);
    expect(desk.gather('250 mx.example.org')).toBe(true);
    await Promise.resolve();
    expect(desk.gather('not part of it')).toBe(false);
    expect(written.join('')).toContain('explained transcript');
    expect(explained).toEqual([[220, 250]]);
  });

  it('says how to use /explain when nothing came with it, and what it could not read', async () => {
    const { written, explained, desk } = setUp();
    desk.begin('');
    await Promise.resolve();
    desk.begin('no code here');
    await Promise.resolve();
    expect(written[0]).toContain('/explain needs a reply to explain');
    expect(written[1]).toContain('no reply code in "no code here"');
    expect(explained).toEqual([[], []]);
  });
});

describe('Connector: what the page connects to, and when', () => {
  /** A connector whose parts record what was asked of them; `open`: whether the page's WebSocket takes messages. */
  function connector(opts: { open: boolean; ready?: boolean; form?: Partial<ConnectTarget>; dialled?: Partial<ConnectTarget> }) {
    const sent: unknown[] = [];
    const written: string[] = [];
    const calls: string[] = [];
    let shown: Partial<ConnectTarget> = opts.form ?? { host: PRACTICE.host, port: PRACTICE.port, tls: false, family: null };
    const c = new Connector({
      write: (text) => written.push(plain(text).replace(/\r\n/g, '\n')),
      focus: () => calls.push('focus'),
      send: (m) => {
        if (opts.open) sent.push(m);
        return opts.open;
      },
      reopen: () => calls.push('reopen'),
      form: {
        peek: () => shown,
        read: () => (shown.host === undefined || shown.port === undefined ? null : { host: shown.host, port: shown.port, tls: shown.tls === true, family: shown.family ?? null }),
        prefill: (t) => {
          shown = { ...shown, ...t };
          return true;
        },
        lock: (t) => {
          shown = t;
          calls.push('lock');
        },
        setState: (s) => calls.push(`form ${s}`),
      },
      dial: { asked: (family, tls) => calls.push(`asked ${family} ${tls}`), target: opts.dialled ?? {} },
      reach: { reached: true, ready: opts.ready ?? opts.open },
      status: { reaching: () => calls.push('status reaching') },
      session: { dialling: () => calls.push('dialling'), model: new SessionModel() },
      hint: { show: () => calls.push('hint shown'), hide: () => calls.push('hint hidden') },
      lessonBar: { visible: false },
      guide: { start: (l) => `lesson ${l.id}\n`, stop: () => '' },
      desk: { lessonStarted: (l) => calls.push(`desk ${l.id}`) },
      practiceOnly: () => false,
    });
    c.practice = PRACTICE;
    return { c, sent, written, calls, form: () => shown };
  }
  const lesson = (id: string): Lesson => findLesson(id) ?? expect.unreachable(`no lesson ${id}`);

  it('dials when the bridge takes the message; else keeps the target for its hello, and Disconnect forgets it', () => {
    const up = connector({ open: true });
    up.c.connectTo({ host: 'mx.example.org', port: 465, tls: true, family: 6 });
    expect(up.sent).toEqual([{ type: 'connect', host: 'mx.example.org', port: 465, tls: 'implicit', family: 6 }]);
    expect([up.c.state, up.c.afterReopen]).toEqual(['connecting', null]);
    expect(up.calls).toEqual(['asked 6 true', 'dialling', 'form connecting', 'focus']);

    const down = connector({ open: false });
    const target = { host: 'mx.example.org', port: 25, tls: false, family: null };
    down.c.connectTo(target);
    expect([down.c.state, down.c.afterReopen, down.sent]).toEqual(['connecting', target, []]);
    expect(down.written).toEqual(['-- reaching the heloterm bridge again…\n']);
    expect(down.calls).toContain('reopen');
    down.c.disconnect();
    expect([down.c.state, down.c.afterReopen, down.sent]).toEqual(['idle', null, []]);

    // The WebSocket open again but the bridge's hello not come yet: the form may hold a restarted bridge's old
    // practice port, so the target is kept for the hello (which moves it to the new port), not sent.
    const early = connector({ open: true, ready: false });
    early.c.connectTo(target);
    expect([early.c.state, early.c.afterReopen, early.sent]).toEqual(['connecting', target, []]);
  });

  it("starts a lesson on the practice server's side it is written for, and refuses it over a session on another side", () => {
    // The form at the practice server's SMTP side, nothing open: lesson 13 (LMTP) points it at the LMTP side and dials.
    const idle = connector({ open: true });
    idle.c.startLesson(lesson('lmtp'), true);
    expect(idle.form()).toMatchObject({ host: PRACTICE.host, port: PRACTICE.lmtpPort, tls: false });
    expect(idle.sent).toEqual([{ type: 'connect', host: PRACTICE.host, port: PRACTICE.lmtpPort, tls: 'none' }]);
    expect(idle.written).toEqual(['lesson lmtp\n']);
    expect(idle.calls).toContain('desk lmtp');

    // Connected to the SMTP side: the LMTP lesson is not this session's; the form stays where it is.
    const open = connector({ open: true, dialled: { host: PRACTICE.host, port: PRACTICE.port, tls: false } });
    open.c.state = 'connected';
    open.c.startLesson(lesson('lmtp'), true);
    expect(open.written).toEqual([`-- lesson "LMTP" is for the practice server's LMTP side: end this connection (QUIT, or Disconnect), then start it again\n`]);
    expect([open.sent, open.form().port, open.calls.includes('desk lmtp')]).toEqual([[], PRACTICE.port, false]);

    // Elsewhere than the practice server: started, with a word on the addresses; a typed /lesson does not dial.
    const away = connector({ open: true, form: { host: 'mx.example.org', port: 25, tls: false } });
    away.c.startLesson(lesson('eight-steps'), false);
    expect(away.written).toEqual(['-- the lessons are written for the practice server (practice.test): its addresses may not work elsewhere\n', 'lesson eight-steps\n']);
    expect(away.sent).toEqual([]);
  });

  it('does what a button asks right after Disconnect once the bridge says the connection closed: the last one pressed', () => {
    const smtp = { host: PRACTICE.host, port: PRACTICE.port, tls: false };
    const open = (): ReturnType<typeof connector> => {
      const c = connector({ open: true, dialled: smtp });
      c.c.state = 'connected';
      return c;
    };
    // Without Disconnect pending, a side's button says to close first, and a lesson starts on the open session.
    const busy = open();
    busy.c.connectToSide('lmtp');
    expect(busy.written).toEqual(['-- close this connection first (QUIT, or Disconnect), then press the button again\n']);
    busy.c.startLesson(lesson('eight-steps'), true);
    expect(busy.written.at(-1)).toBe('lesson eight-steps\n');
    expect(busy.sent).toEqual([]);

    // After Disconnect: the lesson waits for the close (nothing said, nothing started), then starts and dials.
    const lessonNext = open();
    lessonNext.c.disconnect();
    lessonNext.c.startLesson(lesson('lmtp'), true);
    expect(lessonNext.written).toEqual([]);
    expect(lessonNext.sent).toEqual([{ type: 'disconnect' }]);
    lessonNext.c.closed();
    expect(lessonNext.written).toEqual(['lesson lmtp\n']);
    expect(lessonNext.sent.at(-1)).toEqual({ type: 'connect', host: PRACTICE.host, port: PRACTICE.lmtpPort, tls: 'none' });
    expect(lessonNext.c.state).toBe('connecting');

    // A side's button pressed after a lesson's: the side only.
    const sideLast = open();
    sideLast.c.disconnect();
    sideLast.c.startLesson(lesson('eight-steps'), true);
    sideLast.c.connectToSide('tls');
    sideLast.c.closed();
    expect(sideLast.written).toEqual([]);
    expect(sideLast.sent.at(-1)).toEqual({ type: 'connect', host: PRACTICE.host, port: PRACTICE.tlsPort, tls: 'implicit' });

    // A close the bridge reports without Disconnect pressed (the server hung up) does nothing asked before.
    const hungUp = open();
    hungUp.c.closed();
    expect([hungUp.c.state, hungUp.sent]).toEqual(['idle', []]);

    // The bridge lost before it said the connection closed (the form idle again): what was asked is forgotten, and a
    // later connection's close does not do it.
    const lost = open();
    lost.c.disconnect();
    lost.c.startLesson(lesson('lmtp'), true);
    lost.c.setState('idle');
    lost.c.state = 'connected';
    lost.c.closed();
    expect([lost.written, lost.sent]).toEqual([[], [{ type: 'disconnect' }]]);
  });
});
