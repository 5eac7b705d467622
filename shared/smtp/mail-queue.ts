/**
 * A mail server's queue listing, read for what an admin asks of it when mail is late: what is waiting, since when,
 * and why, grouped by reason (a queue of thousands is a handful of reasons), each reason explained as heloterm
 * explains a reply or a failed connection; what is held or frozen; bounces that pile up; messages near the end of
 * their time in the queue; and the commands that go further. The forms read, as recorded from the servers
 * (test/fixtures/queues):
 *
 * - Postfix's `mailq` / `postqueue -p`: "8754816E0B3     298 Tue Dec  1 05:13:56  alice@example.org", a mark after
 *   the id (`*` being delivered, `!` held), then the reason in parentheses before the recipients it applies to;
 *   and `postqueue -j`, one JSON object a message (queue_name, arrival_time, recipients with delay_reason);
 * - Sendmail's `mailq`: "6B15HLID021803  10 Tue Dec  1 05:17 alice@example.org", then "(Deferred: …)", cut by
 *   Sendmail to about 60 characters, then the recipients;
 * - Exim's `exim -bp`: " 4h  2.9K 1xYGCa-0005Il-1G <alice@example.org> *** frozen ***", then the recipients (`D`
 *   before one delivered already). Exim says no reason there: `exim -Mvl ID` does (log-exim.ts reads it).
 *
 * Times in a listing are the server's local time without a year: ages are told in days, from the page's clock. Pure.
 */
import { HOST_SAID, answeredCommand, exchangeFor } from './bounce-read.js';
import { DELIVERY_EVENTS, explainBy, failureNote } from './log-events.js';
import { STATUS_EVENTS } from './log-sendmail.js';
import { initialState, type SessionState } from './session-state.js';
import type { ReplayStep } from './transcript-read.js';

export type QueueServer = 'Postfix' | 'Sendmail' | 'Exim';

/** One recipient waiting, and the reason given for it (null: none, not tried yet or being tried). */
interface Waiting {
  address: string;
  reason: string | null;
}

interface Queued {
  id: string;
  /** `held` (Postfix's hold queue), `active` (being delivered), `frozen` (Exim), else `queued`. */
  state: 'queued' | 'active' | 'held' | 'frozen';
  /** When it arrived (ms since the epoch), as near as the listing tells; null when it does not. */
  arrival: number | null;
  sender: string;
  recipients: Waiting[];
}

export interface MailQueue {
  server: QueueServer;
  /** The command that listed it, as admins type it. */
  command: string;
  messages: Queued[];
  /** Entries past MAX_QUEUE_ENTRIES, counted, not read. */
  unread: number;
}

/** Messages read from one listing at most (a queue of a million is pasted in part anyway). */
const MAX_QUEUE_ENTRIES = 20_000;
/** Reasons explained at most; the rest are counted. */
const MAX_REASONS = 20;
/** A message this old is near the end of its time in the queue: most servers give up after 4 or 5 days. */
const OLD_DAYS = 3;
const DAY_MS = 86_400_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A day as both list it: "Tue Dec  1". Postfix adds the time with seconds ("05:13:56"), Sendmail without ("05:17"). */
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]\\d';
const POSTFIX_ENTRY = new RegExp(`^([0-9A-Za-z]{6,20})([*!]?)\\s+\\d+ (${DAY} \\d\\d:\\d\\d:\\d\\d)\\s+(\\S*)\\s*$`);
const SENDMAIL_ENTRY = new RegExp(`^([0-9A-Za-z]{8,20})([*X-]?)\\s+\\d+ (${DAY} \\d\\d:\\d\\d)\\s+(\\S+)\\s*$`);
const EXIM_ENTRY = /^\s*(\d+)([smhdw])\s+[\d.]+[KMG]?\s+([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\s+<([^>\s]*)>(\s+\*\*\* frozen \*\*\*)?\s*$/;
const REASON = /^\s*\((.*)\)\s*$/;
const RECIPIENT = /^\s+(?:(D|\+D)\s+)?<?([^<>\s]+?)>?\s*$/;
const EXIM_UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** When a listing's "Tue Dec  1 05:13:56" was: the latest such date not after a day past `now` (no year is given). */
function arrivalOf(text: string, now: number): number | null {
  const m = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d)(?::(\d\d))?$/.exec(text);
  const month = MONTHS.indexOf(m?.[1] ?? '');
  if (m === null || month < 0) return null;
  const year = new Date(now).getUTCFullYear();
  for (const y of [year + 1, year, year - 1]) {
    const t = Date.UTC(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0));
    if (t <= now + DAY_MS) return t;
  }
  return null;
}

