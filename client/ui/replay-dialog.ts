/**
 * "Paste & explain": a dialog to paste a dialog from elsewhere (a customer's telnet window in a ticket, swaks
 * output, a transcript heloterm saved), a bounce message or mail log lines, and have every reply in it explained as
 * if it had been received, with what it answered (shared/smtp/transcript-read.ts, bounce-read.ts, log-read.ts).
 * Nothing is sent anywhere; no connection is needed. Opened from the reply log's header and by `/replay`.
 */

export class ReplayDialog {
  readonly element: HTMLDialogElement;
  private readonly text: HTMLTextAreaElement;

  /** `explain`: what to do with the pasted text. */
  constructor(explain: (text: string) => void) {
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
      'Paste an SMTP dialog (a telnet window as it is, swaks output, a transcript heloterm saved), a bounce message or lines of a mail log (Postfix, Exim, Sendmail, OpenSMTPD, Dovecot): every reply in it is explained as if received, with what it answered. Or paste a message\'s header fields: what the receiver found of SPF, DKIM and DMARC, and the path it took; an SPF, DMARC or DKIM record or an MTA-STS policy, before you publish it; or a DMARC or TLS report a receiver sent you (unzipped). Nothing is sent anywhere.';
    this.text = document.createElement('textarea');
    this.text.name = 'transcript';
    this.text.rows = 14;
    this.text.spellcheck = false;
    this.text.setAttribute('aria-label', 'The dialog to explain');
    this.text.placeholder = '220 mx.example.org ESMTP\nEHLO client.example.org\n250-mx.example.org\n…';
    const cancel = document.createElement('button');
    cancel.value = 'cancel';
    cancel.textContent = 'Cancel';
    const go = document.createElement('button');
    go.value = 'explain';
    go.className = 'primary';
    go.textContent = 'Explain';
    const buttons = document.createElement('div');
    buttons.className = 'replay-buttons';
    buttons.append(cancel, go);
    form.append(title, what, this.text, buttons);
    this.element.append(form);
    this.element.addEventListener('close', () => {
      if (this.element.returnValue === 'explain' && this.text.value.trim() !== '') explain(this.text.value);
      this.text.value = '';
      this.element.returnValue = '';
    });
    document.body.append(this.element);
  }

  open(): void {
    if (!this.element.open) this.element.showModal();
    this.text.focus();
  }
}
