/**
 * The guided lessons, written for the embedded practice server (domain practice.test, mailboxes alice, bob, carol
 * and postmaster, and the four that misbehave on purpose, shared/practice/trouble.ts; see
 * server/practice/practice-server.ts). Data only (lesson.ts runs them). Each lesson is played
 * through against the real practice server, typing exactly the lines given here, in
 * test/integration/lessons.test.ts.
 */
import { FULL_MAILBOX, GONE_MAILBOX, GREYLIST_MAILBOX, GREYLIST_SECONDS, SLOW_MAILBOX, SLOW_SECONDS, goneReply } from '../practice/trouble.js';
import type { Lesson, LessonStep } from './lesson.js';

/** Every lesson starts by connecting; a lesson started while connected passes over it. */
const CONNECT: LessonStep = {
  task: 'Connect to the practice server: press Connect. A server that is ready greets you with 220.',
  type: [],
  expect: { answers: 'greeting', code: 220 },
  learn: '220 is the greeting: the server is ready. A client must wait for it before talking; heloterm holds any line you type until it comes.',
  retry: 'The server is not taking mail right now (a 421 or 554 greeting): connect again later.',
  source: 'RFC 5321 §3.1, §4.2.3',
};

const QUIT: LessonStep = {
  task: 'Say goodbye.',
  type: ['QUIT'],
  expect: { answers: ['QUIT'], code: 221 },
  learn: '221: the server closes the connection. Type /log to see this session as the server logged it, or press Connect to begin a new one.',
  source: 'RFC 5321 §4.1.1.10',
};

const EHLO: LessonStep = {
  task: 'Introduce yourself with EHLO and a name for your computer.',
  type: ['EHLO trainee'],
  expect: { answers: ['EHLO', 'HELO'], code: 250 },
  learn: '250: the server knows who is talking, and a mail transaction may begin.',
  source: 'RFC 5321 §4.1.1.1',
};

const MAIL_FROM: LessonStep = {
  task: 'Name the envelope sender: the address any bounce would go back to.',
  type: ['MAIL FROM:<trainee@example.org>'],
  expect: { answers: ['MAIL'], code: 250 },
  learn: '250 after MAIL: a mail transaction has begun with this sender. Real servers may refuse a sender they do not trust (550, 553).',
  retry: 'Put the address in angle brackets, as shown; if the server says 503, say EHLO first.',
  source: 'RFC 5321 §4.1.1.2',
};

const DATA: LessonStep = {
  task: 'Ask to send the message text.',
  type: ['DATA'],
  expect: { answers: ['DATA'], code: 354 },
  learn: '354: go ahead, end with a line holding only ".".',
  source: 'RFC 5321 §4.1.1.4',
};

const MESSAGE_TEXT: LessonStep = {
  task: 'Type the message: the body, as many lines as you like, then a line with only "." to end it.',
  type: ['Hello, Alice.', '.'],
  expect: { answers: 'end-of-data', code: 250 },
  learn: '250 after the final ".": the server has taken responsibility for the message. The practice server keeps it and delivers it nowhere.',
  source: 'RFC 5321 §4.1.1.4, §6.1',
};

/** The steps a class's own lesson file may name instead of writing out (lesson-file.ts): "connect", "ehlo", "quit". */
export const STANDARD_STEPS: Readonly<Record<'connect' | 'ehlo' | 'quit', LessonStep>> = { connect: CONNECT, ehlo: EHLO, quit: QUIT };

/**
 * The two header fields every message must have (RFC 5322 §3.6), as lesson 7 teaches them: the lessons after it type
 * them too, rather than the eight steps' bare Subject: line (Tab on the empty first line offers them, filled in).
 */
const FROM_AND_DATE = ['From: Trainee <trainee@example.org>', 'Date: Sun, 29 Nov 2026 18:00:00 +0000'];

/** The message step of a lesson after lesson 7: From:, Date:, a Subject:, an empty line, the body and the final ".". */
function headedMessage(subject: string, body: string, learn: string, source?: string): LessonStep {
  return {
    ...MESSAGE_TEXT,
    task: 'Type the message: From: and Date: (Tab on the empty first line offers them, filled in), a Subject:, an empty line, the body, and a line with only "." to end it.',
    type: [...FROM_AND_DATE, `Subject: ${subject}`, '', body, '.'],
    learn,
    ...(source === undefined ? {} : { source }),
  };
}

