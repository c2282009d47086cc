/**
 * The mempool: unconfirmed transactions that passed full validation in mempool mode against
 * "chain tip + mempool", indexed by txid and by spent outpoint.
 *
 * Acceptance, in order (cheap before expensive): already present → coinbase → context-free
 * (`checkTransaction`) → standardness → lock time at tip + 1 → double spend of a mempool input
 * (TX_MEMPOOL_CONFLICT; no replacement) → inputs from chain + mempool (chains of unconfirmed
 * transactions are fine), values, maturity → scriptSig standardness → BIP68 → fee ≥ the chain's
 * minimum relay fee (and above the eviction floor when the pool has been full) → ancestor/descendant
 * limits → scripts with the standard flags → CC module validation in mempool mode. The script cache
 * remembers passing transactions so their block connects without re-verifying signatures.
 *
 * Block events: `blockConnected` removes confirmed transactions, then conflicting ones with their
 * descendants, then re-validates what the new tip can change (every CC transaction, CC.md B8.5, and
 * everything when the script flags changed). `reorg` rebuilds the pool after a branch switch,
 * re-adding the disconnected blocks' transactions first. A byte limit evicts the packages with the
 * lowest descendant fee rate. Nothing here reads a clock: times come in through the context.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Result } from '../../util/errors.ts';
import { checkTransaction, isCoinbase, legacyTxSize } from '../checkTransaction.ts';
import { TxErrorCode } from '../errors.ts';
import type { ChainSpec } from '../spec/types.ts';
import { displayOutpoint, displayTxid, keyOf, txidKey } from '../state/key.ts';
import { txidOf } from '../state/txid.ts';
import type { Coin, OutPoint, UtxoView } from '../state/types.ts';
import type { CcHostAdapter } from '../validation/ccAdapter.ts';
import { checkFinal, checkRelativeLocks } from '../validation/contextual.ts';
import { TxRejectCode, txReject } from '../validation/errors.ts';
import type { TxRejection } from '../validation/errors.ts';
import { ccActiveAt, ccContextKey, scriptFlagsFor } from '../validation/flags.ts';
import { checkTxInputs } from '../validation/inputs.ts';
import type { ScriptCache } from '../validation/scriptCache.ts';
import { checkTxScripts } from '../validation/scripts.ts';
import type { ScriptCheckOutcome } from '../validation/scripts.ts';
import { ancestorsOf, compareFeeRate, descendantsOf } from './entry.ts';
import type { MempoolEntry, MempoolEntryInfo } from './entry.ts';
import { MAX_STANDARD_TX_BYTES, checkStandardInputs, checkStandardTx, feeForSize } from './policy.ts';
import { selectByAncestorFeeRate } from './select.ts';
import { MempoolView } from './view.ts';
import type { PoolIndex } from './view.ts';

/** Configuration of a mempool. */
export interface MempoolOptions {
  readonly spec: ChainSpec;
  readonly ccHost?: CcHostAdapter | undefined;
  /** Shared with block connection so mempool-verified scripts are not verified again. */
  readonly scriptCache?: ScriptCache | undefined;
  /** Most transaction bytes held (default 100 MB). */
  readonly maxBytes?: number | undefined;
  /** Most unconfirmed ancestors including the transaction (default 25, as Core). */
  readonly maxAncestors?: number | undefined;
  /** Most unconfirmed descendants of any ancestor including itself (default 25). */
  readonly maxDescendants?: number | undefined;
  /** Byte limits of those packages (default 101,000 each). */
  readonly maxAncestorBytes?: number | undefined;
  readonly maxDescendantBytes?: number | undefined;
  /** Dust fee rate per kB (default 3 × the chain's minRelayFeePerKb); null turns the dust rule off. */
  readonly dustRelayFeePerKb?: bigint | null | undefined;
}

