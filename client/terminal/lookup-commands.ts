/**
 * heloterm's own commands that ask the bridge to look something up or probe a host (`/mx`, `/dkim`, `/spf`, `/dnsbl`,
 * `/ports`, `/tls versions`, `/tls injection`, `/tls mx`, `/smuggling`, `/rdns`), their arguments read as typed: a domain or an
 * address's domain (in A-labels beyond ASCII), an IP address bracketed or not, ports, mail addresses; a mistake
 * answered with the command's usage. For local-commands.ts, which reads the rest of heloterm's commands. Nothing here
 * sends anything.
 */
import { isProbeAddress } from '../../shared/protocol/app-limits.js';
import { isHostName, isIPv4Literal, isIPv6Literal } from '../../shared/protocol/host.js';
import { showControls } from '../../shared/smtp/escape.js';
import { mxDomain } from '../../shared/smtp/mx.js';
import { asciiAddressDomain } from '../ui/idn.js';
import type { LocalCommand } from './local-commands.js';
import { formatNote } from './render.js';

const text = (t: string): LocalCommand => ({ kind: 'text', text: t });

/** `/mx DOMAIN`: a domain name, or a mail address (its domain). */
export function mxCommand(arg: string): LocalCommand {
  if (arg === '') return text(formatNote('/mx needs a domain: /mx example.org looks up where its mail goes'));
  const typed = typedDomain(arg);
  return typed === null ? text(formatNote(`"${showControls(arg)}" is not a domain name: /mx example.org`)) : { kind: 'mx', ...typed };
}

/**
 * A domain, or an address's domain, as typed, in lower case and A-labels (bücher.de is asked about as
 * xn--bcher-kva.de, as mail servers do: RFC 5891), with a note saying so; null when it is not one.
 */
function typedDomain(typed: string): { domain: string; note?: string } | null {
  const t = typed.trim();
  const ascii = asciiAddressDomain(t);
  const domain = ascii === null ? null : mxDomain(ascii);
  if (domain === null) return null;
  const shown = t.slice(t.lastIndexOf('@') + 1).replace(/\.$/, '');
  return /^[\x00-\x7f]*$/.test(shown) ? { domain } : { domain, note: `${shown} is ${domain} in DNS and to mail servers (IDNA, RFC 5891)` };
}

const DKIM_USAGE = '/dkim needs a selector and a domain, the s= and d= of a DKIM-Signature header: /dkim google example.org';

/**
 * `/dkim SELECTOR DOMAIN`, `/dkim SELECTOR._domainkey.DOMAIN`, or a DKIM-Signature header pasted after /dkim (its
 * s= and d= tags are taken); `/dkim verify`.
 */
export function dkimCommand(args: string): LocalCommand {
  // `/dkim verify`: the signature of the practice server's last report to this page (its bounce), checked.
  if (/^verify$/i.test(args)) return { kind: 'dkim-verify' };
  let selector: string | undefined;
  let domain: string | undefined;
  const tag = (name: string): string | undefined => new RegExp(`(?:^|[;\\s])${name}\\s*=\\s*([^;\\s]+)`, 'i').exec(args)?.[1];
  if (tag('s') !== undefined && tag('d') !== undefined) [selector, domain] = [tag('s'), tag('d')];
  else {
    const words = args.split(/\s+/).filter((w) => w !== '');
    const at = words.length === 1 ? (words[0] ?? '').toLowerCase().indexOf('._domainkey.') : -1;
    if (at > 0) [selector, domain] = [words[0]?.slice(0, at), words[0]?.slice(at + '._domainkey.'.length)];
    else if (words.length === 2) [selector, domain] = words;
  }
  if (selector === undefined || domain === undefined) return text(formatNote(DKIM_USAGE));
  const d = typedDomain(domain);
  if (!isHostName(selector) || d === null) return text(formatNote(`"${showControls(selector)}" and "${showControls(domain)}" are not a selector and a domain: ${DKIM_USAGE}`));
  return { kind: 'dkim', selector: selector.toLowerCase(), ...d };
}

const SPF_USAGE = '/spf needs an address and a domain (or a sender address): /spf 192.0.2.10 example.org';

/**
 * `/spf IP DOMAIN`: the sending address (IPv4 or IPv6, bracketed or not) and the MAIL FROM domain, or a sender
 * address (its domain), in either order.
 */
