/**
 * Serialized sizes for fee estimation. Signatures are counted at their worst case, 72 bytes with the
 * hash-type byte: a strict-DER low-S signature is at most 71 bytes (r up to 33 bytes with its sign pad,
 * s at most 32 because low S never sets the top bit) plus one hash-type byte. So an estimate is never
 * below the signed size, and a fee computed from it always meets the rate for the final transaction.
 */

/** Worst-case push of a low-S DER signature with its hash-type byte. */
export const MAX_SIG_WITH_HASHTYPE = 72;

/** Bytes of Bitcoin's CompactSize encoding of `n`. */
export function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Bytes of a direct or PUSHDATA push of `n` bytes. */
export function pushLen(n: number): number {
  return n < 0x4c ? 1 + n : n <= 0xff ? 2 + n : n <= 0xffff ? 3 + n : 5 + n;
}

/** Largest scriptSig of a P2PKH spend: push(sig‖hashtype) push(pubkey). */
export function p2pkhScriptSigMax(pubkeyLen: number): number {
  return pushLen(MAX_SIG_WITH_HASHTYPE) + pushLen(pubkeyLen);
}

/** Largest scriptSig of a P2PK spend: push(sig‖hashtype). */
export function p2pkScriptSigMax(): number {
  return pushLen(MAX_SIG_WITH_HASHTYPE);
}

/** Bytes of one input with a scriptSig of `scriptSigLen` bytes: outpoint 36, script, sequence 4. */
export function inputSize(scriptSigLen: number): number {
  return 36 + compactSizeLen(scriptSigLen) + scriptSigLen + 4;
}

/** Bytes of one output with a `scriptLen`-byte script: value 8, script. */
export function outputSize(scriptLen: number): number {
  return 8 + compactSizeLen(scriptLen) + scriptLen;
}

/** Bytes of a legacy transaction with these input and output sizes (version, counts, locktime). */
export function txSize(inputSizes: readonly number[], outputSizes: readonly number[]): number {
  let n = 8 + compactSizeLen(inputSizes.length) + compactSizeLen(outputSizes.length);
  for (const s of inputSizes) n += s;
  for (const s of outputSizes) n += s;
  return n;
}
