/**
 * The instructor's class view (class.html): the trainee pages open on this heloterm, read from `/class/sessions` every
 * 2 seconds with the class key; "Ask the class" (`/class/call`): every page offers the lesson chosen above its
 * terminal, pages opened later too, until another is asked for or the call is withdrawn; a trainee's hand raised,
 * with the newest lines of the trainee's dialog their page shares meanwhile, lowered once helped (`/class/hand`); and
 * "Say to" (`/class/say`): a note every page shows above its terminal and writes in it, pages opened later too, until
 * another is said or it is taken back, or one to a trainee alone (Reply beside a
 * hand raised). The key comes in the address heloterm printed at start
 * (`class.html#key=…`): kept in this tab's sessionStorage and removed from the address bar, as the access token is
 * (access-token.ts); sent as a header, never in a URL. A trainee idle for minutes, or whose replies at a step were
 * several times not the one it wants, stands out. What the bridge answers is decoded before it is shown, and
 * shown as text only.
 */
// Built apart from the terminal's page (vite.config.ts), so what both import is in each build, not shared.
import './styles.css';
import './class.css';
import { CLASS_CALL_PATH, CLASS_HAND_PATH, CLASS_SAY_PATH, CLASS_SESSIONS_PATH, decodeCallAnswer, decodeClassSnapshot, type CallAnswer, type CallRequest, type ClassSnapshot, type HandRequest, type SayRequest, type Trainee } from '../shared/protocol/class.js';
import { isClassSay } from '../shared/protocol/app-limits.js';
import { takeFromFragment } from './access-token.js';
import { required } from './dom.js';
import { classTally, formatQuizTally, formatTally } from './ui/class-tally.js';
import { classCsv } from './ui/class-csv.js';
import { turnedAwayText } from './ui/class-away.js';
import { download } from './ui/download.js';

const POLL_MS = 2000;
const KEY_STORAGE_KEY = 'heloterm.classKey';
/** Idle this long (in seconds) and the trainee may be stuck: the idle time is shown in the warning colour. */
const IDLE_LONG_S = 180;
/** This many replies at one step that were not the one it wants, and the trainee may be stuck: it stands out. */
const RETRIES_MANY = 3;
/** The page's title as class.html gives it (the count of hands raised goes before it). */
const TITLE = document.title;

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
  if (t.handS !== null) {
    const hand = document.createElement('div');
    hand.className = 'hand';
    hand.textContent = `asks for help · ${duration(t.handS)} `;
    // Helped at the desk: the instructor lowers the hand here (the trainee's page is told).
    const lower = document.createElement('button');
    lower.type = 'button';
    lower.className = 'quiet';
    lower.dataset.seat = String(t.seat);
    lower.textContent = 'Lower hand';
    lower.title = `Helped: lower ${t.name === '' ? `page ${t.seat}'s` : `${t.name}'s`} hand (the trainee's page shows it lowered)`;
    // Answered in writing (a class at a distance): the note's field, addressed to this trainee alone.
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.className = 'quiet';
    reply.dataset.replyTo = String(t.seat);
    reply.textContent = 'Reply';
    reply.title = `Write a note to ${t.name === '' ? `page ${t.seat}` : t.name} alone (Say to, above)`;
    hand.append(lower, ' ', reply);
    who.append(hand);
    tr.classList.add('asks');
  }
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
  // The last quiz finished in that page (/quiz), under the lessons done.
  if (t.quiz !== null) {
    const quiz = document.createElement('div');
    quiz.className = 'quiz';
    quiz.textContent = `quiz: ${t.quiz.right} of ${t.quiz.of} right`;
    done.append(quiz);
  }
  const target = cell(t.toPractice ? 'the practice server' : (t.target ?? '—'), t.toPractice ? '' : 'target');
  tr.append(cell(String(t.seat)), who, lesson, done, target, cell(duration(t.idleS), t.idleS >= IDLE_LONG_S ? 'idle-long' : ''));
  return tr;
}

/** The pages whose shared lines the instructor folded away: kept folded across the refreshes that make rows anew. */
const folded = new Set<number>();
/** Where the instructor scrolled a page's shared lines to, when not to their end (the newest): kept likewise. */
const scrolled = new Map<number, number>();

/**
 * The row under a trainee who asks for help with the newest lines of their dialog (shared by their page while
 * asking, credentials removed), or null when there are none: open unless the instructor folded it.
 */
