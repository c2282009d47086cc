/**
 * The params tail of a CC output (CC.md B2): `P = 01 ‖ evalCode ‖ moduleData`, 2..520 bytes, pushed
 * after the condition's 0xcc and dropped (`… CC push(P) 75`). It names the module that validates the
 * output at creation (B7) and binds its spends (B4 step 9); it is in neither the address nor the sighash.
 */
import { ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from './errors.ts';

/** The only tail version of this protocol. */
export const PARAMS_TAIL_VERSION = 1;
/** Shortest tail: version and eval code. */
export const MIN_PARAMS_TAIL = 2;
/** Longest tail (MAX_SCRIPT_ELEMENT_SIZE, because the push is executed). */
export const MAX_PARAMS_TAIL = 520;

/** A decoded params tail (B8.2 `ParamsTail`). */
export interface ParamsTail {
  readonly version: 1;
  /** The module's eval code, 1..255. */
  readonly evalCode: number;
  /** Module-defined bytes (0..518). */
  readonly data: Uint8Array;
}

/**
 * Decodes a params tail. Errors (CC_TAIL): length outside 2..520 (B11), version ≠ 01 (B2), eval code
 * 00 (B8.1). Never throws. Example: `parseParamsTail(fromHex('01e4'))` is `{ version: 1, evalCode: 0xe4, data: <empty> }`.
 */
export function parseParamsTail(p: Uint8Array): Result<ParamsTail, CcHostError> {
  if (!(p instanceof Uint8Array)) return hostFail(CcHostErrorCode.TAIL, 'B2', 'the params tail must be bytes');
  if (p.length < MIN_PARAMS_TAIL || p.length > MAX_PARAMS_TAIL) {
    return hostFail(CcHostErrorCode.TAIL, 'B11', `a params tail is ${MIN_PARAMS_TAIL}..${MAX_PARAMS_TAIL} bytes, got ${p.length}`);
  }
  if (p[0] !== PARAMS_TAIL_VERSION) {
    return hostFail(CcHostErrorCode.TAIL, 'B2', `params tail version must be 01, got ${hex2(p[0]!)}`);
  }
  if (p[1] === 0) return hostFail(CcHostErrorCode.TAIL, 'B8.1', 'eval code 00 is never valid');
  return ok({ version: 1, evalCode: p[1]!, data: p.slice(2) });
}

/**
 * The tail bytes `01 ‖ evalCode ‖ data`. Errors (CC_TAIL) for an eval code outside 1..255 or a tail
 * longer than 520 bytes. Example: `encodeParamsTail({ evalCode: 0xe4, data: new Uint8Array() })` is `01E4`.
 */
export function encodeParamsTail(t: { readonly evalCode: number; readonly data?: Uint8Array }): Result<Uint8Array, CcHostError> {
  if (!Number.isInteger(t.evalCode) || t.evalCode < 1 || t.evalCode > 255) {
    return hostFail(CcHostErrorCode.TAIL, 'B8.1', `an eval code is an integer 1..255, got ${String(t.evalCode)}`);
  }
  const data = t.data ?? new Uint8Array(0);
  if (!(data instanceof Uint8Array)) return hostFail(CcHostErrorCode.TAIL, 'B2', 'tail data must be bytes');
  if (data.length + 2 > MAX_PARAMS_TAIL) {
    return hostFail(CcHostErrorCode.TAIL, 'B11', `a params tail is at most ${MAX_PARAMS_TAIL} bytes, got ${data.length + 2}`);
  }
  const out = new Uint8Array(data.length + 2);
  out[0] = PARAMS_TAIL_VERSION;
  out[1] = t.evalCode;
  out.set(data, 2);
  return ok(out);
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
