/**
 * Floods (client/terminal/flood.ts): replies beyond the budget are counted, not annotated one by one; the summary
 * names the counts per code; a pasted pipeline under the budget is annotated whole; the budget refills with time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FLOOD_BURST_REPLIES, FLOOD_QUIET_MS, FLOOD_REPLIES_PER_SECOND, FloodGate, endFlood } from '../../client/terminal/flood.js';
import { FloodWatch } from '../../client/terminal/flood-watch.js';
import { FLOOD_MARK, formatFloodSummary } from '../../client/terminal/render-replies.js';
import { ServerTextRenderer } from '../../client/terminal/server-text.js';
import { piecesText } from '../../client/terminal/jump-scroll.js';
import { reportReply } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('FloodGate', () => {
  it('annotates a burst up to the budget, then counts', () => {
    const gate = new FloodGate();
    const admitted = Array.from({ length: FLOOD_BURST_REPLIES + 50 }, () => gate.admit(250, 0)).filter(Boolean).length;
    expect(admitted).toBe(FLOOD_BURST_REPLIES);
    expect(gate.flooding).toBe(true);
    const s = gate.end();
    expect(s?.replies).toBe(50);
    expect(s?.byCode.get(250)).toBe(50);
    expect(gate.flooding).toBe(false);
    expect(gate.end()).toBeNull();
  });

  it('refills the budget with time, so a steady slow stream is always annotated', () => {
    const gate = new FloodGate();
    const everySecond = 1000 / (FLOOD_REPLIES_PER_SECOND / 2);
    for (let i = 0; i < 1000; i++) expect(gate.admit(250, i * everySecond)).toBe(true);
    expect(gate.flooding).toBe(false);
  });

  it('stays in a flood until it is ended, even when the budget refills meanwhile', () => {
    const gate = new FloodGate();
    for (let i = 0; i <= FLOOD_BURST_REPLIES; i++) gate.admit(550, 0);
    expect(gate.admit(550, 60_000)).toBe(false);
    const s = gate.end();
    expect(s).toMatchObject({ replies: 2, ms: 60_000 });
    expect(gate.admit(550, 60_001)).toBe(true);
  });

  it('says a flood that came within 50 ms came in under 0.1 s, not "in 0.0 s"', () => {
    const summary = (ms: number): string => plain(formatFloodSummary({ replies: 23, ms, byCode: new Map([[250, 23]]) }));
    expect(summary(0)).toContain('23 more replies in under 0.1 s, too fast');
    expect(summary(49)).toContain('in under 0.1 s,');
    expect(summary(50)).toContain('in 0.1 s,');
    expect(summary(1549)).toContain('in 1.5 s,');
  });

  it('summarises per code, most frequent first, with the rest counted together', () => {
    const gate = new FloodGate();
    for (let i = 0; i <= FLOOD_BURST_REPLIES; i++) gate.admit(250, 0); // the last one starts the flood
    const codes = [250, 250, 250, 550, 550, 451, 221, 354, 421, 452, 503];
    for (const c of codes) gate.admit(c, 1500);
    const text = plain(endFlood(gate));
    expect(text.startsWith(`  ${FLOOD_MARK} 12 more replies in 1.5 s`)).toBe(true);
    expect(text).toContain('250 ×4, 550 ×2');
    expect(text).toContain('other ×2');
    expect(endFlood(gate)).toBe('');
    // What every flood ended so far counted, for the page's test hook: an end without a flood adds nothing.
    expect({ floods: gate.floods, counted: gate.counted }).toEqual({ floods: 1, counted: 12 });
    for (let i = 0; i < FLOOD_BURST_REPLIES + 3; i++) gate.admit(250, 600_000);
    endFlood(gate);
    expect({ floods: gate.floods, counted: gate.counted }).toEqual({ floods: 2, counted: 15 });
  });
});

describe('ServerTextRenderer in a flood', () => {
  it('writes every line, and annotations only for the replies the gate admits', () => {
    const model = new SessionModel();
    model.connected();
    const gate = new FloodGate();
    let n = 0;
    const r = new ServerTextRenderer((reply) => {
      const ex = model.received(reply);
      n++;
      return gate.admit(reply.code, 0) ? { report: reportReply(n, ex), slow: false, hints: [], more: '' } : null;
    });
    const count = FLOOD_BURST_REPLIES * 3;
    const out = plain(piecesText(r.rx('220 hi\r\n' + '250-a\r\n250 b\r\n'.repeat(count - 1)).pieces));
    expect(out.split('\n').filter((l) => l.startsWith('250')).length).toBe((count - 1) * 2);
    expect(out.split(ANNOTATION_MARK).length - 1).toBe(FLOOD_BURST_REPLIES);
    expect(n).toBe(count);
  });
});

describe('FloodWatch: the lull that ends a flood', () => {
  /** A flood watched with a clock of the test's own; what it wrote, and how to move time. */
  function watched() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 0;
    const written: string[] = [];
    const watch = new FloodWatch((t) => written.push(t), () => clock);
    const floodOf = (n: number) => {
      for (let i = 0; i < n; i++) watch.admit(250, clock);
    };
    return { watch, written, floodOf, at: (ms: number) => (clock = ms) };
  }
  afterEach(() => vi.useRealTimers());

  it('writes the summary once no reply came for FLOOD_QUIET_MS, counting every reply', () => {
    const { written, floodOf, at } = watched();
    floodOf(FLOOD_BURST_REPLIES + 900);
    at(FLOOD_QUIET_MS - 1);
    vi.advanceTimersByTime(FLOOD_QUIET_MS - 1);
    expect(written).toEqual([]);
    // The timer is due, on time, and the lull is long enough.
    at(FLOOD_QUIET_MS);
    vi.advanceTimersByTime(1);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('900 more replies');
  });

  it('takes a timer that fires late (the page was busy) as no lull: replies read after it still count in the one summary', () => {
    const { written, floodOf, at } = watched();
    floodOf(FLOOD_BURST_REPLIES + 500);
    // The page was busy drawing: the timer fires 400 ms late, with replies still waiting to be read behind it.
    at(FLOOD_QUIET_MS + 400);
    vi.advanceTimersByTime(FLOOD_QUIET_MS);
    expect(written).toEqual([]);
    floodOf(500);
    at(FLOOD_QUIET_MS + 400 + FLOOD_QUIET_MS);
    vi.advanceTimersByTime(2 * FLOOD_QUIET_MS);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('1,000 more replies');
  });
});
