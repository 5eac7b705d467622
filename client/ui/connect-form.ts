/**
 * The connect form in the header: host (with "Find MX" to look up a domain's mail servers), port, implicit TLS,
 * Connect and Disconnect. It validates what it reads and reports through callbacks; it knows nothing about WebSockets.
 */
import { mxDomain } from '../../shared/smtp/mx.js';
import { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT } from '../../shared/smtp/ports.js';
import { isValidHost, parsePort } from './url-params.js';
import { asciiAddressDomain, asciiDomain } from './idn.js';

export { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT };

export interface ConnectTarget {
  host: string;
  port: number;
  tls: boolean;
}

export type FormState = 'idle' | 'connecting' | 'connected';

export interface ConnectFormHandlers {
  connect: (target: ConnectTarget) => void;
  disconnect: () => void;
  /** The target fields changed (typed or prefilled). */
  changed?: (target: Partial<ConnectTarget>) => void;
  /** "Find MX" was pressed with this domain in Host. */
  mx?: (domain: string) => void;
}

function field<T extends HTMLElement>(form: HTMLFormElement, selector: string, type: new () => T): T {
  const el = form.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`connect form: missing ${selector}`);
  return el;
}

export class ConnectForm {
  private readonly host: HTMLInputElement;
  private readonly port: HTMLInputElement;
  private readonly tls: HTMLInputElement;
  private readonly connectButton: HTMLButtonElement;
  private readonly disconnectButton: HTMLButtonElement;
  private readonly portList: HTMLDataListElement;
  /** The user typed in the target fields: later prefills (the practice server) must not overwrite them. */
  private edited = false;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly handlers: ConnectFormHandlers,
  ) {
    this.host = field(form, 'input[name="host"]', HTMLInputElement);
    this.port = field(form, 'input[name="port"]', HTMLInputElement);
    this.tls = field(form, 'input[name="tls"]', HTMLInputElement);
    this.connectButton = field(form, 'button[data-action="connect"]', HTMLButtonElement);
    this.disconnectButton = field(form, 'button[data-action="disconnect"]', HTMLButtonElement);
    this.portList = field(form, 'datalist', HTMLDataListElement);
    // Typed into before the app took the form over (the boot script shows it at once): as if edited here.
    this.edited = this.host.value !== this.host.defaultValue || this.port.value !== this.port.defaultValue || this.tls.checked !== this.tls.defaultChecked;
    if (this.port.value === '') this.port.value = String(SMTP_PORT);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.disconnectButton.addEventListener('click', () => handlers.disconnect());
    field(form, 'button[data-action="mx"]', HTMLButtonElement).addEventListener('click', () => {
      const ascii = asciiAddressDomain(this.host.value.trim());
      const domain = ascii === null ? null : mxDomain(ascii);
      this.host.setCustomValidity(domain !== null ? '' : 'Enter a domain name (example.org) to find its mail servers.');
      // The message stays until the field is edited (the input listener clears it) or Connect checks it anew.
      if (this.host.reportValidity() && domain !== null) handlers.mx?.(domain);
    });
    for (const input of [this.host, this.port]) {
      input.addEventListener('input', () => {
        this.edited = true;
        input.setCustomValidity('');
        if (input === this.port) this.matchTlsToPort();
        this.handlers.changed?.(this.peek());
      });
    }
    this.tls.addEventListener('change', () => {
      this.edited = true;
      this.matchPortToTls();
      this.handlers.changed?.(this.peek());
    });
    this.setState('idle');
  }

  /** Connects to what the fields hold, as pressing Connect does (when they are valid and nothing is open). */
  submit(): void {
    if (this.form.dataset.state !== 'idle') return;
    const target = this.read();
    if (target !== null) this.handlers.connect(target);
  }

  /** Fills the fields. A `soft` fill (the practice server default) leaves fields the user already edited alone. */
  prefill(target: Partial<ConnectTarget>, soft: boolean): void {
    if (soft && this.edited) return;
    if (target.host !== undefined) this.host.value = target.host;
    if (target.port !== undefined) this.port.value = String(target.port);
    if (target.tls !== undefined) this.tls.checked = target.tls;
    if (!soft) this.edited = true;
    this.handlers.changed?.(this.peek());
  }

  /** Offers the ports the bridge will dial as suggestions. */
  setAllowedPorts(ports: readonly number[]): void {
    this.portList.replaceChildren(
      ...ports.map((p) => {
        const o = document.createElement('option');
        o.value = String(p);
        return o;
      }),
    );
  }

  setState(state: FormState): void {
    this.form.dataset.state = state;
    const busy = state !== 'idle';
    this.connectButton.disabled = busy;
    this.disconnectButton.disabled = !busy;
    for (const input of [this.host, this.port, this.tls]) input.disabled = busy;
  }

  /** The validated target, or null (the browser then shows what is wrong). */
  read(): ConnectTarget | null {
    // A name beyond ASCII (bücher.de) is dialled by its A-labels, as mail servers know it (RFC 5891).
    const host = asciiDomain(this.host.value.trim().replace(/^\[(.*)\]$/, '$1')) ?? '';
    this.host.setCustomValidity(isValidHost(host) ? '' : 'Enter a host name or an IP address.');
    const port = parsePort(this.port.value.trim());
    this.port.setCustomValidity(port !== null ? '' : 'Enter a port from 1 to 65535.');
    if (!this.form.reportValidity() || port === null) return null;
    return { host, port, tls: this.tls.checked };
  }

  /** What the fields hold now, unvalidated. */
  peek(): Partial<ConnectTarget> {
    const port = parsePort(this.port.value.trim());
    return { host: this.host.value.trim(), ...(port !== null ? { port } : {}), tls: this.tls.checked };
  }

  /** Implicit TLS normally means port 465; plain SMTP means 25. Only the well-known defaults are switched. */
  /**
   * Port 465 is implicit TLS (RFC 8314 §3.3): typing it ticks the box, and typing 25 or 587 (plain, then STARTTLS)
   * unticks it. Dialled in plain text, 465 says nothing at all.
   */
  private matchTlsToPort(): void {
    const port = parsePort(this.port.value.trim());
    if (port === SUBMISSIONS_PORT) this.tls.checked = true;
    if (port === SMTP_PORT || port === SUBMISSION_PORT) this.tls.checked = false;
  }

  private matchPortToTls(): void {
    const port = parsePort(this.port.value.trim());
    if (this.tls.checked && (port === SMTP_PORT || port === SUBMISSION_PORT)) this.port.value = String(SUBMISSIONS_PORT);
    if (!this.tls.checked && port === SUBMISSIONS_PORT) this.port.value = String(SMTP_PORT);
  }
}
