/**
 * What real mail servers and providers say in their reply TEXTS, and what it usually means. Data only: the matcher is
 * vendor-match.ts. The reply code tells the class (RFC 5321 §4.2.1); these rules add the vendor's specific reason
 * ("Greylisted", "blocked using zen.spamhaus.org", "User unknown in local recipient table") and a concrete next step.
 *
 * Rules for writing a rule:
 *   - `pattern` is case-insensitive (flag `i`, no other flag), anchored on the vendor's fixed words, never on the
 *     variable parts (addresses, IPs, queue IDs, host names), and it must not rely on the enhanced status code: the
 *     matcher sees the text after it (ReplyLine.text), lines joined with ' '.
 *   - every top-level alternative contains a literal word of 4+ letters/digits after `\b` or a space: the matcher
 *     indexes rules by such words (vendor-match.ts); keep quantifiers bounded.
 *   - `codes`, when set, lists the basic codes the rule applies to; the matcher only ever looks at 4xx and 5xx.
 *   - `source` says where the text is published, so a reader can check it.
 * Order matters only between rules of the same confidence: the earlier one is reported first.
 */

export const VENDOR_TOPICS = [
  'greylisting', // a first attempt deferred on purpose; a real MTA retries and gets through
  'dnsbl', // the client IP (or HELO/domain) is on a public DNS blocklist
  'ip-reputation', // the provider's own reputation system or block list refuses the IP or domain
  'spf', // SPF (RFC 7208) failed or is broken
  'dkim', // DKIM (RFC 6376) failed
  'dmarc', // DMARC (RFC 7489) failed, is missing, or is not aligned
  'unauthenticated', // neither SPF nor DKIM passed, or the provider's authentication bar was not met
  'relay-denied', // the server does not accept mail for that domain from this client
  'unknown-user', // no such mailbox
  'mailbox-full', // the recipient's mailbox is full / over its storage quota
  'over-quota', // the SENDER went over a sending quota (daily limit, submission quota)
  'message-too-big', // the message (or the SIZE= declared) is over a size limit
  'rate-limit', // too much, too fast: deferred or refused for volume
  'tls-required', // STARTTLS (RFC 3207) must come first
  'auth-required', // SMTP AUTH (RFC 4954) must come first
  'auth-failed', // SMTP AUTH was tried and refused
  'reverse-dns', // the client IP has no (matching) PTR record
  'helo-check', // the HELO/EHLO name was refused
  'content-rejected', // the message content was judged spam or unsafe
  'message-format', // the message breaks RFC 5322 rules the receiver enforces
  'sender-rejected', // the envelope sender (MAIL FROM) was refused
  'command-sequence', // a command came out of order (RFC 5321 §4.1.4)
] as const;
export type VendorTopic = (typeof VENDOR_TOPICS)[number];

export const VENDORS = [
  'Postfix',
  'Exim',
  'Sendmail',
  'OpenSMTPD',
  'Dovecot',
  'postgrey',
  'Microsoft 365 / Exchange',
  'Outlook.com',
  'Gmail',
  'Yahoo',
  'Spamhaus',
  'SpamCop',
  'Barracuda',
  'OpenDMARC',
  'pypolicyd-spf',
  'generic',
] as const;
export type Vendor = (typeof VENDORS)[number];

/** How sure a match is: high = the words are the vendor's own and mean one thing; low = a common phrase. */
export type Confidence = 'high' | 'medium' | 'low';

export interface VendorRule {
  /** Stable kebab-case id: tests and the UI refer to it. */
  readonly id: string;
  readonly topic: VendorTopic;
  readonly vendor: Vendor;
  /** Basic reply codes the rule applies to; absent = any 4xx or 5xx. */
  readonly codes?: readonly number[];
  readonly pattern: RegExp;
  readonly title: string;
  /** The likely cause, in plain words. */
  readonly cause: string;
  /** What to do next, concretely. */
  readonly action: string;
  readonly confidence: Confidence;
  /** Where the text is published (vendor page, source file, RFC section). */
  readonly source: string;
}

// Where the texts come from. Cited by each rule; the test corpus quotes the same places.
const GOOGLE = 'Google Workspace Admin Help, "Gmail SMTP errors and codes" (support.google.com/a/answer/3726730)';
const MS_NDR = 'Microsoft Learn, "Email non-delivery reports in Exchange Online" (NDR code table)';
const YAHOO = 'Yahoo Sender Hub, "SMTP Error Codes" (senders.yahooinc.com/smtp-error-codes)';
const POSTFIX_CHECK = 'Postfix source smtpd/smtpd_check.c; Postfix SMTPD_ACCESS_README';

const RETRY_NOTE = 'a real MTA retries by itself; typing by hand, reconnect and repeat the same MAIL/RCPT';

