/**
 * Block assembly by the scheduled producer: take candidate transactions (normally
 * `mempool.selectForBlock(...)`, parents before children), re-validate each in block mode against
 * "parent state + transactions already taken" (module validation runs in block mode, never reusing
 * mempool verdicts), drop what fails or does not fit, then add a coinbase paying reward + fees to the
 * producer's script, fill the header (txRoot, ancestorsRoot, refs, schedule versions) and sign it.
 * Returns the block together with its delta, so the producer need not connect its own block again.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { xOnlyPublicKeyFromPrivate } from '../../crypto/secp256k1.ts';
import { equalBytes } from '../../util/bytes.ts';
import type { Result } from '../../util/errors.ts';
import { ancestorsRoot } from '../block/ancestors.ts';
import { encodeBlock } from '../block/block.ts';
import { encodeHeader } from '../block/header.ts';
import { blockId, signBlockHeader } from '../block/sign.ts';
import type { Block, BlockHeader, BlockRef, Evidence, QC, Schedule } from '../block/types.ts';
import { checkTransaction, isCoinbase, legacyTxSize } from '../checkTransaction.ts';
import { buildCoinbase } from '../genesis.ts';
import { merkleRoot } from '../merkle.ts';
import { MAX_MONEY, blockReward, slotStartMs } from '../params.ts';
import { chainIdBytes } from '../spec/canonical.ts';
import { isUnspendable } from '../state/overlay.ts';
import { txidKey } from '../state/key.ts';
import { txidOf } from '../state/txid.ts';
import type { BlockDelta, CoinEntry, UtxoView } from '../state/types.ts';
import { BlockConnector } from './connector.ts';
import { blockTxContext, checkCoinbaseContext } from './connect.ts';
import type { BlockContext } from './connect.ts';
import { checkTxContextual } from './contextual.ts';
import { BlockRejectCode, TxRejectCode, blockReject } from './errors.ts';
import type { BlockRejection, TxRejection } from './errors.ts';
import { producerForSlot } from './producer.ts';

/** Inputs of `buildBlock`. */
export interface BuildBlockParams extends Omit<BlockContext, 'blockBytes' | 'maxSlot'> {
  /** The parent state (UTXO set after `parent`). */
  readonly view: UtxoView;
  /** The slot to produce (> parent.slot, and ours under the schedule). */
  readonly slot: number;
  /** Our producer name and private key (the BIP-340 key of the schedule entry). */
  readonly producer: { readonly name: string; readonly privateKey: Uint8Array };
  /** Where the coinbase pays reward + fees. */
  readonly producerScript: Uint8Array;
  /** Transactions to try, parents before children. */
  readonly candidates: readonly Transaction[];
  /** Header references (default: the parent for both, as the genesis successor uses). */
  readonly justify?: BlockRef | undefined;
  readonly finalRef?: BlockRef | undefined;
  readonly justifyQc?: QC | undefined;
  readonly finalQc?: QC | undefined;
  readonly newSchedule?: Schedule | undefined;
  readonly evidence?: readonly Evidence[] | undefined;
  /** A size cap below the chain's `limits.maxBlockBytes`. */
  readonly maxBlockBytes?: number | undefined;
  /** Coinbase extra nonce (≤ 75 bytes). */
  readonly extraNonce?: Uint8Array | undefined;
  /** BIP-340 aux randomness (32 bytes) for a deterministic signature, e.g. in tests. */
  readonly auxRand?: Uint8Array | undefined;
}

/** A candidate left out, and why. */
export interface DroppedTx {
  readonly txid: Uint8Array;
  readonly error: TxRejection;
}

/** An assembled, signed block with its delta. */
export interface BuiltBlock {
  readonly block: Block;
  readonly delta: BlockDelta;
  readonly dropped: readonly DroppedTx[];
}

/**
 * Assembles and signs the block for `slot` on top of `parent`.
 * Example: `buildBlock({spec, view, parent, ancestors, schedule, slot, producer, producerScript, candidates: mempool.selectForBlock(spec.limits.maxBlockBytes), blockTimeAt})`.
 */
