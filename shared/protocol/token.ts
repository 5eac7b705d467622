/**
 * The access token's wire forms, shared by browser and bridge. Pure.
 *
 * - In the start-up URL it is a fragment, `http://host:port/#token=…`: fragments are never sent to the server, so
 *   they stay out of access logs and Referer headers (RFC 3986 §3.5).
 * - On the WebSocket handshake it is an offered subprotocol, `heloterm.token.…` next to `heloterm.v2`
 *   (RFC 6455 §4.1: browsers may set no other header). The bridge selects only `heloterm.v2`.
 *
 * The offered subprotocols are read here too: the token among them, and whether they name another version of the
 * protocol (subprotocolProblem).
 */
import { SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from './messages.js';

/** Shortest configured token, in characters: 16 base64url characters are 96 bits. */
export const MIN_TOKEN_CHARS = 16;
export const MAX_TOKEN_CHARS = 128;
/** Characters a token may use: unreserved URI characters (RFC 3986 §2.3), all of them RFC 7230 `tchar`s too. */
const TOKEN = /^[A-Za-z0-9._~-]+$/;

/** Null when `token` may be used, else why not. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_CHARS || token.length > MAX_TOKEN_CHARS) {
    return `a token must be ${MIN_TOKEN_CHARS} to ${MAX_TOKEN_CHARS} characters long`;
  }
  if (!TOKEN.test(token)) return 'a token may only use letters, digits and - . _ ~';
  return null;
}

/** "#token=abc&x=1" -> "abc"; null when absent or malformed. */
export function tokenFromFragment(hash: string, name = 'token'): string | null {
  // Token characters need no percent-decoding (see TOKEN), so a plain split reads the fragment's parameters.
  for (const part of (hash.startsWith('#') ? hash.slice(1) : hash).split('&')) {
    if (!part.startsWith(`${name}=`)) continue;
    const t = part.slice(name.length + 1);
    return tokenProblem(t) === null ? t : null;
  }
  return null;
}

/** The subprotocols a client offers: always ours, plus the token when it has one. */
export function offeredSubprotocols(token: string | null): string[] {
  return token === null ? [SUBPROTOCOL] : [SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token];
}

/** The token among offered subprotocols (the first one with our prefix), or null. */
export function tokenFromSubprotocols(offered: Iterable<string>): string | null {
  for (const p of offered) if (p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return p.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  return null;
}

const VERSIONED = /^heloterm\.v[0-9]+$/;

/**
 * Null when the offered subprotocols suit this bridge: ours among them, or no version of ours at all (a script that
 * offers nothing). Else why not: a page or script written for another version of the protocol.
 */
export function subprotocolProblem(offered: readonly string[]): string | null {
  const versions = offered.filter((p) => VERSIONED.test(p));
  if (versions.length === 0 || versions.includes(SUBPROTOCOL)) return null;
  return `this bridge speaks ${SUBPROTOCOL}, not ${versions.join(', ')}: reload the page (see docs/protocol.md)`;
}

/** `Sec-WebSocket-Protocol: a, b` -> ["a", "b"] (RFC 6455 §11.3.4: a comma-separated list of tokens). */
export function parseSubprotocolHeader(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
