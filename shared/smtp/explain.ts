/**
 * Explains SMTP reply codes: the basic three-digit code (RFC 5321 §4.2) and the enhanced class.subject.detail code
 * (RFC 3463), from the data in codes.ts and enhanced-codes.ts.
 *
 * Every answer for a listed code, and for every syntactically possible basic code, is built once at module load, so
 * the per-reply work is a Map lookup and one string concatenation: the terminal annotates every reply it shows.
 * Nothing here throws; a code nobody listed is explained from its digits, "the best explanation its parts allow".
 */
import { BASIC_CODES } from './codes.js';
import {
  ENHANCED_CLASSES,
  ENHANCED_DETAILS,
  ENHANCED_SUBJECTS,
  type EnhancedClassEntry,
  type EnhancedSubjectEntry,
} from './enhanced-codes.js';
import { SUMMARY_SEPARATOR } from './tokens.js';
import type { Annotation, Explanation, Reply } from './types.js';

/** Basic codes are three digits (RFC 5321 §4.2.1): 100 to 599 have a first digit SMTP defines (1 is unused). */
const LOWEST_BASIC_CODE = 100;
const HIGHEST_BASIC_CODE = 599;

/** RFC 3463 §2: subject and detail are one to three digits. A leading zero ("01") is not accepted. */
const ENHANCED_CODE = /^([245])\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

const THEORY_SOURCE = 'RFC 5321 §4.2.1';
const ENHANCED_THEORY_SOURCE = 'RFC 3463 §2';

interface DigitMeaning {
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
}

/** RFC 5321 §4.2.1: what the first digit says. */
const FIRST_DIGIT: ReadonlyMap<number, DigitMeaning> = new Map([
  [1, {
    title: 'Positive preliminary',
    explanation:
      'First digit 1: the command was accepted, but the server waits for a confirmation before acting. SMTP ' +
      'defines no such reply, so this server is unusual.',
    action: 'Wait for a further reply before sending anything else.',
  }],
  [2, {
    title: 'Positive completion',
    explanation: 'First digit 2: the requested action was completed successfully.',
    action: 'Go on with the next command.',
  }],
  [3, {
    title: 'Positive intermediate',
    explanation:
      'First digit 3: the command was accepted, and the server waits for more input from you (like 354 after ' +
      'DATA, or 334 during AUTH).',
    action: 'Send the further information the server asks for.',
  }],
  [4, {
    title: 'Transient negative completion',
    explanation: 'First digit 4: the command failed, but for a temporary reason; the same command may work later.',
    action: 'Try the same command again later.',
  }],
  [5, {
    title: 'Permanent negative completion',
    explanation: 'First digit 5: the command failed, and repeating it unchanged will fail again.',
    action: 'Read the text for the reason, and change the command or its arguments before trying again.',
  }],
]);

/** RFC 5321 §4.2.1: what the second digit says (x3z and x4z are left unspecified). */
const SECOND_DIGIT: ReadonlyMap<number, { readonly title: string; readonly explanation: string }> = new Map([
  [0, { title: 'syntax', explanation: 'Second digit 0: about syntax, or a command that fits no other category.' }],
  [1, { title: 'information', explanation: 'Second digit 1: a reply to a request for information, such as status or help.' }],
  [2, { title: 'connection', explanation: 'Second digit 2: about the transmission channel, the connection itself.' }],
  [3, { title: 'unspecified', explanation: 'Second digit 3: a category RFC 5321 leaves unspecified.' }],
  [4, { title: 'unspecified', explanation: 'Second digit 4: a category RFC 5321 leaves unspecified.' }],
  [5, { title: 'mail system', explanation: 'Second digit 5: about the mail system\'s state for the request, e.g. a mailbox.' }],
]);

function freeze(e: Explanation): Explanation {
  return Object.freeze(e);
}

/** A basic code no list names, explained from its digits; or why it is not a reply code at all. */
function fromDigits(code: number): Explanation {
  const first = Number.isInteger(code) && code >= LOWEST_BASIC_CODE && code <= HIGHEST_BASIC_CODE
    ? FIRST_DIGIT.get(Math.floor(code / 100))
    : undefined;
  if (first === undefined) {
    return {
      key: String(code),
      title: 'Not an SMTP reply code',
      explanation:
        `A reply code is three digits whose first digit is 1 to 5 (RFC 5321 §4.2.1); ${String(code)} is not ` +
        'one, so the server is not following SMTP here.',
      action: 'Check that the host and port speak SMTP (25, or 587 for submission); RSET or QUIT and reconnect.',
      source: THEORY_SOURCE,
    };
  }
  const secondDigit = Math.floor(code / 10) % 10;
  const second = SECOND_DIGIT.get(secondDigit);
  const secondTitle = second?.title ?? 'no defined category';
  const secondText = second?.explanation ?? `Second digit ${secondDigit}: not a category RFC 5321 defines.`;
  return {
    key: String(code),
    title: `${first.title}, ${secondTitle} (unlisted)`,
    explanation: `${code} is not a listed code, so here is what its digits say. ${first.explanation} ${secondText}`,
    action: first.action,
    source: THEORY_SOURCE,
  };
}

