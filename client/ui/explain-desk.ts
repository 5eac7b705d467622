/**
 * Replies read from elsewhere, explained as if received and numbered with the page's own: `/explain` a line of a
 * bounce (or a code), a paste that begins with `/explain`, and Paste & explain (`/replay`): a mail log's or a
 * bounce's quoted replies, a message's header fields, an SPF, DMARC or DKIM record, an MTA-STS policy, a DMARC
 * aggregate report, a TLS report or a feedback report (ARF), or a whole dialog. Nothing of it is sent anywhere.
 */
import { isBounce, readBounce } from '../../shared/smtp/bounce-read.js';
import { explainEnhanced } from '../../shared/smtp/explain.js';
import { showControls } from '../../shared/smtp/escape.js';
import { isHeaders, readHeaders } from '../../shared/smtp/headers-read.js';
import { isMailLog, readMailLog } from '../../shared/smtp/log-read.js';
import { explainMailQueue, readMailQueue } from '../../shared/smtp/mail-queue.js';
import { explainQuoted } from '../../shared/smtp/report.js';
import { isPolicyRecord, readPolicyRecord } from '../../shared/smtp/record-read.js';
import { readDmarcReport } from '../../shared/smtp/dmarc-report.js';
import { readFeedbackReport } from '../../shared/smtp/feedback-report.js';
import { readTlsRptReport } from '../../shared/smtp/tlsrpt-report.js';
import { readTranscript, replayTranscript, type ReplayStep } from '../../shared/smtp/transcript-read.js';
import { EXPLAIN_USAGE } from '../terminal/local-commands.js';
import { formatReport } from '../terminal/render-findings.js';
import { formatExplained, formatExplanation } from '../terminal/render-replies.js';
import { formatNote } from '../terminal/render.js';
import { formatReplay } from '../terminal/render-transcript.js';
import type { ReportStore } from '../terminal/reports.js';
import type { LogEntry } from './reply-log.js';
import type { Pasted } from './replay-dialog.js';

export interface ExplainDeps {
  write(text: string): void;
  focus(): void;
  /** The line being typed, taken off the terminal, or null when none is. */
  takeLine(): string | null;
  reports: ReportStore;
  log: { add(entry: LogEntry): void };
  /** What was explained, by its replies' codes: for the lesson that asks for it. */
  explained(codes: number[]): void;
  /**
   * A whole message (header fields and body): its DKIM signatures and ARC chain verified (dkim-verifier.ts); `octets`:
   * the file it was read from, one octet a character, when that file is not UTF-8.
   */
  verifyDkim(text: string, octets?: string): void;
}

export class ExplainDesk {
  /** The lines of a paste that began with /explain, gathered until the paste is over; null otherwise. */
  private gathered: string[] | null = null;

  constructor(private readonly deps: ExplainDeps) {}

  /** A line typed while a paste that began with /explain is gathered: taken with it (true), never sent. */
  gather(text: string): boolean {
    if (this.gathered === null) return false;
    this.gathered.push(text);
    return true;
  }

  /** `/explain TEXT`: explained once the paste it may begin is over (the lines of one paste come in one task). */
  begin(text: string): void {
    this.gathered = text === '' ? [] : [text];
    queueMicrotask(() => {
      const lines = this.gathered ?? [];
      this.gathered = null;
      // A paste copied without its last newline leaves its last line being typed: it is part of the paste (a key
      // typed after Enter comes in a later task, so a line typed by hand is never taken).
      const last = this.deps.takeLine();
      if (last !== null) lines.push(last);
      // One line is a reply or a code; more a dialog or a bounce. A log line says what the reply answered, and an SPF
      // or DMARC record is one: read as such, even alone.
      let codes: number[] = [];
      if (lines.length > 1 || isMailLog(lines[0] ?? '') || isPolicyRecord(lines[0] ?? '')) codes = this.read(lines.join('\n'));
      else if (lines[0] === undefined) this.deps.write(EXPLAIN_USAGE);
      else {
        const one = this.quoted(lines[0]);
        this.deps.write(one.text);
        if (one.code !== null) codes = [one.code];
      }
      this.deps.explained(codes);
    });
  }

