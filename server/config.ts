/**
 * Command-line and environment configuration. Pure apart from reading its arguments: flags win over environment
 * variables; every value is validated with a message that names the flag or variable.
 */
import { parseArgs } from 'node:util';
import type { HelotermOptions } from './heloterm.js';

export const USAGE = `Usage: heloterm [options]

A web terminal for talking SMTP by hand.

Options:
  --port <n>            HTTP port to listen on (default 8025; 0 picks a free port)   env HELOTERM_PORT
  --host <addr>         address to bind (default 127.0.0.1)                          env HELOTERM_HOST
  --practice-port <n>   port of the embedded practice SMTP server (default: a free one) env HELOTERM_PRACTICE_PORT
  --no-practice         do not start the practice server
  --allow-port <n,...>  ports the bridge may dial (repeatable; default 25,465,587,2525) env HELOTERM_ALLOW_PORTS
  --help                show this help
`;

export interface Config {
  help: boolean;
  options: HelotermOptions & { host: string; port: number };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

class ConfigError extends Error {}

function parsePort(text: string, where: string, min: 0 | 1): number {
  const t = text.trim();
  const n = /^[0-9]{1,5}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < min || n > 65535) {
    throw new ConfigError(`${where}: "${text}" is not a port number (${min} to 65535)`);
  }
  return n;
}

function parsePortList(values: readonly string[], where: string): number[] {
  const ports = values.flatMap((v) => v.split(',')).filter((p) => p.trim() !== '');
  if (ports.length === 0) throw new ConfigError(`${where}: no port given`);
  return [...new Set(ports.map((p) => parsePort(p, where, 1)))];
}

function parseHost(text: string, where: string): string {
  const t = text.trim();
  if (t === '' || /[\s/]/.test(t)) throw new ConfigError(`${where}: "${text}" is not a host address`);
  return t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
}

export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ConfigResult {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'practice-port': { type: 'string' },
        'no-practice': { type: 'boolean' },
        'allow-port': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values['no-practice'] === true && values['practice-port'] !== undefined) {
      throw new ConfigError('--practice-port and --no-practice contradict each other');
    }
    const pick = (flag: string | undefined, name: string): [string, string] | null =>
      flag !== undefined ? [flag, `--${name}`] : null;
    const fromEnv = (name: string): [string, string] | null => {
      const v = env[name];
      return v !== undefined && v !== '' ? [v, name] : null;
    };

    const portSrc = pick(values.port, 'port') ?? fromEnv('HELOTERM_PORT');
    const hostSrc = pick(values.host, 'host') ?? fromEnv('HELOTERM_HOST');
    const practicePortSrc = pick(values['practice-port'], 'practice-port') ?? fromEnv('HELOTERM_PRACTICE_PORT');
    const allow = values['allow-port'];
    const allowSrc: [string[], string] | null =
      allow !== undefined ? [allow, '--allow-port'] : env.HELOTERM_ALLOW_PORTS ? [[env.HELOTERM_ALLOW_PORTS], 'HELOTERM_ALLOW_PORTS'] : null;

    const options: Config['options'] = {
      host: hostSrc ? parseHost(...hostSrc) : '127.0.0.1',
      port: portSrc ? parsePort(portSrc[0], portSrc[1], 0) : 8025,
    };
    if (values['no-practice'] === true) options.practice = false;
    else if (practicePortSrc) options.practice = { port: parsePort(practicePortSrc[0], practicePortSrc[1], 0) };
    if (allowSrc) options.allowedPorts = parsePortList(allowSrc[0], allowSrc[1]);
    return { ok: true, config: { help: values.help === true, options } };
  } catch (err) {
    // parseArgs throws TypeErrors with a clear text ("Unknown option '--x'"); ours are ConfigErrors.
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
