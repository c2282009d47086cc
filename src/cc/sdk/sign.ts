/**
 * Signing a CC input (CC.md B5): compute the message m = legacy sighash of the transaction with
 * scriptCode = `L ‖ D ‖ CC` (D = the tree's condition, which must be the spent one), sign every
 * secp256k1 node of each given key over m, and build the scriptSig `push(F ‖ h) [‖ push(W)]`.
 */
import { encodeFulfillment, signSecp256k1, type CCError, type CCNode } from '../conditions/index.ts';
import { matchCcTemplate } from '../../script/cc.ts';
import { legacySighash } from '../../script/sighash.ts';
import type { TxLike } from '../../script/tx.ts';
import { equalBytes } from '../../util/bytes.ts';
import { CchostError, ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from '../host/errors.ts';
import { CC_HASH_TYPES } from '../host/hook.ts';
import { ccCondition } from './builders.ts';
import { ccScriptSig, ccSubScript } from './script.ts';

/** What to sign with. */
export interface SignCcInputOptions {
  /** The condition tree of the spent output; its matching secp256k1 nodes get signatures (the tree is mutated). */
  readonly tree: CCNode;
  /** The spent CC output script (with or without tail). */
  readonly spentScript: Uint8Array;
  /** Private keys; each signs every secp256k1 node with its public key. */
  readonly privateKeys: readonly Uint8Array[];
  /** Hash type h (default 01, SIGHASH_ALL). */
  readonly hashType?: number;
  /** The module witness W, when the module wants one. */
  readonly witness?: Uint8Array;
}

/** A signed CC input. */
export interface SignedCcInput {
  /** `push(F ‖ h) [‖ push(W)]`: set it as the input's script. */
  readonly scriptSig: Uint8Array;
  /** The fulfillment F. */
  readonly fulfillment: Uint8Array;
  /** The B5 message m that was signed. */
  readonly sighash: Uint8Array;
  /** How many secp256k1 nodes were signed. */
  readonly signed: number;
}

/** SDK errors: the host's codes or the library's (CC_THRESHOLD_UNMET, CC_LIMIT, …). */
export type CcSdkError = CcHostError | CCError;

/**
 * Signs input `inputIndex` of `tx`, which spends `spentScript`. Errors: CC_ARG (not a CC output, bad
 * key), CC_HASHTYPE (h not allowed, or SINGLE without output), CC_MISMATCH (the tree is not the spent
 * condition), the library's encoder errors (CC_THRESHOLD_UNMET when too few nodes are signed),
 * CC_SCRIPTSIG (sizes of B3). Example:
 * `tx.setInputScript(0, Buffer.from(unwrap(signCcInput(tx, 0, { tree: cc1of1(0x70, pk), spentScript, privateKeys: [key] })).scriptSig))`.
 */
export function signCcInput(tx: TxLike, inputIndex: number, opts: SignCcInputOptions): Result<SignedCcInput, CcSdkError> {
  const template = opts.spentScript instanceof Uint8Array ? matchCcTemplate(opts.spentScript) : null;
  if (template === null) return hostFail(CcHostErrorCode.ARG, 'B2', 'the spent script is not a CC output');
  if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= tx.ins.length) {
    return hostFail(CcHostErrorCode.ARG, 'B5', `input ${String(inputIndex)} is not in the transaction`);
  }
  const h = opts.hashType ?? 0x01;
  if (!CC_HASH_TYPES.has(h)) return hostFail(CcHostErrorCode.HASHTYPE, 'B4.2', `hash type ${String(h)} is not one of 01 02 03 81 82 83`);
  if ((h & 0x1f) === 0x03 && inputIndex >= tx.outs.length) return hostFail(CcHostErrorCode.HASHTYPE, 'B4.2', `SIGHASH_SINGLE needs an output ${inputIndex}`);
  let condition: Uint8Array;
  try {
    condition = ccCondition(opts.tree);
  } catch (e) {
    return fromThrown(e);
  }
  if (!equalBytes(condition, template.condition)) return hostFail(CcHostErrorCode.MISMATCH, 'B4.5', 'the tree is not the condition of the spent output');
  const sighash = legacySighash(tx, inputIndex, ccSubScript(condition), h);
  let signed = 0;
  try {
    for (const k of opts.privateKeys) signed += signSecp256k1(opts.tree, k, sighash);
  } catch (e) {
    return fromThrown(e);
  }
  const f = encodeFulfillment(opts.tree);
  if (!f.ok) return f;
  const s = ccScriptSig(f.value, h, opts.witness);
  if (!s.ok) return s;
  return ok({ scriptSig: s.value, fulfillment: f.value, sighash, signed });
}

function fromThrown(e: unknown): { ok: false; error: CcHostError } {
  const msg = e instanceof CchostError ? `${e.code}: ${e.message}` : String(e);
  return hostFail(CcHostErrorCode.ARG, 'B5', msg);
}
