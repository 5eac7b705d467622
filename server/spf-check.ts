/**
 * An SPF check of a sending address, as a receiver makes it (RFC 7208 §4, check_host()): may this IP send mail whose
 * MAIL FROM is in this domain? What `spfquery` tells an admin when a server refuses mail as "SPF fail". The
 * evaluation (mechanisms, macros, includes and redirects, the limits of 10 lookups and 2 void lookups) is mailauth's
 * (postalsys, MIT; it runs the RFC's test suite); its DNS queries go through the session's resolver, so the bridge's
 * name servers, timeouts and cancellation apply, and the check as a whole has a deadline.
 */
import type { SPFOptions } from 'mailauth';
import { spf } from 'mailauth/lib/spf/index.js';
import { MAX_POLICY_CHARS, MAX_SPF_DETAIL_CHARS } from '../shared/protocol/app-limits.js';
import { isSpfResult } from '../shared/protocol/decode-app.js';
import type { SpfCheck, SpfResult } from '../shared/protocol/messages.js';
import type { DnsResolver } from './dns-lookup.js';
import { codeOf } from './net-errors.js';

/**
 * The check's time, in query timeouts: a record whose includes each answer slowly, just within the timeout, must not
 * hold the session's DNS lookups (one at a time) for ten timeouts and more.
 */
export const SPF_CHECK_TIMEOUTS = 4;

/**
 * DNS queries one check may make. RFC 7208 §4.6.4 bounds an evaluation to 10 lookups, but each `mx` mechanism may
 * then ask the addresses of 10 names, both families: about 200 queries from a record made to cost the most. A real
 * record needs a few dozen; past this, the check ends as a temperror, so that the bridge is no query pump.
 */
export const MAX_SPF_QUERIES = 100;

/** The name the checker's comments give the receiver ("heloterm: domain of … designates …"). */
const CHECKER = 'heloterm';


/** A DNS error as node:dns gives it (the checker reads its code: ENOTFOUND and ENODATA are void lookups). */
function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`${code} ${name}`), { code });
}

/** Codes the checker turns into results of its own: void lookups, and a timeout or refusal as a temperror. */
const KNOWN_CODES: readonly string[] = ['ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'EREFUSED'];

/**
 * A failed query as the checker's result: a temperror (RFC 7208 §5.2, §4.4: a DNS error other than no such name),
 * in the `spfResult` the checker reads from errors. Without it, mailauth passes over a SERVFAIL inside an include as
 * if the include did not match, and could answer "fail" where a receiver would answer "temperror".
 */
function asTemperror(err: unknown, name: string): unknown {
  const code = codeOf(err);
  if (KNOWN_CODES.includes(code)) return err;
  return Object.assign(dnsError(code, name), { spfResult: { error: 'temperror', text: `the DNS lookup of ${name.slice(0, 100)} failed: ${code}` } });
}

/**
 * The resolver the checker asks (`dns.promises.resolve`'s shape), over the session's: the record types SPF uses,
 * each query refused once the deadline has passed (as a timeout: a temperror) or past MAX_SPF_QUERIES. Notes in
 * `seen` when the domain's own TXT query answers NXDOMAIN: mailauth answers none either way.
 */
function queries(r: DnsResolver, deadline: number, domain: string, seen: { noDomain: boolean }) {
  let asked = 0;
  const ask = (name: string, type: string): Promise<unknown> => {
    switch (type) {
      case 'TXT':
        return r.resolveTxt(name);
      case 'MX':
        return r.resolveMx(name);
      case 'A':
        return r.resolve4(name);
      case 'AAAA':
        return r.resolve6(name);
      case 'PTR':
        return r.resolvePtr(name);
      default:
        return Promise.reject(dnsError('ENOTIMP', name));
    }
  };
  return async (name: string, type: string): Promise<unknown> => {
    if (performance.now() > deadline) throw dnsError('ETIMEOUT', name);
    if (++asked > MAX_SPF_QUERIES) {
      throw Object.assign(dnsError('ELIMIT', name), { spfResult: { error: 'temperror', text: `the bridge makes at most ${MAX_SPF_QUERIES} DNS queries for one check` } });
    }
    try {
      return await ask(name, type);
    } catch (err) {
      if (type === 'TXT' && name.replace(/\.$/, '').toLowerCase() === domain.toLowerCase() && codeOf(err) === 'ENOTFOUND') seen.noDomain = true;
      throw asTemperror(err, name);
    }
  };
}

/** What a check's comment says went wrong, after "…lookup of <sender>: " (none, permerror, temperror only). */
function detailOf(result: SpfResult, comment: unknown, sender: string): string | undefined {
  if (result !== 'permerror' && result !== 'temperror' && result !== 'none') return undefined;
  if (typeof comment !== 'string') return undefined;
  const marker = `lookup of ${sender}: `;
  const at = comment.indexOf(marker);
  const detail = at >= 0 ? comment.slice(at + marker.length) : comment.replace(`${CHECKER}: `, '');
  return detail.slice(0, MAX_SPF_DETAIL_CHARS);
}

/** Checks whether `ip` may send mail from `domain` (as postmaster@domain: RFC 7208 §4.3). Never throws. */
export async function checkSpf(ip: string, domain: string, r: DnsResolver): Promise<SpfCheck> {
  const sender = `postmaster@${domain}`;
  const seen = { noDomain: false };
  const resolver = queries(r, performance.now() + SPF_CHECK_TIMEOUTS * r.timeoutMs, domain, seen);
  let out: Awaited<ReturnType<typeof spf>>;
  try {
    // mailauth types its resolver as answering strings only; it reads MX answers as node:dns gives them (objects).
    out = await spf({ sender, ip, mta: CHECKER, resolver: resolver as SPFOptions['resolver'] });
  } catch (err) {
    // mailauth turns what it knows into results; anything else is a failure to check, as a receiver would see it.
    return { kind: 'checked', result: 'temperror', detail: String(err).slice(0, MAX_SPF_DETAIL_CHARS), lookups: 0, voidLookups: 0 };
  }
  const result = out.status.result;
  if (!isSpfResult(result)) return { kind: 'checked', result: 'temperror', detail: `unknown result ${String(result).slice(0, 40)}`, lookups: 0, voidLookups: 0 };
  const check: SpfCheck = { kind: 'checked', result, lookups: out.lookups?.count ?? 0, voidLookups: out.lookups?.void ?? 0 };
  if (typeof out.rr === 'string') check.record = out.rr.slice(0, MAX_POLICY_CHARS);
  const detail = detailOf(result, out.status.comment, sender);
  if (detail !== undefined) check.detail = detail;
  if (result === 'none' && seen.noDomain) check.noDomain = true;
  return check;
}
