/**
 * Why a server's certificate did not verify, as data: the reasons the bridge reports after a TLS handshake (the
 * `authorizationError` of the `tls` message: OpenSSL's verify result names as Node gives them, and Node's own
 * ERR_TLS_CERT_ALTNAME_INVALID for a name that does not match), each with what it means for mail and what to do.
 * No logic here: tls-report.ts looks them up.
 *
 * Written for this project from RFC 5280 §6.1 (path validation) and §4.1.2.5 (validity), RFC 8446 §4.4.2 (the
 * chain a server sends), RFC 9525 §6 (names; formerly RFC 6125 §6.4), RFC 7817 (names for mail submission),
 * RFC 3207 §4.1 (believing a certificate is the client's choice), RFC 7435 (opportunistic TLS), RFC 8461 §4.2
 * (MTA-STS) and RFC 7672 §3.1 (DANE for SMTP).
 */

export interface TlsErrorEntry {
  /** The reason as Node reports it: "CERT_HAS_EXPIRED". */
  readonly code: string;
  /** A few words: "Certificate expired". */
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
  readonly source: string;
}

/**
 * What an unverified certificate costs on the mail paths, said once and referred to: on port 25 most senders
 * encrypt without checking (opportunistic TLS), but those that check do refuse.
 */
const WHO_CHECKS =
  'Most MTAs sending to port 25 encrypt without checking (opportunistic TLS) and deliver anyway; senders that check (MTA-STS in enforce mode, DANE-TA) refuse, and mail clients on 587 and 465 warn or refuse.';

