/**
 * What the terminal answers itself, without the server: Tab completion of SMTP commands and heloterm's own commands:
 * `/help`, `/explain`, `/lesson`, `/tls`, `/mx`, `/dkim`, `/spf`, `/dnsbl`, `/rdns`, `/dane`, `/ports`, `/save`,
 * `/replay`, `/link`, `/log`, `/name`, `/base64`, `/cram-md5` and `/scram`. Lines starting with "/" are never valid
 * SMTP commands (RFC 5321 §4.1.1 verbs are letters), so they cannot collide with anything a server understands.
 * Inside message text they are left alone; in answer to an AUTH challenge, where base64 may begin with "/", only the
 * words of heloterm's own commands are taken (localCommand). The lookups' and probes' arguments are read in
 * lookup-commands.ts.
 */
import { findLesson, pageLessons } from '../../shared/lessons/catalogue.js';
import type { Lesson } from '../../shared/lessons/lesson.js';
import { commonPrefix, complete, completeHeader, verbsFor, type Completion } from '../../shared/smtp/complete.js';
import { fromBase64, toBase64 } from '../../shared/smtp/base64.js';
import { showControls } from '../../shared/smtp/escape.js';
import type { SentKind, SessionState } from '../../shared/smtp/session-state.js';
import { nearVerbs, nearWords, VERBS, VERB_INFO } from '../../shared/smtp/verbs.js';
import { isTraineeName, MAX_TRAINEE_NAME } from '../../shared/protocol/app-limits.js';
import type { CompletionResult } from './line-editor.js';
import { formatNote } from './render.js';
import { formatHint } from './render-replies.js';
import type { ScramMechanism } from './scram.js';
import { dkimCommand, dnsblCommand, mxCommand, portsCommand, rdnsCommand, smugglingCommand, spfCommand, tlsCommand } from './lookup-commands.js';

/** heloterm's own commands as Tab offers them (aliases left out), each with what it takes. */
const LOCAL_USAGE: readonly (readonly [name: string, usage: string])[] = [
  ['help', '/help [COMMAND]'],
  ['explain', '/explain TEXT'],
  ['lesson', '/lesson [N | stop]'],
  ['quiz', '/quiz [stop]'],
  ['tls', '/tls [versions | injection [HOST] [PORT] | name NAME | mx DOMAIN]'],
  ['mx', '/mx DOMAIN'],
  ['dkim', '/dkim SELECTOR DOMAIN'],
  ['spf', '/spf IP DOMAIN'],
  ['dnsbl', '/dnsbl [IP|DOMAIN]'],
  ['rdns', '/rdns [IP]'],
  ['dane', '/dane'],
  ['ports', '/ports [HOST] [PORT…]'],
  ['smuggling', '/smuggling [HOST] [PORT] TO [FROM]'],
  ['name', '/name YOUR NAME'],
  ['hand', '/hand'],
  ['save', '/save'],
  ['replay', '/replay'],
  ['link', '/link'],
  ['log', '/log'],
  ['base64', '/base64 [-d] TEXT'],
  ['cram-md5', '/cram-md5 USER PASSWORD'],
  ['scram', '/scram [USER PASSWORD]'],
];

/** Completions of a heloterm command's word ("/d" to "/dkim "). */
function completeLocal(typed: string): Completion[] {
  const word = typed.slice(1).toLowerCase();
  return LOCAL_USAGE.filter(([name]) => name.startsWith(word)).map(([name, usage]) => {
    const text = usage.includes(' ') ? `/${name} ` : `/${name}`;
    return { text, cursor: text.length, label: usage };
  });
}

/**
 * Completions of a heloterm command's argument where there is a list to choose from: `/lesson` a lesson (by number,
 * its title shown), `/help` an SMTP command, `/tls` its words `versions`, `injection`, `name` and `mx`; null for a line that is no
 * such command.
 */
