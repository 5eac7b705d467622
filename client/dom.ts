/** The page element `selector` names, of the expected type; a missing one is a broken page (index.html), not a state. */
export function required<T extends Element>(selector: string, type: new () => T): T {
  const el = document.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`page: missing ${selector}`);
  return el;
}
