/**
 * One simulated producer node. It runs the real consensus core — `nextHeaderState`, `ForkDb`,
 * `QcAggregator`, `Finalizer`, `mayProduce`, `headerClaims`, evidence — over blocks whose payload is a
 * number (no transactions). Honest nodes PREPARE their head when the rules allow, COMMIT the highest
 * block with a PREPARE certificate the rules allow, and produce in their slots. Byzantine behaviours
 * are scripted: silent, double voting (votes for everything on every branch), and producer strategies
 * (equivocate to two halves, fork from an older block, invalid payload, withhold from half the nodes).
 *
 * I/O happens through `NodeEnv`: messages go to the simulation's queue, so handlers never re-enter.
 */
import type { BlockHeader, Evidence, Phase, QC, Schedule } from '../../chain/block/types.ts';
import { sha256 } from '../../crypto/hash.ts';
import { toHex, utf8 } from '../../util/bytes.ts';
import { err, ok } from '../../util/errors.ts';
import type { Result, ErrorData } from '../../util/errors.ts';
import { QcAggregator } from '../aggregator.ts';
import type { VoteOutcome } from '../aggregator.ts';
import { verifyQc } from '../certificate.ts';
import type { ConsensusConfig } from '../config.ts';
import { Finalizer, INITIAL_FSI, amnesiaFsi, startupSlotFor } from '../finalizer.ts';
import type { CandidateBlock, RuleMutations } from '../finalizer.ts';
import { ForkDb } from '../forkDb.ts';
import type { BranchApplier, ForkBlock } from '../forkDb.ts';
import { headerId, signHeader } from '../header.ts';
import { accused } from '../evidence.ts';
import { acceptableEvidence, nextHeaderState } from '../headerState.ts';
import { watermarkAfterAmnesia } from '../persist.ts';
import { advanceWatermark, headerClaims, mayProduce } from '../production.ts';
import { idKey } from '../refs.ts';
import { regimeFor, scheduledProducer } from '../regime.ts';
import { memberIndex } from '../schedule.ts';
import type { HeaderState, ProducerWatermark, Vote } from '../types.ts';
import { EquivocationWatch } from '../watch.ts';
import { makeVote, votingSets } from '../votes.ts';
import type { Prng } from './prng.ts';
import type { SimKeys } from './simScheme.ts';
import type { World } from './world.ts';

/** A simulated block's body: a number, and whether "full validation" accepts it. */
export interface Payload {
  readonly value: number;
  readonly valid: boolean;
}

/** Messages between simulated nodes. */
export type Msg =
  | { readonly kind: 'block'; readonly header: BlockHeader; readonly payload: Payload }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'qc'; readonly qc: QC }
  | { readonly kind: 'get'; readonly id: string };

/** How a producer builds its blocks. */
export type ProducerStrategy = 'honest' | 'equivocate' | 'fork' | 'invalid' | 'withhold' | 'mixed';

/** A node's behaviour: honest when every field is absent. */
export interface Behaviour {
  /** Sends nothing and produces nothing (a crashed or censoring node). */
  readonly silent?: boolean;
  /** Votes PREPARE on every block it sees and COMMIT on every block with a PREPARE certificate, on all branches. */
  readonly doubleVote?: boolean;
  /** Block production strategy (default honest). */
  readonly producer?: ProducerStrategy;
}

/** What a node can see and do outside itself. */
export interface NodeEnv {
  readonly config: ConsensusConfig;
  readonly keys: SimKeys;
  readonly world: World;
  readonly rng: Prng;
  /** Indices of honest and byzantine nodes. */
  readonly honest: readonly number[];
  readonly byzantine: readonly number[];
  readonly nodeCount: number;
  /**
   * The byzantine coalition's shared notes: for a block it equivocated, the nodes meant to see it.
   * Double voters send their votes on such a block to those nodes only (split-brain attack).
   */
  readonly coalition: Map<string, readonly number[]>;
  now(): number;
  nowSlot(): number;
  send(from: number, to: number, msg: Msg): void;
  /** A schedule proposal to put into a block this node builds at `slot` on `parent`, if any. */
  proposeSchedule?(parent: HeaderState, slot: number): Schedule | undefined;
}