function completeArgument(typed: string): Completion[] | null {
  const m = /^\/(lesson|lessons|help|tls) (\S*)$/i.exec(typed);
  if (m === null) return null;
  const cmd = (m[1] ?? '').toLowerCase();
  const arg = (m[2] ?? '').toLowerCase();
  // /tls alone shows the certificate; "versions" and "injection" take a host and a port, "name" a name, "mx" a domain.
  if (cmd === 'tls') {
    const labels: Readonly<Record<string, string>> = { versions: '/tls versions [HOST] [PORT]', injection: '/tls injection [HOST] [PORT]', name: '/tls name NAME', mx: '/tls mx DOMAIN' };
    return Object.keys(labels)
      .filter((w) => w.startsWith(arg))
      .map((w) => ({ text: `/tls ${w} `, cursor: `/tls ${w} `.length, label: labels[w] ?? w }));
  }
  const offers =
    cmd === 'help'
      ? VERBS.filter((v) => v.verb.toLowerCase().startsWith(arg)).map((v) => ({ text: `/help ${v.verb}`, label: v.syntax }))
      : [...pageLessons().map((l, i) => ({ text: `/lesson ${i + 1}`, label: `${i + 1} · ${l.title}` })), { text: '/lesson stop', label: 'stop' }].filter((o) =>
          o.text.slice('/lesson '.length).startsWith(arg),
        );
  return offers.map((o) => ({ ...o, cursor: o.text.length }));
}

/** Tab: one fitting completion is taken; several fill in their common prefix and are listed. */
export function completeLine(typed: string, state: SessionState): CompletionResult {
  const offers = typed.startsWith('/') && !/\s/.test(typed) ? completeLocal(typed) : (completeArgument(typed) ?? complete(typed, state));
  const only = offers[0];
  if (offers.length === 1 && only !== undefined) return { text: only.text, cursor: only.cursor, candidates: [] };
  const prefix = commonPrefix(offers);
  // Keep what was typed (its case) when the common prefix adds nothing.
  const text = prefix.length > typed.length ? prefix : typed;
  return { text, cursor: text.length, candidates: offers.map((o) => o.label) };
}

/**
 * Tab in a message's header section (`typed`: the field names typed so far): the header fields it lacks, filled from
 * the envelope and this browser's clock. Null where none fits, so that Tab is typed as a space (a folded line).
 */
export function completeHeaderLine(typed: string, state: SessionState, fields: ReadonlySet<string>, now = new Date()): CompletionResult | null {
  const unique = Math.random().toString(36).slice(2, 10);
  const offers = completeHeader(typed, { sender: state.sender, recipients: state.recipients, typed: fields, now, offsetMinutes: -now.getTimezoneOffset(), unique });
  if (offers.length === 0) return null;
  const only = offers[0];
  if (offers.length === 1 && only !== undefined) return { text: only.text, cursor: only.cursor, candidates: [] };
  const prefix = commonPrefix(offers);
  const text = prefix.length > typed.length ? prefix : typed;
  return { text, cursor: text.length, candidates: offers.map((o) => o.label) };
}

/** Each of heloterm's own commands by its name or an alias (/cert is /tls): the name it is known by. */
const LOCAL_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    help: 'help', explain: 'explain', lesson: 'lesson', lessons: 'lesson', quiz: 'quiz', tls: 'tls', cert: 'tls', mx: 'mx', dkim: 'dkim', spf: 'spf',
    dnsbl: 'dnsbl', rbl: 'dnsbl', dbl: 'dnsbl', rdns: 'rdns', ptr: 'rdns', dane: 'dane', tlsa: 'dane', ports: 'ports', smuggling: 'smuggling', smuggle: 'smuggling', name: 'name', hand: 'hand', save: 'save',
    transcript: 'save', replay: 'replay', link: 'link', log: 'log', base64: 'base64', b64: 'base64', 'cram-md5': 'cram-md5', cram: 'cram-md5',
    scram: 'scram', 'scram-sha-256': 'scram', 'scram-sha-1': 'scram',
  }),
);

export const LOCAL_COMMANDS: ReadonlySet<string> = new Set(LOCAL_NAMES.keys());

