/**
 * For people who use a screen reader: xterm's screen reader mode, which keeps the terminal's rows as text a screen
 * reader can walk and reads new output aloud as it comes (an ARIA live region). Off by default, as it costs work
 * per line written; a button at the right of the status line turns it on, and the choice is kept in this browser.
 * The reply log is a live region of its own, and its explanations are read as they come in either mode.
 */
import type { Terminal } from '@xterm/xterm';
import { quietButton } from './buttons.js';
import { readSetting, writeSetting } from './stored.js';

/** Where the choice is kept (localStorage). */
export const SCREEN_READER_STORAGE_KEY = 'heloterm-screen-reader';

export class ScreenReaderSwitch {
  readonly button: HTMLButtonElement;

  constructor(private readonly term: Terminal, before: HTMLElement) {
    this.button = quietButton('screen-reader', 'Screen reader', 'Let a screen reader read the terminal and its new lines as they come (kept in this browser)', () => {
      const on = !this.on;
      this.apply(on);
      writeSetting(SCREEN_READER_STORAGE_KEY, on ? 'on' : 'off');
    });
    before.before(this.button);
    this.apply(readSetting(SCREEN_READER_STORAGE_KEY) === 'on');
  }

  get on(): boolean {
    return this.term.options.screenReaderMode === true;
  }

  private apply(on: boolean): void {
    this.term.options.screenReaderMode = on;
    this.button.setAttribute('aria-pressed', String(on));
  }
}
