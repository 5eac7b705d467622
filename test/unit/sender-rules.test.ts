/**
 * The mailbox providers' rules for senders read from a received message's header fields (shared/smtp/sender-rules.ts,
 * through readHeaders as Paste & explain calls it): SPF, DKIM and DMARC as the receiver found them, TLS and reverse
 * DNS on the hop into the receiver (as Gmail, Postfix, Exim and Sendmail write their Received fields), the RFC 5322
 * fields Gmail refuses mail without, and one-click unsubscribe (RFC 8058). Header samples are written in each
 * receiver's documented form.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { readHeaders } from '../../shared/smtp/headers-read.js';
import { senderRules } from '../../shared/smtp/sender-rules.js';

/** The rules' lines of a pasted header, "tone: text", without the head and the closing spam-rate line. */
function rules(text: string): string[] {
  const lines = readHeaders(text).findings.map((f) => `${f.tone}: ${f.text}`);
  const head = lines.findIndex((l) => l.startsWith("info: the big mailbox providers' rules for senders"));
  if (head < 0) return [];
  expect(lines.at(-1)).toMatch(/^info: not in the header fields: a spam rate kept under 0\.3 %/);
  return lines.slice(head + 1, -1);
}

/** A newsletter as Gmail's "Show original" shows it: everything the rules ask for. */
const GMAIL_GOOD = `Delivered-To: reader@gmail.com
Received: by 2002:a05:7300:5b12:b0:12a:3c4d with SMTP id abc;
        Tue, 1 Dec 2026 02:10:05 -0800 (PST)
Received: from mail.example.org (mail.example.org. [192.0.2.10])
        by mx.google.com with ESMTPS id d2e1a72fcca58-7b0f
        for <reader@gmail.com>
        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);
        Tue, 1 Dec 2026 02:10:04 -0800 (PST)
Authentication-Results: mx.google.com;
       dkim=pass header.i=@example.org header.s=s2026 header.b=Xy12;
       spf=pass (google.com: domain of bounces@news.example.org designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounces@news.example.org;
       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=example.org
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s2026;
        h=from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post;
        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Xy12
List-Unsubscribe: <https://example.org/u/5f2a>, <mailto:unsubscribe@example.org?subject=5f2a>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
From: Example News <news@example.org>
To: reader@gmail.com
Subject: December news
Date: Tue, 1 Dec 2026 10:10:01 +0000
Message-ID: <5f2a.20261201@mail.example.org>
`;