function linesRow(t: Trainee): HTMLTableRowElement | null {
  if (t.lines === null || t.lines.length === 0) return null;
  const tr = document.createElement('tr');
  tr.className = 'shared-lines';
  tr.dataset.seat = String(t.seat);
  const td = document.createElement('td');
  td.colSpan = 6;
  const details = document.createElement('details');
  details.open = !folded.has(t.seat);
  const summary = document.createElement('summary');
  summary.textContent = `${t.name === '' ? `Page ${t.seat}` : t.name}'s last ${t.lines.length === 1 ? 'line' : `${t.lines.length} lines`} (shared while asking for help)`;
  const pre = document.createElement('pre');
  pre.textContent = t.lines.join('\n');
  // It scrolls when long: reachable by keyboard, to scroll with the arrows. It shows its end (the newest lines), or
  // where the instructor scrolled to.
  pre.tabIndex = 0;
  pre.addEventListener('scroll', () => {
    if (pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4) scrolled.delete(t.seat);
    else scrolled.set(t.seat, pre.scrollTop);
  });
  details.append(summary, pre);
  details.addEventListener('toggle', () => {
    if (details.open) folded.delete(t.seat);
    else folded.add(t.seat);
  });
  td.append(details);
  tr.append(td);
  return tr;
}

/** The class as last read, for "Save as CSV". */
let latest: ClassSnapshot | null = null;
/** The pages told by the last "Ask the class", while that call stands (the snapshot says which lesson, not this). */
let told: { number: number; pages: number } | null = null;
/** Why the last "Ask the class" or Withdraw was refused, until the next one: shown in place of the call's line. */
let notAsked = '';

/** The call row: the lessons to choose from (kept as chosen), and the lesson asked for, if any. */
function showCall(snapshot: ClassSnapshot): void {
  required('#class-call', HTMLFormElement).hidden = false;
  const select = required('#class-call-lesson', HTMLSelectElement);
  const ids = snapshot.lessons.map((l) => l.id).join(' ');
  if (select.dataset.ids !== ids) {
    // Kept as chosen; at first, the lesson asked for already (the view opened again during a class), if any.
    const first = select.dataset.ids === undefined;
    const asked = snapshot.lessons.find((l) => l.number === snapshot.call?.number)?.id;
    const chosen = first && asked !== undefined ? asked : select.value;
    select.replaceChildren(
      ...snapshot.lessons.map((l) => {
        const o = document.createElement('option');
        o.value = l.id;
        o.textContent = `${l.number} · ${l.title}`;
        return o;
      }),
    );
    if (snapshot.lessons.some((l) => l.id === chosen)) select.value = chosen;
    select.dataset.ids = ids;
  }
  const call = snapshot.call;
  const lesson = call === null ? undefined : snapshot.lessons.find((l) => l.number === call.number);
  required('#class-call-withdraw', HTMLButtonElement).hidden = lesson === undefined;
  if (call === null || lesson === undefined || told?.number !== call.number) told = null;
  const pages = told === null ? '' : ` (${told.pages} page${told.pages === 1 ? '' : 's'} open then)`;
  required('#class-call-now', HTMLSpanElement).textContent =
    notAsked !== ''
      ? notAsked
      : call === null || lesson === undefined
        ? ''
        : `Asked ${call.ageS < 60 ? 'just now' : `${duration(call.ageS)} ago`}: ${lesson.number} · ${lesson.short}${pages}; pages opened since are asked too.`;
}

