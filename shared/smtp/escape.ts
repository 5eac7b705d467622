/**
 * Makes every control character in server text visible, so that bytes from a server can never act on the terminal
 * emulator: no colour changes, no title changes, no OSC 52 clipboard writes, no cursor moves, no bracketed-paste
 * tricks. C0 controls and DEL become caret notation (ESC -> "^[", CR -> "^M", NUL -> "^@", DEL -> "^?"), as
 * `cat -v` shows them; C1 controls and the Unicode bidirectional overrides (which can reorder what is displayed)
 * become "<U+009B>"-style escapes, and so does a byte order mark (U+FEFF), which would otherwise stand invisibly
 * before a reply's code.
 */

// C0, DEL, C1, the bidi embeddings/overrides/isolates (U+202A-U+202E, U+2066-U+2069) and the BOM (U+FEFF).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeOne(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return '^' + String.fromCharCode(c + 0x40);
  if (c === 0x7f) return '^?';
  return `<U+${c.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** True when the text has a character that showControls would escape. */
export function hasControls(raw: string): boolean {
  return CONTROL.test(raw);
}

export function showControls(raw: string): string {
  return CONTROL.test(raw) ? raw.replace(CONTROLS, escapeOne) : raw;
}
