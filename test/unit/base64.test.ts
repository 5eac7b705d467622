/**
 * Base64 for AUTH by hand (shared/smtp/base64.ts): the RFC 4648 test vectors, UTF-8 both ways, what is not base64;
 * the coach reading an AUTH challenge aloud; and /base64 in the terminal.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_COMMANDS, localCommand } from '../../client/terminal/local-commands.js';
import { randomBytes } from 'node:crypto';
import { base64Decode, fromBase64, toBase64 } from '../../shared/smtp/base64.js';
import { Coach, type Hint } from '../../shared/smtp/coach.js';
import { ReplyParser } from '../../shared/smtp/parser.js';
import { SessionModel } from '../../shared/smtp/session.js';

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('base64', () => {
  it('gives the RFC 4648 §10 test vectors both ways', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, b64] of vectors) {
      expect(toBase64(text)).toBe(b64);
      expect(fromBase64(b64)).toBe(text);
    }
  });

  it('encodes what AUTH needs, UTF-8 included, and reads it back', () => {
    expect(toBase64('\0trainee\0practice')).toBe('AHRyYWluZWUAcHJhY3RpY2U=');
    expect(fromBase64('VXNlcm5hbWU6')).toBe('Username:');
    expect(fromBase64('UGFzc3dvcmQ6')).toBe('Password:');
    for (const text of ['jörg@bücher.example', '📮 mail', 'a\u0000b', '\ud800 lone surrogate']) {
      expect(fromBase64(toBase64(text))).toBe(text.replace('\ud800', '\ufffd'));
    }
    // Bytes that are not UTF-8 read as Latin-1, not as an error.
    expect(fromBase64('/w==')).toBe('\u00ff');
  });

  it('refuses what is not base64, and takes it unpadded or broken over lines', () => {
    for (const bad of ['!!!!', 'Zm9v=', 'Zg=', 'Z', 'Zm9vY', 'Zg==Zg==']) expect(fromBase64(bad), bad).toBeNull();
    expect(fromBase64('Zm9vYg')).toBe('foob');
    expect(fromBase64('Zm9v\r\nYmFy')).toBe('foobar');
  });

  it("decodes bytes as Node's Buffer does: every length, padded or not, broken over lines", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = randomBytes(n);
      const b64 = bytes.toString('base64');
      expect(Array.from(base64Decode(b64) ?? [-1]), b64).toEqual(Array.from(bytes));
      expect(Array.from(base64Decode(b64.replace(/=+$/, '')) ?? [-1])).toEqual(Array.from(bytes));
      expect(Array.from(base64Decode(b64.replace(/.{7}/g, '$&\r\n ')) ?? [-1])).toEqual(Array.from(bytes));
    }
    for (const no of ['A===', 'AB=C', 'ABCDE', 'A', '====', 'AB\u00e9C', 'AB-_']) expect(base64Decode(no), no).toBeNull();
  });
});

describe('the coach and an AUTH challenge', () => {
  /** Hints after each server line of a dialog of `C:`/`S:` lines. */
  function hints(lines: string[]): Hint[] {
    const model = new SessionModel();
    const coach = new Coach();
    const parser = new ReplyParser();
    const out: Hint[] = [];
    model.connected();
    for (const l of lines) {
      if (l.startsWith('C: ')) model.sent(l.slice(3));
      else for (const e of parser.push(`${l.slice(3)}\r\n`)) if (e.kind === 'reply') out.push(...coach.afterReply(model.received(e.reply)));
    }
    return out;
  }

  it('reads the challenges of AUTH LOGIN aloud and says what to answer', () => {
    const h = hints(['S: 220 x', 'C: EHLO me', 'S: 250 AUTH LOGIN', 'C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: dHJhaW5lZQ==', 'S: 334 UGFzc3dvcmQ6']);
    const texts = h.filter((x) => x.id === 'auth-challenge').map((x) => x.text);
    expect(texts).toEqual([
      'The challenge is base64 for "Username:": answer with your user name in base64 (/base64 text gives it), or * to cancel.',
      'The challenge is base64 for "Password:": answer with your password in base64 (/base64 text gives it), or * to cancel.',
    ]);
    expect(h.every((x) => x.source === 'RFC 4954 §4')).toBe(true);
  });

  it('explains an empty challenge, and never passes a challenge\'s control characters on', () => {
    expect(hints(['S: 220 x', 'C: AUTH PLAIN', 'S: 334 ']).map((x) => x.id)).toContain('auth-empty-challenge');
    const odd = hints(['S: 220 x', 'C: AUTH X', `S: 334 ${toBase64('\x1b[2Jhi')}`]).find((x) => x.id === 'auth-challenge');
    expect(odd?.text).toContain('"^[[2Jhi"');
    const notB64 = hints(['S: 220 x', 'C: AUTH X', 'S: 334 not base64!']).find((x) => x.id === 'auth-challenge');
    expect(notB64?.text).toContain('"not base64!" is not base64 itself');
  });

  it('reads an OAuth error challenge as the refusal it is, and says how to end the exchange for each mechanism', () => {
    // Google's XOAUTH2 documentation: the error a refused token gets, base64 of JSON.
    const googleError = 'eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K';
    const token = toBase64('user=someuser@example.com\x01auth=Bearer ya29.expired\x01\x01');
    const xoauth2 = hints(['S: 220 x', 'C: EHLO me', 'S: 250 AUTH XOAUTH2', `C: AUTH XOAUTH2 ${token}`, `S: 334 ${googleError}`]).find((x) => x.id === 'auth-oauth-error');
    expect(xoauth2?.text).toBe(
      'The server refused the OAuth token: this challenge is its error (status 401), not a question. Answer an empty line to end the exchange; the final reply is a 535. Get a new access token with the scope https://mail.google.com/ (they expire within an hour) and try again.',
    );
    expect(xoauth2?.source).toBe('RFC 7628 §3.2.2, §3.2.3');
    // RFC 7628 §4's example of a failed OAUTHBEARER: the client ends it with ^A.
    const rfcError = toBase64('{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}');
    const bearer = hints(['S: 220 x', 'C: AUTH OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2c9PQEB', `S: 334 ${rfcError}`]);
    expect(bearer.find((x) => x.id === 'auth-oauth-error')?.text).toContain('(status invalid_token), not a question. Answer AQ== (base64 of ^A) to end the exchange');
    // Not JSON, or JSON without a status: a challenge like any other.
    for (const other of ['{not json', '{"scope":"x"}', '["status"]']) {
      expect(hints(['S: 220 x', 'C: AUTH XOAUTH2', `S: 334 ${toBase64(other)}`]).map((x) => x.id), other).toEqual(['auth-challenge']);
    }
  });
});

