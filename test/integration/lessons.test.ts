/**
 * Every guided lesson, played through the real bridge against the real practice server, typing exactly the lines
 * the lesson tells the trainee to type: each step must pass in order, with no "not this step yet" on the way, and
 * the lesson must end. This is what keeps the catalogue (data) true to the practice server it is written for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { practiceLmtpLog } from '../../shared/practice/lmtp-log.js';
import { LESSONS } from '../../shared/lessons/catalogue.js';
import { LessonRun, type LessonEvent } from '../../shared/lessons/lesson.js';
import { GREYLIST_SECONDS, SLOW_MAILBOX } from '../../shared/practice/trouble.js';
import { practicePortOf } from '../../shared/practice/sides.js';
import { practiceServerLog, type LogEntry } from '../../shared/practice/server-log.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Exchange } from '../../shared/smtp/session-state.js';
import { explainQuoted } from '../../shared/smtp/report.js';
import { WsTestClient } from '../helpers/ws-client.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { readFileSync } from 'node:fs';
import { readLessonFile } from '../../shared/lessons/lesson-file.js';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';

let app: Heloterm;
let client: WsTestClient;

/** The practice server's greylisting delay in these tests, in ms (a step's `wait` is scaled down to it). */
const GREYLIST_MS = 200;
/** How long the practice server takes to accept slow@ in these tests, in ms. */
const SLOW_MS = 100;

beforeEach(async () => {
  app = await startHeloterm({ port: 0, log: () => undefined, practice: { greylistMs: GREYLIST_MS, slowMs: SLOW_MS } });
  client = await WsTestClient.open(app.url);
});

afterEach(async () => {
  await client.close();
  await app.close();
});

