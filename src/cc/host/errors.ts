/**
 * Error codes of the CC host (CC.md B12) and of the SDK codecs. Every rejection is data: a stable
 * `code`, the CC.md `rule` it enforces (e.g. `B4.2`, `B7.C3`, `B10.3`) and a message that starts with
 * that rule. Module rejections use the code `<name>/<CODE>` instead (B8.6).
 */
import type { ErrorData } from '../../util/errors.ts';

/** Host and codec error codes. */
export const CcHostErrorCode = {
  /** The scriptSig is not of the B3 form, or a push has the wrong size. */
  SCRIPTSIG: 'CC_SCRIPTSIG',
  /** Undefined hash type h, or SIGHASH_SINGLE without a matching output (B4 step 2). */
  HASHTYPE: 'CC_HASHTYPE',
  /** An A6 violation, an unknown type or a re-encode difference (B4 step 3). */
  PARSE: 'CC_PARSE',
  /** A depth, children, contents, cost or eval-code bound (B4 steps 3 and 5). */
  LIMIT: 'CC_LIMIT',
  /** The fulfillment uses a type outside the chain's `allowedTypes` (B4 step 4). */
  TYPE: 'CC_TYPE',
  /** The derived condition differs from the spent condition (B4 step 5). */
  MISMATCH: 'CC_MISMATCH',
  /** A present signature, or a prefix length check, fails (B4 step 6). */
  SIG: 'CC_SIG',
  /** The signing requirement of B6.2 is not met (B4 step 7). */
  NO_SIGNER: 'CC_NO_SIGNER',
  /** A fulfilled eval node names no module registered and active at this height (B4 step 8). */
  EVAL_UNKNOWN: 'CC_EVAL_UNKNOWN',
  /** The spent output's tail names a module no fulfilled eval node dispatches (B4 step 9). */
  EVAL_MISSING: 'CC_EVAL_MISSING',
  /** A created CC output breaks a creation rule C1–C4 (B7). */
  OUTPUT: 'CC_OUTPUT',
  /** A module's `validate` or `validateOutputs` threw (B8.6). */
  MODULE_THREW: 'CC_MODULE_THREW',
  /** A module returned a malformed verdict or an undeclared code (B8.6). */
  MODULE_RESULT: 'CC_MODULE_RESULT',
  /** The host was used wrongly: no transaction in the checker, a wrong input index, an input never verified. */
  HOST_ERROR: 'CC_HOST_ERROR',
  /** A module listed by the chain is not available to this node (B8.1: refuse to start). */
  REGISTRY_UNKNOWN: 'CC_REGISTRY_UNKNOWN',
  /** A listed module is available with another version (B8.1: refuse to start). */
  REGISTRY_VERSION: 'CC_REGISTRY_VERSION',
  /** A listed module is available under another eval code than the chain lists. */
  REGISTRY_EVAL_CODE: 'CC_REGISTRY_EVAL_CODE',
  /** Two chain entries or two available modules share an eval code or a name. */
  REGISTRY_DUPLICATE: 'CC_REGISTRY_DUPLICATE',
  /** A module object or chain module entry is malformed (name, code, version, errors table, hooks). */
  REGISTRY_INVALID: 'CC_REGISTRY_INVALID',
  /** A params tail is not `01 ‖ evalCode ‖ moduleData` within 2..520 bytes (B2). */
  TAIL: 'CC_TAIL',
  /** An OP_RETURN payload or script breaks the B10 codec (layout, eval code, funcid, field, trailing bytes). */
  OPRET: 'CC_OPRET',
  /** An OP_RETURN schema declaration is malformed (B10.3). */
  OPRET_SCHEMA: 'CC_OPRET_SCHEMA',
  /** A malformed argument to an SDK builder or signer (eval code, key, hash type, script). */
  ARG: 'CC_ARG',
} as const;

/** One of the host's error codes. */
export type CcHostErrorCode = (typeof CcHostErrorCode)[keyof typeof CcHostErrorCode];

/** A host or codec error: code, the CC.md rule applied, and a message starting with that rule. */
export interface CcHostError extends ErrorData<CcHostErrorCode> {
  readonly rule: string;
}

/**
 * A transaction-level rejection from the CC host: a B12 code or `<name>/<CODE>` from a module, with
 * the input or output it concerns and, for module verdicts, the module. Structurally a chain
 * `CcRejection` (src/chain/validation/ccAdapter.ts).
 */
export interface CcHostRejection extends ErrorData {
  readonly code: string;
  readonly message: string;
  /** The CC.md rule for host codes (`B7.C3`, `B8.6`); absent for module rejections. */
  readonly rule?: string;
  readonly input?: number;
  readonly output?: number;
  readonly evalCode?: number;
  readonly module?: string;
}

/** Builds a `CcHostError` whose message starts with the rule. */
export function hostError(code: CcHostErrorCode, rule: string, message: string): CcHostError {
  return { code, rule, message: `${rule}: ${message}` };
}

/** A failed `Result` carrying a `CcHostError`. */
export function hostFail(code: CcHostErrorCode, rule: string, message: string): { ok: false; error: CcHostError } {
  return { ok: false, error: hostError(code, rule, message) };
}
