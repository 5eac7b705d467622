import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASIC_CODES, type BasicCodeEntry } from '../../shared/smtp/codes.js';
import {
  ENHANCED_CLASSES,
  ENHANCED_DETAILS,
  ENHANCED_SUBJECTS,
} from '../../shared/smtp/enhanced-codes.js';

/**
 * The seed article's "Common SMTP Status Codes" table, transcribed verbatim (shared/seed/telnet-smtp-test-article.txt).
 * A test below checks this transcription against the copy of the article in test/fixtures/seed.
 */
const ARTICLE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [200, 'Non-standard success response'],
  [211, 'System status message'],
  [214, 'Help message formatted for human reader follows'],
  [220, 'SMTP service ready'],
  [221, 'Service/connection closing'],
  [250, 'Successful request. Action completed.'],
  [251, 'Recipient is not local to the server, but the server will accept and forward the message'],
  [252, 'Recipient can’t be verified, but the server will accept the message and attempt delivery'],
  [354, 'Indicates the server is ready to accept a message once you’ve entered From and To'],
  [421, 'Service is not available and connection will be closed'],
  [450, 'Requested command failed because the recipient’s mailbox is unavailable'],
  [451, 'Command has been aborted due to a server error'],
  [452, 'Command has been aborted because the server has insufficient system storage'],
  [500, 'Server could not recognize the command was due to a syntax error'],
  [501, 'Syntax error was found in command arguments'],
  [502, 'Command was not implemented'],
  [503, 'Server has encountered a bad command or sequence of commands'],
  [504, 'Command parameter is not implemented'],
  [521, 'Domain does not accept mail'],
  [530, 'Access denied'],
  [550, 'Command failed because the users mailbox was unavailable'],
  [551, 'Recipient is not local to the server'],
  [552, 'Action was aborted because storage allocation was exceeded'],
  [553, 'Action was aborted because the mailbox name was invalid'],
  [554, 'Transaction failed'],
];

/** Codes whose article line is wrong or misleading (non-standard, wrong RFC, wrong moment, wrong meaning). */
const ARTICLE_INACCURATE = new Set([200, 354, 450, 500, 503, 521, 530, 550, 551, 552, 553]);

/** RFC 5321 §4.2.3, every code. */
const RFC5321_CODES = [
  211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455, 500, 501, 502, 503, 504, 550, 551, 552, 553, 554, 555,
];
/** RFC 4954 §4 and §6 (AUTH). */
const RFC4954_CODES = [334, 235, 432, 454, 500, 530, 534, 535, 538];
/** RFC 7504. */
const RFC7504_CODES = [521, 556];

/**
 * The IANA "SMTP Enhanced Status Codes" registry, Enumerated Status Codes (updated 2024-12-06), transcribed on its
 * own: code and sample text. X.6.10 has no sample text in the registry (a deprecated duplicate of X.6.8).
 */
