/**
 * Which sources the bytes of a minified bundle come from, read from its source map: every generated character
 * is charged to the source of the mapping segment it falls in. Used to say what makes a build heavy.
 */
import { readFileSync } from 'node:fs';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment of Base64 VLQ numbers (source map v3). */
function decodeSegment(seg: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of seg) {
    const d = DIGIT.get(c) ?? 0;
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Generated text per source file (paths as in the map, node_modules grouped by package). */
export function textBySource(jsFile: string, mapFile: string): Map<string, string> {
  const js = readFileSync(jsFile, 'utf8').split('\n');
  const map: unknown = JSON.parse(readFileSync(mapFile, 'utf8'));
  if (typeof map !== 'object' || map === null || !('mappings' in map) || !('sources' in map)) throw new Error(`${mapFile}: not a source map`);
  const { mappings, sources } = map;
  if (typeof mappings !== 'string' || !Array.isArray(sources)) throw new Error(`${mapFile}: not a source map`);
  const names = sources.map((s) => {
    const text = String(s);
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(text);
    return nm !== null ? `${nm[1]} (package)` : text.replace(/^(\.\.\/)+/, '');
  });
  const parts = new Map<string, string[]>();
  const charge = (sourceIndex: number, row: string, from: number, to: number): void => {
    const n = names[sourceIndex] ?? '?';
    let list = parts.get(n);
    if (list === undefined) parts.set(n, (list = []));
    list.push(row.slice(from, to));
  };
  let source = 0;
  mappings.split(';').forEach((line, row) => {
    const text = js[row] ?? '';
    let col = 0;
    let prevCol = -1;
    let prevSource = -1;
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const f = decodeSegment(seg);
      col += f[0] ?? 0;
      if (f.length >= 4) source += f[1] ?? 0;
      if (prevCol >= 0 && prevSource >= 0) charge(prevSource, text, prevCol, col);
      prevCol = col;
      prevSource = f.length >= 4 ? source : -1;
    }
    if (prevCol >= 0 && prevSource >= 0) charge(prevSource, text, prevCol, text.length);
  });
  return new Map([...parts].map(([k, v]) => [k, v.join('')]));
}
