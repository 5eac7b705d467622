/**
 * The terms of an SPF record (RFC 7208) that cost DNS lookups, as a receiver counts them: a receiver stops with a
 * permanent error ("permerror") once evaluating a record takes more than 10 of them, counted through the records
 * its includes and redirect name (§4.6.4). The most common way a published SPF record fails: each include looks
 * like one lookup, and the providers' records it names hold several more. Pure: the bridge fetches the records the
 * terms name (server/dns-lookup.ts), this reads each one.
 */

/** Terms that cost DNS lookups a receiver evaluates, at most (RFC 7208 §4.6.4). */
export const SPF_LOOKUP_LIMIT = 10;

/** A mechanism or modifier that costs a DNS lookup, its name, and its domain (empty when it names none). */
const LOOKUP_TERM = /^[+?~-]?(include:|a(?=$|[:/])|mx(?=$|[:/])|ptr(?=$|:)|exists:|redirect=)([^/]*)/i;
const ALL = /^[+?~-]?all$/i;

export interface SpfTerms {
  /** Its terms that cost a DNS lookup (include, a, mx, ptr, exists, and redirect when it counts). */
  lookups: number;
  /**
   * The records it names, to be evaluated in turn: each include's domain, then redirect's (RFC 7208 §5.2, §6.1),
   * as `include:<domain>` or `redirect=<domain>`, in lower case. Domains written with macros (%{…}) depend on the
   * message and are left out.
   */
  follow: string[];
}

/** The lookup terms of one SPF record ("v=spf1 …"). */
export function spfTerms(record: string): SpfTerms {
  const terms = record.trim().split(/\s+/).slice(1);
  // A redirect is used only when the record has no "all" (RFC 7208 §6.1): otherwise it is never looked up.
  const hasAll = terms.some((t) => ALL.test(t));
  let lookups = 0;
  const follow: string[] = [];
  for (const term of terms) {
    const m = LOOKUP_TERM.exec(term);
    if (m === null) continue;
    const name = (m[1] ?? '').toLowerCase();
    if (name === 'redirect=' && hasAll) continue;
    lookups++;
    const domain = (m[2] ?? '').toLowerCase().replace(/\.$/, '');
    if ((name === 'include:' || name === 'redirect=') && domain !== '' && !domain.includes('%')) follow.push(name + domain);
  }
  // Includes are evaluated where they stand, the redirect only at the end.
  follow.sort((a, b) => Number(a.startsWith('redirect=')) - Number(b.startsWith('redirect=')));
  return { lookups, follow };
}

/** The domain a followed term (`include:<domain>` or `redirect=<domain>`) names. */
export function followedDomain(term: string): string {
  return term.slice(term.indexOf(term.startsWith('redirect=') ? '=' : ':') + 1);
}
