/**
 * Error codes of the consensus core. Every check returns a `Result` whose error carries one of these
 * stable codes; nothing here throws on untrusted input.
 */
import { err } from '../util/errors.ts';
import type { ErrorData } from '../util/errors.ts';

/** The codes the consensus core reports. */
export const ConsensusErrorCode = {
  // --- quorum certificates (§5.4) ---
  /** The certificate is of the other phase (e.g. a PREPARE QC presented as a COMMIT QC). */
  QC_WRONG_PHASE: 'CONSENSUS_QC_WRONG_PHASE',
  /** The certificate is on another block than the one it is presented for. */
  QC_WRONG_BLOCK: 'CONSENSUS_QC_WRONG_BLOCK',
  /** The certificate's schedule versions are not the block's. */
  QC_WRONG_VERSION: 'CONSENSUS_QC_WRONG_VERSION',
  /** A bitmap has the wrong length or a bit past the schedule's end (a non-member signer). */
  QC_NON_MEMBER: 'CONSENSUS_QC_NON_MEMBER',
  /** The number of signatures differs from the number of signers in the bitmap. */
  QC_SIG_COUNT: 'CONSENSUS_QC_SIG_COUNT',
  /** Two signer slots hold the same key or the same signature (one member counted twice). */
  QC_DUPLICATE_SIGNER: 'CONSENSUS_QC_DUPLICATE_SIGNER',
  /** Fewer than q(n) distinct members signed (in the active or in the pending set). */
  QC_NO_QUORUM: 'CONSENSUS_QC_NO_QUORUM',
  /** A signature does not verify over the canonical vote bytes. */
  QC_BAD_SIGNATURE: 'CONSENSUS_QC_BAD_SIGNATURE',
  /** The block has a pending schedule but the certificate lacks its signatures, or the reverse. */
  QC_PENDING_MISMATCH: 'CONSENSUS_QC_PENDING_MISMATCH',

  // --- votes ---
  /** The voter is in neither schedule of the block. */
  VOTE_NOT_MEMBER: 'CONSENSUS_VOTE_NOT_MEMBER',
  /** The vote's schedule versions are not the block's. */
  VOTE_WRONG_VERSION: 'CONSENSUS_VOTE_WRONG_VERSION',
  /** The vote signature does not verify. */
  VOTE_BAD_SIGNATURE: 'CONSENSUS_VOTE_BAD_SIGNATURE',
  /** A vote message does not decode. */
  VOTE_MALFORMED: 'CONSENSUS_VOTE_MALFORMED',

  // --- header state transition (§5.3, §5.5, §5.7) ---
  /** The block number does not follow the parent's. */
  HEADER_BAD_HEIGHT: 'CONSENSUS_HEADER_BAD_HEIGHT',
  /** The slot is not after the parent's. */
  HEADER_BAD_SLOT: 'CONSENSUS_HEADER_BAD_SLOT',
  /** The header names another parent than the state it is applied to. */
  HEADER_BAD_PARENT: 'CONSENSUS_HEADER_BAD_PARENT',
  /** The header is for another chain. */
  HEADER_WRONG_CHAIN: 'CONSENSUS_HEADER_WRONG_CHAIN',
  /** The producer is not the one the schedule assigns to the slot. */
  HEADER_WRONG_PRODUCER: 'CONSENSUS_HEADER_WRONG_PRODUCER',
  /** activeVersion/pendingVersion differ from the state's. */
  HEADER_BAD_VERSION: 'CONSENSUS_HEADER_BAD_VERSION',
  /** The producer signature does not verify. */
  HEADER_BAD_SIGNATURE: 'CONSENSUS_HEADER_BAD_SIGNATURE',
  /** justify or finalRef is older than the parent's, or names a block that is not an ancestor. */
  HEADER_BAD_CLAIM: 'CONSENSUS_HEADER_BAD_CLAIM',
  /** A newer justify/finalRef comes without its certificate, or a certificate comes without a newer claim. */
  HEADER_QC_MISSING: 'CONSENSUS_HEADER_QC_MISSING',
  /** An attached certificate does not verify (the nested error says why). */
  HEADER_BAD_QC: 'CONSENSUS_HEADER_BAD_QC',
  /** newSchedule is not acceptable (version, order, size, or a proposal already waiting). */
  HEADER_BAD_SCHEDULE: 'CONSENSUS_HEADER_BAD_SCHEDULE',
  /** An evidence item is invalid (the nested error says why). */
  HEADER_BAD_EVIDENCE: 'CONSENSUS_HEADER_BAD_EVIDENCE',

  // --- evidence (§5.4) ---
  /** Unknown evidence type byte. */
  EVIDENCE_UNKNOWN_TYPE: 'CONSENSUS_EVIDENCE_UNKNOWN_TYPE',
  /** The payload does not decode or is not in canonical order. */
  EVIDENCE_MALFORMED: 'CONSENSUS_EVIDENCE_MALFORMED',
  /** The two items do not conflict (same block, different slots, different producers or voters). */
  EVIDENCE_NOT_CONFLICTING: 'CONSENSUS_EVIDENCE_NOT_CONFLICTING',
  /** The offender is in no schedule this chain knows at that version. */
  EVIDENCE_UNKNOWN_OFFENDER: 'CONSENSUS_EVIDENCE_UNKNOWN_OFFENDER',
  /** A signature in the evidence does not verify. */
  EVIDENCE_BAD_SIGNATURE: 'CONSENSUS_EVIDENCE_BAD_SIGNATURE',
  /** The evidence is about another chain. */
  EVIDENCE_WRONG_CHAIN: 'CONSENSUS_EVIDENCE_WRONG_CHAIN',
  /** The offence is not newer than the offender's last punished offence on this chain. */
  EVIDENCE_STALE: 'CONSENSUS_EVIDENCE_STALE',

  // --- fork database (§5.6) ---
  /** The block is already in the fork database. */
  FORKDB_DUPLICATE: 'CONSENSUS_FORKDB_DUPLICATE',
  /** The parent is neither in the fork database nor the root (park the block and fetch the parent). */
  FORKDB_UNKNOWN_PARENT: 'CONSENSUS_FORKDB_UNKNOWN_PARENT',
  /** The block's slot is not after the root's, or it does not descend from the root. */
  FORKDB_BELOW_ROOT: 'CONSENSUS_FORKDB_BELOW_ROOT',
  /** The block is not in the fork database. */
  FORKDB_UNKNOWN_BLOCK: 'CONSENSUS_FORKDB_UNKNOWN_BLOCK',
  /** The block was marked invalid earlier (it or an ancestor failed to apply). */
  FORKDB_INVALID: 'CONSENSUS_FORKDB_INVALID',
  /** A COMMIT certificate names a block that conflicts with the LIB: a safety failure, stop and alert. */
  FORKDB_CONFLICTING_FINAL: 'CONSENSUS_FORKDB_CONFLICTING_FINAL',
  /** Re-applying a block that applied before failed during a rollback: the caller's state is broken (thrown). */
  FORKDB_REAPPLY_FAILED: 'CONSENSUS_FORKDB_REAPPLY_FAILED',

  // --- light-client finality proofs (§5.11) ---
  /** A header of the proof is for another chain. */
  LIGHT_WRONG_CHAIN: 'CONSENSUS_LIGHT_WRONG_CHAIN',
  /** The certified block is not after the client's trusted anchor. */
  LIGHT_BEFORE_ANCHOR: 'CONSENSUS_LIGHT_BEFORE_ANCHOR',
  /** The client holds no schedule of that version for that height (follow the schedule changes first). */
  LIGHT_UNKNOWN_VERSION: 'CONSENSUS_LIGHT_UNKNOWN_VERSION',
  /** The version was replaced below that height on the final chain: its keys no longer certify (keys that left). */
  LIGHT_RETIRED_VERSION: 'CONSENSUS_LIGHT_RETIRED_VERSION',
  /** The block to prove is not shown to be an ancestor of the certified block (or a certificate is on a block outside the chain). */
  LIGHT_NOT_ANCESTOR: 'CONSENSUS_LIGHT_NOT_ANCESTOR',
  /** The headers do not link from the anchor (parent, number, slot). */
  LIGHT_BROKEN_CHAIN: 'CONSENSUS_LIGHT_BROKEN_CHAIN',
  /** No COMMIT certificate in the proof covers a block after the anchor. */
  LIGHT_NO_CERTIFICATE: 'CONSENSUS_LIGHT_NO_CERTIFICATE',
  /** The transaction's merkle branch does not lead to the proven block's txRoot. */
  LIGHT_TX_NOT_INCLUDED: 'CONSENSUS_LIGHT_TX_NOT_INCLUDED',
  /** A header or proof of the finality proof cannot be processed. */
  LIGHT_MALFORMED: 'CONSENSUS_LIGHT_MALFORMED',

  // --- persisted finalizer safety information ---
  /** The FSI bytes are shorter or longer than their format. */
  FSI_MALFORMED: 'CONSENSUS_FSI_MALFORMED',
  /** The FSI checksum does not match (corrupt file: apply the amnesia rule). */
  FSI_CHECKSUM: 'CONSENSUS_FSI_CHECKSUM',
} as const;

/** One of the consensus error codes. */
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

/** A consensus failure as data. */
export type ConsensusError = ErrorData<ConsensusErrorCode>;

/** A failed `Result` with a consensus code. Example: `return fail('CONSENSUS_QC_NO_QUORUM', '2 of 4 signed')`. */
export function fail(code: ConsensusErrorCode, message: string, details: Record<string, unknown> = {}): { ok: false; error: ConsensusError } {
  return err({ ...details, code, message });
}
