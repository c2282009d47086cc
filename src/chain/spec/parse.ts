/**
 * The strict chain spec validator. It reads the JSON form (docs/chain-spec.md), fills defaults, and
 * either returns a `ChainSpec` or every problem it found, each with its field path and a fix.
 * Unknown fields are errors (a typo must not silently fall back to a default of a consensus value).
 */
import { DEFAULT_PREFIXES, decodeAddress } from '../../crypto/address.ts';
import type { ChainPrefixes } from '../../crypto/address.ts';
import { isValidPubkey } from '../../crypto/secp256k1.ts';
import { concatBytes, fromHex, isHex, toHex } from '../../util/bytes.ts';
import { err, ok } from '../../util/errors.ts';
import type { Result } from '../../util/errors.ts';
import type { ScheduleEntry } from '../block/types.ts';
import {
  ABSOLUTE_MAX_BLOCK_BYTES,
  BUILTIN_MODULE_CODES,
  CC_TYPE_IDS,
  DEFAULT_CC_ALLOWED_TYPES,
  DEFAULT_SLOT_MS,
  DEFAULT_TURN_LENGTH,
  MAX_ALLOCATIONS,
  MAX_ALLOCATION_SCRIPT_BYTES,
  MAX_MONEY,
  MAX_SCHEDULE_PRODUCERS,
  MIN_BLOCK_BYTES,
  MIN_TX_BYTES,
  NAME_RE,
} from '../params.ts';
import { formatCoins, parseCoins } from './amount.ts';
import { SpecErrorCode } from './errors.ts';
import type { SpecError } from './errors.ts';
import type { Allocation, CcSpec, ChainSpec, JsonValue, LimitsSpec, ModuleSpec, RewardSpec } from './types.ts';

/** Defaults of the optional fields (a dev-friendly chain). */
export const SPEC_DEFAULTS = Object.freeze({
  version: 1,
  prefixes: DEFAULT_PREFIXES,
  reward: { initial: '1', halvingInterval: 0, endHeight: 0 },
  minRelayFeePerKb: '0.00001',
  coinbaseMaturity: 100,
  slotMs: DEFAULT_SLOT_MS,
  turnLength: DEFAULT_TURN_LENGTH,
  cc: { enabled: true, activationHeight: 0, allowedTypes: ['preimage', 'threshold', 'ed25519', 'secp256k1', 'eval'] },
  limits: { maxBlockBytes: 2_000_000, maxTxBytes: 100_000 },
});

const CHAIN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const U32_MAX = 0xffffffff;

type Obj = Record<string, unknown>;

/** Collects problems while walking the document. */
class Checker {
  readonly errors: SpecError[] = [];

