/**
 * A bridge for the probes' integration tests (`/tls versions`, `/tls injection`, `/smuggling`): started on a free
 * port without the practice server unless asked, with a page connected to it that has had its hello. What it opens is
 * added to `opened`, for the test file to close.
 */
import { startHeloterm, type HelotermOptions } from '../../server/heloterm.js';
import { WsTestClient } from './ws-client.js';

export async function probeBridge(opened: { close(): Promise<unknown> }[], options: HelotermOptions): Promise<{ client: WsTestClient; practicePort: number | null }> {
  const app = await startHeloterm({ port: 0, practice: false, log: () => undefined, ...options });
  opened.push(app);
  const client = await WsTestClient.open(app.url);
  opened.push(client);
  const hello = await client.next('hello');
  return { client, practicePort: hello.practice?.port ?? null };
}
