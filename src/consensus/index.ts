/**
 * The consensus core (CONSENSUS.md §5): schedule and slots, header state, votes and certificates,
 * the finalizer safety rules, the fork database, production decisions and evidence. Pure logic: no
 * clock, no I/O. See docs/consensus.md for how the node drives it.
 */
export * from './params.ts';
export { ConsensusErrorCode, fail } from './errors.ts';
export type { ConsensusError } from './errors.ts';
export { consensusConfig } from './config.ts';
export type { ConsensusConfig } from './config.ts';
export { BIP340 } from './scheme.ts';
export type { SignatureScheme } from './scheme.ts';
export type * from './types.ts';
export { NULL_REF, copyRef, idKey, sameRef, showRef } from './refs.ts';
export { isNewTurn, memberIndex, producerForSlot, sameMembers, scheduleProblem, turnOf } from './schedule.ts';
export { regimeFor, scheduledProducer } from './regime.ts';
export type { Regime } from './regime.ts';
export { nextStats, slotsPerIndex } from './missed.ts';
export { headerId, headerRef, headerSignatureValid, signHeader } from './header.ts';
export { acceptableEvidence, evidenceOffence, genesisHeaderState, nextHeaderState } from './headerState.ts';
export { EquivocationWatch } from './watch.ts';
export type { AncestorState, NextStateOptions } from './headerState.ts';
export { cachedVoteDigest, checkVote, decodeVote, encodeVote, makeVote, voteDigestFor, votingSets } from './votes.ts';
export type { VoterSeat, VotingSets } from './votes.ts';
export { assembleQc, bitmapBytes, bitmapOf, qcSignerCounts, verifyQc } from './certificate.ts';
export { QcAggregator } from './aggregator.ts';
export type { AggregatorOptions, VoteOutcome } from './aggregator.ts';
export { EvidenceType, accused, decodeEvidence, doubleProduceEvidence, doubleVoteEvidence, verifyEvidence } from './evidence.ts';
export type { DecodedEvidence, Offence, ScheduleByVersion } from './evidence.ts';
export { Finalizer, INITIAL_FSI, amnesiaFsi, decideCommit, decidePrepare, startupSlotFor } from './finalizer.ts';
export type { CandidateBlock, Extends, RuleMutations, VoteDecision, VoteEnvironment } from './finalizer.ts';
export { decodeFsi, decodeWatermark, encodeFsi, encodeWatermark, watermarkAfterAmnesia } from './persist.ts';
export { ForkDb } from './forkDb.ts';
export { lightTrust, verifyFinality } from './lightClient.ts';
export type { FinalityProof, FinalityVerdict, LightClientTrust, TrustedSchedule, TxInclusion } from './lightClient.ts';
export type { BranchApplier, ForkBlock, ForkDbOptions, HeadUpdate, QcOutcome, SwitchPlan } from './forkDb.ts';
export { advanceWatermark, headerClaims, mayProduce } from './production.ts';
export type { HeaderClaims, ProductionRefusal, ProductionSituation } from './production.ts';
export { WEEKLY_FACTORS, WEEK_MS, WEIGHT_EPOCH_MS, voteWeight, weeksSinceEpoch } from './weight.ts';
export { elect } from './election.ts';
export type { Candidate } from './election.ts';
