/**
 * The quiz (`/quiz`): replies as real servers word them, each with what it answered, a question about it and three or
 * four answers, one right: what a trainee must read at a glance after the lessons (the class digit, what a refusal
 * is about, what to do next). Each question names the lesson that teaches it, for a trainee who got it wrong, and says
 * why its answer is the right one. The replies are in the words of Postfix, Dovecot, Gmail and Spamhaus's users, as
 * heloterm's knowledge base explains them (a reply pointed at after the quiz gets the same explanation). A class may add
 * questions of its own, in its lesson file's "quiz" (readQuizQuestions: checked as the lessons are), asked first. Pure
 * but for the class's questions the page keeps once read.
 */
import { parseReplyLine } from '../smtp/reply-line.js';

export interface QuizQuestion {
  /** Stable, for the transcript's record of what was missed. */
  id: string;
  /** What the client had just sent, or "(connection)" for a reply to the connection itself. */
  after: string;
  /** The reply, one line as the server sent it. */
  reply: string;
  question: string;
  /** Three or four, one right; shown in a shuffled order. */
  options: readonly string[];
  /** The index of the right one in `options`. */
  answer: number;
  /** Why it is the right one, in a sentence or two. */
  why: string;
  /** The lesson that teaches it (shared/lessons/catalogue.ts id), when one does. */
  lesson?: string;
}

/** Questions a quiz asks (of QUIZ_QUESTIONS, drawn at random). */
export const QUIZ_LENGTH = 8;

