/**
 * DNS in a real headless Chromium, against the real bridge asking a scripted DNS server on loopback. Finding a
 * domain's mail servers: "Find MX" beside Host lists the MX records in the terminal and the reply log and points the
 * form at the first server; an address is refused in the form; /mx practice.test points at the practice server,
 * and Connect then reaches it. The reverse DNS of the server connected to, by /rdns (the page asks by itself once
 * a server greets, but not for the practice server nor a loopback address, shared/smtp/rdns.ts): its PTR record,
 * whether it resolves back, whether the greeting agrees. A domain's DKIM key for a selector, by /dkim, and whether an
 * address may send mail from a domain, by /spf.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { authenticate } from 'mailauth';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helotermInChromium, holdAppChunk, linesAfter, terminalText, waitForTerminal } from '../helpers/browser.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.js';
import { makeCa, makeCert, type TestCert } from '../helpers/certs.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';

const TIMEOUT_MS = 10_000;
/** The reply log's first entry of class `cls`, once there: its label, and how many findings it lists. */
async function logEntry(page: Page, cls: string): Promise<{ label: string | null; findings: number }> {
  const entry = page.locator(`.reply-log li.${cls}`).first();
  await entry.waitFor({ timeout: TIMEOUT_MS });
  return { label: await entry.locator('.reply-code').textContent(), findings: await entry.locator('.findings li').count() };
}

const KEY_1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
/** A 2048-bit key that signs messages (mailauth's signer) for the page to verify. */
const SIGNER = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SIGNER_KEY = SIGNER.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');


