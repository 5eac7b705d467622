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
import { readMailLog } from '../../shared/smtp/log-read.js';
import { readHeaders } from '../../shared/smtp/headers-read.js';
import { dnsblCommandIn, readDnsbl } from '../../shared/smtp/dnsbl.js';
import { parseMtaStsPolicy, readMtaStsPolicy } from '../../shared/smtp/mta-sts.js';
import { readSpfCheck, spfCommandIn } from '../../shared/smtp/spf-check.js';
import { readPolicyRecord } from '../../shared/smtp/record-read.js';
import { readDmarcReport } from '../../shared/smtp/dmarc-report.js';
import { readTlsRptReport } from '../../shared/smtp/tlsrpt-report.js';
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
  'Nov 30 00:12:34 mx postfix/smtp[1]: ', 'postfix/smtpd[2]: ', 'NOQUEUE: reject: RCPT from x[192.0.2.1]: ', '3F2A: to=<b@c>, relay=mx[192.0.2.1]:25, ',
  'dsn=5.1.1, status=bounced (', 'status=sent (', 'connect to mx[192.0.2.1]:25: Connection timed out)', '; from=<a@b> to=<c@d> ',
  '2026-11-30 00:12:34 1abcDE-000123-AB ** b@c ', ' == ', ': SMTP error from remote mail server after RCPT TO:<b@c>: ', ')',
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
      const logged = readMailLog(pasted);
      for (const s of [...replayed, ...bounce, ...logged]) if (s.kind === 'reply') expect(s.exchange.reply.code).toBeGreaterThanOrEqual(100);
      expect(bounce.filter((s) => s.kind === 'reply').length).toBeLessThanOrEqual(50);
      expect(logged.filter((s) => s.kind === 'reply').length).toBeLessThanOrEqual(50);
      for (const [steps2, what] of [[replayed, 'transcript'], [bounce, 'bounce'], [logged, 'log lines']] as const) {
        const { text: shown, reports } = formatReplay(steps2, 1, what);
        expect(controls(shown), JSON.stringify(pasted)).toEqual([]);
        expect(reports.map((r) => r.n)).toEqual(reports.map((_, i) => i + 1));
      }
    }
  });

  it('mail log lines with random fields are read within bounds, with nothing but colours reaching the terminal', () => {
    const next = random(56);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const field = (): string => text(next, Math.floor(next() * 3)).replace(/[\r\n]/g, ' ');
    let replies = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const lines = Array.from({ length: 1 + Math.floor(next() * 8) }, () => {
        const reply = `${pick(['250 ', '450 4.2.0 ', '550 5.1.1 ', '554-5.7.1 ', '999 '])}${field()}`;
        return pick([
          `Nov 30 00:12:34 mx postfix/smtp[${round}]: 3F2A${round}: to=<${field()}>, relay=${field() || 'none'}, delay=1, dsn=5.1.1, status=${pick(['bounced', 'deferred', 'sent'])} (host ${field() || 'x'} said: ${reply} (in reply to ${pick(['RCPT TO', 'end of DATA', 'MAIL FROM', field()])} command))`,
          `Nov 30 00:12:34 mx postfix/smtp[${round}]: 3F2A: to=<b@c>, relay=x, delay=1, status=sent (${reply})`,
          `Nov 30 00:12:34 mx postfix/${pick(['smtp', 'local', 'virtual', 'pipe'])}[${round}]: 3F2A: to=<${field()}>, relay=${field() || 'none'}, delay=1, status=${pick(['deferred', 'bounced', 'sent'])} (${pick(['delivery temporarily suspended: ', ''])}${pick(['lost connection with ', 'conversation with ', 'Host or domain name not found. Name service error for name=', 'TLS is required, but was not offered by host ', 'unknown user: "', 'delivered via ', 'connect to '])}${field()}${pick([' while ', ' timed out while ', ' type=MX: ', ':25: ', '" ', ' service'])}${field()})`,
          `Nov 30 00:12:34 mx postfix/smtpd[${round}]: NOQUEUE: reject: ${pick(['RCPT', 'MAIL', 'DATA', 'END-OF-MESSAGE', 'CONNECT', 'EHLO'])} from ${field() || 'x'}: ${reply}; from=<${field()}> to=<${field()}> proto=ESMTP helo=<${field()}>`,
          `Nov 30 00:12:34 mx postfix/${pick(['smtpd', 'postscreen'])}[${round}]: ${pick(['lost connection after ', 'timeout after ', 'too many errors after ', 'improper command pipelining after ', 'disconnect from ', 'PREGREET 11 after ', 'DNSBL rank 3 for [', 'warning: hostname ', 'SSL_accept error from '])}${field()} ${pick(['from ', 'does not resolve to address ', '', ']:25'])}${field()}${pick([': ', ' commands=3/5', ' (12 bytes)', ''])}${field()}`,
          `2026-11-30 00:12:34 1abcDE-000123-AB ${pick(['**', '=='])} ${field() || 'b@c'} R=r T=t H=h: SMTP error from remote mail server after ${pick(['RCPT TO:<b@c>', 'end of data', 'initial connection', field()])}: ${reply}`,
          `2026-11-30 00:12:34 ${pick([`1abcDE-000123-AB ${pick(['=>', '->'])} ${field() || 'b@c'} H=${field()} C="${reply}" QT=1s`, `H=${field()} F=<${field()}> ${pick(['', 'temporarily '])}rejected ${pick(['RCPT', 'MAIL', 'EHLO or HELO', field()])} ${field()}: ${field()}`, `${field() || 'login'} authenticator failed for ${field()}: ${reply} (set_id=${field()})`, `${pick(['no MAIL in SMTP connection from ', 'SMTP call from ', 'unexpected disconnection while reading SMTP command from '])}${field()}`])}`,
          `Nov 30 00:12:34 mx ${pick(['sendmail', 'sm-mta'])}[${round}]: 4AU0C${round}: to=${field()}, delay=00:00:01, relay=${field()}, dsn=${pick(['5.1.1', '4.0.0', '2.0.0', field()])}, stat=${pick([`Deferred: ${reply}`, `Sent (${field()})`, `Deferred: Connection refused by ${field()}`, field()])}`,
          `Nov 30 00:12:34 mx sendmail[${round}]: 4AU0C${round}: ${pick(['ruleset=check_rcpt', 'ruleset=check_mail', `ruleset=${field()}`, 'Milter: data', `Milter: to=<${field()}>`])}, arg1=${field()}, relay=${field() || 'x'}, reject=${reply}`,
          `Nov 30 00:12:34 mx smtpd[${round}]: 0123456789abcdef ${pick([`smtp failed-command command="${field()}" result="${reply}"`, `smtp bad-input result="${reply}"`, `mta delivery evpid=0123456789abcdef from=<${field()}> to=<${field()}> rcpt=<-> source="${field()}" relay="${field()}" delay=1s result="${pick(['Ok', 'TempFail', 'PermFail'])}" stat="${pick([reply, field()])}"`, `mta error reason=${field()}`, `smtp authentication user=${field()} result=${field()}`])}`,
          field(),
        ]);
      });
      const logged = readMailLog(lines.join(pick(['\n', '\r\n'])));
      const found = logged.filter((s) => s.kind === 'reply');
      replies += found.length;
      expect(found.length).toBeLessThanOrEqual(Math.min(50, lines.length));
      for (const s of found) if (s.kind === 'reply') expect(s.exchange.reply.code).toBeGreaterThanOrEqual(100);
      const { text: shown, reports } = formatReplay(logged, 1, 'log lines');
      expect(controls(shown), JSON.stringify(lines)).toEqual([]);
      expect(reports).toHaveLength(found.length);
    }
    // Not vacuous: most rounds held a line read for its reply.
    expect(replies).toBeGreaterThan(ROUNDS);
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
        // Records pasted: the text as it came, and as the three records it may begin.
        ...[t, `v=spf1 ${t}`, `_dmarc.x. IN TXT "v=DMARC1; ${t}"`, `v=DKIM1; ${t}`, `version: STSv1\n${t}`].flatMap((r) => readPolicyRecord(r)?.findings ?? []),
        // A TLS report and a DMARC report whose every value is the random text.
        ...(readTlsRptReport(JSON.stringify({ 'organization-name': t, policies: [{ policy: { 'policy-domain': t, 'policy-type': t }, summary: {}, 'failure-details': [{ 'result-type': t, 'receiving-mx-hostname': t, 'sending-mta-ip': t, 'failure-reason-code': t }] }] }))?.findings ?? []),
        ...(readDmarcReport(`<feedback><policy_published><domain>${t}</domain><p>${t}</p></policy_published><record><row><source_ip>${t}</source_ip><count>${t}</count><policy_evaluated><disposition>${t}</disposition><dkim>${t}</dkim><spf>fail</spf></policy_evaluated></row><auth_results><dkim><domain>${t}</domain><result>${t}</result></dkim></auth_results></record></feedback>`)?.findings ?? []),
      ];
      expect(controls(formatReport({ head: 'x', findings })), JSON.stringify(t)).toEqual([]);
      const spf = spfCommandIn(t);
      if (spf !== null) expect(spf).toMatch(/^\/spf [0-9a-f.:]+ [a-z0-9_.-]+$/);
      const dnsbl = dnsblCommandIn(t);
      if (dnsbl !== null) expect(dnsbl).toMatch(/^\/dnsbl [0-9a-f.:]+$/);
    }
  });
});
