/**
 * `/smuggling`: whether a server ends a message at a line ending other than CRLF, as an admin checks with smtpsmug or
 * SEC Consult's scripts after the SMTP smuggling reports of December 2023 (CVE-2023-51764 Postfix, -51765 Sendmail,
 * -51766 Exim). A server that ends a message at "\n.\n" lets a sender whose own server passes that sequence on slip a
 * second message, with any From:, into the first (and past SPF, since it arrives from the first's server).
 *
 * Each sequence is tried on a connection of its own, all at once: dialled as a connection would be (dial.ts, the target
 * policy, the host's first address of the IP version asked for), without TLS; the whole greeting read and EHLO sent
 * (smtp-probe.ts: nothing is written before the greeting is whole), then MAIL FROM, RCPT TO and DATA, each answered
 * before the next; after the 354, a short test message whose last line ends with the sequence, then a line "NOOP" and
 * the standard end; once that is answered, QUIT. A server that ended the message at the sequence read "NOOP" as a
 * command and answers it before QUIT's 221: that reply, not a guess from timing, tells. The only bytes of the user's
 * are the two addresses, checked by the decoder (app-limits.ts isProbeAddress: no space, bracket or control character).
 */
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { SMUGGLING_SEQUENCES } from '../shared/protocol/app-limits.js';
import type { IpFamily, SmugglingMessage, SmugglingOutcome, SmugglingSequence } from '../shared/protocol/messages.js';
import { rfc5322Date } from '../shared/smtp/date.js';
import { sequenceName } from '../shared/smtp/smuggling.js';
import type { BridgeError } from './net-errors.js';
import { MAX_READ_BYTES, PROBE_CONNECT_MS, PROBE_GREETING_MS, type ProbeDeps } from './port-probe.js';
import { clip, dialProbe, firstAddress, greetedForMore, lastLine, notProbed, probeReader, type ReplyReader } from './smtp-probe.js';

type Answer = SmugglingMessage['answer'];

/** The bytes of each sequence: a line ending, a dot, a line ending. */
const BYTES: Record<SmugglingSequence, string> = { 'LF.LF': '\n.\n', 'LF.CRLF': '\n.\r\n', 'CRLF.LF': '\r\n.\n', 'CR.CRLF': '\r.\r\n' };

/**
 * How long the message's end may take to be answered, as a multiple of the greeting's wait: content filters and
 * virus scanners run before a server answers it (RFC 5321 §4.5.3.2.6 gives a sender 10 minutes; a person waits less).
 */
const END_WAIT_FACTOR = 3;

/** Tries each sequence on `port` of `host` at once; never rejects. */
export async function probeSmuggling(
  host: string,
  port: number,
  to: string,
  from: string,
  family: IpFamily | undefined,
  deps: ProbeDeps,
  signal: AbortSignal,
): Promise<Answer> {
  const one = firstAddress((h, p) => deps.resolve(h, p, family));
  const outcomes = await Promise.all(SMUGGLING_SEQUENCES.map((sequence) => probeSequence(host, port, sequence, to, from, deps, signal, (h) => one.resolve(h, port))));
  return notProbed(one.address, outcomes.map((o) => o.refusal)) ?? { kind: 'probed', address: one.address ?? '', sequences: outcomes.map((o) => o.outcome) };
}

/** The test message for `sequence`, from its header to the standard end: its last line ends with the sequence. */
export function testMessage(sequence: SmugglingSequence, to: string, from: string, now = new Date()): string {
  const name = sequenceName(sequence);
  return [
    `From: <${from === '' ? to : from}>`,
    `To: <${to}>`,
    `Subject: heloterm SMTP smuggling check: ${name}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <${randomBytes(9).toString('hex')}.smuggling@heloterm.invalid>`,
    '',
    `heloterm checked, at an admin's request, whether this server ends a message at ${name}`,
    'rather than at <CR><LF>.<CR><LF> alone (RFC 5321 section 4.1.1.4; SMTP smuggling).',
    `The next line ends with ${name}: a line "NOOP" after it in this message means the server took the sequence as text.`,
    'Here it is:',
  ].join('\r\n') + `${BYTES[sequence]}NOOP\r\n.\r\n`;
}

