/**
 * The strict DER reader (CC.md A6), one rule at a time, on hand-made encodings. Each rejection must
 * carry the code and the rule it breaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, parseCondition, parseFulfillment, type CCError } from '../../src/cc/conditions/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.ts';

const h = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ''));
const FP = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
const PREIMAGE_COND = `A025 8020${FP} 810100`;

function rejectsF(hex: string | Uint8Array, code: string, rule: string): CCError {
  const r = parseFulfillment(typeof hex === 'string' ? h(hex) : hex);
  assert.equal(r.ok, false, `expected ${code} ${rule}`);
  assert.ok(!r.ok);
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.rule, rule, r.error.message);
  assert.ok(r.error.message.startsWith(`${rule}: `));
  return r.error;
}

function rejectsC(hex: string, code: string, rule: string): void {
  const r = parseCondition(h(hex));
  assert.ok(!r.ok, `expected ${code} ${rule}`);
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.rule, rule, r.error.message);
}

function der(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255];
  return Uint8Array.from([tag, ...len, ...body]);
}
const cat = (...p: Uint8Array[]): Uint8Array => Uint8Array.from(p.flatMap((x) => [...x]));

test('accepts the minimal encodings of A4', () => {
  for (const f of ['A0028000', 'A10B8000810100A204A0028000', 'A208A004A0028000A100', 'AF0780055445535401']) {
    assert.ok(parseFulfillment(h(f)).ok, f);
  }
  assert.ok(parseCondition(h(PREIMAGE_COND)).ok);
});

test('A6.1: data after the outer TLV, inner TLVs not filling their parent, an extra field', () => {
  rejectsF('A002800000', 'CC_PARSE', 'A6.1');
  rejectsF('A003800000', 'CC_PARSE', 'A6.1');
  rejectsF('A0048000 8100', 'CC_PARSE', 'A6.1');
  rejectsC(`${PREIMAGE_COND}00`, 'CC_PARSE', 'A6.1');
});

test('A6.2: indefinite, non-minimal long-form and overlong lengths', () => {
  rejectsF('A08080000000', 'CC_PARSE', 'A6.2');
  rejectsF('A081028000', 'CC_PARSE', 'A6.2');
  rejectsF('A08200028000', 'CC_PARSE', 'A6.2');
  rejectsF('A0058000', 'CC_PARSE', 'A6.2');
  rejectsF('A002 8081 00', 'CC_PARSE', 'A6.2');
  rejectsF('A0', 'CC_PARSE', 'A6.2');
  rejectsF('A085 0000000002 8000', 'CC_PARSE', 'A6.2');
});

test('A6.3: wrong tags, constructed bit, unknown and high-tag types, missing fields', () => {
  rejectsF('A0028100', 'CC_PARSE', 'A6.3'); // preimage field tagged 81
  rejectsF('80028000', 'CC_PARSE', 'A6.3'); // primitive outer tag
  rejectsF('A6028000', 'CC_PARSE', 'A6.3'); // type 6 is unknown
  rejectsF('AE028000', 'CC_PARSE', 'A6.3'); // type 14 is unknown
  rejectsF('BF630480020000', 'CC_PARSE', 'A6.3'); // high-tag form [99]
  rejectsF('BF0F028000', 'CC_PARSE', 'A6.3'); // high-tag form of 15 is not AF
  rejectsF('', 'CC_PARSE', 'A6.3');
  rejectsF('00', 'CC_PARSE', 'A6.2'); // a lone tag byte has no length
  rejectsF(`A422 8020${'11'.repeat(32)}`, 'CC_PARSE', 'A6.3'); // ed25519 without its signature
  rejectsF('A206 A0 04 A0028000', 'CC_PARSE', 'A6.3'); // threshold without its A1 set
  rejectsC(`A625 8020${FP} 810100`, 'CC_PARSE', 'A6.3');
  rejectsC(`BF1F25 8020${FP} 810100`, 'CC_PARSE', 'A6.3');
  rejectsC(`A022 8020${FP}`, 'CC_PARSE', 'A6.3'); // no cost
});

test('A6.4: non-minimal, negative and out-of-range INTEGERs', () => {
  rejectsF('A10C 8000 81020000 A204A0028000', 'CC_PARSE', 'A6.4'); // maxMessageLength 0 in two bytes
  rejectsF('A10B 8000 810180 A204A0028000', 'CC_PARSE', 'A6.4'); // negative
  rejectsF('A10F 8000 81050100000000 A204A0028000', 'CC_PARSE', 'A6.4'); // 2^32
  rejectsF('A10A 8000 8100 A204A0028000', 'CC_PARSE', 'A6.4'); // empty INTEGER
  // in range up to the largest value whose node cost (mml + 1024) still fits in 2^32 − 1
  const wide = { limits: { maxRootCost: 0xffffffff } };
  assert.ok(parseFulfillment(h('A10F 8000 810500FFFFFBFF A204A0028000'), wide).ok);
  const over = parseFulfillment(h('A10F 8000 810500FFFFFC00 A204A0028000'), wide);
  assert.ok(!over.ok && over.error.code === 'CC_LIMIT' && over.error.rule === 'A5.2');
  rejectsC(`A026 8020${FP} 81020000`, 'CC_PARSE', 'A6.4');
  rejectsC(`A026 8020${FP} 81020001`, 'CC_PARSE', 'A6.4');
  rejectsC(`A025 8020${FP} 8101FF`, 'CC_PARSE', 'A6.4');
  rejectsC(`A029 8020${FP} 81050100000000`, 'CC_PARSE', 'A6.4');
});

test('A6.5: subtypes must be the canonical BIT STRING of known ids, on compound types only', () => {
  const thr = (st: string): string => {
    const body = h(`8020${FP} 810100 ${st}`);
    return toHex(der(0xa2, body));
  };
  assert.ok(parseCondition(h(thr('82020780'))).ok);
  assert.ok(parseCondition(h(thr('82020700'))).ok, 'the empty mask is 07 00 (A3.4)');
  assert.ok(parseCondition(h(thr('8203000401'))).ok);
  rejectsC(thr('82020080'), 'CC_PARSE', 'A6.5'); // unused-bits byte not minimal
  rejectsC(thr('820100'), 'CC_PARSE', 'A6.5'); // empty mask as 01 00
  rejectsC(thr('8203078000'), 'CC_PARSE', 'A6.5'); // trailing zero byte
  rejectsC(thr('82020309'), 'CC_PARSE', 'A6.5'); // a bit set in the unused part
  rejectsC(thr('82020102'), 'CC_PARSE', 'A6.5'); // type id 6 is unknown
  rejectsC(thr('8203000040'), 'CC_PARSE', 'A6.5'); // type id 9 is unknown
  rejectsC(thr('820400000001'), 'CC_PARSE', 'A6.5'); // type id 23
  rejectsC(`A029 8020${FP} 810100 82020780`, 'CC_PARSE', 'A6.5'); // subtypes on a simple type
  rejectsC(`A225 8020${FP} 810100`, 'CC_PARSE', 'A6.5'); // missing subtypes on a compound type
});

test('A6.6: unsorted SET OF sub-fulfillments and sub-conditions; duplicates are allowed', () => {
  rejectsF('A213A00FA006800461626364A0058003616263A100', 'CC_PARSE', 'A6.6');
  assert.ok(parseFulfillment(h('A213A00FA0058003616263A006800461626364A100')).ok);
  const condA = h(PREIMAGE_COND);
  const condB = h(`A025 8020${'00'.repeat(32)} 810100`);
  const sub = h('A0028000');
  const thr = (conds: Uint8Array[]): Uint8Array => der(0xa2, cat(der(0xa0, sub), der(0xa1, cat(...conds))));
  assert.ok(parseFulfillment(thr([condB, condA])).ok, 'sorted');
  assert.ok(parseFulfillment(thr([condA, condA])).ok, 'duplicates stay');
  rejectsF(thr([condA, condB]), 'CC_PARSE', 'A6.6');
});

test('A6.7: fingerprint, key, signature, modulus sizes and curve membership', () => {
  rejectsC(`A024801F${FP.slice(0, 62)} 810100`, 'CC_PARSE', 'A6.7');
  rejectsC(`A026 8021${FP}00 810100`, 'CC_PARSE', 'A6.7');
  rejectsF(`A424 8020${'11'.repeat(32)} 8100`, 'CC_PARSE', 'A6.7'); // empty ed25519 signature
  rejectsF(`A463 801F${'11'.repeat(31)} 8140${'22'.repeat(64)}`, 'CC_PARSE', 'A6.7');
  const pk = publicKeyFromPrivate(sha256(utf8('k')));
  const sig = '33'.repeat(64);
  assert.ok(parseFulfillment(h(`A565 8021${toHex(pk)} 8140${sig}`)).ok);
  rejectsF(`A564 8021${toHex(pk)} 813F${sig.slice(2)}`, 'CC_PARSE', 'A6.7');
  const bad04 = `04${toHex(pk).slice(2)}`;
  rejectsF(`A565 8021${bad04} 8140${sig}`, 'CC_PARSE', 'A6.7'); // not 02/03
  rejectsF(`A565 8021${'02' + 'FF'.repeat(32)} 8140${sig}`, 'CC_PARSE', 'A6.7'); // x ≥ p: not on the curve
  rejectsF(`A58185 8041${'04' + toHex(pk).slice(2) + '00'.repeat(32)} 8140${sig}`, 'CC_PARSE', 'A6.7'); // 65 bytes
  const rsa = (m: Uint8Array, s: Uint8Array): Uint8Array => der(0xa3, cat(der(0x80, m), der(0x81, s)));
  const m = new Uint8Array(128).fill(0xc5);
  const s = new Uint8Array(128).fill(0x11);
  assert.ok(parseFulfillment(rsa(m, s)).ok);
  rejectsF(rsa(m.subarray(1), s.subarray(1)), 'CC_PARSE', 'A6.7'); // 127-byte modulus
  rejectsF(rsa(new Uint8Array(513).fill(1), new Uint8Array(513)), 'CC_PARSE', 'A6.7'); // 513 bytes
  rejectsF(rsa(Uint8Array.from([0, ...m.subarray(1)]), s), 'CC_PARSE', 'A6.7'); // leading zero
  rejectsF(rsa(m, s.subarray(1)), 'CC_PARSE', 'A6.7'); // signature shorter than the modulus
  rejectsF(rsa(m, m), 'CC_PARSE', 'A6.7'); // signature not below the modulus
});

test('A6.8 / A10: fulfillment size, depth, children, contents, eval code, node and root cost', () => {
  // fulfillment size: 2047 bytes parse, 2048 do not
  const pre = (n: number): Uint8Array => der(0xa0, der(0x80, new Uint8Array(n).fill(0x61)));
  assert.equal(pre(2039).length, 2047);
  assert.ok(parseFulfillment(pre(2039)).ok);
  assert.equal(rejectsF(pre(2040), 'CC_LIMIT', 'A10').code, 'CC_LIMIT');
  // depth: root = 1; 15 nested 1-of-1 thresholds put the preimage leaf at depth 16, the maximum
  const nest = (levels: number): Uint8Array => {
    let f = h('A0028000');
    for (let i = 0; i < levels; i++) f = der(0xa2, cat(der(0xa0, f), der(0xa1, new Uint8Array(0))));
    return f;
  };
  assert.ok(parseFulfillment(nest(15)).ok);
  rejectsF(nest(16), 'CC_LIMIT', 'A10');
  // an anonymous child counts towards the depth too
  const anonDeep = (levels: number): Uint8Array => {
    let f = der(0xa2, cat(der(0xa0, h('A0028000')), der(0xa1, h(PREIMAGE_COND))));
    for (let i = 0; i < levels; i++) f = der(0xa2, cat(der(0xa0, f), der(0xa1, new Uint8Array(0))));
    return f;
  };
  assert.ok(parseFulfillment(anonDeep(14)).ok);
  rejectsF(anonDeep(15), 'CC_LIMIT', 'A10');
  // children: 256 allowed, 257 not (fulfillment size relaxed to isolate the rule)
  const wide = (n: number): Uint8Array =>
    der(0xa2, cat(der(0xa0, h('A0028000')), der(0xa1, cat(...Array.from({ length: n - 1 }, () => h(PREIMAGE_COND))))));
  const big = { limits: { maxFulfillment: 1 << 20, maxContents: 1 << 20 } };
  assert.ok(parseFulfillment(wide(256), big).ok);
  const r = parseFulfillment(wide(257), big);
  assert.ok(!r.ok && r.error.code === 'CC_LIMIT' && r.error.rule === 'A5.1');
  // contents: 100 children give 30 82 0F.. contents > 4096 bytes
  const c = parseFulfillment(wide(110), { limits: { maxFulfillment: 1 << 20 } });
  assert.ok(!c.ok && c.error.code === 'CC_LIMIT' && /fingerprint contents of \d+ bytes exceed 4096/.test(c.error.message));
  // eval code 1..1024
  rejectsF('AF028000', 'CC_LIMIT', 'A10');
  assert.ok(parseFulfillment(der(0xaf, der(0x80, new Uint8Array(1024)))).ok);
  rejectsF(der(0xaf, der(0x80, new Uint8Array(1025))), 'CC_LIMIT', 'A10');
  // node cost: maxMessageLength 2^32 − 1 plus the child's cost overflows the node range (A5.2)
  rejectsF('A10F 8000 810500FFFFFFFF A204A0028000', 'CC_LIMIT', 'A5.2');
  // root cost: 8 evals under an 8-of-8 cost 8·1048576 + 8·1024 > 2^23
  const evals = (n: number): Uint8Array =>
    der(0xa2, cat(der(0xa0, cat(...Array.from({ length: n }, (_, i) => h(`AF038001${(i + 1).toString(16).padStart(2, '0')}`)))), der(0xa1, new Uint8Array(0))));
  assert.ok(parseFulfillment(evals(7)).ok);
  rejectsF(evals(8), 'CC_LIMIT', 'A10');
  const rootCost = toHex(der(0xa2, h(`8020${FP} 810400802001 8203000001`)));
  rejectsC(rootCost, 'CC_LIMIT', 'A10');
  assert.equal(DEFAULT_LIMITS.maxRootCost, 8_388_608);
});