const IANA_REGISTRY: ReadonlyArray<readonly [string, string | null]> = [
  ['X.0.0', 'Other undefined Status'],
  ['X.1.0', 'Other address status'],
  ['X.1.1', 'Bad destination mailbox address'],
  ['X.1.2', 'Bad destination system address'],
  ['X.1.3', 'Bad destination mailbox address syntax'],
  ['X.1.4', 'Destination mailbox address ambiguous'],
  ['X.1.5', 'Destination address valid'],
  ['X.1.6', 'Destination mailbox has moved, No forwarding address'],
  ['X.1.7', 'Bad sender\'s mailbox address syntax'],
  ['X.1.8', 'Bad sender\'s system address'],
  ['X.1.9', 'Message relayed to non-compliant mailer'],
  ['X.1.10', 'Recipient address has null MX'],
  ['X.2.0', 'Other or undefined mailbox status'],
  ['X.2.1', 'Mailbox disabled, not accepting messages'],
  ['X.2.2', 'Mailbox full'],
  ['X.2.3', 'Message length exceeds administrative limit'],
  ['X.2.4', 'Mailing list expansion problem'],
  ['X.3.0', 'Other or undefined mail system status'],
  ['X.3.1', 'Mail system full'],
  ['X.3.2', 'System not accepting network messages'],
  ['X.3.3', 'System not capable of selected features'],
  ['X.3.4', 'Message too big for system'],
  ['X.3.5', 'System incorrectly configured'],
  ['X.3.6', 'Requested priority was changed'],
  ['X.4.0', 'Other or undefined network or routing status'],
  ['X.4.1', 'No answer from host'],
  ['X.4.2', 'Bad connection'],
  ['X.4.3', 'Directory server failure'],
  ['X.4.4', 'Unable to route'],
  ['X.4.5', 'Mail system congestion'],
  ['X.4.6', 'Routing loop detected'],
  ['X.4.7', 'Delivery time expired'],
  ['X.5.0', 'Other or undefined protocol status'],
  ['X.5.1', 'Invalid command'],
  ['X.5.2', 'Syntax error'],
  ['X.5.3', 'Too many recipients'],
  ['X.5.4', 'Invalid command arguments'],
  ['X.5.5', 'Wrong protocol version'],
  ['X.5.6', 'Authentication Exchange line is too long'],
  ['X.6.0', 'Other or undefined media error'],
  ['X.6.1', 'Media not supported'],
  ['X.6.2', 'Conversion required and prohibited'],
  ['X.6.3', 'Conversion required but not supported'],
  ['X.6.4', 'Conversion with loss performed'],
  ['X.6.5', 'Conversion Failed'],
  ['X.6.6', 'Message content not available'],
  ['X.6.7', 'Non-ASCII addresses not permitted for that sender/recipient'],
  ['X.6.8', 'UTF-8 string reply is required, but not permitted by the SMTP client'],
  ['X.6.9', 'UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected'],
  ['X.6.10', null],
  ['X.7.0', 'Other or undefined security status'],
  ['X.7.1', 'Delivery not authorized, message refused'],
  ['X.7.2', 'Mailing list expansion prohibited'],
  ['X.7.3', 'Security conversion required but not possible'],
  ['X.7.4', 'Security features not supported'],
  ['X.7.5', 'Cryptographic failure'],
  ['X.7.6', 'Cryptographic algorithm not supported'],
  ['X.7.7', 'Message integrity failure'],
  ['X.7.8', 'Authentication credentials invalid'],
  ['X.7.9', 'Authentication mechanism is too weak'],
  ['X.7.10', 'Encryption Needed'],
  ['X.7.11', 'Encryption required for requested authentication mechanism'],
  ['X.7.12', 'A password transition is needed'],
  ['X.7.13', 'User Account Disabled'],
  ['X.7.14', 'Trust relationship required'],
  ['X.7.15', 'Priority Level is too low'],
  ['X.7.16', 'Message is too big for the specified priority'],
  ['X.7.17', 'Mailbox owner has changed'],
  ['X.7.18', 'Domain owner has changed'],
  ['X.7.19', 'RRVS test cannot be completed'],
  ['X.7.20', 'No passing DKIM signature found'],
  ['X.7.21', 'No acceptable DKIM signature found'],
  ['X.7.22', 'No valid author-matched DKIM signature found'],
  ['X.7.23', 'SPF validation failed'],
  ['X.7.24', 'SPF validation error'],
  ['X.7.25', 'Reverse DNS validation failed'],
  ['X.7.26', 'Multiple authentication checks failed'],
  ['X.7.27', 'Sender address has null MX'],
  ['X.7.28', 'Mail flood detected'],
  ['X.7.29', 'ARC validation failure'],
  ['X.7.30', 'REQUIRETLS support required'],
];

const PLACEHOLDER = /\b(todo|tbd|fixme|xxx|lorem|placeholder)\b|^\W*$/i;
/** "RFC 5321 §4.2.3", "RFC 5321 §4.2.3, §3.4; RFC 3207 §4", "RFC 7505; RFC 7504". */
const RFC_SOURCE = /^RFC \d{3,4}( §[\d.]+(, §[\d.]+)*)?( \([^)]+\))?(; RFC \d{3,4}( §[\d.]+(, §[\d.]+)*)?)*$/;

const byCode = new Map<number, BasicCodeEntry>(BASIC_CODES.map((e) => [e.code, e]));
const entry = (code: number): BasicCodeEntry => {
  const e = byCode.get(code);
  if (e === undefined) throw new Error(`no dictionary entry for ${code}`);
  return e;
};