type Stored = { readonly header: BlockHeader; readonly payload: Payload };

/** True when a behaviour is fully honest. */
export function isHonest(b: Behaviour): boolean {
  return b.silent !== true && b.doubleVote !== true && (b.producer === undefined || b.producer === 'honest');
}

/** A simulated node (see the file comment). */
export class SimNode {
  db: ForkDb<Payload>;
  agg: QcAggregator;
  fin: Finalizer;
  watermark: ProducerWatermark = { lastProducedSlot: 0 };
  down = false;
  /** Sum of payload values along the applied chain (the "UTXO state" of the simulation). */
  appliedSum = 0;
  private rootSum = 0;
  private readonly store = new Map<string, Stored>();
  private orphans = new Map<string, Stored[]>();
  private requested = new Map<string, number>();
  private pendingQcs = new Map<string, QC[]>();
  private readonly evidence = new Map<string, Evidence>();
  private watch = new EquivocationWatch();
  private byzPrepared = new Set<string>();
  private byzCommitted = new Set<string>();
  private dirty = false;
  readonly honest: boolean;
  /** Blocks this node produced. */
  produced = 0;
  /** Blocks that failed to apply here (remove-on-failure). */
  failedBlocks = 0;

  constructor(
    readonly index: number,
    readonly name: string,
    private readonly priv: Uint8Array,
    readonly behaviour: Behaviour,
    private readonly env: NodeEnv,
    genesis: Stored & { readonly state: HeaderState },
    private readonly mutations: RuleMutations = {},
  ) {
    this.honest = isHonest(behaviour);
    this.db = new ForkDb(genesis.header, genesis.state, genesis.payload);
    this.store.set(idKey(genesis.state.ref.id), genesis);
    this.agg = this.newAggregator();
    this.fin = new Finalizer(INITIAL_FSI, 1, mutations);
  }

  private newAggregator(): QcAggregator {
    return new QcAggregator({ chainId: this.env.config.chainId, scheme: this.env.config.scheme });
  }

  private readonly applier: BranchApplier<Payload> = {
    apply: (b: ForkBlock<Payload>): Result<void, ErrorData> => {
      if (!b.payload.valid) {
        this.failedBlocks++;
        return err({ code: 'SIM_INVALID_PAYLOAD', message: 'the payload fails validation' });
      }
      this.appliedSum += b.payload.value;
      return ok(undefined);
    },
    undo: (b: ForkBlock<Payload>): void => {
      this.appliedSum -= b.payload.value;
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
      this.dirty = true;
      this.store.set(key, s);
      this.requested.delete(key);
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
    const upd = this.db.updateHead(this.applier);
    if (upd.failed.length > 0) this.dirty = true;
    const f = this.db.finalizable();
    if (f !== undefined) {
      const from = this.db.lib;
      const qc = f.commitQc!;
      const certified = verifyQc(qc, 'COMMIT', f.ref, votingSets(this.env.config.chainId, f.state), this.env.config.scheme).ok;
      const r = this.db.advanceRoot(f);
      if (r.ok) {
        for (const b of r.value.finalized) this.rootSum += b.payload.value;
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
    }
    this.vote();
  }

  private voteEnv() {
    return { nowSlot: this.env.nowSlot(), lib: this.db.lib, extends: this.db.extends };
  }

  private static candidate(b: ForkBlock<Payload>): CandidateBlock {
    return { ref: b.ref, justify: b.state.chainJustify, validated: b.validated };
  }

  private canVoteOn(b: ForkBlock<Payload>): boolean {
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
      if (d.vote) {
        this.fin.adopt(d.fsi); // persisted-then-sent: in the simulation persistence is instantaneous
        this.cast('PREPARE', head);
      }
    }
    const cands: ForkBlock<Payload>[] = [];
    for (const b of this.db.blocks()) {
      if (b !== this.db.root && b.prepareQc !== undefined && b.validated && b.ref.slot > this.fin.fsi.lastCommitSlot && this.canVoteOn(b)) cands.push(b);
    }
    cands.sort((a, b) => b.ref.slot - a.ref.slot);
    for (const c of cands) {
      const d = this.fin.decideCommit(SimNode.candidate(c), true, this.voteEnv());
      if (d.vote) {
        this.fin.adopt(d.fsi);
        this.cast('COMMIT', c);
        break;
      }
    }
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
    this.watermark = advanceWatermark(this.watermark, slot);
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
      this.deliver(a, ta);
      this.deliver(b, tb);
      return;
    }
    if (strategy === 'fork') {
      const p = head === this.db.root ? undefined : this.db.get(head.header.parent);
      if (p !== undefined && scheduledProducer(p.state, slot, this.env.config.turnLength).name === this.name) {
        this.deliver(this.build(p, slot, 2, true), everyone);
        return;
      }
    }
    if (strategy === 'invalid') {
      this.deliver(this.build(head, slot, 3, false), everyone);
      return;
    }
    if (strategy === 'withhold') {
      const hs = this.env.rng.shuffle(this.env.honest);
      this.deliver(this.build(head, slot, 4, true), [...hs.slice(0, Math.ceil(hs.length / 2)), ...this.env.byzantine]);
      return;
    }
    this.deliver(this.build(head, slot, 0, true), everyone);
  }

