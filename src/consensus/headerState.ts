/**
 * The header-state transition (§5.3 header checks that need consensus state, §5.5, §5.7, evidence):
 * `nextHeaderState(config, parent, header, ancestorState)` checks a header against its parent's state
 * and returns the state after it. Chain-only checks (ancestorsRoot, stateRoot, clock tolerance) are
 * the chain layer's `checkBlockHeader`, which can take `scheduledProducer` from `regime.ts`.
 *
 * Claims: `justify` (best PREPARE certificate on an ancestor) and `finalRef` (best COMMIT certificate
 * on an ancestor) never go back: each is either the parent's claim (and then no certificate is
 * attached) or names a strictly later-slot ancestor and comes with its certificate, which must verify
 * against that ancestor's own voting sets. By induction every claim on a valid chain is backed by a
 * valid certificate, and `chainLib` (= finalRef) is the LIB the chain itself proves.
 */
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_ITEMS } from '../chain/params.ts';
import type { BlockHeader, BlockRef, Evidence, Phase, QC, Schedule } from '../chain/block/types.ts';
import { equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { verifyQc } from './certificate.ts';
import type { ConsensusConfig } from './config.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import { accused, verifyEvidence } from './evidence.ts';
import type { Offence } from './evidence.ts';
import { headerId, headerSignatureValid } from './header.ts';
import { nextStats } from './missed.ts';
import { sameRef, showRef } from './refs.ts';
import { regimeFor } from './regime.ts';
import type { Regime } from './regime.ts';
import { memberIndex, scheduleProblem } from './schedule.ts';
import { producerForSlot } from './schedule.ts';
import type { HeaderState, PunishedEntry, StandbyEntry } from './types.ts';
import { votingSets } from './votes.ts';

/**
 * The state of a block on the new block's branch (the parent or an ancestor), or undefined when
 * `ref` is not such a block (unknown, or on another branch). The fork database supplies it.
 */
export type AncestorState = (ref: BlockRef) => HeaderState | undefined;

/** Options of `nextHeaderState`. */
export interface NextStateOptions {
  /** Skip the producer-signature check (the caller verified it already). Default false. */
  readonly skipSignature?: boolean;
}

/**
 * The state of genesis (or of any trusted checkpoint with no reversible history): the given schedule
 * active, no pending or proposed schedule, and both claims (justify, finalRef) at the block itself: a
 * trusted root is final, so its children may claim it without a certificate.
 * Example: `genesisHeaderState(headerRef(genesis.header), spec.schedule)`.
 */
export function genesisHeaderState(ref: BlockRef, schedule: Schedule): HeaderState {
  return {
    ref,
    producer: '',
    active: schedule,
    highestVersion: schedule.version,
    // Genesis is final by definition: it is the first justify/finalRef claim (block 1 may claim it).
    chainJustify: ref,
    chainLib: ref,
    stats: schedule.producers.map((p) => ({ name: p.name, produced: 0, missed: 0, missedInARow: 0 })),
    standby: [],
    punished: [],
    electionDue: false,
  };
}

function checkClaim(
  config: ConsensusConfig,
  what: 'justify' | 'finalRef',
  phase: Phase,
  claim: BlockRef,
  parentClaim: BlockRef,
  qc: QC | undefined,
  parent: HeaderState,
  ancestorState: AncestorState,
): Result<void, ConsensusError> {
  if (sameRef(claim, parentClaim)) {
    if (qc !== undefined) return fail(ConsensusErrorCode.HEADER_QC_MISSING, `${what} equals the parent's, so no certificate may be attached`);
    return ok(undefined);
  }
  if (!(claim.slot > parentClaim.slot)) {
    return fail(ConsensusErrorCode.HEADER_BAD_CLAIM, `${what} ${showRef(claim)} is not newer than the parent's ${showRef(parentClaim)}`);
  }
  if (claim.slot > parent.ref.slot) return fail(ConsensusErrorCode.HEADER_BAD_CLAIM, `${what} ${showRef(claim)} is not an ancestor`);
  const target = ancestorState(claim);
  if (target === undefined) return fail(ConsensusErrorCode.HEADER_BAD_CLAIM, `${what} ${showRef(claim)} is not a known ancestor`);
  if (qc === undefined) return fail(ConsensusErrorCode.HEADER_QC_MISSING, `${what} moved to ${showRef(claim)} without its certificate`);
  const v = verifyQc(qc, phase, claim, votingSets(config.chainId, target), config.scheme);
  if (!v.ok) return fail(ConsensusErrorCode.HEADER_BAD_QC, `${what} certificate: ${v.error.message}`, { cause: v.error });
  return ok(undefined);
}

/**
 * Checks one evidence item for a block on `parent` under `regime`: valid (see `verifyEvidence`, with
 * keys from the schedules the chain knows) and fresh (later than the offender's last punished offence
 * in `punished`).
 */
export function evidenceOffence(
  config: ConsensusConfig,
  parent: HeaderState,
  regime: Regime,
  ev: Evidence,
  punished: readonly PunishedEntry[] = parent.punished,
): Result<Offence, ConsensusError> {
  const known = [regime.active, regime.pending?.schedule, regime.previous, parent.active, parent.pending?.schedule];
  const byVersion = (v: number) => known.find((s) => s !== undefined && s.version === v);
  const r = verifyEvidence(ev, config.chainId, byVersion, config.scheme);
  if (!r.ok) return r;
  const last = punished.find((p) => p.name === r.value.offender);
  if (last !== undefined && r.value.slot <= last.slot) {
    return fail(ConsensusErrorCode.EVIDENCE_STALE, `${r.value.offender} was already punished for slot ${last.slot}`);
  }
  return r;
}

/**
 * The items of an evidence pool a producer should put in a block at `slot` on `parent`: valid, fresh,
 * one per offender, none about producers already on standby on this chain (their punishment is in
 * force; repeating it would only grow headers), at most `max` (MAX_EVIDENCE_ITEMS).
 * Example: `header.evidence = acceptableEvidence(config, head.state, slot, pool)`.
 */
export function acceptableEvidence(config: ConsensusConfig, parent: HeaderState, slot: number, pool: Iterable<Evidence>, max = MAX_EVIDENCE_ITEMS): Evidence[] {
  const regime = regimeFor(parent, slot, config.turnLength);
  const out: Evidence[] = [];
  let punished: readonly PunishedEntry[] = parent.punished;
  for (const ev of pool) {
    if (out.length >= max) break;
    if (ev.data.length > MAX_EVIDENCE_BYTES) continue;
    const who = accused(ev);
    if (who === undefined || parent.standby.some((x) => x.name === who.offender)) continue;
    const last = punished.find((p) => p.name === who.offender);
    if (last !== undefined && who.slot <= last.slot) continue;
    const r = evidenceOffence(config, parent, regime, ev, punished);
    if (!r.ok || parent.standby.some((x) => x.name === r.value.offender)) continue;
    punished = insertSorted(punished, { name: r.value.offender, slot: r.value.slot });
    out.push(ev);
  }
  return out;
}

function insertSorted<T extends { readonly name: string }>(list: readonly T[], item: T): T[] {
  const out = list.filter((x) => x.name !== item.name);
  out.push(item);
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/**
 * Checks `header` on top of `parent` and returns the new state. Never throws on any header.
 * Checks: chain id, num, parent id, slot order; schedule versions and producer per §5.5; producer
 * signature; justify/finalRef monotone with verified certificates; newSchedule acceptance (§5.5 step
 * 3); evidence validity and freshness. Then applies missed-slot accounting and demotions (§5.7).
 */
export function nextHeaderState(
  config: ConsensusConfig,
  parent: HeaderState,
  header: BlockHeader,
  ancestorState: AncestorState,
  opts: NextStateOptions = {},
): Result<HeaderState, ConsensusError> {
  if (!equalBytes(header.chainId, config.chainId)) return fail(ConsensusErrorCode.HEADER_WRONG_CHAIN, 'the header is for another chain');
  if (header.num !== parent.ref.num + 1) return fail(ConsensusErrorCode.HEADER_BAD_HEIGHT, `num ${header.num} does not follow ${parent.ref.num}`);
  if (!equalBytes(header.parent, parent.ref.id)) return fail(ConsensusErrorCode.HEADER_BAD_PARENT, 'the header names another parent');
  if (!(header.slot > parent.ref.slot)) return fail(ConsensusErrorCode.HEADER_BAD_SLOT, `slot ${header.slot} is not after ${parent.ref.slot}`);

  const regime = regimeFor(parent, header.slot, config.turnLength);
  const pendingVersion = regime.pending?.schedule.version ?? 0;
  if (header.activeVersion !== regime.active.version || header.pendingVersion !== pendingVersion) {
    return fail(
      ConsensusErrorCode.HEADER_BAD_VERSION,
      `versions ${header.activeVersion}/${header.pendingVersion}, expected ${regime.active.version}/${pendingVersion}`,
    );
  }
  const scheduled = producerForSlot(regime.active, header.slot, config.turnLength);
  if (header.producer !== scheduled.name) {
    return fail(ConsensusErrorCode.HEADER_WRONG_PRODUCER, `slot ${header.slot} is ${scheduled.name}'s, the header names ${JSON.stringify(header.producer)}`);
  }
  if (opts.skipSignature !== true && !headerSignatureValid(header, scheduled.key, config.scheme)) {
    return fail(ConsensusErrorCode.HEADER_BAD_SIGNATURE, `the signature does not verify under ${scheduled.name}'s key`);
  }

  const j = checkClaim(config, 'justify', 'PREPARE', header.justify, parent.chainJustify, header.justifyQc, parent, ancestorState);
  if (!j.ok) return j;
  const f = checkClaim(config, 'finalRef', 'COMMIT', header.finalRef, parent.chainLib, header.finalQc, parent, ancestorState);
  if (!f.ok) return f;

  let proposed = regime.proposed;
  let highestVersion = parent.highestVersion;
  if (header.newSchedule !== undefined) {
    const s = header.newSchedule;
    if (proposed !== undefined) return fail(ConsensusErrorCode.HEADER_BAD_SCHEDULE, `schedule ${proposed.schedule.version} is already proposed`);
    if (s.version !== highestVersion + 1) return fail(ConsensusErrorCode.HEADER_BAD_SCHEDULE, `proposed version ${s.version}, expected ${highestVersion + 1}`);
    const problem = scheduleProblem(s, config.minProposedProducers);
    if (problem !== undefined) return fail(ConsensusErrorCode.HEADER_BAD_SCHEDULE, problem);
    proposed = { schedule: s, proposedAt: header.num };
    highestVersion = s.version;
  }

  let standby: readonly StandbyEntry[] = parent.standby;
  let punished: readonly PunishedEntry[] = parent.punished;
  let electionDue = false;
  const evs = header.evidence ?? [];
  for (let i = 0; i < evs.length; i++) {
    const r = evidenceOffence(config, parent, regime, evs[i]!, punished);
    if (!r.ok) return fail(ConsensusErrorCode.HEADER_BAD_EVIDENCE, `evidence ${i}: ${r.error.message}`, { cause: r.error });
    const o = r.value;
    punished = insertSorted(punished, { name: o.offender, slot: o.slot });
    standby = insertSorted(standby, { name: o.offender, reason: o.reason, atNum: header.num });
    electionDue = true;
  }

  const stats = nextStats(parent.stats, parent.active, regime.active, parent.ref.slot, header.slot, header.producer, config.turnLength);
  for (const s of stats) {
    if (s.missedInARow >= config.demoteAfterMissed && memberIndex(regime.active, s.name) >= 0 && !standby.some((x) => x.name === s.name)) {
      standby = insertSorted(standby, { name: s.name, reason: 'missed-slots', atNum: header.num });
      electionDue = true;
    }
  }

  let id: Uint8Array;
  try {
    id = headerId(header);
  } catch {
    return fail(ConsensusErrorCode.HEADER_BAD_SIGNATURE, 'the header cannot be encoded');
  }
  return ok({
    ref: { id, num: header.num, slot: header.slot },
    producer: header.producer,
    active: regime.active,
    ...(regime.pending !== undefined ? { pending: regime.pending } : {}),
    ...(proposed !== undefined ? { proposed } : {}),
    ...(regime.previous !== undefined ? { previous: regime.previous } : {}),
    highestVersion,
    chainJustify: header.justify,
    chainLib: header.finalRef,
    stats,
    standby,
    punished,
    electionDue,
  });
}
