/**
 * The baseline page of the browser benchmarks: xterm.js and its fit addon, and a WebSocket to the bare relay
 * (bench/lib/bare-relay.ts) whose text goes straight into the terminal. No parsing, no annotation, no UI.
 *   ?port=N        the SMTP port the relay dials (the page connects at once)
 *   ?cols=C&rows=R a fixed size instead of fitting the window (to match heloterm's terminal in the burst)
 * window.__bare.send(line) sends one line.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';

/** The same scrollback as heloterm's terminal (client/terminal/view.ts). */
const SCROLLBACK_LINES = 5000;

const params = new URLSearchParams(location.search);
const container = document.getElementById('terminal');
if (container === null) throw new Error('bare page: no #terminal');
const term = new Terminal({ scrollback: SCROLLBACK_LINES, fontSize: 14 });
const fit = new FitAddon();
term.loadAddon(fit);
term.open(container);
const cols = Number(params.get('cols'));
const rows = Number(params.get('rows'));
if (cols > 0 && rows > 0) term.resize(cols, rows);
else fit.fit();

const ws = new WebSocket(`ws://${location.host}/relay?port=${params.get('port') ?? '25'}`);
ws.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (typeof e.data === 'string') term.write(e.data);
});
Object.defineProperty(window, '__bare', { value: { send: (line: string) => ws.send(line), size: () => ({ cols: term.cols, rows: term.rows }) } });
