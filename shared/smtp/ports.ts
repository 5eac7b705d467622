/** The mail ports, named once for the page and the knowledge that judges what a server says on them. */

/** SMTP's port (RFC 5321 §4.5.4.2 by reference to the IANA assignment). */
export const SMTP_PORT = 25;
/** Submission with implicit TLS (RFC 8314 §3.3). */
export const SUBMISSIONS_PORT = 465;
/** Submission (RFC 6409 §3.1), which uses STARTTLS rather than implicit TLS. */
export const SUBMISSION_PORT = 587;
/** Not assigned, but offered by many providers for submission where 587 is blocked on the way. */
export const ALTERNATIVE_SUBMISSION_PORT = 2525;
/** LMTP, the delivery service behind an MTA (RFC 2033 §4 leaves the port open; Dovecot's and Cyrus's habit). */
export const LMTP_PORT = 24;