/** One sequence's outcome; `refusal`: the name did not resolve or the policy refused it (nothing was dialled). */
async function probeSequence(
  host: string,
  port: number,
  sequence: SmugglingSequence,
  to: string,
  from: string,
  deps: ProbeDeps,
  signal: AbortSignal,
  resolve: (host: string) => Promise<string[]>,
): Promise<{ outcome: SmugglingOutcome; refusal: BridgeError | null }> {
  const started = performance.now();
  const done = (outcome: SmugglingOutcome['outcome'], text: string, next = ''): SmugglingOutcome => ({
    sequence,
    outcome,
    text: clip(text),
    next: clip(next),
    ms: Math.round(performance.now() - started),
  });
  const wait = deps.greetingMs ?? PROBE_GREETING_MS;
  const dialled = await dialProbe(host, port, deps.connectMs ?? PROBE_CONNECT_MS, signal, resolve);
  if ('error' in dialled) return { outcome: done('error', dialled.error.message), refusal: dialled.before ? dialled.error : null };
  const { socket } = dialled;
  const { reader, close } = probeReader(socket, MAX_READ_BYTES);
  const reached = await toData(socket, reader, to, from, wait, signal);
  if (reached !== null) {
    close(reached.quit);
    return { outcome: done('not-reached', reached.why), refusal: null };
  }
  socket.write(testMessage(sequence, to, from));
  const end = await reader.next(wait * END_WAIT_FACTOR, signal);
  const said = lastLine(end);
  if (said === null) {
    close(false);
    if (end.kind === 'closed') return { outcome: done('refused', 'the server closed the connection without a reply'), refusal: null };
    if (end.kind === 'error') return { outcome: done('error', end.message), refusal: null };
    return { outcome: done('unclear', `no reply to the message within ${(wait * END_WAIT_FACTOR) / 1000} s`), refusal: null };
  }
  socket.write('QUIT\r\n');
  const after = await reader.next(wait, signal);
  const next = lastLine(after);
  close(false);
  // A reply before QUIT's 221 answers the NOOP: the server read on as commands after the sequence.
  if (next !== null && !next.startsWith('221')) return { outcome: done('ended', said, next), refusal: null };
  const accepted = said.startsWith('2');
  if (next !== null) return { outcome: done(accepted ? 'text' : 'refused', said, next), refusal: null };
  // No 221: a refusal that closed the connection is one; an acceptance without a word after it tells nothing.
  if (!accepted && after.kind !== 'none') return { outcome: done('refused', said), refusal: null };
  return { outcome: done('unclear', `${said}; then ${after.kind === 'none' ? `no answer to QUIT within ${wait / 1000} s` : 'the connection closed without an answer to QUIT'}`), refusal: null };
}

/**
 * Greeting, EHLO, MAIL FROM, RCPT TO, DATA, each answered before the next: null once DATA got its 354, else why not
 * (and whether the server speaks SMTP, so that QUIT may end it).
 */
async function toData(socket: net.Socket, reader: ReplyReader, to: string, from: string, waitMs: number, signal: AbortSignal): Promise<{ why: string; quit: boolean } | null> {
  const greeted = await greetedForMore(socket, reader, waitMs, signal);
  if ('why' in greeted) return greeted;
  for (const [command, want] of [
    [`MAIL FROM:<${from}>`, '250'],
    [`RCPT TO:<${to}>`, '25'],
    ['DATA', '354'],
  ] as const) {
    socket.write(`${command}\r\n`);
    const answer = await reader.next(waitMs, signal);
    const line = lastLine(answer);
    if (line === null) return { why: `${command} ${answer.kind === 'none' ? `was not answered within ${waitMs / 1000} s` : answer.kind === 'error' ? `failed: ${answer.message}` : 'was answered by closing the connection'}`, quit: false };
    if (!line.startsWith(want)) return { why: `${command} answered ${line}`, quit: true };
  }
  return null;
}