export const QUIZ_QUESTIONS: readonly QuizQuestion[] = [
  {
    id: 'greeting',
    after: '(connection)',
    reply: '220 mx.example.org ESMTP Postfix',
    question: 'What does the server say, and what do you type next?',
    options: ['It is ready: greet it with EHLO (or HELO) and your name', 'It refuses the connection: try another MX host', 'It asks for a password: type AUTH', 'It has taken a message: type QUIT'],
    answer: 0,
    why: '220 is the greeting of a server ready for a session (RFC 5321 §4.2); the client greets back with EHLO, and only then names a sender.',
    lesson: 'eight-steps',
  },
  {
    id: 'data-go-ahead',
    after: 'DATA',
    reply: '354 End data with <CR><LF>.<CR><LF>',
    question: 'What now?',
    options: ['Type the message (header lines, an empty line, the body), then a line with a lone "."', 'The message was accepted: type QUIT', 'Type DATA again: it was not understood', 'Give the recipients again'],
    answer: 0,
    why: '354 is the one 3xx of a mail session: go ahead, the server reads message text until a line holding "." alone (RFC 5321 §4.1.1.4).',
    lesson: 'eight-steps',
  },
  {
    id: 'queued',
    after: '.',
    reply: '250 2.0.0 Ok: queued as 4Q1Bz73kVhz9sDs',
    question: 'Is the message in the recipient\'s mailbox?',
    options: ['Not yet: the server took responsibility for it and queued it; it may still bounce later', 'Yes: 250 means delivered to the mailbox', 'No: it was refused', 'No: it waits for the recipient to confirm it'],
    answer: 0,
    why: 'After the final ".", 250 means accepted (RFC 5321 §6.1): the server must deliver it or send a bounce to the envelope sender. The queue id is what to look for in its log.',
    lesson: 'bounce',
  },
  {
    id: 'greylisted',
    after: 'RCPT TO:<bob@example.org>',
    reply: '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html',
    question: 'What does a sending server do with the message?',
    options: ['It keeps it and tries again later, when it will likely be taken', 'It bounces it: the address does not exist', 'Nothing more: the message was delivered', 'It sends it again at once, without that recipient'],
    answer: 0,
    why: 'A 4xx is temporary. Greylisting refuses the first attempt of an unknown (client, sender, recipient) on purpose: real mail servers retry, many spam engines do not.',
    lesson: 'refusals',
  },
  {
    id: 'user-unknown',
    after: 'RCPT TO:<bobb@example.org>',
    reply: '550 5.1.1 <bobb@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
    question: 'What went wrong?',
    options: ['The address does not exist there: check its spelling', 'The mailbox is full', 'The sending server is on a blocklist', 'The server is busy: try later'],
    answer: 0,
    why: '5.1.1 is "bad destination mailbox address" (RFC 3463): the server has no such mailbox. A 5xx is final: retrying the same address gets the same answer.',
    lesson: 'refused-recipient',
  },
  {
    id: 'relay-denied',
    after: 'RCPT TO:<carol@example.net>',
    reply: '554 5.7.1 <carol@example.net>: Relay access denied',
    question: 'The client has not logged in. Why is the recipient refused?',
    options: [
      'The server takes mail only for its own domains from a stranger: passing mail on to other domains (relaying) needs a login',
      'carol@example.net does not exist',
      'The message is too large',
      'The server greylists every new recipient',
    ],
    answer: 0,
    why: 'A server that relayed for anyone would be an open relay, abused by spammers within hours. It relays for its own users once they log in (AUTH), as a submission server does.',
    lesson: 'auth',
  },
  {
    id: 'need-mail',
    after: 'RCPT TO:<bob@example.org>',
    reply: '503 5.5.1 Error: need MAIL command',
    question: 'What does the server want?',
    options: ['Commands in order: MAIL FROM before RCPT TO', 'A valid recipient address', 'A login first', 'A pause: too many commands at once'],
    answer: 0,
    why: '503 is "bad sequence of commands" (RFC 5321 §4.2.2): a transaction begins with MAIL FROM, then RCPT TO, then DATA.',
    lesson: 'command-order',
  },
  {
    id: 'starttls-first',
    after: 'MAIL FROM:<alice@example.org>',
    reply: '530 5.7.0 Must issue a STARTTLS command first',
    question: 'What do you do?',
    options: ['STARTTLS, then EHLO again, then MAIL FROM again', 'AUTH with the password', 'QUIT: the server refuses all mail', 'Wait a few minutes, then MAIL FROM again'],
    answer: 0,
    why: 'This server takes nothing in plain text. After STARTTLS and the handshake the session starts over (RFC 3207 §4.2): EHLO again, and the transaction from its beginning.',
    lesson: 'starttls',
  },
  {
    id: 'auth-failed',
    after: 'AUTH PLAIN AHRyYWluZWUAd3Jvbmc=',
    reply: '535 5.7.8 Error: authentication failed: authentication failure',
    question: 'Why was the login refused?',
    options: ['The user name or the password is wrong (or their base64 is)', 'The server does not offer AUTH', 'TLS is needed first', 'The server is overloaded: try later'],
    answer: 0,
    why: '535 5.7.8 is "authentication credentials invalid" (RFC 4954 §6). AUTH PLAIN is base64 of "\\0user\\0password": one character wrong there is a wrong password.',
    lesson: 'auth',
  },
  {
    id: 'mailbox-full',
    after: '.',
    reply: '552 5.2.2 <carol@example.org> Quota exceeded (mailbox for user is full)',
    question: 'Will sending it again tomorrow work?',
    options: ['Not by itself: the refusal is final (5xx); the recipient must make room, and the sender gets a bounce', 'Yes: a full mailbox is always temporary', 'Yes, if the message is sent in smaller parts', 'No: the address does not exist'],
    answer: 0,
    why: 'The first digit decides: 5 is final, so the sending server bounces at once. Some servers answer a full mailbox with 452 4.2.2 instead: then it retries.',
    lesson: 'refusals',
  },
  {
    id: 'unauthenticated',
    after: '.',
    reply: '550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.',
    question: 'What must the sender fix?',
    options: ['Its domain\'s SPF record or its DKIM signing, so that receivers can tell the mail is really from that domain', 'The recipient\'s address', 'The size of the message', 'The name given with EHLO'],
    answer: 0,
    why: 'Gmail refuses mail that passes neither SPF (the sending server is listed by the envelope domain) nor DKIM (a valid signature); DMARC ties them to the From: domain.',
    lesson: 'envelope',
  },
  {
    id: 'blocklisted',
    after: 'RCPT TO:<bob@example.org>',
    reply: '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org',
    question: 'What is refused, and why?',
    options: ['The sending server\'s address: a DNS blocklist lists it; look it up (/dnsbl) and ask for delisting', 'The recipient: it does not exist', 'The message: it looks like spam', 'Nothing: the server is only busy'],
    answer: 0,
    why: 'The reply names the client\'s address and the list. Every message from that address is refused until the list drops it; the list\'s site says why it is listed.',
  },
  {
    id: 'too-many-connections',
    after: '(connection)',
    reply: '421 4.7.0 mx.example.org Error: too many connections from 203.0.113.5',
    question: 'What does it mean for the mail?',
    options: ['Nothing is lost: the server closes this connection for now, and the sender retries later with fewer at once', 'Every message from that address is refused for good', 'The recipient does not exist', 'The message was accepted'],
    answer: 0,
    why: '421 is "service not available, closing the channel": a 4xx, temporary. Senders queue and retry; the remedy is fewer simultaneous connections.',
    lesson: 'refusals',
  },
  {
    id: 'too-big',
    after: '.',
    reply: '552 5.3.4 Error: message file too big',
    question: 'What went wrong?',
    options: ['The message is larger than the server takes (its EHLO reply says how large, SIZE)', 'The mailbox is full', 'The message has no Subject', 'Too many recipients'],
    answer: 0,
    why: '5.3.4 is "message too big for system" (RFC 3463). EHLO\'s "250-SIZE 10240000" announces the limit: a client that gives SIZE= with MAIL FROM is refused before sending the bytes.',
    lesson: 'starttls',
  },
  {
    id: 'auth-challenge',
    after: 'AUTH LOGIN',
    reply: '334 VXNlcm5hbWU6',
    question: 'What does the server ask for?',
    options: ['The user name, in base64 ("VXNlcm5hbWU6" is "Username:")', 'The message', 'A new EHLO', 'Nothing: the login succeeded'],
    answer: 0,
    why: '334 is a challenge (RFC 4954 §4): the server waits for one line, in base64. AUTH LOGIN asks for the user name, then the password; /base64 encodes and decodes them.',
    lesson: 'auth',
  },
  {
    id: 'auth-ok',
    after: 'AUTH PLAIN AHRyYWluZWUAcHJhY3RpY2U=',
    reply: '235 2.7.0 Authentication successful',
    question: 'What may the client do now?',
    options: ['Send mail as that user, to other domains too: the server relays for it', 'Nothing more: it must QUIT and connect again', 'Only send to this server\'s own domains', 'Read the user\'s mailbox'],
    answer: 0,
    why: '235 is a login accepted (RFC 4954 §6). A submission server relays for its users once they are logged in; SMTP never reads a mailbox (that is IMAP or POP3).',
    lesson: 'auth',
  },
  {
    id: 'vrfy-252',
    after: 'VRFY bob',
    reply: '252 2.0.0 bob',
    question: 'What does this 252 promise?',
    options: ['Only that the server will take mail for bob and try to deliver it: 252 is "cannot verify" (RFC 5321 §3.5.3)', 'That bob\'s mailbox exists and is not full', 'That the message was delivered to bob', 'Nothing: 2xx replies to VRFY are errors'],
    answer: 0,
    why: 'A server that answers 550 to VRFY for names it does not know tells anyone which addresses exist; many refuse VRFY (502) or answer 252 alike for every name (Postfix: disable_vrfy_command = yes).',
    lesson: 'checks',
  },
  {
    id: 'syntax-501',
    after: 'MAIL FROM:alice@example.org',
    reply: '501 5.1.7 Bad sender address syntax',
    question: 'What is wrong with the command?',
    options: ['The address must be between angle brackets: MAIL FROM:<alice@example.org>', 'alice@example.org does not exist', 'MAIL FROM must come after RCPT TO', 'The server refuses all mail from example.org'],
    answer: 0,
    why: '501 is a syntax error in the arguments (RFC 5321 §4.2.2). The path is written <address> (§4.1.2): strict servers refuse it without (the practice server does, and Postfix with strict_rfc821_envelopes = yes), others take it.',
    lesson: 'eight-steps',
  },
  {
    id: 'unknown-command',
    after: 'RCTP TO:<bob@example.org>',
    reply: '502 5.5.2 Error: command not recognized',
    question: 'What happened?',
    options: ['The command was mistyped: RCTP for RCPT; nothing was done', 'bob@example.org was refused', 'The server does not take mail for example.org', 'The recipient was accepted'],
    answer: 0,
    why: 'The server did not know the verb (Postfix says 502, others 500: RFC 5321 §4.2.4). The transaction is as it was before: type the command again, spelt right.',
    lesson: 'command-order',
  },
  {
    id: 'too-many-recipients',
    after: 'RCPT TO:<user101@example.org>',
    reply: '452 4.5.3 Error: too many recipients',
    question: 'What should a sending server do with the recipients left?',
    options: ['Send this message to those accepted, then send it again to the rest', 'Bounce it for every recipient', 'Wait a day before trying any recipient again', 'Remove the recipients for good: they do not exist'],
    answer: 0,
    why: '452 here is temporary and about this transaction (RFC 5321 §4.5.3.1.10): the recipients accepted get the message, the others in a new transaction.',
    lesson: 'refused-recipient',
  },
  {
    id: 'no-valid-recipients',
    after: 'DATA',
    reply: '554 5.5.1 Error: no valid recipients',
    question: 'Why is DATA refused?',
    options: ['Every RCPT TO was refused: there is no one to send the message to', 'The message is too large', 'DATA needs a login', 'The server is overloaded'],
    answer: 0,
    why: 'DATA needs at least one recipient accepted (RFC 5321 §3.3). A message typed now would be read as commands, one error after another: read the RCPT replies above first.',
    lesson: 'refused-recipient',
  },
  {
    id: 'closing',
    after: 'QUIT',
    reply: '221 2.0.0 Bye',
    question: 'What becomes of the message accepted earlier in this session?',
    options: ['Nothing changes: it was accepted with its 250 and is on its way; 221 only closes the session', 'It is lost: it is sent only once QUIT is answered', 'It is sent back to the sender', 'It waits until the next session'],
    answer: 0,
    why: 'A message is the server\'s responsibility from the 250 after its final "." (RFC 5321 §4.1.1.4); QUIT and 221 end the session, nothing more.',
    lesson: 'eight-steps',
  },
];

