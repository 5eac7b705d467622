/**
 * `/link`: the address of this page that opens it as it is now, for an instructor to hand out or an admin to put in
 * a ticket: connected to the same server (`?host=…&port=…&tls=1&ip=6&connect=1`; the practice server needs no host, its
 * port changes at each start), at the lesson in hand (`&lesson=`), on the light page if it is on. The access token,
 * when the page has one, goes in the fragment (`#token=`), which browsers never send to servers. Pure.
 */
import type { IpFamily } from '../../shared/protocol/messages.js';
import { asciiDomain } from './idn.js';

export interface PageNow {
  /** The page's address without query or fragment ("http://127.0.0.1:8025/"). */
  base: string;
  /** The connect form's target, or null when it is the practice server's. */
  target: { host: string; port: number; tls: boolean; family: IpFamily | null } | null;
  lesson: string | null;
  light: boolean;
  token: string | null;
}

export function shareLink(p: PageNow): string {
  const q = new URLSearchParams();
  if (p.target !== null) {
    // A host typed beyond ASCII goes by its A-labels: the page reading the link takes host names in ASCII only.
    q.set('host', asciiDomain(p.target.host) ?? p.target.host);
    q.set('port', String(p.target.port));
    if (p.target.tls) q.set('tls', '1');
    if (p.target.family !== null) q.set('ip', String(p.target.family));
  }
  if (p.lesson !== null) q.set('lesson', p.lesson);
  q.set('connect', '1');
  if (p.light) q.set('theme', 'light');
  return `${p.base}?${q.toString()}${p.token === null ? '' : `#token=${encodeURIComponent(p.token)}`}`;
}

/**
 * Whether a page's host name is this machine's own (loopback: 127.0.0.0/8, ::1, localhost): a link to it opens only
 * here, not on a trainee's machine.
 */
export function onlyOnThisMachine(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
