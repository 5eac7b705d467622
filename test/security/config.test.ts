/**
 * The security options of the command line and the environment: each is read from its flag or variable, flags
 * win, and every bad value is refused with the flag or variable named (main.ts then exits 2).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, USAGE, type Config } from '../../server/config.js';

function ok(argv: string[], env: Record<string, string> = {}): Config['options'] {
  const r = parseConfig(argv, env);
  if (!r.ok) throw new Error(`expected a config, got error: ${r.error}`);
  return r.config.options;
}

function error(argv: string[], env: Record<string, string> = {}): string {
  const r = parseConfig(argv, env);
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.config)}`);
  return r.error;
}

const TOKEN = 'abcdefghijklmnop-_.~0123';

describe('security flags', () => {
  it('reads every flag', () => {
    expect(
      ok([
        '--token', TOKEN,
        '--class-key', `class-${TOKEN}`,
        '--require-token',
        '--allow-origin', 'https://heloterm.example.org',
        '--trust-proxy', 'loopback,10.0.0.0/8',
        '--trust-proxy', '2001:db8::5',
        '--allow-target', 'mx.internal,10.0.0.0/8',
        '--allow-target', 'fd00::/8',
        '--public-targets-only',
        '--no-data',
        '--max-recipients', '5',
        '--max-commands-per-minute', '60',
        '--max-sessions', '10',
        '--max-sessions-per-address', '3',
        '--heartbeat', '15',
        '--idle-timeout', '120',
        '--max-session', '3600',
        '--connect-timeout', '2.5',
        '--max-reply-line', '2048',
        '--max-reply-lines', '200',
        '--dns-server', '192.0.2.53,[2001:db8::53]:5353',
      ]),
    ).toEqual({
      host: '127.0.0.1',
      port: 8025,
      token: TOKEN,
      classKey: `class-${TOKEN}`,
      requireToken: true,
      allowedOrigins: ['https://heloterm.example.org'],
      trustProxy: ['loopback', '10.0.0.0/8', '2001:db8::5'],
      allowTargets: ['mx.internal', '10.0.0.0/8', 'fd00::/8'],
      publicTargetsOnly: true,
      noData: true,
      maxRecipients: 5,
      maxCommandsPerMinute: 60,
      maxSessions: 10,
      maxSessionsPerAddress: 3,
      heartbeatMs: 15_000,
      idleTimeoutMs: 120_000,
      maxSessionMs: 3_600_000,
      connectTimeoutMs: 2500,
      maxReplyLineChars: 2048,
      maxReplyLines: 200,
      dnsServers: ['192.0.2.53', '[2001:db8::53]:5353'],
    });
  });

  it('reads every environment variable, and flags win', () => {
    const env = {
      HELOTERM_TOKEN: TOKEN,
      HELOTERM_REQUIRE_TOKEN: 'yes',
      HELOTERM_ALLOW_ORIGINS: 'https://a.example, http://b.example:8080',
      HELOTERM_ALLOW_TARGETS: '192.168.1.25',
      HELOTERM_TRUST_PROXY: '172.16.0.0/12, uniquelocal',
      HELOTERM_PUBLIC_TARGETS_ONLY: '1',
      HELOTERM_NO_DATA: 'true',
      HELOTERM_MAX_RECIPIENTS: '2',
      HELOTERM_MAX_COMMANDS_PER_MINUTE: '30',
      HELOTERM_MAX_SESSIONS: '7',
      HELOTERM_MAX_SESSIONS_PER_ADDRESS: '1',
      HELOTERM_HEARTBEAT: '5',
      HELOTERM_IDLE_TIMEOUT: '60',
      HELOTERM_MAX_SESSION: '600',
      HELOTERM_CONNECT_TIMEOUT: '3',
      HELOTERM_MAX_REPLY_LINE: '1000',
      HELOTERM_MAX_REPLY_LINES: '50',
      HELOTERM_DNS_SERVERS: '127.0.0.53:53',
    };
    expect(ok([], env)).toMatchObject({
      token: TOKEN,
      requireToken: true,
      allowedOrigins: ['https://a.example', 'http://b.example:8080'],
      allowTargets: ['192.168.1.25'],
      trustProxy: ['172.16.0.0/12', 'uniquelocal'],
      publicTargetsOnly: true,
      noData: true,
      maxRecipients: 2,
      maxCommandsPerMinute: 30,
      maxSessions: 7,
      maxSessionsPerAddress: 1,
      heartbeatMs: 5000,
      idleTimeoutMs: 60_000,
      maxSessionMs: 600_000,
      connectTimeoutMs: 3000,
      maxReplyLineChars: 1000,
      maxReplyLines: 50,
      dnsServers: ['127.0.0.53:53'],
    });
    expect(ok(['--max-recipients', '9'], env).maxRecipients).toBe(9);
    expect(ok([], { HELOTERM_NO_DATA: '0' }).noData).toBeUndefined();
  });

  it.each([
    [['--token', 'short'], '--token: a token must be 16 to 128 characters long'],
    [['--token', 'has spaces in it, sixteen+'], '--token: a token may only use'],
    [['--class-key', 'short'], '--class-key: a token must be 16 to 128 characters long'],
    [['--allow-target', '10.0.0.0/33'], '--allow-target: "10.0.0.0/33" is not a CIDR range'],
    [['--allow-target', 'bad host'], '--allow-target: "bad host" is not a host name'],
    [['--allow-origin', 'evil.example'], '--allow-origin: "evil.example" is not an origin'],
    [['--allow-origin', 'https://a.example/path'], '--allow-origin: "https://a.example/path" is not an origin'],
    [['--allow-origin', 'ftp://a.example'], 'is not an origin'],
    [['--trust-proxy', 'nginx'], '--trust-proxy: invalid IP address: nginx (give IP addresses, CIDR ranges, or loopback, linklocal, uniquelocal)'],
    [['--trust-proxy', '10.0.0.0/33'], '--trust-proxy: invalid range on address: 10.0.0.0/33'],
    [['--trust-proxy', ' , '], '--trust-proxy: nothing given'],
    [['--max-recipients', '0'], '--max-recipients: "0" is not a whole number of at least 1'],
    [['--max-sessions=-1'], '--max-sessions: "-1"'],
    [['--max-commands-per-minute', '1.5'], '--max-commands-per-minute: "1.5"'],
    [['--heartbeat', '0'], '--heartbeat: "0" is not a number of seconds above 0'],
    [['--idle-timeout', 'soon'], '--idle-timeout: "soon"'],
    [['--max-reply-line', '100'], '--max-reply-line: "100" is not a whole number of at least 512'],
    [['--no-data=1'], "--no-data"],
    [['--dns-server', 'ns1.example.org'], '--dns-server: Invalid IP address: ns1.example.org'],
  ])('rejects %j', (argv, message) => {
    expect(error(argv)).toContain(message);
  });

  it('names the environment variable in its errors', () => {
    expect(error([], { HELOTERM_REQUIRE_TOKEN: 'maybe' })).toBe('HELOTERM_REQUIRE_TOKEN: "maybe" is not a yes/no value (use 1 or 0)');
    expect(error([], { HELOTERM_TOKEN: 'x' })).toContain('HELOTERM_TOKEN: a token must be');
    expect(ok([], { HELOTERM_CLASS_KEY: TOKEN }).classKey).toBe(TOKEN);
    expect(error([], { HELOTERM_MAX_SESSIONS: 'lots' })).toContain('HELOTERM_MAX_SESSIONS: "lots"');
  });

  it('documents every flag and variable in --help', () => {
    for (const name of ['--token', '--class-key', 'HELOTERM_CLASS_KEY', '--require-token', '--allow-origin', '--trust-proxy', 'HELOTERM_TRUST_PROXY', '--allow-target', '--public-targets-only', '--no-data', '--max-recipients', '--max-commands-per-minute', '--max-sessions', '--max-sessions-per-address', '--heartbeat', '--idle-timeout', '--max-session', '--connect-timeout', '--max-reply-line', '--max-reply-lines', '--dns-server', 'HELOTERM_DNS_SERVERS', 'HELOTERM_TOKEN', 'HELOTERM_ALLOW_TARGETS', 'HELOTERM_NO_DATA']) {
      expect(USAGE, name).toContain(name);
    }
  });
});
