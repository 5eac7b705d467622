/**
 * A whole message's DKIM signatures and ARC chain verified in the page, as a receiver verifies them: what is signed
 * worked out by shared/smtp/dkim-verify.ts, each key asked of the bridge in turn with the page's other lookups
 * (lookup-queue.ts; one lookup a selector and domain, the practice domain's answered by the bridge with the practice
 * server's key), each signature then checked with it (dkim-check.ts, WebCrypto), and the report written once every
 * signature has its outcome. Also `/dkim verify`: the practice server's last report to this page, which it signed.
 */
import type { DkimMessage, StoredMessage } from '../../shared/protocol/messages.js';
import { isHostName, isIPv4Literal } from '../../shared/protocol/host.js';
import { arcChain, readChecks, signatureChecks, splitMessage, type ArcChain, type CheckOutcome, type SignatureCheck } from '../../shared/smtp/dkim-verify.js';
import { formatReport } from '../terminal/render-findings.js';
import { formatNote } from '../terminal/render.js';
import { checkSignature } from './dkim-check.js';
import { NOT_SENT, type LookupQueue } from './lookup-queue.js';
import type { LogEntry } from './reply-log.js';

export interface DkimVerifierDeps {
  write: (text: string) => void;
  log: (entry: LogEntry) => void;
  queue: LookupQueue;
  /** A message's signatures were verified and the report written (a lesson's step asks for it). */
  verified?: () => void;
}

interface Job {
  checks: SignatureCheck[];
  chain: ArcChain | null;
  outcomes: (CheckOutcome | null)[];
  left: number;
  /** The message's text holds one octet a character (a file that is not UTF-8): dkim-check.ts. */
  octets: boolean;
}

export class DkimVerifier {
  /** Messages being verified, by number, and the next number. */
  private readonly jobs = new Map<number, Job>();
  private next = 1;
  /** The practice server's newest report (a bounce, a delivery report) to this page, which it signed. */
  private lastReport: { n: number; action: 'failed' | 'delivered'; text: string } | null = null;

  constructor(private readonly deps: DkimVerifierDeps) {}

  /** A message the practice server stored from this page: its newest report, if it sent one, is kept. */
  stored(m: StoredMessage): void {
    const report = m.reports?.find((r) => r.n !== null && r.text !== '');
    if (report !== undefined) this.lastReport = { n: report.n!, action: report.action, text: report.text };
  }

  /** `/dkim verify`: the signature of the practice server's last report to this page, verified. */
  verifyStored(domain: string): void {
    const r = this.lastReport;
    if (r === null) {
      return this.deps.write(formatNote(`no report from the practice server yet: it signs the mail it sends (DKIM, as ${domain}); send a message to gone@${domain} and its bounce comes back signed. To verify any message, paste it whole into Paste & explain`));
    }
    this.deps.write(formatNote(`the practice server's ${r.action === 'failed' ? 'bounce' : 'delivery report'} (message #${r.n}), as it sent it:`));
    this.verify(r.text);
  }

  /**
   * A whole message (header fields and body): its signatures verified; nothing when it has none. `octets`: the
   * message as a file held it, one octet a character, when that file is not UTF-8 (unpack.ts); verified over it.
   */
  verify(text: string, octets?: string): void {
    const msg = splitMessage(octets ?? text);
    if (msg === null) return;
    const chain = arcChain(msg);
    const checks = [...signatureChecks(msg), ...(chain?.checks ?? [])];
    if (checks.length === 0 && chain === null) return;
    const n = this.next++;
    this.jobs.set(n, { checks, chain, outcomes: checks.map((): CheckOutcome | null => null), left: checks.length, octets: octets !== undefined });
    const what = [checks.some((c) => c.kind === 'dkim') ? 'DKIM signatures' : '', chain === null ? '' : 'ARC chain'].filter((w) => w !== '').join(' and ');
    this.deps.write(formatNote(`verifying the message's ${what} with the keys published now…`));
    if (checks.length === 0) return this.report(n);
    const asked = new Set<string>();
    for (const [i, c] of checks.entries()) {
      // A signature broken, or whose key cannot be looked up: its outcome without asking.
      if (c.broken !== null) void checkSignature(c, { kind: 'none' }).then((o) => this.checked(n, i, o));
      else if (!isHostName(c.domain) || !isHostName(c.selector) || isIPv4Literal(c.domain)) {
        this.checked(n, i, { kind: 'unusable', detail: 'd= or s= is not a domain name: no key can be looked up (RFC 6376 §3.5)' });
      } else if (!asked.has(`${c.selector} ${c.domain}`)) {
        // One lookup a key: a message's ARC seals are often all by one sealer's key.
        asked.add(`${c.selector} ${c.domain}`);
        if (!this.deps.queue.ask({ type: 'dkim', selector: c.selector, domain: c.domain, verify: n })) {
          this.jobs.delete(n);
          return this.deps.write(formatNote(NOT_SENT));
        }
      }
    }
  }

  /** The key asked for job `n`: each of its signatures by that key checked with it. */
  onKey(n: number, m: DkimMessage): void {
    const job = this.jobs.get(n);
    job?.checks.forEach((c, i) => {
      if (job.outcomes[i] === null && c.broken === null && c.selector === m.selector && c.domain === m.domain) void checkSignature(c, m.answer, job.octets).then((o) => this.checked(n, i, o));
    });
  }

  /** One signature's outcome; the report once the message's last one came. */
  private checked(n: number, i: number, outcome: CheckOutcome): void {
    const job = this.jobs.get(n);
    if (job === undefined || job.outcomes[i] !== null) return;
    job.outcomes[i] = outcome;
    if (--job.left === 0) this.report(n);
  }

  private report(n: number): void {
    const job = this.jobs.get(n);
    if (job === undefined) return;
    this.jobs.delete(n);
    const r = readChecks(job.checks.map((check, k) => ({ check, outcome: job.outcomes[k]! })), Date.now() / 1000, job.chain);
    this.deps.write(formatReport(r));
    this.deps.log({ dkim: r });
    this.deps.verified?.();
  }
}