/** The chain tip the mempool validates against (transactions are checked for the block at tipHeight + 1). */
export interface MempoolContext {
  /** UTXO set at the tip. */
  readonly view: UtxoView;
  readonly tipHeight: number;
  /** The tip block's time (slot start, unix ms): lock times and module `blockTime` use it. */
  readonly tipTimeMs: number;
  /** Time (ms) of the block at a height ≤ tip, for BIP68 time locks. */
  readonly blockTimeAt: (height: number) => number;
  /** Entry time recorded for new transactions (unix ms, passed in; default 0). */
  readonly nowMs?: number | undefined;
}

/** A transaction that was accepted. */
export interface AcceptResult {
  readonly txid: Uint8Array;
  readonly fee: bigint;
  readonly size: number;
  /** Transactions evicted to make room. */
  readonly evicted: readonly Uint8Array[];
}

/** A transaction taken out of the pool, and why. */
export interface RemovedTx {
  readonly txid: Uint8Array;
  readonly error: TxRejection;
}

/** What a connected block did to the pool. */
export interface BlockConnectedResult {
  /** Pool transactions the block confirmed. */
  readonly confirmed: readonly Uint8Array[];
  /** Pool transactions that spent an outpoint the block spent (double spends), with their descendants. */
  readonly conflicted: readonly Uint8Array[];
  /** Transactions that no longer validate at the new tip, with their descendants. */
  readonly invalidated: readonly RemovedTx[];
}

/** Pool totals. */
export interface MempoolStats {
  /** Number of transactions. */
  readonly count: number;
  /** Sum of their sizes. */
  readonly bytes: number;
  /** Sum of their fees. */
  readonly fees: bigint;
  readonly maxBytes: number;
  /** Fee rate (sat per 1000 bytes, rounded up) a new transaction must beat after evictions; 0 when none. */
  readonly evictionFloorPerKb: bigint;
}

/** Options of `accept`. */
export interface AcceptOptions {
  /** Skip the fee floor and the size limit (re-adding transactions of disconnected blocks). */
  readonly bypassLimits?: boolean;
  /** Entry time to record instead of `ctx.nowMs`. */
  readonly time?: number;
  /**
   * Run every check and answer as `accept` would, but add nothing (testmempoolaccept). The pool is
   * left as it was; a transaction whose scripts pass is remembered in the script cache, as usual.
   */
  readonly dryRun?: boolean;
}

/**
 * The transaction pool. Example:
 * `const pool = new Mempool({spec, scriptCache}); const r = pool.accept(tx, {view, tipHeight, tipTimeMs, blockTimeAt, nowMs});`
 */
export class Mempool {
  readonly spec: ChainSpec;
  private readonly byKey = new Map<string, MempoolEntry>();
  private readonly spentBy = new Map<string, MempoolEntry>();
  private readonly index: PoolIndex = { byKey: this.byKey, spentBy: this.spentBy };
  private readonly opts: Required<Omit<MempoolOptions, 'ccHost' | 'scriptCache' | 'spec'>> & Pick<MempoolOptions, 'ccHost' | 'scriptCache'>;
  private seq = 0;
  private bytes = 0;
  private fees = 0n;
  private floor: { fee: bigint; size: number } | undefined;

  constructor(options: MempoolOptions) {
    this.spec = options.spec;
    this.opts = {
      ccHost: options.ccHost,
      scriptCache: options.scriptCache,
      maxBytes: options.maxBytes ?? 100_000_000,
      maxAncestors: options.maxAncestors ?? 25,
      maxDescendants: options.maxDescendants ?? 25,
      maxAncestorBytes: options.maxAncestorBytes ?? 101_000,
      maxDescendantBytes: options.maxDescendantBytes ?? 101_000,
      dustRelayFeePerKb: options.dustRelayFeePerKb === undefined ? 3n * options.spec.minRelayFeePerKb : options.dustRelayFeePerKb,
    };
  }

  /** An unconfirmed transaction by txid (what the CC host's `pendingTx` reads in mempool mode). */
  readonly pendingTx = (txid: Uint8Array): Transaction | undefined => this.byKey.get(txidKey(txid))?.tx;

