/**
 * A bridge with its practice server and a client greeted by it: the set-up of tests that talk to the practice server
 * through the real bridge. What it opens is closed by the caller's `cleanups`, newest first.
 */
import { expect } from 'vitest';
import { startHeloterm, type Heloterm, type HelotermOptions } from '../../server/heloterm.js';
import type { PracticeInfo } from '../../shared/protocol/messages.js';
import { WsTestClient } from './ws-client.js';

export async function greetedByPractice(
  cleanups: (() => Promise<unknown>)[],
  opts: HelotermOptions = {},
): Promise<{ app: Heloterm; client: WsTestClient; practice: PracticeInfo }> {
  const app = await startHeloterm({ port: 0, log: () => undefined, ...opts });
  cleanups.push(() => app.close());
  const client = await WsTestClient.open(app.url);
  cleanups.push(() => client.close());
  const { practice } = await client.next('hello');
  if (practice === null) throw new Error('the bridge has no practice server');
  client.send({ type: 'connect', host: practice.host, port: practice.port, tls: 'none' });
  expect((await client.nextReply()).code).toBe(220);
  return { app, client, practice };
}
