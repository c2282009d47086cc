/**
 * Block validation and connection (pure): header checks, body checks, then every transaction in order
 * against "parent state + earlier transactions of this block" (dependent chains inside one block are
 * legal), the coinbase's BIP34 height and amount, and the resulting `BlockDelta` exactly as
 * src/chain/state/types.ts documents it. Nothing is written: the caller applies the delta (the store
 * in one SQLite transaction, or `applyDelta` on a MemoryUtxoView).
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { Result } from '../../util/errors.ts';
import { encodeBlock } from '../block/block.ts';
import type { Block } from '../block/types.ts';
import { scriptNumPush } from '../genesis.ts';
import { MAX_MONEY, blockReward, slotStartMs } from '../params.ts';
import { displayTxid } from '../state/key.ts';
import type { BlockDelta, UtxoView } from '../state/types.ts';
import { checkBlockBody } from './body.ts';
import type { CcHostAdapter } from './ccAdapter.ts';
import { BlockConnector } from './connector.ts';
import { checkFinal, checkTxContextual, scriptCheckContext } from './contextual.ts';
import type { TxContext } from './contextual.ts';
import { BlockRejectCode, blockReject } from './errors.ts';
import type { BlockRejection, TxRejection } from './errors.ts';
import { ccContextKey, scriptFlagsFor } from './flags.ts';
import { checkBlockHeader } from './header.ts';
import type { HeaderContext } from './header.ts';
import type { ScriptCache } from './scriptCache.ts';
import { checkTxScripts } from './scripts.ts';

/** What connecting a block needs besides the parent state. */
export interface BlockContext extends HeaderContext {
  /** Time (ms) of the block at a given lower height of this chain (BIP68 time locks). */
  readonly blockTimeAt: (height: number) => number;
  readonly ccHost?: CcHostAdapter | undefined;
  readonly scriptCache?: ScriptCache | undefined;
  /** The block's serialized bytes when the caller has them (saves re-encoding for the delta). */
  readonly blockBytes?: Uint8Array | undefined;
}

/** True when a coinbase scriptSig starts with the BIP34 height push (Core's `CScript() << height`). */
export function hasCoinbaseHeight(coinbase: Transaction, height: number): boolean {
  const want = scriptNumPush(height);
  const s = coinbase.ins[0]!.script;
  if (s.length < want.length) return false;
  for (let i = 0; i < want.length; i++) if (s[i] !== want[i]) return false;
  return true;
}