  /** Number of transactions. */
  get size(): number {
    return this.byKey.size;
  }

  /** True when `txid` is in the pool. */
  has(txid: Uint8Array): boolean {
    return this.byKey.has(txidKey(txid));
  }

  /** The transaction with `txid`, if pooled. */
  get(txid: Uint8Array): Transaction | undefined {
    return this.byKey.get(txidKey(txid))?.tx;
  }

  /** The pool transaction spending `outpoint`, if any. */
  spenderOf(outpoint: OutPoint): Uint8Array | undefined {
    return this.spentBy.get(keyOf(txidKey(outpoint.txid), outpoint.vout))?.txid;
  }

  /** Txids in acceptance order (parents before children). */
  txids(): Uint8Array[] {
    return [...this.byKey.values()].map((e) => e.txid);
  }

  /** Chain + mempool as a view over `chainView` (for wallets, builders and RPC). */
  view(chainView: UtxoView): UtxoView {
    return new MempoolView(chainView, this.index);
  }

  /** `getmempoolentry`: the entry's figures and links, or undefined. */
  entry(txid: Uint8Array): MempoolEntryInfo | undefined {
    const e = this.byKey.get(txidKey(txid));
    if (e === undefined) return undefined;
    return {
      txid: e.txid,
      size: e.size,
      fee: e.fee,
      time: e.time,
      height: e.height,
      ancestorCount: e.ancestorCount,
      ancestorSize: e.ancestorSize,
      ancestorFees: e.ancestorFees,
      descendantCount: e.descendantCount,
      descendantSize: e.descendantSize,
      descendantFees: e.descendantFees,
      depends: [...e.parents].map((p) => p.txid),
      spentBy: [...e.children].map((c) => c.txid),
    };
  }

  /** Totals (`getmempoolinfo`). */
  stats(): MempoolStats {
    const f = this.floor;
    return {
      count: this.byKey.size,
      bytes: this.bytes,
      fees: this.fees,
      maxBytes: this.opts.maxBytes,
      evictionFloorPerKb: f === undefined ? 0n : (f.fee * 1000n + BigInt(f.size) - 1n) / BigInt(f.size),
    };
  }

