/**
 * A new page's first reply burst runs the reply path's code for the first time, and V8 compiles and optimises it as
 * the burst goes: a page that had read a small burst before read a 12 MB one 28–38% sooner, and answered the first
 * keys typed in it in 14–34 ms where a new page took 52–75 ms (docs/benchmarks.md, reply burst). So once the app has
 * started, in idle time and a few milliseconds at a time, a copy of the path of its own (a session view with its own
 * model, renderer, flood watch, reports, transcript and output queue: nothing is shown, sent or kept) reads a made-up
 * Postfix dialog a few hundred times, as width-warmup.ts has xterm measure characters ahead. About 50 ms of a slow
 * machine's time; in two A/Bs the first two keys of a burst then waited 25 and 29 ms where they waited 43 and 45
 * (xterm's own parsing stays cold: a terminal of the copy's own could not be told apart from the noise).
 */
import { PROTOCOL_VERSION } from '../shared/protocol/messages.js';
import { Transcript } from '../shared/smtp/transcript.js';
import { OutputQueue } from './terminal/jump-scroll.js';
import { whenIdle } from './terminal/idle.js';
import { ReportStore } from './terminal/reports.js';
import { SessionView } from './session-view.js';

/** What the copy writes, and what the server answers it (the replies in one chunk, as a server pipelining sends). */
const DIALOG: ReadonlyArray<readonly [written: readonly string[], replies: string]> = [
  [[], '220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n'],
  [
    ['EHLO client.example.net'],
    '250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n' +
      '250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n',
  ],
  [
    ['MAIL FROM:<alice@example.net>', 'RCPT TO:<bob@example.org>', 'RCPT TO:<nobody@example.org>', 'RCPT TO:<grey@example.org>', 'DATA'],
    '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n' +
      '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table\r\n' +
      '450 4.7.1 <grey@example.org>: Recipient address rejected: Greylisted, see https://postgrey.example.org/\r\n' +
      '354 End data with <CR><LF>.<CR><LF>\r\n',
  ],
  [['Subject: test', '', 'hello', '.'], '250 2.0.0 Ok: queued as 4Bq2xK0bYz\r\n'],
  [['RSET'], '250 2.0.0 Ok\r\n'],
  [['NOOP'], '250 2.0.0 Ok\r\n'],
];

/** Dialogs read in all: 3,000 replies (6,000 lines), enough for V8 to optimise the path. */
export const WARM_ROUNDS = 300;
/** Idle time spent at most at once, in ms, so that a key typed meanwhile waits no longer. */
const SLICE_MS = 8;
/** Lines the copy's output queue hands on per take, as the terminal's writes do (view.ts). */
const TAKE_LINES = 400;

/**
 * Runs the reply path ahead in idle time, its output queue keeping `keptLines` as the terminal's does; calls `done` at
 * the end with the replies the copy read. Returns a function that stops it.
 */
export function warmReplyPath(keptLines: () => number, done: (replies: number) => void = () => {}): () => void {
  let replies = 0;
  let round = 0;
  let step = 0;
  let clock = 0;
  let cancel: () => void;
  const queue = new OutputQueue(keptLines);
  const copy = new SessionView({
    write: (output) => {
      if (typeof output === 'string') queue.push(output);
      else for (const piece of output) queue.push(piece);
    },
    transcript: new Transcript(),
    reports: new ReportStore(),
    log: { add: () => {} },
    checks: {
      greeted: () => void replies++,
      replied: () => {
        replies++;
        return '';
      },
    },
    guide: { afterReply: () => '', afterSend: () => '' },
    practice: () => null,
    connected: () => true,
  });
  const slice = (deadline: IdleDeadline): void => {
    const until = performance.now() + Math.min(SLICE_MS, deadline.timeRemaining());
    do {
      if (step === 0) {
        copy.dialling();
        copy.connected('192.0.2.25', 25, clock);
      }
      const [written, answer] = DIALOG[step] as (typeof DIALOG)[number];
      clock += 1;
      copy.rx({ v: PROTOCOL_VERSION, type: 'rx', data: answer, ...(written.length > 0 ? { sent: [...written] } : {}) }, clock);
      if (queue.length > 0) queue.take(TAKE_LINES);
      step = (step + 1) % DIALOG.length;
      if (step === 0) round++;
    } while (round < WARM_ROUNDS && performance.now() < until);
    if (round < WARM_ROUNDS) cancel = whenIdle(slice, SLICE_MS);
    else {
      copy.closed(clock, true);
      done(replies);
    }
  };
  cancel = whenIdle(slice, SLICE_MS);
  return () => cancel();
}
