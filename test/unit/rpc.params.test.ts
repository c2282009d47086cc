import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COIN, DEFAULT_MAX_MONEY } from '../../src/rpc/defaults.ts';
import { coerceParam, fromText, resolveParams, resolveRestParams } from '../../src/rpc/params.ts';
import type { ParamSpec } from '../../src/rpc/method.ts';
import { add, getinfo, toyscreate } from './rpc.toy.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);
const o = { maxMoney: DEFAULT_MAX_MONEY };
const spec = <S extends ParamSpec>(s: S): S => s;

function failure(s: ParamSpec, v: unknown): { code: string; message: string; rpc?: unknown; param?: unknown } {
  const r = coerceParam(s, v, o);
  assert.equal(r.ok, false, `expected ${JSON.stringify(v)} to be rejected`);
  return (r as { error: { code: string; message: string } }).error;
}

function value(s: ParamSpec, v: unknown): unknown {
  const r = coerceParam(s, v, o);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be accepted: ${r.ok ? '' : r.error.message}`);
  return r.value;
}

test('error: wrong JSON type is rpc/WRONG_TYPE naming the parameter and the expected range', () => {
  const e = failure(spec({ name: 'verbosity', type: 'integer', min: 0, max: 2, description: 'v' }), 'x');
  assert.equal(e.code, 'rpc/WRONG_TYPE');
  assert.equal(e.message, "Invalid parameter 'verbosity': expected integer 0..2, got 'x'");
  assert.equal(e.param, 'verbosity');
});

test('error: integer out of range is rpc/OUT_OF_RANGE; non-integers and unsafe integers are wrong types', () => {
  const s = spec({ name: 'height', type: 'integer', min: 0, description: 'h' });
  assert.equal(failure(s, -1).code, 'rpc/OUT_OF_RANGE');
  assert.equal(failure(s, 1.5).code, 'rpc/WRONG_TYPE');
  assert.equal(failure(s, 2 ** 53).code, 'rpc/WRONG_TYPE');
  assert.equal(failure(s, true).code, 'rpc/WRONG_TYPE');
  assert.equal(value(s, 0), 0);
});

test('behavior: any safe integer inside the declared range is accepted, any outside is rejected (property)', () => {
  const s = spec({ name: 'n', type: 'integer', min: -1000, max: 1000, description: 'n' });
  fc.assert(
    fc.property(fc.integer({ min: -5000, max: 5000 }), (n) => {
      const r = coerceParam(s, n, o);
      return r.ok === (n >= -1000 && n <= 1000) && (!r.ok || r.value === n);
    }),
    { numRuns: runs },
  );
});

test('args: string enum, length and pattern bounds give rpc/BAD_VALUE', () => {
  assert.equal(failure(spec({ name: 'mode', type: 'string', enum: ['a', 'b'], description: 'm' }), 'c').code, 'rpc/BAD_VALUE');
  assert.match(failure(spec({ name: 'mode', type: 'string', enum: ['a', 'b'], description: 'm' }), 'c').message, /expected one of 'a', 'b', got 'c'/);
  assert.equal(failure(spec({ name: 'n', type: 'string', maxLength: 3, description: 'n' }), 'abcd').code, 'rpc/BAD_VALUE');
  assert.equal(failure(spec({ name: 'n', type: 'string', pattern: '[a-z]+', description: 'n' }), 'ab1').code, 'rpc/BAD_VALUE');
  assert.equal(value(spec({ name: 'n', type: 'string', pattern: '[a-z]+', description: 'n' }), 'ab'), 'ab');
});

test('args: hex becomes bytes; malformed hex is -22 by default, -8 when declared, wrong length -8', () => {
  const s = spec({ name: 'txid', type: 'hex', bytes: 2, description: 't' });
  assert.deepEqual(value(s, 'AbCd'), new Uint8Array([0xab, 0xcd]));
  const odd = failure(s, 'abc');
  assert.equal(odd.code, 'rpc/BAD_HEX');
  assert.equal(odd.rpc, 'RPC_DESERIALIZATION_ERROR');
  assert.equal(failure(s, 'zzzz').rpc, 'RPC_DESERIALIZATION_ERROR');
  assert.equal(failure({ ...s, invalid: 'RPC_INVALID_PARAMETER' }, 'zz').rpc, 'RPC_INVALID_PARAMETER');
  const short = failure(s, 'ab');
  assert.equal(short.rpc, 'RPC_INVALID_PARAMETER');
  assert.match(short.message, /hex string of 2 bytes \(got 1 bytes\)/);
  assert.equal(failure(s, 12).code, 'rpc/WRONG_TYPE');
});

test('args: amount in coins accepts numbers and decimal strings as exact satoshis', () => {
  const s = spec({ name: 'amount', type: 'amount', description: 'a' });
  assert.equal(value(s, 1.5), 150_000_000n);
  assert.equal(value(s, '1.5'), 150_000_000n);
  assert.equal(value(s, 0.1), 10_000_000n);
  assert.equal(value(s, 0.00000001), 1n);
  assert.equal(value(s, '21000000.12345678'), 2_100_000_012_345_678n);
});

test('error: amount with more than 8 decimals, negative, exponent or above MAX_MONEY is -3 rpc/BAD_AMOUNT', () => {
  const s = spec({ name: 'amount', type: 'amount', description: 'a' });
  for (const bad of [1e-9, -1, '1e8', '0.123456789', '-1', '', 'abc', 300_000_000]) {
    const e = failure(s, bad);
    assert.equal(e.code, 'rpc/BAD_AMOUNT', String(bad));
    assert.equal(e.rpc, 'RPC_TYPE_ERROR', String(bad));
  }
  assert.equal(failure(s, true).code, 'rpc/WRONG_TYPE');
});

test('behavior: any satoshi value written as a decimal coin string reads back exactly (property)', () => {
  const s = spec({ name: 'amount', type: 'amount', description: 'a' });
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: DEFAULT_MAX_MONEY }), (sats) => {
      const text = `${sats / COIN}.${(sats % COIN).toString().padStart(8, '0')}`;
      const r = coerceParam(s, text, o);
      return r.ok && r.value === sats;
    }),
    { numRuns: runs },
  );
});

test('args: sats accept a JSON integer or digit string and reject "1.5", -1, "1e8", > MAX_MONEY with -8 (MODULES.md CT-5)', () => {
  const s = spec({ name: 'amount_sat', type: 'sats', description: 'a' });
  assert.equal(value(s, 10_000), 10_000n);
  assert.equal(value(s, '10000'), 10_000n);
  assert.equal(value(s, String(DEFAULT_MAX_MONEY)), DEFAULT_MAX_MONEY);
  for (const bad of ['1.5', 1.5, -1, '-1', '1e8', String(DEFAULT_MAX_MONEY + 1n), true, null]) {
    const e = failure(s, bad);
    assert.equal(e.code, 'rpc/BAD_AMOUNT', String(bad));
    assert.equal(e.rpc ?? 'RPC_INVALID_PARAMETER', 'RPC_INVALID_PARAMETER');
  }
});

test('args: address accepts Base58-looking strings, and pubkeys only when allowed; otherwise -5 rpc/BAD_ADDRESS', () => {
  const s = spec({ name: 'address', type: 'address', description: 'a' });
  const addr = 'RQsLmJeNZkUMah19K8F24YnwNbW2sxvuX5';
  const pk = '029ef601f353266998633647b514cf02fe39d91c3e0e321269070eeaa203b664b8';
  assert.equal(value(s, addr), addr);
  assert.equal(failure(s, 'R0OIl').code, 'rpc/BAD_ADDRESS');
  assert.equal(failure(s, pk).code, 'rpc/BAD_ADDRESS');
  assert.equal(value({ ...s, allowPubkey: true }, pk), pk);
});

test('default: positional and named params give the same typed object, with defaults filled', () => {
  const a = resolveParams(add, [2], o);
  const b = resolveParams(add, { a: 2 }, o);
  assert.ok(a.ok && b.ok);
  assert.deepEqual(a.value, { a: 2, b: 0 });
  assert.deepEqual(b.value, a.value);
});

test('behavior: null and absent params mean "use the default" (bitcoind)', () => {
  const r = resolveParams(getinfo, [null, 'fast'], o);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { verbosity: 1, mode: 'fast' });
  const none = resolveParams(getinfo, undefined, o);
  assert.ok(none.ok);
  assert.deepEqual(none.value, { verbosity: 1, mode: undefined });
});

test('error: missing, unknown, extra and mis-shaped params each have their own code naming the parameter', () => {
  const missing = resolveParams(add, [], o);
  assert.ok(!missing.ok);
  assert.equal(missing.error.code, 'rpc/MISSING_PARAM');
  assert.match(missing.error.message, /Missing required parameter 'a' \(position 1\)/);
  const unknown = resolveParams(add, { a: 1, c: 2 }, o);
  assert.ok(!unknown.ok);
  assert.equal(unknown.error.code, 'rpc/UNKNOWN_PARAM');
  assert.match(unknown.error.message, /'c'.*known: a, b/);
  const extra = resolveParams(add, [1, 2, 3], o);
  assert.ok(!extra.ok);
  assert.equal(extra.error.code, 'rpc/TOO_MANY_PARAMS');
  const shape = resolveParams(add, 'nope', o);
  assert.ok(!shape.ok);
  assert.equal(shape.error.code, 'rpc/BAD_PARAMS');
});

test('args: named-only params come by name, or in one trailing object after the positional ones', () => {
  const named = resolveParams(toyscreate, { name: 'ball', amount_sat: 5, broadcast: true }, o);
  const trailing = resolveParams(toyscreate, ['ball', 5, { broadcast: true }], o);
  assert.ok(named.ok && trailing.ok);
  assert.deepEqual(trailing.value, named.value);
  assert.equal(named.value['broadcast'], true);
  const positional = resolveParams(toyscreate, ['ball', 5, 'R9zHrofhRbub7ER77B7NrVch3A63R39GuC'], o);
  assert.ok(!positional.ok);
  assert.equal(positional.error.code, 'rpc/TOO_MANY_PARAMS');
  const notNamedOnly = resolveParams(toyscreate, ['ball', 5, { name: 'x' }], o);
  assert.ok(!notNamedOnly.ok);
  assert.equal(notNamedOnly.error.code, 'rpc/UNKNOWN_PARAM');
});

test('args: REST text values are converted by type before validation', () => {
  assert.deepEqual(fromText({ name: 'n', type: 'integer', description: 'n' }, '12'), { ok: true, value: 12 });
  assert.deepEqual(fromText({ name: 'b', type: 'boolean', description: 'b' }, 'true'), { ok: true, value: true });
  assert.deepEqual(fromText({ name: 'o', type: 'object', description: 'o' }, '{"x":1}'), { ok: true, value: { x: 1 } });
  assert.deepEqual(fromText({ name: 'l', type: 'array', description: 'l' }, ['a', 'b']), { ok: true, value: ['a', 'b'] });
  const dup = fromText({ name: 'n', type: 'integer', description: 'n' }, ['1', '2']);
  assert.ok(!dup.ok);
  assert.equal(dup.error.code, 'rpc/DUPLICATE_PARAM');
  const r = resolveRestParams(getinfo, { path: {}, query: { verbosity: 'x' }, body: {} }, o);
  assert.ok(!r.ok);
  assert.equal(r.error.message, "Invalid parameter 'verbosity': expected integer 0..2, got 'x'");
  const twice = resolveRestParams(add, { path: {}, query: { a: '1' }, body: { a: 1 } }, o);
  assert.ok(!twice.ok);
  assert.equal(twice.error.code, 'rpc/DUPLICATE_PARAM');
});

test('behavior: an integer flag with acceptBoolean takes true/false as 1/0 (bitcoind verbose), in JSON and in text', () => {
  const flag: ParamSpec = { name: 'verbose', description: 'flag', type: 'integer', min: 0, max: 1, acceptBoolean: true };
  const plain: ParamSpec = { name: 'verbose', description: 'flag', type: 'integer', min: 0, max: 1 };

  assert.deepEqual(coerceParam(flag, true, o), { ok: true, value: 1 });
  assert.deepEqual(coerceParam(flag, false, o), { ok: true, value: 0 });
  assert.deepEqual(fromText(flag, 'true'), { ok: true, value: 1 });
  assert.equal(coerceParam(plain, true, o).ok, false, 'without the option a boolean is a type error');
  assert.equal(coerceParam(flag, 'yes', o).ok, false);
});
