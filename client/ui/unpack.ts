/**
 * A report opened in Paste & explain, unpacked to its text: a DMARC report's zip or gzip file as received, a TLS
 * report's gzip, or the mail they came in, saved or pasted (shared/smtp/report-mail.ts finds the attachment and reads
 * the zip's directory). Inflating is the browser's own DecompressionStream: no library, and nothing sent anywhere.
 * Every step is bounded: the file's size, the text's (a zip bomb stops at the limit) and how deep files nest. A mail
 * log opened as a file, gzipped as logrotate leaves it or not, is read up to the same size, and beyond it from its
 * newest lines (the last MAX_TEXT_BYTES, from the first whole line), which the file's name in the path says.
 */
import { crc32, packingOf, reportAttachment, reportEntry, zipEntries } from '../../shared/smtp/report-mail.js';

/** The largest file opened, in bytes. */
export const MAX_FILE_BYTES = 20_000_000;
/** The most text unpacked, in bytes: the report readers read up to 2,000,000 characters. */
export const MAX_TEXT_BYTES = 2_000_000;
/** The most a gzipped log opened as itself is inflated to, its last MAX_TEXT_BYTES read (a rotated day's mail log). */
export const MAX_LOG_UNPACKED = 100_000_000;
/** Files inside files, at most: a mail, its zip, a gzip file in it. */
const MAX_DEPTH = 3;

export interface Unpacked {
  text: string;
  /** What was opened to reach the text, outermost first: the file's name, then the attachment's or entry's. */
  path: string[];
  /**
   * A text file that is not UTF-8 (a message saved with its body in Latin-1 or another 8-bit charset, unencoded):
   * its octets, one character each (Latin-1), for what is computed over octets (a DKIM body hash). `text` is still the
   * UTF-8 reading, the octets that are not UTF-8 shown as U+FFFD.
   */
  octets?: string;
}

/** Why a file could not be read, in words for the dialog. */
export class UnpackError extends Error {}

