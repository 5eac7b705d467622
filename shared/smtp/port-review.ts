/**
 * `/ports`: a host's mail ports as the bridge found them (server/port-probe.ts), read as an admin reads the
 * results of `telnet host 25`, `telnet host 587` and `openssl s_client -connect host:465`: what each port is for,
 * whether it greeted, and what the pattern means (port 25 dropped while 587 answers: a block on the way, not a
 * host that is down; no submission port: an MX host that only receives). Pure.
 *
 * Rests on RFC 5321 §4.5.4.2 and RFC 5068 (port 25, and access providers blocking it), RFC 6409 §3.1 (submission on
 * 587), RFC 8314 §3.3 (implicit TLS on 465) and RFC 2033 (LMTP).
 */
import { MAX_PROBE_PORTS } from '../protocol/app-limits.js';
import type { PortOutcome, PortsMessage, ProbePort } from '../protocol/messages.js';
import { ALTERNATIVE_SUBMISSION_PORT, LMTP_PORT, SMTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT } from './ports.js';
import { reviewEhlo } from './ehlo-review.js';
import { keywordsOf } from './session.js';
import { isLoopback } from './rdns.js';
import type { Finding } from './types.js';

/** The ports a probe asks for by default, among those the bridge allows: SMTP, both submission ports, 2525. */
export const MAIL_PORTS: readonly number[] = [SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT, ALTERNATIVE_SUBMISSION_PORT];

/**
 * The practice server's ports, when the host probed is its address: its SMTP port, and its port with TLS from the
 * first byte (RFC 8314, as 465 is).
 */
export interface PracticePorts {
  port: number;
  tlsPort: number;
}

/** Implicit TLS where it is the rule (465, the practice server's TLS port), plain text (STARTTLS later) elsewhere. */
export function probePort(port: number, practice: PracticePorts | null = null): ProbePort {
  return { port, tls: port === SUBMISSIONS_PORT || port === practice?.tlsPort ? 'implicit' : 'none' };
}

/**
 * The ports `/ports` dials: those named (`named`), else the mail ports among those the bridge dials (`allowed`), and
 * the practice server's own (`practice`) when the host is its address; or why it dials none (a port named that
 * the bridge does not dial, more than it dials at once, none left).
 */
export function portsToProbe(host: string, named: readonly number[], allowed: readonly number[], practice: PracticePorts | null): { probes: ProbePort[] } | { none: string } {
  const dials = new Set(allowed);
  const refused = named.filter((p) => !dials.has(p));
  if (refused.length > 0) return { none: `this heloterm does not dial port ${refused.join(', ')}: it dials ${allowed.join(', ')} (the operator's --allow-port)` };
  if (named.length > MAX_PROBE_PORTS) return { none: `at most ${MAX_PROBE_PORTS} ports at once: /ports ${host} ${named.slice(0, MAX_PROBE_PORTS).join(' ')}` };
  const wanted = named.length > 0 ? named : [...MAIL_PORTS, ...(practice === null ? [] : [practice.port, practice.tlsPort])].filter((p) => dials.has(p));
  if (wanted.length === 0) return { none: `this heloterm dials none of the mail ports: it dials ${allowed.join(', ')}; name them: /ports ${host} PORT` };
  return { probes: wanted.slice(0, MAX_PROBE_PORTS).map((p) => probePort(p, practice)) };
}

/** What a port is for, in a few words (`practice`: the practice server's ports, when probing its address). */
function purpose(port: number, practice: PracticePorts | null): string {
  if (port === practice?.port) return 'the practice server';
  if (port === practice?.tlsPort) return 'the practice server, TLS at once';
  switch (port) {
    case SMTP_PORT:
      return 'SMTP, server to server';
    case SUBMISSIONS_PORT:
      return 'submission with TLS at once (mail clients)';
    case SUBMISSION_PORT:
      return 'submission (mail clients: STARTTLS, then AUTH)';
    case ALTERNATIVE_SUBMISSION_PORT:
      return 'an alternative to 587 some providers offer';
    case LMTP_PORT:
      return 'LMTP (delivery to mailboxes)';
    default:
      return 'another port';
  }
}

export interface PortsReport {
  head: string;
  findings: Finding[];
  good: boolean;
}

