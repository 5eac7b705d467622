/**
 * The address in brackets that mail software writes for a client ("Client host [203.0.113.5] blocked", Exim's
 * "Hello name [203.0.113.5]", "[IPv6:2001:db8::5]"): one reader for the blocklist command a refusal gives, the address
 * a server says it sees, and the EHLO greeting line explained. Pure; app-only (not in host.ts, which the boot script
 * loads: what it exports lands in the first load).
 */
import { isIPv4Literal, isIPv6Literal } from '../protocol/host.js';

const BRACKETED = /\[(?:IPv6:)?([0-9A-Fa-f.:]{2,45})\]/g;

/** The first IP address in brackets in `text`, in lower case; null when none is one. */
export function bracketedAddress(text: string): string | null {
  for (const m of text.matchAll(BRACKETED)) {
    const ip = m[1] ?? '';
    if (isIPv4Literal(ip) || isIPv6Literal(ip)) return ip.toLowerCase();
  }
  return null;
}