function expectReadable(text: string, minChars: number): void {
  expect(text.length).toBeGreaterThanOrEqual(minChars);
  expect(text).not.toMatch(PLACEHOLDER);
  expect(text).toBe(text.trim());
}

describe('basic code dictionary', () => {
  it('has one entry per code, sorted, each a three-digit code with first digit 2 to 5', () => {
    const codes = BASIC_CODES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    for (const c of codes) expect(c >= 200 && c <= 599 && Number.isInteger(c)).toBe(true);
  });

  it.each(ARTICLE_TABLE)('article code %i has its own accurate text, and keeps the article text verbatim', (code, text) => {
    const e = entry(code);
    expect(e.article).toBe(text);
    expectReadable(e.title, 4);
    expectReadable(e.explanation, 40);
    expectReadable(e.action, 20);
    expect(e.source).toMatch(RFC_SOURCE);
    // Our text is our own: never the article's informal line. Only a title may agree with it, where the article
    // quotes the RFC (554 "Transaction failed"), and never for a code the article gets wrong.
    for (const own of [e.explanation, e.action]) expect(own).not.toBe(text);
    if (ARTICLE_INACCURATE.has(code)) expect(e.title).not.toBe(text);
  });

  it('keeps article text only for codes the article lists', () => {
    const listed = new Set(ARTICLE_TABLE.map(([c]) => c));
    for (const e of BASIC_CODES) expect(e.article === undefined).toBe(!listed.has(e.code));
  });

  it.each(RFC5321_CODES)('RFC 5321 code %i is present and cites §4.2.3', (code) => {
    expect(entry(code).source).toContain('RFC 5321 §4.2.3');
  });

  it.each(RFC4954_CODES)('RFC 4954 code %i is present and cites RFC 4954 or RFC 5321', (code) => {
    expect(entry(code).source).toMatch(/RFC (4954|5321) §/);
  });

  it.each(RFC7504_CODES)('RFC 7504 code %i is present and cites RFC 7504', (code) => {
    expect(entry(code).source).toMatch(/^RFC 7504 §\d/);
  });

  // Checked against the RFC texts (Debian's doc-rfc-std-proposed): RFC 7504 §3 is "The 521 Reply Code", §4 "The 556
  // Reply Code" (§2 is the background).
  it.each([[521, 'RFC 7504 §3'], [556, 'RFC 7504 §4']])('%i cites the section of RFC 7504 that defines it', (code, source) => {
    expect(entry(code).source).toBe(source);
  });

  it.each(BASIC_CODES.map((e) => [e.code, e] as const))('%i is complete and readable', (_code, e) => {
    expectReadable(e.title, 4);
    expect(e.title.length).toBeLessThanOrEqual(40);
    expectReadable(e.explanation, 40);
    expectReadable(e.action, 20);
    expect(e.source).toMatch(RFC_SOURCE);
    // The terminal's link finder splits a summary at the first " · ".
    expect(e.title).not.toContain('·');
  });

  it('corrects what the article gets wrong', () => {
    expect(entry(200).explanation).toMatch(/RFC 5321 does not define 200/);
    expect(entry(200).source).not.toContain('§4.2.3');
    expect(entry(530).source).not.toContain('RFC 5321');
    expect(entry(530).source).toMatch(/RFC 4954/);
    expect(entry(530).source).toMatch(/RFC 3207/);
    expect(entry(354).explanation).toMatch(/DATA/);
    expect(entry(354).explanation).toContain('a line containing only "."');
    expect(entry(354).explanation).toContain('§4.1.1.4');
    expect(entry(354).explanation).toMatch(/dot-stuffing.*§4\.5\.2/);
    expect(entry(551).title).toContain('forward-path');
    expect(entry(552).title.toLowerCase()).toContain('storage allocation');
    expect(entry(553).title.toLowerCase()).toContain('not allowed');
    expect(entry(554).explanation).toContain('No SMTP service here');
    expect(entry(503).action).toMatch(/EHLO\/HELO, then MAIL FROM, then RCPT TO, then DATA/);
  });

  it('matches the seed article (a copy is kept in test/fixtures/seed)', () => {
    const seed = fileURLToPath(new URL('../fixtures/seed/telnet-smtp-test-article.txt', import.meta.url));
    const table = readFileSync(seed, 'utf8').split('Common SMTP Status Codes')[1]?.split('Closing')[0] ?? '';
    const cells = table.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(2);
    const parsed: Array<readonly [number, string]> = [];
    for (let i = 0; i + 1 < cells.length; i += 2) parsed.push([Number(cells[i]), cells[i + 1] ?? '']);
    expect(parsed).toEqual(ARTICLE_TABLE);
  });
});

