/**
 * The connect form in the header: host (with "Find MX" to look up a domain's mail servers), port, the IP version,
 * implicit TLS, Connect and Disconnect. It validates what it reads and reports through callbacks; it knows nothing
 * about WebSockets.
 */
import type { IpFamily } from '../../shared/protocol/messages.js';
import { isIPv4Literal, isIPv6Literal } from '../../shared/protocol/host.js';
import { mxDomain } from '../../shared/smtp/mx.js';
import { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT } from '../../shared/smtp/ports.js';
import { isValidHost, parsePort } from './url-params.js';
import { asciiAddressDomain, asciiDomain } from './idn.js';

export { SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT };

export interface ConnectTarget {
  host: string;
  port: number;
  tls: boolean;
  /** Only addresses of this IP version (`telnet -6`); null: either. */
  family: IpFamily | null;
}

/** The IP version a select's value names: "4", "6", or "" for either. */
export function familyOf(value: string): IpFamily | null {
  return value === '4' ? 4 : value === '6' ? 6 : null;
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
  private readonly ip: HTMLSelectElement;
  private readonly connectButton: HTMLButtonElement;
  private readonly disconnectButton: HTMLButtonElement;
  private readonly portList: HTMLDataListElement;
  /** The user typed in the target fields: later prefills (the practice server) must not overwrite them. */
  private edited = false;
  /** Why the target fields may not be changed (a bridge that dials its practice server alone), or null. */
  private lockedBy: string | null = null;
  private readonly mxButton: HTMLButtonElement;
  /** The fields' own tooltips, while lock's stand in for them. */
  private readonly titles = new Map<HTMLElement, string>();

  constructor(
    private readonly form: HTMLFormElement,
    private readonly handlers: ConnectFormHandlers,
  ) {
    this.host = field(form, 'input[name="host"]', HTMLInputElement);
    this.port = field(form, 'input[name="port"]', HTMLInputElement);
    this.tls = field(form, 'input[name="tls"]', HTMLInputElement);
    this.ip = field(form, 'select[name="ip"]', HTMLSelectElement);
    this.connectButton = field(form, 'button[data-action="connect"]', HTMLButtonElement);
    this.disconnectButton = field(form, 'button[data-action="disconnect"]', HTMLButtonElement);
    this.portList = field(form, 'datalist', HTMLDataListElement);
    // Typed into before the app took the form over (the boot script shows it at once): as if edited here.
    this.edited =
      this.host.value !== this.host.defaultValue || this.port.value !== this.port.defaultValue || this.tls.checked !== this.tls.defaultChecked || this.ip.value !== '';
    if (this.port.value === '') this.port.value = String(SMTP_PORT);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.disconnectButton.addEventListener('click', () => handlers.disconnect());
    this.mxButton = field(form, 'button[data-action="mx"]', HTMLButtonElement);
    this.mxButton.addEventListener('click', () => this.findMx());
    for (const input of [this.host, this.port]) {
      input.addEventListener('input', () => {
        this.edited = true;
        input.setCustomValidity('');
        if (input === this.port) this.matchTlsToPort();
        this.handlers.changed?.(this.peek());
      });
    }
    this.ip.addEventListener('change', () => {
      this.edited = true;
      this.host.setCustomValidity('');
      this.handlers.changed?.(this.peek());
    });
    this.tls.addEventListener('change', () => {
      this.edited = true;
      this.matchPortToTls();
      this.handlers.changed?.(this.peek());
    });
    // The boot script kept a Connect pressed while fields were empty (main.ts); from here the browser checks them.
    form.noValidate = false;
    this.setState('idle');
  }

  /** Looks up the MX records of the domain in Host, as pressing Find MX does (the browser says what is wrong). */
  findMx(): void {
    if (this.lockedBy !== null) return; // the button is disabled then (lock)
    const ascii = asciiAddressDomain(this.host.value.trim());
    const domain = ascii === null ? null : mxDomain(ascii);
    this.host.setCustomValidity(domain !== null ? '' : 'Enter a domain name (example.org) to find its mail servers.');
    // The message stays until the field is edited (the input listener clears it) or Connect checks it anew.
    if (this.host.reportValidity() && domain !== null) this.handlers.mx?.(domain);
  }

  /** Connects to what the fields hold, as pressing Connect does (when they are valid and nothing is open). */
  submit(): void {
    if (this.form.dataset.state !== 'idle') return;
    const target = this.read();
    if (target !== null) this.handlers.connect(target);
  }

  /**
   * Fills the fields; whether it did. A `soft` fill (the practice server default) leaves fields the user already
   * edited alone; locked fields (lock) are left alone by every fill.
   */
  prefill(target: Partial<ConnectTarget>, soft: boolean): boolean {
    if ((soft && this.edited) || this.lockedBy !== null) return false;
    if (target.host !== undefined) this.host.value = target.host;
    if (target.port !== undefined) this.port.value = String(target.port);
    if (target.tls !== undefined) this.tls.checked = target.tls;
    if (target.family !== undefined) this.ip.value = target.family === null ? '' : String(target.family);
    if (!soft) this.edited = true;
    this.handlers.changed?.(this.peek());
    return true;
  }

  /**
   * Holds the fields at `target` for good (`why`: said on each, as its tooltip): a bridge that dials its practice
   * server alone. Find MX goes too (the Host field is its input; /mx in the terminal still looks a domain up).
   */
  lock(target: ConnectTarget, why: string): void {
    this.unlock();
    this.prefill(target, false);
    this.lockedBy = why;
    for (const el of this.lockable()) {
      this.titles.set(el, el.title);
      el.title = why;
    }
    this.setState((this.form.dataset.state ?? 'idle') as FormState);
  }

  /** The fields may be changed again (a bridge restarted without --practice-only). */
  unlock(): void {
    if (this.lockedBy === null) return;
    this.lockedBy = null;
    for (const el of this.lockable()) el.title = this.titles.get(el) ?? '';
    this.setState((this.form.dataset.state ?? 'idle') as FormState);
  }

  private lockable(): HTMLElement[] {
    return [this.host, this.port, this.tls, this.ip, this.mxButton];
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
    for (const input of [this.host, this.port, this.tls, this.ip]) input.disabled = busy || this.lockedBy !== null;
    this.mxButton.disabled = this.lockedBy !== null;
  }

  /** The validated target, or null (the browser then shows what is wrong). */
  read(): ConnectTarget | null {
    // A name beyond ASCII (bücher.de) is dialled by its A-labels, as mail servers know it (RFC 5891).
    const host = asciiDomain(this.host.value.trim().replace(/^\[(.*)\]$/, '$1')) ?? '';
    const family = familyOf(this.ip.value);
    this.host.setCustomValidity(isValidHost(host) ? familyClash(host, family) : 'Enter a host name or an IP address.');
    const port = parsePort(this.port.value.trim());
    this.port.setCustomValidity(port !== null ? '' : 'Enter a port from 1 to 65535.');
    if (!this.form.reportValidity() || port === null) return null;
    return { host, port, tls: this.tls.checked, family };
  }

  /** Why the fields, as read last, are not a target (the browser's words for the first field wrong), or ''. */
  problem(): string {
    return [this.host, this.port].find((f) => !f.validity.valid)?.validationMessage ?? '';
  }

  /** What the fields hold now, unvalidated. */
  peek(): Partial<ConnectTarget> {
    const port = parsePort(this.port.value.trim());
    return { host: this.host.value.trim(), ...(port !== null ? { port } : {}), tls: this.tls.checked, family: familyOf(this.ip.value) };
  }

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

/**
 * `?ip=4` or `?ip=6` in the page URL (`telnet -4`, `-6`): the IP version for the form. Read by the app, not by the
 * boot script (url-params.ts), which then leaves connecting to the app (main.ts).
 */
export function urlFamily(search: string): { family: IpFamily | null; ignored: string | null } {
  const ip = new URLSearchParams(search).get('ip');
  if (ip === null) return { family: null, ignored: null };
  const family = familyOf(ip.trim());
  return family === null ? { family, ignored: 'ip: use 4 or 6' } : { family, ignored: null };
}

/** Why an address cannot be dialled over the IP version chosen ('' when it can): an address names its own. */
export function familyClash(host: string, family: IpFamily | null): string {
  if (family === 4 && isIPv6Literal(host)) return `${host} is an IPv6 address: choose IP "IPv6 only" or "4 or 6".`;
  if (family === 6 && isIPv4Literal(host)) return `${host} is an IPv4 address: choose IP "IPv4 only" or "4 or 6".`;
  return '';
}
