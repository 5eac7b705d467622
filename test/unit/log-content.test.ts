/**
 * Postfix's content inspection lines (shared/smtp/log-content.ts): milters' verdicts and header_checks(5) actions.
 * The lines are written in the forms Postfix 3.x logs them (cleanup(8)'s and header_checks(5)'s formats, checked
 * against log excerpts published with milters and log parsers), not recorded from a server.
 */
import { describe, expect, it } from 'vitest';
import { readMailLog } from '../../shared/smtp/log-read.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';

const at = (daemon: string, text: string): string => `Nov 30 00:12:34 mx postfix/${daemon}[4321]: ${text}`;
const notes = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'note' ? [s.text] : []));
const replies = (steps: ReplayStep[]) => steps.flatMap((s) => (s.kind === 'reply' ? [s.exchange] : []));

describe('a milter\'s verdict in Postfix\'s log', () => {
  it('reads cleanup\'s milter-reject, logged without its three-digit code, by its enhanced code and text', () => {
    const steps = readMailLog(
      at('cleanup', '4F9D5C0A1B: milter-reject: END-OF-MESSAGE from mail.example.com[192.0.2.1]: 5.7.1 Spam message rejected; from=<a@example.net> to=<b@example.org> proto=ESMTP helo=<mail.example.com>'),
    );
    expect(replies(steps)).toEqual([]);
    const [said] = notes(steps);
    expect(said).toMatch(/^4F9D5C0A1B: a milter \(a content filter: .*\) acted on the message from mail\.example\.com\[192\.0\.2\.1\] \(from <a@example\.net> to <b@example\.org>\) at the end of the message: this server refused it, "5\.7\.1 Spam message rejected" \(logged without its three-digit code: 5xx: final/);
    expect(said).toContain('5.7.1: Delivery not authorized, message refused');
    expect(said).toMatch(/likely: .*spam/i);
  });

  it('says a milter\'s default texts are its defaults, and that a 4.x.x one is for now', () => {
    const [tempfail] = notes(readMailLog(at('cleanup', 'D8C136A3A: milter-reject: END-OF-MESSAGE from unknown[1.2.3.4]: 4.7.1 Service unavailable - try again later; from=<s@sender.example> to=<d@example.com> proto=ESMTP helo=<mail.sender.example>')));
    expect(tempfail).toContain('4xx: for now, the client tries again later');
    expect(tempfail).toContain('milter_default_action = tempfail');
    const [reject] = notes(readMailLog(at('cleanup', 'D8C136A3B: milter-reject: END-OF-HEADERS from unknown[1.2.3.4]: 5.7.1 Command rejected; from=<s@sender.example> to=<d@example.com> proto=ESMTP helo=<x>')));
    expect(reject).toContain('at the end of the header');
    expect(reject).toContain("the milter's default refusal");
  });

  it('leaves smtpd\'s milter-reject, which quotes the reply whole, to be explained as a reply', () => {
    const steps = readMailLog(at('smtpd', 'NOQUEUE: milter-reject: RCPT from unknown[203.0.113.5]: 451 4.7.1 Greylisting in action, please come back in 00:05:00; from=<a@example.net> to=<c@example.org> proto=ESMTP helo=<x.example.net>'));
    expect(replies(steps).map((e) => [e.reply.code, e.command?.verb])).toEqual([[451, 'RCPT']]);
  });

  it('says that a discarded message was answered 250 and delivered to no one, and how to release a held one', () => {
    const steps = readMailLog(
      [
        at('cleanup', '0A618260345: milter-discard: END-OF-MESSAGE from unknown[192.168.5.100]: milter triggers DISCARD action; from=<n@example.tld> to=<n@example.tld> proto=ESMTP helo=<[192.168.5.100]>'),
        at('cleanup', '0A618260346: milter-hold: END-OF-MESSAGE from unknown[192.168.5.100]: milter triggers HOLD action; from=<n@example.tld> to=<n@example.tld> proto=ESMTP helo=<[192.168.5.100]>'),
      ].join('\n'),
    );
    const [discard, hold] = notes(steps);
    expect(discard).toMatch(/^0A618260345: .*: discarded\. The client was answered 250, as if accepted, and the message was delivered to no one/);
    expect(hold).toContain('postsuper -H 0A618260346');
    expect(hold).toContain('postsuper -d 0A618260346');
  });
});

describe('a header or body check\'s action in Postfix\'s log', () => {
  it('reads a header_checks REJECT: the line it matched, the client, the envelope and the reply\'s text', () => {
    const [said] = notes(
      readMailLog(at('cleanup', '906F418067A: reject: header Subject: Mail from your bank from mail-yb1-f174.google.com[209.85.219.174]; from=<t@gmail.com> to=<u@example.com.tr> proto=ESMTP helo=<mail-yb1-f174.google.com>: 5.7.1 message content rejected')),
    );
    // " from " inside the header line does not end it: the client is the last one before Postfix's fields.
    expect(said).toMatch(/^906F418067A: a header_checks rule matched the header line "Subject: Mail from your bank" of the message from mail-yb1-f174\.google\.com\[209\.85\.219\.174\] \(from <t@gmail\.com> to <u@example\.com\.tr>\): this server refused the message, "5\.7\.1 message content rejected" \(logged without its three-digit code: 5xx: final/);
  });

  it('says what the other actions did, a WARN doing nothing and a DISCARD answering 250', () => {
    const steps = readMailLog(
      [
        at('cleanup', '4AB2: hold: body suspicious line from client.example.org[192.0.2.9]; from=<a@example.org> to=<x@example.net> proto=ESMTP helo=<client>'),
        at('cleanup', '4AB3: warning: header X-Mailer: bulk from client.example.org[192.0.2.9]; from=<a@example.org> to=<x@example.net> proto=ESMTP helo=<client>: testing a rule'),
        at('cleanup', '4AB4: discard: header Subject: win from client.example.org[192.0.2.9]; from=<a@example.org> to=<x@example.net> proto=ESMTP helo=<client>'),
      ].join('\n'),
    );
    const [hold, warn, discard] = notes(steps);
    expect(hold).toMatch(/^4AB2: a body_checks rule matched the body line "suspicious line" .*: held/);
    expect(warn).toMatch(/logged only \(the rule's WARN action, for trying a rule out\): nothing was done to the message \(testing a rule\)$/);
    expect(discard).toContain('the client was answered 250, as if accepted');
  });

  it('reads a megabyte line of "from " and "; from=<" in one pass, and quotes 200 characters of it', () => {
    // Read by backtracking patterns, such a line took minutes (past the test's time limit).
    const [said] = notes(readMailLog(at('cleanup', `4AB5: reject: header Subject: ${'from ; from=<'.repeat(80_000)}x`)));
    expect(said).toMatch(/^4AB5: a header_checks rule matched the header line "Subject: from ; from=<.{178}…" of the message from a client: this server refused/);
    expect(said!.length).toBeLessThan(1_000);
    // An address of a megabyte in Postfix's fields is quoted in part too.
    const [wide] = notes(readMailLog(at('cleanup', `4AB6: hold: header X: y from c.example[192.0.2.1]; from=<${'a'.repeat(1_000_000)}> to=<b@example.org> proto=ESMTP helo=<c>`)));
    expect(wide).toMatch(/^4AB6: .* from c\.example\[192\.0\.2\.1\] \(from <a{200}…> to <b@example\.org>\): held/);
    // And the milter's or the rule's text.
    const [milter] = notes(readMailLog(at('cleanup', `4AB7: milter-reject: END-OF-MESSAGE from c.example[192.0.2.1]: 5.7.1 ${'x'.repeat(1_000_000)}`)));
    expect(milter!.length).toBeLessThan(1_000);
    const [rule] = notes(readMailLog(at('cleanup', `4AB8: warning: header X: y from c.example[192.0.2.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<c>: ${'y'.repeat(1_000_000)}`)));
    expect(rule!.length).toBeLessThan(1_000);
  });
});
