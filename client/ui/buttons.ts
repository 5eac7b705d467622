/**
 * Buttons of the page's chrome, made by the app. Apart from dom.ts, which the boot script uses too: a module both use
 * lands in the boot script's chunk, and the first load has no bytes to spare (docs/benchmarks.md, client weight).
 */
/** A small button of the page's chrome ("quiet"), named by `action` for tests, with a tooltip. */
export function quietButton(action: string, label: string, title: string | null, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'quiet';
  b.dataset.action = action;
  b.textContent = label;
  if (title !== null) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
