/**
 * The spam filters' verdicts in a message's header fields (shared/smtp/spam-headers.ts), as pasted into Paste &
 * explain with the rest of the header (shared/smtp/headers-read.ts). The samples are written in each filter's
 * documented form (SpamAssassin 3.4's X-Spam-Status and X-Spam-Report, rspamd 3's X-Spamd-Result, Microsoft's
 * anti-spam message headers page), not recorded from a receiver.
 */
import { describe, expect, it } from 'vitest';
import { isHeaders, readHeaders } from '../../shared/smtp/headers-read.js';

const lines = (text: string): string[] => readHeaders(text).findings.map((f) => `${f.tone} ${f.text}`);

const SPAMASSASSIN = [
  'X-Spam-Status: Yes, score=7.9 required=5.0 tests=BAYES_99,BAYES_999,',
  '\tDKIM_INVALID,DKIM_SIGNED,RDNS_NONE,SPF_HELO_NONE,SPF_SOFTFAIL,',
  '\tURIBL_BLOCKED,T_KAM_HTML_FONT_INVALID autolearn=no autolearn_force=no version=3.4.6',
  'X-Spam-Report: ',
  '\t*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%',
  '\t*      [score: 1.0000]',
  '\t*  0.2 BAYES_999 BODY: Bayes spam probability is 99.9 to 100%',
  '\t*      [score: 1.0000]',
  '\t*  0.1 DKIM_SIGNED Message has a DKIM or DK signature, not necessarily valid',
  '\t*  0.1 DKIM_INVALID DKIM or DK signature exists, but is not valid',
  '\t*  0.7 SPF_SOFTFAIL SPF: sender does not match SPF record (softfail)',
  '\t*  1.3 RDNS_NONE Delivered to internal network by a host with no rDNS',
  '\t*  0.0 SPF_HELO_NONE SPF: HELO does not publish an SPF Record',
  '\t*  0.0 URIBL_BLOCKED ADMINISTRATOR NOTICE: The query to URIBL was blocked.',
  '\t*  0.0 T_KAM_HTML_FONT_INVALID Test for Invalidly Named or Formatted Colors in HTML',
].join('\n');