describe('DNS lookups in Chromium', () => {
  let dns: FakeDns;
  let smtp: FakeSmtp;
  /** A mail server speaking implicit TLS as localhost, with a key its TLSA record no longer names (renewed). */
  let renewed: FakeSmtp;
  let staleKey = '';
  let root: TestCert;
  let policyServer: Server;
  beforeAll(async () => {
    // An MTA-STS policy served over HTTPS, with a certificate from a test authority the bridge is told to trust.
    root = await makeCa('heloterm test root');
    const cert = await makeCert({ cn: 'mta-sts.sts.example.org', names: ['mta-sts.sts.example.org'], issuer: root });
    policyServer = createServer({ key: cert.key, cert: `${cert.cert}\n${root.cert}` }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('version: STSv1\nmode: enforce\nmx: *.example.org\nmax_age: 1209600\n');
    });
    await new Promise<void>((ok) => policyServer.listen(0, '127.0.0.1', ok));
    // A mail server on a loopback address of its own, with reverse DNS that resolves back but another name than its
    // greeting's.
    smtp = await startFakeSmtp({ onConnect: ['220 mail.example.org ESMTP\r\n'], rules: [{ match: /^QUIT$/i, reply: ['221 bye\r\n', 'close'] }] }, '127.0.0.2');
    const before = await makeCert({ cn: 'localhost', names: ['localhost'], issuer: root });
    const now = await makeCert({ cn: 'localhost', names: ['localhost'], issuer: root });
    const spkiHash = (pem: string): string =>
      createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    staleKey = spkiHash(now.cert);
    renewed = await startFakeSmtp({ onConnect: [{ startTls: { key: now.key, cert: now.cert } }, '220 localhost ESMTP\r\n'] });
    dns = await startFakeDns({
      // The TLSA record of the key before the renewal, in a signed zone.
      [`_${renewed.port}._tcp.localhost`]: { TLSA: [[3, 1, 1, spkiHash(before.cert)]] },
      '2.0.0.127.in-addr.arpa': { PTR: ['mx9.example.org'] },
      'mx9.example.org': { A: ['127.0.0.2'] },
      'example.org': { MX: [[20, 'mx2.example.org'], [10, 'mx1.example.org'], [30, 'old.example.net']], TXT: ['v=spf1 mx include:_spf.example.net ~all'] },
      '_dmarc.example.org': { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc@example.org'] },
      // Its SPF record includes a provider's, which includes two more: four lookups for a receiver, not two.
      '_spf.example.net': { TXT: ['v=spf1 include:_netblocks.example.net include:_netblocks6.example.net ~all'] },
      '_netblocks.example.net': { TXT: ['v=spf1 ip4:192.0.2.0/24 ~all'] },
      '_netblocks6.example.net': { TXT: ['v=spf1 ip6:2001:db8::/32 ~all'] },
      // A DKIM key of 1024 bits, as many domains still publish.
      's1._domainkey.example.org': { TXT: [`v=DKIM1; k=rsa; p=${KEY_1024}`] },
      // Longer than 255 octets: one record of two strings, as 2048-bit keys are published.
      'news._domainkey.example.org': { TXT: [[`v=DKIM1; k=rsa; p=${SIGNER_KEY.slice(0, 200)}`, SIGNER_KEY.slice(200)]] },
      // The same key seals ARC sets for a mailing list.
      'arc1._domainkey.lists.example': { TXT: [[`v=DKIM1; k=rsa; p=${SIGNER_KEY.slice(0, 200)}`, SIGNER_KEY.slice(200)]] },
      'mx1.example.org': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
      'mx2.example.org': { A: ['192.0.2.20'] },
      'old.example.net': {},
      // A domain whose MTA-STS policy names its first MX host but not its backup.
      'sts.example.org': { MX: [[10, 'mx1.example.org'], [20, 'backup.example.net']] },
      'backup.example.net': { A: ['198.51.100.20'] },
      '_mta-sts.sts.example.org': { TXT: ['v=STSv1; id=20261129T1'] },
      'mta-sts.sts.example.org': { A: ['127.0.0.1'] },
      // A domain beyond ASCII, bücher.example, as DNS knows it.
      'xn--bcher-kva.example': { MX: [[10, 'mx1.example.org']] },
      // The sending address 198.51.100.7 on one blocklist.
      '7.100.51.198.bl.spamcop.net': { A: ['127.0.0.2'], TXT: ['Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7'] },
      // A domain on Spamhaus's DBL, and on SURBL's malware and cracked-site lists (16 + 128).
      'spammy.example.dbl.spamhaus.org': { A: ['127.0.1.2'] },
      'spammy.example.multi.surbl.org': { A: ['127.0.0.144'] },
    }, { secure: [`_${renewed.port}._tcp.localhost`] });
  });
  afterAll(async () => {
    await dns?.close();
    await smtp?.close();
    await renewed?.close();
    await new Promise((ok) => policyServer?.close(ok));
  });
  const { pages, app } = helotermInChromium(() => ({
    dnsServers: [dns.server],
    allowedPorts: [25, smtp.port, renewed.port],
    mtaStsPort: (policyServer.address() as AddressInfo).port,
    mtaStsCa: [root.cert],
  }));

  /** A page whose terminal has its boot tips and the focus: ready for a heloterm command. */
  async function terminalPage(): Promise<Page> {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await page.click('#terminal');
    return page;
  }

  /** Types a line into the terminal and presses Enter. */
  async function enter(page: Page, line: string): Promise<void> {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }

  it('"Find MX" lists the mail servers of the domain in Host and points the form at the first', async () => {
    const page = await pages.open(app().url);
    const host = page.locator('input[name="host"]');
    const findMx = page.locator('button[data-action="mx"]');
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    // The form's buttons are the app's, which loads after the boot script (later on a loaded machine).
    await page.locator('button[data-action="theme"]').waitFor({ timeout: TIMEOUT_MS });
    // An address is not a domain: the form says so and nothing is looked up.
    await host.fill('192.0.2.1');
    await findMx.click();
    expect(await host.evaluate((el: HTMLInputElement) => el.validationMessage)).toBe('Enter a domain name (example.org) to find its mail servers.');
    expect(await terminalText(page)).not.toContain('looking up');
    expect(dns.questions).toEqual([]);

    await host.fill('Example.ORG');
    await findMx.click();
    const text = await waitForTerminal(page, (t) => t.includes('the connect form now points at'), TIMEOUT_MS, 'the MX answer');
    const lines = linesAfter(text, (l) => l === '-- MX records of example.org, tried lowest preference first (RFC 5321 §5.1):', 4);
    expect(lines).toEqual([
      '   ✓ 10  mx1.example.org  192.0.2.10, 2001:db8::10',
      '   ✓ 20  mx2.example.org  192.0.2.20',
      '   ✗ 30  old.example.net  has no address (no A or AAAA record): senders skip it',
      '-- the connect form now points at mx1.example.org port 25: press Connect (or /ports mx1.example.org: which of its mail ports answer; /tls mx example.org: STARTTLS on every MX host)',
    ]);
    expect(await host.inputValue()).toBe('mx1.example.org');
    expect(await page.inputValue('input[name="port"]')).toBe('25');
    const entry = page.locator('.reply-log li.mx');
    await entry.waitFor({ timeout: TIMEOUT_MS });
    expect(await entry.locator('.findings li').allTextContents()).toEqual(lines.slice(0, 3).map((l) => l.trim()));
    // The same lookup asked for the domain's mail policies.
    const policies = await waitForTerminal(page, (t) => t.includes('no MTA-STS'), TIMEOUT_MS, 'the mail policies');
    expect(linesAfter(policies, (l) => l === '-- mail policies of example.org (TXT records: SPF, DMARC, MTA-STS, TLS-RPT):', 6)).toEqual([
      '   · SPF: v=spf1 mx include:_spf.example.net ~all',
      '   ✓ ends in "~all": mail from other servers soft-fails SPF (marked, usually still delivered)',
      '   ✓ 4 DNS lookups counted through its includes, within the limit of 10 (RFC 7208 §4.6.4)',
      '   · DMARC: v=DMARC1; p=none; rua=mailto:dmarc@example.org',
      '   · p=none: receivers only report; they refuse nothing for failing DMARC',
      expect.stringMatching(/^ {3}· no MTA-STS: senders fall back to plain text/),
    ]);
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT example.org', 'TXT _dmarc.example.org', 'TXT _mta-sts.example.org', 'TXT _smtp._tls.example.org']));
    const policyEntry = page.locator('.reply-log li.dns');
    await policyEntry.waitFor({ timeout: TIMEOUT_MS });
    expect(await policyEntry.locator('.findings li').count()).toBe(6);
  });

  it('/mx fetches the MTA-STS policy a domain announces, and says which MX host it does not name', async () => {
    const page = await terminalPage();
    await enter(page, '/mx sts.example.org');
    const text = await waitForTerminal(page, (t) => t.includes('MTA-STS policy (https://mta-sts.sts.example.org/.well-known/mta-sts.txt)'), TIMEOUT_MS, 'the policy');
    expect(linesAfter(text, (l) => l.startsWith('   · MTA-STS: v=STSv1'), 3)).toEqual([
      '   · MTA-STS policy (https://mta-sts.sts.example.org/.well-known/mta-sts.txt): mode: enforce, max_age: 1209600 (14 days), mx: *.example.org',
      '   ✓ mode enforce: senders that support MTA-STS deliver only over TLS, with a valid certificate, to the MX hosts it names',
      '   ✗ MX host backup.example.net matches no mx: line of the policy: senders that enforce MTA-STS do not deliver to it (RFC 8461 §4.1)',
    ]);
    expect(await page.locator('.reply-log li.dns .findings li').allTextContents()).toContain(
      '✗ MX host backup.example.net matches no mx: line of the policy: senders that enforce MTA-STS do not deliver to it (RFC 8461 §4.1)',
    );
  });

  it('keeps a Find MX pressed while the page is loading, and looks the domain up once it has loaded', async () => {
    const { prepare, release } = holdAppChunk();
    const page = await pages.open(app().url, { prepare });
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    expect(await page.locator('.reply-log').count()).toBe(0); // the app has not started
    await page.fill('input[name="host"]', 'example.org');
    await page.click('button[data-action="mx"]');
    release();
    const text = await waitForTerminal(page, (t) => t.includes('-- MX records of example.org'), TIMEOUT_MS, 'the MX answer');
    expect(text).toContain('mx1.example.org');
    await expect.poll(() => page.inputValue('input[name="host"]'), { timeout: TIMEOUT_MS }).toBe('mx1.example.org');
    expect(pages.errors).toEqual([]);
  });

  it('looks up a domain typed beyond ASCII by its A-labels, from the terminal and from Host', async () => {
    const page = await terminalPage();
    await enter(page, '/mx bücher.example');
    const text = await waitForTerminal(page, (t) => t.includes('-- MX records of xn--bcher-kva.example'), TIMEOUT_MS, 'the MX answer');
    expect(text).toContain('-- bücher.example is xn--bcher-kva.example in DNS and to mail servers (IDNA, RFC 5891)');
    await page.fill('input[name="host"]', 'Bücher.example');
    await page.click('button[data-action="mx"]');
    await expect.poll(() => page.inputValue('input[name="host"]'), { timeout: TIMEOUT_MS }).toBe('mx1.example.org');
    // Connect dials a Host typed beyond ASCII by its A-labels too.
    await page.fill('input[name="host"]', 'Bücher.example');
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => t.includes('-- connecting to xn--bcher-kva.example port 25'), TIMEOUT_MS, 'the connection asked for');
  });

  it('/mx practice.test points at the practice server, and Connect reaches it', async () => {
    const page = await pages.open(app().url);
    await waitForTerminal(page, (t) => t.includes('press Connect'), TIMEOUT_MS, 'the boot tips');
    await page.fill('input[name="host"]', 'mail.example.org');
    await page.click('#terminal');
    await enter(page, '/mx practice.test');
    await waitForTerminal(page, (t) => t.includes("practice.test is the practice server's domain"), TIMEOUT_MS, 'the answer');
    const practice = app().practice?.info;
    expect(await page.inputValue('input[name="host"]')).toBe(practice?.host);
    expect(await page.inputValue('input[name="port"]')).toBe(String(practice?.port));
    await page.click('button[data-action="connect"]');
    await waitForTerminal(page, (t) => /^220 practice\.test /m.test(t), TIMEOUT_MS, 'the greeting');
  });

  it('/rdns lists the reverse DNS of the server connected to, and the reply log has it (a loopback one is not looked up by itself)', async () => {
    const page = await pages.open(`${app().url}?host=127.0.0.2&port=${smtp.port}&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting');
    await new Promise((r) => setTimeout(r, 300));
    expect(dns.questions.filter((q) => q.startsWith('PTR'))).toEqual([]);
    await enter(page, '/rdns');
    const text = await waitForTerminal(page, (t) => t.includes('the greeting names'), TIMEOUT_MS, 'the reverse DNS');
    const head = '-- reverse DNS of 127.0.0.2, the server connected to (RFC 1912 §2.1):';
    expect(linesAfter(text, (l) => l === head, 4)).toEqual([
      expect.stringMatching(/^ {3}· a loopback address: receivers never see it/),
      '   · PTR: mx9.example.org',
      '   ✓ mx9.example.org resolves back to 127.0.0.2 (forward-confirmed)',
      expect.stringMatching(/^ {3}! the greeting names mail\.example\.org, the reverse DNS mx9\.example\.org: they usually agree/),
    ]);
    expect(dns.questions).toEqual(expect.arrayContaining(['PTR 2.0.0.127.in-addr.arpa', 'A mx9.example.org']));
    expect(await logEntry(page, 'rdns')).toEqual({ label: 'rDNS', findings: 4 });
    // /rdns asks again.
    await enter(page, '/rdns');
    await waitForTerminal(page, (t) => t.split(head).length === 3, TIMEOUT_MS, 'the second answer');
    expect(dns.questions.filter((q) => q.startsWith('PTR'))).toHaveLength(2);
    // Not connected: nothing is asked.
    await enter(page, 'QUIT');
    await waitForTerminal(page, (t) => t.includes('closed by the server'), TIMEOUT_MS, 'the close');
    const asked = dns.questions.filter((q) => q.startsWith('PTR')).length;
    await enter(page, '/rdns');
    await waitForTerminal(page, (t) => t.includes('not connected: /rdns looks up'), TIMEOUT_MS, 'the refusal');
    expect(dns.questions.filter((q) => q.startsWith('PTR'))).toHaveLength(asked);
    // An address named is looked up without a connection (an admin's own sending address), with no greeting to compare.
    await enter(page, '/rdns 127.0.0.2');
    const named = '-- reverse DNS of 127.0.0.2 (RFC 1912 §2.1):';
    const again = await waitForTerminal(page, (t) => t.includes(named) && t.includes('resolves back to 127.0.0.2 (forward-confirmed)', t.indexOf(named)), TIMEOUT_MS, 'the named address');
    expect(linesAfter(again, (l) => l === named, 3)).toEqual([
      expect.stringMatching(/^ {3}· a loopback address/),
      '   · PTR: mx9.example.org',
      '   ✓ mx9.example.org resolves back to 127.0.0.2 (forward-confirmed)',
    ]);
    expect(again.slice(again.indexOf(named))).not.toContain('the greeting names');
  });

  it('/dane checks the certificate against the TLSA records: a key renewed without its record, and the record to publish', async () => {
    const page = await pages.open(`${app().url}?host=localhost&port=${renewed.port}&tls=1&connect=1`);
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 220 `), TIMEOUT_MS, 'the greeting over TLS');
    await page.click('#terminal');
    // Not by itself for a loopback address; asked by hand.
    expect(dns.questions.filter((q) => q.startsWith('TLSA'))).toEqual([]);
    await enter(page, '/dane');
    const head = `-- DANE for localhost port ${renewed.port} (TLSA at _${renewed.port}._tcp.localhost):`;
    const text = await waitForTerminal(page, (t) => t.includes(head) && t.includes('AD bit'), TIMEOUT_MS, 'the DANE answer');
    const lines = linesAfter(text, (l) => l === head, 3);
    expect(lines[0]).toMatch(/^ {3}✗ TLSA 3 1 1 \w{8}…\w{8} \(DANE-EE, the public key, SHA-256\): matches nothing the server presented$/);
    expect(lines[1]).toMatch(/^ {3}✗ no usable record matches the certificate the server presented: senders that validate DANE defer all mail to it/);
    expect(text.replace(/\n/g, '')).toContain(`A record that matches its key: _${renewed.port}._tcp.localhost IN TLSA 3 1 1 ${staleKey}.`);
    expect(lines[2]).toMatch(/^ {3}✓ the resolver heloterm asked validated them with DNSSEC \(AD bit\)/);
    expect(dns.questions).toContain(`TLSA _${renewed.port}._tcp.localhost`);
    expect(await logEntry(page, 'dane')).toEqual({ label: 'DANE', findings: 3 });
    expect(pages.errors).toEqual([]);
  });

  it('/dkim looks up the key a domain publishes for a selector, taken from a pasted DKIM-Signature header too', async () => {
    const page = await terminalPage();
    await enter(page, '/dkim s1 example.org');
    const head = '-- DKIM key for selector s1 (TXT s1._domainkey.example.org):';
    const text = await waitForTerminal(page, (t) => t.includes(head), TIMEOUT_MS, 'the DKIM key');
    expect(linesAfter(text, (l) => l === head, 2)).toEqual([
      `   · DKIM: v=DKIM1; k=rsa; p=${KEY_1024.slice(0, 12)}…${KEY_1024.slice(-8)} (${KEY_1024.length} characters)`,
      '   ! RSA key of 1024 bits: accepted, but signers should use 2048 bits (RFC 8301 §3.2)',
    ]);
    expect(await logEntry(page, 'dkim')).toEqual({ label: 'DKIM', findings: 2 });
    // The s= and d= of a header pasted after /dkim; a selector with no key.
    await enter(page, '/dkim DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=gone; h=from; bh=x; b=y');
    await waitForTerminal(page, (t) => t.includes('no key published: mail signed with s=gone d=example.org fails DKIM'), TIMEOUT_MS, 'the missing key');
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT s1._domainkey.example.org', 'TXT gone._domainkey.example.org']));
  });

  it("verifies a whole message's DKIM signatures pasted into Paste & explain, with the key published; and says a changed body", async () => {
    const message = ['From: News <news@example.org>', 'To: reader@example.net', 'Subject: December', 'Date: Tue, 1 Dec 2026 10:00:01 +0000', 'Message-ID: <d1@example.org>', '', 'Hello,', 'the news.', ''].join('\r\n');
    const signer = { signingDomain: 'example.org', selector: 'news', privateKey: SIGNER.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const { signatures } = await dkimSign(message, { ...signer, signTime: new Date(), signatureData: [signer] });
    const page = await terminalPage();
    const paste = async (text: string): Promise<void> => {
      await page.click('.reply-log button[data-action="replay"]');
      await page.fill('.replay-dialog textarea', text);
      await page.click('.replay-dialog button[value="explain"]');
    };
    await paste(`${signatures}${message}`);
    const head = "-- the message's DKIM signatures, verified here with the keys published now";
    let text = await waitForTerminal(page, (t) => t.includes(head), TIMEOUT_MS, 'the signature verified');
    expect(text).toContain("-- verifying the message's DKIM signatures with the keys published now…");
    expect(text.replace(/\n/g, '')).toContain('DKIM-Signature d=example.org s=news (a=rsa-sha256, c=relaxed/relaxed): verified below, with its key');
    expect(text.replace(/\n/g, '')).toMatch(/✓ d=example\.org s=news \(rsa-sha256, a 2048-bit key\): verifies: the body and the fields it signs \(.*from.*\) are as signed/);
    expect(dns.questions).toContain('TXT news._domainkey.example.org');
    // A footer added on the way: the body hash no longer matches.
    await paste(`${signatures}${message}--\r\nSent through the list\r\n`);
    text = await waitForTerminal(page, (t) => t.includes('the body hash does not match'), TIMEOUT_MS, 'the changed body');
    expect(text.replace(/\n/g, '')).toContain('✗ d=example.org s=news (rsa-sha256, a 2048-bit key): the body hash does not match (bh=): the body was changed after it was signed');
    const entries = page.locator('.reply-log li.dkim');
    await expect.poll(() => entries.count(), { timeout: TIMEOUT_MS }).toBe(2);

    // The message forwarded by a mailing list that sealed it (ARC): its chain verified with the sealer's key.
    const record = `v=DKIM1; k=rsa; p=${SIGNER_KEY}`;
    const sealed = await authenticate(`${signatures}${message}`, {
      ip: '192.0.2.1',
      helo: 'mail.example.org',
      sender: 'news@example.org',
      mta: 'mx.lists.example',
      resolver: (async (name: string) => (name.endsWith('._domainkey.example.org') || name.endsWith('._domainkey.lists.example') ? [[record]] : Promise.reject(Object.assign(new Error(name), { code: 'ENOTFOUND' })))) as never,
      disableBimi: true,
      seal: { signingDomain: 'lists.example', selector: 'arc1', privateKey: signer.privateKey },
    });
    await paste(`${sealed.headers}${signatures}${message}`);
    text = await waitForTerminal(page, (t) => t.includes('ARC: 1 ARC set, a valid chain (sealed by lists.example)'), TIMEOUT_MS, 'the ARC chain verified');
    expect(text).toContain("-- verifying the message's DKIM signatures and ARC chain with the keys published now…");
    expect(dns.questions).toContain('TXT arc1._domainkey.lists.example');

    // A message saved as a file with its body in Latin-1, unencoded (not UTF-8): verified over the file's octets
    // (0x93 and 0x94 among them, which the browser's own "latin1" decoder, windows-1252, would read as other characters).
    const latin = Buffer.from(message.replace('the news.', "les nouvelles de l'année, \u0093à bientôt\u0094."), 'latin1');
    const latinSigned = await dkimSign(latin, { ...signer, signTime: new Date(), signatureData: [signer] });
    await page.click('.reply-log button[data-action="replay"]');
    await page.setInputFiles('.replay-dialog input[type=file]', { name: 'news.eml', mimeType: 'message/rfc822', buffer: Buffer.concat([Buffer.from(latinSigned.signatures), latin]) });
    await page.locator('.replay-status', { hasText: 'Press Explain' }).waitFor({ timeout: TIMEOUT_MS });
    await page.click('.replay-dialog button[value="explain"]');
    await expect.poll(() => entries.count(), { timeout: TIMEOUT_MS }).toBe(4);
    text = await waitForTerminal(page, (t) => t.split('-- read from news.eml')[1]?.includes(head) === true, TIMEOUT_MS, 'the Latin-1 message verified');
    expect(text.split('-- read from news.eml')[1]!.replace(/\n/g, '')).toMatch(/✓ d=example\.org s=news \(rsa-sha256, a 2048-bit key\): verifies/);
  });

  it('/spf checks whether an address may send mail from a domain, as a receiver evaluates its SPF record', async () => {
    const page = await terminalPage();
    // An MX host of the domain (the record's "mx"), then an address none of its terms lists, given a sender address.
    await enter(page, '/spf 192.0.2.10 example.org');
    const head = '-- SPF check: may 192.0.2.10 send mail from example.org? (as a receiver evaluates it, RFC 7208 §4)';
    let text = await waitForTerminal(page, (t) => t.includes(head), TIMEOUT_MS, 'the pass');
    expect(linesAfter(text, (l) => l === head, 3)).toEqual([
      '   · SPF: v=spf1 mx include:_spf.example.net ~all',
      "   ✓ pass: example.org's SPF record lets 192.0.2.10 send its mail (RFC 7208 §8.3). DMARC also wants that domain to match the From: header's",
      '   · 1 DNS lookup until the result (of 10 allowed, RFC 7208 §4.6.4)',
    ]);
    expect(await logEntry(page, 'spf')).toEqual({ label: 'SPF', findings: 3 });
    await enter(page, '/spf 198.51.100.7 <bob@example.org>');
    text = await waitForTerminal(page, (t) => t.includes('softfail: 198.51.100.7 is not authorised'), TIMEOUT_MS, 'the softfail');
    expect(text).toContain('To fix, add ip4:198.51.100.7 (or the include: of the provider that sends for you)');
    // The record's includes and the provider's own were evaluated, as a receiver does.
    expect(dns.questions).toEqual(expect.arrayContaining(['TXT _spf.example.net', 'TXT _netblocks.example.net', 'TXT _netblocks6.example.net']));
  });

  it('/dnsbl asks the blocklists about an address, and a blocklist refusal names the command', async () => {
    const page = await terminalPage();
    await enter(page, '/explain 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.spamcop.net');
    await waitForTerminal(page, (t) => t.includes('⚑ likely:'), TIMEOUT_MS, 'the refusal explained');
    await expect
      .poll(async () => (await page.locator('.reply-log li.explained').last().textContent()) ?? '', { timeout: TIMEOUT_MS })
      .toContain('/dnsbl 198.51.100.7 asks the common blocklists about the address it names.');
    await enter(page, '/dnsbl 198.51.100.7');
    const head = '-- DNS blocklists: is 198.51.100.7 listed? (as receivers ask, RFC 5782)';
    const text = await waitForTerminal(page, (t) => t.includes(head), TIMEOUT_MS, 'the blocklists');
    expect(linesAfter(text, (l) => l === head, 5)).toEqual([
      '   ✓ Spamhaus ZEN (zen.spamhaus.org): not listed',
      '   ✗ SpamCop (bl.spamcop.net): LISTED, reported as a spam source by SpamCop users; a listing expires about a day after the last report; it says: "Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7". Check and ask for delisting at https://www.spamcop.net/bl.shtml',
      '   ✓ Barracuda Reputation (b.barracudacentral.org): not listed',
      '   ✓ PSBL (psbl.surriel.com): not listed',
      expect.stringMatching(/^ {3}· receivers that use this list refuse mail from 198\.51\.100\.7/),
    ]);
    expect(await logEntry(page, 'dnsbl')).toEqual({ label: 'DNSBL', findings: 5 });
  });

  it('/dnsbl asks the domain lists about a domain, and a domain list refusal names the command', async () => {
    const page = await terminalPage();
    await enter(page, '/explain 554 5.7.1 Service unavailable; Sender address [bad@spammy.example] blocked using dbl.spamhaus.org');
    await waitForTerminal(page, (t) => t.includes('⚑ likely:'), TIMEOUT_MS, 'the refusal explained');
    await expect
      .poll(async () => (await page.locator('.reply-log li.explained').last().textContent()) ?? '', { timeout: TIMEOUT_MS })
      .toContain('/dnsbl spammy.example asks the common domain blocklists about the domain it names.');
    await enter(page, '/dnsbl mail.spammy.example');
    const head = '-- Domain blocklists: is spammy.example listed? (as receivers check a sender\'s domain, HELO name and links, RFC 5782 §2.3)';
    const text = await waitForTerminal(page, (t) => t.includes(head), TIMEOUT_MS, 'the domain lists');
    expect(linesAfter(text, (l) => l === head, 5)).toEqual([
      '   · asked about spammy.example, the registered domain of mail.spammy.example: the name these lists hold',
      '   ✗ Spamhaus DBL (dbl.spamhaus.org): LISTED, a low-reputation domain: seen in spam, or registered to send it. Check and ask for delisting at https://check.spamhaus.org/',
      '   ✗ SURBL (multi.surbl.org): LISTED, a malware site (MW); a cracked site: a legitimate site compromised (CR). Check and ask for delisting at https://www.surbl.org/surbl-analysis',
      '   ✓ URIBL (multi.uribl.com): not listed',
      expect.stringMatching(/^ {3}· receivers that use these lists refuse, or file as spam, mail whose sender address, HELO name or links name spammy\.example/),
    ]);
    expect(await logEntry(page, 'dnsbl')).toEqual({ label: 'DNSBL', findings: 5 });
  });

  it('does not look up the practice server\'s reverse DNS', async () => {
    const page = await pages.open(`${app().url}?connect=1`);
    await waitForTerminal(page, (t) => /^220 practice\.test/m.test(t), TIMEOUT_MS, 'the greeting');
    const before = dns.questions.length;
    await enter(page, 'NOOP');
    await waitForTerminal(page, (t) => t.includes(`${ANNOTATION_MARK} 250 `), TIMEOUT_MS, 'the NOOP reply');
    expect(dns.questions.slice(before).filter((q) => q.startsWith('PTR'))).toEqual([]);
    expect(await terminalText(page)).not.toContain('-- reverse DNS of');
  });
});
