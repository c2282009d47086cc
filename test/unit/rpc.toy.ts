/**
 * A toy method table for the RPC framework tests (no chain): each method exercises one feature of
 * the declaration (typed params, hex, amounts, named-only params, typed and untyped failures, REST,
 * module mounting).
 */
import { toHex } from '../../src/util/bytes.ts';
import { CchostError } from '../../src/util/errors.ts';
import { rpcError } from '../../src/rpc/errors.ts';
import { defineMethod } from '../../src/rpc/method.ts';
import { createMethodTable } from '../../src/rpc/table.ts';
import type { MethodTable, MethodTableOptions } from '../../src/rpc/table.ts';

export const echo = defineMethod({
  name: 'echo',
  summary: 'Returns its message.',
  category: 'Toy',
  params: [{ name: 'message', type: 'string', description: 'Text to return' }],
  result: { description: 'The message', schema: { type: 'string' } },
  example: { params: ['hello'], result: 'hello' },
  handler: ({ message }) => message,
});

export const add = defineMethod({
  name: 'add',
  summary: 'Adds two integers.',
  category: 'Toy',
  params: [
    { name: 'a', type: 'integer', description: 'First addend' },
    { name: 'b', type: 'integer', default: 0, min: -1000, max: 1000, description: 'Second addend' },
  ],
  result: { description: 'a + b', schema: { type: 'integer' } },
  example: { params: [2, 3], result: 5 },
  rest: { method: 'GET', path: '/v1/toy/add' },
  handler: ({ a, b }) => a + b,
});

export const getinfo = defineMethod({
  name: 'getinfo',
  summary: 'Returns toy node info at a verbosity.',
  category: 'Toy',
  params: [
    { name: 'verbosity', type: 'integer', min: 0, max: 2, default: 1, description: '0, 1 or 2' },
    { name: 'mode', type: 'string', enum: ['fast', 'full'], required: false, description: 'fast or full' },
  ],
  result: { description: 'An object with head_block_num and the verbosity' },
  rest: { method: 'GET', path: '/v1/chain/info' },
  handler: ({ verbosity, mode }) => ({ head_block_num: 7, verbosity, mode: mode ?? null, supply_sat: 2n ** 60n }),
});

export const gethex = defineMethod({
  name: 'gethex',
  summary: 'Decodes hex and reports its length.',
  category: 'Toy',
  params: [{ name: 'data', type: 'hex', minBytes: 1, maxBytes: 64, description: 'Bytes in hex' }],
  result: { description: '{ length, hex }' },
  rest: { method: 'POST', path: '/v1/toy/hex' },
  handler: ({ data }) => ({ length: data.length, hex: toHex(data), bytes: data }),
});

export const gethash = defineMethod({
  name: 'gethash',
  summary: 'Takes a 32-byte hash from the path.',
  category: 'Toy',
  params: [{ name: 'hash', type: 'hex', bytes: 32, description: 'A block hash' }],
  result: { description: 'The hash back' },
  rest: { method: 'GET', path: '/v1/toy/hash/:hash' },
  handler: ({ hash }) => toHex(hash),
});

export const sendamount = defineMethod({
  name: 'sendamount',
  summary: 'Parses an address and a coin amount.',
  category: 'Toy',
  params: [
    { name: 'address', type: 'address', description: 'Destination' },
    { name: 'amount', type: 'amount', description: 'Coins' },
  ],
  result: { description: '{ address, amount_sat }' },
  handler: ({ address, amount }) => ({ address, amount_sat: amount }),
});

export const missinginputs = defineMethod({
  name: 'missinginputs',
  summary: 'Always fails with TX_MISSING_INPUTS.',
  category: 'Toy',
  params: [],
  result: { description: 'never returns' },
  handler: () => {
    throw new CchostError('TX_MISSING_INPUTS', 'inputs missing or already spent', { input: 0 });
  },
});

export const rejecttx = defineMethod({
  name: 'rejecttx',
  summary: 'Always fails with a consensus rejection.',
  category: 'Toy',
  params: [],
  result: { description: 'never returns' },
  handler: () => {
    throw new CchostError('TX_CC_BAD_FULFILLMENT', 'fulfillment does not match the condition', { input: 2, evalCode: 0xec });
  },
});

export const boom = defineMethod({
  name: 'boom',
  summary: 'Always throws a plain Error (a bug).',
  category: 'Toy',
  params: [],
  result: { description: 'never returns' },
  handler: () => {
    throw new Error('database handle is closed\n    at secret/path.ts:12');
  },
});

export const toyscreate = defineMethod({
  name: 'toyscreate',
  summary: 'Creates a toy (a module method with named-only options).',
  module: 'toys',
  params: [
    { name: 'name', type: 'string', minLength: 1, maxLength: 32, description: 'Toy name' },
    { name: 'amount_sat', type: 'sats', description: 'Funding in satoshis' },
    { name: 'from', type: 'address', allowPubkey: true, namedOnly: true, required: false, description: 'Wallet key acting' },
    { name: 'broadcast', type: 'boolean', namedOnly: true, default: false, description: 'Also submit' },
  ],
  result: { description: '{ name, amount_sat, from, broadcast }' },
  example: { params: ['ball', '10000', { broadcast: true }], result: { name: 'ball', amount_sat: '10000', from: null, broadcast: true } },
  errors: [{ code: 'toys/NOT_FOUND', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'no toy by that name' }],
  handler: ({ name, amount_sat, from, broadcast }) => {
    if (name === 'ghost') throw new CchostError('toys/NOT_FOUND', `no toy named ${name}`, { hint: 'run toyslist first', name });
    if (name === 'poor') throw rpcError('RPC_WALLET_INSUFFICIENT_FUNDS', 'toys/POOR', 'not enough funds');
    return { name, amount_sat, from: from ?? null, broadcast };
  },
});

/** The toy table (with the built-in `help`). */
export function toyTable(opts: MethodTableOptions = {}): MethodTable {
  return createMethodTable([echo, add, getinfo, gethex, gethash, sendamount, missinginputs, rejecttx, boom, toyscreate], opts);
}
