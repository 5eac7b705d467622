/**
 * What heloterm's own probe commands do on the page (client/local-run.ts runLocal): which target they take (typed,
 * the server connected to, the form's), what they refuse before asking the bridge, and the note on a name beyond
 * ASCII, said once.
 */
import { describe, expect, it } from 'vitest';
import { runLocal, type LocalDeps } from '../../client/local-run.js';
import { localCommand } from '../../client/terminal/local-commands.js';
import { SessionModel } from '../../shared/smtp/session.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

function page(form: { host?: string; port?: number } = {}) {
  const written: string[] = [];
  const asked: unknown[][] = [];
  const probe = (name: string) => (...args: unknown[]) => void asked.push([name, ...args]);
  const d = {
    write: (t: string) => written.push(plain(t)),
    connected: () => false,
    dial: { host: '', port: 0, family: null, tls: false, tlsReport: null },
    form: { peek: () => ({ host: form.host ?? null, port: form.port ?? null, tls: false, family: null }) },
    probes: { ports: probe('ports'), tlsVersions: probe('tlsVersions'), tlsInjection: probe('tlsInjection'), smuggling: probe('smuggling') },
  } as unknown as LocalDeps;
  const run = (line: string): void => {
    const c = localCommand(line, new SessionModel().state);
    if (c === null) throw new Error(`not a command: ${line}`);
    runLocal(c, d);
  };
  return { written, asked, run };
}

describe('the probe commands on the page', () => {
  it('take the form\'s host and port, port 25 when it has none, or what was typed', () => {
    const p = page({ host: 'mx.example.org' });
    p.run('/smuggling you@example.org');
    p.run('/tls injection');
    p.run('/smuggling other.example.net 2525 you@example.org me@example.net');
    expect(p.asked).toEqual([
      ['smuggling', 'mx.example.org', 25, 'you@example.org', '', null],
      ['tlsInjection', 'mx.example.org', 25, null],
      ['smuggling', 'other.example.net', 2525, 'you@example.org', 'me@example.net', null],
    ]);
  });

  it('ask nothing without a host, nor on port 465, where TLS comes first, and say why', () => {
    const p = page();
    p.run('/smuggling you@example.org');
    p.run('/tls injection mx.example.org 465');
    p.run('/smuggling mx.example.org 465 you@example.org');
    expect(p.asked).toEqual([]);
    expect(p.written).toEqual([
      '-- /smuggling needs a host: /smuggling mx.example.org you@example.org (or fill in Host above)\r\n',
      '-- /tls injection is about STARTTLS, and port 465 starts with TLS: name port 25 or 587\r\n',
      '-- /smuggling talks plain SMTP, and port 465 starts with TLS: name port 25, where a server takes mail from others\r\n',
    ]);
  });

  it('say once how a host beyond ASCII is asked about', () => {
    for (const line of ['/ports mx.bücher.de', '/tls versions mx.bücher.de', '/tls injection mx.bücher.de', '/smuggling mx.bücher.de you@example.org']) {
      const p = page();
      p.run(line);
      expect(p.written.filter((l) => l.includes('IDNA')), line).toHaveLength(1);
      expect(p.asked[0]?.[1], line).toBe('mx.xn--bcher-kva.de');
    }
  });
});