/** The Postfix `postqueue -j` lines of a text, as messages; null when a line is not one. */
function postqueueJson(lines: readonly string[]): Queued[] | null {
  const out: Queued[] = [];
  for (const line of lines) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      return null;
    }
    if (typeof o !== 'object' || o === null) return null;
    const { queue_name: queue, queue_id: id, arrival_time: at, sender, recipients } = o as Record<string, unknown>;
    if (typeof id !== 'string' || typeof queue !== 'string' || !Array.isArray(recipients)) return null;
    const waiting = recipients.flatMap((r: unknown): Waiting[] => {
      if (typeof r !== 'object' || r === null) return [];
      const { address, delay_reason: reason } = r as Record<string, unknown>;
      return typeof address === 'string' ? [{ address, reason: typeof reason === 'string' && reason !== '' ? reason : null }] : [];
    });
    out.push({
      id: id.slice(0, 40),
      state: queue === 'hold' ? 'held' : queue === 'active' ? 'active' : 'queued',
      arrival: typeof at === 'number' && Number.isFinite(at) ? at * 1000 : null,
      sender: typeof sender === 'string' ? sender : '',
      recipients: waiting,
    });
  }
  return out;
}

/** Reads a queue listing; null when the text is none that heloterm reads. */
export function readMailQueue(text: string, now: number): MailQueue | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length > 0 && filled.every((l) => l.trimStart().startsWith('{"queue_name"'))) {
    const messages = postqueueJson(filled.map((l) => l.trim()));
    return messages === null ? null : { server: 'Postfix', command: 'postqueue -j', messages: messages.slice(0, MAX_QUEUE_ENTRIES), unread: Math.max(0, messages.length - MAX_QUEUE_ENTRIES) };
  }
  let server: QueueServer | null = null;
  const messages: Queued[] = [];
  let unread = 0;
  let current: Queued | null = null;
  let reason: string | null = null;
  const begin = (q: Queued): void => {
    current = null;
    reason = null;
    if (messages.length >= MAX_QUEUE_ENTRIES) {
      unread++;
      return;
    }
    messages.push(q);
    current = q;
  };
  for (const line of lines) {
    const postfix = server === null || server === 'Postfix' ? POSTFIX_ENTRY.exec(line) : null;
    if (postfix !== null) {
      server = 'Postfix';
      const [, id = '', mark = '', arrival = '', sender = ''] = postfix;
      begin({ id, state: mark === '!' ? 'held' : mark === '*' ? 'active' : 'queued', arrival: arrivalOf(arrival, now), sender, recipients: [] });
      continue;
    }
    const sendmail = server === null || server === 'Sendmail' ? SENDMAIL_ENTRY.exec(line) : null;
    if (sendmail !== null) {
      server = 'Sendmail';
      const [, id = '', mark = '', arrival = '', sender = ''] = sendmail;
      begin({ id, state: mark === '*' ? 'active' : 'queued', arrival: arrivalOf(arrival, now), sender: sender.replace(/^<|>$/g, ''), recipients: [] });
      continue;
    }
    const exim = server === null || server === 'Exim' ? EXIM_ENTRY.exec(line) : null;
    if (exim !== null) {
      server = 'Exim';
      const [, n = '0', unit = 'm', id = '', sender = '', frozen] = exim;
      begin({ id, state: frozen === undefined ? 'queued' : 'frozen', arrival: now - Number(n) * (EXIM_UNITS[unit] ?? 0), sender, recipients: [] });
      continue;
    }
    if (/^-----Q-ID----- /.test(line) || /^\s+\/\S+ \(\d+ requests?\)$/.test(line)) {
      server = 'Sendmail';
      continue;
    }
    if (line.trim() === '') {
      current = null;
      continue;
    }
    if (current === null) continue;
    const q: Queued = current;
    const why = REASON.exec(line);
    if (why !== null) {
      reason = (why[1] ?? '').trim();
      continue;
    }
    const rcpt = RECIPIENT.exec(line);
    // Exim marks recipients delivered already with "D": they wait no more.
    if (rcpt !== null && rcpt[1] === undefined) q.recipients.push({ address: rcpt[2] ?? '', reason });
  }
  if (server === null) return null;
  const command = server === 'Postfix' ? 'mailq, postqueue -p' : server === 'Sendmail' ? 'mailq' : 'exim -bp';
  return { server, command, messages, unread };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The most of a reason shown, in characters: a line pasted by mistake may be megabytes long. */
const MAX_REASON_CHARS = 1000;
const clipped = (s: string): string => (s.length > MAX_REASON_CHARS ? `${s.slice(0, MAX_REASON_CHARS)}… (${s.length - MAX_REASON_CHARS} more characters)` : s);

/** Whole days since `arrival` (the listing's clock may be another time zone's: hours would mislead), or null. */
function days(arrival: number | null, now: number): number | null {
  return arrival === null ? null : Math.max(0, Math.floor((now - arrival) / DAY_MS));
}

