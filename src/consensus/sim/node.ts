/**
 * One simulated producer node. It runs the real consensus core — `nextHeaderState`, `ForkDb`,
 * `QcAggregator`, `Finalizer`, `mayProduce`, `headerClaims`, evidence — over blocks whose payload is a
 * number (no transactions). Honest nodes PREPARE their head when the rules allow, COMMIT the highest
 * block with a PREPARE certificate the rules allow, and produce in their slots. Byzantine behaviours
 * are scripted: silent, double voting (votes for everything on every branch), and producer strategies
 * (equivocate to two halves, fork from an older block, invalid payload, withhold from half the nodes,
 * a long-range fork under an old schedule).
 *
 * Everything the node must not forget goes to its `SimDisk` in explicit steps (see disk.ts); after
 * each step the simulation may crash the node right there. A restart rebuilds the node from the disk
 * alone. I/O happens through `NodeEnv`: messages go to the simulation's queue, so handlers never re-enter.
 */
import type { BlockHeader, BlockRef, Evidence, Phase, QC, Schedule } from '../../chain/block/types.ts';
import { sha256 } from '../../crypto/hash.ts';
import { toHex, utf8 } from '../../util/bytes.ts';
import { err, ok } from '../../util/errors.ts';
import type { Result, ErrorData } from '../../util/errors.ts';
import { QcAggregator } from '../aggregator.ts';
import type { VoteOutcome } from '../aggregator.ts';
import { verifyQc } from '../certificate.ts';
import type { ConsensusConfig } from '../config.ts';
import { Finalizer, INITIAL_FSI, startupSlotFor } from '../finalizer.ts';
import type { CandidateBlock, RuleMutations } from '../finalizer.ts';
import { ForkDb } from '../forkDb.ts';
import type { BranchApplier, ForkBlock } from '../forkDb.ts';
import { headerId, signHeader } from '../header.ts';
import { accused } from '../evidence.ts';
import { acceptableEvidence, nextHeaderState } from '../headerState.ts';
import { PRODUCE_BUDGET_MS } from '../params.ts';
import { encodeFsi, encodeWatermark } from '../persist.ts';
import { advanceWatermark, headerClaims, mayProduce } from '../production.ts';
import { idKey } from '../refs.ts';
import { regimeFor, scheduledProducer } from '../regime.ts';
import { memberIndex } from '../schedule.ts';
import type { HeaderState, ProducerWatermark, Vote } from '../types.ts';
import { EquivocationWatch } from '../watch.ts';
import { makeVote, votingSets } from '../votes.ts';
import { SimDisk } from './disk.ts';
import type { LogEntry, Payload, PersistPoint, Recovered, Stored, SurvivingFiles } from './disk.ts';
import type { Prng } from './prng.ts';
import type { SimKeys } from './simScheme.ts';
import type { World } from './world.ts';

export type { Payload } from './disk.ts';

/** Messages between simulated nodes. */
export type Msg =
  | { readonly kind: 'block'; readonly header: BlockHeader; readonly payload: Payload }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'qc'; readonly qc: QC }
  | { readonly kind: 'get'; readonly id: string };

/** How a producer builds its blocks. */
export type ProducerStrategy = 'honest' | 'equivocate' | 'fork' | 'invalid' | 'withhold' | 'mixed' | 'oldSchedule';

/** A node's behaviour: honest when every field is absent. */
export interface Behaviour {
  /** Sends nothing and produces nothing (a crashed or censoring node). */
  readonly silent?: boolean;
  /** Votes PREPARE on every block it sees and COMMIT on every block with a PREPARE certificate, on all branches. */
  readonly doubleVote?: boolean;
  /** With doubleVote: signs votes even on blocks whose schedules it is not in (old keys after leaving). */
  readonly ignoreMembership?: boolean;
  /** Never advances its LIB, so it keeps every branch it hears of (and can vote on all of them). */
  readonly keepForks?: boolean;
  /**
   * Block production strategy (default honest). 'oldSchedule': a long-range fork — build on the last
   * final block under which this node is still the scheduled producer of the slot (after it left the
   * schedule: a block before the hand-over), and keep extending that private branch.
   */
  readonly producer?: ProducerStrategy;
}