describe('heloterm commands during AUTH and in message text', () => {
  const state = new SessionModel().state;
  it('takes a known command in answer to a challenge (/base64 is wanted then), but leaves base64 starting with "/" alone', () => {
    expect(localCommand('/base64 trainee', state, 'auth-response')?.kind).toBe('text');
    expect(localCommand('/help', state, 'auth-response')?.kind).toBe('text');
    expect(localCommand('/w==', state, 'auth-response')).toBeNull();
    expect(localCommand('/nope', state, 'auth-response')).toBeNull();
    expect(localCommand('/help', state, 'message-text')).toBeNull();
    expect(localCommand('/help', state, 'end-of-data')).toBeNull();
  });

  it('knows the same words it answers to', () => {
    for (const word of LOCAL_COMMANDS) {
      const c = localCommand(`/${word}`, state);
      expect(c === null || (c.kind === 'text' && plain(c.text).includes('unknown heloterm command')), word).toBe(false);
    }
    const unknown = localCommand('/frobnicate', state);
    expect(unknown?.kind === 'text' && plain(unknown.text)).toContain('unknown heloterm command');
  });
});

describe('/base64', () => {
  const state = new SessionModel().state;
  const say = (line: string): string => {
    const c = localCommand(line, state);
    if (c?.kind !== 'text') throw new Error(`${line}: ${JSON.stringify(c)}`);
    return plain(c.text).trim();
  };

  it('encodes with \\0 for the NUL byte, and decodes', () => {
    expect(say('/base64 \\0trainee\\0practice')).toBe('-- base64 of ^@trainee^@practice: AHRyYWluZWUAcHJhY3RpY2U=');
    expect(say('/b64 back\\\\slash and spaces')).toBe(`-- base64 of back\\slash and spaces: ${toBase64('back\\slash and spaces')}`);
    expect(say('/base64 -d VXNlcm5hbWU6')).toBe('-- VXNlcm5hbWU6 is base64 for: Username:');
    expect(say('/base64 -d AHRyYWluZWUAcHJhY3RpY2U=')).toBe('-- AHRyYWluZWUAcHJhY3RpY2U= is base64 for: ^@trainee^@practice');
    expect(say('/base64 -d %%%')).toBe('-- "%%%" is not base64');
    expect(say('/base64')).toContain('/base64 \\0user\\0password encodes');
    expect(say('/base64')).toContain('\\x01 the ^A of XOAUTH2');
  });

  it('encodes \\xHH as that ASCII byte: the ^A separators of XOAUTH2 and OAUTHBEARER', () => {
    // Google's XOAUTH2 example: user=someuser@example.com^Aauth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg^A^A
    expect(say('/base64 user=someuser@example.com\\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\\x01\\x01')).toBe(
      '-- base64 of user=someuser@example.com^Aauth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg^A^A: dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==',
    );
    expect(say('/base64 -d dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==')).toContain(
      'is base64 for: user=someuser@example.com^Aauth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg^A^A',
    );
    // Upper or lower case; only ASCII (a byte above 7F is not one character of UTF-8 text): left as typed.
    expect(say('/base64 \\X41\\x7e')).toBe(`-- base64 of A~: ${toBase64('A~')}`);
    expect(say('/base64 \\xff')).toBe(`-- base64 of \\xff: ${toBase64('\\xff')}`);
  });
});
