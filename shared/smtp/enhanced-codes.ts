/**
 * Enhanced status codes class.subject.detail (RFC 3463), as data. No logic here: explain.ts indexes it at load.
 *
 * The detail list follows the IANA "SMTP Enhanced Status Codes" registry (RFC 5248), "Enumerated Status Codes",
 * last updated 2024-12-06: 81 entries, X.0.0 to X.7.30. `title` is the registry's "Sample Text" (X.6.10 has none:
 * it is a deprecated duplicate of X.6.8). Explanations and actions are written for this project.
 *
 * `basicCodes` copies the registry's "Associated basic status code" column ([] where it says "Not given").
 * `usedWith` lists the classes the entry is meant for: those of its basic codes, plus what the defining RFC's text
 * says ("only useful as a permanent error" means 5, "persistent transient" means 4). [] means nothing is stated.
 */

export type EnhancedClass = 2 | 4 | 5;

/** The first part: success or how the failure should be handled (RFC 3463 §2). */
export interface EnhancedClassEntry {
  readonly cls: EnhancedClass;
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
  readonly source: string;
}

/** The second part: which area the status is about (RFC 3463 §2). */
export interface EnhancedSubjectEntry {
  readonly subject: number;
  readonly title: string;
  readonly explanation: string;
  readonly source: string;
}

/** One registered subject.detail pair, valid with any class it is used with. */
export interface EnhancedDetailEntry {
  readonly subject: number;
  readonly detail: number;
  /** The registry's sample text. */
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
  readonly source: string;
  readonly usedWith: readonly EnhancedClass[];
  readonly basicCodes: readonly string[];
  /** True for X.6.10, which the registry keeps only as a deprecated duplicate. */
  readonly deprecated?: boolean;
}

export const ENHANCED_CLASSES: readonly EnhancedClassEntry[] = [
  {
    cls: 2,
    title: 'Success',
    explanation: 'Class 2: success; the action was carried out.',
    action: 'Nothing to fix; go on with the next step.',
    source: 'RFC 3463 §2',
  },
  {
    cls: 4,
    title: 'Persistent transient failure',
    explanation:
      'Class 4: a temporary failure; the request was valid but a passing condition stopped it, so the same ' +
      'request may succeed later.',
    action: 'Try the same thing again later.',
    source: 'RFC 3463 §2',
  },
  {
    cls: 5,
    title: 'Permanent failure',
    explanation:
      'Class 5: a permanent failure; sending the same thing again will fail the same way until something is ' +
      'changed.',
    action: 'Change the request (address, message or settings) before trying again.',
    source: 'RFC 3463 §2',
  },
];

export const ENHANCED_SUBJECTS: readonly EnhancedSubjectEntry[] = [
  {
    subject: 0,
    title: 'Other or undefined status',
    explanation: 'Subject 0: no further information on what area the status is about.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 1,
    title: 'Addressing status',
    explanation: 'Subject 1: about the sender or recipient address, its syntax or whether it is valid.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 2,
    title: 'Mailbox status',
    explanation: 'Subject 2: about the recipient\'s mailbox, which is under the recipient\'s control.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 3,
    title: 'Mail system status',
    explanation: 'Subject 3: about the destination mail system, which its administrator controls.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 4,
    title: 'Network and routing status',
    explanation: 'Subject 4: about the network or routing on the way, such as DNS or connections to the next hop.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 5,
    title: 'Mail delivery protocol status',
    explanation: 'Subject 5: about the SMTP conversation itself: commands, their order and their syntax.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 6,
    title: 'Message content or media status',
    explanation: 'Subject 6: about the message content, its media types, encoding or conversion.',
    source: 'RFC 3463 §2',
  },
  {
    subject: 7,
    title: 'Security or policy status',
    explanation: 'Subject 7: about security or policy: authentication, encryption, filtering or permissions.',
    source: 'RFC 3463 §2',
  },
];

