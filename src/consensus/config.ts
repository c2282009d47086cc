/**
 * The per-chain settings the consensus core reads: chain id, turn length, signature scheme and the
 * demotion/proposal thresholds. Built once from the chain spec.
 */
import { chainIdBytes } from '../chain/spec/canonical.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { DEMOTE_AFTER_MISSED_SLOTS, MIN_PROPOSED_PRODUCERS } from './params.ts';
import { BIP340 } from './scheme.ts';
import type { SignatureScheme } from './scheme.ts';

/** What every consensus function needs to know about the chain. */
export interface ConsensusConfig {
  /** 32-byte chain id (inside every signed digest). */
  readonly chainId: Uint8Array;
  /** Slots per producer turn (12). */
  readonly turnLength: number;
  /** Signature scheme of votes and block signatures (BIP-340 on a real chain). */
  readonly scheme: SignatureScheme;
  /** Own slots missed in a row that demote a producer (24). */
  readonly demoteAfterMissed: number;
  /** Fewest members of a proposed schedule (4). */
  readonly minProposedProducers: number;
}

/**
 * The consensus settings of a chain spec. Example: `consensusConfig(spec).turnLength === spec.turnLength`.
 * `overrides` exists for the simulator and tests (e.g. a cheaper signature scheme).
 */
export function consensusConfig(spec: ChainSpec, overrides: Partial<ConsensusConfig> = {}): ConsensusConfig {
  return {
    chainId: chainIdBytes(spec),
    turnLength: spec.turnLength,
    scheme: BIP340,
    demoteAfterMissed: DEMOTE_AFTER_MISSED_SLOTS,
    minProposedProducers: MIN_PROPOSED_PRODUCERS,
    ...overrides,
  };
}
