/**
 * Buttons of the page's chrome, made by the app. Apart from dom.ts, which the boot script uses too: a module both use
 * lands in the boot script's chunk, and the first load has no bytes to spare (docs/benchmarks.md, client weight).
 */
/** A button named by `action` (for tests, and styles), that calls `onClick`. */
export function actionButton(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = action;
  b.addEventListener('click', onClick);
  return b;
}

/** A small button of the page's chrome ("quiet"), named by `action` for tests, with a tooltip. */
export function quietButton(action: string, label: string, title: string | null, onClick: () => void): HTMLButtonElement {
  const b = actionButton(label, action, onClick);
  b.className = 'quiet';
  if (title !== null) b.title = title;
  return b;
}
