/**
 * The access token on the page: read once from the `#token=…` fragment of the start-up URL, kept in
 * sessionStorage (this tab only, gone when it closes), and removed from the address bar with
 * history.replaceState, so it is not bookmarked, shared by copying the address, or shown over a shoulder.
 * Fragments never reach the server or a Referer header; the page also sends Referrer-Policy: no-referrer.
 */
import { tokenFromFragment, tokenProblem } from '../shared/protocol/token.js';
import { readTabSetting, writeTabSetting } from './ui/stored.js';

export const TOKEN_STORAGE_KEY = 'heloterm.token';

/**
 * A secret given in the fragment as `name=…` (a token's characters and length), kept in this tab under `storageKey`
 * and removed from the address bar; or the one kept before; or null. Where storage is refused, the secret still works
 * until the page is reloaded (stored.ts). The class view takes its key so too (class.ts).
 */
export function takeFromFragment(loc: Location, history: History, name: string, storageKey: string): string | null {
  const fromUrl = tokenFromFragment(loc.hash, name);
  if (loc.hash.includes(`${name}=`)) {
    // Keep the path and the ?host=…&port=…&connect=1 query; drop only the fragment.
    history.replaceState(history.state, '', loc.pathname + loc.search);
  }
  if (fromUrl !== null) {
    writeTabSetting(storageKey, fromUrl);
    return fromUrl;
  }
  const stored = readTabSetting(storageKey);
  return stored !== null && tokenProblem(stored) === null ? stored : null;
}

/** The token for this tab, or null when none was given (the bridge may not need one). */
export const takeAccessToken = (loc: Location, history: History): string | null => takeFromFragment(loc, history, 'token', TOKEN_STORAGE_KEY);
