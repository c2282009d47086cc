/**
 * Block production of a networked producer (CONSENSUS.md §5.3): at the start of each slot the
 * scheduled producer (under the schedule the best head's state gives that slot) builds on the best
 * head, when the §5.3 preconditions hold (`mayProduce`: watermark, synced, head − LIB bound, vote
 * silence), its clock agrees with the other producers' (clockCheck.ts), and it is not already past
 * the 200 ms budget. In order: the watermark := slot is written durably; mempool transactions are
 * re-validated in block mode and assembled with the header's certificate claims (`headerClaims`) and
 * evidence; the signed block goes to the peers; then the engine connects it and votes on it.
 *
 * Blocks are sized to what this node can assemble within the budget (bytes per ms measured on recent
 * full blocks), so a slot's work stays short on a busy machine.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { slotAt, slotStartMs } from '../../chain/params.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { buildBlock } from '../../chain/validation/build.ts';
import { producerForSlot } from '../../chain/validation/producer.ts';
import { acceptableEvidence } from '../../consensus/headerState.ts';
import { advanceWatermark, headerClaims, mayProduce } from '../../consensus/production.ts';
import type { ProductionRefusal } from '../../consensus/production.ts';
import { regimeFor, scheduledProducer } from '../../consensus/regime.ts';
import type { ProducerWatermark } from '../../consensus/types.ts';
import { toHex } from '../../util/bytes.ts';
import type { NodeParts } from '../parts.ts';
import { BlockSizer } from '../blockSizer.ts';
import { saveWatermark, startupWatermark } from '../watermark.ts';
import type { ConsensusEngine } from './engine.ts';

/** Time from slot start by which a block must be sealed and sent (CONSENSUS.md PRODUCE_BUDGET). */
export const PRODUCE_BUDGET_MS = 200;
/** Without peers, a starting producer waits this long before producing alone (it may be behind). */
const STARTUP_GRACE_MS = 3000;
/** The adaptive block cap never goes below this. */
const MIN_BLOCK_BYTES_CAP = 16 * 1024;
/** Blocks with fewer transactions are not used to measure speed. */
const MIN_MEASURED_TXS = 100;
/** A refusal reason is logged at most this often. */
const REFUSAL_LOG_MS = 10_000;

/** Why a slot of ours was not produced. */
export type SlotRefusal = ProductionRefusal | 'late' | 'clock-skew' | 'starting' | 'watermark-io' | 'build-failed' | 'connect-failed';

/** What a slot start did. */
export type SlotOutcome =
  | { readonly kind: 'not-ours'; readonly slot: number }
  | { readonly kind: 'produced'; readonly slot: number; readonly height: number; readonly txs: number; readonly ms: number }
  | { readonly kind: 'refused'; readonly slot: number; readonly reason: SlotRefusal; readonly detail?: string };

/** What the producer works with. */
export interface SlotProducerOptions extends Omit<NodeParts, 'mempoolContext' | 'hooks'> {
  readonly engine: ConsensusEngine;
  readonly key: { readonly name: string; readonly privateKey: Uint8Array };
  /** Where the coinbase pays reward + fees. */
  readonly payTo: Uint8Array;
  /** Cap on a block's bytes below the chain's limit. */
  readonly maxBlockBytes?: number | undefined;
  /** Production budget from slot start (default 200 ms). */
  readonly budgetMs?: number | undefined;
  /** Called after each slot of ours (tests, benchmarks). */
  readonly onOutcome?: ((o: SlotOutcome) => void) | undefined;
}

/** Example: `const p = new SlotProducer(opts); clock listener: (slot, now) => p.step(slot, now)`. */
export class SlotProducer {
  private watermark: ProducerWatermark;
  private readonly startedAt: number;
  private readonly sizer = new BlockSizer(MIN_BLOCK_BYTES_CAP, MIN_MEASURED_TXS);
  private readonly lastLogged = new Map<string, number>();
  /** The latest refusal, for status reports. */
  lastRefusal: { readonly slot: number; readonly reason: SlotRefusal; readonly detail?: string } | undefined;
  produced = 0;

  constructor(private readonly o: SlotProducerOptions) {
    this.startedAt = o.now();
    this.watermark = startupWatermark(o);
  }

  /** The last slot a block was signed for. */
  get lastProducedSlot(): number {
    return this.watermark.lastProducedSlot;
  }

  private refuse(slot: number, reason: SlotRefusal, detail?: string): SlotOutcome {
    this.lastRefusal = { slot, reason, ...(detail !== undefined ? { detail } : {}) };
    const now = this.o.now();
    const quiet = reason === 'watermark' || reason === 'slot-not-after-parent';
    if (!quiet && now - (this.lastLogged.get(reason) ?? 0) >= REFUSAL_LOG_MS) {
      this.lastLogged.set(reason, now);
      const fields = { slot, reason, ...(detail !== undefined ? { detail } : {}) };
      if (reason === 'clock-skew') this.o.log.warn('not producing: this clock is off against the other producers; fix the clock (NTP)', fields);
      else this.o.log.warn('not producing this slot', fields);
    }
    return { kind: 'refused', slot, reason, ...(detail !== undefined ? { detail } : {}) };
  }

