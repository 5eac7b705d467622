/**
 * The parameters of MAIL FROM and RCPT TO (RFC 5321 §4.1.2's Mail-parameters and Rcpt-parameters): the EHLO keyword
 * each needs, and the form Tab offers it in. One table for the coach (a parameter the server did not advertise) and
 * for completion (the parameters it did). Pure.
 */

export interface ParamInfo {
  /** Its name, upper case. */
  name: string;
  /** The EHLO keyword it needs, given its value (BODY=BINARYMIME needs BINARYMIME, BODY=8BITMIME 8BITMIME). */
  extension: (value: string) => string;
  /** What Tab fills in: the name, "=", and a common value when there is one. */
  offer: readonly string[];
  /** Offered only over TLS (REQUIRETLS, RFC 8689 §4.1). */
  tlsOnly?: boolean;
}

const always = (kw: string) => (): string => kw;

/** MAIL FROM's parameters (RFC 1870, 6152, 3030, 6531, 3461, 8689, 2852, 6710, 4954). */
export const MAIL_PARAMS: readonly ParamInfo[] = [
  { name: 'SIZE', extension: always('SIZE'), offer: ['SIZE='] },
  { name: 'BODY', extension: (v) => (v.toUpperCase() === 'BINARYMIME' ? 'BINARYMIME' : '8BITMIME'), offer: ['BODY=8BITMIME', 'BODY=BINARYMIME'] },
  { name: 'SMTPUTF8', extension: always('SMTPUTF8'), offer: ['SMTPUTF8'] },
  { name: 'RET', extension: always('DSN'), offer: ['RET=HDRS', 'RET=FULL'] },
  { name: 'ENVID', extension: always('DSN'), offer: ['ENVID='] },
  { name: 'REQUIRETLS', extension: always('REQUIRETLS'), offer: ['REQUIRETLS'], tlsOnly: true },
  { name: 'BY', extension: always('DELIVERBY'), offer: ['BY='] },
  { name: 'MT-PRIORITY', extension: always('MT-PRIORITY'), offer: ['MT-PRIORITY='] },
  { name: 'AUTH', extension: always('AUTH'), offer: ['AUTH=<>'] },
];

/** RCPT TO's parameters (RFC 3461 §4). */
export const RCPT_PARAMS: readonly ParamInfo[] = [
  { name: 'NOTIFY', extension: always('DSN'), offer: ['NOTIFY=SUCCESS,FAILURE', 'NOTIFY=NEVER'] },
  { name: 'ORCPT', extension: always('DSN'), offer: ['ORCPT=rfc822;'] },
];

/** The parameter of this verb by its name, if heloterm knows it. */
export function paramInfo(verb: 'MAIL' | 'RCPT', name: string): ParamInfo | undefined {
  return (verb === 'MAIL' ? MAIL_PARAMS : RCPT_PARAMS).find((p) => p.name === name.toUpperCase());
}
