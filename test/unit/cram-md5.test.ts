/**
 * `/cram-md5 USER PASSWORD` (client/terminal/cram-md5.ts): the answer to a CRAM-MD5 challenge as RFC 2195 computes
 * it, the command read from the line with its password shown as dots, and the coach's word on the challenge.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cramMd5Answer } from '../../client/terminal/cram-md5.js';
import { passwordFrom, localCommand } from '../../client/terminal/local-commands.js';
import { challengeHint } from '../../shared/smtp/coach-hints.js';
import { initialState } from '../../shared/smtp/session-state.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('the CRAM-MD5 answer', () => {
  it("gives RFC 2195's example: tim, tanstaaftanstaaf, and the post office's challenge", () => {
    expect(cramMd5Answer('tim', 'tanstaaftanstaaf', b64('<1896.697170952@postoffice.reston.mci.net>'))).toEqual({
      challenge: '<1896.697170952@postoffice.reston.mci.net>',
      digest: 'b913a602c7eda7a495b4e6e7334d3890',
      answer: 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw',
    });
  });

  it("agrees with Node's own HMAC-MD5 for a password longer than MD5's block and one beyond ASCII", () => {
    const challenge = '<4f1a9c.1796127721@practice.test>';
    for (const password of ['p'.repeat(100), 'pässwörd', '']) {
      const digest = createHmac('md5', Buffer.from(password, 'utf8')).update(challenge).digest('hex');
      expect(cramMd5Answer('trainee', password, b64(challenge))?.answer).toBe(b64(`trainee ${digest}`));
    }
  });

  it('makes none from a challenge that is not base64, or an empty one', () => {
    expect(cramMd5Answer('tim', 'x', 'not base64!')).toBeNull();
    expect(cramMd5Answer('tim', 'x', '')).toBeNull();
  });
});

describe('/cram-md5 on the line', () => {
  it('is taken as a command while a challenge waits for its answer, user and password apart', () => {
    expect(localCommand('/cram-md5 trainee my secret', initialState(), 'auth-response')).toEqual({ kind: 'cram-md5', user: 'trainee', password: 'my secret' });
    expect(localCommand('/cram trainee practice', initialState(), 'command')).toEqual({ kind: 'cram-md5', user: 'trainee', password: 'practice' });
    // Without a password: how to use it, not an answer.
    expect(localCommand('/cram-md5 trainee', initialState(), 'auth-response')).toMatchObject({ kind: 'text', text: expect.stringContaining('/cram-md5 USER PASSWORD answers a CRAM-MD5 challenge') });
  });

  it('shows its password as dots (from where it begins), and nothing of a line without one', () => {
    expect(passwordFrom('/cram-md5 trainee practice')).toBe('/cram-md5 trainee '.length);
    expect(passwordFrom('/CRAM  trainee  p')).toBe('/CRAM  trainee  '.length);
    expect(passwordFrom('/cram-md5 trainee')).toBeNull();
    expect(passwordFrom('/cram-md5 trainee ')).toBeNull();
    expect(passwordFrom('/base64 trainee practice')).toBeNull();
  });
});

describe("the coach on a CRAM-MD5 challenge", () => {
  it('says what the answer is made of and that /cram-md5 computes it; other mechanisms are answered with /base64', () => {
    const challenge = b64('<4f1a9c.1796127721@practice.test>');
    expect(challengeHint(challenge, 'cram-md5')).toMatchObject({ id: 'auth-cram-md5', source: 'RFC 2195 §2' });
    expect(challengeHint(challenge, 'CRAM-MD5').text).toContain('/cram-md5 USER PASSWORD computes it here');
    expect(challengeHint(b64('Username:'), 'LOGIN').id).toBe('auth-challenge');
  });
});