export function spfCommand(args: string): LocalCommand {
  const words = args.split(/\s+/).filter((w) => w !== '');
  if (words.length !== 2) return text(formatNote(SPF_USAGE));
  const isIp = (w: string): boolean => isIPv4Literal(bareAddress(w)) || isIPv6Literal(bareAddress(w));
  const [first = '', second = ''] = words;
  const [ip, where] = isIp(first) ? [first, second] : isIp(second) ? [second, first] : [null, ''];
  if (ip === null) return text(formatNote(`no IP address in "${showControls(args)}": ${SPF_USAGE}`));
  const domain = typedDomain(where.replace(/^<(.*)>$/, '$1'));
  if (domain === null) return text(formatNote(`"${showControls(where)}" is not a domain name or an address: ${SPF_USAGE}`));
  return { kind: 'spf', ip: bareAddress(ip).toLowerCase(), ...domain };
}

/** An address as typed, without the brackets of an address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"). */
function bareAddress(w: string): string {
  return w.replace(/^\[(?:IPv6:)?(.*)\]$/i, '$1');
}

/**
 * `/dnsbl IP`: an IPv4 or IPv6 address, bracketed or not; `/dnsbl DOMAIN` (or an address's domain, `bad@example.org`;
 * beyond ASCII: its A-labels): the domain lists.
 */
export function dnsblCommand(arg: string): LocalCommand {
  if (arg === '') return { kind: 'dnsbl' };
  const ip = bareAddress(arg);
  if (isIPv4Literal(ip) || isIPv6Literal(ip)) return { kind: 'dnsbl', ip: ip.toLowerCase() };
  // Digits and dots only is an address mistyped, not a domain (no top-level domain is numeric, RFC 3696 §2).
  const domain = /^[\d.]+$/.test(arg) ? null : typedDomain(arg.replace(/^<(.*)>$/, '$1'));
  if (domain !== null) return { kind: 'dbl', ...domain };
  return text(formatNote(`"${showControls(arg)}" is neither an IP address nor a domain: ${DNSBL_USAGE}`));
}

const DNSBL_USAGE = '/dnsbl needs the address mail is sent from, /dnsbl 192.0.2.10, or a domain, /dnsbl example.org';

const PORTS_USAGE = '/ports mx.example.org dials its mail ports (25, 465, 587…) at once and says which answer; /ports mx.example.org 25 587 only those';

/**
 * `/ports [HOST] [PORT…]`: a host name or address (beyond ASCII: its A-labels), and ports; each may be left out.
 * `usage`: what a mistake is answered with.
 */
export function portsCommand(args: string, usage = PORTS_USAGE): LocalCommand {
  let host: string | null = null;
  let note: string | undefined;
  const ports: number[] = [];
  for (const word of args.split(/\s+/).filter((w) => w !== '')) {
    if (/^\d+$/.test(word)) {
      const port = Number(word);
      if (port < 1 || port > 65535) return text(formatNote(`${word} is not a port (1 to 65535): ${usage}`));
      if (!ports.includes(port)) ports.push(port);
      continue;
    }
    const bare = bareAddress(word);
    if (host !== null) return text(formatNote(`one host at a time: ${usage}`));
    if (isIPv4Literal(bare) || isIPv6Literal(bare)) host = bare.toLowerCase();
    else {
      // A single-label name (localhost, a host of the local network) is a host too, if not a mail domain.
      const typed = typedDomain(word) ?? (isHostName(word.toLowerCase()) ? { domain: word.toLowerCase() } : null);
      if (typed === null || !isHostName(typed.domain)) return text(formatNote(`"${showControls(word)}" is not a host name or an address: ${usage}`));
      host = typed.domain;
      note = typed.note;
    }
  }
  return { kind: 'ports', host, ports, ...(note === undefined ? {} : { note }) };
}

const TLS_VERSIONS_USAGE = '/tls versions mx.example.org 25 tries TLS 1.0, 1.1, 1.2 and 1.3 one by one and says which the server accepts';

const TLS_INJECTION_USAGE = '/tls injection mx.example.org 25 writes STARTTLS and NOOP at once and says whether the server answers the NOOP inside TLS';

const TLS_MX_USAGE = '/tls mx example.org tests STARTTLS and the certificate of each MX host of the domain, as sending MTAs meet them';

const TLS_NAME_USAGE = '/tls name mx.example.org says whether the certificate of this connection is for that name (a server dialled by its address, checked for the name senders dial)';

/**
 * `/tls` alone: the certificate of this connection; `/tls versions [HOST] [PORT]`: which TLS versions a port takes;
 * `/tls injection [HOST] [PORT]`: whether it takes commands sent before TLS as sent inside it; `/tls name NAME`:
 * whether this connection's certificate is for NAME; `/tls mx DOMAIN`: STARTTLS and the certificate of each of its MX hosts.
 */