/** What a node can see and do outside itself. */
export interface NodeEnv {
  readonly config: ConsensusConfig;
  readonly keys: SimKeys;
  readonly world: World;
  readonly rng: Prng;
  /** Indices of honest and byzantine nodes (members that turn byzantine move from one to the other). */
  readonly honest: number[];
  readonly byzantine: number[];
  readonly nodeCount: number;
  readonly slotMs: number;
  /**
   * The byzantine coalition's shared notes: for a block it equivocated, the nodes meant to see it.
   * Double voters send their votes on such a block to those nodes only (split-brain attack).
   */
  readonly coalition: Map<string, readonly number[]>;
  /** Teeth only: honest nodes send votes and blocks before persisting the FSI / watermark. */
  readonly sendBeforePersist?: boolean;
  /** Teeth only: a lost or corrupt FSI file restarts the finalizer as one that never voted (no amnesia rule). */
  readonly ignoreAmnesiaRule?: boolean;
  now(): number;
  nowSlot(): number;
  send(from: number, to: number, msg: Msg): void;
  /** A schedule proposal to put into a block this node builds at `slot` on `parent`, if any. */
  proposeSchedule?(parent: HeaderState, slot: number): Schedule | undefined;
  /** A persistence step completed; true = the node crashes right here. */
  persisted?(node: number, point: PersistPoint, phase: Phase | undefined): boolean;
  /** The node crashed at a scripted point with this head in memory (the simulation schedules its restart). */
  crashed?(node: number, head: BlockRef): void;
}

/** What one restart found on disk, and where the node stood once it had caught up with what it held. */
export interface RecoveryRecord extends Omit<Recovered, 'db' | 'blocks'> {
  readonly atMs: number;
  readonly startupSlot: number;
  /** The root the block log gave (before anything newer became final). */
  readonly logLib: BlockRef;
  /** LIB and head right after the restart's first head update. */
  readonly lib: BlockRef;
  readonly head: BlockRef;
}

/** Thrown from inside a handler to stop it at a scripted crash point. */
class SimCrash extends Error {}

/** True when a behaviour is fully honest. */
export function isHonest(b: Behaviour): boolean {
  return b.silent !== true && b.doubleVote !== true && b.keepForks !== true && (b.producer === undefined || b.producer === 'honest');
}

/** A simulated node (see the file comment). */
export class SimNode {
  db: ForkDb<Payload>;
  agg: QcAggregator;
  fin: Finalizer;
  watermark: ProducerWatermark = { lastProducedSlot: 0 };
  readonly disk: SimDisk;
  down = false;
  /** Sum of payload values along the applied chain (the in-memory view of the UTXO store). */
  appliedSum = 0;
  /** UTXO value at the LIB. */
  rootSum = 0;
  /** Times this node restarted (a restarted mempool differs, so its blocks differ too). */
  incarnation = 0;
  private store = new Map<string, Stored>();
  private orphans = new Map<string, Stored[]>();
  private requested = new Map<string, number>();
  private pendingQcs = new Map<string, QC[]>();
  private readonly evidence = new Map<string, Evidence>();
  private watch = new EquivocationWatch();
  private byzPrepared = new Set<string>();
  private byzCommitted = new Set<string>();
  private longRangeTip: LogEntry | undefined;
  private dirty = false;
  private undosThisUpdate = 0;
  honest: boolean;
  /** Blocks this node produced. */
  produced = 0;
  /** Blocks that failed to apply here (remove-on-failure). */
  failedBlocks = 0;
  /** One record per restart: when, what the disk gave back, and where the LIB and head were right after. */
  readonly recoveries: RecoveryRecord[] = [];

  constructor(
    readonly index: number,
    readonly name: string,
    private readonly priv: Uint8Array,
    public behaviour: Behaviour,
    private readonly env: NodeEnv,
    genesis: LogEntry,
    private readonly mutations: RuleMutations = {},
  ) {
    this.honest = isHonest(behaviour);
    this.db = new ForkDb(genesis.header, genesis.state, genesis.payload);
    this.store.set(idKey(genesis.state.ref.id), genesis);
    this.agg = this.newAggregator();
    this.fin = new Finalizer(INITIAL_FSI, 1, mutations);
    this.disk = new SimDisk(genesis);
    this.disk.fsi = encodeFsi(INITIAL_FSI);
    this.disk.watermark = encodeWatermark(this.watermark);
  }

