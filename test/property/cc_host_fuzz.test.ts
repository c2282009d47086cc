/**
 * Decoder fuzzing of the host codecs (fast-check): the OP_RETURN payload and script decoders, the
 * params tail parser, the CC output decoder and CompactSize never throw on any bytes and fail only
 * with a typed code naming its rule; whatever they accept re-encodes to exactly the input; encoding
 * random valid values then decoding gives the values back. Runs: CCHOST_FUZZ_RUNS (default 300);
 * seed: CCHOST_FUZZ_SEED (printed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CcHostErrorCode,
  cc1of1,
  ccOutputScript,
  decodeCcOutput,
  decodeOpretPayload,
  defineOpretSchema,
  encodeOpretPayload,
  encodeParamsTail,
  opretPayload,
  opretScript,
  parseParamsTail,
  readCompactSize,
  unwrap,
  writeCompactSize,
  type OpretValue,
} from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { concatBytes, equalBytes, utf8 } from '../../src/util/bytes.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);
const seed = Number(process.env['CCHOST_FUZZ_SEED'] ?? 0xcc405);
console.log(`cc_host_fuzz: seed ${seed}, ${runs} runs per property`);
const params = { numRuns: runs, seed };
const CODES = new Set<string>(Object.values(CcHostErrorCode));

/** A failure must carry a host code and a message that starts with its rule. */
function typed(r: { ok: boolean; error?: { code: string; rule: string; message: string } }, codes: readonly string[]): void {
  if (r.ok) return;
  const e = r.error!;
  assert.ok(CODES.has(e.code) && codes.includes(e.code), `unexpected code ${e.code}`);
  assert.ok(/^B\d+(\.[0-9A-Z]+)*$/.test(e.rule), `rule ${e.rule}`);
  assert.ok(e.message.startsWith(`${e.rule}: `), e.message);
}

const EVAL = 0x70;
const SCHEMA = defineOpretSchema(EVAL, {
  A: [['a', 'u8'], ['b', 'i32'], ['c', 'u32'], ['d', 'i64'], ['e', 'u64']],
  B: [['bytes', 'bytes'], ['text', 'string']],
  C: [['pk', 'pubkey'], ['id', 'uint256']],
  D: [],
});

/** Payload-shaped bytes: often the right eval code and a declared funcid, then anything. */
const payloadish = fc.oneof(
  fc.uint8Array({ maxLength: 96 }),
  fc.tuple(fc.constantFrom(EVAL, EVAL, 0x71), fc.constantFrom(0x41, 0x42, 0x43, 0x44, 0x45, 0x61), fc.uint8Array({ maxLength: 90 })).map(([e, f, rest]) => concatBytes(Uint8Array.of(e, f), rest)),
);

const pubkey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((x) => concatBytes(Uint8Array.of(0x02 | (x[0]! & 1)), x));
const values: fc.Arbitrary<[string, Record<string, OpretValue>]> = fc.oneof(
  fc
    .record({
      a: fc.integer({ min: 0, max: 255 }),
      b: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      c: fc.integer({ min: 0, max: 0xffffffff }),
      d: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      e: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    })
    .map((v): [string, Record<string, OpretValue>] => ['A', v]),
  fc.record({ bytes: fc.uint8Array({ maxLength: 300 }), text: fc.string({ unit: 'grapheme', maxLength: 40 }) }).map((v): [string, Record<string, OpretValue>] => ['B', v]),
  fc.record({ pk: pubkey, id: fc.uint8Array({ minLength: 32, maxLength: 32 }) }).map((v): [string, Record<string, OpretValue>] => ['C', v]),
  fc.constant<[string, Record<string, OpretValue>]>(['D', {}]),
);

test('fuzz: decodeOpretPayload never throws, fails typed, and re-encodes what it accepts', () => {
  fc.assert(
    fc.property(payloadish, (bytes) => {
      const r = decodeOpretPayload(SCHEMA, bytes);
      typed(r, [CcHostErrorCode.OPRET]);
      if (r.ok) assert.ok(equalBytes(unwrap(encodeOpretPayload(SCHEMA, r.value.funcid, r.value.fields)), bytes));
    }),
    params,
  );
});

