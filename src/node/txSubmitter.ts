/**
 * How transactions from RPC enter the mempool: signatures are verified on worker threads in parallel,
 * acceptance stays on the main thread, one transaction at a time, in submission order.
 *
 * `submit(tx)`:
 *   1. On the calling turn it looks up the coins the inputs spend (chain + mempool). If they are all
 *      there, none of them or of the outputs is a CC script (the CC host and its module state live on
 *      the main thread), and the fee covers the minimum relay fee, the transaction goes to the verify
 *      pool with the mempool's script flags for the next block.
 *   2. It waits for every earlier submission to be accepted or rejected (a queue), then for its verdict.
 *   3. A 'valid' verdict is recorded in the script cache under its txid; `Mempool.accept` then runs all
 *      its checks in their usual order and finds the scripts already verified (a cache hit), so they
 *      are verified exactly once. Any other verdict ('invalid', 'unavailable') leaves the cache alone
 *      and `accept` verifies on the main thread, giving the exact rejection of the sequential path.
 *
 * Why this is sound: the cache key is the txid, which commits to the transaction's bytes and thereby
 * to the outpoints it spends; an outpoint always names the same output (txids are unique), so the coins
 * the worker saw are the coins `accept` sees. The cache entry carries the flags and the CC context key
 * it was verified under, and `accept` only takes it when they cover its own (a block that changed the
 * flags in between makes it verify again). Ordering, conflicts, fees, limits and eviction are decided
 * by `accept` alone, in submission order, so the outcome does not depend on which worker finished
 * first: a batch [parent, child] behaves as it does sequentially (the child's coins are not there yet
 * at step 1, so it is verified by `accept` after the parent was added).
 *
 * `submit(tx, { inline: true })` accepts at once on the calling thread, ahead of the queue: the wallet
 * uses it so that its next coin selection sees the spend.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { legacyTxBytes } from '../chain/block/block.ts';
import { isCoinbase, legacyTxSize } from '../chain/checkTransaction.ts';
import type { AcceptResult, Mempool, MempoolContext } from '../chain/mempool/mempool.ts';
import { feeForSize } from '../chain/mempool/policy.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { keyOf, txidKey } from '../chain/state/key.ts';
import { txidOf } from '../chain/state/txid.ts';
import type { Coin } from '../chain/state/types.ts';
import type { TxRejection } from '../chain/validation/errors.ts';
import { ccContextKey, scriptFlagsFor } from '../chain/validation/flags.ts';
import type { ScriptCache } from '../chain/validation/scriptCache.ts';
import { matchCcTemplate } from '../script/cc.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS } from '../script/flags.ts';
import type { Result } from '../util/errors.ts';
import type { VerifyPool } from './verifyPool.ts';
import { packable } from './verifyProtocol.ts';
import type { VerifyJob } from './verifyProtocol.ts';

/** How to submit. */
export interface SubmitOptions {
  /** Verify on this thread and add at once, ahead of queued submissions (the wallet's own transactions). */
  readonly inline?: boolean;
  /**
   * The bytes `tx` was parsed from with `parseTransaction` (RPC has them), so it need not be serialized
   * again. The worker parses them with the same function, so it verifies the very structure `tx` is.
   */
  readonly bytes?: Uint8Array;
}

/** What the submitter works with. */
export interface TxSubmitterOptions {
  readonly spec: ChainSpec;
  readonly mempool: Mempool;
  /** The cache the mempool and block assembly share. */
  readonly scriptCache: ScriptCache;
  /** The mempool context at the current tip. */
  readonly context: () => MempoolContext;
  /** Worker threads for signatures; undefined verifies everything on the main thread. */
  readonly pool: VerifyPool | undefined;
}

/** Counters. */
export interface TxSubmitterStats {
  /** Submissions whose scripts a worker verified (accept found them in the cache). */
  readonly workerVerified: number;
  /** Submissions `accept` handled without a worker verdict (not eligible, no worker, or rejected by the worker). */
  readonly mainThread: number;
  /** Submissions waiting for their turn. */
  readonly pending: number;
}

