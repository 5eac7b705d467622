/**
 * Mailboxes of the practice server that refuse (or dawdle) on purpose, so a trainee meets the refusals and delays
 * real servers give without waiting for a real one to: shared by the practice server
 * (server/practice/practice-server.ts), the practice server's description in the page, and the lessons that use
 * them.
 */

/**
 * The practice login's user (RFC 4954; its password is the server's own, server/practice/practice-server.ts): its one
 * user, whom its log names after a login (server-log.ts).
 */
export const PRACTICE_USER = 'trainee';

/** Greylisted: the first try of a new (client, sender, recipient) is deferred with 450, as postgrey does. */
export const GREYLIST_MAILBOX = 'greylist';
/** Full: refused with 552 5.2.2, as a Dovecot quota check does. */
export const FULL_MAILBOX = 'full';
/**
 * How long the practice server defers a new (client, sender, recipient), in seconds: postgrey waits 300; a trainee
 * should not have to.
 */
export const GREYLIST_SECONDS = 30;
/** Slow: accepted only after SLOW_SECONDS, as a server that verifies each recipient with the next one does. */
export const SLOW_MAILBOX = 'slow';
/**
 * How long the practice server takes to answer RCPT for slow@, in seconds: about what Postfix's recipient
 * verification waits (address_verify_poll_count × address_verify_poll_delay, 3 × 3 s) before it gives up.
 */
export const SLOW_SECONDS = 3;
/**
 * Gone: accepted at RCPT, then bounced. The practice server takes mail for it as a gateway in front of the mailbox
 * server does when it does not know the mailboxes behind it (a backup MX, a filtering service), and the delivery
 * behind it fails: a bounce (RFC 3464) goes back to the envelope sender. "Accepted" is not "delivered".
 */
export const GONE_MAILBOX = 'gone';
/** The mailbox server behind the practice server that refuses gone@ (a documentation address: RFC 5737). */
export const GONE_HOST = 'mailbox.practice.test[192.0.2.25]';
/** What that server answered the practice server's RCPT for gone@, in Postfix's words. */
export function goneReply(address: string): string {
  return `550 5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table`;
}
