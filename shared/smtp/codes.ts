/**
 * The basic three-digit SMTP reply codes a trainee meets, as data. No logic here: explain.ts builds its lookup
 * tables from this list once, at module load.
 *
 * Titles, explanations and actions are written for this project from the RFCs: RFC 5321 §4.2.2-4.2.3 (the core
 * list), RFC 3207 §4 (STARTTLS), RFC 4954 §4 and §6 (AUTH) and RFC 7504 (521, 556). `article` keeps, verbatim, the
 * informal description from the seed article's "Common SMTP Status Codes" table
 * (shared/seed/telnet-smtp-test-article.txt) for the codes it lists, so the UI can show where the folklore and the
 * standard part ways (200 is not standard, 530 is not in RFC 5321, 354 comes after DATA, and so on).
 */

/** One basic reply code. */
export interface BasicCodeEntry {
  readonly code: number;
  /** A few words for the one-line annotation in the terminal. */
  readonly title: string;
  /** What it means, in one to three plain sentences. */
  readonly explanation: string;
  /** What to do next, concretely. */
  readonly action: string;
  /** Where it is defined, with the section: "RFC 5321 §4.2.3". */
  readonly source: string;
  /** The seed article's own description, verbatim, where its table lists the code. */
  readonly article?: string;
}

