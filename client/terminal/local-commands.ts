/**
 * What the terminal answers itself, without the server: Tab completion of SMTP commands and heloterm's own
 * `/help` command. Lines starting with "/" are never valid SMTP commands (RFC 5321 §4.1.1 verbs are letters), so
 * they cannot collide with anything a server understands; inside message text they are left alone (main.ts).
 */
import { commonPrefix, complete, verbsFor } from '../../shared/smtp/complete.js';
import type { SessionState } from '../../shared/smtp/session.js';
import { VERBS, VERB_INFO } from '../../shared/smtp/verbs.js';
import type { CompletionResult } from './line-editor.js';
import { formatNote } from './render.js';
import { formatHint } from './render-replies.js';

/** Tab: one fitting completion is taken; several fill in their common prefix and are listed. */
export function completeLine(typed: string, state: SessionState): CompletionResult {
  const offers = complete(typed, state);
  const only = offers[0];
  if (offers.length === 1 && only !== undefined) return { text: only.text, cursor: only.cursor, candidates: [] };
  const prefix = commonPrefix(offers);
  // Keep what was typed (its case) when the common prefix adds nothing.
  const text = prefix.length > typed.length ? prefix : typed;
  return { text, cursor: text.length, candidates: offers.map((o) => o.label) };
}

/** The terminal text answering a heloterm command, or null when the line is not one (it goes to the server). */
export function localCommand(line: string, state: SessionState): string | null {
  const t = line.trim();
  if (!t.startsWith('/')) return null;
  const [cmd = '', arg = ''] = t.slice(1).split(/\s+/, 2);
  if (cmd.toLowerCase() !== 'help') return formatNote(`unknown heloterm command "${t}": try /help`);
  if (arg !== '') {
    const info = VERB_INFO.get(arg.toUpperCase());
    if (info === undefined) return formatNote(`no help for "${arg}": the commands are ${VERBS.map((v) => v.verb).join(', ')}`);
    return formatNote(`${info.syntax}  (${info.source})`) + formatHint(info.help);
  }
  const now = verbsFor(state).map((v) => v.verb);
  return (
    formatNote(`SMTP commands: ${VERBS.map((v) => v.verb).join(' ')}`) +
    formatNote(now.length > 0 ? `fitting now: ${now.join(' ')} (press Tab to complete)` : 'nothing to type right now') +
    formatNote('/help COMMAND explains one; point at any reply code for what it means')
  );
}
