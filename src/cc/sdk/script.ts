/**
 * CC scripts (CC.md B2, B3): the output template `L ‖ C ‖ CC [‖ push(P) ‖ 75]`, its sub-script (the
 * sighash scriptCode and address preimage), the scriptSig `push(F ‖ h) [‖ push(W)]`, and a decoder
 * that reads a CC output into its condition and tail with typed errors.
 */
import { parseCondition, type CCNode, type Condition } from '../conditions/index.ts';
import {
  MAX_CC_CONDITION_SIZE,
  MAX_CC_FULFILLMENT_PUSH,
  MAX_CC_WITNESS_SIZE,
  MIN_CC_FULFILLMENT_PUSH,
  matchCcTemplate,
} from '../../script/cc.ts';
import { pushData } from '../../script/builder.ts';
import { OP } from '../../script/opcodes.ts';
import { concatBytes } from '../../util/bytes.ts';
import { CchostError, ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from '../host/errors.ts';
import { encodeParamsTail, parseParamsTail, type ParamsTail } from '../host/tail.ts';
import { ccCondition } from './builders.ts';

function argFail(rule: string, message: string): never {
  throw new CchostError(CcHostErrorCode.ARG, `${rule}: ${message}`);
}

function conditionBytesOf(condition: Uint8Array | CCNode): Uint8Array {
  const c = condition instanceof Uint8Array ? condition : ccCondition(condition);
  if (c.length < 1 || c.length > MAX_CC_CONDITION_SIZE) argFail('B2', `a CC condition is 1..${MAX_CC_CONDITION_SIZE} bytes, got ${c.length}`);
  return c;
}

/**
 * The CC sub-script `L ‖ C ‖ CC` of a condition (bytes or a tree): the B5 scriptCode and the B9.1
 * address preimage. Throws CC_ARG for a condition outside 1..75 bytes.
 */
export function ccSubScript(condition: Uint8Array | CCNode): Uint8Array {
  const c = conditionBytesOf(condition);
  const out = new Uint8Array(c.length + 2);
  out[0] = c.length;
  out.set(c, 1);
  out[c.length + 1] = OP.OP_CHECKCRYPTOCONDITION;
  return out;
}

/**
 * A CC output script: `L ‖ C ‖ CC`, or with a tail `… ‖ push(P) ‖ 75` (P given as bytes or as
 * `{ evalCode, data }`). Throws CC_ARG / CC_TAIL on a bad condition or tail.
 * Example: `ccOutputScript(cc1of1(0xe4, pk), { evalCode: 0xe4 })` ends `CC 02 01E4 75`.
 */
export function ccOutputScript(condition: Uint8Array | CCNode, tail?: Uint8Array | { readonly evalCode: number; readonly data?: Uint8Array }): Uint8Array {
  const sub = ccSubScript(condition);
  if (tail === undefined) return sub;
  let p: Uint8Array;
  if (tail instanceof Uint8Array) {
    const t = parseParamsTail(tail);
    if (!t.ok) throw new CchostError(t.error.code, t.error.message, { rule: t.error.rule });
    p = tail;
  } else {
    const e = encodeParamsTail(tail);
    if (!e.ok) throw new CchostError(e.error.code, e.error.message, { rule: e.error.rule });
    p = e.value;
  }
  return concatBytes(sub, pushData(p), Uint8Array.of(OP.OP_DROP));
}

/**
 * The CC scriptSig `push(F ‖ h)` or `push(F ‖ h) ‖ push(W)` (B3), shortest pushes. Errors
 * (CC_SCRIPTSIG): F ‖ h outside 5..2048 bytes, W outside 1..10,000 bytes. Example: the 120-byte
 * Assets fulfillment with h = 01 gives `4C 79 <F> 01`.
 */
export function ccScriptSig(fulfillment: Uint8Array, hashType: number, witness?: Uint8Array): Result<Uint8Array, CcHostError> {
  if (!(fulfillment instanceof Uint8Array)) return hostFail(CcHostErrorCode.SCRIPTSIG, 'B3.1', 'the fulfillment must be bytes');
  if (!Number.isInteger(hashType) || hashType < 0 || hashType > 255) return hostFail(CcHostErrorCode.SCRIPTSIG, 'B3.1', 'the hash type is one byte');
  const fh = new Uint8Array(fulfillment.length + 1);
  fh.set(fulfillment, 0);
  fh[fulfillment.length] = hashType;
  if (fh.length < MIN_CC_FULFILLMENT_PUSH || fh.length > MAX_CC_FULFILLMENT_PUSH) {
    return hostFail(CcHostErrorCode.SCRIPTSIG, 'B3.3', `F ‖ h is ${MIN_CC_FULFILLMENT_PUSH}..${MAX_CC_FULFILLMENT_PUSH} bytes, got ${fh.length}`);
  }
  if (witness === undefined) return ok(pushData(fh));
  if (!(witness instanceof Uint8Array) || witness.length < 1 || witness.length > MAX_CC_WITNESS_SIZE) {
    return hostFail(CcHostErrorCode.SCRIPTSIG, 'B3.3', `the module witness is 1..${MAX_CC_WITNESS_SIZE} bytes, got ${witness instanceof Uint8Array ? witness.length : typeof witness}`);
  }
  return ok(concatBytes(pushData(fh), pushData(witness)));
}

/** A decoded CC output (B2). */
export interface CcOutputInfo {
  readonly kind: 'cc';
  /** The condition binary C. */
  readonly conditionBytes: Uint8Array;
  readonly condition: Condition;
  /** `L ‖ C ‖ CC`. */
  readonly subScript: Uint8Array;
  readonly tail?: ParamsTail;
}

/** Any script that is not a CC template. */
export interface NotCcOutput {
  readonly kind: 'other';
}

/**
 * Reads an output script: `{ kind: 'other' }` when it is not a CC template (B2 byte match), the
 * decoded condition and tail otherwise. Errors: CC_PARSE / CC_LIMIT (the condition breaks A6 or A10;
 * rule `B7.C1`), CC_TAIL (the tail is not `01 ‖ code ‖ data`). Never throws.
 */
export function decodeCcOutput(script: Uint8Array): Result<CcOutputInfo | NotCcOutput, CcHostError> {
  const t = matchCcTemplate(script);
  if (t === null) return ok({ kind: 'other' });
  const c = parseCondition(t.condition);
  if (!c.ok) {
    const code = c.error.code === 'CC_LIMIT' ? CcHostErrorCode.LIMIT : CcHostErrorCode.PARSE;
    return hostFail(code, 'B7.C1', `the condition does not parse: ${c.error.message}`);
  }
  let tail: ParamsTail | undefined;
  if (t.params !== undefined) {
    const p = parseParamsTail(t.params);
    if (!p.ok) return p;
    tail = p.value;
  }
  return ok({
    kind: 'cc',
    conditionBytes: t.condition.slice(),
    condition: c.value,
    subScript: t.subScript.slice(),
    ...(tail !== undefined ? { tail } : {}),
  });
}