/** A size in decimal units, as file managers show them. */
const size = (n: number): string => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.ceil(n / 1000)} KB`);

/** A file's text, unpacked from zip, gzip and report mail as far as it is packed. */
export async function unpackFile(bytes: Uint8Array, name: string): Promise<Unpacked> {
  if (bytes.length > MAX_FILE_BYTES) throw new UnpackError(`${name} is ${size(bytes.length)}: files up to ${size(MAX_FILE_BYTES)} are opened`);
  return unpack(bytes, [name]);
}

/** The report attached to a pasted mail, unpacked; null when the text is not a mail with a report attached. */
export async function unpackPasted(text: string): Promise<Unpacked | null> {
  return fromMail(text, []);
}

/**
 * The report attached to a mail's text, unpacked, or null when the text is no mail with one; `path`: the files the
 * text came from (none when pasted).
 */
async function fromMail(text: string, path: readonly string[]): Promise<Unpacked | null> {
  const found = reportAttachment(text);
  if (found === null) return null;
  if (typeof found === 'string') throw new UnpackError(path.length === 0 ? `${found}.` : `In ${path.join(' → ')}, ${found}.`);
  return unpack(found.bytes, [...path, found.name ?? found.type]);
}

async function unpack(bytes: Uint8Array, path: string[]): Promise<Unpacked> {
  const name = path[path.length - 1]!;
  if (path.length > MAX_DEPTH + 1) throw new UnpackError(`${path.join(' → ')}: packed more than ${MAX_DEPTH} deep; open the inner file itself`);
  switch (packingOf(bytes)) {
    case 'zip': {
      const entries = zipEntries(bytes);
      if (typeof entries === 'string') throw new UnpackError(`${name}: ${entries}.`);
      const entry = reportEntry(entries);
      if (entry === null) {
        const names = entries.slice(0, 5).map((e) => e.name).join(', ');
        throw new UnpackError(`${name} holds no .xml or .json file${entries.length > 0 ? ` (it holds ${names}${entries.length > 5 ? ', …' : ''})` : ''}.`);
      }
      const inner = [...path, entry.name];
      if (entry.encrypted) throw new UnpackError(`${inner.join(' → ')} is encrypted: unzip it with its password and open the file.`);
      const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.dataLength);
      if (entry.method !== 0 && entry.method !== 8) {
        throw new UnpackError(`${inner.join(' → ')} is compressed by method ${entry.method}; this reads stored and deflated files (as receivers send).`);
      }
      const file = entry.method === 0 ? data : (await inflate(data, 'deflate-raw', inner.join(' → '))).bytes;
      // Inflating checks nothing of the result: the directory's CRC-32 does (gzip's own is checked by the browser).
      if (crc32(file) !== entry.crc) throw new UnpackError(`${inner.join(' → ')} is damaged: its checksum does not match.`);
      return unpack(file, inner);
    }
    case 'gzip': {
      const inner = name.replace(/\.gz$/i, '');
      // A report is read whole; a log as logrotate leaves it (mail.log.1.gz, opened as itself) from its newest lines.
      if (path.length > 1 || /\.(xml|json)$/i.test(inner)) return unpack((await inflate(bytes, 'gzip', path.join(' → '))).bytes, [...path, inner]);
      const { bytes: tail, total } = await inflate(bytes, 'gzip', path.join(' → '), true);
      if (total <= MAX_TEXT_BYTES) return unpack(tail, [...path, inner]);
      if (packingOf(tail) !== 'text') throw new UnpackError(`${path.join(' → ')} is not text, once unpacked.`);
      const start = tail.indexOf(0x0a) + 1;
      return { text: new TextDecoder('utf-8').decode(tail.subarray(start)), path: [...path, `${inner} (its last ${size(tail.length - start)} of ${size(total)} unpacked: the newest lines)`] };
    }
    case 'binary':
      throw new UnpackError(`${path.join(' → ')} is not text, nor a zip or gzip file.`);
    case 'text': {
      // A report mail is as large as its attachment, base64 encoded: looked into first, then the text's size checked.
      // Decoded once: strictly, and only when that fails with the octets that are not UTF-8 shown as U+FFFD.
      const strict = strictUtf8(bytes);
      const text = strict ?? new TextDecoder('utf-8').decode(bytes);
      const inner = await fromMail(text, path);
      if (inner !== null) return inner;
      if (bytes.length <= MAX_TEXT_BYTES) return strict !== null ? { text, path } : { text, path, octets: latin1(bytes) };
      // A log or a queue listing larger than what is read: its newest lines, from the first whole one.
      const tail = bytes.subarray(bytes.length - MAX_TEXT_BYTES);
      const start = tail.indexOf(0x0a) + 1;
      const last = [...path];
      last[last.length - 1] = `${name} (its last ${size(tail.length - start)} of ${size(bytes.length)}: the newest lines)`;
      return { text: new TextDecoder('utf-8').decode(tail.subarray(start)), path: last };
    }
  }
}

/**
 * Bytes as one character each, U+0000 to U+00FF (ISO-8859-1; by hand: the browser's "latin1" decoder is
 * windows-1252, which maps 0x80–0x9F elsewhere).
 */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** The bytes as text when they are UTF-8 throughout (ASCII is), else null. */
function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Data inflated by the browser, and its size in all. Whole (a report), stopped past MAX_TEXT_BYTES; or with `tail` (a
 * log opened as itself), its last MAX_TEXT_BYTES kept as it streams by (that and one chunk held at once), stopped past
 * MAX_LOG_UNPACKED, as a bomb would go on.
 */
async function inflate(data: Uint8Array, format: 'gzip' | 'deflate-raw', what: string, tail = false): Promise<{ bytes: Uint8Array; total: number }> {
  const limit = tail ? MAX_LOG_UNPACKED : MAX_TEXT_BYTES;
  const reader = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream(format)).getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        void reader.cancel().catch(() => undefined);
        throw new UnpackError(
          tail ? `${what} unpacks to more than ${size(limit)}: pick the lines first (zgrep QUEUE-ID ${what}) and paste them.` : `${what} unpacks to more than ${size(limit)}: up to ${size(limit)} is read.`,
        );
      }
      chunks.push(value);
      kept += value.length;
      // Older chunks go once the newer ones hold the window on their own.
      while (tail && chunks.length > 1 && kept - (chunks[0]?.length ?? 0) >= MAX_TEXT_BYTES) kept -= chunks.shift()?.length ?? 0;
    }
  } catch (e) {
    if (e instanceof UnpackError) throw e;
    throw new UnpackError(`${what} is damaged: it does not inflate (${e instanceof Error ? e.message : String(e)}).`);
  }
  const joined = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  return { bytes: tail ? joined.subarray(Math.max(0, kept - MAX_TEXT_BYTES)) : joined, total };
}
