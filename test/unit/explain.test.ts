import { describe, expect, it } from 'vitest';
import { BASIC_CODES } from '../../shared/smtp/codes.js';
import { ENHANCED_CLASSES, ENHANCED_DETAILS, ENHANCED_SUBJECTS } from '../../shared/smtp/enhanced-codes.js';
import { annotate, explainCode, explainEnhanced } from '../../shared/smtp/explain.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { ANNOTATION_MARK, findCodeTokens } from '../../shared/smtp/tokens.js';
import type { EnhancedCode, Explanation, Reply, ReplyClass } from '../../shared/smtp/types.js';
import { loadDialogs, serverBytes } from '../helpers/fixtures.js';

const PLACEHOLDER = /\b(todo|tbd|fixme|lorem|placeholder)\b/i;
/** Titles built from digit theory rather than from a dictionary entry. */
const GENERIC_TITLE = /\(unlisted\)|unregistered|Not an SMTP reply code/;

function expectSound(e: Explanation, key: string): void {
  expect(e.key).toBe(key);
  for (const text of [e.title, e.explanation, e.action, e.source]) {
    expect(text.trim().length).toBeGreaterThan(3);
    expect(text).not.toMatch(PLACEHOLDER);
  }
}

function enhanced(text: string): EnhancedCode {
  const [c, s, d] = text.split('.').map(Number);
  if (c !== 2 && c !== 4 && c !== 5) throw new Error(`bad class in ${text}`);
  return { cls: c, subject: s ?? -1, detail: d ?? -1, text };
}

function reply(code: number, enhancedText: string | null = null): Reply {
  return {
    code,
    cls: Math.floor(code / 100) as ReplyClass,
    lines: [],
    enhanced: enhancedText === null ? null : enhanced(enhancedText),
    problems: [],
  };
}

describe('explainCode', () => {
  it.each(BASIC_CODES.map((e) => [e.code, e] as const))('%i comes from the dictionary', (code, entry) => {
    const e = explainCode(code);
    expectSound(e, String(code));
    expect(e.title).toBe(entry.title);
    expect(e.explanation).toBe(entry.explanation);
    expect(e.action).toBe(entry.action);
    expect(e.source).toBe(entry.source);
  });

  it.each([
    [299, 'Positive completion', 'First digit 2', 'Second digit 9: not a category'],
    [226, 'Positive completion, connection', 'First digit 2', 'Second digit 2'],
    [301, 'Positive intermediate, syntax', 'First digit 3', 'Second digit 0'],
    [458, 'Transient negative completion, mail system', 'temporary', 'Second digit 5'],
    [433, 'Transient negative completion, unspecified', 'First digit 4', 'leaves unspecified'],
    [517, 'Permanent negative completion, information', 'First digit 5', 'Second digit 1'],
    [120, 'Positive preliminary', 'First digit 1', 'SMTP defines no such reply'],
  ])('unlisted %i is explained from its digits', (code, title, first, second) => {
    const e = explainCode(code);
    expectSound(e, String(code));
    expect(e.title.startsWith(title)).toBe(true);
    expect(e.title).toMatch(GENERIC_TITLE);
    expect(e.explanation).toContain(first);
    expect(e.explanation).toContain(second);
    expect(e.source).toBe('RFC 5321 §4.2.1');
  });

  it.each([0, 99, 600, 999, 1000, -250, 250.5, Number.NaN, Number.POSITIVE_INFINITY])(
    '%d is not a reply code, and says so without throwing',
    (code) => {
      const e = explainCode(code);
      expect(e.title).toBe('Not an SMTP reply code');
      expect(e.key).toBe(String(code));
      expect(e.explanation).toContain('three digits');
    },
  );

  it('answers the same object for the same code (precomputed, not rebuilt)', () => {
    expect(explainCode(550)).toBe(explainCode(550));
    expect(explainCode(299)).toBe(explainCode(299));
    expect(Object.isFrozen(explainCode(550))).toBe(true);
  });
});

describe('explainEnhanced', () => {
  const registered = ENHANCED_DETAILS.flatMap((d) =>
    ENHANCED_CLASSES.map((c) => {
      // Class 2 with detail 0 is titled by its subject ("Mailbox status: success"): the registry's X.Y.0 titles
      // are written for failures.
      const subject = ENHANCED_SUBJECTS.find((s) => s.subject === d.subject)!;
      const title = c.cls === 2 && d.detail === 0 ? `${subject.title}: success` : d.title;
      return [`${c.cls}.${d.subject}.${d.detail}`, title, d.source, c.explanation] as const;
    }),
  );

  it.each(registered)('%s resolves to its registry entry', (key, title, source, classText) => {
    const e = explainEnhanced(key);
    if (e === null) throw new Error(`${key} did not resolve`);
    expectSound(e, key);
    expect(e.title).toBe(title);
    expect(e.source).toBe(source);
    expect(e.explanation).toContain(classText);
    expect(e.title).not.toMatch(GENERIC_TITLE);
  });

  it.each([
    ['5.9.99', ['Permanent failure', 'unregistered subject 9'], ['Class 5', 'Subject 9 is not one RFC 3463 defines']],
    ['4.1.250', ['Persistent transient failure', 'addressing status', 'unregistered detail 250'], ['Class 4', 'Subject 1']],
    ['2.7.999', ['Success', 'security or policy status', 'unregistered detail 999'], ['Class 2', 'Subject 7']],
    ['5.0.1', ['Permanent failure', 'other or undefined status', 'unregistered detail 1'], ['Class 5', 'Subject 0']],
    ['4.999.0', ['Persistent transient failure', 'unregistered subject 999'], ['Class 4', 'Subject 999']],
  ])('unregistered %s is explained from its parts', (key, titleParts, textParts) => {
    const e = explainEnhanced(key);
    if (e === null) throw new Error(`${key} did not resolve`);
    expectSound(e, key);
    for (const p of titleParts) expect(e.title).toContain(p);
    for (const p of textParts) expect(e.explanation).toContain(p);
    expect(e.source).toBe('RFC 3463 §2');
    expect(e.action).toContain('reply text');
  });

  it.each([
    '', '5.1', '5', '5.1.', '.1.1', '3.1.1', '1.1.1', '6.1.1', '0.0.0', '5.01.1', '5.1.01', '05.1.1', '5.00.0',
    '5.1000.1', '5.1.1000', '5.1.1.1', '5..1', 'a.b.c', '5.a.1', '5.1.1 ', ' 5.1.1', '5.1.1\n', '5.-1.1',
    '5,1,1', '５.1.1', '5.1.1x',
  ])('%j is not an enhanced code', (text) => {
    expect(explainEnhanced(text)).toBeNull();
  });

  it('accepts the three-digit limits exactly', () => {
    expect(explainEnhanced('5.999.999')?.key).toBe('5.999.999');
    expect(explainEnhanced('4.0.0')?.title).toBe('Other undefined Status');
  });
});