/** What a heloterm command asks for: text to show, or something to do with the guided lessons. */
export type LocalCommand =
  | { kind: 'text'; text: string }
  | { kind: 'lesson-start'; lesson: Lesson }
  /** `/quiz`: a quiz, or the question in hand again; `/quiz stop` ends it. */
  | { kind: 'quiz' }
  | { kind: 'quiz-stop' }
  | { kind: 'lesson-stop' }
  /** `/lesson` alone: the step in hand, or the list of lessons when none runs. */
  | { kind: 'lesson-here' }
  /** `/tls`: what the last TLS handshake of this connection showed about the server's certificate. */
  | { kind: 'tls' }
  /**
   * `/tls versions [HOST] [PORT]`: which TLS versions a host's port accepts (HOST absent: the server connected to, or
   * the connect form's; PORT absent: likewise).
   */
  | { kind: 'tls-versions'; host: string | null; port: number | null; note?: string }
  /** `/tls injection [HOST] [PORT]`: whether a host's port takes commands sent before TLS as sent inside it. */
  | { kind: 'tls-injection'; host: string | null; port: number | null; note?: string }
  /** `/tls name NAME`: whether the certificate of this connection is for NAME (a name or an address). */
  | { kind: 'tls-name'; host: string; note?: string }
  /** `/tls mx DOMAIN`: STARTTLS and the certificate of each MX host of the domain. */
  | { kind: 'tls-mx'; domain: string; note?: string }
  /**
   * `/mx DOMAIN`: look up where the domain's mail goes. For these three, `note` says how a domain typed beyond ASCII
   * is asked about (its A-labels).
   */
  | { kind: 'mx'; domain: string; note?: string }
  /** `/dkim SELECTOR DOMAIN`: look up the DKIM key the domain publishes for the selector. */
  | { kind: 'dkim'; selector: string; domain: string; note?: string }
  /** `/dkim verify`: verify the DKIM signature of the practice server's last report (its bounce) to this page. */
  | { kind: 'dkim-verify' }
  /** `/spf IP DOMAIN`: check whether the address may send mail from the domain (SPF). */
  | { kind: 'spf'; ip: string; domain: string; note?: string }
  /** `/dnsbl IP`: ask the common DNS blocklists whether they list the address; `/dnsbl` alone: the server's. */
  | { kind: 'dnsbl'; ip?: string }
  /** `/dnsbl DOMAIN`: ask the common domain blocklists whether they list the domain (its registered domain). */
  | { kind: 'dbl'; domain: string; note?: string }
  /**
   * `/rdns [IP]`: the reverse DNS of the server connected to (by itself after a greeting, not for loopback), or of IP.
   */
  | { kind: 'rdns'; ip?: string }
  /** `/dane`: look up the TLSA records of the server connected to over TLS, and check its certificate against them. */
  | { kind: 'dane' }
  /**
   * `/ports [HOST] [PORT…]`: which of a host's mail ports answer (HOST absent: the connect form's; PORT… absent: the
   * mail ports the bridge dials).
   */
  | { kind: 'ports'; host: string | null; ports: number[]; note?: string }
  /**
   * `/smuggling [HOST] [PORT] TO [FROM]`: whether a host's port ends a message at a sequence other than CRLF.CRLF
   * (HOST absent: the server connected to, or the connect form's; PORT absent: likewise; FROM absent: the null sender).
   */
  | { kind: 'smuggling'; host: string | null; port: number | null; to: string; from: string; note?: string }
  /** `/name NAME`: how the instructor's class view shows this page; `/name` alone (null): the name given. */
  | { kind: 'name'; name: string | null }
  /** `/hand`: ask the instructor for help (the class view shows it), or lower the hand raised. */
  | { kind: 'hand' }
  /** `/save`: download the transcript of the dialog. */
  | { kind: 'save' }
  /** `/replay`: paste a dialog from elsewhere to have it explained. */
  | { kind: 'replay' }
  /** `/link`: the address that opens this page as it is now (share-link.ts). */
  | { kind: 'link' }
  /** `/log`: the practice server's log of the last connection to it, in Postfix's format, explained. */
  | { kind: 'log' }
  /** `/explain TEXT`: explain a reply quoted from elsewhere (a bounce message), or a code; TEXT may be empty. */
  | { kind: 'explain'; text: string }
  /** `/cram-md5 USER PASSWORD`: the answer to the server's CRAM-MD5 challenge, computed here (cram-md5.ts). */
  | { kind: 'cram-md5'; user: string; password: string }
  /** `/scram USER PASSWORD` begins a SCRAM exchange (start), `/scram` answers its open challenge (scram.ts). */
  | { kind: 'scram'; mechanism: ScramMechanism; start: { user: string; password: string } | null };

const text = (t: string): LocalCommand => ({ kind: 'text', text: t });

/** What /explain says when nothing was given to explain. */
export const EXPLAIN_USAGE = formatNote('/explain needs a reply to explain: paste a line from a bounce (550 5.1.1 …), or a code (550, 5.7.26)');

