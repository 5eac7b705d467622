/**
 * BDAT by hand through the real bridge (RFC 3030 §2), against a server on loopback that reads chunks by their octet
 * count: the lines typed after BDAT reach it as the chunk, byte for byte, and the bridge's model of the session
 * knows them for message text, so its deployment limits do not count them as commands, and a shutdown does not
 * write QUIT into a chunk.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { startChunkingSmtp, type ChunkingSmtp } from '../helpers/chunking-smtp.js';
import { WsTestClient } from '../helpers/ws-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: HelotermOptions = {}): Promise<{ client: WsTestClient; server: ChunkingSmtp; close: () => Promise<void> }> {
  const server = await startChunkingSmtp();
  cleanups.push(() => server.close());
  const app = await startHeloterm({ port: 0, practice: false, allowedPorts: [server.port], log: () => undefined, ...opts });
  let closed = false;
  cleanups.push(() => (closed ? undefined : app.close()));
  const client = await WsTestClient.open(app.url);
  cleanups.push(() => client.close());
  await client.next('hello');
  client.send({ type: 'connect', host: '127.0.0.1', port: server.port, tls: 'none' });
  expect((await client.nextReply()).code).toBe(220);
  for (const l of ['EHLO me.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<b@example.org>']) {
    client.line(l);
    expect((await client.nextReply()).code).toBe(250);
  }
  return {
    client,
    server,
    close: async () => {
      closed = true;
      await app.close();
    },
  };
}

describe('BDAT through the bridge', () => {
  it('sends the lines typed after BDAT as the chunk, byte for byte, and each reply comes for what it answers', async () => {
    const { client, server } = await setup();
    // "Subject: chunks" + CRLF (17), CRLF (2), "." + CRLF (3), "bödy" + CRLF (7: ö is two octets) = 29.
    for (const l of ['BDAT 29 LAST', 'Subject: chunks', '', '.', 'bödy']) client.line(l);
    const accepted = await client.nextReply();
    expect(accepted.lines[0]?.text).toMatch(/^Ok: queued as /);
    expect(server.received.at(-1)).toEqual({ chunk: 'Subject: chunks\r\n\r\n.\r\nbödy\r\n' });
    // A line that runs past a chunk: the server reads the rest as a command and answers it, after the chunk.
    client.line('MAIL FROM:<a@example.org>');
    client.line('RCPT TO:<b@example.org>');
    client.line('BDAT 5 LAST');
    client.line('HelloNOOP');
    for (const want of [250, 250, 250, 250]) expect((await client.nextReply()).code).toBe(want);
    expect(server.received.slice(-2)).toEqual([{ chunk: 'Hello' }, { command: 'NOOP' }]);
  });

  it('does not count a chunk\'s lines as commands against --max-recipients, but counts the RCPT after it', async () => {
    const { client, server } = await setup({ maxRecipients: 1 });
    // The chunk holds a line that reads like RCPT: message text, which the server takes as such.
    for (const l of ['BDAT 27', 'RCPT TO:<c@example.org>', '']) client.line(l);
    expect((await client.nextReply()).lines[0]?.text).toBe('Ok: 27 bytes');
    expect(client.all('error')).toEqual([]);
    expect(server.received.at(-1)).toEqual({ chunk: 'RCPT TO:<c@example.org>\r\n\r\n' });
    client.line('RCPT TO:<d@example.org>');
    expect(await client.next('error')).toMatchObject({ code: 'POLICY_REFUSED' });
    expect(server.received.some((r) => 'command' in r && r.command === 'RCPT TO:<d@example.org>')).toBe(false);
  });

  it('on shutdown inside a chunk, writes no QUIT into it', async () => {
    const { client, server, close } = await setup();
    client.line('BDAT 100 LAST');
    client.line('Subject: unfinished');
    await expect.poll(() => server.partial()).toBe('Subject: unfinished\r\n'.length);
    await close();
    await client.closed;
    // The chunk never completed, and nothing was added to it (a QUIT there would be chunk text).
    expect(server.partial()).toBe('Subject: unfinished\r\n'.length);
    expect(server.received.filter((r) => 'command' in r).map((r) => ('command' in r ? r.command : ''))).toEqual([
      'EHLO me.example.org',
      'MAIL FROM:<a@example.org>',
      'RCPT TO:<b@example.org>',
      'BDAT 100 LAST',
    ]);
  });
});
