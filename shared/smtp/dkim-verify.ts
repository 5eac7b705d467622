/**
 * DKIM signatures of a whole message verified as a receiver verifies them (RFC 6376 §6.1), the part that needs no
 * cryptography: the message split into its header fields and body, each signature's tags read, the body and the
 * signed header fields canonicalized ("simple" or "relaxed", §3.4), the fields chosen as h= names them (the last
 * instance first, §5.4.2), and the signature field itself with its b= value emptied (§3.7). The page hashes and checks
 * the signature against the key the bridge looked up (client/ui/dkim-check.ts, WebCrypto); what came of it is read
 * here, each outcome with what changes a message on its way to make it. Pure.
 */
import { colonList, tagList } from './dkim.js';
import { authResults } from './header-fields.js';
import type { Finding } from './types.js';

/** Signatures verified from one message at most (a message has one to three). */
export const MAX_VERIFIED = 5;

/** A message as receivers see it: its header fields as written (folded lines kept, each without its final CRLF) and its body. */
export interface RawMessage {
  fields: string[];
  /** The body, lines ended by CRLF as sent (a pasted message's line ends are taken to have been CRLF). */
  body: string;
}

/**
 * A message's header fields and body, or null when there is no body (header fields alone: nothing to verify the body
 * hash against). Line ends become CRLF; a leading mbox "From " line is passed over.
 */
export function splitMessage(text: string): RawMessage | null {
  const lines = text.replace(/\r?\n/g, '\r\n').split('\r\n');
  let i = lines[0]?.startsWith('From ') ? 1 : 0;
  const fields: string[] = [];
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\r\n${line}`;
    else if (/^[!-9;-~]+[ \t]*:/.test(line)) fields.push(line);
    else return null;
  }
  // The blank line must have something after it: header fields pasted with a newline at their end are no message.
  if (i >= lines.length - 1 || fields.length === 0) return null;
  return { fields, body: lines.slice(i + 1).join('\r\n') };
}

/** The name of a header field, lowercased. */
function nameOf(field: string): string {
  return field.slice(0, field.indexOf(':')).trim().toLowerCase();
}

/** A header field canonicalized (RFC 6376 §3.4.1 simple: as it is; §3.4.2 relaxed), without its CRLF. */
export function canonHeader(field: string, relaxed: boolean): string {
  if (!relaxed) return field;
  const colon = field.indexOf(':');
  const value = field
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${nameOf(field)}:${value}`;
}

/** A line without the spaces and tabs at its end (by hand: a regex anchored at the end rescans each run of them). */
function trimWsp(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(0, end);
}

/** A body canonicalized (RFC 6376 §3.4.3 simple, §3.4.4 relaxed). */
export function canonBody(body: string, relaxed: boolean): string {
  const lines = body.split('\r\n');
  const canon = relaxed ? lines.map((l) => trimWsp(l).replace(/[ \t]+/g, ' ')) : lines;
  // Empty lines at the end are ignored; a body that is not empty ends with one CRLF.
  let end = canon.length;
  while (end > 0 && canon[end - 1] === '') end--;
  if (end === 0) return relaxed ? '' : '\r\n';
  return `${canon.slice(0, end).join('\r\n')}\r\n`;
}

/** One signature, ready to be checked: what is hashed and signed, and what it should match. */
export interface SignatureCheck {
  /** A DKIM-Signature, an ARC-Message-Signature or an ARC-Seal (RFC 8617 §4.1). */
  kind: 'dkim' | 'ams' | 'seal';
  /** i= of an ARC field, else null. */
  instance: number | null;
  /** d= and s=, lowercased domain. */
  domain: string;
  selector: string;
  /** a=, lowercased ("rsa-sha256", "ed25519-sha256", "rsa-sha1"…). */
  algorithm: string;
  /** c=, "header/body". */
  canon: string;
  /** The body canonicalized, whole (l= is counted in octets by the checker); '' for a seal. */
  body: string;
  /** l=, when given. */
  length: number | null;
  /** bh=, base64; null for a seal, which signs no body. */
  bodyHash: string | null;
  /** b=, base64 without whitespace. */
  signature: string;
  /** The header fields signed, canonicalized, then this signature field with b= empty (no final CRLF): what b= signs. */
  signed: string;
  /** The names h= lists, in order (a seal's: the ARC fields it seals). */
  names: string[];
  /** x=, in seconds since 1970, when given. */
  expires: number | null;
  /** What makes it unverifiable before any key is asked for (a missing tag, an unknown canonicalization), or null. */
  broken: string | null;
}