/**
 * The heloterm command a line is, or null when it is not one (it goes to the server). `kind` is what the line would
 * be to the session: a command line, or an answer to an AUTH challenge (334), where a "/" may begin base64, so only
 * a known heloterm command is taken (/base64 is wanted just then); message text is never one.
 */
export function localCommand(line: string, state: SessionState, kind: SentKind = 'command'): LocalCommand | null {
  if (kind !== 'command' && kind !== 'auth-response') return null;
  const t = line.trim();
  if (!t.startsWith('/')) return null;
  const [cmd = '', arg = ''] = t.slice(1).split(/\s+/, 2);
  if (kind === 'auth-response' && !LOCAL_COMMANDS.has(cmd.toLowerCase())) return null;
  switch (LOCAL_NAMES.get(cmd.toLowerCase()) ?? cmd.toLowerCase()) {
    case 'help':
      return text(helpText(arg, state));
    case 'explain':
      // Alone, it may begin a paste (a bounce after it): the app says what it needs when nothing follows.
      return { kind: 'explain', text: t.slice(1 + cmd.length).trim() };
    case 'lesson':
      return lessonCommand(arg);
    case 'quiz':
      if (arg === '') return { kind: 'quiz' };
      return /^(stop|end|quit)$/i.test(arg) ? { kind: 'quiz-stop' } : text(formatNote('/quiz starts a quiz (or asks the question in hand again); /quiz stop ends it'));
    case 'tls':
      return tlsCommand(t.slice(1 + cmd.length).trim());
    case 'mx':
      return mxCommand(arg);
    case 'dkim':
      return dkimCommand(t.slice(1 + cmd.length).trim());
    case 'spf':
      return spfCommand(t.slice(1 + cmd.length).trim());
    case 'dnsbl':
      return dnsblCommand(arg);
    case 'rdns':
      return rdnsCommand(arg);
    case 'dane':
      return { kind: 'dane' };
    case 'ports':
      return portsCommand(t.slice(1 + cmd.length).trim());
    case 'smuggling':
      return smugglingCommand(t.slice(1 + cmd.length).trim());
    case 'name': {
      const name = t.slice(1 + cmd.length).trim().replace(/\s+/g, ' ');
      if (!isTraineeName(name)) return text(formatNote(`a name of at most ${MAX_TRAINEE_NAME} characters, please`));
      return { kind: 'name', name: name === '' ? null : name };
    }
    case 'hand':
      return { kind: 'hand' };
    case 'save':
      return { kind: 'save' };
    case 'replay':
      return { kind: 'replay' };
    case 'link':
      return { kind: 'link' };
    case 'log':
      return { kind: 'log' };
    case 'base64':
      return text(base64Command(t.slice(1 + cmd.length).trim()));
    case 'cram-md5': {
      const from = passwordFrom(line);
      if (from === null) return text(formatNote('/cram-md5 USER PASSWORD answers a CRAM-MD5 challenge: send AUTH CRAM-MD5, then type it when the 334 comes'));
      return { kind: 'cram-md5', user: arg, password: line.slice(from).trim() };
    }
    case 'scram': {
      const mechanism = cmd.toLowerCase() === 'scram-sha-1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
      if (arg === '') return { kind: 'scram', mechanism, start: null };
      const from = passwordFrom(line);
      if (from === null) return text(formatNote(`/${cmd.toLowerCase()} USER PASSWORD begins ${mechanism}, and /${cmd.toLowerCase()} alone answers each 334 the server sends`));
      return { kind: 'scram', mechanism, start: { user: arg, password: line.slice(from).trim() } };
    }
    default: {
      // A slip (/hlep, /mxx): the command it was one letter from, by the name Tab offers.
      const near = [...new Set(nearWords(cmd.toLowerCase(), LOCAL_NAMES.keys()).map((n) => LOCAL_NAMES.get(n) ?? n))];
      const meant = near.length === 0 ? '' : ` did you mean ${near.map((n) => `/${n}`).join(' or ')}?`;
      return text(formatNote(`unknown heloterm command "${t}":${meant} /help lists them`));
    }
  }
}

