/**
 * DKIM signatures verified in the page: the canonicalization (shared/smtp/dkim-verify.ts) against RFC 6376's own
 * example, and the whole check (client/ui/dkim-check.ts, WebCrypto as the browser has it, here Node's) against
 * messages signed by another implementation, mailauth's signer: RSA and Ed25519, relaxed and simple, a body and a
 * field changed after signing, a key rotated, l=, and each way a key lookup can end.
 */
import { generateKeyPairSync } from 'node:crypto';
import { authenticate } from 'mailauth';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { describe, expect, it } from 'vitest';
import { checkSignature } from '../../client/ui/dkim-check.js';
import { unpackFile } from '../../client/ui/unpack.js';
import type { PolicyRecords } from '../../shared/protocol/messages.js';
import { arcChain, canonBody, canonHeader, readChecks, signatureChecks, splitMessage, type SignatureCheck } from '../../shared/smtp/dkim-verify.js';

const MESSAGE = [
  'From: Alice <alice@example.org>',
  'To: bob@example.net',
  'Subject: the quarterly  figures',
  'Date: Tue, 1 Dec 2026 10:00:01 +0000',
  'Message-ID: <q4.20261201@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello Bob,  ',
  '',
  'the figures are attached.\t',
  '',
  '',
].join('\r\n');

function rsa(bits = 2048): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

function ed25519(): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key (RFC 8463 §4): the SubjectPublicKeyInfo's last 32 bytes.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=ed25519; p=${raw.toString('base64')}` };
}

const KEY = rsa();
const found = (record: string): PolicyRecords => ({ kind: 'records', records: [record], count: 1 });

/** The message signed by mailauth, its DKIM-Signature field on top. */
async function signed(message: string, opts: { privateKey: string; canonicalization?: string; algorithm?: string; maxBodyLength?: number; selector?: string; headerList?: string }): Promise<string> {
  const { headerList = 'from:to:subject:date:message-id', ...rest } = opts;
  const entry = { signingDomain: 'example.org', selector: 's2026', ...rest };
  // mailauth's types ask for one signature's fields at the top as well as in signatureData (its signer reads the
  // list), and type headerList as an array where its signer reads a colon-separated string.
  // signTime given: mailauth otherwise reads the clock twice, and a signature made across a second's turn fails.
  const r = await dkimSign(message, { ...entry, signTime: new Date(), headerList: headerList as unknown as string[], signatureData: [entry] });
  expect(r.errors).toEqual([]);
  expect(r.signatures).toMatch(/^DKIM-Signature: /);
  return `${r.signatures}${message}`;
}

/** The first signature of a message, checked against a key record (or another lookup answer). */
async function outcome(message: string, answer: PolicyRecords): Promise<ReturnType<typeof checkSignature>> {
  const msg = splitMessage(message);
  if (msg === null) throw new Error('no body');
  const [first] = signatureChecks(msg);
  return checkSignature(first as SignatureCheck, answer);
}

describe('canonicalization (RFC 6376 §3.4)', () => {
  it("gives RFC 6376 §3.4.5's example, relaxed and simple", () => {
    const msg = splitMessage('A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n');
    expect(msg?.fields).toEqual(['A: X', 'B : Y\t\r\n\tZ  ']);
    expect(msg?.fields.map((f) => canonHeader(f, true))).toEqual(['a:X', 'b:Y Z']);
    expect(canonBody(msg?.body ?? '', true)).toBe(' C\r\nD E\r\n');
    expect(msg?.fields.map((f) => canonHeader(f, false))).toEqual(['A: X', 'B : Y\t\r\n\tZ  ']);
    expect(canonBody(msg?.body ?? '', false)).toBe(' C \r\nD \t E\r\n');
  });

  it('gives an empty body as each canonicalization does, and takes LF line ends as CRLF', () => {
    expect(canonBody('', false)).toBe('\r\n');
    expect(canonBody('\r\n\r\n', true)).toBe('');
    expect(splitMessage('From: a@b\nSubject: s\n\nbody\n')).toEqual({ fields: ['From: a@b', 'Subject: s'], body: 'body\r\n' });
    // Header fields alone: nothing to verify a body hash against.
    expect(splitMessage('From: a@b\nSubject: s\n')).toBeNull();
  });
});

