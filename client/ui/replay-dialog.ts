/**
 * "Paste & explain": a dialog to paste a dialog from elsewhere (a customer's telnet window in a ticket, swaks
 * output, a transcript heloterm saved), a bounce message or mail log lines, and have every reply in it explained as
 * if it had been received, with what it answered (shared/smtp/transcript-read.ts, bounce-read.ts, log-read.ts).
 * Nothing is sent anywhere; no connection is needed. Opened from the reply log's header and by `/replay`.
 *
 * A file can be opened instead (Open a file…, or dropped anywhere on the page): a report as received, zipped or
 * gzipped, or the mail it came in, is unpacked here (ui/unpack.ts) into the text box; a report mail pasted is
 * unpacked on Explain.
 */
import { unpackFile, unpackPasted, UnpackError, type Unpacked } from './unpack.js';

/**
 * What the dialog hands on: the text to explain; the file it was read from and the files unpacked to reach it (null
 * when pasted as it is); and why a report in it could not be unpacked, when one could not.
 */
export interface Pasted {
  text: string;
  from: readonly string[] | null;
  problem?: string;
  /** The file's octets, one a character, when it is not UTF-8 (unpack.ts): a message's signatures are verified over them. */
  octets?: string;
}

export class ReplayDialog {
  readonly element: HTMLDialogElement;
  private readonly text: HTMLTextAreaElement;
  /** What opening a file says: its progress, what it held, or why it cannot be read. */
  private readonly status: HTMLParagraphElement;
  /** The files the text in the box was unpacked from, while it is the text they gave. */
  private opened: { text: string; shown: string; from: readonly string[]; octets?: string } | null = null;
  /** Counts files opened: a slow file's result is dropped once another is opened or the dialog is closed. */
  private generation = 0;

  /** `explain`: what to do with the pasted text. */
  constructor(private readonly explain: (pasted: Pasted) => void) {
    this.element = document.createElement('dialog');
    this.element.className = 'replay-dialog';
    this.element.setAttribute('aria-labelledby', 'replay-title');
    const form = document.createElement('form');
    form.method = 'dialog';
    const title = document.createElement('h2');
    title.id = 'replay-title';
    title.textContent = 'Paste & explain';
    const what = document.createElement('p');
    what.textContent =
      'Paste an SMTP dialog (a telnet window as it is, swaks output, a transcript heloterm saved), a bounce message, lines of a mail log (Postfix, Exim, Sendmail, OpenSMTPD, Dovecot) or a mail queue as mailq lists it (Postfix, Sendmail, Exim): every reply in it is explained as if received, with what it answered. Or paste a message\'s header fields: why a spam filter marked it, what the receiver found of SPF, DKIM and DMARC, the path it took, and whether it meets Gmail\'s, Yahoo\'s and Outlook.com\'s rules for senders (paste the whole message, its body too, and its DKIM signatures and ARC chain are verified); an SPF, DMARC or DKIM record or an MTA-STS policy, before you publish it; a DMARC or TLS report a receiver sent you (open its .zip or .gz file as received, or the report mail saved as .eml, or drop it here); or a feedback loop\'s complaint (ARF). Nothing is sent anywhere.';
    this.text = document.createElement('textarea');
    this.text.name = 'transcript';
    this.text.rows = 14;
    this.text.spellcheck = false;
    this.text.setAttribute('aria-label', 'The dialog to explain');
    this.text.placeholder = '220 mx.example.org ESMTP\nEHLO client.example.org\n250-mx.example.org\n…';
    this.status = document.createElement('p');
    this.status.className = 'replay-status';
    this.status.setAttribute('role', 'status');
    const file = document.createElement('input');
    file.type = 'file';
    file.hidden = true;
    file.setAttribute('aria-label', 'A file to explain');
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (chosen !== undefined) void this.openFile(chosen);
    });
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.className = 'replay-open';
    pick.textContent = 'Open a file…';
    pick.addEventListener('click', () => file.click());
    const cancel = document.createElement('button');
    cancel.value = 'cancel';
    cancel.textContent = 'Cancel';
    const go = document.createElement('button');
    go.value = 'explain';
    go.className = 'primary';
    go.textContent = 'Explain';
    const buttons = document.createElement('div');
    buttons.className = 'replay-buttons';
    buttons.append(pick, file, cancel, go);
    form.append(title, what, this.text, this.status, buttons);
    this.element.append(form);
    this.element.addEventListener('close', () => {
      const text = this.text.value;
      // The box holds a file's text with its line ends made LF (a text area's value does so): the file's own text is
      // explained while the box holds it unedited.
      const opened = this.opened !== null && this.opened.shown === text ? this.opened : null;
      if (this.element.returnValue === 'explain' && text.trim() !== '') void this.hand(opened?.text ?? text, opened);
      this.text.value = '';
      this.element.returnValue = '';
      this.opened = null;
      this.generation++;
      this.say('');
    });
    document.body.append(this.element);
  }

  /**
   * Takes files dropped anywhere on the page: a browser would otherwise open the file in place of the page (and with
   * it the session). The first file is opened here, the dialog shown.
   */
  takeDrops(target: Document): void {
    const files = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true;
    target.addEventListener('dragover', (e) => {
      if (!files(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    });
    target.addEventListener('drop', (e) => {
      if (!files(e)) return;
      e.preventDefault();
      const all = e.dataTransfer!.files;
      const dropped = all[0];
      if (dropped === undefined) return;
      this.open();
      void this.openFile(dropped, all.length - 1);
    });
  }

  /** A file opened or dropped: unpacked into the text box, or why it cannot be. */
  private async openFile(file: File, others = 0): Promise<void> {
    const generation = ++this.generation;
    this.say(`Opening ${file.name}…`);
    let result: Unpacked | string;
    try {
      result = await unpackFile(new Uint8Array(await file.arrayBuffer()), file.name);
    } catch (e) {
      result = e instanceof UnpackError ? e.message : `${file.name} could not be read (${e instanceof Error ? e.message : String(e)}).`;
    }
    if (generation !== this.generation) return;
    if (typeof result === 'string') {
      this.say(result, true);
      return;
    }
    this.text.value = result.text;
    this.opened = { text: result.text, shown: this.text.value, from: result.path, ...(result.octets === undefined ? {} : { octets: result.octets }) };
    const more = others === 0 ? '' : ` (${others} more file${others === 1 ? '' : 's'} dropped, not opened: one at a time)`;
    this.say(`${result.path.join(' → ')}: ${result.text.length.toLocaleString('en')} characters. Press Explain.${more}`);
    this.text.focus();
  }

  /**
   * The text explained; `opened`: the file it was opened from, as it gave it (else a report mail pasted is unpacked
   * first, its attachment's text, and said when it cannot be).
   */
  private async hand(text: string, opened: { from: readonly string[]; octets?: string } | null): Promise<void> {
    if (opened !== null) return this.explain({ text, from: opened.from, ...(opened.octets === undefined ? {} : { octets: opened.octets }) });
    try {
      const inner = await unpackPasted(text);
      this.explain(inner === null ? { text, from: null } : { text: inner.text, from: ['the mail pasted', ...inner.path] });
    } catch (e) {
      // The mail explained as it is (a bounce or header fields may still say something), with why its report was not.
      this.explain({ text, from: null, problem: e instanceof Error ? e.message : String(e) });
    }
  }

  private say(text: string, bad = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('bad', bad);
  }

  open(): void {
    if (!this.element.open) this.element.showModal();
    this.text.focus();
  }
}
