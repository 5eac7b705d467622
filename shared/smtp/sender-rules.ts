/**
 * The big mailbox providers' rules for senders, checked against one message as it was received (its header fields
 * pasted from the receiver's "Show original"): Gmail's and Yahoo's since 2024 for every sender and for bulk senders
 * (5,000 messages a day or more), Outlook.com's for high-volume senders since 2025. What the header fields show of
 * them: SPF, DKIM and DMARC as the receiver found them (its Authentication-Results, the topmost), TLS and the sending
 * address's reverse DNS on the hop into the receiver (its Received field), the fields Gmail refuses mail without
 * (one From:, Date:, Message-ID:; RFC 5322 §3.6), and one-click unsubscribe (List-Unsubscribe with an https URI and
 * List-Unsubscribe-Post, both covered by a DKIM signature: RFC 8058). What they cannot show (the spam rate, the
 * unsubscribe link in the body, forward-confirmed DNS) is named with the command or place that shows it. Pure.
 */
import { colonList, tagList } from './dkim.js';
import { alignedByName, sharedParent } from './dkim-signature.js';
import { uncommented, type AuthResult } from './header-fields.js';
import type { Finding } from './types.js';

/** Where the rules are written down, said once at the head. */
const RULES_PAGE = 'https://support.google.com/a/answer/81126';

type Fields = readonly (readonly [string, string])[];

/** The domain of an address or of a property's value ("bob@example.org", "@example.org", "example.org"). */
function domainOf(value: string | undefined): string | null {
  const d = value?.replace(/^.*@/, '').replace(/[<>]/g, '').trim().toLowerCase();
  return d === undefined || d === '' ? null : d;
}

/** The sending address as the receiver found it: in its SPF result (a property or its comment) or Received-SPF. */
function sendingAddress(results: readonly AuthResult[], all: Fields): string | null {
  const spf = results.find((r) => r.method === 'spf');
  const fromProps = spf?.props.get('smtp.remote-ip') ?? spf?.props.get('smtp.client-ip');
  if (fromProps !== undefined) return fromProps;
  // Gmail "designates 192.0.2.1 as permitted sender", Microsoft 365 "sender IP is 192.0.2.1".
  const said = /designates ([0-9a-f.:]{3,45}) as|sender IP is ([0-9a-f.:]{3,45})/i.exec(spf?.comment ?? '');
  if (said !== null) return said[1] ?? said[2] ?? null;
  const received = all.find(([n]) => n === 'received-spf')?.[1];
  return /client-ip\s*=\s*([0-9a-f.:]{3,45})/i.exec(received ?? '')?.[1] ?? null;
}

/** A Received field's "from" part: what it says of the client, before "by" names the server. */
const fromPart = (hop: string): string => hop.split(/\bby\b/i)[0] ?? '';

/** The Received field the receiver wrote for the sender's connection: the one naming the sending address, else the newest with a "from". */
function entryHop(all: Fields, address: string | null): string | null {
  const received = all.filter(([n]) => n === 'received').map(([, v]) => v);
  // "[192.0.2.1]" as most write it, "(192.0.2.1)" as Microsoft 365 does.
  const named = address === null ? undefined : received.find((v) => [`[${address}]`, `[IPv6:${address}]`, `(${address})`].some((a) => fromPart(v).includes(a)));
  return named ?? received.find((v) => /^\s*from\s/i.test(v)) ?? null;
}

/** TLS on a hop, from its protocol (RFC 3848: ESMTPS, ESMTPSA…) or the TLS version or cipher its server notes. */
function tlsOf(hop: string): boolean | null {
  if (/\b(?:version=TLS|using TLS|TLSv?1[._]\d|tls TLS_|cipher=)/i.test(hop)) return true;
  // Microsoft 365 notes the TLS version after its server's name when there was TLS, and nothing when there was none.
  if (/\bwith Microsoft SMTP Server\b/i.test(hop)) return false;
  const proto = /\bwith\s+([A-Za-z0-9]+)/i.exec(uncommented(hop))?.[1]?.toUpperCase();
  if (proto === undefined) return null;
  if (/^(?:E?SMTPS|UTF8SMTPS|LMTPS|ESMTPSA|UTF8SMTPSA|LMTPSA)$/.test(proto)) return true;
  if (/^(?:SMTP|ESMTP|ESMTPA|UTF8SMTP|UTF8SMTPA|LMTP|LMTPA)$/.test(proto)) return false;
  return null;
}