/** Every possible basic code, answered in advance: listed ones from the dictionary, the rest from their digits. */
const BASIC = new Map<number, Explanation>();
for (let code = LOWEST_BASIC_CODE; code <= HIGHEST_BASIC_CODE; code++) BASIC.set(code, freeze(fromDigits(code)));
for (const entry of BASIC_CODES) {
  BASIC.set(entry.code, freeze({
    key: String(entry.code),
    title: entry.title,
    explanation: entry.explanation,
    action: entry.action,
    source: entry.source,
  }));
}

/** "250 Requested action completed", for every code in BASIC. */
const BASIC_SUMMARY = new Map<number, string>();
for (const [code, e] of BASIC) BASIC_SUMMARY.set(code, `${code} ${e.title}`);

const CLASS_BY_NUMBER = new Map<number, EnhancedClassEntry>(ENHANCED_CLASSES.map((c) => [c.cls, c]));
const SUBJECT_BY_NUMBER = new Map<number, EnhancedSubjectEntry>(ENHANCED_SUBJECTS.map((s) => [s.subject, s]));

/** A class.subject.detail combination the registry does not list, explained from its parts. */
function enhancedFromParts(cls: number, subject: number, detail: number): Explanation {
  const key = `${cls}.${subject}.${detail}`;
  const klass = CLASS_BY_NUMBER.get(cls);
  const subj = SUBJECT_BY_NUMBER.get(subject);
  const classTitle = klass?.title ?? `Class ${cls}`;
  const classText = klass?.explanation ?? `Class ${cls} is not one RFC 3463 defines (only 2, 4 and 5).`;
  const subjectText = subj?.explanation ?? `Subject ${subject} is not one RFC 3463 defines (0 to 7).`;
  const title = subj === undefined
    ? `${classTitle} (unregistered subject ${subject})`
    : `${classTitle}: ${subj.title.toLowerCase()} (unregistered detail ${detail})`;
  const detailText = subj === undefined
    ? ''
    : ` Detail ${detail} is not in the IANA registry for this subject, so the reply text is the best guide.`;
  return {
    key,
    title,
    explanation: `${key} is not a registered code; its parts say: ${classText} ${subjectText}${detailText}`,
    action: `${klass?.action ?? 'Go by the basic reply code.'} Read the reply text for the specific reason.`,
    source: ENHANCED_THEORY_SOURCE,
  };
}

/** Every registered subject.detail with every class, keyed "5.1.1". */
const ENHANCED = new Map<string, Explanation>();
for (const d of ENHANCED_DETAILS) {
  for (const c of ENHANCED_CLASSES) {
    const key = `${c.cls}.${d.subject}.${d.detail}`;
    const subj = SUBJECT_BY_NUMBER.get(d.subject);
    // X.Y.0 is "other or undefined" (RFC 3463 §3): with class 2 it only says "success, about this subject".
    // The registry's titles are written for failures (X.6.0 "Other or undefined media error"), so a 2.6.0 on an
    // accepted message must not read as an error.
    const success = c.cls === 2 && d.detail === 0 && subj !== undefined;
    ENHANCED.set(key, freeze({
      key,
      title: success ? `${subj.title}: success` : d.title,
      explanation: success ? `${subj.explanation} ${c.explanation} No more precise detail is given.` : `${d.explanation} ${c.explanation}`,
      action: success ? c.action : d.action,
      source: d.source,
    }));
  }
}

/** Explains a basic reply code. Never throws: unlisted codes are explained from their digits (RFC 5321 §4.2.1). */
export function explainCode(code: number): Explanation {
  return BASIC.get(code) ?? fromDigits(code);
}

/** The explanation of a parsed enhanced code, known or built from its parts. */
function explainEnhancedParts(cls: number, subject: number, detail: number): Explanation {
  return ENHANCED.get(`${cls}.${subject}.${detail}`) ?? enhancedFromParts(cls, subject, detail);
}

/**
 * Explains an enhanced status code such as "5.1.1". Returns null unless the text is exactly class.subject.detail
 * with class 2, 4 or 5 and subject and detail of one to three digits without a leading zero (RFC 3463 §2).
 */
export function explainEnhanced(text: string): Explanation | null {
  const known = ENHANCED.get(text);
  if (known !== undefined) return known;
  const m = ENHANCED_CODE.exec(text);
  if (m === null) return null;
  return enhancedFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * The annotation shown after a reply. `summary` is exactly "<code> <basic title>", followed, when the reply has an
 * enhanced code, by " · <enhanced code as written> <enhanced title>".
 */
export function annotate(reply: Reply): Annotation {
  const basic = explainCode(reply.code);
  const basicSummary = BASIC_SUMMARY.get(reply.code) ?? `${reply.code} ${basic.title}`;
  const e = reply.enhanced;
  if (e === null) return { cls: reply.cls, summary: basicSummary, basic, enhanced: null };
  const enhanced = ENHANCED.get(e.text) ?? explainEnhancedParts(e.cls, e.subject, e.detail);
  return {
    cls: reply.cls,
    summary: `${basicSummary}${SUMMARY_SEPARATOR}${e.text} ${enhanced.title}`,
    basic,
    enhanced,
  };
}
