/**
 * The 0xCC check (CC.md B4 steps 2–9), run by the interpreter through `CryptoConditionsHook` when a
 * CC template is spent with SCRIPT_VERIFY_CRYPTOCONDITIONS on (step 1, the scriptSig form, is the
 * interpreter's). On success it returns a `CcSpendRecord`: the parsed tree, the message, the hash type,
 * the witness and the eval hits to dispatch (B8.3). Pure: the verdict depends only on the request,
 * the chain's allowed types and which modules are active at the height.
 */
import { deriveCondition, encodeCondition, parseFulfillment, verifySignatures, type CCNode } from '../conditions/index.ts';
import type { CcScriptErrorName } from '../../script/errors.ts';
import type { CcSpendRequest, CryptoConditionsHook } from '../../script/cc.ts';
import { legacySighash } from '../../script/sighash.ts';
import { equalBytes } from '../../util/bytes.ts';
import { MAX_ROOT_COST, inspectTree } from './policy.ts';
import type { ModuleRegistry } from './registry.ts';
import { parseParamsTail, type ParamsTail } from './tail.ts';

/** The hash types a CC fulfillment may use (B4 step 2): ALL, NONE, SINGLE, each with or without ANYONECANPAY. */
export const CC_HASH_TYPES: ReadonlySet<number> = new Set([0x01, 0x02, 0x03, 0x81, 0x82, 0x83]);

/** What the hook needs from the chain: allowed types, the height, and the registry's activity test. */
export interface SpendPolicy {
  /** `chain.cc.allowedTypes` (B6.1). */
  readonly allowedTypes: number;
  /** Height of the block being validated (tip + 1 in the mempool). */
  readonly height: number;
  readonly registry: Pick<ModuleRegistry, 'active'>;
}

/** One fulfilled eval node of an accepted spend (B4 step 8). */
export interface CcEvalHit {
  /** `code[0]`: the module. */
  readonly evalCode: number;
  /** `code[1..]`: the module's params. */
  readonly params: Uint8Array;
  /** Child indices from the root. */
  readonly path: readonly number[];
}

/** An accepted CC spend: everything module dispatch needs about the input. */
export interface CcSpendRecord {
  /** The parsed fulfillment (signatures verified). */
  readonly tree: CCNode;
  /** The spent condition C (= the derived condition). */
  readonly condition: Uint8Array;
  /** The spent output's params tail, when it has one. */
  readonly tail?: ParamsTail | undefined;
  readonly hashType: number;
  /** The B5 message m. */
  readonly sighash: Uint8Array;
  /** The module witness W, when the scriptSig has one. */
  readonly witness?: Uint8Array | undefined;
  /** Fulfilled eval nodes in DER order. */
  readonly evals: readonly CcEvalHit[];
}

/** The hook's verdict on one spend. */
export type CcSpendCheck =
  | { readonly ok: true; readonly record: CcSpendRecord }
  | { readonly ok: false; readonly error: CcScriptErrorName; readonly message: string };

function no(error: CcScriptErrorName, message: string): CcSpendCheck {
  return { ok: false, error, message };
}

/**
 * Runs B4 steps 2–9 on one CC spend. Errors (B12): CC_HASHTYPE, CC_PARSE, CC_LIMIT, CC_TYPE,
 * CC_MISMATCH, CC_SIG, CC_NO_SIGNER, CC_EVAL_UNKNOWN, CC_EVAL_MISSING; CC_HOST_ERROR when the
 * checker carries no transaction. Never throws on any request the interpreter builds.
 */