  private build(parent: ForkBlock<Payload>, slot: number, variant: number, valid: boolean): Stored {
    const cfg = this.env.config;
    const claims = headerClaims(this.db, parent);
    const regime = regimeFor(parent.state, slot, cfg.turnLength);
    const evidence = acceptableEvidence(cfg, parent.state, slot, this.evidence.values(), 4);
    const proposal = this.env.proposeSchedule?.(parent.state, slot);
    const header: BlockHeader = {
      chainId: cfg.chainId,
      num: parent.ref.num + 1,
      slot,
      parent: parent.ref.id,
      producer: this.name,
      activeVersion: regime.active.version,
      pendingVersion: regime.pending?.schedule.version ?? 0,
      txRoot: sha256(utf8(`${this.name}:${slot}:${variant}`)),
      stateRoot: new Uint8Array(32),
      ancestorsRoot: new Uint8Array(32),
      ...claims,
      ...(evidence.length > 0 ? { evidence } : {}),
      ...(proposal !== undefined ? { newSchedule: proposal } : {}),
      producerSig: new Uint8Array(64),
    };
    const signed = signHeader(header, this.priv, cfg.scheme);
    this.env.world.register(signed);
    this.produced++;
    return { header: signed, payload: { value: slot, valid } };
  }

  private deliver(s: Stored, to: readonly number[]): void {
    for (const t of to) this.env.send(this.index, t, { kind: 'block', header: s.header, payload: s.payload });
  }

  // ---------------------------------------------------------------- crash and restart

  /** Stops the node (messages to it are lost, it neither votes nor produces). */
  crash(): void {
    this.down = true;
  }

  /**
   * Restarts the node as §5.10 describes: fork database rebuilt from the persisted blocks (root plus
   * reversible blocks, re-validated), certificates known only from votes forgotten, FSI kept or lost
   * (amnesia rule), watermark kept or lost, startup slot now + 2.
   */
  restart(keepFsi: boolean, keepWatermark = true): void {
    const startupSlot = startupSlotFor(this.env.nowSlot());
    const root = this.db.root;
    const blocks = [...this.db.blocks()].filter((b) => b !== root).sort((a, b) => a.ref.num - b.ref.num);
    this.db = new ForkDb(root.header, root.state, root.payload);
    this.appliedSum = this.rootSum;
    for (const b of blocks) {
      const p = this.db.get(b.header.parent);
      if (p === undefined) continue;
      const st = nextHeaderState(this.env.config, p.state, b.header, this.db.ancestorStateFor(b.header.parent));
      if (st.ok) this.db.add(b.header, st.value, b.payload);
    }
    this.agg = this.newAggregator();
    this.fin = new Finalizer(keepFsi ? this.fin.fsi : amnesiaFsi(startupSlot), startupSlot, this.mutations);
    if (!keepWatermark) this.watermark = watermarkAfterAmnesia(startupSlot);
    this.orphans = new Map();
    this.pendingQcs = new Map();
    this.requested = new Map();
    this.watch = new EquivocationWatch();
    this.byzPrepared = new Set();
    this.byzCommitted = new Set();
    this.down = false;
    this.dirty = true;
    this.afterChange();
  }
}
