/**
 * The deterministic network simulator (CONSENSUS.md §5.12): N producer nodes running the real
 * consensus core over a seeded virtual network with a virtual clock. Given the same options it
 * produces the same run, event for event. Scripted faults: byzantine behaviours (see `Behaviour`),
 * partitions with healing, crashes with restart (with or without the FSI), and rule mutations on the
 * honest nodes (to prove the checks bite).
 */
import type { BlockHeader, BlockRef, Phase, Schedule } from '../../chain/block/types.ts';
import { sha256 } from '../../crypto/hash.ts';
import { utf8 } from '../../util/bytes.ts';
import type { ConsensusConfig } from '../config.ts';
import { elect } from '../election.ts';
import type { Candidate } from '../election.ts';
import type { RuleMutations } from '../finalizer.ts';
import { headerRef } from '../header.ts';
import { genesisHeaderState } from '../headerState.ts';
import { DEMOTE_AFTER_MISSED_SLOTS, MIN_PROPOSED_PRODUCERS } from '../params.ts';
import { NULL_REF, idKey } from '../refs.ts';
import type { HeaderState } from '../types.ts';
import { Network, SYNCHRONOUS } from './network.ts';
import type { NetProfile } from './network.ts';
import type { PersistPoint, SurvivingFiles } from './disk.ts';
import { SimNode } from './node.ts';
import type { Behaviour, Msg, NodeEnv } from './node.ts';
import { Prng } from './prng.ts';
import { EventQueue } from './queue.ts';
import { SimKeys } from './simScheme.ts';
import { World } from './world.ts';
import type { Violation } from './world.ts';

/** Options of one simulation run. */
export interface SimOptions {
  readonly seed: number;
  /** Number of producers (all are finalizers). */
  readonly n: number;
  /** Virtual duration (ms). */
  readonly durationMs: number;
  readonly slotMs?: number;
  readonly turnLength?: number;
  readonly net?: NetProfile;
  /** Byzantine nodes: how many (chosen by the seed) or which, and how they behave. */
  readonly byzantine?: { readonly count: number; readonly behaviour: Behaviour; readonly indices?: readonly number[] };
  /** Rule mutations applied to every honest node (teeth tests only). */
  readonly mutations?: RuleMutations;
  /** Partition changes: at `atMs`, split into `groups` (node indices), or heal when `groups` is undefined. */
  readonly partitions?: readonly { readonly atMs: number; readonly groups: readonly (readonly number[])[] | undefined }[];
  /** Crashes between events: node down at `atMs` for `downMs`, then restarted from its disk minus the files it lost. */
  readonly crashes?: readonly ({
    readonly node: number;
    readonly atMs: number;
    readonly downMs: number;
    readonly keepFsi: boolean;
  } & SurvivingFiles)[];
  /**
   * Crashes at persistence points (§5.10): the `nth` (default 1st) time node `node` completes step
   * `point` (of a vote of `phase`, when given) at or after `afterMs`, it stops right there — the rest
   * of that handler never runs — and restarts `downMs` later from its disk minus the files it lost.
   */
  readonly crashPoints?: readonly CrashPoint[];
  /** Teeth only: honest nodes send votes and blocks before persisting their FSI / watermark. */
  readonly sendBeforePersist?: boolean;
  /** Teeth only: a lost or corrupt FSI file restarts the finalizer as one that never voted (no amnesia rule). */
  readonly ignoreAmnesiaRule?: boolean;
  /** At `atMs`, the given nodes switch to `behaviour` (e.g. members that turn byzantine after leaving). */
  readonly behaviourChanges?: readonly { readonly atMs: number; readonly nodes: readonly number[]; readonly behaviour: Behaviour }[];
  /** Nodes in the genesis schedule (default all); the others wait for a schedule change. */
  readonly genesisMembers?: readonly number[];
  /**
   * Schedule changes: from slot `atSlot` on, producers propose a schedule of `members` (node indices)
   * as version (entry index + 2), until one is accepted on their chain.
   */
  readonly schedulePlan?: readonly { readonly atSlot: number; readonly members: readonly number[] }[];
  /**
   * Elections (§5.7–5.8): whenever the active schedule holds a producer on standby and no change is
   * under way, the block producer proposes `elect(candidates)` (equal weights, all ready).
   */
  readonly elections?: { readonly candidates: readonly number[]; readonly maxProducers: number };
  /** Slots at the start ignored by the head − LIB statistic (default 2 turns). */
  readonly warmupSlots?: number;
  /** Check every honest node's fork-database invariants after every delivered message (slow; default false). */
  readonly checkInvariantsEveryEvent?: boolean;
  /**
   * After every event, check that each honest up node's UTXO value equals the sum along its head's
   * chain, and that all honest nodes compute identical header states for a block (default false).
   */
  readonly checkStateEveryEvent?: boolean;
  /** Stop at the first safety violation (default true). */
  readonly stopOnViolation?: boolean;
}

