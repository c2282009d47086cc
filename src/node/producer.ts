/**
 * The block producer: on the slot clock of the chain spec (slot = ⌊(now − genesisTimeMs) / slotMs⌋)
 * it produces on the slots the schedule gives it (`producerForSlot`), empty blocks included.
 *
 * One slot, in order: the watermark := slot is written durably (so no restart signs a second block
 * for it); mempool transactions are assembled and re-validated in block mode (`buildBlock`); the
 * block is connected through the store in one SQLite transaction with the modules' index hooks; when
 * the producer alone is a quorum its PREPARE and COMMIT votes certify the block at once (LIB = head,
 * the next block carries the certificates); the mempool drops what the block confirmed or conflicts.
 *
 * A slot is produced only while it is the current one and not later than `lateLimitMs` into it; a
 * slot missed because the node was busy is skipped, never produced late or twice.
 *
 * Production is synchronous (validation, then one SQLite transaction), so it holds the event loop. To
 * keep that short the producer sizes each block to what it can assemble and connect within
 * `budgetMs` (CONSENSUS.md PRODUCE_BUDGET, 200 ms), from the bytes per millisecond its recent full
 * blocks achieved; RPC requests wait at most about that long.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { BlockRef, QC } from '../chain/block/types.ts';
import { slotAt, slotStartMs } from '../chain/params.ts';
import { displayTxid } from '../chain/state/key.ts';
import { buildBlock } from '../chain/validation/build.ts';
import { producerForSlot } from '../chain/validation/producer.ts';
import type { ProducerWatermark } from '../consensus/types.ts';
import { toHex } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { ErrorData, Result } from '../util/errors.ts';
import { selfCertificates } from './selfFinality.ts';
import type { BlockCertificates } from './selfFinality.ts';
import type { NodeParts } from './parts.ts';
import { BlockSizer } from './blockSizer.ts';
import { saveWatermark, startupWatermark } from './watermark.ts';

/** Why a slot was not produced. */
export const ProduceRefusal = {
  /** The slot belongs to another producer. */
  NOT_SCHEDULED: 'PRODUCE_NOT_SCHEDULED',
  /** The slot is not after the tip's slot. */
  NOT_AFTER_TIP: 'PRODUCE_NOT_AFTER_TIP',
  /** The watermark says a block for this slot (or a later one) was already signed. */
  WATERMARK: 'PRODUCE_WATERMARK',
  /** The watermark could not be written (the block is not signed). */
  WATERMARK_IO: 'PRODUCE_WATERMARK_IO',
  /** Block assembly failed. */
  BUILD_FAILED: 'PRODUCE_BUILD_FAILED',
  /** The store refused the block. */
  CONNECT_FAILED: 'PRODUCE_CONNECT_FAILED',
  /** The producer is stopped. */
  STOPPED: 'PRODUCE_STOPPED',
} as const;

/** A produced block. */
export interface ProducedBlock {
  readonly height: number;
  readonly id: Uint8Array;
  readonly slot: number;
  readonly txCount: number;
  readonly fees: bigint;
  /** Mempool transactions assembly dropped (they failed in block mode), with why. */
  readonly dropped: readonly { readonly txid: string; readonly code: string }[];
  /** True when the block is final (the producer alone is a quorum). */
  readonly final: boolean;
  readonly ms: number;
}

/** What the producer works with. */
export interface ProducerOptions extends NodeParts {
  readonly key: { readonly name: string; readonly privateKey: Uint8Array };
  /** Where the coinbase pays reward + fees. */
  readonly payTo: Uint8Array;
  /** Cap on a block's size below the chain's limit (keeps each slot's work short). */
  readonly maxBlockBytes?: number | undefined;
  /** How far into its slot a block may still be started (default 80 % of the slot). */
  readonly lateLimitMs?: number | undefined;
  /** Time a block's assembly and connection may take (default 200 ms); sizes blocks adaptively. */
  readonly budgetMs?: number | undefined;
  /** Called after each block is connected. */
  readonly onBlock?: ((b: ProducedBlock) => void) | undefined;
}

/** Default time budget of a block's assembly and connection (CONSENSUS.md PRODUCE_BUDGET). */
export const DEFAULT_BUDGET_MS = 200;
/** The adaptive cap never goes below this (a slow disk still moves transactions). */
const MIN_BLOCK_BYTES_CAP = 64 * 1024;
/** Blocks with fewer transactions are not used to measure speed. */
const MIN_MEASURED_TXS = 200;

