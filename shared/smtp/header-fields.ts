/**
 * A block of header fields (RFC 5322 §2.2), as a mail's header and a MIME part's are, and as a feedback report's
 * fields are (RFC 5965 §3.1): read from a line to the first empty one, folded lines joined to the field they continue
 * (§2.2.3). Lines that are no field (nor continue one) are passed over. Pure.
 */

export interface HeaderBlock {
  /** [name lowercased, value trimmed], in order; a field given twice is there twice. */
  fields: [string, string][];
  /** The index of the line after the block's empty line (lines.length when there is none). */
  next: number;
}

export function headerBlock(lines: readonly string[], from = 0): HeaderBlock {
  const fields: [string, string][] = [];
  let last: [string, string] | null = null;
  let i = from;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    if (/^[ \t]/.test(line)) {
      if (last !== null) last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    last = m === null ? null : [m[1]!.toLowerCase(), m[2]!.trim()];
    if (last !== null) fields.push(last);
  }
  return { fields, next: Math.min(i + 1, lines.length) };
}

/** The values of a field in a block, in order. */
export function values(block: HeaderBlock, name: string): string[] {
  return block.fields.filter(([n]) => n === name).map(([, v]) => v);
}