export function buildBlock(p: BuildBlockParams): Result<BuiltBlock, BlockRejection> {
  const { spec, parent } = p;
  const height = parent.num + 1;
  if (!(p.slot > parent.slot)) return blockReject(BlockRejectCode.BAD_SLOT, `slot ${p.slot} is not after the parent's slot ${parent.slot}`);
  const scheduled = p.scheduledProducer !== undefined ? p.scheduledProducer(p.slot) : producerForSlot(p.schedule, p.slot, spec.turnLength);
  if (scheduled === undefined || scheduled.name !== p.producer.name) {
    return blockReject(BlockRejectCode.WRONG_PRODUCER, `slot ${p.slot} belongs to ${scheduled === undefined ? 'no producer' : `"${scheduled.name}"`}, not "${p.producer.name}"`);
  }
  if (!equalBytes(xOnlyPublicKeyFromPrivate(p.producer.privateKey), scheduled.key)) {
    return blockReject(BlockRejectCode.BAD_SIGNATURE, `the private key given is not ${scheduled.name}'s scheduled key`);
  }

  const draft: BlockHeader = {
    chainId: chainIdBytes(spec),
    num: height,
    slot: p.slot,
    parent: parent.id,
    producer: p.producer.name,
    activeVersion: p.schedule.version,
    pendingVersion: p.pendingVersion ?? 0,
    txRoot: new Uint8Array(32),
    stateRoot: new Uint8Array(32),
    ancestorsRoot: ancestorsRoot(p.ancestors),
    justify: p.justify ?? parent,
    finalRef: p.finalRef ?? parent,
    ...(p.newSchedule !== undefined ? { newSchedule: p.newSchedule } : {}),
    ...(p.evidence !== undefined && p.evidence.length > 0 ? { evidence: p.evidence } : {}),
    ...(p.justifyQc !== undefined ? { justifyQc: p.justifyQc } : {}),
    ...(p.finalQc !== undefined ? { finalQc: p.finalQc } : {}),
    producerSig: new Uint8Array(64),
  };
  const maxBytes = Math.min(p.maxBlockBytes ?? spec.limits.maxBlockBytes, spec.limits.maxBlockBytes);
  // The coinbase's size does not depend on its amount (8-byte value field).
  const cbSize = legacyTxSize(buildCoinbase(height, p.producerScript, 0n, p.extraNonce));
  let budget = maxBytes - encodeHeader(draft).length - cbSize - 5;

  const blockTimeMs = slotStartMs(spec, p.slot);
  const connector = new BlockConnector(p.view, height, p.ccHost !== undefined);
  const tctx = blockTxContext(p, height, blockTimeMs, connector);
  const taken: Transaction[] = [];
  const takenIds: Uint8Array[] = [];
  const seen = new Set<string>();
  const dropped: DroppedTx[] = [];
  for (const tx of p.candidates) {
    const txid = txidOf(tx);
    const k = txidKey(txid);
    if (seen.has(k)) continue;
    if (isCoinbase(tx)) {
      dropped.push({ txid, error: { code: TxRejectCode.COINBASE, message: 'a coinbase cannot be included as an ordinary transaction' } });
      continue;
    }
    const size = legacyTxSize(tx);
    if (size > budget) continue; // does not fit; a smaller one later may
    const cf = checkTransaction(tx, { maxTxBytes: spec.limits.maxTxBytes });
    if (!cf.ok) {
      dropped.push({ txid, error: cf.error });
      continue;
    }
    const r = checkTxContextual(tx, txid, connector.overlay, tctx);
    if (!r.ok) {
      dropped.push({ txid, error: r.error });
      continue;
    }
    if (connector.fees + r.value.fee > MAX_MONEY) continue;
    connector.fees += r.value.fee;
    connector.apply(tx, txid, false, r.value.inputKeys);
    seen.add(k);
    taken.push(tx);
    takenIds.push(txid);
    budget -= size;
  }

  const coinbase = buildCoinbase(height, p.producerScript, blockReward(spec, height) + connector.fees, p.extraNonce);
  const cbid = txidOf(coinbase);
  const cb = checkCoinbaseContext(coinbase, cbid, connector.overlay, tctx);
  if (!cb.ok) {
    return blockReject(BlockRejectCode.TX_INVALID, `the coinbase is invalid: ${cb.error.message}`, { txIndex: 0, txError: cb.error });
  }
  const txids = [cbid, ...takenIds];
  const header = signBlockHeader({ ...draft, txRoot: merkleRoot(txids).root }, p.producer.privateKey, p.auxRand);
  const block: Block = { header, txs: [coinbase, ...taken] };
  const blockBytes = encodeBlock(block);

  const cbCreated: CoinEntry[] = [];
  coinbase.outs.forEach((o, vout) => {
    if (!isUnspendable(o.script)) cbCreated.push({ outpoint: { txid: cbid, vout }, coin: { value: o.value, script: o.script, height, coinbase: true } });
  });
  const delta: BlockDelta = {
    height,
    id: blockId(header),
    block,
    blockBytes,
    txids,
    created: [...cbCreated, ...connector.created()],
    spent: connector.spent,
    spentInBlock: connector.spentInBlock,
    fees: connector.fees,
  };
  return { ok: true, value: { block, delta, dropped } };
}
