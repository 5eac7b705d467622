/**
 * The report in a report mail, and what a report file is packed in. DMARC aggregate reports (RFC 7489 §7.2.1.1) and
 * SMTP TLS reports (RFC 8460 §5.3) arrive as mail with the report attached, base64 encoded: a zip or a gzip file
 * (`application/zip`, `application/gzip`, `application/tlsrpt+gzip`) named `receiver!domain!begin!end[!id].xml.gz`
 * and the like, or the report itself (`text/xml`, `application/tlsrpt+json`). What an admin has at hand is that mail
 * (saved as .eml, or its source copied from the mail client), or the attachment saved. This finds the attachment in
 * the mail, by the MIME structure the mail declares (RFC 2045, 2046), and tells a file's packing by its first bytes.
 * Pure: inflating is the browser's (client/ui/unpack.ts).
 */
import { base64Decode, utf8Bytes, utf8Text } from './base64.js';
import { headerBlock, values } from './header-fields.js';

/** The longest mail read, in characters: a report mail is some kilobytes; a large receiver's, a megabyte or two. */
const MAX_MAIL_CHARS = 30_000_000;
/** MIME parts looked at, at most. */
const MAX_PARTS = 200;

/** An attachment found in a report mail: its file name (null when it gives none), media type and bytes. */
export interface ReportAttachment {
  name: string | null;
  type: string;
  bytes: Uint8Array;
}

/** The media types that DMARC and TLS reports are sent as (RFC 7489 §7.2.1.1, RFC 8460 §5.3, and what senders use). */
const REPORT_TYPES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/tlsrpt+gzip',
  'application/tlsrpt+json',
  'application/json',
  'text/xml',
  'application/xml',
]);
/** A file name that says a report, whatever the type given (many send `application/octet-stream`). */
const REPORT_NAME = /\.(zip|gz|xml|json)$/i;

interface PartHead {
  type: string;
  params: Map<string, string>;
  encoding: string;
  filename: string | null;
}

/** A header field's parameters (`; name="value"`), names lowercased; RFC 2231's `name*=` read as its plain value. */
function params(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of value.matchAll(/;\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    let name = m[1]!.toLowerCase();
    const extended = name.endsWith('*');
    if (extended) {
      name = name.slice(0, -1);
      // charset'language'percent-encoded (RFC 2231 §4): the value's part, decoded when it can be.
      const q = /^[^']*'[^']*'(.*)$/.exec(v);
      if (q !== null) {
        try {
          v = decodeURIComponent(q[1]!);
        } catch {
          v = q[1]!;
        }
      }
    }
    // RFC 2231's form is preferred to the plain one that senders give beside it for older readers.
    if (extended || !out.has(name)) out.set(name, v);
  }
  return out;
}

/** The part's header block at lines[from…]: its MIME fields, and the index of the body's first line. */
function partHead(lines: readonly string[], from: number): { head: PartHead; body: number } {
  const block = headerBlock(lines, from);
  const first = (name: string): string | undefined => values(block, name)[0];
  const ct = first('content-type') ?? 'text/plain';
  const type = (ct.split(';')[0] ?? '').trim().toLowerCase();
  const p = params(ct);
  const disposition = params(first('content-disposition') ?? '');
  return {
    head: {
      type,
      params: p,
      encoding: (first('content-transfer-encoding') ?? '7bit').toLowerCase(),
      filename: disposition.get('filename') ?? p.get('name') ?? null,
    },
    body: block.next,
  };
}

function isReportPart(head: PartHead): boolean {
  return REPORT_TYPES.has(head.type) || (head.filename !== null && REPORT_NAME.test(head.filename) && !head.type.startsWith('multipart/'));
}

/** Whether text is a mail (header fields first) that declares a MIME body: what reportAttachment reads. */
export function isReportMail(text: string): boolean {
  if (text.length > MAX_MAIL_CHARS) return false;
  const head = text.slice(0, 20_000);
  return /^[A-Za-z][A-Za-z0-9-]*:/.test(head) && /^content-type:\s*(multipart\/|application\/|text\/xml)/im.test(head);
}

/**
 * The first report attached to a mail (its source as saved or copied), or null when it has none; a string when the
 * mail has a report attached that cannot be read (why). Boundaries are the ones the mail declares, nested multiparts
 * included; a part's body is base64 (as senders send reports) or left as it is (7bit, 8bit).
 */
export function reportAttachment(text: string): ReportAttachment | string | null {
  if (!isReportMail(text)) return null;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const top = partHead(lines, 0);
  // A mail of one part: the report is its body (some senders send it so).
  if (!top.head.type.startsWith('multipart/')) return isReportPart(top.head) ? attachment(top.head, lines.slice(top.body)) : null;
  const boundaries = new Set<string>();
  const declare = (head: PartHead): void => {
    const b = head.params.get('boundary');
    if (b !== undefined && b !== '') boundaries.add(b);
  };
  declare(top.head);
  // A part begins after each line that opens one (`--boundary`) of a multipart declared so far, nested ones included.
  let parts = 0;
  for (let i = top.body; i < lines.length && parts < MAX_PARTS; i++) {
    if (!opensPart(lines[i]!, boundaries)) continue;
    parts++;
    const { head, body } = partHead(lines, i + 1);
    if (head.type.startsWith('multipart/')) declare(head);
    else if (isReportPart(head)) {
      let end = body;
      while (end < lines.length && !endsPart(lines[end]!, boundaries)) end++;
      return attachment(head, lines.slice(body, end));
    }
    i = body - 1;
  }
  return null;
}

/** `--boundary`: a line that opens a part. */
function opensPart(line: string, boundaries: ReadonlySet<string>): boolean {
  return line.startsWith('--') && boundaries.has(line.slice(2).trimEnd());
}

/** A line that opens a part or closes a multipart (`--boundary--`): where a part's body ends. */
function endsPart(line: string, boundaries: ReadonlySet<string>): boolean {
  if (!line.startsWith('--')) return false;
  const b = line.slice(2).trimEnd();
  return boundaries.has(b) || (b.endsWith('--') && boundaries.has(b.slice(0, -2)));
}

function attachment(head: PartHead, body: readonly string[]): ReportAttachment | string {
  const what = head.filename ?? head.type;
  if (head.encoding === 'base64') {
    const bytes = base64Decode(body.join(''));
    if (bytes === null) return `the attachment ${what} is not valid base64: the mail may be cut short`;
    return { name: head.filename, type: head.type, bytes };
  }
  // Not encoded: the part's text as it was read (from UTF-8), as UTF-8 bytes again.
  if (head.encoding === '7bit' || head.encoding === '8bit' || head.encoding === 'binary') {
    return { name: head.filename, type: head.type, bytes: Uint8Array.from(utf8Bytes(body.join('\n'))) };
  }
  return `the attachment ${what} is encoded as ${head.encoding}, which this does not read: save the attachment itself and open it`;
}

/** What a file's bytes are: a zip, a gzip file, text, or other bytes (by its first bytes, and NULs for binary). */
export type Packing = 'zip' | 'gzip' | 'text' | 'binary';

export function packingOf(bytes: Uint8Array): Packing {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)) return 'zip';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return 'binary';
  return 'text';
}

