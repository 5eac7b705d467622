/**
 * The status line under the connect form: where the SMTP connection stands, in plain words.
 * A polite live region, so screen readers hear "connected to …" and "closed by the server" as they happen.
 */
import { formatAddress } from '../terminal/render.js';
import type { CloseCause, ErrorCode, TlsMessage } from '../../shared/protocol/messages.js';

export type StatusTone = 'idle' | 'busy' | 'ok' | 'secure' | 'closed' | 'error';

const CLOSED_BY: Readonly<Record<CloseCause, string>> = {
  server: 'Closed by the server',
  client: 'Disconnected',
  error: 'Connection lost',
};

/** How the TLS state reads: "TLS active (TLSv1.3, TLS_AES_256_GCM_SHA384, certificate verified)". */
export function describeTls(m: Pick<TlsMessage, 'protocol' | 'cipher' | 'authorized' | 'authorizationError'>): string {
  const cert = m.authorized
    ? 'certificate verified'
    : `certificate not verified: ${m.authorizationError ?? 'no reason given'}`;
  return `TLS active (${m.protocol}, ${m.cipher}, ${cert})`;
}

export class StatusLine {
  readonly element: HTMLParagraphElement;
  private connectedText = '';

  constructor() {
    this.element = document.createElement('p');
    this.element.className = 'status';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
    this.set('idle', 'Not connected');
  }

  /** The page's WebSocket closed or failed; `reached`: it had opened before (else the terminal says why it never did). */
  bridgeDown(reached: boolean): void {
    this.set(
      'error',
      reached ? 'Lost contact with the heloterm bridge. Press Connect to reach it again.' : 'No contact with the heloterm bridge (the terminal says why). Press Connect to try again.',
    );
  }

  /** The bridge answers again (it reached itself, after a restart): nothing is connected. */
  bridgeBack(): void {
    this.set('idle', 'Not connected (the heloterm bridge answers again)');
  }

  /** Connect pressed while the bridge is out of reach (`again`), or before the page's WebSocket has opened. */
  reaching(again: boolean): void {
    this.set('busy', again ? 'Reaching the heloterm bridge again…' : 'Reaching the heloterm bridge…');
  }

  connecting(host: string, port: number): void {
    this.set('busy', `Connecting to ${host} port ${port}…`);
  }

  connected(host: string, address: string, port: number): void {
    this.connectedText = `Connected to ${host} (${formatAddress(address, port)})`;
    this.set('ok', this.connectedText);
  }

  tls(m: TlsMessage): void {
    this.set(m.authorized ? 'secure' : 'ok', `${this.connectedText} · ${describeTls(m)}`);
  }

  closed(by: CloseCause, reason: string): void {
    // When the server hangs up, "Closed by the server" says it all; other causes carry their reason.
    const plain = reason === '' || by === 'server';
    this.set(by === 'error' ? 'error' : 'closed', plain ? CLOSED_BY[by] : `${CLOSED_BY[by]}: ${reason}`);
  }

  error(code: ErrorCode, message: string): void {
    this.set('error', `Error: ${message} (${code})`);
  }

  /** The current text (for tests and the terminal notes). */
  get text(): string {
    return this.element.textContent ?? '';
  }

  private set(tone: StatusTone, text: string): void {
    this.element.dataset.tone = tone;
    this.element.textContent = text;
  }
}