/**
 * `n` questions in a random order, each with its options shuffled: the class's `own` first (as many as fit), then of
 * `bank`; `random` returns [0, 1).
 */
export function drawQuiz(random: () => number, n = QUIZ_LENGTH, bank: readonly QuizQuestion[] = QUIZ_QUESTIONS, own: readonly QuizQuestion[] = []): QuizQuestion[] {
  const shuffled = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const mine = shuffled(own).slice(0, n);
  return shuffled([...mine, ...shuffled(bank).slice(0, n - mine.length)]).map((q) => {
    const order = shuffled(q.options.map((_, i) => i));
    return { ...q, options: order.map((i) => q.options[i] ?? ''), answer: order.indexOf(q.answer) };
  });
}

/** Questions a class's lesson file may add. */
export const MAX_FILE_QUESTIONS = 50;
/** Characters of each text of a question. */
const QUIZ_LIMITS = { id: 40, after: 998, reply: 512, question: 200, option: 200, why: 500 } as const;

/** A text a class's file may give: within `max` characters, without control characters (C0, DEL, C1), not blank unless `empty`. */
export const isText = (x: unknown, max: number, empty = false): x is string =>
  typeof x === 'string' && x.length <= max && (empty || x.trim() !== '') && !/[\u0000-\u001f\u007f-\u009f]/.test(x);

