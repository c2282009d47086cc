/**
 * Index keys of an output script: which address (if any) an output pays to, for the address index,
 * and which module its CC params tail names, for the eval-code index. A pure function of the script
 * bytes; used by the store when it connects a block and by its consistency check.
 *
 * | script | key |
 * |---|---|
 * | P2PKH `DUP HASH160 <20> EQUALVERIFY CHECKSIG` | `{ kind: 'pubkeyhash', hash }` |
 * | P2PK `<33 or 65-byte key> CHECKSIG` | `{ kind: 'pubkeyhash', hash: HASH160(key) }` (as komodod's address index) |
 * | P2SH `HASH160 <20> EQUAL` | `{ kind: 'scripthash', hash }` |
 * | CC output template (CC.md B2) | `{ kind: 'cc', hash: HASH160(L‖C‖CC) }` (tail excluded, CC.md B9.1) and the tail's eval code |
 * | anything else | none |
 *
 * A CC address string may equal a P2PKH address string, so the kind is part of every key.
 */
import { hash160 } from '../crypto/hash.ts';
import { matchCcTemplate } from '../script/cc.ts';

/** The kinds of indexed address. `cc` is Komodo's address type 3 (P2PKH is 1, P2SH is 2). */
export type AddressKeyKind = 'pubkeyhash' | 'scripthash' | 'cc';

/** An address index key: the kind and the 20-byte HASH160 the output pays to. */
export interface AddressKey {
  readonly kind: AddressKeyKind;
  readonly hash: Uint8Array;
}

/** What the indexes record for one output script. */
export interface ScriptKeys {
  /** The address the output pays to, when the script has one of the recognised forms. */
  readonly address?: AddressKey;
  /** The eval code of a CC output's params tail (`01 ‖ evalCode ‖ …`), when it has a version-1 tail. */
  readonly evalCode?: number;
}

const NONE: ScriptKeys = Object.freeze({});

const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;
const OP_CHECKCRYPTOCONDITION = 0xcc;

/** Core's `CPubKey::ValidSize`: 33 bytes with header 02/03, or 65 bytes with header 04/06/07. */
function validPubkeyHeader(first: number, len: number): boolean {
  if (len === 33) return first === 0x02 || first === 0x03;
  if (len === 65) return first === 0x04 || first === 0x06 || first === 0x07;
  return false;
}

/**
 * Classifies an output script into its index keys; never throws. Example:
 * `scriptKeys(p2pkhScript(h))` is `{ address: { kind: 'pubkeyhash', hash: h } }`, and the Faucet
 * global CC output with tail `01 e4` gives `{ address: { kind: 'cc', hash: … }, evalCode: 0xe4 }`.
 * Returned hashes of P2PKH and P2SH scripts are views into `script` (copy them to keep them).
 */
export function scriptKeys(script: Uint8Array): ScriptKeys {
  if (!(script instanceof Uint8Array)) return NONE;
  const n = script.length;
  if (
    n === 25 &&
    script[0] === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 20 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  ) {
    return { address: { kind: 'pubkeyhash', hash: script.subarray(3, 23) } };
  }
  if (n === 23 && script[0] === OP_HASH160 && script[1] === 20 && script[22] === OP_EQUAL) {
    return { address: { kind: 'scripthash', hash: script.subarray(2, 22) } };
  }
  if ((n === 35 || n === 67) && script[0] === n - 2 && script[n - 1] === OP_CHECKSIG && validPubkeyHeader(script[1]!, n - 2)) {
    return { address: { kind: 'pubkeyhash', hash: hash160(script.subarray(1, n - 1)) } };
  }
  if (n >= 3 && script[script[0]! + 1] === OP_CHECKCRYPTOCONDITION) {
    const t = matchCcTemplate(script);
    if (t === null) return NONE;
    const address: AddressKey = { kind: 'cc', hash: hash160(t.subScript) };
    const p = t.params;
    if (p !== undefined && p.length >= 2 && p[0] === 0x01) return { address, evalCode: p[1]! };
    return { address };
  }
  return NONE;
}