  /** Runs the production decision for `slot`, reached at local time `nowMs`. */
  step(slot: number, nowMs: number): SlotOutcome {
    const out = this.decide(slot, nowMs);
    if (out.kind !== 'not-ours') this.o.onOutcome?.(out);
    return out;
  }

  private decide(slot: number, nowMs: number): SlotOutcome {
    const { engine, spec, key } = this.o;
    const head = engine.head;
    if (scheduledProducer(head.state, slot, spec.turnLength).name !== key.name) return { kind: 'not-ours', slot };
    const budget = this.o.budgetMs ?? PRODUCE_BUDGET_MS;
    const lateMs = nowMs - slotStartMs(spec, slot);
    if (lateMs > budget) return this.refuse(slot, 'late', `${lateMs} ms into the slot`);
    const clock = engine.clock.estimate(nowMs);
    if (clock.skewed) return this.refuse(slot, 'clock-skew', `offset ${clock.offsetMs} ms (limit ${clock.limitMs} ms)`);
    if (engine.peerCount() === 0 && nowMs - this.startedAt < STARTUP_GRACE_MS) return this.refuse(slot, 'starting', 'no peer connected yet');
    const nowSlot = slotAt(spec, nowMs);
    const m = mayProduce({
      producer: key.name,
      slot,
      nowSlot,
      parent: head.state,
      turnLength: spec.turnLength,
      watermark: this.watermark,
      libNum: engine.db.lib.num,
      synced: head.ref.slot >= nowSlot - 2 || !engine.syncing(),
      nowMs,
      lastOtherVoteMs: engine.voteSilenceSince(),
      bootstrapped: engine.lastOtherVoteMs !== undefined,
    });
    if (!m.ok) return this.refuse(slot, m.reason);
    return this.produce(slot, budget - lateMs);
  }

  /** The byte cap of the next block for `budgetMs` of assembly time. */
  blockBytesCap(budgetMs: number): number {
    const { spec } = this.o;
    const limit = Math.min(this.o.maxBlockBytes ?? spec.limits.maxBlockBytes, spec.limits.maxBlockBytes);
    return this.sizer.cap(limit, Math.max(20, budgetMs * 0.6));
  }

  private produce(slot: number, budgetLeftMs: number): SlotOutcome {
    const t0 = performance.now();
    const { engine, spec, store, chain, mempool, key, log } = this.o;
    const head = engine.head;
    const w = advanceWatermark(this.watermark, slot);
    const saved = saveWatermark(store, w);
    if (!saved.ok) return this.refuse(slot, 'watermark-io', saved.error.message);
    this.watermark = w;

    const regime = regimeFor(head.state, slot, spec.turnLength);
    const claims = headerClaims(engine.db, head);
    const evidence = acceptableEvidence(engine.cfg, head.state, slot, engine.evidence());
    const maxBytes = this.blockBytesCap(budgetLeftMs);
    const candidates: Transaction[] = mempool.selectForBlock(maxBytes);
    this.o.ccHost?.clear();
    const built = buildBlock({
      spec,
      view: store,
      parent: head.ref,
      ancestors: chain.ancestors,
      schedule: regime.active,
      pendingVersion: regime.pending?.schedule.version ?? 0,
      scheduledProducer: (s) => producerForSlot(regime.active, s, spec.turnLength),
      blockTimeAt: chain.blockTimeAt,
      ccHost: this.o.ccHost,
      scriptCache: this.o.scriptCache,
      slot,
      producer: key,
      producerScript: this.o.payTo,
      candidates,
      maxBlockBytes: maxBytes,
      justify: claims.justify,
      finalRef: claims.finalRef,
      justifyQc: claims.justifyQc,
      finalQc: claims.finalQc,
      ...(evidence.length > 0 ? { evidence } : {}),
    });
    if (!built.ok) {
      log.error('block assembly failed', { slot, code: built.error.code, error: built.error.message });
      return this.refuse(slot, 'build-failed', built.error.message);
    }
    const { block, delta } = built.value;
    engine.publishBlock(delta.blockBytes);
    const tSent = performance.now();
    for (const d of built.value.dropped) {
      mempool.remove(d.txid);
      log.warn('mempool transaction dropped at assembly', { txid: displayTxid(d.txid), code: d.error.code });
    }
    const added = engine.addOwnBlock(block, delta.blockBytes, delta);
    if (!added.ok) {
      log.error('our own block was not accepted', { slot, code: added.error.code, error: added.error.message });
      return this.refuse(slot, 'connect-failed', added.error.message);
    }
    this.produced++;
    this.sizer.learn(delta.blockBytes.length, block.txs.length, tSent - t0);
    const ms = Math.round(performance.now() - t0);
    const fields = { height: delta.height, slot, txs: block.txs.length, sealMs: Math.round(tSent - t0), ms, id: toHex(delta.id).slice(0, 16) };
    if (block.txs.length > 1) log.info('block produced', fields);
    else log.debug('block produced', fields);
    return { kind: 'produced', slot, height: delta.height, txs: block.txs.length, ms };
  }
}
