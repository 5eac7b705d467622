/**
 * The practice server's DKIM signing (server/practice/dkim-key.ts): its reports verify with the key it publishes, by
 * mailauth's verifier and by the page's checker, even when the clock turns a second while it signs (mailauth, left to
 * read the clock itself, writes another t= than the one it signed).
 */
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkSignature } from '../../client/ui/dkim-check.js';
import { practiceDkimKey, signPractice } from '../../server/practice/dkim-key.js';
import { signatureChecks, splitMessage } from '../../shared/smtp/dkim-verify.js';

const REPORT = 'From: MAILER-DAEMON@practice.test (Mail Delivery System)\r\nTo: trainee@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 01 Dec 2026 10:00:49 +0000\r\nMessage-ID: <3A0004.1796119249@practice.test>\r\n\r\nThe report.\r\n';

describe('the practice server signing its reports', () => {
  afterEach(() => vi.restoreAllMocks());

  it('signs so that the key it publishes verifies, though the clock turns a second each time it is read', async () => {
    const key = await practiceDkimKey();
    let now = Date.UTC(2026, 11, 1, 10, 0, 49, 900);
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
    const signed = await signPractice(REPORT, key);
    vi.restoreAllMocks();
    expect(signed).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=practice\.test;/);
    const resolver = (async (name: string) => (name === 'practice._domainkey.practice.test' ? [[key.record]] : [])) as never;
    const theirs = await dkimVerify(signed, { resolver });
    expect(theirs.results.map((r) => r.status.result)).toEqual(['pass']);
    const ours = await checkSignature(signatureChecks(splitMessage(signed)!)[0]!, { kind: 'records', records: [key.record], count: 1 });
    expect(ours).toEqual({ kind: 'pass', bits: 2048, testing: false, unsigned: 0 });
  });
});