/** The signature field with its b= value taken out (RFC 6376 §3.7), the rest as written. */
function withoutB(field: string): string {
  const colon = field.indexOf(':');
  const value = field.slice(colon + 1).replace(/(^|;)([ \t\r\n]*b[ \t\r\n]*=)[^;]*/i, '$1$2');
  return `${field.slice(0, colon + 1)}${value}`;
}

/** Tags each kind of signature must have (RFC 6376 §3.5; RFC 8617 §4.1.2, §4.1.3). */
const REQUIRED: Readonly<Record<SignatureCheck['kind'], readonly string[]>> = {
  dkim: ['v', 'a', 'b', 'bh', 'd', 'h', 's'],
  ams: ['i', 'a', 'b', 'bh', 'd', 'h', 's'],
  seal: ['i', 'a', 'b', 'cv', 'd', 's'],
};

/** The header fields h= names, canonicalized, each taken from the bottom up (a name listed twice takes the next instance above, RFC 6376 §5.4.2). */
function pickSigned(fields: readonly string[], names: readonly string[], relaxed: boolean): string {
  const used = new Set<number>();
  let signed = '';
  for (const name of names) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (used.has(i) || nameOf(fields[i]!) !== name) continue;
      used.add(i);
      signed += `${canonHeader(fields[i]!, relaxed)}\r\n`;
      break;
    }
  }
  return signed;
}

/** One signature field read: `sealed`, for a seal, the ARC fields it seals (canonicalized, each with its CRLF). */
function buildCheck(msg: RawMessage, field: string, kind: SignatureCheck['kind'], sealed = ''): SignatureCheck {
  const tags = tagList(field.slice(field.indexOf(':') + 1));
  // A seal's fields are relaxed, always (RFC 8617 §4.1.3); it signs no body.
  const [h = 'simple', b = 'simple'] = (kind === 'seal' ? 'relaxed/relaxed' : (tags.get('c') ?? 'simple/simple')).toLowerCase().split('/');
  const names = kind === 'seal' ? [] : colonList(tags.get('h'));
  const missing = REQUIRED[kind].filter((t) => !tags.has(t));
  const l = tags.get('l');
  const x = tags.get('x');
  const broken =
    missing.length > 0
      ? `without ${missing.map((t) => `${t}=`).join(', ')}`
      : ![h, b].every((c) => c === 'simple' || c === 'relaxed')
        ? `c=${tags.get('c')}: no such canonicalization`
        : l !== undefined && !/^\d{1,15}$/.test(l)
          ? `l=${l}: not a length`
          : kind === 'ams' && names.includes('arc-seal')
            ? 'h= lists ARC-Seal, which a message signature must not sign (RFC 8617 §4.1.2)'
            : null;
  const i = tags.get('i');
  return {
    kind,
    instance: kind !== 'dkim' && i !== undefined && /^\d{1,2}$/.test(i) ? Number(i) : null,
    domain: (tags.get('d') ?? '').toLowerCase(),
    selector: tags.get('s') ?? '',
    algorithm: (tags.get('a') ?? '').toLowerCase(),
    canon: `${h}/${b}`,
    body: kind === 'seal' ? '' : canonBody(msg.body, b === 'relaxed'),
    length: l !== undefined && /^\d{1,15}$/.test(l) ? Number(l) : null,
    bodyHash: kind === 'seal' ? null : (tags.get('bh') ?? ''),
    signature: tags.get('b') ?? '',
    signed: `${kind === 'seal' ? sealed : pickSigned(msg.fields, names, h === 'relaxed')}${canonHeader(withoutB(field), h === 'relaxed')}`,
    names,
    expires: x !== undefined && /^\d{1,12}$/.test(x) ? Number(x) : null,
    broken,
  };
}

