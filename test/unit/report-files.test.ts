/**
 * Report files opened in Paste & explain: the attachment found in a report mail (shared/smtp/report-mail.ts), a zip's
 * directory read, and the whole unpacking (client/ui/unpack.ts) through the DecompressionStream that Node shares with
 * the browser. The files were packed and mailed by Python's zipfile, gzip and email packages
 * (test/fixtures/reports/make.py), not by heloterm's code; hostile files end in a clear error, never a throw of
 * another kind, and never more than the limit unpacked.
 */
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_LOG_UNPACKED, MAX_TEXT_BYTES, unpackFile, unpackPasted, UnpackError } from '../../client/ui/unpack.js';
import { readDmarcReport } from '../../shared/smtp/dmarc-report.js';
import { crc32, isReportMail, packingOf, reportAttachment, reportEntry, zipEntries } from '../../shared/smtp/report-mail.js';
import { readTlsRptReport } from '../../shared/smtp/tlsrpt-report.js';

const DIR = new URL('../fixtures/reports/', import.meta.url);
const DMARC_ZIP = 'google.com!example.org!1764374400!1764460799.zip';
const DMARC_GZ = 'outlook.com!example.org!1764374400!1764460799.xml.gz';
const TLS_GZ = 'google.com!example.org!1764374400!1764460799!001.json.gz';
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(encodeURIComponent(name), DIR)));
const text = (name: string): string => readFileSync(new URL(encodeURIComponent(name), DIR), 'latin1');

const DMARC_HEAD = 'DMARC aggregate report from google.com for example.org, 2025-11-29 to 2025-11-29, policy p=none (RFC 7489 §7.2):';
const TLS_HEAD = "SMTP TLS report from Google Inc., 2025-11-29 to 2025-11-29 (RFC 8460): sessions to the domain's MX hosts, and why any failed:";

/** The message of the UnpackError that `p` ends in (any other outcome fails the test). */
async function refusal(p: Promise<unknown>): Promise<string> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UnpackError);
  return (e as UnpackError).message;
}

/** A mail around one part, as a sender might write it. */
const mail = (body: string, top = 'Content-Type: multipart/mixed; boundary="b1"'): string =>
  ['From: noreply-dmarc-support@google.com', 'To: dmarc@example.org', 'Subject: Report domain: example.org', 'MIME-Version: 1.0', top, '', body].join('\r\n');

