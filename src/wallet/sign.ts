/**
 * Signing inputs: P2PKH and P2PK coins of wallet keys with the legacy sighash (SIGHASH_ALL, RFC 6979,
 * low-S strict DER plus the hash-type byte), and the `CcInputSigner` hook through which a CC input is
 * signed by whoever knows its condition tree (the CC SDK's `signCcInput` behind an adapter).
 */
import type { Coin } from '../chain/state/types.ts';
import { ecdsaSign } from '../crypto/secp256k1.ts';
import { pushData } from '../script/builder.ts';
import { SIGHASH_ALL } from '../script/sigencoding.ts';
import { legacySighash } from '../script/sighash.ts';
import type { TxLike } from '../script/tx.ts';
import { concatBytes } from '../util/bytes.ts';
import type { OwnedScriptMatch } from './keystore.ts';
import { p2pkScriptSigMax, p2pkhScriptSigMax } from './size.ts';

/**
 * Signs an input that spends a CC output. The wallet calls `maxScriptSigSize` before the transaction
 * exists (fee estimation) and `signInput` once every input and output is final.
 * Example (with the CC SDK): `{ maxScriptSigSize: () => 300, signInput: (tx, i, coin) =>
 * unwrap(signCcInput(tx, i, { tree, spentScript: coin.script, privateKeys: [key] })).scriptSig }`.
 */
export interface CcInputSigner {
  /** An upper bound of the scriptSig `signInput` returns for `coin`, in bytes. */
  maxScriptSigSize(coin: Coin): number;
  /**
   * The scriptSig of input `inputIndex` of `tx`, which spends `coin`. Other inputs' scriptSigs may still
   * be empty (the legacy sighash blanks them). Throw a `CchostError` when it cannot sign.
   */
  signInput(tx: TxLike, inputIndex: number, coin: Coin): Uint8Array;
}

/** Largest scriptSig the wallet writes to spend a coin it owns. */
export function ownedScriptSigMax(m: OwnedScriptMatch): number {
  return m.script.kind === 'p2pkh' ? p2pkhScriptSigMax(m.key.publicKey.length) : p2pkScriptSigMax();
}

/**
 * The scriptSig spending `coin` (P2PKH: `<sig> <pubkey>`, P2PK: `<sig>`) as input `inputIndex` of
 * `tx`, signed SIGHASH_ALL over the coin's script as scriptCode.
 */
export function signOwnedInput(tx: TxLike, inputIndex: number, coin: Coin, m: OwnedScriptMatch): Uint8Array {
  const digest = legacySighash(tx, inputIndex, coin.script, SIGHASH_ALL);
  const sig = concatBytes(ecdsaSign(digest, m.key.privateKey), Uint8Array.of(SIGHASH_ALL));
  return m.script.kind === 'p2pkh' ? concatBytes(pushData(sig), pushData(m.key.publicKey)) : pushData(sig);
}
