/**
 * `/tls versions` on the page: the command typed (local-commands.ts), the messages as they come off the wire
 * (decode.ts, decode-app.ts) and the answer read (shared/smtp/tls-versions.ts): a line a version, and what the set of
 * them means on port 25, where TLS is opportunistic, and on the submission ports, where clients log in over it.
 */
import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';
import { PROTOCOL_VERSION, type TlsVersion, type TlsVersionOutcome, type TlsVersionsMessage } from '../../shared/protocol/messages.js';
import { readTlsVersions, versionName } from '../../shared/smtp/tls-versions.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { SessionModel } from '../../shared/smtp/session.js';

const ALL: TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const REFUSED = 'tlsv1 alert protocol version (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)';
/** The four outcomes, each version accepted when named in `accepted`, refused otherwise. */
function probed(accepted: readonly TlsVersion[]): TlsVersionsMessage['answer'] {
  const versions = ALL.map((version): TlsVersionOutcome =>
    accepted.includes(version)
      ? { version, outcome: 'accepted', cipher: version === 'TLSv1.3' ? 'TLS_AES_256_GCM_SHA384' : 'ECDHE-RSA-AES256-SHA', text: '', ms: 30 }
      : { version, outcome: 'refused', cipher: null, text: REFUSED, ms: 12 },
  );
  return { kind: 'probed', address: '192.0.2.25', versions };
}
const read = (port: number, answer: TlsVersionsMessage['answer']) => readTlsVersions('mx.example.org', port, 'none', answer);
const lines = (port: number, answer: TlsVersionsMessage['answer']) => read(port, answer).findings.map((f) => `${f.tone} ${f.text}`);