/** What one `step` of the slot clock did. */
export type StepOutcome =
  | { readonly kind: 'idle' | 'not-ours' | 'late'; readonly slot: number }
  | { readonly kind: 'produced'; readonly slot: number; readonly block: ProducedBlock }
  | { readonly kind: 'refused'; readonly slot: number; readonly code: string; readonly message: string };

type Refusal = ErrorData<(typeof ProduceRefusal)[keyof typeof ProduceRefusal]>;

/** The producer of one node. Example: `const p = new Producer(opts); p.start(); ... p.stop()`. */
export class Producer {
  private watermark: ProducerWatermark;
  private certs: BlockCertificates | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastSlotSeen = -1;
  private readonly lateLimitMs: number;
  /** Measured assembly + connection speed of recent blocks with many transactions. */
  private readonly sizer = new BlockSizer(MIN_BLOCK_BYTES_CAP, MIN_MEASURED_TXS);

  constructor(private readonly o: ProducerOptions) {
    this.watermark = startupWatermark(o);
    this.lateLimitMs = o.lateLimitMs ?? Math.floor(o.spec.slotMs * 0.8);
    this.restoreFinality();
  }

  /** The last slot a block was signed for. */
  get lastProducedSlot(): number {
    return this.watermark.lastProducedSlot;
  }

  /**
   * After a restart: when the producer alone is a quorum, certify the tip again (re-signing a vote on
   * the same block is safe) so the next block carries certificates and the LIB reaches the tip.
   */
  private restoreFinality(): void {
    const { chain, store, spec, key } = this.o;
    if (chain.height < 1) return;
    const certs = selfCertificates(spec, spec.schedule, chain.tipRef(), key.privateKey);
    if (certs === undefined) return;
    this.certs = certs;
    if (store.lib() < chain.height) {
      const r = store.setLib(chain.height);
      if (!r.ok) this.o.log.error('cannot record the last irreversible block', { height: chain.height, error: r.error.message });
    }
  }

