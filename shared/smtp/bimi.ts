/**
 * BIMI (Brand Indicators for Message Identification, draft-brand-indicators-for-message-identification): the logo
 * Gmail, Apple Mail and Yahoo show beside a domain's mail, announced by a "v=BIMI1" TXT record at
 * default._bimi.<domain>: `l=` the logo (an SVG, in the SVG Tiny Portable/Secure profile, over https), `a=` the mark
 * certificate that vouches for it (a VMC or a CMC, a PEM file over https; Gmail and Apple show no logo without one).
 * Receivers look at it only for mail that passes DMARC under a policy that enforces it (p=quarantine or reject, at
 * pct=100). Read here as those receivers read it; neither file is fetched. Pure.
 */
import type { PolicyRecords } from '../protocol/messages.js';
import { tagList } from './dkim.js';
import type { Finding } from './types.js';

/** What one BIMI record says, without the DMARC policy it depends on. */
export function bimiRecordFindings(record: string): Finding[] {
  const t = tagList(record);
  const l = t.get('l');
  const a = t.get('a');
  // "v=BIMI1; l=; a=;" says the domain shows no logo (a declination), which no selector below it overrides.
  if ((l === undefined || l === '') && (a === undefined || a === '')) {
    return [{ tone: 'info', text: 'no l= (or an empty one): the domain declines to show a logo' }];
  }
  const out: Finding[] = [];
  if (l === undefined || l === '') out.push({ tone: 'bad', text: 'no l=: the record names no logo, and receivers show none' });
  else if (!/^https:\/\/\S+\.svg$/i.test(l)) out.push({ tone: 'bad', text: `l=${l}: the logo must be an SVG file over https (…/logo.svg); receivers ignore it otherwise` });
  else out.push({ tone: 'ok', text: `l=${l}: the logo, which must be an SVG in the SVG Tiny Portable/Secure profile (a square image, no scripts nor links) or receivers show none` });
  if (a === undefined || a === '') {
    out.push({ tone: 'warn', text: 'no a=: no mark certificate (VMC or CMC) vouches for the logo: Gmail and Apple Mail show none without one; Yahoo may, for senders of good reputation' });
  } else if (!/^https:\/\/\S+\.pem$/i.test(a)) {
    out.push({ tone: 'bad', text: `a=${a}: the mark certificate must be a PEM file over https (…/vmc.pem); receivers ignore it otherwise` });
  } else out.push({ tone: 'ok', text: `a=${a}: the mark certificate (a VMC, or a CMC) that vouches for the logo` });
  return out;
}

/**
 * A domain's BIMI record, read with its DMARC policy: `enforced` is whether the policy that applies to its mail
 * quarantines or rejects all failing mail (p=quarantine or reject, pct=100), null when it has none.
 */
export function bimiFindings(p: PolicyRecords | undefined, enforced: boolean | null): Finding[] {
  if (p === undefined || p.kind === 'none') return [];
  if (p.kind === 'error') return [{ tone: 'info', text: `BIMI: ${p.detail}` }];
  if (p.count > 1) return [{ tone: 'bad', text: `${p.count} BIMI records at default._bimi: receivers use none of them. Keep one` }];
  const record = p.records[0] ?? '';
  const out: Finding[] = [{ tone: 'info', text: `BIMI: ${record}` }, ...bimiRecordFindings(record)];
  if (out.some((f) => f.text.startsWith('no l= (or an empty one)'))) return out;
  if (enforced === false || enforced === null) {
    out.push({
      tone: 'bad',
      text: `receivers show the logo only for mail that passes DMARC under p=quarantine or p=reject at pct=100: ${enforced === null ? 'there is no DMARC record' : 'the DMARC policy does not enforce'}, so no logo is shown`,
    });
  } else out.push({ tone: 'ok', text: 'DMARC enforces (quarantine or reject, on all mail): mail that passes DMARC may show the logo' });
  return out;
}
