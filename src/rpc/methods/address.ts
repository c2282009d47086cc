/**
 * Address index methods in komodod's shapes (getaddressutxos, getaddressbalance, getaddresstxids,
 * getaddressdeltas, getspentinfo) and validateaddress. The query object takes `addresses` (an array,
 * or one address string) and `cc: true` to ask about the CC address of that string instead of its
 * P2PKH address (a CC address string has the P2PKH form; the index keeps the two apart).
 */
import { displayTxid } from '../../chain/state/key.ts';
import { decodeAddress } from '../../crypto/address.ts';
import { p2pkhScript, p2shScript } from '../../script/builder.ts';
import { toHex } from '../../util/bytes.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod, MethodError } from '../method.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError } from './errors.ts';
import { onlyFields, optionalBool, optionalHeight, queryAddresses, requiredIndex } from './fields.ts';
import { internalTxid } from './lookup.ts';

const ADDR_EXAMPLE = 'RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhA';
const TXID_EXAMPLE = 'a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d';
const QUERY_DOC = '{"addresses": ["R..."], "cc": false}: addresses (array, or one string); cc = query CC addresses';
/** The error of every method that takes addresses. */
const BAD_ADDRESS: MethodError = { code: 'rpc/BAD_ADDRESS', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'an address is not valid on this chain' };

