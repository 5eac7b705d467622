/**
 * The page's settings kept in this browser (localStorage), which may be refused (a private window, storage turned
 * off): then a setting still applies, but is not kept.
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
