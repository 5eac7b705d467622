/**
 * `/tls injection` on the page's side: the command as typed (client/terminal/lookup-commands.ts; what is asked of the
 * bridge is in host-probes.test.ts), and the report read from an answer (shared/smtp/tls-injection.ts) for each outcome.
 */
import { describe, expect, it } from 'vitest';
import { localCommand } from '../../client/terminal/local-commands.js';
import type { TlsInjectionOutcome } from '../../shared/protocol/messages.js';
import { SessionModel } from '../../shared/smtp/session.js';
import { readTlsInjection } from '../../shared/smtp/tls-injection.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const state = new SessionModel().state;

describe('/tls injection typed', () => {
  it('reads the host and a port as /tls versions does, and says what is wrong', () => {
    expect(localCommand('/tls injection', state)).toEqual({ kind: 'tls-injection', host: null, port: null });
    expect(localCommand('/TLS inject mx.example.org 587', state)).toEqual({ kind: 'tls-injection', host: 'mx.example.org', port: 587 });
    const said = (line: string): string => {
      const c = localCommand(line, state);
      return c?.kind === 'text' ? plain(c.text) : JSON.stringify(c);
    };
    expect(said('/tls injection mx.example.org 25 587')).toMatch(/^-- one port at a time: \/tls injection mx\.example\.org 25 writes STARTTLS and NOOP at once/);
    expect(said('/tls nonsense')).toContain('/tls injection mx.example.org 25 writes STARTTLS and NOOP at once');
  });
});

describe('readTlsInjection', () => {
  const read = (o: TlsInjectionOutcome) => readTlsInjection('mx.example.org', 25, { kind: 'probed', address: '192.0.2.25', ...o });
  it('says what each outcome means, and which is good', () => {
    const injected = read({ outcome: 'injected', text: '250 2.0.0 Ok', next: '221 2.0.0 Bye', ms: 30 });
    expect(injected.head).toBe('STARTTLS injection check of mx.example.org port 25 (192.0.2.25): "STARTTLS" and "NOOP" written at once, as a man in the middle would add one, then the handshake and QUIT over TLS:');
    expect(injected).toMatchObject({ good: false, findings: [{ tone: 'bad', text: expect.stringContaining('open to STARTTLS command injection (CVE-2011-0411 and kin)') }] });
    expect(read({ outcome: 'safe', text: '221 2.0.0 Bye', next: '', ms: 30 })).toMatchObject({ good: true, findings: [{ tone: 'ok' }] });
    expect(read({ outcome: 'no-starttls', text: 'STARTTLS is not offered after EHLO', next: '', ms: 30 }).findings).toEqual([{ tone: 'warn', text: 'not tried: STARTTLS is not offered after EHLO' }]);
    expect(read({ outcome: 'no-starttls', text: 'STARTTLS answered 554 5.5.0 Error: SMTP protocol synchronization', next: '', ms: 30 })).toMatchObject({
      good: true,
      findings: [{ tone: 'ok', text: expect.stringMatching(/^the server refused STARTTLS with a command written after it \(554 5\.5\.0 Error: SMTP protocol synchronization\), and started no TLS/) }],
    });
    expect(read({ outcome: 'tls-failed', text: 'handshake failure', next: '', ms: 30 }).findings[0]?.text).toBe('the handshake failed (handshake failure), so nothing was sent over TLS; /tls versions says which TLS versions the server takes');
    expect(read({ outcome: 'unclear', text: 'no reply over TLS within 8 s', next: '', ms: 30 }).findings[0]).toEqual({ tone: 'warn', text: 'nothing sure: no reply over TLS within 8 s' });
    expect(read({ outcome: 'error', text: 'connection refused', next: '', ms: 30 }).findings[0]).toEqual({ tone: 'bad', text: 'not checked: connection refused' });
    expect(readTlsInjection('nowhere.example', 25, { kind: 'none', reason: 'refused', detail: 'port 2525 is not dialled' }).findings).toEqual([{ tone: 'warn', text: 'not checked: port 2525 is not dialled' }]);
  });
});