  /** Starts producing on the slot clock. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the slot clock (a slot being produced is finished first: production is synchronous). */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.running) return;
    const now = this.o.now();
    const next = slotStartMs(this.o.spec, slotAt(this.o.spec, now) + 1);
    this.timer = setTimeout(() => this.tick(), Math.max(1, next - now + 1));
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    try {
      this.step(this.o.now());
    } catch (e) {
      this.o.log.error('block production failed', { err: e });
    }
    this.schedule();
  }

  /**
   * What the slot clock does at time `now`: produce when `now` is in a new slot of ours and at most
   * `lateLimitMs` into it; a slot already seen is never produced again, one reached too late is
   * skipped. The timer calls it at every slot start; tests call it with chosen times.
   */
  step(now: number): StepOutcome {
    const slot = slotAt(this.o.spec, now);
    if (!(slot > this.lastSlotSeen) || slot < 1) return { kind: 'idle', slot };
    if (this.lastSlotSeen >= 0 && slot > this.lastSlotSeen + 1) this.o.log.debug('slots passed while busy', { from: this.lastSlotSeen + 1, to: slot - 1 });
    this.lastSlotSeen = slot;
    if (producerForSlot(this.o.spec.schedule, slot, this.o.spec.turnLength).name !== this.o.key.name) return { kind: 'not-ours', slot };
    const lateMs = now - slotStartMs(this.o.spec, slot);
    if (lateMs > this.lateLimitMs) {
      this.o.log.warn('slot skipped: the node was busy past its start', { slot, lateMs });
      return { kind: 'late', slot };
    }
    const r = this.produceAt(slot);
    return r.ok ? { kind: 'produced', slot, block: r.value } : { kind: 'refused', slot, code: r.error.code, message: r.error.message };
  }

  /** The header references and certificates the next block carries. */
  private refs(): { justify?: BlockRef; finalRef?: BlockRef; justifyQc?: QC; finalQc?: QC } {
    const { chain } = this.o;
    if (chain.height < 1) return {}; // block 1: genesis for parent, justify and finalRef
    if (this.certs !== undefined) {
      const tip = chain.tipRef();
      return { justify: tip, justifyQc: this.certs.prepare, finalRef: tip, finalQc: this.certs.commit };
    }
    const h = chain.tipHeader;
    return { justify: h.justify, finalRef: h.finalRef };
  }

  /** The byte cap of the next block: the configured/chain limit, and what fits the time budget. */
  blockBytesCap(): number {
    const limit = Math.min(this.o.maxBlockBytes ?? this.o.spec.limits.maxBlockBytes, this.o.spec.limits.maxBlockBytes);
    return this.sizer.cap(limit, this.o.budgetMs ?? DEFAULT_BUDGET_MS);
  }

  /**
   * Produces the block of `slot` now (the timer calls this; tests call it directly). Refuses a slot
   * that is not ours, not after the tip, or not after the watermark.
   */
  produceAt(slot: number): Result<ProducedBlock, Refusal> {
    const t0 = performance.now();
    const { spec, store, chain, mempool, key, log } = this.o;
    const tip = chain.tipRef();
    if (!(slot > tip.slot)) return err({ code: ProduceRefusal.NOT_AFTER_TIP, message: `slot ${slot} is not after the tip's slot ${tip.slot}` });
    const scheduled = producerForSlot(spec.schedule, slot, spec.turnLength);
    if (scheduled.name !== key.name) return err({ code: ProduceRefusal.NOT_SCHEDULED, message: `slot ${slot} belongs to ${scheduled.name}` });
    if (!(slot > this.watermark.lastProducedSlot)) {
      return err({ code: ProduceRefusal.WATERMARK, message: `a block was already signed for slot ${this.watermark.lastProducedSlot} (watermark)` });
    }
    const w = { lastProducedSlot: slot };
    const saved = saveWatermark(store, w);
    if (!saved.ok) {
      log.error('cannot write the producer watermark; not producing', { slot, error: saved.error.message });
      return err({ code: ProduceRefusal.WATERMARK_IO, message: saved.error.message });
    }
    this.watermark = w;
    const tMarked = performance.now();

    this.o.ccHost?.clear();
    const maxBytes = this.blockBytesCap();
    const candidates: Transaction[] = mempool.selectForBlock(maxBytes);
    const built = buildBlock({
      spec,
      view: store,
      parent: tip,
      ancestors: chain.ancestors,
      schedule: spec.schedule,
      blockTimeAt: chain.blockTimeAt,
      ccHost: this.o.ccHost,
      scriptCache: this.o.scriptCache,
      slot,
      producer: key,
      producerScript: this.o.payTo,
      candidates,
      maxBlockBytes: maxBytes,
      ...this.refs(),
    });
    if (!built.ok) {
      log.error('block assembly failed', { slot, code: built.error.code, error: built.error.message });
      return err({ code: ProduceRefusal.BUILD_FAILED, message: built.error.message, cause: built.error });
    }
    const tBuilt = performance.now();
    const { block, delta } = built.value;
    const dropped = built.value.dropped.map((d) => ({ txid: displayTxid(d.txid), code: d.error.code }));
    const connected = store.connectBlock(delta, this.o.hooks);
    this.o.ccHost?.clear();
    if (!connected.ok) {
      log.error('the store refused the produced block', { height: delta.height, code: connected.error.code, error: connected.error.message });
      return err({ code: ProduceRefusal.CONNECT_FAILED, message: connected.error.message, cause: connected.error });
    }
    chain.append(block.header, delta.id);
    const tStored = performance.now();

    const ref = chain.tipRef();
    this.certs = selfCertificates(spec, spec.schedule, ref, key.privateKey);
    if (this.certs !== undefined) {
      const r = store.setLib(ref.num);
      if (!r.ok) log.error('cannot record the last irreversible block', { height: ref.num, error: r.error.message });
    }
    const pool = mempool.blockConnected(block.txs, this.o.mempoolContext());
    for (const d of built.value.dropped) mempool.remove(d.txid);
    for (const d of dropped) log.warn('mempool transaction dropped at assembly', { txid: d.txid, code: d.code });
    for (const x of pool.invalidated) log.info('mempool transaction no longer valid', { txid: displayTxid(x.txid), code: x.error.code });
    const tPool = performance.now();

    this.sizer.learn(delta.blockBytes.length, block.txs.length, performance.now() - t0);
    const out: ProducedBlock = {
      height: delta.height,
      id: delta.id,
      slot,
      txCount: block.txs.length,
      fees: delta.fees,
      dropped,
      final: this.certs !== undefined,
      ms: Math.round(performance.now() - t0),
    };
    const ms1 = (x: number): number => Math.round(x * 10) / 10;
    const fields = {
      height: out.height,
      slot,
      txs: out.txCount,
      ms: out.ms,
      // where the time went: the durable watermark, assembly (block-mode validation, coinbase, header, signature), the store's commit, the mempool update
      watermarkMs: ms1(tMarked - t0),
      assembleMs: ms1(tBuilt - tMarked),
      storeMs: ms1(tStored - tBuilt),
      poolMs: ms1(tPool - tStored),
      id: toHex(out.id).slice(0, 16),
    };
    if (out.txCount > 1) log.info('block produced', fields);
    else log.debug('block produced', fields);
    this.o.onBlock?.(out);
    return ok(out);
  }
}
