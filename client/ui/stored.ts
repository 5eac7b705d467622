/**
 * The page's settings kept in this browser (localStorage), or in this tab only (sessionStorage: what belongs to the
 * person at it, on a machine a class shares), either of which may be refused (a private window, storage turned off):
 * then a setting still applies, but is not kept.
 */

/** `key` from the storage `store` gives (a getter: reading `localStorage` itself may throw), or null. */
function read(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

function write(store: () => Storage, key: string, value: string): void {
  try {
    store().setItem(key, value);
  } catch {
    // Not kept: the page still applies it.
  }
}

const browserWide = (): Storage => localStorage;
const thisTab = (): Storage => sessionStorage;

export const readSetting = (key: string): string | null => read(browserWide, key);
export const writeSetting = (key: string, value: string): void => write(browserWide, key, value);

/** A setting kept in this tab only, across reloads: gone when the tab closes. */
export const readTabSetting = (key: string): string | null => read(thisTab, key);
export const writeTabSetting = (key: string, value: string): void => write(thisTab, key, value);
