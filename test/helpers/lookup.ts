/**
 * A dns.lookup stand-in for the bridge (HelotermOptions.lookup): each name resolves to the addresses listed for it,
 * in order (as getaddrinfo answers with { all: true }); any other name is ENOTFOUND. No DNS traffic.
 */
import type { LookupFunction } from 'node:net';

export function lookupOf(names: Record<string, readonly string[]>): LookupFunction {
  return (hostname, _opts, cb) => {
    const list = names[hostname];
    if (list === undefined) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    // Called with { all: true } (target-policy.ts), whose callback takes the list; the type knows only one address.
    (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}