/** One file in a zip's central directory (APPNOTE.TXT §4.3.12), as far as reading it needs. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; others are not read. */
  method: number;
  encrypted: boolean;
  /** The CRC-32 of the file's bytes, as the directory gives it: checked once they are unpacked. */
  crc: number;
  /** Where the file's data begins, and how many bytes it takes. */
  dataStart: number;
  dataLength: number;
}

/** The files in a zip, or why they cannot be read. Every offset is checked against the file's length. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  // The end of central directory record: 22 bytes and a comment of up to 65,535, at the end.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return 'it is not a whole zip file (no central directory at its end): it may be cut short';
  const count = u16(eocd + 10);
  const dirStart = u32(eocd + 16);
  if (dirStart === 0xffffffff || count === 0xffff) return 'it is a ZIP64 file, which this does not read';
  const entries: ZipEntry[] = [];
  for (let i = 0, at = dirStart; i < count; i++) {
    if (at + 46 > bytes.length || u32(at) !== 0x02014b50) return 'its central directory is damaged';
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const compressed = u32(at + 20);
    const nameLength = u16(at + 28);
    const local = u32(at + 42);
    if (at + 46 + nameLength > bytes.length || local + 30 > bytes.length || u32(local) !== 0x04034b50) return 'its central directory is damaged';
    const name = utf8Text(bytes.subarray(at + 46, at + 46 + nameLength));
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataStart + compressed > bytes.length) return `${name} runs past the end of the file: it may be cut short`;
    entries.push({ name, method, encrypted: (flags & 1) !== 0, crc, dataStart, dataLength: compressed });
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
  }
  return entries;
}

/** The entry that holds the report: the only file, or the first named .xml or .json (directories skipped). */
export function reportEntry(entries: readonly ZipEntry[]): ZipEntry | null {
  const files = entries.filter((e) => !e.name.endsWith('/'));
  if (files.length === 1) return files[0]!;
  return files.find((e) => /\.(xml|json)(\.gz)?$/i.test(e.name)) ?? null;
}

let crcTable: Uint32Array | null = null;

/** The CRC-32 of bytes (ISO 3309, as zip and gzip use it). */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