describe('readTlsVersions', () => {
  it('gives a line a version: current versions accepted are fine, old ones refused are too', () => {
    expect(versionName('TLSv1')).toBe('TLS 1.0');
    expect(versionName('TLSv1.3')).toBe('TLS 1.3');
    const r = read(25, probed(['TLSv1.2', 'TLSv1.3']));
    expect(r.head).toBe('TLS versions of mx.example.org port 25 (192.0.2.25), each offered alone, one connection each, after EHLO and STARTTLS:');
    expect(r.findings.map((f) => `${f.tone} ${f.text}`)).toEqual([
      `ok TLS 1.0 refused: ${REFUSED}`,
      `ok TLS 1.1 refused: ${REFUSED}`,
      'ok TLS 1.2 accepted (ECDHE-RSA-AES256-SHA)',
      'ok TLS 1.3 accepted (TLS_AES_256_GCM_SHA384)',
    ]);
    expect(r.good).toBe(true);
    expect(readTlsVersions('mx.example.org', 465, 'implicit', probed(['TLSv1.2'])).head).toContain('with implicit TLS:');
  });

  it('weighs TLS 1.0 and 1.1 by the port: a choice where TLS is opportunistic, a warning where clients log in', () => {
    const mx = lines(25, probed(ALL));
    expect(mx[0]).toMatch(/^info TLS 1\.0 accepted \(ECDHE-RSA-AES256-SHA\): deprecated \(RFC 8996\), but .* plain text$/);
    expect(mx.at(-1)).toMatch(/^info to turn TLS 1\.0 and TLS 1\.1 off: Postfix 3\.6 and later: smtpd_tls_protocols = >=TLSv1\.2 .* Exim: openssl_options = \+no_tlsv1 \+no_tlsv1_1/);
    expect(read(25, probed(ALL)).good).toBe(true);

    for (const port of [587, 465, 2525]) {
      const r = read(port, probed(ALL));
      expect(r.findings.slice(0, 2).map((f) => f.tone), String(port)).toEqual(['warn', 'warn']);
      expect(r.findings[1]?.text).toContain('clients that log in here may use it, and should not');
      expect(r.good).toBe(false);
    }
  });

  it('reads the set: old versions only, none at all, TLS 1.3 only, no TLS 1.3', () => {
    expect(lines(25, probed(['TLSv1', 'TLSv1.1'])).at(-1)).toMatch(/^bad only TLS 1\.0 and TLS 1\.1: a current client .* cannot start TLS here at all, so its mail arrives in plain text/);
    expect(lines(587, probed(['TLSv1'])).at(-1)).toMatch(/^bad only TLS 1\.0: .* so mail clients cannot log in safely/);
    expect(lines(25, probed([])).at(-1)).toMatch(/^bad no version was accepted: every handshake failed/);
    expect(lines(25, probed(['TLSv1.3'])).at(-1)).toMatch(/^info TLS 1\.3 only: current senders are fine; older ones .* send in plain text, or not at all/);
    expect(lines(25, probed(['TLSv1.2'])).at(-1)).toMatch(/^info no TLS 1\.3 \(RFC 8446, 2018\)/);
    // A version refused that is current is worth knowing, not a fault.
    expect(lines(25, probed(['TLSv1.2']))[3]).toBe(`info TLS 1.3 refused: ${REFUSED}`);
  });

  it('warns of a suite without forward secrecy (RSA key exchange) before TLS 1.3', () => {
    const answer = probed(['TLSv1.2', 'TLSv1.3']);
    const versions = (answer as Extract<TlsVersionsMessage['answer'], { kind: 'probed' }>).versions;
    versions[2] = { ...versions[2]!, cipher: 'AES256-GCM-SHA384' };
    expect(lines(25, answer)[2]).toBe(
      "warn TLS 1.2 accepted (AES256-GCM-SHA384): no forward secrecy (RSA key exchange): a recording of this traffic can be read by whoever gets the server's private key later; prefer ECDHE suites (RFC 9325 §4.1)",
    );
    versions[2] = { ...versions[2]!, cipher: 'DHE-RSA-AES256-GCM-SHA384' };
    expect(lines(25, answer)[2]).toBe('ok TLS 1.2 accepted (DHE-RSA-AES256-GCM-SHA384)');
  });

  it('says once what kept every version from a handshake', () => {
    const same = (outcome: TlsVersionOutcome['outcome'], text: string): TlsVersionsMessage['answer'] => ({
      kind: 'probed',
      address: '192.0.2.25',
      versions: ALL.map((version) => ({ version, outcome, cipher: null, text, ms: 5 })),
    });
    expect(lines(25, same('no-starttls', 'STARTTLS is not offered after EHLO'))).toEqual([
      'warn no handshake tried: STARTTLS is not offered after EHLO (is it implicit TLS? then tick "implicit TLS", or name port 465)',
    ]);
    expect(lines(25, same('no-starttls', 'STARTTLS answered 454 4.7.0 TLS not available'))).toEqual(['warn no handshake tried: STARTTLS answered 454 4.7.0 TLS not available']);
    expect(lines(25, same('error', 'connection refused: nothing listens on 192.0.2.25:25'))).toEqual(['bad no version tried: connection refused: nothing listens on 192.0.2.25:25']);
    // Plain text where a handshake was expected: implicit TLS on a port that starts in plain SMTP, or a broken STARTTLS.
    const plainText = same('refused', 'wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)');
    expect(readTlsVersions('mx.example.org', 25, 'implicit', plainText).findings.map((f) => `${f.tone} ${f.text}`)).toEqual([
      'bad the server does not start TLS at once here: it answered in plain text (wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)); a port that begins in plain SMTP (25, 587) starts TLS with STARTTLS: untick implicit TLS, or name port 465',
    ]);
    expect(lines(25, plainText)).toEqual([
      'bad after its 220 to STARTTLS the server did not start TLS: it went on in plain text (wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)); a broken STARTTLS, or a device on the way that rewrites the dialog',
    ]);
    expect(lines(25, { kind: 'none', reason: 'not-found', detail: 'DNS name not found: nowhere.example has no address (ENOTFOUND)' })).toEqual([
      'bad not probed: DNS name not found: nowhere.example has no address (ENOTFOUND)',
    ]);
  });
});

