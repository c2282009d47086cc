/**
 * Wallet methods: getnewaddress, getbalance, listunspent, sendtoaddress (bitcoind's shapes; amounts are
 * decimal coins at this edge, bigint satoshis inside). sendtoaddress builds and signs with the wallet,
 * then submits like sendrawtransaction: nothing is broadcast or stored if either step fails, except
 * that a change key handed out is kept (as bitcoind keeps its keypool position).
 */
import { displayTxid } from '../../chain/state/key.ts';
import { txidOf } from '../../chain/state/txid.ts';
import { toHex } from '../../util/bytes.ts';
import { CchostError } from '../../util/errors.ts';
import type { Wallet } from '../../wallet/wallet.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import { rpcError } from '../errors.ts';
import { coins } from './amount.ts';
import type { NodeContext } from './context.ts';
import { nodeRpcError } from './errors.ts';

const ADDR_EXAMPLE = 'RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhA';
const TXID_EXAMPLE = 'a3c1d5e7f90b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d';
const NO_WALLET = { code: 'rpc/NO_WALLET', rpc: 'RPC_METHOD_NOT_FOUND', description: 'the node runs without a wallet' } as const;

function walletOf(node: NodeContext): Wallet {
  if (node.wallet === undefined) throw nodeRpcError('rpc/NO_WALLET', 'Method not found (wallet disabled)');
  return node.wallet;
}

/** The wallet methods of a node. */
export function walletMethods(node: NodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'getnewaddress',
      summary: 'Returns a new address of the wallet (the next derived key, stored before it is returned).',
      category: 'Wallet',
      params: [{ name: 'label', type: 'string', default: '', maxLength: 100, description: 'A label for the address' }],
      result: { description: 'The address', schema: { type: 'string' } },
      example: { params: [], result: ADDR_EXAMPLE },
      errors: [NO_WALLET],
      handler: ({ label }) => walletOf(node).getNewAddress(label),
    }),
    defineMethod({
      name: 'getbalance',
      summary: 'Returns the spendable balance of the wallet in coins.',
      category: 'Wallet',
      params: [
        { name: 'dummy', type: 'string', required: false, description: 'Must be "*" if given (bitcoind compatibility)' },
        { name: 'minconf', type: 'integer', min: 0, default: 0, description: 'Only coins with at least this many confirmations' },
      ],
      result: { description: 'The balance in coins (a number, e.g. 12.5)', schema: { type: 'number' } },
      example: { params: [], result: 9999999.99996 },
      errors: [NO_WALLET],
      handler: ({ dummy, minconf }) => {
        if (dummy !== undefined && dummy !== '*') {
          throw rpcError('RPC_METHOD_DEPRECATED', 'rpc/BAD_VALUE', `Invalid parameter 'dummy': expected '*' (accounts are not supported), got '${dummy.slice(0, 40)}'`, { param: 'dummy' });
        }
        return coins(walletOf(node).getBalance(minconf));
      },
    }),
    defineMethod({
      name: 'listunspent',
      summary: 'Returns the spendable coins of the wallet with minconf..maxconf confirmations.',
      category: 'Wallet',
      params: [
        { name: 'minconf', type: 'integer', min: 0, default: 1, description: 'Fewest confirmations' },
        { name: 'maxconf', type: 'integer', min: 0, default: 9999999, description: 'Most confirmations' },
        { name: 'addresses', type: 'array', items: { type: 'string' }, default: [], description: 'Only coins of these addresses' },
      ],
      result: { description: '[{txid, vout, address, label, scriptPubKey, amount, satoshis, confirmations, spendable, solvable, generated}]' },
      example: { params: [0], result: [{ txid: TXID_EXAMPLE, vout: 0, address: ADDR_EXAMPLE, amount: 1000000, confirmations: 12, spendable: true }] },
      errors: [NO_WALLET, { code: 'WALLET_BAD_ADDRESS', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'an address is not valid on this chain' }],
      handler: ({ minconf, maxconf, addresses }) => {
        const wallet = walletOf(node);
        addresses.forEach((a, i) => {
          if (typeof a !== 'string') throw rpcError('RPC_TYPE_ERROR', 'rpc/WRONG_TYPE', `Invalid parameter 'addresses[${i}]': expected an address string`, { param: `addresses[${i}]` });
        });
        const r = wallet.listUnspent({ minConf: minconf, maxConf: maxconf, ...(addresses.length > 0 ? { addresses: addresses as string[] } : {}) });
        if (!r.ok) throw CchostError.from(r.error);
        return r.value.map((c) => ({
          txid: displayTxid(c.outpoint.txid),
          vout: c.outpoint.vout,
          address: c.owner.address,
          label: c.owner.label,
          scriptPubKey: toHex(c.coin.script),
          amount: coins(c.coin.value),
          satoshis: Number(c.coin.value),
          confirmations: c.confirmations,
          spendable: true,
          solvable: true,
          generated: c.coin.coinbase,
        }));
      },
    }),
    defineMethod({
      name: 'sendtoaddress',
      summary: 'Pays an amount of coins to an address from the wallet and submits the transaction; returns its txid.',
      category: 'Wallet',
      description:
        'The wallet picks coins, pays the minimum relay fee for the size and sends change to a new wallet key. comment and comment_to are accepted for bitcoind compatibility and not stored.',
      params: [
        { name: 'address', type: 'address', description: 'The recipient (P2PKH or P2SH address of this chain)' },
        { name: 'amount', type: 'amount', min: 1n, description: 'Coins to send, e.g. 12.5' },
        { name: 'comment', type: 'string', required: false, description: 'Not stored (compatibility)' },
        { name: 'comment_to', type: 'string', required: false, description: 'Not stored (compatibility)' },
        { name: 'subtractfeefromamount', type: 'boolean', default: false, description: 'The recipient pays the fee out of the amount' },
      ],
      result: { description: 'The txid', schema: { type: 'string' } },
      example: { params: [ADDR_EXAMPLE, 12.5], result: TXID_EXAMPLE },
      errors: [
        NO_WALLET,
        { code: 'WALLET_INSUFFICIENT_FUNDS', rpc: 'RPC_WALLET_INSUFFICIENT_FUNDS', description: 'spendable coins do not cover amount + fee' },
        { code: 'WALLET_BAD_ADDRESS', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'the address is not valid on this chain' },
        { code: 'WALLET_AMOUNT_DUST', rpc: 'RPC_WALLET_ERROR', description: 'the amount is below the dust threshold' },
      ],
      handler: async ({ address, amount, subtractfeefromamount }) => {
        const wallet = walletOf(node);
        const built = wallet.sendToAddress(address, amount, { subtractFeeFromAmount: subtractfeefromamount });
        if (!built.ok) throw CchostError.from(built.error);
        const tx = built.value.tx;
        const r = await node.submitTransaction(tx, { inline: true }); // the next sendtoaddress must see these coins spent
        if (!r.ok) throw CchostError.from(r.error);
        return displayTxid(txidOf(tx));
      },
    }),
  ];
}
