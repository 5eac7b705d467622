/**
 * The heloterm command: parse configuration, start, print where to go, close cleanly on SIGINT/SIGTERM.
 * Run with `node --import tsx server/main.ts` (one process, so signals reach it directly).
 */
import { parseConfig, USAGE } from './config.js';
import { startHeloterm } from './heloterm.js';
import { errnoOf } from './net-errors.js';

/** Exit code for bad usage, as getopt-style tools do. */
const EXIT_USAGE = 2;
/** Hard bound on a graceful shutdown, in ms: past it the process exits anyway (with 1). */
const SHUTDOWN_LIMIT_MS = 5000;

async function main(): Promise<void> {
  const result = parseConfig(process.argv.slice(2), process.env);
  if (!result.ok) {
    process.stderr.write(`heloterm: ${result.error}\n(run with --help for the options)\n`);
    process.exit(EXIT_USAGE);
  }
  if (result.config.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (result.config.checkLessons) {
    // Imported only here: it starts a practice server of its own (smtp-server and mailparser, about 17 MB).
    const { checkLessons } = await import('./lesson-check.js');
    const verdicts = await checkLessons(result.config.options.lessons ?? []);
    for (const v of verdicts) {
      process.stdout.write(
        v.failed === null ? `${v.id}: all ${v.steps} steps pass\n` : `${v.id}: step ${v.failed.step} of ${v.steps} does not pass ("${v.failed.task}"): ${v.failed.why}\n`,
      );
    }
    process.exit(verdicts.every((v) => v.failed === null) ? 0 : 1);
  }
  const app = await startHeloterm(result.config.options);
  const p = app.practice?.info;
  const practice = p ? ` (practice server ${p.domain} on ${p.host}:${p.port}, its LMTP side on port ${p.lmtpPort}, implicit TLS on port ${p.tlsPort})` : ' (no practice server)';
  // The token travels in the URL fragment, which browsers never send to a server (RFC 3986 §3.5).
  process.stdout.write(`heloterm listening on ${app.launchUrl}${practice}\n`);
  // Bound to every address: the page's address for the other machines of a class (and for /link's links to work there).
  for (const u of app.networkUrls) process.stdout.write(`heloterm: from other machines, open ${u}\n`);
  // For the instructor only: whoever has this address sees every page's lesson progress and address.
  process.stdout.write(`heloterm: class view, for the instructor (keep this address to yourself): ${app.classUrl}\n`);
  const own = result.config.options.lessons ?? [];
  if (own.length > 0) process.stdout.write(`heloterm: the class's own lessons, after the built-in ones: ${own.map((l) => l.id).join(', ')}\n`);
  const questions = result.config.options.quiz ?? [];
  if (questions.length > 0) process.stdout.write(`heloterm: the class's own quiz questions, asked beside the built-in ones: ${questions.length}\n`);
  if (app.publicTargetsOnly) process.stderr.write('heloterm: only public addresses will be dialled (plus --allow-target)\n');

  const stop = (signal: string): void => {
    process.stderr.write(`heloterm: ${signal}, closing\n`);
    setTimeout(() => {
      process.stderr.write(`heloterm: still closing after ${SHUTDOWN_LIMIT_MS / 1000} s, exiting anyway\n`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const why = errnoOf(err) === 'EADDRINUSE' ? 'the port is already in use' : err instanceof Error ? err.message : String(err);
  process.stderr.write(`heloterm: could not start: ${why}\n`);
  process.exit(errnoOf(err) === undefined ? EXIT_USAGE : 1);
});