  /**
   * Validates `tx` in mempool mode against the tip and the pool and adds it (with `dryRun`, only
   * validates). Never throws on bad input.
   * Example: `pool.accept(tx, ctx)` is `{ok: false, error: {code: 'TX_MEMPOOL_CONFLICT', conflictingTxid}}` for a double spend.
   */
  accept(tx: Transaction, ctx: MempoolContext, options: AcceptOptions = {}): Result<AcceptResult, TxRejection> {
    const txid = txidOf(tx);
    const key = txidKey(txid);
    if (this.byKey.has(key)) return txReject(TxRejectCode.ALREADY_IN_MEMPOOL, `${displayTxid(txid)} is already in the mempool`, { reason: 'txn-already-in-mempool' });
    if (isCoinbase(tx)) return txReject(TxRejectCode.COINBASE, 'a coinbase is only valid as the first transaction of a block', { reason: 'coinbase' });
    const spec = this.spec;
    if (tx.hasWitnesses()) return txReject(TxErrorCode.DECODE_SEGWIT, 'the transaction carries witness data; cchost transactions are legacy only');
    const cf = checkTransaction(tx, { maxTxBytes: spec.limits.maxTxBytes });
    if (!cf.ok) return cf;
    const height = ctx.tipHeight + 1;
    const ccActive = ccActiveAt(spec, height);
    const std = checkStandardTx(tx, { ccActive, maxTxBytes: Math.min(MAX_STANDARD_TX_BYTES, spec.limits.maxTxBytes), dustRelayFeePerKb: this.opts.dustRelayFeePerKb });
    if (!std.ok) return std;
    const fin = checkFinal(tx, height, ctx.tipTimeMs);
    if (!fin.ok) return fin;

    for (let i = 0; i < tx.ins.length; i++) {
      const input = tx.ins[i]!;
      const other = this.spentBy.get(keyOf(txidKey(input.hash), input.index));
      if (other !== undefined) {
        const op = displayOutpoint({ txid: input.hash, vout: input.index });
        return txReject(TxRejectCode.MEMPOOL_CONFLICT, `input ${i} spends ${op}, which mempool transaction ${displayTxid(other.txid)} already spends`, {
          reason: 'txn-mempool-conflict',
          input: i,
          outpoint: op,
          conflictingTxid: displayTxid(other.txid),
        });
      }
    }

    const view = new MempoolView(ctx.view, this.index);
    const inputs = checkTxInputs(tx, view, height, spec.coinbaseMaturity);
    if (!inputs.ok) {
      if (inputs.error.code === TxRejectCode.MISSING_INPUTS) {
        for (let vout = 0; vout < tx.outs.length; vout++) {
          if (ctx.view.getCoin({ txid, vout }) !== undefined) {
            return txReject(TxRejectCode.ALREADY_KNOWN, `${displayTxid(txid)} is already confirmed`, { reason: 'txn-already-known' });
          }
        }
      }
      return inputs;
    }
    const { coins, fee } = inputs.value;
    const stdIn = checkStandardInputs(tx, coins, ccActive);
    if (!stdIn.ok) return stdIn;
    const rel = checkRelativeLocks(tx, coins, { height, blockTimeMs: ctx.tipTimeMs, blockTimeAt: ctx.blockTimeAt });
    if (!rel.ok) return rel;

    const size = legacyTxSize(tx);
    if (options.bypassLimits !== true) {
      const minFee = feeForSize(spec.minRelayFeePerKb, size);
      if (fee < minFee) {
        return txReject(TxRejectCode.MIN_RELAY_FEE, `fee ${fee} is below the minimum relay fee ${minFee} for ${size} bytes (${spec.minRelayFeePerKb} sat/kB)`, {
          reason: 'min relay fee not met',
          fee: fee.toString(),
          required: minFee.toString(),
        });
      }
      const f = this.floor;
      if (f !== undefined && compareFeeRate(fee, size, f.fee, f.size) <= 0) {
        return txReject(TxRejectCode.MEMPOOL_FULL, `the mempool is full; the fee rate must exceed ${this.stats().evictionFloorPerKb} sat/kB`, {
          reason: 'mempool min fee not met',
        });
      }
    }

    const parents = new Set<MempoolEntry>();
    for (const input of tx.ins) {
      const p = this.byKey.get(txidKey(input.hash));
      if (p !== undefined) parents.add(p);
    }
    const limit = this.checkChainLimits(parents, size);
    if (!limit.ok) return limit;

    const flags = scriptFlagsFor(spec, height, 'mempool');
    const ccKey = ccContextKey(spec, height);
    const scripts = this.checkScripts(tx, txid, coins, view, height, ctx.tipTimeMs, flags, ccKey);
    if (!scripts.ok) return scripts;
    if (options.dryRun === true) return { ok: true, value: { txid, fee, size, evicted: [] } };

    const entry = this.insert(tx, txid, key, size, fee, options.time ?? ctx.nowMs ?? 0, ctx.tipHeight, parents, scripts.value.touchesCc, flags, ccKey);
    const evicted = options.bypassLimits === true ? [] : this.trim();
    if (!this.byKey.has(entry.key)) {
      return txReject(TxRejectCode.MEMPOOL_FULL, 'the mempool is full and this transaction pays the lowest fee rate', { reason: 'mempool full' });
    }
    return { ok: true, value: { txid, fee, size, evicted } };
  }