export const TLS_ERRORS: readonly TlsErrorEntry[] = [
  {
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    title: 'Self-signed certificate',
    explanation: `The server's certificate is signed with its own key: no certificate authority vouches for it, so a client cannot tell this server from an impostor. Usual on test servers (the practice server's is self-signed on purpose). ${WHO_CHECKS}`,
    action:
      'For a public MX or submission server, get a certificate from a certificate authority for the host name clients connect to (for instance by ACME, RFC 8555), or publish a DANE-EE TLSA record (3 1 1) for this one under DNSSEC.',
    source: 'RFC 5280 §6.1; RFC 7435; RFC 8461 §4.2; RFC 7672 §3.1.1',
  },
  {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
    title: 'Chain ends in an untrusted root',
    explanation: `The server sent a chain that ends in a self-signed root certificate the bridge's machine does not trust: a private certificate authority, or a TLS-inspecting middlebox between here and the server. ${WHO_CHECKS}`,
    action:
      'If it is your own private CA, only clients given its root certificate will trust it: for a public MX or submission server use a public CA. If you did not expect it, look for a firewall or proxy that intercepts TLS on this path.',
    source: 'RFC 5280 §6.1; RFC 8446 §4.4.2',
  },
  {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    title: 'Intermediate certificate missing',
    explanation:
      "The bridge could not find who issued the server's certificate: almost always the server sends its own certificate without the intermediate certificate that links it to a trusted root. Browsers sometimes fetch the missing piece; MTAs and mail clients do not.",
    action:
      "Configure the full chain, the server's certificate first, then the intermediates (the fullchain.pem of an ACME client, not cert.pem): Postfix smtpd_tls_chain_files (or smtpd_tls_cert_file holding the chain), Exim tls_certificate. Then reload the MTA.",
    source: 'RFC 8446 §4.4.2; RFC 5280 §6.1',
  },
  {
    code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    title: 'Issuer not trusted here',
    explanation:
      'A certificate in the chain was issued by a certificate authority that is not in the trust store of the machine running the heloterm bridge: the intermediate certificate is missing from what the server sent, or the chain leads to a private CA.',
    action:
      "Send the full chain from the server (see UNABLE_TO_VERIFY_LEAF_SIGNATURE). For a private CA that the bridge should trust, start the bridge with NODE_EXTRA_CA_CERTS naming the CA's certificate file.",
    source: 'RFC 5280 §6.1; RFC 8446 §4.4.2',
  },
  {
    code: 'UNABLE_TO_GET_ISSUER_CERT',
    title: 'Issuer certificate not found',
    explanation:
      'The certificate of an issuer in the chain could not be found, neither among what the server sent nor in the trust store: the chain is incomplete.',
    action: "Configure the server's full chain, its own certificate first, then each intermediate, and reload the MTA.",
    source: 'RFC 5280 §6.1; RFC 8446 §4.4.2',
  },
  {
    code: 'CERT_HAS_EXPIRED',
    title: 'Certificate expired',
    explanation: `A certificate in the chain is past the end of its validity period (its notAfter date). ${WHO_CHECKS}`,
    action:
      'Renew the certificate, then reload the MTA (a renewed file on disk is not used until Postfix is reloaded or Exim restarted), and check that renewal runs on its own: ACME certificates last 90 days or less.',
    source: 'RFC 5280 §4.1.2.5; RFC 8461 §4.2',
  },
  {
    code: 'CERT_NOT_YET_VALID',
    title: 'Certificate not valid yet',
    explanation:
      "A certificate in the chain is valid only from a date still to come (its notBefore date): the certificate was just issued by a CA with a wrong clock, or the clock of the bridge's machine is behind.",
    action: 'Check the clocks (NTP) on the server and on the machine running the bridge; if it was issued with a future date, reissue it.',
    source: 'RFC 5280 §4.1.2.5',
  },
  {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    title: 'Certificate not for this host name',
    explanation:
      'The chain is trusted, but none of the names on the certificate matches the host the bridge connected to. Senders that check (MTA-STS) match the MX host name, not the mail domain; mail clients match the name they were set up with.',
    action:
      'Connect by the name senders use (the MX host name, or the submission host name), not by an address or an alias. If that fails too, issue a certificate that lists that name in its subjectAltName.',
    source: 'RFC 9525 §6.3; RFC 7817 §3; RFC 8461 §4.2',
  },
  {
    code: 'HOSTNAME_MISMATCH',
    title: 'Certificate not for this host name',
    explanation: 'None of the names on the certificate matches the host the bridge connected to.',
    action: "Connect by the name senders use (the MX host name); otherwise issue a certificate that lists it in its subjectAltName.",
    source: 'RFC 9525 §6.3; RFC 7817 §3',
  },
  {
    code: 'CERT_REVOKED',
    title: 'Certificate revoked',
    explanation: 'The certificate authority has withdrawn this certificate before its end date (a leaked key, a mis-issue).',
    action: 'Install a newly issued certificate (with a new key if the old one leaked) and reload the MTA.',
    source: 'RFC 5280 §3.3',
  },
  {
    code: 'CERT_SIGNATURE_FAILURE',
    title: 'Bad certificate signature',
    explanation:
      "A certificate's signature does not verify with its issuer's key: the file is damaged, or the chain holds the wrong intermediate (one with the same name but another key, after a CA rolled its keys).",
    action: "Reinstall the chain exactly as the CA provides it now, the server's certificate first, and reload the MTA.",
    source: 'RFC 5280 §6.1.3',
  },
  {
    code: 'INVALID_CA',
    title: 'Chain holds a certificate that may not sign',
    explanation:
      'A certificate used as an issuer in the chain is not allowed to issue certificates (its basicConstraints says it is not a CA): the chain is in the wrong order, or holds the server certificate twice.',
    action: "Send the chain in order: the server's certificate, then each intermediate that signed the one before it.",
    source: 'RFC 5280 §4.2.1.9; RFC 8446 §4.4.2',
  },
  {
    code: 'INVALID_PURPOSE',
    title: 'Certificate not meant for a TLS server',
    explanation: "The certificate's extended key usage does not allow it to identify a TLS server (for instance a client or code-signing certificate).",
    action: 'Issue a certificate with the serverAuth extended key usage for the MTA.',
    source: 'RFC 5280 §4.2.1.12',
  },
  {
    code: 'EE_KEY_TOO_SMALL',
    title: 'Key too small',
    explanation: "The server certificate's key is too small for the bridge's TLS library to accept (for instance RSA under 2048 bits).",
    action: 'Reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 key.',
    source: 'RFC 7525 §4.3 (BCP 195)',
  },
  {
    code: 'CA_MD_TOO_WEAK',
    title: 'Weak signature algorithm',
    explanation: 'A certificate in the chain is signed with a hash no longer accepted (MD5 or SHA-1).',
    action: 'Reissue the certificate (and use a chain) signed with SHA-256 or better.',
    source: 'RFC 8446 §4.4.2.4',
  },
  {
    code: 'CERT_CHAIN_TOO_LONG',
    title: 'Chain too long',
    explanation: 'The chain the server sent is longer than the bridge allows: usually certificates that do not belong to it.',
    action: "Send only the server's certificate and its intermediates, not the root and not other certificates.",
    source: 'RFC 5280 §6.1; RFC 8446 §4.4.2',
  },
];

/** Said of a reason not in the list above. */
export const UNKNOWN_TLS_ERROR: Omit<TlsErrorEntry, 'code'> = {
  title: 'Certificate not verified',
  explanation: `The bridge could not verify the server's certificate for this reason. ${WHO_CHECKS}`,
  action: "Look at the certificate lines above: who it is for, who issued it, its dates. The reason's name is OpenSSL's or Node's.",
  source: 'RFC 5280 §6.1; RFC 3207 §4.1',
};
