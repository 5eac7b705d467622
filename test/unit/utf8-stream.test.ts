/**
 * server/utf8.ts decodes a server's bytes chunk by chunk without a TextDecoder per connection. It must give, chunk
 * for chunk, exactly what a streaming TextDecoder gives (ignoreBOM: true, since the stream keeps a BOM), for any
 * bytes and any cuts, well-formed or not.
 */
import { describe, expect, it } from 'vitest';
import { unfinishedTail, Utf8Stream } from '../../server/utf8.js';

/** A small deterministic PRNG (mulberry32), so that a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The bytes where UTF-8's rules change, plus ASCII and whole characters of every length.
const EDGES = [0x00, 0x0d, 0x0a, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
  0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];
const WHOLE = ['a', 'é', '–', '日', '📮', '\ufeff', '\r\n'].map((s) => [...Buffer.from(s)]);

function randomBytes(next: () => number, length: number): Buffer {
  const out: number[] = [];
  while (out.length < length) {
    const r = next();
    if (r < 0.45) out.push(EDGES[Math.floor(next() * EDGES.length)]!);
    else if (r < 0.8) out.push(...WHOLE[Math.floor(next() * WHOLE.length)]!);
    else out.push(Math.floor(next() * 256));
  }
  return Buffer.from(out);
}

function randomCuts(next: () => number, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const len = 1 + Math.floor(next() * 6);
    chunks.push(bytes.subarray(at, at + len));
    at += len;
  }
  return chunks;
}

function both(chunks: Buffer[]): { ours: string[]; theirs: string[] } {
  const stream = new Utf8Stream();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const ours = chunks.map((c) => stream.write(c));
  const theirs = chunks.map((c) => decoder.decode(c, { stream: true }));
  ours.push(stream.end());
  theirs.push(decoder.decode());
  return { ours, theirs };
}

describe('Utf8Stream', () => {
  it('decodes chunk for chunk as a streaming TextDecoder does, over 5,000 random byte strings and cuts', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const next = rng(seed);
      const bytes = randomBytes(next, 1 + Math.floor(next() * 40));
      const { ours, theirs } = both(randomCuts(next, bytes));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        expect({ seed, bytes: bytes.toString('hex'), ours }).toEqual({ seed, bytes: bytes.toString('hex'), ours: theirs });
      }
    }
  });

  it('agrees with TextDecoder on every cut of every 1- to 4-byte sequence of edge bytes', () => {
    // Exhaustive over the edge bytes for sequences up to 3 bytes, each cut into single bytes and kept whole.
    let checked = 0;
    const seqs: number[][] = [[]];
    for (let len = 1; len <= 3; len++) {
      for (const s of seqs.filter((q) => q.length === len - 1)) for (const b of EDGES) seqs.push([...s, b]);
    }
    for (const seq of seqs) {
      const bytes = Buffer.from([...seq, 0x41]);
      for (const chunks of [[bytes], [...bytes].map((b) => Buffer.from([b]))]) {
        const { ours, theirs } = both(chunks);
        expect(ours, Buffer.from(seq).toString('hex')).toEqual(theirs);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2 * 20_000);
  });

  it('holds a split character until it is finished, and no longer', () => {
    const s = new Utf8Stream();
    const mailbox = Buffer.from('📮'); // f0 9f 93 ae
    expect(s.write(Buffer.from([0x32, 0x32, 0x30, 0x20, mailbox[0]!]))).toBe('220 ');
    expect(s.write(mailbox.subarray(1, 3))).toBe('');
    expect(s.write(Buffer.concat([mailbox.subarray(3), Buffer.from(' ok\r\n')]))).toBe('📮 ok\r\n');
    expect(s.end()).toBe('');
  });

  it('turns an unfinished character at the end into U+FFFD, and reset() drops it', () => {
    const s = new Utf8Stream();
    expect(s.write(Buffer.from([0x41, 0xe6, 0x97]))).toBe('A');
    expect(s.end()).toBe('\ufffd');
    expect(s.write(Buffer.from([0xe6]))).toBe('');
    s.reset();
    expect(s.write(Buffer.from('B'))).toBe('B');
  });

  it('keeps a byte order mark that a TextDecoder would silently drop', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('220 x\r\n')]);
    expect(new Utf8Stream().write(bom)).toBe('\ufeff220 x\r\n');
    expect(new TextDecoder('utf-8').decode(bom, { stream: true })).toBe('220 x\r\n');
  });
});

describe('unfinishedTail', () => {
  it.each([
    ['', 0],
    ['41', 0],
    ['c3', 1], // é, first byte
    ['c3a9', 0],
    ['e6', 1],
    ['e697', 2],
    ['e697a5', 0],
    ['e080', 0], // E0 needs A0-BF next: ill-formed already
    ['e0a0', 2],
    ['ed9f', 2],
    ['eda0', 0], // a surrogate's encoding: ill-formed already
    ['f0', 1],
    ['f08f', 0], // overlong
    ['f09f93', 3],
    ['f09f93ae', 0],
    ['f48f', 2],
    ['f490', 0], // beyond U+10FFFF
    ['f5', 0],
    ['c0', 0],
    ['c1', 0],
    ['80', 0],
    ['808080', 0],
    ['41bf', 0],
  ])('%s → %i', (hex, expected) => {
    expect(unfinishedTail(Buffer.from(hex, 'hex'))).toBe(expected);
  });
});
