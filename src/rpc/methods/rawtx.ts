/**
 * Raw transaction methods: getrawtransaction, decoderawtransaction, decodescript, sendrawtransaction,
 * testmempoolaccept. Rejections keep bitcoind's numbers: -22 bytes that do not decode, -25 missing or
 * spent inputs, -26 consensus or policy (`16: TX_... (reason)`, the typed code in `error.data`), -27
 * already confirmed.
 */
import { legacyTxBytes } from '../../chain/block/block.ts';
import { legacyTxSize } from '../../chain/checkTransaction.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { txidOf } from '../../chain/state/txid.ts';
import { TxRejectCode } from '../../chain/validation/errors.ts';
import { encodeAddress } from '../../crypto/address.ts';
import { hash160 } from '../../crypto/hash.ts';
import { toHex } from '../../util/bytes.ts';
import { CchostError } from '../../util/errors.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import { coins } from './amount.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError } from './errors.ts';
import { decodeRawTx, internalTxid } from './lookup.ts';
import { ccOutputJson, scriptDestinations, scriptToAsm, scriptTypeName } from './script.ts';
import { txJson } from './txJson.ts';
import { fromHex } from '../../util/bytes.ts';

const TXID_EXAMPLE = 'a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d';
const TX_HEX_EXAMPLE =
  '0100000001a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d000000006a47304402200000000000000000000000000000000000000000000000000000000000000001022000000000000000000000000000000000000000000000000000000000000000010121020000000000000000000000000000000000000000000000000000000000000001ffffffff0100e1f505000000001976a914000000000000000000000000000000000000000088ac00000000';

const RAW_TX_PARAM = { name: 'hexstring', type: 'hex', description: 'The serialized transaction (hex)' } as const;