export const LESSONS: readonly Lesson[] = [
  {
    id: 'eight-steps',
    title: 'The eight steps: a test message by hand',
    short: 'Eight steps',
    goal: 'Send a message the way the classic "telnet mail.example.com 25" test does, reading each status code.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        task: 'Introduce yourself with HELO and a name for your computer (almost any name will do).',
        type: ['HELO trainee'],
        learn: '250 after HELO: the server knows who is talking. EHLO does the same and also lists what the server supports (lesson 4).',
      },
      MAIL_FROM,
      {
        task: 'Name a recipient.',
        type: ['RCPT TO:<alice@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250 after RCPT: this mailbox will get the message. Repeat RCPT TO for more recipients (lesson 2 shows a refused one).',
        retry: 'The practice server takes mail for alice, bob, carol and postmaster @practice.test; if it says 503, name the sender first.',
        source: 'RFC 5321 §4.1.1.3',
      },
      {
        task: 'Ask to send the message text.',
        type: ['DATA'],
        expect: { answers: ['DATA'], code: 354 },
        learn: '354: from now on the server reads every line you type as the message, until a line with only ".".',
        retry: 'DATA needs an accepted sender and at least one accepted recipient first.',
        source: 'RFC 5321 §4.1.1.4',
      },
      {
        task: 'Type a Subject line, then press Enter on an empty line. The server answers nothing here.',
        type: ['Subject: hello from heloterm', ''],
        expect: { sent: 'end-of-headers' },
        learn: 'The empty line ends the header lines; what follows is the body.',
        source: 'RFC 5322 §2.1',
      },
      MESSAGE_TEXT,
      { ...QUIT, learn: '221: the server closes the connection. You have sent an e-mail by hand, as a mail admin does to test a server.' },
    ],
  },
  {
    id: 'refused-recipient',
    title: 'When a recipient is refused',
    short: 'Refused recipient',
    goal: 'Read a 550 for an unknown mailbox and a 554 for relaying, and see that the transaction goes on for the others.',
    steps: [
      CONNECT,
      EHLO,
      MAIL_FROM,
      {
        task: 'Name a recipient the server does not have.',
        type: ['RCPT TO:<nobody@practice.test>'],
        expect: { answers: ['RCPT'], cls: 5 },
        learn: '550 with 5.1.1: no such mailbox at this domain; point at 5.1.1 for what to do. Only this recipient is refused: the sender stays, and the transaction goes on.',
        retry: 'That one was accepted (or the order is wrong): try a mailbox that does not exist, such as nobody@practice.test.',
        source: 'RFC 5321 §4.2.1, RFC 3463 §3.2',
      },
      {
        task: 'Name a recipient in another domain.',
        type: ['RCPT TO:<someone@example.com>'],
        expect: { answers: ['RCPT'], cls: 5 },
        learn: '554 with 5.7.1, "Relay access denied": Postfix\'s words (others answer 550). A server takes mail for its own domains; passing mail on for anyone else without authentication is how an open relay spreads spam.',
        retry: 'Use an address outside practice.test, such as someone@example.com.',
        source: 'RFC 5321 §3.6.2, §7.1',
      },
      {
        task: 'Now name a recipient that exists.',
        type: ['RCPT TO:<bob@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: one accepted recipient is enough to go on. The message will go only to the recipients that got 250.',
        retry: 'The practice server takes mail for alice, bob, carol and postmaster @practice.test.',
        source: 'RFC 5321 §4.1.1.3',
      },
      {
        task: 'Ask to send the message text.',
        type: ['DATA'],
        expect: { answers: ['DATA'], code: 354 },
        learn: '354: the message text comes next, for bob only.',
        retry: 'DATA needs at least one accepted recipient.',
        source: 'RFC 5321 §4.1.1.4',
      },
      {
        ...MESSAGE_TEXT,
        task: 'Type a Subject line, an empty line, the body, and a line with only "." to end it.',
        type: ['Subject: for bob', '', 'Hello, Bob.', '.'],
        learn: '250: the message is taken for bob. The refused addresses get nothing; a mail program would tell its user they failed.',
        source: 'RFC 5321 §4.1.1.4, §6.1',
      },
      QUIT,
    ],
  },
  {
    id: 'command-order',
    title: 'Commands in order: 503 and RSET',
    short: '503 and RSET',
    goal: 'See what a server says to commands out of order, and how RSET abandons a transaction.',
    steps: [
      CONNECT,
      {
        task: 'Ask for DATA straight away, before anything else.',
        type: ['DATA'],
        expect: { answers: ['DATA'], code: 503 },
        learn: '503 Bad sequence of commands: DATA comes after EHLO, a sender and an accepted recipient. The ✎ line says what this session lacks.',
        retry: 'This lesson wants a 503: ask for DATA before naming a sender and a recipient.',
        source: 'RFC 5321 §4.1.4, §4.2.3',
      },
      EHLO,
      MAIL_FROM,
      {
        task: 'Start a second transaction without finishing the first.',
        type: ['MAIL FROM:<someone-else@example.org>'],
        expect: { answers: ['MAIL'], code: 503 },
        learn: '503: a transaction is open already, and it has one sender. Finish it (DATA) or abandon it (RSET).',
        retry: 'This step wants a 503: send MAIL FROM while a transaction is open.',
        source: 'RFC 5321 §4.1.1.2',
      },
      {
        task: 'Abandon the transaction.',
        type: ['RSET'],
        expect: { answers: ['RSET'], code: 250 },
        learn: '250 after RSET: sender and recipients are forgotten; the session stays open and needs no new EHLO.',
        source: 'RFC 5321 §4.1.1.5',
      },
      {
        task: 'Name a recipient now.',
        type: ['RCPT TO:<alice@practice.test>'],
        expect: { answers: ['RCPT'], code: 503 },
        learn: '503 again: after RSET there is no sender, so a recipient makes no sense. Start over with MAIL FROM.',
        retry: 'This step wants a 503: name a recipient with no transaction open (RSET first).',
        source: 'RFC 5321 §4.1.1.3, §4.1.4',
      },
      QUIT,
    ],
  },
  {
    id: 'starttls',
    title: 'EHLO, extensions and STARTTLS',
    short: 'STARTTLS',
    goal: 'Compare HELO with EHLO, read the extensions a server offers, turn on TLS with STARTTLS, and see that TLS as the servers that send mail meet it.',
    steps: [
      CONNECT,
      {
        task: 'Greet the server the old way, with HELO.',
        type: ['HELO trainee'],
        expect: { answers: ['HELO'], code: 250 },
        learn: 'HELO is the greeting of 1982 (RFC 821): one line back, and no word on what the server can do.',
        source: 'RFC 5321 §4.1.1.1',
      },
      {
        task: 'Now greet it with EHLO.',
        type: ['EHLO trainee'],
        expect: { answers: ['EHLO'], code: 250 },
        learn: 'EHLO lists the extensions, one per line: SIZE (the largest message), 8BITMIME, PIPELINING, STARTTLS, AUTH… Point at a keyword for what it means.',
        source: 'RFC 5321 §4.1.1.1, §2.2',
      },
      {
        task: 'Ask for an encrypted connection.',
        type: ['STARTTLS'],
        expect: { answers: ['STARTTLS'], code: 220 },
        learn: "220 Ready to start TLS: the bridge now does the TLS handshake and lists what the server's certificate says: verified or why not (point at the reason), the names it is for, who issued it, how long it is valid. The practice server's is self-signed on purpose; /tls shows it again.",
        retry: 'STARTTLS needs EHLO first, and works only where EHLO listed STARTTLS.',
        source: 'RFC 3207 §4',
      },
      {
        task: 'Introduce yourself again, over TLS.',
        type: ['EHLO trainee'],
        expect: { answers: ['EHLO'], code: 250, tls: true },
        learn: 'After the handshake the session starts over: the server forgot your EHLO, and now lists what it offers over TLS (STARTTLS is gone).',
        retry: 'This EHLO came before TLS was up: type STARTTLS first.',
        source: 'RFC 3207 §4.2',
      },
      QUIT,
      {
        task: 'See this TLS as the servers that send mail to the domain meet it.',
        type: ['/tls mx practice.test'],
        expect: { local: 'tls-mx' },
        learn: "Each MX host of a domain, as a sending server meets it: STARTTLS, the version, and whether the certificate verifies for the host's name. The practice server's does not (self-signed): most senders deliver over such TLS anyway (opportunistic TLS), but a domain that asks senders to verify, by MTA-STS or DANE, gets no mail at a host like this. /tls mx example.org checks every MX host of a real domain: the backup MX is where TLS breaks.",
        source: 'RFC 8461 §4.2; RFC 7672 §2.2; RFC 7435',
      },
    ],
  },
  {
    id: 'auth',
    title: 'Logging in: AUTH after STARTTLS',
    short: 'AUTH',
    goal: 'Log in by hand as a mail program does on port 587: why the server wants TLS first, and what 535 and 235 say.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        learn: '250: among the extensions, AUTH lists the ways to log in (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256…). Point at AUTH for what each means; for CRAM-MD5, /cram-md5 computes the answer to its challenge, and /scram each message of SCRAM.',
        source: 'RFC 4954 §3',
      },
      {
        task: 'Log in at once, in the clear, as user trainee with password practice. AUTH PLAIN takes both in base64, as "\\0trainee\\0practice" (/base64 \\0trainee\\0practice computes it).',
        type: ['AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U='],
        expect: { answers: ['AUTH'], code: 538 },
        learn: '538: this server takes passwords only over TLS. Base64 is an encoding, not encryption: anyone on the path could read the password.',
        retry: 'This step wants the 538 of a login in the clear: send AUTH before STARTTLS.',
        source: 'RFC 4954 §4, §6',
      },
      {
        task: 'Turn on TLS.',
        type: ['STARTTLS'],
        expect: { answers: ['STARTTLS'], code: 220 },
        learn: '220: the bridge does the TLS handshake; from now on the session is encrypted.',
        retry: 'STARTTLS needs EHLO first.',
        source: 'RFC 3207 §4',
      },
      {
        task: 'Introduce yourself again, over TLS.',
        type: ['EHLO trainee'],
        expect: { answers: ['EHLO'], code: 250, tls: true },
        learn: 'After the handshake the session starts over: EHLO again, and the server lists AUTH once more.',
        retry: 'This EHLO came before TLS was up: type STARTTLS first.',
        source: 'RFC 3207 §4.2',
      },
      {
        task: 'Log in with a wrong password ("\\0trainee\\0guess" in base64).',
        type: ['AUTH PLAIN AHRyYWluZWUAZ3Vlc3M='],
        expect: { answers: ['AUTH'], code: 535 },
        learn: '535 with 5.7.8: the user name or password is wrong. Servers do not say which ("reason unavailable" is Postfix\'s word when Dovecot, which checks its logins, gives none; Dovecot\'s own log says which), and many slow down or block after a few tries.',
        retry: 'This step wants a 535: send the wrong password, over TLS.',
        source: 'RFC 4954 §6, RFC 3463 §3.8',
      },
      {
        task: 'Log in with the right password.',
        type: ['AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U='],
        expect: { answers: ['AUTH'], code: 235 },
        learn: '235: logged in. On a submission server (port 587) this is what lets you send mail to other domains.',
        retry: 'Send the right password over TLS (AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=); a second AUTH after a success gets 503.',
        source: 'RFC 4954 §4, §6',
      },
      MAIL_FROM,
      {
        task: 'Name a recipient in another domain, as lesson 2 did before logging in.',
        type: ['RCPT TO:<someone@example.com>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: logged in, the server relays for you, where lesson 2 got 554 5.7.1. A submission server relays for its own users only; one that relays for anyone is an open relay. (The practice server keeps the message and delivers it nowhere.)',
        retry: 'This step wants the 250 of a relay for a logged-in user: log in first (235), then MAIL FROM, then this RCPT TO.',
        source: 'RFC 6409 §3.3, §4.3; RFC 5321 §3.6.2',
      },
      QUIT,
    ],
  },
  {
    id: 'refusals',
    title: 'Refused for now, refused for good: greylisting and a full mailbox',
    short: '4xx and 5xx',
    goal: 'Tell a temporary refusal (4xx: try again later) from a permanent one (5xx: give up), as a sending MTA must.',
    steps: [
      CONNECT,
      EHLO,
      MAIL_FROM,
      {
        task: `Send to ${FULL_MAILBOX}@practice.test, a mailbox over its quota.`,
        type: [`RCPT TO:<${FULL_MAILBOX}@practice.test>`],
        expect: { answers: ['RCPT'], code: 552 },
        learn:
          '552 with 5.2.2: the mailbox is full. A 5 is final: a sending MTA gives up on this recipient and bounces the message to the sender at once. The ⚑ line names the usual cause (a Dovecot quota check). The transaction goes on for other recipients.',
        retry: `This step wants the 552 of a full mailbox: RCPT TO:<${FULL_MAILBOX}@practice.test>, after MAIL FROM.`,
        source: 'RFC 5321 §4.2.1, §4.2.3; RFC 3463 §3.3',
      },
      {
        task: `Send to ${GREYLIST_MAILBOX}@practice.test, a mailbox behind a greylisting filter.`,
        type: [`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`],
        expect: { answers: ['RCPT'], code: 450 },
        learn: `450 with 4.2.0, "Greylisted": a 4 means "not now". The filter defers a sender it has not seen before, because a real MTA keeps the message queued and tries again later, and most spam software does not. postgrey waits 5 minutes, the practice server ${GREYLIST_SECONDS} seconds.`,
        retry: `This step wants the 450 of greylisting: the first try of ${GREYLIST_MAILBOX}@practice.test from this sender.`,
        source: 'RFC 5321 §4.2.1; RFC 6647 §2',
      },
      {
        task: `Do what a sending MTA does: wait ${GREYLIST_SECONDS} seconds, then try the same recipient again.`,
        type: [`RCPT TO:<${GREYLIST_MAILBOX}@practice.test>`],
        wait: GREYLIST_SECONDS,
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: the retry came late enough, and the filter lets this sender through from now on. So a 4xx in a test by hand is not a failure: try again later, as MTAs do (RFC 5321 asks them to wait at least 30 minutes between tries).',
        retry: `Still greylisted: wait until ${GREYLIST_SECONDS} seconds have passed since the first try, then send the same RCPT TO again.`,
        source: 'RFC 5321 §4.5.4.1; RFC 6647 §2',
      },
      QUIT,
    ],
  },
  {
    id: 'waiting',
    title: 'Waiting for replies: a slow server, and pipelining',
    short: 'Waiting',
    goal: 'Read how long a server took and why, send commands in a group where PIPELINING allows it, and wait where it does not.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        learn: '250 with PIPELINING among the extensions: this server lets a client send several commands at once and read the replies after. Without it, a client must wait for each reply (Exim hangs up on one that does not: "554 SMTP synchronization error").',
        source: 'RFC 5321 §4.1.1.1; RFC 2920 §3',
      },
      MAIL_FROM,
      {
        task: `Name ${SLOW_MAILBOX}@practice.test, a recipient the server checks slowly.`,
        type: [`RCPT TO:<${SLOW_MAILBOX}@practice.test>`],
        expect: { answers: ['RCPT'], code: 250 },
        learn: `250 after about ${SLOW_SECONDS} seconds: the ◷ after the reply shows how long the server took, and the ◷ line why replies to RCPT usually take time (blocklist look-ups, policy servers, asking the next server whether the mailbox exists). Point at the code for more. A sending MTA waits up to 5 minutes for this reply.`,
        retry: `The practice server takes ${SLOW_MAILBOX}@practice.test after a few seconds; if it says 503, name the sender first.`,
        source: 'RFC 5321 §4.5.3.2.3',
      },
      {
        task: 'Name two more recipients in one go: paste both lines at once (or type the second before the first reply). PIPELINING allows it.',
        type: ['RCPT TO:<alice@practice.test>', 'RCPT TO:<bob@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: 'The replies come in the order of the commands, one per command: that is how a client tells them apart. Over a slow link a group saves a round trip per command.',
        retry: 'The practice server takes mail for alice, bob, carol and postmaster @practice.test.',
        source: 'RFC 2920 §3.1, §3.2',
      },
      {
        task: 'Ask to send the message text, and wait for the reply before typing the message.',
        type: ['DATA'],
        expect: { answers: ['DATA'], code: 354 },
        learn: '354: now the message. DATA must end a group even with PIPELINING: had it been refused, a message sent ahead would have been read as commands (the coach warns when text goes before the 354).',
        retry: 'DATA needs at least one accepted recipient.',
        source: 'RFC 2920 §3.1',
      },
      {
        task: 'Give the message the two header fields every message needs, From: and Date: (Tab on an empty line offers them, filled in), then press Enter on an empty line.',
        type: [...FROM_AND_DATE, ''],
        expect: { sent: 'end-of-headers' },
        learn: 'From: and Date: are the only header fields every message must have; the eight steps leave them out, and Gmail refuses such a message ("not RFC 5322 compliant"). Subject: is optional.',
        source: 'RFC 5322 §3.6',
      },
      { ...MESSAGE_TEXT, type: ['Hello, all three of you.', '.'] },
      QUIT,
    ],
  },
  {
    id: 'checks',
    title: "An admin's checks: what a server gives away",
    short: 'Admin checks',
    goal: 'Read what heloterm judges of a server as an admin would: encryption and passwords in its EHLO reply, whether VRFY tells which addresses exist, and whether it relays for strangers.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        task: 'Introduce yourself with EHLO and a full host name, as a real mail server would.',
        type: ['EHLO client.example.org'],
        learn: 'Below the reply heloterm judges it: ✓ STARTTLS is offered, so mail to this server can be encrypted; ! AUTH PLAIN and LOGIN are offered before TLS, so a login now would send the password readable. The practice server then refuses it (538, lesson 5); a well-set server does not offer it at all.',
        source: 'RFC 3207 §4; RFC 4954 §4',
      },
      {
        task: 'Ask whether the mailbox alice exists.',
        type: ['VRFY alice'],
        expect: { answers: ['VRFY'], code: 252 },
        learn: '252: the server will not say whether alice exists, but will try to deliver. A server that answers 250 (and 550 for the others) lets anyone harvest its addresses; most answer 252 or turn VRFY off (502).',
        retry: 'Type VRFY and a name, as shown.',
        source: 'RFC 5321 §3.5.3, §7.3',
      },
      MAIL_FROM,
      {
        task: 'The open-relay test: name a recipient in a domain this server does not take mail for, without logging in.',
        type: ['RCPT TO:<someone@example.net>'],
        expect: { answers: ['RCPT'], cls: 5 },
        learn: '554 with 5.7.1, "Relay access denied": not an open relay. Had a server beyond your own machine accepted it, heloterm would look up the MX records of example.net and say the server relays for strangers, which spammers find within days.',
        retry: 'That recipient was accepted: the practice server takes mail for practice.test; use an address elsewhere, such as someone@example.net.',
        source: 'RFC 5321 §7.1',
      },
      {
        task: 'End the test transaction without sending anything.',
        type: ['RSET'],
        expect: { answers: ['RSET'], code: 250 },
        learn: '250: the transaction is gone. Nothing travels before DATA and the final ".", so a relay test that ends here sends no mail.',
        source: 'RFC 5321 §4.1.1.5',
      },
      { ...QUIT, learn: '221: the server closes the connection. Two checks are left, which need no session of yours: the TLS versions it takes, and where it ends a message.' },
      {
        task: 'Which TLS versions does the server still take? Type /tls versions: heloterm tries each on a connection of its own (EHLO, STARTTLS, a handshake), and sends no mail.',
        type: ['/tls versions'],
        expect: { local: 'tls-versions' },
        learn: 'TLS 1.0 and 1.1 refused, 1.2 and 1.3 accepted: what current OpenSSL takes by default. 1.0 and 1.1 are deprecated (RFC 8996); a server that still takes them is worth a look. On port 25 some keep them on purpose (a sender that cannot agree on a version sends in plain text instead); on 587 and 465, where passwords travel, they should be off.',
        source: 'RFC 9325 §3.1; RFC 8996; RFC 3207 §4',
      },
      {
        task: 'Does the server end a message anywhere but at <CR><LF>.<CR><LF>? Type /smuggling alice@practice.test: heloterm sends alice four test messages, each with a line ended by another sequence (<LF>.<LF> first), a line NOOP after it, then the true end.',
        type: ['/smuggling alice@practice.test'],
        expect: { local: 'smuggling' },
        learn: "All four taken as message text: the practice server ends a message only at <CR><LF>.<CR><LF>, as RFC 5321 says. A server that also ends one at <LF>.<LF> reads the NOOP after it as a command and answers it: it is open to SMTP smuggling (2023), where a second message, with any From:, hides inside the first. Postfix before its 2023 fix was one; the check then says where to mend it.",
        source: 'RFC 5321 §4.1.1.4, §2.3.8; CVE-2023-51764',
      },
    ],
  },
  {
    id: 'server-log',
    title: "The server's side: reading its log",
    short: 'Server log',
    goal: "Send a message with one recipient refused, then read the session as the server logged it: the lines admins look up in /var/log/mail.log when a message went missing.",
    steps: [
      CONNECT,
      EHLO,
      MAIL_FROM,
      {
        task: 'Name a recipient that does not exist.',
        type: ['RCPT TO:<nobody@practice.test>'],
        expect: { answers: ['RCPT'], code: 550 },
        learn: '550 5.1.1: refused. The server logs each refusal with the reply it gave, the client and the envelope; no message exists yet, so the line says NOQUEUE where a queue id would be.',
        retry: 'That one exists: name nobody@practice.test, as shown.',
        source: 'RFC 5321 §4.2.2; Postfix smtpd(8)',
      },
      {
        task: 'Name a recipient that exists.',
        type: ['RCPT TO:<carol@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: the transaction has a recipient. Postfix gives it a queue id now and logs the client under that id: every later line about this message carries it.',
        retry: 'The practice server takes mail for alice, bob, carol and postmaster @practice.test; if it says 503, name the sender first.',
        source: 'Postfix smtpd(8), cleanup(8)',
      },
      DATA,
      headedMessage(
        'the server keeps a log',
        'Hello, Carol.',
        '250 with "queued as" and an id: the server\'s name for the message. The id is what to ask a server\'s admin about, or to grep for in its log; the stored message\'s Received: line names it too.',
      ),
      {
        ...QUIT,
        learn: '221: the server closes the connection, and logs the disconnect with a count of each command: sent, and accepted where they differ.',
      },
      {
        task: 'Read this session as the server logged it: type /log (nothing is sent; it is heloterm\'s own command).',
        type: ['/log'],
        expect: { local: 'log' },
        learn: 'connect from, the NOQUEUE reject with the 550 the server gave, client= under the queue id, and disconnect from … rcpt=1/2: two recipients asked, one accepted. On a Postfix server the same lines are in /var/log/mail.log (or journalctl -u postfix): grep the queue id for a message\'s story, the client\'s address for a connection\'s. Paste & explain reads such lines from any server.',
        source: 'Postfix smtpd(8); postconf(5)',
      },
    ],
  },
  {
    id: 'bounce',
    title: 'Accepted, then bounced: reading a bounce',
    short: 'Bounces',
    goal: 'See that a 250 at the end of a message means "accepted", not "delivered": a message accepted and then refused behind the server comes back as a bounce, and the bounce says why, for people and for programs.',
    steps: [
      CONNECT,
      EHLO,
      { ...MAIL_FROM, learn: '250 after MAIL: a transaction has begun. This address is where a bounce goes back to, whatever the message\'s From: says.' },
      {
        task: `Name a recipient that left long ago: ${GONE_MAILBOX}@practice.test.`,
        type: [`RCPT TO:<${GONE_MAILBOX}@practice.test>`],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: accepted, though the mailbox is gone. The practice server plays a gateway in front of the mailbox server, as a backup MX or a filtering service is: it takes mail for the domain without knowing which mailboxes exist behind it.',
        retry: 'Name gone@practice.test, as shown; if the server says 503, name the sender first.',
        source: 'RFC 5321 §3.3, §7.7',
      },
      DATA,
      headedMessage(
        'are you still there?',
        'Hello.',
        '250 and a queue id: the server has taken responsibility for the message. Then it hands it on, the mailbox server behind refuses it, and the bounce it must now send (shown below the reply) goes back to the envelope sender, from the null sender <>, so that a bounce never bounces.',
        'RFC 5321 §4.5.5, §6.1',
      ),
      QUIT,
      {
        task: 'Read the bounce: its Diagnostic-Code: line quotes the reply behind it. Type /explain and that reply (or select the line, Ctrl+C, then /explain and Ctrl+V). Nothing is sent.',
        type: [`/explain ${goneReply(`${GONE_MAILBOX}@practice.test`)}`],
        expect: { local: 'explain', code: 550 },
        learn: 'A bounce names the recipient (Final-Recipient:), the outcome (Action: failed), the enhanced status (Status: 5.1.1, the mailbox does not exist), the server that refused it (Remote-MTA:) and its very words (Diagnostic-Code:). Admins reading a bounce look for that line: it is the receiving server speaking. Paste & explain reads a whole bounce the same way. A recipient can ask to hear either way (DSN): RCPT TO:<…> NOTIFY=SUCCESS,FAILURE, or NOTIFY=NEVER for neither; Tab offers them where the server lists DSN, as the practice server does.',
        source: 'RFC 3464 §2.3; RFC 3463',
      },
      {
        task: 'Is the bounce really from practice.test? Its first line is a DKIM-Signature: the practice server signed it, as servers sign the mail they send. Check it: /dkim verify. Nothing is sent to the server.',
        type: ['/dkim verify'],
        expect: { local: 'dkim-verify' },
        learn: 'The page looked up the key at practice._domainkey.practice.test (s= and d= of the signature; the practice domain is not in DNS, so the bridge answers with the practice server\'s key) and checked the signature as a receiver does: the body hashes to bh=, and b= signs the fields h= lists. A bounce anyone could forge; a signed one, only who holds the key. Receivers count a signature whose d= is the From: domain for DMARC. Paste & explain verifies any message pasted whole (Gmail: Show original), and says what changed when it fails: the body (a footer added on the way), or a signed field (a Subject tagged).',
        source: 'RFC 6376 §3.5, §6.1; RFC 7489 §3.1.1',
      },
    ],
  },
  {
    id: 'dsn',
    title: 'Asking to be told: delivery status notifications (DSN)',
    short: 'DSN',
    goal: 'Ask a server that lists DSN to report a delivery, and to keep quiet about a failure: NOTIFY= on RCPT TO, RET= and ENVID= on MAIL FROM, and the reports that come back.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        learn: '250: among the extensions, DSN (RFC 3461): this server takes NOTIFY= on RCPT TO and RET= and ENVID= on MAIL FROM. Without DSN in the list, those parameters are refused (501, 555).',
        source: 'RFC 3461 §3, §4',
      },
      {
        ...MAIL_FROM,
        task: 'Name the sender, and ask for the header of the message only in any report (RET=HDRS), with an id of your own for it (ENVID=). After the ">", Tab offers what the server lists.',
        type: ['MAIL FROM:<trainee@example.org> RET=HDRS ENVID=lesson11'],
        learn: '250: RET=HDRS asks for only the header of the message in a report (RET=FULL for all of it); ENVID= comes back in each report, to tie it to what you sent.',
        retry: 'Type the line as shown; a 555 or 501 means the server did not take a parameter.',
        source: 'RFC 3461 §4.3, §4.4',
      },
      {
        task: 'Name a recipient, and ask to be told when the message is delivered, and if it fails (Tab after the ">" offers NOTIFY=).',
        type: ['RCPT TO:<alice@practice.test> NOTIFY=SUCCESS,FAILURE'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: accepted, with NOTIFY=SUCCESS,FAILURE: the server that delivers it reports the delivery as well as a failure (by default, only a failure).',
        retry: 'Type the line as shown; if the server says 503, name the sender first.',
        source: 'RFC 3461 §4.1',
      },
      {
        task: `Name a second recipient, one that will bounce (${GONE_MAILBOX}@), and ask never to be told.`,
        type: [`RCPT TO:<${GONE_MAILBOX}@practice.test> NOTIFY=NEVER`],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: accepted, with NOTIFY=NEVER: whatever becomes of it, no report goes back; mailing lists and automatic messages ask this, so that a dead address does not flood their sender with bounces.',
        retry: `Name ${GONE_MAILBOX}@practice.test with NOTIFY=NEVER, as shown.`,
        source: 'RFC 3461 §4.1',
      },
      DATA,
      headedMessage(
        'tell me when it arrives',
        'Hello, Alice.',
        '250, and below it what the practice server did: alice got it, and a delivery report (Action: delivered, with your ENVID and the header only) goes back to you; gone@ was refused behind the server, and no bounce goes back, as NOTIFY=NEVER asked.',
        'RFC 3464 §2.3; RFC 3461 §4.1, §6.2',
      ),
      QUIT,
    ],
  },
  {
    id: 'chunking',
    title: 'Chunks: BDAT instead of DATA',
    short: 'BDAT chunks',
    goal: 'Send a message in chunks of counted octets with BDAT (RFC 3030), as Exchange does between servers, where nothing ends the message but its size.',
    steps: [
      CONNECT,
      {
        ...EHLO,
        learn: '250: among the extensions, CHUNKING (RFC 3030): this server also takes a message in BDAT chunks, each announced with its exact size in octets, instead of DATA with its closing "." and dot-stuffing.',
        source: 'RFC 3030 §2',
      },
      MAIL_FROM,
      {
        task: 'Name a recipient.',
        type: ['RCPT TO:<alice@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: as for DATA, a chunk needs an accepted sender and recipient; the server would read a chunk sent without them and refuse it with 503.',
        source: 'RFC 5321 §4.1.1.3; RFC 3030 §2',
      },
      {
        task: 'Send the header as a first chunk: BDAT 98, then its lines as shown: From:, Date:, a Subject: and an empty line. A line counts its characters in UTF-8 and 2 octets for its line end: 37 + 39 + 20 + 2 = 98. heloterm counts them as you type.',
        type: ['BDAT 98', ...FROM_AND_DATE, 'Subject: in chunks', ''],
        expect: { answers: ['BDAT'], code: 250 },
        learn: '250: the server has the 98 octets and waits for more: a chunk without LAST leaves the message open. It answered only once the last octet came, whenever you typed BDAT.',
        retry: 'A 503 means the sender or recipient is missing (RSET, then begin again); a 552 that the message would be too large.',
        source: 'RFC 3030 §2',
      },
      {
        task: 'Send the body as the last chunk: BDAT 24 LAST, then "Hello, Alice.", a line with only ".", and "Bye.": 15 + 3 + 6 = 24 octets.',
        type: ['BDAT 24 LAST', 'Hello, Alice.', '.', 'Bye.'],
        expect: { answers: ['BDAT'], code: 250 },
        learn: '250 after the LAST chunk: the server has taken the message, as after DATA\'s final ".". Nothing ended it but its size: the lone "." you typed is a line of the message, as the stored copy shows (after DATA it would have ended the message, unless sent as "..").',
        source: 'RFC 3030 §2; RFC 5321 §4.5.2',
      },
      QUIT,
    ],
  },
  {
    id: 'lmtp',
    title: 'Handing mail to the mailboxes: LMTP',
    short: 'LMTP',
    goal: 'Deliver to a mailbox server as an MTA does, over LMTP (RFC 2033): LHLO, and after the final "." one reply per recipient, so that one full mailbox fails only its own delivery.',
    target: 'lmtp',
    steps: [
      {
        ...CONNECT,
        task: 'Connect to the practice server\'s LMTP side, where mail is handed to the mailboxes, as to Dovecot: press Connect (the form points at its LMTP port). It greets with 220.',
        learn: '220: the LMTP server is ready. MTAs such as Postfix and Exim talk LMTP to Dovecot or Cyrus, often on port 24 or a socket, to deliver what they have accepted.',
        source: 'RFC 2033 §4',
      },
      {
        task: 'Introduce yourself with LHLO: LMTP\'s EHLO, which an LMTP server wants instead (it refuses EHLO and HELO).',
        type: ['LHLO trainee.example'],
        expect: { answers: ['LHLO'], code: 250 },
        learn: '250: the server lists its extensions, as after EHLO. LMTP has its own greeting word so that it is never mistaken for SMTP: the two must not meet on one port.',
        source: 'RFC 2033 §4.1',
      },
      { ...MAIL_FROM, learn: '250: a transaction has begun; over LMTP the sender is the envelope sender the MTA was given.' },
      {
        task: 'Name a recipient whose mailbox has room.',
        type: ['RCPT TO:<alice@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: alice has a mailbox here. An LMTP server refuses at once a user it does not have (550 5.1.1): it delivers, it does not relay.',
        source: 'RFC 2033 §4.2; RFC 5321 §4.1.1.3',
      },
      {
        task: `Name a second recipient, ${FULL_MAILBOX}@, whose mailbox is over its quota.`,
        type: [`RCPT TO:<${FULL_MAILBOX}@practice.test>`],
        expect: { answers: ['RCPT'], code: 250 },
        learn: `250 all the same: like Dovecot by default, the practice server checks ${FULL_MAILBOX}@'s quota only when it saves the message (Dovecot: lmtp_rcpt_check_quota = no).`,
        source: 'RFC 2033 §4.2',
      },
      DATA,
      {
        ...headedMessage(
          'handed over by LMTP',
          'Hello, Alice.',
          `250 for alice: saved. And a second answer to the same ".", for ${FULL_MAILBOX}@: 552 5.2.2, its mailbox is full. LMTP answers the final "." once per accepted recipient, in the order of RCPT TO, so the MTA knows which deliveries failed and retries or bounces only those; over SMTP one answer would stand for all.`,
          'RFC 2033 §4.2',
        ),
        // A Message-ID too: the mailbox server's log names the message by it (the last step reads that log).
        task: 'Type the message: From: and Date: (Tab on the empty first line offers them, filled in), a Message-ID: (the mailboxes\' server logs the message by it), a Subject:, an empty line, the body, and a line with only "." to end it.',
        type: [...FROM_AND_DATE, 'Message-ID: <lesson13.1@trainee.example>', 'Subject: handed over by LMTP', '', 'Hello, Alice.', '.'],
      },
      { ...QUIT, learn: `221: the server closes the connection. The MTA now has one delivery done and one to bounce (or retry, if it takes 552 as a full mailbox that may empty): ${FULL_MAILBOX}@'s alone.` },
      {
        task: "Read this session as the mailboxes' server logged it: type /log (nothing is sent; it is heloterm's own command).",
        type: ['/log'],
        expect: { local: 'log' },
        learn: `Dovecot's lines, as in /var/log/mail.log: Connect from, then one line per recipient naming the message by its Message-ID (msgid=<lesson13.1@trainee.example>; "unspecified" for a message without one), "saved mail to INBOX" for alice and "save failed to INBOX: Quota exceeded" for ${FULL_MAILBOX}@, and Disconnect. Beside them on a real server, Postfix's lmtp client logs the same two answers: status=sent (250 … Saved) and status=bounced (552 5.2.2 …). grep the Message-ID to follow a message from one to the other.`,
        source: 'Postfix lmtp(8); Dovecot LMTP, deliver_log_format',
      },
    ],
  },
  {
    id: 'implicit-tls',
    title: 'TLS from the first byte: submission on port 465',
    short: 'Implicit TLS',
    goal: 'Send mail as a mail program does on port 465 (RFC 8314): TLS before the greeting, no STARTTLS, and a login at once; the way RFC 8314 prefers to STARTTLS on 587.',
    target: 'tls',
    steps: [
      {
        ...CONNECT,
        task: 'Connect to the practice server\'s port with TLS from the first byte, as port 465 is: press Connect (the form points there, with implicit TLS ticked). The TLS handshake comes first: heloterm shows the certificate, then the greeting.',
        learn: '220, after the handshake: on this port not a byte of SMTP goes in plain text. A client that dials it without TLS gets nothing at all: the server waits for a TLS ClientHello, not for EHLO.',
        source: 'RFC 8314 §3.3; RFC 5321 §4.2.3',
      },
      {
        ...EHLO,
        expect: { answers: ['EHLO', 'HELO'], code: 250, tls: true },
        learn: '250: no STARTTLS among the extensions, as the session is encrypted already, and AUTH offered at once (on port 25 or 587 a careful server offers it only after STARTTLS).',
        retry: 'This EHLO went out in plain text: connect with implicit TLS ticked.',
        source: 'RFC 8314 §3.3; RFC 4954 §4',
      },
      {
        task: 'Log in as user trainee with password practice (AUTH PLAIN takes "\\0trainee\\0practice" in base64), at once: no STARTTLS first.',
        type: ['AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U='],
        expect: { answers: ['AUTH'], code: 235 },
        learn: '235: logged in, the password encrypted from the first byte, where lesson 5 got 538 for the same line before STARTTLS. Nothing was ever sent in the clear that an attacker on the path could strip STARTTLS from.',
        retry: 'Send the practice login as shown (AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=); a second AUTH after a success gets 503.',
        source: 'RFC 4954 §4, §6; RFC 8314 §3',
      },
      MAIL_FROM,
      {
        task: 'Name a recipient in another domain: a submission server relays for its users.',
        type: ['RCPT TO:<someone@example.com>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: logged in, the server relays for you, as lesson 5 showed on the STARTTLS port. (The practice server keeps the message and delivers it nowhere.)',
        retry: 'This step wants the 250 of a relay for a logged-in user: log in first (235), then MAIL FROM, then this RCPT TO.',
        source: 'RFC 6409 §3.3, §4.3',
      },
      DATA,
      headedMessage(
        'sent over implicit TLS',
        'Hello from port 465.',
        '250: the server has the message. Its Received: line says "with ESMTPSA": ESMTP, S for TLS, A for a login (RFC 3848), as for lesson 5\'s, though here TLS came first.',
        'RFC 5321 §4.4; RFC 3848',
      ),
      { ...QUIT, learn: '221: the server closes the connection. Mail programs take port 465 with TLS at once, or 587 with STARTTLS; RFC 8314 asks them to prefer 465, as a STARTTLS that an attacker strips leaves the login in the clear.' },
    ],
  },
  {
    id: 'envelope',
    title: 'Whose message is it? The envelope sender and the From: line',
    short: 'Envelope and From:',
    goal: 'See that MAIL FROM (the envelope) and the From: line a reader sees are two addresses SMTP does not tie together, and what receivers check instead: SPF the envelope\'s domain, DKIM a signature\'s, DMARC that one of them matches From:\'s.',
    steps: [
      CONNECT,
      EHLO,
      {
        ...MAIL_FROM,
        task: 'Send as a mailing service does for a shop: name its bounce address as the envelope sender.',
        type: ['MAIL FROM:<bounces@mailer.example.net>'],
        learn: '250: the server took an envelope sender it cannot check by itself. A receiver checks its domain with SPF: may the address connecting send mail for mailer.example.net? (/spf 192.0.2.10 example.org asks a real domain that question.)',
        source: 'RFC 5321 §4.1.1.2; RFC 7208 §2.4',
      },
      {
        task: 'Name the recipient.',
        type: ['RCPT TO:<alice@practice.test>'],
        expect: { answers: ['RCPT'], code: 250 },
        learn: '250: Alice will get it. Nothing so far has said who the message is from as Alice will read it.',
        retry: 'Name alice@practice.test, as shown; if the server says 503, name the sender first.',
        source: 'RFC 5321 §4.1.1.3',
      },
      DATA,
      {
        task: 'Write the header lines in the shop\'s name: From: with the shop\'s address (another domain than MAIL FROM\'s), Date:, Subject:, then an empty line.',
        type: ['From: Example Shop <news@shop.example.org>', 'Date: Sun, 29 Nov 2026 18:00:00 +0000', 'Subject: your order has shipped', ''],
        expect: { sent: 'end-of-headers' },
        learn: 'From: is what Alice\'s mail program shows: an address of the message, not of the envelope, and here of another domain. SMTP took both without a word: nothing in it ties From: to MAIL FROM, which is how anyone can write any From:.',
        source: 'RFC 5322 §3.6.2; RFC 5321 §3.3',
      },
      {
        ...MESSAGE_TEXT,
        type: ['Your order is on its way.', '.'],
        learn: '250: stored, and shown below with both addresses: Return-Path: <bounces@mailer.example.net>, the envelope written in on delivery, above From: news@shop.example.org. DMARC ties them: shop.example.org\'s policy (a TXT record at _dmarc.shop.example.org) passes a message only when SPF passed for an envelope domain that aligns with From:\'s (the same organizational domain) or a DKIM signature\'s d= does. mailer.example.net aligns with neither, so a mailing service signs with d=shop.example.org, or bounces to an address under it.',
        source: 'RFC 7489 §3.1, §4.2',
      },
      QUIT,
      {
        task: 'Read what Gmail answers such a message when the shop publishes p=reject: type /explain and its reply. Nothing is sent.',
        type: ["/explain 550 5.7.26 Unauthenticated email from shop.example.org is not accepted due to domain's DMARC policy"],
        expect: { local: 'explain', code: 550 },
        learn: 'The refusal of a From: that neither SPF nor DKIM vouched for: the check that stops a stranger writing From: your domain. /mx example.org shows a real domain\'s SPF and DMARC records beside its MX hosts.',
        source: 'RFC 7489 §6.3, §6.6.2',
      },
    ],
  },
];

/** A lesson by its number in the list (from 1) or its id; undefined when there is none. */
export function findLesson(key: string, lessons: readonly Lesson[] = pageLessons()): Lesson | undefined {
  const k = key.trim().toLowerCase();
  if (/^[0-9]+$/.test(k)) return lessons[Number(k) - 1];
  return lessons.find((l) => l.id === k);
}

/** The lesson after this one in the list, if any. */
export function nextLesson(lesson: Lesson, lessons: readonly Lesson[] = pageLessons()): Lesson | undefined {
  const i = lessons.indexOf(lesson);
  return i === -1 ? undefined : lessons[i + 1];
}

/**
 * The page's lessons: the built-in ones, then a class's own (heloterm --lessons, lesson-file.ts) once the page has
 * them (setClassLessons). One page holds one list; the bridge, which serves many, passes its list where it needs one.
 */
let classLessons: readonly Lesson[] = [];

export function pageLessons(): readonly Lesson[] {
  return classLessons.length === 0 ? LESSONS : [...LESSONS, ...classLessons];
}

export function setClassLessons(lessons: readonly Lesson[]): void {
  classLessons = lessons;
}
