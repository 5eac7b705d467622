/**
 * What each line of an EHLO reply announces, as data. No logic here: ehlo.ts builds its lookup tables from these
 * lists once, at module load, and turns parameters (sizes, mechanism lists, limits) into words.
 *
 * Every text is written for this project from the defining document named in `source`: the RFCs listed in the IANA
 * "SMTP Service Extensions" registry, and for the X… and vendor keywords the vendor's own documentation (Postfix
 * READMEs, the Exim specification, Microsoft KB 812455 and the Exchange transport documentation). Keywords are
 * case-insensitive (RFC 5321 §2.4); they are stored here in upper case.
 */

/** One EHLO keyword (one service extension). */
export interface EhloKeywordEntry {
  /**
   * The keyword in upper case, as RFC 5321 §4.1.1.1 spells it: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
   */
  readonly keyword: string;
  /** A few words: "Message size limit". */
  readonly title: string;
  /** What the server tells you by listing it, in one to three plain sentences. */
  readonly explanation: string;
  /** What a person typing by hand can do with it. */
  readonly action: string;
  /** Where it is defined: "RFC 2920 §3", or the vendor document. */
  readonly source: string;
  /** The syntax of the parameters after the keyword on the EHLO line; absent when the keyword takes none. */
  readonly params?: string;
}

/** One SASL mechanism, as listed after AUTH (or Exchange's X-EXPS). */
export interface SaslMechanismEntry {
  /** The mechanism name in upper case (RFC 4422 §3.1: up to 20 of A-Z, 0-9, "-", "_"). */
  readonly name: string;
  readonly title: string;
  readonly explanation: string;
  /** How to use it by hand, or why not to. */
  readonly action: string;
  readonly source: string;
}

const NOTHING_TO_TYPE = 'Nothing to type: mail servers use it among themselves; a hand-typed session works without it.';