/** The message's DKIM signatures (at most MAX_VERIFIED, the newest first), each ready to be checked. */
export function signatureChecks(msg: RawMessage): SignatureCheck[] {
  return msg.fields
    .filter((f) => nameOf(f) === 'dkim-signature')
    .slice(0, MAX_VERIFIED)
    .map((f) => buildCheck(msg, f, 'dkim'));
}

const ARC_NAMES: Readonly<Record<string, string>> = {
  'arc-authentication-results': 'ARC-Authentication-Results',
  'arc-message-signature': 'ARC-Message-Signature',
  'arc-seal': 'ARC-Seal',
};

/** Sets an ARC chain may have (RFC 8617 §4.2.1). */
const MAX_ARC_SETS = 50;

/** A message's ARC chain (RFC 8617): its sets, and what to check of it, or why it is broken before any key is asked for. */
export interface ArcChain {
  sets: number;
  /** What breaks the chain as it is written (a set missing, a cv= out of order), or null. */
  problem: string | null;
  /** The newest set's message signature, then each seal from the newest down (RFC 8617 §5.2); none when broken. */
  checks: SignatureCheck[];
  /** The first hop's ARC-Authentication-Results, after its "i=1;": what it found before anyone forwarded the message. */
  first: string | null;
}

/** The ARC chain of a message, or null when it has no ARC field. */
export function arcChain(msg: RawMessage): ArcChain | null {
  const byName: Record<string, Map<number, string[]>> = { 'arc-seal': new Map(), 'arc-message-signature': new Map(), 'arc-authentication-results': new Map() };
  for (const field of msg.fields) {
    const sets = byName[nameOf(field)];
    if (sets === undefined) continue;
    const value = field.slice(field.indexOf(':') + 1);
    const i = nameOf(field) === 'arc-authentication-results' ? /^\s*i\s*=\s*(\d{1,2})\s*;/.exec(value)?.[1] : tagList(value).get('i');
    const n = i !== undefined && /^\d{1,2}$/.test(i) ? Number(i) : 0;
    sets.set(n, [...(sets.get(n) ?? []), field]);
  }
  const instances = Object.values(byName).flatMap((m) => [...m.keys()]);
  if (instances.length === 0) return null;
  const sets = Math.max(...instances);
  const one = (name: string, i: number): string | null => (byName[name]!.get(i)?.length === 1 ? byName[name]!.get(i)![0]! : null);
  const first = one('arc-authentication-results', 1)?.replace(/^[^:]*:\s*i\s*=\s*1\s*;\s*/i, '') ?? null;
  const broken = (problem: string): ArcChain => ({ sets, problem, checks: [], first });
  if (instances.includes(0) || sets > MAX_ARC_SETS) return broken(sets > MAX_ARC_SETS ? `more than ${MAX_ARC_SETS} sets` : 'an ARC field without a valid i=');
  for (let i = 1; i <= sets; i++) {
    for (const name of ['arc-authentication-results', 'arc-message-signature', 'arc-seal']) {
      if (one(name, i) === null) return broken(`set ${i} has ${byName[name]!.get(i)?.length ?? 0} ${ARC_NAMES[name]} fields, where it must have one`);
    }
    const cv = (tagList(one('arc-seal', i)!.slice(one('arc-seal', i)!.indexOf(':') + 1)).get('cv') ?? '').toLowerCase();
    const want = i === 1 ? 'none' : 'pass';
    if (i === sets && cv === 'fail') return broken(`the newest sealer (i=${i}) found the chain already broken (cv=fail)`);
    if (cv !== want) return broken(`the seal of set ${i} says cv=${cv || '(none)'}, where ${i === 1 ? 'the first' : 'a later'} one must say cv=${want}`);
  }
  // A seal signs the sets up to its own, oldest first: each set's results, message signature and seal (RFC 8617 §5.1.1).
  const seals: SignatureCheck[] = [];
  let sealed = '';
  for (let i = 1; i <= sets; i++) {
    const seal = one('arc-seal', i)!;
    sealed += `${canonHeader(one('arc-authentication-results', i)!, true)}\r\n${canonHeader(one('arc-message-signature', i)!, true)}\r\n`;
    seals.unshift(buildCheck(msg, seal, 'seal', sealed));
    sealed += `${canonHeader(seal, true)}\r\n`;
  }
  return { sets, problem: null, checks: [buildCheck(msg, one('arc-message-signature', sets)!, 'ams'), ...seals], first };
}

