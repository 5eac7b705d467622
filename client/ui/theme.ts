/**
 * A light page beside the dark one, for projectors and bright rooms, where dark pages wash out. A button at the
 * right of the status line switches it; the choice is kept in this browser, and a link can ask for it
 * (`?theme=light` or `?theme=dark`, without keeping it: an instructor's link should not change a trainee's own
 * choice).
 *
 * Only the app applies it: the boot script and its stylesheet, loaded first, have no bytes to spare
 * (docs/benchmarks.md, client weight), so a page chosen light shows dark for the moment the app takes to load.
 */
import type { ITheme, Terminal } from '@xterm/xterm';
import { quietButton } from './buttons.js';
import { readSetting, writeSetting } from './stored.js';

export type Theme = 'dark' | 'light';

/** Where the choice is kept (localStorage). */
export const THEME_STORAGE_KEY = 'heloterm-theme';

/** The terminal's colours on the light page: darker hues, so that colour still reads on white. */
const LIGHT_TERMINAL: ITheme = {
  background: '#ffffff',
  foreground: '#1d2430',
  cursor: '#1d2430',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6cdf5',
  black: '#1d2430',
  red: '#b42318',
  green: '#1a7f37',
  yellow: '#8a5a00',
  blue: '#1f5fd1',
  magenta: '#8250df',
  cyan: '#0b7285',
  white: '#566174',
  brightBlack: '#566174',
  brightRed: '#d1242f',
  brightGreen: '#2da44e',
  brightYellow: '#9a6700',
  brightBlue: '#0969da',
  brightMagenta: '#a475f9',
  brightCyan: '#1b7c83',
  brightWhite: '#1d2430',
};

/**
 * The least contrast xterm gives text on the light page (WCAG AA: 4.5): it darkens a colour that falls short. xterm
 * asks only half of it of dim text (the notes and annotations), which it draws at half opacity: too pale on white,
 * so the light page draws dim text at DIM_ALPHA instead (dimRules).
 */
const LIGHT_CONTRAST = 4.5;
/** Dim text's opacity on the light page, as two hex digits (xterm's is 80, a half). */
const DIM_ALPHA = 'd9';
/** The ANSI colours our text uses (render.ts SGR): 1 red to 6 cyan. */
const ANSI_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan'] as const;

/**
 * CSS that draws dim text on the light page at DIM_ALPHA of its colour: above xterm's own rules (one class more),
 * only while the light page is on.
 */
export function dimRules(theme: ITheme): string {
  const on = ':root[data-theme="light"] .xterm .xterm-rows';
  const rules = [`${on} .xterm-dim { color: ${theme.foreground}${DIM_ALPHA}; }`];
  ANSI_NAMES.forEach((name, i) => rules.push(`${on} .xterm-fg-${i}.xterm-dim { color: ${theme[name]}${DIM_ALPHA}; }`));
  return rules.join('\n');
}

/** The page's theme: a link's `?theme=` first, then the choice kept, else dark. Pure. */
export function chosenTheme(search: string, kept: string | null): Theme {
  const asked = new URLSearchParams(search).get('theme')?.trim().toLowerCase();
  if (asked === 'light' || asked === 'dark') return asked;
  return kept === 'light' ? 'light' : 'dark';
}

/** The switch at the right of the status line, and the theme it applies to the page and the terminal. */
export class ThemeSwitch {
  readonly button: HTMLButtonElement;
  private theme: Theme = 'dark';
  /** The terminal's dark colours, as the boot script made it. */
  private readonly dark: ITheme;
  private readonly darkContrast: number;

  constructor(private readonly term: Terminal, place: HTMLElement) {
    this.dark = term.options.theme ?? {};
    this.darkContrast = term.options.minimumContrastRatio ?? 1;
    this.button = quietButton('theme', 'Light page', 'A light page, for projectors and bright rooms (kept in this browser)', () => {
      this.apply(this.theme === 'dark' ? 'light' : 'dark');
      writeSetting(THEME_STORAGE_KEY, this.theme);
    });
    this.button.classList.add('theme-switch');
    place.append(this.button);
    const style = document.createElement('style');
    style.textContent = dimRules(LIGHT_TERMINAL);
    document.head.append(style);
    this.apply(chosenTheme(location.search, readSetting(THEME_STORAGE_KEY)));
  }

  get current(): Theme {
    return this.theme;
  }

  private apply(theme: Theme): void {
    this.theme = theme;
    const light = theme === 'light';
    document.documentElement.dataset.theme = theme;
    document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', theme);
    this.term.options.theme = light ? LIGHT_TERMINAL : this.dark;
    this.term.options.minimumContrastRatio = light ? LIGHT_CONTRAST : this.darkContrast;
    this.button.setAttribute('aria-pressed', String(light));
  }
}
