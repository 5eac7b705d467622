/**
 * Tab completion: the SMTP verbs that make sense in the current state of the session, completed to the shape of
 * their arguments (`MAIL FROM:<>` with the cursor between the brackets), and AUTH mechanisms the server offers.
 */
import type { SessionState } from './session.js';
import { VERB_INFO, type VerbInfo } from './verbs.js';

export interface Completion {
  /** The whole line after completion. */
  text: string;
  /** Where the cursor goes, as an index into text (in UTF-16 units; completions are ASCII). */
  cursor: number;
  /** What to show in a list of candidates. */
  label: string;
}

/** Verbs that fit each phase, most useful first (RFC 5321 §4.1.4 order of commands). */
const BY_PHASE: Readonly<Record<SessionState['phase'], readonly string[]>> = {
  connected: ['EHLO', 'HELO', 'QUIT'],
  greeted: ['EHLO', 'HELO', 'NOOP', 'HELP', 'QUIT'],
  ready: ['MAIL', 'STARTTLS', 'AUTH', 'EHLO', 'VRFY', 'EXPN', 'ETRN', 'RSET', 'NOOP', 'HELP', 'QUIT'],
  mail: ['RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'QUIT'],
  data: [],
  closed: [],
};

/** The verbs worth offering now: extension commands only when advertised, DATA and BDAT only with a recipient. */
export function verbsFor(state: SessionState): VerbInfo[] {
  if (state.authChallenge) return [];
  const out: VerbInfo[] = [];
  for (const verb of BY_PHASE[state.phase]) {
    const info = VERB_INFO.get(verb);
    if (info === undefined) continue;
    if (info.extension !== undefined && !state.extensions.has(info.extension)) continue;
    if (verb === 'STARTTLS' && state.tls) continue;
    if (verb === 'AUTH' && state.authenticated) continue;
    if ((verb === 'DATA' || verb === 'BDAT') && state.recipients.length === 0) continue;
    out.push(info);
  }
  return out;
}

function fromTemplate(info: VerbInfo): Completion {
  const t = info.template;
  const bracket = t.indexOf('<>');
  return { text: t, cursor: bracket === -1 ? t.length : bracket + 1, label: info.syntax };
}

/** Candidates for what has been typed so far (case does not matter). Empty when nothing fits. */
export function complete(typed: string, state: SessionState): Completion[] {
  const upper = typed.toUpperCase();
  const sp = typed.indexOf(' ');
  if (sp === -1) {
    return verbsFor(state)
      .filter((v) => v.verb.startsWith(upper))
      .map(fromTemplate);
  }
  const verb = upper.slice(0, sp);
  const rest = typed.slice(sp + 1);
  if (verb === 'AUTH') {
    const mechs = (state.extensions.get('AUTH') ?? '').split(/\s+/).filter((m) => m !== '');
    return mechs
      .filter((m) => m.toUpperCase().startsWith(rest.toUpperCase()))
      .map((m) => ({ text: `AUTH ${m} `, cursor: `AUTH ${m} `.length, label: `AUTH ${m}` }));
  }
  if ((verb === 'MAIL' || verb === 'RCPT') && !rest.includes(':')) {
    const info = VERB_INFO.get(verb);
    const word = verb === 'MAIL' ? 'FROM:' : 'TO:';
    if (info !== undefined && word.startsWith(rest.toUpperCase())) {
      const text = `${typed.slice(0, sp)} ${word}<>`;
      return [{ text, cursor: text.length - 1, label: info.syntax }];
    }
  }
  return [];
}

/** The longest common prefix of the candidates' texts (what Tab fills in when several fit). */
export function commonPrefix(cs: readonly Completion[]): string {
  if (cs.length === 0) return '';
  let p = cs[0]!.text;
  for (const c of cs) while (!c.text.startsWith(p)) p = p.slice(0, -1);
  return p;
}