/** What checking one signature came to. */
export type CheckOutcome =
  | { kind: 'pass'; bits: number | null; testing: boolean; unsigned: number }
  | { kind: 'body'; bits: number | null }
  | { kind: 'signature'; bits: number | null }
  | { kind: 'no-key' }
  | { kind: 'revoked' }
  | { kind: 'lookup'; detail: string }
  /** The key or the signature could not be used: `detail` says why (an unknown algorithm, a key of another type…). */
  | { kind: 'unusable'; detail: string }
  | { kind: 'weak'; bits: number };

export interface DkimVerifyReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** The signed fields named, shortened. */
function namesShown(names: readonly string[]): string {
  const unique = [...new Set(names)];
  return unique.length <= 6 ? unique.join(', ') : `${unique.slice(0, 6).join(', ')} and ${unique.length - 6} more`;
}

/** One signature's outcome, with what to do; `now` in seconds since 1970. */
export function readCheck(c: SignatureCheck, o: CheckOutcome, now: number): Finding[] {
  const who = `${c.kind === 'dkim' ? '' : `${c.kind === 'ams' ? 'ARC-Message-Signature' : 'ARC-Seal'} i=${c.instance} `}d=${c.domain} s=${c.selector}`;
  const key = `${c.selector}._domainkey.${c.domain}`;
  const bits = 'bits' in o && o.bits !== null ? `, a ${o.bits}-bit key` : '';
  const out: Finding[] = [];
  switch (o.kind) {
    case 'pass': {
      const expired = c.expires !== null && c.expires < now;
      out.push({
        tone: expired ? 'warn' : 'ok',
        text: `${who} (${c.algorithm}${bits}): verifies: ${c.kind === 'seal' ? `the ARC sets up to ${c.instance} are as sealed` : `the body and the fields it signs (${namesShown(c.names)}) are as signed`}${expired ? `, but it expired ${new Date(c.expires! * 1000).toISOString()} (x=): receivers take it as invalid now` : ''}`,
      });
      if (o.unsigned > 0) out.push({ tone: 'warn', text: `${who}: l=${c.length} signs only the body's first ${c.length} octets: ${o.unsigned} more after them were not signed (appended on the way, or by anyone: RFC 6376 §8.2)` });
      if (o.testing) out.push({ tone: 'info', text: `${who}: its key says t=y, testing: receivers may treat the signature as unsigned` });
      break;
    }
    case 'body':
      out.push({
        tone: 'bad',
        text: `${who} (${c.algorithm}${bits}): the body hash does not match (bh=): the body was changed after it was signed: a footer or disclaimer added by a list or a gateway, text re-encoded on the way${c.canon.endsWith('/simple') ? ' (c=…/simple: a trailing space or a re-wrapped line is a change too)' : ''}; or lost in the copy: line ends, trailing spaces or 8-bit text pasted differ from what was sent (open the message's .eml file rather than paste it, to rule that out)`,
      });
      break;
    case 'signature':
      out.push({
        tone: 'bad',
        text:
          c.kind === 'seal'
            ? `${who} (${c.algorithm}${bits}): the seal does not verify: an ARC field of the sets up to ${c.instance} was changed after it was sealed, or the key at ${key} is not the one it sealed with`
            : `${who} (${c.algorithm}${bits}): the body is as signed, but the signature does not verify: a signed field (${namesShown(c.names)}) was changed on the way (a Subject tagged, a From rewritten, a field re-folded${c.canon.startsWith('simple/') ? ' under c=simple/…' : ''}), or the key at ${key} is not the one it was signed with (a key rotated too early)`,
      });
      break;
    case 'no-key':
      out.push({ tone: 'bad', text: `${who}: no key published at ${key}: receivers find the signature invalid (permerror, RFC 6376 §6.1.2); publish the key, or sign with a selector whose key is published` });
      break;
    case 'revoked':
      out.push({ tone: 'bad', text: `${who}: the key at ${key} is revoked (p= is empty): receivers find the signature invalid (RFC 6376 §3.6.1)` });
      break;
    case 'lookup':
      out.push({ tone: 'warn', text: `${who}: the key could not be looked up (${o.detail}): nothing verified; try again` });
      break;
    case 'unusable':
      out.push({ tone: 'bad', text: `${who}: ${o.detail}` });
      break;
    case 'weak':
      out.push({ tone: 'bad', text: `${who}: a ${o.bits}-bit RSA key: receivers refuse keys under 1024 bits (RFC 8301 §3.2), so the signature fails whatever it says; publish a 2048-bit key` });
      break;
  }
  return out;
}

