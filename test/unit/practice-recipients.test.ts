/**
 * The practice server's recipients (server/practice/recipients.ts): its mailboxes, the ones that misbehave on purpose,
 * relaying for a logged-in user only, and greylisting's memory. Through a real SMTP session in
 * test/integration/practice-trouble and practice-server.
 */
import { describe, expect, it } from 'vitest';
import { Greylist, MAX_GREYLIST_ENTRIES, greylistedText, recipientRule } from '../../server/practice/recipients.js';

describe('recipientRule', () => {
  it('takes the four mailboxes and gone@ at practice.test, in any case, and postmaster without a domain', () => {
    for (const a of ['alice@practice.test', 'BOB@Practice.Test', 'carol@practice.test', 'postmaster@practice.test', 'gone@practice.test', 'postmaster', 'PostMaster']) {
      expect(recipientRule(a, false), a).toEqual({ kind: 'accept' });
    }
  });

  it('refuses other local parts as Postfix does, with or without the domain', () => {
    for (const a of ['dave@practice.test', 'alice']) {
      expect(recipientRule(a, false), a).toEqual({ kind: 'refuse', code: 550, text: `<${a}>: Recipient address rejected: User unknown in virtual mailbox table` });
    }
  });

  it('relays for a logged-in user only: 554 5.7.1 Relay access denied otherwise', () => {
    expect(recipientRule('victim@example.net', false)).toEqual({ kind: 'refuse', code: 554, enhanced: '5.7.1', text: '<victim@example.net>: Relay access denied' });
    expect(recipientRule('victim@example.net', true)).toEqual({ kind: 'accept' });
    // A name that merely ends in practice.test is another domain.
    expect(recipientRule('alice@notpractice.test', false)).toMatchObject({ kind: 'refuse', code: 554 });
  });

  it('sends the misbehaving mailboxes their ways: slow@ waits, greylist@ is greylisted, full@ over its quota', () => {
    expect(recipientRule('slow@practice.test', false)).toEqual({ kind: 'slow' });
    expect(recipientRule('Greylist@practice.test', false)).toEqual({ kind: 'greylist' });
    expect(recipientRule('full@practice.test', false)).toEqual({
      kind: 'refuse',
      code: 552,
      enhanced: '5.2.2',
      text: '<full@practice.test>: Recipient address rejected: Quota exceeded (mailbox for user is full)',
    });
    // Elsewhere they are just other domains' addresses.
    expect(recipientRule('slow@example.net', false)).toMatchObject({ kind: 'refuse', code: 554 });
    expect(greylistedText('greylist@practice.test')).toBe(
      '<greylist@practice.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/practice.test.html',
    );
  });
});

describe('Greylist', () => {
  it('defers a first try and every retry until the wait has passed since it, then lets it through', () => {
    const g = new Greylist(1000);
    expect(g.passes('c1', 'me@a.example', 'greylist@practice.test', 0)).toBe(false);
    expect(g.passes('c1', 'ME@a.example', 'Greylist@practice.test', 999)).toBe(false);
    expect(g.passes('c1', 'me@a.example', 'greylist@practice.test', 1000)).toBe(true);
    expect(g.passes('c1', 'me@a.example', 'greylist@practice.test', 5000)).toBe(true);
    // Another client, or another sender, starts its own wait.
    expect(g.passes('c2', 'me@a.example', 'greylist@practice.test', 5000)).toBe(false);
    expect(g.passes('c1', 'you@a.example', 'greylist@practice.test', 5000)).toBe(false);
    expect(g.size).toBe(3);
  });

  it('remembers at most MAX_GREYLIST_ENTRIES tries, forgetting the oldest', () => {
    const g = new Greylist(10);
    for (let i = 0; i <= MAX_GREYLIST_ENTRIES; i++) g.passes('c', `s${i}@a.example`, 'greylist@practice.test', 0);
    expect(g.size).toBe(MAX_GREYLIST_ENTRIES);
    // The first was forgotten: its retry is a first try again; the second is still remembered.
    expect(g.passes('c', 's1@a.example', 'greylist@practice.test', 20)).toBe(true);
    expect(g.passes('c', 's0@a.example', 'greylist@practice.test', 20)).toBe(false);
  });
});
