/**
 * Dovecot's log lines (shared/smtp/log-dovecot.ts) and Postfix's lines on SASL logins (log-events.ts), read through the
 * log reader (log-read.ts). The lines are in the forms Dovecot 2.3 and 2.4 and Postfix 3.x write them (Dovecot's
 * deliver_log_format "msgid=%m: %$", its passdb messages and auth-request.c's log prefixes; Postfix's
 * smtpd_sasl_glue.c), written here from those sources, but for 2.4.1's auth worker line, as published from a server.
 */
import { describe, expect, it } from 'vitest';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));
const syslog = (text: string): string => `Nov 30 10:00:01 mx dovecot: ${text}`;

const SAVED = syslog('lmtp(alice@example.org)<4711><kJx1AgDkMGkXEgAAY8vJDw>: msgid=<20261130.1@example.net>: saved mail to INBOX');
const JUNK = syslog("lmtp(bob@example.org)<4711><kJx1AgDkMGkXEgAAY8vJDw>: sieve: msgid=<20261130.2@example.net>: stored mail into mailbox 'Junk'");
const FULL = syslog('lmtp(carol@example.org)<4712><mJx1AgDkMGkXEgAAY8vJDw>: Error: msgid=<20261130.3@example.net>: save failed to INBOX: Quota exceeded (mailbox for user is full)');
const UNKNOWN = syslog('auth: passwd-file(mallory,203.0.113.9,<Qk3x>): unknown user');
const MISMATCH = 'Nov 30 10:00:02 mx dovecot[812]: auth-worker(4713): pam(alice,192.0.2.10,<Pk3x>): pam_authenticate() failed: Authentication failure (password mismatch?)';

