/**
 * Which page, dark or light, this page is: read by the boot script (main.ts), so that a page chosen light is light
 * from its first paint, and by the switch that changes it (theme.ts).
 */
import { readSetting } from './stored.js';

export type Theme = 'dark' | 'light';

/** Where the choice is kept (localStorage). */
export const THEME_STORAGE_KEY = 'heloterm-theme';

/** The page's theme: a link's `?theme=` first, then the choice kept, else dark. Pure. */
export function chosenTheme(search: string, kept: string | null): Theme {
  const asked = new URLSearchParams(search).get('theme')?.trim().toLowerCase();
  if (asked === 'light' || asked === 'dark') return asked;
  return kept === 'light' ? 'light' : 'dark';
}

/** This page's theme, by its address and this browser's choice. */
export const pageTheme = (): Theme => chosenTheme(location.search, readSetting(THEME_STORAGE_KEY));
