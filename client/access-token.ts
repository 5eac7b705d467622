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
 * The token for this tab, or null when none was given (the bridge may not need one). Where storage is refused, the
 * token still works until the page is reloaded (stored.ts).
 */
export function takeAccessToken(loc: Location, history: History): string | null {
  const fromUrl = tokenFromFragment(loc.hash);
  if (loc.hash.includes('token=')) {
    // Keep the path and the ?host=…&port=…&connect=1 query; drop only the fragment.
    history.replaceState(history.state, '', loc.pathname + loc.search);
  }
  if (fromUrl !== null) {
    writeTabSetting(TOKEN_STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  const stored = readTabSetting(TOKEN_STORAGE_KEY);
  return stored !== null && tokenProblem(stored) === null ? stored : null;
}
