import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256, taggedHash } from '../../src/crypto/hash.ts';
import { addressFromPubkey, encodeAddress } from '../../src/crypto/address.ts';
import { publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8, fromHex } from '../../src/util/bytes.ts';
import {
  canonicalJson,
  canonicalSpecJson,
  chainId,
  defaultDevSpec,
  formatCoins,
  parseChainSpec,
  parseChainSpecText,
  parseCoins,
  specToJson,
} from '../../src/chain/spec/index.ts';
import type { ChainSpec, SpecError } from '../../src/chain/spec/index.ts';
import { COIN, MAX_MONEY, blockReward, slotAt, slotStartMs } from '../../src/chain/params.ts';
import { buildGenesisBlock } from '../../src/chain/genesis.ts';
import { blockId } from '../../src/chain/block/index.ts';

const priv = (s: string) => sha256(utf8(s));
const xkey = (s: string) => toHex(xOnlyPublicKeyFromPrivate(priv(s)));
const addr = (s: string) => addressFromPubkey(publicKeyFromPrivate(priv(s)));

type J = Record<string, any>;

/** A valid spec in file form with every field written out. */
function full(): J {
  return {
    name: 'demo',
    version: 1,
    prefixes: { pubKeyHash: 60, scriptHash: 85, wif: 188 },
    genesisTimeMs: 1735689600000,
    allocations: [
      { address: addr('alice'), amount: '1000' },
      { script: '51', amount: '0.5' },
    ],
    reward: { initial: '3', halvingInterval: 1000, endHeight: 5000 },
    minRelayFeePerKb: '0.00001',
    coinbaseMaturity: 100,
    slotMs: 500,
    turnLength: 12,
    producers: [
      { name: 'alice', key: xkey('alice') },
      { name: 'bob', key: xkey('bob') },
    ],
    cc: {
      enabled: true,
      activationHeight: 0,
      allowedTypes: ['preimage', 'threshold', 'ed25519', 'secp256k1', 'eval'],
      modules: [
        { name: 'faucet', evalCode: 228, version: 1, activationHeight: 0, params: { faucet_payout_sat: 10000000 } },
        { name: 'hello', evalCode: '0x70', version: 2, activationHeight: 10, params: { note: 'x', nested: { list: [1, 2] } } },
      ],
    },
    limits: { maxBlockBytes: 2000000, maxTxBytes: 100000 },
  };
}

