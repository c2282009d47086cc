/**
 * cchost's crypto-conditions library (CC.md Part A): the seven types of Komodo's Antara conditions
 * (preimage 0, prefix 1, threshold 2, rsa 3, ed25519 4, secp256k1 5, eval 15), a strict DER reader and
 * writer, fingerprints, costs, subtypes, condition URIs, Komodo's JSON form, verification with an eval
 * callback and signing helpers. Parsers return `Result`s and never throw on any input.
 *
 * Example (a Komodo 1-of-1, see docs/conditions.md):
 * ```ts
 * const tree = unwrap(fromJSON({ type: 'threshold-sha-256', threshold: 2, subfulfillments: [
 *   { type: 'eval-sha-256', code: '5A' },
 *   { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: pkHex }] }] }));
 * const C = encodeCondition(unwrap(deriveCondition(tree)));       // 46 bytes, A2 2C …
 * signSecp256k1(tree, privateKey, sighash);                       // 1
 * const F = unwrap(encodeFulfillment(tree));                      // 120 bytes
 * verify(F, C, sighash, { evalCallback: (code) => code[0] === 0xe4 }); // true
 * ```
 */
import { CchostError, type Result } from '../../util/errors.ts';
import { cachedConditionBytes, checkCondition, conditionBytes, deriveRoot, fingerprintContentsOf } from './derive.ts';
import { canFulfill as canFulfillNode, encodeAt } from './encode.ts';
import { CCErrorCode, catchCC, fail, type CCError } from './errors.ts';
import { nodeFromJson, nodeToJson, type JsonNode } from './json.ts';
import { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.ts';
import { readCondition, readFulfillment } from './parse.ts';
import { readUri, uriOf } from './uri.ts';
import { checkSigs, collectEvals, verifyAll, type EvalCallback, type EvalHit } from './verify.ts';
import { nodeTypeId, type AnonNode, type CCNode, type Condition } from './types.ts';

export { CCErrorCode, type CCError } from './errors.ts';
export { DEFAULT_LIMITS, MAX_UINT32, type Limits } from './limits.ts';
export { signEd25519, signSecp256k1 } from './sign.ts';
export { subtypesContents, maskNames } from './subtypes.ts';
export type { JsonNode } from './json.ts';
export type { EvalCallback, EvalHit } from './verify.ts';
export {
  KNOWN_TYPES_MASK,
  TYPES,
  nodeTypeId,
  typeById,
  typeByName,
  type AnonNode,
  type CCNode,
  type Condition,
  type Ed25519Node,
  type EvalNode,
  type FulfillmentType,
  type PrefixNode,
  type PreimageNode,
  type RsaNode,
  type Secp256k1Node,
  type ThresholdNode,
  type TypeId,
  type TypeInfo,
} from './types.ts';

/** Options of the parsing and deriving functions: `limits` relaxes A10 bounds (tests only). */
export interface LimitOptions {
  readonly limits?: Partial<Limits>;
}

/** Options of `verify`: the host's eval callback (absent: every eval node fails) and test limits. */
export interface VerifyOptions extends LimitOptions {
  readonly evalCallback?: EvalCallback;
}

/**
 * Parses a fulfillment under the strict DER rules (A6) and A10 limits, derives it and checks it
 * re-encodes identically. Errors: CC_PARSE, CC_LIMIT. Example: `parseFulfillment(fromHex('a0028000'))`
 * is `{ ok: true, value: { type: 'preimage', preimage: <empty> } }`.
 */
export function parseFulfillment(bytes: Uint8Array, opts?: LimitOptions): Result<CCNode, CCError> {
  return catchCC(() => readFulfillment(bytes, resolveLimits(opts?.limits)));
}

/**
 * Parses a condition binary (a scriptPubKey's or a sub-condition's) under A6 and A10, the root cost
 * bound included. Errors: CC_PARSE, CC_LIMIT.
 */
export function parseCondition(bytes: Uint8Array, opts?: LimitOptions): Result<Condition, CCError> {
  return catchCC(() => readCondition(bytes, resolveLimits(opts?.limits)));
}

/**
 * The DER fulfillment of a tree, choosing sub-fulfillments by A5.4. Errors: CC_THRESHOLD_UNMET,
 * CC_UNFULFILLED (unsigned key or anon root), CC_LIMIT (A10, fulfillment > 2047 bytes), CC_PARSE
 * (a field outside A4), CC_ARG (not a tree).
 */
export function encodeFulfillment(tree: CCNode, opts?: LimitOptions): Result<Uint8Array, CCError> {
  return catchCC(() => {
    const lim = resolveLimits(opts?.limits);
    deriveRoot(tree, lim);
    const out = encodeAt(tree, 1, lim);
    if (out.length > lim.maxFulfillment) {
      fail(CCErrorCode.LIMIT, 'A10', `fulfillment of ${out.length} bytes exceeds ${lim.maxFulfillment}`);
    }
    return out;
  });
}

/**
 * The condition of a tree (A2, A5): type, fingerprint, cost, subtypes. Checks every field and A10
 * bound (root cost included) and caches the result per node; an anon root derives to its own
 * condition. Errors: CC_LIMIT, CC_PARSE (a field outside A4), CC_ARG (not a tree).
 */
export function deriveCondition(tree: CCNode, opts?: LimitOptions): Result<Condition, CCError> {
  return catchCC(() => deriveRoot(tree, resolveLimits(opts?.limits)).cond);
}

/** The bytes a node's fingerprint hashes (A2): raw for preimage and eval, DER otherwise. */
export function fingerprintContents(tree: CCNode, opts?: LimitOptions): Result<Uint8Array, CCError> {
  return catchCC(() => fingerprintContentsOf(tree, resolveLimits(opts?.limits)).slice());
}

/**
 * The DER condition (A3.2): `A0|type len {80 20 fp, 81 cost [, 82 subtypes]}`. Throws `CchostError`
 * (CC_PARSE / CC_ARG) only for a malformed condition object; derived conditions always encode.
 */
export function encodeCondition(cond: Condition): Uint8Array {
  const hit = cachedConditionBytes(cond);
  return (hit ?? conditionBytes(validCondition(cond))).slice();
}

/**
 * The A8.1 URI of a condition, e.g. `ni:///sha-256;47DEQ…?fpt=preimage-sha-256&cost=0`.
 * Throws `CchostError` only for a malformed condition object.
 */
export function conditionToUri(cond: Condition): string {
  return uriOf(validCondition(cond));
}

/** Parses a condition URI (A8.2) with the A10 bounds. Errors: CC_URI, CC_LIMIT. */
export function conditionFromUri(uri: string, opts?: LimitOptions): Result<Condition, CCError> {
  return catchCC(() => readUri(uri, resolveLimits(opts?.limits)));
}

/**
 * Builds a tree from Komodo's JSON form (A9), given as a value or as JSON text, and checks that it
 * derives (A5.3, A10). Errors: CC_JSON, CC_LIMIT, CC_PARSE (e.g. a key not on the curve).
 */
export function fromJSON(json: unknown, opts?: LimitOptions): Result<CCNode, CCError> {
  return catchCC(() => {
    const lim = resolveLimits(opts?.limits);
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch {
        fail(CCErrorCode.JSON, 'A9', 'not valid JSON text');
      }
    }
    const tree = nodeFromJson(value, 1, lim);
    deriveRoot(tree, lim);
    return tree;
  });
}

