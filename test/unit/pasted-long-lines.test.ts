/**
 * Pasted text of megabyte lines, each built to make a regex backtrack: what a bounce, a message's header fields or a
 * mail log can hold when pasted by mistake (a base64 attachment, a binary file). Each is read in one pass, in
 * milliseconds; read by a regex that backtracks, each took minutes (the page frozen), past the test's time limit.
 * (Mail log lines: log-read.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { readBounce } from '../../shared/smtp/bounce-read.js';
import { canonBody, signatureChecks, splitMessage } from '../../shared/smtp/dkim-verify.js';
import { readHeaders } from '../../shared/smtp/headers-read.js';

const MB = 1_000_000;

describe('pasted lines built to make a regex backtrack', () => {
  it('a bounce line of "@": no address to split at each of them', () => {
    expect(readBounce('@'.repeat(MB))).toEqual([]);
    // The form it looks for is still read.
    expect(readBounce('<bob@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1 unknown (in reply to RCPT TO command)')).toHaveLength(2);
  });

  it('a Received date followed by "(" a million times: the comment after the date is looked for from its last "("', () => {
    const r = readHeaders(`Received: from a by b; Sun, 29 Nov 2026 22:30:00 +0000\nReceived: from c by a; ${'('.repeat(MB)}`);
    expect(r.findings.length).toBeGreaterThan(0);
    const dated = readHeaders('Received: from a by b; Sun, 29 Nov 2026 22:31:00 +0000 (UTC)\nReceived: from c by a; Sun, 29 Nov 2026 22:30:00 +0000 (UTC)');
    expect(dated.findings.map((f) => f.text).join('\n')).toMatch(/1 min/);
  });

  it('a Received-SPF field or an Authentication-Results result of a million letters', () => {
    const spf = readHeaders(`Received-SPF: fail ${'a'.repeat(MB)}`);
    expect(spf.findings.map((f) => f.text)).toEqual([expect.stringMatching(/^Received-SPF: fail: /)]);
    const results = readHeaders(`Authentication-Results: mx.example.com; dkim=fail ${'a'.repeat(MB)}`);
    expect(results.findings[0]?.text).toMatch(/^mx\.example\.com: dkim=fail: /);
    // And judged by the senders' rules from the same one result.
    expect(results.findings.map((f) => f.text)).toContain('every sender: SPF or DKIM must pass, and neither did (no SPF result, dkim=fail): Gmail refuses such mail (5.7.26) or files it as spam');
  });

  it('a message to verify (DKIM) whose body is a million spaces and tabs, and whose signature is ";" and "b=" repeated', () => {
    const msg = splitMessage(`DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s; h=from; bh=x; ${'; b='.repeat(MB / 4)}\r\nFrom: a@example.org\r\n\r\n${' \t'.repeat(MB / 2)}x\r\n${' '.repeat(MB)}\r\n`);
    expect(msg).not.toBeNull();
    const [check] = signatureChecks(msg!);
    expect(check?.body).toBe(' x\r\n');
    expect(check?.signed.startsWith('from:a@example.org\r\ndkim-signature:')).toBe(true);
    expect(canonBody(`${' '.repeat(MB)}x`, false)).toHaveLength(MB + 3);
  });

  it('a List-Unsubscribe of "<https://" a hundred thousand times, and a Received field of "(a." three hundred thousand times', () => {
    const head = 'From: a@example.org\nTo: b@example.com\nSubject: s\nDate: Tue, 1 Dec 2026 10:00:01 +0000\nMessage-ID: <1@example.org>\n';
    const list = readHeaders(`${head}List-Unsubscribe: ${'<https://'.repeat(MB / 10)}\n`);
    expect(list.findings.map((f) => f.text)).toContain('bulk senders, one-click unsubscribe: List-Unsubscribe has no https URI (a mailto: alone is not one click; RFC 8058 §3.1)');
    const hop = readHeaders(`Received: from x ${'(a.'.repeat(MB / 3)} by mx.example.com (version=TLS1_3); Tue, 1 Dec 2026 10:00:03 +0000\n`);
    expect(hop.findings.map((f) => f.text)).toContain("every sender: sent over TLS (the receiver's Received field says so)");
  });
});
