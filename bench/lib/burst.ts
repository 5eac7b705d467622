/**
 * The reply text of the annotation burst (benchmark 5): real server replies, repeated. The replies are the server
 * side of the recorded Postfix, Exim and OpenSMTPD dialogs in test/fixtures/real-mta, plus a few published
 * provider rejections (quoted in test/unit/vendor-rules.test.ts) so the vendor rules are exercised too.
 *
 * 220, 221 and 354 replies are left out: sent unsolicited in the middle of a burst they would be read as a
 * greeting, a goodbye or a DATA go-ahead by the session model, which is not what is measured here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/real-mta/', import.meta.url));

/** Published provider texts (4xx/5xx), so matchVendorRules has work to do. */
const PROVIDER_REPLIES: readonly string[] = [
  '451 4.7.1 Greylisting in action, please come back in 00:05:00',
  '550 5.7.1 Service unavailable; client [192.0.2.1] blocked using dnsbl.example.net',
  '550-5.7.1 Unauthenticated email from mydomain.com is not accepted due\r\n' +
    "550-5.7.1 to domain's DMARC policy. Please contact the administrator of\r\n" +
    '550-5.7.1 mydomain.com domain if this was a legitimate mail. Please\r\n' +
    '550-5.7.1 visit\r\n' +
    '550-5.7.1 https://support.google.com/mail/answer/2451690 to learn about the\r\n' +
    '550 5.7.1 DMARC initiative. a22si5387311pfc.217 - gsmtp',
  '550 5.7.23 The message was rejected because of Sender Policy Framework violation',
  '421 4.7.0 [192.0.2.1] Our system has detected that this message is suspicious due to the very low reputation of the sending domain. - gsmtp',
  '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain',
];

/** Reply codes kept out of the burst (see the module comment). */
const EXCLUDED_CODES = new Set(['220', '221', '354']);

/** Complete replies (lines joined with CRLF, no final CRLF) from the fixture dialogs, in file order. */
function fixtureReplies(): string[] {
  const replies: string[] = [];
  for (const name of readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt')).sort()) {
    let current: string[] = [];
    for (const line of readFileSync(FIXTURE_DIR + name, 'utf8').split('\n')) {
      if (!line.startsWith('S: ')) continue;
      const text = line.slice(3);
      current.push(text);
      // A reply ends at a line whose fourth character is not a hyphen (RFC 5321 §4.2.1).
      if (text[3] !== '-') {
        if (!EXCLUDED_CODES.has(text.slice(0, 3))) replies.push(current.join('\r\n'));
        current = [];
      }
    }
  }
  return replies;
}

/** The replies of one cycle of the burst, each CRLF-terminated. */
export function burstReplies(): string[] {
  return [...fixtureReplies(), ...PROVIDER_REPLIES].map((r) => r + '\r\n');
}

/** One cycle of the burst: every fixture reply and every provider reply. */
export function burstCycle(): string {
  return burstReplies().join('');
}

/** Reply text of about `bytes` bytes (whole cycles and then whole replies; never a partial reply). */
export function burstText(bytes: number): string {
  const replies = burstReplies();
  const cycle = replies.join('');
  const parts = [cycle.repeat(Math.floor(bytes / cycle.length))];
  let length = parts[0]?.length ?? 0;
  for (const reply of replies) {
    if (length >= bytes) break;
    parts.push(reply);
    length += reply.length;
  }
  return parts.join('');
}