  fail(code: SpecErrorCode, path: string, problem: string, fix: string): undefined {
    const where = path === '' ? 'chain spec' : `chain spec field ${path}`;
    this.errors.push({ code, path, fix, message: `${where}: ${problem}; ${fix}` });
    return undefined;
  }

  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    return this.fail(SpecErrorCode.BAD_TYPE, path, `expected a JSON object, got ${describe(v)}`, 'write it as {...}');
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    return this.fail(SpecErrorCode.BAD_TYPE, path, `expected a JSON array, got ${describe(v)}`, 'write it as [...]');
  }

  only(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        this.fail(
          SpecErrorCode.UNKNOWN_FIELD,
          join(path, k),
          'unknown field',
          `remove it or correct its name (known fields here: ${allowed.join(', ')})`,
        );
      }
    }
  }

  required(o: Obj, key: string, path: string, example: string): unknown {
    if (o[key] === undefined) {
      return this.fail(SpecErrorCode.MISSING_FIELD, join(path, key), 'missing', `add it, e.g. "${key}": ${example}`);
    }
    return o[key];
  }

  int(v: unknown, path: string, min: number, max: number, example: string): number | undefined {
    if (typeof v !== 'number') {
      return this.fail(SpecErrorCode.BAD_TYPE, path, `expected an integer, got ${describe(v)}`, `write a number such as ${example}`);
    }
    if (!Number.isInteger(v) || v < min || v > max) {
      return this.fail(SpecErrorCode.BAD_VALUE, path, `${v} is not an integer in ${min}..${max}`, `use an integer in ${min}..${max}`);
    }
    return v;
  }

  string(v: unknown, path: string, example: string): string | undefined {
    if (typeof v === 'string') return v;
    return this.fail(SpecErrorCode.BAD_TYPE, path, `expected a string, got ${describe(v)}`, `write a string such as ${example}`);
  }

  amount(v: unknown, path: string, allowZero: boolean): bigint | undefined {
    if (typeof v !== 'string') {
      return this.fail(
        SpecErrorCode.BAD_AMOUNT,
        path,
        `expected a decimal coin string, got ${describe(v)}`,
        `write the amount in coins as a string, e.g. "${typeof v === 'number' && Number.isFinite(v) && v >= 0 ? String(v) : '1000.5'}" (JSON numbers are floating point)`,
      );
    }
    const sat = parseCoins(v);
    if (sat === undefined) {
      return this.fail(
        SpecErrorCode.BAD_AMOUNT,
        path,
        `${JSON.stringify(v)} is not a decimal coin amount`,
        'use digits with at most 8 decimals and no sign or exponent, e.g. "1000" or "0.00001"',
      );
    }
    if (!allowZero && sat === 0n) return this.fail(SpecErrorCode.BAD_AMOUNT, path, 'the amount is zero', 'use a positive amount or remove the entry');
    if (sat > MAX_MONEY) {
      return this.fail(SpecErrorCode.BAD_AMOUNT, path, `${v} exceeds MAX_MONEY`, `use at most ${formatCoins(MAX_MONEY)} coins`);
    }
    return sat;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function opt(o: Obj, key: string, dflt: unknown): unknown {
  return o[key] === undefined ? dflt : o[key];
}

const TOP_FIELDS = [
  'name',
  'version',
  'prefixes',
  'genesisTimeMs',
  'allocations',
  'reward',
  'minRelayFeePerKb',
  'coinbaseMaturity',
  'slotMs',
  'turnLength',
  'producers',
  'cc',
  'limits',
] as const;

function parsePrefixes(c: Checker, v: unknown): ChainPrefixes | undefined {
  const o = c.object(v, 'prefixes');
  if (o === undefined) return undefined;
  c.only(o, 'prefixes', ['pubKeyHash', 'scriptHash', 'wif']);
  const pubKeyHash = c.int(opt(o, 'pubKeyHash', DEFAULT_PREFIXES.pubKeyHash), 'prefixes.pubKeyHash', 0, 255, '60');
  const scriptHash = c.int(opt(o, 'scriptHash', DEFAULT_PREFIXES.scriptHash), 'prefixes.scriptHash', 0, 255, '85');
  const wif = c.int(opt(o, 'wif', DEFAULT_PREFIXES.wif), 'prefixes.wif', 0, 255, '188');
  if (pubKeyHash === undefined || scriptHash === undefined || wif === undefined) return undefined;
  if (pubKeyHash === scriptHash) {
    return c.fail(
      SpecErrorCode.CONFLICT,
      'prefixes.scriptHash',
      `equals prefixes.pubKeyHash (${pubKeyHash}), so P2PKH and P2SH addresses would be indistinguishable`,
      'choose two different version bytes',
    );
  }
  return { pubKeyHash, scriptHash, wif };
}

function p2pkh(hash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x76, 0xa9, 0x14), hash, Uint8Array.of(0x88, 0xac));
}

function p2sh(hash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0xa9, 0x14), hash, Uint8Array.of(0x87));
}

