/**
 * The P2P layer (DESIGN.md "Network", docs/p2p.md): a WebSocket full mesh among producers with an
 * authenticated handshake, gossip with dedup, per-peer queues, rate limits, misbehaviour scores and
 * bans, and block-range sync with a progress display. The node drives it through `P2PNode`.
 */
export { P2PNode } from './network.ts';
export type { NetStats } from './network.ts';
export type { GossipKind, HandlerResult, NetworkConfig, NetworkHandlers, PeerInfo, PeerRef, RateLimits, Verdict } from './types.ts';
export { NetErrorCode, netFail } from './errors.ts';
export type { NetError } from './errors.ts';
export { DEFAULT_LIMITS, MAX_QC_BYTES, MAX_VOTE_BYTES, PROTOCOL_VERSION, WIRE_VERSION, maxFrameBytes, maxMessageBytes, resolveLimits } from './limits.ts';
export type { NetLimits } from './limits.ts';
export { BlocksStatus, GoodbyeReason, MsgType, TYPE_OF, isMsgType } from './messages.ts';
export type { AuthMsg, BlockMsg, BlocksMsg, GetBlocksMsg, GoodbyeMsg, HeadMsg, HelloMsg, Message, MessageKind, PingMsg, PongMsg, QcMsg, RawBlock, TxMsg, VoteMsg } from './messages.ts';
export { decodeMessage, encodeBlocksResponse, encodeMessage } from './codec.ts';
export { decodeFrame, encodeFrame } from './frame.ts';
export { AUTH_TAG, authDigest, checkHello, freshNonce, producerDirectory, signAuth, verifyAuth } from './handshake.ts';
export type { HelloPolicy, ProducerDirectory } from './handshake.ts';
export { SeenSet, messageKey } from './seen.ts';
export { TokenBucket } from './rateLimit.ts';
export type { RateSpec } from './rateLimit.ts';
export { DEFAULT_BACKOFF, backoffDelay } from './backoff.ts';
export type { BackoffSpec } from './backoff.ts';
export { DEFAULT_QUEUE_BOUNDS, Lane, OutboundQueue } from './queue.ts';
export type { LaneBound, LaneId, QueueBounds } from './queue.ts';
export { DEFAULT_SCORE_SPEC, MISBEHAVIOUR_WEIGHTS, PeerScores, isMisbehaviourReason } from './score.ts';
export type { BanEntry, MisbehaviourReason, Offence, ScoreSpec } from './score.ts';
export { OnceLog, SILENT_NET_LOGGER } from './log.ts';
export type { NetLogFields, NetLogger } from './log.ts';
export { DEFAULT_SYNC_OPTIONS, Syncer } from './sync.ts';
export type { BlockRange, SyncLocal, SyncOptions, SyncOutcome, SyncPeer, SyncProgress, SyncSource } from './sync.ts';
export { formatDuration, progressReporter, renderProgress } from './progress.ts';
export type { ProgressReporterOptions, ProgressStream } from './progress.ts';
export { verdictFor } from './verdict.ts';
