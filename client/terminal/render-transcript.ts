/**
 * A pasted dialog explained (shared/smtp/transcript-read.ts) as terminal text: each line sent as the user's lines
 * show (AUTH credentials as dots), each reply with its annotation, its likely cause and the coach's word on it, as
 * if received now; and the reports, numbered on from `n`, for the reply log and the hover. Pure string building.
 */
import { Coach } from '../../shared/smtp/coach.js';
import { showControls } from '../../shared/smtp/escape.js';
import { reportReply, type ReplyReport } from '../../shared/smtp/report.js';
import { SECRET_MARK, secretFrom } from '../../shared/smtp/transcript.js';
import type { ReplayStep } from '../../shared/smtp/transcript-read.js';
import { EOL, formatNote } from './render.js';
import { formatAnnotation, formatCoach, formatInvalid, formatReplyLine, formatSent, formatSlow, formatVendor } from './render-replies.js';

export interface ReplayText {
  text: string;
  /** One per reply, numbered from the `n` given, marked as explained. */
  reports: ReplyReport[];
}

/** A sent line as the terminal shows it: AUTH credentials as dots, one per character; controls made visible. */
function shownSent(line: string, kind: Parameters<typeof secretFrom>[1]): string {
  const from = secretFrom(line, kind);
  const shown = from === null ? line : line.slice(0, from) + SECRET_MARK.repeat(Array.from(line.slice(from)).length);
  return showControls(shown);
}

/** The coach's hints that say what to type next. */
const NEXT_STEP_HINTS: ReadonlySet<string> = new Set(['queued']);

/** `what`: what was pasted, for the first and last lines ("transcript", "bounce", "log lines"). */
export function formatReplay(steps: readonly ReplayStep[], n: number, what = 'transcript'): ReplayText {
  const coach = new Coach();
  const reports: ReplyReport[] = [];
  /** Why replies were slow, each said once (as the page does per connection). */
  const slowSaid = new Set<string>();
  let text = formatNote(`explained ${what}, not sent to any server nor received from one:`);
  for (const step of steps) {
    switch (step.kind) {
      case 'note':
        // A transcript's own notes are marked as such; a bounce's are heloterm's words about where a reply came from.
        text += formatNote(`${what === 'transcript' ? 'noted in the transcript: ' : ''}${showControls(step.text)}`);
        break;
      case 'sent':
        text += formatSent(shownSent(step.line, step.sentKind));
        break;
      case 'invalid':
        text += showControls(step.text) + EOL + formatInvalid(step.reason);
        break;
      case 'reply': {
        const report: ReplyReport = { ...reportReply(n + reports.length, step.exchange), explained: '/replay' };
        reports.push(report);
        text += report.reply.lines.map(formatReplyLine).join('') + formatAnnotation(report) + formatVendor(report);
        if (report.slow !== null && !slowSaid.has(report.slow.id)) {
          slowSaid.add(report.slow.id);
          text += formatSlow(report);
        }
        // Outside a dialog (a bounce, log lines) there is no next line to type: the coach's word on one is left out.
        const hints = coach.afterReply(step.exchange).filter((h) => what === 'transcript' || !NEXT_STEP_HINTS.has(h.id));
        text += hints.map(formatCoach).join('');
        break;
      }
    }
  }
  // Log lines may quote no reply at all (a Dovecot delivery, a client's disconnect): said so, not "0 replies, each …".
  const replies = reports.length === 0 ? 'no reply quoted in them' : `${reports.length === 1 ? '1 reply' : `${reports.length} replies`}, each in the reply log`;
  return { text: text + formatNote(`end of the explained ${what}: ${replies}`), reports };
}
