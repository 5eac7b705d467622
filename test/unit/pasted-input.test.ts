/**
 * What people paste and what servers and DNS send, at random: the readers added for pasted dialogs and bounces, the
 * MTA-STS policy reader, the blocklist and SPF views and the commands picked out of refusals must never throw, stay
 * within their bounds, and never pass a control sequence to the terminal (only heloterm's own SGR colours). Random
 * texts are built from fragments that look like the real thing, by a seeded generator, so a failure can be replayed.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../client/terminal/render-findings.js';
import { formatReplay } from '../../client/terminal/render-transcript.js';
import { readBounce } from '../../shared/smtp/bounce-read.js';
import { readHeaders } from '../../shared/smtp/headers-read.js';
import { dnsblCommandIn, readDnsbl } from '../../shared/smtp/dnsbl.js';
import { parseMtaStsPolicy, readMtaStsPolicy } from '../../shared/smtp/mta-sts.js';
import { readSpfCheck, spfCommandIn } from '../../shared/smtp/spf-check.js';
import { MAX_TRANSCRIPT_LINES, readTranscript, replayTranscript } from '../../shared/smtp/transcript-read.js';

const ROUNDS = 300;

/** A small deterministic random generator (a linear congruential one). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const FRAGMENTS = [
  'C: ', 'S: ', '-- ', '   1.250 C: ', '   2.000 S: ', '# ', ' -> ', '<-  ', '<** ', '=== ',
  '220 ', '250-', '250 ', '354 ', '421 ', '450 4.2.0 ', '550 5.1.1 ', '550-5.7.26 ', '999 ', '2.0.0 ',
  'EHLO x', 'LHLO x', 'MAIL FROM:<a@b>', 'RCPT TO:<c@d>', 'DATA', '.', 'QUIT', 'AUTH PLAIN AHg=', 'STARTTLS',
  'Diagnostic-Code: smtp; ', 'Final-Recipient: rfc822; x@y', 'host mx[192.0.2.1] said: ', ' (in reply to RCPT TO command)',
  'SMTP error from remote mail server after end of data:', "Remote server returned '", "'", 'The response from the remote server was:',
  'TLS active', 'connected to x', 'closed by the server', '[bare LF]', '[192.0.2.1]', 'ip: [2001:db8::1]', 'id=a@b.example;ip=',
  'version: STSv1', 'mode: enforce', 'mode: testing', 'mx: *.example.org', 'max_age: 86400', 'max_age: -1',
  '\r\n', '\n', '\r', '    ', '\t', ':', ';', '<', '>', '@', '[', ']', '\x00', '\x1b[2J', '\x1b]0;t\x07', '\x7f', '\u0085',
  'Received: from a by b; ', 'Sun, 29 Nov 2026 22:00:00 +0000', 'Authentication-Results: mx; ', 'spf=fail smtp.mailfrom=x@y',
  'dkim=fail header.d=y header.s=s1', '(a (nested) comment)', '((', '))',
  'é', '😀', '\u202e', 'x'.repeat(300),
];

function text(next: () => number, parts: number): string {
  let out = '';
  for (let i = 0; i < parts; i++) out += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
  return out;
}

/** What the terminal would get, without heloterm's own colour codes: no escape, no other C0 or C1 control but CR/LF. */
function controls(shown: string): string[] {
  // eslint-disable-next-line no-control-regex
  return [...shown.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/g)].map((m) => m[0]);
}

describe('pasted dialogs and bounces, at random', () => {
  it('are read and explained within bounds, with nothing but colours reaching the terminal', () => {
    const next = random(12);
    for (let round = 0; round < ROUNDS; round++) {
      const pasted = text(next, 1 + Math.floor(next() * 60));
      const steps = readTranscript(pasted);
      expect(steps.length).toBeLessThanOrEqual(MAX_TRANSCRIPT_LINES + 1);
      const replayed = replayTranscript(steps);
      const bounce = readBounce(pasted);
      for (const s of [...replayed, ...bounce]) if (s.kind === 'reply') expect(s.exchange.reply.code).toBeGreaterThanOrEqual(100);
      expect(bounce.filter((s) => s.kind === 'reply').length).toBeLessThanOrEqual(50);
      for (const [steps2, what] of [[replayed, 'transcript'], [bounce, 'bounce']] as const) {
        const { text: shown, reports } = formatReplay(steps2, 1, what);
        expect(controls(shown), JSON.stringify(pasted)).toEqual([]);
        expect(reports.map((r) => r.n)).toEqual(reports.map((_, i) => i + 1));
      }
    }
  });
});

describe('policies, lists and refusals from the network, at random', () => {
  it('are read without throwing, and shown without control sequences', () => {
    const next = random(34);
    for (let round = 0; round < ROUNDS; round++) {
      const t = text(next, 1 + Math.floor(next() * 20));
      const policy = parseMtaStsPolicy(t);
      expect(policy.mx.length).toBeLessThanOrEqual(t.length);
      const findings = [
        ...readMtaStsPolicy('example.org', { kind: 'policy', text: t, cut: false, contentType: t.slice(0, 40) }, ['mx1.example.org', t.slice(0, 30)]),
        ...readMtaStsPolicy('example.org', { kind: 'error', detail: t }, null),
        ...readDnsbl('192.0.2.1', { kind: 'checked', lists: [{ zone: t.slice(0, 60), kind: 'listed', codes: [t.slice(0, 15)], reason: t }] }).findings,
        ...readHeaders(t).findings,
        ...readSpfCheck('192.0.2.1', 'example.org', { kind: 'checked', result: 'permerror', record: t, detail: t, lookups: 3, voidLookups: 0 }).findings,
      ];
      expect(controls(formatReport({ head: 'x', findings })), JSON.stringify(t)).toEqual([]);
      const spf = spfCommandIn(t);
      if (spf !== null) expect(spf).toMatch(/^\/spf [0-9a-f.:]+ [a-z0-9_.-]+$/);
      const dnsbl = dnsblCommandIn(t);
      if (dnsbl !== null) expect(dnsbl).toMatch(/^\/dnsbl [0-9a-f.:]+$/);
    }
  });
});
