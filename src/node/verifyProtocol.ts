/**
 * The messages between the node and its verification workers (verifyPool.ts, verifyWorker.ts): a
 * batch of script-verification jobs packed into one byte buffer and one number array, both
 * transferred (not copied) to the worker, and one verdict byte per job back.
 *
 * A job is what the script stage needs and nothing else: the transaction's bytes, the coins its
 * inputs spend (value, script, height, coinbase), the script flags, the CC context key, and the height
 * and block time of the block it is checked for. Packing matters because a `Uint8Array` that views a
 * pooled `Buffer` would otherwise clone the whole pool slab with it.
 *
 * `meta` layout per job: flags, ccKey, height, blockTimeMs, byte offset, tx length, input count, then
 * per input: script offset, script length, value, height, coinbase (0/1). Every number is an integer
 * below 2^53 (coin values are at most MAX_MONEY), so a Float64Array holds them exactly.
 */
import type { Coin } from '../chain/state/types.ts';

/** One transaction to verify. */
export interface VerifyJob {
  /** Legacy serialization of the transaction. */
  readonly tx: Uint8Array;
  /** The coins its inputs spend, aligned with its inputs. */
  readonly coins: readonly Coin[];
  /** `scriptFlagsFor(spec, height, 'mempool')`. */
  readonly flags: number;
  /** `ccContextKey(spec, height)`. */
  readonly ccKey: number;
  /** The height it is checked for (tip + 1). */
  readonly height: number;
  /** The tip's block time (ms). */
  readonly blockTimeMs: number;
}

/** A packed batch, as posted to a worker. */
export interface PackedBatch {
  readonly id: number;
  readonly meta: Float64Array;
  readonly bytes: Uint8Array;
}

/** Verdict byte: every input script passed under the job's flags. */
export const VERDICT_VALID = 1;
/** Verdict byte: the transaction does not parse, or a script failed. */
export const VERDICT_INVALID = 0;
/** Verdict byte: the worker could not judge it alone (the CC host would have to take part). */
export const VERDICT_NOT_HANDLED = 2;

/** A worker's answer to a batch. */
export interface BatchVerdicts {
  readonly id: number;
  /** One verdict byte per job, in order. */
  readonly verdicts: Uint8Array;
  /** Milliseconds the worker spent on the batch. */
  readonly ms: number;
}

/** True when every coin value of `coins` packs exactly (always, for values up to MAX_MONEY). */
export function packable(coins: readonly Coin[]): boolean {
  for (const c of coins) if (c.value < 0n || c.value > BigInt(Number.MAX_SAFE_INTEGER)) return false;
  return true;
}

/** Packs jobs into one batch. Example: `const b = packBatch(7, [job]); worker.postMessage(b, [b.meta.buffer, b.bytes.buffer])`. */
export function packBatch(id: number, jobs: readonly VerifyJob[]): PackedBatch {
  let nums = 0;
  let size = 0;
  for (const j of jobs) {
    nums += 7 + 5 * j.coins.length;
    size += j.tx.length;
    for (const c of j.coins) size += c.script.length;
  }
  const meta = new Float64Array(nums);
  const bytes = new Uint8Array(size);
  let m = 0;
  let b = 0;
  for (const j of jobs) {
    meta[m++] = j.flags;
    meta[m++] = j.ccKey;
    meta[m++] = j.height;
    meta[m++] = j.blockTimeMs;
    meta[m++] = b;
    meta[m++] = j.tx.length;
    meta[m++] = j.coins.length;
    bytes.set(j.tx, b);
    b += j.tx.length;
    for (const c of j.coins) {
      meta[m++] = b;
      meta[m++] = c.script.length;
      meta[m++] = Number(c.value);
      meta[m++] = c.height;
      meta[m++] = c.coinbase ? 1 : 0;
      bytes.set(c.script, b);
      b += c.script.length;
    }
  }
  return { id, meta, bytes };
}

/** The jobs of a packed batch (views into its bytes; nothing is copied). */
export function unpackBatch(batch: Pick<PackedBatch, 'meta' | 'bytes'>): VerifyJob[] {
  const { meta, bytes } = batch;
  const jobs: VerifyJob[] = [];
  let m = 0;
  while (m < meta.length) {
    const flags = meta[m++]!;
    const ccKey = meta[m++]!;
    const height = meta[m++]!;
    const blockTimeMs = meta[m++]!;
    const off = meta[m++]!;
    const len = meta[m++]!;
    const nIn = meta[m++]!;
    const coins: Coin[] = [];
    for (let i = 0; i < nIn; i++) {
      const so = meta[m++]!;
      const sl = meta[m++]!;
      const value = BigInt(meta[m++]!);
      const h = meta[m++]!;
      const cb = meta[m++]! === 1;
      coins.push({ value, script: bytes.subarray(so, so + sl), height: h, coinbase: cb });
    }
    jobs.push({ tx: bytes.subarray(off, off + len), coins, flags, ccKey, height, blockTimeMs });
  }
  return jobs;
}
