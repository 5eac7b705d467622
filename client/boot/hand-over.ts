/** What the boot script (main.ts) hands to the app (app.ts) when the app has loaded. */
import type { Connection } from '../connection.js';
import type { HelotermTestHook } from '../test-hook.js';
import type { Screen } from '../terminal/screen.js';
import type { UrlTarget } from '../ui/url-params.js';
import type { EarlyState } from './early.js';

export interface BootHandOver {
  screen: Screen;
  conn: Connection;
  token: string | null;
  urlTarget: UrlTarget;
  /** The page URL named a target and asked to connect: so did the WebSocket URL, and the bridge dialled at once. */
  connectAtOnce: boolean;
  early: EarlyState;
  /** Keys typed before the app was here, as xterm reported them. */
  typed: string;
  /** Connect was pressed before the app was here. */
  submitted: boolean;
  /** Find MX was pressed before the app was here. */
  mxPressed: boolean;
  /** The end-to-end tests' window onto the page (test-hook.ts): the app fills in what only it knows. */
  testHook: HelotermTestHook;
}