/** The ARC chain as its checks came out (RFC 8617 §5.2): valid only if the newest message signature and every seal verify. */
function readArc(chain: ArcChain, outcomes: readonly CheckOutcome[], now: number): Finding[] {
  const found = chain.first === null ? null : authResults(chain.first);
  const first = found === null || found.results.length === 0 ? '' : `; before any forwarding, the first hop (${found.server}) found ${found.results.slice(0, 6).map((r) => `${r.method}=${r.result}`).join(', ')}`;
  const sets = `${chain.sets} ARC set${chain.sets === 1 ? '' : 's'}`;
  if (chain.problem !== null) return [{ tone: 'bad', text: `ARC: ${sets}, a broken chain: ${chain.problem}; receivers take it as cv=fail (RFC 8617 §5.2)${first}` }];
  const failed = chain.checks.map((c, i) => ({ c, o: outcomes[i]! })).filter(({ o }) => o.kind !== 'pass');
  if (failed.length === 0) {
    const sealers = [...new Set(chain.checks.filter((c) => c.kind === 'seal').reverse().map((c) => c.domain))].join(', then ');
    return [
      {
        tone: 'ok',
        text: `ARC: ${sets}, a valid chain (sealed by ${sealers}): a receiver that trusts ${chain.sets === 1 ? 'that sealer' : 'these sealers'} may deliver the message though forwarding broke its SPF or DKIM (RFC 8617 §7.2)${first}`,
      },
    ];
  }
  return [{ tone: 'bad', text: `ARC: ${sets}, the chain does not verify (cv=fail for the next hop):` }, ...failed.flatMap(({ c, o }) => readCheck(c, o, now))];
}

/** The report of a message's signatures checked (DKIM in the order they are in the message), and its ARC chain. */
export function readChecks(checks: readonly { check: SignatureCheck; outcome: CheckOutcome }[], now: number, chain: ArcChain | null = null): DkimVerifyReport {
  const dkim = checks.filter(({ check }) => check.kind === 'dkim');
  const findings = dkim.flatMap(({ check, outcome }) => readCheck(check, outcome, now));
  if (chain !== null) findings.push(...readArc(chain, checks.filter(({ check }) => check.kind !== 'dkim').map(({ outcome }) => outcome), now));
  return {
    head: `the message's ${dkim.length > 0 ? 'DKIM signatures' : ''}${dkim.length > 0 && chain !== null ? ' and ' : ''}${chain !== null ? 'ARC chain' : ''}, verified here with the keys published now, as a receiver verifies them (RFC 6376 §6.1${chain !== null ? ', RFC 8617 §5.2' : ''}):`,
    findings,
    good: !findings.some((f) => f.tone === 'bad' || f.tone === 'warn'),
  };
}
