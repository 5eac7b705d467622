import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../server/config.js';

function ok(argv: string[], env: Record<string, string> = {}): Config {
  const r = parseConfig(argv, env);
  if (!r.ok) throw new Error(`expected a config, got error: ${r.error}`);
  return r.config;
}

function error(argv: string[], env: Record<string, string> = {}): string {
  const r = parseConfig(argv, env);
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.config)}`);
  return r.error;
}

describe('parseConfig', () => {
  it('has loopback defaults and leaves practice and allowed ports to startHeloterm', () => {
    const c = ok([]);
    expect(c.help).toBe(false);
    expect(c.options).toEqual({ host: '127.0.0.1', port: 8025 });
  });

  it('reads flags in both --flag value and --flag=value forms', () => {
    const c = ok(['--port', '9000', '--host=::1', '--practice-port=2526']);
    expect(c.options).toMatchObject({ host: '::1', port: 9000, practice: { port: 2526 } });
  });

  it('accepts port 0 (ephemeral) for the HTTP and practice ports', () => {
    expect(ok(['--port', '0', '--practice-port', '0']).options).toMatchObject({ port: 0, practice: { port: 0 } });
  });

  it('strips brackets from an IPv6 host', () => {
    expect(ok(['--host', '[::1]']).options.host).toBe('::1');
  });

  it('collects --allow-port from repeats and comma lists, without duplicates', () => {
    expect(ok(['--allow-port', '25,587', '--allow-port', '2525', '--allow-port=25']).options.allowedPorts).toEqual([25, 587, 2525]);
  });

  it('dials the practice server only with --practice-only, or its environment variable', () => {
    expect(ok(['--practice-only']).options.practiceOnly).toBe(true);
    expect(ok([], { HELOTERM_PRACTICE_ONLY: 'yes' }).options.practiceOnly).toBe(true);
    expect(ok([]).options.practiceOnly).toBeUndefined();
    expect(error([], { HELOTERM_PRACTICE_ONLY: '1', HELOTERM_ALLOW_PORTS: '25' })).toContain('--practice-only and HELOTERM_ALLOW_PORTS contradict each other');
  });

  it('turns the practice server off with --no-practice', () => {
    expect(ok(['--no-practice'], { HELOTERM_PRACTICE_PORT: '2526' }).options.practice).toBe(false);
  });

  it('reads environment variables', () => {
    const c = ok([], { HELOTERM_PORT: '8100', HELOTERM_HOST: '0.0.0.0', HELOTERM_PRACTICE_PORT: '2527', HELOTERM_ALLOW_PORTS: '25, 465' });
    expect(c.options).toEqual({ host: '0.0.0.0', port: 8100, practice: { port: 2527 }, allowedPorts: [25, 465] });
  });

  it('lets flags win over environment variables', () => {
    const c = ok(['--port', '8200', '--allow-port', '587'], { HELOTERM_PORT: '8100', HELOTERM_ALLOW_PORTS: '25' });
    expect(c.options.port).toBe(8200);
    expect(c.options.allowedPorts).toEqual([587]);
  });

  it('ignores empty environment variables', () => {
    expect(ok([], { HELOTERM_PORT: '' }).options.port).toBe(8025);
  });

  it('shows help', () => {
    expect(ok(['--help']).help).toBe(true);
    expect(ok(['-h']).help).toBe(true);
  });

  it.each([
    [['--port', 'abc'], '--port: "abc" is not a port number'],
    [['--port', '65536'], '--port: "65536" is not a port number'],
    [['--port=-1'], '--port: "-1" is not a port number'],
    [['--port', '80.5'], '--port: "80.5" is not a port number'],
    [['--allow-port', '25,0'], '--allow-port: "0" is not a port number (1 to 65535)'],
    [['--allow-port', ','], '--allow-port: no port given'],
    [['--host', ''], '--host: "" is not a host address'],
    [['--practice-port', '2526', '--no-practice'], 'contradict'],
    [['--practice-only', '--no-practice'], '--practice-only and --no-practice contradict each other'],
    [['--practice-only', '--allow-port', '25'], '--practice-only and --allow-port contradict each other'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['stray'], 'stray'],
  ])('rejects %j', (argv, message) => {
    expect(error(argv)).toContain(message);
  });

  it('names the environment variable in its errors', () => {
    expect(error([], { HELOTERM_PORT: 'x' })).toBe('HELOTERM_PORT: "x" is not a port number (0 to 65535)');
    expect(error([], { HELOTERM_ALLOW_PORTS: '25,99999' })).toContain('HELOTERM_ALLOW_PORTS: "99999"');
  });
});
