/**
 * The instructor's class view (class.html): the trainee pages open on this heloterm, read from
 * `/class/sessions` every 2 seconds with the class key. The key comes in the address heloterm printed at start
 * (`class.html#key=…`): kept in this tab's sessionStorage and removed from the address bar, as the access token is
 * (access-token.ts); sent as a header, never in a URL. A trainee idle for minutes, or whose replies at a step were
 * several times not the one it wants, stands out. What the bridge answers is decoded before it is shown, and
 * shown as text only.
 */
// Built apart from the terminal's page (vite.config.ts), so what both import is in each build, not shared.
import './styles.css';
import './class.css';
import { CLASS_SESSIONS_PATH, decodeClassSnapshot, type ClassSnapshot, type Trainee } from '../shared/protocol/class.js';
import { takeFromFragment } from './access-token.js';
import { required } from './dom.js';
import { classTally, formatTally } from './ui/class-tally.js';
import { classCsv } from './ui/class-csv.js';
import { download } from './ui/download.js';

const POLL_MS = 2000;
const KEY_STORAGE_KEY = 'heloterm.classKey';
/** Idle this long (in seconds) and the trainee may be stuck: the idle time is shown in the warning colour. */
const IDLE_LONG_S = 180;
/** This many replies at one step that were not the one it wants, and the trainee may be stuck: it stands out. */
const RETRIES_MANY = 3;


/** "4 min", "35 s": a duration in seconds, roughly. */
function duration(s: number): string {
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className !== '') td.className = className;
  return td;
}

function row(t: Trainee, snapshot: ClassSnapshot): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.seat = String(t.seat);
  const who = document.createElement('td');
  who.append(t.name === '' ? 'no name given' : t.name);
  if (t.name === '') who.className = 'muted';
  const address = document.createElement('div');
  address.className = 'address muted';
  address.textContent = t.address;
  who.append(address);
  const lesson = t.lesson === null ? cell('none', 'muted') : cell(`${t.lesson.number}. ${t.lesson.title}`);
  if (t.lesson !== null) {
    const step = document.createElement('div');
    step.className = 'step';
    const retries = t.lesson.retries;
    step.textContent = `step ${t.lesson.step} of ${t.lesson.steps}${retries === 0 ? '' : ` · ${retries} ${retries === 1 ? 'reply' : 'replies'} not yet right`}`;
    if (retries >= RETRIES_MANY) step.classList.add('stuck');
    lesson.append(step);
  }
  const short = (n: number): string => snapshot.lessons.find((l) => l.number === n)?.short ?? '';
  const done = t.done.length === 0 ? cell('none yet', 'muted') : cell(t.done.map((n) => `${n} · ${short(n)}`).join(', '));
  const target = cell(t.toPractice ? 'the practice server' : (t.target ?? '—'), t.toPractice ? '' : 'target');
  tr.append(cell(String(t.seat)), who, lesson, done, target, cell(duration(t.idleS), t.idleS >= IDLE_LONG_S ? 'idle-long' : ''));
  return tr;
}

/** The class as last read, for "Save as CSV". */
let latest: ClassSnapshot | null = null;

function show(snapshot: ClassSnapshot): void {
  latest = snapshot;
  required('#class-save', HTMLButtonElement).hidden = snapshot.trainees.length === 0;
  const table = required('#class-table', HTMLTableElement);
  const status = required('#class-status', HTMLParagraphElement);
  const n = snapshot.trainees.length;
  status.textContent =
    n === 0 ? 'No trainee page is open on this heloterm yet. Trainees open the address heloterm printed "from other machines".' : `${n} page${n === 1 ? '' : 's'} open. A trainee types /name and a name to be shown by it.`;
  table.hidden = n === 0;
  table.tBodies[0]?.replaceChildren(...snapshot.trainees.map((t) => row(t, snapshot)));
  const tally = formatTally(classTally(snapshot));
  const lessons = required('#class-lessons', HTMLParagraphElement);
  lessons.textContent = tally === '' ? '' : `Lessons: ${tally}.`;
  lessons.hidden = tally === '';
}

function say(text: string): void {
  required('#class-status', HTMLParagraphElement).textContent = text;
  required('#class-save', HTMLButtonElement).hidden = true;
  required('#class-table', HTMLTableElement).hidden = true;
  required('#class-lessons', HTMLParagraphElement).hidden = true;
}

async function poll(key: string): Promise<void> {
  try {
    const res = await fetch(CLASS_SESSIONS_PATH, { headers: { Authorization: `Bearer ${key}` }, cache: 'no-store' });
    if (res.status === 401) return say('This key does not open the class view: open the class view address heloterm printed at its last start.');
    if (!res.ok) return say(`heloterm answered ${res.status}; trying again.`);
    const snapshot = decodeClassSnapshot(await res.json());
    if (snapshot === null) return say('heloterm answered something that is not a class: is this page as new as the bridge?');
    show(snapshot);
  } catch {
    say('heloterm cannot be reached (stopped, or restarting); trying again.');
  }
}

required('#class-save', HTMLButtonElement).addEventListener('click', () => {
  if (latest === null) return;
  // heloterm-class-2026-11-30T0915.csv: the local date and time, sortable.
  const d = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  download(`heloterm-class-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}${two(d.getMinutes())}.csv`, classCsv(latest), 'text/csv');
});

// The class key: from `#key=…` (then kept, and removed from the address bar), or kept from before; null if none.
const key = takeFromFragment(location, history, 'key', KEY_STORAGE_KEY);
if (key === null) say('The class view needs the instructor\'s key: open the class view address heloterm printed at start (…/class.html#key=…).');
else {
  void poll(key);
  setInterval(() => void poll(key), POLL_MS);
}
