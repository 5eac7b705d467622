/**
 * The real-MTA dialogs (test/fixtures/real-mta, recorded from Postfix 3.7, Exim 4.96 and OpenSMTPD 6.8):
 * `S:` lines are what the server sent, `C:` what the client sent, `--` notes (TLS established, connection closed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REAL_MTA_DIR = fileURLToPath(new URL('../fixtures/real-mta/', import.meta.url));

export type DialogStep = { dir: 'S' | 'C'; text: string } | { dir: 'note'; text: string };

export interface Dialog {
  name: string;
  steps: DialogStep[];
}

export function loadDialogs(): Dialog[] {
  return readdirSync(REAL_MTA_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, steps: parseDialog(readFileSync(REAL_MTA_DIR + name, 'utf8')) }));
}

export function parseDialog(text: string): DialogStep[] {
  const steps: DialogStep[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('S: ')) steps.push({ dir: 'S', text: line.slice(3) });
    else if (line.startsWith('C: ')) steps.push({ dir: 'C', text: line.slice(3) });
    else if (line.startsWith('-- ')) steps.push({ dir: 'note', text: line.slice(3) });
  }
  return steps;
}

/** The server's bytes of a dialog, CRLF restored, as one string. */
export function serverBytes(d: Dialog): string {
  return d.steps.filter((s) => s.dir === 'S').map((s) => s.text + '\r\n').join('');
}