/** The mempool's front door. Example: `const s = new TxSubmitter({spec, mempool, scriptCache, context, pool}); await s.submit(tx)`. */
export class TxSubmitter {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** Txids and spent outpoints of queued submissions (a second one in the queue is not sent to a worker). */
  private readonly queued = new Map<string, number>();
  private workerVerified = 0;
  private mainThread = 0;

  constructor(private readonly o: TxSubmitterOptions) {}

  /** Validates `tx` against tip + mempool and adds it (see the file comment). Never rejects unless `accept` throws. */
  submit(tx: Transaction, options: SubmitOptions = {}): Promise<Result<AcceptResult, TxRejection>> {
    if (options.inline === true || this.o.pool === undefined) {
      this.mainThread++;
      return Promise.resolve(this.acceptNow(tx));
    }
    const txid = txidOf(tx);
    const keys = [txidKey(txid), ...tx.ins.map((i) => keyOf(txidKey(i.hash), i.index))];
    // A duplicate or a double spend of a queued submission would be verified for nothing: acceptance
    // rejects it (or, if the earlier one fails, verifies it then).
    const clash = this.o.mempool.has(txid) || keys.some((k) => this.queued.has(k));
    const job = clash ? undefined : this.jobFor(tx, this.o.context(), options.bytes);
    const verdict = job !== undefined ? this.o.pool.verify(job) : undefined;
    const previous = this.tail;
    this.pending++;
    for (const k of keys) this.queued.set(k, (this.queued.get(k) ?? 0) + 1);
    const done = (async () => {
      try {
        await previous;
        if (job !== undefined && verdict !== undefined && (await verdict) === 'valid') {
          this.o.scriptCache.add(txid, job.flags, job.ccKey, new Array<unknown>(tx.ins.length));
          this.workerVerified++;
        } else {
          this.mainThread++;
        }
        return this.acceptNow(tx);
      } finally {
        this.pending--;
        for (const k of keys) {
          const n = this.queued.get(k)!;
          if (n <= 1) this.queued.delete(k);
          else this.queued.set(k, n - 1);
        }
      }
    })();
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** `Mempool.accept` at the current tip, now. */
  acceptNow(tx: Transaction): Result<AcceptResult, TxRejection> {
    return this.o.mempool.accept(tx, this.o.context());
  }

  /** Resolves once every submission made so far has been accepted or rejected. */
  async drain(): Promise<void> {
    await this.tail;
  }

  /** Counters. */
  stats(): TxSubmitterStats {
    return { workerVerified: this.workerVerified, mainThread: this.mainThread, pending: this.pending };
  }

  /** The pool job for `tx`, or undefined when the main thread must verify it (see the file comment). */
  private jobFor(tx: Transaction, ctx: MempoolContext, bytes: Uint8Array | undefined): VerifyJob | undefined {
    const { spec, mempool } = this.o;
    if (tx.ins.length === 0 || isCoinbase(tx) || tx.hasWitnesses()) return undefined;
    const height = ctx.tipHeight + 1;
    const flags = scriptFlagsFor(spec, height, 'mempool');
    const ccOn = (flags & SCRIPT_VERIFY_CRYPTOCONDITIONS) !== 0;
    let outValue = 0n;
    for (const out of tx.outs) {
      if (ccOn && matchCcTemplate(out.script) !== null) return undefined;
      outValue += out.value;
    }
    const view = mempool.view(ctx.view);
    const coins: Coin[] = [];
    let inValue = 0n;
    for (const input of tx.ins) {
      const coin = view.getCoin({ txid: input.hash, vout: input.index });
      if (coin === undefined) return undefined; // missing, spent, or spent by a pool transaction: accept says which
      if (ccOn && matchCcTemplate(coin.script) !== null) return undefined;
      coins.push(coin);
      inValue += coin.value;
    }
    if (inValue - outValue < feeForSize(spec.minRelayFeePerKb, legacyTxSize(tx)) || !packable(coins)) return undefined;
    return { tx: bytes ?? legacyTxBytes(tx), coins, flags, ccKey: ccContextKey(spec, height), height, blockTimeMs: ctx.tipTimeMs };
  }
}
