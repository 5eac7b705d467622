/**
 * The certificate report: the findings read from a `tls` message (shared/smtp/tls-report.ts), the reasons a
 * certificate does not verify (tls-errors.ts), the terminal's lines for them, `/tls`, and the `certificate` field
 * at the protocol's boundary. What OpenSSL says of real certificates is in test/integration/tls-certificates.
 */
import { describe, expect, it } from 'vitest';
import { formatTlsReport } from '../../client/terminal/render-findings.js';
import { splitAltNames } from '../../server/certificate.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { encodeServerMessage } from '../../shared/protocol/encode.js';
import { MAX_CERT_NAMES, MAX_CERT_TEXT, type PeerCertificate, type TlsMessage } from '../../shared/protocol/messages.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { TLS_ERRORS } from '../../shared/smtp/tls-errors.js';
import { EXPIRY_WARNING_DAYS, assessTls, explainTlsError, findTlsErrorToken } from '../../shared/smtp/tls-report.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-11-29T12:00:00Z');

const CERT: PeerCertificate = {
  subject: 'CN=mx.example.com',
  issuer: 'C=US, O=Example CA, CN=Example R1',
  names: ['DNS:mx.example.com', 'DNS:mail.example.com'],
  nameCount: 2,
  validFrom: '2026-10-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  fingerprint256: 'AB:'.repeat(31) + 'AB',
  selfIssued: false,
  chain: ['C=US, O=Example CA, CN=Example R1', 'C=US, O=Example CA, CN=Example Root'],
  coversHost: true,
};

type TlsFields = Pick<TlsMessage, 'protocol' | 'cipher' | 'authorized' | 'authorizationError' | 'certificate'>;
const tls = (over: Partial<TlsFields> = {}, cert: Partial<PeerCertificate> = {}): TlsFields => ({
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  authorized: true,
  authorizationError: null,
  certificate: { ...CERT, ...cert },
  ...over,
});
const texts = (m: TlsFields, host = 'mx.example.com', now = NOW): string[] => assessTls(m, host, now).findings.map((f) => `${f.tone}: ${f.text}`);

