/**
 * `CcInputSigner`s over the CC SDK's `signCcInput` (CC.md B5): a signer for a condition tree and
 * private keys, and one that takes the keys from the wallet by address or public key. The scriptSig
 * size is found by signing once over a stand-in transaction: compact secp256k1 and ed25519 signatures
 * have fixed sizes, so the fulfillment's length does not depend on the message (and the builder's
 * guard refuses a signer whose real scriptSig turns out larger).
 */
import type { CCNode } from '../cc/conditions/index.ts';
import { signCcInput } from '../cc/sdk/sign.ts';
import type { Coin } from '../chain/state/types.ts';
import type { TxLike } from '../script/tx.ts';
import { CchostError } from '../util/errors.ts';
import { WalletErrorCode } from './errors.ts';
import type { Keystore } from './keystore.ts';
import type { CcInputSigner } from './sign.ts';

/** What a CC input is signed with. */
export interface CcSignerOptions {
  /** The condition tree of the spent output (not modified: each signing works on a copy). */
  readonly tree: CCNode;
  /** Private keys; each signs every secp256k1 node with its public key. */
  readonly privateKeys: readonly Uint8Array[];
  /** Hash type h (default 01, SIGHASH_ALL). */
  readonly hashType?: number;
  /** The module witness W, when the module wants one. */
  readonly witness?: Uint8Array;
}

/** A one-input, one-output transaction to measure a fulfillment on. */
const STAND_IN: TxLike = {
  version: 1,
  locktime: 0,
  ins: [{ hash: new Uint8Array(32), index: 0, script: new Uint8Array(0), sequence: 0xffffffff }],
  outs: [{ value: 0n, script: new Uint8Array(0) }],
};

function sign(o: CcSignerOptions, tx: TxLike, inputIndex: number, coin: Coin): Uint8Array {
  // A fresh copy each time: the SDK writes signatures into the tree, and a signature left from an
  // earlier message (the size probe, another build) must not end up in this fulfillment.
  const r = signCcInput(tx, inputIndex, {
    tree: structuredClone(o.tree),
    spentScript: coin.script,
    privateKeys: o.privateKeys,
    ...(o.hashType !== undefined ? { hashType: o.hashType } : {}),
    ...(o.witness !== undefined ? { witness: o.witness } : {}),
  });
  if (!r.ok) throw new CchostError(r.error.code, r.error.message, { cause: { ...r.error } });
  return r.value.scriptSig;
}

/**
 * A signer for CC inputs spending outputs of `tree`. Example:
 * `{ outpoint, coin, signer: ccInputSigner({ tree: cc1of1(0xe4, pk), privateKeys: [key] }) }` as a fixed input.
 */
export function ccInputSigner(o: CcSignerOptions): CcInputSigner {
  return {
    maxScriptSigSize: (coin) => sign(o, STAND_IN, 0, coin).length,
    signInput: (tx, inputIndex, coin) => sign(o, tx, inputIndex, coin),
  };
}

/**
 * A CC signer whose keys are wallet keys, named by address or public key hex (e.g. a module builder's
 * `from`). Throws `WALLET_UNKNOWN_KEY` for a key the wallet does not hold.
 * Example: `walletCcSigner(keystore, cc1of1(0xe4, pk), [from])`.
 */
export function walletCcSigner(
  keystore: Keystore,
  tree: CCNode,
  keys: readonly string[],
  extra: { readonly hashType?: number; readonly witness?: Uint8Array } = {},
): CcInputSigner {
  const privateKeys = keys.map((k) => keystore.requireKey(k).privateKey);
  if (privateKeys.length === 0) {
    throw new CchostError(WalletErrorCode.BAD_REQUEST, 'a CC signer needs at least one key', { hint: 'name the wallet key that owns the CC output' });
  }
  return ccInputSigner({ tree, privateKeys, ...extra });
}