export function checkCcSpend(req: CcSpendRequest, policy: SpendPolicy): CcSpendCheck {
  const fh = req.fulfillment;
  const tx = req.checker.tx;
  const index = req.checker.inputIndex;
  if (tx === undefined || index === undefined) return no('CC_HOST_ERROR', 'B5: the checker carries no transaction to hash');

  // Step 2: the hash type.
  const h = fh[fh.length - 1]!;
  if (!CC_HASH_TYPES.has(h)) return no('CC_HASHTYPE', `B4.2: hash type 0x${h.toString(16).padStart(2, '0')} is not one of 01 02 03 81 82 83`);
  if ((h & 0x1f) === 0x03 && index >= tx.outs.length) {
    return no('CC_HASHTYPE', `B4.2: SIGHASH_SINGLE on input ${index} needs an output ${index} (the transaction has ${tx.outs.length})`);
  }

  // Step 3: strict parse within the A10 limits.
  const parsed = parseFulfillment(fh.subarray(0, fh.length - 1));
  if (!parsed.ok) return no(parsed.error.code === 'CC_LIMIT' ? 'CC_LIMIT' : 'CC_PARSE', `B4.3: ${parsed.error.message}`);
  const tree = parsed.value;

  // Step 4: every type (anon subtypes included) is allowed.
  const facts = inspectTree(tree);
  const extra = facts.mask & ~policy.allowedTypes;
  if (extra !== 0) return no('CC_TYPE', `B4.4: the fulfillment uses type(s) outside the allowed set (mask 0x${extra.toString(16)})`);

  // Step 5: the derived condition is C, byte for byte, and its cost is bounded.
  const derived = deriveCondition(tree);
  if (!derived.ok) return no(derived.error.code === 'CC_LIMIT' ? 'CC_LIMIT' : 'CC_PARSE', `B4.5: ${derived.error.message}`);
  const condition = encodeCondition(derived.value);
  if (!equalBytes(condition, req.template.condition)) {
    return no('CC_MISMATCH', 'B4.5: the fulfillment derives another condition than the spent output holds');
  }
  if (derived.value.cost > MAX_ROOT_COST) return no('CC_LIMIT', `B4.5: condition cost ${derived.value.cost} exceeds ${MAX_ROOT_COST}`);

  // Step 6: the message (B5) over the sub-script L ‖ D ‖ CC (= the template's, since D = C), then signatures.
  const sighash = messageOf(req, tx, index, h);
  const sigs = verifySignatures(tree, sighash);
  if (!sigs.ok) return no('CC_SIG', `B4.6: ${sigs.error.message}`);

  // Step 8 lookups first (pure), used by step 7's exemption.
  const hits = facts.evals;
  const evals: CcEvalHit[] = [];
  let allAuthorize = hits.length > 0;
  let unknown: number | undefined;
  for (const hit of hits) {
    const code = hit.code[0]!;
    const mod = policy.registry.active(code, policy.height);
    if (mod === undefined) {
      unknown ??= code;
      allAuthorize = false;
    } else if (mod.module.authorizesSpends !== true) {
      allAuthorize = false;
    }
    evals.push({ evalCode: code, params: hit.code.subarray(1), path: hit.path });
  }

  // Step 7: a verified signer, or the authorizesSpends exemption without hidden evals (B6.2).
  if (facts.signers === 0 && !(allAuthorize && !facts.anonEval)) {
    const why = facts.anonEval ? 'an anon node hides an eval' : hits.length === 0 ? 'no eval node' : 'not every eval module authorizes spends';
    return no('CC_NO_SIGNER', `B6.2: no fulfilled secp256k1 or ed25519 node, and no exemption (${why})`);
  }

  // Step 8: every fulfilled eval names an active module.
  if (unknown !== undefined) {
    return no('CC_EVAL_UNKNOWN', `B4.8: eval code 0x${unknown.toString(16).padStart(2, '0')} is not a module registered and active at height ${policy.height}`);
  }

  // Step 9: the tail's module is among the fulfilled evals.
  let tail: ParamsTail | undefined;
  if (req.template.params !== undefined) {
    const t = parseParamsTail(req.template.params);
    if (!t.ok) return no('CC_EVAL_MISSING', `B4.9: the spent output's tail names no module (${t.error.message})`);
    tail = t.value;
    const e = tail.evalCode;
    if (!evals.some((x) => x.evalCode === e)) {
      return no('CC_EVAL_MISSING', `B4.9: the spent output's tail names module 0x${e.toString(16).padStart(2, '0')}, which no fulfilled eval node dispatches`);
    }
  }

  const record: CcSpendRecord = {
    tree,
    condition,
    tail,
    hashType: h,
    sighash,
    witness: req.witness?.slice(),
    evals,
  };
  return { ok: true, record };
}

/** The B5 message: `checker.sighash(subScript, h)` for a TransactionSignatureChecker, else the legacy sighash. */
function messageOf(req: CcSpendRequest, tx: NonNullable<CcSpendRequest['checker']['tx']>, index: number, h: number): Uint8Array {
  const c = req.checker as { sighash?: (scriptCode: Uint8Array, hashType: number) => Uint8Array };
  if (typeof c.sighash === 'function') return c.sighash(req.template.subScript, h);
  return legacySighash(tx, index, req.template.subScript, h);
}

/**
 * A stand-alone hook for `verifyScript` (no module dispatch): B4 steps 2–9 under `policy`, with the
 * `CcSpendRecord` as `info`. Example:
 * `verifyScript(sig, spk, flags | SCRIPT_VERIFY_CRYPTOCONDITIONS, checker, { ccHook: createSpendHook(policy) })`.
 */
export function createSpendHook(policy: SpendPolicy): CryptoConditionsHook {
  return {
    checkSpend(req) {
      const r = checkCcSpend(req, policy);
      return r.ok ? { ok: true, info: r.record } : r;
    },
  };
}
