/**
 * Matches a reply's text against the vendor rule table (vendor-rules.ts) and returns what it most likely means.
 *
 * It runs on every reply the annotator sees, so the common paths are cheap:
 *   1. only failures are looked at: 4xx and 5xx (RFC 5321 §4.2.1); 2xx/3xx return at once;
 *   2. one pass over the text's words picks the candidate rules: each alternative of every rule pattern contains a
 *      literal word at a word start ("Relay", "Greylisted", "Unrouteable"); the first ANCHOR_LETTERS characters of
 *      one such word per alternative index the rules, so a text in which no word starts that way is rejected
 *      without running a single regular expression, and a matching text runs only its few candidates;
 *   3. rules are compiled once, at module load, in ranking order (confidence, then table order): no sort per call.
 * The index is derived from the patterns themselves, so a rule cannot forget its keywords. A pattern whose anchors
 * cannot be derived is simply tested on every failure reply (correct, only slower).
 */
import { VENDOR_RULES, type Confidence, type VendorRule, type VendorTopic, type Vendor } from './vendor-rules.js';

export type { Confidence, VendorRule, VendorTopic, Vendor } from './vendor-rules.js';

/** What the UI shows for one matched rule. */
export interface VendorMatch {
  readonly id: string;
  readonly topic: VendorTopic;
  readonly vendor: Vendor;
  readonly title: string;
  readonly cause: string;
  readonly action: string;
  readonly confidence: Confidence;
  readonly source: string;
}

/** Lowest and highest reply code looked at: the transient and permanent failures (RFC 5321 §4.2.1). */
const FIRST_FAILURE_CODE = 400;
const LAST_FAILURE_CODE = 599;
/**
 * Only the start of a very long reply text is scanned. Vendor reasons sit in the first lines (Gmail's longest
 * multi-line replies are under 600 characters); the cap bounds the cost when a server sends 1000 lines.
 */
const MAX_SCAN_CHARS = 4096;
/** Characters of an anchor word used as the index key: long enough to be selective, short enough for every anchor. */
const ANCHOR_LETTERS = 4;

const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { high: 0, medium: 1, low: 2 };

interface CompiledRule {
  readonly pattern: RegExp;
  /** null = any 4xx/5xx code. */
  readonly codes: ReadonlySet<number> | null;
  readonly match: VendorMatch;
}

// ---- anchors: a literal word at a word start in each top-level alternative of a pattern -------------------------

const isAlnum = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

/** Index just past the group or class that starts at `i` (`(` or `[`), honouring escapes and nesting. */
function skipBracket(src: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = i; j < src.length; j += 1) {
    const c = src[j];
    if (c === '\\') j += 1;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (depth === 0) return skipClassAt(src, j);
    } else if (c === '(') depth += 1;
    else if (c === ')' && (depth -= 1) === 0) return j + 1;
  }
  return src.length;
}

function skipClassAt(src: string, i: number): number {
  for (let j = i + 1; j < src.length; j += 1) {
    if (src[j] === '\\') j += 1;
    else if (src[j] === ']') return j + 1;
  }
  return src.length;
}

/** The top-level alternatives of a pattern source. */
function branches(src: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '\\') i += 2;
    else if (c === '(' || c === '[') i = skipBracket(src, i);
    else if (c === '|') {
      out.push(src.slice(start, i));
      start = i += 1;
    } else i += 1;
  }
  out.push(src.slice(start));
  return out;
}

const isWordChar = (c: string): boolean => isAlnum(c) || c === '_';
/** Characters that are not literals outside a class. */
const META = '.^$()[]{}|?*+\\';
/** Escapes that always match one non-word character. */
const NON_WORD_ESCAPES = 'sW';

/** True when the atom ending just before `i` is optional: followed by `?`, `*` or `{0`. */
const optionalAt = (src: string, i: number): boolean =>
  src[i] === '?' || src[i] === '*' || (src[i] === '{' && src[i + 1] === '0');

