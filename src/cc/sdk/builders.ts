/**
 * Condition builders (CC.md B9.2): Komodo's `MakeCCcond1`, `MakeCCcond1of2` and the multi-eval token
 * shape. Each call returns a fresh, unsigned tree (sign it with `signSecp256k1` or `signCcInput`);
 * `ccCondition(tree)` gives the condition binary C. Eval nodes carry `[evalCode]` or
 * `[evalCode ‖ params]`; params are committed by the fingerprint and leave the cost at 1,048,576.
 */
import { deriveCondition, encodeCondition, type CCNode, type EvalNode, type Secp256k1Node, type ThresholdNode } from '../conditions/index.ts';
import { isValidPubkey } from '../../crypto/secp256k1.ts';
import { CchostError } from '../../util/errors.ts';
import { CcHostErrorCode } from '../host/errors.ts';

/** Longest eval code (eval byte ‖ params), A10. */
export const MAX_EVAL_CODE_BYTES = 1024;

/** An eval code with optional params, as `ccMultiEval` takes it. */
export type EvalSpec = number | { readonly evalCode: number; readonly params?: Uint8Array };

function argFail(message: string): never {
  throw new CchostError(CcHostErrorCode.ARG, `B9.2: ${message}`);
}

/**
 * An eval node `[evalCode ‖ params]`. Throws CC_ARG for an eval code outside 1..255 or a code longer
 * than 1024 bytes. Example: `evalNode(0xe4)` is `{ type: 'eval', code: E4 }`.
 */
export function evalNode(evalCode: number, params?: Uint8Array): EvalNode {
  if (!Number.isInteger(evalCode) || evalCode < 1 || evalCode > 255) argFail(`an eval code is an integer 1..255, got ${String(evalCode)}`);
  const p = params ?? new Uint8Array(0);
  if (!(p instanceof Uint8Array)) argFail('eval params must be bytes');
  if (p.length + 1 > MAX_EVAL_CODE_BYTES) argFail(`eval code of ${p.length + 1} bytes exceeds ${MAX_EVAL_CODE_BYTES}`);
  const code = new Uint8Array(p.length + 1);
  code[0] = evalCode;
  code.set(p, 1);
  return { type: 'eval', code };
}

/** An unsigned secp256k1 node. Throws CC_ARG unless `pubkey` is a valid 33-byte compressed key. */
export function secp256k1Node(pubkey: Uint8Array): Secp256k1Node {
  if (!(pubkey instanceof Uint8Array) || pubkey.length !== 33 || !isValidPubkey(pubkey)) {
    argFail('a secp256k1 node needs a valid 33-byte compressed public key');
  }
  return { type: 'secp256k1', publicKey: pubkey.slice() };
}

/**
 * Komodo's 1-of-1 (`MakeCCcond1`): threshold 2 of {eval, threshold 1 of {secp256k1(pk)}}, cost
 * 1,182,720. Example: `ccCondition(cc1of1(0xe4, faucetPubkey))` is the Faucet global condition.
 */
export function cc1of1(evalCode: number, pubkey: Uint8Array, params?: Uint8Array): ThresholdNode {
  return { type: 'threshold', threshold: 2, children: [evalNode(evalCode, params), { type: 'threshold', threshold: 1, children: [secp256k1Node(pubkey)] }] };
}

/**
 * Komodo's 1-of-2 (`MakeCCcond1of2`): threshold 2 of {eval, threshold 1 of {secp256k1(pk1),
 * secp256k1(pk2)}}, cost 1,183,744; the key order does not change the condition.
 */
export function cc1of2(evalCode: number, pk1: Uint8Array, pk2: Uint8Array, params?: Uint8Array): ThresholdNode {
  return {
    type: 'threshold',
    threshold: 2,
    children: [evalNode(evalCode, params), { type: 'threshold', threshold: 1, children: [secp256k1Node(pk1), secp256k1Node(pk2)] }],
  };
}

/**
 * Several modules on one output (tokens inside another module, MODULES.md §6.5): threshold k+1 of
 * {eval(e1) … eval(ek), threshold 1 of {secp256k1(pk)}}; each eval dispatches its module. The codes
 * must be distinct; one code gives `cc1of1`. Cost for k = 2: 2,232,320.
 * Example: `ccMultiEval([0xf2, 0x70], pk)`.
 */
export function ccMultiEval(evals: readonly EvalSpec[], pubkey: Uint8Array): ThresholdNode {
  if (!Array.isArray(evals) || evals.length === 0) argFail('ccMultiEval needs at least one eval code');
  const nodes = evals.map((e) => (typeof e === 'number' ? evalNode(e) : evalNode(e.evalCode, e.params)));
  const codes = new Set(nodes.map((n) => n.code[0]));
  if (codes.size !== nodes.length) argFail('ccMultiEval needs distinct eval codes');
  if (nodes.length === 1) return { type: 'threshold', threshold: 2, children: [nodes[0]!, { type: 'threshold', threshold: 1, children: [secp256k1Node(pubkey)] }] };
  return { type: 'threshold', threshold: nodes.length + 1, children: [...nodes, { type: 'threshold', threshold: 1, children: [secp256k1Node(pubkey)] }] };
}

/**
 * The condition binary C of a tree (A3.2). Throws `CchostError` (CC_LIMIT, CC_PARSE, CC_ARG) when the
 * tree does not derive. Example: `ccCondition(cc1of1(0xe3, assetsPubkey))` is `A22C8020 1AB400E0…`.
 */
export function ccCondition(tree: CCNode): Uint8Array {
  const d = deriveCondition(tree);
  if (!d.ok) throw new CchostError(d.error.code, d.error.message, { rule: d.error.rule });
  return encodeCondition(d.value);
}