function parseAllocation(c: Checker, v: unknown, path: string, prefixes: ChainPrefixes | undefined): Allocation | undefined {
  const o = c.object(v, path);
  if (o === undefined) return undefined;
  c.only(o, path, ['address', 'script', 'amount']);
  const amount = c.amount(c.required(o, 'amount', path, '"1000"'), join(path, 'amount'), false);
  const hasAddress = o['address'] !== undefined;
  const hasScript = o['script'] !== undefined;
  if (hasAddress === hasScript) {
    return c.fail(
      SpecErrorCode.CONFLICT,
      path,
      hasAddress ? 'has both "address" and "script"' : 'has neither "address" nor "script"',
      'give exactly one: "address": "R..." or "script": "<hex scriptPubKey>"',
    );
  }
  if (hasAddress) {
    const address = c.string(o['address'], join(path, 'address'), '"RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhA"');
    if (address === undefined || prefixes === undefined) return undefined;
    const d = decodeAddress(address, prefixes);
    if (!d.ok) {
      return c.fail(
        SpecErrorCode.BAD_ADDRESS,
        join(path, 'address'),
        d.error.message,
        'use an address of this chain (its prefixes), or give the output script as "script"',
      );
    }
    if (amount === undefined) return undefined;
    const script = d.value.kind === 'pubkeyhash' ? p2pkh(d.value.hash) : p2sh(d.value.hash);
    return { script, amount, address };
  }
  const hex = c.string(o['script'], join(path, 'script'), '"76a914...88ac"');
  if (hex === undefined) return undefined;
  if (!isHex(hex) || hex.length === 0 || hex.length / 2 > MAX_ALLOCATION_SCRIPT_BYTES) {
    return c.fail(
      SpecErrorCode.BAD_SCRIPT,
      join(path, 'script'),
      'is not a non-empty even-length hex string of at most 10,000 bytes',
      'write the scriptPubKey as hex, e.g. "76a914<20-byte hash>88ac"',
    );
  }
  if (amount === undefined) return undefined;
  return { script: fromHex(hex), amount };
}

function parseAllocations(c: Checker, v: unknown, prefixes: ChainPrefixes | undefined): Allocation[] | undefined {
  const arr = c.array(v, 'allocations');
  if (arr === undefined) return undefined;
  if (arr.length > MAX_ALLOCATIONS) {
    return c.fail(SpecErrorCode.BAD_VALUE, 'allocations', `${arr.length} entries`, `use at most ${MAX_ALLOCATIONS}`);
  }
  const out: Allocation[] = [];
  let failed = false;
  let total = 0n;
  arr.forEach((a, i) => {
    const r = parseAllocation(c, a, `allocations[${i}]`, prefixes);
    if (r === undefined) failed = true;
    else {
      out.push(r);
      total += r.amount;
    }
  });
  if (failed) return undefined;
  if (total > MAX_MONEY) {
    return c.fail(
      SpecErrorCode.BAD_AMOUNT,
      'allocations',
      `the total ${formatCoins(total)} exceeds MAX_MONEY`,
      `keep the sum of all allocations at most ${formatCoins(MAX_MONEY)} coins`,
    );
  }
  return out;
}

function parseReward(c: Checker, v: unknown): RewardSpec | undefined {
  const o = c.object(v, 'reward');
  if (o === undefined) return undefined;
  c.only(o, 'reward', ['initial', 'halvingInterval', 'endHeight']);
  const initial = c.amount(opt(o, 'initial', SPEC_DEFAULTS.reward.initial), 'reward.initial', true);
  const halvingInterval = c.int(opt(o, 'halvingInterval', 0), 'reward.halvingInterval', 0, U32_MAX, '0 (never) or 2100000');
  const endHeight = c.int(opt(o, 'endHeight', 0), 'reward.endHeight', 0, U32_MAX, '0 (never) or 1000000');
  if (initial === undefined || halvingInterval === undefined || endHeight === undefined) return undefined;
  return { initial, halvingInterval, endHeight };
}

