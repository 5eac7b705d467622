/**
 * A light page beside the dark one, for projectors and bright rooms, where dark pages wash out. A button at the
 * right of the status line switches it; the choice is kept in this browser, and a link can ask for it
 * (`?theme=light` or `?theme=dark`, without keeping it: an instructor's link should not change a trainee's own
 * choice).
 *
 * The boot script (main.ts) marks a page chosen light before its first paint: the page's light colours are in its
 * stylesheet (styles.css), and the terminal, whose light colours are here, stays hidden until this switch gives them
 * to it, so a page chosen light is never dark for a moment.
 */
import type { ITheme, Terminal } from '@xterm/xterm';
import { quietButton } from './buttons.js';
import { writeSetting } from './stored.js';
import { pageTheme, THEME_STORAGE_KEY, type Theme } from './theme-choice.js';

export { chosenTheme, THEME_STORAGE_KEY, type Theme } from './theme-choice.js';

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
 * The least contrast text is drawn with (WCAG 2.1 SC 1.4.3, level AA: 4.5:1). xterm darkens a colour that falls short
 * on the light page, but asks only half of it of dim text (the notes and annotations), which it draws at half
 * opacity: 2.7:1 on the dark page, 2:1 on white. Dim text is drawn by dimRules instead, on both pages.
 */
const MIN_CONTRAST = 4.5;
/** xterm's dim: half its colour over the background; a dim colour is drawn no fainter than this, and no stronger. */
const DIM_MIN_OPACITY = 0.5;
/** Steps in which a dim colour is strengthened until it reads. */
const DIM_STEP = 0.05;
/** The ANSI colours our text uses (render.ts SGR): 1 red to 6 cyan. */
const ANSI_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan'] as const;

/** "#rrggbb" as numbers 0-255; null for anything else. */
function rgb(hex: string | undefined): [number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m === null ? null : [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}

/** Relative luminance (WCAG 2.1, the definition under SC 1.4.3). */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (c = 0): number => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The contrast ratio of two colours (WCAG 2.1), from 1 to 21. */
export function contrast(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/**
 * `fg` dimmed over `bg` as far as contrast allows: mixed with the background at the lowest opacity from
 * DIM_MIN_OPACITY up that still reads at MIN_CONTRAST (the colour itself when none does), as "#rrggbb".
 */
export function dimColour(fg: string | undefined, bg: string | undefined): string | null {
  const f = rgb(fg);
  const b = rgb(bg);
  if (f === null || b === null) return null;
  let mixed: number[] = f;
  for (let a = DIM_MIN_OPACITY; a < 1; a += DIM_STEP) {
    mixed = f.map((c, i) => Math.round(c * a + (b[i] ?? 0) * (1 - a)));
    if (contrast(mixed, b) >= MIN_CONTRAST) break;
    mixed = f;
  }
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * CSS that draws dim text on one page (`theme`, the light page's or the dark one's) in dimColour: above xterm's own
 * rules (one class more), only while that page is on.
 */
export function dimRules(theme: ITheme, page: Theme): string {
  const on = `:root${page === 'light' ? '[data-theme="light"]' : ':not([data-theme="light"])'} .xterm .xterm-rows`;
  const rules: string[] = [];
  const add = (selector: string, colour: string | undefined): void => {
    const dim = dimColour(colour, theme.background);
    if (dim !== null) rules.push(`${on} ${selector} { color: ${dim}; }`);
  };
  add('.xterm-dim', theme.foreground);
  ANSI_NAMES.forEach((name, i) => add(`.xterm-fg-${i}.xterm-dim`, theme[name]));
  return rules.join('\n');
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
    style.textContent = `${dimRules(LIGHT_TERMINAL, 'light')}\n${dimRules(this.dark, 'dark')}`;
    document.head.append(style);
    this.apply(pageTheme());
    // The terminal has its colours: the boot script's stylesheet hid it on a light page until now.
    document.documentElement.dataset.themed = '';
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
    this.term.options.minimumContrastRatio = light ? MIN_CONTRAST : this.darkContrast;
    this.button.setAttribute('aria-pressed', String(light));
  }
}