  private checkChainLimits(parents: Set<MempoolEntry>, size: number): Result<void, TxRejection> {
    const o = this.opts;
    const ancestors = new Set<MempoolEntry>();
    for (const p of parents) {
      ancestors.add(p);
      for (const a of ancestorsOf(p)) ancestors.add(a);
    }
    let ancSize = size;
    for (const a of ancestors) ancSize += a.size;
    const tooLong = (message: string) => txReject(TxRejectCode.TOO_LONG_MEMPOOL_CHAIN, message, { reason: 'too-long-mempool-chain' });
    if (ancestors.size + 1 > o.maxAncestors) return tooLong(`${ancestors.size} unconfirmed ancestors; at most ${o.maxAncestors - 1} allowed`);
    if (ancSize > o.maxAncestorBytes) return tooLong(`unconfirmed ancestors and the transaction add up to ${ancSize} bytes; at most ${o.maxAncestorBytes}`);
    for (const a of ancestors) {
      if (a.descendantCount + 1 > o.maxDescendants) return tooLong(`ancestor ${displayTxid(a.txid)} would have more than ${o.maxDescendants} descendants`);
      if (a.descendantSize + size > o.maxDescendantBytes) return tooLong(`ancestor ${displayTxid(a.txid)} would have descendants of more than ${o.maxDescendantBytes} bytes`);
    }
    return { ok: true, value: undefined };
  }

  private insert(
    tx: Transaction,
    txid: Uint8Array,
    key: string,
    size: number,
    fee: bigint,
    time: number,
    height: number,
    parents: Set<MempoolEntry>,
    touchesCc: boolean,
    flags: number,
    ccKey: number,
  ): MempoolEntry {
    const e: MempoolEntry = {
      tx,
      txid,
      key,
      size,
      fee,
      time,
      height,
      seq: this.seq++,
      parents,
      children: new Set(),
      touchesCc,
      flags,
      ccKey,
      ancestorCount: 1,
      ancestorSize: size,
      ancestorFees: fee,
      descendantCount: 1,
      descendantSize: size,
      descendantFees: fee,
    };
    for (const p of parents) p.children.add(e);
    for (const a of ancestorsOf(e)) {
      e.ancestorCount++;
      e.ancestorSize += a.size;
      e.ancestorFees += a.fee;
      a.descendantCount++;
      a.descendantSize += size;
      a.descendantFees += fee;
    }
    for (const input of tx.ins) this.spentBy.set(keyOf(txidKey(input.hash), input.index), e);
    this.byKey.set(key, e);
    this.bytes += size;
    this.fees += fee;
    return e;
  }

  /** Removes a set of entries, keeping the aggregates of the remaining ones exact. */
  private removeSet(set: ReadonlySet<MempoolEntry>): void {
    for (const e of set) {
      for (const a of ancestorsOf(e)) {
        if (set.has(a)) continue;
        a.descendantCount--;
        a.descendantSize -= e.size;
        a.descendantFees -= e.fee;
      }
      for (const d of descendantsOf(e)) {
        if (set.has(d)) continue;
        d.ancestorCount--;
        d.ancestorSize -= e.size;
        d.ancestorFees -= e.fee;
      }
    }
    for (const e of set) {
      for (const p of e.parents) p.children.delete(e);
      for (const c of e.children) c.parents.delete(e);
      for (const input of e.tx.ins) {
        const k = keyOf(txidKey(input.hash), input.index);
        if (this.spentBy.get(k) === e) this.spentBy.delete(k);
      }
      this.byKey.delete(e.key);
      this.bytes -= e.size;
      this.fees -= e.fee;
    }
  }

  /** `e` and all its descendants. */
  private withDescendants(e: MempoolEntry): Set<MempoolEntry> {
    const s = descendantsOf(e);
    s.add(e);
    return s;
  }

  /** Removes `txid` and its descendants (e.g. an operator's abandon); returns the txids removed. */
  remove(txid: Uint8Array): Uint8Array[] {
    const e = this.byKey.get(txidKey(txid));
    if (e === undefined) return [];
    const set = this.withDescendants(e);
    this.removeSet(set);
    return [...set].map((x) => x.txid);
  }