/** What a run did. */
export interface SimReport {
  readonly violations: readonly Violation[];
  /** Final LIB of every honest node. */
  readonly honestLibs: readonly BlockRef[];
  /** Highest final block number any honest node reached, and the lowest. */
  readonly maxLibNum: number;
  readonly minLibNum: number;
  /** Largest head − LIB (blocks) seen at a slot start on an up, honest node after warm-up. */
  readonly maxHeadMinusLib: number;
  /** Blocks created, messages sent, events processed. */
  readonly blocksCreated: number;
  readonly messages: number;
  /** Block creation → first honest LIB covering it (ms): percentiles over final blocks. */
  readonly finalityMs: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** Evidence items that reached the final chain, and producers demoted on it (by name). */
  readonly demotedOnFinalChain: readonly string[];
  readonly byzantine: readonly number[];
  /** LIB number of every node at the start of every slot: `libTrace[node][slot]` (slot 0 = genesis). */
  readonly libTrace: readonly (readonly number[])[];
  /** Scripted crashes that fired: node, point and virtual time. */
  readonly crashLog: readonly {
    readonly node: number;
    readonly point: PersistPoint;
    readonly atMs: number;
    readonly phase: Phase | undefined;
    /** The head the node had in memory when it stopped (during a switch: the old head). */
    readonly head: BlockRef | undefined;
  }[];
  /** The nodes, for tests that inspect them further. */
  readonly nodes: readonly SimNode[];
  readonly world: World;
}

type Event =
  | { readonly kind: 'slot'; readonly slot: number }
  | { readonly kind: 'deliver'; readonly from: number; readonly to: number; readonly msg: Msg }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly number[])[] | undefined }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number; readonly lost: SurvivingFiles }
  | { readonly kind: 'behaviour'; readonly nodes: readonly number[]; readonly behaviour: Behaviour };

/** A crash at a persistence point (see `SimOptions.crashPoints`). */
export interface CrashPoint extends SurvivingFiles {
  readonly node: number;
  readonly point: PersistPoint;
  readonly phase?: Phase;
  readonly afterMs?: number;
  readonly nth?: number;
  readonly downMs: number;
}