/** The line of one port; `text` is the server's or the error's and is to be shown through showControls. */
function portFinding(p: PortOutcome, practice: PracticePorts | null): Finding {
  const label = `${String(p.port).padEnd(4)} ${purpose(p.port, practice)}:`;
  switch (p.outcome) {
    case 'greeting': {
      const tls = p.tls === null ? '' : `${p.tls.protocol}, certificate ${p.tls.authorized ? 'verified' : `not verified (${p.tls.authorizationError ?? 'unknown reason'})`}; `;
      const code = Number(p.text.slice(0, 3));
      // 554 (RFC 5321 §3.1) or 421 at the greeting: it answers, but will take nothing on this connection.
      if (/^[45]\d\d/.test(p.text)) return { tone: 'warn', text: `${label} answers, and refuses at once: ${tls}${p.text} (${p.ms} ms)${code === 554 ? ': no SMTP service for this client' : ''}` };
      if (!p.text.startsWith('220')) return { tone: 'warn', text: `${label} answers, but not as a mail server: ${tls}${p.text} (${p.ms} ms)` };
      if (p.ehloRefused !== undefined) {
        return {
          tone: 'warn',
          text: `${label} ${tls}${p.text} (${p.ms} ms); EHLO got ${p.ehloRefused}: it greets, then will not talk to this client (the bridge's address; its reverse DNS, a blocklist or a policy); /rdns and /dnsbl of the address it names, or connect and read its words`,
        };
      }
      return { tone: 'ok', text: `${label} ${tls}${p.text} (${p.ms} ms)${offers(p.ehlo)}` };
    }
    case 'held':
      return {
        tone: 'warn',
        text: `${label} ${p.text}, then nothing more within the wait: a greeting held back in two parts, as Postfix's postscreen does to catch clients that talk first (heloterm sent nothing, so as not to be taken for one); connect and wait for the rest`,
      };
    case 'silent':
      return { tone: 'warn', text: `${label} took the connection, then ${p.text}: a greeting held back on purpose, or no mail server there` };
    case 'refused':
      return { tone: 'bad', text: `${label} refused: nothing listens there (the host itself answered)` };
    case 'timeout':
      return { tone: 'bad', text: `${label} no answer: a firewall drops it, on the way or at the host, or the host is down` };
    case 'tls-failed':
      return { tone: 'bad', text: `${label} the TLS handshake failed: ${p.text}` };
    case 'not-dialled':
      return { tone: 'info', text: `${label} not dialled: ${p.text}` };
    case 'error':
      return { tone: 'bad', text: `${label} ${p.text}` };
  }
}

/** What a port offers that decides how it may be used: TLS, logins, the size limit; '' when EHLO got no 250. */
function offers(ehlo: readonly string[] | null): string {
  if (ehlo === null) return '';
  const x = keywordsOf(ehlo);
  const shown = ['STARTTLS', 'AUTH', 'SIZE'].filter((k) => x.has(k)).map((k) => (x.get(k) === '' ? k : `${k} ${x.get(k)}`));
  return `; offers ${shown.length === 0 ? 'none of STARTTLS, AUTH, SIZE' : shown.join(', ')}`;
}

/**
 * What a port's EHLO answer says that is worth a look (ehlo-review.ts, as after EHLO by hand): no STARTTLS, a
 * password mechanism before TLS, a submission port without logins; each named by its port.
 */
function ehloFindings(p: PortOutcome, loopback: boolean, practice: PracticePorts | null): Finding[] {
  if (p.ehlo === null || p.outcome !== 'greeting') return [];
  // 465 (and the practice server's TLS port) is submission over TLS: judged as 587 is once TLS is up.
  const tls = p.tls !== null;
  const review = reviewEhlo(keywordsOf(p.ehlo), { tls, port: p.port === SUBMISSIONS_PORT || p.port === practice?.tlsPort ? SUBMISSION_PORT : p.port, loopback });
  return review.findings.filter((f) => f.tone === 'bad' || f.tone === 'warn').map((f) => ({ tone: f.tone, text: `${p.port}: ${f.text}` }));
}

const greets = (p: PortOutcome | undefined): boolean => p?.outcome === 'greeting' && p.text.startsWith('220');

/** An address's IP version. */
const version = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/**
 * The same ports at the host's address of the other IP version: each as it answered there, and each that greets over
 * one version and not over the other, which delays or loses the mail of senders that try that version.
 */