describe('the certificate findings', () => {
  it('reads a good certificate top down: verified, its names, the host among them, issuer, chain, dates', () => {
    expect(texts(tls())).toEqual([
      'ok: verified: a certificate authority this machine trusts vouches for it, and it is for this host',
      'info: for mx.example.com, mail.example.com',
      'ok: mx.example.com is among its names',
      'info: issued by C=US, O=Example CA, CN=Example R1',
      'info: chain: C=US, O=Example CA, CN=Example R1 → C=US, O=Example CA, CN=Example Root',
      'ok: valid until 2027-01-01 (32 days left)',
    ]);
    const r = assessTls(tls(), 'mx.example.com', NOW);
    expect(r).toMatchObject({ verified: true, error: null, protocol: 'TLSv1.3' });
  });

  it('names the reason it did not verify, explained', () => {
    const r = assessTls(tls({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' }), 'mx.example.com', NOW);
    expect(r.findings[0]).toEqual({ tone: 'bad', text: 'not verified: CERT_HAS_EXPIRED (Certificate expired)' });
    expect(r.error?.key).toBe('CERT_HAS_EXPIRED');
    expect(r.error?.source).toContain('RFC 5280 §4.1.2.5');
    // A reason without a name still gets a line.
    expect(texts(tls({ authorized: false, authorizationError: null }))[0]).toBe('bad: not verified: UNKNOWN (Certificate not verified)');
  });

  it('tells a host name not on the certificate (bad) from an address not on it (connect by name)', () => {
    expect(texts(tls({}, { coversHost: false }))).toContain('bad: mx.example.com is not among its names');
    expect(texts(tls({}, { coversHost: false }), '192.0.2.1')).toContain(
      "warn: 192.0.2.1 is not among its names: senders check the MX host's name: /tls name and that name checks it (or connect by name)",
    );
    expect(texts(tls({}, { coversHost: false }), '[2001:db8::25]')).toContain(
      "warn: 2001:db8::25 is not among its names: senders check the MX host's name: /tls name and that name checks it (or connect by name)",
    );
  });

  it('shows addresses as written, counts the names not sent, and warns when there are none', () => {
    const many = { names: ['DNS:a.test', 'IP Address:192.0.2.1', 'IP Address:2001:db8::1', 'email:x@y'], nameCount: 40 };
    expect(texts(tls({}, many))[1]).toBe('info: for a.test, 192.0.2.1, 2001:db8::1, email:x@y and 36 more');
    expect(texts(tls({}, { names: [], nameCount: 0 }))[1]).toBe(
      "warn: for CN=mx.example.com only: no subjectAltName, and current clients ignore the subject's CN",
    );
  });

  it('says self-signed, or that no issuer was found when it did not verify', () => {
    const self = texts(tls({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, { selfIssued: true, chain: [] }));
    expect(self).toContain('warn: self-signed: issued by itself, no certificate authority vouches for it');
    expect(self.some((t) => t.includes('issued by C=US'))).toBe(false);
    const lone = texts(tls({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, { chain: [] }));
    expect(lone).toContain('warn: its issuer was not found: the server sent no intermediate certificate, and no trusted one fits');
    // Verified with nothing above it (a root in the trust store that Node did not list): no warning.
    expect(texts(tls({}, { chain: [] })).some((t) => t.startsWith('warn'))).toBe(false);
  });

  it('reads the dates: not valid yet, expired, expiring soon, fine, unreadable', () => {
    const last = (cert: Partial<PeerCertificate>, now = NOW): string => texts(tls({}, cert), 'mx.example.com', now).at(-1) ?? '';
    expect(last({ validFrom: '2026-12-01T12:00:00.000Z' })).toBe('bad: not valid yet: valid from 2026-12-01 (in 2 days)');
    expect(last({ validTo: '2026-11-28T11:00:00.000Z' })).toBe('bad: expired on 2026-11-28 (1 day ago)');
    expect(last({ validTo: '2026-10-30T12:00:00.000Z' })).toBe('bad: expired on 2026-10-30 (30 days ago)');
    const soon = new Date(NOW + (EXPIRY_WARNING_DAYS - 1) * DAY + 3600_000).toISOString();
    expect(last({ validTo: soon })).toBe(`warn: expires soon: valid until ${soon.slice(0, 10)} (${EXPIRY_WARNING_DAYS - 1} days left; renew it)`);
    const fine = new Date(NOW + EXPIRY_WARNING_DAYS * DAY + 3600_000).toISOString();
    expect(last({ validTo: fine })).toBe(`ok: valid until ${fine.slice(0, 10)} (${EXPIRY_WARNING_DAYS} days left)`);
    expect(last({ validTo: null })).toBe('warn: its validity dates could not be read');
  });

  it('says when the server sent no certificate', () => {
    expect(texts(tls({ certificate: null, authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT' }))).toEqual([
      'bad: not verified: UNABLE_TO_GET_ISSUER_CERT (Issuer certificate not found)',
      'bad: the server sent no certificate',
    ]);
  });
});

describe('the reasons a certificate does not verify', () => {
  it('explains each once, with what to do and an RFC', () => {
    const codes = TLS_ERRORS.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of TLS_ERRORS) {
      expect(e.code, e.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      expect(e.title.length, e.code).toBeGreaterThan(5);
      expect(e.explanation.length, e.code).toBeGreaterThan(40);
      expect(e.action.length, e.code).toBeGreaterThan(20);
      expect(e.source, e.code).toMatch(/^RFC \d+ §\d/);
    }
    // What OpenSSL and Node said of real certificates in the integration tests, and the practice server's.
    for (const seen of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      expect(codes).toContain(seen);
    }
  });

  it('explains a reason it does not know in general words, under its own name', () => {
    const e = explainTlsError('SOMETHING_NEW');
    expect(e.key).toBe('SOMETHING_NEW');
    expect(e.title).toBe('Certificate not verified');
  });

  it('finds a known reason in a line, as a whole word only', () => {
    const line = '   ✗ not verified: DEPTH_ZERO_SELF_SIGNED_CERT (Self-signed certificate)';
    const t = findTlsErrorToken(line);
    expect(t).toEqual({ start: line.indexOf('DEPTH'), end: line.indexOf(' (Self'), key: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(findTlsErrorToken('XDEPTH_ZERO_SELF_SIGNED_CERT')).toBeNull();
    expect(findTlsErrorToken('CERT_HAS_EXPIRED_2')).toBeNull();
    expect(findTlsErrorToken('-- TLS active (TLSv1.3, TLS_AES_256_GCM_SHA384)')).toBeNull();
    expect(findTlsErrorToken('cipher TLS_AES_128_GCM_SHA256, then CERT_HAS_EXPIRED')?.key).toBe('CERT_HAS_EXPIRED');
  });
});

describe('the terminal lines', () => {
  it('mark each finding, under a note with the protocol and cipher', () => {
    const out = plain(formatTlsReport(assessTls(tls({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, { selfIssued: true }), 'mx.example.com', NOW)));
    expect(out.split('\r\n')).toEqual([
      "-- TLS active (TLSv1.3, TLS_AES_256_GCM_SHA384); the server's certificate:",
      '   ✗ not verified: DEPTH_ZERO_SELF_SIGNED_CERT (Self-signed certificate)',
      '   · for mx.example.com, mail.example.com',
      '   ✓ mx.example.com is among its names',
      '   ! self-signed: issued by itself, no certificate authority vouches for it',
      '   ✓ valid until 2027-01-01 (32 days left)',
      '',
    ]);
  });

  it("never pass a certificate's control characters to the terminal", () => {
    const hostile = tls({ cipher: 'X\x1b[2J' }, { names: ['DNS:a\x1b]52;c;cGF5bG9hZA==\x07.test', 'DNS:\u202eevil'], nameCount: 2, issuer: 'CN=\x9b31m' });
    const out = formatTlsReport(assessTls(hostile, 'mx.example.com', NOW));
    // Only the renderer's own colours remain.
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/);
    expect(plain(out)).toContain('a^[]52;c;cGF5bG9hZA==^G.test, <U+202E>evil');
    expect(plain(out)).toContain('X^[[2J');
    expect(plain(out)).toContain('issued by CN=<U+009B>31m');
  });

  it('/tls and /cert show the report again; /help names them', () => {
    const state = new SessionModel().state;
    expect(localCommand('/tls', state)).toEqual({ kind: 'tls' });
    expect(localCommand('/CERT', state)).toEqual({ kind: 'tls' });
    const help = localCommand('/help', state);
    expect(help?.kind === 'text' ? plain(help.text) : '').toContain("/tls shows the server's certificate again");
  });
});

describe("the certificate's names as Node prints them", () => {
  it('splits at ", " outside quotes only: Node quotes a name holding a comma or a quote (CVE-2021-44532)', () => {
    expect(splitAltNames('DNS:a.example, IP Address:192.0.2.1')).toEqual(['DNS:a.example', 'IP Address:192.0.2.1']);
    // An escaped quote does not end the quoted name.
    expect(splitAltNames('DNS:"a, b.example", DNS:"say \\", x", DNS:c.example')).toEqual([
      'DNS:"a, b.example"',
      'DNS:"say \\", x"',
      'DNS:c.example',
    ]);
    expect(splitAltNames('')).toEqual([]);
  });
});

// The page's decoder: the boot script's leaves a `tls` message to it (decode.ts UNKNOWN_TYPE, client/connection.ts).
describe('the certificate at the protocol boundary', () => {
  const message = (certificate: unknown): string =>
    encodeServerMessage({ type: 'tls', protocol: 'TLSv1.3', cipher: 'c', authorized: false, authorizationError: 'X', certificate: certificate as PeerCertificate });

  it('travels whole, and an older bridge without it reads as none', () => {
    const d = decodeAnyServerMessage(message(CERT));
    expect(d).toEqual({ ok: true, value: { v: 2, type: 'tls', protocol: 'TLSv1.3', cipher: 'c', authorized: false, authorizationError: 'X', certificate: CERT } });
    const old = decodeAnyServerMessage(JSON.stringify({ v: 2, type: 'tls', protocol: 'TLSv1.3', cipher: 'c', authorized: true, authorizationError: null }));
    expect(old.ok && old.value.type === 'tls' ? old.value.certificate : 'not decoded').toBeNull();
  });

  it.each<[string, Partial<Record<keyof PeerCertificate, unknown>>]>([
    ['too many names', { names: Array.from({ length: MAX_CERT_NAMES + 1 }, (_, i) => `DNS:n${i}`), nameCount: MAX_CERT_NAMES + 1 }],
    ['a subject over the limit', { subject: 'x'.repeat(MAX_CERT_TEXT + 2) }],
    ['fewer names counted than sent', { nameCount: 1 }],
    ['a date that is not one', { validTo: 'soon' }],
    ['a missing field', { coversHost: undefined }],
    ['a name that is not text', { names: [42] }],
  ])('refuses a certificate with %s', (_what, over) => {
    const d = decodeAnyServerMessage(message({ ...CERT, ...over }));
    expect(d).toEqual({ ok: false, error: 'tls: bad "certificate"' });
  });
});