/** The reverse DNS name the receiver found for the sending address, '' when it found none, null when the hop does not say. */
function reverseName(hop: string): string | null {
  const from = fromPart(hop);
  // Exim: "from mail.example.org ([192.0.2.1] helo=…)" with a name, "from [192.0.2.1] (helo=…)" without one.
  if (/\(Exim\b/i.test(hop)) {
    if (/^\s*from\s+\[/i.test(from)) return '';
    return /^\s*from\s+([a-z0-9.-]+\.[a-z0-9-]+)\s+\(\[/i.exec(from)?.[1]?.toLowerCase() ?? null;
  }
  // Postfix "(unknown [192.0.2.1])", Sendmail "([192.0.2.1])": no name found.
  if (/\(unknown \[|\(\s*\[(?:IPv6:)?[0-9a-f.:]+\]/i.test(from)) return '';
  // Postfix, Sendmail, Gmail "(mail.example.org. [192.0.2.1])".
  return /\(([a-z0-9.-]+\.[a-z0-9-]+)\.? \[(?:IPv6:)?[0-9a-f.:]+\]/i.exec(from)?.[1]?.toLowerCase() ?? null;
}

/** The receiver's results of authentication: SPF, DKIM (any signature passing) and DMARC, judged by the rules. */
function authentication(results: readonly AuthResult[], fromDomain: string | null): Finding[] {
  const spf = results.find((r) => r.method === 'spf');
  const dkims = results.filter((r) => r.method === 'dkim');
  const dmarc = results.find((r) => r.method === 'dmarc');
  const spfPass = spf?.result === 'pass';
  const dkimPass = dkims.find((r) => r.result === 'pass');
  const out: Finding[] = [];
  const named = (r: AuthResult | undefined, m: string): string => (r === undefined ? `no ${m.toUpperCase()} result` : `${m}=${r.result}`);
  out.push(
    spfPass || dkimPass !== undefined
      ? { tone: 'ok', text: `every sender: SPF or DKIM passes (${named(spf, 'spf')}, ${named(dkimPass ?? dkims[0], 'dkim')})` }
      : { tone: 'bad', text: `every sender: SPF or DKIM must pass, and neither did (${named(spf, 'spf')}, ${named(dkims[0], 'dkim')}): Gmail refuses such mail (5.7.26) or files it as spam` },
  );
  out.push(
    spfPass && dkimPass !== undefined
      ? { tone: 'ok', text: 'bulk senders: SPF and DKIM both pass' }
      : { tone: 'warn', text: `bulk senders: SPF and DKIM must both pass; ${spfPass ? 'DKIM did not' : dkimPass !== undefined ? 'SPF did not' : 'neither did'}` },
  );
  // DMARC as the receiver found it; where it wrote no result, alignment by name from what passed.
  const spfDomain = spfPass ? domainOf(spf.props.get('smtp.mailfrom') ?? spf.props.get('smtp.helo')) : null;
  const dkimDomain = dkimPass === undefined ? null : domainOf(dkimPass.props.get('header.d') ?? dkimPass.props.get('header.i'));
  const from = domainOf(dmarc?.props.get('header.from')) ?? fromDomain;
  const aligned = from !== null && [spfDomain, dkimDomain].some((d) => d !== null && alignedByName(d, from));
  // Not aligned by name, but under a parent both share: aligned if that is the organizational domain (no PSL here).
  const sibling = aligned || from === null ? null : siblingOf(from, [['SPF', spfDomain], ['DKIM', dkimDomain]]);
  const look = from === null ? '' : `; /mx ${from} shows its DMARC record`;
  if (dmarc?.result === 'pass') out.push({ tone: 'ok', text: `bulk senders: DMARC passes for ${from ?? 'the From: domain'} (SPF or DKIM aligned with it)` });
  // Microsoft 365's "bestguesspass": no DMARC record, though one would have passed.
  else if (dmarc?.result === 'none' || dmarc?.result === 'bestguesspass') out.push({ tone: 'warn', text: `bulk senders: a DMARC record is required (p=none is enough), and ${from ?? 'the From: domain'} publishes none: publish "v=DMARC1; p=none; rua=mailto:…" at _dmarc.${from ?? 'DOMAIN'}` });
  else if (dmarc !== undefined) out.push({ tone: 'bad', text: `bulk senders: DMARC must pass, and it did not (dmarc=${dmarc.result})${aligned ? '' : `: ${unaligned(spfDomain, dkimDomain, from)}`}${look}` });
  else if (from !== null) {
    out.push(
      aligned
        ? { tone: 'ok', text: `bulk senders: ${from}, the From: domain, is aligned with ${spfDomain !== null && alignedByName(spfDomain, from) ? 'SPF' : 'DKIM'} (no DMARC result recorded${look})` }
        : sibling !== null
          ? { tone: 'info', text: `bulk senders: ${from}, the From: domain, and ${sibling.domain}, which ${sibling.who} passed for, are both under ${sibling.parent}: aligned if that is their organizational domain (relaxed alignment, the default: RFC 7489 §3.2), not if the DMARC record asks for strict alignment (aspf=s, adkim=s)${look}` }
          : { tone: 'warn', text: `bulk senders: the From: domain must be aligned with SPF's or DKIM's: ${unaligned(spfDomain, dkimDomain, from)}${look}` },
    );
  }
  return out;
}

/** The first domain that passed (SPF's, DKIM's) under a parent it shares with the From: domain (sharedParent), or null. */
function siblingOf(from: string, passed: readonly (readonly [string, string | null])[]): { who: string; domain: string; parent: string } | null {
  for (const [who, domain] of passed) {
    const parent = domain === null ? null : sharedParent(domain, from);
    if (domain !== null && parent !== null) return { who, domain, parent };
  }
  return null;
}

/** Why DMARC found nothing aligned: nothing passed, or what passed was for other domains than the From: one. */
function unaligned(spf: string | null, dkim: string | null, from: string | null): string {
  const whose = from ?? 'the From: domain';
  if (spf === null && dkim === null) return `neither SPF nor DKIM passed, so nothing passed for ${whose}`;
  const passed = [spf === null ? '' : `SPF for ${spf}`, dkim === null ? '' : `DKIM for ${dkim}`].filter((x) => x !== '').join(' and ');
  return `${passed} passed, not for ${whose} (a service sending for you: its SPF domain or its DKIM key must be under ${whose})`;
}

/** The hop into the receiver: TLS and the sending address's reverse DNS. */
function connection(hop: string, address: string | null): Finding[] {
  const out: Finding[] = [];
  const tls = tlsOf(hop);
  if (tls === true) out.push({ tone: 'ok', text: 'every sender: sent over TLS (the receiver\'s Received field says so)' });
  else if (tls === false) out.push({ tone: 'bad', text: "every sender: mail must come over TLS, and the receiver's Received field shows none (no ESMTPS, no TLS version): turn STARTTLS on where it is sent from" });
  const ip = address ?? /\[(?:IPv6:)?([0-9a-f.:]{3,45})\]/i.exec(fromPart(hop))?.[1] ?? null;
  const rdns = reverseName(hop);
  const check = ip === null ? '' : `; /rdns ${ip} checks that it resolves back`;
  if (rdns === '') out.push({ tone: 'bad', text: `every sender: the sending address needs reverse DNS (a PTR record) that resolves back to it, and the receiver found none for ${ip ?? 'it'}${check}` });
  else if (rdns !== null) {
    // Sendmail's "(may be forged)": the name does not resolve back to the address.
    const forged = /may be forged/i.test(hop);
    out.push({ tone: forged ? 'warn' : 'ok', text: `every sender: the sending address${ip === null ? '' : ` (${ip})`} has reverse DNS, ${rdns}${forged ? ', which does not resolve back to it ("may be forged")' : ''}${check}` });
  }
  return out;
}

/** One From:, a Date: and a Message-ID:, as Gmail wants every message formatted (RFC 5322 §3.6). */
function format(all: Fields): Finding[] {
  const count = (name: string): number => all.filter(([n]) => n === name).length;
  const froms = count('from');
  const lacking = [count('date') === 0 ? 'Date:' : '', count('message-id') === 0 ? 'Message-ID:' : ''].filter((x) => x !== '');
  const out: Finding[] = [];
  if (froms > 1) out.push({ tone: 'bad', text: `every sender: ${froms} From: fields, where RFC 5322 (§3.6) allows one: Gmail refuses the message` });
  const id = all.find(([n]) => n === 'message-id')?.[1] ?? '';
  // Gmail writes a Message-ID of its own where the one sent was missing or broken, and says so in it.
  const added = /SMTPIN_ADDED_(MISSING|BROKEN)/i.exec(id)?.[1]?.toUpperCase();
  if (lacking.length > 0) out.push({ tone: 'bad', text: `every sender: no ${lacking.join(' or ')} field in what was pasted: RFC 5322 (§3.6) asks for them, and Gmail refuses mail without a Message-ID (5.7.1)` });
  else if (added !== undefined) out.push({ tone: 'bad', text: `every sender: the Message-ID is Gmail's (SMTPIN_ADDED_${added}): the message came ${added === 'MISSING' ? 'without one' : 'with a broken one'}; Gmail refuses such mail too (5.7.1): write "<unique@your.domain>" (RFC 5322 §3.6.4)` });
  else if (!/^\s*<[^<>@\s]+@[^<>@\s]+>\s*$/.test(id)) out.push({ tone: 'warn', text: `every sender: the Message-ID "${id.slice(0, 80)}" is not "<unique@domain>" as RFC 5322 (§3.6.4) writes it: Gmail replaces or refuses a broken one` });
  else if (froms === 1) out.push({ tone: 'ok', text: 'every sender: one From:, a Date: and a Message-ID: (RFC 5322 §3.6)' });
  return out;
}

/** One-click unsubscribe (RFC 8058): for bulk senders' marketing and subscribed mail. */
function unsubscribe(all: Fields): Finding[] {
  const list = all.find(([n]) => n === 'list-unsubscribe')?.[1];
  const post = all.find(([n]) => n === 'list-unsubscribe-post')?.[1];
  if (list === undefined) {
    const bulk = all.some(([n, v]) => n === 'list-id' || (n === 'precedence' && /^\s*(bulk|list)\b/i.test(v)));
    return [
      bulk
        ? { tone: 'warn', text: 'bulk senders: list mail (List-Id or Precedence: bulk) without List-Unsubscribe: marketing and subscribed mail must offer one-click unsubscribe (RFC 8058)' }
        : { tone: 'info', text: 'no List-Unsubscribe: only bulk senders\' marketing and subscribed mail must offer one-click unsubscribe (RFC 8058)' },
    ];
  }
  const problems: string[] = [];
  // Each URI on its own: a search for "<https://…>" from every "<" of a hostile field would be quadratic.
  if (!list.split(',').some((u) => /^<https:\/\/[^>\s]+>$/i.test(u.trim()))) problems.push('List-Unsubscribe has no https URI (a mailto: alone is not one click; RFC 8058 §3.1)');
  if (post === undefined) problems.push('no List-Unsubscribe-Post field');
  else if (post.trim() !== 'List-Unsubscribe=One-Click') problems.push(`List-Unsubscribe-Post is "${post.slice(0, 60)}", not "List-Unsubscribe=One-Click" (RFC 8058 §3.1)`);
  const covered = all.some(([n, v]) => {
    if (n !== 'dkim-signature') return false;
    const h = colonList(tagList(v).get('h'));
    return h.includes('list-unsubscribe') && h.includes('list-unsubscribe-post');
  });
  if (!covered) problems.push('no DKIM signature covers List-Unsubscribe and List-Unsubscribe-Post (h=), which RFC 8058 §4 requires');
  return problems.length === 0
    ? [{ tone: 'ok', text: 'bulk senders: one-click unsubscribe offered (an https List-Unsubscribe, List-Unsubscribe-Post, both signed); a visible link in the body is asked for too' }]
    : problems.map((p) => ({ tone: 'warn', text: `bulk senders, one-click unsubscribe: ${p}` }));
}

/**
 * The rules as this message met them, or nothing when the fields pasted show none of it. `all`: the header fields,
 * [name lowercased, value] in order, newest first as a message carries them; `results`: the receiver's (its
 * Authentication-Results field, the topmost, as authResults read it).
 */
export function senderRules(all: Fields, fromDomain: string | null, results: readonly AuthResult[]): Finding[] {
  const address = sendingAddress(results, all);
  const hop = entryHop(all, address);
  const whole = all.some(([n]) => n === 'from') && all.some(([n]) => n === 'subject' || n === 'to');
  const body: Finding[] = [
    ...(results.length > 0 ? authentication(results, fromDomain) : []),
    ...(hop === null ? [] : connection(hop, address)),
    ...(whole ? [...format(all), ...unsubscribe(all)] : []),
  ];
  if (body.length === 0) return [];
  return [
    { tone: 'info', text: `the big mailbox providers' rules for senders (Gmail and Yahoo since 2024, Outlook.com since 2025; "bulk": 5,000 messages a day or more), as this message met them (${RULES_PAGE}):` },
    ...body,
    { tone: 'info', text: 'not in the header fields: a spam rate kept under 0.3 % (Gmail Postmaster Tools, Yahoo\'s Sender Hub show it)' },
  ];
}
