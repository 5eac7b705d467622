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

/** The text without its (comments), nested ones too (RFC 5322 §3.2.2). */
export function uncommented(value: string): string {
  let depth = 0;
  let out = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** One result of an Authentication-Results field: "dkim=pass header.d=example.org". */
export interface AuthResult {
  method: string;
  result: string;
  /** Its properties ("header.d", "smtp.mailfrom"…), names lowercased. */
  props: ReadonlyMap<string, string>;
  /** The comment after the result, where receivers say more ("google.com: domain of … designates 192.0.2.1 …"). */
  comment: string;
}

/**
 * An Authentication-Results field (RFC 8601 §2.2) or an ARC-Authentication-Results one (RFC 8617 §4.1.1: the same
 * after its instance, "i=1;"): the server that recorded it, the ARC instance, and each "method=result" with its
 * properties, in order.
 */
export function authResults(value: string): { server: string; instance: string | undefined; results: AuthResult[] } {
  const parts = uncommented(value).split(';').map((p) => p.trim()).filter((p) => p !== '');
  const instance = /^i\s*=\s*(\d+)$/i.exec(parts[0] ?? '')?.[1];
  if (instance !== undefined) parts.shift();
  // Microsoft 365 writes no authserv-id: its field begins with "spf=pass".
  const named = !(parts[0] ?? '').includes('=');
  const server = named ? (parts[0]?.split(/\s+/)[0] ?? '?') : '?';
  const results: AuthResult[] = [];
  for (const part of parts.slice(named ? 1 : 0)) {
    const m = /^([a-z0-9_-]+)\s*=\s*([a-z]+)\b(.*)$/i.exec(part);
    if (m === null) continue;
    const method = (m[1] ?? '').toLowerCase();
    const result = (m[2] ?? '').toLowerCase();
    // Names of bounded length: a pasted run of letters must not be scanned again from each of its letters.
    const props = new Map([...(m[3] ?? '').matchAll(/([a-z]{1,64}\.[a-z-]{1,64})\s*=\s*(\S+)/gi)].map((p) => [(p[1] ?? '').toLowerCase(), p[2] ?? '']));
    results.push({ method, result, props, comment: commentAfter(value, method, result) });
  }
  return { server, instance, results };
}

/** The comment right after "method=result" in a field as written, or '' (the first such result's). */
function commentAfter(value: string, method: string, result: string): string {
  const at = value.toLowerCase().indexOf(`${method}=${result}`);
  if (at < 0) return '';
  return /^\s*\(([^()]{0,500})\)/.exec(value.slice(at + method.length + result.length + 1))?.[1] ?? '';
}