export function tlsCommand(args: string): LocalCommand {
  const [sub = '', ...rest] = args.split(/\s+/).filter((w) => w !== '');
  if (sub === '') return { kind: 'tls' };
  if (/^name$/i.test(sub)) return tlsNameCommand(rest);
  if (/^mx$/i.test(sub)) {
    const [word, ...more] = rest;
    if (word === undefined) return text(formatNote(`/tls mx needs a domain: ${TLS_MX_USAGE}`));
    if (more.length > 0) return text(formatNote(`one domain: ${TLS_MX_USAGE}`));
    const typed = typedDomain(word);
    return typed === null ? text(formatNote(`"${showControls(word)}" is not a domain name: ${TLS_MX_USAGE}`)) : { kind: 'tls-mx', ...typed };
  }
  const versions = /^versions?$/i.test(sub);
  if (!versions && !/^inject(?:ion)?$/i.test(sub)) return text(formatNote(`/tls shows the certificate of this connection; ${TLS_VERSIONS_USAGE}; ${TLS_INJECTION_USAGE}; ${TLS_NAME_USAGE}; ${TLS_MX_USAGE}`));
  const usage = versions ? TLS_VERSIONS_USAGE : TLS_INJECTION_USAGE;
  const target = portsCommand(rest.join(' '), usage);
  if (target.kind !== 'ports') return target;
  if (target.ports.length > 1) return text(formatNote(`one port at a time: ${usage}`));
  const { host, note } = target;
  return { kind: versions ? 'tls-versions' : 'tls-injection', host, port: target.ports[0] ?? null, ...(note === undefined ? {} : { note }) };
}

/** `/tls name NAME`: one host name (beyond ASCII: its A-labels) or address. */
function tlsNameCommand(words: readonly string[]): LocalCommand {
  const [word, ...more] = words;
  if (word === undefined || more.length > 0) return text(formatNote(`one name: ${TLS_NAME_USAGE}`));
  const bare = word.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4Literal(bare) || isIPv6Literal(bare)) return { kind: 'tls-name', host: bare };
  const typed = typedDomain(word) ?? (isHostName(word.toLowerCase()) ? { domain: word.toLowerCase() } : null);
  if (typed === null || !isHostName(typed.domain)) return text(formatNote(`"${showControls(word)}" is not a host name or an address: ${TLS_NAME_USAGE}`));
  return { kind: 'tls-name', host: typed.domain, ...(typed.note === undefined ? {} : { note: typed.note }) };
}

const SMUGGLING_USAGE = '/smuggling mx.example.org you@example.org checks whether the server ends a message at <LF>.<LF> and its kin (one test message to you@example.org each); a port after the host, a sender after the recipient';

/**
 * `/smuggling [HOST] [PORT] TO [FROM]`: the host and port as `/tls versions` reads them, then the recipient (an address
 * the server takes mail for) and the envelope sender (absent: the null sender), each bracketed or not.
 */
export function smugglingCommand(args: string): LocalCommand {
  const words = args.split(/\s+/).filter((w) => w !== '');
  const addresses = words.filter((w) => w.includes('@')).map((w) => w.replace(/^<(.*)>$/, '$1'));
  const [to, from = '', ...more] = addresses;
  if (to === undefined) return text(formatNote(`/smuggling needs the address of a mailbox the server takes mail for: ${SMUGGLING_USAGE}`));
  if (more.length > 0) return text(formatNote(`a recipient and at most a sender: ${SMUGGLING_USAGE}`));
  for (const a of [to, from]) {
    if (a === '') continue;
    if (!/^[\x21-\x7e]+$/.test(a)) return text(formatNote(`"${showControls(a)}" is not in ASCII: this check names addresses in ASCII (a mailbox of the server's own, such as postmaster@)`));
    if (!isProbeAddress(a)) return text(formatNote(`"${showControls(a)}" is not a mail address (local part, @, domain): ${SMUGGLING_USAGE}`));
  }
  const target = portsCommand(words.filter((w) => !w.includes('@')).join(' '), SMUGGLING_USAGE);
  if (target.kind !== 'ports') return target;
  if (target.ports.length > 1) return text(formatNote(`one port at a time: ${SMUGGLING_USAGE}`));
  const { host, note } = target;
  return { kind: 'smuggling', host, port: target.ports[0] ?? null, to, from, ...(note === undefined ? {} : { note }) };
}

/** `/rdns` alone: the server connected to; `/rdns 192.0.2.10`: that address (the one a server's mail is sent from). */
export function rdnsCommand(arg: string): LocalCommand {
  if (arg === '') return { kind: 'rdns' };
  const ip = bareAddress(arg);
  if (isIPv4Literal(ip) || isIPv6Literal(ip)) return { kind: 'rdns', ip: ip.toLowerCase() };
  return text(formatNote(`"${showControls(arg)}" is not an IP address: /rdns alone looks up the server connected to, /rdns 192.0.2.10 that address`));
}