/** Sorted: the registered keywords (alphabetical), then the vendor ones. */
export const EHLO_KEYWORDS: readonly EhloKeywordEntry[] = [
  {
    keyword: '8BITMIME',
    title: '8-bit message text',
    explanation:
      'The server takes message text with bytes above 127 (for example UTF-8 letters like é or ü in the body) when ' +
      'the client declares it with MAIL FROM:<…> BODY=8BITMIME. Lines must still end in CRLF and stay under 1000 octets.',
    action: 'Plain ASCII needs nothing. If your test body has non-ASCII letters, add BODY=8BITMIME to MAIL FROM.',
    source: 'RFC 6152 §2',
  },
  {
    keyword: 'ATRN',
    title: 'Authenticated TURN (on-demand relay)',
    explanation:
      'Part of On-Demand Mail Relay (port 366): a client that has logged in with AUTH sends ATRN <domain>, and the ' +
      'roles reverse: the server becomes the client and delivers the mail it has been holding for that domain.',
    action: 'Not useful on an ordinary connection; it only works for a logged-in customer of the relay.',
    source: 'RFC 2645',
  },
  {
    keyword: 'AUTH',
    title: 'Login (SMTP AUTH)',
    explanation:
      'The server lets a client log in with one of the SASL mechanisms listed after the keyword. Servers often offer ' +
      'it only after STARTTLS, and submission servers (port 587) require it before they relay mail for you.',
    action:
      'Type AUTH PLAIN followed by the base64 of "\\0user\\0password": 235 2.7.0 means you are logged in, 535 5.7.8 ' +
      'that the credentials were refused. Never send a real password over a connection without TLS.',
    source: 'RFC 4954 §3',
    params: 'A space-separated list of SASL mechanism names (RFC 4422), e.g. "PLAIN LOGIN".',
  },
  {
    keyword: 'AUTH=',
    title: 'Login, in the old broken form',
    explanation:
      'The mechanism list again, written AUTH=LOGIN PLAIN. An early draft of SMTP AUTH used this form and some old ' +
      'Microsoft clients (Outlook Express 4, Exchange 5.0) recognise only it, so servers may repeat the list this way ' +
      'for them (Postfix: broken_sasl_auth_clients = yes). It is not valid under RFC 4954.',
    action: 'Ignore it: read the ordinary AUTH line and use the AUTH command as usual.',
    source: 'RFC 4954 §3; Postfix postconf(5) broken_sasl_auth_clients',
    params: 'The same space-separated SASL mechanism names as AUTH, the first one glued to "AUTH=".',
  },
  {
    keyword: 'BINARYMIME',
    title: 'Binary message bodies',
    explanation:
      'With MAIL FROM:<…> BODY=BINARYMIME a client may send raw binary MIME parts without base64. Such a message must ' +
      'be sent with BDAT (see CHUNKING), never with DATA.',
    action: 'Nothing to do by hand: a typed message is text, and DATA is the right command for it.',
    source: 'RFC 3030 §3',
  },
  {
    keyword: 'BURL',
    title: 'Send a message by reference',
    explanation:
      'Instead of uploading the message, the client gives BURL <url> [LAST] and the server fetches it from an IMAP ' +
      'store, authorised by a URLAUTH URL (RFC 4467). Mobile clients use it to forward mail without sending it twice.',
    action: 'Needs an IMAP server and a URLAUTH token; stay with DATA by hand.',
    source: 'RFC 4468',
    params: 'Optionally "imap": the server can fetch IMAP URLs (RFC 5092).',
  },
  {
    keyword: 'CHECKPOINT',
    title: 'Checkpoint and restart',
    explanation:
      'The client may label a transaction with MAIL FROM:<…> TRANSID=<id>, so that a transfer broken off half-way ' +
      'can resume where it stopped instead of starting over. An experimental extension, rarely seen.',
    action: NOTHING_TO_TYPE,
    source: 'RFC 1845',
  },
  {
    keyword: 'CHUNKING',
    title: 'BDAT: the message in counted chunks',
    explanation:
      'The server accepts the message as BDAT <octets> [LAST] chunks instead of DATA. Each chunk is exactly that many ' +
      'octets, with no dot-stuffing and no closing "." line.',
    action:
      'DATA is easier by hand: BDAT needs the exact octet count, every CRLF included, and the server waits silently ' +
      'until it has them all. To try it, type BDAT <octets> LAST and the lines: heloterm counts the octets sent and ' +
      'left after each line.',
    source: 'RFC 3030 §2',
  },
  {
    keyword: 'CONNEG',
    title: 'Content negotiation',
    explanation:
      'The client may ask what content the final recipient (typically an Internet fax device) can render, and the ' +
      'server reports it, so the client can send a version that fits.',
    action: NOTHING_TO_TYPE,
    source: 'RFC 4141',
  },
  {
    keyword: 'CONPERM',
    title: 'Content conversion permission',
    explanation:
      'The server honours the sender\'s permission, or refusal, for relays to convert the message content (for ' +
      'example image formats on the way to a fax gateway).',
    action: NOTHING_TO_TYPE,
    source: 'RFC 4141',
  },
  {
    keyword: 'DELIVERBY',
    title: 'Deliver-by deadline',
    explanation:
      'The client may set a deadline with MAIL FROM:<…> BY=<seconds>;R (return the message if it is not delivered ' +
      'in time) or BY=<seconds>;N (only notify the sender).',
    action: 'Try MAIL FROM:<you@example.org> BY=86400;N to ask for a notice if delivery takes more than a day.',
    source: 'RFC 2852',
    params: 'Optionally a number: the shortest BY= time, in seconds, that the server accepts.',
  },
  {
    keyword: 'DSN',
    title: 'Delivery status notifications',
    explanation:
      'The client may ask for delivery reports: NOTIFY=SUCCESS,FAILURE,DELAY (or NEVER) and ORCPT= on RCPT TO; ' +
      'RET=FULL or HDRS and ENVID= on MAIL FROM.',
    action: 'Try RCPT TO:<alice@example.org> NOTIFY=SUCCESS,FAILURE to get a report back when the message is delivered.',
    source: 'RFC 3461 §4',
  },
  {
    keyword: 'ENHANCEDSTATUSCODES',
    title: 'Enhanced status codes',
    explanation:
      'Replies after this one carry a finer code right after the three-digit code, class.subject.detail such as ' +
      '2.1.5 or 5.7.1 (RFC 3463). The greeting and the EHLO reply itself carry none.',
    action: 'Nothing to type. Hover the x.y.z code in the next replies to read what it means.',
    source: 'RFC 2034 §3; RFC 3463',
  },
  {
    keyword: 'ETRN',
    title: 'Start the queue for a domain',
    explanation:
      'A client, typically a mail server that was offline, may ask this server to start delivering the mail it has ' +
      'queued for a domain: ETRN example.org.',
    action:
      'Type ETRN example.org: a 25x reply means the server took the request, 458 or 459 that it cannot or will not ' +
      'run a queue for that name.',
    source: 'RFC 1985',
  },
  {
    keyword: 'EXPN',
    title: 'Expand a mailing list',
    explanation:
      'EXPN <list> asks the server to list the members of a mailing list. Most servers switch it off, since it gives ' +
      'addresses away to spammers (RFC 5321 §7.3).',
    action: 'Type EXPN staff; expect 502 (not implemented) or 252 on most servers.',
    source: 'RFC 5321 §3.5',
  },
  {
    keyword: 'FUTURERELEASE',
    title: 'Hold for later release',
    explanation:
      'The client may ask the server to hold the message and release it later: MAIL FROM:<…> HOLDFOR=<seconds> or ' +
      'HOLDUNTIL=<date-time>.',
    action: 'Try MAIL FROM:<you@example.org> HOLDFOR=600 to have the message released in ten minutes.',
    source: 'RFC 4865',
    params: 'Two values: the longest hold in seconds, and the latest release date-time (RFC 3339).',
  },
  {
    keyword: 'HELP',
    title: 'Help text',
    explanation: 'The server answers HELP, or HELP <command>, with text for people in 214 replies.',
    action: 'Type HELP or HELP MAIL. The text is free-form: some servers list their commands, some only say hello.',
    source: 'RFC 5321 §4.1.1.8',
  },
  {
    keyword: 'LIMITS',
    title: 'Session limits',
    explanation:
      'The server states limits it will apply during this session, as NAME=value pairs, so a client can stay within ' +
      'them instead of running into refusals.',
    action: 'Stay within them: with RCPTMAX=10, for example, an eleventh RCPT TO in one message will be refused.',
    source: 'RFC 9422',
    params:
      'Space-separated NAME=value pairs: RCPTMAX (recipients per message), MAILMAX (messages per connection), ' +
      'RCPTDOMAINMAX (different recipient domains per message).',
  },
  {
    keyword: 'MT-PRIORITY',
    title: 'Message priority',
    explanation:
      'The client may give a message a priority from -9 (lowest) to 9 (highest) with MAIL FROM:<…> MT-PRIORITY=<n>; ' +
      'the server may deliver higher priorities first.',
    action: 'Try MAIL FROM:<you@example.org> MT-PRIORITY=3. A server may lower a priority you are not entitled to.',
    source: 'RFC 6710',
    params: 'Optionally the name of the priority policy the server applies (registered with IANA, e.g. MIXER, STANAG4406, NSEP).',
  },
  {
    keyword: 'MTRK',
    title: 'Message tracking',
    explanation:
      'The client may ask, with MAIL FROM:<…> MTRK=…, that the message can be traced later: its delivery status can ' +
      'then be queried (RFC 3887).',
    action: NOTHING_TO_TYPE,
    source: 'RFC 3885',
  },
  {
    keyword: 'NO-SOLICITING',
    title: 'No soliciting',
    explanation:
      'The server declares that it does not want solicitations. Its optional parameter names the kinds it refuses; ' +
      'a sender can label a message with MAIL FROM:<…> SOLICIT=<keywords>.',
    action: NOTHING_TO_TYPE,
    source: 'RFC 3865',
    params: 'Optionally a comma-separated list of solicitation class keywords the server refuses.',
  },
  {
    keyword: 'PIPELINING',
    title: 'Command pipelining',
    explanation:
      'The server accepts several commands sent in one go, without waiting for each reply, and answers them in ' +
      'order. Commands that change the session (EHLO, DATA, STARTTLS, AUTH, QUIT…) must still end a group.',
    action:
      'You may send several commands before reading the replies; in a hand-typed session nothing changes: type a ' +
      'line, read its reply.',
    source: 'RFC 2920 §3',
  },
  {
    keyword: 'REQUIRETLS',
    title: 'Require TLS all the way',
    explanation:
      'The client may mark a message with MAIL FROM:<…> REQUIRETLS: every server along the path must then use TLS ' +
      'with a verified certificate, or the message comes back undelivered rather than travel in the clear.',
    action: 'Only usable inside TLS: after STARTTLS and EHLO, type MAIL FROM:<you@example.org> REQUIRETLS.',
    source: 'RFC 8689',
  },
  {
    keyword: 'RRVS',
    title: 'Recipient valid since',
    explanation:
      'The client may add RRVS=<date-time> to RCPT TO: "deliver only if this mailbox has belonged to the same owner ' +
      'since then", which protects mail from reaching a reassigned address.',
    action: 'Try RCPT TO:<alice@example.org> RRVS=2020-01-01T00:00:00Z.',
    source: 'RFC 7293',
  },
  {
    keyword: 'SAML',
    title: 'Send and mail (obsolete)',
    explanation:
      'An RFC 821 command to deliver a message both to a mailbox and to a logged-in user\'s terminal. RFC 5321 ' +
      'dropped it; hardly any server still honours it.',
    action: 'Use MAIL FROM instead.',
    source: 'RFC 5321 Appendix F.6',
  },
  {
    keyword: 'SEND',
    title: 'Send to a terminal (obsolete)',
    explanation:
      'An RFC 821 command to show a message on a logged-in user\'s terminal instead of storing it. RFC 5321 dropped it.',
    action: 'Use MAIL FROM instead.',
    source: 'RFC 5321 Appendix F.6',
  },
  {
    keyword: 'SIZE',
    title: 'Message size limit',
    explanation:
      'The server declares the largest message it accepts. A client may state the size in advance with MAIL FROM:<…> ' +
      'SIZE=<octets>, so a message that is too big is refused before it is sent (552 5.3.4).',
    action:
      'A short test message is far below any limit. To see it work, type MAIL FROM:<you@example.org> SIZE=999999999: ' +
      'a server with a lower limit refuses it at once.',
    source: 'RFC 1870 §3',
    params: 'One optional decimal number: the maximum message size in octets. 0 means no fixed limit.',
  },
  {
    keyword: 'SMTPUTF8',
    title: 'Addresses and headers in UTF-8',
    explanation:
      'The server accepts non-ASCII addresses and header fields (e.g. jörg@bücher.example) when the client adds ' +
      'SMTPUTF8 to MAIL FROM. Without it, a non-ASCII address is refused (553 5.6.7).',
    action: 'Type MAIL FROM:<you@example.org> SMTPUTF8 before giving a non-ASCII address.',
    source: 'RFC 6531 §3.1',
  },
  {
    keyword: 'SOML',
    title: 'Send or mail (obsolete)',
    explanation:
      'An RFC 821 command to show a message on a user\'s terminal, or store it if the user is not logged in. RFC 5321 ' +
      'dropped it.',
    action: 'Use MAIL FROM instead.',
    source: 'RFC 5321 Appendix F.6',
  },
  {
    keyword: 'STARTTLS',
    title: 'Switch to TLS',
    explanation:
      'The server can turn this plain connection into an encrypted one. After the TLS handshake the session starts ' +
      'over: both sides forget what they learned before, including this list of extensions.',
    action:
      'Type STARTTLS, wait for 220, then EHLO again: everything learned before TLS is forgotten (RFC 3207 §4.2). The ' +
      'new EHLO reply may differ, e.g. offer AUTH.',
    source: 'RFC 3207 §4',
  },
  {
    keyword: 'SUBMITTER',
    title: 'Responsible submitter (Sender ID)',
    explanation:
      'MAIL FROM:<…> SUBMITTER=<address> named who is responsible for sending, for the Sender ID experiment. The ' +
      'experiment ended (RFC 6686) and SPF (RFC 7208) is used instead.',
    action: NOTHING_TO_TYPE,
    source: 'RFC 4405; RFC 6686',
  },
  {
    keyword: 'TURN',
    title: 'Reverse roles (obsolete, unsafe)',
    explanation:
      'RFC 821\'s TURN let client and server swap roles with no login, so anyone could collect someone else\'s mail. ' +
      'RFC 5321 removed it; ATRN (with AUTH) replaced it.',
    action: 'Do not rely on it; a server that still offers it is very old.',
    source: 'RFC 5321 Appendix F.1',
  },
  {
    keyword: 'UTF8SMTP',
    title: 'UTF-8 addresses (experimental, replaced)',
    explanation: 'The keyword of the experimental RFC 5336, replaced by SMTPUTF8 (RFC 6531). Old servers may still list it.',
    action: 'Use SMTPUTF8 if the server also lists it.',
    source: 'RFC 5336 (obsoleted by RFC 6531)',
  },
  {
    keyword: 'VRFY',
    title: 'Verify an address',
    explanation:
      'VRFY <name> asks whether a mailbox exists: 250 or 251 (yes), 252 (cannot verify, will try to deliver), 550 ' +
      '(no such user). Many servers answer 252 to everything, so addresses cannot be harvested (RFC 5321 §7.3).',
    action: 'Type VRFY alice or VRFY <alice@example.org>.',
    source: 'RFC 5321 §3.5',
  },
  // ---- Vendor keywords: X… ones are private by definition (RFC 5321 §2.2.2); the others are unregistered. ----
  {
    keyword: 'PIPECONNECT',
    title: 'Early pipelining (Exim)',
    explanation:
      'Exim\'s PIPE_CONNECT: a client that remembers this reply may, on its next connection, send EHLO and its first ' +
      'commands without waiting for the 220 greeting, saving round trips.',
    action:
      'Nothing changes when typing: wait for the greeting as usual (servers without it drop clients that talk too soon).',
    source: 'Exim specification (pipelining_connect_advertise_hosts); draft-harris-early-pipe',
  },
  {
    keyword: 'X-ANONYMOUSTLS',
    title: 'Exchange anonymous TLS',
    explanation:
      'Microsoft Exchange (2007 and later) uses it between its own transport servers to start TLS with their own ' +
      'certificates, trusted through Active Directory, before authenticating with X-EXPS.',
    action: 'Use STARTTLS, which the same server offers; X-ANONYMOUSTLS is for Exchange peers.',
    source: 'Microsoft Exchange documentation: anonymous TLS between transport servers',
  },
  {
    keyword: 'X-EXPS',
    title: 'Exchange server login',
    explanation:
      'Microsoft Exchange\'s own login command, like AUTH but used between Exchange servers. The words after it are ' +
      'the mechanisms: GSSAPI (Kerberos) and NTLM (Windows login).',
    action: 'Not for hand use; use AUTH if the server offers it.',
    source: 'Microsoft KB 812455 (XEXCH50, X-LINK2STATE and X-EXPS)',
    params: 'A space-separated list of mechanism names, as for AUTH.',
  },
  {
    keyword: 'X-LINK2STATE',
    title: 'Exchange routing exchange',
    explanation:
      'Exchange 2000/2003 servers swap routing topology (link state) with this command. Firewalls and intrusion ' +
      'detection (e.g. Snort\'s SMTP preprocessor) watch for it because of a past Exchange overflow.',
    action: NOTHING_TO_TYPE,
    source: 'Microsoft KB 812455 (XEXCH50, X-LINK2STATE and X-EXPS)',
  },
  {
    keyword: 'XCLIENT',
    title: 'Override client details (Postfix)',
    explanation:
      'A trusted tool or proxy may override what the server believes about the connection (client address, name, ' +
      'HELO name, login) with XCLIENT ADDR=… NAME=…. Only hosts in smtpd_authorized_xclient_hosts may use it.',
    action: 'Expect 550 unless the server trusts your address; it is for testing your own server\'s access rules.',
    source: 'Postfix XCLIENT_README',
    params: 'The attribute names the client may override, e.g. NAME ADDR PORT PROTO HELO LOGIN DESTADDR DESTPORT.',
  },
  {
    keyword: 'XEXCH50',
    title: 'Exchange message properties',
    explanation:
      'Exchange 2000-2007 servers use XEXCH50 <size> to pass Exchange-only message and recipient properties as a ' +
      'binary block. Some SMTP-inspecting firewalls break it.',
    action: NOTHING_TO_TYPE,
    source: 'Microsoft KB 812455 (XEXCH50, X-LINK2STATE and X-EXPS)',
  },
  {
    keyword: 'XFORWARD',
    title: 'Forward client details for logging (Postfix)',
    explanation:
      'A content filter between two Postfix instances passes the original client\'s name, address, HELO name and ' +
      'so on to the next server for its logs; it changes no access decision.',
    action: 'Only hosts in smtpd_authorized_xforward_hosts may use it; others get an error.',
    source: 'Postfix XFORWARD_README',
    params: 'The attribute names the client may forward, e.g. NAME ADDR PORT PROTO HELO IDENT SOURCE.',
  },
  {
    keyword: 'XRDST',
    title: 'Exchange-internal keyword',
    explanation:
      'Listed by Exchange 2013 and later (it appears in Microsoft\'s own telnet example) for use between Exchange ' +
      'servers; Microsoft does not explain it there, and it plays no part in sending mail by hand.',
    action: NOTHING_TO_TYPE,
    source: 'Microsoft "Use Telnet to test SMTP communication on Exchange servers" (example EHLO reply)',
  },
  {
    keyword: 'XSHADOW',
    title: 'Exchange shadow redundancy',
    explanation:
      'Exchange 2010 announced shadow redundancy with it: the sending server keeps a copy of each message until the ' +
      'next hop confirms delivery, and resends it if that hop fails.',
    action: NOTHING_TO_TYPE,
    source: 'Microsoft Exchange Server documentation: Shadow redundancy (XSHADOW verb)',
  },
];

