/**
 * Blockchain methods: getinfo (komodod), getblockchaininfo (with finality), getchaininfo (Antelope's
 * get_info names at `GET /v1/chain/info`), getblockcount, getbestblockhash, getblockhash, getblock
 * (with the block's COMMIT certificate once final), getblockheader, gettxout.
 */
import { encodeHeader } from '../../chain/block/header.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { toHex } from '../../util/bytes.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import { coins } from './amount.ts';
import { blockJson, headerJson } from './blockJson.ts';
import { certificateJson, commitCertificateFor, finalityJson } from './finality.ts';
import type { FinalityNodeContext } from './finalityView.ts';
import { blockHeightOf, findBlock, internalTxid } from './lookup.ts';
import { scriptPubKeyJson } from './script.ts';

const HASH_EXAMPLE = '5f2c0b6b1b3f6b3c7f1e1c1f0f8f7a5f6d1e2c3b4a5968778695a4b3c2d1e0f1';
const TXID_EXAMPLE = 'a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d';

/** Antelope's head_block_time form: ISO-8601 with milliseconds and no zone letter. */
export function antelopeTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1);
}

const BLOCKHASH_PARAM = { name: 'blockhash', type: 'string', description: 'The block hash (64 hex digits) or a block height', maxLength: 64 } as const;

