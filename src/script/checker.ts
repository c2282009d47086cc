/**
 * Signature checkers: what OP_CHECKSIG, OP_CHECKLOCKTIMEVERIFY and OP_CHECKSEQUENCEVERIFY ask of the
 * transaction being verified (Core's `BaseSignatureChecker` / `TransactionSignatureChecker`).
 */
import { ecdsaVerifyLax } from '../crypto/secp256k1.ts';
import { legacySighash } from './sighash.ts';
import type { TxLike } from './tx.ts';

/** Lock times below this are block heights, at or above it UNIX times (BIP65). */
export const LOCKTIME_THRESHOLD = 500_000_000;
/** An input sequence that disables lock time for the input. */
export const SEQUENCE_FINAL = 0xffffffff;
/** BIP68: sequence bit 31 set means no relative lock time. */
export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
/** BIP68: sequence bit 22 set means the relative lock is in 512-second units, else blocks. */
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
/** BIP68: the low 16 bits hold the relative lock value. */
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;

/**
 * What the interpreter needs from a transaction. `checkSig` receives the stack signature (with its
 * hash-type byte), the public key and the scriptCode after FindAndDelete; it returns false for any
 * signature that does not verify (encoding rules are checked by the interpreter before). Implementations
 * should not throw; the interpreter turns a throw into UNKNOWN_ERROR.
 */
export interface SignatureChecker {
  checkSig(sig: Uint8Array, pubkey: Uint8Array, scriptCode: Uint8Array): boolean;
  /** BIP65 check of a non-negative CHECKLOCKTIMEVERIFY operand (up to 5 bytes, so below 2^39). */
  checkLockTime(lockTime: number): boolean;
  /** BIP112 check of a non-negative CHECKSEQUENCEVERIFY operand without the disable bit. */
  checkSequence(sequence: number): boolean;
  /** The transaction being verified, when there is one (the crypto-conditions hook needs it for B5). */
  readonly tx?: TxLike;
  /** The index of the input being verified in `tx`. */
  readonly inputIndex?: number;
}

/** A checker with no transaction: every signature and lock-time check fails (Core's `BaseSignatureChecker`). */
export const NULL_SIGNATURE_CHECKER: SignatureChecker = Object.freeze({
  checkSig: () => false,
  checkLockTime: () => false,
  checkSequence: () => false,
});

/** An ECDSA verification function with `ecdsaVerifyLax`'s contract (DER without hash type, key, 32-byte hash). */
export type EcdsaVerifyFn = (sigDer: Uint8Array, pubkey: Uint8Array, msg32: Uint8Array) => boolean;

/** Options of `TransactionSignatureChecker`. */
export interface TransactionSignatureCheckerOptions {
  /** Replaces `ecdsaVerifyLax`, e.g. with a signature cache in front of it. Must keep its semantics. */
  readonly verify?: EcdsaVerifyFn;
}

/** True when the key's length matches its header byte, as Core's `CPubKey` requires before anything else. */
function pubkeyShapeOk(p: Uint8Array): boolean {
  if (p.length === 33) return p[0] === 0x02 || p[0] === 0x03;
  if (p.length === 65) return p[0] === 0x04 || p[0] === 0x06 || p[0] === 0x07;
  return false;
}

/**
 * Checks signatures and lock times for input `inputIndex` of `tx` with the legacy sighash.
 * Example: `verifyScript(input.script, prevoutScript, flags, new TransactionSignatureChecker(tx, i))`.
 */
export class TransactionSignatureChecker implements SignatureChecker {
  readonly tx: TxLike;
  readonly inputIndex: number;
  private readonly verify: EcdsaVerifyFn;

  constructor(tx: TxLike, inputIndex: number, options: TransactionSignatureCheckerOptions = {}) {
    this.tx = tx;
    this.inputIndex = inputIndex;
    this.verify = options.verify ?? ecdsaVerifyLax;
  }

  /** The legacy sighash of this input for a scriptCode and hash type (raw digest, not reversed). */
  sighash(scriptCode: Uint8Array, hashType: number): Uint8Array {
    return legacySighash(this.tx, this.inputIndex, scriptCode, hashType);
  }

  /** Core's `CheckECDSASignature`: key shape, non-empty signature, sighash with the last byte as hash type, verify. */
  checkSig(sig: Uint8Array, pubkey: Uint8Array, scriptCode: Uint8Array): boolean {
    if (!pubkeyShapeOk(pubkey)) return false;
    if (sig.length === 0) return false;
    const hashType = sig[sig.length - 1]!;
    const digest = legacySighash(this.tx, this.inputIndex, scriptCode, hashType);
    return this.verify(sig.subarray(0, sig.length - 1), pubkey, digest);
  }

  /** Core's `CheckLockTime`: same kind (height/time), not above the tx lock time, input not final. */
  checkLockTime(lockTime: number): boolean {
    const txLockTime = this.tx.locktime >>> 0;
    const sameKind =
      (txLockTime < LOCKTIME_THRESHOLD && lockTime < LOCKTIME_THRESHOLD) ||
      (txLockTime >= LOCKTIME_THRESHOLD && lockTime >= LOCKTIME_THRESHOLD);
    if (!sameKind) return false;
    if (lockTime > txLockTime) return false;
    const input = this.tx.ins[this.inputIndex];
    if (input === undefined) return false;
    // A final input would let IsFinalTx ignore the lock time altogether.
    return input.sequence >>> 0 !== SEQUENCE_FINAL;
  }

  /** Core's `CheckSequence` (BIP112): tx version ≥ 2, input relative lock enabled, same kind, not above it. */
  checkSequence(sequence: number): boolean {
    const input = this.tx.ins[this.inputIndex];
    if (input === undefined) return false;
    const txSequence = input.sequence >>> 0;
    if (this.tx.version >>> 0 < 2) return false;
    if ((txSequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) return false;
    const mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    const txMasked = txSequence & mask;
    // `sequence` may exceed 32 bits; `&` reads its low 32 bits, which is all the mask keeps.
    const opMasked = sequence & mask;
    const sameKind =
      (txMasked < SEQUENCE_LOCKTIME_TYPE_FLAG && opMasked < SEQUENCE_LOCKTIME_TYPE_FLAG) ||
      (txMasked >= SEQUENCE_LOCKTIME_TYPE_FLAG && opMasked >= SEQUENCE_LOCKTIME_TYPE_FLAG);
    if (!sameKind) return false;
    return opMasked <= txMasked;
  }
}