function parseProducers(c: Checker, v: unknown): ScheduleEntry[] | undefined {
  const arr = c.array(v, 'producers');
  if (arr === undefined) return undefined;
  if (arr.length < 1 || arr.length > MAX_SCHEDULE_PRODUCERS) {
    return c.fail(SpecErrorCode.BAD_VALUE, 'producers', `${arr.length} producers`, `list 1..${MAX_SCHEDULE_PRODUCERS} producers`);
  }
  const out: ScheduleEntry[] = [];
  let failed = false;
  arr.forEach((p, i) => {
    const path = `producers[${i}]`;
    const o = c.object(p, path);
    if (o === undefined) return void (failed = true);
    c.only(o, path, ['name', 'key']);
    const name = c.string(c.required(o, 'name', path, '"alice"'), join(path, 'name'), '"alice"');
    const keyHex = c.string(c.required(o, 'key', path, '"<64 hex digits>"'), join(path, 'key'), '"<64 hex digits>"');
    if (name !== undefined && !NAME_RE.test(name)) {
      c.fail(
        SpecErrorCode.BAD_VALUE,
        join(path, 'name'),
        `${JSON.stringify(name)} is not a valid producer name`,
        'use 1..32 characters: a lower-case letter, then lower-case letters, digits, ".", "_" or "-"',
      );
      failed = true;
    }
    let key: Uint8Array | undefined;
    if (keyHex !== undefined) {
      if (isHex(keyHex) && keyHex.length === 64 && isValidPubkey(concatBytes(Uint8Array.of(2), fromHex(keyHex)))) {
        key = fromHex(keyHex).slice();
      } else {
        const compressed = isHex(keyHex) && keyHex.length === 66 && /^0[23]/.test(keyHex);
        c.fail(
          SpecErrorCode.BAD_KEY,
          join(path, 'key'),
          isHex(keyHex) && keyHex.length === 64 ? 'is not the x coordinate of a secp256k1 point' : 'is not 64 hex digits',
          compressed
            ? `give the 32-byte x-only (BIP-340) key: drop the leading "${keyHex.slice(0, 2)}" of the compressed key`
            : 'give the 32-byte x-only (BIP-340) public key as 64 hex digits (the "key" of a keys file written by cchost chain new --producers N)',
        );
      }
    }
    if (name === undefined || key === undefined) failed = true;
    else out.push({ name, key });
  });
  if (failed) return undefined;
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.name === out[i]!.name) {
      return c.fail(SpecErrorCode.DUPLICATE, `producers[${i}].name`, `${JSON.stringify(out[i]!.name)} is listed twice`, 'give each producer one entry');
    }
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < out.length; i++) {
    const k = toHex(out[i]!.key);
    const j = seen.get(k);
    if (j !== undefined) {
      return c.fail(
        SpecErrorCode.DUPLICATE,
        `producers[${i}].key`,
        `is the same key as producers[${j}]`,
        'give each producer its own key (a shared key would let one signer vote twice)',
      );
    }
    seen.set(k, i);
  }
  const sorted = out.map((p) => p.name).sort();
  for (let i = 0; i < out.length; i++) {
    if (sorted[i] !== out[i]!.name) {
      return c.fail(
        SpecErrorCode.UNSORTED,
        'producers',
        'producers are not sorted by name (the schedule order is alphabetical)',
        `list them in this order: ${sorted.join(', ')}`,
      );
    }
  }
  return out;
}

function parseEvalCode(c: Checker, v: unknown, path: string): number | undefined {
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,2}$/.test(v)) return c.int(parseInt(v.slice(2), 16), path, 1, 255, '228');
  if (typeof v === 'string') return c.fail(SpecErrorCode.BAD_VALUE, path, `${JSON.stringify(v)} is not an eval code`, 'write 1..255 as a number (228) or hex string ("0xe4")');
  return c.int(v, path, 1, 255, '228 or "0xe4"');
}

function checkJson(c: Checker, v: unknown, path: string, depth: number): v is JsonValue {
  if (depth > 16) return c.fail(SpecErrorCode.BAD_VALUE, path, 'nested more than 16 levels', 'flatten the module parameters') ?? false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return true;
    return (
      c.fail(
        SpecErrorCode.BAD_VALUE,
        path,
        `${v} is not a safe integer`,
        'consensus parameters use no floating point: write integers (satoshis, basis points), or a decimal string',
      ) ?? false
    );
  }
  if (Array.isArray(v)) return v.every((x, i) => checkJson(c, x, join(path, i), depth + 1));
  if (typeof v === 'object') return Object.entries(v as Obj).every(([k, x]) => checkJson(c, x, join(path, k), depth + 1));
  return c.fail(SpecErrorCode.BAD_TYPE, path, `${describe(v)} is not JSON`, 'use strings, integers, booleans, null, arrays or objects') ?? false;
}

