/**
 * Benchmark 5: annotation.
 *   a. The pure annotator in Node: ReplyParser + annotate() + matchVendorRules() over real reply text, in reply
 *      lines per second; and, for scale, what the page does per reply (SessionModel.received + reportReply).
 *   b. A reply burst (BENCH_BURST_MB, default 50 MB of real replies) rendered in headless Chromium: heloterm's page
 *      through its bridge (annotated) against the bare page through the bare relay (the same text, unannotated),
 *      in MB of server text per second from the first burst frame received to the last reply painted. While the
 *      burst renders on heloterm's page a key is typed every PROBE_INTERVAL_MS and timed until its echo is painted.
 *      heloterm's page jump-scrolls (client/terminal/jump-scroll.ts); the bare page draws every line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ReplyParser } from '../shared/smtp/parser.js';
import { annotate } from '../shared/smtp/explain.js';
import { reportReply } from '../shared/smtp/report.js';
import { SessionModel } from '../shared/smtp/session.js';
import { matchVendorRules } from '../shared/smtp/vendor-match.js';
import { startBareRelay } from './lib/bare-relay.js';
import { startBridge } from './lib/bridge.js';
import { burstText } from './lib/burst.js';
import type { Builds } from './lib/build.js';
import type { BenchWindow } from './lib/page-probe.js';
import { openPage, probeState } from './lib/pages.js';
import { BURST_BEGIN, BURST_END, startResponder } from './lib/responder.js';
import { checkGe, checkLe, envInt, fmt, median, progress, sleep, summarize, table, type BenchResult, type GoalCheck } from './lib/stats.js';
import { helotermUrl } from './ttfp.js';

const BURST_MB = envInt('BENCH_BURST_MB', 50);
const PURE_CORPUS_BYTES = 2 * 1024 * 1024;
/** Chunk size fed to the parser: about what one WebSocket frame carries. */
const PURE_CHUNK_CHARS = 16 * 1024;
const PURE_TRIALS = 5;
const PURE_TRIAL_MS = 1000;
/** The responder starts the burst this long after its reply to XBURST, so the probe prefix can be typed first. */
const BURST_DELAY_MS = 1500;
const PROBE_INTERVAL_MS = 250;
const MAX_PROBES = 60;
/** Typed before the burst; no reply text contains it, so the echo of the input line is found unambiguously. */
const PROBE_PREFIX = 'zqj';
const PROBE_KEYS = 'abcdefghikmnoprstuvwxy';
/** A burst that does not finish in this time is reported as failed. */
const BURST_TIMEOUT_MS = 600_000;
/**
 * The burst on heloterm's page is sized to take about this long at most: a first 1 MB burst measures its rate,
 * and the full burst is cut to what that rate renders in this time (the figures say so when it is cut).
 */
const BURST_BUDGET_SECONDS = envInt('BENCH_BURST_BUDGET_S', 60);
const CALIBRATION_MB = 1;

interface PureResult {
  linesPerSecond: number;
  pageLinesPerSecond: number;
  lines: number;
}

/** Lines per second of `perReply` over the corpus, median of several trials. */
function throughput(corpus: string, perReply: (events: ReturnType<ReplyParser['push']>) => number): { rate: number; lines: number } {
  const rates: number[] = [];
  let lines = 0;
  for (let t = 0; t < PURE_TRIALS; t++) {
    const start = performance.now();
    let n = 0;
    do {
      const parser = new ReplyParser();
      for (let at = 0; at < corpus.length; at += PURE_CHUNK_CHARS) n += perReply(parser.push(corpus.slice(at, at + PURE_CHUNK_CHARS)));
    } while (performance.now() - start < PURE_TRIAL_MS);
    rates.push(n / ((performance.now() - start) / 1000));
    lines = n;
  }
  return { rate: median(rates), lines };
}

function pureAnnotator(): PureResult {
  const corpus = burstText(PURE_CORPUS_BYTES);
  let sink = 0;
  const pure = throughput(corpus, (events) => {
    let lines = 0;
    for (const e of events) {
      if (e.kind === 'line') lines++;
      else if (e.kind === 'reply') {
        const a = annotate(e.reply);
        const v = matchVendorRules(e.reply.code, e.reply.lines.map((l) => l.text).join(' '));
        sink += a.summary.length + v.length;
      }
    }
    return lines;
  });
  let model = new SessionModel();
  let n = 0;
  const page = throughput(corpus, (events) => {
    let lines = 0;
    for (const e of events) {
      if (e.kind === 'line') lines++;
      else if (e.kind === 'reply') {
        if (++n % 1000 === 0) model = new SessionModel();
        sink += reportReply(n, model.received(e.reply)).vendor.length;
      }
    }
    return lines;
  });
  if (sink < 0) throw new Error('unreachable');
  return { linesPerSecond: pure.rate, pageLinesPerSecond: page.rate, lines: pure.lines };
}