/** The optional `start`/`end` heights (inclusive) of an address query. */
function heightRange(query: Readonly<Record<string, unknown>>): { start?: number; end?: number } {
  const start = optionalHeight(query, 'start', 'query');
  const end = optionalHeight(query, 'end', 'query');
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

/** The address methods of a node. */
export function addressMethods(node: NodeContext): AnyMethod[] {
  const prefixes = node.spec.prefixes;
  return [
    defineMethod({
      name: 'validateaddress',
      summary: 'Tells whether an address is valid on this chain, its script, and whether the wallet holds its key.',
      category: 'Util',
      params: [{ name: 'address', type: 'string', description: 'The address' }],
      result: { description: '{isvalid, address, scriptPubKey, isscript, ismine, iswatchonly, pubkey?, iscompressed?, label?}, or {isvalid: false, error}' },
      example: { params: [ADDR_EXAMPLE], result: { isvalid: true, address: ADDR_EXAMPLE, isscript: false, ismine: false } },
      rest: { method: 'GET', path: '/v1/util/validateaddress/:address' },
      handler: ({ address }) => {
        const d = decodeAddress(address, prefixes);
        if (!d.ok) return { isvalid: false, error: d.error.message };
        const isscript = d.value.kind === 'scripthash';
        const script = isscript ? p2shScript(d.value.hash) : p2pkhScript(d.value.hash);
        const key = isscript ? undefined : node.wallet?.keystore.keyByHash(d.value.hash);
        return {
          isvalid: true,
          address,
          scriptPubKey: toHex(script),
          isscript,
          ismine: key !== undefined,
          iswatchonly: false,
          ...(key !== undefined ? { pubkey: toHex(key.publicKey), iscompressed: key.compressed, label: key.label } : {}),
        };
      },
    }),
    defineMethod({
      name: 'getaddressutxos',
      summary: 'Returns the unspent outputs of addresses, from the address index.',
      category: 'Addressindex',
      params: [{ name: 'query', type: 'object', description: `${QUERY_DOC}; chainInfo = also return the tip` }],
      result: { description: '[{address, txid, outputIndex, script, satoshis, height}], or {utxos, hash, height} with chainInfo' },
      example: { params: [{ addresses: [ADDR_EXAMPLE] }], result: [{ address: ADDR_EXAMPLE, txid: TXID_EXAMPLE, outputIndex: 0, satoshis: 100000000, height: 0 }] },
      errors: [BAD_ADDRESS],
      handler: ({ query }) => {
        onlyFields(query, ['addresses', 'cc', 'chainInfo'], 'query');
        const list = queryAddresses(query, 'query', prefixes);
        const chainInfo = optionalBool(query, 'chainInfo', 'query', false);
        const rows = list.flatMap(({ address, key }) =>
          node.store.getAddressUtxos(key).map((u) => ({
            address,
            txid: displayTxid(u.outpoint.txid),
            outputIndex: u.outpoint.vout,
            script: toHex(u.coin.script),
            satoshis: Number(u.coin.value),
            height: u.coin.height,
          })),
        );
        rows.sort((a, b) => a.height - b.height);
        if (!chainInfo) return rows;
        const tip = node.tip();
        return { utxos: rows, hash: toHex(tip.id), height: tip.height };
      },
    }),
    defineMethod({
      name: 'getaddressbalance',
      summary: 'Returns the balance of addresses and the total they ever received, in satoshis.',
      category: 'Addressindex',
      params: [{ name: 'query', type: 'object', description: QUERY_DOC }],
      result: { description: '{balance, received} (satoshis)' },
      example: { params: [{ addresses: [ADDR_EXAMPLE] }], result: { balance: 100000000, received: 250000000 } },
      errors: [BAD_ADDRESS],
      handler: ({ query }) => {
        onlyFields(query, ['addresses', 'cc'], 'query');
        let balance = 0n;
        let received = 0n;
        for (const { key } of queryAddresses(query, 'query', prefixes)) {
          const b = node.store.getAddressBalance(key);
          balance += b.balance;
          received += b.received;
        }
        return { balance: Number(balance), received: Number(received) };
      },
    }),
    defineMethod({
      name: 'getaddresstxids',
      summary: 'Returns the txids that paid to or spent from addresses, in chain order.',
      category: 'Addressindex',
      params: [{ name: 'query', type: 'object', description: `${QUERY_DOC}; start, end = height range (inclusive)` }],
      result: { description: 'Array of txids', schema: { type: 'array', items: { type: 'string' } } },
      example: { params: [{ addresses: [ADDR_EXAMPLE], start: 0, end: 100 }], result: [TXID_EXAMPLE] },
      errors: [BAD_ADDRESS],
      handler: ({ query }) => {
        onlyFields(query, ['addresses', 'cc', 'start', 'end'], 'query');
        const range = heightRange(query);
        const list = queryAddresses(query, 'query', prefixes);
        if (list.length === 1) return node.store.getAddressTxids(list[0]!.key, range).map(displayTxid);
        // Several addresses: merge by (height, position in block), once each.
        const seen = new Map<string, { height: number; pos: number }>();
        for (const { key } of list) {
          for (const d of node.store.getAddressDeltas(key, range)) {
            const id = displayTxid(d.txid);
            if (!seen.has(id)) seen.set(id, { height: d.height, pos: d.pos });
          }
        }
        return [...seen.entries()].sort((a, b) => a[1].height - b[1].height || a[1].pos - b[1].pos).map(([id]) => id);
      },
    }),
    defineMethod({
      name: 'getaddressdeltas',
      summary: 'Returns every receive and spend of addresses, in chain order.',
      category: 'Addressindex',
      params: [{ name: 'query', type: 'object', description: `${QUERY_DOC}; start, end = height range (inclusive)` }],
      result: { description: '[{satoshis (negative for spends), txid, index, blockindex, height, address}]' },
      example: { params: [{ addresses: [ADDR_EXAMPLE] }], result: [{ satoshis: 100000000, txid: TXID_EXAMPLE, index: 0, blockindex: 0, height: 0, address: ADDR_EXAMPLE }] },
      errors: [BAD_ADDRESS],
      handler: ({ query }) => {
        onlyFields(query, ['addresses', 'cc', 'start', 'end'], 'query');
        const range = heightRange(query);
        const rows = queryAddresses(query, 'query', prefixes).flatMap(({ address, key }) =>
          node.store.getAddressDeltas(key, range).map((d) => ({
            satoshis: Number(d.satoshis),
            txid: displayTxid(d.txid),
            index: d.index,
            blockindex: d.pos,
            height: d.height,
            address,
            spending: d.spending,
          })),
        );
        // komodod's order (the store's for one address): height, position in block, index, receive before spend.
        rows.sort((a, b) => a.height - b.height || a.blockindex - b.blockindex || a.index - b.index || Number(a.spending) - Number(b.spending));
        return rows.map(({ spending: _s, ...r }) => r);
      },
    }),
    defineMethod({
      name: 'getspentinfo',
      summary: 'Returns the transaction and input that spent an output.',
      category: 'Addressindex',
      params: [{ name: 'query', type: 'object', description: '{"txid": "<hex>", "index": n}' }],
      result: { description: '{txid, index, height}' },
      example: { params: [{ txid: TXID_EXAMPLE, index: 0 }], result: { txid: TXID_EXAMPLE, index: 1, height: 1201 } },
      errors: [{ code: 'rpc/NO_SPENT_INFO', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'the output is unspent or unknown' }],
      handler: ({ query }) => {
        onlyFields(query, ['txid', 'index'], 'query');
        const t = query['txid'];
        if (typeof t !== 'string' || !/^[0-9a-fA-F]{64}$/.test(t)) {
          throw nodeRpcError('rpc/BAD_FIELD', `Invalid parameter 'query.txid': expected a txid (64 hex digits), got ${t === undefined ? 'nothing' : JSON.stringify(t).slice(0, 80)}`, {
            param: 'query.txid',
          });
        }
        const index = requiredIndex(query, 'index', 'query');
        const txid = internalTxid(Uint8Array.from(Buffer.from(t, 'hex')));
        const s = node.store.getSpentInfo({ txid, vout: index });
        if (s === undefined) throw nodeRpcError('rpc/NO_SPENT_INFO', 'Unable to get spent info', { txid: t.toLowerCase(), index });
        return { txid: displayTxid(s.txid), index: s.vin, height: s.height };
      },
    }),
  ];
}