/** Producer names p00, p01, … (sorted order = index order). */
export function simName(i: number): string {
  return `p${String(i).padStart(2, '0')}`;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** The simulated chain's genesis header (slot 0, schedule version 1). */
export function simGenesis(chainId: Uint8Array): BlockHeader {
  const z32 = new Uint8Array(32);
  return {
    chainId,
    num: 0,
    slot: 0,
    parent: z32,
    producer: '',
    activeVersion: 1,
    pendingVersion: 0,
    txRoot: z32,
    stateRoot: z32,
    ancestorsRoot: z32,
    justify: NULL_REF,
    finalRef: NULL_REF,
    producerSig: new Uint8Array(64),
  };
}

/** Runs one simulation to completion (or to the first violation) and reports. */
export function runSimulation(opts: SimOptions): SimReport {
  const slotMs = opts.slotMs ?? 500;
  const rng = new Prng(opts.seed);
  const keys = new SimKeys();
  const config: ConsensusConfig = {
    chainId: sha256(utf8('cchost-sim-chain')),
    turnLength: opts.turnLength ?? 12,
    scheme: keys,
    demoteAfterMissed: DEMOTE_AFTER_MISSED_SLOTS,
    minProposedProducers: MIN_PROPOSED_PRODUCERS,
  };
  const names = [...Array(opts.n).keys()].map(simName);
  const pairs = names.map((nm) => keys.keyPair(nm));
  const scheduleOf = (version: number, members: readonly number[]): Schedule => ({
    version,
    producers: [...members].sort((a, b) => a - b).map((i) => ({ name: names[i]!, key: pairs[i]!.pub })),
  });
  const schedule = scheduleOf(1, opts.genesisMembers ?? [...Array(opts.n).keys()]);
  const plan = opts.schedulePlan ?? [];
  const candidates: Candidate[] = (opts.elections?.candidates ?? []).map((i) => ({ name: names[i]!, key: pairs[i]!.pub, weight: 1n, ready: true }));
  const proposeSchedule = (parent: HeaderState, slot: number): Schedule | undefined => {
    if (parent.proposed !== undefined) return undefined;
    if (opts.elections !== undefined) {
      if (parent.pending !== undefined) return undefined;
      const standby = new Set(parent.standby.map((x) => x.name));
      if (!parent.active.producers.some((p) => standby.has(p.name))) return undefined;
      return elect(candidates, parent, opts.elections.maxProducers, MIN_PROPOSED_PRODUCERS);
    }
    const i = parent.highestVersion - 1; // plan entry i proposes version i + 2
    const next = plan[i];
    if (next === undefined || slot < next.atSlot) return undefined;
    return scheduleOf(parent.highestVersion + 1, next.members);
  };
  const world = new World();
  const gHeader = simGenesis(config.chainId);
  world.register(gHeader, 0);
  world.compareStates = opts.checkStateEveryEvent === true;
  const gState = genesisHeaderState(headerRef(gHeader), schedule);
  const world0 = world;
  const byz = opts.byzantine?.indices ?? rng.shuffle([...Array(opts.n).keys()]).slice(0, opts.byzantine?.count ?? 0);
  const byzSet = new Set(byz);
  const honest = [...Array(opts.n).keys()].filter((i) => !byzSet.has(i));
  for (const i of honest) world0.honestNames.add(names[i]!);
  const net = new Network(opts.n, opts.net ?? SYNCHRONOUS, rng.fork());
  const queue = new EventQueue<Event>();
  let now = 0;
  let messages = 0;
  const armed = (opts.crashPoints ?? []).map((spec) => ({ spec, seen: 0, fired: false }));
  const crashLog: { node: number; point: PersistPoint; atMs: number; phase: Phase | undefined; head: BlockRef | undefined }[] = [];
  const pendingRestart = new Map<number, CrashPoint>();
  const env: NodeEnv = {
    config,
    keys,
    world,
    rng: rng.fork(),
    honest: [...honest],
    byzantine: [...byz],
    nodeCount: opts.n,
    coalition: new Map(),
    now: () => now,
    nowSlot: () => Math.floor(now / slotMs),
    send: (from, to, msg) => {
      messages++;
      const d = net.delay(from, to);
      if (d !== undefined) queue.push(now + d, { kind: 'deliver', from, to, msg });
    },
    slotMs,
    ...(opts.sendBeforePersist === true ? { sendBeforePersist: true } : {}),
    ...(opts.ignoreAmnesiaRule === true ? { ignoreAmnesiaRule: true } : {}),
    ...(plan.length > 0 || opts.elections !== undefined ? { proposeSchedule } : {}),
    persisted: (node, point, phase) => {
      for (const c of armed) {
        if (c.fired || c.spec.node !== node || c.spec.point !== point || now < (c.spec.afterMs ?? 0)) continue;
        if (c.spec.phase !== undefined && c.spec.phase !== phase) continue;
        if (++c.seen < (c.spec.nth ?? 1)) continue;
        c.fired = true;
        crashLog.push({ node, point, atMs: now, phase, head: undefined });
        pendingRestart.set(node, c.spec);
        return true;
      }
      return false;
    },
    crashed: (node, head) => {
      const c = pendingRestart.get(node);
      if (c === undefined) return;
      const entry = [...crashLog].reverse().find((x) => x.node === node);
      if (entry !== undefined) entry.head = head;
      pendingRestart.delete(node);
      queue.push(now + c.downMs, { kind: 'restart', node, lost: c });
    },
  };
  const nodes = names.map(
    (nm, i) =>
      new SimNode(i, nm, pairs[i]!.priv, byzSet.has(i) ? opts.byzantine!.behaviour : {}, env, { header: gHeader, state: gState, payload: { value: 0, valid: true } }, byzSet.has(i) ? {} : (opts.mutations ?? {})),
  );
  const lastSlot = Math.floor(opts.durationMs / slotMs);
  for (let s = 1; s <= lastSlot; s++) queue.push(s * slotMs, { kind: 'slot', slot: s });
  for (const p of opts.partitions ?? []) queue.push(p.atMs, { kind: 'partition', groups: p.groups });
  for (const c of opts.crashes ?? []) {
    queue.push(c.atMs, { kind: 'crash', node: c.node });
    queue.push(c.atMs + c.downMs, { kind: 'restart', node: c.node, lost: c });
  }
  for (const b of opts.behaviourChanges ?? []) queue.push(b.atMs, { kind: 'behaviour', nodes: b.nodes, behaviour: b.behaviour });
  const checkState = (i: number): void => {
    const nd = nodes[i]!;
    if (nd.down || !nd.honest) return;
    const key = idKey(nd.db.head.ref.id);
    const want = world.chainSum(key);
    if (!world.chainValid(key)) world.flag('state-mismatch', `${nd.name}: head ${nd.db.head.ref.num} is on a block that fails validation`);
    if (want !== nd.appliedSum) world.flag('state-mismatch', `${nd.name}: UTXO value ${nd.appliedSum} at head ${nd.db.head.ref.num}, its chain sums to ${want}`);
  };
  const warmup = opts.warmupSlots ?? 2 * config.turnLength;
  const stop = opts.stopOnViolation ?? true;
  let maxHeadMinusLib = 0;
  const libTrace: number[][] = nodes.map(() => [0]);
  for (;;) {
    const e = queue.pop();
    if (e === undefined || e.at > opts.durationMs) break;
    now = e.at;
    world.now = now;
    const ev = e.event;
    switch (ev.kind) {
      case 'slot':
        if (ev.slot > warmup) {
          for (const nd of nodes) {
            if (nd.honest && !nd.down) maxHeadMinusLib = Math.max(maxHeadMinusLib, nd.db.head.ref.num - nd.db.lib.num);
          }
        }
        nodes.forEach((nd, i) => libTrace[i]!.push(nd.db.lib.num));
        for (const nd of nodes) nd.onSlot(ev.slot);
        break;
      case 'deliver': {
        const nd = nodes[ev.to]!;
        nd.receive(ev.from, ev.msg);
        if (opts.checkInvariantsEveryEvent === true && nd.honest && !nd.down) {
          const bad = nd.db.checkInvariants();
          if (bad !== undefined) world.flag('forkdb-invariant', `${nd.name}: ${bad}`);
        }
        if (opts.checkStateEveryEvent === true) checkState(ev.to);
        break;
      }
      case 'partition':
        net.partition(ev.groups);
        break;
      case 'crash':
        nodes[ev.node]!.crash();
        break;
      case 'restart':
        nodes[ev.node]!.restart(ev.lost);
        if (opts.checkStateEveryEvent === true) checkState(ev.node);
        break;
      case 'behaviour':
        for (const i of ev.nodes) {
          nodes[i]!.setBehaviour(ev.behaviour);
          if (!nodes[i]!.honest) {
            const h = env.honest.indexOf(i);
            if (h >= 0) env.honest.splice(h, 1);
            if (!env.byzantine.includes(i)) env.byzantine.push(i);
          }
        }
        break;
    }
    if (stop && world.violations.length > 0) break;
  }
  world.audit();
  const libs = nodes.filter((nd) => nd.honest).map((nd) => nd.db.lib);
  const lat: number[] = [];
  for (const [k, t] of world.finalAt) {
    const b = world.blocks.get(k);
    if (b !== undefined && b.header.num > 0) lat.push(t - b.createdAt);
  }
  lat.sort((a, b) => a - b);
  const demoted = new Set<string>();
  const fh = world.finalHead;
  if (fh !== undefined) {
    for (const i of honest) {
      const st = nodes[i]!.db.root.state;
      if (st.ref.num === nodes[i]!.db.lib.num) for (const s of st.standby) demoted.add(s.name);
    }
  }
  return {
    violations: world.violations,
    honestLibs: libs,
    maxLibNum: Math.max(0, ...libs.map((l) => l.num)),
    minLibNum: Math.min(...libs.map((l) => l.num)),
    maxHeadMinusLib,
    blocksCreated: world.blocks.size - 1,
    messages,
    finalityMs: { count: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? 0 },
    demotedOnFinalChain: [...demoted].sort(),
    byzantine: byz,
    libTrace,
    crashLog,
    nodes,
    world,
  };
}