/** When it arrived: "3 days ago", "in the last day". */
function ago(arrival: number | null, now: number): string {
  const d = days(arrival, now);
  return d === null ? 'at a time not given' : d >= 1 ? `${plural(d, 'day')} ago` : 'in the last day';
}

/** How long it has waited: "for 3 days", "for less than a day". */
function waited(arrival: number | null, now: number): string {
  const d = days(arrival, now);
  return d === null ? '' : d >= 1 ? ` for ${plural(d, 'day')}` : ' for less than a day';
}

/** A reason's text with the addresses in it generalised, so that one reason for many recipients is one group. */
const reasonKey = (reason: string): string => reason.replace(/<[^<>\s]*@[^<>\s]*>/g, '<…>').replace(/\s+/g, ' ').trim();

type Group = { reason: string; rcpts: Waiting[]; messages: Set<string>; oldest: number | null };

/**
 * Sendmail's mailq cuts each reason at a column, so one reason is cut at lengths that differ with the address in it:
 * a reason that is the beginning of another is taken as that one (in the order of the keys, a key is followed by those
 * it begins).
 */
function mergeCut(groups: Map<string, Group>): void {
  const keys = [...groups.keys()].sort();
  for (let i = 0; i + 1 < keys.length; i++) {
    const short = keys[i]!;
    const long = keys[i + 1]!;
    if (!long.startsWith(short)) continue;
    const from = groups.get(short)!;
    const into = groups.get(long)!;
    into.rcpts.push(...from.rcpts);
    for (const id of from.messages) into.messages.add(id);
    if (from.oldest !== null && (into.oldest === null || from.oldest < into.oldest)) into.oldest = from.oldest;
    groups.delete(short);
  }
}

/** What a reason says, and the reply it quotes: explained as a reply received, or as heloterm explains a failure. */
function reasonSteps(head: string, reason: string, rcpt: string, state: SessionState): ReplayStep[] {
  const said = HOST_SAID.exec(reason);
  if (said !== null) {
    const [, host = '', reply = '', answered] = said;
    const ex = exchangeFor(reply, answered === undefined ? null : answeredCommand(answered, rcpt), state);
    if (ex !== null) return [{ kind: 'note', text: `${head}: ${host} said${answered === undefined ? '' : `, in reply to ${answered}`}:` }, { kind: 'reply', exchange: ex }];
  }
  // Sendmail's "Deferred: 450 4.2.0 …" (cut): the reply as far as it goes.
  const deferred = /^Deferred: (\d{3}[ -].*)$/.exec(reason);
  if (deferred !== null) {
    const ex = exchangeFor(deferred[1] ?? '', null, state);
    if (ex !== null) return [{ kind: 'note', text: `${head}: the server said (mailq cuts it):` }, { kind: 'reply', exchange: ex }];
  }
  const connect = /^(?:delivery temporarily suspended: )?connect to (\S+?): (.+)$/.exec(reason);
  const why =
    connect !== null
      ? failureNote(connect[1] ?? '', connect[2] ?? '')
      : (explainBy(DELIVERY_EVENTS, reason) ?? explainBy(STATUS_EVENTS, reason) ?? lookupFailure(reason));
  return [{ kind: 'note', text: `${head}: ${clipped(reason)}${why === null ? '' : ` — ${why}`}` }];
}

/** Postfix's "unable to look up host example.org: …": DNS, as its log says it too. */
function lookupFailure(reason: string): string | null {
  const m = /^unable to look up host (\S+): (.+)$/.exec(reason);
  if (m === null) return null;
  return /temporary|try again/i.test(m[2] ?? '')
    ? `this server's resolver did not answer for ${m[1]} (a DNS server down or unreachable from it): every message to that domain waits until it does. /mx ${m[1]} asks from here`
    : `DNS says ${m[1]} has no address: /mx ${m[1]} asks as a sending MTA does`;
}

/** The commands that go further with this server's queue. */
const NEXT: Readonly<Record<QueueServer, string>> = {
  Postfix:
    'postqueue -i ID retries one message now, postqueue -f all of them (often only slows the rest: a reason above does not go away by retrying); postcat -vq ID shows one; postsuper -d ID deletes one; the log lines of a queue id (grep ID /var/log/mail.log) say more, and can be pasted here',
  Sendmail: 'sendmail -qI<ID> -v retries one message now, watching the dialog; mailq -v shows more; the log lines of a queue id (grep ID /var/log/maillog) say the whole reason, which mailq cuts, and can be pasted here',
  Exim: 'exim -Mvl ID shows why a message waits (its own log, which can be pasted here); exim -M ID retries it now; exim -Mrm ID removes it; exiqsumm sums the queue up by domain',
};

