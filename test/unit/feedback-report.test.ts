/**
 * A feedback report pasted (shared/smtp/feedback-report.ts): ARF (RFC 5965) as feedback loops send it when a user
 * marks a message as spam, and the authentication failure reports of RFC 6591 that DMARC's ruf= asks for, in the
 * forms the RFCs' examples give; read for what was reported, about which message, and what to do. Other pastes are
 * not taken for one, and hostile ones are read without throwing.
 */
import { describe, expect, it } from 'vitest';
import { isBounce } from '../../shared/smtp/bounce-read.js';
import { isFeedbackReport, readFeedbackReport } from '../../shared/smtp/feedback-report.js';

/** A feedback report mail in RFC 5965 Appendix B's form: the human part, the fields, the message reported. */
function arf(fields: string[], reported = ['From: <somespammer@example.net>', 'Received: from mailserver.example.net (mailserver.example.net [192.0.2.1])', '  by example.com with ESMTP id M63d4137594e46;', '  Thu, 08 Mar 2005 14:00:00 -0400', 'To: <Undisclosed Recipients>', 'Subject: Earn money', 'MIME-Version: 1.0', 'Content-type: text/plain', 'Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net', 'Date: Thu, 02 Sep 2004 12:31:03 -0500', '', 'Spam Spam Spam']): string {
  return [
    'From: <abusedesk@example.com>',
    'Date: Thu, 8 Mar 2005 17:40:36 EDT',
    'Subject: FW: Earn money',
    'To: <abuse@example.net>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report;',
    '     boundary="part1_13d.2e68ed54_boundary"',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: text/plain; charset="US-ASCII"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'This is an email abuse report for an email message received from IP',
    '192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.  For more information',
    'about this format please see http://www.mipassoc.org/arf/.',
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/feedback-report',
    '',
    ...fields,
    '',
    '--part1_13d.2e68ed54_boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    ...reported,
    '--part1_13d.2e68ed54_boundary--',
  ].join('\r\n');
}

const ABUSE = ['Feedback-Type: abuse', 'User-Agent: SomeGenerator/1.0', 'Version: 1', 'Original-Mail-From: <somespammer@example.net>', 'Original-Rcpt-To: <user@example.com>', 'Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT', 'Reporting-MTA: dns; mail.example.com', 'Source-IP: 192.0.2.1', 'Authentication-Results: mail.example.com;', '               spf=fail smtp.mailfrom=somespammer@example.com', 'Reported-Domain: example.net', 'Reported-Uri: http://example.net/earn_money.html', 'Reported-Uri: mailto:user@example.com', 'Removal-Recipient: user@example.com'];

