/**
 * Benchmark 4: time to first prompt. Navigation start -> the responder's 220 greeting painted in xterm's rows, in
 * headless Chromium with a new browser context per sample (cold cache), alternating heloterm's page (through its
 * bridge, `?connect=1`) and the bare page (through the bare relay), both against the same in-process responder.
 * For scale (not a goal), the bare page is also loaded served with heloterm's security headers, copied from the
 * bridge's answer: what the headers alone cost, apart from the page.
 */
import type { Browser } from 'playwright-core';
import { startBareRelay } from './lib/bare-relay.js';
import { startBridge } from './lib/bridge.js';
import type { Builds } from './lib/build.js';
import { navTiming, openPage, probeState, GREETING_NEEDLE } from './lib/pages.js';
import { startResponder } from './lib/responder.js';
import { checkLe, envInt, fmt, progress, summarize, table, type BenchResult } from './lib/stats.js';

const SAMPLES = envInt('BENCH_TTFP_SAMPLES', 20);
const WARMUP = 2;
/** heloterm's response headers that a plain static server does not send (helmet's, server/app.ts). */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
] as const;

type PageKind = 'heloterm' | 'bare' | 'bareHeaders';

/** The security headers heloterm's bridge sends with its page. */
async function helotermHeaders(url: string): Promise<Record<string, string>> {
  const res = await fetch(url);
  await res.arrayBuffer();
  const out: Record<string, string> = {};
  for (const name of SECURITY_HEADERS) {
    const v = res.headers.get(name);
    if (v !== null) out[name] = v;
  }
  if (out['cross-origin-opener-policy'] === undefined) throw new Error('ttfp: the bridge sent no Cross-Origin-Opener-Policy; SECURITY_HEADERS is out of date');
  return out;
}

interface Sample {
  ttfp: number;
  responseEnd: number;
  domContentLoaded: number;
  wsOpen: number;
  greetingReceived: number;
}

export function helotermUrl(bridge: { url: string; token?: string | null }, smtpPort: number): string {
  const fragment = bridge.token ? `#token=${encodeURIComponent(bridge.token)}` : '';
  return `${bridge.url}?host=127.0.0.1&port=${smtpPort}&connect=1${fragment}`;
}

export async function benchTtfp(browser: Browser, builds: Builds): Promise<BenchResult> {
  const responder = await startResponder();
  const bridge = await startBridge([responder.port], builds.heloterm);
  const relay = await startBareRelay({ staticDir: builds.bare });
  const headers = await helotermHeaders(bridge.url);
  const relayHeaders = await startBareRelay({ staticDir: builds.bare, headers });
  const urls: Record<PageKind, string> = {
    heloterm: helotermUrl(bridge, responder.port),
    bare: `${relay.url}?port=${responder.port}`,
    bareHeaders: `${relayHeaders.url}?port=${responder.port}`,
  };
  const samples: Record<PageKind, Sample[]> = { heloterm: [], bare: [], bareHeaders: [] };
  const kinds: PageKind[] = ['heloterm', 'bare', 'bareHeaders'];
  try {
    progress(`ttfp: ${WARMUP} warm-up + ${SAMPLES} samples per page, in rotating order, new browser context each`);
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const kind of [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)]) {
        const p = await openPage(browser, urls[kind]);
        const nav = await navTiming(p.page);
        const st = await probeState(p.page);
        await p.close();
        if (i >= WARMUP) {
          samples[kind].push({ ttfp: p.ttfp, ...nav, wsOpen: st.wsOpen ?? Number.NaN, greetingReceived: st.received[GREETING_NEEDLE] ?? Number.NaN });
        }
      }
    }
  } finally {
    await bridge.close();
    await relay.close();
    await relayHeaders.close();
    await responder.close();
  }
  const s = {
    heloterm: summarize(samples.heloterm.map((x) => x.ttfp)),
    bare: summarize(samples.bare.map((x) => x.ttfp)),
    bareHeaders: summarize(samples.bareHeaders.map((x) => x.ttfp)),
  };
  const ratio = s.heloterm.p50 / s.bare.p50;
  const med = (kind: PageKind, k: keyof Sample): string => fmt.ms(summarize(samples[kind].map((x) => x[k])).p50);
  const row = (kind: PageKind, label: string): string[] => [
    label, fmt.ms(s[kind].p50), fmt.ms(s[kind].p90), fmt.ms(s[kind].max),
    med(kind, 'responseEnd'), med(kind, 'domContentLoaded'), med(kind, 'wsOpen'), med(kind, 'greetingReceived'),
  ];
  return {
    name: 'ttfp',
    title: '4. Time to first prompt (headless Chromium, cold cache)',
    checks: [
      checkLe('ttfp', 'time to first prompt, heloterm ÷ bare page (p50)', ratio, 1.15, fmt.ratio(ratio), '≤ 1.15×'),
      checkLe('ttfp', 'time to first prompt, heloterm p50', s.heloterm.p50, 250, fmt.ms(s.heloterm.p50), '≤ 250 ms'),
    ],
    markdown: [
      `${SAMPLES} samples per page after ${WARMUP} warm-up rounds, alternating; each in a new browser context ` +
        `(${'1280×800'}). Time from navigation start until xterm's rows on screen first contain the greeting ` +
        '(a MutationObserver installed before the page\'s scripts sees the row written in the frame that paints it). ' +
        'The later columns (medians) show where the time goes: HTML received, DOMContentLoaded (scripts run), ' +
        'WebSocket open, greeting frame received.',
      '',
      ...table(['page', 'p50', 'p90', 'max', 'HTML received', 'DOMContentLoaded', 'WebSocket open', 'greeting received'], [
        row('heloterm', 'heloterm (bridge, `?connect=1`)'),
        row('bare', 'bare xterm + fit page (bare relay)'),
        row('bareHeaders', "bare page served with heloterm's security headers (for scale)"),
      ]),
      '',
      `Ratio (p50): ${fmt.ratio(ratio)}. For scale, not a goal: heloterm's security headers (${Object.keys(headers).length}, ` +
        `among them Content-Security-Policy and Cross-Origin-Opener-Policy) make the bare page itself ${fmt.ratio(s.bareHeaders.p50 / s.bare.p50)}; ` +
        `heloterm's page ÷ the bare page with those headers: ${fmt.ratio(s.heloterm.p50 / s.bareHeaders.p50)}.`,
    ],
  };
}
