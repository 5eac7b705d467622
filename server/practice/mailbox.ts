/**
 * What the practice server's SMTP side (practice-server.ts) and LMTP side (lmtp.ts) both need of an address and a
 * refusal.
 */

/** An SMTP error with the reply code smtp-server should send (it reads `responseCode`). */
export function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** An address's local part and domain, lower case; the domain null without one ("postmaster", RFC 5321 §4.5.1). */
export function localPartOf(address: string): { local: string; domain: string | null } {
  const at = address.lastIndexOf('@');
  if (at === -1) return { local: address.toLowerCase(), domain: null };
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}
