/**
 * Which delivery status notifications the practice server sends back (server/practice/dsn.ts plannedReports), by the
 * rules of RFC 3461 §4.1: the reports themselves, as written and signed, are checked through the practice server in
 * test/integration (DSN and bounces).
 */
import { describe, expect, it } from 'vitest';
import { plannedReports, type EnvelopeRecipient } from '../../server/practice/dsn.js';

const GONE = { host: 'mailbox.practice.test[192.0.2.25]', reply: '550 5.1.1 no such user' };
const failure = (a: string): typeof GONE | null => (a.startsWith('gone@') ? GONE : null);
const rcpt = (address: string, notify?: string[], orcpt?: string): EnvelopeRecipient => ({
  address,
  ...(notify === undefined && orcpt === undefined ? {} : { dsn: { ...(notify === undefined ? {} : { notify }), ...(orcpt === undefined ? {} : { orcpt }) } }),
});

describe('plannedReports', () => {
  it('reports failures by default and deliveries only when NOTIFY= asks for SUCCESS', () => {
    expect(plannedReports([rcpt('alice@practice.test'), rcpt('gone@practice.test')], 'me@example.org', failure)).toEqual([
      { action: 'failed', recipients: ['gone@practice.test'], listed: [{ address: 'gone@practice.test', failure: GONE }] },
    ]);
    expect(plannedReports([rcpt('alice@practice.test', ['success', 'failure'], 'rfc822;alice@practice.test')], 'me@example.org', failure)).toEqual([
      { action: 'delivered', recipients: ['alice@practice.test'], listed: [{ address: 'alice@practice.test', orcpt: 'rfc822;alice@practice.test' }] },
    ]);
  });

  it('says which failures NOTIFY= kept quiet, and sends nothing to the null sender', () => {
    expect(plannedReports([rcpt('gone@practice.test', ['NEVER']), rcpt('gone@practice.test', ['DELAY'])], 'me@example.org', failure)).toEqual([
      { action: 'failed', recipients: ['gone@practice.test', 'gone@practice.test'], unsent: 'notify' },
    ]);
    expect(plannedReports([rcpt('gone@practice.test'), rcpt('bob@practice.test', ['SUCCESS'])], '', failure)).toEqual([
      { action: 'failed', recipients: ['gone@practice.test'], unsent: 'null-sender' },
      { action: 'delivered', recipients: ['bob@practice.test'], unsent: 'null-sender' },
    ]);
  });

  it('reports nothing when every delivery went through and no one asked', () => {
    expect(plannedReports([rcpt('alice@practice.test'), rcpt('bob@practice.test', ['FAILURE'])], 'me@example.org', failure)).toEqual([]);
  });
});
