/**
 * Module global keypairs (CC.md B9.3). The key is public on purpose (like Komodo's CCcustom table):
 * anyone can sign for a module's global outputs, so the module's rules alone guard them.
 */
import { sha256 } from '../../crypto/hash.ts';
import { isValidPrivateKey, publicKeyFromPrivate } from '../../crypto/secp256k1.ts';
import { concatBytes, utf8 } from '../../util/bytes.ts';
import { CchostError } from '../../util/errors.ts';
import { CcHostErrorCode } from '../host/errors.ts';

/** The domain tag hashed in front of every module key. */
export const MODULE_KEY_TAG = 'cchost module key';

/** A module's public global keypair. */
export interface ModuleKeyPair {
  readonly privateKey: Uint8Array;
  /** 33-byte compressed. */
  readonly publicKey: Uint8Array;
}

/**
 * privkey = SHA-256(utf8("cchost module key") ‖ evalCode ‖ utf8(name)), re-hashed while it is 0 or
 * ≥ n. Throws CC_ARG for an eval code outside 1..255 or an empty name. Example: `moduleGlobalKey(0xe4,
 * 'faucet').publicKey` is `029EF601…B664B8`.
 */
export function moduleGlobalKey(evalCode: number, name: string): ModuleKeyPair {
  if (!Number.isInteger(evalCode) || evalCode < 1 || evalCode > 255) {
    throw new CchostError(CcHostErrorCode.ARG, `B9.3: an eval code is an integer 1..255, got ${String(evalCode)}`);
  }
  if (typeof name !== 'string' || name.length === 0) throw new CchostError(CcHostErrorCode.ARG, 'B9.3: a module name is a non-empty string');
  let k = sha256(concatBytes(utf8(MODULE_KEY_TAG), Uint8Array.of(evalCode), utf8(name)));
  while (!isValidPrivateKey(k)) k = sha256(k);
  return Object.freeze({ privateKey: k, publicKey: publicKeyFromPrivate(k) });
}