/** The Rawtransactions methods of a node. */
export function rawTxMethods(node: NodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'getrawtransaction',
      summary: 'Returns a transaction of the mempool or the chain: hex, or JSON with verbose=1.',
      category: 'Rawtransactions',
      params: [
        { name: 'txid', type: 'hex', bytes: 32, invalid: 'RPC_INVALID_PARAMETER', description: 'The transaction id' },
        { name: 'verbose', type: 'integer', min: 0, max: 1, default: 0, acceptBoolean: true, description: '0 or false = hex, 1 or true = JSON' },
      ],
      result: { description: 'Hex (verbose 0), or the decoded transaction with hex, blockhash, height, confirmations, time, blocktime' },
      example: { params: [TXID_EXAMPLE, 1], result: { txid: TXID_EXAMPLE, confirmations: 2, height: 1201 } },
      errors: [{ code: 'rpc/TX_NOT_FOUND', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'no such transaction in the mempool or the chain' }],
      rest: { method: 'GET', path: '/v1/chain/tx/:txid' },
      handler: ({ txid, verbose }) => {
        const id = internalTxid(txid);
        const pooled = node.mempool.get(id);
        if (pooled !== undefined) {
          const bytes = legacyTxBytes(pooled);
          return verbose === 0 ? toHex(bytes) : txJson(pooled, node.spec.prefixes, { hex: bytes });
        }
        const stored = node.store.getTx(id);
        if (stored === undefined) {
          throw nodeRpcError('rpc/TX_NOT_FOUND', 'No such mempool or blockchain transaction', { txid: toHex(txid) });
        }
        if (verbose === 0) return toHex(stored.bytes);
        const tx = decodeRawTx(stored.bytes);
        const tip = node.tip();
        const t = Math.floor(node.blockTimeAt(stored.height) / 1000);
        return {
          ...txJson(tx, node.spec.prefixes, { hex: stored.bytes }),
          blockhash: toHex(stored.blockId),
          height: stored.height,
          confirmations: tip.height - stored.height + 1,
          final: stored.height <= node.lib().height,
          time: t,
          blocktime: t,
        };
      },
    }),
    defineMethod({
      name: 'decoderawtransaction',
      summary: 'Decodes a serialized transaction into JSON.',
      category: 'Rawtransactions',
      params: [RAW_TX_PARAM],
      result: { description: 'txid, hash, version, size, locktime, vin[], vout[] (value, valueSat, n, scriptPubKey)' },
      example: { params: [TX_HEX_EXAMPLE], result: { txid: TXID_EXAMPLE, version: 1, locktime: 0 } },
      errors: [{ code: 'rpc/TX_DECODE_FAILED', rpc: 'RPC_DESERIALIZATION_ERROR', description: 'the bytes are not a transaction' }],
      handler: ({ hexstring }) => txJson(decodeRawTx(hexstring), node.spec.prefixes),
    }),
    defineMethod({
      name: 'decodescript',
      summary: 'Decodes a script: asm, type, addresses, its P2SH address, and the CC condition of a CC output.',
      category: 'Rawtransactions',
      params: [{ name: 'hexstring', type: 'hex', description: 'The script (hex); may be empty' }],
      result: { description: 'asm, type, reqSigs, addresses, p2sh, cc (for CC outputs: condition, eval code, module data)' },
      example: { params: ['76a914000000000000000000000000000000000000000088ac'], result: { type: 'pubkeyhash', reqSigs: 1 } },
      handler: ({ hexstring }) => {
        const type = scriptTypeName(hexstring);
        const out: Record<string, unknown> = { asm: scriptToAsm(hexstring), hex: toHex(hexstring), type };
        const dest = scriptDestinations(hexstring, node.spec.prefixes);
        if (dest !== undefined) {
          out['reqSigs'] = dest.reqSigs;
          out['addresses'] = dest.addresses;
        }
        if (type !== 'scripthash') out['p2sh'] = encodeAddress('scripthash', hash160(hexstring), node.spec.prefixes);
        const cc = type === 'cryptocondition' ? ccOutputJson(hexstring) : undefined;
        if (cc !== undefined) out['cc'] = cc;
        return out;
      },
    }),
    defineMethod({
      name: 'sendrawtransaction',
      summary: 'Validates a signed transaction against the tip and the mempool, adds it to the mempool and returns its txid.',
      category: 'Rawtransactions',
      description:
        'A transaction already in the mempool returns its txid again. Consensus or policy rejections answer -26 with `16: <CODE> (<reason>)` and the code in error.data.code.',
      params: [RAW_TX_PARAM],
      result: { description: 'The txid (hex)', schema: { type: 'string' } },
      example: { params: [TX_HEX_EXAMPLE], result: TXID_EXAMPLE },
      errors: [
        { code: 'rpc/TX_DECODE_FAILED', rpc: 'RPC_DESERIALIZATION_ERROR', description: 'the bytes are not a transaction' },
        { code: 'TX_MISSING_INPUTS', rpc: 'RPC_VERIFY_ERROR', description: 'an input is unknown or already spent' },
        { code: 'rpc/TX_ALREADY_IN_CHAIN', rpc: 'RPC_VERIFY_ALREADY_IN_CHAIN', description: 'the transaction is already confirmed' },
        { code: 'TX_MIN_RELAY_FEE', rpc: 'RPC_VERIFY_REJECTED', description: 'the fee is below the minimum relay fee (any other TX_* code is -26 too)' },
      ],
      rest: { method: 'POST', path: '/v1/chain/tx' },
      handler: async ({ hexstring }) => {
        const tx = decodeRawTx(hexstring);
        const txid = txidOf(tx);
        if (node.mempool.has(txid)) return displayTxid(txid);
        const r = await node.submitTransaction(tx, { bytes: hexstring });
        if (r.ok) return displayTxid(txid);
        // The same transaction twice in one batch: the second was queued before the first was added.
        if (r.error.code === TxRejectCode.ALREADY_IN_MEMPOOL) return displayTxid(txid);
        // A confirmed transaction fails acceptance (its inputs are spent); only then ask the store why.
        if (node.store.getTx(txid) !== undefined) {
          throw nodeRpcError('rpc/TX_ALREADY_IN_CHAIN', 'transaction already in block chain', { txid: displayTxid(txid) });
        }
        throw CchostError.from(r.error);
      },
    }),
    defineMethod({
      name: 'testmempoolaccept',
      summary: 'Checks whether transactions would be accepted into the mempool, without adding them.',
      category: 'Rawtransactions',
      params: [{ name: 'rawtxs', type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 25, description: 'Serialized transactions (hex)' }],
      result: { description: '[{txid, allowed, vsize, fees: {base}} or {txid, allowed: false, reject-reason, reject-code, reject-message}] in order' },
      example: { params: [[TX_HEX_EXAMPLE]], result: [{ txid: TXID_EXAMPLE, allowed: true, vsize: 191, fees: { base: 0.00001 } }] },
      errors: [{ code: 'rpc/TX_DECODE_FAILED', rpc: 'RPC_DESERIALIZATION_ERROR', description: 'an element is not a transaction' }],
      handler: ({ rawtxs }) => {
        const txs = rawtxs.map((h, i) => {
          if (typeof h !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(h)) {
            throw nodeRpcError('rpc/TX_DECODE_FAILED', `Invalid parameter 'rawtxs[${i}]': expected a hex string`, { param: `rawtxs[${i}]` });
          }
          return decodeRawTx(fromHex(h));
        });
        return txs.map((tx) => {
          const txid = displayTxid(txidOf(tx));
          if (node.store.getTx(txidOf(tx)) !== undefined) {
            return { txid, allowed: false, 'reject-reason': 'txn-already-known', 'reject-code': 'TX_ALREADY_KNOWN', 'reject-message': 'transaction already in block chain' };
          }
          const r = node.testTransaction(tx);
          if (r.ok) return { txid, allowed: true, vsize: r.value.size, fees: { base: coins(r.value.fee) } };
          return { txid, allowed: false, 'reject-reason': r.error.reason ?? r.error.code, 'reject-code': r.error.code, 'reject-message': r.error.message, vsize: legacyTxSize(tx) };
        });
      },
    }),
  ];
}