describe('the tlsversions messages on the wire', () => {
  const ask = (fields: Record<string, unknown>) => decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 25, tls: 'none', ...fields }));

  it("takes a host, a port, a TLS mode and an IP version, checked as a connect's", () => {
    expect(ask({ family: 4 })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 25, tls: 'none', family: 4 } });
    expect(ask({ port: 465, tls: 'implicit' })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 465, tls: 'implicit' } });
    for (const [fields, why] of [
      [{ port: 0 }, 'tlsversions: "port" must be an integer from 1 to 65535'],
      [{ tls: 'starttls' }, 'tlsversions: "tls" must be "none" or "implicit"'],
      [{ host: '' }, 'tlsversions: "host" must be a non-empty string'],
      [{ host: '192.0.2.1', family: 6 }, 'tlsversions: "host" 192.0.2.1 is not an IPv6 address'],
    ] as const) {
      expect(ask(fields), JSON.stringify(fields)).toEqual({ ok: false, error: why });
    }
  });

  it('reads an answer within its limits, and refuses one beyond them', () => {
    const m = { v: PROTOCOL_VERSION, type: 'tlsversions', host: 'mx.example.org', port: 25, answer: probed(['TLSv1.2', 'TLSv1.3']) };
    expect(decodeAnyServerMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
    const none = { ...m, answer: { kind: 'none', reason: 'refused', detail: 'a DNS lookup is already running' } };
    expect(decodeAnyServerMessage(JSON.stringify(none))).toEqual({ ok: true, value: none });
    const versions = (m.answer as Extract<TlsVersionsMessage['answer'], { kind: 'probed' }>).versions;
    const first = versions[0] as TlsVersionOutcome;
    for (const bad of [
      { ...m, port: 70000 },
      { ...m, answer: { ...m.answer, versions: [...versions, first] } },
      { ...m, answer: { ...m.answer, versions: [{ ...first, version: 'SSLv3' }] } },
      { ...m, answer: { ...m.answer, versions: [{ ...first, outcome: 'maybe' }] } },
      { ...m, answer: { ...m.answer, versions: [{ ...first, text: 'x'.repeat(202) }] } },
      { ...m, answer: { ...m.answer, versions: [{ ...first, cipher: 7 }] } },
      { ...m, answer: { kind: 'none', reason: 'busy', detail: '' } },
    ]) {
      expect(decodeAnyServerMessage(JSON.stringify(bad)).ok, JSON.stringify(bad).slice(0, 160)).toBe(false);
    }
  });
});

describe('/tls versions typed', () => {
  const state = new SessionModel().state;
  it('takes a host and a port, each optional; /tls alone is still the certificate', () => {
    expect(localCommand('/tls', state)).toEqual({ kind: 'tls' });
    expect(localCommand('/tls versions', state)).toEqual({ kind: 'tls-versions', host: null, port: null });
    expect(localCommand('/tls versions mx.example.org', state)).toEqual({ kind: 'tls-versions', host: 'mx.example.org', port: null });
    expect(localCommand('/TLS Version [2001:db8::25] 587', state)).toEqual({ kind: 'tls-versions', host: '2001:db8::25', port: 587 });
    expect(localCommand('/tls versions 465', state)).toEqual({ kind: 'tls-versions', host: null, port: 465 });
    expect(localCommand('/tls versions mx.bücher.de 25', state)).toMatchObject({ kind: 'tls-versions', host: 'mx.xn--bcher-kva.de', port: 25, note: expect.stringContaining('IDNA') });
  });

  it('says what is wrong with anything else', () => {
    for (const [line, why] of [
      ['/tls ciphers', '/tls versions mx.example.org 25 tries TLS 1.0, 1.1, 1.2 and 1.3'],
      ['/tls versions mx.example.org 25 587', 'one port at a time'],
      ['/tls versions a.example b.example', 'one host at a time'],
      ['/tls versions mx.example.org 0', '0 is not a port'],
    ] as const) {
      const c = localCommand(line, state);
      expect(c?.kind, line).toBe('text');
      expect(c?.kind === 'text' ? c.text : '', line).toContain(why);
    }
  });
});