/** One question of a class's file, or why it is not one; `taken`: ids in use, `lessons`: the lesson ids that exist. */
function readQuestion(x: unknown, taken: ReadonlySet<string>, lessons: ReadonlySet<string>): QuizQuestion | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'a question must be an object';
  const { id, after, reply, question, options, answer, why, lesson } = x as Record<string, unknown>;
  if (typeof id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(id)) return '"id" must be 1 to 40 lower-case letters, digits and hyphens';
  const named = (problem: string): string => `question "${id}": ${problem}`;
  if (taken.has(id)) return named('another question has this id (built-in ids are taken too)');
  if (!isText(after, QUIZ_LIMITS.after)) return named(`"after" must be the line the client sent (or "(connection)"), at most ${QUIZ_LIMITS.after} characters`);
  if (!isText(reply, QUIZ_LIMITS.reply)) return named(`"reply" must be a text of at most ${QUIZ_LIMITS.reply} characters, without control characters`);
  const line = parseReplyLine(reply);
  if (line.problem !== null || !line.last) return named(`"reply" must be one reply line as a server sends it ("550 5.1.1 …"): ${line.problem ?? 'a continuation line'}`);
  if (!isText(question, QUIZ_LIMITS.question)) return named(`"question" must be a text of at most ${QUIZ_LIMITS.question} characters`);
  if (!Array.isArray(options) || options.length < 3 || options.length > 4 || !options.every((o) => isText(o, QUIZ_LIMITS.option))) {
    return named(`"options" must list 3 or 4 answers, each a text of at most ${QUIZ_LIMITS.option} characters`);
  }
  if (new Set(options).size !== options.length) return named('"options" must be different from one another');
  if (typeof answer !== 'number' || !Number.isInteger(answer) || answer < 1 || answer > options.length) return named(`"answer" is the number of the right option, 1 to ${options.length}`);
  if (!isText(why, QUIZ_LIMITS.why)) return named(`"why" must say why the answer is right, at most ${QUIZ_LIMITS.why} characters`);
  if (lesson !== undefined && (typeof lesson !== 'string' || !lessons.has(lesson))) return named('"lesson" must be the id of a lesson (built-in, or of this file), or left out');
  // The file numbers the options from 1, as the trainee does; inside, the index.
  return { id, after, reply, question, options: options as string[], answer: answer - 1, why, ...(lesson === undefined ? {} : { lesson: lesson as string }) };
}

