/**
 * Failures to connect explained when an IP version was asked for (`telnet -6`), and the network errors that are not
 * the server's doing (no route from this machine, a router's "host unreachable"): shared/smtp/connect-failure.ts,
 * fed the bridge's own messages (server/net-errors.ts mapNetError, given errors shaped as Node raises them).
 */
import { describe, expect, it } from 'vitest';
import { explainFailure, fallbackNote } from '../../shared/smtp/connect-failure.js';
import { mapNetError, NoAddressOfVersion } from '../../server/net-errors.js';

/** An error as Node's net.connect raises it. */
const netError = (code: string, address: string, port: number): Error =>
  Object.assign(new Error(`connect ${code} ${address}:${port} - Local (${address.includes(':') ? ':::0' : '0.0.0.0:0'})`), { code });

describe('explainFailure with an IP version', () => {
  it('says a name without an AAAA record has no IPv6 address, not that it does not exist', () => {
    const e = mapNetError(new NoAddressOfVersion('mx.example.org has no IPv6 address (no AAAA record), only 192.0.2.25'), 'mx.example.org', 25);
    expect(e.code).toBe('DNS_NOT_FOUND');
    const f = explainFailure(e.code, e.message, { implicit: false, port: 25, host: 'mx.example.org', family: 6 });
    expect(f?.title).toBe('no IPv6 address');
    expect(f?.cause).toContain('no AAAA record');
    expect(f?.action).toContain('publish an AAAA record');
    expect(explainFailure(e.code, e.message, { implicit: false, port: 25, family: 4 })?.title).toBe('no IPv4 address');
    // Without a version asked for, the name does not exist.
    expect(explainFailure('DNS_NOT_FOUND', 'DNS name not found: mx.example.org has no address (ENOTFOUND)', { implicit: false, port: 25 })?.title).toBe('no such host name');
  });

  it('points at the IPv6 firewall when IPv6 does not answer, and at port 25 blocks otherwise', () => {
    const e = mapNetError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'mx.example.org', 25);
    expect(explainFailure(e.code, e.message, { implicit: false, port: 25, family: 6 })?.title).toBe('no answer over IPv6');
    expect(explainFailure(e.code, e.message, { implicit: false, port: 25, family: 6 })?.action).toContain('IPv4 only');
    expect(explainFailure(e.code, e.message, { implicit: false, port: 25, family: 4 })?.title).toBe('no answer on port 25: often blocked on the way');
  });
});

describe('network errors that are not the server\'s doing', () => {
  it('says this machine has no route to IPv6 for an IPv6 address it cannot reach, named bare or in brackets', () => {
    for (const host of ['2001:db8::25', '[2001:db8::25]', 'mx.example.org']) {
      const e = mapNetError(netError('ENETUNREACH', '2001:db8::25', 25), host, 25);
      expect(e.code, host).toBe('NETWORK');
      expect(explainFailure(e.code, e.message, { implicit: false, port: 25 })?.title, host).toBe('this machine has no route to IPv6');
    }
    const v4 = mapNetError(netError('ENETUNREACH', '192.0.2.25', 25), '192.0.2.25', 25);
    expect(explainFailure(v4.code, v4.message, { implicit: false, port: 25 })?.title).toBe('no route to that network');
    const host = mapNetError(netError('EHOSTUNREACH', '192.0.2.25', 25), '192.0.2.25', 25);
    expect(explainFailure(host.code, host.message, { implicit: false, port: 25 })?.title).toBe('host unreachable');
    // Other network errors are left to their message.
    const reset = mapNetError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), '192.0.2.25', 25);
    expect(explainFailure(reset.code, reset.message, { implicit: false, port: 25 })).toBeNull();
  });

  it('says, once another address answered, that addresses this machine has no route to were not tested', () => {
    const note = fallbackNote(['2001:db8::10'], '192.0.2.10', true);
    expect(note).toMatch(/^2001:db8::10 could not be reached from this machine \(no route: its network has no IPv6\), 192\.0\.2\.10 could/);
    expect(note).toContain('heloterm could not test that address');
    expect(note).not.toContain('Fix the address');
    expect(fallbackNote(['2001:db8::10', '2001:db8::11'], '192.0.2.10', true)).toContain('could not test those addresses');
  });
});

describe('the way on after a failure to connect from the page', () => {
  it('names /ports for the host dialled (an IPv6 address in brackets), and nothing in a log\'s context', () => {
    const timeout = (host?: string) => explainFailure('TIMEOUT', 'no answer', { implicit: false, port: 25, ...(host === undefined ? {} : { host }) })?.action ?? '';
    expect(timeout('mx.example.org')).toContain('/ports mx.example.org shows which of its mail ports answer from here.');
    expect(timeout('2001:db8::25')).toContain('/ports [2001:db8::25] shows');
    expect(timeout()).not.toContain('/ports');
    expect(explainFailure('CONNECTION_REFUSED', 'refused', { implicit: false, port: 587, host: 'smtp.example.org' })?.action).toContain('/ports smtp.example.org');
  });
});