  /** Switches behaviour mid-run (a member that turns byzantine after leaving the schedule). */
  setBehaviour(b: Behaviour): void {
    this.behaviour = b;
    this.honest = isHonest(b);
    if (!this.honest) this.env.world.honestNames.delete(this.name);
  }

  private newAggregator(): QcAggregator {
    return new QcAggregator({ chainId: this.env.config.chainId, scheme: this.env.config.scheme });
  }

  /** Marks a completed persistence step; crashes the node here if the simulation says so. */
  private step(point: PersistPoint, phase?: Phase): void {
    if (this.env.persisted?.(this.index, point, phase) === true) throw new SimCrash(point);
  }

  /** Runs a handler; a scripted crash inside it takes the node down. */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof SimCrash)) throw e;
      this.down = true;
      this.env.crashed?.(this.index, this.db.head.ref);
    }
  }

  private readonly applier: BranchApplier<Payload> = {
    apply: (b: ForkBlock<Payload>): Result<void, ErrorData> => {
      if (!b.payload.valid) {
        this.failedBlocks++;
        this.step('apply-failed');
        return err({ code: 'SIM_INVALID_PAYLOAD', message: 'the payload fails validation' });
      }
      this.disk.storeApply(idKey(b.ref.id), idKey(b.header.parent), b.payload.value);
      this.appliedSum += b.payload.value;
      this.step(this.undosThisUpdate > 0 ? 'store-redo' : 'store-apply');
      return ok(undefined);
    },
    undo: (b: ForkBlock<Payload>): void => {
      this.disk.storeUndo(idKey(b.ref.id));
      this.appliedSum -= b.payload.value;
      this.undosThisUpdate++;
      this.step('store-undo');
    },
  };

  /** Evidence this node has gathered (double production, double votes). */
  evidencePool(): Evidence[] {
    return [...this.evidence.values()];
  }

  // ---------------------------------------------------------------- messages

  /** Handles one delivered message. */
  receive(from: number, msg: Msg): void {
    if (this.down) return;
    this.guarded(() => {
      switch (msg.kind) {
        case 'block':
          this.receiveBlock(from, msg.header, msg.payload);
          break;
        case 'vote':
          this.receiveVote(from, msg.vote);
          break;
        case 'qc':
          this.receiveQc(from, msg.qc);
          break;
        case 'get': {
          const s = this.store.get(msg.id);
          if (s !== undefined && !this.behaviour.silent) this.env.send(this.index, from, { kind: 'block', header: s.header, payload: s.payload });
          return;
        }
      }
      this.afterChange();
    });
  }

  private request(key: string, from: number): void {
    if (from === this.index) return;
    const last = this.requested.get(key);
    const now = this.env.now();
    if (last !== undefined && now - last < 1000) return;
    this.requested.set(key, now);
    this.env.send(this.index, from, { kind: 'get', id: key });
  }

  private addEvidence(ev: Evidence): void {
    this.evidence.set(toHex(sha256(ev.data)) + ev.type, ev);
  }

  private receiveBlock(from: number, header: BlockHeader, payload: Payload): void {
    const work: Stored[] = [{ header, payload }];
    while (work.length > 0) {
      const s = work.pop()!;
      const id = headerId(s.header);
      const key = idKey(id);
      if (this.db.get(id) !== undefined || this.db.isInvalid(id)) continue;
      const parent = this.db.get(s.header.parent);
      if (parent === undefined) {
        if (s.header.slot <= this.db.lib.slot) continue;
        const pk = idKey(s.header.parent);
        const list = this.orphans.get(pk) ?? [];
        if (!list.some((o) => idKey(headerId(o.header)) === key)) list.push(s);
        this.orphans.set(pk, list);
        this.request(pk, from);
        continue;
      }
      const st = nextHeaderState(this.env.config, parent.state, s.header, this.db.ancestorStateFor(s.header.parent));
      if (!st.ok) continue;
      const ev = this.watch.observe(s.header);
      if (ev !== undefined) this.addEvidence(ev);
      const added = this.db.add(s.header, st.value, s.payload);
      if (!added.ok) continue;
      if (this.honest) this.env.world.recordState(this.name, st.value);
      this.dirty = true;
      this.store.set(key, s);
      this.requested.delete(key);
      this.disk.forkFile.set(key, s);
      this.step('block-stored');
      if (this.honest && s.header.finalQc !== undefined) this.env.world.recordFinal(this.name, s.header.finalQc.block);
      for (const out of this.agg.blockKnown(st.value)) this.handleOutcome(out);
      const qcs = this.pendingQcs.get(key);
      if (qcs !== undefined) {
        this.pendingQcs.delete(key);
        for (const qc of qcs) this.acceptForeignQc(qc);
      }
      const kids = this.orphans.get(key);
      if (kids !== undefined) {
        this.orphans.delete(key);
        work.push(...kids);
      }
    }
  }

  private receiveVote(from: number, vote: Vote): void {
    const entry = this.db.get(vote.block.id);
    const out = this.agg.add(vote, entry?.state);
    if (out.status === 'parked' && vote.block.slot > this.db.lib.slot) this.request(idKey(vote.block.id), from);
    this.handleOutcome(out);
  }

  private handleOutcome(out: VoteOutcome): void {
    if (out.evidence !== undefined) this.addEvidence(out.evidence);
    if (out.qc !== undefined) this.onQc(out.qc, true);
  }

  private receiveQc(from: number, qc: QC): void {
    const entry = this.db.get(qc.block.id);
    if (entry === undefined) {
      if (qc.block.slot <= this.db.lib.slot) return;
      const k = idKey(qc.block.id);
      const list = this.pendingQcs.get(k) ?? [];
      list.push(qc);
      this.pendingQcs.set(k, list);
      this.request(k, from);
      return;
    }
    this.acceptForeignQc(qc);
  }

  private acceptForeignQc(qc: QC): void {
    const entry = this.db.get(qc.block.id);
    if (entry === undefined) return;
    const v = verifyQc(qc, qc.phase, qc.block, votingSets(this.env.config.chainId, entry.state), this.env.config.scheme);
    if (v.ok) this.onQc(qc, false);
  }

  private onQc(qc: QC, local: boolean): void {
    const outcome = this.db.markQc(qc);
    if (outcome === 'recorded') this.dirty = true;
    if (this.honest && qc.phase === 'COMMIT') this.env.world.recordFinal(this.name, qc.block);
    if (local && qc.phase === 'COMMIT' && this.db.get(qc.block.id)?.state.producer === this.name) {
      for (let to = 0; to < this.env.nodeCount; to++) if (to !== this.index) this.env.send(this.index, to, { kind: 'qc', qc });
    }
  }

  // ---------------------------------------------------------------- state changes and votes

  private afterChange(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.undosThisUpdate = 0;
    const upd = this.db.updateHead(this.applier);
    if (upd.failed.length > 0) {
      this.dirty = true;
      for (const [k, s] of this.disk.forkFile) if (this.db.isInvalid(headerId(s.header))) this.disk.forkFile.delete(k);
      this.step('block-dropped');
    }
    const f = this.behaviour.keepForks === true ? undefined : this.db.finalizable();
    if (f !== undefined) this.finalize(f);
    this.vote();
  }

  /** Root advance in the persistence order of §5.10: block log (one block at a time, then sync), then the fork database. */
  private finalize(f: ForkBlock<Payload>): void {
    const from = this.db.lib;
    const qc = f.commitQc!;
    const certified = verifyQc(qc, 'COMMIT', f.ref, votingSets(this.env.config.chainId, f.state), this.env.config.scheme).ok;
    const newlyFinal = this.db.branch(f.ref.id).reverse();
    for (const b of newlyFinal) {
      this.disk.log.push({ header: b.header, payload: b.payload, state: b.state });
      this.step('log-append');
    }
    this.step('log-synced');
    const r = this.db.advanceRoot(f);
    if (!r.ok) return;
    for (const b of r.value.finalized) {
      this.rootSum += b.payload.value;
      this.disk.undo.delete(idKey(b.ref.id));
    }
    for (const b of [...r.value.finalized, ...r.value.pruned]) this.disk.forkFile.delete(idKey(b.ref.id));
    this.step('fork-pruned');
    const libSlot = this.db.lib.slot;
    this.agg.pruneBelow(libSlot);
    this.watch.pruneBelow(libSlot);
    for (const [k, list] of this.orphans) if (list.every((o) => o.header.slot <= libSlot)) this.orphans.delete(k);
    const rootState = this.db.root.state;
    for (const [k, ev] of this.evidence) {
      const who = accused(ev);
      const last = who && rootState.punished.find((p) => p.name === who.offender);
      if (who === undefined || rootState.standby.some((x) => x.name === who.offender) || (last !== undefined && who.slot <= last.slot)) this.evidence.delete(k);
    }
    if (this.honest) this.env.world.recordLib(this.name, from, this.db.lib, r.value.finalized.map((b) => b.ref), certified);
  }

  private voteEnv() {
    return { nowSlot: this.env.nowSlot(), lib: this.db.lib, extends: this.db.extends };
  }

  private static candidate(b: ForkBlock<Payload>): CandidateBlock {
    return { ref: b.ref, justify: b.state.chainJustify, validated: b.validated };
  }

  private canVoteOn(b: ForkBlock<Payload>): boolean {
    if (this.behaviour.ignoreMembership === true) return true;
    return memberIndex(b.state.active, this.name) >= 0 || (b.state.pending !== undefined && memberIndex(b.state.pending.schedule, this.name) >= 0);
  }

  private vote(): void {
    if (this.behaviour.silent === true || this.down) return;
    if (this.behaviour.doubleVote === true) {
      this.voteForEverything();
      return;
    }
    const head = this.db.head;
    if (head !== this.db.root && this.canVoteOn(head)) {
      const d = this.fin.decidePrepare(SimNode.candidate(head), this.voteEnv());
      if (d.vote) this.persistAndCast('PREPARE', head, d.fsi);
    }
    const cands: ForkBlock<Payload>[] = [];
    for (const b of this.db.blocks()) {
      if (b !== this.db.root && b.prepareQc !== undefined && b.validated && b.ref.slot > this.fin.fsi.lastCommitSlot && this.canVoteOn(b)) cands.push(b);
    }
    cands.sort((a, b) => b.ref.slot - a.ref.slot);
    for (const c of cands) {
      const d = this.fin.decideCommit(SimNode.candidate(c), true, this.voteEnv());
      if (d.vote) {
        this.persistAndCast('COMMIT', c, d.fsi);
        break;
      }
    }
  }

  /** §5.10: FSI write, then vote send (or, as a teeth mutation, the other way round). */
  private persistAndCast(phase: Phase, b: ForkBlock<Payload>, fsi: typeof this.fin.fsi): void {
    if (this.env.sendBeforePersist === true && this.honest) {
      this.fin.adopt(fsi);
      this.cast(phase, b);
      this.step('vote-sent', phase);
      this.disk.fsi = encodeFsi(fsi);
      this.step('fsi-written', phase);
      return;
    }
    this.disk.fsi = encodeFsi(fsi);
    this.step('fsi-written', phase);
    this.fin.adopt(fsi);
    this.cast(phase, b);
    this.step('vote-sent', phase);
  }

  private voteForEverything(): void {
    for (const b of this.db.blocks()) {
      if (b === this.db.root || !this.canVoteOn(b)) continue;
      const k = idKey(b.ref.id);
      if (!this.byzPrepared.has(k)) {
        this.byzPrepared.add(k);
        this.cast('PREPARE', b);
      }
      if (b.prepareQc !== undefined && !this.byzCommitted.has(k)) {
        this.byzCommitted.add(k);
        this.cast('COMMIT', b);
      }
    }
  }

  private cast(phase: Phase, b: ForkBlock<Payload>): void {
    const v = makeVote(votingSets(this.env.config.chainId, b.state), phase, b.ref, this.name, this.priv, this.env.config.scheme);
    if (this.honest) {
      this.env.world.recordVote(this.name, { phase, key: idKey(b.ref.id), slot: b.ref.slot, justifySlot: b.state.chainJustify.slot, at: this.env.now() });
    }
    const targets = this.honest ? undefined : this.env.coalition.get(idKey(b.ref.id));
    if (targets !== undefined) {
      for (const to of targets) this.env.send(this.index, to, { kind: 'vote', vote: v });
      return;
    }
    for (let to = 0; to < this.env.nodeCount; to++) this.env.send(this.index, to, { kind: 'vote', vote: v });
  }

  // ---------------------------------------------------------------- production

  /** Called at the start of every slot. */
  onSlot(slot: number): void {
    if (this.down || this.behaviour.silent === true) return;
    this.guarded(() => this.produce(slot));
  }

  private produce(slot: number): void {
    if (this.behaviour.producer === 'oldSchedule') {
      this.produceLongRange(slot);
      return;
    }
    const head = this.db.head;
    if (scheduledProducer(head.state, slot, this.env.config.turnLength).name !== this.name) return;
    const m = mayProduce({
      producer: this.name,
      slot,
      nowSlot: slot,
      parent: head.state,
      turnLength: this.env.config.turnLength,
      watermark: this.watermark,
      libNum: this.db.lib.num,
      synced: true,
    });
    if (!m.ok) return;
    let strategy = this.behaviour.producer ?? 'honest';
    if (strategy === 'mixed') strategy = this.env.rng.pick(['honest', 'equivocate', 'fork', 'fork', 'invalid', 'withhold'] as const);
    const everyone = [...Array(this.env.nodeCount).keys()];
    if (strategy === 'equivocate') {
      const a = this.build(head, slot, 0, true);
      const b = this.build(head, slot, 1, true);
      const hs = this.env.rng.shuffle(this.env.honest);
      const half = Math.ceil(hs.length / 2);
      const ta = [...hs.slice(0, half), ...this.env.byzantine];
      const tb = [...hs.slice(half), ...this.env.byzantine];
      this.env.coalition.set(idKey(headerId(a.header)), ta);
      this.env.coalition.set(idKey(headerId(b.header)), tb);
      this.persistWatermark(slot);
      this.deliver(a, ta);
      this.deliver(b, tb);
      return;
    }
    if (strategy === 'fork') {
      const p = head === this.db.root ? undefined : this.db.get(head.header.parent);
      if (p !== undefined && scheduledProducer(p.state, slot, this.env.config.turnLength).name === this.name) {
        this.persistWatermark(slot);
        this.deliver(this.build(p, slot, 2, true), everyone);
        return;
      }
    }
    if (strategy === 'invalid') {
      this.persistWatermark(slot);
      this.deliver(this.build(head, slot, 3, false), everyone);
      return;
    }
    if (strategy === 'withhold') {
      const hs = this.env.rng.shuffle(this.env.honest);
      this.persistWatermark(slot);
      this.deliver(this.build(head, slot, 4, true), [...hs.slice(0, Math.ceil(hs.length / 2)), ...this.env.byzantine]);
      return;
    }
    const block = this.build(head, slot, 0, true);
    if (this.env.sendBeforePersist === true && this.honest) {
      this.deliver(block, everyone);
      this.step('block-sent');
      this.persistWatermark(slot);
      return;
    }
    this.persistWatermark(slot);
    this.deliver(block, everyone);
    this.step('block-sent');
  }

  /** §5.3 step 4: the watermark is on disk before the block leaves. */
  private persistWatermark(slot: number): void {
    this.watermark = advanceWatermark(this.watermark, slot);
    this.disk.watermark = encodeWatermark(this.watermark);
    this.step('watermark-written');
  }

  /** The 'oldSchedule' strategy (see `Behaviour.producer`): blocks only the old schedule's keys sign. */
  private produceLongRange(slot: number): void {
    const t = this.env.config.turnLength;
    let base = this.longRangeTip;
    if (base === undefined || scheduledProducer(base.state, slot, t).name !== this.name) {
      base = undefined;
      for (let i = this.disk.log.length - 1; i >= 0 && base === undefined; i--) {
        const e = this.disk.log[i]!;
        if (scheduledProducer(e.state, slot, t).name === this.name) base = e;
      }
    }
    if (base === undefined || !(slot > base.header.slot)) return;
    const regime = regimeFor(base.state, slot, t);
    const header = signHeader(
      {
        chainId: this.env.config.chainId,
        num: base.header.num + 1,
        slot,
        parent: base.state.ref.id,
        producer: this.name,
        activeVersion: regime.active.version,
        pendingVersion: regime.pending?.schedule.version ?? 0,
        txRoot: sha256(utf8(`${this.name}:${slot}:long-range`)),
        stateRoot: new Uint8Array(32),
        ancestorsRoot: new Uint8Array(32),
        justify: base.state.chainJustify,
        finalRef: base.state.chainLib,
        producerSig: new Uint8Array(64),
      },
      this.priv,
      this.env.config.scheme,
    );
    const st = nextHeaderState(this.env.config, base.state, header, () => undefined);
    if (!st.ok) return;
    const s = { header, payload: { value: slot, valid: true } };
    this.longRangeTip = { ...s, state: st.value };
    this.deliver(s, [...Array(this.env.nodeCount).keys()]);
  }

  private build(parent: ForkBlock<Payload>, slot: number, variant: number, valid: boolean): Stored {
    const cfg = this.env.config;
    const claims = headerClaims(this.db, parent);
    const regime = regimeFor(parent.state, slot, cfg.turnLength);
    const evidence = acceptableEvidence(cfg, parent.state, slot, this.evidence.values(), 4);
    const proposal = this.env.proposeSchedule?.(parent.state, slot);
    const content = `${this.name}:${slot}:${variant}${this.incarnation > 0 ? `:${this.incarnation}` : ''}`;
    const header: BlockHeader = {
      chainId: cfg.chainId,
      num: parent.ref.num + 1,
      slot,
      parent: parent.ref.id,
      producer: this.name,
      activeVersion: regime.active.version,
      pendingVersion: regime.pending?.schedule.version ?? 0,
      txRoot: sha256(utf8(content)),
      stateRoot: new Uint8Array(32),
      ancestorsRoot: new Uint8Array(32),
      ...claims,
      ...(evidence.length > 0 ? { evidence } : {}),
      ...(proposal !== undefined ? { newSchedule: proposal } : {}),
      producerSig: new Uint8Array(64),
    };
    return { header: signHeader(header, this.priv, cfg.scheme), payload: { value: slot, valid } };
  }

  private deliver(s: Stored, to: readonly number[]): void {
    this.env.world.register(s.header, s.payload.value, s.payload.valid);
    this.produced++;
    for (const t of to) this.env.send(this.index, t, { kind: 'block', header: s.header, payload: s.payload });
  }

  // ---------------------------------------------------------------- crash and restart

  /** Stops the node (messages to it are lost, it neither votes nor produces). */
  crash(): void {
    this.down = true;
  }

  /**
   * Restarts the node from its disk alone, as §5.10 describes (`SimDisk.recover`): block log, fork
   * file, store tip, FSI (or the amnesia rule), watermark (or nothing before startup); certificates
   * known only from votes are forgotten; the startup slot is now + 2. The files named in `lost` are
   * lost first. If the node comes back within the production budget of its own slot, it produces.
   */
  restart(lost: SurvivingFiles = {}): void {
    const nowSlot = this.env.nowSlot();
    const startupSlot = startupSlotFor(nowSlot);
    this.disk.lose(lost);
    const libBefore = this.db.lib;
    const rec = this.disk.recover(this.env.config, startupSlot);
    if (typeof rec === 'string') {
      this.env.world.flag('recovery-failed', `${this.name}: ${rec}`);
      return;
    }
    this.db = rec.db;
    this.appliedSum = rec.appliedSum;
    this.rootSum = rec.rootSum;
    this.store = rec.blocks;
    this.fin = new Finalizer(rec.amnesia && this.env.ignoreAmnesiaRule === true ? INITIAL_FSI : rec.fsi, startupSlot, this.mutations);
    this.watermark = rec.watermark;
    this.agg = this.newAggregator();
    this.orphans = new Map();
    this.pendingQcs = new Map();
    this.requested = new Map();
    this.watch = new EquivocationWatch();
    this.byzPrepared = new Set();
    this.byzCommitted = new Set();
    this.longRangeTip = undefined;
    this.incarnation++;
    this.down = false;
    this.dirty = true;
    if (this.honest) this.env.world.recordRestart(this.name, libBefore, this.db.lib);
    const logLib = this.db.lib;
    this.guarded(() => this.afterChange());
    const { db: _db, blocks: _blocks, ...found } = rec;
    this.recoveries.push({ ...found, atMs: this.env.now(), startupSlot, logLib, lib: this.db.lib, head: this.db.head.ref });
    if (!this.down && this.env.now() - nowSlot * this.env.slotMs < PRODUCE_BUDGET_MS) this.onSlot(nowSlot);
  }
}
