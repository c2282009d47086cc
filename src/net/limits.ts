/**
 * Size limits of the P2P protocol: one limit per message type, the frame limit the WebSocket layer
 * enforces (`maxPayload`), and bounds of block-range requests. Chain-dependent limits (largest
 * transaction and block) come from the chain spec's `limits`; the rest are protocol constants.
 */
import { MAX_SCHEDULE_PRODUCERS } from '../chain/params.ts';
import { CchostError } from '../util/errors.ts';
import { NetErrorCode } from './errors.ts';
import { MsgType } from './messages.ts';
import type { MsgTypeByte } from './messages.ts';

/** Protocol version carried in the hello; peers with another version are refused. */
export const PROTOCOL_VERSION = 1;

/** First byte of every frame (a WebSocket message): the framing format. */
export const WIRE_VERSION = 1;

/** Largest encoded certificate: two bitmaps of the largest schedule, a signature per member, headers. */
export const MAX_QC_BYTES = 1 + 40 + 4 + 9 + MAX_SCHEDULE_PRODUCERS * 64 + 4 + 9 + MAX_SCHEDULE_PRODUCERS * 64;

/** Largest encoded vote (phase, ref, versions, name of ≤ 32 characters, signature). */
export const MAX_VOTE_BYTES = 1 + 40 + 8 + 1 + 32 + 64;

/** Largest hello: fixed fields, a 32-character name and a 64-character agent string, and a LIB certificate. */
export const MAX_HELLO_BYTES = 2 + 32 + 33 + 32 + 1 + 80 + 3 + MAX_QC_BYTES + 32 + 8 + 65;

/** Largest goodbye detail text (printable ASCII). */
export const MAX_GOODBYE_TEXT = 200;

/** Longest agent string in a hello (printable ASCII). */
export const MAX_AGENT_TEXT = 64;

/** Chain- and deployment-dependent limits of one network. */
export interface NetLimits {
  /** Largest transaction (the chain spec's `limits.maxTxBytes`). */
  readonly maxTxBytes: number;
  /** Largest block (the chain spec's `limits.maxBlockBytes`). */
  readonly maxBlockBytes: number;
  /** Most blocks one range request may ask for. */
  readonly maxRangeCount: number;
  /** Most block bytes one range response may carry (one block is always allowed, even when larger). */
  readonly maxRangeBytes: number;
  /** Most messages one frame may carry. */
  readonly maxRecordsPerFrame: number;
}

/** Defaults: the chain spec defaults (2 MB blocks, 100 kB transactions), ranges of ≤ 512 blocks / 8 MiB. */
export const DEFAULT_LIMITS: NetLimits = Object.freeze({
  maxTxBytes: 100_000,
  maxBlockBytes: 2_000_000,
  maxRangeCount: 512,
  maxRangeBytes: 8 * 1024 * 1024,
  maxRecordsPerFrame: 8192,
});

/**
 * Fills in defaults and checks ranges; throws `NET_CONFIG` with the fix on a bad value.
 * Example: `resolveLimits({ maxBlockBytes: spec.limits.maxBlockBytes, maxTxBytes: spec.limits.maxTxBytes })`.
 */
export function resolveLimits(partial: Partial<NetLimits> = {}): NetLimits {
  const l = { ...DEFAULT_LIMITS, ...partial };
  const check = (name: keyof NetLimits, min: number, max: number): void => {
    const v = l[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new CchostError(NetErrorCode.CONFIG, `net limit ${name} is ${v}; use an integer in ${min}..${max}`);
    }
  };
  check('maxTxBytes', 64, 0x02000000);
  check('maxBlockBytes', 1024, 0x02000000);
  check('maxRangeCount', 1, 65_535);
  check('maxRangeBytes', 1024, 0x08000000);
  check('maxRecordsPerFrame', 1, 1_000_000);
  return Object.freeze(l);
}

/** Largest body of a block-range response under `l` (the byte budget, or one largest block, plus framing). */
export function maxBlocksResponseBytes(l: NetLimits): number {
  return Math.max(l.maxRangeBytes, l.maxBlockBytes) + 9 + 5 * l.maxRangeCount + 16;
}

/** Largest message (type byte and body) of each type under `l`. */
export function maxMessageBytes(type: MsgTypeByte, l: NetLimits): number {
  switch (type) {
    case MsgType.HELLO:
      return 1 + MAX_HELLO_BYTES;
    case MsgType.AUTH:
      return 1 + 64;
    case MsgType.GOODBYE:
      return 1 + 2 + MAX_GOODBYE_TEXT;
    case MsgType.PING:
    case MsgType.PONG:
      return 1 + 4;
    case MsgType.TX:
      return 1 + l.maxTxBytes;
    case MsgType.BLOCK:
      return 1 + l.maxBlockBytes;
    case MsgType.VOTE:
      return 1 + MAX_VOTE_BYTES;
    case MsgType.QC:
      return 1 + MAX_QC_BYTES;
    case MsgType.HEAD:
      return 1 + 80 + 1 + 3 + MAX_QC_BYTES;
    case MsgType.GET_BLOCKS:
      return 1 + 4 + 4 + 2 + 4;
    case MsgType.BLOCKS:
      return 1 + 4 + 4 + 1 + maxBlocksResponseBytes(l);
  }
}

/** The frame limit (WebSocket `maxPayload`): the largest message plus framing. */
export function maxFrameBytes(l: NetLimits): number {
  return Math.max(maxMessageBytes(MsgType.BLOCK, l), maxMessageBytes(MsgType.BLOCKS, l)) + 16;
}