describe('a signature checked in the page against mailauth as signer', () => {
  it('verifies RSA relaxed/relaxed, simple/simple and Ed25519 signatures', async () => {
    expect(await outcome(await signed(MESSAGE, { privateKey: KEY.privateKey }), found(KEY.record))).toEqual({ kind: 'pass', bits: 2048, testing: false, unsigned: 0 });
    expect(await outcome(await signed(MESSAGE, { privateKey: KEY.privateKey, canonicalization: 'simple/simple' }), found(KEY.record))).toMatchObject({ kind: 'pass' });
    const ed = ed25519();
    expect(await outcome(await signed(MESSAGE, { privateKey: ed.privateKey, algorithm: 'ed25519-sha256' }), found(ed.record))).toEqual({ kind: 'pass', bits: 256, testing: false, unsigned: 0 });
  });

  it('survives what relaxed forgives (spaces, re-folding, LF line ends), and not under simple', async () => {
    const relaxed = await signed(MESSAGE, { privateKey: KEY.privateKey });
    const reflowed = relaxed.replace('Subject: the quarterly  figures', 'Subject:   the quarterly\r\n  figures').replace('Hello Bob,  ', 'Hello  Bob,').replace(/\r\n/g, '\n');
    expect(await outcome(reflowed, found(KEY.record))).toMatchObject({ kind: 'pass' });
    const simple = await signed(MESSAGE, { privateKey: KEY.privateKey, canonicalization: 'simple/simple' });
    expect(await outcome(simple.replace('Hello Bob,  ', 'Hello Bob,'), found(KEY.record))).toMatchObject({ kind: 'body' });
    expect(await outcome(simple.replace('the quarterly  figures', 'the quarterly figures'), found(KEY.record))).toMatchObject({ kind: 'signature' });
  });

  it('tells a body changed (a footer added) from a signed field changed (a Subject tagged) and from a key rotated', async () => {
    const message = await signed(MESSAGE, { privateKey: KEY.privateKey });
    expect(await outcome(message.replace('attached.', 'attached.\r\n-- \r\nSent through the list'), found(KEY.record))).toEqual({ kind: 'body', bits: 2048 });
    expect(await outcome(message.replace('Subject: the', 'Subject: [SPAM] the'), found(KEY.record))).toEqual({ kind: 'signature', bits: 2048 });
    // A field the signature does not list may change.
    expect(await outcome(message.replace('MIME-Version: 1.0', 'MIME-Version: 1.0\r\nX-Added: by a gateway'), found(KEY.record))).toMatchObject({ kind: 'pass' });
    expect(await outcome(message, found(rsa().record))).toEqual({ kind: 'signature', bits: 2048 });
  });

  it('checks l= on its octets only, and counts what was appended after them', async () => {
    const message = await signed(MESSAGE, { privateKey: KEY.privateKey, maxBodyLength: 12 });
    const appended = await outcome(`${message}P.S. click here\r\n`, found(KEY.record));
    expect(appended).toMatchObject({ kind: 'pass', unsigned: 48 });
    const check = signatureChecks(splitMessage(message)!)[0]!;
    expect(readChecks([{ check, outcome: appended }], 0).findings.map((f) => `${f.tone}: ${f.text}`)[1]).toBe(
      'warn: d=example.org s=s2026: l=12 signs only the body\'s first 12 octets: 48 more after them were not signed (appended on the way, or by anyone: RFC 6376 §8.2)',
    );
  });

  it("verifies a message opened from a file that is not UTF-8 over the file's octets, as unpack.ts keeps them", async () => {
    // A body in Latin-1, 8-bit and unencoded (0xE9, and 0x80–0x9F that windows-1252 would read as other characters).
    const latin = Buffer.from(MESSAGE.replace('charset=utf-8', 'charset=iso-8859-1').replace('attached.', 'attached: caf\u00e9, 5 \u0080, \u0093ok\u0094.'), 'latin1');
    const r = await dkimSign(latin, { signingDomain: 'example.org', selector: 's2026', privateKey: KEY.privateKey, signTime: new Date(), signatureData: [{ signingDomain: 'example.org', selector: 's2026', privateKey: KEY.privateKey }] });
    const file = new Uint8Array(Buffer.concat([Buffer.from(r.signatures), latin]));
    const opened = await unpackFile(file, 'q4.eml');
    expect(opened.octets).toBeDefined();
    expect([...opened.octets!].map((c) => c.charCodeAt(0))).toEqual([...file]);
    expect(opened.text).toContain('caf\ufffd');
    const check = (text: string): SignatureCheck => signatureChecks(splitMessage(text)!)[0]!;
    expect(await checkSignature(check(opened.octets!), found(KEY.record), true)).toMatchObject({ kind: 'pass' });
    // The UTF-8 reading has lost the octets: its body hash cannot match (what verified before this was kept).
    expect(await checkSignature(check(opened.text), found(KEY.record))).toMatchObject({ kind: 'body' });
    // A file in UTF-8 carries no octets of its own: its text is verified as a paste is.
    expect((await unpackFile(new TextEncoder().encode(MESSAGE), 'utf8.eml')).octets).toBeUndefined();
  });

  it('takes the fields h= names from the bottom up, each instance once (RFC 6376 §5.4.2)', async () => {
    // A Subject added above the signed one is not the one signed: the signature still verifies (oversigning is
    // what stops that)…
    const message = await signed(MESSAGE, { privateKey: KEY.privateKey });
    expect(await outcome(`Subject: added on top\r\n${message}`, found(KEY.record))).toMatchObject({ kind: 'pass' });
    // …and a name listed twice takes its two instances, the bottom one first.
    const twice = MESSAGE.replace('MIME-Version: 1.0', 'X-Tag: first\r\nMIME-Version: 1.0\r\nX-Tag: second');
    const message2 = await signed(twice, { privateKey: KEY.privateKey, headerList: 'from:x-tag:subject' });
    expect(signatureChecks(splitMessage(message2)!)[0]?.names.filter((n) => n === 'x-tag')).toHaveLength(2);
    expect(await outcome(message2, found(KEY.record))).toMatchObject({ kind: 'pass' });
    expect(await outcome(message2.replace('X-Tag: first', 'X-Tag: changed'), found(KEY.record))).toMatchObject({ kind: 'signature' });
  });

  it('reads each end of the key lookup: none, revoked, failed, two records, a weak key, the wrong type, testing', async () => {
    const message = await signed(MESSAGE, { privateKey: KEY.privateKey });
    expect(await outcome(message, { kind: 'none' })).toEqual({ kind: 'no-key' });
    expect(await outcome(message, found('v=DKIM1; k=rsa; p='))).toEqual({ kind: 'revoked' });
    expect(await outcome(message, { kind: 'error', detail: 'SERVFAIL' })).toEqual({ kind: 'lookup', detail: 'SERVFAIL' });
    expect(await outcome(message, { kind: 'records', records: [KEY.record, KEY.record], count: 2 })).toMatchObject({ kind: 'unusable' });
    expect(await outcome(message, found(KEY.record.replace('k=rsa', 'k=ed25519')))).toEqual({ kind: 'unusable', detail: 'the key is k=ed25519, the signature a=rsa-sha256: they do not go together' });
    expect(await outcome(message, found(`${KEY.record}; t=y`))).toMatchObject({ kind: 'pass', testing: true });
    expect(await outcome(message, found(`${KEY.record}; h=sha1`))).toMatchObject({ kind: 'unusable' });
    const small = rsa(512);
    expect(await outcome(await signed(MESSAGE, { privateKey: small.privateKey }), found(small.record))).toEqual({ kind: 'weak', bits: 512 });
  });

  it('reads a key published as a bare RSAPublicKey (PKCS #1), as a few domains do', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const message = await signed(MESSAGE, { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(await outcome(message, found(`v=DKIM1; p=${pkcs1}`))).toEqual({ kind: 'pass', bits: 1024, testing: false, unsigned: 0 });
  });
});

describe('the outcome read', () => {
  it('says what each outcome means, newest signature first, and what to do', async () => {
    const message = await signed(await signed(MESSAGE, { privateKey: KEY.privateKey, selector: 'old' }), { privateKey: KEY.privateKey, selector: 'new' });
    const checks = signatureChecks(splitMessage(message.replace('Subject: the', 'Subject: [EXT] the'))!);
    expect(checks.map((c) => c.selector)).toEqual(['new', 'old']);
    const report = readChecks(
      [
        { check: checks[0]!, outcome: { kind: 'signature', bits: 2048 } },
        { check: checks[1]!, outcome: { kind: 'no-key' } },
      ],
      Date.UTC(2026, 11, 1) / 1000,
    );
    expect(report.good).toBe(false);
    // The fields named as h= lists them (mailauth's signer picks them for the outer signature), six at most.
    const named = [...new Set(checks[0]!.names)];
    const shown = named.length <= 6 ? named.join(', ') : `${named.slice(0, 6).join(', ')} and ${named.length - 6} more`;
    expect(report.findings.map((f) => `${f.tone}: ${f.text}`)).toEqual([
      `bad: d=example.org s=new (rsa-sha256, a 2048-bit key): the body is as signed, but the signature does not verify: a signed field (${shown}) was changed on the way (a Subject tagged, a From rewritten, a field re-folded), or the key at new._domainkey.example.org is not the one it was signed with (a key rotated too early)`,
      'bad: d=example.org s=old: no key published at old._domainkey.example.org: receivers find the signature invalid (permerror, RFC 6376 §6.1.2); publish the key, or sign with a selector whose key is published',
    ]);
    expect(named).toContain('subject');
    const passed = readChecks([{ check: { ...checks[0]!, expires: Date.UTC(2026, 10, 30) / 1000 }, outcome: { kind: 'pass', bits: 2048, testing: false, unsigned: 0 } }], Date.UTC(2026, 11, 1) / 1000);
    expect(passed.findings[0]?.tone).toBe('warn');
    expect(passed.findings[0]?.text).toContain('but it expired 2026-11-30T00:00:00.000Z (x=)');
  });

  it('takes a signature without its tags as broken before any key is asked for', async () => {
    const checks = signatureChecks(splitMessage('DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1\r\nFrom: a@example.org\r\n\r\nbody\r\n')!);
    expect(checks[0]?.broken).toBe('without b=, bh=, h=');
    expect(await checkSignature(checks[0]!, found(KEY.record))).toEqual({ kind: 'unusable', detail: 'the signature is without b=, bh=, h=: receivers ignore it (RFC 6376 §3.5)' });
  });
});

describe('an ARC chain checked in the page against mailauth as sealer (RFC 8617)', () => {
  const SEALER = rsa();
  /** DNS as mailauth's sealer asks it: the sealer's key, nothing else. */
  const resolver = async (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name === 'arc1._domainkey.lists.example') return [[SEALER.record]];
    throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  /** The message forwarded once more: a hop's authentication results and ARC set added on top by mailauth. */
  async function forwarded(message: string, hop: string): Promise<string> {
    const r = await authenticate(message, {
      ip: '192.0.2.1',
      helo: 'mail.example.org',
      sender: 'alice@example.org',
      mta: hop,
      resolver: resolver as never,
      disableBimi: true,
      seal: { signingDomain: 'lists.example', selector: 'arc1', privateKey: SEALER.privateKey },
    });
    return `${r.headers}${message}`;
  }
  /** Every check of the chain with the sealer's key: the outcomes' kinds, in order (message signature, then seals newest first). */
  async function checked(message: string): Promise<string[]> {
    const chain = arcChain(splitMessage(message)!);
    return Promise.all((chain?.checks ?? []).map(async (c) => (await checkSignature(c, found(SEALER.record))).kind));
  }

  it('verifies a chain of one set and of two, and reads it as valid with its sealers and the first hop\'s results', async () => {
    const once = await forwarded(MESSAGE, 'mx.lists.example');
    expect(await checked(once)).toEqual(['pass', 'pass']);
    const twice = await forwarded(once, 'mx2.lists.example');
    const chain = arcChain(splitMessage(twice)!)!;
    expect([chain.sets, chain.problem, chain.checks.map((c) => `${c.kind} ${c.instance}`)]).toEqual([2, null, ['ams 2', 'seal 2', 'seal 1']]);
    expect(await checked(twice)).toEqual(['pass', 'pass', 'pass']);
    const outcomes = await Promise.all(chain.checks.map((c) => checkSignature(c, found(SEALER.record))));
    const report = readChecks(chain.checks.map((check, i) => ({ check, outcome: outcomes[i]! })), 0, chain);
    expect(report.head).toBe("the message's ARC chain, verified here with the keys published now, as a receiver verifies them (RFC 6376 §6.1, RFC 8617 §5.2):");
    expect(report.findings.map((f) => f.tone)).toEqual(['ok']);
    expect(report.findings[0]?.text).toMatch(/^ARC: 2 ARC sets, a valid chain \(sealed by lists\.example\): a receiver that trusts these sealers may deliver the message though forwarding broke its SPF or DKIM \(RFC 8617 §7\.2\); before any forwarding, the first hop \(mx\.lists\.example\) found dkim=none, spf=none, dmarc=none$/);
  });

  it('finds a first hop\'s results changed after sealing (both seals fail), and a body changed (the newest message signature fails)', async () => {
    const twice = await forwarded(await forwarded(MESSAGE, 'mx.lists.example'), 'mx2.lists.example');
    // The first hop's recorded results rewritten (the AAR of set 1 is sealed by both seals, signed by no AMS).
    const rewritten = twice.replace(/(ARC-Authentication-Results: i=1; mx\.lists\.example;)/, '$1 dkim=pass header.d=example.org;');
    expect(rewritten).not.toBe(twice);
    expect(await checked(rewritten)).toEqual(['pass', 'signature', 'signature']);
    expect(await checked(`${twice}-- \r\nadded by the list\r\n`)).toEqual(['body', 'pass', 'pass']);
    const chain = arcChain(splitMessage(rewritten)!)!;
    const outcomes = await Promise.all(chain.checks.map((c) => checkSignature(c, found(SEALER.record))));
    const lines = readChecks(chain.checks.map((check, i) => ({ check, outcome: outcomes[i]! })), 0, chain).findings.map((f) => `${f.tone}: ${f.text}`);
    expect(lines[0]).toBe('bad: ARC: 2 ARC sets, the chain does not verify (cv=fail for the next hop):');
    expect(lines[1]).toBe('bad: ARC-Seal i=2 d=lists.example s=arc1 (rsa-sha256, a 2048-bit key): the seal does not verify: an ARC field of the sets up to 2 was changed after it was sealed, or the key at arc1._domainkey.lists.example is not the one it sealed with');
  });

  it('takes a chain with a set missing a field, or a cv= out of order, as broken before any key is asked for', async () => {
    const twice = await forwarded(await forwarded(MESSAGE, 'mx.lists.example'), 'mx2.lists.example');
    const msg = splitMessage(twice)!;
    const without = { ...msg, fields: msg.fields.filter((f) => !/^ARC-Message-Signature: i=1;/i.test(f)) };
    expect(arcChain(without)).toMatchObject({ sets: 2, problem: 'set 1 has 0 ARC-Message-Signature fields, where it must have one', checks: [] });
    const wrongCv = { ...msg, fields: msg.fields.map((f) => (/^ARC-Seal: i=2;/i.test(f) ? f.replace('cv=pass', 'cv=none') : f)) };
    expect(arcChain(wrongCv)?.problem).toBe('the seal of set 2 says cv=none, where a later one must say cv=pass');
    const failed = { ...msg, fields: msg.fields.map((f) => (/^ARC-Seal: i=2;/i.test(f) ? f.replace('cv=pass', 'cv=fail') : f)) };
    expect(arcChain(failed)?.problem).toBe('the newest sealer (i=2) found the chain already broken (cv=fail)');
    expect(readChecks([], 0, arcChain(failed)).findings[0]?.text).toMatch(/^ARC: 2 ARC sets, a broken chain: the newest sealer \(i=2\) found the chain already broken \(cv=fail\); receivers take it as cv=fail/);
    expect(arcChain(splitMessage(MESSAGE)!)).toBeNull();
  });
});