/** The Blockchain methods of a node. */
export function chainMethods(node: FinalityNodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'getinfo',
      summary: 'Returns node and chain state in one object (komodod style).',
      category: 'Control',
      params: [],
      result: { description: 'version, blocks, longestchain, name, chainid, lastirreversible, proposedlib, connections, relayfee, balance (with a wallet), rpcport, finality {head, proposed_lib, lib, schedule, participation, ...}, ...' },
      example: { params: [], result: { version: '0.1.0', blocks: 1200, longestchain: 1200, name: 'cchost-dev', lastirreversible: 1200 } },
      rest: { method: 'GET', path: '/v1/node/info' },
      handler: () => {
        const tip = node.tip();
        const lib = node.lib();
        const f = node.finality?.status();
        const peerHead = Math.max(tip.height, ...(node.finality?.peers() ?? []).map((p) => p.head.num));
        return {
          version: node.version,
          protocolversion: 1,
          name: node.spec.name,
          chainid: node.chainId,
          blocks: tip.height,
          longestchain: peerHead,
          bestblockhash: toHex(tip.id),
          lastirreversible: lib.height,
          lastirreversiblehash: toHex(lib.id),
          proposedlib: f?.proposedLib.num ?? lib.height,
          connections: f?.peers ?? 0,
          ...(node.finality?.p2pUrl() !== undefined ? { p2p: node.finality.p2pUrl() } : {}),
          tiptime: Math.floor(tip.timeMs / 1000),
          relayfee: coins(node.spec.minRelayFeePerKb),
          ...(node.wallet !== undefined ? { balance: coins(node.wallet.getBalance()) } : {}),
          ...(node.rpcPort() !== undefined ? { rpcport: node.rpcPort() } : {}),
          finality: finalityJson(node),
          errors: f?.clock.skewed === true ? `this clock is off by ${f.clock.offsetMs} ms against the producers; not producing` : '',
        };
      },
    }),
    defineMethod({
      name: 'getblockchaininfo',
      summary: 'Returns the state of the chain: tip, last irreversible block and finality.',
      category: 'Blockchain',
      params: [],
      result: {
        description:
          'chain, chainid, blocks, headers, bestblockhash, time, slot, producer, lastirreversible, lastirreversiblehash, finality {head_final, lib_height, lib_hash, justify, finalref, mode, head, proposed_lib, lib, lib_certificate, schedule, participation[], clock, ...}, verificationprogress, initialblockdownload',
      },
      example: { params: [], result: { chain: 'cchost-dev', blocks: 1200, headers: 1200, lastirreversible: 1200, finality: { head_final: true } } },
      rest: { method: 'GET', path: '/v1/chain/blockchaininfo' },
      handler: () => {
        const tip = node.tip();
        const lib = node.lib();
        const h = tip.header;
        const syncing = node.finality?.status().syncing ?? false;
        const headers = Math.max(tip.height, ...(node.finality?.peers() ?? []).map((p) => p.head.num));
        return {
          chain: node.spec.name,
          chainid: node.chainId,
          blocks: tip.height,
          headers,
          bestblockhash: toHex(tip.id),
          time: Math.floor(tip.timeMs / 1000),
          time_ms: tip.timeMs,
          slot: tip.slot,
          producer: h.producer,
          lastirreversible: lib.height,
          lastirreversiblehash: toHex(lib.id),
          finality: {
            head_final: lib.height >= tip.height,
            lib_height: lib.height,
            lib_hash: toHex(lib.id),
            justify: { hash: toHex(h.justify.id), height: h.justify.num, slot: h.justify.slot },
            finalref: { hash: toHex(h.finalRef.id), height: h.finalRef.num, slot: h.finalRef.slot },
            ...finalityJson(node),
          },
          verificationprogress: headers > 0 ? Math.min(1, tip.height / headers) : 1,
          initialblockdownload: syncing,
          pruned: false,
        };
      },
    }),
    defineMethod({
      name: 'getchaininfo',
      summary: "Returns the head and last irreversible block with Antelope get_info's field names.",
      category: 'Blockchain',
      description:
        'proposed_lib_num is the highest block on the best branch with a PREPARE certificate this node holds (stage 1; on a node without the consensus engine, the finalRef the head block claims); last_irreversible_block_num is the highest block with a COMMIT certificate (stage 2, final).',
      params: [],
      result: {
        description:
          'server_version, chain_id, head_block_num, head_block_id, head_block_time, head_block_producer, last_irreversible_block_num, last_irreversible_block_id, proposed_lib_num',
      },
      example: {
        params: [],
        result: {
          chain_id: HASH_EXAMPLE,
          head_block_num: 1200,
          head_block_time: '2025-01-01T00:10:00.000',
          head_block_producer: 'producer',
          last_irreversible_block_num: 1200,
          proposed_lib_num: 1199,
        },
      },
      rest: { method: 'GET', path: '/v1/chain/info' },
      handler: () => {
        const tip = node.tip();
        const lib = node.lib();
        return {
          server_version: node.version,
          chain_id: node.chainId,
          head_block_num: tip.height,
          head_block_id: toHex(tip.id),
          head_block_time: antelopeTime(tip.timeMs),
          head_block_producer: tip.header.producer,
          last_irreversible_block_num: lib.height,
          last_irreversible_block_id: toHex(lib.id),
          proposed_lib_num: node.finality?.status().proposedLib.num ?? tip.header.finalRef.num,
        };
      },
    }),
    defineMethod({
      name: 'getblockcount',
      summary: 'Returns the height of the chain tip.',
      category: 'Blockchain',
      params: [],
      result: { description: 'The tip height', schema: { type: 'integer' } },
      example: { params: [], result: 1200 },
      rest: { method: 'GET', path: '/v1/chain/blockcount' },
      handler: () => node.tip().height,
    }),
    defineMethod({
      name: 'getbestblockhash',
      summary: 'Returns the hash of the chain tip.',
      category: 'Blockchain',
      params: [],
      result: { description: 'The tip block hash (hex)', schema: { type: 'string' } },
      example: { params: [], result: HASH_EXAMPLE },
      rest: { method: 'GET', path: '/v1/chain/bestblockhash' },
      handler: () => toHex(node.tip().id),
    }),
    defineMethod({
      name: 'getblockhash',
      summary: 'Returns the hash of the block at a height of the best chain.',
      category: 'Blockchain',
      params: [{ name: 'height', type: 'integer', min: 0, description: 'The height' }],
      result: { description: 'The block hash (hex)', schema: { type: 'string' } },
      example: { params: [1000], result: HASH_EXAMPLE },
      errors: [{ code: 'rpc/HEIGHT_OUT_OF_RANGE', rpc: 'RPC_INVALID_PARAMETER', description: 'the height is above the tip' }],
      rest: { method: 'GET', path: '/v1/chain/blockhash/:height' },
      handler: ({ height }) => toHex(blockHeightOf(node, String(height), 'height').id),
    }),
    defineMethod({
      name: 'getblock',
      summary: 'Returns a block: hex (verbosity 0), JSON with txids (1) or with decoded transactions (2).',
      category: 'Blockchain',
      params: [BLOCKHASH_PARAM, { name: 'verbosity', type: 'integer', min: 0, max: 2, default: 1, description: '0 = hex, 1 = JSON with txids, 2 = JSON with transactions' }],
      result: {
        description:
          'Hex string (verbosity 0) or the block object: hash, confirmations, size, height, merkleroot, tx, time, slot, producer, final, justify, finalref, commit_certificate (the COMMIT certificate proving a final block: on the block itself, its notarization, or on a descendant; null above the LIB), ...',
      },
      example: { params: [HASH_EXAMPLE, 1], result: { hash: HASH_EXAMPLE, height: 1000, confirmations: 1, final: true, tx: [TXID_EXAMPLE] } },
      errors: [
        { code: 'rpc/BLOCK_NOT_FOUND', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'no block with that hash' },
        { code: 'rpc/BAD_BLOCK_REF', rpc: 'RPC_INVALID_PARAMETER', description: 'neither a 64-hex hash nor a height' },
        { code: 'rpc/HEIGHT_OUT_OF_RANGE', rpc: 'RPC_INVALID_PARAMETER', description: 'a height above the tip' },
      ],
      rest: { method: 'GET', path: '/v1/chain/block/:blockhash' },
      handler: ({ blockhash, verbosity }) => {
        const b = findBlock(node, blockhash, 'blockhash');
        if (verbosity === 0) return toHex(b.bytes);
        const cert = commitCertificateFor(node, b.height);
        return {
          ...blockJson(node, b.block, b.id, b.bytes.length, verbosity === 1 ? 1 : 2),
          commit_certificate: cert === undefined ? null : { ...certificateJson(node, cert.qc), on_this_block: cert.own, found_in: cert.source },
        };
      },
    }),
    defineMethod({
      name: 'getblockheader',
      summary: 'Returns a block header as JSON, or as hex with verbose=false.',
      category: 'Blockchain',
      params: [BLOCKHASH_PARAM, { name: 'verbose', type: 'boolean', default: true, description: 'true = JSON, false = hex' }],
      result: { description: 'The header object (as getblock without tx), or hex' },
      example: { params: [HASH_EXAMPLE], result: { hash: HASH_EXAMPLE, height: 1000, slot: 2400, producer: 'producer', final: true } },
      errors: [
        { code: 'rpc/BLOCK_NOT_FOUND', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'no block with that hash' },
        { code: 'rpc/BAD_BLOCK_REF', rpc: 'RPC_INVALID_PARAMETER', description: 'neither a 64-hex hash nor a height' },
      ],
      rest: { method: 'GET', path: '/v1/chain/header/:blockhash' },
      handler: ({ blockhash, verbose }) => {
        const b = findBlock(node, blockhash, 'blockhash');
        return verbose ? headerJson(node, b.block.header, b.id) : toHex(encodeHeader(b.block.header));
      },
    }),
    defineMethod({
      name: 'gettxout',
      summary: 'Returns an unspent output, or null when it is spent or does not exist.',
      category: 'Blockchain',
      params: [
        { name: 'txid', type: 'hex', bytes: 32, invalid: 'RPC_INVALID_PARAMETER', description: 'The transaction id' },
        { name: 'n', type: 'integer', min: 0, description: 'The output index' },
        { name: 'include_mempool', type: 'boolean', default: true, description: 'Also see mempool outputs and spends' },
      ],
      result: { description: 'null, or {bestblock, confirmations, value, valueSat, scriptPubKey, coinbase}' },
      example: { params: [TXID_EXAMPLE, 0], result: { bestblock: HASH_EXAMPLE, confirmations: 3, value: 12.5, coinbase: false } },
      rest: { method: 'GET', path: '/v1/chain/txout/:txid/:n' },
      handler: ({ txid, n, include_mempool }) => {
        const outpoint = { txid: internalTxid(txid), vout: n };
        const view = include_mempool ? node.mempool.view(node.store) : node.store;
        const coin = view.getCoin(outpoint);
        if (coin === undefined) return null;
        const tip = node.tip();
        const inPool = coin.height > tip.height;
        return {
          bestblock: toHex(tip.id),
          confirmations: inPool ? 0 : tip.height - coin.height + 1,
          value: coins(coin.value),
          valueSat: Number(coin.value),
          scriptPubKey: scriptPubKeyJson(coin.script, node.spec.prefixes),
          coinbase: coin.coinbase,
          txid: displayTxid(outpoint.txid),
          n,
        };
      },
    }),
  ];
}
