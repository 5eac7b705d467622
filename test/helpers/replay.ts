/** Replays a recorded dialog through the pure session model, the way the browser feeds it. */
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';
import type { Exchange, SentKind, SessionState } from '../../shared/smtp/session-state.js';
import type { Dialog } from './fixtures.js';

export interface Replayed {
  model: SessionModel;
  exchanges: Exchange[];
  sent: Array<{ line: string; kind: SentKind }>;
}

/** Told of each line sent (with the state before it) and each exchange, in the dialog's order. */
export interface ReplayObserver {
  sent?(line: string, kind: SentKind, before: SessionState): void;
  exchange?(ex: Exchange): void;
}

export function replay(d: Dialog, observer: ReplayObserver = {}): Replayed {
  const model = new SessionModel();
  const parser = new ReplyParser();
  const exchanges: Exchange[] = [];
  const sent: Replayed['sent'] = [];
  model.connected();
  for (const step of d.steps) {
    if (step.dir === 'C') {
      const before = model.state;
      const kind = model.sent(step.text);
      sent.push({ line: step.text, kind });
      observer.sent?.(step.text, kind, before);
    } else if (step.dir === 'S') {
      for (const e of parser.push(step.text + '\r\n')) {
        if (e.kind !== 'reply') continue;
        const ex = model.received(e.reply);
        exchanges.push(ex);
        observer.exchange?.(ex);
      }
    } else if (step.text.startsWith('TLS established')) {
      parser.reset();
      model.tlsEstablished();
    } else if (step.text.startsWith('connection closed')) {
      model.closed();
    }
  }
  return { model, exchanges, sent };
}