describe("the spam filters' verdicts", () => {
  it("reads SpamAssassin's status and report: the verdict first, each rule heaviest first, explained by family", () => {
    expect(isHeaders(SPAMASSASSIN)).toBe(true);
    expect(readHeaders(SPAMASSASSIN).head).toBe("the message's header fields: the spam filter's verdict, what the receiver found (Authentication-Results, RFC 8601), its DKIM signatures and the path it took (Received):");
    const got = lines(SPAMASSASSIN);
    expect(got.slice(0, 2)).toEqual([
      'bad SpamAssassin: spam, score 7.9 (spam from 5.0): the receiver files it as junk, or refuses it',
      "warn BAYES_99 (+3.5): the receiver's Bayes filter, trained on its own users' mail, finds the words spammy (a spam probability of about 99%): the content, not the setup",
    ]);
    expect(got).toContain("warn RDNS_NONE (+1.3): the sending server's address has no reverse DNS name (PTR): its owner (the provider) sets one; /rdns with the address checks it");
    expect(got).toContain("warn SPF_SOFTFAIL (+0.7): SPF softfail: the sending server is not in the envelope domain's SPF record; /spf with its address and the domain says what to add");
    expect(got).toContainEqual(expect.stringMatching(/^warn DKIM_INVALID \(\+0\.1\): a DKIM signature did not verify/));
    expect(got).toContainEqual(expect.stringMatching(/^warn BAYES_999 \(\+0\.2\): .*about 99\.9%/));
    // A rule of no points that would weigh against: said, not held against the message.
    expect(got).toContainEqual(expect.stringMatching(/^info SPF_HELO_NONE \(0\): SPF none:/));
    expect(got).toContainEqual(expect.stringMatching(/^info URIBL_BLOCKED \(0\): the list refused the receiver's query/));
    expect(got).toContain('info other SpamAssassin rules, not explained here (the filter\'s documentation has them): T_KAM_HTML_FONT_INVALID (0)');
    // Without the report, the rules are named without points, in the header's order; a verdict of not spam is said so.
    const status = lines('X-Spam-Status: No, score=-0.1 required=5.0 tests=DKIM_VALID,DKIM_VALID_AU,SPF_PASS,BAYES_00 autolearn=ham version=3.4.6');
    expect(status).toEqual([
      'ok SpamAssassin: not spam, score -0.1 (spam from 5.0)',
      'ok DKIM_VALID: a DKIM signature verified',
      "ok DKIM_VALID_AU: a DKIM signature verified, from the From: domain's own (aligned)",
      "ok SPF_PASS: SPF passed: the sending server is allowed by the envelope domain's record",
      "ok BAYES_00: the receiver's Bayes filter, trained on its own users' mail, finds the words legitimate (a spam probability of about 0%): the content, not the setup",
      'info no Authentication-Results field: the receiving server recorded no SPF, DKIM or DMARC result',
    ]);
  });

  it("reads rspamd's result: the score against its threshold, the symbols that counted", () => {
    const text = [
      'X-Spamd-Result: default: False [5.90 / 15.00];',
      '\tR_SPF_SOFTFAIL(0.60)[~all];',
      '\tMIME_HTML_ONLY(0.20)[];',
      '\tR_DKIM_NA(0.00)[];',
      '\tMISSING_MID(2.50)[];',
      '\tDMARC_POLICY_SOFTFAIL(0.10)[example.org : No valid SPF, No valid DKIM,none];',
      '\tRCVD_COUNT_ONE(0.00)[1];',
      '\tHFILTER_HOSTNAME_UNKNOWN(2.50)[]',
    ].join('\n');
    expect(isHeaders(text)).toBe(true);
    const got = lines(text);
    expect(got[0]).toBe('ok rspamd: not spam, score 5.90 of 15.00 (its reject threshold)');
    expect(got.slice(1, 4)).toEqual([
      'warn MISSING_MID (+2.5): the message has no Message-ID: header field: the sending program should add it (RFC 5322 §3.6)',
      "warn HFILTER_HOSTNAME_UNKNOWN (+2.5): the sending server's address has no reverse DNS name (PTR): its owner (the provider) sets one; /rdns with the address checks it",
      "warn R_SPF_SOFTFAIL (+0.6): SPF softfail: the sending server is not in the envelope domain's SPF record; /spf with its address and the domain says what to add",
    ]);
    expect(got).toContainEqual(expect.stringMatching(/^warn DMARC_POLICY_SOFTFAIL \(\+0\.1\): DMARC failed/));
    // Symbols of no weight are left out.
    expect(got.some((l) => l.includes('R_DKIM_NA') || l.includes('RCVD_COUNT_ONE'))).toBe(false);
  });

  it("reads Microsoft 365's anti-spam report: the SCL, the verdict, the protection that acted, the bulk level", () => {
    const text = [
      'X-Forefront-Antispam-Report: CIP:203.0.113.5;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.example.org;PTR:;CAT:SPOOF;SFS:(13230031)(4636009)(376002);DIR:INB;',
      'X-Microsoft-Antispam: BCL:7;',
    ].join('\n');
    expect(isHeaders(text)).toBe(true);
    expect(lines(text).slice(0, 5)).toEqual([
      'bad Microsoft 365: SCL 5: spam: to the Junk Email folder (or quarantine, as the policy says)',
      'bad SFV:SPM: the filter found it spam',
      'bad CAT:SPOOF: the protection that acted: spoofing: the From: domain failed authentication (SPF, DKIM, DMARC, or composite authentication)',
      "warn BCL:7: a bulk sender with some complaints (0 to 9; the default policy marks spam from 7): its list's opt-in and unsubscribing are what counts",
      'warn sent from 203.0.113.5 (US), which has no reverse DNS name (/rdns checks it), which said HELO mail.example.org',
    ]);
    expect(lines('X-Forefront-Antispam-Report: CIP:198.51.100.7;CTRY:FR;SCL:1;SFV:NSPM;H:mx.example.net;PTR:mx.example.net;CAT:NONE;')).toEqual([
      'ok Microsoft 365: SCL 1: not spam: delivered to the inbox',
      'ok SFV:NSPM: the filter found it not spam',
      'info sent from 198.51.100.7 (FR), reverse name mx.example.net, which said HELO mx.example.net',
      'info no Authentication-Results field: the receiving server recorded no SPF, DKIM or DMARC result',
    ]);
  });

  it('reads nothing into header fields without a verdict, and survives odd ones', () => {
    expect(readHeaders('Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.org').head).not.toContain('verdict');
    for (const odd of ['X-Spam-Status: ', 'X-Spam-Status: maybe tests=', 'X-Spamd-Result: ;;;(((', `X-Forefront-Antispam-Report: ${';:'.repeat(5000)}`, `X-Spam-Status: Yes, tests=${'A_B,'.repeat(500)}`]) {
      const r = readHeaders(odd);
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.findings.length).toBeLessThan(40);
    }
  });
});