describe('the report attached to a mail', () => {
  it('is found by the boundaries the mail declares: base64 bytes, name and type as Python mailed them', () => {
    const found = reportAttachment(text('dmarc-report-mail.eml'));
    expect(typeof found).toBe('object');
    const a = found as Exclude<typeof found, string | null>;
    expect(a.name).toBe(DMARC_ZIP);
    expect(a.type).toBe('application/zip');
    expect(Array.from(a.bytes)).toEqual(Array.from(fixture(DMARC_ZIP)));
    const tls = reportAttachment(text('tls-report-mail.eml')) as Exclude<typeof found, string | null>;
    expect([tls.name, tls.type]).toEqual([TLS_GZ, 'application/tlsrpt+gzip']);
    expect(Array.from(tls.bytes)).toEqual(Array.from(fixture(TLS_GZ)));
  });

  it('is found in nested multiparts, under octet-stream with a report name, by RFC 2231 names, and in a one-part mail', () => {
    const zip64 = Buffer.from(fixture(DMARC_ZIP)).toString('base64').replace(/.{76}/g, '$&\r\n');
    const nested = mail(
      [
        '--b1',
        'Content-Type: multipart/alternative; boundary="b2"',
        '',
        '--b2',
        'Content-Type: text/plain',
        '',
        'Content-Type: application/zip', // a body line that looks like a field is body, not a part
        '--b2--',
        '--b1',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        "Content-Disposition: attachment; filename*=utf-8''report%21example.org.zip; filename=\"report_example.org.zip\"",
        '',
        zip64,
        '--b1--',
      ].join('\r\n'),
    );
    const a = reportAttachment(nested);
    expect(a).toMatchObject({ name: 'report!example.org.zip', type: 'application/octet-stream' });
    expect(Array.from((a as { bytes: Uint8Array }).bytes)).toEqual(Array.from(fixture(DMARC_ZIP)));
    const both = mail(['--b1', `Content-Type: application/octet-stream; name="plain.zip"; name*=utf-8''extended.zip`, 'Content-Transfer-Encoding: base64', '', zip64, '--b1--'].join('\n'));
    expect(reportAttachment(both)).toMatchObject({ name: 'extended.zip' });
    // One part: the report is the body (folded Content-Type parameters read too).
    const one = mail(zip64, `Content-Type: application/zip;\r\n name="${DMARC_ZIP}"\r\nContent-Transfer-Encoding: base64`);
    expect(reportAttachment(one)).toMatchObject({ name: DMARC_ZIP, type: 'application/zip' });
    // The report unpacked as it is (7bit XML).
    const xml = '<feedback><report_metadata><org_name>Почта €</org_name></report_metadata><record></record></feedback>';
    const plain = reportAttachment(mail(['--b1', 'Content-Type: text/xml; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', xml, '--b1--'].join('\n')));
    expect(new TextDecoder().decode((plain as { bytes: Uint8Array }).bytes)).toBe(xml);
  });

  it('says why an attachment cannot be read, and finds none in mails without one', () => {
    expect(reportAttachment(mail(['--b1', 'Content-Type: application/gzip', 'Content-Transfer-Encoding: base64', '', 'not*base64', '--b1--'].join('\n')))).toBe(
      'the attachment application/gzip is not valid base64: the mail may be cut short',
    );
    expect(reportAttachment(mail(['--b1', 'Content-Type: text/xml; name="r.xml"', 'Content-Transfer-Encoding: quoted-printable', '', '<feedback/>', '--b1--'].join('\n')))).toBe(
      'the attachment r.xml is encoded as quoted-printable, which this does not read: save the attachment itself and open it',
    );
    // A bounce (its parts are no report), a mail of text, a log line, an undeclared boundary: none.
    const bounce = mail(['--b1', 'Content-Type: text/plain', '', 'I could not deliver it.', '--b1', 'Content-Type: message/delivery-status', '', 'Status: 5.1.1', '--b1--'].join('\n'), 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"');
    expect(reportAttachment(bounce)).toBeNull();
    expect(reportAttachment(mail('Hello', 'Content-Type: text/plain'))).toBeNull();
    expect(reportAttachment(mail(['--b9', 'Content-Type: application/zip', '', 'x'].join('\n')))).toBeNull();
    expect(isReportMail('Nov 29 12:00:00 mx postfix/smtp[1]: 4ABC: to=<a@b>, status=bounced')).toBe(false);
    expect(isReportMail('<feedback><record/></feedback>')).toBe(false);
  });
});

describe('report mails at random', () => {
  it('are read without throwing, each answer an attachment, a reason or none', () => {
    const fragments = [
      'Content-Type: multipart/mixed; boundary="b"', 'Content-Type: multipart/alternative; boundary=c', 'Content-Type: application/zip',
      'Content-Type: text/xml; name="r.xml"', 'Content-Type: application/octet-stream; name*=utf-8\'\'%E2%82%AC%.zip', 'Content-Transfer-Encoding: base64',
      'Content-Transfer-Encoding: quoted-printable', 'Content-Disposition: attachment; filename="a\\"b.gz"', '--b', '--b--', '--c', '--c--', '--',
      ' folded', '\t', '', 'UEsDBBQAAAAIAA==', 'H4sIAAAAAAAA/w==', '====', '<feedback>', 'From: a@b', 'Subject: x', ';', '=', '"', '\x00', '😀',
    ];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 500; round++) {
      const lines = ['From: a@b', 'Content-Type: multipart/mixed; boundary="b"'];
      for (let i = 0, n = Math.floor(next() * 40); i < n; i++) lines.push(fragments[Math.floor(next() * fragments.length)]!);
      const found = reportAttachment(lines.join(next() < 0.5 ? '\n' : '\r\n'));
      if (found !== null && typeof found !== 'string') expect(found.bytes).toBeInstanceOf(Uint8Array);
      else if (typeof found === 'string') expect(found).toMatch(/^the attachment /);
    }
  });
});