export const ENHANCED_DETAILS: readonly EnhancedDetailEntry[] = [
  // X.0.x: other or undefined (RFC 3463 §3.1)
  {
    subject: 0, detail: 0, title: 'Other undefined Status',
    explanation: 'The server gives only the class (success, temporary or permanent failure), with no more precise reason.',
    action: 'Go by the basic code and the reply text.',
    source: 'RFC 3463 §3.1', usedWith: [2, 4, 5], basicCodes: ['Any'],
  },

  // X.1.x: addressing (RFC 3463 §3.2)
  {
    subject: 1, detail: 0, title: 'Other address status',
    explanation: 'Something about an address caused this status, with no more precise reason. Postfix answers 2.1.0 when it accepts MAIL FROM.',
    action: 'Read the text; it concerns the address in the command you just sent.',
    source: 'RFC 3463 §3.2', usedWith: [], basicCodes: [],
  },
  {
    subject: 1, detail: 1, title: 'Bad destination mailbox address',
    explanation: 'The recipient\'s mailbox does not exist: the part left of "@" is unknown at that domain.',
    action: 'Check the spelling of the recipient address, or ask the recipient for the right one.',
    source: 'RFC 3463 §3.2', usedWith: [4, 5], basicCodes: ['451', '550'],
  },
  {
    subject: 1, detail: 2, title: 'Bad destination system address',
    explanation: 'The recipient\'s domain (right of "@") does not exist or cannot accept mail.',
    action: 'Check the domain for a typo and that it has MX or A records.',
    source: 'RFC 3463 §3.2', usedWith: [5], basicCodes: [],
  },
  {
    subject: 1, detail: 3, title: 'Bad destination mailbox address syntax',
    explanation: 'The recipient address is not written correctly.',
    action: 'Retype it as RCPT TO:<name@example.net>: angle brackets, one "@", no spaces.',
    source: 'RFC 3463 §3.2', usedWith: [5], basicCodes: ['501'],
  },
  {
    subject: 1, detail: 4, title: 'Destination mailbox address ambiguous',
    explanation: 'The address matches more than one mailbox on the destination system, e.g. through a fuzzy name lookup.',
    action: 'Use the exact, full address of the one recipient you mean.',
    source: 'RFC 3463 §3.2', usedWith: [], basicCodes: [],
  },
  {
    subject: 1, detail: 5, title: 'Destination address valid',
    explanation: 'The recipient address is accepted.',
    action: 'Add more recipients with RCPT TO, or send DATA.',
    source: 'RFC 3463 §3.2', usedWith: [2], basicCodes: ['250'],
  },
  {
    subject: 1, detail: 6, title: 'Destination mailbox has moved, No forwarding address',
    explanation: 'The address was valid once, but mail is no longer accepted there and no new address is known.',
    action: 'Stop using the address; get the person\'s new address another way.',
    source: 'RFC 3463 §3.2', usedWith: [5], basicCodes: [],
  },
  {
    subject: 1, detail: 7, title: 'Bad sender\'s mailbox address syntax',
    explanation: 'The sender address in MAIL FROM is not written correctly.',
    action: 'Retype it as MAIL FROM:<you@example.org>; the empty path <> is only for bounces.',
    source: 'RFC 3463 §3.2', usedWith: [], basicCodes: [],
  },
  {
    subject: 1, detail: 8, title: 'Bad sender\'s system address',
    explanation: 'The sender\'s domain does not exist or cannot receive mail, so bounces could not be returned.',
    action: 'Use a sender address whose domain exists in DNS and receives mail.',
    source: 'RFC 3463 §3.2', usedWith: [4, 5], basicCodes: ['451', '501'],
  },
  {
    subject: 1, detail: 9, title: 'Message relayed to non-compliant mailer',
    explanation: 'The address was valid, but the message went on to a system that does not support status reporting, so no further status will come.',
    action: 'Nothing to fix; just do not expect further delivery reports for this message.',
    source: 'RFC 3886', usedWith: [], basicCodes: [],
  },
  {
    subject: 1, detail: 10, title: 'Recipient address has null MX',
    explanation: 'The recipient\'s domain publishes a "null MX" record, declaring that it accepts no mail at all.',
    action: 'Do not retry; check the domain for a typo or reach the person another way.',
    source: 'RFC 7505; RFC 7504', usedWith: [5], basicCodes: ['556'],
  },

  // X.2.x: mailbox (RFC 3463 §3.3)
  {
    subject: 2, detail: 0, title: 'Other or undefined mailbox status',
    explanation: 'The mailbox exists, but something about it caused this status.',
    action: 'Read the text; if the class is 4, try again later.',
    source: 'RFC 3463 §3.3', usedWith: [], basicCodes: [],
  },
  {
    subject: 2, detail: 1, title: 'Mailbox disabled, not accepting messages',
    explanation: 'The mailbox exists but is disabled, for a while (class 4) or for good (class 5).',
    action: 'With class 4 try again later; with class 5 contact the recipient another way.',
    source: 'RFC 3463 §3.3', usedWith: [4, 5], basicCodes: [],
  },
  {
    subject: 2, detail: 2, title: 'Mailbox full',
    explanation: 'The recipient is over their quota; they can make room by deleting messages. RFC 3463 means this as a temporary failure, although the registry pairs it with 552.',
    action: 'Try again later, and tell the recipient their mailbox is full by other means.',
    source: 'RFC 3463 §3.3', usedWith: [4, 5], basicCodes: ['552'],
  },
  {
    subject: 2, detail: 3, title: 'Message length exceeds administrative limit',
    explanation: 'The message is larger than this mailbox\'s own size limit, which is lower than the system\'s.',
    action: 'Send a smaller message, e.g. put large attachments somewhere else and send a link.',
    source: 'RFC 3463 §3.3', usedWith: [5], basicCodes: ['552'],
  },
  {
    subject: 2, detail: 4, title: 'Mailing list expansion problem',
    explanation: 'The address is a mailing list, and the list could not be expanded into its members.',
    action: 'With class 4 try again later; with class 5 tell the list\'s owner.',
    source: 'RFC 3463 §3.3', usedWith: [4, 5], basicCodes: ['450', '452'],
  },

  // X.3.x: mail system (RFC 3463 §3.4)
  {
    subject: 3, detail: 0, title: 'Other or undefined mail system status',
    explanation: 'The destination system normally accepts mail, but something about the system caused this status.',
    action: 'Read the text; if the class is 4, try again later.',
    source: 'RFC 3463 §3.4', usedWith: [2, 4, 5], basicCodes: ['221', '250', '421', '451', '550', '554'],
  },
  {
    subject: 3, detail: 1, title: 'Mail system full',
    explanation: 'The mail system\'s storage is full, and the recipient cannot fix that by deleting messages.',
    action: 'Try again later; the server\'s administrators have to free space.',
    source: 'RFC 3463 §3.4', usedWith: [4], basicCodes: ['452'],
  },
  {
    subject: 3, detail: 2, title: 'System not accepting network messages',
    explanation: 'The host is not accepting messages: shutting down, overloaded, in maintenance, or (with 521) never accepting mail.',
    action: 'With class 4 try again later; with class 5 do not retry this host.',
    source: 'RFC 3463 §3.4; RFC 7504', usedWith: [4, 5], basicCodes: ['453', '521'],
  },
  {
    subject: 3, detail: 3, title: 'System not capable of selected features',
    explanation: 'The destination system does not support a feature the message asks for, e.g. a gateway to another mail world.',
    action: 'Send the message without the feature (leave out the optional parameter or extension).',
    source: 'RFC 3463 §3.4', usedWith: [], basicCodes: [],
  },
  {
    subject: 3, detail: 4, title: 'Message too big for system',
    explanation: 'The message is larger than the system\'s per-message size limit.',
    action: 'Send a smaller message; the SIZE line of the EHLO reply gives the limit in bytes.',
    source: 'RFC 3463 §3.4', usedWith: [5], basicCodes: ['552', '554'],
  },
  {
    subject: 3, detail: 5, title: 'System incorrectly configured',
    explanation: 'The receiving system is not configured in a way that lets it accept this message.',
    action: 'Tell the receiving server\'s administrators; there is nothing to change on your side.',
    source: 'RFC 3463 §3.4', usedWith: [], basicCodes: [],
  },
  {
    subject: 3, detail: 6, title: 'Requested priority was changed',
    explanation: 'The message was accepted, but not with the priority requested; the text gives the new priority.',
    action: 'Nothing is required; note the priority actually used.',
    source: 'RFC 6710', usedWith: [2], basicCodes: ['250', '251'],
  },

  // X.4.x: network and routing (RFC 3463 §3.5)
  {
    subject: 4, detail: 0, title: 'Other or undefined network or routing status',
    explanation: 'Something went wrong with the network or routing, without a more precise reason.',
    action: 'Read the text; if the class is 4, try again later.',
    source: 'RFC 3463 §3.5', usedWith: [], basicCodes: [],
  },
  {
    subject: 4, detail: 1, title: 'No answer from host',
    explanation: 'A connection attempt to the next host got no answer: it was busy or unreachable.',
    action: 'Try again later; if it persists, check that the destination\'s MX hosts are up.',
    source: 'RFC 3463 §3.5', usedWith: [4], basicCodes: ['451'],
  },
  {
    subject: 4, detail: 2, title: 'Bad connection',
    explanation: 'A connection to the next host was made but could not finish the transaction, through a timeout or a poor link.',
    action: 'Try again later.',
    source: 'RFC 3463 §3.5', usedWith: [4], basicCodes: ['421'],
  },
  {
    subject: 4, detail: 3, title: 'Directory server failure',
    explanation: 'A directory server needed for routing was unavailable; most often a DNS server could not be reached.',
    action: 'Try again later; if it persists, check the DNS of the domains involved.',
    source: 'RFC 3463 §3.5', usedWith: [4, 5], basicCodes: ['451', '550'],
  },
  {
    subject: 4, detail: 4, title: 'Unable to route',
    explanation: 'The mail system could not find the next hop: the routing data (e.g. MX or A records) does not give one.',
    action: 'Check the recipient domain\'s MX and A/AAAA records.',
    source: 'RFC 3463 §3.5', usedWith: [4, 5], basicCodes: [],
  },
  {
    subject: 4, detail: 5, title: 'Mail system congestion',
    explanation: 'The mail system is congested and could not deliver the message now.',
    action: 'Try again later, and send more slowly.',
    source: 'RFC 3463 §3.5', usedWith: [4], basicCodes: ['451'],
  },
  {
    subject: 4, detail: 6, title: 'Routing loop detected',
    explanation: 'The message was forwarded too many times, through wrong routing tables or a forwarding loop.',
    action: 'Ask the administrators to check the forwarding and routing for this address.',
    source: 'RFC 3463 §3.5', usedWith: [4], basicCodes: [],
  },
  {
    subject: 4, detail: 7, title: 'Delivery time expired',
    explanation: 'The message was too old: it stayed queued too long, or its time-to-live ran out.',
    action: 'Send it again once the destination is reachable; look for the earlier error that kept it queued.',
    source: 'RFC 3463 §3.5', usedWith: [], basicCodes: [],
  },

  // X.5.x: mail delivery protocol (RFC 3463 §3.6)
  {
    subject: 5, detail: 0, title: 'Other or undefined protocol status',
    explanation: 'Something about the SMTP exchange caused this status, without a more precise reason.',
    action: 'Read the text; it usually refers to the command you just sent.',
    source: 'RFC 3463 §3.6', usedWith: [2, 4, 5],
    basicCodes: ['220', '250', '251', '252', '253', '451', '452', '454', '458', '459', '501', '502', '503', '554'],
  },
  {
    subject: 5, detail: 1, title: 'Invalid command',
    explanation: 'The command is out of sequence or not supported.',
    action: 'Send the commands in order: EHLO, MAIL FROM, RCPT TO, DATA; use RSET to start a transaction over.',
    source: 'RFC 3463 §3.6', usedWith: [4, 5], basicCodes: ['430', '500', '501', '503', '530', '550', '554', '555'],
  },
  {
    subject: 5, detail: 2, title: 'Syntax error',
    explanation: 'The command could not be understood: wrong syntax or an unknown command.',
    action: 'Check the spelling and form of the command and type it again.',
    source: 'RFC 3463 §3.6', usedWith: [5], basicCodes: ['500', '501', '502', '550', '555'],
  },
  {
    subject: 5, detail: 3, title: 'Too many recipients',
    explanation: 'More recipients were given than the server takes in one transaction.',
    action: 'Send this message to the recipients accepted so far, then the rest in a new transaction.',
    source: 'RFC 3463 §3.6', usedWith: [4], basicCodes: ['451'],
  },
  {
    subject: 5, detail: 4, title: 'Invalid command arguments',
    explanation: 'The command is valid, but an argument is out of range or names something the server does not know.',
    action: 'Check the arguments and parameters of the command and send it again.',
    source: 'RFC 3463 §3.6', usedWith: [4, 5], basicCodes: ['451', '501', '502', '503', '504', '550', '555'],
  },
  {
    subject: 5, detail: 5, title: 'Wrong protocol version',
    explanation: 'Client and server disagree on a protocol version and could not settle it.',
    action: 'Use the plain protocol the server offers (e.g. HELO instead of EHLO, or LMTP vs SMTP on the right port).',
    source: 'RFC 3463 §3.6', usedWith: [], basicCodes: [],
  },
  {
    subject: 5, detail: 6, title: 'Authentication Exchange line is too long',
    explanation: 'An AUTH answer line was longer than the server\'s buffer for the chosen mechanism.',
    action: 'Check that you sent only the base64 answer on the line, or pick a mechanism with shorter answers.',
    source: 'RFC 4954 §6', usedWith: [4, 5], basicCodes: ['500'],
  },

  // X.6.x: message content or media (RFC 3463 §3.7)
  {
    subject: 6, detail: 0, title: 'Other or undefined media error',
    explanation: 'Something about the message content made it undeliverable, without a more precise reason.',
    action: 'Read the text; change the content it points at.',
    source: 'RFC 3463 §3.7', usedWith: [], basicCodes: [],
  },
  {
    subject: 6, detail: 1, title: 'Media not supported',
    explanation: 'A media type in the message is not supported by the delivery protocol or the next system.',
    action: 'Send the content in a more common format, e.g. as plain text.',
    source: 'RFC 3463 §3.7', usedWith: [5], basicCodes: [],
  },
  {
    subject: 6, detail: 2, title: 'Conversion required and prohibited',
    explanation: 'The content must be converted for delivery, but conversion is forbidden by the message or by policy.',
    action: 'Send the content in a form the destination accepts as is, or allow conversion.',
    source: 'RFC 3463 §3.7', usedWith: [], basicCodes: [],
  },
  {
    subject: 6, detail: 3, title: 'Conversion required but not supported',
    explanation: 'The content must be converted for the next hop, but the relay cannot, e.g. 8-bit content to a server without 8BITMIME.',
    action: 'Send 7-bit content (e.g. quoted-printable or base64 encoding).',
    source: 'RFC 3463 §3.7', usedWith: [5], basicCodes: ['554'],
  },
  {
    subject: 6, detail: 4, title: 'Conversion with loss performed',
    explanation: 'The message was delivered, but a conversion on the way lost some data (a failure instead if you forbade that).',
    action: 'Check with the recipient that the content arrived intact.',
    source: 'RFC 3463 §3.7', usedWith: [2, 5], basicCodes: ['250'],
  },
  {
    subject: 6, detail: 5, title: 'Conversion Failed',
    explanation: 'A needed conversion of the content was attempted and failed.',
    action: 'Send the content in a simpler or more standard encoding.',
    source: 'RFC 3463 §3.7', usedWith: [4, 5], basicCodes: [],
  },
  {
    subject: 6, detail: 6, title: 'Message content not available',
    explanation: 'The server could not fetch message content it was asked to get from another system (BURL).',
    action: 'Check the URL and the trust set-up with the system holding the content, or send the content directly.',
    source: 'RFC 4468', usedWith: [4, 5], basicCodes: ['554'],
  },
  {
    subject: 6, detail: 7, title: 'Non-ASCII addresses not permitted for that sender/recipient',
    explanation: 'An address in MAIL FROM or RCPT TO has non-ASCII characters, which are not allowed here.',
    action: 'Use an ASCII address, or a server that advertises SMTPUTF8 and add SMTPUTF8 to MAIL FROM.',
    source: 'RFC 6531', usedWith: [5], basicCodes: ['553', '550'],
  },
  {
    subject: 6, detail: 8, title: 'UTF-8 string reply is required, but not permitted by the SMTP client',
    explanation: 'The answer would need UTF-8 text to show the mailbox name, but the client did not allow UTF-8 replies.',
    action: 'Repeat the command with the SMTPUTF8 option if the server advertises it.',
    source: 'RFC 6531', usedWith: [2, 5], basicCodes: ['252', '553', '550'],
  },
  {
    subject: 6, detail: 9, title: 'UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected',
    explanation: 'After the final ".", the message was refused: it has UTF-8 header fields that cannot reach some recipient.',
    action: 'Send the message with ASCII-only headers to those recipients, or through SMTPUTF8-capable servers.',
    source: 'RFC 6531', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 6, detail: 10, title: 'Deprecated duplicate of X.6.8',
    explanation: 'The registry keeps X.6.10 only as a deprecated duplicate of X.6.8: a UTF-8 reply was needed but not allowed.',
    action: 'Read it as X.6.8: repeat the command with SMTPUTF8 if the server advertises it.',
    source: 'RFC 6531', usedWith: [], basicCodes: [], deprecated: true,
  },

  // X.7.x: security or policy (RFC 3463 §3.8)
  {
    subject: 7, detail: 0, title: 'Other or undefined security status',
    explanation: 'Something related to security or policy caused this status; the server may be keeping the reason private. 2.7.0 also confirms successful authentication.',
    action: 'Read the text; often you must use STARTTLS or AUTH first.',
    source: 'RFC 3463 §3.8', usedWith: [2, 4, 5],
    basicCodes: ['220', '235', '450', '454', '500', '501', '503', '504', '530', '535', '550'],
  },
  {
    subject: 7, detail: 1, title: 'Delivery not authorized, message refused',
    explanation: 'The sender may not send to this destination: per-host or per-recipient filtering, e.g. relaying denied or a blocklisted sender.',
    action: 'Send only to domains this server handles, or authenticate first; if you are blocklisted, ask the receiver\'s postmaster.',
    source: 'RFC 3463 §3.8', usedWith: [4, 5], basicCodes: ['451', '454', '502', '503', '533', '550', '551'],
  },
  {
    subject: 7, detail: 2, title: 'Mailing list expansion prohibited',
    explanation: 'The sender may not send to this mailing list.',
    action: 'Ask the list owner for permission, or subscribe first.',
    source: 'RFC 3463 §3.8', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 3, title: 'Security conversion required but not possible',
    explanation: 'Delivery needed a conversion from one secure messaging protocol to another, and that was not possible.',
    action: 'Send the message with a security format the recipient supports.',
    source: 'RFC 3463 §3.8', usedWith: [5], basicCodes: [],
  },
  {
    subject: 7, detail: 4, title: 'Security features not supported',
    explanation: 'The message or command asks for a security feature the delivery protocol here cannot support.',
    action: 'Leave out the security feature, or use a server that offers it.',
    source: 'RFC 3463 §3.8', usedWith: [5], basicCodes: ['504'],
  },
  {
    subject: 7, detail: 5, title: 'Cryptographic failure',
    explanation: 'A system that should validate or decrypt the message could not, because a key was missing or invalid (also reported for failed TLS).',
    action: 'Check the keys or certificates involved.',
    source: 'RFC 3463 §3.8', usedWith: [], basicCodes: [],
  },
  {
    subject: 7, detail: 6, title: 'Cryptographic algorithm not supported',
    explanation: 'A system that should validate or decrypt the message does not support the algorithm used.',
    action: 'Use a more widely supported algorithm.',
    source: 'RFC 3463 §3.8', usedWith: [], basicCodes: [],
  },
  {
    subject: 7, detail: 7, title: 'Message integrity failure',
    explanation: 'The message could not be validated because it was corrupted or altered on the way.',
    action: 'Send the message again unchanged; check what on the way modifies it.',
    source: 'RFC 3463 §3.8', usedWith: [2, 4, 5], basicCodes: [],
  },
  {
    subject: 7, detail: 8, title: 'Authentication credentials invalid',
    explanation: 'AUTH failed: the user name or password is wrong or not enough.',
    action: 'Check the user name, the password and their base64 encoding, then run AUTH again.',
    source: 'RFC 4954 §6', usedWith: [5], basicCodes: ['535', '554'],
  },
  {
    subject: 7, detail: 9, title: 'Authentication mechanism is too weak',
    explanation: 'The AUTH mechanism chosen is weaker than the server allows for this user.',
    action: 'Run AUTH again with a stronger mechanism from the EHLO AUTH list.',
    source: 'RFC 4954 §6', usedWith: [5], basicCodes: ['534'],
  },
  {
    subject: 7, detail: 10, title: 'Encryption Needed',
    explanation: 'The chosen authentication mechanism needs an encrypted connection first; meant for clear-text mechanisms.',
    action: 'Send STARTTLS (then EHLO again) before AUTH, or use a stronger mechanism.',
    source: 'RFC 5248', usedWith: [5], basicCodes: ['523'],
  },
  {
    subject: 7, detail: 11, title: 'Encryption required for requested authentication mechanism',
    explanation: 'The chosen AUTH mechanism may only be used over an encrypted connection.',
    action: 'Send STARTTLS, then EHLO again, then retry AUTH.',
    source: 'RFC 4954 §6', usedWith: [5], basicCodes: ['524', '538'],
  },
  {
    subject: 7, detail: 12, title: 'A password transition is needed',
    explanation: 'The user must authenticate once with PLAIN before the chosen mechanism will work.',
    action: 'Authenticate once with AUTH PLAIN over TLS, then use the other mechanism in later sessions.',
    source: 'RFC 4954 §6', usedWith: [4], basicCodes: ['422', '432'],
  },
  {
    subject: 7, detail: 13, title: 'User Account Disabled',
    explanation: 'Authentication worked, but the account is disabled (unpaid, abuse, suspected break-in).',
    action: 'Contact the server\'s administrators to have the account enabled again; retyping the password will not help.',
    source: 'RFC 5248', usedWith: [5], basicCodes: ['525'],
  },
  {
    subject: 7, detail: 14, title: 'Trust relationship required',
    explanation: 'The submission server needs a configured trust relationship with another server to fetch the message content.',
    action: 'Ask the administrators to set up that trust, or send the content directly.',
    source: 'RFC 5248', usedWith: [5], basicCodes: ['535', '554'],
  },
  {
    subject: 7, detail: 15, title: 'Priority Level is too low',
    explanation: 'The message\'s priority is below the lowest this server accepts now, e.g. it only takes urgent mail for a while.',
    action: 'With class 4 try again later; otherwise send with a higher priority if you may.',
    source: 'RFC 6710', usedWith: [4, 5], basicCodes: ['450', '550', '4XX', '5XX'],
  },
  {
    subject: 7, detail: 16, title: 'Message is too big for the specified priority',
    explanation: 'The message is too big for the priority requested; the server limits size per priority.',
    action: 'Send a smaller message, or with a different priority, or (class 4) try again later.',
    source: 'RFC 6710', usedWith: [4, 5], basicCodes: ['552', '4XX', '5XX'],
  },
  {
    subject: 7, detail: 17, title: 'Mailbox owner has changed',
    explanation: 'The sender asked (RRVS) that the mailbox have had the same owner since a date, and it has not.',
    action: 'Do not send to this address; confirm the person\'s current address.',
    source: 'RFC 7293', usedWith: [5], basicCodes: ['5XX'],
  },
  {
    subject: 7, detail: 18, title: 'Domain owner has changed',
    explanation: 'The sender asked (RRVS) about ownership since a date, and the recipient\'s domain has changed hands since.',
    action: 'Do not send to this address; confirm the person\'s current address.',
    source: 'RFC 7293', usedWith: [5], basicCodes: ['5XX'],
  },
  {
    subject: 7, detail: 19, title: 'RRVS test cannot be completed',
    explanation: 'The sender asked (RRVS) about ownership since a date, but the receiver has no record to check it against.',
    action: 'Decide whether to send the message again without the RRVS requirement.',
    source: 'RFC 7293', usedWith: [5], basicCodes: ['5XX'],
  },
  {
    subject: 7, detail: 20, title: 'No passing DKIM signature found',
    explanation: 'The receiver requires a valid DKIM signature, and the message had none that verified.',
    action: 'Sign outgoing mail with DKIM and check that the signature verifies (DNS key published, body unchanged).',
    source: 'RFC 7372 §3.1', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 21, title: 'No acceptable DKIM signature found',
    explanation: 'The message has valid DKIM signatures, but none the receiver accepts (e.g. from the wrong domain).',
    action: 'Sign with a domain the receiver accepts, usually the one in your From address.',
    source: 'RFC 7372 §3.1', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 22, title: 'No valid author-matched DKIM signature found',
    explanation: 'No valid DKIM signature is from the domain of the From header\'s author address.',
    action: 'Sign with the same domain as the From address.',
    source: 'RFC 7372 §3.1', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 23, title: 'SPF validation failed',
    explanation: 'The sending IP is not allowed by the SPF record of the sender\'s domain, and policy rejects that.',
    action: 'Send from a server listed in the domain\'s SPF record, or add this server to it.',
    source: 'RFC 7372 §3.2', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 24, title: 'SPF validation error',
    explanation: 'Checking SPF for the sender\'s domain gave an error, e.g. a broken record or a DNS failure.',
    action: 'Check the sender domain\'s SPF record for syntax errors and too many DNS lookups.',
    source: 'RFC 7372 §3.2', usedWith: [4, 5], basicCodes: ['451', '550'],
  },
  {
    subject: 7, detail: 25, title: 'Reverse DNS validation failed',
    explanation: 'The client\'s IP address failed the reverse DNS check: its PTR name is missing or does not point back to it.',
    action: 'Give the sending IP a PTR record whose name resolves back to the same IP.',
    source: 'RFC 7372 §3.3', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 26, title: 'Multiple authentication checks failed',
    explanation: 'The message failed more than one authentication check (such as SPF and DKIM); which ones is not said.',
    action: 'Set up SPF and DKIM for the sending domain (and align them for DMARC), then send again.',
    source: 'RFC 7372 §3.4', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 27, title: 'Sender address has null MX',
    explanation: 'The sender\'s domain publishes a "null MX" (it takes no mail), so replies and bounces could not be returned.',
    action: 'Use a sender address in a domain that receives mail.',
    source: 'RFC 7505', usedWith: [5], basicCodes: ['550'],
  },
  {
    subject: 7, detail: 28, title: 'Mail flood detected',
    explanation: 'The message looks like part of a flood of similar abusive messages.',
    action: 'Stop and check what is sending so much mail; send again later at a lower rate.',
    source: 'draft-levine-mailbomb-header (IANA registry)', usedWith: [], basicCodes: [],
  },
  {
    subject: 7, detail: 29, title: 'ARC validation failure',
    explanation: 'The message\'s ARC chain (signatures added by forwarders) did not validate.',
    action: 'If you forward mail, check your ARC signing; otherwise tell the forwarder.',
    source: 'RFC 8617 §5.2.2', usedWith: [5], basicCodes: [],
  },
  {
    subject: 7, detail: 30, title: 'REQUIRETLS support required',
    explanation: 'The message requires TLS on every hop (REQUIRETLS), and no next server offers that support.',
    action: 'Send without the REQUIRETLS requirement, or through servers that support it.',
    source: 'RFC 8689', usedWith: [5], basicCodes: [],
  },
];
