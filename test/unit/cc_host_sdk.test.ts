/**
 * The module SDK (CC.md B2, B3, B9, B10): builders and their costs, CC scripts and addresses, the
 * B9.3 module key example, the params tail, the OP_RETURN codec with the B10 examples, CompactSize,
 * and the CC input signer's errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import {
  CcHostErrorCode,
  MODULE_KEY_TAG,
  cc1of1,
  cc1of2,
  ccAddress,
  conditionToUri,
  ccAddressOfScript,
  ccCondition,
  ccMultiEval,
  ccOutputScript,
  ccScriptSig,
  ccSubScript,
  decodeCcOutput,
  decodeLastOpret,
  decodeOpret,
  decodeOpretPayload,
  defineOpretSchema,
  deriveCondition,
  encodeOpret,
  encodeOpretPayload,
  encodeParamsTail,
  fromJSON,
  moduleGlobalKey,
  opretPayload,
  opretScript,
  parseParamsTail,
  readCompactSize,
  signCcInput,
  unwrap,
  writeCompactSize,
  type OpretCodec,
  type OpretValue,
} from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { CchostError } from '../../src/util/errors.ts';
import { readVectorJson } from '../helpers/vectors.ts';

const HEX = (b: Uint8Array): string => toHex(b).toUpperCase();
const codeOf = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'OK' : r.error!.code);
const pkA = publicKeyFromPrivate(sha256(utf8('sdk a')));
const pkB = publicKeyFromPrivate(sha256(utf8('sdk b')));

test('B9.3: the faucet module key example (hash input, privkey, pubkey, condition, address)', () => {
  const input = concatBytes(utf8(MODULE_KEY_TAG), Uint8Array.of(0xe4), utf8('faucet'));
  assert.equal(HEX(input), '6363686F7374206D6F64756C65206B6579E4666175636574');
  const k = moduleGlobalKey(0xe4, 'faucet');
  assert.equal(HEX(k.privateKey), 'F82C9C07E404862DAF73F538662165F9EFAB4C12E33AB97DB45C286A341E4975');
  assert.equal(HEX(k.publicKey), '029EF601F353266998633647B514CF02FE39D91C3E0E321269070EEAA203B664B8');
  const C = ccCondition(cc1of1(0xe4, k.publicKey));
  assert.equal(HEX(C), 'A22C80200C1297DB42B64E5FD5B3777AAE347844BCD75C6FF62ADDE450337BD61B97B4A58103120C008203000401');
  assert.equal(ccAddress(C, { pubKeyHash: 60 }), 'RQsLmJeNZkUMah19K8F24YnwNbW2sxvuX5');
  assert.notEqual(HEX(moduleGlobalKey(0xe4, 'faucet2').privateKey), HEX(k.privateKey));
  assert.throws(() => moduleGlobalKey(0, 'x'), (e: CchostError) => e.code === CcHostErrorCode.ARG);
  assert.throws(() => moduleGlobalKey(0xe4, ''), (e: CchostError) => e.code === CcHostErrorCode.ARG);
});

test('B9.2: builder shapes and costs; key order is irrelevant; params are committed, cost unchanged', () => {
  const cost = (t: Parameters<typeof deriveCondition>[0]): number => unwrap(deriveCondition(t)).cost;
  assert.equal(cost(cc1of1(0x70, pkA)), 1_182_720);
  assert.equal(cost(cc1of2(0x70, pkA, pkB)), 1_183_744);
  assert.equal(cost(ccMultiEval([0xf2, 0x70], pkA)), 2_232_320);
  assert.equal(HEX(ccCondition(cc1of2(0x70, pkA, pkB))), HEX(ccCondition(cc1of2(0x70, pkB, pkA))));
  assert.equal(HEX(ccCondition(ccMultiEval([0x70], pkA))), HEX(ccCondition(cc1of1(0x70, pkA))));
  assert.equal(HEX(ccCondition(ccMultiEval([0xf2, 0x70], pkA))), HEX(ccCondition(ccMultiEval([0x70, 0xf2], pkA))));
  const withParams = cc1of1(0x12, pkA, new Uint8Array(32).fill(1));
  assert.notEqual(HEX(ccCondition(withParams)), HEX(ccCondition(cc1of1(0x12, pkA))));
  assert.equal(cost(withParams), 1_182_720);
  for (const bad of [() => cc1of1(0, pkA), () => cc1of1(256, pkA), () => cc1of1(0x70, pkA.subarray(1)), () => ccMultiEval([0x70, 0x70], pkA), () => ccMultiEval([], pkA), () => cc1of1(0x70, pkA, new Uint8Array(1024))]) {
    assert.throws(bad, (e: CchostError) => e.code === CcHostErrorCode.ARG);
  }
});

test('A9.4 / B2 / B9.1: the Faucet global output, its tail form and its address', () => {
  const json = {
    type: 'threshold-sha-256',
    threshold: 2,
    subfulfillments: [
      { type: 'eval-sha-256', code: '5A' },
      { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: '03682B255C40D0CDE8FAEE381A1A50BBB89980FF24539CB8518E294D3A63CEFE12' }] },
    ],
  };
  const C = ccCondition(unwrap(fromJSON(json)));
  assert.equal(HEX(C), HEX(ccCondition(cc1of1(0xe4, fromHex('03682B255C40D0CDE8FAEE381A1A50BBB89980FF24539CB8518E294D3A63CEFE12')))));
  const spk = ccOutputScript(C);
  assert.equal(spk.length, 48);
  assert.equal(HEX(spk), '2EA22C8020E029C511DA55523565835887E412E5A0C9B920801B007000DF45E545F25028248103120C008203000401CC');
  const tailed = ccOutputScript(C, { evalCode: 0xe4 });
  assert.equal(HEX(tailed), `${HEX(spk)}0201E475`);
  assert.equal(HEX(ccOutputScript(C, fromHex('01E4'))), HEX(tailed));
  assert.equal(HEX(ccSubScript(C)), HEX(spk));
  assert.equal(ccAddress(C), 'R9zHrofhRbub7ER77B7NrVch3A63R39GuC');
  assert.equal(ccAddressOfScript(tailed), 'R9zHrofhRbub7ER77B7NrVch3A63R39GuC');
  assert.equal(ccAddressOfScript(fromHex('51')), undefined);
  const d = unwrap(decodeCcOutput(tailed));
  assert.ok(d.kind === 'cc' && d.tail?.evalCode === 0xe4 && d.condition.cost === 1_182_720 && HEX(d.subScript) === HEX(spk));
  assert.deepEqual(unwrap(decodeCcOutput(fromHex('76a914' + '00'.repeat(20) + '88ac'))), { kind: 'other' });
  assert.equal(codeOf(decodeCcOutput(fromHex('0501020304 05CC'.replace(' ', '')))), CcHostErrorCode.PARSE);
  assert.equal(codeOf(decodeCcOutput(concatBytes(spk, fromHex('02 02E4 75'.replace(/ /g, ''))))), CcHostErrorCode.TAIL);
  assert.throws(() => ccOutputScript(C, fromHex('02E4')), (e: CchostError) => e.code === CcHostErrorCode.TAIL);
  assert.throws(() => ccSubScript(new Uint8Array(76)), (e: CchostError) => e.code === CcHostErrorCode.ARG);
});

test('B2: params tail bounds: 2..520 bytes, version 01, eval code not 00', () => {
  assert.deepEqual(unwrap(parseParamsTail(fromHex('01E4'))), { version: 1, evalCode: 0xe4, data: new Uint8Array(0) });
  assert.equal(unwrap(parseParamsTail(concatBytes(fromHex('0170'), new Uint8Array(518)))).data.length, 518);
  for (const bad of [fromHex('01'), concatBytes(fromHex('0170'), new Uint8Array(519)), fromHex('0270'), fromHex('0100')]) {
    assert.equal(codeOf(parseParamsTail(bad)), CcHostErrorCode.TAIL, HEX(bad.subarray(0, 4)));
  }
  assert.equal(HEX(unwrap(encodeParamsTail({ evalCode: 0x70, data: fromHex('48') }))), '017048');
  assert.equal(codeOf(encodeParamsTail({ evalCode: 0x70, data: new Uint8Array(519) })), CcHostErrorCode.TAIL);
  assert.equal(codeOf(encodeParamsTail({ evalCode: 0 })), CcHostErrorCode.TAIL);
});

test('B3: the scriptSig builder: shortest pushes, 2048 / 2049 bytes of F‖h, 10,000 / 10,001 bytes of W', () => {
  const F = new Uint8Array(120).fill(0xa2);
  const s = unwrap(ccScriptSig(F, 1));
  assert.equal(HEX(s.subarray(0, 2)), '4C79');
  assert.equal(s.length, 123);
  assert.equal(unwrap(ccScriptSig(new Uint8Array(2047), 1)).length, 2048 + 3);
  assert.equal(codeOf(ccScriptSig(new Uint8Array(2048), 1)), CcHostErrorCode.SCRIPTSIG);
  assert.equal(codeOf(ccScriptSig(new Uint8Array(3), 1)), CcHostErrorCode.SCRIPTSIG);
  assert.equal(unwrap(ccScriptSig(F, 1, new Uint8Array(10_000))).length, 123 + 3 + 10_000);
  assert.equal(codeOf(ccScriptSig(F, 1, new Uint8Array(10_001))), CcHostErrorCode.SCRIPTSIG);
  assert.equal(codeOf(ccScriptSig(F, 1, new Uint8Array(0))), CcHostErrorCode.SCRIPTSIG);
});

test('B10.4: the docs transaction opret decodes under x: [uint256] and is rejected under x: [] (trailing bytes)', () => {
  const v = readVectorJson<{ valid: { id: string; rawTx?: string }[] }>('crypto-conditions/komodo/komodo-vectors.json').valid.find(
    (x) => x.id === 'komodo-docs-assets-global-cc-spend',
  )!;
  const tx = Transaction.fromHex(v.rawTx!);
  const last = Uint8Array.from(tx.outs[tx.outs.length - 1]!.script);
  assert.equal(HEX(last.subarray(0, 4)), '6A22E378');
  const withField = defineOpretSchema(0xe3, { x: [['assetid', 'uint256']] });
  const d = unwrap(decodeLastOpret(withField, tx));
  assert.equal(d.funcid, 'x');
  assert.equal(HEX(d.fields['assetid'] as Uint8Array), HEX(last.subarray(4)));
  assert.equal(HEX(unwrap(encodeOpret(withField, 'x', d.fields))), HEX(last), 'encode reproduces the script');
  const bare = defineOpretSchema(0xe3, { x: [] });
  const r = decodeLastOpret(bare, tx);
  assert.ok(!r.ok && r.error.code === CcHostErrorCode.OPRET && r.error.rule === 'B10.3' && /trailing/.test(r.error.message));
});

test('B10.5: the Oracles fund opret is a 76-byte payload behind 6A 4C 4C', () => {
  const schema = defineOpretSchema(0xec, { F: [['oracletxid', 'uint256'], ['pk', 'pubkey'], ['amount', 'i64']] });
  const txid = sha256(utf8('oracle'));
  const s = unwrap(encodeOpret(schema, 'F', { oracletxid: txid, pk: pkA, amount: 10_000n }));
  assert.equal(HEX(s), `6A4C4CEC46${HEX(txid)}21${HEX(pkA)}1027000000000000`);
  assert.equal(unwrap(opretPayload(s)).length, 76);
  const d = unwrap(decodeOpret(schema, s));
  assert.deepEqual(d.fields, { oracletxid: txid, pk: pkA, amount: 10_000n });
});

test('B10.2: every codec at and past its bounds; strict UTF-8, pubkey prefix, minimal CompactSize', () => {
  const one = (codec: OpretCodec) => defineOpretSchema(0x70, { A: [['v', codec]] });
  const enc = (codec: OpretCodec, v: OpretValue) => encodeOpretPayload(one(codec), 'A', { v });
  const dec = (codec: OpretCodec, fieldHex: string) => decodeOpretPayload(one(codec), fromHex(`7041${fieldHex}`));
  const good: [OpretCodec, OpretValue, string][] = [
    ['u8', 255, 'FF'],
    ['i32', -1, 'FFFFFFFF'],
    ['i32', -2147483648, '00000080'],
    ['u32', 4294967295, 'FFFFFFFF'],
    ['i64', -(1n << 63n), '0000000000000080'],
    ['u64', (1n << 64n) - 1n, 'FFFFFFFFFFFFFFFF'],
    ['bytes', new Uint8Array(0), '00'],
    ['bytes', new Uint8Array(253), `FDFD00${'00'.repeat(253)}`],
    ['string', 'é', '02C3A9'],
    ['string', '\uFEFFa', '04EFBBBF61'],
    ['pubkey', pkA, `21${HEX(pkA)}`],
    ['uint256', new Uint8Array(32).fill(9), '09'.repeat(32)],
  ];
  for (const [codec, v, hex] of good) {
    assert.equal(HEX(unwrap(enc(codec, v))), `7041${hex}`, `${codec} encode`);
    assert.deepEqual(unwrap(dec(codec, hex)).fields['v'], v, `${codec} decode`);
  }
  const badValues: [OpretCodec, unknown][] = [
    ['u8', 256],
    ['u8', -1],
    ['u8', 1.5],
    ['i32', 2147483648],
    ['u32', -1],
    ['i64', 1n << 63n],
    ['i64', 5],
    ['u64', -1n],
    ['u64', 1n << 64n],
    ['bytes', 'x'],
    ['string', '\uD800'],
    ['string', new Uint8Array(1)],
    ['pubkey', new Uint8Array(33).fill(4)],
    ['pubkey', pkA.subarray(1)],
    ['uint256', new Uint8Array(31)],
  ];
  for (const [codec, v] of badValues) assert.equal(codeOf(enc(codec, v as OpretValue)), CcHostErrorCode.OPRET, `${codec} ${String(v)}`);
  const badBytes: [OpretCodec, string][] = [
    ['u8', ''],
    ['i32', 'FFFFFF'],
    ['u64', 'FF'],
    ['bytes', 'FD0500' + '00'.repeat(5)], // non-minimal CompactSize
    ['bytes', 'FE0000010000'],
    ['bytes', '05000000'], // runs past the end
    ['string', '02C328'], // invalid UTF-8
    ['string', '03EDA080'], // an encoded surrogate is not UTF-8
    ['pubkey', `20${HEX(pkA)}`],
    ['pubkey', `21${HEX(new Uint8Array(33).fill(4))}`],
    ['uint256', '00'.repeat(31)],
    ['u8', '0101'], // trailing byte
  ];
  for (const [codec, hex] of badBytes) assert.equal(codeOf(dec(codec, hex)), CcHostErrorCode.OPRET, `${codec} ${hex}`);
});

test('B10.1 / B10.3: layout, eval code, funcid and schema declaration errors', () => {
  const s = defineOpretSchema(0x70, { B: [['count', 'u32']] });
  assert.equal(codeOf(decodeOpretPayload(s, fromHex('714201000000'))), CcHostErrorCode.OPRET, 'another eval code');
  assert.equal(codeOf(decodeOpretPayload(s, fromHex('704301000000'))), CcHostErrorCode.OPRET, 'undeclared funcid');
  assert.equal(codeOf(decodeOpretPayload(s, fromHex('70'))), CcHostErrorCode.OPRET, 'too short');
  assert.equal(codeOf(encodeOpretPayload(s, 'C', {})), CcHostErrorCode.OPRET);
  assert.equal(codeOf(encodeOpretPayload(s, 'B', {})), CcHostErrorCode.OPRET, 'missing field');
  const payload = fromHex('704201000000');
  const script = unwrap(opretScript(payload));
  assert.equal(HEX(script), '6A06704201000000');
  assert.equal(codeOf(opretPayload(fromHex('6A4C06704201000000'))), CcHostErrorCode.OPRET, 'non-minimal push');
  assert.equal(codeOf(opretPayload(fromHex('6A0670420100000000'))), CcHostErrorCode.OPRET, 'bytes after the push');
  assert.equal(codeOf(opretPayload(fromHex('6A067042010000000101'))), CcHostErrorCode.OPRET, 'two pushes');
  assert.equal(codeOf(opretPayload(fromHex('51067042010000'))), CcHostErrorCode.OPRET, 'not OP_RETURN');
  assert.equal(unwrap(opretPayload(unwrap(opretScript(new Uint8Array(9996).fill(0x70))))).length, 9996);
  assert.equal(codeOf(opretScript(new Uint8Array(9997))), CcHostErrorCode.OPRET, 'script over 10,000 bytes (1 + 3 + 9997)');
  assert.equal(codeOf(decodeLastOpret(s, { outs: [] })), CcHostErrorCode.OPRET);
  for (const bad of [() => defineOpretSchema(0, {}), () => defineOpretSchema(0x70, { '1': [] }), () => defineOpretSchema(0x70, { AB: [] }), () => defineOpretSchema(0x70, { A: [['x', 'u8'], ['x', 'u8']] }), () => defineOpretSchema(0x70, { A: [['x', 'float' as OpretCodec]] }), () => defineOpretSchema(0x70, { A: [['__proto__', 'u8']] }), () => defineOpretSchema(0x70, { A: [['', 'u8']] })]) {
    assert.throws(bad, (e: CchostError) => e.code === CcHostErrorCode.OPRET_SCHEMA);
  }
});

test('CompactSize: minimal forms at each width boundary; non-minimal and truncated reads fail', () => {
  const cases: [number | bigint, string][] = [
    [0, '00'],
    [252, 'FC'],
    [253, 'FDFD00'],
    [65535, 'FDFFFF'],
    [65536, 'FE00000100'],
    [0xffffffff, 'FEFFFFFFFF'],
    [1n << 32n, 'FF0000000001000000'],
  ];
  for (const [n, hex] of cases) {
    assert.equal(HEX(writeCompactSize(n)), hex);
    const r = readCompactSize(fromHex(hex), 0);
    assert.ok(r.ok && r.value === BigInt(n) && r.end === hex.length / 2);
  }
  for (const hex of ['FDFC00', 'FEFFFF0000', 'FFFFFFFFFF00000000', 'FD01', '']) {
    assert.equal(readCompactSize(fromHex(hex), 0).ok, false, hex);
  }
});

test('signCcInput: typed errors for a non-CC script, another tree, a key not in the tree, and hash types', () => {
  const tree = cc1of1(0x70, pkA);
  const spk = ccOutputScript(tree);
  const tx = new Transaction();
  tx.addInput(Buffer.alloc(32, 1), 0);
  tx.addInput(Buffer.alloc(32, 2), 0);
  tx.addOutput(Buffer.from([0x51]), 1n);
  const key = sha256(utf8('sdk a'));
  assert.equal(codeOf(signCcInput(tx, 0, { tree, spentScript: fromHex('51'), privateKeys: [key] })), CcHostErrorCode.ARG);
  assert.equal(codeOf(signCcInput(tx, 2, { tree, spentScript: spk, privateKeys: [key] })), CcHostErrorCode.ARG);
  assert.equal(codeOf(signCcInput(tx, 0, { tree: cc1of1(0x71, pkA), spentScript: spk, privateKeys: [key] })), CcHostErrorCode.MISMATCH);
  assert.equal(codeOf(signCcInput(tx, 0, { tree: cc1of1(0x70, pkA), spentScript: spk, privateKeys: [sha256(utf8('sdk b'))] })), 'CC_THRESHOLD_UNMET');
  assert.equal(codeOf(signCcInput(tx, 0, { tree: cc1of1(0x70, pkA), spentScript: spk, privateKeys: [new Uint8Array(32)] })), CcHostErrorCode.ARG);
  assert.equal(codeOf(signCcInput(tx, 0, { tree: cc1of1(0x70, pkA), spentScript: spk, privateKeys: [key], hashType: 4 })), CcHostErrorCode.HASHTYPE);
  assert.equal(codeOf(signCcInput(tx, 1, { tree: cc1of1(0x70, pkA), spentScript: spk, privateKeys: [key], hashType: 3 })), CcHostErrorCode.HASHTYPE);
  const r = unwrap(signCcInput(tx, 0, { tree: cc1of1(0x70, pkA), spentScript: ccOutputScript(tree, { evalCode: 0x70 }), privateKeys: [key], hashType: 0x83 }));
  assert.equal(r.signed, 1);
  assert.equal(HEX(r.sighash), HEX(Uint8Array.from(tx.hashForSignature(0, Buffer.from(spk), 0x83))));
});

test('docs/cc.md worked example: JSON -> condition -> URI -> script -> address -> signed spend', () => {
  const key = moduleGlobalKey(0xe4, 'faucet');
  const json = {
    type: 'threshold-sha-256',
    threshold: 2,
    subfulfillments: [
      { type: 'eval-sha-256', code: '5A' },
      { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: toHex(key.publicKey) }] },
    ],
  };
  const tree = unwrap(fromJSON(json));
  const C = ccCondition(tree);
  assert.equal(HEX(C), 'A22C80200C1297DB42B64E5FD5B3777AAE347844BCD75C6FF62ADDE450337BD61B97B4A58103120C008203000401');
  assert.equal(HEX(C), HEX(ccCondition(cc1of1(0xe4, key.publicKey))));
  assert.equal(
    conditionToUri(unwrap(deriveCondition(tree))),
    'ni:///sha-256;DBKX20K2Tl_Vs3d6rjR4RLzXXG_2Kt3kUDN71huXtKU?fpt=threshold-sha-256&cost=1182720&subtypes=eval-sha-256,secp256k1-sha-256',
  );
  const script = ccOutputScript(C, { evalCode: 0xe4 });
  assert.equal(HEX(script), `2E${HEX(C)}CC0201E475`);
  assert.equal(ccAddress(C), 'RQsLmJeNZkUMah19K8F24YnwNbW2sxvuX5');
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.alloc(32, 0x11), 0, 0xffffffff);
  tx.addOutput(Buffer.from([0x51]), 90_000n);
  const signed = unwrap(signCcInput(tx, 0, { tree: unwrap(fromJSON(json)), spentScript: script, privateKeys: [key.privateKey] }));
  assert.equal(HEX(signed.sighash), 'FFEC899665722CE480C269C467F7BE9B845246B8E389AF94E07F3FAD19DA61F9');
  assert.deepEqual([signed.fulfillment.length, signed.scriptSig.length, HEX(signed.scriptSig.subarray(0, 2))], [120, 123, '4C79']);
});