describe('enhanced code data', () => {
  it('has the three classes of RFC 3463 §2', () => {
    expect(ENHANCED_CLASSES.map((c) => c.cls)).toEqual([2, 4, 5]);
    expect(ENHANCED_CLASSES.map((c) => c.title)).toEqual([
      'Success',
      'Persistent transient failure',
      'Permanent failure',
    ]);
  });

  it('has the eight subjects of RFC 3463 §2', () => {
    expect(ENHANCED_SUBJECTS.map((s) => s.subject)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const titles = ENHANCED_SUBJECTS.map((s) => s.title.toLowerCase());
    for (const [i, word] of ['other', 'address', 'mailbox', 'mail system', 'network', 'protocol', 'content', 'security'].entries()) {
      expect(titles[i]).toContain(word);
    }
    for (const s of ENHANCED_SUBJECTS) expectReadable(s.explanation, 20);
  });

  it('holds exactly the registry entries, in registry order, with the registry titles', () => {
    const ours = ENHANCED_DETAILS.map((d) => `X.${d.subject}.${d.detail}`);
    expect(ours).toEqual(IANA_REGISTRY.map(([code]) => code));
    expect(ours).toHaveLength(81);
    for (const [code, title] of IANA_REGISTRY) {
      const d = ENHANCED_DETAILS[ours.indexOf(code)];
      if (title !== null) expect(d?.title).toBe(title);
      else expect(d?.deprecated).toBe(true);
    }
  });

  it.each(ENHANCED_DETAILS.map((d) => [`X.${d.subject}.${d.detail}`, d] as const))('%s is complete', (_key, d) => {
    expectReadable(d.title, 5);
    expectReadable(d.explanation, 20);
    expectReadable(d.action, 15);
    expect(d.title).not.toContain('·');
    expect(d.source).toMatch(/^(RFC \d{4}( §[\d.]+)?(; RFC \d{4}( §[\d.]+)?)*|draft-[a-z-]+ \(IANA registry\))$/);
    for (const c of d.usedWith) expect([2, 4, 5]).toContain(c);
    for (const b of d.basicCodes) expect(b).toMatch(/^([2-5]\d\d|[45]XX|Any)$/);
  });

  it('cites the RFC 3463 section of each subject for the original codes', () => {
    for (const d of ENHANCED_DETAILS) {
      if (!d.source.startsWith('RFC 3463')) continue;
      expect(d.source.startsWith(`RFC 3463 §3.${d.subject + 1}`)).toBe(true);
    }
  });

  it.each([
    ['X.1.9', 'RFC 3886'], ['X.1.10', 'RFC 7505'], ['X.3.6', 'RFC 6710'], ['X.5.6', 'RFC 4954'],
    ['X.6.6', 'RFC 4468'], ['X.6.7', 'RFC 6531'], ['X.6.10', 'RFC 6531'], ['X.7.8', 'RFC 4954'],
    ['X.7.10', 'RFC 5248'], ['X.7.11', 'RFC 4954'], ['X.7.12', 'RFC 4954'], ['X.7.13', 'RFC 5248'],
    ['X.7.14', 'RFC 5248'], ['X.7.15', 'RFC 6710'], ['X.7.17', 'RFC 7293'], ['X.7.20', 'RFC 7372'],
    ['X.7.26', 'RFC 7372'], ['X.7.27', 'RFC 7505'], ['X.7.29', 'RFC 8617'], ['X.7.30', 'RFC 8689'],
  ])('%s comes from %s', (code, rfc) => {
    const d = ENHANCED_DETAILS.find((e) => `X.${e.subject}.${e.detail}` === code);
    expect(d?.source.startsWith(rfc)).toBe(true);
  });
});