describe("a zip's directory", () => {
  it('lists what Python packed, with the method, sizes and CRC-32 the file declares', () => {
    const bytes = fixture('stored.zip');
    const entries = zipEntries(bytes);
    expect(Array.isArray(entries)).toBe(true);
    const list = entries as Exclude<typeof entries, string>;
    expect(list.map((e) => [e.name, e.method, e.encrypted])).toEqual([
      ['notes.txt', 0, false],
      ['google.com!example.org!1764374400!1764460799.xml', 0, false],
    ]);
    // Stored: the data is the file, its CRC-32 the directory's (zlib's CRC agrees with ours).
    const notes = list[0]!;
    const data = bytes.subarray(notes.dataStart, notes.dataStart + notes.dataLength);
    expect(Buffer.from(data).toString()).toBe('not a report\n');
    expect(crc32(data)).toBe(notes.crc);
    expect(crc32(data)).toBe(zlibCrc32(data));
    expect(reportEntry(list)?.name).toBe('google.com!example.org!1764374400!1764460799.xml');
    expect((zipEntries(fixture(DMARC_ZIP)) as Exclude<typeof entries, string>).map((e) => e.method)).toEqual([8]);
  });

  it('tells the packing by the first bytes', () => {
    expect([DMARC_ZIP, DMARC_GZ, 'dmarc-report-mail.eml'].map((n) => packingOf(fixture(n)))).toEqual(['zip', 'gzip', 'text']);
    expect(packingOf(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBe('binary');
    expect(packingOf(new Uint8Array(0))).toBe('text');
  });

  it('reads damaged and hostile zips without throwing: each cut and each byte changed', () => {
    const bytes = fixture('stored.zip');
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = zipEntries(bytes.subarray(0, cut));
      if (typeof r !== 'string') expect(r.every((e) => e.dataStart + e.dataLength <= cut)).toBe(true);
    }
    for (let at = 0; at < bytes.length; at++) {
      for (const v of [0x00, 0xff, bytes[at]! ^ 0x40]) {
        const copy = bytes.slice();
        copy[at] = v;
        const r = zipEntries(copy);
        if (typeof r !== 'string') expect(r.every((e) => e.dataStart + e.dataLength <= copy.length)).toBe(true);
      }
    }
  });
});

describe('a report file unpacked', () => {
  it('opens each file as receivers send it to the text the readers read', async () => {
    const cases: [string, string[], string][] = [
      [DMARC_ZIP, [DMARC_ZIP, 'google.com!example.org!1764374400!1764460799.xml'], DMARC_HEAD],
      [DMARC_GZ, [DMARC_GZ, 'outlook.com!example.org!1764374400!1764460799.xml'], DMARC_HEAD],
      [TLS_GZ, [TLS_GZ, 'google.com!example.org!1764374400!1764460799!001.json'], TLS_HEAD],
      ['dmarc-report-mail.eml', ['dmarc-report-mail.eml', DMARC_ZIP, 'google.com!example.org!1764374400!1764460799.xml'], DMARC_HEAD],
      ['tls-report-mail.eml', ['tls-report-mail.eml', TLS_GZ, 'google.com!example.org!1764374400!1764460799!001.json'], TLS_HEAD],
      ['stored.zip', ['stored.zip', 'google.com!example.org!1764374400!1764460799.xml'], DMARC_HEAD],
    ];
    for (const [name, path, head] of cases) {
      const u = await unpackFile(fixture(name), name);
      expect(u.path, name).toEqual(path);
      expect((readDmarcReport(u.text) ?? readTlsRptReport(u.text))?.head, name).toBe(head);
    }
    // A text file is its text; a pasted report mail is unpacked, other pastes are not.
    expect(await unpackFile(new TextEncoder().encode('250 2.0.0 Ok: queued as 4ABC'), 'log.txt')).toEqual({ text: '250 2.0.0 Ok: queued as 4ABC', path: ['log.txt'] });
    expect((await unpackPasted(text('tls-report-mail.eml')))?.path).toEqual([TLS_GZ, 'google.com!example.org!1764374400!1764460799!001.json']);
    expect(await unpackPasted('220 mx.example.org ESMTP\n250 ok')).toBeNull();
  });

  it('ends hostile and damaged files in a clear error, with no more than the limit unpacked', async () => {
    expect(await refusal(unpackFile(fixture('bomb.zip'), 'bomb.zip'))).toBe('bomb.zip → zeros.xml unpacks to more than 2.0 MB: up to 2.0 MB is read.');
    expect(await refusal(unpackFile(gzipSync(Buffer.alloc(MAX_TEXT_BYTES + 1, 'a')), 'big.xml.gz'))).toBe('big.xml.gz unpacks to more than 2.0 MB: up to 2.0 MB is read.');
    expect(await refusal(unpackFile(new Uint8Array(MAX_FILE_BYTES + 1), 'huge.bin'))).toBe('huge.bin is 20.0 MB: files up to 20.0 MB are opened');
    // A log larger than what is read: its newest lines, from the first whole one, and said so.
    const line = (n: number): string => `Dec  1 05:13:${String(n % 60).padStart(2, '0')} mx postfix/smtp[${n}]: line ${n}\n`;
    let log = '';
    for (let n = 0; log.length <= MAX_TEXT_BYTES * 3; n++) log += line(n);
    const read = await unpackFile(new TextEncoder().encode(log), 'mail.log');
    expect(read.path).toEqual([`mail.log (its last 2.0 MB of ${(log.length / 1_000_000).toFixed(1)} MB: the newest lines)`]);
    expect(log.endsWith(read.text)).toBe(true);
    expect(read.text.length).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(read.text.length).toBeGreaterThan(MAX_TEXT_BYTES - 100);
    expect(read.text.startsWith('Dec  1 05:13:')).toBe(true);
    // Gzipped as logrotate leaves it: the same, its size unpacked said; a log that unpacks past the limit refused.
    const rotated = await unpackFile(gzipSync(Buffer.from(log)), 'mail.log.1.gz');
    expect(rotated.path).toEqual(['mail.log.1.gz', `mail.log.1 (its last 2.0 MB of ${(log.length / 1_000_000).toFixed(1)} MB unpacked: the newest lines)`]);
    expect(log.endsWith(rotated.text)).toBe(true);
    expect(rotated.text.startsWith('Dec  1 05:13:')).toBe(true);
    expect((await unpackFile(gzipSync(Buffer.from(line(1) + line(2))), 'small.log.gz')).text).toBe(line(1) + line(2));
    expect(await refusal(unpackFile(gzipSync(Buffer.alloc(MAX_LOG_UNPACKED + 1, 'a')), 'huge.log.gz'))).toBe('huge.log.gz unpacks to more than 100.0 MB: pick the lines first (zgrep QUEUE-ID huge.log.gz) and paste them.');
    // A mail larger than that for its attachment is opened: the attachment is what is read.
    const padded = text('dmarc-report-mail.eml').replace('This is an aggregate report from google.com.', 'x'.repeat(MAX_TEXT_BYTES));
    expect((await unpackFile(new TextEncoder().encode(padded), 'big.eml')).path.at(-1)).toBe('google.com!example.org!1764374400!1764460799.xml');
    expect(await refusal(unpackFile(fixture(DMARC_GZ).subarray(0, 100), 'cut.xml.gz'))).toMatch(/^cut\.xml\.gz is damaged: it does not inflate \(.+\)\.$/);
    // A byte of the deflated data changed: inflating fails, or the directory's CRC-32 says so.
    const zip = fixture(DMARC_ZIP);
    const entry = (zipEntries(zip) as Exclude<ReturnType<typeof zipEntries>, string>)[0]!;
    for (const at of [entry.dataStart + 40, entry.dataStart + entry.dataLength - 3]) {
      const damaged = zip.slice();
      damaged[at]! ^= 0x04;
      expect(await refusal(unpackFile(damaged, 'r.zip'))).toMatch(/^r\.zip → google\.com!example\.org!1764374400!1764460799\.xml is damaged: /);
    }
    const stored = fixture('stored.zip');
    const xml = (zipEntries(stored) as Exclude<ReturnType<typeof zipEntries>, string>)[1]!;
    const changed = stored.slice();
    changed[xml.dataStart + 10]! ^= 0x01;
    expect(await refusal(unpackFile(changed, 's.zip'))).toBe('s.zip → google.com!example.org!1764374400!1764460799.xml is damaged: its checksum does not match.');
    // The directory's flags and method, changed: encrypted, bzip2.
    const dir = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 22 + 16, true);
    const encrypted = zip.slice();
    encrypted[dir(zip) + 8]! |= 1;
    expect(await refusal(unpackFile(encrypted, 'e.zip'))).toBe('e.zip → google.com!example.org!1764374400!1764460799.xml is encrypted: unzip it with its password and open the file.');
    const bzip = zip.slice();
    bzip[dir(zip) + 10] = 12;
    expect(await refusal(unpackFile(bzip, 'b.zip'))).toMatch(/is compressed by method 12; this reads stored and deflated files/);
    // Nested past three, a binary file, a zip of other files, a mail whose attachment is cut.
    let deep: Uint8Array = new TextEncoder().encode('<feedback/>');
    for (let i = 0; i < 4; i++) deep = gzipSync(deep);
    expect(await refusal(unpackFile(deep, 'd.gz'))).toBe('d.gz → d → d → d → d: packed more than 3 deep; open the inner file itself');
    expect(await refusal(unpackFile(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), 'logo.png'))).toBe('logo.png is not text, nor a zip or gzip file.');
    const others = stored.slice();
    // notes.txt alone is not a report: renamed in the directory, the .xml is no longer found by its name.
    const at = Buffer.from(others).toString('latin1').lastIndexOf('.xml');
    others.set(new TextEncoder().encode('.txt'), at);
    expect(await refusal(unpackFile(others, 'o.zip'))).toBe('o.zip holds no .xml or .json file (it holds notes.txt, google.com!example.org!1764374400!1764460799.txt).');
    const cutMail = text('dmarc-report-mail.eml').replace(/^UEsDB/m, 'UEs*B');
    expect(await refusal(unpackPasted(cutMail))).toBe(`the attachment ${DMARC_ZIP} is not valid base64: the mail may be cut short.`);
    expect(await refusal(unpackFile(new TextEncoder().encode(cutMail), 'cut.eml'))).toBe(`In cut.eml, the attachment ${DMARC_ZIP} is not valid base64: the mail may be cut short.`);
  });
});
