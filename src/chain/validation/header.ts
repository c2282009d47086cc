/**
 * Header acceptance checks of CONSENSUS.md §5.3 that need only the parent's reference, the schedule
 * and the ancestors accumulator: chain id, num = parent + 1, parent id, slot > parent slot (and
 * ≤ `maxSlot` when the caller passes now_slot + 1), the scheduled producer with a valid BIP-340
 * signature, schedule versions, ancestorsRoot, and the (still zero) stateRoot. Certificates,
 * justify/finalRef monotonicity and schedule changes are the consensus layer's.
 */
import { schnorrVerify } from '../../crypto/secp256k1.ts';
import { equalBytes, toHex } from '../../util/bytes.ts';
import type { Result } from '../../util/errors.ts';
import { ancestorsRoot } from '../block/ancestors.ts';
import type { AncestorsAccumulator } from '../block/ancestors.ts';
import { blockId } from '../block/sign.ts';
import type { BlockHeader, BlockRef, Schedule, ScheduleEntry } from '../block/types.ts';
import { chainIdBytes } from '../spec/canonical.ts';
import type { ChainSpec } from '../spec/types.ts';
import { BlockRejectCode, blockReject } from './errors.ts';
import type { BlockRejection } from './errors.ts';
import { producerForSlot } from './producer.ts';

/** What header checks need to know about the chain the block extends. */
export interface HeaderContext {
  readonly spec: ChainSpec;
  /** The parent block's reference. */
  readonly parent: BlockRef;
  /** The accumulator of the ids of blocks 0..parent.num (what the new block's ancestorsRoot commits to). */
  readonly ancestors: AncestorsAccumulator;
  /** The active schedule for the block's slot. */
  readonly schedule: Schedule;
  /** The pending schedule's version (0 = none; default 0). */
  readonly pendingVersion?: number | undefined;
  /** Latest acceptable slot (now_slot + 1, CONSENSUS.md CLOCK_TOLERANCE); omitted = no clock check. */
  readonly maxSlot?: number | undefined;
  /** Replaces `producerForSlot(schedule, slot, spec.turnLength)` (consensus layer hook). */
  readonly scheduledProducer?: ((slot: number) => ScheduleEntry | undefined) | undefined;
}

/** The 32-byte zero value of `stateRoot` until a UTXO commitment exists. */
const ZERO32 = new Uint8Array(32);

/**
 * Checks a header against its parent and schedule; returns the block id on success.
 * Example: `checkBlockHeader(block.header, {spec, parent: genesisRef(spec), ancestors, schedule: spec.schedule})`.
 */
export function checkBlockHeader(header: BlockHeader, ctx: HeaderContext): Result<Uint8Array, BlockRejection> {
  const { spec, parent } = ctx;
  if (!equalBytes(header.chainId, chainIdBytes(spec))) {
    return blockReject(BlockRejectCode.WRONG_CHAIN, `the block belongs to chain ${toHex(header.chainId)}, not to ${spec.name}`);
  }
  if (header.num !== parent.num + 1) {
    return blockReject(BlockRejectCode.BAD_HEIGHT, `block number ${header.num} does not follow its parent's ${parent.num}`);
  }
  if (!equalBytes(header.parent, parent.id)) {
    return blockReject(BlockRejectCode.BAD_PARENT, `the block's parent is not the expected block ${parent.num}`);
  }
  if (!(header.slot > parent.slot)) {
    return blockReject(BlockRejectCode.BAD_SLOT, `slot ${header.slot} is not after the parent's slot ${parent.slot}`);
  }
  if (ctx.maxSlot !== undefined && header.slot > ctx.maxSlot) {
    return blockReject(BlockRejectCode.SLOT_IN_FUTURE, `slot ${header.slot} is in the future (latest acceptable slot ${ctx.maxSlot})`);
  }
  const scheduled = ctx.scheduledProducer !== undefined ? ctx.scheduledProducer(header.slot) : producerForSlot(ctx.schedule, header.slot, spec.turnLength);
  if (scheduled === undefined || header.producer !== scheduled.name) {
    return blockReject(
      BlockRejectCode.WRONG_PRODUCER,
      `slot ${header.slot} belongs to ${scheduled === undefined ? 'no producer' : `"${scheduled.name}"`}, but the block names "${header.producer}"`,
    );
  }
  const pendingVersion = ctx.pendingVersion ?? 0;
  if (header.activeVersion !== ctx.schedule.version || header.pendingVersion !== pendingVersion) {
    return blockReject(
      BlockRejectCode.BAD_SCHEDULE_VERSION,
      `schedule versions ${header.activeVersion}/${header.pendingVersion} differ from the chain's ${ctx.schedule.version}/${pendingVersion}`,
    );
  }
  let id: Uint8Array;
  try {
    id = blockId(header);
  } catch (e) {
    return blockReject(BlockRejectCode.BAD_SIGNATURE, `the header cannot be encoded, so it has no valid signature: ${String(e)}`);
  }
  if (!schnorrVerify(header.producerSig, scheduled.key, id)) {
    return blockReject(BlockRejectCode.BAD_SIGNATURE, `the producer signature does not verify under ${scheduled.name}'s key`);
  }
  if (ctx.ancestors.count !== header.num || !equalBytes(header.ancestorsRoot, ancestorsRoot(ctx.ancestors))) {
    return blockReject(BlockRejectCode.BAD_ANCESTORS_ROOT, `ancestorsRoot does not commit to the ids of blocks 0..${header.num - 1} of this chain`);
  }
  if (!equalBytes(header.stateRoot, ZERO32)) {
    return blockReject(BlockRejectCode.BAD_STATE_ROOT, 'stateRoot must be 32 zero bytes (no UTXO commitment is defined yet)');
  }
  return { ok: true, value: id };
}
