/**
 * Whether a certificate shown to the page is for a name (shared/smtp/cert-name.ts, `/tls name`): compared with Node's
 * own tls.checkServerIdentity, the check the bridge makes for the host dialled, over a table of names and hosts.
 */
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { certCovers, certNameVerdict } from '../../shared/smtp/cert-name.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { SessionModel } from '../../shared/smtp/session.js';

/** A certificate as Node's check takes it, and as the bridge sends it to the page (certificate.ts). */
function cert(altNames: string[], cn: string | null) {
  const names = altNames;
  return {
    node: { subject: cn === null ? {} : { CN: cn }, subjectaltname: altNames.join(', ') } as unknown as tls.PeerCertificate,
    page: { names, nameCount: names.length, subject: cn === null ? 'O=Example' : `O=Example, CN=${cn}` },
  };
}

const CERTS: [string[], string | null][] = [
  [['DNS:mx.example.org', 'DNS:mx2.example.org'], 'mx.example.org'],
  [['DNS:*.example.org'], null],
  [['DNS:*.example.org', 'DNS:example.org'], 'example.org'],
  [['DNS:f*.example.org', 'DNS:*x.example.net'], null],
  [['DNS:*.org'], null],
  [['DNS:*.*.example.org', 'DNS:a.*.example.org'], null],
  [['DNS:xn--bcher-kva.example', 'DNS:*.xn--bcher-kva.example', 'DNS:xn--*.example'], null],
  [['DNS:MX.Example.ORG.'], null],
  [['IP Address:192.0.2.25', 'IP Address:2001:db8::25', 'DNS:mail.example.org'], 'ignored.example.org'],
  [[], 'mail.example.org'],
  [[], '*.example.org'],
  [['IP Address:192.0.2.25'], 'mail.example.org'],
  [['DNS:bad..example.org', 'DNS:'], null],
];

const HOSTS = [
  'mx.example.org',
  'MX.example.org.',
  'mx2.example.org',
  'example.org',
  'a.b.example.org',
  'foo.example.org',
  'fx.example.org',
  'f.example.org',
  'ax.example.net',
  'x.example.net',
  'org',
  'a.x.example.org',
  'xn--bcher-kva.example',
  'www.xn--bcher-kva.example',
  'xn--abc.example',
  'mail.example.org',
  'ignored.example.org',
  '192.0.2.25',
  '192.0.2.26',
  '2001:db8::25',
  '2001:0db8:0:0:0:0:0:25',
  '2001:db8::26',
  'bad..example.org',
];

describe('a certificate checked for a name, as Node checks it', () => {
  it('agrees with tls.checkServerIdentity on every name and host of the table', () => {
    let covered = 0;
    for (const [alt, cn] of CERTS) {
      const c = cert(alt, cn);
      for (const host of HOSTS) {
        const node = tls.checkServerIdentity(host, c.node) === undefined;
        const page = certCovers(c.page, host);
        expect(page.covers, `${alt.join(', ')} CN=${cn} for ${host}`).toBe(node);
        if (node) covered++;
      }
    }
    // The table has both outcomes, in numbers.
    expect(covered).toBeGreaterThan(15);
    expect(covered).toBeLessThan(CERTS.length * HOSTS.length - 100);
  });

  it('names what covers it, and says when the names sent may not be all', () => {
    expect(certCovers({ names: ['DNS:*.example.org'], nameCount: 1, subject: 'CN=x' }, 'mx.example.org')).toEqual({ covers: true, by: 'DNS:*.example.org' });
    expect(certCovers({ names: ['IP Address:2001:db8::25'], nameCount: 1, subject: '' }, '2001:db8:0::25')).toEqual({ covers: true, by: 'IP Address:2001:db8::25' });
    expect(certCovers({ names: [], nameCount: 0, subject: 'O=Example, CN=mail.example.org' }, 'mail.example.org')).toEqual({ covers: true, by: 'CN=mail.example.org' });
    expect(certCovers({ names: ['DNS:a.example'], nameCount: 1, subject: 'CN=mx.example.org' }, 'mx.example.org')).toEqual({ covers: false });
    // 300 names, 20 sent: not among those, which is not "not among its names".
    const many = Array.from({ length: 20 }, (_, i) => `DNS:host${i}.example`);
    expect(certCovers({ names: many, nameCount: 300, subject: 'CN=mx.example.org' }, 'mx.example.org')).toEqual({ covers: null, shown: 20, of: 300 });
    expect(certCovers({ names: many, nameCount: 300, subject: '' }, 'host3.example')).toEqual({ covers: true, by: 'DNS:host3.example' });
  });
});

describe('/tls name', () => {
  const state = new SessionModel().state;

  it('takes one name or address, its A-labels for a name beyond ASCII', () => {
    expect(localCommand('/tls name mx.example.org', state)).toEqual({ kind: 'tls-name', host: 'mx.example.org' });
    expect(localCommand('/TLS NAME MX.Example.ORG', state)).toEqual({ kind: 'tls-name', host: 'mx.example.org' });
    expect(localCommand('/tls name 192.0.2.25', state)).toEqual({ kind: 'tls-name', host: '192.0.2.25' });
    expect(localCommand('/tls name [2001:db8::25]', state)).toEqual({ kind: 'tls-name', host: '2001:db8::25' });
    expect(localCommand('/tls name mx.bücher.example', state)).toEqual({ kind: 'tls-name', host: 'mx.xn--bcher-kva.example', note: 'mx.bücher.example is mx.xn--bcher-kva.example in DNS and to mail servers (IDNA, RFC 5891)' });
    for (const bad of ['/tls name', '/tls name a.example b.example', '/tls name bad_name!']) {
      const c = localCommand(bad, state);
      expect(c?.kind, bad).toBe('text');
    }
  });

  it('says whether a sender that dialled the name would take the certificate, its chain too', () => {
    const cert = { names: ['DNS:mx.example.org', 'IP Address:192.0.2.25'], nameCount: 2, subject: 'CN=mx.example.org' };
    expect(certNameVerdict(cert, 'mx.example.org', { authorized: true, error: null })).toBe(
      "mx.example.org is among the certificate's names (DNS:mx.example.org), and its chain verified: a sender that dialled mx.example.org and reached this server would take it",
    );
    expect(certNameVerdict(cert, 'mx.example.org', { authorized: false, error: 'CERT_HAS_EXPIRED\u001b[2J' })).toBe(
      "mx.example.org is among the certificate's names (DNS:mx.example.org), but its chain did not verify (CERT_HAS_EXPIRED^[[2J), which fails it anyway: a sender that dialled mx.example.org and reached this server would still refuse it",
    );
    expect(certNameVerdict(cert, 'mx2.example.org', { authorized: true, error: null })).toContain("mx2.example.org is not among the certificate's names");
    const many = { names: Array.from({ length: 20 }, (_, i) => `DNS:h${i}.example`), nameCount: 40, subject: '' };
    expect(certNameVerdict(many, 'mx.example.org', { authorized: true, error: null })).toBe(
      "mx.example.org is not among the 20 names heloterm was sent of the certificate's 40: it may be among the others (openssl s_client -starttls smtp lists them all)",
    );
  });
});