  /** Paste & explain (`/replay`): the text explained (and the file it came from), and what the lesson says of it. */
  pasted({ text, from, problem, octets }: Pasted): void {
    if (from !== null) this.deps.write(formatNote(`read from ${from.map((f) => showControls(f.slice(0, 120))).join(' → ')}`));
    if (problem !== undefined) this.deps.write(formatNote(`the report in the mail could not be read: ${showControls(problem)}`));
    this.deps.explained(this.read(text, octets));
  }

  /** Text pasted from elsewhere, as a queue listing, a mail log, a bounce, header fields, DNS records or a dialog; the replies' codes. */
  private read(text: string, octets?: string): number[] {
    const codes = this.readAs(text, octets);
    this.deps.focus();
    return codes;
  }

  private readAs(text: string, octets?: string): number[] {
    // A queue listing (mailq) quotes the reasons a log does, one per recipient: read as a queue, then as a log.
    const now = Date.now();
    const queue = readMailQueue(text, now);
    if (queue !== null && queue.messages.length > 0) return this.steps(explainMailQueue(queue, now), 'mail queue');
    // A log's lines say "host … said" as bounces do: read as a log first, as a bounce only otherwise.
    if (isMailLog(text)) return this.steps(readMailLog(text), 'log lines');
    // A feedback report (ARF) is a multipart/report as a bounce is, with fields a bounce has (Reporting-MTA): first.
    // It, a DMARC aggregate report (the XML sent to rua=) and a TLS report (RFC 8460's JSON) are reports received.
    const report = readFeedbackReport(text) ?? readDmarcReport(text) ?? readTlsRptReport(text);
    if (report !== null) {
      this.deps.write(formatReport(report));
      this.deps.log.add({ report });
      return [];
    }
    const bounce = isBounce(text) ? readBounce(text) : [];
    if (bounce.length > 0) return this.steps(bounce, 'bounce');
    // SPF, DMARC or DKIM records or an MTA-STS policy (to publish, or as dig printed them): read as receivers read
    // them, nothing looked up.
    const dns = readPolicyRecord(text);
    if (dns !== null) {
      this.deps.write(formatReport(dns));
      this.deps.log.add({ policies: dns });
      return [];
    }
    if (isHeaders(text)) {
      const r = readHeaders(text);
      this.deps.write(formatReport(r));
      this.deps.log.add({ headers: r });
      // With its body, a message's signatures can be verified: the keys are looked up, the rest done here.
      this.deps.verifyDkim(text, octets);
      return [];
    }
    return this.steps(replayTranscript(readTranscript(text)), 'transcript');
  }

  /** Replies read from elsewhere, explained into the terminal and the log (render-transcript.ts); their codes. */
  steps(steps: readonly ReplayStep[], what: 'transcript' | 'bounce' | 'log lines' | 'mail queue'): number[] {
    const { reports, log } = this.deps;
    const { text, reports: explained } = formatReplay(steps, reports.upcoming, what);
    for (const r of explained) {
      reports.add(r);
      log.add(r);
    }
    this.deps.write(text);
    return explained.map((r) => r.reply.code);
  }

  /**
   * A quoted reply (a bounce message's line) or a code: a reply is numbered and shown like one received, so that its
   * codes can be pointed at and the reply log lists it (marked as explained, not received). The terminal's text, and
   * the code of the reply explained (null for a code alone, or none).
   */
  private quoted(text: string): { text: string; code: number | null } {
    const enhanced = explainEnhanced(text); // null unless the text is an enhanced code alone
    if (enhanced !== null) return { text: formatExplanation(enhanced), code: null };
    const report = explainQuoted(this.deps.reports.upcoming, text);
    if (report === null) {
      return { text: formatNote(`no reply code in "${showControls(text.slice(0, 80))}": /explain reads a line such as 550 5.1.1 <bob@example.org>: User unknown, or a code`), code: null };
    }
    this.deps.reports.add(report);
    this.deps.log.add(report);
    return { text: formatExplained(report), code: report.reply.code };
  }
}