/**
 * The words (lower case, at least ANCHOR_LETTERS characters) that every match of this branch contains at a word
 * start. A pattern character is at a word start when it follows `\\b` or a required non-word literal (a space, `,`,
 * `:`, `\\.`, `\\s`...). The word is the run of plain letters and digits from there; an optional one (`x?`, `x*`,
 * `x{0,`) ends it before, a repeated one (`x+`, `x{2}`) just after.
 */
function branchWords(branch: string): string[] {
  const words: string[] = [];
  let atWordStart = false;
  for (let i = 0; i < branch.length; ) {
    const c = branch[i]!;
    if (c === '\\') {
      const e = branch[i + 1] ?? '';
      i += 2;
      atWordStart = e === 'b' || ((NON_WORD_ESCAPES.includes(e) || !isWordChar(e)) && !optionalAt(branch, i));
      continue;
    }
    if (atWordStart && isAlnum(c)) {
      let word = '';
      let j = i;
      for (; j < branch.length && isAlnum(branch[j]!); j += 1) {
        if (optionalAt(branch, j + 1)) break;
        word += branch[j];
        if (branch[j + 1] === '+' || branch[j + 1] === '{') break;
      }
      if (word.length >= ANCHOR_LETTERS) words.push(word.toLowerCase());
      atWordStart = false;
      i = j;
      continue;
    }
    if (c === '(' || c === '[') {
      atWordStart = false;
      i = skipBracket(branch, i);
      continue;
    }
    i += 1;
    atWordStart = !isWordChar(c) && !META.includes(c) && !optionalAt(branch, i);
  }
  return words;
}

/**
 * Words that start most failure replies' words anyway: a poor index key (they would make half the rules candidates
 * for every Postfix reply). Only a preference: a branch with nothing else still uses one.
 */
const COMMON_WORDS = new Set(
  ('access address authentication blocked command denied domain email error from host mail message please ' +
    'recipient rejected sender service unavailable unknown user your this that with have the')
    .split(' ')
    .map((w) => w.slice(0, ANCHOR_LETTERS)),
);

/**
 * For each rule, one anchor key per top-level alternative, or null when some alternative has none (that rule is
 * then tested on every failure reply). Each alternative picks, among its words, the key fewest rules use, avoiding
 * COMMON_WORDS: the fewer candidates a word wakes, the fewer regular expressions run.
 */
function chooseAnchors(patterns: readonly RegExp[]): (string[] | null)[] {
  const perRule = patterns.map((p) =>
    branches(p.source).map((b) => branchWords(b).map((w) => w.slice(0, ANCHOR_LETTERS))),
  );
  const uses = new Map<string, number>();
  for (const rule of perRule) for (const key of new Set(rule.flat())) uses.set(key, (uses.get(key) ?? 0) + 1);
  const cost = (key: string): number => (COMMON_WORDS.has(key) ? 1000 : 0) + (uses.get(key) ?? 0);
  return perRule.map((rule) =>
    rule.every((keys) => keys.length > 0)
      ? rule.map((keys) => keys.reduce((best, k) => (cost(k) < cost(best) ? k : best)))
      : null,
  );
}

// ---- compiled table ----------------------------------------------------------------------------------------------

function toMatch(r: VendorRule): VendorMatch {
  return Object.freeze({
    id: r.id,
    topic: r.topic,
    vendor: r.vendor,
    title: r.title,
    cause: r.cause,
    action: r.action,
    confidence: r.confidence,
    source: r.source,
  });
}

/** The rules in the order results are reported: higher confidence first, then table order (a stable sort). */
const RANKED: readonly VendorRule[] = VENDOR_RULES.map((rule, index) => ({ rule, index }))
  .sort((a, b) => CONFIDENCE_RANK[a.rule.confidence] - CONFIDENCE_RANK[b.rule.confidence] || a.index - b.index)
  .map(({ rule }) => rule);

const COMPILED: readonly CompiledRule[] = RANKED.map((rule) => ({
  // A private copy without `g`/`y`, so `test()` never carries lastIndex state from one call to the next.
  pattern: new RegExp(rule.pattern.source, rule.pattern.flags.replace(/[gy]/g, '')),
  codes: rule.codes === undefined ? null : new Set(rule.codes),
  match: toMatch(rule),
}));