/** What each of heloterm's own commands does, as /help lists them (and /help /ports, or /help ports, shows one). */
const OWN_HELP: readonly string[] = [
  '/explain TEXT explains a reply quoted elsewhere, e.g. a line of a bounce message, or a code',
  '/lesson lists the guided lessons, /lesson 1 starts the first',
  '/quiz asks eight replies to read, as servers send them (what each means, what to do next), and says why; /quiz stop ends it',
  "/tls shows the server's certificate again, after STARTTLS",
  '/tls versions mx.example.org 25 tries TLS 1.0 to 1.3 one by one (each on a connection of its own) and says which it accepts',
  '/tls injection mx.example.org 25 writes STARTTLS and NOOP at once, and says whether the server answers the NOOP inside TLS: open to STARTTLS command injection',
  '/tls name mx.example.org says whether the certificate of this connection is for that name: a server dialled by its address, checked for the MX host name senders dial',
  '/tls mx example.org tests STARTTLS and the certificate of each MX host of a domain at once (port 25), as sending MTAs meet them, with its MTA-STS policy: the backup MX nobody looked at',
  '/mx example.org looks up where mail for a domain goes (its MX records), and its SPF, DMARC, MTA-STS and BIMI',
  '/dkim selector example.org looks up a DKIM key (the s= and d= of a DKIM-Signature header; or paste the header); /dkim verify checks the signature of the practice server\'s last bounce or report to you (to verify any message\'s, paste it whole into Paste & explain)',
  '/spf 192.0.2.10 example.org checks whether that address may send mail from the domain, as receivers check SPF',
  '/dnsbl 192.0.2.10 asks the common DNS blocklists (Spamhaus, SpamCop…) whether they list that address (/dnsbl alone: the server connected to); /dnsbl example.org the domain lists (Spamhaus DBL, SURBL, URIBL)',
  "/rdns looks up the server's reverse DNS (done by itself after a greeting, but not for loopback); /rdns 192.0.2.10 an address's",
  "/dane checks the server's certificate against its TLSA records, DANE (done by itself after TLS to a name, not loopback)",
  "/name Your Name: how an instructor's class view shows this page (it goes nowhere else)",
  "/hand asks your instructor for help: the class view shows this page asking until /hand again (or Lower hand)",
  '/ports mx.example.org dials its mail ports (25, 465, 587…) at once and says which answer, as telnet to each would',
  '/smuggling mx.example.org you@example.org sends a test message ended by <LF>.<LF> and three other sequences, each on a connection of its own, and says whether the server ends a message there: open to SMTP smuggling',
  '/replay explains a dialog pasted from elsewhere (a telnet window, swaks output, a saved transcript), a bounce, mail log lines, a mail queue (mailq), header fields (a spam verdict too; with the body, DKIM verified), an SPF, DMARC or DKIM record, a DMARC or TLS report (its .zip, .gz or .eml opened as received), a feedback loop\'s complaint',
  '/link gives the address that opens this page connected here (and at the lesson in hand), to hand out',
  "/log shows your last connection to the practice server's SMTP side as its log has it (in Postfix's format), explained",
  '/save downloads a transcript of the dialog (C: sent, S: received), AUTH credentials removed',
  '/base64 text encodes for AUTH (\\0 for the NUL byte, \\x01 for the ^A of XOAUTH2), /base64 -d text decodes a challenge',
  '/cram-md5 user password answers the challenge of AUTH CRAM-MD5 (an HMAC-MD5 nobody types from memory): computed here, put on the line for Enter; the password shows as dots and is not kept',
  '/scram user password begins AUTH SCRAM-SHA-256 (/scram-sha-1 for SHA-1), then /scram alone answers each 334: the proof made from the password, then the server\'s signature checked; the password shows as dots, held only until the proof is made',
];

/**
 * Where the password begins in a `/cram-md5 USER PASSWORD` or `/scram USER PASSWORD` line (it shows as dots, and the
 * line is kept out of the history), or null when the line is no such command with both.
 */
export function passwordFrom(line: string): number | null {
  const m = /^(\s*\/(?:cram(?:-md5)?|scram(?:-sha-256|-sha-1)?)\s+\S+\s+)\S/i.exec(line);
  return m === null ? null : m[1]!.length;
}

