/** Block layer data model: types, binary codec, ids and signatures, vote digests, ancestors MMR. */
export type { Block, BlockHeader, BlockRef, Evidence, Phase, QC, Schedule, ScheduleEntry } from './types.ts';
export { BlockErrorCode } from './errors.ts';
export { HEADER_FORMAT, decodeHeader, encodeHeader, encodeUnsignedHeader } from './header.ts';
export { bitmapIndices, decodeQc, encodeQc, phaseByte, popcount } from './qc.ts';
export { decodeBlock, encodeBlock, legacyTxBytes } from './block.ts';
export type { DecodeBlockOptions } from './block.ts';
export { blockId, blockRef, signBlockHeader, verifyBlockSignature } from './sign.ts';
export { signVote, verifyVote, voteDigest, voteSigningBytes, voteTag } from './vote.ts';
export type { VoteSubject } from './vote.ts';
export {
  ANCESTORS_NODE_TAG,
  ANCESTORS_ROOT_TAG,
  EMPTY_ANCESTORS,
  ancestorsAppend,
  ancestorsFromIds,
  ancestorsRoot,
  proveAncestor,
  verifyAncestor,
} from './ancestors.ts';
export type { AncestorsAccumulator, AncestryProof } from './ancestors.ts';
