/**
 * The keys a phone's or a tablet's on-screen keyboard lacks, as a row of buttons on touch screens (CSS shows it for
 * a coarse pointer only): Tab (completion), Up and Down (earlier lines), Left and Right, and Ctrl+C (abandon the line
 * typed). Each types what its key would into the terminal, without taking the focus from it: a tap that moved the
 * focus would close the on-screen keyboard.
 */

/** Label, what the key types into the terminal (as xterm would send it), and its name for screen readers. */
const KEYS: readonly (readonly [label: string, data: string, name: string])[] = [
  ['Tab', '\t', 'Tab: complete the line'],
  ['↑', '\x1b[A', 'Up: the earlier line'],
  ['↓', '\x1b[B', 'Down: the later line'],
  ['←', '\x1b[D', 'Left'],
  ['→', '\x1b[C', 'Right'],
  ['Ctrl+C', '\x03', 'Ctrl+C: abandon the line typed'],
];

export function keyRow(type: (data: string) => void): HTMLElement {
  const row = document.createElement('div');
  row.className = 'key-row';
  row.setAttribute('role', 'toolbar');
  row.setAttribute('aria-label', 'Keys an on-screen keyboard lacks');
  for (const [label, data, name] of KEYS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', name);
    // A keyboard has these keys: the buttons are not in its Tab order.
    b.tabIndex = -1;
    // The focus stays in the terminal (and the on-screen keyboard open).
    b.addEventListener('pointerdown', (e) => e.preventDefault());
    b.addEventListener('mousedown', (e) => e.preventDefault());
    b.addEventListener('click', () => type(data));
    row.append(b);
  }
  return row;
}
