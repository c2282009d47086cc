/** Mempool methods: getrawmempool, getmempoolentry, getmempoolinfo (bitcoind's shapes). */
import type { MempoolEntryInfo } from '../../chain/mempool/entry.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { toHex } from '../../util/bytes.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import { coins } from './amount.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError } from './errors.ts';
import { internalTxid } from './lookup.ts';

const TXID_EXAMPLE = 'a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d';

/** bitcoind's mempool entry object. */
export function mempoolEntryJson(e: MempoolEntryInfo): Record<string, unknown> {
  return {
    vsize: e.size,
    size: e.size,
    fee: coins(e.fee),
    modifiedfee: coins(e.fee),
    time: Math.floor(e.time / 1000),
    height: e.height,
    descendantcount: e.descendantCount,
    descendantsize: e.descendantSize,
    descendantfees: Number(e.descendantFees),
    ancestorcount: e.ancestorCount,
    ancestorsize: e.ancestorSize,
    ancestorfees: Number(e.ancestorFees),
    fees: { base: coins(e.fee), modified: coins(e.fee), ancestor: coins(e.ancestorFees), descendant: coins(e.descendantFees) },
    depends: e.depends.map(displayTxid),
    spentby: e.spentBy.map(displayTxid),
  };
}

/** The mempool methods of a node. */
export function mempoolMethods(node: NodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'getrawmempool',
      summary: 'Returns the txids in the mempool (parents before children), or their entries with verbose=true.',
      category: 'Blockchain',
      params: [{ name: 'verbose', type: 'boolean', default: false, description: 'true = an object of entries keyed by txid' }],
      result: { description: 'Array of txids, or {txid: entry}' },
      example: { params: [], result: [TXID_EXAMPLE] },
      rest: { method: 'GET', path: '/v1/mempool' },
      handler: ({ verbose }) => {
        const ids = node.mempool.txids();
        if (!verbose) return ids.map(displayTxid);
        const out: Record<string, unknown> = {};
        for (const id of ids) {
          const e = node.mempool.entry(id);
          if (e !== undefined) out[displayTxid(id)] = mempoolEntryJson(e);
        }
        return out;
      },
    }),
    defineMethod({
      name: 'getmempoolentry',
      summary: 'Returns the mempool entry of a transaction: fee, size, time, ancestors and descendants.',
      category: 'Blockchain',
      params: [{ name: 'txid', type: 'hex', bytes: 32, invalid: 'RPC_INVALID_PARAMETER', description: 'The transaction id' }],
      result: { description: 'vsize, size, fee, time, height, ancestor/descendant counts, sizes and fees, depends, spentby' },
      example: { params: [TXID_EXAMPLE], result: { size: 226, fee: 0.00000226, ancestorcount: 1 } },
      errors: [{ code: 'rpc/NOT_IN_MEMPOOL', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'the transaction is not in the mempool' }],
      rest: { method: 'GET', path: '/v1/mempool/tx/:txid' },
      handler: ({ txid }) => {
        const e = node.mempool.entry(internalTxid(txid));
        if (e === undefined) throw nodeRpcError('rpc/NOT_IN_MEMPOOL', 'Transaction not in mempool', { txid: toHex(txid) });
        return mempoolEntryJson(e);
      },
    }),
    defineMethod({
      name: 'getmempoolinfo',
      summary: 'Returns mempool totals and fee floors.',
      category: 'Blockchain',
      params: [],
      result: { description: 'loaded, size, bytes, usage, total_fee, maxmempool, mempoolminfee, minrelaytxfee' },
      example: { params: [], result: { loaded: true, size: 3, bytes: 678 } },
      rest: { method: 'GET', path: '/v1/mempool/info' },
      handler: () => {
        const s = node.mempool.stats();
        const floor = s.evictionFloorPerKb > node.spec.minRelayFeePerKb ? s.evictionFloorPerKb : node.spec.minRelayFeePerKb;
        return {
          loaded: true,
          size: s.count,
          bytes: s.bytes,
          usage: s.bytes,
          total_fee: coins(s.fees),
          maxmempool: s.maxBytes,
          mempoolminfee: coins(floor),
          minrelaytxfee: coins(node.spec.minRelayFeePerKb),
        };
      },
    }),
  ];
}