/** Komodo's JSON form of a tree (A9.3): unpadded base64url, upper-case hex; anon nodes as `(anon)`. */
export function toJSON(tree: CCNode): JsonNode {
  return nodeToJson(tree);
}

/**
 * A1.1: true iff `fulfillment` parses strictly, its derived condition equals `condition` byte for
 * byte, every fulfilled signature node verifies against `message` (A7), and `evalCallback` accepts
 * every fulfilled eval node (no callback: false). Never throws.
 */
export function verify(fulfillment: Uint8Array, condition: Uint8Array, message: Uint8Array, opts?: VerifyOptions): boolean {
  return verifyDetailed(fulfillment, condition, message, opts).ok;
}

/**
 * `verify` with the reason: the parsed tree, or the first failure in A1.1 order (CC_PARSE, CC_LIMIT,
 * CC_MISMATCH, CC_SIG, CC_EVAL_REJECTED).
 */
export function verifyDetailed(
  fulfillment: Uint8Array,
  condition: Uint8Array,
  message: Uint8Array,
  opts?: VerifyOptions,
): Result<CCNode, CCError> {
  return catchCC(() => verifyAll(fulfillment, condition, message, opts?.evalCallback, resolveLimits(opts?.limits)));
}

/**
 * A7 over a parsed tree: every non-anon signature node verifies against the message it receives
 * (secp256k1: exactly 32 bytes, low-S) and every prefix bounds the message. Error: CC_SIG.
 * Used by the CC host (B4 step 6) after it has matched the condition itself.
 */
export function verifySignatures(tree: CCNode, message: Uint8Array): Result<void, CCError> {
  return catchCC(() => checkSigs(tree, message));
}

/** The fulfilled (non-anon) eval nodes of a parsed tree with their paths, in DER order (B4 step 8). */
export function fulfilledEvals(tree: CCNode): EvalHit[] {
  return collectEvals(tree);
}

/**
 * The types a tree uses (A10): bit i set for the root type, every node's type and every anon node's
 * subtypes. Example: a Komodo 1-of-1 gives 0x8024 (threshold, secp256k1, eval).
 */
export function typeMask(tree: CCNode): number {
  let mask = 1 << nodeTypeId(tree);
  if (tree.type === 'anon') mask |= tree.subtypes;
  else if (tree.type === 'prefix') mask |= typeMask(tree.child);
  else if (tree.type === 'threshold') for (const c of tree.children) mask |= typeMask(c);
  return mask;
}

/** The types a condition commits to: its own type bit and its subtypes (B7 C2). */
export function conditionMask(cond: Condition): number {
  return (1 << cond.typeId) | cond.subtypes;
}

/** CC_TYPE unless `typeMask(tree)` ⊆ `allowedMask` (B4 step 4, B6.1). Example mask: 0x8035. */
export function checkTypes(tree: CCNode, allowedMask: number): Result<void, CCError> {
  return catchCC(() => {
    const extra = typeMask(tree) & ~allowedMask;
    if (extra !== 0) fail(CCErrorCode.TYPE, 'B6.1', `tree uses type(s) outside the allowed set (mask 0x${extra.toString(16)})`);
  });
}

/** True when the node can produce a fulfillment (A5.4): what the threshold encoder may choose. */
export function canFulfill(node: CCNode): boolean {
  return canFulfillNode(node);
}

/** An anonymous node standing for `cond`, for building trees with unopened children. */
export function anonNode(cond: Condition): AnonNode {
  const c = validCondition(cond);
  return { type: 'anon', typeId: c.typeId, fingerprint: c.fingerprint, cost: c.cost, subtypes: c.subtypes };
}

function validCondition(cond: Condition): Condition {
  const r = catchCC(() => checkCondition(cond, DEFAULT_LIMITS));
  if (!r.ok) throw new CchostError(r.error.code, r.error.message, { rule: r.error.rule });
  return r.value;
}
