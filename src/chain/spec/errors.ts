/**
 * Error codes of chain spec validation. Every error names the field path (e.g.
 * `allocations[2].amount`) in `path` and says how to fix it in `fix`; the message contains both.
 */

/** The codes `parseChainSpec` reports. */
export const SpecErrorCode = {
  /** The spec text is not valid JSON. */
  BAD_JSON: 'SPEC_BAD_JSON',
  /** A field holds the wrong JSON type (e.g. a number where a string is required). */
  BAD_TYPE: 'SPEC_BAD_TYPE',
  /** A required field is missing. */
  MISSING_FIELD: 'SPEC_MISSING_FIELD',
  /** A field the format does not define (usually a typo). */
  UNKNOWN_FIELD: 'SPEC_UNKNOWN_FIELD',
  /** A number or string is outside its allowed range or form. */
  BAD_VALUE: 'SPEC_BAD_VALUE',
  /** `version` is not a spec format this cchost reads. */
  BAD_VERSION: 'SPEC_BAD_VERSION',
  /** An amount is not a decimal coin string, is zero where it must be positive, or exceeds MAX_MONEY. */
  BAD_AMOUNT: 'SPEC_BAD_AMOUNT',
  /** An allocation address does not decode under the chain's prefixes. */
  BAD_ADDRESS: 'SPEC_BAD_ADDRESS',
  /** An allocation script is not hex, empty or too long. */
  BAD_SCRIPT: 'SPEC_BAD_SCRIPT',
  /** A producer key is not a 32-byte x-only secp256k1 public key on the curve. */
  BAD_KEY: 'SPEC_BAD_KEY',
  /** Two producers or modules share a name, key or eval code. */
  DUPLICATE: 'SPEC_DUPLICATE',
  /** Producers are not sorted by name. */
  UNSORTED: 'SPEC_UNSORTED',
  /** A built-in module is listed with another eval code, or another module takes a built-in's code. */
  MODULE_CODE: 'SPEC_MODULE_CODE',
  /** Two fields contradict each other (e.g. equal address prefixes, modules with CC disabled). */
  CONFLICT: 'SPEC_CONFLICT',
} as const;

/** One of the spec validator's error codes. */
export type SpecErrorCode = (typeof SpecErrorCode)[keyof typeof SpecErrorCode];

/** One spec problem. */
export interface SpecError {
  readonly code: SpecErrorCode;
  readonly message: string;
  /** Field path, e.g. `producers[1].key` (empty for the whole document). */
  readonly path: string;
  /** What to change. */
  readonly fix: string;
  readonly [key: string]: unknown;
}
