/**
 * The target in the WebSocket URL (`/ws?host=…&port=…&tls=…`): connectQuery writes it, decodeConnectQuery reads it
 * with the checks of a `connect` message (shared/protocol/decode.ts).
 */
import { describe, expect, it } from 'vitest';
import { connectQuery, decodeClientMessage, decodeConnectQuery } from '../../shared/protocol/decode.js';
import { PROTOCOL_VERSION, type ConnectMessage } from '../../shared/protocol/messages.js';

const decode = (query: string) => decodeConnectQuery(new URLSearchParams(query));

describe('connectQuery and decodeConnectQuery', () => {
  const targets: Pick<ConnectMessage, 'host' | 'port' | 'tls'>[] = [
    { host: '127.0.0.1', port: 2525, tls: 'none' },
    { host: 'mx.example.org.', port: 25, tls: 'none' },
    { host: 'smtp.example', port: 465, tls: 'implicit' },
    { host: '[2001:db8::1]', port: 587, tls: 'none' },
    { host: '::1', port: 65535, tls: 'none' },
    { host: 'under_score.example', port: 1, tls: 'implicit' },
  ];

  it.each(targets)('round-trips $host:$port ($tls)', (target) => {
    expect(decode(connectQuery(target))).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'connect', ...target } });
  });

  it('decodes what a connect frame with the same fields decodes to', () => {
    for (const target of targets) {
      expect(decode(connectQuery(target))).toEqual(decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', ...target })));
    }
  });

  it('names no target when the URL has none of host, port and tls', () => {
    expect(decode('')).toBeNull();
    expect(decode('connect=1&lang=en')).toBeNull();
  });

  it.each([
    ['host=127.0.0.1&port=2525', '"tls" must be "none" or "implicit"'],
    ['host=127.0.0.1&port=2525&tls=starttls', '"tls" must be "none" or "implicit"'],
    ['port=25&tls=none', '"host" must be a non-empty string'],
    ['host=&port=25&tls=none', '"host" must be a non-empty string'],
    [`host=${'a'.repeat(256)}&port=25&tls=none`, '"host" must be a non-empty string'],
    ['host=mx%20example&port=25&tls=none', '"host" must be a host name (RFC 1123) or an IP address'],
    ['host=mx.example%0d%0aRCPT&port=25&tls=none', '"host" must be a host name (RFC 1123) or an IP address'],
    ['host=127.0.0.1&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=0&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=65536&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=025&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=%2B25&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=25.0&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=%2025&tls=none', '"port" must be an integer from 1 to 65535'],
    ['host=127.0.0.1&port=0x19&tls=none', '"port" must be an integer from 1 to 65535'],
  ])('refuses %s', (query, why) => {
    expect(decode(query)).toEqual({ ok: false, error: `the target in the WebSocket URL: ${why}` });
  });

  it('escapes what a host could smuggle into the query', () => {
    // Not a valid host, but the builder must still write one parameter per field whatever it is given.
    const q = connectQuery({ host: 'a&port=1&tls=implicit', port: 25, tls: 'none' });
    const params = new URLSearchParams(q);
    expect([...params.keys()]).toEqual(['host', 'port', 'tls']);
    expect(params.get('host')).toBe('a&port=1&tls=implicit');
    expect(params.get('port')).toBe('25');
  });
});

describe('a connect message\'s IP version (family)', () => {
  const connect = (fields: Record<string, unknown>) =>
    decodeClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'connect', host: 'mx.example.org', port: 25, tls: 'none', ...fields }));

  it('takes 4 or 6, and none at all', () => {
    expect(connect({ family: 6 })).toEqual({ ok: true, value: { v: PROTOCOL_VERSION, type: 'connect', host: 'mx.example.org', port: 25, tls: 'none', family: 6 } });
    expect(connect({ family: 4, host: '192.0.2.1' })).toMatchObject({ ok: true, value: { family: 4 } });
    expect(connect({ family: 6, host: '[2001:db8::1]' })).toMatchObject({ ok: true, value: { family: 6 } });
    const none = connect({});
    expect(none.ok && 'family' in none.value).toBe(false);
  });

  it.each([
    [{ family: 5 }, '"family" must be 4 or 6 when given'],
    [{ family: '6' }, '"family" must be 4 or 6 when given'],
    [{ family: null }, '"family" must be 4 or 6 when given'],
    [{ family: 6, host: '192.0.2.1' }, '"host" 192.0.2.1 is not an IPv6 address'],
    [{ family: 4, host: '2001:db8::1' }, '"host" 2001:db8::1 is not an IPv4 address'],
    [{ family: 4, host: '[::1]' }, '"host" [::1] is not an IPv4 address'],
  ])('refuses %j', (fields, why) => {
    expect(connect(fields)).toEqual({ ok: false, error: `connect: ${why}` });
  });
});