/** The queue listing explained: a summary, each reason once with what it means, and what stands out. */
export function explainMailQueue(q: MailQueue, now: number): ReplayStep[] {
  const out: ReplayStep[] = [];
  const note = (text: string): void => void out.push({ kind: 'note', text });
  const state: SessionState = { ...initialState(), phase: 'mail' };
  const waiting = q.messages.reduce((n, m) => n + m.recipients.length, 0);
  const count = (s: Queued['state']): number => q.messages.filter((m) => m.state === s).length;
  const marks = [
    count('active') > 0 ? `${count('active')} being delivered now` : '',
    count('held') > 0 ? `${count('held')} held` : '',
    count('frozen') > 0 ? `${count('frozen')} frozen` : '',
  ].filter((s) => s !== '');
  const oldest = q.messages.reduce<number | null>((o, m) => (m.arrival !== null && (o === null || m.arrival < o) ? m.arrival : o), null);
  note(
    `${q.server}'s mail queue (${q.command}): ${plural(q.messages.length + q.unread, 'message')} for ${plural(waiting, 'recipient')} still to deliver${marks.length === 0 ? '' : ` (${marks.join(', ')})`}; the oldest arrived ${ago(oldest, now)}${q.unread > 0 ? `; the first ${q.messages.length} read` : ''}`,
  );
  // Each reason once, with how many recipients of how many messages it holds, most first.
  const groups = new Map<string, Group>();
  for (const m of q.messages) {
    for (const r of m.recipients) {
      if (r.reason === null) continue;
      const key = reasonKey(r.reason);
      const g = groups.get(key) ?? { reason: r.reason, rcpts: [], messages: new Set<string>(), oldest: null };
      g.rcpts.push(r);
      g.messages.add(m.id);
      if (m.arrival !== null && (g.oldest === null || m.arrival < g.oldest)) g.oldest = m.arrival;
      groups.set(key, g);
    }
  }
  if (q.server === 'Sendmail') mergeCut(groups);
  const sorted = [...groups.values()].sort((a, b) => b.rcpts.length - a.rcpts.length);
  for (const g of sorted.slice(0, MAX_REASONS)) {
    const first = g.rcpts[0]?.address ?? '';
    const who = g.rcpts.length === 1 ? first : `${plural(g.rcpts.length, 'recipient')} of ${plural(g.messages.size, 'message')} (${first}…)`;
    out.push(...reasonSteps(`${who}, waiting${waited(g.oldest, now)}`, g.reason, first, state));
  }
  if (sorted.length > MAX_REASONS) note(`${plural(sorted.length - MAX_REASONS, 'other reason')}, for fewer recipients each, not shown`);
  const unexplained = q.messages.filter((m) => m.state !== 'active' && m.recipients.some((r) => r.reason === null)).length;
  if (q.server === 'Exim' && q.messages.length > 0) note(`exim -bp says no reasons: exim -Mvl ${q.messages[0]?.id ?? 'ID'} shows why that message waits (its own log: paste it here to have it explained)`);
  else if (unexplained > 0) note(`${plural(unexplained, 'message')} with no reason given yet: not tried yet, or newly queued`);
  if (count('held') > 0) note(`${plural(count('held'), 'message')} held (!): never delivered until released, postsuper -H ID (postsuper -H ALL for every one); an admin or a content check (HOLD action) put them there`);
  if (count('frozen') > 0) {
    note(
      `${plural(count('frozen'), 'message')} frozen: Exim stopped trying, most often a bounce it could not deliver (from <>): exim -Mt ID thaws one, exim -Mrm ID removes it; timeout_frozen_after (e.g. 7d) removes them in time`,
    );
  }
  const bounces = q.messages.filter((m) => m.sender === '' || m.sender === 'MAILER-DAEMON' || m.sender === '<>').length;
  if (bounces > 0) {
    note(
      `${plural(bounces, 'bounce')} (from ${q.server === 'Postfix' ? 'MAILER-DAEMON' : '<>'}) waiting: failure reports this server sends back to senders. Many of them, to addresses that do not take mail, are backscatter: spam accepted and bounced to its forged sender; refuse unknown recipients at RCPT TO instead of bouncing them afterwards`,
    );
  }
  const old = q.messages.filter((m) => m.arrival !== null && now - m.arrival >= OLD_DAYS * DAY_MS).length;
  if (old > 0) {
    const limit =
      q.server === 'Postfix'
        ? 'Postfix returns a message to its sender after maximal_queue_lifetime (5 days by default), a bounce after bounce_queue_lifetime (5 days)'
        : q.server === 'Sendmail'
          ? 'Sendmail returns a message to its sender after Timeout.queuereturn (5 days by default)'
          : 'Exim gives up at the end of its retry rule (4 days in the default configuration) and bounces it';
    note(`${plural(old, 'message')} waiting ${OLD_DAYS} days or more: ${limit}`);
  }
  note(NEXT[q.server]);
  return out;
}
