/**
 * /explain's reading of a reply quoted in other text (shared/smtp/report.ts explainQuoted): the lines of bounce
 * messages, as Postfix, Exchange and Gmail write them, give the same report a received reply would; text without a
 * reply code gives none.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import { formatExplained } from '../../client/terminal/render-replies.js';
import { MAX_EXPLAIN_CHARS, explainQuoted, refusalNote } from '../../shared/smtp/report.js';
import { initialState } from '../../shared/smtp/session-state.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('explainQuoted', () => {
  it('reads the reply in a Postfix bounce, from its code on, and recognises its text', () => {
    const r = explainQuoted(
      7,
      'host mx.example.org[192.0.2.250] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)',
    );
    expect(r).toMatchObject({ n: 7, explained: '/explain', reply: { code: 550, enhanced: { text: '5.1.1' } }, answered: null, context: null, slow: null });
    expect(r?.vendor[0]?.id).toBe('postfix-user-unknown-local');
  });

  it('reads an Exchange NDR line and a Gmail continuation line', () => {
    const exchange = explainQuoted(1, "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'");
    expect([exchange?.reply.code, exchange?.reply.enhanced?.text]).toEqual([550, '5.1.10']);
    const gmail = explainQuoted(2, '550-5.7.26 This mail has been blocked because the sender is unauthenticated.');
    expect([gmail?.reply.code, gmail?.reply.enhanced?.text, gmail?.reply.lines]).toEqual([550, '5.7.26', [expect.objectContaining({ last: true })]]);
  });

  it('takes a code alone, and nothing from text without one (digits in an address are not a code)', () => {
    expect(explainQuoted(1, '421')?.annotation.basic.key).toBe('421');
    expect(explainQuoted(1, 'connection to 192.0.2.250 timed out')).toBeNull();
    expect(explainQuoted(1, 'no code here')).toBeNull();
    expect(explainQuoted(1, '600 not an SMTP class')).toBeNull();
  });

  it('reads at most MAX_EXPLAIN_CHARS of what it is given', () => {
    expect(explainQuoted(1, `${'x '.repeat(MAX_EXPLAIN_CHARS)}550 late`)).toBeNull();
  });
});

describe('/explain in the terminal', () => {
  it('is heloterm\'s own command, wherever a command may be typed, and needs something to explain', () => {
    expect(localCommand('/explain 550 5.1.1 no', initialState())).toEqual({ kind: 'explain', text: '550 5.1.1 no' });
    expect(localCommand('/explain', initialState())).toEqual({ kind: 'explain', text: '' }); // the page says what it needs (app.ts)
    expect(localCommand('/explain 550', initialState(), 'message-text')).toBeNull();
  });

  it('shows the quoted reply as a server line with its annotation and likely cause, marked as explained', () => {
    const r = explainQuoted(3, '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table');
    const out = plain(formatExplained(r!)).split('\r\n');
    expect(out[0]).toBe('-- explained, not sent to any server nor received from one:');
    expect(out[1]).toBe('550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table');
    expect(out[2]).toMatch(new RegExp(`^  ${ANNOTATION_MARK} 550 .*\\[3\\]$`));
    expect(out[3]).toMatch(/^ {2}⚑ likely: /);
  });
});

describe('a refusal as a line of the saved transcript (refusalNote)', () => {
  it('gives a refusal\'s meaning and the likely cause with what to do, and nothing for a reply that is not one', () => {
    const greylisted = explainQuoted(1, '450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html');
    const note = greylisted === null ? null : refusalNote(greylisted);
    expect(note).toMatch(/^↳ 450 .* · 4\.2\.0 .*; likely: .*[Gg]reylist.*\. \S/);
    const unknown = explainQuoted(2, '550 5.1.1 <nobody@example.org>: no such mailbox here');
    expect(unknown === null ? null : refusalNote(unknown)).toBe('↳ 550 Mailbox unavailable · 5.1.1 Bad destination mailbox address');
    const ok = explainQuoted(3, '250 2.1.5 Ok');
    expect(ok === null ? 'none' : refusalNote(ok)).toBeNull();
  });
});
