/**
 * Context-free transaction checks, Core's `CheckTransaction`: rules that need neither the UTXO set nor
 * the chain. Run on every transaction before anything else; a block is invalid if any of its
 * transactions fails.
 */
import type { Result } from '../util/errors.ts';
import type { TxLike } from '../script/tx.ts';
import { MAX_MONEY } from './params.ts';
import { TxErrorCode } from './errors.ts';
import type { TxError } from './errors.ts';

export { MAX_MONEY };

/** Core's size bound for one transaction without witness: MAX_BLOCK_WEIGHT / WITNESS_SCALE_FACTOR. */
export const CORE_MAX_TX_BYTES = 1_000_000;

/** Options of `checkTransaction`. */
export interface CheckTransactionOptions {
  /** Largest legacy serialization accepted (default Core's 1,000,000; the node passes the chain spec's `limits.maxTxBytes`). */
  readonly maxTxBytes?: number;
}

function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Bytes of the legacy serialization of `tx`. Example: a 1-in 1-out P2PKH spend is about 192 bytes. */
export function legacyTxSize(tx: TxLike): number {
  let n = 8 + compactSizeLen(tx.ins.length) + compactSizeLen(tx.outs.length);
  for (const i of tx.ins) n += 40 + compactSizeLen(i.script.length) + i.script.length;
  for (const o of tx.outs) n += 8 + compactSizeLen(o.script.length) + o.script.length;
  return n;
}

const ZERO32 = new Uint8Array(32);

function isNullOutpoint(hash: Uint8Array, index: number): boolean {
  if (index >>> 0 !== 0xffffffff || hash.length !== 32) return false;
  for (let i = 0; i < 32; i++) if (hash[i] !== ZERO32[i]) return false;
  return true;
}

/** True for a coinbase: exactly one input, spending the null outpoint (32 zero bytes, index 0xffffffff). */
export function isCoinbase(tx: TxLike): boolean {
  return tx.ins.length === 1 && isNullOutpoint(tx.ins[0]!.hash, tx.ins[0]!.index);
}

function fail(code: TxErrorCode, reason: string, message: string, extra: Partial<TxError> = {}): Result<void, TxError> {
  return { ok: false, error: { code, reason, message, ...extra } };
}

/**
 * Core's `CheckTransaction`, in Core's order: inputs and outputs present, size, output values
 * (each 0..MAX_MONEY, running total ≤ MAX_MONEY), no duplicate inputs, coinbase scriptSig 2..100 bytes,
 * no null prevout outside a coinbase.
 * Example: `checkTransaction(tx)` is `{ ok: true, value: undefined }` for any valid transaction.
 */
export function checkTransaction(tx: TxLike, options: CheckTransactionOptions = {}): Result<void, TxError> {
  if (tx.ins.length === 0) return fail(TxErrorCode.VIN_EMPTY, 'bad-txns-vin-empty', 'the transaction has no inputs');
  if (tx.outs.length === 0) return fail(TxErrorCode.VOUT_EMPTY, 'bad-txns-vout-empty', 'the transaction has no outputs');
  const maxBytes = options.maxTxBytes ?? CORE_MAX_TX_BYTES;
  const size = legacyTxSize(tx);
  if (size > maxBytes) {
    return fail(TxErrorCode.OVERSIZE, 'bad-txns-oversize', `the transaction is ${size} bytes; the limit is ${maxBytes}`);
  }

  let total = 0n;
  for (let i = 0; i < tx.outs.length; i++) {
    const v = tx.outs[i]!.value;
    if (v < 0n) return fail(TxErrorCode.VOUT_NEGATIVE, 'bad-txns-vout-negative', `output ${i} has a negative value ${v}`, { output: i });
    if (v > MAX_MONEY) {
      return fail(TxErrorCode.VOUT_TOOLARGE, 'bad-txns-vout-toolarge', `output ${i} value ${v} exceeds MAX_MONEY ${MAX_MONEY}`, { output: i });
    }
    total += v;
    if (total > MAX_MONEY) {
      return fail(
        TxErrorCode.TXOUTTOTAL_TOOLARGE,
        'bad-txns-txouttotal-toolarge',
        `outputs 0..${i} add up to ${total}, above MAX_MONEY ${MAX_MONEY}`,
        { output: i },
      );
    }
  }

  const seen = new Set<string>();
  for (let i = 0; i < tx.ins.length; i++) {
    const input = tx.ins[i]!;
    let key = String(input.index >>> 0) + ':';
    for (const b of input.hash) key += String.fromCharCode(b);
    if (seen.has(key)) {
      return fail(TxErrorCode.INPUTS_DUPLICATE, 'bad-txns-inputs-duplicate', `input ${i} spends the same outpoint as an earlier input`, { input: i });
    }
    seen.add(key);
  }

  if (isCoinbase(tx)) {
    const n = tx.ins[0]!.script.length;
    if (n < 2 || n > 100) {
      return fail(TxErrorCode.CB_LENGTH, 'bad-cb-length', `the coinbase scriptSig is ${n} bytes; it must be 2..100`, { input: 0 });
    }
  } else {
    for (let i = 0; i < tx.ins.length; i++) {
      const input = tx.ins[i]!;
      if (isNullOutpoint(input.hash, input.index)) {
        return fail(TxErrorCode.PREVOUT_NULL, 'bad-txns-prevout-null', `input ${i} spends the null outpoint but the transaction is not a coinbase`, { input: i });
      }
    }
  }
  return { ok: true, value: undefined };
}