function otherFamilyFindings(ports: readonly PortOutcome[], other: { address: string; ports: readonly PortOutcome[] }, practice: PracticePorts | null): Finding[] {
  const v = version(other.address);
  const out: Finding[] = [{ tone: 'info', text: `over IPv${v} too, at ${other.address}, the same ports:` }];
  for (const p of other.ports) {
    const f = portFinding(p, practice);
    // On this machine, a port refused on the other loopback address is a server listening on one: no fault.
    out.push({ tone: isLoopback(other.address) && p.outcome === 'refused' ? 'info' : f.tone, text: `IPv${v} ${f.text}` });
  }
  for (const p of ports) {
    const q = other.ports.find((o) => o.port === p.port);
    if (q === undefined || greets(p) === greets(q)) continue;
    const [yes, no, failed] = greets(p) ? [v === 6 ? 4 : 6, v, q] : [v, v === 6 ? 4 : 6, p];
    const mend = `Open the port over IPv${no} as over IPv${yes}, or remove the host's IPv${no} address from DNS (${no === 6 ? 'AAAA' : 'A'} record)`;
    const head = `${p.port} greets over IPv${yes} but not over IPv${no} (${failed.outcome})`;
    if (failed.outcome === 'refused') {
      // Refused at once: a sender goes on to the next address without waiting. On loopback, a local server that
      // listens on one version's address only (as the practice server does) is usual.
      out.push(
        isLoopback(other.address)
          ? { tone: 'info', text: `${head}: on this machine, a server listening on one loopback address only; a client of "localhost" that is refused on one tries the other at once` }
          : { tone: 'warn', text: `${head}: nothing listens there; a sender refused at once tries the host's next address, without delay, but one with no other fails. ${mend}` },
      );
    } else {
      out.push({
        tone: 'bad',
        text: `${head}: a sender that tries the IPv${no} address waits there for its connect timeout before it tries another, so its mail is delayed, or never arrives if it has no other. ${mend}`,
      });
    }
  }
  return out;
}

/** The findings of a probe of `host` (`practice`: the practice server's ports, when `host` is its address). */
export function readPorts(host: string, answer: PortsMessage['answer'], practice: PracticePorts | null = null): PortsReport {
  if (answer.kind === 'none') {
    return { head: `mail ports of ${host}:`, findings: [{ tone: answer.reason === 'not-found' ? 'bad' : 'warn', text: `not probed: ${answer.detail}` }], good: false };
  }
  const at = (port: number): PortOutcome | undefined => answer.ports.find((p) => p.port === port);
  const loopback = isLoopback(answer.address);
  const findings = [...answer.ports.map((p) => portFinding(p, practice)), ...answer.ports.flatMap((p) => ehloFindings(p, loopback, practice))];
  const smtp = at(SMTP_PORT);
  const submission = [at(SUBMISSION_PORT), at(SUBMISSIONS_PORT)].filter((p) => p !== undefined);
  const answered = answer.ports.filter((p) => p.outcome === 'greeting' || p.outcome === 'held' || p.outcome === 'silent' || p.outcome === 'refused');
  if (answer.ports.length > 1 && answer.ports.every((p) => p.outcome === 'timeout')) {
    findings.push({ tone: 'info', text: 'nothing answers at all: the host is down, or a firewall drops everything from this network to it; test from another network' });
  } else if (smtp?.outcome === 'timeout' && answered.length > 0) {
    findings.push({
      tone: 'info',
      text: 'port 25 does not answer while the host does on others: the host is up, and port 25 is blocked, most often on the way out of this network (many ISPs and clouds block outgoing 25), or its firewall admits only some senders. Test from another network (RFC 5068 §3)',
    });
  }
  if (greets(smtp) && submission.length > 0 && !submission.some(greets)) {
    findings.push({ tone: 'info', text: 'no submission port greets: mail clients cannot send through this host; as usual for an MX host that only receives (clients submit to 587 or 465 of another)' });
  }
  if (answer.other !== undefined) findings.push(...otherFamilyFindings(answer.ports, answer.other, practice));
  else if (answer.otherFamily !== undefined) {
    const other = answer.otherFamily.includes(':') ? 6 : 4;
    findings.push({
      tone: 'info',
      text: `${host} has IPv${other} addresses too (${answer.otherFamily}), not dialled: senders that reach it over IPv${other} meet those; choose IPv${other} in the form (IP) and /ports again to check them`,
    });
  }
  if (submission.some(greets) && smtp !== undefined && !greets(smtp)) {
    findings.push({ tone: 'info', text: 'submission answers but port 25 does not greet: this host takes mail from its users, not from other servers; mail for its domain goes to its MX hosts (Find MX)' });
  }
  const good = findings.every((f) => f.tone === 'ok' || f.tone === 'info');
  return { head: `mail ports of ${host} (${answer.address}), each dialled at once: its greeting, what it offers after EHLO, then QUIT`, findings, good };
}
