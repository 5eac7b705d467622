/**
 * The command lines admins type to reach a mail server from a shell, typed into heloterm by habit before it is
 * connected: `telnet mx.example.org 25` (or telnet's own `open mx.example.org 25`), `nc mx.example.org 25`, and
 * `openssl s_client -connect mx.example.org:465` (with `-starttls smtp` for STARTTLS). heloterm reads the host, the
 * port and whether TLS starts at once, and connects there, saying what it does differently from the tool. Pure: no
 * DOM.
 */
import type { IpFamily } from '../../shared/protocol/messages.js';
import { parsePort } from '../ui/url-params.js';

export interface ShellConnect {
  /** The tool as typed ("telnet", "nc", "openssl s_client"). */
  tool: string;
  host: string;
  port: number;
  /** TLS from the first byte (implicit TLS: openssl s_client without -starttls, ncat --ssl). */
  tls: boolean;
  /** `-4` or `-6`: only addresses of that IP version; null for either. */
  family: IpFamily | null;
  /** What heloterm does differently from the tool, or null. */
  note: string | null;
}

/** Service names a shell resolves through /etc/services, for the mail ports. */
const SERVICES: Readonly<Record<string, number>> = { smtp: 25, submission: 587, submissions: 465, smtps: 465, lmtp: 24 };

/** Options that take a value (the next word), per tool: skipped with it when looking for the host and the port. */
const TELNET_VALUED = new Set(['-b', '-e', '-l', '-n', '-S', '-X']);
const NC_VALUED = new Set(['-w', '-q', '-i', '-p', '-s', '-x', '-X', '-W', '-T', '-O', '-I', '-e', '-c', '--proxy', '--proxy-type', '--source', '--source-port', '--wait', '--idle-timeout', '--exec', '--sh-exec']);
const OPENSSL_VALUED = new Set(['-connect', '-starttls', '-servername', '-CAfile', '-CApath', '-cert', '-key', '-proxy', '-name', '-verify', '-host', '-port', '-xmpphost', '-keylogfile', '-sess_out', '-sess_in', '-cipher', '-ciphersuites', '-groups', '-sigalgs', '-alpn', '-verify_hostname']);

function portOf(word: string | undefined): number | null {
  if (word === undefined) return null;
  return parsePort(word) ?? SERVICES[word.toLowerCase()] ?? null;
}

/**
 * The IP version asked for with -4 or -6, the last one given; null for neither. Single-letter options may be
 * grouped (`nc -6vC`); a letter in `valued` takes the rest of its word as its value (`nc -w6` waits 6 s). Long
 * options (`--ssl`) and openssl's one-dash words (`-connect`) are never groups: `grouped` false reads only `-4`
 * and `-6`.
 */
function familyOption(words: readonly string[], valued: ReadonlySet<string>, grouped: boolean): IpFamily | null {
  let family: IpFamily | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!w.startsWith('-') || w.length < 2) continue;
    const letters = grouped && !w.startsWith('--') ? optionLetters(w, valued) : null;
    if (letters === null) {
      if (w === '-4' || w === '-6') family = w === '-4' ? 4 : 6;
      if (valued.has(w)) i++;
      continue;
    }
    const four = letters.letters.lastIndexOf('4');
    const six = letters.letters.lastIndexOf('6');
    if (four !== six) family = four > six ? 4 : 6;
    if (letters.takesNext) i++;
  }
  return family;
}

/**
 * The letters of a group of single-letter options (`-vC6`), up to one that takes a value: the rest of the word is
 * that value (`-w6`), or, when it is the group's last letter, the next word (`-Cw 6`: `takesNext`).
 */
function optionLetters(word: string, valued: ReadonlySet<string>): { letters: string; takesNext: boolean } {
  let at = 1;
  while (at < word.length && !valued.has(`-${word[at] ?? ''}`)) at++;
  return { letters: word.slice(1, at), takesNext: at === word.length - 1 };
}

/**
 * The words that are not options (nor an option's value). `grouped`: single-letter options may be grouped (telnet,
 * nc), and a group whose last letter takes a value takes the next word (`nc -Cw 5 host 25`).
 */
function operands(words: readonly string[], valued: ReadonlySet<string>, grouped = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.startsWith('-') && w.length > 1) {
      if (valued.has(w) || (grouped && !w.startsWith('--') && optionLetters(w, valued).takesNext)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** "host:port", "[v6]:port" or "v6addr" with a port after its last colon, as openssl's -connect takes it. */
function hostPort(text: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\S+)$/.exec(text) ?? /^([^:\s]+):(\S+)$/.exec(text);
  if (m === null) return null;
  const port = portOf(m[2]);
  return port === null ? null : { host: m[1] ?? '', port };
}

/** Where a typed `telnet …`, `open …`, `nc …` or `openssl s_client …` line connects; null for anything else. */
export function shellConnect(line: string): ShellConnect | null {
  const words = line.trim().split(/\s+/);
  // A path to the tool (/usr/bin/telnet) is the tool.
  const tool = (words[0] ?? '').replace(/^.*\//, '').toLowerCase();
  const args = words.slice(1);
  switch (tool) {
    case 'telnet':
    case 'open': {
      const [host, port] = operands(args, TELNET_VALUED, true);
      if (host === undefined) return null;
      const p = port === undefined ? 25 : portOf(port);
      if (p === null) return null;
      const note = port === undefined ? "telnet's own default is port 23; heloterm dialled 25, SMTP's" : null;
      return { tool, host, port: p, tls: false, family: familyOption(args, TELNET_VALUED, true), note };
    }
    case 'nc':
    case 'ncat':
    case 'netcat': {
      const [host, port] = operands(args, NC_VALUED, true);
      const p = portOf(port);
      if (host === undefined || p === null) return null;
      const tls = args.includes('--ssl');
      return { tool, host, port: p, tls, family: familyOption(args, NC_VALUED, true), note: args.includes('-C') || args.includes('--crlf') ? null : 'nc ends lines with a bare LF unless given -C; heloterm always ends them with CRLF, as SMTP wants' };
    }
    case 'openssl': {
      if (args[0] !== 's_client') return null;
      const rest = args.slice(1);
      const at = rest.indexOf('-connect');
      const target = hostPort(at === -1 ? (operands(rest, OPENSSL_VALUED)[0] ?? '') : (rest[at + 1] ?? ''));
      if (target === null) return null;
      const starttls = rest.indexOf('-starttls');
      const proto = starttls === -1 ? null : (rest[starttls + 1] ?? '').toLowerCase();
      if (proto !== null && proto !== 'smtp' && proto !== 'lmtp') return null;
      const how =
        proto === null
          ? 'TLS from the first byte (implicit TLS); heloterm shows the certificate it is given (/tls)'
          : "type EHLO, then STARTTLS: heloterm does the handshake when the server says 220, and shows the certificate (s_client did the EHLO and STARTTLS itself)";
      // -tls1, -tls1_1, -no_tls1_3…: heloterm's connection offers what Node offers; a probe tries each version.
      const pinned = rest.find((w) => /^-(no_)?tls1(_[123])?$/.test(w));
      const note = pinned === undefined ? how : `${how}; ${pinned} is not applied to a connection: /tls versions ${target.host} ${target.port} tries each TLS version by itself`;
      return { tool: 'openssl s_client', ...target, tls: proto === null, family: familyOption(rest, OPENSSL_VALUED, false), note };
    }
    default:
      return null;
  }
}