/** Sorted by code. Every code of RFC 5321 §4.2.3 is here, plus the AUTH, STARTTLS and RFC 7504 codes. */
export const BASIC_CODES: readonly BasicCodeEntry[] = [
  {
    code: 200,
    title: 'Non-standard success',
    explanation:
      'RFC 5321 does not define 200, and neither did RFC 821. A few old or unusual servers send it as a plain "OK"; ' +
      'its first digit 2 still means the command succeeded.',
    action: 'Treat it like 250 and carry on with the next command; a standard server would have answered 250.',
    source: 'RFC 5321 §4.2.1 (not listed in §4.2.2-4.2.3)',
    article: 'Non-standard success response',
  },
  {
    code: 211,
    title: 'System status',
    explanation:
      'A status or help reply from the server, usually to HELP. It reports information and changes nothing in ' +
      'the session.',
    action: 'Read the text if it helps; then send your next command as planned.',
    source: 'RFC 5321 §4.2.3',
    article: 'System status message',
  },
  {
    code: 214,
    title: 'Help message',
    explanation:
      'Help for a human reader, normally the answer to HELP: how to use the server or what a non-standard ' +
      'command means. It changes nothing in the session.',
    action: 'Read it, then continue; the commands you need are EHLO, MAIL FROM, RCPT TO, DATA and QUIT.',
    source: 'RFC 5321 §4.2.3',
    article: 'Help message formatted for human reader follows',
  },
  {
    code: 220,
    title: 'Service ready',
    explanation:
      'As the first line after you connect, this is the greeting: the server is ready for you. After STARTTLS, ' +
      'the same code means "ready to start TLS" (RFC 3207 §4).',
    action:
      'After the greeting, send EHLO <your-domain> (HELO for very old servers). After STARTTLS, do the TLS ' +
      'handshake and then send EHLO again: everything learned before TLS is void (RFC 3207 §4.2).',
    source: 'RFC 5321 §4.2.3, §3.1; RFC 3207 §4',
    article: 'SMTP service ready',
  },
  {
    code: 221,
    title: 'Closing connection',
    explanation: 'The server acknowledges QUIT (or is ending the session) and closes the connection after this reply.',
    action: 'Nothing more to send on this connection. Connect again to start a new session.',
    source: 'RFC 5321 §4.2.3, §4.1.1.10',
    article: 'Service/connection closing',
  },
  {
    code: 235,
    title: 'Authentication succeeded',
    explanation: 'The AUTH exchange worked: the server now knows who you are (normally sent as 235 2.7.0).',
    action: 'Continue with MAIL FROM:<your-address>. Do not send AUTH again in this session.',
    source: 'RFC 4954 §6',
  },
  {
    code: 250,
    title: 'Requested action completed',
    explanation:
      'The command worked. After EHLO the lines list the server\'s extensions; after MAIL FROM the sender is ' +
      'accepted; after RCPT TO that recipient is accepted; after the final "." the server has taken ' +
      'responsibility for delivering the message (RFC 5321 §4.2.5).',
    action:
      'Send the next command in the sequence: EHLO, then MAIL FROM, then one RCPT TO per recipient, then DATA, ' +
      'then QUIT (or MAIL FROM again for another message).',
    source: 'RFC 5321 §4.2.3',
    article: 'Successful request. Action completed.',
  },
  {
    code: 251,
    title: 'User not local; will forward',
    explanation:
      'The recipient is not on this server, but the server accepts the message and will forward it to the ' +
      'forward-path named in the text (RFC 5321 §3.4).',
    action: 'Nothing is required; carry on. If the text names a new address, use it directly next time.',
    source: 'RFC 5321 §4.2.3, §3.4',
    article: 'Recipient is not local to the server, but the server will accept and forward the message',
  },
  {
    code: 252,
    title: 'Cannot VRFY user, will try delivery',
    explanation:
      'The server will not confirm whether the address exists (VRFY is often disabled to stop address ' +
      'harvesting), but it would accept mail for it and try to deliver it (RFC 5321 §3.5.3).',
    action: 'VRFY will not tell you more. To test the address, run MAIL FROM and RCPT TO and read that reply.',
    source: 'RFC 5321 §4.2.3, §3.5.3',
    article: 'Recipient can’t be verified, but the server will accept the message and attempt delivery',
  },
  {
    code: 334,
    title: 'Authentication challenge',
    explanation:
      'The server is in the middle of an AUTH exchange and waits for your answer. The text is a base64 ' +
      'challenge, possibly empty; with AUTH LOGIN "VXNlcm5hbWU6" decodes to "Username:" and "UGFzc3dvcmQ6" to ' +
      '"Password:".',
    action:
      'Answer with one line of base64 (for LOGIN: the user name, then the password, each base64-encoded), or ' +
      'send "*" to cancel the exchange.',
    source: 'RFC 4954 §4',
  },
  {
    code: 354,
    title: 'Start mail input',
    explanation:
      'The server accepted DATA and now wants the message itself: header lines such as "Subject: ...", an ' +
      'empty line, then the body. The message ends with a line containing only "." (RFC 5321 §4.1.1.4); a ' +
      'body line that starts with "." is sent with one more "." in front (dot-stuffing, RFC 5321 §4.5.2).',
    action:
      'Type the headers, an empty line and the body, then a line with only "." on it. Expect 250 if the ' +
      'message is accepted.',
    source: 'RFC 5321 §4.2.3, §4.1.1.4, §4.5.2',
    article: 'Indicates the server is ready to accept a message once you’ve entered From and To',
  },
  {
    code: 421,
    title: 'Service not available, closing',
    explanation:
      'The server will not serve you now and closes the connection: it may be shutting down, overloaded, ' +
      'limiting connections, or you timed out or wrote before the greeting. It can be the reply to any command ' +
      '(RFC 5321 §3.8).',
    action: 'Connect again later. If it repeats at once, read the text: it usually names the limit or the reason.',
    source: 'RFC 5321 §4.2.3, §3.8',
    article: 'Service is not available and connection will be closed',
  },
  {
    code: 432,
    title: 'Password transition needed',
    explanation:
      'The account must authenticate once with the PLAIN mechanism before the mechanism you chose will work ' +
      '(sent as 432 4.7.12).',
    action: 'Authenticate once with AUTH PLAIN over an encrypted connection (after STARTTLS), then retry.',
    source: 'RFC 4954 §6',
  },
  {
    code: 450,
    title: 'Mailbox unavailable (temporary)',
    explanation:
      'The action was not taken because the mailbox is unavailable for now: busy, or temporarily blocked for ' +
      'policy reasons. Greylisting servers answer 450 to the first attempt from an unknown sender.',
    action: 'Nothing is wrong with your command: try the same transaction again in a few minutes.',
    source: 'RFC 5321 §4.2.3',
    article: 'Requested command failed because the recipient’s mailbox is unavailable',
  },
  {
    code: 451,
    title: 'Local error in processing',
    explanation:
      'The server hit a problem on its own side (a failed lookup, a filter, a full queue) and aborted the ' +
      'action. The condition is temporary.',
    action: 'Try again later. If it keeps happening, send the full reply text to the server\'s postmaster.',
    source: 'RFC 5321 §4.2.3',
    article: 'Command has been aborted due to a server error',
  },
  {
    code: 452,
    title: 'Insufficient system storage',
    explanation:
      'The server lacks storage for the request right now. After RCPT TO it also means "too many recipients ' +
      'in this transaction" (RFC 5321 §4.5.3.1.10).',
    action:
      'Try again later. If it came after several RCPT TO commands, finish this message and send the remaining ' +
      'recipients in a new transaction.',
    source: 'RFC 5321 §4.2.3, §4.5.3.1.10',
    article: 'Command has been aborted because the server has insufficient system storage',
  },
  {
    code: 454,
    title: 'Temporary failure (TLS or AUTH)',
    explanation:
      'After STARTTLS: TLS is not available for a temporary reason (RFC 3207 §4). After AUTH: a temporary ' +
      'authentication failure, for example the password database is unreachable (454 4.7.0, RFC 4954 §6).',
    action:
      'Try again later. Going on without TLS sends everything, passwords included, in clear text: do that ' +
      'only on a test server.',
    source: 'RFC 3207 §4; RFC 4954 §6',
  },
  {
    code: 455,
    title: 'Cannot accommodate parameters',
    explanation:
      'The server cannot honour the extension parameters you gave with MAIL FROM or RCPT TO (such as SIZE=) ' +
      'at the moment. The condition is temporary.',
    action: 'Try again later, or repeat the command without the optional parameters.',
    source: 'RFC 5321 §4.2.3',
  },
  {
    code: 500,
    title: 'Syntax error, command unrecognized',
    explanation:
      'The server did not recognize the command: a typo, a command it does not know, or a line that is too ' +
      'long (over 512 characters, RFC 5321 §4.5.3.1.4). During AUTH, 500 5.5.6 means your answer line was too ' +
      'long (RFC 4954 §6).',
    action:
      'Check the spelling and retype it: EHLO, MAIL FROM:<address>, RCPT TO:<address>, DATA, RSET, NOOP, QUIT.',
    source: 'RFC 5321 §4.2.3, §4.2.4',
    article: 'Server could not recognize the command was due to a syntax error',
  },
  {
    code: 501,
    title: 'Syntax error in parameters',
    explanation:
      'The server knows the command, but its arguments are wrong: a missing or malformed address, missing ' +
      'angle brackets, or an argument where none is allowed (STARTTLS takes none, RFC 3207 §4).',
    action: 'Retype the arguments in the standard form: MAIL FROM:<you@example.org> and RCPT TO:<them@example.net>.',
    source: 'RFC 5321 §4.2.3',
    article: 'Syntax error was found in command arguments',
  },
  {
    code: 502,
    title: 'Command not implemented',
    explanation:
      'The server recognizes the command but does not implement it, or has it turned off (VRFY and EXPN often ' +
      'are). RFC 5321 §4.2.4 keeps this apart from 500, "not recognized at all".',
    action: 'Do without the command, or use an alternative (HELO if an old server refuses EHLO).',
    source: 'RFC 5321 §4.2.3, §4.2.4',
    article: 'Command was not implemented',
  },
  {
    code: 503,
    title: 'Bad sequence of commands',
    explanation:
      'The command is valid but not at this point of the session, e.g. RCPT TO before MAIL FROM, DATA before ' +
      'any accepted recipient, or MAIL FROM before EHLO (or before the STARTTLS or AUTH the server requires).',
    action:
      'Send the missing command first: EHLO/HELO, then MAIL FROM, then RCPT TO, then DATA. RSET clears a ' +
      'half-finished transaction if you want to start over.',
    source: 'RFC 5321 §4.2.3, §4.3.2',
    article: 'Server has encountered a bad command or sequence of commands',
  },
  {
    code: 504,
    title: 'Command parameter not implemented',
    explanation:
      'The command is supported, but not with the parameter you gave, for example an AUTH mechanism the server ' +
      'does not offer.',
    action: 'Change or drop the parameter; the EHLO reply lists what is supported (e.g. "AUTH PLAIN LOGIN").',
    source: 'RFC 5321 §4.2.3',
    article: 'Command parameter is not implemented',
  },
  {
    code: 521,
    title: 'Host does not accept mail',
    explanation:
      'Sent as the greeting by a host that never accepts mail at all, instead of 220. It is about the whole ' +
      'host, not about one message or address.',
    action:
      'Send QUIT and do not retry this host. Check the domain\'s MX records: you are probably talking to the ' +
      'wrong server.',
    source: 'RFC 7504 §3',
    article: 'Domain does not accept mail',
  },
  {
    code: 530,
    title: 'Authentication or TLS required',
    explanation:
      'The server will not do this until you authenticate ("530 5.7.0 Authentication required", RFC 4954 §6) ' +
      'or switch to TLS ("Must issue a STARTTLS command first", RFC 3207 §4). 530 is not an RFC 5321 code.',
    action: 'Send STARTTLS and EHLO again, then AUTH if the server offers it, then repeat the refused command.',
    source: 'RFC 4954 §6; RFC 3207 §4',
    article: 'Access denied',
  },
  {
    code: 534,
    title: 'Authentication mechanism too weak',
    explanation: 'The AUTH mechanism you chose is weaker than the server allows for this user (534 5.7.9).',
    action: 'Run AUTH again with a stronger mechanism from the EHLO AUTH list.',
    source: 'RFC 4954 §6',
  },
  {
    code: 535,
    title: 'Authentication credentials invalid',
    explanation: 'The user name or password is wrong, or not enough to authenticate (535 5.7.8).',
    action:
      'Check the user name and password and their base64 encoding (PLAIN encodes "\\0user\\0password" as one ' +
      'string), then run AUTH again.',
    source: 'RFC 4954 §6',
  },
  {
    code: 538,
    title: 'Encryption required for mechanism',
    explanation:
      'The AUTH mechanism you chose may only be used over an encrypted connection (538 5.7.11), so the ' +
      'password is not sent in clear text.',
    action: 'Send STARTTLS, then EHLO again, then retry AUTH.',
    source: 'RFC 4954 §6',
  },
  {
    code: 550,
    title: 'Mailbox unavailable',
    explanation:
      'The action was not taken, permanently: the mailbox was not found, you have no access, or the command ' +
      'was refused for policy reasons (relaying denied, sender blocked). The enhanced code and text say which.',
    action:
      'Check the address spelling. If the text says relaying is denied, send only to domains this server ' +
      'handles, or authenticate first. Retrying unchanged will not help.',
    source: 'RFC 5321 §4.2.3',
    article: 'Command failed because the users mailbox was unavailable',
  },
  {
    code: 551,
    title: 'User not local; please try forward-path',
    explanation:
      'The recipient is not on this server, and this server will not forward the message. The text may name ' +
      'the address to use instead (RFC 5321 §3.4).',
    action: 'Send to the address given in the text, through that domain\'s own mail server.',
    source: 'RFC 5321 §4.2.3, §3.4',
    article: 'Recipient is not local to the server',
  },
  {
    code: 552,
    title: 'Exceeded storage allocation',
    explanation:
      'The action was aborted because a storage limit was exceeded: the message is too big, or the mailbox is ' +
      'over quota. After RCPT TO, servers should treat 552 "too many recipients" as temporary (RFC 5321 ' +
      '§4.5.3.1.10).',
    action:
      'Send a smaller message (the EHLO reply\'s SIZE line gives the limit in bytes), or try later if the ' +
      'mailbox is full.',
    source: 'RFC 5321 §4.2.3, §4.5.3.1.10',
    article: 'Action was aborted because storage allocation was exceeded',
  },
  {
    code: 553,
    title: 'Mailbox name not allowed',
    explanation:
      'The action was not taken because the address is not acceptable: malformed, or one you may not use (for ' +
      'example a sender address you do not own). A non-ASCII address without SMTPUTF8 gives 553 5.6.7 (RFC 6531).',
    action: 'Fix the address: <local-part@domain>, no spaces; use a sender address you are allowed to send as.',
    source: 'RFC 5321 §4.2.3',
    article: 'Action was aborted because the mailbox name was invalid',
  },
  {
    code: 554,
    title: 'Transaction failed',
    explanation:
      'The transaction failed permanently: after the final "." the message was refused (spam or content ' +
      'policy); after DATA there was no valid recipient. As the greeting it means "No SMTP service here" ' +
      '(RFC 5321 §3.1). Postfix also uses 554 to refuse relaying.',
    action:
      'As a greeting: send QUIT, the server will not talk to you. Otherwise read the text for the reason and ' +
      'change the message or the recipients before trying again.',
    source: 'RFC 5321 §4.2.3, §3.1',
    article: 'Transaction failed',
  },
  {
    code: 555,
    title: 'MAIL/RCPT parameters not recognized',
    explanation:
      'The server does not recognize or implement a parameter you added after the address in MAIL FROM or ' +
      'RCPT TO (such as BODY= or SMTPUTF8).',
    action: 'Repeat the command without that parameter, or use only extensions the EHLO reply advertises.',
    source: 'RFC 5321 §4.2.3',
  },
  {
    code: 556,
    title: 'Domain does not accept mail',
    explanation:
      'A relay reports that the recipient\'s domain accepts no mail at all, typically because it publishes a ' +
      '"null MX" record (RFC 7505).',
    action: 'Do not retry: check the recipient\'s domain for a typo, or reach the person another way.',
    source: 'RFC 7504 §4',
  },
];
