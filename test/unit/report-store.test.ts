/**
 * The report store behind hovering (client/terminal/reports.ts): it keeps the newest MAX_REPORTS reports by number,
 * and finds the reply a terminal row belongs to by walking down to its annotation line, never past a flood's
 * summary (the replies of a flood have no annotation line of their own).
 */
import { describe, expect, it } from 'vitest';
import type { IBuffer, IBufferLine } from '@xterm/xterm';
import { FLOOD_MARK } from '../../client/terminal/render-replies.js';
import { MAX_REPORTS, ReportStore } from '../../client/terminal/reports.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { reportReply, type ReplyReport } from '../../shared/smtp/report.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { ANNOTATION_MARK } from '../../shared/smtp/tokens.js';

function report(n: number, text = '250-mx.example\r\n250 SIZE 1000\r\n'): ReplyReport {
  const model = new SessionModel();
  model.connected();
  const ev = new ReplyParser().push(text).find((e) => e.kind === 'reply');
  if (ev?.kind !== 'reply') throw new Error('no reply');
  return reportReply(n, model.received(ev.reply));
}

/** Marks a row continuing a line heloterm broke (render.ts wrapOwn), its indent concealed (xterm's attribute bit). */
const OWN = '\u0000';

/** Just what forRow reads of xterm's buffer: rows of text, none wrapped by xterm; OWN first: concealed indent. */
function buffer(rows: readonly string[]): IBuffer {
  const line = (row: string): IBufferLine => {
    const own = row.startsWith(OWN);
    const text = own ? row.slice(1) : row;
    return { isWrapped: false, translateToString: () => text, getCell: () => ({ isInvisible: () => (own ? 0x40000000 : 0) }) } as unknown as IBufferLine;
  };
  return { length: rows.length, getLine: (y: number) => (rows[y] === undefined ? undefined : line(rows[y])) } as unknown as IBuffer;
}

describe('ReportStore', () => {
  it('keeps the newest MAX_REPORTS reports by number, and forgets older ones', () => {
    const store = new ReportStore();
    for (let n = 1; n <= MAX_REPORTS + 10; n++) store.add(report(n, '250 ok\r\n'));
    expect(store.get(MAX_REPORTS + 10)?.n).toBe(MAX_REPORTS + 10);
    expect(store.get(11)?.n).toBe(11);
    expect(store.get(10)).toBeUndefined(); // its slot holds a newer report now
    expect(store.get(MAX_REPORTS + 11)).toBeUndefined();
  });

  it('finds the reply of a row by its annotation line, with the line index', () => {
    const store = new ReportStore();
    store.add(report(7));
    const rows = ['250-mx.example', '250 SIZE 1000', `  ${ANNOTATION_MARK} 250 Requested action completed  [7]`];
    const buf = buffer(rows);
    expect(store.forRow(buf, 0)).toMatchObject({ report: { n: 7 }, lineIndex: 0 });
    expect(store.forRow(buf, 1)).toMatchObject({ report: { n: 7 }, lineIndex: 1 });
    expect(store.forRow(buf, 2)).toMatchObject({ report: { n: 7 }, lineIndex: -1 });
  });

  it('finds the reply of a row above an annotation that heloterm broke on to several rows in a narrow terminal', () => {
    const store = new ReportStore();
    store.add(report(7));
    store.add(report(8, '550 5.1.1 no\r\n'));
    // As render.ts wrapOwn writes them at 30 columns: the number on the annotation's last row.
    const rows = [
      '250-mx.example',
      '250 SIZE 1000',
      `  ${ANNOTATION_MARK} 250 Requested action`,
      `${OWN}    completed  [7]`,
      '550 5.1.1 no',
      `  ${ANNOTATION_MARK} 550 Requested action not`,
      `${OWN}    taken: mailbox unavailable`,
      `${OWN}    · 5.1.1 Bad destination`,
      `${OWN}    mailbox address  [8]`,
      // Indented alike but not concealed: a line of its own, which ends no annotation.
      '    see [9]',
    ];
    const buf = buffer(rows);
    expect(store.forRow(buf, 0)).toMatchObject({ report: { n: 7 }, lineIndex: 0 });
    expect(store.forRow(buf, 1)).toMatchObject({ report: { n: 7 }, lineIndex: 1 });
    expect(store.forRow(buf, 2)).toMatchObject({ report: { n: 7 }, lineIndex: -1 });
    expect(store.forRow(buf, 4)).toMatchObject({ report: { n: 8 }, lineIndex: 0 });
    expect(store.forRow(buf, 5)).toMatchObject({ report: { n: 8 }, lineIndex: -1 });
  });

  it('does not give a flood reply the report of a later annotated reply', () => {
    const store = new ReportStore();
    store.add(report(9));
    const rows = ['550 5.1.1 flood', `  ${FLOOD_MARK} 1 more reply in under 0.1 s`, '250-mx.example', '250 SIZE 1000', `  ${ANNOTATION_MARK} 250 x  [9]`];
    const buf = buffer(rows);
    expect(store.forRow(buf, 0)).toBeNull();
    expect(store.forRow(buf, 2)).toMatchObject({ report: { n: 9 }, lineIndex: 0 });
  });
});
