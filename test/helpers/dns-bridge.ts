/**
 * A bridge for DNS tests: no practice server, its lookups asked of a scripted DNS server, and one client past its
 * `hello`. `close` closes the client, then the bridge (the DNS server is the caller's).
 */
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import type { FakeDns } from './fake-dns.js';
import { WsTestClient } from './ws-client.js';

export interface DnsBridge {
  app: Heloterm;
  client: WsTestClient;
  close(): Promise<void>;
}

export async function startDnsBridge(dns: FakeDns, opts: HelotermOptions = {}): Promise<DnsBridge> {
  const app = await startHeloterm({ port: 0, log: () => undefined, practice: false, dnsServers: [dns.server], ...opts });
  const client = await WsTestClient.open(app.url);
  await client.next('hello');
  return {
    app,
    client,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}
