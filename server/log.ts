/** Structured logs: one JSON object per session event. Never message contents (lines, replies), only metadata. */

export type LogSink = (event: Record<string, unknown>) => void;

/** The default sink: one JSON line per event on stderr, so stdout keeps the start-up line alone. */
export const stderrLog: LogSink = (event) => {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
};