function spec(j: J): ChainSpec {
  const r = parseChainSpec(j);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

function errorsOf(j: unknown): SpecError[] {
  const r = parseChainSpec(j);
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  if (r.ok) return [];
  return r.error['errors'] as SpecError[];
}

function mutate(f: (j: J) => void): J {
  const j = full();
  f(j);
  return j;
}

test('default: a full spec parses into bigint amounts, bytes and a version-1 schedule', () => {
  const s = spec(full());
  assert.equal(s.name, 'demo');
  assert.equal(s.allocations[0]!.amount, 1000n * COIN);
  assert.equal(toHex(s.allocations[0]!.script).slice(0, 6), '76a914');
  assert.equal(s.allocations[0]!.address, addr('alice'));
  assert.deepEqual(s.allocations[1]!.script, Uint8Array.of(0x51));
  assert.equal(s.allocations[1]!.amount, 50_000_000n);
  assert.equal(s.reward.initial, 3n * COIN);
  assert.equal(s.minRelayFeePerKb, 1000n);
  assert.equal(s.schedule.version, 1);
  assert.deepEqual(s.schedule.producers.map((p) => p.name), ['alice', 'bob']);
  assert.equal(s.cc.allowedTypes, 0x8035);
  assert.deepEqual(s.cc.modules.map((m) => m.evalCode), [0x70, 0xe4], 'modules sorted by eval code');
});

test('default: omitted optional fields take the documented defaults', () => {
  const s = spec({ name: 'mini', genesisTimeMs: 0, producers: [{ name: 'p', key: xkey('p') }] });
  assert.deepEqual(s.prefixes, { pubKeyHash: 0x3c, scriptHash: 0x55, wif: 0xbc });
  assert.equal(s.allocations.length, 0);
  assert.deepEqual(s.reward, { initial: COIN, halvingInterval: 0, endHeight: 0 });
  assert.equal(s.minRelayFeePerKb, 1000n);
  assert.equal(s.coinbaseMaturity, 100);
  assert.equal(s.slotMs, 500);
  assert.equal(s.turnLength, 12);
  assert.deepEqual(s.cc, { enabled: true, activationHeight: 0, allowedTypes: 0x8035, modules: [] });
  assert.deepEqual(s.limits, { maxBlockBytes: 2_000_000, maxTxBytes: 100_000 });
});

// Each row: a change to the valid spec, the code and the field path the error must name.
const CASES: [string, (j: J) => void, string, string][] = [
  ['name missing', (j) => delete j.name, 'SPEC_MISSING_FIELD', 'name'],
  ['name with a space', (j) => (j.name = 'my chain'), 'SPEC_BAD_VALUE', 'name'],
  ['name a number', (j) => (j.name = 7), 'SPEC_BAD_TYPE', 'name'],
  ['unknown top-level field', (j) => (j.genesisTime = 1), 'SPEC_UNKNOWN_FIELD', 'genesisTime'],
  ['version 2', (j) => (j.version = 2), 'SPEC_BAD_VERSION', 'version'],
  ['prefix out of range', (j) => (j.prefixes.pubKeyHash = 256), 'SPEC_BAD_VALUE', 'prefixes.pubKeyHash'],
  ['prefix not a number', (j) => (j.prefixes.wif = '188'), 'SPEC_BAD_TYPE', 'prefixes.wif'],
  ['equal address prefixes', (j) => (j.prefixes.scriptHash = 60), 'SPEC_CONFLICT', 'prefixes.scriptHash'],
  ['unknown prefix field', (j) => (j.prefixes.bech32 = 'r'), 'SPEC_UNKNOWN_FIELD', 'prefixes.bech32'],
  ['prefixes not an object', (j) => (j.prefixes = [60]), 'SPEC_BAD_TYPE', 'prefixes'],
  ['genesis time missing', (j) => delete j.genesisTimeMs, 'SPEC_MISSING_FIELD', 'genesisTimeMs'],
  ['genesis time fractional', (j) => (j.genesisTimeMs = 1.5), 'SPEC_BAD_VALUE', 'genesisTimeMs'],
  ['genesis time negative', (j) => (j.genesisTimeMs = -1), 'SPEC_BAD_VALUE', 'genesisTimeMs'],
  ['allocations not an array', (j) => (j.allocations = {}), 'SPEC_BAD_TYPE', 'allocations'],
  ['allocation amount as a JSON number', (j) => (j.allocations[0].amount = 1000), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocation amount with 9 decimals', (j) => (j.allocations[0].amount = '1.123456789'), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocation amount zero', (j) => (j.allocations[1].amount = '0'), 'SPEC_BAD_AMOUNT', 'allocations[1].amount'],
  ['allocation amount negative', (j) => (j.allocations[0].amount = '-1'), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocation amount with exponent', (j) => (j.allocations[0].amount = '1e3'), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocation amount with leading zero', (j) => (j.allocations[0].amount = '01'), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocation amount missing', (j) => delete j.allocations[0].amount, 'SPEC_MISSING_FIELD', 'allocations[0].amount'],
  ['allocation above MAX_MONEY', (j) => (j.allocations[0].amount = '21000000.00000001'), 'SPEC_BAD_AMOUNT', 'allocations[0].amount'],
  ['allocations summing above MAX_MONEY', (j) => ((j.allocations[0].amount = '21000000'), (j.allocations[1].amount = '1')), 'SPEC_BAD_AMOUNT', 'allocations'],
  ['allocation address with a bad checksum', (j) => (j.allocations[0].address = addr('alice').slice(0, -1) + 'x'), 'SPEC_BAD_ADDRESS', 'allocations[0].address'],
  ['allocation address of another chain', (j) => (j.allocations[0].address = encodeAddress('pubkeyhash', new Uint8Array(20), { pubKeyHash: 0, scriptHash: 5, wif: 128 })), 'SPEC_BAD_ADDRESS', 'allocations[0].address'],
  ['allocation with address and script', (j) => (j.allocations[0].script = '51'), 'SPEC_CONFLICT', 'allocations[0]'],
  ['allocation with neither address nor script', (j) => delete j.allocations[1].script, 'SPEC_CONFLICT', 'allocations[1]'],
  ['allocation script not hex', (j) => (j.allocations[1].script = 'zz'), 'SPEC_BAD_SCRIPT', 'allocations[1].script'],
  ['allocation script empty', (j) => (j.allocations[1].script = ''), 'SPEC_BAD_SCRIPT', 'allocations[1].script'],
  ['allocation script too long', (j) => (j.allocations[1].script = '00'.repeat(10_001)), 'SPEC_BAD_SCRIPT', 'allocations[1].script'],
  ['unknown allocation field', (j) => (j.allocations[0].vout = 0), 'SPEC_UNKNOWN_FIELD', 'allocations[0].vout'],
  ['reward initial as a number', (j) => (j.reward.initial = 3), 'SPEC_BAD_AMOUNT', 'reward.initial'],
  ['reward halving negative', (j) => (j.reward.halvingInterval = -1), 'SPEC_BAD_VALUE', 'reward.halvingInterval'],
  ['reward end height a string', (j) => (j.reward.endHeight = '5000'), 'SPEC_BAD_TYPE', 'reward.endHeight'],
  ['min relay fee as a number', (j) => (j.minRelayFeePerKb = 0.00001), 'SPEC_BAD_AMOUNT', 'minRelayFeePerKb'],
  ['coinbase maturity negative', (j) => (j.coinbaseMaturity = -1), 'SPEC_BAD_VALUE', 'coinbaseMaturity'],
  ['slot too short', (j) => (j.slotMs = 10), 'SPEC_BAD_VALUE', 'slotMs'],
  ['turn length zero', (j) => (j.turnLength = 0), 'SPEC_BAD_VALUE', 'turnLength'],
  ['producers missing', (j) => delete j.producers, 'SPEC_MISSING_FIELD', 'producers'],
  ['no producers', (j) => (j.producers = []), 'SPEC_BAD_VALUE', 'producers'],
  ['65 producers', (j) => (j.producers = Array.from({ length: 65 }, (_, i) => ({ name: `p${String(i).padStart(2, '0')}`, key: xkey(`p${i}`) }))), 'SPEC_BAD_VALUE', 'producers'],
  ['producer name upper-case', (j) => (j.producers[0].name = 'Alice'), 'SPEC_BAD_VALUE', 'producers[0].name'],
  ['producer name missing', (j) => delete j.producers[1].name, 'SPEC_MISSING_FIELD', 'producers[1].name'],
  ['producer key not hex', (j) => (j.producers[0].key = 'xyz'), 'SPEC_BAD_KEY', 'producers[0].key'],
  ['producer key not on the curve', (j) => (j.producers[0].key = '00'.repeat(32)), 'SPEC_BAD_KEY', 'producers[0].key'],
  ['producer key missing', (j) => delete j.producers[0].key, 'SPEC_MISSING_FIELD', 'producers[0].key'],
  ['unknown producer field', (j) => (j.producers[0].weight = 1), 'SPEC_UNKNOWN_FIELD', 'producers[0].weight'],
  ['producer listed twice', (j) => (j.producers[1].name = 'alice'), 'SPEC_DUPLICATE', 'producers[1].name'],
  ['two producers with one key', (j) => (j.producers[1].key = j.producers[0].key), 'SPEC_DUPLICATE', 'producers[1].key'],
  ['producers not sorted', (j) => j.producers.reverse(), 'SPEC_UNSORTED', 'producers'],
  ['cc.enabled a string', (j) => (j.cc.enabled = 'yes'), 'SPEC_BAD_TYPE', 'cc.enabled'],
  ['cc activation negative', (j) => (j.cc.activationHeight = -5), 'SPEC_BAD_VALUE', 'cc.activationHeight'],
  ['unknown condition type', (j) => (j.cc.allowedTypes = ['secp256k1', 'schnorr']), 'SPEC_BAD_VALUE', 'cc.allowedTypes[1]'],
  ['condition type listed twice', (j) => (j.cc.allowedTypes = ['secp256k1', 'secp256k1']), 'SPEC_DUPLICATE', 'cc.allowedTypes[1]'],
  ['no signing condition type', (j) => (j.cc.allowedTypes = ['preimage', 'eval']), 'SPEC_BAD_VALUE', 'cc.allowedTypes'],
  ['modules while CC is disabled', (j) => (j.cc.enabled = false), 'SPEC_CONFLICT', 'cc.modules'],
  ['unknown cc field', (j) => (j.cc.flags = 1), 'SPEC_UNKNOWN_FIELD', 'cc.flags'],
  ['module name invalid', (j) => (j.cc.modules[1].name = 'Hello World'), 'SPEC_BAD_VALUE', 'cc.modules[1].name'],
  ['module eval code 0', (j) => (j.cc.modules[1].evalCode = 0), 'SPEC_BAD_VALUE', 'cc.modules[1].evalCode'],
  ['module eval code 256', (j) => (j.cc.modules[1].evalCode = 256), 'SPEC_BAD_VALUE', 'cc.modules[1].evalCode'],
  ['module eval code bad hex', (j) => (j.cc.modules[1].evalCode = '0xzz'), 'SPEC_BAD_VALUE', 'cc.modules[1].evalCode'],
  ['module eval code missing', (j) => delete j.cc.modules[1].evalCode, 'SPEC_MISSING_FIELD', 'cc.modules[1].evalCode'],
  ['built-in module with another code', (j) => (j.cc.modules[0].evalCode = 0x71), 'SPEC_MODULE_CODE', 'cc.modules[0].evalCode'],
  ['own module on a built-in code', (j) => (j.cc.modules[1].evalCode = 0x12), 'SPEC_MODULE_CODE', 'cc.modules[1].evalCode'],
  ['module listed twice', (j) => j.cc.modules.push({ ...j.cc.modules[1], evalCode: 0x71 }), 'SPEC_DUPLICATE', 'cc.modules[2].name'],
  ['two modules on one code', (j) => j.cc.modules.push({ ...j.cc.modules[1], name: 'other' }), 'SPEC_DUPLICATE', 'cc.modules[2].evalCode'],
  ['module active before CC', (j) => ((j.cc.activationHeight = 20), (j.cc.modules[0].activationHeight = 20)), 'SPEC_CONFLICT', 'cc.modules[1].activationHeight'],
  ['module version 0', (j) => (j.cc.modules[1].version = 0), 'SPEC_BAD_VALUE', 'cc.modules[1].version'],
  ['module param with a fraction', (j) => (j.cc.modules[1].params.rate = 0.5), 'SPEC_BAD_VALUE', 'cc.modules[1].params.rate'],
  ['module param unsafe integer', (j) => (j.cc.modules[1].params.nested.list[1] = 2 ** 60), 'SPEC_BAD_VALUE', 'cc.modules[1].params.nested.list[1]'],
  ['module params not an object', (j) => (j.cc.modules[1].params = [1]), 'SPEC_BAD_TYPE', 'cc.modules[1].params'],
  ['unknown module field', (j) => (j.cc.modules[1].code = 'x'), 'SPEC_UNKNOWN_FIELD', 'cc.modules[1].code'],
  ['block limit too small', (j) => (j.limits.maxBlockBytes = 1000), 'SPEC_BAD_VALUE', 'limits.maxBlockBytes'],
  ['tx limit above block limit', (j) => (j.limits.maxTxBytes = 3_000_000), 'SPEC_CONFLICT', 'limits.maxTxBytes'],
  ['unknown limits field', (j) => (j.limits.maxSigOps = 1), 'SPEC_UNKNOWN_FIELD', 'limits.maxSigOps'],
  [
    'genesis block larger than the block limit',
    (j) => ((j.limits = { maxBlockBytes: 16_000, maxTxBytes: 16_000 }), (j.allocations = [1, 2].map(() => ({ script: '00'.repeat(9000), amount: '1' })))),
    'SPEC_CONFLICT',
    'allocations',
  ],
];

for (const [what, change, code, path] of CASES) {
  test(`error: ${what} is ${code} at ${path}`, () => {
    const errors = errorsOf(mutate(change));
    const hit = errors.find((e) => e.code === code && e.path === path);
    assert.ok(hit, `expected ${code} at ${path}, got ${JSON.stringify(errors.map((e) => [e.code, e.path]))}`);
    assert.ok(hit.fix.length > 0, 'names a fix');
    assert.ok(hit.message.includes(path === '' ? 'chain spec' : path), 'the message names the field');
    assert.ok(hit.message.includes(hit.fix), 'the message contains the fix');
  });
}

test('error: a compressed key is refused with the fix of dropping its prefix', () => {
  const compressed = toHex(publicKeyFromPrivate(priv('alice')));
  const [e] = errorsOf(mutate((j) => (j.producers[0].key = compressed)));
  assert.equal(e!.code, 'SPEC_BAD_KEY');
  assert.match(e!.fix, /drop the leading "0[23]"/);
});

test('error: every problem is reported, the first one in code/message', () => {
  const r = parseChainSpec(mutate((j) => ((j.name = ''), (j.slotMs = 1), (j.producers[0].key = 'x'))));
  assert.equal(r.ok, false);
  if (r.ok) return;
  const errors = r.error['errors'] as SpecError[];
  assert.deepEqual(errors.map((e) => e.path).sort(), ['name', 'producers[0].key', 'slotMs']);
  assert.equal(r.error.path, errors[0]!.path);
  assert.match(r.error.message, /and 2 more problems/);
});

test('error: not an object, and text that is not JSON', () => {
  assert.equal(errorsOf([1])[0]!.code, 'SPEC_BAD_TYPE');
  assert.equal(errorsOf(null)[0]!.path, '');
  const r = parseChainSpecText('{"name": "x",');
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'SPEC_BAD_JSON');
  assert.equal(parseChainSpecText(JSON.stringify(full())).ok, true);
});

test('amounts: decimal coin strings convert exactly and format in shortest form', () => {
  assert.equal(parseCoins('0.00000001'), 1n);
  assert.equal(parseCoins('21000000'), MAX_MONEY);
  assert.equal(parseCoins('1.10'), 110_000_000n);
  for (const bad of ['', '.5', '1.', '+1', ' 1', '1,5', '0x10', 'NaN']) assert.equal(parseCoins(bad), undefined, bad);
  assert.equal(formatCoins(0n), '0');
  assert.equal(formatCoins(1n), '0.00000001');
  assert.equal(formatCoins(110_000_000n), '1.1');
  assert.equal(formatCoins(MAX_MONEY), '21000000');
});

/** Recursively rebuilds objects with their keys in reverse order. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  }
  return v;
}

test('canonical: key order, defaults written out, addresses versus scripts and module order do not change the id', () => {
  const base = spec(full());
  const reordered = spec(reverseKeys(full()) as J);
  assert.equal(canonicalSpecJson(reordered), canonicalSpecJson(base));
  assert.equal(chainId(reordered), chainId(base));

  const modulesSwapped = spec(mutate((j) => j.cc.modules.reverse()));
  assert.equal(chainId(modulesSwapped), chainId(base));

  const byScript = spec(mutate((j) => (j.allocations[0] = { script: toHex(base.allocations[0]!.script), amount: '1000' })));
  assert.equal(chainId(byScript), chainId(base));

  const minimal = { name: 'mini', genesisTimeMs: 5, producers: [{ name: 'p', key: xkey('p') }] };
  const explicit = { ...specToJson(spec(minimal)) };
  assert.equal(chainId(spec(explicit as J)), chainId(spec(minimal)));
  assert.equal(chainId(spec(mutate((j) => (j.cc.modules[1].evalCode = 0x70)))), chainId(base), 'hex and decimal eval codes');
});

test('canonical: the canonical text is a valid spec that parses back to the same chain', () => {
  const base = spec(full());
  const text = canonicalSpecJson(base);
  assert.doesNotMatch(text, /\s/, 'no whitespace');
  const again = spec(JSON.parse(text) as J);
  assert.equal(canonicalSpecJson(again), text);
  assert.equal(chainId(again), chainId(base));
});

test('canonical: the documented form of a minimal spec (format pin)', () => {
  const s = spec({ name: 'mini', genesisTimeMs: 5, producers: [{ name: 'p', key: '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' }] });
  assert.equal(
    canonicalSpecJson(s),
    '{"allocations":[],"cc":{"activationHeight":0,"allowedTypes":["preimage","threshold","ed25519","secp256k1","eval"],' +
      '"enabled":true,"modules":[]},"coinbaseMaturity":100,"genesisTimeMs":5,"limits":{"maxBlockBytes":2000000,' +
      '"maxTxBytes":100000},"minRelayFeePerKb":"0.00001","name":"mini","prefixes":{"pubKeyHash":60,"scriptHash":85,' +
      '"wif":188},"producers":[{"key":"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798","name":"p"}],' +
      '"reward":{"endHeight":0,"halvingInterval":0,"initial":"1"},"slotMs":500,"turnLength":12,"version":1}',
  );
  assert.equal(chainId(s), toHex(taggedHash('CCHOST/CHAINSPEC/v1', utf8(canonicalSpecJson(s)))));
});

test('chain id: changing any consensus field changes it', () => {
  const base = chainId(spec(full()));
  const changes: [string, (j: J) => void][] = [
    ['name', (j) => (j.name = 'demo2')],
    ['pubKeyHash prefix', (j) => ((j.prefixes.pubKeyHash = 61), (j.allocations = [{ script: '51', amount: '1' }]))],
    ['wif prefix', (j) => (j.prefixes.wif = 189)],
    ['genesis time', (j) => (j.genesisTimeMs += 1)],
    ['allocation amount', (j) => (j.allocations[0].amount = '1000.00000001')],
    ['allocation order', (j) => j.allocations.reverse()],
    ['allocation script', (j) => (j.allocations[1].script = '52')],
    ['reward', (j) => (j.reward.initial = '3.1')],
    ['halving interval', (j) => (j.reward.halvingInterval = 1001)],
    ['reward end', (j) => (j.reward.endHeight = 0)],
    ['min relay fee', (j) => (j.minRelayFeePerKb = '0.00002')],
    ['coinbase maturity', (j) => (j.coinbaseMaturity = 99)],
    ['slot length', (j) => (j.slotMs = 1000)],
    ['turn length', (j) => (j.turnLength = 6)],
    ['producer key', (j) => (j.producers[1].key = xkey('carol'))],
    ['producer name', (j) => (j.producers[1].name = 'bobby')],
    ['producer removed', (j) => j.producers.pop()],
    ['cc activation', (j) => ((j.cc.activationHeight = 1), (j.cc.modules[0].activationHeight = 1))],
    ['cc disabled', (j) => ((j.cc.enabled = false), (j.cc.modules = []))],
    ['allowed types', (j) => j.cc.allowedTypes.pop()],
    ['module eval code', (j) => (j.cc.modules[1].evalCode = 0x71)],
    ['module version', (j) => (j.cc.modules[1].version = 3)],
    ['module activation', (j) => (j.cc.modules[1].activationHeight = 11)],
    ['module param', (j) => (j.cc.modules[0].params.faucet_payout_sat = 10000001)],
    ['module removed', (j) => j.cc.modules.pop()],
    ['max block bytes', (j) => (j.limits.maxBlockBytes = 2000001)],
    ['max tx bytes', (j) => (j.limits.maxTxBytes = 100001)],
  ];
  const seen = new Set([base]);
  for (const [what, change] of changes) {
    const id = chainId(spec(mutate(change)));
    assert.notEqual(id, base, what);
    assert.ok(!seen.has(id), `${what} collides with another change`);
    seen.add(id);
  }
});

test('canonicalJson: sorted keys, integers only, bigints as decimal strings', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 2n, y: undefined } }), '{"a":[true,null,"x"],"b":1,"c":{"z":"2"}}');
  assert.throws(() => canonicalJson({ a: 0.5 }), RangeError);
});

test('dev spec: one producer named producer, all built-in modules, the given allocations', () => {
  const s = defaultDevSpec({
    producerKey: fromHex(xkey('dev')),
    genesisTimeMs: 1_000,
    allocations: [
      { address: addr('alice'), amount: 5n * COIN },
      { script: Uint8Array.of(0x51), amount: 7n },
    ],
  });
  assert.deepEqual(s.schedule.producers.map((p) => [p.name, toHex(p.key)]), [['producer', xkey('dev')]]);
  assert.deepEqual(s.cc.modules.map((m) => m.name), ['baton', 'musig', 'kv', 'faucet', 'oracles', 'tokens']);
  assert.deepEqual(s.allocations.map((a) => a.amount), [5n * COIN, 7n]);
  assert.equal(s.genesisTimeMs, 1_000);
  assert.equal(defaultDevSpec({ producerKey: fromHex(xkey('dev')), genesisTimeMs: 1_000, modules: [] }).cc.modules.length, 0);
  assert.throws(
    () => defaultDevSpec({ producerKey: fromHex(xkey('dev')), genesisTimeMs: 1, allocations: [{ address: 'nope', amount: 1n }] }),
    (e: any) => e.code === 'SPEC_BAD_ADDRESS',
  );
});

test('params: block reward halves, ends, and genesis pays none', () => {
  const s = spec(full()); // 3 coins, halving every 1000, last reward at 5000
  assert.equal(blockReward(s, 0), 0n);
  assert.equal(blockReward(s, 1), 3n * COIN);
  assert.equal(blockReward(s, 999), 3n * COIN);
  assert.equal(blockReward(s, 1000), 150_000_000n);
  assert.equal(blockReward(s, 2500), 75_000_000n);
  assert.equal(blockReward(s, 5000), (3n * COIN) >> 5n);
  assert.equal(blockReward(s, 5001), 0n);
  const flat = spec(mutate((j) => ((j.reward.halvingInterval = 0), (j.reward.endHeight = 0))));
  assert.equal(blockReward(flat, 10_000_000), 3n * COIN);
  const fast = spec(mutate((j) => ((j.reward.halvingInterval = 1), (j.reward.endHeight = 0))));
  assert.equal(blockReward(fast, 100), 0n, 'shifts past 64 halvings give zero');
});

test('params: the slot clock starts at genesisTimeMs with slotMs slots', () => {
  const s = spec(full());
  assert.equal(slotAt(s, s.genesisTimeMs), 0);
  assert.equal(slotAt(s, s.genesisTimeMs + 499), 0);
  assert.equal(slotAt(s, s.genesisTimeMs + 500), 1);
  assert.equal(slotAt(s, s.genesisTimeMs - 1), -1);
  assert.equal(slotStartMs(s, 7), s.genesisTimeMs + 3500);
});

test('docs: the example in docs/chain-spec.md is valid and has the chain id and genesis id the text states', () => {
  const text = readFileSync(new URL('../../docs/chain-spec.md', import.meta.url), 'utf8');
  const example = /## Example\s+```json\n([\s\S]*?)\n```/.exec(text);
  const ids = /chain id is `([0-9a-f]{64})` and its genesis block\s+id `([0-9a-f]{64})`/.exec(text);
  assert.ok(example && ids, 'the example and its ids are in the document');
  const r = parseChainSpecText(example[1]!);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(chainId(r.value), ids[1]);
  assert.equal(toHex(blockId(buildGenesisBlock(r.value).header)), ids[2]);
});
