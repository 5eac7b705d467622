/**
 * `/scram`'s SCRAM client (client/terminal/scram.ts) against the worked examples of RFC 5802 §5 (SCRAM-SHA-1) and
 * RFC 7677 §3 (SCRAM-SHA-256): same user, password, nonces and salt, the same proof and server signature. The
 * exchange as `/scram` walks it, and what a hostile or wrong server message gets.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../shared/smtp/base64.js';
import { challengeHint } from '../../shared/smtp/coach-hints.js';
import { localCommand, passwordFrom } from '../../client/terminal/local-commands.js';
import { initialState } from '../../shared/smtp/session-state.js';
import { MAX_ITERATIONS, ScramExchange, clientFirst, readServerFinal, readServerFirst, saslName, saslPrep, scramProof, type ScramMechanism } from '../../client/terminal/scram.js';

/** The RFCs' examples: user "user", password "pencil". */
const EXAMPLES: { mechanism: ScramMechanism; nonce: string; serverFirst: string; clientFinal: string; serverFinal: string }[] = [
  {
    mechanism: 'SCRAM-SHA-1',
    nonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    mechanism: 'SCRAM-SHA-256',
    nonce: 'rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
];

describe('SCRAM', () => {
  for (const ex of EXAMPLES) {
    it(`computes the proof and the server's signature of the RFC's ${ex.mechanism} example`, () => {
      const first = clientFirst('user', ex.nonce);
      expect(first.message).toBe(`n,,n=user,r=${ex.nonce}`);
      const server = readServerFirst(ex.serverFirst, ex.nonce);
      if ('problem' in server) throw new Error(server.problem);
      expect(server.iterations).toBe(4096);
      const proof = scramProof(ex.mechanism, 'pencil', first.bare, ex.serverFirst, server);
      expect(proof.clientFinal).toBe(ex.clientFinal);
      expect(`v=${proof.serverSignature}`).toBe(ex.serverFinal);
      // Another password, another proof.
      expect(scramProof(ex.mechanism, 'pencil2', first.bare, ex.serverFirst, server).clientFinal).not.toBe(ex.clientFinal);
    });

    it(`walks the ${ex.mechanism} exchange as /scram does, in base64, and checks the server's signature`, () => {
      const scram = new ScramExchange();
      const start = scram.start(ex.mechanism, 'user', 'pencil', null, ex.nonce);
      expect('line' in start && start.line).toBe(`AUTH ${ex.mechanism} ${toBase64(`n,,n=user,r=${ex.nonce}`)}`);
      const final = scram.answer(toBase64(ex.serverFirst));
      expect('line' in final && fromBase64(final.line)).toBe(ex.clientFinal);
      expect(final.say).toContain('4,096 rounds');
      const checked = scram.answer(toBase64(ex.serverFinal));
      expect('line' in checked && checked.line).toBe('');
      expect(checked.say).toContain('signature checks');
      // The exchange is over: nothing more to answer.
      expect('line' in scram.answer(toBase64(ex.serverFinal))).toBe(false);
    });
  }

  it("says when the server's signature is not the password's, and when the server refuses the proof", () => {
    const ex = EXAMPLES[1]!;
    const scram = new ScramExchange();
    scram.start(ex.mechanism, 'user', 'pencil', null, ex.nonce);
    scram.answer(toBase64(ex.serverFirst));
    const wrong = scram.answer(toBase64('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    expect('line' in wrong).toBe(false);
    expect(wrong.say).toContain('does not know the password');
    scram.start(ex.mechanism, 'user', 'pencil', null, ex.nonce);
    scram.answer(toBase64(ex.serverFirst));
    expect(scram.answer(toBase64('e=invalid-proof')).say).toContain('refused the proof: e=invalid-proof');
  });

  it('answers an empty 334 (AUTH sent without a first message) with the first message; a challenge open is not begun over', () => {
    const scram = new ScramExchange();
    const start = scram.start('SCRAM-SHA-256', 'user', 'pencil', '', 'abc');
    expect('line' in start && start.line).toBe(toBase64('n,,n=user,r=abc'));
    const open = scram.start('SCRAM-SHA-256', 'user', 'pencil', toBase64('r=abcdef,s=c2FsdA==,i=4096'), 'abc');
    expect('line' in open).toBe(false);
    expect(open.say).toContain('type /scram alone');
  });

  it("refuses a server's first message that is not this exchange's, or would hold the page", () => {
    expect(readServerFirst('r=other,s=c2FsdA==,i=4096', 'mine')).toHaveProperty('problem');
    expect(readServerFirst('r=mine,s=c2FsdA==,i=4096', 'mine')).toHaveProperty('problem'); // no server part
    expect(readServerFirst('r=mine1,i=4096', 'mine')).toHaveProperty('problem');
    expect(readServerFirst('r=mine1,s=c2FsdA==', 'mine')).toHaveProperty('problem');
    expect(readServerFirst('r=mine1,s=c2FsdA==,i=0', 'mine')).toHaveProperty('problem');
    expect(readServerFirst('m=ext,r=mine1,s=c2FsdA==,i=4096', 'mine')).toHaveProperty('problem');
    const huge = readServerFirst(`r=mine1,s=c2FsdA==,i=${MAX_ITERATIONS + 1}`, 'mine');
    expect('problem' in huge && huge.problem).toContain('more than heloterm computes');
    expect(readServerFirst(`r=mine1,s=c2FsdA==,i=${MAX_ITERATIONS}`, 'mine')).toMatchObject({ nonce: 'mine1', iterations: MAX_ITERATIONS });
    // Through the exchange: said, no line, and the exchange still waits for a first message it can answer.
    const scram = new ScramExchange();
    scram.start('SCRAM-SHA-256', 'user', 'pencil', null, 'mine');
    const refused = scram.answer(toBase64('r=other,s=c2FsdA==,i=4096'));
    expect('line' in refused).toBe(false);
    expect(refused.say).toContain('send * to cancel');
    expect('line' in scram.answer('not base64!')).toBe(false);
    expect(readServerFinal('x=1')).toBeNull();
  });

  it('writes the user name and prepares the password as SCRAM does', () => {
    expect(saslName('a=b,c')).toBe('a=3Db=2Cc');
    expect(saslName('u\u00adser\u2163')).toBe('userIV'); // SASLprepped first (RFC 5802 §5.1)
    expect(saslName('\uff1d')).toBe('=3D'); // a full-width "=" becomes "=" by NFKC, then is escaped
    expect(saslPrep('I\u00adX')).toBe('IX');
    expect(saslPrep('a\u00a0b')).toBe('a b');
    expect(saslPrep('\u2168')).toBe('IX'); // NFKC
    expect(saslPrep('pencil')).toBe('pencil');
  });

  it('asks for /scram USER PASSWORD when nothing was begun, and for the AUTH line first when no 334 came', () => {
    const scram = new ScramExchange();
    expect(scram.answer(toBase64('r=x,s=c2FsdA==,i=1')).say).toContain('/scram USER PASSWORD begins one');
    scram.start('SCRAM-SHA-256', 'user', 'pencil', null, 'abc');
    expect(scram.answer(null).say).toContain('no challenge open');
    scram.forget();
    expect(scram.answer(null).say).toContain('/scram USER PASSWORD begins one');
  });

  it('is typed as /scram USER PASSWORD (the password from its first character to the end, shown as dots) and /scram alone', () => {
    const state = initialState();
    expect(localCommand('/scram trainee open sesame', state)).toEqual({ kind: 'scram', mechanism: 'SCRAM-SHA-256', start: { user: 'trainee', password: 'open sesame' } });
    expect(localCommand('/scram-sha-1 trainee pw', state)).toMatchObject({ kind: 'scram', mechanism: 'SCRAM-SHA-1' });
    expect(localCommand('/scram', state)).toEqual({ kind: 'scram', mechanism: 'SCRAM-SHA-256', start: null });
    // Typed while a challenge is open (the line would be an AUTH answer): still heloterm's.
    expect(localCommand('/scram', state, 'auth-response')).toMatchObject({ kind: 'scram', start: null });
    expect(localCommand('/scram trainee', state)).toMatchObject({ kind: 'text' });
    expect(passwordFrom('/scram trainee open sesame')).toBe('/scram trainee '.length);
    expect(passwordFrom('/SCRAM-SHA-256  trainee  p')).toBe('/SCRAM-SHA-256  trainee  '.length);
    expect(passwordFrom('/scram')).toBeNull();
    expect(passwordFrom('/scram trainee')).toBeNull();
  });

  it("explains a SCRAM challenge and points to /scram (the coach's hint after a 334)", () => {
    const h = challengeHint(toBase64('r=abc123,s=c2FsdA==,i=4096'), 'scram-sha-256');
    expect(h).toMatchObject({ id: 'auth-scram', source: 'RFC 5802 §5' });
    expect(h.text).toContain("SCRAM's first message, the server's nonce, salt and rounds");
    expect(h.text).toContain('/scram answers it here');
    // Each step in its own words: the signature at the end, and an error.
    const last = challengeHint(toBase64('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), 'SCRAM-SHA-256');
    expect(last).toMatchObject({ id: 'auth-scram', source: 'RFC 5802 §5' });
    expect(last.text).toContain("SCRAM's last message, the server's signature (v=)");
    expect(last.text).toContain('/scram checks it here; then an empty line ends the exchange');
    expect(challengeHint(toBase64('e=invalid-proof'), 'SCRAM-SHA-1').text).toContain("SCRAM's error (e=): the exchange has failed");
    expect(challengeHint(toBase64('r=abc123,s=c2FsdA==,i=4096'), 'SCRAM-SHA-256-PLUS').id).not.toBe('auth-scram');
  });
});
