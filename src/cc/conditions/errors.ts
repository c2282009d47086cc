/**
 * Error codes of the crypto-conditions library. Every rejection is data: a stable `code`, the CC.md
 * `rule` it enforces (e.g. `A6.2`), and a message that starts with that rule. Parsers return these in a
 * `Result`; internally they throw `CCFail`, which each public entry point catches and converts.
 */
import type { ErrorData } from '../../util/errors.ts';

/** The library's error codes (CC.md B12 where it names them, plus the library-only ones). */
export const CCErrorCode = {
  /** A binary encoding breaks a strict-DER rule (A6), names an unknown type, or does not re-encode identically. */
  PARSE: 'CC_PARSE',
  /** An A10 bound is exceeded: depth, children, fingerprint contents, node or root cost, eval code, fulfillment size. */
  LIMIT: 'CC_LIMIT',
  /** A tree uses a type outside the allowed set (`checkTypes`, CC.md B6.1). */
  TYPE: 'CC_TYPE',
  /** The condition derived from a fulfillment is not byte-identical to the expected condition (A1.1 step 2). */
  MISMATCH: 'CC_MISMATCH',
  /** A fulfilled signature node does not verify, or a prefix message is longer than maxMessageLength (A7). */
  SIG: 'CC_SIG',
  /** A fulfilled eval node was rejected by the eval callback, the callback threw, or none was given (A1.1 step 4). */
  EVAL_REJECTED: 'CC_EVAL_REJECTED',
  /** Fewer than `threshold` children of a threshold can produce a fulfillment (A5.4). */
  THRESHOLD_UNMET: 'CC_THRESHOLD_UNMET',
  /** The node cannot produce a fulfillment at all: an anonymous node or an unsigned key node (A1, A5.4). */
  UNFULFILLED: 'CC_UNFULFILLED',
  /** A JSON value is not a valid A9 node (unknown type or key, bad base64/hex, wrong field type or size). */
  JSON: 'CC_JSON',
  /** A string is not a valid A8 condition URI. */
  URI: 'CC_URI',
  /** A caller passed a malformed argument to an encoder or signer (wrong key or message size). */
  ARG: 'CC_ARG',
} as const;

/** One of the library's error codes. */
export type CCErrorCode = (typeof CCErrorCode)[keyof typeof CCErrorCode];

/** A library error: code, the CC.md rule that was applied, a message, and where known the byte offset. */
export interface CCError extends ErrorData<CCErrorCode> {
  readonly rule: string;
  readonly offset?: number;
}

/** Internal carrier for a `CCError` thrown inside the recursive readers; never escapes the public API. */
export class CCFail {
  constructor(readonly error: CCError) {}
}

/** Throws a `CCFail` whose message is prefixed by the rule, e.g. `A6.2: non-minimal length`. */
export function fail(code: CCErrorCode, rule: string, message: string, offset?: number): never {
  const e: CCError =
    offset === undefined
      ? { code, rule, message: `${rule}: ${message}` }
      : { code, rule, message: `${rule}: ${message} (at byte ${offset})`, offset };
  throw new CCFail(e);
}

/** Runs `f`, converting a thrown `CCFail` into a failed `Result`; anything else propagates (a bug). */
export function catchCC<T>(f: () => T): { ok: true; value: T } | { ok: false; error: CCError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof CCFail) return { ok: false, error: e.error };
    throw e;
  }
}