export const VENDOR_RULES: readonly VendorRule[] = [
  // ---- greylisting -------------------------------------------------------------------------------------------
  {
    id: 'postgrey-greylisted',
    topic: 'greylisting',
    vendor: 'postgrey',
    codes: [450, 451],
    pattern: /\bGreylisted, see https?:\/\/postgrey\b/i,
    title: 'Greylisted by postgrey',
    cause: 'The server defers the first attempt from an unknown sender/IP/recipient triple on purpose (spam bots rarely retry).',
    action: `Wait and retry in 5-15 minutes with the same sender and recipient; ${RETRY_NOTE}.`,
    confidence: 'high',
    source: 'postgrey(8) default --greylist-text "Greylisted, see http://postgrey.schweikert.ch/help/%r.html"',
  },
  {
    id: 'generic-greylisting',
    topic: 'greylisting',
    vendor: 'generic',
    codes: [421, 450, 451, 452],
    pattern: /\bgreylist(?:ed|ing)\b|\bgraylist(?:ed|ing)\b|\bgr[ae]y-list(?:ed|ing)\b/i,
    title: 'Greylisted',
    cause: 'A greylisting filter (Exim ACL, milter-greylist, sqlgrey...) defers the first attempt from an unknown sender.',
    action: `Wait and retry in 5-15 minutes; ${RETRY_NOTE}.`,
    confidence: 'high',
    source: 'milter-greylist source: smfi_setreply(ctx, "451", "4.7.1", "Greylisting in action, please come back in %02d:%02d:%02d"); RFC 6647 §2',
  },

  // ---- DNS blocklists ----------------------------------------------------------------------------------------
  {
    id: 'yahoo-spamhaus-bl21',
    topic: 'dnsbl',
    vendor: 'Yahoo',
    pattern: /\[BL21\]|\bConnections will not be accepted from \S+,? because the ip is in Spamhaus'?s list\b/i,
    title: 'Yahoo refuses an IP listed by Spamhaus (BL21)',
    cause: 'Yahoo checks Spamhaus; the connecting IP is listed there, so Yahoo will not accept connections from it.',
    action: 'Check https://check.spamhaus.org for your IP, fix the cause and request delisting; Yahoo follows the listing.',
    confidence: 'high',
    source: `${YAHOO} ("Your IP is listed by Spamhaus"); reply "553 5.7.1 [BL21] Connections will not be accepted from .., because the ip is in Spamhaus's list" (smtp.codes/yahoo)`,
  },
  {
    id: 'spamhaus-listed',
    topic: 'dnsbl',
    vendor: 'Spamhaus',
    pattern: /\b(?:blocked|listed)\b[^;]{0,80}\bspamhaus|\bspamhaus(?:'s)?\b[^;]{0,40}\b(?:list|listed|blocked)\b/i,
    title: 'IP listed by Spamhaus',
    cause: 'The connecting IP (or the HELO/sender domain) is on a Spamhaus blocklist (ZEN = SBL, XBL, PBL; DBL for domains).',
    action:
      'Check https://check.spamhaus.org for your IP; fix the cause (infected host, open relay, or a dynamic IP in the PBL: send through your provider\'s relay), then request delisting there.',
    confidence: 'high',
    source: 'Spamhaus FAQ / check.spamhaus.org; Postfix reject_rbl_client reply "blocked using zen.spamhaus.org"; Exchange Online "blocked using Spamhaus"',
  },
  {
    id: 'spamcop-listed',
    topic: 'dnsbl',
    vendor: 'SpamCop',
    pattern: /\bbl\.spamcop\.net\b|\bspamcop\.net\/bl\.shtml\b/i,
    title: 'IP listed by SpamCop',
    cause: 'The connecting IP is on the SpamCop Blocking List (SCBL), built from spam reports and spam traps.',
    action:
      'Look the IP up at https://www.spamcop.net/bl.shtml; stop the spam source. SCBL listings expire by themselves about 24 hours after the reports stop.',
    confidence: 'high',
    source: 'SpamCop FAQ "What is on the list?" (spamcop.net/fom-serve/cache/297.html); TXT "Blocked - see https://www.spamcop.net/bl.shtml?IP"',
  },
  {
    id: 'barracuda-reputation',
    topic: 'dnsbl',
    vendor: 'Barracuda',
    pattern: /\bBarracuda Reputation\b|\bbarracudacentral\.(?:org|com)\b/i,
    title: 'IP listed by Barracuda (BRBL)',
    cause: 'The IP is rated "poor" on the Barracuda Reputation Block List (b.barracudacentral.org).',
    action:
      'Look the IP up at https://www.barracudacentral.org/lookups and use its removal request form after fixing the cause (compromised host, bulk mail without consent).',
    confidence: 'high',
    source: 'Barracuda Central, "Why is my IP listed on the Barracuda Reputation System?" (barracudacentral.org/lookups/reason)',
  },
  {
    id: 'sendmail-dnsbl-listed-at',
    topic: 'dnsbl',
    vendor: 'Sendmail',
    pattern: /\bRejected: \S+ listed at\b/i,
    title: 'IP on a DNS blocklist (Sendmail)',
    cause: 'Sendmail\'s FEATURE(dnsbl) found the client IP in the blocklist it names.',
    action: 'Look up your IP at the list named after "listed at", fix the cause and request delisting there.',
    confidence: 'high',
    source: 'Sendmail cf/feature/dnsbl.m4: "550 Rejected: " $&{client_addr} " listed at <list>"',
  },
  {
    id: 'postfix-blocked-using',
    topic: 'dnsbl',
    vendor: 'Postfix',
    pattern: /\[[^\]]{1,100}\] blocked using \S/i,
    title: 'IP on a DNS blocklist',
    cause: 'The server (Postfix reject_rbl_client, postscreen, or a gateway copying its wording) found the client IP in the DNS blocklist it names.',
    action: 'Look up your IP at the list named after "blocked using" (e.g. https://check.spamhaus.org), fix the cause, then request delisting.',
    confidence: 'high',
    source: `${POSTFIX_CHECK} ("Service unavailable; Client host [%s] blocked using %s"); postscreen "client [%s] blocked using %s"`,
  },

  // ---- provider reputation / own block lists -----------------------------------------------------------------
  {
    id: 'outlook-network-on-block-list',
    topic: 'ip-reputation',
    vendor: 'Outlook.com',
    pattern: /\bpart of their network is on our block list\b/i,
    title: 'IP on Microsoft\'s block list (S3150 / SC-001)',
    cause: 'Outlook.com/Hotmail (and Microsoft 365) block the IP or its range for poor reputation; public blocklists may be clean.',
    action:
      'Ask for mitigation at https://olcsupport.office.com (Outlook.com sender support); join SNDS (https://sendersupport.olc.protection.outlook.com/snds/) to watch the IP.',
    confidence: 'high',
    source: 'Outlook.com Postmaster troubleshooting (mail.live.com/mail/troubleshooting.aspx#errors), quoted in the reply; Microsoft Sender Support',
  },
  {
    id: 'm365-traffic-not-accepted',
    topic: 'ip-reputation',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\btraffic not accepted from this IP\b|\btenant has exceeded threshold\b/i,
    title: 'Sending tenant or IP blocked by Microsoft',
    cause: 'Most traffic from this tenant or IP was judged suspicious (often a compromised account or open relay): 5.7.705 / 5.7.708.',
    action: 'Find and fix the compromise or open relay, then contact Microsoft support to lift the block.',
    confidence: 'high',
    source: 'Microsoft Learn, "Fix email delivery issues for error codes 5.7.700 through 5.7.750 in Exchange Online"',
  },
  {
    id: 'gmail-low-reputation',
    topic: 'ip-reputation',
    vendor: 'Gmail',
    pattern: /\bsuspicious due to the very low reputation of the sending (?:IP address|domain)\b/i,
    title: 'Low sender reputation at Gmail',
    cause: 'Gmail rates the sending IP or domain as very low reputation (spam complaints, spam traps, sudden volume).',
    action:
      'Check Google Postmaster Tools (https://postmaster.google.com), authenticate with SPF, DKIM and DMARC, reduce volume and send only to people who asked; retry later.',
    confidence: 'high',
    source: `${GOOGLE}, 421 4.7.0 and 550 5.7.1 "... suspicious due to the very low reputation of the sending IP address/domain"`,
  },

  // ---- SPF / DKIM / DMARC / unauthenticated ------------------------------------------------------------------
  {
    id: 'gmail-spf-hard-fail',
    topic: 'spf',
    vendor: 'Gmail',
    pattern: /\bfails? to pass SPF checks\b/i,
    title: 'SPF hard fail (-all) at Gmail',
    cause: 'The MAIL FROM domain publishes SPF with -all and the sending IP is not in it.',
    action: 'Add the sending IP (or your provider\'s include:) to the SPF record of the MAIL FROM domain, or send through a server that is listed.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.7.26 "The (E)MAIL FROM domain [..] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks"`,
  },
  {
    id: 'm365-spf-violation',
    topic: 'spf',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bSender Policy Framework violation\b/i,
    title: 'SPF violation (Exchange Online)',
    cause: 'The destination checked SPF and the sending IP is not allowed by the sender domain\'s record (5.7.23).',
    action: 'Fix the SPF record of the sending domain to include the IP (or include: of your provider) and resend.',
    confidence: 'high',
    source: `${MS_NDR}, 5.7.23 "The message was rejected because of Sender Policy Framework violation"`,
  },
  {
    id: 'policyd-spf-fail',
    topic: 'spf',
    vendor: 'pypolicyd-spf',
    pattern: /\bSPF fail - not authorized\b|\bopenspf\.(?:net|org)\/Why\b/i,
    title: 'SPF fail (policyd-spf)',
    cause: 'The receiving Postfix runs policyd-spf; the sender domain\'s SPF record does not authorise the connecting IP.',
    action: 'Send from a server listed in the sender domain\'s SPF record, or add this IP to it.',
    confidence: 'high',
    source: 'pypolicyd-spf (policyd-spf) reply "Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?..."',
  },
  {
    id: 'gmail-dkim-not-passed',
    topic: 'dkim',
    vendor: 'Gmail',
    codes: [421, 550],
    pattern: /\bDKIM authentication didn't pass\b|\bdidn't pass DKIM authentication\b/i,
    title: 'DKIM did not pass (Gmail bulk-sender rule)',
    cause: 'Gmail requires bulk senders to sign with DKIM; this message had no valid signature (4.7.30 / 5.7.30).',
    action: 'Turn on DKIM signing for the From domain and publish the selector\'s public key in DNS, then resend.',
    confidence: 'high',
    source: `${GOOGLE}, 421 4.7.30 / 550 5.7.30`,
  },
  {
    id: 'gmail-dmarc-policy',
    topic: 'dmarc',
    vendor: 'Gmail',
    codes: [550],
    pattern: /\bis not accepted due to domain's DMARC policy\b/i,
    title: 'Rejected by the From domain\'s DMARC policy',
    cause: 'The From: domain publishes DMARC p=reject and this message passed neither aligned SPF nor aligned DKIM.',
    action:
      'If you own the domain, send through a server in its SPF record or sign with its DKIM key; if not, you cannot send with that From: address.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.7.26 "Unauthenticated email from domain-name is not accepted due to domain's DMARC policy"`,
  },
  {
    id: 'opendmarc-reject',
    topic: 'dmarc',
    vendor: 'OpenDMARC',
    pattern: /\brejected by DMARC policy for\b/i,
    title: 'Rejected by DMARC policy (OpenDMARC)',
    cause: 'The receiver runs OpenDMARC; the From: domain has p=reject and the message failed aligned SPF and DKIM.',
    action: 'Send through a server authorised by the domain\'s SPF and sign with its DKIM key, or use a From: you control.',
    confidence: 'high',
    source: 'OpenDMARC source opendmarc/opendmarc.c: reply "rejected by DMARC policy for %s"',
  },
  {
    id: 'gmail-unauthenticated',
    topic: 'unauthenticated',
    vendor: 'Gmail',
    pattern:
      /\bThis (?:e?mail|message) is unauthenticated\b|\bbecause (?:the sender|it) is unauthenticated\b|\bdoes not have authentication information\b/i,
    title: 'Neither SPF nor DKIM passed (Gmail)',
    cause: 'Gmail requires every sender to pass SPF or DKIM; this message passed neither (5.7.26 blocked, 4.7.26 rate limited).',
    action: 'Publish an SPF record listing the sending IP and/or sign with DKIM; see https://support.google.com/mail/answer/81126.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.7.26 / 421 4.7.26; older wording "This mail is unauthenticated, which poses a security risk..."`,
  },
  {
    id: 'outlook-authentication-level',
    topic: 'unauthenticated',
    vendor: 'Outlook.com',
    pattern: /\bdoes not meet the required authentication level\b/i,
    title: 'Authentication level not met (Outlook.com)',
    cause: 'A high-volume sender domain did not pass SPF, DKIM and DMARC as Outlook.com requires since May 2025 (5.7.515).',
    action: 'Make SPF and DKIM pass and publish DMARC (at least p=none) aligned with the From: domain.',
    confidence: 'high',
    source: 'Microsoft Support, "Fix NDR error 550 5.7.515 in Outlook.com"',
  },

  // ---- sender rejected ---------------------------------------------------------------------------------------
  {
    id: 'exim-sender-verify-failed',
    topic: 'sender-rejected',
    vendor: 'Exim',
    pattern: /\bSender verify failed\b/i,
    title: 'Sender address could not be verified (Exim)',
    cause: 'Exim checked the MAIL FROM address (verify = sender) and it is not routable or its server refused it.',
    action: 'Use a real, deliverable MAIL FROM address in a domain with working MX/A records.',
    confidence: 'high',
    source: 'Exim specification ch. "Access control lists", verify = sender; reply "Sender verify failed"',
  },
  {
    id: 'postfix-sender-domain',
    topic: 'sender-rejected',
    vendor: 'Postfix',
    pattern: /\bSender address rejected: (?:Domain not found|need fully-qualified address)\b/i,
    title: 'Sender domain not found',
    cause: 'reject_unknown_sender_domain / reject_non_fqdn_sender: the MAIL FROM domain has no MX or A record, or is not a full domain.',
    action: 'Use a MAIL FROM address whose domain exists in DNS (e.g. you@example.org, not you@localhost).',
    confidence: 'high',
    source: `${POSTFIX_CHECK}; postconf(5) reject_unknown_sender_domain`,
  },

  // ---- relay denied ------------------------------------------------------------------------------------------
  {
    id: 'postfix-relay-access-denied',
    topic: 'relay-denied',
    vendor: 'Postfix',
    pattern: /\bRelay access denied\b/i,
    title: 'Relay access denied',
    cause: 'The recipient\'s domain is not one this server accepts mail for, and you are not an authorised client (not in mynetworks, not logged in).',
    action:
      'Send to the recipient domain\'s own MX (dig MX <domain>), or log in first (EHLO, STARTTLS, AUTH) on the submission port 587 to relay.',
    confidence: 'high',
    source: `${POSTFIX_CHECK} reject_unauth_destination "Relay access denied"; Exchange Online 5.4.1 uses the same words`,
  },
  {
    id: 'exim-relay-not-permitted',
    topic: 'relay-denied',
    vendor: 'Exim',
    pattern: /\brelay not permitted\b/i,
    title: 'Relay not permitted (Exim)',
    cause: 'The recipient domain is not local or in relay_to_domains, and the client is not in relay_from_hosts nor authenticated.',
    action: 'Send to the recipient domain\'s own MX, or authenticate (AUTH) on the submission port to relay through this server.',
    confidence: 'high',
    source: 'Exim default configure, acl_check_rcpt: require message = relay not permitted',
  },
  {
    id: 'sendmail-relaying-denied',
    topic: 'relay-denied',
    vendor: 'Sendmail',
    pattern: /\bRelaying denied\b/i,
    title: 'Relaying denied (Sendmail)',
    cause: 'The recipient domain is not local and the client is not allowed to relay (".. Proper authentication required." when AUTH is on).',
    action: 'Send to the recipient domain\'s MX, or authenticate (AUTH) before MAIL FROM.',
    confidence: 'high',
    source: 'Sendmail cf/m4/proto.m4 confRELAY_MSG: "550 Relaying denied" / "550 Relaying denied. Proper authentication required."',
  },
  {
    id: 'm365-unable-to-relay',
    topic: 'relay-denied',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bUnable to relay\b/i,
    title: 'Unable to relay (Exchange)',
    cause: 'The server is not the destination for this domain (non-accepted domain, stale MX) and the client may not relay (5.7.1 / 5.7.54).',
    action: 'Check the recipient domain\'s MX points here, or authenticate / configure a connector that allows this client to relay.',
    confidence: 'high',
    source: `${MS_NDR}, 5.7.1 "Unable to relay"; Exchange 5.7.54 "Unable to relay recipient in non-accepted domain"`,
  },

  // ---- unknown user ------------------------------------------------------------------------------------------
  {
    id: 'postfix-user-unknown-local',
    topic: 'unknown-user',
    vendor: 'Postfix',
    pattern: /\bUser unknown in local recipient table\b/i,
    title: 'No such local user',
    cause: 'The address is in a domain this server delivers locally, but there is no such account or alias (local_recipient_maps).',
    action: 'Check the spelling of the local part; ask the recipient for the right address.',
    confidence: 'high',
    source: `${POSTFIX_CHECK}; LOCAL_RECIPIENT_README`,
  },
  {
    id: 'postfix-user-unknown-virtual',
    topic: 'unknown-user',
    vendor: 'Postfix',
    pattern: /\bUser unknown in virtual (?:mailbox|alias) table\b/i,
    title: 'No such virtual mailbox',
    cause: 'The domain is hosted here as a virtual domain, but this address is not in virtual_mailbox_maps / virtual_alias_maps.',
    action: 'Check the spelling; if you run the server, add the mailbox or alias and run postmap.',
    confidence: 'high',
    source: `${POSTFIX_CHECK}; VIRTUAL_README`,
  },
  {
    id: 'exim-unrouteable-address',
    topic: 'unknown-user',
    vendor: 'Exim',
    pattern: /\bUnrouteable address\b/i,
    title: 'Unrouteable address (Exim)',
    cause: 'No Exim router accepted the address: no such local user, or (for remote domains) the domain has no usable MX/A record.',
    action: 'Check the spelling of the whole address; for a remote domain check dig MX <domain>.',
    confidence: 'high',
    source: 'Exim verify.c ("Unrouteable address"); Exim default configure acl_check_rcpt require verify = recipient',
  },
  {
    id: 'opensmtpd-invalid-recipient',
    topic: 'unknown-user',
    vendor: 'OpenSMTPD',
    codes: [550],
    pattern: /\bInvalid recipient\b/i,
    title: 'Invalid recipient (OpenSMTPD)',
    cause: 'No match rule accepts this recipient: no such mailbox, or a domain this server neither delivers nor relays for (OpenSMTPD uses the same words for refused relaying).',
    action: 'Check the address; for another domain, send to that domain\'s MX or authenticate to relay.',
    confidence: 'high',
    source: 'OpenSMTPD smtp_session.c "550 Invalid recipient"; recorded in test/fixtures/real-mta/opensmtpd-6.8-basic.txt',
  },
  {
    id: 'gmail-account-does-not-exist',
    topic: 'unknown-user',
    vendor: 'Gmail',
    pattern: /\bThe email account that you tried to reach does not exist\b/i,
    title: 'No such Gmail account',
    cause: 'There is no Gmail / Google Workspace account with this address.',
    action: 'Check the address for typos or stray spaces; do not retry the same address.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.1.1`,
  },
  {
    id: 'm365-recipient-not-found',
    topic: 'unknown-user',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bRESOLVER\.ADR\.Recip(?:ient)?NotFound\b|\bnot found by SMTP address lookup\b/i,
    title: 'Recipient not found (Exchange)',
    cause: 'The address is not in the recipient organisation\'s directory (typo, deleted mailbox, stale autocomplete entry): 5.1.10.',
    action: 'Check the address (remove it from the autocomplete list and retype it); ask the recipient.',
    confidence: 'high',
    source: 'Microsoft Learn, "Fix email delivery issues for error code 550 5.1.10 in Exchange Online"',
  },
  {
    id: 'yahoo-no-account',
    topic: 'unknown-user',
    vendor: 'Yahoo',
    pattern: /\bThis user doesn't have a \S+ account\b/i,
    title: 'No such Yahoo account',
    cause: 'The Yahoo (or AOL) account does not exist.',
    action: 'Do not retry; confirm the address with the recipient and remove it from lists.',
    confidence: 'high',
    source: `${YAHOO}, failure notice example "554 delivery error: dd This user doesn't have a yahoo.com account"`,
  },
  {
    id: 'generic-user-unknown',
    topic: 'unknown-user',
    vendor: 'generic',
    pattern: /\bUser unknown\b|\bNo such user\b|\bno mailbox here by that name\b/i,
    title: 'User unknown',
    cause: 'The server has no mailbox for this address (Sendmail, Exchange and many others word it "User unknown").',
    action: 'Check the spelling of the address; ask the recipient for the right one.',
    confidence: 'medium',
    source: 'Sendmail "550 5.1.1 <addr>... User unknown"; Exchange "550 5.1.1 User unknown"; qmail "no mailbox here by that name"',
  },

  // ---- mailbox full (recipient) / over quota (sender) ---------------------------------------------------------
  {
    id: 'gmail-recipient-storage-full',
    topic: 'mailbox-full',
    vendor: 'Gmail',
    codes: [452, 552],
    pattern: /\binbox is out of storage space\b|\bThe email account that you tried to reach is over quota\b/i,
    title: 'Recipient\'s Gmail storage is full',
    cause: 'The recipient has no Google storage left (4.2.2 temporary; 5.2.2 when the account is also inactive).',
    action: 'Retry later (452) or tell the recipient another way to free storage; 552 will not succeed on retry.',
    confidence: 'high',
    source: `${GOOGLE}, 452 4.2.2 / 552 5.2.2; older wording "The email account that you tried to reach is over quota"`,
  },
  {
    id: 'exchange-mailbox-full',
    topic: 'mailbox-full',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bQuotaExceededException\b/i,
    title: 'Recipient\'s mailbox is full (Exchange)',
    cause: 'The Exchange mailbox reached its quota: "554 5.2.2 mailbox full; STOREDRV...QuotaExceededException".',
    action: 'Tell the recipient another way to empty the mailbox; retry later.',
    confidence: 'high',
    source: 'Microsoft Learn (Exchange Online limits): "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException..."',
  },
  {
    id: 'dovecot-quota-exceeded',
    topic: 'mailbox-full',
    vendor: 'Dovecot',
    pattern: /\bQuota exceeded \(mailbox for user is full\)/i,
    title: 'Recipient\'s mailbox is full (Dovecot quota)',
    cause: 'Dovecot\'s quota plugin (via LMTP or Postfix quota-status policy) refuses: the mailbox is over its quota.',
    action: 'The recipient must delete mail (or the admin raise the quota); retry later.',
    confidence: 'high',
    source: 'Dovecot src/plugins/quota/quota.c DEFAULT_QUOTA_EXCEEDED_MSG "Quota exceeded (mailbox for user is full)"',
  },
  {
    id: 'generic-mailbox-full',
    topic: 'mailbox-full',
    vendor: 'generic',
    pattern: /\bmailbox (?:is )?full\b|\bover quota\b|(?<!submission )\bquota exceeded\b|\bout of storage\b/i,
    title: 'Recipient\'s mailbox is full',
    cause: 'The recipient\'s mailbox is over its storage quota.',
    action: 'Retry later (4xx) or reach the recipient another way so they free space (5xx).',
    confidence: 'medium',
    source: 'RFC 3463 §3.3 X.2.2 "Mailbox full"; wording used by Exchange ("mailbox full"), Yahoo ("over quota"), Dovecot ("Quota exceeded")',
  },
  {
    id: 'gmail-daily-sending-limit',
    topic: 'over-quota',
    vendor: 'Gmail',
    pattern: /\bDaily (?:user sending|SMTP relay(?: sending)?) limit exceeded\b/i,
    title: 'Daily sending limit reached (Gmail)',
    cause: 'The sending Gmail / Workspace account or SMTP relay customer reached its daily limit (5.4.5 / 5.7.1).',
    action: 'Wait up to 24 hours for the limit to reset; spread large sends over days or use a bulk-mail service.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.4.5 "Daily user sending limit exceeded" / "Daily SMTP relay limit exceeded for user"`,
  },

  // ---- message too big ---------------------------------------------------------------------------------------
  {
    id: 'postfix-size-limit',
    topic: 'message-too-big',
    vendor: 'Postfix',
    pattern: /\bMessage size exceeds fixed limit\b/i,
    title: 'Message too big (Postfix)',
    cause: 'The message (or the SIZE= given with MAIL FROM, RFC 1870) is over message_size_limit (advertised in EHLO SIZE).',
    action: 'Send a smaller message: compare with the EHLO SIZE value; share large files by link.',
    confidence: 'high',
    source: 'Postfix smtpd/smtpd.c and cleanup: "552 5.3.4 Message size exceeds fixed limit"; postconf(5) message_size_limit',
  },
  {
    id: 'exim-size-limit',
    topic: 'message-too-big',
    vendor: 'Exim',
    pattern: /\bMessage size exceeds maximum permitted\b/i,
    title: 'Message too big (Exim)',
    cause: 'The message or its declared SIZE is over Exim\'s message_size_limit.',
    action: 'Send a smaller message (see the EHLO SIZE value); share large files by link.',
    confidence: 'high',
    source: 'Exim smtp_in.c: "552 Message size exceeds maximum permitted"',
  },
  {
    id: 'gmail-size-limit',
    topic: 'message-too-big',
    vendor: 'Gmail',
    pattern: /\bexceeded Google's message size limits?\b/i,
    title: 'Message too big for Gmail',
    cause: 'The message is over Gmail\'s size limit (about 25 MB of encoded message for attachments sent by mail).',
    action: 'Send a smaller message; share large files by link (e.g. Google Drive).',
    confidence: 'high',
    source: `${GOOGLE}, 552 5.3.4 "Your message exceeded Google's message size limits"`,
  },
  {
    id: 'exchange-size-limit',
    topic: 'message-too-big',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bmessage size exceeds fixed maximum (?:message )?size\b|\bOverAdvertisedSize\b|\bRecipSizeLimit\b/i,
    title: 'Message too big (Exchange)',
    cause: 'The message is over the organisation\'s or recipient\'s size limit; encoding can add about a third to attachments.',
    action: 'Send a smaller message or zip/link the attachment.',
    confidence: 'high',
    source: 'Exchange "552 5.3.4 Message size exceeds fixed maximum message size"; "550 5.3.4 SMTPSEND.OverAdvertisedSize"',
  },

  // ---- rate limits -------------------------------------------------------------------------------------------
  {
    id: 'gmail-unusual-rate',
    topic: 'rate-limit',
    vendor: 'Gmail',
    pattern: /\bunusual (?:rate|amount) of (?:unsolicited )?(?:e?mail)\b/i,
    title: 'Rate limited by Gmail (unusual rate)',
    cause: 'Gmail saw an unusual rate of (unsolicited) mail from this IP, netblock, DKIM/SPF domain or URL (4.7.28; 5.7.28 blocks it).',
    action: 'Slow down and retry later; follow the bulk sender guidelines (https://support.google.com/a/answer/81126) and watch Postmaster Tools.',
    confidence: 'high',
    source: `${GOOGLE}, 421 4.7.28 / 550 5.7.28; older 421 4.7.0 "Our system has detected an unusual rate of unsolicited mail..."`,
  },
  {
    id: 'gmail-try-again-later',
    topic: 'rate-limit',
    vendor: 'Gmail',
    codes: [421],
    pattern: /\bTry again later, closing connection\b/i,
    title: 'Gmail closed the connection: try later',
    cause: 'Gmail is throttling this client (Google notes it usually means denial-of-service protection at the HELO stage).',
    action: 'Wait a few minutes and reconnect; open fewer parallel connections.',
    confidence: 'medium',
    source: `${GOOGLE}, 421 4.7.0 "Try again later, closing connection"`,
  },
  {
    id: 'yahoo-temporarily-deferred',
    topic: 'rate-limit',
    vendor: 'Yahoo',
    pattern: /\[TSS0\d\]|\btemporarily deferred due to (?:unexpected volume or )?user complaints\b/i,
    title: 'Deferred by Yahoo (TSS04)',
    cause: 'Yahoo sees unexpected volume or user complaints from this IP (or it has a poor reputation) and defers it.',
    action: 'Let your MTA retry (often hours); lower the volume, remove unengaged addresses, join Yahoo\'s complaint feedback loop.',
    confidence: 'high',
    source: `${YAHOO}, "Message temporarily deferred (eg: TS* Errors)"; reply "421 4.7.0 [TSS04] Messages from .. temporarily deferred due to unexpected volume or user complaints"`,
  },
  {
    id: 'outlook-rate-limited-ip-reputation',
    topic: 'rate-limit',
    vendor: 'Outlook.com',
    pattern: /\btemporarily rate limited due to IP reputation\b/i,
    title: 'Rate limited by Microsoft for IP reputation',
    cause: 'Outlook.com / Microsoft 365 throttle the IP because of its reputation (4.7.650/4.7.651, S775/S3114).',
    action: 'Let the MTA retry later; check the IP in SNDS and ask for mitigation at https://olcsupport.office.com if it persists.',
    confidence: 'high',
    source: 'Microsoft Learn, "Fix email delivery issues for error code 451 4.7.500-699 (ASxxx) in Exchange Online"; postmaster.live.com',
  },
  {
    id: 'postfix-anvil-limit',
    topic: 'rate-limit',
    vendor: 'Postfix',
    pattern: /\bError: too (?:many (?:connections|recipients|messages)|much mail) from\b/i,
    title: 'Client rate limit (Postfix anvil)',
    cause: 'You exceeded a per-client limit (smtpd_client_connection_count_limit, _connection_rate_limit, _message_rate_limit, _recipient_rate_limit).',
    action: 'Open fewer connections and send more slowly; retry after anvil_rate_time_unit (60 s by default).',
    confidence: 'high',
    source: 'Postfix smtpd/smtpd.c "421 4.7.0 .. Error: too many connections from ..", "450 4.7.1 Error: too much mail from .."; TUNING_README',
  },

  // ---- TLS / AUTH --------------------------------------------------------------------------------------------
  {
    id: 'starttls-required',
    topic: 'tls-required',
    vendor: 'generic',
    pattern: /\bMust issue a STARTTLS command first\b/i,
    title: 'STARTTLS required first',
    cause: 'The server requires TLS before this command (Postfix smtpd_tls_security_level=encrypt, Gmail submission, Exchange).',
    action: 'Send STARTTLS after EHLO, then EHLO again inside TLS (RFC 3207 §4.2); or connect to port 465 with implicit TLS.',
    confidence: 'high',
    source: `Postfix smtpd.c "530 5.7.0 Must issue a STARTTLS command first"; ${GOOGLE}, 530 5.7.0`,
  },
  {
    id: 'gmail-tls-required',
    topic: 'tls-required',
    vendor: 'Gmail',
    pattern: /\bTLS required for RCPT domain\b|\bnot (?:using|sent over) a TLS connection\b|\bwasn't sent over a TLS connection\b/i,
    title: 'TLS required (Gmail)',
    cause: 'The recipient domain (or Gmail\'s bulk-sender rule, 4.7.29/5.7.29) requires the connection to use TLS.',
    action: 'Use STARTTLS on port 25 (or make your MTA do so) and resend.',
    confidence: 'high',
    source: `${GOOGLE}, 421 4.7.0 "TLS required for RCPT domain", 421 4.7.29 / 550 5.7.29`,
  },
  {
    id: 'authentication-required',
    topic: 'auth-required',
    vendor: 'generic',
    pattern: /\bAuthentication required\b/i,
    title: 'Authentication required',
    cause: 'The server (a submission port, Gmail smtp.gmail.com, a relay) only accepts mail from logged-in users.',
    action: 'Log in first: EHLO, STARTTLS, then AUTH PLAIN or AUTH LOGIN (RFC 4954), then MAIL FROM.',
    confidence: 'high',
    source: `RFC 4954 §6 "530 5.7.0 Authentication required"; ${GOOGLE}, 530 5.7.0`,
  },
  {
    id: 'm365-client-not-authenticated',
    topic: 'auth-required',
    vendor: 'Microsoft 365 / Exchange',
    pattern: /\bClient (?:was )?not authenticated\b/i,
    title: 'Client not authenticated (Exchange)',
    cause: 'smtp.office365.com needs SMTP AUTH before MAIL FROM; the client did not log in or SMTP AUTH is off for it (5.7.57).',
    action: 'Connect to port 587, STARTTLS, AUTH with the mailbox credentials; check SMTP AUTH is enabled for the mailbox.',
    confidence: 'high',
    source: `${MS_NDR}, 5.7.57 "Client was not authenticated to send anonymous mail during MAIL FROM"; 5.7.1 "Client was not authenticated"`,
  },
  {
    id: 'postfix-client-access-denied',
    topic: 'auth-required',
    vendor: 'Postfix',
    pattern: /\bClient host rejected: Access denied\b/i,
    title: 'Client host rejected: Access denied',
    cause: 'The client restrictions ended in reject (often a submission port with permit_sasl_authenticated,reject: you did not log in).',
    action: 'Authenticate (AUTH) before MAIL FROM; if you did, your IP may be blocked by the server\'s access map.',
    confidence: 'medium',
    source: `${POSTFIX_CHECK}: "Client host rejected: Access denied" (reject in smtpd_client_restrictions)`,
  },
  {
    id: 'auth-credentials-invalid',
    topic: 'auth-failed',
    vendor: 'generic',
    pattern: /\bAuthentication credentials invalid\b/i,
    title: 'Wrong username or password',
    cause: 'The server rejected the credentials sent with AUTH.',
    action: 'Check the username (often the full address) and password; base64-encode them correctly for AUTH PLAIN/LOGIN.',
    confidence: 'high',
    source: 'RFC 4954 §6 "535 5.7.8 Authentication credentials invalid"',
  },
  {
    id: 'gmail-credentials-not-accepted',
    topic: 'auth-failed',
    vendor: 'Gmail',
    pattern: /\bUsername and Password not accepted\b/i,
    title: 'Gmail did not accept the login',
    cause: 'Wrong credentials, or the account needs an app password / OAuth (Google turned off plain passwords for most accounts).',
    action: 'Create an app password (2-Step Verification on) at https://myaccount.google.com/apppasswords and use it with AUTH.',
    confidence: 'high',
    source: `${GOOGLE}, 535 5.7.8 "Username and Password not accepted"`,
  },
  {
    id: 'm365-smtp-auth-disabled',
    topic: 'auth-failed',
    vendor: 'Microsoft 365 / Exchange',
    pattern:
      /\bAuthentication unsuccessful, (?:basic authentication is disabled|SmtpClientAuthentication is disabled|user is locked by your organization's security defaults|the request did not meet the criteria)/i,
    title: 'SMTP AUTH disabled (Microsoft 365)',
    cause: 'Basic authentication / SMTP AUTH is turned off for the tenant or mailbox, or Security Defaults block it (5.7.139).',
    action: 'Have the admin enable Authenticated SMTP for the mailbox (https://aka.ms/smtp_auth_disabled) or switch the client to OAuth.',
    confidence: 'high',
    source: 'Microsoft Learn, "Enable or disable SMTP AUTH in Exchange Online"; reply "535 5.7.139 Authentication unsuccessful, ..."',
  },
  {
    id: 'postfix-sasl-failed',
    topic: 'auth-failed',
    vendor: 'Postfix',
    pattern: /\bError: authentication failed\b/i,
    title: 'AUTH failed (Postfix)',
    cause: 'Postfix\'s SASL back end (Dovecot or Cyrus) rejected the credentials or the mechanism.',
    action: 'Check the username/password and their base64 encoding; use a mechanism listed in EHLO AUTH.',
    confidence: 'high',
    source: 'Postfix smtpd/smtpd_sasl_glue.c: "535 5.7.8 Error: authentication failed: %s"',
  },
  {
    id: 'exim-incorrect-authentication',
    topic: 'auth-failed',
    vendor: 'Exim',
    pattern: /\bIncorrect authentication data\b/i,
    title: 'AUTH failed (Exim)',
    cause: 'Exim\'s authenticator did not accept the credentials.',
    action: 'Check the username/password and their base64 encoding; use a mechanism listed in EHLO AUTH.',
    confidence: 'high',
    source: 'Exim smtp_in.c: "535 Incorrect authentication data"',
  },

  // ---- reverse DNS / HELO ------------------------------------------------------------------------------------
  {
    id: 'postfix-cannot-find-hostname',
    topic: 'reverse-dns',
    vendor: 'Postfix',
    pattern: /\bClient host rejected: cannot find your (?:reverse )?hostname\b/i,
    title: 'No reverse DNS for your IP',
    cause: 'reject_unknown_client_hostname / reject_unknown_reverse_client_hostname: your IP has no PTR record, or it does not resolve back.',
    action: 'Ask whoever owns the IP (ISP or hosting provider) for a PTR record whose name resolves back to the IP; home connections should use the provider\'s relay.',
    confidence: 'high',
    source: `${POSTFIX_CHECK}: "Client host rejected: cannot find your hostname, [%s]"`,
  },
  {
    id: 'gmail-no-ptr-record',
    topic: 'reverse-dns',
    vendor: 'Gmail',
    pattern: /\bdo(?:es)?(?:n't| not) have a PTR record\b|\bsending guidelines regarding PTR records\b/i,
    title: 'No PTR record (Gmail)',
    cause: 'Gmail requires forward-confirmed reverse DNS: the IP needs a PTR whose name resolves back to it (4.7.23 / 5.7.25).',
    action: 'Set a PTR record with the IP owner (not your registrar) and an A/AAAA record for that name pointing back; check IPv6 too.',
    confidence: 'high',
    source: `${GOOGLE}, 421 4.7.0, 451 4.7.23, 550 5.7.25; 550 5.7.1 "does not meet IPv6 sending guidelines regarding PTR records"`,
  },
  {
    id: 'postfix-helo-host-not-found',
    topic: 'helo-check',
    vendor: 'Postfix',
    pattern: /\bHelo command rejected: Host not found\b/i,
    title: 'HELO name does not resolve',
    cause: 'reject_unknown_helo_hostname: the name you gave in HELO/EHLO has no A or MX record.',
    action: 'Use your server\'s real DNS name in EHLO (one with an A record, ideally the PTR name of your IP).',
    confidence: 'high',
    source: `${POSTFIX_CHECK}: "Helo command rejected: Host not found"`,
  },
  {
    id: 'postfix-helo-not-fqdn',
    topic: 'helo-check',
    vendor: 'Postfix',
    pattern: /\bHelo command rejected: need fully-qualified hostname\b/i,
    title: 'HELO name is not a full domain name',
    cause: 'reject_non_fqdn_helo_hostname: EHLO gave a bare name (e.g. "localhost", "laptop").',
    action: 'Say EHLO with a fully-qualified name, e.g. EHLO mail.example.org, or EHLO [192.0.2.1] for an address literal.',
    confidence: 'high',
    source: `${POSTFIX_CHECK}: "Helo command rejected: need fully-qualified hostname"; RFC 5321 §4.1.1.1`,
  },

  // ---- content / format --------------------------------------------------------------------------------------
  {
    id: 'gmail-security-issue',
    topic: 'content-rejected',
    vendor: 'Gmail',
    pattern: /\bblocked because its content presents a potential security issue\b/i,
    title: 'Blocked content (Gmail security)',
    cause: 'An attachment type Gmail blocks (e.g. .exe, .js, macros, encrypted archives) or a malicious-looking link.',
    action: 'Remove or link the attachment instead of attaching it; see https://support.google.com/mail/answer/6590.',
    confidence: 'high',
    source: `${GOOGLE}, 552 5.7.0 "This message was blocked because its content presents a potential security issue"`,
  },
  {
    id: 'gmail-likely-unsolicited',
    topic: 'content-rejected',
    vendor: 'Gmail',
    pattern: /\blikely unsolicited (?:e?mail)\b|\bsuspicious due to the nature of the content\b/i,
    title: 'Judged as spam by Gmail',
    cause: 'Gmail\'s filters judged this message (content, links or sender history) as likely spam.',
    action: 'Review content and links, make sure SPF/DKIM/DMARC pass and recipients opted in; see https://support.google.com/mail/answer/188131.',
    confidence: 'high',
    source: `${GOOGLE}, 550 5.7.1 "This message is likely unsolicited email"; 421 4.7.0 "suspicious due to the nature of the content"`,
  },
  {
    id: 'message-content-rejected',
    topic: 'content-rejected',
    vendor: 'generic',
    pattern: /\bmessage content rejected\b/i,
    title: 'Message content rejected',
    cause: 'A content filter (Postfix header/body_checks REJECT, amavisd, rmilter) refused the message.',
    action: 'Ask the recipient\'s postmaster which rule matched; change the content (links, attachments, wording) and resend.',
    confidence: 'medium',
    source: 'amavisd-milter / rmilter smfi_setreply "550 5.7.1 Message content rejected"; Postfix header_checks(5) REJECT',
  },
  {
    id: 'generic-spam-detected',
    topic: 'content-rejected',
    vendor: 'generic',
    pattern: /\b(?:detected|rejected|classified|identified) as spam\b|\bspam detected\b/i,
    title: 'Rejected as spam',
    cause: 'The receiver\'s spam filter scored the message as spam.',
    action: 'Check content, links and authentication (SPF/DKIM/DMARC); ask the recipient to allow-list you.',
    confidence: 'medium',
    source: 'Microsoft 365 notice "550 5.7.350 Remote server returned message detected as spam"; Exim/SpamAssassin ACL "Message rejected as spam"',
  },
  {
    id: 'exim-rejected-after-data',
    topic: 'message-format',
    vendor: 'Exim',
    pattern: /\bRejected after DATA\b/i,
    title: 'Header check failed (Exim)',
    cause: 'Exim verified the headers after DATA (verify = header_syntax / header_sender) and one was invalid.',
    action: 'Fix the header named in the reply (a valid From:, To:, Date:); end headers with an empty line.',
    confidence: 'medium',
    source: 'Exim acl.c / verify.c: user message "Rejected after DATA: %s" (smtp_return_error_details)',
  },

  // ---- command sequence (what the fixtures show) -------------------------------------------------------------
  {
    id: 'postfix-need-command',
    topic: 'command-sequence',
    vendor: 'Postfix',
    codes: [503],
    pattern: /\bError: need (?:MAIL|RCPT|HELO|EHLO) command\b/i,
    title: 'Command out of order (Postfix)',
    cause: 'Postfix wants the named command first: EHLO/HELO, then MAIL FROM, then RCPT TO, then DATA (RFC 5321 §4.1.4).',
    action: 'Send the command the reply names, then repeat yours.',
    confidence: 'high',
    source: 'Postfix smtpd/smtpd.c "503 5.5.1 Error: need MAIL command"; test/fixtures/real-mta/postfix-3.7-extra.txt',
  },
  {
    id: 'postfix-no-valid-recipients',
    topic: 'command-sequence',
    vendor: 'Postfix',
    pattern: /\bError: no valid recipients\b/i,
    title: 'DATA without an accepted recipient',
    cause: 'Every RCPT TO in this transaction was rejected (or none was sent), so there is no one to deliver to.',
    action: 'Send RCPT TO with an address the server accepts (a 250 reply) before DATA.',
    confidence: 'high',
    source: 'Postfix smtpd/smtpd.c "554 5.5.1 Error: no valid recipients"; test/fixtures/real-mta/postfix-3.7-extra.txt',
  },
  {
    id: 'exim-command-sequence',
    topic: 'command-sequence',
    vendor: 'Exim',
    codes: [503],
    pattern: /\bsender not yet given\b|\bvalid RCPT command must precede DATA\b/i,
    title: 'Command out of order (Exim)',
    cause: 'MAIL FROM must come before RCPT TO, and at least one accepted RCPT TO before DATA.',
    action: 'Send MAIL FROM:<you@example.org>, then RCPT TO, then DATA.',
    confidence: 'high',
    source: 'Exim smtp_in.c "503 sender not yet given", "503 valid RCPT command must precede DATA"; test/fixtures/real-mta/exim-4.96-extra.txt',
  },
  {
    id: 'opensmtpd-command-sequence',
    topic: 'command-sequence',
    vendor: 'OpenSMTPD',
    codes: [503],
    pattern: /\bCommand not allowed at this point\b|\bNo recipient specified\b/i,
    title: 'Command out of order (OpenSMTPD)',
    cause: 'The command is not valid in this state (RCPT before MAIL, DATA before an accepted RCPT).',
    action: 'Follow the order EHLO, MAIL FROM, RCPT TO, DATA.',
    confidence: 'high',
    source: 'OpenSMTPD smtp_session.c "503 5.5.1 Invalid command: Command not allowed at this point."; test/fixtures/real-mta/opensmtpd-6.8-extra.txt',
  },
];