interface BurstRun {
  page: 'heloterm' | 'bare';
  bytes: number;
  ms: number;
  mbPerSecond: number;
  echo: number[];
  unanswered: number;
}

async function watchEnd(page: Page): Promise<void> {
  await page.evaluate((needles) => (window as unknown as BenchWindow).__bench.watch(needles), [BURST_BEGIN, BURST_END]);
}

async function waitPainted(page: Page, needle: string, timeoutMs: number): Promise<number> {
  const h = await page.waitForFunction((n) => (window as unknown as BenchWindow).__bench.state.painted[n], needle, { timeout: timeoutMs, polling: 100 });
  return Number(await h.jsonValue());
}

/**
 * BENCH_PROF_DIR=<dir>: a CPU profile of heloterm's page during the burst (Chromium's Profiler over CDP), saved as
 * <dir>/heloterm-burst-<time>.cpuprofile (open in DevTools, or bench/profile-summary.ts).
 */
async function startPageProfiler(page: Page): Promise<{ stop(): Promise<void> } | null> {
  const dir = process.env.BENCH_PROF_DIR;
  if (dir === undefined || dir === '') return null;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `heloterm-burst-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      progress(`annotate: page profile written to ${file}`);
    },
  };
}

async function burstOnHeloterm(browser: Browser, url: string, bytes: number): Promise<BurstRun & { size: { cols: number; rows: number } }> {
  const p = await openPage(browser, url);
  try {
    const { page } = p;
    const size = await page.evaluate(() => (window as unknown as { __heloterm: { size(): { cols: number; rows: number } } }).__heloterm.size());
    await page.evaluate((needles) => (window as unknown as BenchWindow).__bench.watch(needles), ['burst of']);
    await page.keyboard.type(`XBURST ${bytes} ${BURST_DELAY_MS}`);
    await page.keyboard.press('Enter');
    await waitPainted(page, 'burst of', 10_000);
    await page.evaluate((needles) => (window as unknown as BenchWindow).__bench.watch(needles), [PROBE_PREFIX]);
    await page.keyboard.type(PROBE_PREFIX);
    await waitPainted(page, PROBE_PREFIX, 5000);
    await watchEnd(page);
    await page.evaluate((prefix) => (window as unknown as BenchWindow).__bench.startProbing(prefix), PROBE_PREFIX);
    const profiler = await startPageProfiler(page);
    const deadline = Date.now() + BURST_TIMEOUT_MS;
    let probes = 0;
    for (;;) {
      const st = await probeState(page);
      if (st.painted[BURST_END] !== undefined || Date.now() > deadline) break;
      if (st.received[BURST_BEGIN] !== undefined && probes < MAX_PROBES) {
        await page.keyboard.press(PROBE_KEYS[probes % PROBE_KEYS.length] ?? 'a');
        probes++;
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    await sleep(300);
    await profiler?.stop();
    const st = await probeState(page);
    const begin = st.received[BURST_BEGIN] ?? Number.NaN;
    const end = st.painted[BURST_END] ?? Number.NaN;
    return { page: 'heloterm', bytes, ms: end - begin, mbPerSecond: bytes / 1024 / 1024 / ((end - begin) / 1000), echo: st.latencies, unanswered: st.pending.length, size };
  } finally {
    await p.close();
  }
}

async function burstOnBare(browser: Browser, url: string, bytes: number): Promise<BurstRun> {
  const p = await openPage(browser, url);
  try {
    const { page } = p;
    await watchEnd(page);
    await page.evaluate((line) => (window as unknown as { __bare: { send(l: string): void } }).__bare.send(line), `XBURST ${bytes} 0`);
    const end = await waitPainted(page, BURST_END, BURST_TIMEOUT_MS);
    const begin = (await probeState(page)).received[BURST_BEGIN] ?? Number.NaN;
    return { page: 'bare', bytes, ms: end - begin, mbPerSecond: bytes / 1024 / 1024 / ((end - begin) / 1000), echo: [], unanswered: 0 };
  } finally {
    await p.close();
  }
}

export async function benchAnnotate(browser: Browser, builds: Builds): Promise<BenchResult> {
  progress('annotate: pure annotator in Node');
  const pure = pureAnnotator();
    const responder = await startResponder();
  const bridge = await startBridge([responder.port], builds.heloterm);
  const relay = await startBareRelay({ staticDir: builds.bare });
  let helo: Awaited<ReturnType<typeof burstOnHeloterm>>;
  let bare: BurstRun;
  let usedMb = BURST_MB;
  try {
    const url = helotermUrl(bridge, responder.port);
    progress(`annotate: ${CALIBRATION_MB} MB burst on heloterm's page, to size the full burst`);
    helo = await burstOnHeloterm(browser, url, CALIBRATION_MB * 1024 * 1024);
    usedMb = Math.min(BURST_MB, Math.max(CALIBRATION_MB, Math.floor(helo.mbPerSecond * BURST_BUDGET_SECONDS)));
    if (usedMb > CALIBRATION_MB) {
      progress(`annotate: ${usedMb} MB burst on heloterm's page (annotated, with input probes)`);
      helo = await burstOnHeloterm(browser, url, usedMb * 1024 * 1024);
    }
    progress(`annotate: ${usedMb} MB burst on the bare page (${helo.size.cols}×${helo.size.rows}, as heloterm's terminal)`);
    bare = await burstOnBare(browser, `${relay.url}?port=${responder.port}&cols=${helo.size.cols}&rows=${helo.size.rows}`, usedMb * 1024 * 1024);
  } finally {
    await bridge.close();
    await relay.close();
    await responder.close();
  }
  const ratio = helo.mbPerSecond / bare.mbPerSecond;
  const echo = summarize(helo.echo);
  const worstEcho = helo.unanswered > 0 ? Number.POSITIVE_INFINITY : echo.max;
  const checks: GoalCheck[] = [
    checkGe('annotate', 'pure annotator, reply lines/s', pure.linesPerSecond, 1_000_000, fmt.int(pure.linesPerSecond), '≥ 1,000,000'),
    checkGe('annotate', `${usedMb} MB burst: annotated ÷ unannotated rate`, ratio, 0.8, fmt.ratio(ratio), '≥ 0.80×'),
    checkLe('annotate', `${usedMb} MB burst: slowest keypress → echo`, worstEcho, 100, helo.unanswered > 0 ? `${helo.unanswered} never echoed` : fmt.ms(echo.max), '≤ 100 ms'),
  ];
  return {
    name: 'annotate',
    title: '5. Annotation',
    checks,
    markdown: [
      `**Pure annotator** (Node, ${fmt.mb(PURE_CORPUS_BYTES, 0)} of real replies fed in ${PURE_CHUNK_CHARS / 1024} KB chunks, median of ${PURE_TRIALS} one-second trials):`,
      '',
      ...table(['pipeline', 'reply lines/s'], [
        ['ReplyParser + annotate() + matchVendorRules()', fmt.int(pure.linesPerSecond)],
        ["ReplyParser + SessionModel.received() + reportReply() (what the page does per reply, before rendering)", fmt.int(pure.pageLinesPerSecond)],
      ]),
      '',
      `**${usedMb} MB reply burst in Chromium**${usedMb < BURST_MB ? ` (${BURST_MB} MB asked for; cut to what heloterm's page renders in about ${BURST_BUDGET_SECONDS} s at the rate a first ${CALIBRATION_MB} MB burst showed, so the run stays bounded)` : ''} (real replies from the recorded Postfix/Exim/OpenSMTPD dialogs and published ` +
        `provider rejections; rate = burst size ÷ time from the first burst frame received to the last reply painted; both ` +
        `terminals ${helo.size.cols}×${helo.size.rows} with 5,000 lines of scrollback). While the burst renders on heloterm's page, ` +
        `a key is typed every ${PROBE_INTERVAL_MS} ms (at most ${MAX_PROBES}) and timed from keydown to its echo painted. ` +
        "heloterm's page reads and counts every reply but jump-scrolls (client/terminal/jump-scroll.ts): it hands xterm only the lines " +
        'that the screen and the scrollback keep, so it draws fewer lines than the bare page, which hands xterm every frame as it comes.',
      '',
      ...table(['page', 'time', 'rate', 'keypress → echo p50', 'max', 'probes'], [
        ["heloterm (annotated, through the bridge)", fmt.ms(helo.ms), `${helo.mbPerSecond.toFixed(2)} MB/s`, fmt.ms(echo.p50), fmt.ms(echo.max),
          `${helo.echo.length} echoed${helo.unanswered > 0 ? `, ${helo.unanswered} never` : ''}`],
        ['bare page (raw text, through the bare relay)', fmt.ms(bare.ms), `${bare.mbPerSecond.toFixed(2)} MB/s`, '–', '–', '–'],
      ]),
      '',
      `Ratio annotated ÷ unannotated: ${fmt.ratio(ratio)}. Each key's time to its echo on heloterm's page, in the order typed ` +
        `(one every ${PROBE_INTERVAL_MS} ms from the burst's first frame): ${helo.echo.map((ms) => Math.round(ms)).join(', ') || 'none'} ms.`,
    ],
  };
}
