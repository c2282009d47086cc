/**
 * The JSON forms of headers and blocks (`getblockheader`, `getblock`): bitcoind's field names where
 * they apply (`hash`, `confirmations`, `height`, `merkleroot`, `time`, `previousblockhash`,
 * `nextblockhash`, `tx`) plus the cchost header fields (slot, producer, schedule versions, justify /
 * finalRef with their certificates) and finality (`final`: at or below the last irreversible block).
 */
import type { BlockHeader, BlockRef, QC } from '../../chain/block/types.ts';
import type { Block } from '../../chain/block/types.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { txidOf } from '../../chain/state/txid.ts';
import { bitmapIndices } from '../../chain/block/qc.ts';
import { toHex } from '../../util/bytes.ts';
import type { NodeContext } from './context.ts';
import { txJson } from './txJson.ts';

function refJson(r: BlockRef): Record<string, unknown> {
  return { hash: toHex(r.id), height: r.num, slot: r.slot };
}

function qcJson(qc: QC, ctx: NodeContext): Record<string, unknown> {
  const members = ctx.spec.schedule.version === qc.activeVersion ? ctx.spec.schedule.producers : undefined;
  return {
    phase: qc.phase,
    block: refJson(qc.block),
    active_version: qc.activeVersion,
    signers: bitmapIndices(qc.activeBitmap).map((i) => members?.[i]?.name ?? i),
    pending_version: qc.pendingVersion,
  };
}

/** The JSON of a header at `height` with id `id`. */
export function headerJson(ctx: NodeContext, header: BlockHeader, id: Uint8Array): Record<string, unknown> {
  const tip = ctx.tip();
  const lib = ctx.lib();
  const height = header.num;
  const timeMs = ctx.blockTimeAt(height);
  const next = height < tip.height ? ctx.store.getHeader(height + 1) : undefined;
  return {
    hash: toHex(id),
    confirmations: tip.height - height + 1,
    height,
    version: 1,
    merkleroot: displayTxid(header.txRoot),
    time: Math.floor(timeMs / 1000),
    time_ms: timeMs,
    slot: header.slot,
    producer: header.producer,
    final: height <= lib.height,
    ...(height > 0 ? { previousblockhash: toHex(header.parent) } : {}),
    ...(next !== undefined ? { nextblockhash: toHex(next.id) } : {}),
    chainid: toHex(header.chainId),
    active_schedule_version: header.activeVersion,
    pending_schedule_version: header.pendingVersion,
    stateroot: toHex(header.stateRoot),
    ancestorsroot: toHex(header.ancestorsRoot),
    justify: refJson(header.justify),
    finalref: refJson(header.finalRef),
    ...(header.justifyQc !== undefined ? { justify_qc: qcJson(header.justifyQc, ctx) } : {}),
    ...(header.finalQc !== undefined ? { final_qc: qcJson(header.finalQc, ctx) } : {}),
    producer_signature: toHex(header.producerSig),
  };
}

/** The JSON of a block: verbosity 1 lists txids, verbosity 2 decoded transactions. */
export function blockJson(ctx: NodeContext, block: Block, id: Uint8Array, size: number, verbosity: 1 | 2): Record<string, unknown> {
  const h = headerJson(ctx, block.header, id);
  const tx = verbosity === 1 ? block.txs.map((t) => displayTxid(txidOf(t))) : block.txs.map((t) => txJson(t, ctx.spec.prefixes));
  return { ...h, size, ntx: block.txs.length, tx };
}