describe('a feedback report (ARF)', () => {
  it("reads a complaint: what to do, the message's way, and the message reported", () => {
    const text = arf(ABUSE);
    // Reporting-MTA makes it look like a bounce too: the reader that comes first must take it.
    expect(isBounce(text)).toBe(true);
    expect(isFeedbackReport(text)).toBe(true);
    const r = readFeedbackReport(text);
    expect(r?.head).toBe('Feedback report from SomeGenerator/1.0 (ARF, RFC 5965): abuse');
    expect(r?.good).toBe(false);
    expect(r?.findings.map((f) => `${f.tone} ${f.text}`)).toEqual([
      expect.stringMatching(/^bad abuse: a recipient marked the message as spam\. Take that recipient off your lists now .*\(RFC 5965 §7\.3, RFC 6449\)$/),
      'info the message was sent from 192.0.2.1, MAIL FROM <somespammer@example.net>, to <user@example.com>, arrived Thu, 8 Mar 2005 14:00:00 EDT',
      'info if 192.0.2.1 is not one of your servers, the message was not sent by you: /rdns 192.0.2.1 says whose host it is',
      'info the domain reported: example.net',
      "info the receiver's Authentication-Results: mail.example.com; spf=fail smtp.mailfrom=somespammer@example.com",
      'info the message reported: From: <somespammer@example.net> · Subject: Earn money · Date: Thu, 02 Sep 2004 12:31:03 -0500 · Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net',
    ]);
  });

  it('says when a feedback loop withholds who complained, and reads the fields alone, with only the headers reported', () => {
    const fields = ['Feedback-Type: abuse', 'User-Agent: Yahoo!-Mail-Feedback/2.0', 'Version: 0.1', 'Original-Mail-From: <bounce-42@news.example.org>', 'Arrival-Date: Sun, 29 Nov 2026 18:00:00 +0000', 'Source-IP: 198.51.100.7', 'Incidents: 3'];
    const alone = readFeedbackReport(fields.join('\n'));
    expect(alone?.findings.map((f) => f.text)).toContain("the recipient is not named (feedback loops often withhold who complained, RFC 6590): find them by your own mark in the message reported: a list's id, an unsubscribe link, the Message-ID");
    expect(alone?.findings.map((f) => f.text)).toContain('3 messages like it reported at once (Incidents)');
    const headersOnly = arf(fields, []).replace('Content-Type: message/rfc822', 'Content-Type: text/rfc822-headers').replace('--part1_13d.2e68ed54_boundary--', 'From: News <news@example.org>\r\nSubject: Your weekly deals\r\n\r\n--part1_13d.2e68ed54_boundary--');
    expect(readFeedbackReport(headersOnly)?.findings.at(-1)?.text).toBe('the message reported: From: News <news@example.org> · Subject: Your weekly deals');
    // Feedback-Type need not come first in its block, and a blank line may come before the message reported.
    const reordered = arf(['User-Agent: Hotmail FBL', 'Version: 1', 'Feedback-Type: abuse', 'Source-IP: 203.0.113.9'], ['', 'From: a@example.org', 'Subject: hi']);
    expect(readFeedbackReport(reordered)?.head).toBe('Feedback report from Hotmail FBL (ARF, RFC 5965): abuse');
    expect(readFeedbackReport(reordered)?.findings.at(-1)?.text).toBe('the message reported: From: a@example.org · Subject: hi');
    // Forwarded to a colleague: the forward's own message/rfc822 part, before the report's, is not the message reported.
    const forwarded = ['From: admin@example.org', 'Subject: Fwd: complaint', 'Content-Type: multipart/mixed; boundary="f"', '', '--f', 'Content-Type: message/rfc822', '', arf(ABUSE), '--f--'].join('\r\n');
    expect(readFeedbackReport(forwarded)?.findings.at(-1)?.text).toMatch(/^the message reported: From: <somespammer@example\.net> · Subject: Earn money/);
  });

  it('reads an authentication failure report: which check failed, the signature, what the receiver did', () => {
    // RFC 6591 Appendix B's DKIM example, and a DMARC failure report as OpenDMARC sends one (RFC 7489 §7.3).
    const dkim = readFeedbackReport(arf(['Feedback-Type: auth-failure', 'User-Agent: SomeDKIMFilter/1.0', 'Version: 1', 'Original-Mail-From: <randomuser@example.net>', 'Original-Rcpt-To: <user@example.com>', 'Received-Date: Thu, 8 Mar 2005 14:00:00 EDT', 'Source-IP: 192.0.2.1', 'Authentication-Results: mail.example.com; dkim=fail header.d=example.net', 'Reported-Domain: example.net', 'DKIM-Domain: example.net', 'DKIM-Selector: news', 'Auth-Failure: bodyhash', 'Delivery-Result: spam']));
    expect(dkim?.head).toBe('Feedback report from SomeDKIMFilter/1.0 (ARF, RFC 5965): auth-failure');
    expect(dkim?.findings.slice(0, 5).map((f) => `${f.tone} ${f.text}`)).toEqual([
      expect.stringMatching(/^bad auth-failure: the message failed an authentication check at the receiver .*\(RFC 6591, RFC 7489 §7\.3\)$/),
      "bad Auth-Failure: bodyhash: the DKIM body hash did not match: the body changed after it was signed (a mailing list's footer, a gateway's disclaimer, lines re-encoded)",
      'info the DKIM signature that failed: d=example.net s=news',
      'warn Delivery-Result: spam: the receiver put it in the spam folder',
      // The older Received-Date, as RFC 6591's example still writes it.
      'info the message was sent from 192.0.2.1, MAIL FROM <randomuser@example.net>, to <user@example.com>, arrived Thu, 8 Mar 2005 14:00:00 EDT',
    ]);
    const dmarc = readFeedbackReport(['Feedback-Type: auth-failure', 'User-Agent: OpenDMARC-Filter/1.4.2', 'Version: 1', 'Original-Mail-From: info@example.org', 'Source-IP: 203.0.113.5', 'Reported-Domain: example.org', 'Auth-Failure: dmarc, spf', 'Delivery-Result: reject'].join('\n'));
    expect(dmarc?.findings.filter((f) => f.tone === 'bad').map((f) => f.text.split(':').slice(0, 2).join(':'))).toEqual(['auth-failure: the message failed an authentication check at the receiver (a failure report, as a DMARC record\'s ruf= asks)', 'Auth-Failure: dmarc', 'Auth-Failure: spf']);
    expect(dmarc?.findings.map((f) => f.text)).toContain('Delivery-Result: reject: the receiver refused it');
    expect(readFeedbackReport('Feedback-Type: not-spam\nUser-Agent: x\nVersion: 1')?.good).toBe(true);
    expect(readFeedbackReport('Feedback-Type: made-up\nVersion: 1')?.findings[0]).toEqual({ tone: 'warn', text: "made-up: a feedback type RFC 5965's registry does not list; the report's first part says what it means" });
  });

  it('takes nothing else for one, and reads hostile reports without throwing', () => {
    for (const no of [
      'Feedback-Type: abuse', // no Version nor User-Agent beside it
      'Reporting-MTA: dns; mx.example.org\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.1.1',
      'Subject: Feedback-Type: abuse\nVersion: 1', // not at a line's start
      '220 mx.example.org ESMTP',
      '',
    ]) expect(isFeedbackReport(no), no).toBe(false);
    const long = readFeedbackReport(`Feedback-Type: abuse\nVersion: 1\nSource-IP: ${'9'.repeat(5000)}\nOriginal-Rcpt-To:\n${' x'.repeat(20_000)}`);
    expect(long?.findings.every((f) => f.text.length < 1000)).toBe(true);
    // Random field soup around a Feedback-Type line.
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const bits = ['Feedback-Type: abuse', 'Feedback-Type: auth-failure', 'Version: 1', 'User-Agent: x', 'Auth-Failure: ', 'dmarc', 'Delivery-Result: ', 'DKIM-Domain: ', 'Source-IP: ', 'Incidents: ', '-1', '1e99', 'Content-Type: message/rfc822', 'Content-Type: text/rfc822-headers', 'From: a', 'Subject: b', ' folded', '\t', '', '\r', ':', '\x1b[2J'];
    for (let round = 0; round < 500; round++) {
      const lines = ['Feedback-Type: abuse', 'Version: 1'];
      for (let i = 0, n = Math.floor(next() * 30); i < n; i++) lines.push(bits[Math.floor(next() * bits.length)]! + (next() < 0.3 ? bits[Math.floor(next() * bits.length)]! : ''));
      const r = readFeedbackReport(lines.join(next() < 0.5 ? '\n' : '\r\n'));
      expect(r).not.toBeNull();
      expect(r!.findings.length).toBeGreaterThan(0);
    }
  });
});
