/**
 * The page's lookups and probes (Find MX, `/mx`, `/rdns`, `/dane`, `/dkim`, `/spf`, `/dnsbl`, `/ports`, `/tls
 * versions`, `/tls injection`, `/tls mx`, `/smuggling`) go to the bridge one at a time, as the bridge makes them
 * (server/dns-desk.ts): one in flight, those asked meanwhile waiting in order behind it, each sent when the answer
 * before it came. The bridge answers every one once.
 */
import type { Bare, ClientMessage, IpFamily, ProbePort, TlsMode } from '../../shared/protocol/messages.js';
import { formatNote } from '../terminal/render.js';

/**
 * Lookups waiting for the one in flight (a pasted list of /mx lines); beyond, a new one is not asked, and the page
 * says so. The bridge's own budget (20 a minute a session) answers the rest as refused.
 */
const MAX_WAITING = 20;
/** Said when a lookup cannot be asked. */
export const NOT_SENT = 'not sent: no contact with the heloterm bridge';

/** A lookup asked of the bridge: for whom an MX answer is (the user, or the relay check of connection `relay`). */
export type Ask =
  | { type: 'mx'; domain: string; relay: number | null }
  | { type: 'rdns'; ip?: string }
  | { type: 'dane' }
  /** `verify`: asked to verify a message's signatures (dkim-verifier.ts), its number there. */
  | { type: 'dkim'; selector: string; domain: string; verify?: number }
  | { type: 'spf'; ip: string; domain: string }
  | { type: 'dnsbl'; ip: string }
  | { type: 'dbl'; domain: string }
  | { type: 'ports'; host: string; ports: ProbePort[]; family?: IpFamily }
  | { type: 'tlsversions'; host: string; port: number; tls: TlsMode; family?: IpFamily }
  | { type: 'smuggling'; host: string; port: number; to: string; from: string; family?: IpFamily }
  | { type: 'tlsinjection'; host: string; port: number; family?: IpFamily }
  | { type: 'mxtls'; domain: string };

export interface LookupQueueDeps {
  /** Sends to the bridge; false when it is not reachable. */
  send: (m: Bare<ClientMessage>) => boolean;
  /** Terminal output. */
  write: (text: string) => void;
}

export class LookupQueue {
  /** The lookup in flight, and those waiting for it. */
  private asked: Ask | null = null;
  private waiting: Ask[] = [];

  constructor(private readonly deps: LookupQueueDeps) {}

  /** Sends a lookup, or queues it behind the one in flight; false when the bridge is not reachable. */
  ask(a: Ask): boolean {
    if (this.asked !== null) {
      if (this.waiting.length < MAX_WAITING) this.waiting.push(a);
      else this.deps.write(formatNote(`not asked: ${MAX_WAITING} lookups are waiting already; ask again once they are answered`));
      return true;
    }
    // The user's MX lookups also ask for the domain's mail policies; the relay check needs the MX records alone.
    const m: Bare<ClientMessage> =
      a.type === 'dkim'
        ? { type: 'dkim', selector: a.selector, domain: a.domain }
        : a.type !== 'mx'
          ? a
          : a.relay === null
            ? { type: 'mx', domain: a.domain, policies: true }
            : { type: 'mx', domain: a.domain };
    if (!this.deps.send(m)) return false;
    this.asked = a;
    return true;
  }

  /** Asks, saying `asking` first, and that it was not sent when the bridge is not reachable. */
  askSaying(asking: string, a: Ask): void {
    this.deps.write(formatNote(asking));
    if (!this.ask(a)) this.deps.write(formatNote(NOT_SENT));
  }

  /** An answer came: what it answers (the lookup in flight), and the next waiting lookup is sent. */
  answered(): Ask | null {
    const asked = this.asked;
    this.asked = null;
    const next = this.waiting.shift();
    if (next !== undefined && !this.ask(next)) this.waiting = [];
    return asked;
  }

  /** The bridge is gone: no answer will come to what was asked. */
  reset(): void {
    this.asked = null;
    this.waiting = [];
  }
}