  /** Evicts lowest descendant-fee-rate packages until the pool fits; raises the fee floor. */
  private trim(): Uint8Array[] {
    const evicted: Uint8Array[] = [];
    while (this.bytes > this.opts.maxBytes && this.byKey.size > 0) {
      let worst: MempoolEntry | undefined;
      for (const e of this.byKey.values()) {
        if (worst === undefined) {
          worst = e;
          continue;
        }
        const c = compareFeeRate(e.descendantFees, e.descendantSize, worst.descendantFees, worst.descendantSize);
        if (c < 0 || (c === 0 && e.seq > worst.seq)) worst = e;
      }
      const w = worst!;
      if (this.floor === undefined || compareFeeRate(w.descendantFees, w.descendantSize, this.floor.fee, this.floor.size) > 0) {
        this.floor = { fee: w.descendantFees, size: w.descendantSize };
      }
      const set = this.withDescendants(w);
      this.removeSet(set);
      for (const x of set) evicted.push(x.txid);
    }
    return evicted;
  }

  /** Transactions for a block of at most `maxBytes` transaction bytes, by ancestor fee rate, parents first. */
  selectForBlock(maxBytes: number): Transaction[] {
    return selectByAncestorFeeRate(this.byKey.values(), maxBytes);
  }

  /**
   * Updates the pool for a block connected on top of the previous tip: removes its transactions,
   * then pool transactions double-spending its inputs (with descendants), resets the eviction floor,
   * then re-validates at the new tip (`ctx`) what it can change (see `revalidate`).
   */
  blockConnected(txs: readonly Transaction[], ctx: MempoolContext): BlockConnectedResult {
    const confirmed: Uint8Array[] = [];
    const conflicted: Uint8Array[] = [];
    for (const tx of txs) {
      if (isCoinbase(tx)) continue;
      const e = this.byKey.get(txidKey(txidOf(tx)));
      if (e !== undefined) {
        this.removeSet(new Set([e]));
        confirmed.push(e.txid);
      }
    }
    for (const tx of txs) {
      if (isCoinbase(tx)) continue;
      for (const input of tx.ins) {
        const other = this.spentBy.get(keyOf(txidKey(input.hash), input.index));
        if (other === undefined) continue;
        const set = this.withDescendants(other);
        this.removeSet(set);
        for (const x of set) conflicted.push(x.txid);
      }
    }
    this.floor = undefined;
    const invalidated = this.revalidate(ctx);
    return { confirmed, conflicted, invalidated };
  }

  /**
   * Re-validates pool transactions at the tip in `ctx` and drops those that fail (with descendants).
   * By default only what a forward tip change can affect: transactions the CC host took part in
   * (module verdicts depend on height, time and module state, CC.md B8.5) and any validated under
   * other script flags or module set. Inputs, maturity and lock times only improve as the chain
   * grows, and spends by the block were handled as conflicts. `all` re-checks every transaction.
   */
  revalidate(ctx: MempoolContext, options: { readonly all?: boolean } = {}): RemovedTx[] {
    const spec = this.spec;
    const height = ctx.tipHeight + 1;
    const flags = scriptFlagsFor(spec, height, 'mempool');
    const ccKey = ccContextKey(spec, height);
    const ccActive = ccActiveAt(spec, height);
    const removed: RemovedTx[] = [];
    for (const e of [...this.byKey.values()]) {
      if (!this.byKey.has(e.key)) continue;
      if (options.all !== true && !e.touchesCc && e.flags === flags && e.ccKey === ccKey) continue;
      const r = this.recheck(e, ctx, height, flags, ccKey, ccActive);
      if (r.ok) {
        e.touchesCc = r.value;
        e.flags = flags;
        e.ccKey = ccKey;
        continue;
      }
      const set = this.withDescendants(e);
      this.removeSet(set);
      removed.push({ txid: e.txid, error: r.error });
      for (const d of set) {
        if (d === e) continue;
        removed.push({
          txid: d.txid,
          error: { code: TxRejectCode.MISSING_INPUTS, message: `its unconfirmed ancestor ${displayTxid(e.txid)} was removed: ${r.error.message}`, reason: 'bad-txns-inputs-missingorspent' },
        });
      }
    }
    return removed;
  }