/** Plays `run`'s lesson from a new connection; returns every event, and the replies' codes in order. */
async function play(run: LessonRun): Promise<{ events: LessonEvent[]; codes: number[]; exchanges: Exchange[] }> {
  const model = new SessionModel();
  const events: LessonEvent[] = [...run.start(false)];
  const codes: number[] = [];
  const exchanges: Exchange[] = [];
  const receive = async (): Promise<void> => {
    const reply = await client.nextReply();
    codes.push(reply.code);
    const ex = model.received(reply);
    exchanges.push(ex);
    events.push(...run.afterReply(ex));
  };
  const practice = (await client.next('hello')).practice!;
  const { target } = run.lesson;
  client.send({ type: 'connect', host: practice.host, port: practicePortOf(practice, target ?? 'smtp'), tls: target === 'tls' ? 'implicit' : 'none' });
  await client.next('connected');
  model.connected(target === 'tls');
  await receive();
  while (!run.finished) {
    const step = run.current!;
    const at = run.index;
    expect(step.type.length, `step "${step.task}" gives lines to type`).toBeGreaterThan(0);
    if ('local' in step.expect) {
      // heloterm's own command (/log, /explain, /tls versions, /tls mx, /smuggling), done by the page, not sent: the page tells the lesson
      // it was done, /explain the code of the reply it explained; /tls versions once the bridge answered its probe.
      expect(step.type).toHaveLength(1);
      const line = step.type[0] ?? '';
      expect(localCommand(line, model.state)?.kind).toBe(step.expect.local);
      if (step.expect.local === 'tls-versions') {
        client.send({ type: 'tlsversions', host: practice.host, port: practice.port, tls: 'none' });
        const answer = (await client.next('tlsversions', 10_000)).answer;
        // What the step's text says of the practice server.
        expect(answer.kind === 'probed' ? answer.versions.map((v) => `${v.version} ${v.outcome}`) : answer).toEqual(['TLSv1 refused', 'TLSv1.1 refused', 'TLSv1.2 accepted', 'TLSv1.3 accepted']);
      }
      if (step.expect.local === 'tls-mx') {
        const typed = localCommand(line, model.state);
        client.send({ type: 'mxtls', domain: typed?.kind === 'tls-mx' ? typed.domain : '' });
        const answer = (await client.next('mxtls', 10_000)).answer;
        // What the step's text says of the practice server: TLS, its self-signed certificate not verified.
        expect(answer.kind === 'probed' ? answer.hosts.map((h) => [h.host, h.outcome, h.tls?.authorized, h.tls?.certificate?.selfIssued]) : answer).toEqual([['practice.test', 'tls', false, true]]);
      }
      if (step.expect.local === 'smuggling') {
        const typed = localCommand(line, model.state);
        const to = typed?.kind === 'smuggling' ? typed.to : '';
        client.send({ type: 'smuggling', host: practice.host, port: practice.port, to, from: '' });
        const answer = (await client.next('smuggling', 10_000)).answer;
        // What the step's text says of the practice server: each sequence message text.
        expect(answer.kind === 'probed' ? answer.sequences.map((o) => `${o.sequence} ${o.outcome}`) : answer).toEqual(['LF.LF text', 'LF.CRLF text', 'CRLF.LF text', 'CR.CRLF text']);
      }
      const explained = step.expect.local === 'explain' ? explainQuoted(1, line.slice('/explain '.length)) : null;
      events.push(...run.afterLocal(step.expect.local, explained === null ? [] : [explained.reply.code]));
      if (run.index === at) throw new Error(`step ${at + 1} ("${step.task}") did not pass`);
      continue;
    }
    // A step that says to wait (a greylisted retry) waits as long, scaled to the test's practice server.
    if (step.wait !== undefined) await new Promise((r) => setTimeout(r, (step.wait! / GREYLIST_SECONDS) * GREYLIST_MS + 50));
    // Every line that awaits a reply gets it (a step may give several commands, pipelined; in LMTP the final "." gets
    // one per recipient).
    for (const line of step.type) {
      client.line(line);
      expect((await client.next('tx')).text).toBe(line);
      const before = model.state;
      const kind = model.sent(line);
      events.push(...run.afterSend(line, kind, before));
    }
    while (model.unanswered.length > 0) await receive();
    // After STARTTLS's 220 the bridge does the handshake; the session starts over (RFC 3207 §4.2).
    if (codes.at(-1) === 220 && step.type.includes('STARTTLS')) {
      await client.next('tls');
      model.tlsEstablished();
    }
    if (run.index === at) throw new Error(`step ${at + 1} ("${step.task}") did not pass; the replies so far: ${codes.join(' ')}`);
  }
  return { events, codes, exchanges };
}

