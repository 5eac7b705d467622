/**
 * The class view as a spreadsheet (client/class.ts, "Save as CSV"): a row a trainee page, for the instructor's record
 * of who reached which lesson. CSV as RFC 4180 writes it (CRLF, fields quoted when they hold a comma, a quote or a line
 * break, quotes doubled). A trainee types their own name, so a field that a spreadsheet would take for a formula (it
 * begins with =, +, -, @, a tab or a carriage return: OWASP's CSV injection) is written after a "'", as text. Pure.
 */
import type { ClassSnapshot } from '../../shared/protocol/class.js';

const COLUMNS = ['seat', 'name', 'address', 'lesson in hand', 'step', 'steps', 'replies not yet right', 'lessons done', 'connected to', 'idle (s)', 'open (s)', 'asks for help (s)', 'last quiz (right of asked)'];

/** One field as CSV: text a spreadsheet will not run, quoted when it must be. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function classCsv(snapshot: ClassSnapshot): string {
  const short = (n: number): string => snapshot.lessons.find((l) => l.number === n)?.short ?? '';
  const rows = snapshot.trainees.map((t) => [
    t.seat,
    t.name,
    t.address,
    t.lesson === null ? '' : `${t.lesson.number}. ${t.lesson.title}`,
    t.lesson?.step ?? '',
    t.lesson?.steps ?? '',
    t.lesson?.retries ?? '',
    t.done.map((n) => `${n} · ${short(n)}`).join('; '),
    t.toPractice ? 'the practice server' : (t.target ?? ''),
    t.idleS,
    t.openS,
    t.handS ?? '',
    t.quiz === null ? '' : `${t.quiz.right} of ${t.quiz.of}`,
  ]);
  return [COLUMNS, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