/**
 * A class's own quiz questions (its lesson file's "quiz"), none of whose ids is a built-in question's, each naming a
 * lesson of `lessons` if any; or their problems (all refused when one is wrong, each named).
 */
export function readQuizQuestions(list: unknown, lessons: ReadonlySet<string>): { questions: QuizQuestion[] } | { problems: string[] } {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FILE_QUESTIONS) return { problems: [`"quiz" must list 1 to ${MAX_FILE_QUESTIONS} questions`] };
  const taken = new Set(QUIZ_QUESTIONS.map((q) => q.id));
  const questions: QuizQuestion[] = [];
  const problems: string[] = [];
  list.forEach((x, i) => {
    const q = readQuestion(x, taken, lessons);
    if (typeof q === 'string') problems.push(`question ${i + 1}: ${q}`);
    else {
      taken.add(q.id);
      questions.push(q);
    }
  });
  return problems.length > 0 ? { problems } : { questions };
}

/** The class's own questions, once the page has read them (client/ui/class-lessons.ts): asked first, in every quiz. */
let ownQuestions: readonly QuizQuestion[] = [];

export function setClassQuestions(questions: readonly QuizQuestion[]): void {
  ownQuestions = questions;
}

export function classQuestions(): readonly QuizQuestion[] {
  return ownQuestions;
}
