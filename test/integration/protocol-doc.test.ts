/**
 * docs/protocol.md stays true: its Node example, run as written (only the port changed), talks to a real bridge
 * and its practice server, and the frames it shows are what the encoder writes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeloterm, type Heloterm } from '../../server/heloterm.js';
import { encodeClientMessage, encodeServerMessage } from '../../shared/protocol/encode.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import { decodeAnyServerMessage } from '../../shared/protocol/decode-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The fenced blocks of the document with the given info string. */
function blocks(lang: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

describe('docs/protocol.md', () => {
  let app: Heloterm;
  beforeAll(async () => {
    app = await startHeloterm({ port: 0, log: () => undefined });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has a Node example that works against a real bridge', async () => {
    const [example] = blocks('js');
    if (example === undefined) throw new Error('docs/protocol.md has no js example');
    expect(example).toContain('127.0.0.1:8025');
    const code = example.replaceAll('127.0.0.1:8025', `127.0.0.1:${app.port}`);
    // Run from the repository, so that `import WebSocket from 'ws'` resolves as it would for a reader.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, timeout: 10_000, env: { ...process.env, HELOTERM_TOKEN: '' } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(out).toMatch(/^220 practice\.test /m);
    expect(out).toContain('> EHLO script.example\n');
    expect(out).toContain('> QUIT\n');
    expect(out).toMatch(/^250-practice\.test /m);
    expect(out).toMatch(/^221 /m);
  });

  it('shows frames as the encoder writes them', () => {
    const shown = blocks('').join('\n');
    expect(shown).toContain(encodeClientMessage({ type: 'line', text: 'HELO trainee' }));
    expect(shown).toContain(encodeServerMessage({ type: 'queued', text: 'EHLO trainee' }).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/^\{/, '{ ').replace(/\}$/, ' }'));
    // The compact rx frames, with CR and LF written as \r and \n.
    const rx = encodeServerMessage({ type: 'rx', sent: ['EHLO trainee'], data: '250-practice.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n' });
    expect(shown).toContain(rx.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));
  });

  it.each([
    ['### Browser → bridge', decodeClientMessage, 3],
    ['### Bridge → browser', decodeAnyServerMessage, 8],
  ] as const)('shows JSON messages that decode, under %s', (heading, decode, least) => {
    const start = DOC.indexOf(heading);
    const section = DOC.slice(start, DOC.indexOf('\n### ', start + heading.length));
    const code = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').join('\n');
    const objects: string[] = [];
    let pending = '';
    for (const line of code.split('\n')) {
      if (pending === '' && !line.startsWith('{')) continue;
      pending += line;
      try {
        JSON.parse(pending);
      } catch {
        continue; // an example that goes on over the next line
      }
      objects.push(pending);
      pending = '';
    }
    expect(pending).toBe('');
    expect(objects.length).toBeGreaterThanOrEqual(least);
    for (const o of objects) expect(decode(JSON.stringify(JSON.parse(o))), o).toMatchObject({ ok: true });
  });
});