function txInvalid(i: number, txid: Uint8Array, e: TxRejection): { ok: false; error: BlockRejection } {
  return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i} (${displayTxid(txid)}): ${e.message}`, {
    reason: e.reason,
    txIndex: i,
    txid: displayTxid(txid),
    txError: e,
  });
}

/** The per-transaction context of a block being connected or assembled at `height`. */
export function blockTxContext(ctx: Omit<BlockContext, 'parent' | 'ancestors' | 'schedule'>, height: number, blockTimeMs: number, connector: BlockConnector): TxContext {
  return {
    spec: ctx.spec,
    mode: 'block',
    height,
    blockTimeMs,
    blockTimeAt: ctx.blockTimeAt,
    ccHost: ctx.ccHost,
    scriptCache: ctx.scriptCache,
    pendingTx: connector.pendingTx,
    flags: scriptFlagsFor(ctx.spec, height, 'block'),
    ccKey: ccContextKey(ctx.spec, height),
  };
}

/** Coinbase checks that need the state: lock time, CC output rules (B7 applies to coinbases too). */
export function checkCoinbaseContext(coinbase: Transaction, txid: Uint8Array, view: UtxoView, tctx: TxContext): Result<void, TxRejection> {
  const fin = checkFinal(coinbase, tctx.height, tctx.blockTimeMs);
  if (!fin.ok) return fin;
  const cc = checkTxScripts(coinbase, txid, [], scriptCheckContext(tctx, view, undefined));
  return cc.ok ? { ok: true, value: undefined } : cc;
}

/** How much of each transaction `connectBlock` checks. */
export interface ConnectOptions {
  /**
   * Light validation (CONSENSUS.md §5.3): no per-transaction signature, script, lock-time or module
   * checks; inputs must exist and no transaction may create value. Default false (full validation).
   */
  readonly light?: boolean | undefined;
}

/** Light check of non-coinbase transaction `i`: its inputs exist in `view` and it creates no value; returns its fee. */
function lightTxFee(tx: Transaction, txid: Uint8Array, i: number, view: UtxoView): Result<bigint, BlockRejection> {
  let valueIn = 0n;
  for (let vin = 0; vin < tx.ins.length; vin++) {
    const input = tx.ins[vin]!;
    const coin = view.getCoin({ txid: input.hash, vout: input.index });
    if (coin === undefined) {
      return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i} (${displayTxid(txid)}) spends a missing or spent output (input ${vin})`, {
        reason: 'bad-txns-inputs-missingorspent',
        txIndex: i,
        txid: displayTxid(txid),
      });
    }
    valueIn += coin.value;
  }
  let valueOut = 0n;
  for (const o of tx.outs) valueOut += o.value;
  if (valueOut > valueIn) {
    return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i} (${displayTxid(txid)}) pays out more than its inputs`, {
      reason: 'bad-txns-in-belowout',
      txIndex: i,
      txid: displayTxid(txid),
    });
  }
  return { ok: true, value: valueIn - valueOut };
}

/**
 * Validates `block` on top of the state `view` (the parent's UTXO set) and returns its delta;
 * `opts.light` skips the per-transaction script, lock-time and module checks.
 * Example: `const r = connectBlock(view, block, {spec, parent, ancestors, schedule, blockTimeAt}); if (r.ok) applyDelta(set, r.value)`.
 */
export function connectBlock(view: UtxoView, block: Block, ctx: BlockContext, opts: ConnectOptions = {}): Result<BlockDelta, BlockRejection> {
  const light = opts.light === true;
  const hdr = checkBlockHeader(block.header, ctx);
  if (!hdr.ok) return hdr;
  const body = checkBlockBody(block, ctx.spec, ctx.blockBytes);
  if (!body.ok) return body;
  const { txids } = body.value;
  const height = block.header.num;
  const txs = block.txs;

  const coinbase = txs[0]!;
  if (!hasCoinbaseHeight(coinbase, height)) {
    return blockReject(BlockRejectCode.BAD_CB_HEIGHT, `the coinbase scriptSig must start with the height ${height} (BIP34)`, { reason: 'bad-cb-height', txIndex: 0 });
  }

  const connector = new BlockConnector(view, height, !light && ctx.ccHost !== undefined);
  if (light) {
    connector.apply(coinbase, txids[0]!, true);
    for (let i = 1; i < txs.length; i++) {
      const fee = lightTxFee(txs[i]!, txids[i]!, i, connector.overlay);
      if (!fee.ok) return fee;
      connector.fees += fee.value;
      connector.apply(txs[i]!, txids[i]!, false);
    }
  } else {
    const tctx = blockTxContext(ctx, height, slotStartMs(ctx.spec, block.header.slot), connector);
    const cb = checkCoinbaseContext(coinbase, txids[0]!, connector.overlay, tctx);
    if (!cb.ok) return txInvalid(0, txids[0]!, cb.error);
    connector.apply(coinbase, txids[0]!, true);

    for (let i = 1; i < txs.length; i++) {
      const tx = txs[i]!;
      const txid = txids[i]!;
      const r = checkTxContextual(tx, txid, connector.overlay, tctx);
      if (!r.ok) return txInvalid(i, txid, r.error);
      connector.fees += r.value.fee;
      if (connector.fees > MAX_MONEY) {
        return blockReject(BlockRejectCode.FEES_OUT_OF_RANGE, `the fees up to transaction ${i} add up to ${connector.fees}, above MAX_MONEY`, {
          reason: 'bad-txns-accumulated-fee-outofrange',
          txIndex: i,
        });
      }
      connector.apply(tx, txid, false, r.value.inputKeys);
    }
  }

  const reward = blockReward(ctx.spec, height);
  let paid = 0n;
  for (const o of coinbase.outs) paid += o.value;
  if (paid > reward + connector.fees) {
    return blockReject(BlockRejectCode.BAD_CB_AMOUNT, `the coinbase pays ${paid}; the limit is reward ${reward} + fees ${connector.fees}`, {
      reason: 'bad-cb-amount',
      txIndex: 0,
    });
  }

  return {
    ok: true,
    value: {
      height,
      id: hdr.value,
      block,
      blockBytes: ctx.blockBytes ?? encodeBlock(block),
      txids,
      created: connector.created(),
      spent: connector.spent,
      spentInBlock: connector.spentInBlock,
      fees: connector.fees,
    },
  };
}

/** `connectBlock` when only the verdict matters. */
export function validateBlock(view: UtxoView, block: Block, ctx: BlockContext): Result<void, BlockRejection> {
  const r = connectBlock(view, block, ctx);
  return r.ok ? { ok: true, value: undefined } : r;
}