  /** The script and CC stage in mempool mode (this pool's CC host, script cache and pending transactions). */
  private checkScripts(tx: Transaction, txid: Uint8Array, coins: readonly Coin[], view: UtxoView, height: number, tipTimeMs: number, flags: number, ccKey: number): Result<ScriptCheckOutcome, TxRejection> {
    return checkTxScripts(tx, txid, coins, {
      spec: this.spec,
      mode: 'mempool',
      height,
      blockTimeMs: tipTimeMs,
      flags,
      ccKey,
      ccHost: this.opts.ccHost,
      scriptCache: this.opts.scriptCache,
      view,
      pendingTx: this.pendingTx,
    });
  }

  /** Full mempool-mode validation of an entry in place; returns whether the CC host took part. */
  private recheck(e: MempoolEntry, ctx: MempoolContext, height: number, flags: number, ccKey: number, ccActive: boolean): Result<boolean, TxRejection> {
    const spec = this.spec;
    const tx = e.tx;
    const std = checkStandardTx(tx, { ccActive, maxTxBytes: Math.min(MAX_STANDARD_TX_BYTES, spec.limits.maxTxBytes), dustRelayFeePerKb: this.opts.dustRelayFeePerKb });
    if (!std.ok) return std;
    const fin = checkFinal(tx, height, ctx.tipTimeMs);
    if (!fin.ok) return fin;
    const view = new MempoolView(ctx.view, this.index, e);
    const inputs = checkTxInputs(tx, view, height, spec.coinbaseMaturity);
    if (!inputs.ok) return inputs;
    const stdIn = checkStandardInputs(tx, inputs.value.coins, ccActive);
    if (!stdIn.ok) return stdIn;
    const rel = checkRelativeLocks(tx, inputs.value.coins, { height, blockTimeMs: ctx.tipTimeMs, blockTimeAt: ctx.blockTimeAt });
    if (!rel.ok) return rel;
    const scripts = this.checkScripts(tx, e.txid, inputs.value.coins, view, height, ctx.tipTimeMs, flags, ccKey);
    if (!scripts.ok) return scripts;
    return { ok: true, value: scripts.value.touchesCc };
  }

  /**
   * Rebuilds the pool after a branch switch. Call with the new tip in `ctx`, the non-coinbase
   * transactions of the disconnected blocks in chain order (`disconnected`), and the transactions of
   * the newly connected blocks (`connected`). Disconnected transactions are re-added first (without
   * the fee floor and size limit, as Core does), then the previous pool in acceptance order; whatever
   * no longer validates, or is confirmed by the new branch, is dropped. Returns what was dropped.
   */
  reorg(disconnected: readonly Transaction[], connected: readonly Transaction[], ctx: MempoolContext): RemovedTx[] {
    const confirmed = new Set<string>();
    for (const tx of connected) confirmed.add(txidKey(txidOf(tx)));
    const previous = [...this.byKey.values()];
    this.byKey.clear();
    this.spentBy.clear();
    this.bytes = 0;
    this.fees = 0n;
    this.floor = undefined;
    const dropped: RemovedTx[] = [];
    const tryAdd = (tx: Transaction, opts: AcceptOptions): void => {
      const txid = txidOf(tx);
      const key = txidKey(txid);
      if (confirmed.has(key) || this.byKey.has(key) || isCoinbase(tx)) return;
      const r = this.accept(tx, ctx, opts);
      if (!r.ok) dropped.push({ txid, error: r.error });
    };
    for (const tx of disconnected) tryAdd(tx, { bypassLimits: true });
    for (const e of previous) tryAdd(e.tx, { bypassLimits: true, time: e.time });
    for (const id of this.trim()) dropped.push({ txid: id, error: { code: TxRejectCode.MEMPOOL_FULL, message: 'evicted: the mempool is full', reason: 'mempool full' } });
    return dropped;
  }
}
