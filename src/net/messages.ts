/**
 * The P2P messages (docs/p2p.md). Each message on the wire is one type byte and a body; payload
 * messages (transaction, block, vote, certificate) keep the exact bytes they were decoded from in
 * `raw`, so relaying and hashing never re-encode.
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Block, BlockRef, QC } from '../chain/block/types.ts';
import type { Vote } from '../consensus/types.ts';

/** Type bytes. */
export const MsgType = {
  HELLO: 0x01,
  AUTH: 0x02,
  GOODBYE: 0x03,
  PING: 0x04,
  PONG: 0x05,
  TX: 0x10,
  BLOCK: 0x11,
  VOTE: 0x12,
  QC: 0x13,
  HEAD: 0x14,
  GET_BLOCKS: 0x20,
  BLOCKS: 0x21,
} as const;

/** One of the type bytes. */
export type MsgTypeByte = (typeof MsgType)[keyof typeof MsgType];

/** True when `b` is a defined type byte. */
export function isMsgType(b: number): b is MsgTypeByte {
  return (b >= 0x01 && b <= 0x05) || (b >= 0x10 && b <= 0x14) || b === 0x20 || b === 0x21;
}

/**
 * First message of each side: who we are, where our chain is, and a fresh nonce the peer must sign
 * over (the challenge). Unsigned: the `auth` message that follows proves the key.
 */
export interface HelloMsg {
  readonly type: 'hello';
  /** `PROTOCOL_VERSION` of the sender. */
  readonly version: number;
  readonly chainId: Uint8Array;
  /** Producer name (for a producer) or node name; `NAME_RE`. */
  readonly name: string;
  /** 32-byte x-only BIP-340 key. */
  readonly key: Uint8Array;
  /** The sender claims to be a scheduled producer. */
  readonly producer: boolean;
  readonly head: BlockRef;
  readonly lib: BlockRef;
  /** COMMIT certificate of `lib`, when the sender has one. */
  readonly libQc?: QC | undefined;
  /** 32 random bytes, fresh per connection. */
  readonly nonce: Uint8Array;
  /** Sender's wall clock (unix ms). */
  readonly timestampMs: number;
  /** Software name and version (printable ASCII, ≤ 64). */
  readonly agent: string;
}

/** The sender's BIP-340 signature over `authDigest` (both hellos): proves the key for this connection. */
export interface AuthMsg {
  readonly type: 'auth';
  readonly sig: Uint8Array;
}

/** Reasons a side closes a connection. */
export const GoodbyeReason = {
  /** Normal shutdown. */
  SHUTDOWN: 0,
  /** Handshake refused (the text says why: wrong chain, wrong key, ...). */
  HANDSHAKE: 1,
  /** A second connection to the same peer; this one is closed by the tie-break. */
  DUPLICATE: 2,
  /** The peer is banned for misbehaviour. */
  BANNED: 3,
  /** The peer broke the protocol (oversized or malformed message). */
  PROTOCOL: 4,
  /** No traffic for too long. */
  TIMEOUT: 5,
  /** Too many connections. */
  FULL: 6,
} as const;

/** One of the goodbye reason codes. */
export type GoodbyeReasonCode = (typeof GoodbyeReason)[keyof typeof GoodbyeReason];

/** Closes the connection with a reason. */
export interface GoodbyeMsg {
  readonly type: 'goodbye';
  readonly reason: GoodbyeReasonCode;
  /** Printable ASCII, ≤ 200. */
  readonly text: string;
}

/** Liveness probe; answered with a pong of the same id. */
export interface PingMsg {
  readonly type: 'ping';
  readonly id: number;
}

/** Answer to a ping. */
export interface PongMsg {
  readonly type: 'pong';
  readonly id: number;
}

/** A transaction (legacy serialization). */
export interface TxMsg {
  readonly type: 'tx';
  readonly raw: Uint8Array;
  readonly tx: Transaction;
}

/** A block. */
export interface BlockMsg {
  readonly type: 'block';
  readonly raw: Uint8Array;
  readonly block: Block;
}

/** A PREPARE or COMMIT vote. */
export interface VoteMsg {
  readonly type: 'vote';
  readonly raw: Uint8Array;
  readonly vote: Vote;
}

/** A quorum certificate. */
export interface QcMsg {
  readonly type: 'qc';
  readonly raw: Uint8Array;
  readonly qc: QC;
}

/** The sender's head and LIB changed (per link; not relayed). */
export interface HeadMsg {
  readonly type: 'head';
  readonly head: BlockRef;
  readonly lib: BlockRef;
  readonly libQc?: QC | undefined;
}

/** Asks for the blocks at heights from, from+1, ... (≤ count, ≤ maxBytes) on the peer's best chain. */
export interface GetBlocksMsg {
  readonly type: 'get-blocks';
  readonly reqId: number;
  readonly from: number;
  readonly count: number;
  readonly maxBytes: number;
}

/** Status of a block-range response. */
export const BlocksStatus = {
  /** Blocks from `from` on (fewer than asked when the chain or the byte budget ends). */
  OK: 0,
  /** The peer serves too many requests now; ask another. */
  BUSY: 1,
  /** The peer does not serve blocks. */
  UNAVAILABLE: 2,
} as const;

/** One of the range response statuses. */
export type BlocksStatusCode = (typeof BlocksStatus)[keyof typeof BlocksStatus];

/** A block with the bytes it came in. */
export interface RawBlock {
  readonly raw: Uint8Array;
  readonly block: Block;
}

/** Answer to `get-blocks`. */
export interface BlocksMsg {
  readonly type: 'blocks';
  readonly reqId: number;
  readonly from: number;
  readonly status: BlocksStatusCode;
  readonly blocks: readonly RawBlock[];
}

/** Every message. */
export type Message =
  | HelloMsg
  | AuthMsg
  | GoodbyeMsg
  | PingMsg
  | PongMsg
  | TxMsg
  | BlockMsg
  | VoteMsg
  | QcMsg
  | HeadMsg
  | GetBlocksMsg
  | BlocksMsg;

/** The name of a message's type. */
export type MessageKind = Message['type'];

/** Type byte of each kind. */
export const TYPE_OF: Readonly<Record<MessageKind, MsgTypeByte>> = Object.freeze({
  hello: MsgType.HELLO,
  auth: MsgType.AUTH,
  goodbye: MsgType.GOODBYE,
  ping: MsgType.PING,
  pong: MsgType.PONG,
  tx: MsgType.TX,
  block: MsgType.BLOCK,
  vote: MsgType.VOTE,
  qc: MsgType.QC,
  head: MsgType.HEAD,
  'get-blocks': MsgType.GET_BLOCKS,
  blocks: MsgType.BLOCKS,
});