function parseModule(c: Checker, v: unknown, path: string, ccActivation: number): ModuleSpec | undefined {
  const o = c.object(v, path);
  if (o === undefined) return undefined;
  c.only(o, path, ['name', 'evalCode', 'version', 'activationHeight', 'params']);
  const name = c.string(c.required(o, 'name', path, '"faucet"'), join(path, 'name'), '"faucet"');
  const evalCode = parseEvalCode(c, c.required(o, 'evalCode', path, '"0xe4"'), join(path, 'evalCode'));
  const version = c.int(opt(o, 'version', 1), join(path, 'version'), 1, U32_MAX, '1');
  const activationHeight = c.int(opt(o, 'activationHeight', ccActivation), join(path, 'activationHeight'), 0, U32_MAX, '0');
  const paramsRaw = c.object(opt(o, 'params', {}), join(path, 'params'));
  if (name !== undefined && !NAME_RE.test(name)) {
    return c.fail(
      SpecErrorCode.BAD_VALUE,
      join(path, 'name'),
      `${JSON.stringify(name)} is not a valid module name`,
      'use 1..32 characters: a lower-case letter, then lower-case letters, digits, ".", "_" or "-"',
    );
  }
  if (paramsRaw === undefined || !checkJson(c, paramsRaw, join(path, 'params'), 0)) return undefined;
  if (name === undefined || evalCode === undefined || version === undefined || activationHeight === undefined) return undefined;
  const builtin = BUILTIN_MODULE_CODES[name];
  if (builtin !== undefined && builtin !== evalCode) {
    return c.fail(
      SpecErrorCode.MODULE_CODE,
      join(path, 'evalCode'),
      `built-in module ${name} has eval code 0x${builtin.toString(16)}, not 0x${evalCode.toString(16)}`,
      `set "evalCode": "0x${builtin.toString(16)}"`,
    );
  }
  if (builtin === undefined) {
    const owner = Object.entries(BUILTIN_MODULE_CODES).find(([, code]) => code === evalCode);
    if (owner !== undefined) {
      return c.fail(
        SpecErrorCode.MODULE_CODE,
        join(path, 'evalCode'),
        `0x${evalCode.toString(16)} is reserved for the built-in module ${owner[0]}`,
        'pick a free code in 0x10..0x7f for your own module (MODULES.md §8)',
      );
    }
  }
  if (activationHeight < ccActivation) {
    return c.fail(
      SpecErrorCode.CONFLICT,
      join(path, 'activationHeight'),
      `${activationHeight} is before cc.activationHeight ${ccActivation}, when no module can run`,
      `use a height of at least ${ccActivation}`,
    );
  }
  return { name, evalCode, version, activationHeight, params: paramsRaw as Record<string, JsonValue> };
}

