/**
 * Helpers for the consensus unit tests: real BIP-340 producer keys, schedules, signed headers built
 * on a parent's header state, and certificates signed by chosen members.
 */
import { sha256 } from '../../src/crypto/hash.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { utf8 } from '../../src/util/bytes.ts';
import type { BlockHeader, BlockRef, Evidence, Phase, QC, Schedule } from '../../src/chain/block/types.ts';
import {
  BIP340,
  DEMOTE_AFTER_MISSED_SLOTS,
  MIN_PROPOSED_PRODUCERS,
  NULL_REF,
  assembleQc,
  genesisHeaderState,
  headerRef,
  makeVote,
  memberIndex,
  nextHeaderState,
  regimeFor,
  signHeader,
  votingSets,
} from '../../src/consensus/index.ts';
import type { AncestorState, ConsensusConfig, HeaderState } from '../../src/consensus/index.ts';

export const CHAIN_ID = sha256(utf8('cchost-consensus-test-chain'));

export const CONFIG: ConsensusConfig = {
  chainId: CHAIN_ID,
  turnLength: 12,
  scheme: BIP340,
  demoteAfterMissed: DEMOTE_AFTER_MISSED_SLOTS,
  minProposedProducers: MIN_PROPOSED_PRODUCERS,
};

const privCache = new Map<string, Uint8Array>();

/** The test private key of a producer name. */
export function privOf(name: string): Uint8Array {
  let k = privCache.get(name);
  if (k === undefined) {
    k = sha256(utf8(`consensus-test-key:${name}`));
    privCache.set(name, k);
  }
  return k;
}

/** A schedule of the given names (sorted) with their test keys. */
export function scheduleOf(version: number, names: readonly string[]): Schedule {
  return { version, producers: [...names].sort().map((name) => ({ name, key: xOnlyPublicKeyFromPrivate(privOf(name)) })) };
}

/** Four producers a..d. */
export const NAMES4 = ['alice', 'bob', 'carol', 'dave'] as const;

/** The genesis header of the test chain. */
export function genesisHeader(): BlockHeader {
  const z = new Uint8Array(32);
  return {
    chainId: CHAIN_ID,
    num: 0,
    slot: 0,
    parent: z,
    producer: '',
    activeVersion: 1,
    pendingVersion: 0,
    txRoot: z,
    stateRoot: z,
    ancestorsRoot: z,
    justify: NULL_REF,
    finalRef: NULL_REF,
    producerSig: new Uint8Array(64),
  };
}

/** Genesis header and state for a schedule. */
export function genesis(schedule: Schedule): { header: BlockHeader; state: HeaderState } {
  const header = genesisHeader();
  return { header, state: genesisHeaderState(headerRef(header), schedule) };
}

/** Fields a test may set on a new header. */
export interface HeaderExtras {
  readonly justify?: BlockRef;
  readonly justifyQc?: QC;
  readonly finalRef?: BlockRef;
  readonly finalQc?: QC;
  readonly newSchedule?: Schedule;
  readonly evidence?: Evidence[];
  /** Sign as this producer instead of the scheduled one. */
  readonly producer?: string;
  /** Override versions. */
  readonly activeVersion?: number;
  readonly pendingVersion?: number;
  /** Distinguishes sibling blocks of one slot. */
  readonly variant?: number;
  /** Header roots (default: a per-slot hash and 32 zero bytes). */
  readonly txRoot?: Uint8Array;
  readonly ancestorsRoot?: Uint8Array;
}

/** A header at `slot` on `parent`, signed by the scheduled producer (or `extras.producer`). */
export function makeHeader(parent: HeaderState, slot: number, extras: HeaderExtras = {}): BlockHeader {
  const regime = regimeFor(parent, slot, CONFIG.turnLength);
  const n = regime.active.producers.length;
  const scheduled = regime.active.producers[Math.floor(slot / CONFIG.turnLength) % n]!.name;
  const producer = extras.producer ?? scheduled;
  const h: BlockHeader = {
    chainId: CHAIN_ID,
    num: parent.ref.num + 1,
    slot,
    parent: parent.ref.id,
    producer,
    activeVersion: extras.activeVersion ?? regime.active.version,
    pendingVersion: extras.pendingVersion ?? regime.pending?.schedule.version ?? 0,
    txRoot: extras.txRoot ?? sha256(utf8(`tx:${slot}:${extras.variant ?? 0}`)),
    stateRoot: new Uint8Array(32),
    ancestorsRoot: extras.ancestorsRoot ?? new Uint8Array(32),
    justify: extras.justify ?? parent.chainJustify,
    finalRef: extras.finalRef ?? parent.chainLib,
    ...(extras.justifyQc ? { justifyQc: extras.justifyQc } : {}),
    ...(extras.finalQc ? { finalQc: extras.finalQc } : {}),
    ...(extras.newSchedule ? { newSchedule: extras.newSchedule } : {}),
    ...(extras.evidence ? { evidence: extras.evidence } : {}),
    producerSig: new Uint8Array(64),
  };
  return signHeader(h, privOf(producer), BIP340);
}

/** A certificate of `phase` on the block of `state`, signed by `signers` (names; each in either set). */
export function qcOf(phase: Phase, state: HeaderState, signers: readonly string[]): QC {
  const sets = votingSets(CHAIN_ID, state);
  const active = new Map<number, Uint8Array>();
  const pending = new Map<number, Uint8Array>();
  for (const s of signers) {
    const v = makeVote(sets, phase, state.ref, s, privOf(s), BIP340);
    const ai = memberIndex(sets.active, s);
    const pi = sets.pending ? memberIndex(sets.pending, s) : -1;
    if (ai >= 0) active.set(ai, v.sig);
    if (pi >= 0) pending.set(pi, v.sig);
  }
  return assembleQc(phase, state.ref, sets, active, sets.pending ? pending : undefined);
}

/** A tiny linear-chain helper: states by id, ancestor lookup along the chain. */
export class Chain {
  readonly states: HeaderState[] = [];
  readonly headers: BlockHeader[] = [];

  constructor(schedule: Schedule) {
    const g = genesis(schedule);
    this.states.push(g.state);
    this.headers.push(g.header);
  }

  get tip(): HeaderState {
    return this.states[this.states.length - 1]!;
  }

  /** Ancestor lookup for a block on top of the tip. */
  readonly lookup: AncestorState = (ref) => {
    const s = this.states[ref.num];
    return s !== undefined && s.ref.slot === ref.slot && Buffer.compare(s.ref.id, ref.id) === 0 ? s : undefined;
  };

  /** Appends a block at `slot` (must be valid) and returns its state. */
  add(slot: number, extras: HeaderExtras = {}): HeaderState {
    const h = makeHeader(this.tip, slot, extras);
    const r = nextHeaderState(CONFIG, this.tip, h, this.lookup);
    if (!r.ok) throw new Error(`block at slot ${slot} rejected: ${r.error.code} ${r.error.message}`);
    this.states.push(r.value);
    this.headers.push(h);
    return r.value;
  }
}
