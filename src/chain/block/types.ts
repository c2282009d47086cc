/**
 * Block-layer data types (CONSENSUS.md §5.2). Hashes and ids are 32-byte `Uint8Array`s (block ids and
 * roots in the order the hash function outputs them; txids and `txRoot` in Bitcoin's internal order,
 * displayed reversed). Numbers are unsigned 32-bit (a u32 slot lasts 68 years at 0.5 s).
 */
import type { Transaction } from 'bitcoinjs-lib';

/** A producer in a schedule. */
export interface ScheduleEntry {
  /** Account name (see `NAME_RE`). */
  readonly name: string;
  /** 32-byte x-only secp256k1 key (BIP-340). */
  readonly key: Uint8Array;
}

/** A producer schedule: members unique and sorted by name. */
export interface Schedule {
  readonly version: number;
  readonly producers: readonly ScheduleEntry[];
}

/** A reference to a block. */
export interface BlockRef {
  readonly id: Uint8Array;
  readonly num: number;
  readonly slot: number;
}

/** Vote phase. */
export type Phase = 'PREPARE' | 'COMMIT';

/**
 * A quorum certificate (both phases; a COMMIT QC is the block's finality certificate). Bitmaps are
 * little-endian bit sets over the schedule's order (bit i of byte i>>3, value 1 << (i & 7), is producer
 * i); signatures are 64-byte BIP-340 signatures in ascending bit order. Validity (membership, quorum,
 * bitmap length = ceil(n/8) with no bits past n, signatures) is the consensus layer's (§5.4).
 */
export interface QC {
  readonly phase: Phase;
  readonly block: BlockRef;
  readonly activeVersion: number;
  readonly activeBitmap: Uint8Array;
  readonly activeSigs: readonly Uint8Array[];
  /** 0 = no pending schedule; then the pending bitmap and signatures are absent. */
  readonly pendingVersion: number;
  readonly pendingBitmap?: Uint8Array;
  readonly pendingSigs?: readonly Uint8Array[];
}

/** Misbehaviour evidence, opaque to this layer: a type byte and its payload (CONSENSUS.md §5.4). */
export interface Evidence {
  readonly type: number;
  readonly data: Uint8Array;
}

/** A block header (CONSENSUS.md §5.2). */
export interface BlockHeader {
  /** The chain id (32 bytes, see `chainId`). */
  readonly chainId: Uint8Array;
  /** Height; genesis is 0. */
  readonly num: number;
  /** Slot; genesis is 0. */
  readonly slot: number;
  /** Parent block id (32 zero bytes for genesis). */
  readonly parent: Uint8Array;
  /** Producer name ('' for genesis). */
  readonly producer: string;
  readonly activeVersion: number;
  /** 0 = no pending schedule. */
  readonly pendingVersion: number;
  /** Bitcoin merkle root of the txids (internal order). */
  readonly txRoot: Uint8Array;
  /** UTXO-set commitment; 32 zero bytes until implemented. */
  readonly stateRoot: Uint8Array;
  /** Root of the MMR over the ids of blocks 0..num-1 (see ancestors.ts). */
  readonly ancestorsRoot: Uint8Array;
  /** Best PREPARE QC known on an ancestor. */
  readonly justify: BlockRef;
  /** Best COMMIT QC known on an ancestor. */
  readonly finalRef: BlockRef;
  /** An election result proposal (§5.5). */
  readonly newSchedule?: Schedule;
  /** Misbehaviour proofs (omitted when there are none). */
  readonly evidence?: readonly Evidence[];
  /** Full certificates, only when newer than the parent's refs. */
  readonly justifyQc?: QC;
  readonly finalQc?: QC;
  /** 64-byte BIP-340 signature over the header id (all zero for genesis). */
  readonly producerSig: Uint8Array;
}

/** A block: header and transactions (coinbase first). */
export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Transaction[];
}