/** Sorted by name. */
export const SASL_MECHANISMS: readonly SaslMechanismEntry[] = [
  {
    name: 'ANONYMOUS',
    title: 'No credentials',
    explanation: 'Logs in as nobody in particular, with an optional trace string (often an e-mail address).',
    action: 'AUTH ANONYMOUS, then a base64 trace string. Rare on mail servers.',
    source: 'RFC 4505',
  },
  {
    name: 'CRAM-MD5',
    title: 'Challenge-response with MD5 (obsolete)',
    explanation:
      'The server sends a base64 challenge; the client answers with its name and an HMAC-MD5 of the challenge keyed ' +
      'with the password. The password does not cross the wire, but the server must keep it, and MD5 is weak: the ' +
      'IANA SASL registry marks it for LIMITED use; it is considered obsolete.',
    action: 'Needs an HMAC computed from the challenge, which nobody types from memory: after AUTH CRAM-MD5, /cram-md5 USER PASSWORD computes the answer here. Prefer PLAIN inside TLS.',
    source: 'RFC 2195; IANA SASL Mechanisms registry (LIMITED)',
  },
  {
    name: 'DIGEST-MD5',
    title: 'Digest challenge-response (historic)',
    explanation: 'A complex challenge-response with MD5, moved to Historic for its flaws.',
    action: 'Not usable by hand; prefer SCRAM or PLAIN inside TLS.',
    source: 'RFC 2831; Historic per RFC 6331',
  },
  {
    name: 'EXTERNAL',
    title: 'Identity from outside SASL',
    explanation: 'Uses an identity the server already knows from elsewhere, usually the client certificate shown during TLS.',
    action: 'Only works with a client certificate; then AUTH EXTERNAL = (an empty response).',
    source: 'RFC 4422 Appendix A',
  },
  {
    name: 'GSSAPI',
    title: 'Kerberos',
    explanation: 'Kerberos V5 login through GSS-API, used inside Windows domains and Kerberos realms.',
    action: 'Needs a Kerberos ticket and a library; not typed by hand.',
    source: 'RFC 4752',
  },
  {
    name: 'LOGIN',
    title: 'User name and password, asked in turn',
    explanation:
      'The server asks in base64: 334 VXNlcm5hbWU6 is "Username:", 334 UGFzc3dvcmQ6 is "Password:"; the client ' +
      'answers each with a base64 line. Never standardised, but very widely supported. Like PLAIN, it exposes the ' +
      'password to anyone watching unless TLS is on.',
    action: 'Type AUTH LOGIN, then the base64 of your user name, then the base64 of your password.',
    source: 'draft-murchison-sasl-login; Microsoft [MS-XLOGIN]',
  },
  {
    name: 'NTLM',
    title: 'Windows NTLM',
    explanation: 'Microsoft\'s Windows challenge-response login, offered by Exchange; old and weak.',
    action: 'Needs a Windows NTLM library; not typed by hand.',
    source: 'Microsoft [MS-SMTPNTLM]',
  },
  {
    name: 'OAUTHBEARER',
    title: 'OAuth 2.0 token (standard)',
    explanation: 'The client presents an OAuth 2.0 bearer token instead of a password; the standard form of XOAUTH2.',
    action: 'Needs a token from the provider; it is then one base64 line: "n,a=<user>,^Aauth=Bearer <token>^A^A" (/base64 writes ^A as \\x01).',
    source: 'RFC 7628',
  },
  {
    name: 'PLAIN',
    title: 'User name and password in one line',
    explanation:
      'One base64 string holds an optional identity to act as, the user name and the password, separated by NUL ' +
      'bytes. Anyone watching the connection can read it unless TLS is on.',
    action: 'Type AUTH PLAIN <base64 of "\\0user\\0password">, or AUTH PLAIN alone and send the string after 334.',
    source: 'RFC 4616',
  },
  {
    name: 'SCRAM-SHA-1',
    title: 'Salted challenge-response (SHA-1)',
    explanation:
      'Proves knowledge of the password without sending it, and the server stores only salted hashes. Several ' +
      'round trips with computed proofs.',
    action: 'Not typed by hand: /scram-sha-1 USER PASSWORD begins it here, and /scram answers each 334 and checks the server\'s signature.',
    source: 'RFC 5802',
  },
  {
    name: 'SCRAM-SHA-256',
    title: 'Salted challenge-response (SHA-256)',
    explanation: 'SCRAM with SHA-256: the password is proved, never sent, and the server stores only salted hashes.',
    action: 'Not typed by hand: /scram USER PASSWORD begins it here, and /scram answers each 334 and checks the server\'s signature.',
    source: 'RFC 7677',
  },
  {
    name: 'XOAUTH2',
    title: 'OAuth 2.0 token (Google, Microsoft)',
    explanation:
      'Gmail and Microsoft 365 accept an OAuth 2.0 access token instead of a password: base64 of ' +
      '"user=<address>^Aauth=Bearer <token>^A^A". A vendor mechanism, older than OAUTHBEARER.',
    action: 'Needs a token from the provider\'s OAuth flow; then AUTH XOAUTH2 <base64 string> (/base64 user=you@example.org\\x01auth=Bearer <token>\\x01\\x01 makes it).',
    source: 'Google "OAuth 2.0 Mechanism" (XOAUTH2) documentation; Microsoft OAuth for SMTP AUTH',
  },
];

