/**
 * A received message's header fields read for what went wrong (shared/smtp/headers-read.ts): the receiver's
 * Authentication-Results (RFC 8601) with what each result means and the heloterm command that looks further, and
 * the Received path with the wait at each hop.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { isBounce } from '../../shared/smtp/bounce-read.js';
import { isHeaders, readHeaders } from '../../shared/smtp/headers-read.js';

const HEADERS = `Delivered-To: alice@example.com
Received: by 2002:a05:6a10:1234 with SMTP id abc;
        Sun, 29 Nov 2026 22:10:05 -0800 (PST)
Received: from mx.example.net (mx.example.net. [192.0.2.25])
        by mx.google.com with ESMTPS id x1si;
        Sun, 29 Nov 2026 22:10:04 -0800 (PST)
Received: from app1.internal (app1.internal [10.0.0.5])
        by mx.example.net (Postfix) with ESMTP id 4F2A1C0123;
        Mon, 30 Nov 2026 06:00:01 +0000 (UTC)
Authentication-Results: mx.google.com;
       dkim=fail (bad signature) header.i=@example.net header.s=s1 header.b=abc;
       spf=softfail (google.com: domain of transitioning bob@example.net does not designate 192.0.2.25 as permitted sender) smtp.mailfrom=bob@example.net;
       dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=example.net
From: Bob <bob@example.net>
Subject: hello

The body; Received: from nowhere
`;

describe('readHeaders', () => {
  it('reads each authentication result with its meaning and the command that looks further', () => {
    expect(isHeaders(HEADERS)).toBe(true);
    expect(isBounce(HEADERS)).toBe(false);
    const lines = readHeaders(HEADERS).findings.map((f) => `${f.tone}: ${f.text}`);
    expect(lines.slice(0, 3)).toEqual([
      'bad: mx.google.com: dkim=fail (header.i=@example.net header.s=s1 header.b=abc): a DKIM signature did not verify: the message was changed on the way, or the key does not match. /dkim s1 example.net shows the key',
      "bad: mx.google.com: spf=softfail (smtp.mailfrom=bob@example.net): the sending server is not allowed, softly (~all): often a reason for the spam folder. /mx example.net shows its SPF and DMARC records",
      'bad: mx.google.com: dmarc=fail (header.from=example.net): neither SPF nor DKIM passed for the From: domain: its DMARC policy decides (none, quarantine, reject). /mx example.net shows its SPF and DMARC records',
    ]);
  });

  it('follows the Received path oldest first, with the wait at each hop and a held one pointed out', () => {
    const report = readHeaders(HEADERS);
    expect(report.findings.slice(3, 7).map((f) => `${f.tone}: ${f.text}`)).toEqual([
      'info: hop 1: from app1.internal by mx.example.net',
      'warn: hop 2: from mx.example.net by mx.google.com (+10 min): held here, queued or greylisted',
      'info: hop 3: from ? by 2002:a05:6a10:1234 (+1 s)',
      'info: 3 hops in 10 min',
    ]);
    expect(report.good).toBe(false);
  });

  it('reads Received-SPF with the /spf that checks it again, and ARC results with their hop', () => {
    const text = [
      'ARC-Authentication-Results: i=1; mx.lists.example; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org',
      'Received-SPF: softfail (mx.example.com: domain of transitioning bob@example.org does not designate 192.0.2.77 as permitted sender) client-ip=192.0.2.77; envelope-from=bob@example.org;',
    ].join('\n');
    expect(isHeaders(text)).toBe(true);
    expect(readHeaders(text).findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      'ok: mx.lists.example (ARC, hop 1): spf=pass (smtp.mailfrom=example.org): the sending server is allowed by the MAIL FROM domain\'s SPF record',
      'ok: mx.lists.example (ARC, hop 1): dkim=pass (header.d=example.org): a DKIM signature verified',
      'bad: Received-SPF: softfail for 192.0.2.77 sending for example.org: the sending server is not allowed, softly (~all): often a reason for the spam folder. /spf 192.0.2.77 example.org checks it again',
    ]);
  });

  it('says when nothing was recorded, reads a passing message as good, and shows no control character', () => {
    const plain = 'Received: from a by b; Sun, 29 Nov 2026 10:00:00 +0000\nReceived: from c by a; Sun, 29 Nov 2026 09:59:59 +0000\n';
    expect(readHeaders(plain).findings[0]?.text).toMatch(/^no Authentication-Results field/);
    const pass = readHeaders('Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org');
    expect(pass.good).toBe(true);
    expect(pass.findings.slice(0, 3).map((f) => f.tone)).toEqual(['ok', 'ok', 'ok']);
    const hostile = readHeaders('Authentication-Results: x\x1b]0;t\x07; spf=fail smtp.mailfrom=\x1b[2J@x');
    expect(formatReport(hostile)).not.toMatch(/\x1b\]|\x1b\[2J|\x07/);
    // A clock that goes backwards is said, not shown as a negative wait.
    const back = readHeaders('Received: from b by c; Sun, 29 Nov 2026 09:00:00 +0000\nReceived: from a by b; Sun, 29 Nov 2026 10:00:00 +0000\n');
    expect(back.findings.map((f) => f.text)).toContain('hop 2: from b by c (1.0 h before the hop before it: a clock is wrong)');
  });
});
