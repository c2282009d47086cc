import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CchostError } from '../../src/util/errors.ts';
import { legacyStatus, restStatus, rpcError, RPC_CODES, RPC_ERRORS, toRpcFailure } from '../../src/rpc/errors.ts';
import { toJsonValue } from '../../src/rpc/json.ts';

test('default: the registry carries bitcoind numbers', () => {
  const expected: Record<string, number> = {
    RPC_MISC_ERROR: -1,
    RPC_TYPE_ERROR: -3,
    RPC_INVALID_ADDRESS_OR_KEY: -5,
    RPC_WALLET_INSUFFICIENT_FUNDS: -6,
    RPC_INVALID_PARAMETER: -8,
    RPC_DESERIALIZATION_ERROR: -22,
    RPC_VERIFY_ERROR: -25,
    RPC_VERIFY_REJECTED: -26,
    RPC_VERIFY_ALREADY_IN_CHAIN: -27,
    RPC_IN_WARMUP: -28,
    RPC_INVALID_REQUEST: -32600,
    RPC_METHOD_NOT_FOUND: -32601,
    RPC_INVALID_PARAMS: -32602,
    RPC_PARSE_ERROR: -32700,
  };
  for (const [name, code] of Object.entries(expected)) assert.equal(RPC_ERRORS[name as keyof typeof RPC_ERRORS].code, code, name);
  for (const [code, name] of Object.entries(RPC_CODES)) assert.ok(name in RPC_ERRORS, code);
});

test('behavior: a TX_ verdict becomes -26 "16: CODE (reason)" with the typed code and details in data', () => {
  const f = toRpcFailure(new CchostError('TX_CC_BAD_FULFILLMENT', 'fulfillment does not match', { input: 2, evalCode: 0xec }));
  assert.equal(f.code, -26);
  assert.equal(f.message, '16: TX_CC_BAD_FULFILLMENT (fulfillment does not match)');
  assert.equal(f.data.code, 'TX_CC_BAD_FULFILLMENT');
  assert.deepEqual(f.data.details, { input: 2, evalCode: 0xec, verdict_code: 'TX_CC_BAD_FULFILLMENT', reason: 'fulfillment does not match' });
  assert.equal(toRpcFailure(new CchostError('SCRIPT_ERR_EVAL_FALSE', 'x')).code, -26);
});

test('behavior: missing inputs are -25 and already-in-chain -27, as bitcoind answers sendrawtransaction', () => {
  assert.equal(toRpcFailure(new CchostError('TX_MISSING_INPUTS', 'missing')).code, -25);
  assert.equal(toRpcFailure(new CchostError('TX_ALREADY_IN_CHAIN', 'known')).code, -27);
});

test('behavior: a method-declared code, the table errorMap and an explicit rpc name choose the number', () => {
  const declared = new Map([['oracles/NOT_FOUND', 'RPC_INVALID_ADDRESS_OR_KEY' as const]]);
  const f = toRpcFailure(new CchostError('oracles/NOT_FOUND', 'no such oracle', { hint: 'run oracleslist' }), { declared });
  assert.equal(f.code, -5);
  assert.equal(f.data.module, 'oracles');
  assert.equal(f.data.hint, 'run oracleslist');
  assert.equal(f.data.details, undefined);
  const mapped = toRpcFailure(new CchostError('BLOCK_NOT_FOUND', 'no block'), { errorMap: new Map([['BLOCK_NOT_FOUND', 'RPC_INVALID_ADDRESS_OR_KEY' as const]]) });
  assert.equal(mapped.code, -5);
  const explicit = toRpcFailure(rpcError('RPC_WALLET_INSUFFICIENT_FUNDS', 'faucet/EMPTY', 'the faucet is empty'));
  assert.equal(explicit.code, -6);
  assert.equal(explicit.data.code, 'faucet/EMPTY');
  assert.equal(explicit.data.details, undefined, 'the steering field rpc is not a detail');
});

test('error: a plain Error becomes -1 rpc/INTERNAL with its first line only, no stack', () => {
  const e = new Error('sqlite: no such table\n    at Statement.run (/home/x/store.ts:1:1)');
  const f = toRpcFailure(e, { requestId: 'req-9' });
  assert.equal(f.code, -1);
  assert.equal(f.message, 'sqlite: no such table');
  assert.equal(f.data.code, 'rpc/INTERNAL');
  const text = JSON.stringify(f);
  assert.ok(!text.includes('store.ts') && !text.includes(' at '), text);
  assert.match(f.data.hint ?? '', /req-9/);
  assert.equal(toRpcFailure('a string').code, -1);
  assert.equal(toRpcFailure(undefined).message, 'non-error value thrown');
});

test('behavior: a Node system error with a string code is not mistaken for a typed error', () => {
  const sys = Object.assign(new Error('ENOENT: no such file'), { code: 'TX_FAKE' });
  assert.equal(toRpcFailure(sys).code, -1);
});

test('behavior: HTTP statuses follow bitcoind for 1.0 and MODULES.md §1.6 for REST', () => {
  const nf = toRpcFailure(rpcError('RPC_METHOD_NOT_FOUND', 'rpc/METHOD_NOT_FOUND', 'x'));
  const ir = toRpcFailure(rpcError('RPC_INVALID_REQUEST', 'rpc/INVALID_REQUEST', 'x'));
  const rej = toRpcFailure(new CchostError('TX_BAD', 'x'));
  assert.deepEqual([legacyStatus(nf), legacyStatus(ir), legacyStatus(rej)], [404, 400, 500]);
  assert.deepEqual([restStatus(nf), restStatus(ir), restStatus(rej)], [404, 400, 422]);
});

test('behavior: bigint and byte details serialize as digit strings and hex', () => {
  const f = toRpcFailure(new CchostError('TX_FEE', 'fee too low', { fee_sat: 2n ** 64n, script: new Uint8Array([0xcc]) }));
  assert.deepEqual((toJsonValue(f) as { data: { details: Record<string, unknown> } }).data.details['fee_sat'], '18446744073709551616');
  assert.deepEqual((toJsonValue(f) as { data: { details: Record<string, unknown> } }).data.details['script'], 'cc');
});
