/**
 * The name a trainee gives with `/name`, for the instructor's class view (the bridge is told it in `progress`).
 * Kept in this tab across a reload, not in the browser: on a machine a class shares, the next trainee starts without
 * it.
 */
import { isTraineeName } from '../../shared/protocol/app-limits.js';
import { formatNote } from '../terminal/render.js';
import { readTabSetting, writeTabSetting } from './stored.js';

/** Where `/name` is kept (this tab's sessionStorage). */
const NAME_SETTING = 'heloterm.name';

export class TraineeName {
  /** The name, or '' when none was given. */
  private name: string;

  constructor() {
    const kept = readTabSetting(NAME_SETTING);
    // Still one the bridge takes? (storage is the user's to edit)
    this.name = kept !== null && isTraineeName(kept) ? kept : '';
  }

  get value(): string {
    return this.name;
  }

  /** `name` given with `/name` (a name the command checked); what the terminal says of it. */
  set(name: string): string {
    this.name = name;
    writeTabSetting(NAME_SETTING, name);
    return formatNote(`an instructor's class view now shows this page as ${name} (the name goes nowhere else)`);
  }

  /** `/name` alone: the name, or how to give one. */
  describe(): string {
    return formatNote(this.name === '' ? "no name given: /name Your Name shows this page by it in an instructor's class view" : `this page's name: ${this.name} (/name Another changes it)`);
  }
}
