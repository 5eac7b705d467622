/**
 * Benchmark 3: client weight. The gzipped JS + CSS of heloterm's production build against a bare xterm + fit page
 * built the same way (bench/bare-page).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, constants as zlib } from 'node:zlib';
import { assetSizes, type AssetSize, type Builds } from './lib/build.js';
import { textBySource } from './lib/source-map-share.js';
import { checkLe, fmt, table, type BenchResult } from './lib/stats.js';

/** Source groups of heloterm's bundle, in the order shown. */
const GROUPS: readonly { name: string; test: (source: string) => boolean }[] = [
  { name: '@xterm/xterm + addon-fit', test: (s) => s.startsWith('@xterm/') },
  { name: 'other packages', test: (s) => s.endsWith('(package)') },
  { name: 'knowledge tables (shared/smtp: codes, enhanced-codes, ehlo-keywords, vendor-rules)', test: (s) => /shared\/smtp\/(codes|enhanced-codes|ehlo-keywords|vendor-rules)\.ts$/.test(s) },
  { name: 'other shared/ code', test: (s) => s.includes('shared/') },
  { name: 'client/ code', test: () => true },
];

/** What heloterm's JS is made of, from its source maps: minified and gzipped size of each group on its own. */
function breakdown(dir: string, js: readonly AssetSize[]): string[][] {
  const text = new Map<string, string>();
  for (const a of js) {
    const file = path.join(dir, a.file);
    if (!a.file.endsWith('.js') || !existsSync(`${file}.map`)) continue;
    for (const [source, part] of textBySource(file, `${file}.map`)) {
      const g = GROUPS.find((x) => x.test(source))?.name ?? 'client/ code';
      text.set(g, (text.get(g) ?? '') + part);
    }
  }
  return GROUPS.filter((g) => text.has(g.name)).map((g) => {
    const t = text.get(g.name) ?? '';
    return [g.name, fmt.kb(Buffer.byteLength(t)), fmt.kb(gzipSync(t, { level: zlib.Z_BEST_COMPRESSION }).length)];
  });
}

/** The assets index.html loads itself (the first load); chunks loaded later with import() are left out. */
function firstLoad(dir: string, assets: readonly AssetSize[]): AssetSize[] {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  return assets.filter((a) => html.includes(a.file));
}

export function benchWeight(builds: Builds): BenchResult {
  const helo = assetSizes(builds.heloterm);
  const bare = assetSizes(builds.bare);
  const sum = (a: typeof helo, k: 'raw' | 'gzip'): number => a.reduce((n, x) => n + x[k], 0);
  const ratio = sum(helo, 'gzip') / sum(bare, 'gzip');
  const heloFirst = firstLoad(builds.heloterm, helo);
  const firstRatio = sum(heloFirst, 'gzip') / sum(bare, 'gzip');
  const rows = [
    ...helo.map((a) => ['heloterm', a.file, fmt.kb(a.raw), fmt.kb(a.gzip)]),
    ['heloterm', '**total**', fmt.kb(sum(helo, 'raw')), `**${fmt.kb(sum(helo, 'gzip'))}**`],
    ...bare.map((a) => ['bare xterm + fit', a.file, fmt.kb(a.raw), fmt.kb(a.gzip)]),
    ['bare xterm + fit', '**total**', fmt.kb(sum(bare, 'raw')), `**${fmt.kb(sum(bare, 'gzip'))}**`],
  ];
  return {
    name: 'weight',
    title: '3. Client weight',
    checks: [
      checkLe('weight', 'gzipped JS + CSS, heloterm ÷ bare xterm page', ratio, 1.1, fmt.ratio(ratio), '≤ 1.10×'),
      checkLe('weight', 'first load (what index.html loads), heloterm ÷ bare xterm page', firstRatio, 1.1, fmt.ratio(firstRatio), '≤ 1.10×'),
    ],
    markdown: [
      'Both pages built by Vite with the project\'s build settings (target es2022, minified); every `.js` and `.css` file ' +
        'gzipped at level 9 (source maps, HTML and the favicon not counted).',
      '',
      ...table(['page', 'file', 'minified', 'gzipped'], rows),
      '',
      `Ratio: ${fmt.ratio(ratio)} (heloterm ${fmt.kb(sum(helo, 'gzip'))} ÷ bare ${fmt.kb(sum(bare, 'gzip'))}); ` +
        `heloterm adds ${fmt.kb(sum(helo, 'gzip') - sum(bare, 'gzip'))} gzipped. First load (the files index.html ` +
        `loads; the app chunk follows with import()): ${fmt.kb(sum(heloFirst, 'gzip'))}, ${fmt.ratio(firstRatio)}.`,
      '',
      "What heloterm's JS is made of (from its source map; each group gzipped on its own, so the parts add up to a little " +
        'more than the whole):',
      '',
      ...table(['part', 'minified', 'gzipped'], breakdown(builds.heloterm, helo)),
    ],
  };
}
