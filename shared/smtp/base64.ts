/**
 * Base64 (RFC 4648 §4) of UTF-8 text, both ways, for AUTH by hand (RFC 4954 §4): the challenges a server sends
 * ("VXNlcm5hbWU6" is "Username:") and the answers a person must type ("\0trainee\0practice" for PLAIN). What
 * `echo -n … | base64` does beside a telnet session. Pure ECMAScript: UTF-8 goes through encodeURIComponent and
 * decodeURIComponent, so neither the DOM's btoa nor Node's Buffer is needed.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The UTF-8 bytes of a string (a lone surrogate as U+FFFD). */
export function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  // encodeURIComponent throws on a lone surrogate: such a character becomes U+FFFD, as TextEncoder does.
  const safe = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const escaped = encodeURIComponent(safe);
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(escaped.charCodeAt(i));
  }
  return bytes;
}

export function toBase64(text: string): string {
  const b = utf8Bytes(text);
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < b.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

/**
 * The text that base64 `b64` encodes (as UTF-8; bytes that are not UTF-8 read as Latin-1), or null when it is not
 * base64: other characters, or a length that padding cannot explain. Whitespace is ignored.
 */
export function fromBase64(b64: string): string | null {
  const bytes = base64Bytes(b64);
  return bytes === null ? null : utf8Text(bytes);
}

/** Bytes read as UTF-8 text; bytes that are not UTF-8 read as Latin-1 (each byte its character). */
export function utf8Text(bytes: ArrayLike<number>): string {
  let escaped = '';
  for (let i = 0; i < bytes.length; i++) escaped += `%${bytes[i]!.toString(16).padStart(2, '0')}`;
  try {
    return decodeURIComponent(escaped);
  } catch {
    let latin = '';
    for (let i = 0; i < bytes.length; i++) latin += String.fromCharCode(bytes[i]!);
    return latin;
  }
}

/** The bytes base64 `b64` encodes, or null when it is not base64 (as fromBase64). Whitespace is ignored. */
export function base64Bytes(b64: string): number[] | null {
  const s = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  // Padded, the length is a multiple of 4; unpadded (as some servers send it), one character short of it can be no end.
  if (s.endsWith('=') ? s.length % 4 !== 0 : s.length % 4 === 1) return null;
  const data = s.replace(/=+$/, '');
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => ALPHABET.indexOf(data[i + k] ?? 'A'));
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    const left = data.length - i;
    bytes.push((n >> 16) & 255);
    if (left > 2) bytes.push((n >> 8) & 255);
    if (left > 3) bytes.push(n & 255);
  }
  return bytes;
}
