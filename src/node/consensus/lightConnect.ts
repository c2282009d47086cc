/**
 * Light validation of a block (CONSENSUS.md §5.3 "Light validation"): the header checks, the
 * context-free body checks and the state transition, without per-transaction signature, script,
 * lock-time or module checks. Inputs must exist (the UTXO set stays exact) and no transaction may
 * create value; the coinbase may pay at most reward + fees. A light node trusts transactions in
 * header-valid, certified blocks, so it must never vote or produce.
 */
import { encodeBlock } from '../../chain/block/block.ts';
import type { Block } from '../../chain/block/types.ts';
import { blockReward } from '../../chain/params.ts';
import { displayTxid } from '../../chain/state/key.ts';
import type { BlockDelta, UtxoView } from '../../chain/state/types.ts';
import { checkBlockBody } from '../../chain/validation/body.ts';
import type { BlockContext } from '../../chain/validation/connect.ts';
import { hasCoinbaseHeight } from '../../chain/validation/connect.ts';
import { BlockConnector } from '../../chain/validation/connector.ts';
import { BlockRejectCode, blockReject } from '../../chain/validation/errors.ts';
import type { BlockRejection } from '../../chain/validation/errors.ts';
import { checkBlockHeader } from '../../chain/validation/header.ts';
import type { Result } from '../../util/errors.ts';

/**
 * Light-validates `block` on top of `view` and returns its delta (what the store connects).
 * Example: `lightConnect(store, block, { spec, parent, ancestors, schedule, blockTimeAt })`.
 */
export function lightConnect(view: UtxoView, block: Block, ctx: BlockContext): Result<BlockDelta, BlockRejection> {
  const hdr = checkBlockHeader(block.header, ctx);
  if (!hdr.ok) return hdr;
  const body = checkBlockBody(block, ctx.spec, ctx.blockBytes);
  if (!body.ok) return body;
  const { txids } = body.value;
  const height = block.header.num;
  const coinbase = block.txs[0]!;
  if (!hasCoinbaseHeight(coinbase, height)) {
    return blockReject(BlockRejectCode.BAD_CB_HEIGHT, `the coinbase scriptSig must start with the height ${height} (BIP34)`, { reason: 'bad-cb-height', txIndex: 0 });
  }
  const connector = new BlockConnector(view, height, false);
  connector.apply(coinbase, txids[0]!, true);
  for (let i = 1; i < block.txs.length; i++) {
    const tx = block.txs[i]!;
    let valueIn = 0n;
    for (let vin = 0; vin < tx.ins.length; vin++) {
      const input = tx.ins[vin]!;
      const coin = connector.overlay.getCoin({ txid: input.hash, vout: input.index });
      if (coin === undefined) {
        return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i} (${displayTxid(txids[i]!)}) spends a missing or spent output (input ${vin})`, {
          reason: 'bad-txns-inputs-missingorspent',
          txIndex: i,
          txid: displayTxid(txids[i]!),
        });
      }
      valueIn += coin.value;
    }
    let valueOut = 0n;
    for (const o of tx.outs) valueOut += o.value;
    if (valueOut > valueIn) {
      return blockReject(BlockRejectCode.TX_INVALID, `transaction ${i} (${displayTxid(txids[i]!)}) pays out more than its inputs`, {
        reason: 'bad-txns-in-belowout',
        txIndex: i,
        txid: displayTxid(txids[i]!),
      });
    }
    connector.fees += valueIn - valueOut;
    connector.apply(tx, txids[i]!, false);
  }
  let paid = 0n;
  for (const o of coinbase.outs) paid += o.value;
  const reward = blockReward(ctx.spec, height);
  if (paid > reward + connector.fees) {
    return blockReject(BlockRejectCode.BAD_CB_AMOUNT, `the coinbase pays ${paid}; the limit is reward ${reward} + fees ${connector.fees}`, { reason: 'bad-cb-amount', txIndex: 0 });
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
