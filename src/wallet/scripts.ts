/**
 * The output scripts the wallet signs for: pay-to-pubkey-hash and pay-to-pubkey. `ownerHash` gives
 * the HASH160 an output pays to (for P2PK, of the key as written), which is also the key under which
 * the node's address index files both forms.
 */
import { hash160 } from '../crypto/hash.ts';

/** A recognised wallet-spendable output script. */
export type OwnedScript =
  | { readonly kind: 'p2pkh'; readonly hash: Uint8Array }
  | { readonly kind: 'p2pk'; readonly pubkey: Uint8Array; readonly hash: Uint8Array };

const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;

function pubkeyHeaderOk(first: number, len: number): boolean {
  return len === 33 ? first === 0x02 || first === 0x03 : len === 65 && first === 0x04;
}

/**
 * Recognises `DUP HASH160 <20> EQUALVERIFY CHECKSIG` and `<33|65-byte key> CHECKSIG`; anything else
 * is null. Returned bytes are copies. Example: `ownedScript(p2pkhScript(h))` is `{ kind: 'p2pkh', hash: h }`.
 */
export function ownedScript(script: Uint8Array): OwnedScript | null {
  const n = script.length;
  if (n === 25 && script[0] === OP_DUP && script[1] === OP_HASH160 && script[2] === 20 && script[23] === OP_EQUALVERIFY && script[24] === OP_CHECKSIG) {
    return { kind: 'p2pkh', hash: script.slice(3, 23) };
  }
  if ((n === 35 || n === 67) && script[0] === n - 2 && script[n - 1] === OP_CHECKSIG && pubkeyHeaderOk(script[1]!, n - 2)) {
    const pubkey = script.slice(1, n - 1);
    return { kind: 'p2pk', pubkey, hash: hash160(pubkey) };
  }
  return null;
}
