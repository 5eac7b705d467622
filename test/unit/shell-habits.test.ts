import { describe, expect, it } from 'vitest';
import { shellConnect } from '../../client/terminal/shell-habits.js';

describe('shellConnect: a shell command typed by habit before connecting', () => {
  it.each([
    ['telnet mail.example.com 25', { tool: 'telnet', host: 'mail.example.com', port: 25, tls: false, family: null, note: null }],
    ['telnet mail.example.com smtp', { tool: 'telnet', host: 'mail.example.com', port: 25, tls: false, note: null }],
    ['/usr/bin/telnet -4 192.0.2.25 587', { tool: 'telnet', host: '192.0.2.25', port: 587, tls: false, family: 4, note: null }],
    ['telnet -l root mx.example.org 25', { tool: 'telnet', host: 'mx.example.org', port: 25, tls: false, note: null }],
    ['open mx.example.org 2525', { tool: 'open', host: 'mx.example.org', port: 2525, tls: false, note: null }],
    ['nc -C -w 5 mx.example.org 25', { tool: 'nc', host: 'mx.example.org', port: 25, tls: false, note: null }],
    ['ncat --ssl smtp.example.org 465', { tool: 'ncat', host: 'smtp.example.org', port: 465, tls: true }],
    ['openssl s_client -connect smtp.example.org:465', { tool: 'openssl s_client', host: 'smtp.example.org', port: 465, tls: true }],
    ['openssl s_client -starttls smtp -crlf -connect mx.example.org:25 -servername mx.example.org', { tool: 'openssl s_client', host: 'mx.example.org', port: 25, tls: false }],
    ['openssl s_client -connect [2001:db8::25]:submission -starttls smtp', { tool: 'openssl s_client', host: '2001:db8::25', port: 587, tls: false }],
  ])('%s', (line, want) => {
    expect(shellConnect(line)).toMatchObject(want);
  });

  it('reads -4 and -6 (the last one given), grouped or alone, and not inside an option\'s value', () => {
    const family = (line: string) => shellConnect(line)?.family;
    expect(family('telnet -6 mx.example.org 25')).toBe(6);
    expect(family('telnet -4 -6 mx.example.org 25')).toBe(6);
    expect(family('nc -6 mx.example.org 25')).toBe(6);
    expect(family('nc -vC6 mx.example.org 25')).toBe(6);
    expect(family('ncat -4 --ssl smtp.example.org 465')).toBe(4);
    expect(family('openssl s_client -6 -connect mx.example.org:25 -starttls smtp')).toBe(6);
    // Values of options that take one: nc's -w6 (wait 6 s), -p 4 (source port), openssl's -name 6.
    expect(family('nc -w6 mx.example.org 25')).toBeNull();
    expect(family('nc -Cw 6 mx.example.org 25')).toBeNull();
    expect(family('telnet -l 6 mx.example.org 25')).toBeNull();
    expect(family('openssl s_client -name 6 -connect mx.example.org:25 -starttls smtp')).toBeNull();
    expect(family('openssl s_client -connect mx.example.org:25 -starttls smtp')).toBeNull();
  });

  it('says what heloterm does differently: the port telnet would have used, bare LFs, the handshake by hand', () => {
    expect(shellConnect('telnet mx.example.org')).toMatchObject({ port: 25, note: "telnet's own default is port 23; heloterm dialled 25, SMTP's" });
    expect(shellConnect('nc mx.example.org 25')?.note).toMatch(/bare LF unless given -C/);
    expect(shellConnect('openssl s_client -starttls smtp -connect mx.example.org:25')?.note).toMatch(/^type EHLO, then STARTTLS/);
    expect(shellConnect('openssl s_client -connect mx.example.org:465')?.note).toMatch(/implicit TLS/);
    // A version pinned is not applied to the connection: the probe that tries each is named instead.
    expect(shellConnect('openssl s_client -starttls smtp -tls1_1 -connect mx.example.org:25')).toMatchObject({
      host: 'mx.example.org',
      port: 25,
      note: expect.stringMatching(/; -tls1_1 is not applied to a connection: \/tls versions mx\.example\.org 25 tries each TLS version by itself$/),
    });
    expect(shellConnect('openssl s_client -no_tls1_3 -connect mx.example.org:465')?.note).toContain('-no_tls1_3 is not applied');
    expect(shellConnect('openssl s_client -tls1 -connect mx.example.org:465')?.note).toContain('/tls versions mx.example.org 465');
  });

  it.each([
    'EHLO mx.example.org',
    'telnet',
    'nc mx.example.org',
    'telnet mx.example.org http-alt',
    'telnet mx.example.org 70000',
    'openssl s_client',
    'openssl s_client -connect mx.example.org',
    'openssl s_client -starttls imap -connect mx.example.org:143',
    'openssl x509 -in cert.pem',
    'swaks --to alice@example.org --server mx.example.org',
  ])('leaves %j alone', (line) => {
    expect(shellConnect(line)).toBeNull();
  });
});
