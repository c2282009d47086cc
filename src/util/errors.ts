/**
 * Errors are data. Every failure the public API reports carries a stable, namespaced string `code`
 * (for example `SCRIPT_ERR_EVAL_FALSE`, `CRYPTO_BAD_WIF`, `TX_CC_BAD_FULFILLMENT`) and the fields needed
 * to act on it. Functions on hot paths return a `Result`; convenience wrappers throw a `CchostError`.
 */

/** A typed failure: a stable code, a human message, and optional structured details. */
export interface ErrorData<C extends string = string> {
  readonly code: C;
  readonly message: string;
  readonly [key: string]: unknown;
}

/** The outcome of an operation that can fail with a typed error. */
export type Result<T, E extends ErrorData = ErrorData> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** A success. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A failure. */
export function err<E extends ErrorData>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/**
 * The one exception class cchost throws across its public API. `code` is stable; `details` holds
 * the structured fields of the error (input index, eval code, parameter name, ...).
 */
export class CchostError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CchostError';
    this.code = code;
    this.details = details;
  }

  /** Builds the exception from an `ErrorData` value. */
  static from<C extends string>(e: ErrorData<C>): CchostError<C> {
    const { code, message, ...details } = e;
    return new CchostError(code, message, details);
  }

  /** The error as plain data (for RPC `error.data`, logs and tests). */
  toData(): ErrorData<C> {
    return { ...this.details, code: this.code, message: this.message };
  }
}

/** Returns the value of a `Result` or throws its error as a `CchostError`. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw CchostError.from(r.error);
}