function parseCc(c: Checker, v: unknown): CcSpec | undefined {
  const o = c.object(v, 'cc');
  if (o === undefined) return undefined;
  c.only(o, 'cc', ['enabled', 'activationHeight', 'allowedTypes', 'modules']);
  const enabledRaw = opt(o, 'enabled', SPEC_DEFAULTS.cc.enabled);
  const enabled = typeof enabledRaw === 'boolean' ? enabledRaw : c.fail(SpecErrorCode.BAD_TYPE, 'cc.enabled', `expected true or false, got ${describe(enabledRaw)}`, 'write true or false');
  const activationHeight = c.int(opt(o, 'activationHeight', 0), 'cc.activationHeight', 0, U32_MAX, '0');
  let allowedTypes: number | undefined;
  const typesRaw = c.array(opt(o, 'allowedTypes', SPEC_DEFAULTS.cc.allowedTypes), 'cc.allowedTypes');
  if (typesRaw !== undefined) {
    let mask = 0;
    let bad = false;
    typesRaw.forEach((t, i) => {
      const id = typeof t === 'string' ? CC_TYPE_IDS[t] : undefined;
      if (id === undefined) {
        bad = true;
        c.fail(SpecErrorCode.BAD_VALUE, `cc.allowedTypes[${i}]`, `${describe(t)} is not a condition type`, `use one of ${Object.keys(CC_TYPE_IDS).join(', ')}`);
      } else if (mask & (1 << id)) {
        bad = true;
        c.fail(SpecErrorCode.DUPLICATE, `cc.allowedTypes[${i}]`, `${t} is listed twice`, 'list each type once');
      } else mask |= 1 << id;
    });
    if (!bad && (mask & ((1 << CC_TYPE_IDS['ed25519']!) | (1 << CC_TYPE_IDS['secp256k1']!))) === 0) {
      bad = true;
      c.fail(
        SpecErrorCode.BAD_VALUE,
        'cc.allowedTypes',
        'allows neither secp256k1 nor ed25519, so no CC output could require a signature (CC.md B6.2)',
        'include "secp256k1" (the default list is preimage, threshold, ed25519, secp256k1, eval)',
      );
    }
    if (!bad) allowedTypes = mask;
  }
  const modsRaw = c.array(opt(o, 'modules', []), 'cc.modules');
  if (enabled === undefined || activationHeight === undefined || allowedTypes === undefined || modsRaw === undefined) return undefined;
  if (!enabled && modsRaw.length > 0) {
    return c.fail(SpecErrorCode.CONFLICT, 'cc.modules', 'modules are listed but cc.enabled is false', 'set "enabled": true or remove the modules');
  }
  const modules: ModuleSpec[] = [];
  let failed = false;
  modsRaw.forEach((m, i) => {
    const r = parseModule(c, m, `cc.modules[${i}]`, activationHeight);
    if (r === undefined) failed = true;
    else modules.push(r);
  });
  if (failed) return undefined;
  for (let i = 0; i < modules.length; i++) {
    for (let j = 0; j < i; j++) {
      if (modules[j]!.name === modules[i]!.name) {
        return c.fail(SpecErrorCode.DUPLICATE, `cc.modules[${i}].name`, `module ${modules[i]!.name} is listed twice`, 'list each module once');
      }
      if (modules[j]!.evalCode === modules[i]!.evalCode) {
        return c.fail(
          SpecErrorCode.DUPLICATE,
          `cc.modules[${i}].evalCode`,
          `eval code 0x${modules[i]!.evalCode.toString(16)} is also used by cc.modules[${j}] (${modules[j]!.name})`,
          'give each module its own eval code',
        );
      }
    }
  }
  modules.sort((a, b) => a.evalCode - b.evalCode);
  return { enabled, activationHeight, allowedTypes, modules };
}

function parseLimits(c: Checker, v: unknown): LimitsSpec | undefined {
  const o = c.object(v, 'limits');
  if (o === undefined) return undefined;
  c.only(o, 'limits', ['maxBlockBytes', 'maxTxBytes']);
  const maxBlockBytes = c.int(opt(o, 'maxBlockBytes', SPEC_DEFAULTS.limits.maxBlockBytes), 'limits.maxBlockBytes', MIN_BLOCK_BYTES, ABSOLUTE_MAX_BLOCK_BYTES, '2000000');
  const maxTxBytes = c.int(opt(o, 'maxTxBytes', SPEC_DEFAULTS.limits.maxTxBytes), 'limits.maxTxBytes', MIN_TX_BYTES, ABSOLUTE_MAX_BLOCK_BYTES, '100000');
  if (maxBlockBytes === undefined || maxTxBytes === undefined) return undefined;
  if (maxTxBytes > maxBlockBytes) {
    return c.fail(SpecErrorCode.CONFLICT, 'limits.maxTxBytes', `${maxTxBytes} exceeds limits.maxBlockBytes ${maxBlockBytes}`, 'make it at most maxBlockBytes');
  }
  return { maxBlockBytes, maxTxBytes };
}

