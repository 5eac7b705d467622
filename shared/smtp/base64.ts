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
  return bytesToBase64(utf8Bytes(text));
}

/** Bytes in base64, padded. */
export function bytesToBase64(b: ArrayLike<number>): string {
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
  const bytes = base64Decode(b64);
  return bytes === null ? null : Array.from(bytes);
}

/** Each character's value in the alphabet, -1 for others. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * The bytes base64 `b64` encodes, or null when it is not base64 (as fromBase64); whitespace is ignored. One pass with
 * a table: an attachment of megabytes (a report mail's) decodes in milliseconds.
 */
export function base64Decode(b64: string): Uint8Array | null {
  const s = b64.replace(/\s+/g, '');
  let data = s.length;
  while (data > 0 && s.charCodeAt(data - 1) === 61 /* = */) data--;
  const padding = s.length - data;
  // Padded, the length is a multiple of 4; unpadded (as some servers send it), one character short of it can be no end.
  if (padding > 2 || (padding > 0 ? s.length % 4 !== 0 : s.length % 4 === 1)) return null;
  const out = new Uint8Array(Math.floor((data * 3) / 4));
  let n = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < data; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUE[c]! : -1;
    if (v < 0) return null;
    n = (n << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (n >> bits) & 255;
      n &= (1 << bits) - 1;
    }
  }
  return out;
}
