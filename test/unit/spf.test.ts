/**
 * The terms of an SPF record that cost DNS lookups (shared/smtp/spf.ts), as a receiver counts them (RFC 7208
 * §4.6.4), and the records it names to be followed. The bridge's walk through real DNS is in
 * test/integration/dns-lookup; what the page says of the count in test/unit/policies.
 */
import { describe, expect, it } from 'vitest';
import { followedDomain, spfTerms } from '../../shared/smtp/spf.js';

describe('spfTerms', () => {
  it.each<[string, number, string[]]>([
    ['v=spf1 -all', 0, []],
    ['v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all', 0, []],
    ['v=spf1 include:_spf.google.com ~all', 1, ['include:_spf.google.com']],
    // Every mechanism that asks DNS, with a qualifier, a domain or a prefix length: a, mx, ptr, exists, include.
    ['v=spf1 a mx ptr exists:%{i}.rbl.example +include:A.Example.NET. -all', 5, ['include:a.example.net']],
    ['v=spf1 a:mail.example.com/24 mx/24 ?mx:backup.example.com ~all', 3, []],
    // Names that only start like a mechanism are not one.
    ['v=spf1 aaa mxx ptrx all', 0, []],
    // A redirect counts, and is followed after the includes, only when there is no "all" (§6.1).
    ['v=spf1 redirect=_spf.example.com include:i.example.com', 2, ['include:i.example.com', 'redirect=_spf.example.com']],
    ['v=spf1 redirect=_spf.example.com -all', 0, []],
    // A domain built from the message (macros) is counted but cannot be followed.
    ['v=spf1 include:%{d}._spf.example.com -all', 1, []],
    ['  v=spf1   include:a.example   include:b.example  ', 2, ['include:a.example', 'include:b.example']],
  ])('%s', (record, lookups, follow) => {
    expect(spfTerms(record)).toEqual({ lookups, follow });
  });

  it('names the domain a followed term names', () => {
    expect(followedDomain('include:_spf.example.com')).toBe('_spf.example.com');
    expect(followedDomain('redirect=spf.example.net')).toBe('spf.example.net');
  });
});
