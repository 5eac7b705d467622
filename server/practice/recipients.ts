/**
 * Who the practice server takes mail for, and how it refuses the rest: its four mailboxes at practice.test, the
 * mailboxes that misbehave on purpose (shared/practice/trouble.ts), relaying for a logged-in user only. Refused in
 * Postfix's words (smtpd_check.c), as its other replies are: what a trainee meets on real servers, and what heloterm's
 * vendor rules then explain. Pure but for the greylist's memory, which is given the clock.
 */
import { FULL_MAILBOX, GONE_MAILBOX, GREYLIST_MAILBOX, SLOW_MAILBOX } from '../../shared/practice/trouble.js';
import { localPartOf } from './mailbox.js';
import { PRACTICE_DOMAIN } from './practice-certificate.js';

export const PRACTICE_LOCAL_PARTS = ['alice', 'bob', 'carol', 'postmaster'] as const;
/** Greylisting entries remembered at most (a client inventing senders must not grow the server's memory). */
export const MAX_GREYLIST_ENTRIES = 10_000;

/** What RCPT TO gets: taken, taken after a wait (slow@), greylisted (greylist@), or refused with a reply. */
export type RecipientRule =
  | { kind: 'accept' }
  | { kind: 'slow' }
  | { kind: 'greylist' }
  | { kind: 'refuse'; code: number; /** the enhanced code (RFC 3463), where smtp-server's default would be wrong */ enhanced?: string; text: string };

const unknownUser = (address: string): RecipientRule => ({
  kind: 'refuse',
  code: 550,
  text: `<${address}>: Recipient address rejected: User unknown in virtual mailbox table`,
});

/** The rule for RCPT TO:<address>, in a session logged in (AUTH) or not. */
export function recipientRule(address: string, loggedIn: boolean): RecipientRule {
  const { local, domain } = localPartOf(address);
  if (domain === null) {
    // RFC 5321 §4.1.1.3: postmaster alone may come without a domain (smtp-server refuses other such addresses first).
    return local === 'postmaster' ? { kind: 'accept' } : unknownUser(address);
  }
  if (domain !== PRACTICE_DOMAIN) {
    // Logged in: a submission server relays for its users (RFC 6409 §4.3, RFC 4954 §4). The practice server keeps the
    // message like any other and delivers it nowhere. Else, RFC 5321 §7.1 and §3.6.2: an open relay is abused by
    // spammers; only practice.test is local.
    return loggedIn ? { kind: 'accept' } : { kind: 'refuse', code: 554, enhanced: '5.7.1', text: `<${address}>: Relay access denied` };
  }
  // gone@ is taken without a question, as a gateway that does not know the mailboxes behind it takes mail.
  if ((PRACTICE_LOCAL_PARTS as readonly string[]).includes(local) || local === GONE_MAILBOX) return { kind: 'accept' };
  if (local === SLOW_MAILBOX) return { kind: 'slow' };
  if (local === GREYLIST_MAILBOX) return { kind: 'greylist' };
  if (local === FULL_MAILBOX) {
    // As Postfix says it when Dovecot's quota-status policy refuses (RFC 3463 §3.3: X.2.2 mailbox full).
    return { kind: 'refuse', code: 552, enhanced: '5.2.2', text: `<${address}>: Recipient address rejected: Quota exceeded (mailbox for user is full)` };
  }
  return unknownUser(address);
}

/** What greylisting says to a try it defers, as Postfix with postgrey says it (450 4.2.0). */
export function greylistedText(address: string): string {
  return `<${address}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${PRACTICE_DOMAIN}.html`;
}

/**
 * Greylisting's memory (RFC 6647): the first try of a (client, sender, recipient) is deferred, and so is every retry
 * until `waitMs` have passed since it; then it is let through. At most MAX_GREYLIST_ENTRIES, the oldest forgotten.
 */
export class Greylist {
  /** When each (client, sender, recipient) was first tried, in ms; oldest first. */
  private readonly firstTry = new Map<string, number>();

  constructor(private readonly waitMs: number) {}

  get size(): number {
    return this.firstTry.size;
  }

  /** Whether this try, at `now` (ms), is let through; a first try is remembered. */
  passes(client: string, sender: string, recipient: string, now: number): boolean {
    const key = `${client}\n${sender.toLowerCase()}\n${recipient.toLowerCase()}`;
    const first = this.firstTry.get(key);
    if (first !== undefined) return now - first >= this.waitMs;
    this.firstTry.set(key, now);
    if (this.firstTry.size > MAX_GREYLIST_ENTRIES) this.firstTry.delete(this.firstTry.keys().next().value ?? key);
    return false;
  }
}
