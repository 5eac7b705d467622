/**
 * Socket and DNS errors -> the protocol's stable error codes with a plain reason a learner can act on.
 * Pure: takes the error's `code` and `message`, never the socket.
 */
import { ERROR_CODES, type ErrorCode } from '../shared/protocol/messages.js';

export interface BridgeError {
  code: ErrorCode;
  message: string;
}

/** DNS answers meaning "this name has no address" (getaddrinfo's EAI_NONAME surfaces as ENOTFOUND in Node). */
const DNS_MISSING = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'EAI_NODATA']);

/**
 * A name that resolves, but to no address of the IP version asked for (`telnet -6`; target-policy.ts): its message
 * says so, and names the addresses it has.
 */
export class NoAddressOfVersion extends Error {
  readonly code = 'ENODATA';
}

/** The errno-ish code of a thrown value, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** The code of a thrown value, or EUNKNOWN: what lookups and fetches report when one fails. */
export function codeOf(err: unknown): string {
  return errnoOf(err) ?? 'EUNKNOWN';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * OpenSSL's reason in a TLS error, with Node's code for it: "wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)"
 * for "80…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/…:350:" (the library,
 * function, source file and line say nothing to an admin). Other errors keep their message, with their code.
 */
export function tlsReason(err: unknown, errno: string | undefined): string {
  const message = messageOf(err);
  const reason = /:SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
  return errno === undefined ? reason : `${reason} (${errno})`;
}

/**
 * Maps an error raised while dialling or talking to host:port.
 * `duringTls` is true once TCP is up and a TLS handshake is in flight: then a failure is a TLS failure.
 */
export function mapNetError(err: unknown, host: string, port: number, duringTls = false): BridgeError {
  const errno = errnoOf(err);
  if (errno === 'ECONNREFUSED') {
    return { code: ERROR_CODES.CONNECTION_REFUSED, message: `connection refused: nothing listens on ${host}:${port}` };
  }
  if (err instanceof NoAddressOfVersion) return { code: ERROR_CODES.DNS_NOT_FOUND, message: err.message };
  if (errno !== undefined && DNS_MISSING.has(errno)) {
    return { code: ERROR_CODES.DNS_NOT_FOUND, message: `DNS name not found: ${host} has no address (${errno})` };
  }
  if (errno === 'ETIMEDOUT') {
    return { code: ERROR_CODES.TIMEOUT, message: `no answer from ${host}:${port} (ETIMEDOUT)` };
  }
  if (duringTls) {
    return { code: ERROR_CODES.TLS_FAILED, message: `TLS handshake with ${host}:${port} failed: ${tlsReason(err, errno)}` };
  }
  return { code: ERROR_CODES.NETWORK, message: `network error with ${host}:${port}: ${errno ?? 'error'} (${messageOf(err)})` };
}
