/**
 * The cchost module SDK: everything a Custom Consensus module (and the node) needs from the CC layer.
 *
 * - the crypto-conditions library (CC.md Part A): `parseFulfillment`, `deriveCondition`,
 *   `encodeCondition`, `fromJSON`/`toJSON`, `verify`, `signSecp256k1`, …;
 * - the host (Part B): the `Module` interface, `Verdict`, `CCInput`/`CCOutput`, `ValidationContext`,
 *   `TxView`, `ModuleIndexReader`, the registry and `createCcHost`;
 * - builders and encodings: `cc1of1`, `cc1of2`, `ccMultiEval`, `ccOutputScript`, `ccAddress`,
 *   `moduleGlobalKey`, the params tail, the OP_RETURN codec, `signCcInput`.
 *
 * Example (a module's output and its spend; see docs/cc.md and test/examples/counter/):
 * ```ts
 * const script = ccOutputScript(cc1of1(0x70, ownerPubkey), { evalCode: 0x70, data: tailData });
 * const addr = ccAddress(cc1of1(0x70, ownerPubkey));            // R… (prefix 60)
 * const { scriptSig } = unwrap(signCcInput(tx, 0, { tree: cc1of1(0x70, ownerPubkey), spentScript: script, privateKeys: [ownerKey] }));
 * ```
 */
export * from './conditions/index.ts';
export * from './host/index.ts';
export * from './sdk/index.ts';
export type { MethodDef } from '../rpc/method.ts';
export { concatBytes, equalBytes, fromHex, toHex } from '../util/bytes.ts';
export { err, ok, unwrap, type Result } from '../util/errors.ts';