/** Lowers the hand of page `seat`'s trainee (helped); then reads the class again. */
async function lowerHand(key: string, seat: number): Promise<void> {
  const body: HandRequest = { seat };
  try {
    await fetch(CLASS_HAND_PATH, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  } catch {
    // Unreachable: the next read says so.
  }
  await poll(key);
}

/**
 * Posts `body` to `path` with the class key: the pages told, or why not (a sentence). A key refused says so in the
 * status line and answers null.
 */
async function post(key: string, path: string, body: CallRequest | SayRequest): Promise<CallAnswer | string | null> {
  try {
    const res = await fetch(path, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
    const answer: unknown = await res.json().catch(() => null);
    if (res.status === 401) {
      say('This key does not open the class view: open the class view address heloterm printed at its last start.');
      return null;
    }
    const answered = decodeCallAnswer(answer);
    if (res.ok && answered !== null) return answered;
    const error = typeof answer === 'object' && answer !== null && 'error' in answer && typeof answer.error === 'string' ? answer.error : `heloterm answered ${res.status}`;
    return `${error.slice(0, 200)}.`;
  } catch {
    return 'heloterm cannot be reached (stopped, or restarting).';
  }
}

/** Asks the class to start `lesson` (its id), or withdraws the call (null); then reads the class again. */
async function ask(key: string, lesson: string | null): Promise<void> {
  notAsked = '';
  const answered = await post(key, CLASS_CALL_PATH, { lesson });
  if (answered === null) return;
  if (typeof answered === 'string') {
    notAsked = required('#class-call-now', HTMLSpanElement).textContent = `Not asked: ${answered}`;
    return;
  }
  const number = latest?.lessons.find((l) => l.id === lesson)?.number;
  told = number === undefined ? null : { number, pages: answered.pages };
  await poll(key);
}

/** The pages told by the last "Say", while that note stands; why the last Say or Take back was refused, until the next. */
let toldSaid: { text: string; pages: number } | null = null;
let notSaid = '';

/** A note said to one trainee, until the next Say or Take back: shown on the note's line, before the class's note. */
let saidTo = '';

/** "Alice Martin (page 3)", or "page 3" for a trainee who gave no name. */
const traineeLabel = (t: Trainee): string => (t.name === '' ? `page ${t.seat}` : `${t.name} (page ${t.seat})`);

/** The "Say to" choices: the whole class, and each page open (kept as chosen while that page is open). */
function showSayTo(snapshot: ClassSnapshot): void {
  const select = required('#class-say-to', HTMLSelectElement);
  const labels = snapshot.trainees.map((t) => `${t.seat}\t${traineeLabel(t)}`).join('\n');
  if (select.dataset.labels === labels) return;
  const chosen = select.value;
  const whole = document.createElement('option');
  whole.value = '';
  whole.textContent = 'the whole class';
  select.replaceChildren(
    whole,
    ...snapshot.trainees.map((t) => {
      const o = document.createElement('option');
      o.value = String(t.seat);
      o.textContent = traineeLabel(t);
      return o;
    }),
  );
  select.value = snapshot.trainees.some((t) => String(t.seat) === chosen) ? chosen : '';
  select.dataset.labels = labels;
}

/** Says `text` to the class, or takes the note back (null), or to page `seat` alone; then reads the class again. */
async function sayToClass(key: string, text: string | null, seat: number | null = null): Promise<void> {
  notSaid = '';
  const input = required('#class-say-text', HTMLInputElement);
  if (text !== null && !isClassSay(text)) {
    notSaid = required('#class-say-now', HTMLSpanElement).textContent = 'Not said: a note is one line of text, with no control characters.';
    return;
  }
  const answered = await post(key, CLASS_SAY_PATH, seat === null ? { text } : { text, seat });
  saidTo = '';
  if (answered === null) return;
  if (typeof answered === 'string') {
    notSaid = required('#class-say-now', HTMLSpanElement).textContent = `Not said: ${answered}`;
    return;
  }
  if (seat !== null && text !== null) {
    const t = latest?.trainees.find((x) => x.seat === seat);
    saidTo = `Said to ${t === undefined ? `page ${seat}` : traineeLabel(t)} alone: “${text.trim()}”.`;
  } else toldSaid = text === null ? null : { text: text.trim(), pages: answered.pages };
  // Said: the field is free for the next note (the line beside it shows this one).
  if (text !== null && input.value === text) input.value = '';
  await poll(key);
}

/** The note row: the note said, if any, and since when. */
function showSaid(snapshot: ClassSnapshot): void {
  required('#class-say', HTMLFormElement).hidden = false;
  const said = snapshot.said;
  required('#class-say-clear', HTMLButtonElement).hidden = said === null;
  if (said === null || toldSaid?.text !== said.text) toldSaid = null;
  const pages = toldSaid === null ? '' : ` (${toldSaid.pages} page${toldSaid.pages === 1 ? '' : 's'} open then)`;
  const classNote = said === null ? '' : `Said ${said.ageS < 60 ? 'just now' : `${duration(said.ageS)} ago`}${pages}: “${said.text}”; pages opened since see it too.`;
  // After a note to one trainee, the class's note (which Take back takes back) is still named beside it.
  required('#class-say-now', HTMLSpanElement).textContent =
    notSaid !== '' ? notSaid : saidTo === '' ? classNote : said === null ? saidTo : `${saidTo} To the class: “${said.text}” (Take back ends it).`;
  showSayTo(snapshot);
}

function show(snapshot: ClassSnapshot): void {
  latest = snapshot;
  required('#class-save', HTMLButtonElement).hidden = snapshot.trainees.length === 0;
  const table = required('#class-table', HTMLTableElement);
  const status = required('#class-status', HTMLParagraphElement);
  const n = snapshot.trainees.length;
  const hands = snapshot.trainees.filter((t) => t.handS !== null).length;
  const asking = hands === 0 ? '' : ` ${hands} ask${hands === 1 ? 's' : ''} for help.`;
  status.textContent =
    n === 0
      ? 'No trainee page is open on this heloterm yet. Trainees open the address heloterm printed "from other machines".'
      : `${n} page${n === 1 ? '' : 's'} open.${asking} A trainee types /name and a name to be shown by it, and /hand (or Ask for help) to ask for help.`;
  table.hidden = n === 0;
  // The tab says it too: an instructor presenting from another tab or window sees a hand raised in the tab strip.
  document.title = hands === 0 ? TITLE : `(${hands} asking for help) ${TITLE}`;
  // The rows are made anew: a Lower hand button that had the focus gives it to its successor (a keyboard user's place).
  const focused = document.activeElement instanceof HTMLButtonElement && table.contains(document.activeElement) ? document.activeElement.dataset.seat : undefined;
  table.tBodies[0]?.replaceChildren(...snapshot.trainees.flatMap((t) => [row(t, snapshot), linesRow(t)].filter((r) => r !== null)));
  for (const pre of table.querySelectorAll<HTMLPreElement>('tr.shared-lines pre')) {
    const seat = Number(pre.closest('tr')?.dataset.seat);
    pre.scrollTop = scrolled.get(seat) ?? pre.scrollHeight;
  }
  // A hand lowered and raised again shows its lines open again, at their end.
  for (const seat of [...folded, ...scrolled.keys()]) {
    if (snapshot.trainees.some((t) => t.seat === seat && t.lines !== null)) continue;
    folded.delete(seat);
    scrolled.delete(seat);
  }
  if (focused !== undefined) table.querySelector<HTMLButtonElement>(`button[data-seat="${focused}"]`)?.focus();
  const tally = formatTally(classTally(snapshot));
  const lessons = required('#class-lessons', HTMLParagraphElement);
  const quiz = formatQuizTally(snapshot);
  lessons.textContent = [tally === '' ? '' : `Lessons: ${tally}.`, quiz].filter((s) => s !== '').join(' ');
  lessons.hidden = lessons.textContent === '';
  showCall(snapshot);
  showSaid(snapshot);
  const away = required('#class-away', HTMLParagraphElement);
  const warning = snapshot.turnedAway === null ? '' : turnedAwayText(snapshot.turnedAway);
  // Written only when it changes: a live region read again every refresh would say it every 2 seconds.
  if (away.textContent !== warning) away.textContent = warning;
  away.hidden = warning === '';
}

function say(text: string): void {
  document.title = TITLE;
  required('#class-status', HTMLParagraphElement).textContent = text;
  required('#class-save', HTMLButtonElement).hidden = true;
  required('#class-table', HTMLTableElement).hidden = true;
  required('#class-lessons', HTMLParagraphElement).hidden = true;
  required('#class-away', HTMLParagraphElement).hidden = true;
  required('#class-call', HTMLFormElement).hidden = true;
  required('#class-say', HTMLFormElement).hidden = true;
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
  required('#class-call', HTMLFormElement).addEventListener('submit', (e) => {
    e.preventDefault();
    void ask(key, required('#class-call-lesson', HTMLSelectElement).value);
  });
  required('#class-call-withdraw', HTMLButtonElement).addEventListener('click', () => void ask(key, null));
  required('#class-say', HTMLFormElement).addEventListener('submit', (e) => {
    e.preventDefault();
    const to = required('#class-say-to', HTMLSelectElement).value;
    void sayToClass(key, required('#class-say-text', HTMLInputElement).value, to === '' ? null : Number(to));
  });
  required('#class-say-clear', HTMLButtonElement).addEventListener('click', () => void sayToClass(key, null));
  // The rows are made anew at each read: one listener on the table for their Lower hand buttons.
  required('#class-table', HTMLTableElement).addEventListener('click', (e) => {
    if (!(e.target instanceof HTMLButtonElement)) return;
    const seat = Number(e.target.dataset.seat);
    if (Number.isInteger(seat)) return void lowerHand(key, seat);
    // Reply: the note's field, addressed to that trainee.
    const to = e.target.dataset.replyTo;
    const select = required('#class-say-to', HTMLSelectElement);
    if (to === undefined || ![...select.options].some((o) => o.value === to)) return;
    select.value = to;
    required('#class-say-text', HTMLInputElement).focus();
  });
  void poll(key);
  setInterval(() => void poll(key), POLL_MS);
}