describe('the guided lessons against the practice server', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: every step passes in order, typing what it says', async (_id, lesson) => {
    const { events } = await play(new LessonRun(lesson));
    expect(events.filter((e) => e.kind === 'retry')).toEqual([]);
    const passed = events.flatMap((e) => (e.kind === 'passed' ? [e.index] : []));
    expect(passed).toEqual(lesson.steps.map((_, i) => i));
    expect(events.at(-1)).toMatchObject({ kind: 'finished', lesson: { id: lesson.id } });
    expect(client.all('error')).toEqual([]);
  });

  // The example lesson file docs/lessons.md shows plays too, as a class's own lessons must.
  const example = readLessonFile(JSON.parse(readFileSync(new URL('../../docs/lessons.example.json', import.meta.url), 'utf8')), LESSONS);
  it.each(('lessons' in example ? example.lessons : []).map((l) => [l.id, l] as const))('%s (docs/lessons.example.json): every step passes in order', async (_id, lesson) => {
    const { events } = await play(new LessonRun(lesson));
    expect(events.filter((e) => e.kind === 'retry')).toEqual([]);
    expect(events.flatMap((e) => (e.kind === 'passed' ? [e.index] : []))).toEqual(lesson.steps.map((_, i) => i));
    expect(client.all('error')).toEqual([]);
  });

  it('the first lesson delivers its message to alice, the second only to bob', async () => {
    await play(new LessonRun(LESSONS[0]!));
    await client.close();
    client = await WsTestClient.open(app.url);
    await play(new LessonRun(LESSONS[1]!));
    expect(app.practice!.messages.map((m) => ({ to: m.to, subject: m.subject }))).toEqual([
      { to: ['alice@practice.test'], subject: 'hello from heloterm' },
      { to: ['bob@practice.test'], subject: 'for bob' },
    ]);
  });

  it('the seventh lesson sends a message with From: and Date: to the slow mailbox and the two named in one go', async () => {
    const lesson = LESSONS.find((l) => l.id === 'waiting')!;
    const { codes } = await play(new LessonRun(lesson));
    // 220, EHLO, MAIL, slow@, the two pipelined RCPTs, DATA, the message, QUIT.
    expect(codes).toEqual([220, 250, 250, 250, 250, 250, 354, 250, 221]);
    const [m] = app.practice!.messages;
    expect(m?.to).toEqual([`${SLOW_MAILBOX}@practice.test`, 'alice@practice.test', 'bob@practice.test']);
    // As stored: the trace lines the server puts first (RFC 5321 §4.4), then the message as typed.
    expect(m?.raw).toMatch(/^Return-Path: <trainee@example\.org>\r\nReceived: from trainee \(\[127\.0\.0\.1\]\)\r\n\tby practice\.test \(heloterm practice server\) with ESMTP id 3A[0-9A-F]{4,};\r\n\t\w{3}, \d\d? \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\nFrom: Trainee <trainee@example\.org>\r\nDate: /);
  });

  it('the server-log lesson: /log shows the lines its last step names, and QUIT does not start it over', async () => {
    const lesson = LESSONS.find((l) => l.id === 'server-log')!;
    const run = new LessonRun(lesson);
    const { events, exchanges } = await play(run);
    // The connection closed after QUIT, before /log: the lesson goes on.
    expect(run.connectionClosed()).toEqual([]);
    expect(events.at(-1)).toMatchObject({ kind: 'finished' });
    // The log the page shows for it, from the same dialog and the message the practice server stored.
    const stored = client.all('stored');
    expect(stored).toHaveLength(1);
    const trail: LogEntry[] = [{ kind: 'connect', at: 0 }];
    for (const ex of exchanges) {
      trail.push({ kind: 'exchange', ex, at: 1 });
      if (ex.kind === 'end-of-data') trail.splice(-1, 0, { kind: 'stored', n: stored[0]!.n });
    }
    trail.push({ kind: 'close', at: 2 });
    const log = practiceServerLog(trail, 'localhost[127.0.0.1]', 2001, 1).join('\n');
    const last = lesson.steps.at(-1)!.learn;
    for (const [named, line] of [
      ['connect from', /: connect from localhost\[127\.0\.0\.1\]$/m],
      ['NOQUEUE reject', /: NOQUEUE: reject: RCPT from localhost\[127\.0\.0\.1\]: 550 5\.1\.1 .*to=<nobody@practice\.test>/m],
      ['client=', /: 3A[0-9A-F]+: client=localhost\[127\.0\.0\.1\]$/m],
      ['rcpt=1/2', /: disconnect from localhost\[127\.0\.0\.1\] .*\brcpt=1\/2\b/m],
    ] as const) {
      expect(last).toContain(named);
      expect(log).toMatch(line);
    }
  });

  it('the bounce lesson: the message is bounced to its sender, with the reply its /explain step names', async () => {
    const lesson = LESSONS.find((l) => l.id === 'bounce')!;
    const { exchanges } = await play(new LessonRun(lesson));
    const [stored] = client.all('stored');
    const [report] = stored?.reports ?? [];
    expect(stored?.reports).toHaveLength(1);
    expect(report).toMatchObject({ action: 'failed', recipients: ['gone@practice.test'], n: stored!.n + 1, cut: false });
    // The bounce the practice server kept: to the envelope sender, from the null sender, a delivery status report.
    const bounce = app.practice!.messages.find((m) => m.n === report!.n)!;
    expect(bounce).toMatchObject({ from: '', to: ['trainee@example.org'], subject: 'Undelivered Mail Returned to Sender' });
    expect(report!.text).toBe(bounce.raw);
    const unfolded = bounce.raw.replace(/\r\n[ \t]+/g, ' ');
    const explained = lesson.steps.find((st) => st.type[0]?.startsWith('/explain '))!.type[0]!.slice('/explain '.length);
    expect(unfolded).toContain(`Diagnostic-Code: smtp; ${explained}\r\n`);
    // Signed as practice.test (DKIM), with the key the bridge gives for the practice domain: mailauth's verifier agrees.
    const key = (await app.practice!.dkim())!;
    expect(lesson.steps.at(-1)!.type).toEqual(['/dkim verify']);
    const verified = await dkimVerify(bounce.raw, {
      resolver: (async (name: string) => (name === `${key.selector}._domainkey.practice.test` ? [[key.record]] : Promise.reject(Object.assign(new Error(name), { code: 'ENOTFOUND' })))) as never,
    });
    expect(verified.results.map((r) => [r.signingDomain, r.selector, r.status.result])).toEqual([['practice.test', 'practice', 'pass']]);
    expect(unfolded).toMatch(/^Final-Recipient: rfc822; gone@practice\.test\r\n.*^Action: failed\r\n^Status: 5\.1\.1\r\n/ms);
    // The /log of that session: the delivery that bounced, and the bounce's own queue id.
    const trail: LogEntry[] = [{ kind: 'connect', at: 0 }];
    for (const ex of exchanges) {
      if (ex.kind === 'end-of-data') trail.push({ kind: 'stored', n: stored!.n, reports: stored!.reports! });
      trail.push({ kind: 'exchange', ex, at: 1 });
    }
    const log = practiceServerLog(trail, 'localhost[127.0.0.1]', 2001, 1).join('\n');
    const id = (n: number): string => (0x3a0000 + n).toString(16).toUpperCase();
    expect(log).toContain(`postfix/smtp[2002]: ${id(stored!.n)}: to=<gone@practice.test>, relay=mailbox.practice.test[192.0.2.25]:25,`);
    expect(log).toContain(`status=bounced (host mailbox.practice.test[192.0.2.25] said: ${explained} (in reply to RCPT TO command))`);
    expect(log).toContain(`postfix/bounce[2003]: ${id(stored!.n)}: sender non-delivery notification: ${id(report!.n!)}`);
  });

  it("answers a DKIM key lookup at the practice domain itself (not in DNS): the practice server's key for its selector, none for another", async () => {
    await client.next('hello');
    const key = (await app.practice!.dkim())!;
    expect(key.record).toMatch(/^v=DKIM1; k=rsa; p=MII[A-Za-z0-9+/]+=*$/);
    client.send({ type: 'dkim', selector: 'practice', domain: 'practice.test' });
    expect(await client.next('dkim')).toMatchObject({ selector: 'practice', domain: 'practice.test', answer: { kind: 'records', records: [key.record], count: 1 } });
    client.send({ type: 'dkim', selector: 'other', domain: 'practice.test' });
    expect((await client.next('dkim')).answer).toEqual({ kind: 'none' });
  });

  it('the DSN lesson: a delivery report for alice, with its ENVID and the header only, and no bounce for gone@', async () => {
    const lesson = LESSONS.find((l) => l.id === 'dsn')!;
    await play(new LessonRun(lesson));
    const [stored] = client.all('stored');
    expect(stored?.reports).toEqual([
      { action: 'failed', recipients: ['gone@practice.test'], n: null, unsent: 'notify', text: '', cut: false },
      { action: 'delivered', recipients: ['alice@practice.test'], n: stored!.n + 1, text: expect.any(String), cut: false },
    ]);
    const report = stored!.reports![1]!.text;
    expect(report).toContain('Subject: Successful Mail Delivery Report');
    expect(report).toMatch(/\r\nOriginal-Envelope-Id: lesson11\r\n/);
    expect(report).toMatch(/\r\nAction: delivered\r\nStatus: 2\.0\.0\r\n/);
    // RET=HDRS: the header comes back, not the message's text.
    expect(report).toContain('Content-Type: text/rfc822-headers');
    expect(report).not.toContain('Hello, Alice.');
    // What the lesson's last step says happened is what happened.
    expect(lesson.steps.at(-2)!.learn).toMatch(/Action: delivered.*no bounce goes back/);
  });

  it('the LMTP lesson: on the practice server\'s LMTP side, the final "." answered for alice and then for full@', async () => {
    const lesson = LESSONS.find((l) => l.id === 'lmtp')!;
    const { exchanges } = await play(new LessonRun(lesson));
    expect(client.all('connected')[0]?.port).toBe(app.practice?.info.lmtpPort);
    const ends = exchanges.filter((e) => e.kind === 'end-of-data');
    expect(ends.map((e) => [e.reply.code, e.reply.enhanced?.text, e.lmtp?.recipient])).toEqual([
      [250, '2.6.0', 'alice@practice.test'],
      [552, '5.2.2', 'full@practice.test'],
    ]);
    expect(client.all('stored').map((m) => m.to)).toEqual([['alice@practice.test']]);
    // What the lesson's message step says happened is what happened.
    expect(lesson.steps.at(-3)!.learn).toMatch(/^250 for alice: saved\. .*552 5\.2\.2/);
    // And its /log step: the log in Dovecot's form has the two lines it names.
    const lines = practiceLmtpLog([{ kind: 'connect', at: 0 }, ...exchanges.map((ex) => ({ kind: 'exchange' as const, ex, at: 0 }))], '127.0.0.1', 1);
    expect(lines.filter((l) => / lmtp\((alice|full)@practice\.test\)/.test(l)).map((l) => l.replace(/^.*?: msgid=\S+: /, ''))).toEqual([
      'saved mail to INBOX',
      'save failed to INBOX: Quota exceeded (mailbox for user is full)',
    ]);
    expect(lesson.steps.at(-1)!.learn).toMatch(/"saved mail to INBOX" for alice and "save failed to INBOX: Quota exceeded" for full@/);
  });

  it('says "not yet" when a step\'s command gets another reply, and the step stays in hand', async () => {
    const run = new LessonRun(LESSONS[0]!);
    const model = new SessionModel();
    run.start(false);
    const practice = (await client.next('hello')).practice!;
    client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
    model.connected();
    run.afterReply(model.received(await client.nextReply()));
    // MAIL before HELO: the practice server says 503, which is not this step's (HELO's) business...
    client.line('MAIL FROM:<trainee@example.org>');
    model.sent('MAIL FROM:<trainee@example.org>');
    expect(run.afterReply(model.received(await client.nextReply()))).toEqual([]);
    client.line('HELO trainee');
    model.sent('HELO trainee');
    run.afterReply(model.received(await client.nextReply()));
    // ...while an unknown recipient's 550 answers the RCPT step's command with the wrong code.
    for (const line of ['MAIL FROM:<trainee@example.org>', 'RCPT TO:<nobody@practice.test>']) {
      client.line(line);
      model.sent(line);
    }
    expect(run.afterReply(model.received(await client.nextReply()))[0]).toMatchObject({ kind: 'passed', index: 2 });
    const refused = run.afterReply(model.received(await client.nextReply()));
    expect(refused).toEqual([expect.objectContaining({ kind: 'retry', index: 3, code: 550 })]);
    expect(run.index).toBe(3);
  });
});