/** Anchor keys are numbers: the lower-cased character codes of the anchor in base KEY_RADIX (no string per word). */
const KEY_RADIX = 128;
/** ASCII upper-case letters to lower case; digits unchanged. */
const lowerCode = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);
const keyOf = (anchor: string): number => {
  let key = 0;
  for (let i = 0; i < anchor.length; i += 1) key = key * KEY_RADIX + lowerCode(anchor.charCodeAt(i));
  return key;
};

/** Anchor key -> positions in COMPILED. */
const BY_ANCHOR = new Map<number, number[]>();
/** Scratch space for one call: which rules are candidates (allocating a typed array per call costs more). */
const MARKS = new Uint8Array(COMPILED.length);
/** Positions in COMPILED of rules without derivable anchors: tested on every failure reply. */
const ALWAYS: number[] = [];
chooseAnchors(COMPILED.map((c) => c.pattern)).forEach((anchors, pos) => {
  if (anchors === null) ALWAYS.push(pos);
  else for (const key of new Set(anchors.map(keyOf))) BY_ANCHOR.set(key, [...(BY_ANCHOR.get(key) ?? []), pos]);
});

/** Runs of whitespace (a trailing space on a wrapped line, a tab) become one space, as the patterns expect. */
const NEEDS_SPACE_FOLDING = /\s\s|[\t\n\r\f\v]/;
const WHITESPACE_RUN = /\s+/g;

const isAsciiAlnum = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/**
 * Marks the rules whose anchors start some word of `text`. A word starts at an ASCII letter or digit not preceded
 * by one; every `\b` before such a character is such a place, and a case-insensitive (non-Unicode) pattern letter
 * only ever matches an ASCII letter, so no rule that can match is left out.
 */
function markCandidates(text: string, marks: Uint8Array): boolean {
  let any = false;
  const last = text.length - ANCHOR_LETTERS;
  for (let i = 0; i <= last; i += 1) {
    if (!isAsciiAlnum(text.charCodeAt(i)) || (i > 0 && isAsciiAlnum(text.charCodeAt(i - 1)))) continue;
    let key = 0;
    let k = 0;
    for (; k < ANCHOR_LETTERS; k += 1) {
      const code = text.charCodeAt(i + k);
      if (!isAsciiAlnum(code)) break;
      key = key * KEY_RADIX + lowerCode(code);
    }
    if (k < ANCHOR_LETTERS) continue;
    const hits = BY_ANCHOR.get(key);
    if (hits === undefined) continue;
    for (const pos of hits) marks[pos] = 1;
    any = true;
  }
  return any;
}

/**
 * The vendor rules that match a reply, best first; empty when none does.
 * @param code the reply's basic code (only 400-599 are looked at).
 * @param text the reply's lines' text (ReplyLine.text: after the code and the enhanced code) joined with ' '.
 */
export function matchVendorRules(code: number, text: string): VendorMatch[] {
  if (!(code >= FIRST_FAILURE_CODE && code <= LAST_FAILURE_CODE) || text.length === 0) return [];
  let t = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  if (NEEDS_SPACE_FOLDING.test(t)) t = t.replace(WHITESPACE_RUN, ' ');
  const marks = MARKS.fill(0);
  for (const pos of ALWAYS) marks[pos] = 1;
  if (!markCandidates(t, marks) && ALWAYS.length === 0) return [];
  const found: VendorMatch[] = [];
  for (let pos = 0; pos < COMPILED.length; pos += 1) {
    if (marks[pos] === 0) continue;
    const c = COMPILED[pos]!;
    if (c.codes !== null && !c.codes.has(code)) continue;
    if (c.pattern.test(t)) found.push(c.match);
  }
  return found;
}

/** The best match, or null: what a one-line annotation shows. */
export function bestVendorMatch(code: number, text: string): VendorMatch | null {
  return matchVendorRules(code, text)[0] ?? null;
}

/** Ids of the rules that could not be indexed and so run on every failure reply (the unit test wants none). */
export const UNINDEXED_RULE_IDS: readonly string[] = ALWAYS.map((pos) => COMPILED[pos]!.match.id);