function helpText(arg: string, state: SessionState): string {
  if (arg !== '') {
    const info = VERB_INFO.get(arg.toUpperCase());
    if (info !== undefined) return formatNote(`${info.syntax}  (${info.source})`) + formatHint(info.help);
    // One of heloterm's own commands, with or without its "/" (by an alias too: /cert is /tls).
    const own = LOCAL_NAMES.get(arg.replace(/^\//, '').toLowerCase());
    const lines = own === undefined ? [] : OWN_HELP.filter((l) => l.startsWith(`/${own} `));
    if (lines.length > 0) return lines.map((l) => formatNote(l)).join('');
    // A slip (RCTP): the command it was meant to be, explained.
    const [meant, ...others] = nearVerbs(arg.toUpperCase());
    const near = meant === undefined ? undefined : VERB_INFO.get(meant);
    if (near !== undefined && others.length === 0) return formatNote(`"${arg}" is no command; did you mean ${near.verb}? ${near.syntax}  (${near.source})`) + formatHint(near.help);
    return formatNote(`no help for "${arg}": the commands are ${VERBS.map((v) => v.verb).join(', ')}; heloterm's own are listed by /help`);
  }
  const now = verbsFor(state).map((v) => v.verb);
  return (
    formatNote(`SMTP commands: ${VERBS.map((v) => v.verb).join(' ')}`) +
    formatNote(now.length > 0 ? `fitting now: ${now.join(' ')} (press Tab to complete)` : 'nothing to type right now') +
    formatNote("Tab also offers after MAIL FROM:<…> or RCPT TO:<…> the parameters the server lists, and in a message's header the fields it lacks") +
    formatNote('/help COMMAND explains one (an SMTP command, or one of these: /help /ports); point at any reply code for what it means') +
    OWN_HELP.map((l) => formatNote(l)).join('') +
    formatNote('keys: Ctrl+V pastes, Ctrl+C copies a selection (or abandons the line typed), Ctrl+Backspace and Ctrl+K cut, Ctrl+Left/Right by word, Ctrl+R searches the lines sent;') +
    formatNote('Escape then Tab leaves the terminal for the reply log, Shift+Tab for the controls above')
  );
}

/**
 * `/base64 TEXT` encodes (UTF-8; `\0` is the NUL byte AUTH PLAIN puts between its fields, `\xHH` an ASCII byte such
 * as the ^A, `\x01`, of XOAUTH2 and OAUTHBEARER, `\\` a backslash); `/base64 -d B64` decodes (control characters
 * shown, a NUL as ^@). The line never goes to the server.
 */
function base64Command(arg: string): string {
  if (arg === '') {
    return formatNote(
      '/base64 \\0user\\0password encodes (\\0 is the NUL byte AUTH PLAIN wants; \\x01 the ^A of XOAUTH2: /base64 user=you@example.org\\x01auth=Bearer TOKEN\\x01\\x01); /base64 -d VXNlcm5hbWU6 decodes',
    );
  }
  const decode = /^-d\s+/.exec(arg);
  if (decode !== null) {
    const b64 = arg.slice(decode[0].length);
    const text = fromBase64(b64);
    return formatNote(text === null ? `"${showControls(b64)}" is not base64` : `${showControls(b64)} is base64 for: ${showControls(text)}`);
  }
  const text = arg.replace(/\\(0|\\|x[0-7][0-9a-f])/gi, (_m, c: string) => (c === '0' ? '\0' : c === '\\' ? '\\' : String.fromCharCode(parseInt(c.slice(1), 16))));
  return formatNote(`base64 of ${showControls(text)}: ${toBase64(text)}`);
}

function lessonCommand(arg: string): LocalCommand {
  if (arg === '') return { kind: 'lesson-here' };
  const a = arg.toLowerCase();
  if (a === 'stop' || a === 'off' || a === 'end') return { kind: 'lesson-stop' };
  const lesson = findLesson(a);
  if (lesson === undefined) return text(formatNote(`no lesson "${arg}": the lessons are 1 to ${pageLessons().length}`) + lessonList());
  return { kind: 'lesson-start', lesson };
}

/** The lessons, numbered, and how to start one. */
export function lessonList(): string {
  return (
    formatNote('guided lessons (written for the practice server, practice.test):') +
    pageLessons().map((l, i) => formatNote(`  /lesson ${i + 1}  ${l.title}`)).join('') +
    formatNote('/lesson stop ends a lesson; the same lessons are under the practice server\'s description')
  );
}