describe('senderRules', () => {
  it('finds a newsletter as Gmail shows it meeting every rule it can see, the sending hop found by its address', () => {
    expect(rules(GMAIL_GOOD)).toEqual([
      'ok: every sender: SPF or DKIM passes (spf=pass, dkim=pass)',
      'ok: bulk senders: SPF and DKIM both pass',
      'ok: bulk senders: DMARC passes for example.org (SPF or DKIM aligned with it)',
      "ok: every sender: sent over TLS (the receiver's Received field says so)",
      'ok: every sender: the sending address (192.0.2.10) has reverse DNS, mail.example.org; /rdns 192.0.2.10 checks that it resolves back',
      'ok: every sender: one From:, a Date: and a Message-ID: (RFC 5322 §3.6)',
      'ok: bulk senders: one-click unsubscribe offered (an https List-Unsubscribe, List-Unsubscribe-Post, both signed); a visible link in the body is asked for too',
    ]);
  });

  it('reads a Postfix receiver: no TLS, no reverse DNS, no DKIM, no DMARC record, no Message-ID, list mail without unsubscribe', () => {
    const text = `Received: from helo.example.net (unknown [198.51.100.7])
	by mx.example.com (Postfix) with ESMTP id 4Fq2Lx0c7Hz9s
	for <alice@example.com>; Tue,  1 Dec 2026 10:00:03 +0000 (UTC)
Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=news@example.net; dkim=none; dmarc=none header.from=example.net
From: news@example.net
To: alice@example.com
Subject: offers
Date: Tue, 1 Dec 2026 10:00:01 +0000
List-Id: <offers.example.net>
`;
    expect(rules(text)).toEqual([
      'ok: every sender: SPF or DKIM passes (spf=pass, dkim=none)',
      'warn: bulk senders: SPF and DKIM must both pass; DKIM did not',
      'warn: bulk senders: a DMARC record is required (p=none is enough), and example.net publishes none: publish "v=DMARC1; p=none; rua=mailto:…" at _dmarc.example.net',
      "bad: every sender: mail must come over TLS, and the receiver's Received field shows none (no ESMTPS, no TLS version): turn STARTTLS on where it is sent from",
      'bad: every sender: the sending address needs reverse DNS (a PTR record) that resolves back to it, and the receiver found none for 198.51.100.7; /rdns 198.51.100.7 checks that it resolves back',
      'bad: every sender: no Message-ID: field in what was pasted: RFC 5322 (§3.6) asks for them, and Gmail refuses mail without a Message-ID (5.7.1)',
      'warn: bulk senders: list mail (List-Id or Precedence: bulk) without List-Unsubscribe: marketing and subscribed mail must offer one-click unsubscribe (RFC 8058)',
    ]);
    expect(readHeaders(text).good).toBe(false);
  });

  it("reads Exim's Received fields, with and without TLS and a reverse DNS name", () => {
    const withTls = `from mail.example.org ([192.0.2.10] helo=mail.example.org)
	by mx.example.com with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384
	(Exim 4.96)
	(envelope-from <a@example.org>)
	id 1t7Xyz-000Abc-2Q
	for b@example.com; Tue, 01 Dec 2026 10:00:03 +0000`;
    expect(senderRules([['received', withTls]], null, []).map((f) => `${f.tone}: ${f.text}`).slice(1, -1)).toEqual([
      "ok: every sender: sent over TLS (the receiver's Received field says so)",
      'ok: every sender: the sending address (192.0.2.10) has reverse DNS, mail.example.org; /rdns 192.0.2.10 checks that it resolves back',
    ]);
    const bare = 'from [192.0.2.10] (helo=laptop) by mx.example.com with esmtp (Exim 4.96) (envelope-from <a@example.org>) id 1t7Xyz-000Abc-2Q; Tue, 01 Dec 2026 10:00:03 +0000';
    expect(senderRules([['received', bare]], null, []).map((f) => f.tone)).toEqual(['info', 'bad', 'bad', 'info']);
    expect(senderRules([['received', bare]], null, [])[2]?.text).toContain('found none for 192.0.2.10');
  });

  it("reads Sendmail's reverse DNS that does not resolve back, and a hop that does not say", () => {
    const forged = 'from helo.example (host.example.net [203.0.113.9] (may be forged)) by mx.example.com (8.17.1.9/8.17.1.9) with ESMTPS id 5B1A0c3d (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT); Tue, 1 Dec 2026 10:00:03 +0000';
    expect(senderRules([['received', forged]], null, []).map((f) => `${f.tone}: ${f.text}`).slice(1, -1)).toEqual([
      "ok: every sender: sent over TLS (the receiver's Received field says so)",
      'warn: every sender: the sending address (203.0.113.9) has reverse DNS, host.example.net, which does not resolve back to it ("may be forged"); /rdns 203.0.113.9 checks that it resolves back',
    ]);
    // A hop with neither a protocol nor an address says nothing of either: no rule is judged from it.
    expect(senderRules([['received', 'from a by b; Tue, 1 Dec 2026 10:00:03 +0000']], null, [])).toEqual([]);
  });

  it("reads Microsoft 365's fields: no authserv-id, the address in parentheses, the entry hop found behind an internal one", () => {
    const text = `Received: from DM6PR02MB4012.namprd02.prod.outlook.com (2603:10b6:5:1f0::14) by
 BY5PR02MB6001.namprd02.prod.outlook.com with HTTPS; Tue, 1 Dec 2026 10:00:06 +0000
Received: from DM6NAM12FT015.eop-nam12.prod.protection.outlook.com (2603:10b6:5:1f0:cafe::a1) by
 DM6PR02MB4012.namprd02.prod.outlook.com (2603:10b6:5:1f0::14) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.10; Tue, 1 Dec 2026 10:00:05 +0000
Received: from mail.example.net (198.51.100.7) by
 DM6NAM12FT015.mail.protection.outlook.com (10.13.178.120) with Microsoft SMTP Server id 15.20.8207.10 via
 Frontend Transport; Tue, 1 Dec 2026 10:00:04 +0000
Authentication-Results: spf=pass (sender IP is 198.51.100.7)
 smtp.mailfrom=example.net; dkim=none (message not signed)
 header.d=none;dmarc=bestguesspass action=none header.from=example.net;compauth=pass reason=109
From: <a@example.net>
`;
    expect(rules(text)).toEqual([
      'ok: every sender: SPF or DKIM passes (spf=pass, dkim=none)',
      'warn: bulk senders: SPF and DKIM must both pass; DKIM did not',
      'warn: bulk senders: a DMARC record is required (p=none is enough), and example.net publishes none: publish "v=DMARC1; p=none; rua=mailto:…" at _dmarc.example.net',
      "bad: every sender: mail must come over TLS, and the receiver's Received field shows none (no ESMTPS, no TLS version): turn STARTTLS on where it is sent from",
    ]);
  });

  it('says whose domains passed when DMARC failed for want of alignment (a service sending for the domain)', () => {
    const text = `Authentication-Results: mx.google.com;
       dkim=pass header.i=@esp.example header.s=k1;
       spf=pass (google.com: domain of b@bounce.esp.example designates 198.51.100.20 as permitted sender) smtp.mailfrom=b@bounce.esp.example;
       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=shop.example`;
    expect(rules(text)).toEqual([
      'ok: every sender: SPF or DKIM passes (spf=pass, dkim=pass)',
      'ok: bulk senders: SPF and DKIM both pass',
      'bad: bulk senders: DMARC must pass, and it did not (dmarc=fail): SPF for bounce.esp.example and DKIM for esp.example passed, not for shop.example (a service sending for you: its SPF domain or its DKIM key must be under shop.example); /mx shop.example shows its DMARC record',
    ]);
    // Without a DMARC result recorded, alignment is judged by name from the From: field.
    const noDmarc = 'Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=a@mail.shop.example; dkim=fail header.d=shop.example\nFrom: <a@shop.example>\n';
    expect(rules(noDmarc)[2]).toBe('ok: bulk senders: shop.example, the From: domain, is aligned with SPF (no DMARC result recorded; /mx shop.example shows its DMARC record)');
    // DKIM for a sibling name (a mail service's subdomain of the same organization): aligned if that is its domain.
    const sibling = 'Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=a@esp.example; dkim=pass header.d=mg.shop.example\nFrom: <a@news.shop.example>\n';
    expect(rules(sibling)[2]).toBe(
      'info: bulk senders: news.shop.example, the From: domain, and mg.shop.example, which DKIM passed for, are both under shop.example: aligned if that is their organizational domain (relaxed alignment, the default: RFC 7489 §3.2), not if the DMARC record asks for strict alignment (aspf=s, adkim=s); /mx news.shop.example shows its DMARC record',
    );
    const neither = 'Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=a@other.example; dkim=none\nFrom: <a@shop.example>\n';
    expect(rules(neither)).toEqual([
      'bad: every sender: SPF or DKIM must pass, and neither did (spf=fail, dkim=none): Gmail refuses such mail (5.7.26) or files it as spam',
      'warn: bulk senders: SPF and DKIM must both pass; neither did',
      'warn: bulk senders: the From: domain must be aligned with SPF\'s or DKIM\'s: neither SPF nor DKIM passed, so nothing passed for shop.example; /mx shop.example shows its DMARC record',
    ]);
  });

  it("reads a Message-ID Gmail wrote for the sender, one without brackets, and two From: fields", () => {
    const base = 'From: a@example.org\nTo: b@gmail.com\nSubject: s\nDate: Tue, 1 Dec 2026 10:00:01 +0000\n';
    // A whole message: the lines of its body that look like fields (a message forwarded in it) are not its fields.
    const forwarded = `${base}Message-ID: <1@example.org>\n\n---------- Forwarded message ---------\nFrom: c@example.net\nDate: Mon, 30 Nov 2026\n`;
    expect(rules(forwarded)[0]).toBe('ok: every sender: one From:, a Date: and a Message-ID: (RFC 5322 §3.6)');
    expect(rules(`${base}Message-ID: <6748a1.SMTPIN_ADDED_MISSING@mx.google.com>\n`)[0]).toBe(
      'bad: every sender: the Message-ID is Gmail\'s (SMTPIN_ADDED_MISSING): the message came without one; Gmail refuses such mail too (5.7.1): write "<unique@your.domain>" (RFC 5322 §3.6.4)',
    );
    expect(rules(`${base}Message-ID: 12345@example.org\n`)[0]).toBe(
      'warn: every sender: the Message-ID "12345@example.org" is not "<unique@domain>" as RFC 5322 (§3.6.4) writes it: Gmail replaces or refuses a broken one',
    );
    expect(rules(`${base}From: c@example.org\nMessage-ID: <1@example.org>\n`)[0]).toBe('bad: every sender: 2 From: fields, where RFC 5322 (§3.6) allows one: Gmail refuses the message');
  });

  it('says what one-click unsubscribe lacks: an https URI, the Post field as RFC 8058 writes it, a signature over both', () => {
    const base = 'From: a@example.org\nTo: b@gmail.com\nSubject: s\nDate: Tue, 1 Dec 2026 10:00:01 +0000\nMessage-ID: <1@example.org>\n';
    const unsigned = `${base}List-Unsubscribe: <mailto:u@example.org>\nList-Unsubscribe-Post: List-Unsubscribe=OneClick\nDKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=k; h=from:to:subject:list-unsubscribe; bh=x; b=y\n`;
    expect(rules(unsigned).slice(1)).toEqual([
      'warn: bulk senders, one-click unsubscribe: List-Unsubscribe has no https URI (a mailto: alone is not one click; RFC 8058 §3.1)',
      'warn: bulk senders, one-click unsubscribe: List-Unsubscribe-Post is "List-Unsubscribe=OneClick", not "List-Unsubscribe=One-Click" (RFC 8058 §3.1)',
      'warn: bulk senders, one-click unsubscribe: no DKIM signature covers List-Unsubscribe and List-Unsubscribe-Post (h=), which RFC 8058 §4 requires',
    ]);
    const noPost = `${base}List-Unsubscribe: <https://example.org/u>\nDKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=k; h=from:list-unsubscribe:list-unsubscribe-post; bh=x; b=y\n`;
    expect(rules(noPost).slice(1)).toEqual(['warn: bulk senders, one-click unsubscribe: no List-Unsubscribe-Post field']);
    // Mail that is no list says only that the rule is for bulk senders' lists.
    expect(rules(base).at(-1)).toBe("info: no List-Unsubscribe: only bulk senders' marketing and subscribed mail must offer one-click unsubscribe (RFC 8058)");
  });

  it("judges by the receiver's own results, the topmost Authentication-Results, not an earlier hop's below it", () => {
    const text = 'Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=a@example.org\nAuthentication-Results: relay.example.net; spf=fail smtp.mailfrom=a@example.org; dkim=fail header.d=example.org\n';
    expect(rules(text)[0]).toBe('ok: every sender: SPF or DKIM passes (spf=pass, no DKIM result)');
  });

  it('judges nothing from fields that show none of it, and shows no control character from a hostile header', () => {
    expect(senderRules([['x-mailer', 'a']], null, [])).toEqual([]);
    const hostile = readHeaders('Authentication-Results: x; spf=pass smtp.mailfrom=a@\x1b[2Jx\nFrom: a@b\nTo: c\nMessage-ID: \x1b]0;t\x07\n');
    expect(formatReport(hostile)).not.toMatch(/\x1b\]|\x1b\[2J|\x07/);
  });
});
