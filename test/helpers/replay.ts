/** Replays a recorded dialog through the pure session model, the way the browser feeds it. */
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel, type Exchange, type SentKind } from '../../shared/smtp/session.js';
import type { Dialog } from './fixtures.js';

export interface Replayed {
  model: SessionModel;
  exchanges: Exchange[];
  sent: Array<{ line: string; kind: SentKind }>;
}

export function replay(d: Dialog): Replayed {
  const model = new SessionModel();
  const parser = new ReplyParser();
  const exchanges: Exchange[] = [];
  const sent: Replayed['sent'] = [];
  model.connected();
  for (const step of d.steps) {
    if (step.dir === 'C') {
      sent.push({ line: step.text, kind: model.sent(step.text) });
    } else if (step.dir === 'S') {
      for (const e of parser.push(step.text + '\r\n')) if (e.kind === 'reply') exchanges.push(model.received(e.reply));
    } else if (step.text.startsWith('TLS established')) {
      parser.reset();
      model.tlsEstablished();
    } else if (step.text.startsWith('connection closed')) {
      model.closed();
    }
  }
  return { model, exchanges, sent };
}
