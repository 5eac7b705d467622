/**
 * The page's settings kept in this browser (localStorage), or in this tab only (sessionStorage: what belongs to the
 * person at it, on a machine a class shares), either of which may be refused (a private window, storage turned off):
 * then a setting still applies, but is not kept.
 */

export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not kept: the page still applies it.
  }
}

/** A setting kept in this tab only, across reloads: gone when the tab closes. */
export function readTabSetting(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeTabSetting(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Not kept: the page still applies it.
  }
}
