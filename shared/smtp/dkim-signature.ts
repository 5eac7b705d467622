/**
 * A DKIM-Signature header field (RFC 6376 §3.5) read for what makes it weak or makes receivers set it aside, as an
 * admin reads one in a message's header fields: the algorithm (rsa-sha1 is no longer valid, RFC 8301), the fields it
 * covers (From must be one, RFC 6376 §5.4; a From listed twice is oversigned), a body length limit (`l=`, which lets
 * anyone append to the body, §8.2), its times (`t=`, `x=`), `i=` outside `d=`, and whether `d=` is the From: domain's
 * (what DMARC counts, RFC 7489 §3.1.1). The signature itself is verified, where the body was pasted too, by
 * dkim-verify.ts with the key looked up. Pure.
 */
import { colonList, tagList } from './dkim.js';
import type { Finding } from './types.js';

/** A time tag's value as a date, or null when it is not a number of seconds. */
function when(seconds: string | undefined): Date | null {
  if (seconds === undefined || !/^\d{1,12}$/.test(seconds)) return null;
  return new Date(Number(seconds) * 1000);
}

/** Whether domain `d` is `from` or a parent of it, or under it (relaxed alignment by name; DMARC compares organizational domains). */
export function alignedByName(d: string, from: string): boolean {
  return from === d || from.endsWith(`.${d}`) || d.endsWith(`.${from}`);
}

/**
 * Second-level labels under which many country domains sell names (co.uk, com.au, ac.jp, org.br…): a name of two
 * labels ending in one of them is a public suffix, not an organization's domain.
 */
const PUBLIC_SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'gob', 'gov', 'go', 'ltd', 'mil', 'ne', 'net', 'nic', 'or', 'org', 'plc', 'sch']);

/**
 * The parent two names share that may be their organizational domain (DMARC's relaxed alignment, RFC 7489 §3.2):
 * their longest common parent, of two labels or more and not a country domain's public second level (co.uk); null
 * when they share none, or when one is under the other (alignedByName). By name only: the page has no Public Suffix
 * List, so what this finds is said as likely, with the condition.
 */
export function sharedParent(d: string, from: string): string | null {
  if (alignedByName(d, from)) return null;
  const a = d.split('.').reverse();
  const b = from.split('.').reverse();
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n] && a[n] !== '') n++;
  const tld = a[0] ?? '';
  const need = tld.length === 2 && PUBLIC_SECOND_LEVEL.has(a[1] ?? '') ? 3 : 2;
  return n >= need ? a.slice(0, n).reverse().join('.') : null;
}

/**
 * The findings of one DKIM-Signature field; `from`: the domain of the message's From:, when it was pasted; `whole`:
 * the message was pasted with its body, so the page verifies the signature too (dkim-verify.ts).
 */
export function reviewSignature(value: string, from: string | null, whole = false): Finding[] {
  const tags = tagList(value);
  const d = (tags.get('d') ?? '').toLowerCase();
  const s = tags.get('s') ?? '';
  const a = (tags.get('a') ?? '').toLowerCase();
  const out: Finding[] = [];
  const missing = ['v', 'a', 'b', 'bh', 'd', 'h', 's'].filter((t) => !tags.has(t));
  const name = `DKIM-Signature d=${d === '' ? '?' : d} s=${s === '' ? '?' : s}`;
  if (missing.length > 0) {
    out.push({ tone: 'bad', text: `${name}: without ${missing.map((t) => `${t}=`).join(', ')}, which a signature must have: receivers ignore it (RFC 6376 §3.5)` });
    return out;
  }
  const verified = whole ? 'verified below, with its key' : `not verified: header fields alone (paste the whole message, or open its .eml, to verify it); /dkim ${s} ${d} shows the key it needs`;
  out.push({ tone: 'info', text: `${name} (a=${a}, c=${tags.get('c') ?? 'simple/simple'}): ${verified}` });
  if (tags.get('v') !== '1') out.push({ tone: 'bad', text: `v=${tags.get('v')}: only v=1 is defined; receivers ignore the signature (RFC 6376 §3.5)` });
  if (a === 'rsa-sha1') {
    out.push({ tone: 'bad', text: 'a=rsa-sha1: receivers must not take it as valid since RFC 8301 (§3.1): sign with rsa-sha256 (or add an ed25519-sha256 signature, RFC 8463)' });
  } else if (a !== 'rsa-sha256' && a !== 'ed25519-sha256') {
    out.push({ tone: 'bad', text: `a=${a}: an algorithm receivers do not know (RFC 6376 §3.3, RFC 8463): the signature does not verify` });
  }
  const signed = colonList(tags.get('h'));
  const froms = signed.filter((h) => h === 'from').length;
  if (froms === 0) out.push({ tone: 'bad', text: 'h= does not list From: a signature must cover the From: field (RFC 6376 §5.4), and receivers ignore one that does not' });
  else if (froms > 1) out.push({ tone: 'ok', text: 'h= lists From twice: oversigned, so a From: field added on the way breaks the signature (RFC 6376 §5.4.2)' });
  const missingSigned = ['subject', 'date', 'to'].filter((h) => !signed.includes(h));
  if (froms > 0 && missingSigned.length > 0) {
    out.push({ tone: 'info', text: `h= does not list ${missingSigned.join(', ')}: those fields may be changed on the way without breaking the signature (RFC 6376 §5.4 recommends signing them)` });
  }
  const l = tags.get('l');
  if (l !== undefined) {
    out.push({ tone: 'warn', text: `l=${l}: only the body's first ${l} octets are signed, so anyone may append text after them and the signature still verifies (RFC 6376 §8.2): sign the whole body (drop l=)` });
  }
  const t = when(tags.get('t'));
  const x = when(tags.get('x'));
  if (x !== null && t !== null && x.getTime() <= t.getTime()) out.push({ tone: 'bad', text: `x= (${x.toISOString()}) is not after t= (${t.toISOString()}): receivers ignore the signature (RFC 6376 §3.5)` });
  else if (x !== null) out.push({ tone: 'info', text: `expires ${x.toISOString()} (x=): a receiver checking it after then finds it invalid` });
  const i = tags.get('i');
  const iDomain = i?.replace(/^.*@/, '').toLowerCase();
  if (iDomain !== undefined && iDomain !== d && !iDomain.endsWith(`.${d}`)) {
    out.push({ tone: 'bad', text: `i=${i}: its domain is not d=${d} or under it: receivers ignore the signature (RFC 6376 §3.5)` });
  }
  if (from !== null && d !== '') {
    const parent = sharedParent(d, from.toLowerCase());
    out.push(
      alignedByName(d, from.toLowerCase())
        ? { tone: 'ok', text: `d=${d} is the From: domain's (${from}): a pass counts for DMARC (RFC 7489 §3.1.1)` }
        : parent !== null
          ? { tone: 'info', text: `d=${d} is not the From: domain (${from}), but both are under ${parent}: a pass counts for DMARC if that is their organizational domain (relaxed alignment, the default: RFC 7489 §3.1.1), not with adkim=s` }
          : { tone: 'warn', text: `d=${d} is not the From: domain (${from}): a pass proves the message came through ${d}, but DMARC does not count it; sign with the From: domain (a service sending for you can, with a key you publish)` },
    );
  }
  return out;
}
