/**
 * Domain names beyond ASCII (internationalized: bücher.de) in the form DNS and mail servers know, their A-labels
 * (xn--bcher-kva.de: IDNA, RFC 5890 and RFC 5891), by the browser's own URL parser, as an address bar converts them
 * (UTS #46). A name in ASCII is returned as it is; null when the parser refuses the name.
 */

/** Characters that would make the URL parser read something else than a host name. */
const NOT_IN_A_NAME = /[/?#@:\\\s[\]%]/;

export function asciiDomain(name: string): string | null {
  if (!/[^\x00-\x7f]/.test(name)) return name;
  if (NOT_IN_A_NAME.test(name)) return null;
  try {
    return new URL(`http://${name}/`).hostname;
  } catch {
    return null;
  }
}

/** A domain, or an address's domain, in A-labels: "bob@bücher.de" → "bob@xn--bcher-kva.de"; null when refused. */
export function asciiAddressDomain(text: string): string | null {
  const at = text.lastIndexOf('@');
  const domain = asciiDomain(text.slice(at + 1));
  return domain === null ? null : text.slice(0, at + 1) + domain;
}
