/**
 * Reads `?host=…&port=…&tls=1&connect=1&lesson=…` from the page URL. Each value is checked; a bad one is ignored (and
 * reported), never passed on. Pure: takes the query string, no DOM.
 */
import { isValidHost } from '../../shared/protocol/host.js';

export { isValidHost };

export interface UrlTarget {
  host?: string;
  port?: number;
  tls?: boolean;
  /** Connect as soon as the bridge is ready. */
  connect: boolean;
  /** A guided lesson to start, by number or id (whether it exists is the app's to say: the list is not here). */
  lesson?: string;
  /** Parameters that were present but ignored, with why. */
  ignored: string[];
}

const PORT = /^[0-9]{1,5}$/;
const LESSON_KEY = /^[a-z0-9-]{1,40}$/i;
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** The port number, or null unless it is an integer from 1 to 65535. */
export function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

export function parseUrlTarget(search: string): UrlTarget {
  const q = new URLSearchParams(search);
  const out: UrlTarget = { connect: false, ignored: [] };
  const host = q.get('host');
  if (host !== null) {
    const h = host.trim();
    if (isValidHost(h)) out.host = h.replace(/^\[(.*)\]$/, '$1');
    else out.ignored.push('host: not a host name or IP address');
  }
  const port = q.get('port');
  if (port !== null) {
    const p = parsePort(port.trim());
    if (p !== null) out.port = p;
    else out.ignored.push('port: not a number from 1 to 65535');
  }
  const tls = q.get('tls');
  if (tls !== null) {
    const t = tls.trim().toLowerCase();
    if (TRUE.has(t)) out.tls = true;
    else if (FALSE.has(t)) out.tls = false;
    else out.ignored.push('tls: use 1 or 0');
  }
  const connect = q.get('connect');
  if (connect !== null) {
    const c = connect.trim().toLowerCase();
    if (TRUE.has(c)) out.connect = true;
    else if (!FALSE.has(c)) out.ignored.push('connect: use 1 or 0');
  }
  const lesson = q.get('lesson');
  if (lesson !== null) {
    const l = lesson.trim();
    if (LESSON_KEY.test(l)) out.lesson = l;
    else out.ignored.push('lesson: a lesson number or name, such as 1 or eight-steps');
  }
  return out;
}