describe("Dovecot's log", () => {
  it('is known as a mail log by its tag in syslog, or its process at the start of its own log file', () => {
    for (const l of [SAVED, UNKNOWN, MISMATCH, 'Nov 30 10:00:01 lmtp(alice)<4711><kJx1Ag>: Info: msgid=<1@x>: saved mail to INBOX', 'imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, rip=192.0.2.1']) {
      expect(isMailLog(l), l).toBe(true);
    }
    // A word like theirs inside other text is not their line.
    for (const l of ['Please check auth: it failed', '250-AUTH PLAIN LOGIN', 'C: lmtp(alice): hello']) expect(isMailLog(l), l).toBe(false);
  });

  it('says where a delivery went: the inbox, a folder a Sieve rule chose, or refused for a full mailbox', () => {
    const said = notes(readMailLog([SAVED, JUNK, FULL].join('\n')));
    expect(said).toEqual([
      "<20261130.1@example.net> for alice@example.org (Dovecot, LMTP): saved mail to INBOX — delivered: the message is in alice@example.org's inbox. Not seen by the user? Their mail client, or a rule on it, moved it",
      expect.stringMatching(/^<20261130\.2@example\.net> for bob@example\.org \(Dovecot, LMTP, a Sieve rule\): stored mail into mailbox 'Junk' — delivered into the folder "Junk", not the inbox: a Sieve rule filed it there \(taken for spam/),
      expect.stringMatching(/^<20261130\.3@example\.net> for carol@example\.org \(Dovecot, LMTP\): save failed to INBOX: Quota exceeded \(mailbox for user is full\) — carol@example\.org's mailbox is full \(its quota\): .*552 5\.2\.2/),
    ]);
  });

  it("reads dovecot-lda's lines and Sieve's other actions, and says nothing of lines about connections", () => {
    const said = notes(
      readMailLog(
        [
          'Nov 30 10:00:03 mx dovecot: lda(dave)<4714><x>: msgid=<4@example.net>: rejected: Quota exceeded (mailbox for user is full)',
          syslog('lmtp(erin@example.org)<4715><y>: sieve: msgid=<5@example.net>: forwarded to <erin@elsewhere.example>'),
          syslog('lmtp(erin@example.org)<4715><y>: sieve: msgid=<6@example.net>: marked message to be discarded if not explicitly delivered (discard action)'),
          syslog('lmtp(4715): Connect from local'),
          syslog("lmtp(erin@example.org)<4715><y>: msgid=<7@example.net>: save failed to open mailbox Sent Items: Mailbox doesn't exist: Sent Items"),
          syslog('lmtp(4715): Disconnect from local: Client has quit the connection (state=READY)'),
          // dovecot-lda's lines carry no process or session ids.
          syslog("lda(erin@example.org): sieve: msgid=<8@example.net>: failed to store into mailbox 'INBOX': Quota exceeded (mailbox for user is full)"),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(5);
    expect(said[0]).toMatch(/^<4@example\.net> for dave \(Dovecot, dovecot-lda\): rejected: Quota exceeded .* — dave's mailbox is full/);
    expect(said[4]).toMatch(/^<8@example\.net> for erin@example\.org \(Dovecot, dovecot-lda, a Sieve rule\): failed to store into mailbox 'INBOX': Quota exceeded .* — erin@example\.org's mailbox is full/);
    expect(said[3]).toMatch(/: save failed to open mailbox Sent Items: Mailbox doesn't exist: Sent Items — the message could not be saved to Sent Items: the error says why/);
    expect(said[1]).toMatch(/ — a Sieve rule sent it on to that address \(redirect\)/);
    expect(said[2]).toMatch(/ — a Sieve rule discarded it: it is in no mailbox, and no bounce went back/);
  });

  it('says a login was refused, by whom and why, once however many lines say it', () => {
    const said = notes(readMailLog([UNKNOWN, UNKNOWN, MISMATCH, 'Nov 30 10:00:04 mx dovecot: imap-login: Disconnected: Connection closed (auth failed, 3 attempts in 14 secs): user=<alice>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, TLS, session=<Zk3x>'].join('\n')));
    expect(said).toEqual([
      expect.stringMatching(/^Dovecot refused a login as mallory from 203\.0\.113\.9: no such user in its passwd-file password database: .*535 5\.7\.8/),
      expect.stringMatching(/^Dovecot refused a login as alice from 192\.0\.2\.10: a wrong password\. /),
      'IMAP logins as alice from 192.0.2.10 failed (3 attempts), then the client left: a wrong password saved in a mail client, or a password guesser (many addresses, many names)',
    ]);
    // As later 2.3 releases write it, with the reason's code after the count.
    const aborted = 'Nov 30 10:00:06 mx dovecot[812]: pop3-login: Login aborted: Connection closed (auth failed, 1 attempts in 0 secs) (auth_failed): user=<bob@example.org>, rip=203.0.113.9, lip=192.0.2.1, session=<Yk3x>';
    expect(isMailLog(aborted)).toBe(true);
    expect(notes(readMailLog(aborted))).toEqual([expect.stringMatching(/^POP3 logins as bob@example\.org from 203\.0\.113\.9 failed \(1 attempt\), then the client left/)]);
  });

  it("reads 2.4's form, where the request names the login and the password database only itself", () => {
    const lines = [
      'Nov 30 10:00:07 mx dovecot[942]: auth(alice@example.org,192.0.2.10,sasl:plain)<Ab3x>: passwd-file: Password mismatch',
      // The auth worker's request (an SQL or LDAP lookup), recorded from Dovecot 2.4.1 in syslog's form.
      'févr. 25 08:34:09 hera.example.org dovecot[942]: auth-worker(ma.zhang@example.org)<4743>: request [4]: sql: unknown user',
      // A line of its own log file (log_path), with the level, and the request's debug lines that say nothing of a verdict.
      'Aug 15 17:06:02 auth(tom@example.com,172.17.0.1,sasl:login)<Cd5N>: Debug: passwd-file: Performing passdb lookup',
      '2026-02-25T08:34:09.861778+01:00 hera dovecot: auth(?,203.0.113.9,sasl:login)<Zz9x>: Info: ldap: unknown user',
    ];
    for (const l of lines) expect(isMailLog(l), l).toBe(true);
    expect(notes(readMailLog(lines.join('\n')))).toEqual([
      expect.stringMatching(/^Dovecot refused a login as alice@example\.org from 192\.0\.2\.10 \(AUTH PLAIN\): a wrong password\. For a login to Postfix .*535 5\.7\.8/),
      expect.stringMatching(/^Dovecot refused a login as ma\.zhang@example\.org: no such user in its sql password database: /),
      expect.stringMatching(/^Dovecot refused a login as \(no name\) from 203\.0\.113\.9 \(AUTH LOGIN\): no such user in its ldap password database/),
    ]);
  });

  it('says what auth_verbose_passwords adds: a password in clear, its SHA1, and a next password database to try', () => {
    const said = notes(
      readMailLog(
        [
          syslog('auth: passwd-file(bob,192.0.2.11,<Bk3x>): Password mismatch (given password: hunter2)'),
          'Aug 15 17:06:02 auth(tom@example.com,172.17.0.1,sasl:plain)<Cd5N>: Info: passwd-file: Password mismatch (SHA1 of given password: 5baa61e4) - trying the next passdb',
          syslog('auth: pam(carol,192.0.2.12,<Ck3x>): unknown user - trying the next passdb'),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(3);
    expect(said[0]).toMatch(/^Dovecot refused a login as bob from 192\.0\.2\.11: a wrong password\. .*The line holds the password given, in clear \(auth_verbose_passwords = plain\): keep this log as secret as the passwords/);
    expect(said[0]).not.toContain('hunter2');
    expect(said[1]).toMatch(/^Dovecot's passwd-file password database did not take a login as tom@example\.com from 172\.17\.0\.1 \(AUTH PLAIN\) \(a wrong password\) and it tried the next one: not a refusal yet.*SHA1 \(auth_verbose_passwords = sha1\): compare it with the start of printf %s 'the-right-password' \| sha1sum/);
    expect(said[2]).toMatch(/^Dovecot's pam password database did not take a login as carol from 192\.0\.2\.12 \(no such user in its pam password database: .*\) and it tried the next one/);
  });
});

describe("Postfix's lines on SASL logins", () => {
  const smtpd = (text: string): string => `Nov 30 10:00:05 mx postfix/submission/smtpd[4716]: ${text}`;

  it('reads which step of AUTH LOGIN failed from the challenge it logs in base64, and the name given', () => {
    const said = notes(
      readMailLog(
        [
          smtpd('warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6'),
          smtpd('warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: VXNlcm5hbWU6'),
          smtpd('warning: client.example.net[192.0.2.10]: SASL PLAIN authentication failed: (reason unavailable), sasl_username=alice@example.org'),
          smtpd('warning: client.example.net[192.0.2.10]: SASL PLAIN authentication failed: Connection lost to authentication server'),
        ].join('\n'),
      ),
    );
    expect(said).toHaveLength(4);
    expect(said[0]).toMatch(/^smtpd: a login by unknown\[203\.0\.113\.9\] with AUTH LOGIN failed at the password \(UGFzc3dvcmQ6 is "Password:" in base64/);
    expect(said[1]).toMatch(/failed before a password was given \(VXNlcm5hbWU6 is "Username:"/);
    expect(said[2]).toMatch(/^smtpd: a login by client\.example\.net\[192\.0\.2\.10\] as alice@example\.org with AUTH PLAIN failed \(the SASL server gave no reason\); the client was answered "535 5\.7\.8 Error: authentication failed"/);
    expect(said[3]).toMatch(/: Postfix lost contact with its SASL server/);
  });

  it('reads a login given up with "*" and a SASL server out of reach', () => {
    const said = notes(readMailLog([smtpd('warning: unknown[203.0.113.9]: SASL LOGIN authentication aborted'), smtpd('warning: SASL: Connect to private/auth failed: No such file or directory')].join('\n')));
    expect(said[0]).toMatch(/^smtpd: unknown\[203\.0\.113\.9\] gave up its AUTH LOGIN login: .*"501 5\.7\.0 Authentication aborted"/);
    expect(said[1]).toMatch(/^smtpd: Postfix cannot reach its SASL server at private\/auth \(No such file or directory\): .*\/var\/spool\/postfix\/private\/auth/);
  });
});