/** The first line of an EHLO reply. */
export const EHLO_GREETING = {
  title: 'Server name and greeting',
  explanation:
    'The first line of an EHLO reply is the server\'s name, and often how it sees you: the name you gave in EHLO and, ' +
    'in brackets, the address your connection comes from.',
  action:
    'Check the address in brackets: it is the one the server judges and logs (in heloterm, the bridge\'s address, ' +
    'not your browser\'s).',
  source: 'RFC 5321 §4.1.1.1',
} as const;

/** An X… keyword with no entry above. */
export const EHLO_GENERIC_PRIVATE = {
  title: 'Vendor-specific extension',
  explanation:
    'Keywords that begin with X are private to one product, agreed between its own servers, and never registered ' +
    '(RFC 5321 §2.2.2, §4.1.5). heloterm has no entry for this one.',
  action: 'Look it up in the server software\'s documentation; sending mail by hand does not need it.',
  source: 'RFC 5321 §2.2.2, §4.1.5',
} as const;

/** Any other keyword with no entry above. */
export const EHLO_GENERIC_UNKNOWN = {
  title: 'Unrecognised extension',
  explanation:
    'heloterm has no entry for this keyword. A keyword that does not begin with X should be registered in the IANA ' +
    '"SMTP Service Extensions" registry; otherwise it is one product\'s unregistered extension.',
  action: 'Look it up in the IANA registry or the server\'s documentation; sending mail by hand does not need it.',
  source: 'RFC 5321 §2.2.2; IANA SMTP Service Extensions registry',
} as const;

/** A line after the first that does not start with a keyword. */
export const EHLO_MALFORMED = {
  title: 'Not an EHLO keyword line',
  explanation:
    'After the first line, each line of an EHLO reply should start with a keyword: a letter or digit followed by ' +
    'letters, digits or hyphens, then optional parameters separated by spaces. This line does not.',
  action: 'Nothing to do, but it is worth noting if you are debugging this server.',
  source: 'RFC 5321 §4.1.1.1',
} as const;

/** An AUTH mechanism with no entry above. */
export const SASL_GENERIC = {
  title: 'Unrecognised mechanism',
  explanation: 'heloterm has no entry for this SASL mechanism; the IANA "SASL Mechanisms" registry lists the registered ones.',
  source: 'RFC 4422 §3.1; IANA SASL Mechanisms registry',
} as const;