test('fuzz: encode then decode gives the values back; mutations of the encoding keep the laws', () => {
  fc.assert(
    fc.property(values, fc.nat(), fc.integer({ min: 0, max: 7 }), ([funcid, v], pos, bit) => {
      const bytes = unwrap(encodeOpretPayload(SCHEMA, funcid, v));
      const d = unwrap(decodeOpretPayload(SCHEMA, bytes));
      assert.equal(d.funcid, funcid);
      assert.deepEqual(d.fields, { ...v });
      const flipped = bytes.slice();
      flipped[pos % bytes.length] = flipped[pos % bytes.length]! ^ (1 << bit);
      for (const m of [flipped, bytes.subarray(0, pos % bytes.length), concatBytes(bytes, Uint8Array.of(bit))]) {
        const r = decodeOpretPayload(SCHEMA, m);
        typed(r, [CcHostErrorCode.OPRET]);
        if (r.ok) assert.ok(equalBytes(unwrap(encodeOpretPayload(SCHEMA, r.value.funcid, r.value.fields)), m));
      }
    }),
    params,
  );
});

test('fuzz: opretPayload never throws and accepts exactly the scripts opretScript writes', () => {
  const scriptish = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.tuple(fc.constantFrom(0x01, 0x02, 0x05, 0x4b, 0x4c, 0x4d, 0x4e), fc.uint8Array({ maxLength: 300 })).map(([op, rest]) => concatBytes(Uint8Array.of(0x6a, op), rest)),
    fc.uint8Array({ minLength: 2, maxLength: 400 }).map((p) => unwrap(opretScript(p))),
  );
  fc.assert(
    fc.property(scriptish, (s) => {
      const r = opretPayload(s);
      typed(r, [CcHostErrorCode.OPRET]);
      if (r.ok) assert.ok(equalBytes(unwrap(opretScript(r.value)), s));
    }),
    params,
  );
});

test('fuzz: parseParamsTail never throws and re-encodes what it accepts', () => {
  const tailish = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.tuple(fc.constantFrom(0, 1, 1, 2), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 530 })).map(([v, e, d]) => concatBytes(Uint8Array.of(v, e), d)),
  );
  fc.assert(
    fc.property(tailish, (p) => {
      const r = parseParamsTail(p);
      typed(r, [CcHostErrorCode.TAIL]);
      if (r.ok) assert.ok(equalBytes(unwrap(encodeParamsTail(r.value)), p));
    }),
    params,
  );
});

test('fuzz: decodeCcOutput never throws, fails typed, and rebuilds every CC output it accepts', () => {
  const pk = publicKeyFromPrivate(sha256(utf8('fuzz key')));
  const base = ccOutputScript(cc1of1(EVAL, pk), { evalCode: EVAL, data: utf8('data') });
  const scriptish = fc.oneof(
    fc.uint8Array({ maxLength: 120 }),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([pos, bit]) => {
      const s = base.slice();
      s[pos % s.length] = s[pos % s.length]! ^ (1 << bit);
      return s;
    }),
    fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 8 })).map(([cut, extra]) => concatBytes(base.subarray(0, cut % (base.length + 1)), extra)),
  );
  fc.assert(
    fc.property(scriptish, (s) => {
      const r = decodeCcOutput(s);
      typed(r, [CcHostErrorCode.PARSE, CcHostErrorCode.LIMIT, CcHostErrorCode.TAIL]);
      if (r.ok && r.value.kind === 'cc') {
        const t = r.value.tail;
        const rebuilt = ccOutputScript(r.value.conditionBytes, t !== undefined ? { evalCode: t.evalCode, data: t.data } : undefined);
        assert.ok(equalBytes(rebuilt, s));
      }
    }),
    params,
  );
});

test('fuzz: readCompactSize never throws and accepts only minimal encodings', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      const r = readCompactSize(b, 0);
      if (r.ok) assert.ok(equalBytes(writeCompactSize(r.value), b.subarray(0, r.end)));
    }),
    params,
  );
});