function varintSize(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** Upper bound of the genesis block's size for these allocations (header ≤ 400 bytes, see genesis.ts). */
function genesisBlockBytesBound(allocations: readonly Allocation[]): number {
  let outs = 0;
  for (const a of allocations) outs += 8 + varintSize(a.script.length) + a.script.length;
  if (allocations.length === 0) outs = 8 + 1 + 1;
  return 400 + 1 + 4 + 1 + 41 + 35 + varintSize(Math.max(allocations.length, 1)) + outs + 4;
}

/**
 * Validates a parsed JSON chain spec and fills defaults. On failure the error is the first problem
 * and `errors` lists them all; each has `path` (e.g. `producers[1].key`) and `fix`.
 * Example: `parseChainSpec(JSON.parse(readFileSync('chain.json', 'utf8')))`.
 */
export function parseChainSpec(json: unknown): Result<ChainSpec, SpecError> {
  const c = new Checker();
  const o = c.object(json, '');
  if (o === undefined) return failWith(c);
  c.only(o, '', TOP_FIELDS);
  const nameRaw = c.string(c.required(o, 'name', '', '"mychain"'), 'name', '"mychain"');
  let name: string | undefined;
  if (nameRaw !== undefined) {
    if (CHAIN_NAME_RE.test(nameRaw)) name = nameRaw;
    else c.fail(SpecErrorCode.BAD_VALUE, 'name', `${JSON.stringify(nameRaw)} is not a valid chain name`, 'use 1..64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const versionRaw = opt(o, 'version', SPEC_DEFAULTS.version);
  if (versionRaw !== 1) c.fail(SpecErrorCode.BAD_VERSION, 'version', `spec format ${describe(versionRaw)} is not supported`, 'use "version": 1');
  const prefixes = parsePrefixes(c, opt(o, 'prefixes', {}));
  const genesisTimeMs = c.int(c.required(o, 'genesisTimeMs', '', String(Date.UTC(2025, 0, 1))), 'genesisTimeMs', 0, 8.64e15, String(Date.UTC(2025, 0, 1)));
  const allocations = parseAllocations(c, opt(o, 'allocations', []), prefixes);
  const reward = parseReward(c, opt(o, 'reward', {}));
  const minRelayFeePerKb = c.amount(opt(o, 'minRelayFeePerKb', SPEC_DEFAULTS.minRelayFeePerKb), 'minRelayFeePerKb', true);
  const coinbaseMaturity = c.int(opt(o, 'coinbaseMaturity', SPEC_DEFAULTS.coinbaseMaturity), 'coinbaseMaturity', 0, 1_000_000, '100');
  const slotMs = c.int(opt(o, 'slotMs', SPEC_DEFAULTS.slotMs), 'slotMs', 50, 60_000, '500');
  const turnLength = c.int(opt(o, 'turnLength', SPEC_DEFAULTS.turnLength), 'turnLength', 1, 1000, '12');
  const producers = parseProducers(c, c.required(o, 'producers', '', '[{"name": "alice", "key": "<64 hex digits>"}]'));
  const cc = parseCc(c, opt(o, 'cc', {}));
  const limits = parseLimits(c, opt(o, 'limits', {}));
  if (allocations !== undefined && limits !== undefined && genesisBlockBytesBound(allocations) > limits.maxBlockBytes) {
    c.fail(
      SpecErrorCode.CONFLICT,
      'allocations',
      'the genesis block would exceed limits.maxBlockBytes',
      'use fewer allocations (merge them) or raise limits.maxBlockBytes',
    );
  }
  if (
    c.errors.length > 0 ||
    name === undefined ||
    prefixes === undefined ||
    genesisTimeMs === undefined ||
    allocations === undefined ||
    reward === undefined ||
    minRelayFeePerKb === undefined ||
    coinbaseMaturity === undefined ||
    slotMs === undefined ||
    turnLength === undefined ||
    producers === undefined ||
    cc === undefined ||
    limits === undefined
  ) {
    return failWith(c);
  }
  return ok({
    name,
    version: 1,
    prefixes,
    genesisTimeMs,
    allocations,
    reward,
    minRelayFeePerKb,
    coinbaseMaturity,
    slotMs,
    turnLength,
    schedule: { version: 1, producers },
    cc,
    limits,
  });
}

function failWith(c: Checker): { ok: false; error: SpecError } {
  const first = c.errors[0] ?? {
    code: SpecErrorCode.BAD_VALUE,
    path: '',
    fix: 'check the file against docs/chain-spec.md',
    message: 'chain spec is invalid',
  };
  const more = c.errors.length > 1 ? ` (and ${c.errors.length - 1} more problem${c.errors.length > 2 ? 's' : ''})` : '';
  return err({ ...first, message: first.message + more, errors: c.errors });
}

/** Parses spec text (JSON) and validates it; a syntax error is `SPEC_BAD_JSON`. */
export function parseChainSpecText(text: string): Result<ChainSpec, SpecError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const fix = 'fix the JSON syntax at the position the message gives';
    const error: SpecError = { code: SpecErrorCode.BAD_JSON, path: '', fix, message: `chain spec is not valid JSON: ${msg}; ${fix}` };
    return err({ ...error, errors: [error] });
  }
  return parseChainSpec(json);
}
