/**
 * What the `stored` message tells a session of a message the practice server stored (server/practice/stored-message.ts):
 * the text and the recipients cut to what a frame carries, the count of recipients kept whole, and each report the
 * message called for, cut the same way, with why none went where none did.
 */
import { describe, expect, it } from 'vitest';
import { storedMessageOf } from '../../server/practice/stored-message.js';
import type { ReceivedMessage } from '../../server/practice/practice-server.js';
import { MAX_STORED_CHARS, MAX_STORED_RECIPIENTS } from '../../shared/protocol/app-limits.js';

const message = (over: Partial<ReceivedMessage> = {}): ReceivedMessage => ({ n: 7, from: 'trainee@example.org', to: ['alice@practice.test'], raw: 'Subject: hi\r\n\r\nHello.\r\n', subject: 'hi', ...over });

describe('storedMessageOf', () => {
  it('tells a short message whole, without reports when it called for none', () => {
    expect(storedMessageOf(message())).toEqual({ type: 'stored', n: 7, from: 'trainee@example.org', to: ['alice@practice.test'], recipients: 1, text: 'Subject: hi\r\n\r\nHello.\r\n', cut: false });
  });

  it('cuts a long text and many recipients to what a frame carries, and says so', () => {
    const to = Array.from({ length: MAX_STORED_RECIPIENTS + 5 }, (_, i) => `r${i}@practice.test`);
    const m = storedMessageOf(message({ raw: 'x'.repeat(MAX_STORED_CHARS + 10), to }));
    expect([m.text.length, m.cut, m.to.length, m.recipients]).toEqual([MAX_STORED_CHARS, true, MAX_STORED_RECIPIENTS, MAX_STORED_RECIPIENTS + 5]);
  });

  it('tells each report: its number, its text cut the same way, and why none went', () => {
    const bounce = message({ n: 8, from: '', raw: 'b'.repeat(MAX_STORED_CHARS + 1) });
    const m = storedMessageOf(message({ reports: [{ action: 'failed', recipients: ['gone@practice.test'], message: bounce }, { action: 'delivered', recipients: ['bob@practice.test'], message: null, unsent: 'notify' }] }));
    expect(m.reports).toEqual([
      { action: 'failed', recipients: ['gone@practice.test'], n: 8, text: 'b'.repeat(MAX_STORED_CHARS), cut: true },
      { action: 'delivered', recipients: ['bob@practice.test'], n: null, text: '', cut: false, unsent: 'notify' },
    ]);
  });
});
