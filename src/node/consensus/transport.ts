/**
 * How the consensus engine talks to the network. The node wires it to its `P2PNode` (src/node/p2p.ts);
 * tests and the in-process benchmark may wire engines to each other directly. Every call must return
 * at once (queue, do not block).
 */
import type { BlockRef, QC, ScheduleEntry } from '../../chain/block/types.ts';
import type { Vote } from '../../consensus/types.ts';

/** The engine's view of the network. */
export interface Transport {
  /** Sends a block (its serialized bytes) to every peer. */
  broadcastBlock(raw: Uint8Array): void;
  /** Sends a vote to every peer. */
  broadcastVote(vote: Vote): void;
  /** Sends a certificate to every peer. */
  broadcastQc(qc: QC): void;
  /** Tells peers our head and LIB (with the LIB's certificate). */
  announceHead(head: BlockRef, lib: BlockRef, libQc: QC | undefined): void;
  /** A block or vote named a block we do not have: fetch what peers have above our head. */
  requestBlocks(): void;
  /** A peer sent something found invalid later (a block failing full validation). */
  penalize(peerId: string, detail: string): void;
  /** The members of the current (and pending) schedule changed. */
  setProducers(members: readonly ScheduleEntry[]): void;
  /** True while a block-range sync runs. */
  syncing(): boolean;
  /** Connected peers. */
  peerCount(): number;
}

/** A transport that sends nothing (a node without networking, or before the network starts). */
export const NO_TRANSPORT: Transport = Object.freeze({
  broadcastBlock: () => undefined,
  broadcastVote: () => undefined,
  broadcastQc: () => undefined,
  announceHead: () => undefined,
  requestBlocks: () => undefined,
  penalize: () => undefined,
  setProducers: () => undefined,
  syncing: () => false,
  peerCount: () => 0,
});
