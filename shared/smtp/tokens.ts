/**
 * Finds the reply codes and enhanced status codes in a line as it is displayed, so the terminal can make them
 * hoverable. Two kinds of displayed line carry codes:
 *   - a server reply line:   `250-2.1.0 Sender ok`   (the code, then an enhanced code right after the separator)
 *   - an annotation line:    `  ↳ 550 Mailbox unavailable · 5.1.1 Bad destination mailbox address`
 *     (the format of `annotate().summary`, behind the ANNOTATION_MARK).
 * Numbers elsewhere in the text (sizes, versions, dates) are never taken for codes.
 */

export interface CodeToken {
  /** 0-based index of the first character, in UTF-16 code units. */
  start: number;
  /** Index just past the last character. */
  end: number;
  kind: 'basic' | 'enhanced';
  /** The code as written: "550" or "5.1.1". */
  key: string;
}

/** Marks an annotation line in the terminal. */
export const ANNOTATION_MARK = '↳';
/** Separates the basic and the enhanced part of an annotation summary. */
export const SUMMARY_SEPARATOR = ' · ';

// 1: optional annotation prefix; 2: the code (RFC 5321 §4.2 grammar); then a separator or the end of the line.
const LEADING_CODE = /^(\s*↳\s+)?([2-5][0-5][0-9])(?=[ -]|$)/;
const ENHANCED_AT = /^([245]\.(?:0|[1-9][0-9]{0,2})\.(?:0|[1-9][0-9]{0,2}))(?= |$)/;

export function findCodeTokens(text: string): CodeToken[] {
  const m = LEADING_CODE.exec(text);
  if (m === null) return [];
  const annotation = m[1] !== undefined;
  const codeStart = m[1]?.length ?? 0;
  const codeEnd = codeStart + 3;
  const tokens: CodeToken[] = [{ start: codeStart, end: codeEnd, kind: 'basic', key: text.slice(codeStart, codeEnd) }];
  // A reply line: the enhanced code follows the separator. An annotation: it follows the summary separator.
  let at = codeEnd + 1;
  if (annotation) {
    const sep = text.indexOf(SUMMARY_SEPARATOR, codeEnd);
    if (sep === -1) return tokens;
    at = sep + SUMMARY_SEPARATOR.length;
  }
  const e = ENHANCED_AT.exec(text.slice(at));
  if (e !== null && e[1] !== undefined && e[1][0] === tokens[0]!.key[0]) {
    tokens.push({ start: at, end: at + e[1].length, kind: 'enhanced', key: e[1] });
  }
  return tokens;
}
