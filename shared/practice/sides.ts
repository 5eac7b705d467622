/**
 * The practice server's sides, each on a port of its own (server/practice/): plain SMTP (STARTTLS), its LMTP side
 * (RFC 2033) and SMTP with TLS from the first byte (RFC 8314). Apart from messages.ts, which the page's boot script
 * imports: only the app, the bridge and the tests need this. Pure.
 */
import type { PracticeInfo } from '../protocol/messages.js';

export type PracticeSide = 'smtp' | 'lmtp' | 'tls';

/** The port of a side of the practice server. */
export function practicePortOf(info: Pick<PracticeInfo, 'port' | 'lmtpPort' | 'tlsPort'>, side: PracticeSide): number {
  return side === 'lmtp' ? info.lmtpPort : side === 'tls' ? info.tlsPort : info.port;
}