describe('annotate', () => {
  it.each([
    [250, null, '250 Requested action completed'],
    [550, '5.1.1', '550 Mailbox unavailable · 5.1.1 Bad destination mailbox address'],
    [554, '5.7.1', '554 Transaction failed · 5.7.1 Delivery not authorized, message refused'],
    [235, '2.7.0', '235 Authentication succeeded · 2.7.0 Security or policy status: success'],
    // An unlisted code: its digits speak. Second digit 9 has no RFC 5321 category, and the title says so.
    [299, null, '299 Positive completion, no defined category (unlisted)'],
    [458, '4.3.0', '458 Transient negative completion, mail system (unlisted) · 4.3.0 Other or undefined mail system status'],
  ])('summarises %i %s', (code, enh, summary) => {
    const a = annotate(reply(code, enh));
    expect(a.summary).toBe(summary);
    expect(a.cls).toBe(Math.floor(code / 100));
    expect(a.basic).toBe(explainCode(code));
    expect(a.enhanced === null).toBe(enh === null);
  });

  it.each(BASIC_CODES.map((e) => [e.code] as const))('puts %i first, then the basic title', (code) => {
    const a = annotate(reply(code));
    expect(a.summary).toBe(`${code} ${explainCode(code).title}`);
    expect(a.enhanced).toBeNull();
  });

  it.each([
    [550, '5.1.1'], [451, '4.7.1'], [250, '2.1.5'], [553, '5.9.99'], [452, '4.1.250'], [221, '2.0.0'],
  ])('the link finder reads the annotation of %i %s', (code, enh) => {
    const a = annotate(reply(code, enh));
    const expected = explainEnhanced(enh);
    expect(a.enhanced).toEqual(expected);
    expect(a.summary).toBe(`${code} ${a.basic.title} · ${enh} ${expected?.title}`);
    const line = `  ${ANNOTATION_MARK} ${a.summary}`;
    const tokens = findCodeTokens(line);
    expect(tokens.map((t) => [t.kind, t.key])).toEqual([['basic', String(code)], ['enhanced', enh]]);
  });

  it('explains an enhanced code from its numbers when its text is not the canonical form', () => {
    const r = reply(550);
    r.enhanced = { cls: 5, subject: 1, detail: 1, text: '5.1.1' };
    const canonical = annotate(r);
    r.enhanced = { cls: 5, subject: 1, detail: 1, text: 'odd' };
    const odd = annotate(r);
    expect(odd.enhanced?.title).toBe(canonical.enhanced?.title);
    expect(odd.summary).toBe('550 Mailbox unavailable · odd Bad destination mailbox address');
  });

  describe('over the real-MTA fixtures', () => {
    const cases = loadDialogs().flatMap((d) =>
      new ReplyParser().push(serverBytes(d)).flatMap((ev) => (ev.kind === 'reply' ? [[d.name, ev.reply] as const] : [])),
    );

    it('finds replies in every dialog', () => {
      expect(cases.length).toBeGreaterThan(40);
      expect(new Set(cases.map(([name]) => name)).size).toBe(loadDialogs().length);
    });

    it.each(cases.map(([name, r], i) => [`${name}#${i}`, r.code, r.enhanced?.text ?? '-', r] as const))(
      '%s: %i %s gets a specific annotation',
      (_id, code, _enh, r) => {
        const a = annotate(r);
        expect(a.basic.title).not.toMatch(GENERIC_TITLE);
        expect(a.summary.startsWith(`${code} ${a.basic.title}`)).toBe(true);
        if (r.enhanced === null) {
          expect(a.summary).toBe(`${code} ${a.basic.title}`);
        } else {
          expect(a.enhanced?.title ?? '').not.toMatch(GENERIC_TITLE);
          expect(a.summary).toBe(`${code} ${a.basic.title} · ${r.enhanced.text} ${a.enhanced?.title}`);
        }
      },
    );
  });
});

describe('success codes never read as errors', () => {
  it.each(['2.0.0', '2.1.0', '2.2.0', '2.3.0', '2.4.0', '2.5.0', '2.6.0', '2.7.0'])('%s', (code) => {
    const e = explainEnhanced(code)!;
    expect(e.title).toMatch(/success/);
    expect(`${e.title} ${e.explanation}`).not.toMatch(/\b(error|fail(ed|ure)?|undeliverable)\b/i);
  });
});
